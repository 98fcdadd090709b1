"""Ask plugins for observations, one plugin at a time, and check every one.

Each plugin runs in a process of its own: it imports the plugin, declares
its metrics and collects, all within the timeout, and is killed when the
time is up, even in a loop that never lets go of the GIL. The processes are
forked from a fork server (``fork_server``), so a plugin starts in
milliseconds. Whatever it emits comes back to this process (``emit_relay``),
which checks it (``emit_checks``). A plugin that prints, exits (``sys.exit``,
``os._exit``), hangs or raises loses its whole contribution to the run, with the reason named; a
metric with any invalid observation is dropped whole, so a team's total
never silently misses a person. Everything else lands.

Only plugin objects registered in this process (``registered_plugin``,
``PluginHost.register``) run in a thread here instead: another process
cannot import them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

import attrs

from okrdesk.errors import Said, printable
from okrdesk.model import MetricSpec, Observation, Plan
from okrdesk.periods import DaysHeld, Period
from okrdesk.plugins.clashes import maybe_from, not_collected
from okrdesk.plugins.collect_progress import PartsProgress, Tracker
from okrdesk.plugins.emit_checks import MAX_MESSAGES_PER_METRIC, Checker, Keeper, PluginError
from okrdesk.plugins.emit_relay import Relay
from okrdesk.plugins.entry_points import EntryPoint, entry_points
from okrdesk.plugins.failures import NotedStream, describe_error, raised_at
from okrdesk.plugins.fork_server import process_context, safe_path, warm_up
from okrdesk.plugins.hookspecs import CollectRequest
from okrdesk.plugins.kept_state import in_the_plugins_own_process
from okrdesk.plugins.last_words import ask_where, last_words, leave_last_words
from okrdesk.plugins.lines_read import Reading, last_read, where_it_failed
from okrdesk.plugins.lines_read import forget as forget_lines_read
from okrdesk.plugins.manager import (
    BUILTIN_PLUGINS,
    PluginHost,
    PluginRecord,
    Prober,
    load_one,
)
from okrdesk.plugins.probe_cache import ProbeCache
from okrdesk.plugins.probed import Probed
from okrdesk.plugins.settings_read import setting_at_fault
from okrdesk.plugins.time_limit import DEFAULT_TIMEOUT, LONGER, TimeBudget, abandon, earlier
from okrdesk.signals_held import signals_held

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


def _more_warnings(count: int) -> Said:
    """What is said after a metric's first ``MAX_MESSAGES_PER_METRIC`` warnings of the
    ``count`` more it gave: dropped without a word, the rows they left out went untold."""
    plural = "s" if count > 1 else ""
    return Said(
        f"and {count} more warning{plural} of it, not shown: only the first "
        f"{MAX_MESSAGES_PER_METRIC} of a metric are",
        f"另有 {count} 条警告未列出：每个指标只列出前 {MAX_MESSAGES_PER_METRIC} 条",
    )


def _run_with_timeout(
    call: Callable[..., Any],
    request: CollectRequest,
    checker: Checker,
    timeout: float,
    stop: Callable[[], None] | None = None,
    limit: float | None = None,
    spent: float = 0.0,
) -> Said | None:
    """Run one plugin call in a worker thread; a message when it failed or hung. A call
    that can be stopped is stopped at the timeout; any other is left behind. ``limit``:
    the plugin's time for the whole command, of which the timeout is what is left after
    the ``spent`` seconds of its earlier calls (the words name it)."""
    outcome: list[BaseException] = []
    reading: list[Reading | None] = []
    shown = timeout if limit is None else limit
    before = earlier(spent)

    def work() -> None:
        forget_lines_read()
        try:
            call(request=request, emit=checker)
        except BaseException as error:
            outcome.append(error)
            reading.append(last_read())  # this thread's, which read the file

    worker = threading.Thread(target=work, name="okrdesk-plugin", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        checker.close()
        if stop is not None:
            # Each query it would start next is interrupted too, until it gives up.
            grace = time.monotonic() + _EXIT_GRACE
            while worker.is_alive() and time.monotonic() < grace:
                stop()
                worker.join(0.05)
            if worker.is_alive():
                abandon(worker)
            return Said(
                f"okrdesk_collect did not finish within {shown:g} s{before[0]}; its query was "
                "stopped" + LONGER[0],
                f"okrdesk_collect 在 {shown:g} 秒内{before[1]}未完成，其查询已停止" + LONGER[1],
            )
        abandon(worker)  # what it prints from now on is shown nowhere
        return Said(
            f"okrdesk_collect did not finish within {shown:g} s{before[0]} and was left behind"
            + LONGER[0],
            f"okrdesk_collect 在 {shown:g} 秒内{before[1]}未完成，已不再等它" + LONGER[1],
        )
    if outcome:
        # Even a KeyboardInterrupt: Python delivers Ctrl-C to the main thread, never to
        # this one, so one raised here is the plugin's own failure.
        return _failed(outcome[0], call, mistaken=(checker.plugin, request), reading=reading[0])
    return None


def _failed(
    error: BaseException,
    plugin: object | None,
    how: tuple[str, str] | None = None,
    *,
    mistaken: tuple[str, CollectRequest] | None = None,
    reading: Reading | None = None,
) -> Said:
    """A plugin's collect that raised: what it raised, as ``describe_error`` tells it, or
    for a call of ``emit`` with arguments it does not take, how to call it. Given the
    plugin's name and request (``mistaken``), a ``SettingsMistake`` is told as validate
    tells a setting's problem, at its key's line of okrdesk.toml (``mistake_told``), and
    the file it was ``reading`` through ``decoded_lines`` as it failed is named with the
    line (``where_it_failed``), and a setting its failing line read, at its line of
    okrdesk.toml (``setting_at_fault``)."""
    if mistaken is not None:
        from okrdesk.plugins.settings_checks import mistake_told

        name, request = mistaken
        told = mistake_told(error, request.workspace, name, request.settings)
        if told is not None:
            return told
    misused = (
        _emit_misused(error)
        if isinstance(error, TypeError)
        else _emit_lacks(error)
        if isinstance(error, AttributeError)
        else None
    )
    if misused is not None:
        try:
            place = raised_at(error, plugin, how)
        except Exception:  # the place is a help; the error must still be told
            place = None
        at = f" (at {place})" if place else ""
        return Said(f"okrdesk_collect failed: {misused.en}{at}",
                    f"okrdesk_collect 出错：{misused.zh}{at}")  # fmt: skip
    en, zh = (describe_error(error, plugin, how, lang=lang) for lang in ("en", "zh"))
    workspace = mistaken[1].workspace if mistaken else Path(".")
    line = where_it_failed(reading, error, workspace)
    if reading is None and not line.en:
        from okrdesk.plugins.csv_read_itself import csv_reading, opened_itself, row_found_again

        # Read with open() and csv, not decoded_lines: its own reader says where it was,
        # or, where the reader went with the loop, the row the loop was on.
        line = where_it_failed(csv_reading(error) or row_found_again(error), error, workspace)
        line = line if line.en else opened_itself(error, workspace)
    # A ValueError part-way through a file is the cell's, more likely than the setting's.
    setting = (
        Said("", "")
        if mistaken is None or (line.en and isinstance(error, ValueError))
        else setting_at_fault(error, mistaken[1].settings, mistaken[0], mistaken[1].workspace)
    )
    return Said(f"okrdesk_collect failed: {en}{line.en}{setting.en}",
                f"okrdesk_collect 出错：{zh}{line.zh}{setting.zh}")  # fmt: skip


_EMIT_METHODS = {"__call__": "emit", "many": "emit.many", "error": "emit.error",
                 "warning": "emit.warning", "finished": "emit.finished",
                 "covers": "emit.covers"}  # fmt: skip


def _emit_lacks(error: AttributeError) -> Said | None:
    """What a plugin is told for ``emit.NAME`` where ``emit`` has no NAME (``emit.warn``):
    Python names okrdesk's own class (``'Relay' object has no attribute 'warn'``)."""
    if not isinstance(getattr(error, "obj", None), Relay | Checker) or not error.name:
        return None
    import difflib

    methods = [called.partition(".")[2] for called in _EMIT_METHODS.values() if "." in called]
    close = difflib.get_close_matches(error.name, methods, n=1, cutoff=0.6)
    mean = (f' (did you mean "{close[0]}"?)', f"（是不是“{close[0]}”？）") if close else ("", "")
    listed = ", ".join(f"emit.{m}" for m in methods)
    return Said(f"emit has no {error.name}{mean[0]}: it has {listed}",
                f"emit 没有 {error.name}{mean[1]}：它有 {listed.replace(', ', '、')}")  # fmt: skip


