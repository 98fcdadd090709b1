"""Ask plugins for observations, one plugin at a time, and check every one.

Each plugin runs in a process of its own: it imports the plugin, declares
its metrics and collects, all within the timeout, and is killed when the
time is up, even in a loop that never lets go of the GIL. The processes are
forked from a fork server: a fresh interpreter started once per command,
which has imported okrdesk's own modules and nothing of the plugins, holds
no thread and no database, and takes the caller's environment and folder
with each request. A plugin thus starts in milliseconds instead of paying
for a new interpreter each time (``spawn``, still used where there is no
fork server). Whatever it emits comes back to this process, which checks
it. A plugin that prints, exits (``sys.exit``, ``os._exit``), hangs or
raises loses its whole contribution to the run, with the reason named; a
metric with any invalid observation is dropped whole, so a team's total
never silently misses a person. Everything else lands.

Only plugin objects registered in this process (``registered_plugin``,
``PluginHost.register``) run in a thread here instead: another process
cannot import them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import itertools
import math
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

import attrs

from okrdesk.errors import Said, printable
from okrdesk.model import (
    SLICE_SEPARATOR,
    MetricKind,
    MetricSpec,
    Observation,
    Plan,
    person_key,
    plugin_error_text,
)
from okrdesk.periods import Period
from okrdesk.plugins.citations import may_be_worded_zero, source_text, worded_zero
from okrdesk.plugins.clashes import maybe_from, not_collected
from okrdesk.plugins.collect_progress import PartsProgress, Tracker
from okrdesk.plugins.entry_points import EntryPoint, entry_points
from okrdesk.plugins.failures import NotedStream, describe_error, raised_at, worded
from okrdesk.plugins.hookspecs import CollectRequest
from okrdesk.plugins.kept_state import in_the_plugins_own_process
from okrdesk.plugins.last_words import ask_where, last_words, leave_last_words
from okrdesk.plugins.like_mistakes import LikeMistakes
from okrdesk.plugins.lines_read import Reading, last_read, where_it_failed
from okrdesk.plugins.lines_read import forget as forget_lines_read
from okrdesk.plugins.manager import (
    BUILTIN_PLUGINS,
    PluginHost,
    PluginRecord,
    Probed,
    Prober,
    load_one,
)
from okrdesk.plugins.probe_cache import ProbeCache
from okrdesk.plugins.settings_read import setting_at_fault
from okrdesk.plugins.spool import EmittedTwice, Spool, SpooledRow
from okrdesk.plugins.time_limit import DEFAULT_TIMEOUT, LONGER, TimeBudget, abandon, earlier
from okrdesk.signals_held import signals_held

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

MAX_MESSAGES_PER_METRIC = 5


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
    checker: _Checker,
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
                 "warning": "emit.warning", "finished": "emit.finished"}  # fmt: skip


def _emit_lacks(error: AttributeError) -> Said | None:
    """What a plugin is told for ``emit.NAME`` where ``emit`` has no NAME (``emit.warn``):
    Python names okrdesk's own class (``'_Relay' object has no attribute 'warn'``)."""
    if not isinstance(getattr(error, "obj", None), _Relay | _Checker) or not error.name:
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
    (``_Relay.__call__() got an unexpected keyword argument 'metrc'``); the plugin's
    author needs the call as written, and what it takes. None for any other TypeError.
    Worked out here, once a call failed: ``emit`` itself checks nothing of the kind."""
    import inspect
    import re

    text = str(error.args[0]) if error.args else ""
    heads = {f"{cls.__qualname__}.{m}() ": m for cls in (_Relay, _Checker) for m in _EMIT_METHODS}
    head = next((head for head in heads if text.startswith(head)), None)
    if head is None:
        return None
    method = heads[head]
    called = _EMIT_METHODS[method]
    parameters = list(inspect.signature(getattr(_Checker, method)).parameters.values())[1:]
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

_BATCH = 5000
_SENDABLE = (str, int, float, bool, decimal.Decimal, type(None))
_SHOWN_OUTPUT = 200
_EXIT_GRACE = 5.0


class _Relay:
    """The ``emit`` a plugin gets in its own process: sends what it emits home in batches."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._batch: list[tuple[Any, ...]] = []

    def __call__(
        self,
        metric: object,
        subject: object,
        period: object,
        *,
        value: object = None,
        numerator: object = None,
        denominator: object = None,
        source: object = "",
        dimensions: object = None,
        no_rows: object = False,
    ) -> None:
        fields = (metric, subject, period, value, numerator, denominator)
        sent = tuple(f if isinstance(f, _SENDABLE) else _Unsendable.of(f) for f in fields)
        mark = no_rows if isinstance(no_rows, _SENDABLE) else _Unsendable.of(no_rows)
        if type(source) is not str or len(source) > _SOURCE_LIMIT:
            source = _kept_source(source)
        self._batch.append((*sent, source, _sendable_dimensions(dimensions), mark))
        if len(self._batch) >= _BATCH:
            self.flush()

    def many(
        self,
        metric: object,
        subjects: Iterable[object],
        periods: Iterable[object],
        *,
        values: Iterable[object] | None = None,
        numerators: Iterable[object] | None = None,
        denominators: Iterable[object] | None = None,
        sources: Iterable[object] | None = None,
        dimensions: Iterable[object] | None = None,
        no_rows: Iterable[object] | None = None,
    ) -> None:
        columns = many_columns(
            subjects, periods, values, numerators, denominators, sources, dimensions, no_rows
        )
        if not _plain(metric, columns):
            # Something the host must see wrapped (a number of another type, a long
            # source): sent as that many single emits, so it is refused the same way.
            for row in zip(*filled(columns), strict=True):
                subject, period, value, numerator, denominator, source, cut, mark = row
                self(metric, subject, period, value=value, numerator=numerator,
                     denominator=denominator, source=source, dimensions=cut,
                     no_rows=mark)  # fmt: skip
            return
        self.flush()
        for start in range(0, len(columns[0]), _MANY_BATCH):
            end = start + _MANY_BATCH
            chunk = tuple(None if c is None else c[start:end] for c in columns)
            self._connection.send(("many", metric, chunk))

    def error(self, metric: object, message: object, *, zh: object = "") -> None:
        self.flush()
        self._connection.send(("error", str(metric), str(message)[:500], str(zh)[:500]))

    def warning(self, metric: object, message: object, *, zh: object = "") -> None:
        self.flush()
        self._connection.send(("warning", str(metric), str(message)[:500], str(zh)[:500]))

    def finished(self, metric: object) -> None:
        self.flush()
        self._connection.send(("finished", str(metric)))

    def flush(self) -> None:
        if self._batch:
            self._connection.send(("emit", self._batch))
            self._batch = []