def _emit_misused(error: TypeError) -> Said | None:
    """What a plugin is told for ``emit`` (or ``emit.many``, ``emit.error``, ...) called
    with arguments it does not take: Python names okrdesk's own class
    (``Relay.__call__() got an unexpected keyword argument 'metrc'``); the plugin's
    author needs the call as written, and what it takes. None for any other TypeError.
    Worked out here, once a call failed: ``emit`` itself checks nothing of the kind."""
    import inspect
    import re

    text = str(error.args[0]) if error.args else ""
    heads = {f"{cls.__qualname__}.{m}() ": m for cls in (Relay, Checker) for m in _EMIT_METHODS}
    head = next((head for head in heads if text.startswith(head)), None)
    if head is None:
        return None
    method = heads[head]
    called = _EMIT_METHODS[method]
    parameters = list(inspect.signature(getattr(Checker, method)).parameters.values())[1:]
    by_position = [p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
    keywords = [p.name for p in parameters if p.kind is p.KEYWORD_ONLY]
    wrong = text[len(head) :]
    takes = f"{called} takes {', '.join(by_position)} by position"
    takes_zh = f"{called} 按位置接受 {'、'.join(by_position)}"
    if keywords:
        takes += f", and the keywords {', '.join(keywords)}"
        takes_zh += f"，以及关键字参数 {'、'.join(keywords)}"
    unknown = re.fullmatch(r"got an unexpected keyword argument '(.+)'", wrong)
    # With a keyword beside them, Python says "but 5 positional arguments (and 1
    # keyword-only argument) were given".
    many = re.fullmatch(
        r"takes \d+ positional arguments? but \d+ (?:positional arguments? )?"
        r"(?:\(and \d+ keyword-only arguments?\) )?(?:was|were) given",
        wrong,
    )
    missing = re.fullmatch(r"missing \d+ required positional arguments?: (.+)", wrong)
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[1], keywords + by_position, n=1, cutoff=0.6)
        mean = (
            (f' (did you mean "{close[0]}"?)', f"（是不是“{close[0]}”？）") if close else ("", "")
        )
        said = (f"{called} was given the keyword {unknown[1]}, which it does not take{mean[0]}",
                f"{called} 不接受关键字参数 {unknown[1]}{mean[1]}")  # fmt: skip
    elif many:
        said = (f"{called} was given more arguments by position than it takes",
                f"{called} 收到的位置参数多于它接受的")  # fmt: skip
    elif missing:
        named = missing[1].replace("'", "")
        said = (f"{called} was not given {named}", f"{called} 缺少参数 {named}")
    else:
        said = (f"{called} {wrong}", f"{called} 调用有误：{wrong}")
    return Said(f"{said[0]}: {takes}", f"{said[1]}：{takes_zh}")


# ----------------------------------------------------- a process per plugin

_SHOWN_OUTPUT = 200
_EXIT_GRACE = 5.0