Columns = tuple[
    list[Any], list[Any], list[Any] | None, list[Any] | None, list[Any] | None,
    list[Any] | None, list[Any] | None, list[Any] | None,
]  # fmt: skip
"""``emit.many``'s columns as lists: subjects, periods, values, numerators, denominators,
sources, dimensions and no_rows, each None where the plugin gave none."""

_MANY_BATCH = 20_000
_NAMES = (
    "subjects", "periods", "values", "numerators", "denominators", "sources", "dimensions",
    "no_rows",
)  # fmt: skip


def many_columns(
    subjects: Iterable[Any],
    periods: Iterable[Any],
    values: Iterable[Any] | None = None,
    numerators: Iterable[Any] | None = None,
    denominators: Iterable[Any] | None = None,
    sources: Iterable[Any] | None = None,
    dimensions: Iterable[Any] | None = None,
    no_rows: Iterable[Any] | None = None,
) -> Columns:
    """The columns of one ``emit.many`` call as lists, all as long as ``subjects``; a
    ValueError (the plugin's call fails, in either language) when one is not."""
    given = (subjects, periods, values, numerators, denominators, sources, dimensions, no_rows)
    lists = [None if column is None else list(column) for column in given]
    length = len(lists[0] or ())
    for name, column in zip(_NAMES, lists, strict=True):
        if column is not None and len(column) != length:
            held, subjects = f"{len(column):,}", f"{length:,}"
            raise worded(
                ValueError,
                f"emit.many: {name} holds {held} items, subjects {subjects}",
                f"emit.many：{name} 有 {held} 项，而 subjects 有 {subjects} 项",
            )
    subjects_, periods_, *rest = lists
    assert subjects_ is not None and periods_ is not None
    return (subjects_, periods_, *rest)  # type: ignore[return-value]


def filled(columns: Columns) -> tuple[list[Any], ...]:
    """The columns with each one not given as what ``emit`` takes by default."""
    length = len(columns[0])
    defaults = (None, None, None, None, None, "", None, False)
    return tuple(
        [default] * length if column is None else column
        for column, default in zip(columns, defaults, strict=True)
    )


_PLAIN = frozenset({str, int, float, bool, type(None), decimal.Decimal})


def _plain(metric: object, columns: Columns) -> bool:
    """Whether the columns can cross to the host as they are: every item of a type that
    pickles plainly, sources text short enough, dimensions plain mappings of text."""
    if type(metric) is not str:
        return False
    subjects, periods, values, numerators, denominators, sources, dimensions, marks = columns
    for column in (subjects, periods, values, numerators, denominators, marks):
        if column is not None and not all(type(item) in _PLAIN for item in column):
            return False
    if sources is not None and not all(
        type(source) is str and len(source) <= _SOURCE_LIMIT for source in sources
    ):
        return False
    return dimensions is None or all(
        cut is None
        or (type(cut) is dict and all(type(k) is str and type(v) is str for k, v in cut.items()))
        for cut in dimensions
    )


def _sendable_dimensions(dimensions: object) -> dict[str, str] | _Unsendable | None:
    if dimensions is None:
        return None
    if isinstance(dimensions, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in dimensions.items()
    ):
        return dict(dimensions)
    return _Unsendable.of(dimensions)


def _not_an_id(subject: object, period: object) -> Said | None:
    """What is wrong with a ``subject`` or ``period`` that is not text: emit takes ids, and
    a plugin handing over the ``Person`` or ``Period`` itself is told to give its id."""
    for field, given, what, what_zh, written in (
        ("subject", subject, "a person or unit", "人员或单位", "person.id"),
        ("period", period, "a period asked for", "所要周期", "period.id"),
    ):
        if not isinstance(given, str):
            kind = given.type_name if isinstance(given, _Unsendable) else type(given).__name__
            return Said(f"{field} must be the id of {what} ({written}), not a {kind}",
                        f"{field} 必须是{what_zh}的 id（{written}），不能是 {kind}")  # fmt: skip
    return None


@attrs.frozen
class _Unsendable:
    """Stands for a value of a type that cannot cross to the host; the checker refuses it."""

    type_name: str
    number: bool = False
    """A number of a type emit does not take (numpy's ``int64``, pandas' numbers)."""

    @classmethod
    def of(cls, given: object) -> _Unsendable:
        return cls(type(given).__name__, _other_number(given))

    def __str__(self) -> str:
        return f"<{self.type_name}>"


def _other_number(given: object) -> bool:
    """Whether ``given`` is a number of a type emit does not take: numpy registers its
    numbers as ``numbers.Number``, as the standard library's ``Fraction`` is."""
    import numbers

    return isinstance(given, numbers.Number) and not isinstance(given, bool)


_ASKED_SHOWN = 12
"""The metrics a collect asked of a plugin named in the refusal of one it was not asked
for: a firm's source may be asked for hundreds."""

_PRELOADED = [
    "okrdesk.plugins.fork_server_exit",
    "__main__",
    __name__,
    "okrdesk.cli",
    "okrdesk.plugins.fork_server_ready",
]
"""What the fork server imports once: what it does when it ends, okrdesk's own modules
(this one and what it imports) and what the ``okrdesk`` script imports, which each
process runs again."""