def _plugin_process(
    connection: Connection,
    name: str,
    how: tuple[str, str],
    settings: Mapping[str, Any],
    request: CollectRequest | None,
    folder: str,
    environment: Mapping[str, str] | None = None,
    host_pid: int | None = None,
) -> None:
    """What runs in the plugin's own process: load it, then collect (or, with no
    request, say what it declares), then say how it ended. It ends too when the
    okrdesk process ``host_pid`` is gone.

    ``folder`` is the process's own: what it prints goes to ``output`` there, and the
    temporary files the plugin makes go to ``t`` there, so that nothing is left
    behind whichever process is killed."""
    if host_pid is not None:
        _end_without(host_pid, folder)
    if environment is not None:
        # The fork server started with the environment of its time; the plugin gets
        # the caller's as it is now (a warehouse's URL may come from a variable).
        os.environ.clear()
        os.environ.update(environment)
    import tempfile

    scratch = os.path.join(folder, "t")
    os.environ["TMPDIR"] = tempfile.tempdir = scratch
    output = os.path.join(folder, "output")
    try:
        stream = os.open(output, os.O_WRONLY | os.O_APPEND)  # scratch: a temporary capture
    except FileNotFoundError:
        os._exit(1)  # okrdesk stopped while this process started, and took its folder

    os.dup2(stream, 1)
    os.dup2(stream, 2)
    plugin: object | None = None
    # What Python code prints (print, a warning, logging) is noted with the plugin's line.
    printing = NotedStream(
        open(  # noqa: SIM115 - lives as long as the process
            stream, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False
        ),
        lambda: plugin,
        how,
    )
    sys.stdout = sys.stderr = cast(TextIO, printing)
    relay = Relay(connection)
    failure: Said | None = None
    try:
        in_the_plugins_own_process()
        # Where it was, should it end the process with no word: a crash inside C, os._exit.
        leave_last_words(folder, lambda: plugin, how)
        host = load_one(name, how, settings)
        record = host.records[name]
        plugin = record.plugin
        calls = dict(host.implementations("okrdesk_collect"))
        changed = [] if request is None else _declared_otherwise(request, record.declared)
        if request is None:
            declared = Probed(record.errors, record.version, record.declared or [],
                              record.errors_zh, unknown=record.unknown,
                              undeclared=record.undeclared)  # fmt: skip
            connection.send(("declared", declared))
        elif record.unknown and changed:
            # Why it does not declare what was asked, rather than that it changed. What it
            # did declare before failing is collected: the failure is told as the plugin's.
            failure = _errors_of(record)
        elif changed:
            connection.send(("changed", changed))
        elif record.errors and name not in calls:
            failure = _errors_of(record)
        elif name not in calls:
            failure = _NO_HOOK
        else:
            # okrdesk's own sources check their settings as they collect, each metric alone.
            refused = Refusal()
            if how[0] != "module":
                # Stopped meanwhile, it is told as the check that did not finish.
                connection.send(("checking", True))
                refused = refusal(host.implementations("okrdesk_check_settings"), name, request)
                connection.send(("checking", False))
                if refused.unchecked is not None:
                    connection.send(("unchecked", *refused.unchecked))
            for metric, said in refused.metrics.items():
                relay.error(metric, said.en, zh=said.zh)
            if refused.whole is not None:
                failure = refused.whole
            else:
                forget_lines_read()
                calls[name](request=refused.request or request, emit=relay)
    except BaseException as error:
        failure = _failed(error, plugin, how, mistaken=None if request is None else (name, request),
                          reading=last_read())  # fmt: skip
    relay.flush()
    if printing.place is not None:
        with contextlib.suppress(OSError):
            note = Path(folder, PRINTED_AT)
            note.write_text(printing.place, encoding="utf-8")  # scratch: a temporary note
    connection.send(("done", failure))
    # Done: the process ends now, not once the threads the plugin started and left running
    # end, which multiprocessing would wait for, and okrdesk for it (``_EXIT_GRACE``).
    for written in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            written.flush()
    os._exit(0)


PRINTED_AT = "printed-at"
"""The file in a plugin process's folder naming the plugin's line that first printed."""


HOST_WATCH_SECONDS = 1.0
"""How often a plugin process looks whether the okrdesk process it works for is there."""


def _end_without(host_pid: int, folder: str) -> None:
    """End this plugin process once the okrdesk process ``host_pid`` is gone, removing
    ``folder``, the process's own, which the host would have removed. The host stops its
    plugins itself, except when it is killed outright (SIGKILL, the kernel's
    out-of-memory killer): then a plugin stuck in its work (a warehouse that never
    answers) would run on for ever, with no one to read what it sends."""

    def watch() -> None:
        while True:
            time.sleep(HOST_WATCH_SECONDS)
            try:
                os.kill(host_pid, 0)
            except ProcessLookupError:
                import shutil

                shutil.rmtree(folder, ignore_errors=True)
                os._exit(1)
            except PermissionError:
                continue  # there, and another user's: its number was given again

    threading.Thread(target=watch, name="okrdesk-host-watch", daemon=True).start()


@attrs.frozen
class Refusal:
    """What validate would refuse of a plugin's settings, for the metrics a collect asks:
    ``whole``, the plugin is refused; else ``metrics``, each metric refused (its check,
    asked of that metric alone, names a file that only some of them read), and
    ``request`` without them."""

    whole: Said | None = None
    metrics: Mapping[str, Said] = attrs.Factory(dict)
    request: CollectRequest | None = None
    unchecked: Said | None = None
    """How the check failed, the first time it did: the plugin collects on settings no
    one checked, which the collect says (validate warns of it the same way)."""


def check_stopped(limit: float, spent: float = 0.0, place: str | None = None) -> Said:
    """What a plugin whose settings check did not finish within ``limit`` (``spent`` of it
    gone to its earlier calls) is told, alike whether it ran in its own process (killed)
    or in this one (stopped); ``place``, the line of its code it was stopped at."""
    before = earlier(spent)
    at, at_zh = (f" at {place}", f"在 {place} 处") if place else ("", "")
    return Said(
        f"okrdesk_check_settings did not finish within {limit:g} s{before[0]} and was "
        f"stopped{at}, so nothing was collected from it" + LONGER[0],
        f"okrdesk_check_settings 在 {limit:g} 秒内{before[1]}未完成，已{at_zh}停止，因此未从它"
        "采集任何数据" + LONGER[1],
    )


def refusal(
    checks: Iterable[tuple[str, Callable[..., Any]]],
    name: str,
    request: CollectRequest,
    limit: float | None = None,
    budget: TimeBudget | None = None,
) -> Refusal:
    """What ``name``'s ``okrdesk_check_settings`` finds wrong with its settings (its
    defaults, with no table in okrdesk.toml) that ``validate`` refuses, in validate's words
    and at its lines. Asked once for every metric wanted; only when that finds something,
    again for each metric alone (the check leaves unread what the metrics it is given do
    not read), so that one export's header does not stop the metrics that never read it.
    The plugin is refused whole, in that first answer's words, unless some metrics are
    refused alone and the check, asked again of the others together, lets them through:
    what it refuses only together (two exports that must not be the same folder) is
    refused all the same. A check that fails is validate's warning, not a refusal, and
    the collect's too (``Refusal.unchecked``, said once); what it prints (a Python warning
    of a setting to be renamed) is left unsaid, as it would otherwise count as the plugin
    printing, and lose all it collects.

    With a ``limit``, the check (every time it is asked, all together) is stopped after
    that many seconds, as ``limited`` stops a plugin loaded in this process, and the
    plugin is refused whole (``check_stopped``): a plugin run in its own process has its
    check stopped with it, at the same limit, in the same words. With a ``budget``, the
    check has what is left of the plugin's (``limit`` its whole), and its time is charged
    to it, so that its collect has only the rest."""
    import io

    from okrdesk.plugins.settings_checks import checked, settings_refused
    from okrdesk.plugins.time_limit import OutOfTime, guard_streams, interrupted, limited

    check = dict(checks).get(name)
    if check is None:
        return Refusal()
    failed: list[Said] = []

    def refused(metrics: Iterable[str], *, one: bool = False) -> Said | None:
        try:
            answered = checked(check(settings=request.settings, workspace=request.workspace,
                                     metrics=frozenset(metrics), collecting=True))  # fmt: skip
        except OutOfTime:
            raise
        except BaseException as error:  # sys.exit() too, as validate takes it
            if (stopped := interrupted(error)) is not None:
                raise stopped from None
            if not failed:
                failed.append(_check_failed(error, check))
            return None
        return settings_refused(request.workspace, name, answered, request.settings, one=one)

    spent = 0.0 if budget is None else budget.spent(name)
    spending = contextlib.nullcontext(limit) if budget is None else budget.spending(name)
    printed = io.StringIO()  # validate shows it; collect leaves it unsaid
    try:
        # Redirected here, not in the check's own thread: a check left behind that ends
        # later must not put back a capture of this moment as the process's output.
        with (spending as left, contextlib.redirect_stdout(printed),
              contextlib.redirect_stderr(printed)):  # fmt: skip
            found = limited(left, lambda: _refusal(refused, request))
        return attrs.evolve(found, unchecked=failed[0]) if failed else found
    except OutOfTime:
        assert limit is not None
        return Refusal(check_stopped(limit, spent))
    finally:
        guard_streams()


def _check_failed(error: BaseException, check: Callable[..., Any]) -> Said:
    """What a collect says of a settings check that failed, in validate's words."""
    from okrdesk.plugins.failures import describe_error

    told, told_zh = (describe_error(error, check, lang=lang) for lang in ("en", "zh"))
    return Said(
        f"okrdesk_check_settings failed: {told}; its settings went unchecked, and it "
        "collected on them",
        f"okrdesk_check_settings 出错：{told_zh}；其设置未经检查，仍按其采集",
    )


def _refusal(refused: Callable[..., Said | None], request: CollectRequest) -> Refusal:
    """``refusal``'s answer, from ``refused``: the check's refusal of some metrics."""
    wanted = [spec.name for spec in request.metrics]
    whole = refused(wanted)
    if whole is None or len(wanted) < 2:
        return Refusal(whole)
    alone = {metric: said for metric in wanted if (said := refused([metric], one=True))}
    left = [metric for metric in wanted if metric not in alone]
    # Only what the check lets through together is collected: a check that refuses the
    # metrics together and none alone (or the rest together) refused them all the same.
    if not alone or not left or (len(left) > 1 and refused(left) is not None):
        return Refusal(whole)
    rest = tuple(spec for spec in request.metrics if spec.name not in alone)
    return Refusal(None, alone, attrs.evolve(request, metrics=rest))


def _errors_of(record: PluginRecord) -> Said:
    """The errors a plugin gave while loading, in both languages."""
    zh = [record.errors_zh.get(error, error) for error in record.errors]
    return Said("; ".join(record.errors), "；".join(zh))


def _declared_otherwise(request: CollectRequest, declared: list[MetricSpec] | None) -> list[str]:
    """The metrics asked for that the plugin, loaded afresh, does not declare as asked:
    what okrdesk learned of it (a probe's answer kept from an earlier collect) is out of
    date, so the figures would be checked against metrics it no longer has."""
    now = {spec.name: spec for spec in declared or ()}
    return sorted(spec.name for spec in request.metrics if now.get(spec.name) != spec)


@attrs.define
class _Outcome:
    failure: Said | None = None
    declared: Probed | None = None
    changed: list[str] | None = None
    checking: bool = False
    """Whether the plugin's ``okrdesk_check_settings`` was running when last heard."""


def _run_in_process(
    name: str,
    how: tuple[str, str],
    settings: Mapping[str, Any],
    request: CollectRequest | None,
    checker: Checker | None,
    timeout: float,
    limit: float | None = None,
    spent: float = 0.0,
) -> _Outcome:
    """Run one plugin in a process of its own, stopped at ``timeout``; a failure when it
    failed, hung, exited or printed. ``limit`` and ``spent``: as ``_run_with_timeout``
    words them."""
    warm_up()
    context = process_context()
    import tempfile

    # Short names: a plugin's own Unix sockets go under the folder, and a socket's path
    # has room for about a hundred characters.
    with tempfile.TemporaryDirectory(prefix="okrdesk-", ignore_cleanup_errors=True) as folder:
        output = Path(folder) / "output"
        output.touch()  # scratch: a temporary capture
        (Path(folder) / "t").mkdir()
        receiving, sending = context.Pipe(duplex=False)
        if request is not None:
            _widen(receiving)
        process = context.Process(
            target=_plugin_process, name=f"okrdesk-plugin-{name}", daemon=True,
            args=(sending, name, how, settings, request, folder,
                  dict(os.environ), os.getpid()),
        )  # fmt: skip
        outcome = _Outcome()
        finished: bool | None = False
        try:
            # Started inside: an interruption (Ctrl-C, SIGTERM) while it starts still
            # stops it, before its folder goes. Taken once it has started: one that cut
            # the start in two left the process forked for it waiting for what it runs,
            # which printed an EOFError traceback as okrdesk ended.
            with safe_path(), signals_held():
                process.start()
            sending.close()
            finished = _receive(receiving, process, checker, timeout, outcome)
            if finished:
                process.join(_EXIT_GRACE)  # let it flush what it printed on the way out
        finally:
            if process.pid is not None:
                if process.is_alive():
                    if finished is None:  # out of time: where it was, before it is stopped
                        ask_where(process.pid, folder)
                    process.kill()
                process.join()
            sending.close()
            receiving.close()
        printed = output.read_bytes()
        place = Path(folder, PRINTED_AT)
        printed_at = place.read_text(encoding="utf-8") if place.exists() else None
        code = process.exitcode
        # Where it was: stopped at its time limit, or ended with no word.
        ended_at = None if finished else last_words(
            folder, how, stack=finished is None or (code is not None and code < 0)
        )  # fmt: skip
    step, step_zh = ("okrdesk_collect",) * 2 if request is not None else ("loading", "加载")
    if outcome.checking:  # it ended, or was stopped, in its settings check
        step = step_zh = "okrdesk_check_settings"
    whole = timeout if limit is None else limit
    if outcome.changed:
        # Every kept answer goes: the next collect probes each plugin afresh.
        ProbeCache().forget()
        changed = ", ".join(outcome.changed)
        outcome.failure = Said(
            f"declares {changed} otherwise than when okrdesk last probed it (its kept answer "
            "is now dropped); nothing was collected from it: run collect again",
            f"对 {changed} 的声明与 okrdesk 上次探查时不同（上次的记录已作废）；"
            "本次未从它采集：请再运行一次 collect",
        )
    elif finished is None and outcome.checking:
        outcome.failure = check_stopped(whole, spent, ended_at)
    elif finished is None:
        before = earlier(spent)
        at, at_zh = (f" at {ended_at}", f"在 {ended_at} 处") if ended_at else ("", "")
        outcome.failure = Said(
            f"{step} did not finish within {whole:g} s{before[0]}; its process was stopped{at}"
            + LONGER[0],
            f"{step_zh} 在 {whole:g} 秒内{before[1]}未完成，其进程已{at_zh}停止" + LONGER[1],
        )
    elif not finished:
        said = _excerpt(printed)
        ended = Said(
            f"its process ended during {step} (exit code {code}; a plugin must not call "
            "sys.exit or os._exit)",
            f"其进程在 {step_zh} 期间退出（退出码 {code}；插件不得调用 sys.exit 或 os._exit）",
        )
        if code is not None and code < 0:
            ended = _ended_by_signal(-code, step, step_zh)
        at, at_zh = (f" (at {ended_at})", f"（位于 {ended_at}）") if ended_at else ("", "")
        outcome.failure = Said(
            ended.en + at + (f"; it printed: {said}" if said else ""),
            ended.zh + at_zh + (f"；它输出了：{said}" if said else ""),
        )
    elif outcome.failure is None and printed.strip():
        shown = _excerpt(printed)
        outcome.failure = Said(
            f"printed to standard output or error ({len(printed):,} bytes), which a plugin "
            f"must not do; what it had not finished was not kept: {shown}"
            + (f" (at {printed_at})" if printed_at else ""),
            f"向标准输出或标准错误写了内容（{len(printed):,} 字节），插件不得如此；"
            f"其尚未完成的数字未入库：{shown}" + (f"（位于 {printed_at}）" if printed_at else ""),
        )
    return outcome