_NO_FORK_SERVER: list[str] = []
"""Why the fork server could not start, once it failed: then each process is spawned."""


_SAFE_PATH = "PYTHONSAFEPATH"
_STARTING = threading.Lock()


@contextlib.contextmanager
def _safe_path(variables: Mapping[str, str] | None = None) -> Iterator[None]:
    """While multiprocessing starts a Python process (the fork server, its resource
    tracker, a spawned plugin process), start it without the current folder on its path.
    They are ``python -c`` commands, which put the current folder first, and a workspace
    is often the current folder: a ``multiprocessing.py`` or ``attrs.py`` someone put in a
    workspace they sent would run before any plugin, with no ``okrdesk trust``. Only for
    that moment, one start at a time: this process's other children, and a program that
    uses okrdesk as a library, keep their environment as it was. ``variables`` are set
    for that moment too."""
    with _STARTING:
        ours = _SAFE_PATH not in os.environ
        added = {**({_SAFE_PATH: "1"} if ours else {}), **(variables or {})}
        kept = {name: os.environ.get(name) for name in added}
        os.environ.update(added)
        try:
            yield
        finally:
            for name, value in kept.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _context() -> Any:
    """How plugin processes start: forked from the fork server where there is one."""
    # Imported here: a collect whose plugins all run in this process needs none of it.
    import multiprocessing

    if _NO_FORK_SERVER or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOADED)
    if not _STOPPED_AT_EXIT:
        import atexit
        import multiprocessing.util  # registers its exit function as it is imported

        # Registered after multiprocessing's own exit function, so run before it: the
        # server is gone before that removes the folder of its socket.
        atexit.register(_stop_fork_server)
        _STOPPED_AT_EXIT.append(True)
    return context


_STOPPED_AT_EXIT: list[bool] = []


def _stop_fork_server() -> None:
    """As okrdesk ends: the fork server ended too. It notices okrdesk gone only once it
    waits for work, after importing what it preloads: okrdesk stopped (Ctrl-C, SIGTERM)
    as the server started left it running a second or so after okrdesk had exited. A
    SIGTERM ends it at once, wherever it is, leaving the folder of its socket to this
    process's exit (``fork_server_exit``); waited for, so it is gone before okrdesk."""
    import signal
    from multiprocessing import forkserver

    # multiprocessing keeps the server's process id alone, and says it nowhere else.
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if not isinstance(pid, int):
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 2
        while os.waitpid(pid, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
            time.sleep(0.005)


def warm_up() -> None:
    """Start the fork server now, so it imports okrdesk's modules while this process
    reads the workspace, rather than when the first plugin process is needed; where it
    cannot start (no Unix sockets, a temporary folder whose path is too long for one),
    plugin processes are spawned instead."""
    if _context().get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver, resource_tracker, util

    from okrdesk.plugins.fork_server_exit import FORK_SERVER_FOLDER

    try:
        # The folder of its socket: the fork server removes it if this process cannot.
        # Ctrl-C or SIGTERM taken once it has started: one that cut the start in two left
        # the server started, and this process without its process id or its pipe.
        # Ctrl-C ignored, too, for the moment the server's process is made: it starts
        # ignoring it (a disposition a new program keeps), so a Ctrl-C to okrdesk's process
        # group as it starts and preloads okrdesk's modules, which ended it in a
        # KeyboardInterrupt's traceback, passes it by (``fork_server_ready``).
        with _safe_path({FORK_SERVER_FOLDER: util.get_temp_dir()}), signals_held():
            # Its resource tracker first: starting it unblocks Ctrl-C, however it was.
            resource_tracker.ensure_running()
            with _ctrl_c_ignored():
                forkserver.ensure_running()
    except OSError as error:
        _NO_FORK_SERVER.append(describe_error(error))


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored while the block runs, in the main thread (elsewhere, as it is), so
    that a program started in it starts ignoring it; blocked meanwhile, so that one sent
    to this process then is kept (Linux keeps a blocked signal, ignored or not) and taken
    by the handler put back, not lost. A program started in it starts with it blocked
    too, and must unblock it (``fork_server_exit``)."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocks = hasattr(signal, "pthread_sigmask")
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if blocks else None
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


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
    relay = _Relay(connection)
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
    checker: _Checker | None,
    timeout: float,
    limit: float | None = None,
    spent: float = 0.0,
) -> _Outcome:
    """Run one plugin in a process of its own, stopped at ``timeout``; a failure when it
    failed, hung, exited or printed. ``limit`` and ``spent``: as ``_run_with_timeout``
    words them."""
    warm_up()
    context = _context()
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
            with _safe_path(), signals_held():
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
    checker: _Checker | None,
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
    checker: _Checker | None,
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


@attrs.frozen
class PluginError:
    plugin: str
    metric: str | None
    message: str
    zh: str = ""
    """The message in Chinese, where okrdesk wrote it (a plugin's own is as it gave it)."""

    def __str__(self) -> str:
        return plugin_error_text(self.plugin, self.metric, self.message)

    def said(self, lang: str) -> str:
        """The message in ``lang``, where okrdesk has it so."""
        return self.zh if lang == "zh" and self.zh else self.message


Keeper = Callable[[Mapping[str, str], Iterator[SpooledRow]], int]
"""Stores one plugin call's sound metrics (metric → plugin) and their figures, as spooled
rows grouped by metric, subject and period; how many it stored."""


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


_Method = TypeVar("_Method", bound=Callable[..., None])


def _while_open(method: _Method) -> _Method:
    """``method`` of a ``_Checker``, run holding its gate, and not at all once closed."""

    @functools.wraps(method)
    def guarded(self: _Checker, *args: Any, **kwargs: Any) -> None:
        with self._gate:
            if not self.closed:
                method(self, *args, **kwargs)

    return cast(_Method, guarded)