_CRASHES = frozenset({"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE"})
"""The signals a process is ended by when code in C it runs goes wrong."""


def _ended_by_signal(number: int, step: str, step_zh: str) -> Said:
    """A plugin's process ended by signal ``number`` during ``step``, as a branch
    manager (and the plugin's author) would want it told."""
    import signal

    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    if name in _CRASHES:
        return Said(f"its process crashed during {step} ({name}: a fault in code written in C "
                    "that it runs, its own or a library's)",
                    f"其进程在 {step_zh} 期间崩溃（{name}：它运行的 C 代码出错，"
                    "它自己的或某个库的）")  # fmt: skip
    if name == "SIGABRT":
        return Said(f"its process crashed during {step} (SIGABRT: it aborted itself, as code "
                    "in C does when one of its checks fails, or Python's os.abort())",
                    f"其进程在 {step_zh} 期间崩溃（SIGABRT：进程自行中止，C 代码自检失败"
                    "或调用 Python 的 os.abort() 时如此）")  # fmt: skip
    if name == "SIGKILL":
        return Said(f"its process was killed during {step} (SIGKILL: by itself, by someone, or "
                    "by the system when memory ran short)",
                    f"其进程在 {step_zh} 期间被强行终止（SIGKILL：它自己、他人，"
                    "或系统在内存不足时所为）")  # fmt: skip
    return Said(f"its process was ended during {step} by {name}",
                f"其进程在 {step_zh} 期间被 {name} 信号终止")  # fmt: skip


_PIPE_BYTES = 1 << 20
"""How much a plugin may send before it waits for okrdesk to read (Linux's default most
for a pipe; 64 KiB otherwise)."""


def _widen(connection: Connection) -> None:
    """Let the pipe hold ``_PIPE_BYTES``: a plugin hands a batch over in one write while
    okrdesk stores a metric, rather than a write per 64 KiB, each waiting for the thread
    that reads (``_Inbox``) to get its turn."""
    import fcntl

    with contextlib.suppress(AttributeError, OSError):  # not Linux, or over a user's limit
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _receive(
    connection: Connection,
    process: Any,
    checker: Checker | None,
    timeout: float,
    outcome: _Outcome,
) -> bool | None:
    """Take what the plugin sends until it is done: True when it said so, False when its
    process ended first, None when time ran out."""
    # Read ahead where this thread stores finished metrics between messages.
    early = (
        checker is not None and checker.keep is not None and checker.home == threading.get_ident()
    )
    inbox = _Inbox(connection, read_ahead=early)
    try:
        return _take_messages(inbox, process, checker, timeout, outcome)
    finally:
        inbox.close()


def _take_messages(
    inbox: _Inbox,
    process: Any,
    checker: Checker | None,
    timeout: float,
    outcome: _Outcome,
) -> bool | None:
    deadline = time.monotonic() + timeout
    while True:
        # Time this process spent storing finished metrics is not the plugin's.
        remaining = deadline + (checker.storing if checker else 0.0) - time.monotonic()
        if remaining <= 0:
            if checker is not None:
                checker.close()
            return None  # killed by the caller, once it has asked where it was
        message = inbox.get(min(remaining, 0.5))
        if message is None:
            if not process.is_alive() and inbox.ended():
                return False
            continue
        if message is _ENDED:
            return False
        kind = message[0]
        if kind == "emit" and checker is not None:
            checker.take(message[1])
        elif kind == "many" and checker is not None:
            checker.take_columns(message[1], message[2])
        elif kind == "error" and checker is not None:
            checker.error(message[1], message[2], zh=message[3])
        elif kind == "warning" and checker is not None:
            checker.warning(message[1], message[2], zh=message[3])
        elif kind == "unchecked" and checker is not None:
            checker.unchecked = Said(message[1], message[2])
        elif kind == "finished" and checker is not None:
            checker.finished(message[1])
        elif kind == "covers" and checker is not None:
            checker.covers(message[1], message[2], message[3])
        elif kind == "declared":
            outcome.declared = message[1]
        elif kind == "changed":
            outcome.changed = message[1]
        elif kind == "checking":
            outcome.checking = message[1]
        elif kind == "done":
            outcome.failure = message[1]
            return True


_ENDED: Any = object()
"""What ``_Inbox.get`` gives once the plugin's end of the pipe is closed."""
_READ_AHEAD = 32
"""Messages (each up to ``_BATCH`` or ``_MANY_BATCH`` figures) read ahead at most."""


class _Inbox:
    """The plugin's messages, as they come. With ``read_ahead``, a thread reads the pipe
    meanwhile, so that while this process stores a finished metric the plugin never
    waits on a full pipe (64 KiB) to hand over the next one: it goes on computing."""

    def __init__(self, connection: Connection, *, read_ahead: bool) -> None:
        self._connection = connection
        self._queue: queue.Queue[bytes | None] | None = None
        if read_ahead:
            self._queue = queue.Queue(_READ_AHEAD)
            self._stop = threading.Event()
            self._reader = threading.Thread(target=self._read, name="okrdesk-receive", daemon=True)
            self._reader.start()

    def get(self, wait: float) -> Any:
        """The next message; None when none came within ``wait`` seconds; ``_ENDED``
        when the plugin's end of the pipe is closed."""
        if self._queue is None:
            if not self._connection.poll(wait):
                return None
            try:
                return self._connection.recv()
            except (EOFError, OSError):
                return _ENDED
        try:
            raw = self._queue.get(timeout=wait)
        except queue.Empty:
            return None
        if raw is None:
            return _ENDED
        from multiprocessing.reduction import ForkingPickler

        return ForkingPickler.loads(raw)

    def ended(self) -> bool:
        """Once the plugin's process has ended: whether nothing it sent is left to take."""
        if self._queue is None:
            return not self._connection.poll(0)
        self._reader.join(1.0)  # it reads to the end of the pipe, then stops
        return self._queue.empty()

    def close(self) -> None:
        if self._queue is None:
            return
        self._stop.set()
        while self._reader.is_alive():  # it may wait for room to queue what it read
            with contextlib.suppress(queue.Empty):
                self._queue.get_nowait()
            self._reader.join(0.05)

    def _read(self) -> None:
        assert self._queue is not None
        while not self._stop.is_set():
            raw: bytes | None
            try:
                if not self._connection.poll(0.05):
                    continue
                raw = self._connection.recv_bytes()
            except (EOFError, OSError):
                raw = None
            while not self._stop.is_set():
                try:
                    self._queue.put(raw, timeout=0.05)
                    break
                except queue.Full:
                    continue
            if raw is None:
                return


def prober(
    timeout: float,
    sources: Mapping[str, Mapping[str, Any]] | None = None,
    cache: ProbeCache | None = None,
    mentioned: Callable[[set[str]], bool] | None = None,
) -> Prober:
    """Load plugins each in a process of their own, to learn what they declare without
    importing them here, stopped at ``timeout``. An installed plugin's clean answer is
    kept in ``cache`` (the user's cache folder by default, ``probe_cache``) and given
    again, with no process, while nothing it depends on changed. With the workspace's
    ``sources``, the engines of an SQL source that will collect in this process are
    imported meanwhile.

    The fork server is started at once when a plugin will be probed, or when
    ``mentioned`` (a guess from the workspace's files, before its plan is read) says
    the plan names a metric a kept answer declares: the collect will then run that
    plugin in a process, and the server starts while this process reads the plan."""
    settings_of = sources or {}
    sql = settings_of.get(SPLIT_BY_METRIC)
    if sql and _runs_here(SPLIT_BY_METRIC, BUILT_IN_SQL, sql):
        # While this process reads the workspace, or waits for the plugins it probes.
        threading.Thread(target=_import_sql_engines, name="okrdesk-imports", daemon=True).start()
    cache = cache if cache is not None else ProbeCache()
    kept = [
        cache.get(cache.key(entry, settings_of.get(entry.name, {})))
        for entry in _installed_plugins()
    ]
    declared = {spec.name for probed in kept if probed is not None for spec in probed.declared}
    if None in kept or (mentioned is not None and declared and mentioned(declared)):
        warm_up()

    def probe(
        name: str,
        how: tuple[str, str],
        settings: Mapping[str, Any],
        installed: EntryPoint | None = None,
    ) -> Probed:
        key = None
        if installed is not None and how == ("entry", installed.value):
            key = cache.key(installed, settings)
            kept = cache.get(key)
            if kept is not None:
                return kept
        outcome = _run_in_process(name, how, settings, None, None, timeout)
        if outcome.declared is None or outcome.failure is not None:
            errors = list(outcome.declared.errors) if outcome.declared else []
            failed = outcome.failure or Said("it declared nothing", "它什么也没有声明")
            return Probed([*errors, failed.en], "", [], {failed.en: failed.zh}, unknown=True)
        cache.put(key, outcome.declared)
        return outcome.declared

    return probe


def warm_up_for(host: PluginHost, metrics: Iterable[str]) -> None:
    """Start the fork server now when collecting ``metrics`` will run a plugin in a
    process of its own: so it starts while this process opens the store, not when the
    first plugin process is due. A collect whose plugins all run here starts none."""
    for plugin in sorted({host.owners[m] for m in metrics if m in host.owners}):
        how = host.records[plugin].how
        if how is not None and not _runs_here(plugin, how, _settings(host, plugin)):
            warm_up()
            return


def _excerpt(printed: bytes) -> str:
    text = printable(printed.decode("utf-8", "backslashreplace").strip())
    return text if len(text) <= _SHOWN_OUTPUT else text[:_SHOWN_OUTPUT] + "…"


@attrs.define
class Collected:
    observations: list[Observation] = attrs.Factory(list)
    """Every sound observation, when ``collect`` was given nowhere to keep them."""
    stored: int = 0
    """How many observations ``keep`` stored, when it was given."""
    errors: list[PluginError] = attrs.Factory(list)
    warnings: list[PluginError] = attrs.Factory(list)
    """What did not stop a metric but should be known (rows left out): shown, not failed."""
    plugin_of: dict[str, str] = attrs.Factory(dict)
    """metric → plugin, for each metric that was collected whole."""
    days_held: dict[str, DaysHeld] = attrs.Factory(dict)
    """metric → the days its source holds, where its plugin said so (``emit.covers``)."""


def _unprovided(
    metric: str, declared_by: list[str] | None, unloaded: Sequence[str], named_by: str | None
) -> PluginError:
    """The error of a metric the plan needs and no plugin provides: none declares it, or
    several do (``declared_by``) and so none may. The plugins whose metrics are unknown
    (``unloaded``) are named, as validate names them: the metric is most likely theirs,
    and their own error, told beside it, is what to fix; ``named_by``, the one of them
    whose code writes the metric's name (``named_in_code``), alone."""
    if declared_by:
        return PluginError("-", metric, *not_collected(declared_by))
    if named_by is not None:
        return PluginError(
            "-",
            metric,
            f"not provided by any loaded plugin: plugin {named_by}, whose code names it, "
            "failed to load; mend the error told of it",
            f"没有任何已加载的插件提供：插件 {named_by} 的代码写有这个名字，但它加载失败；"
            "请先修正该插件的错误",
        )
    maybe, maybe_zh = maybe_from(unloaded)
    return PluginError(
        "-",
        metric,
        f"not provided by any loaded plugin{maybe}",
        f"没有任何已加载的插件提供{maybe_zh}",
    )