@attrs.define
class _Checker:
    """The ``emit`` callback given to one plugin: checks and buffers observations."""

    plugin: str
    specs: Mapping[str, MetricSpec]
    subjects: frozenset[str]
    periods: frozenset[str]
    declared: frozenset[str] = frozenset()
    """Every metric a loaded plugin declares: a name emitted outside them may be one of
    ``specs`` misspelt (``strays``)."""
    names: tuple[tuple[str, str], ...] = ()
    """(id, name) of each person and unit of the plan: a subject that is none of the ids
    may be a name, as a CRM writes its managers (``_not_in_plan``)."""
    strays: set[str] = attrs.Factory(set)
    """The names emitted that this plugin was not asked for."""
    problems: dict[str, list[LikeMistakes]] = attrs.Factory(dict)
    refused: dict[str, int] = attrs.Factory(dict)
    warned: list[tuple[str, Said]] = attrs.Factory(list)
    """(metric, what was said: the plugin's words, and its Chinese where it gave one)."""
    unshown: dict[str, int] = attrs.Factory(dict)
    """How many warnings of each metric came after the first ``MAX_MESSAGES_PER_METRIC``:
    counted, so the rows they left out are not lost without a word."""
    unchecked: Said | None = None
    """How the plugin's settings check failed (``Refusal.unchecked``), if it did."""
    closed: bool = False
    """Set when the plugin ran out of time (``close``): anything it emits after that is
    ignored."""
    keep: Keeper | None = None
    """Takes a metric the plugin has finished (``finished``) at once, while the plugin
    goes on (a collect sets it aside, to store with the rest); only in the thread
    ``home``."""
    home: int | None = None
    done: set[str] = attrs.Factory(set)
    """The metrics the plugin said it has finished (``emit.finished``)."""
    kept: dict[str, str] = attrs.Factory(dict)
    """metric → plugin, for each finished metric already stored."""
    stored: int = 0
    """How many observations ``keep`` stored for the finished metrics."""
    storing: float = 0.0
    """Seconds spent storing finished metrics: not counted against the plugin's time."""
    spool: Spool = attrs.field(init=False)
    _gate: threading.RLock = attrs.field(init=False, factory=threading.RLock)
    """Held by each call of ``emit`` while it runs, and by ``close``: a call left behind
    that was part-way through one when its time ran out has finished it before the
    collect goes on to read what was emitted, and any call after that is ignored."""
    _rules: dict[str, _Rule] = attrs.field(init=False)
    """metric → what the quick check asks of its figures (``_Rule``), once."""

    def close(self) -> None:
        """The plugin's time is up: wait for a call of ``emit`` under way to end, and
        ignore every one after it."""
        with self._gate:
            self.closed = True

    def __attrs_post_init__(self) -> None:
        self.spool = Spool(self._emitted_twice)
        self._rules = {name: _rule(spec) for name, spec in self.specs.items()}

    @_while_open
    def __call__(
        self,
        metric: str,
        subject: str,
        period: str,
        *,
        value: float | None = None,
        numerator: float | None = None,
        denominator: float | None = None,
        source: str = "",
        dimensions: object = None,
        no_rows: object = False,
    ) -> None:
        if self.closed:
            return
        self._take(metric, subject, period, value, numerator, denominator, source, dimensions,
                   no_rows)  # fmt: skip

    def many(
        self,
        metric: str,
        subjects: Iterable[str],
        periods: Iterable[str],
        *,
        values: Iterable[float | None] | None = None,
        numerators: Iterable[float | None] | None = None,
        denominators: Iterable[float | None] | None = None,
        sources: Iterable[str] | None = None,
        dimensions: Iterable[Mapping[str, str] | None] | None = None,
        no_rows: Iterable[bool] | None = None,
    ) -> None:
        """``emit.many``: observations of one metric as columns, the i-th of each column
        making the i-th observation; each is checked as ``emit`` checks one."""
        columns = many_columns(
            subjects, periods, values, numerators, denominators, sources, dimensions, no_rows
        )
        self.take_columns(metric, columns)

    @_while_open
    def take_columns(self, metric: Any, columns: Columns) -> None:
        """One ``emit.many``'s columns (``many_columns``): spooled at once when every
        figure is plainly sound, else checked one at a time, in order."""
        if self.closed or self._took_plainly(metric, columns):
            return
        take = self._take
        for row in zip(*filled(columns), strict=True):
            take(metric, *row)

    def _took_plainly(self, metric: Any, columns: Columns) -> bool:
        """Spool the columns as rows when every figure passes ``_take``'s quick check,
        and say so; False, having spooled nothing, when any does not."""
        subjects, periods, values, numerators, denominators, sources, dimensions, marks = columns
        rule = self._rules.get(metric) if type(metric) is str else None
        if rule is None:
            return False
        if marks is None or not any(marks):
            marks = [False] * len(subjects)
        elif not (self.specs[metric].kind is MetricKind.FLOW
                  and all(type(mark) is bool for mark in marks)):  # fmt: skip
            return False
        cuts = _plain_slices(dimensions, rule[2], len(subjects))
        if cuts is None:
            return False
        try:
            if not (self.subjects.issuperset(subjects) and self.periods.issuperset(periods)):
                return False
        except TypeError:  # an item that cannot be hashed
            return False
        if sources is None:
            sources = [""] * len(subjects)
        elif not all(type(s) is str and len(s) <= _SOURCE_LIMIT for s in sources):
            return False
        ratio, never_negative, _, whole, most, most_numerator, most_denominator, parts, kept = rule
        rows: list[SpooledRow] = []
        add = rows.append
        if ratio:
            if numerators is None or denominators is None:
                return False
            if values is not None and any(v is not None for v in values):
                return False
            for s, p, n, d, source, cut in zip(
                subjects, periods, numerators, denominators, sources, cuts, strict=True
            ):
                if not _plain_parts(n, d, most_numerator, most_denominator, parts, never_negative):
                    return False
                add((metric, s, p, cut, None, _as_stored(n, kept[1]), _as_stored(d, kept[2]),
                     source, 0))  # fmt: skip
        else:
            if values is None:
                return False
            for column in (numerators, denominators):
                if column is not None and any(x is not None for x in column):
                    return False
            # A plugin written before no_rows marks its zeros by their words alone: each
            # a whole figure of a flow (decided once for the metric), as ``_check_one``
            # marks it, rather than the whole call checked one figure at a time.
            worded = self.specs[metric].kind is MetricKind.FLOW
            for s, p, v, source, cut, mark in zip(
                subjects, periods, values, sources, cuts, marks, strict=True
            ):
                if not _plain_value(v, never_negative, whole, most):
                    return False
                if mark:
                    if v != 0 or cut:
                        return False
                elif v == 0 and worded and not cut and may_be_worded_zero(source):
                    mark = worded_zero(metric, source)
                add((metric, s, p, cut, _as_stored(v, kept[0]), None, None, source, int(mark)))
        self.spool.extend(rows)
        return True

    @_while_open
    def take(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """A batch of what the plugin emitted, each row ``(metric, subject, period, value,
        numerator, denominator, source, dimensions, no_rows)``, checked and spooled in
        order."""
        if self.closed:
            return
        take = self._take
        for row in rows:
            take(*row)

    def _take(
        self,
        metric: Any,
        subject: Any,
        period: Any,
        value: Any,
        numerator: Any,
        denominator: Any,
        source: Any,
        dimensions: Any,
        no_rows: Any = False,
    ) -> None:
        # The common case, decided with a few comparisons and spooled as a plain row:
        # a figure of a metric asked for, whole or a slice with a plain value for each
        # of its dimensions, a subject and period asked for, finite numbers of the kind
        # the metric takes. Anything else is checked by ``_check_one``, which words
        # every refusal.
        rule = self._rules.get(metric) if type(metric) is str else None
        cut: str | None = ""
        if rule is not None and dimensions is not None:
            cut = _plain_slice(dimensions, rule[2])
        if (
            rule is not None
            and cut is not None
            and subject in self.subjects
            and period in self.periods
            and type(source) is str
            and len(source) <= _SOURCE_LIMIT
            and no_rows is False
        ):
            ratio, never_negative, _, whole, most, most_numerator, most_denominator, parts, kept = (
                rule
            )
            if ratio:
                if value is None and _plain_parts(
                    numerator, denominator, most_numerator, most_denominator, parts,
                    never_negative,
                ):  # fmt: skip
                    self.spool.add((metric, subject, period, cut, None,
                                    _as_stored(numerator, kept[1]),
                                    _as_stored(denominator, kept[2]), source, 0))  # fmt: skip
                    return
            elif (
                numerator is None
                and denominator is None
                and _plain_value(value, never_negative, whole, most)
                and not (value == 0 and may_be_worded_zero(source))
            ):
                self.spool.add((metric, subject, period, cut, _as_stored(value, kept[0]), None,
                                None, source, 0))  # fmt: skip
                return
        self._check_one(metric, subject, period, value, numerator, denominator, source,
                        dimensions, no_rows)  # fmt: skip

    def _check_one(
        self,
        metric: Any,
        subject: Any,
        period: Any,
        value: Any,
        numerator: Any,
        denominator: Any,
        source: Any,
        dimensions: Any,
        no_rows: Any = False,
    ) -> None:
        if type(metric) is str and metric in self.done:
            late = Said(f"emitted {_AFTER_FINISHED.en}", f"{_AFTER_FINISHED.zh}给出")
            self._refuse(metric, _at(subject, period, late, ""), (late, subject, period))
            return
        spec = self.specs.get(metric)
        if spec is None:
            self.strays.add(str(metric))
            self._refuse(str(metric), self._not_asked(str(metric)))
            return
        found = self._check(spec, subject, period, value, numerator, denominator)
        if found is not None:
            self._refuse(metric, lambda: _at(subject, period, found, source),
                         (found, subject, period))  # fmt: skip
            return
        if dimensions is not None and not isinstance(dimensions, Mapping):
            self._refuse(metric, _at(subject, period, _NOT_A_MAPPING, ""),
                         (_NOT_A_MAPPING, subject, period))  # fmt: skip
            return
        observation = Observation(
            metric, subject, period, _float(value), _float(numerator), _float(denominator),
            _kept_source(source), dimensions or {}, no_rows,
        )  # fmt: skip
        problems = observation.problems(spec)
        if problems:
            listed = Said("; ".join(p.en for p in problems), "；".join(p.zh for p in problems))
            self._refuse(metric, lambda: _at(subject, period, listed, source),
                         (listed, subject, period))  # fmt: skip
            return
        o = observation
        # A zero a plugin written to the earlier docs marks by its words alone.
        marked = o.no_rows or (not o.dimensions and spec.kind is MetricKind.FLOW
                               and o.value == 0 and worded_zero(o.metric, o.source))  # fmt: skip
        decimals = spec.stored_decimals
        self.spool.add(
            (o.metric, o.subject, o.period, o.slice, _as_stored(o.value, decimals[0]),
             _as_stored(o.numerator, decimals[1]), _as_stored(o.denominator, decimals[2]),
             o.source, int(marked))
        )  # fmt: skip

    def _misspelt(self) -> None:
        """Refuse, for this run, each metric asked for whose name the plugin also emitted
        misspelt (a name no plugin declares, closest to it): some of its figures went
        astray, and those it gave under its own name would replace the stored ones with
        fewer (one person's figure gone). Its stored figures stay as they are."""
        for stray in sorted(self.strays - self.declared):
            meant = meant_metric(stray, self.specs)
            if meant is None or meant in self.kept or meant in self.problems:
                continue
            self._refuse(meant, Said(
                f"figures meant for it came as {stray} (above): a name misspelt in emit? "
                "This run stores none of its figures, and keeps those stored before",
                f"本应属于它的数字以 {stray} 给出（见上）：emit 里的指标名写错了？"
                "本次不入库它的任何数字，已存的数字照原样保留",
            ))  # fmt: skip

    def _not_asked(self, metric: str) -> Said:
        """What a figure of a metric this collect did not ask the plugin for is told: a
        name misspelt in ``emit``, or a metric of its own the plan does not use."""
        asked = sorted(self.specs)
        meant = meant_metric(metric, self.specs)
        close = [meant] if meant is not None else []
        mean, mean_zh = (
            (f' (did you mean "{close[0]}"?)', f"（是不是“{close[0]}”？）") if close else ("", "")
        )
        shown, more = asked[:_ASKED_SHOWN], len(asked) - _ASKED_SHOWN
        rest, rest_zh = (
            (f", … ({len(asked)} in all)", f"等 {len(asked)} 个") if more > 0 else ("", "")
        )
        return Said(
            f"emitted, but this plugin was not asked for it{mean}: it was asked for "
            f"{', '.join(shown)}{rest} (request.metrics); emit only those",
            f"给出了，但没有向此插件要这个指标{mean_zh}：要的是 {'、'.join(shown)}{rest_zh}"
            "（request.metrics）；只给出这些指标的数",
        )

    def _emitted_twice(self, row: SpooledRow) -> None:
        self._refuse(row[0], _at(row[1], row[2], _TWICE, ""), (_TWICE, row[1], row[2]))

    @_while_open
    def error(self, metric: str, message: str, *, zh: str = "") -> None:
        metric = str(metric)
        late = metric in self.done
        after = f"emit.error {_AFTER_FINISHED.en}: " if late else ""
        after_zh = f"{_AFTER_FINISHED.zh}调用 emit.error：" if late else ""
        words = str(message)[:500]
        self._refuse(metric, Said(after + words, after_zh + (str(zh)[:500] or words)))

    @_while_open
    def finished(self, metric: str) -> None:
        """``emit.finished``: the plugin has handed over everything it will emit for
        ``metric``. Anything more for it is refused; where it may (``keep``, in the
        thread ``home``), a sound metric is handed to ``keep`` at once, apart from the others."""
        metric = str(metric)
        if self.closed or metric in self.done:
            return
        if metric not in self.specs:
            self._refuse(metric, Said("emit.finished for a metric this plugin was not asked for",
                                      "对没有向此插件要的指标调用了 emit.finished"))  # fmt: skip
            return
        self.done.add(metric)
        # Taken from the quick check, so that whatever comes for it next is refused.
        self._rules.pop(metric, None)
        if self.keep is None or threading.get_ident() != self.home:
            return
        self.spool.flush()  # a figure held in memory and emitted twice is found here
        if metric in self.refused:
            return
        started = time.monotonic()
        try:
            # A figure in the spool's file emitted twice is found as it is read: refused,
            # and the store's transaction, rolled back, keeps nothing of it.
            self.stored += self.keep({metric: self.plugin}, self.spool.settled_rows([metric]))
            self.kept[metric] = self.plugin
            self.spool.drop(metric)
        except EmittedTwice:
            pass
        finally:
            self.storing += time.monotonic() - started

    @_while_open
    def warning(self, metric: str, message: str, *, zh: str = "") -> None:
        if self.closed:
            return
        if sum(m == metric for m, _ in self.warned) < MAX_MESSAGES_PER_METRIC:
            self.warned.append((str(metric), Said(str(message)[:500], str(zh)[:500])))
        else:
            self.unshown[str(metric)] = self.unshown.get(str(metric), 0) + 1

    def _check(
        self,
        spec: MetricSpec,
        subject: object,
        period: object,
        value: object,
        numerator: object,
        denominator: object,
    ) -> Said | None:
        if (not_an_id := _not_an_id(subject, period)) is not None:
            return not_an_id
        if subject not in self.subjects:
            return _not_in_plan(subject, self.names)
        if period not in self.periods:
            return _period_not_asked(period, self.periods)
        ratio = spec.kind is MetricKind.RATIO
        if ratio and value is not None:
            return Said("a ratio metric takes numerator and denominator, not value",
                        "比率指标要给分子和分母，不是 value")  # fmt: skip
        if not ratio and (numerator is not None or denominator is not None):
            kind = spec.kind.value
            return Said(f"a {kind} metric takes value, not numerator and denominator",
                        f"{kind} 指标要给 value，不是分子和分母")  # fmt: skip
        for name, given in (
            ("value", value),
            ("numerator", numerator),
            ("denominator", denominator),
        ):
            if given is not None and (
                isinstance(given, bool) or not isinstance(given, int | float | decimal.Decimal)
            ):
                kind = given.type_name if isinstance(given, _Unsendable) else type(given).__name__
                said = Said(f"{name} must be a number, not {kind}",
                            f"{name} 必须是数字，不能是 {kind}")  # fmt: skip
                if given.number if isinstance(given, _Unsendable) else _other_number(given):
                    said = Said(f"{said.en}: give an int, a float or a Decimal (int(x) or "
                                "float(x) of a numpy or pandas number)",
                                f"{said.zh}：请给 int、float 或 Decimal（numpy、pandas 的数"
                                "可用 int(x) 或 float(x) 转换）")  # fmt: skip
                return said
            if (too_large := _too_large(name, given)) is not None:
                return too_large
        return None

    def _refuse(
        self,
        metric: str,
        message: str | Said | Callable[[], Said],
        mistake: tuple[Said, object, object] | None = None,
    ) -> None:
        """Refuse one of ``metric``'s figures: ``message`` in English (a plugin's own words,
        or okrdesk's for its authors) or in both languages, or what words it when asked
        (a message citing the figure's source, worded only when it is kept). ``mistake``:
        what was wrong, and the subject and period it was wrong for, where the message
        names them; the same mistake for another is counted with the first told."""
        # A plugin may emit millions of bad figures: keep a few to show, count the rest.
        self.refused[metric] = self.refused.get(metric, 0) + 1
        shown = self.problems.setdefault(metric, [])
        why, subject, period = mistake or (None, "", "")
        first = next((told for told in shown if why and told.mistake == why), None)
        if first is not None:
            first.add(subject, period)
        elif len(shown) < MAX_MESSAGES_PER_METRIC:
            if callable(message):
                message = message()
            said = message if isinstance(message, Said) else Said(message, message)
            if all(told.said != said for told in shown):  # the same words again: counted
                shown.append(LikeMistakes(said, why, str(subject), str(period)))

    def results(self) -> list[PluginError]:
        """The metrics refused, each with a few of its problems; call when the plugin
        is done (its figures are looked through for any emitted twice first)."""
        self.spool.settle()
        self._misspelt()
        errors = []
        for metric, alike in self.problems.items():
            total = self.refused[metric]
            more = total - sum(1 + told.like for told in alike)
            shown = [told.told() for told in alike]
            text = "; ".join(said.en for said in shown)
            count = f"{total:,} problems" if total > 1 else "1 problem"
            kept = metric in self.kept
            fate = _KEPT_WHEN_FINISHED if kept else "none of its figures stored"
            fate_zh = "emit.finished 之前给出的已入库并保留" if kept else "均未入库"
            en = text + (f"; and {more:,} more" if more else "") + f" ({count}; {fate})"
            zh = (
                "；".join(said.zh for said in shown)
                + (f"；另有 {more:,} 个" if more else "")
                + f"（共 {total:,} 个问题，{fate_zh}）"
            )
            errors.append(PluginError(self.plugin, metric, en, zh))
        return errors


_AFTER_FINISHED = Said(
    "after emit.finished for this metric, which a plugin must not do",
    "在此指标的 emit.finished 之后（插件不得如此）",
)
_KEPT_WHEN_FINISHED = "what it emitted before emit.finished is stored"
_TWICE = Said("emitted twice", "重复给出")
_NOT_A_MAPPING = Said("dimensions must be a mapping of text", "dimensions 必须是文本的映射")


def _at(subject: object, period: object, why: Said, source: object) -> Said:
    """A refused figure's message: its subject and period, ``why``, and its source."""
    cited = _cited(source)
    return Said(
        f"{subject} {period}: {why.en}{cited.en}", f"{subject} {period}：{why.zh}{cited.zh}"
    )


def _cited(source: object) -> Said:
    """A refused figure's source, as its plugin gave it (the file and rows behind it), to
    find the row that is wrong: " (from SQL metric nps: nps.csv row 3)", in Chinese
    "（来自 SQL 指标 nps：nps.csv 第 3 行）" (``source_text``)."""
    if not isinstance(source, str) or not source.strip():
        return Said("", "")
    shown = printable(source)
    zh = source_text(shown, "zh")[:_SHOWN_SOURCE]
    return Said(f" (from {shown[:_SHOWN_SOURCE]})", f"（来自 {zh}）")


_SHOWN_SOURCE = 200


_Rule = tuple[
    bool, bool, tuple[str, ...], bool, float, float, float, tuple[bool, bool],
    tuple[int | None, int | None, int | None],
]  # fmt: skip
"""What the quick check asks of a metric's figures: whether it is a ratio, whether its
value cannot be negative, its dimensions sorted, whether its figures are whole counts,
the largest its value, numerator and denominator may be, whether a ratio's
numerator and denominator must each be whole, and the decimals each is stored to
(``MetricSpec.stored_decimals``)."""


def _rule(spec: MetricSpec) -> _Rule:
    """The quick check's rule for ``spec``'s figures (``_Rule``)."""
    most = [spec.most_in_one_figure(part) for part in ("value", "numerator", "denominator")]
    value, numerator, denominator = (_FINITE_HIGH if m is None else m for m in most)
    return (
        spec.kind is MetricKind.RATIO,
        spec.never_below_zero,
        tuple(sorted(spec.dimensions)),
        spec.whole_counts,
        value,
        numerator,
        denominator,
        spec.whole_parts,
        spec.stored_decimals,
    )


def _as_stored(figure: float | None, decimals: int | None) -> float | None:
    """``figure`` as it is stored: a float, to ``decimals`` where given, a half rounded up
    as a branch rounds (四舍五入: 0.125元 is 0.13元, and 2.675元, which binary holds a hair
    below, 2.68元), where Python's ``round`` gives the even digit of the binary value."""
    if figure is None:
        return None
    figure = float(figure)
    if decimals is None or round(figure, decimals) == figure:  # most: no more decimals
        return figure + 0.0
    step = _STEPS[decimals]
    return float(decimal.Decimal(repr(figure)).quantize(step, decimal.ROUND_HALF_UP)) + 0.0


_STEPS = {places: decimal.Decimal(1).scaleb(-places) for places in range(16)}
"""The step of each number of decimals a figure is stored to (0.01 for 2)."""


def _plain_value(value: Any, never_negative: bool, whole: bool, most: float) -> bool:
    """A value the quick check keeps: a finite number no larger than ``most`` either way,
    not negative where the metric cannot be, whole where it must be (``_check_one``
    words the refusal of anything else)."""
    return (
        type(value) in _NUMBERS
        and -most <= value <= most
        and (value >= 0 or not never_negative)
        and (not whole or type(value) is int or value.is_integer())
    )


def _plain_parts(numerator: Any, denominator: Any, most_numerator: float,
                 most_denominator: float, whole: tuple[bool, bool],
                 never_negative: bool) -> bool:  # fmt: skip
    """A ratio's parts the quick check keeps: finite numbers within their bounds, the
    denominator not negative, nor the numerator where the metric is declared
    ``never_negative``, 0 only with a numerator of 0, and whole where the metric
    declares the part a count."""
    return (
        type(numerator) in _NUMBERS
        and type(denominator) in _NUMBERS
        and -most_numerator <= numerator <= most_numerator
        and (numerator >= 0 or not never_negative)
        and 0 <= denominator <= most_denominator
        and bool(denominator or not numerator)
        and (not whole[0] or type(numerator) is int or numerator.is_integer())
        and (not whole[1] or type(denominator) is int or denominator.is_integer())
    )


def _plain_slices(
    dimensions: Iterable[object] | None, names: tuple[str, ...], count: int
) -> Iterable[str] | None:
    """Each figure's slice text for a column of ``dimensions`` (None: every figure
    whole), as ``_take`` finds it for each figure; None when any is not plain. A slice's
    dimensions given as one object for many figures (as a plugin keeps them) are read
    once."""
    if dimensions is None:
        return itertools.repeat("", count)
    cuts: list[str] = []
    read: dict[int, str] = {}
    for given in dimensions:
        if given is None:
            cuts.append("")
            continue
        cut = read.get(id(given))
        if cut is None:
            cut = _plain_slice(given, names)
            if cut is None:
                return None
            read[id(given)] = cut
        cuts.append(cut)
    return cuts


def _plain_slice(dimensions: object, names: tuple[str, ...]) -> str | None:
    """The slice's text (as ``slice_of`` writes it) when ``dimensions`` gives exactly the
    metric's dimensions ``names`` (sorted) plain, printable, non-empty text; else None,
    for the full check to word what is wrong."""
    if type(dimensions) is not dict or not names or len(dimensions) != len(names):
        return None
    parts = []
    for name in names:
        given = dimensions.get(name)
        if (
            type(given) is not str
            or not given.strip()
            or SLICE_SEPARATOR in given
            or not given.isprintable()
        ):
            return None
        parts.append(f"{name}={given}")
    return SLICE_SEPARATOR.join(parts)


_NUMBERS = (int, float)
"""The types a figure may have (exactly: ``bool`` is a subclass of ``int`` but no number)."""
_FINITE_LOW, _FINITE_HIGH = -sys.float_info.max, sys.float_info.max
"""Between these, a float is finite and an int converts to a float without overflow."""
_SOURCE_LIMIT = 2000


def _kept_source(source: object) -> str:
    """A figure's source as it is stored: as given, or, past ``_SOURCE_LIMIT``, cut
    after the last row it cites whole and marked cut (``trades.csv rows 2,5,…,1409 …``),
    never part-way through a row's number, which would cite a row not behind it."""
    text = str(source)
    if len(text) <= _SOURCE_LIMIT:
        return text
    import re  # a source this long is rare

    kept = text[: _SOURCE_LIMIT - 2]
    if not text[_SOURCE_LIMIT - 2].isspace() and text[_SOURCE_LIMIT - 2] not in ",;、":
        kept = re.sub(r"[^\s,;、]*\Z", "", kept) or kept  # one long word: cut in it
    return kept.rstrip(" ,;、") + " …"


def _too_large(name: str, given: object) -> Said | None:
    """What to say of a whole number or Decimal too large for any figure (past a float's
    range, where it would be told as infinity, which the plugin never gave)."""
    if isinstance(given, int) and not _FINITE_LOW <= given <= _FINITE_HIGH:
        digits = math.floor(math.log10(abs(given))) + 1
    elif isinstance(given, decimal.Decimal) and given.is_finite() and not math.isfinite(given):
        digits = given.adjusted() + 1
    else:
        return None
    return Said(f"{name} is too large to be a figure (a number of about {digits:,} digits)",
                f"{name} 过大，不可能是实际数字（约 {digits:,} 位的数）")  # fmt: skip


def meant_metric(name: str, asked: Iterable[str]) -> str | None:
    """The metric of ``asked`` that ``name``, emitted though not asked for, is closest to
    (a name misspelt in ``emit``): the one "did you mean" names. None where none is
    close."""
    import difflib

    close = difflib.get_close_matches(name, sorted(asked), n=1, cutoff=0.6)
    return close[0] if close else None


def _not_in_plan(subject: object, names: Sequence[tuple[str, str]]) -> Said:
    """What ``emit`` says of a ``subject`` that is no id of the plan. A CRM writes its
    managers' names, or ids in its own capitals: such a subject is told the plan's id to
    give, as the SQL source tells its ``subject`` column."""
    said = Said(f"no person or unit {subject!r} in the plan", f"计划里没有人员或单位 {subject!r}")
    if not isinstance(subject, str):
        return said
    key = person_key(subject)
    named = [(id_, name) for id_, name in names if person_key(name) == key]
    if named:
        whose = ", ".join(f"{id_} ({name})" for id_, name in named)
        whose_zh = "、".join(f"{id_}（{name}）" for id_, name in named)
        return Said(f"{said.en}: it is the name of {whose}; emit the id (person.id)",
                    f"{said.zh}：这是计划里 {whose_zh}的名字；请给 id（person.id）")  # fmt: skip
    alike = sorted({id_ for id_, _ in names if id_.casefold() == key})
    if alike:
        return Said(
            f"{said.en}, but for its capitals or spaces {', '.join(alike)} is: ids are "
            "matched exactly",
            f"{said.zh}，只是大小写或空格与 {'、'.join(alike)} 不同：id 须完全一致",
        )
    return said


def _period_not_asked(period: object, asked: frozenset[str]) -> Said:
    """What ``emit`` says of a ``period`` no period asked for has as its id: a day
    (``2026-01-06``) or a period of another grain written where a period's id goes is
    told the form the ids have, by the first of them."""
    if not asked:
        return Said(f"period {period!r} was not asked for", f"没有要周期 {period!r} 的数字")
    first = min(asked)
    return Said(
        f"period {period!r} was not asked for: give the id of one of request.periods "
        f"(period.id, such as {first})",
        f"没有要周期 {period!r} 的数字：请给 request.periods 中某个周期的 id"
        f"（period.id，如 {first}）",
    )


def _float(number: float | decimal.Decimal | None) -> float | None:
    if number is None:
        return None
    try:
        return float(number)
    except OverflowError:  # an int too large for a float is as unusable as infinity
        return math.inf
    except ValueError:  # a signalling NaN Decimal: no number, refused as any NaN is
        return math.nan


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
            checker = _Checker(
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

    def __call__(self, request: CollectRequest, emit: _Checker) -> None:
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
    checker: _Checker | None = None
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