def _named_by_unloaded(host: PluginHost, unloaded: Sequence[str]) -> dict[str, str]:
    """metric name → the plugin that did not load whose code writes it (read as text)."""
    if not unloaded:
        return {}
    from okrdesk.plugins.named_in_code import names_in_code

    return {m: name for name in reversed(unloaded) for m in names_in_code(host.records[name].how)}


def collect(
    host: PluginHost,
    plan: Plan,
    metrics: Iterable[str],
    periods: Iterable[Period],
    through: dt.date,
    workspace: Path,
    progress: PartsProgress | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int = 1,
    keep: Keeper | None = None,
) -> Collected:
    """Collect ``metrics`` over ``periods`` from the plugins that declare them.

    ``progress`` hears when each plugin starts and when it is done. A
    plugin that has not returned after ``timeout`` seconds is reported and
    left behind; whatever it emits later is ignored. The ``timeout`` is the plugin's
    for the whole command (``host.budget``): what it spent loading (in this process,
    or probed in its own), on its settings check, and on an earlier collect of the
    command (another grain) is not given again. With ``jobs`` above 1, up
    to that many plugin processes run at once (the SQL source on a warehouse
    is split by metric too); the result is the same as one at a time.

    Each call's checked observations wait in a spool until it has ended. With ``keep``,
    each call that succeeded hands its sound metrics (metric → plugin) and their
    observations, grouped by metric, subject and period, to ``keep`` (which stores
    them and says how many); without it they are gathered in ``observations``.
    Figures travel as plain rows (``SpooledRow``) from the check to the store.

    A metric the plugin says it has finished (``emit.finished``) goes to ``keep`` at
    once, alone, while the plugin computes the next one, when the plugin's process is
    heard in this thread (one call at a time; ``keep`` is called in no other thread).
    It stays stored even if the call then fails.
    """
    host.load()
    periods = tuple(periods)
    wanted: dict[str, list[MetricSpec]] = {}
    result = Collected()
    # A metric a plugin said it could not declare (a broken SQL definition) is told as
    # that plugin's error, at its line, not again as provided by none.
    undeclared = frozenset().union(*(r.undeclared for r in host.records.values()))
    unloaded = host.unloaded()
    named = _named_by_unloaded(host, unloaded)
    for metric in sorted(set(metrics)):
        owner = host.owners.get(metric)
        if owner is None:
            if metric in undeclared and metric not in host.clashes:
                continue
            result.errors.append(
                _unprovided(metric, host.clashes.get(metric), unloaded, named.get(metric))
            )
        else:
            wanted.setdefault(owner, []).append(host.metrics[metric])
    implementations = dict(host.implementations("okrdesk_collect"))
    checks = host.implementations("okrdesk_check_settings")
    subjects = frozenset(p.id for p in plan.people) | frozenset(u.id for u in plan.units)
    names = tuple((p.id, p.name) for p in plan.people) + tuple((u.id, u.name) for u in plan.units)
    home = threading.get_ident()  # the thread ``keep`` may be called in
    budget = host.budget.limited(timeout)
    parts: list[_Part] = []
    for plugin, specs in wanted.items():
        how = host.records[plugin].how
        call = implementations.get(plugin)
        if call is None and how is None:
            parts.append(_Part(plugin, specs, failure=_NO_HOOK))
            continue
        settings = _settings(host, plugin)
        if _runs_here(plugin, how, settings):
            how, call = None, _SqlHere()
        for share in _split(plugin, specs, settings, jobs if how is not None else 1):
            request = CollectRequest(
                metrics=tuple(share), people=plan.people, units=plan.units, periods=periods,
                through=through, settings=settings, workspace=workspace,
            )  # fmt: skip
            checker = Checker(
                plugin, {s.name: s for s in share}, subjects, frozenset(p.id for p in periods),
                frozenset(host.metrics), names, keep=keep, home=home,
            )  # fmt: skip
            # okrdesk's own sources check their settings as they collect, each metric alone.
            own = host.records[plugin].location in BUILTIN_PLUGINS.values()
            refused = Refusal() if how is not None or own or isinstance(call, _SqlHere) else (
                refusal(checks, plugin, request, timeout, budget))  # fmt: skip
            for metric, said in refused.metrics.items():
                checker.error(metric, said.en, zh=said.zh)
            checker.unchecked = refused.unchecked
            parts.append(_Part(plugin, share, refused.request or request, checker, how, call,
                               refused.whole))  # fmt: skip
    try:
        _run_parts(parts, budget, jobs, Tracker(parts, progress) if progress else None)
        for part in parts:
            part.merge_into(result, keep)
            if part.checker is not None:
                part.checker.spool.close()  # each plugin's spool gone once it is stored
    finally:
        for part in parts:
            if part.checker is not None:
                part.checker.spool.close()
    return result


_NO_HOOK = Said("declares metrics but has no okrdesk_collect hook",
                "声明了指标，却没有 okrdesk_collect 钩子")  # fmt: skip
SPLIT_BY_METRIC = "sql"
"""The built-in plugin whose metrics are independent queries: with a warehouse
connection, ``jobs`` splits its metrics over several processes, each querying the
server, instead of one process running them in turn."""


BUILT_IN_SQL = ("module", "okrdesk.plugins.sql_metrics")


def _on_server(settings: Mapping[str, Any]) -> bool:
    return settings.get("connection") is not None or settings.get("connection_env") is not None


def _runs_here(plugin: str, how: tuple[str, str] | None, settings: Mapping[str, Any]) -> bool:
    """Whether the plugin collects in okrdesk's own process: only the built-in SQL source
    over files or an SQLite database. Its queries are data (one SELECT each, on a
    connection that can open no other file, or read-only), not code the user's consent
    is needed for, and they can be interrupted at the timeout; a new process would only
    add its start and the trip of every figure through a pipe. On a warehouse it keeps
    its processes, which ``jobs`` runs side by side."""
    return plugin == SPLIT_BY_METRIC and how == BUILT_IN_SQL and not _on_server(settings)


def _installed_plugins() -> list[EntryPoint]:
    """The installed plugins that will load, which are probed unless their answer is
    kept. A collect of okrdesk's own SQL source alone probes none."""
    from okrdesk.plugins.manager import ALLOW_ENV, ENTRY_POINT_GROUP

    found = entry_points(ENTRY_POINT_GROUP)
    raw = os.environ.get(ALLOW_ENV)
    if raw is None:
        return found
    allowed = {n.strip() for n in raw.split(",")}
    return [entry for entry in found if entry.name in allowed]


def _import_sql_engines() -> None:
    # Not sqlglot: the SQL source reads a query with it only when the query is new to
    # its cache (sql_query_cache), and imports it then.
    with contextlib.suppress(ImportError):
        from okrdesk.plugins import sql_collect, sql_engine  # noqa: F401


class _SqlHere:
    """The built-in SQL source's ``okrdesk_collect``, run in this process and stoppable."""

    def __init__(self) -> None:
        from okrdesk.plugins.sql_collect import Stop

        self.stop = Stop()

    def __call__(self, request: CollectRequest, emit: Checker) -> None:
        from okrdesk.plugins.sql_collect import collect as collect_sql

        collect_sql(request, emit, self.stop)


def _split(
    plugin: str, specs: list[MetricSpec], settings: Mapping[str, Any], jobs: int
) -> list[list[MetricSpec]]:
    if plugin != SPLIT_BY_METRIC or jobs <= 1 or not _on_server(settings) or len(specs) < 2:
        return [specs]
    count = min(jobs, len(specs))
    return [specs[i::count] for i in range(count)]


@attrs.define
class _Part:
    """One plugin call (a plugin, or a share of its metrics) and what came of it."""

    plugin: str
    specs: list[MetricSpec]
    request: CollectRequest | None = None
    checker: Checker | None = None
    how: tuple[str, str] | None = None
    call: Callable[..., Any] | None = None
    failure: Said | None = None
    left: float | None = None
    """The seconds the plugin has left of its time for the command; None: the whole."""
    spent: float = 0.0
    """The seconds of it its earlier calls took."""
    took: float = 0.0

    def run(self, timeout: float) -> None:
        """Run the call, stopped at what is left of the plugin's ``timeout``."""
        assert self.request is not None and self.checker is not None
        seconds = timeout if self.left is None else self.left
        start = time.monotonic()
        try:
            if self.how is None and self.call is not None:
                stop = self.call.stop if isinstance(self.call, _SqlHere) else None
                self.failure = _run_with_timeout(self.call, self.request, self.checker,
                                                 seconds, stop, timeout, self.spent)  # fmt: skip
            else:
                assert self.how is not None
                self.failure = _run_in_process(
                    self.plugin, self.how, self.request.settings, self.request, self.checker,
                    seconds, timeout, self.spent,
                ).failure  # fmt: skip
        finally:
            self.took = time.monotonic() - start

    def merge_into(self, result: Collected, keep: Keeper | None = None) -> None:
        kept = self.checker.kept if self.checker is not None else {}
        result.stored += self.checker.stored if self.checker is not None else 0
        if self.checker is not None and self.checker.unchecked is not None:
            # Once for the plugin, however many processes its metrics were shared over.
            told = PluginError(self.plugin, None, *self.checker.unchecked)
            if told not in result.warnings:
                result.warnings.append(told)
        result.plugin_of.update(kept)
        if self.checker is not None:
            result.days_held.update(self.checker.days_held())
            # What it warned of (rows it could not read) is as much to fix as what failed.
            result.warnings.extend(PluginError(self.plugin, m, *s) for m, s in self.checker.warned)
            result.warnings.extend(
                PluginError(self.plugin, metric, *_more_warnings(count))
                for metric, count in sorted(self.checker.unshown.items())
            )
        if self.failure is not None:
            # What it finished was complete and sound, and stays stored.
            done, done_zh = ", ".join(sorted(kept)), "、".join(sorted(kept))
            also = Said(f" (stored before it ended: {done})", f"（结束前已入库：{done_zh}）")
            en, zh = self.failure
            if kept:
                en, zh = en + also.en, zh + also.zh if zh else ""
            error = PluginError(self.plugin, None, en, zh)
            if error not in result.errors:
                result.errors.append(error)
            return
        assert self.checker is not None
        errors = self.checker.results()
        result.errors.extend(errors)
        failed = {e.metric for e in errors}
        sound = {s.name: self.plugin for s in self.specs if s.name not in failed | kept.keys()}
        result.plugin_of.update(sound)
        if keep is None:
            result.observations.extend(self.checker.spool.observations(sound))
        elif sound:
            result.stored += keep(sound, self.checker.spool.rows(sound, grouped=True))


def _run_parts(
    parts: list[_Part], budget: TimeBudget, jobs: int, tracker: Tracker | None = None
) -> None:
    """Run every part: those in a process of their own (and the built-in SQL source,
    whose engine works outside the GIL) up to ``jobs`` at once, those registered in this
    process one after another here. Each has what is left of its plugin's ``budget``;
    the shares of one plugin that run side by side are charged the longest's time."""
    assert budget.limit is not None
    timeout = budget.limit
    for part in parts:
        part.left, part.spent = budget.left(part.plugin), budget.spent(part.plugin)
    try:
        _run_all(parts, timeout, jobs, tracker)
    finally:
        took: dict[str, float] = {}
        for part in parts:
            took[part.plugin] = max(took.get(part.plugin, 0.0), part.took)
        for plugin, seconds in took.items():
            budget.charge(plugin, seconds)


def _run_all(parts: list[_Part], timeout: float, jobs: int, tracker: Tracker | None) -> None:
    if tracker is not None:
        for part in parts:
            if part.failure is not None:  # nothing to run: done at once
                tracker.run(part, timeout)

    def run(part: _Part, timeout: float) -> None:
        (tracker.run if tracker is not None else _Part.run)(part, timeout)

    waiting = [p for p in parts if p.failure is None]
    here = [p for p in waiting if p.how is None and not isinstance(p.call, _SqlHere)]
    spawned = [p for p in waiting if p not in here]
    if jobs <= 1 or len(spawned) <= 1:
        for part in waiting:
            run(part, timeout)
        return
    for part in here:
        run(part, timeout)
    # Threads only wait: each part's work happens in its own spawned process, or in
    # DuckDB or SQLite, which let go of the GIL.
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(
        max_workers=jobs, thread_name_prefix="okrdesk-collect"
    ) as pool:
        for done in [pool.submit(run, part, timeout) for part in spawned]:
            done.result()


def _settings(host: PluginHost, plugin: str) -> Mapping[str, Any]:
    return host.sources.get(plugin, {})


__all__ = ["Collected", "PluginError", "collect", "prober", "warm_up_for"]
