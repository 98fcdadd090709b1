"""``okrdesk validate``: every problem in the target files and settings at once,
and a short description of a clean plan (the demo prints it too)."""

from __future__ import annotations

import functools
import os
import shlex
import urllib.parse
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from okrdesk.app.session import Session
from okrdesk.engine.plan_calendar import metrics_needed
from okrdesk.errors import Problem, Said, display_path, printable
from okrdesk.messages import counted
from okrdesk.model import Plan
from okrdesk.plugins.failures import describe_error, stopped_at
from okrdesk.plugins.manager import CHANGED, DECLARING_FAILED, UNTRUSTED, PluginHost, quiet
from okrdesk.plugins.settings_checks import (
    PROBLEMS_MOST,
    SettingsAnswer,
    checked,
    defaults_note,
    located,
)
from okrdesk.plugins.source_tables import tables_of_no_plugin
from okrdesk.plugins.time_limit import LONGER, OutOfTime, earlier, interrupted, limited
from okrdesk.targets.load import parse_toml_file
from okrdesk.targets.reader import Findings, Where, no_such, where_for
from okrdesk.targets.settings import SETTINGS_FILE, Channel, Workspace, is_loopback
from okrdesk.targets.source_lines import SourceLines
from okrdesk.units import ledger


def plan_summary(plan: Plan, lang: str = "zh") -> tuple[str, ...]:
    """A clean plan in a few lines, each short enough for a terminal of 80 columns: its
    id and name, then its units and people, its phases, objectives and key results,
    and its budget, in ``lang``."""
    levels = Counter(unit.level for unit in plan.units)
    results = sum(len(o.key_results) for o in plan.objectives)
    if lang == "zh":
        org = "、".join(f"{n} 个{' ' if level.isascii() else ''}{level}"
                       for level, n in levels.items())  # fmt: skip
        return (
            f"计划 {plan.id}（{plan.name}）：",
            f"  {org}，共 {len(plan.people)} 人；",
            f"  {len(plan.phases)} 个阶段；{len(plan.objectives)} 个目标，"
            f"共 {results} 个关键结果；",
            f"  {_budget(plan, lang)}。",
        )
    org = ", ".join(counted(n, level) for level, n in levels.items())
    return (
        f"Plan {plan.id} ({plan.name}):",
        f"  {org}; {counted(len(plan.people), 'person', 'people')};",
        f"  {counted(len(plan.phases), 'phase')}; {counted(len(plan.objectives), 'objective')} "
        f"with {counted(results, 'key result')};",
        f"  {_budget(plan, lang)}.",
    )


def _budget(plan: Plan, lang: str) -> str:
    """The budget as the report's total row states it: the lines, and the reserve
    when the stated total is more than they add up to; in 万 for a Chinese workspace,
    in CNY thousands for an English one (``units.ledger``: CNY 8,990k, not CNY 8.99m)."""
    lines = plan.budget.amount
    total = plan.budget.total if plan.budget.total is not None else lines
    zh = lang == "zh"
    if not plan.budget.lines and not total:
        return "无预算" if zh else "no budget"

    def amount(value: Decimal, unit: str = "万") -> str:
        return ledger(value, lang) if lang == "en" else f"{_wan(value)}{unit}"

    count = len(plan.budget.lines)
    if zh:
        summary = f"预算 {amount(total, '万元')}，共 {count} 项"
        if total > lines:
            summary += f"（已分配 {amount(lines)}，预留 {amount(total - lines)}）"
        return summary
    summary = f"budget {amount(total, '万元')} in {counted(count, 'line')}"
    if total > lines:
        summary += f" ({amount(lines)} allocated, {amount(total - lines)} reserve)"
    return summary


def _wan(amount: Decimal) -> str:
    return f"{(amount / 10_000).normalize():f}"


@attrs.frozen
class Validation:
    lines: tuple[str, ...]
    ok: bool


_SAID = {
    "en": {
        "warning": "warning: {text}",
        "plugin": "warning: plugin {name}: {error}",
        "problems": "{files} checked, {problems}.",
        "clean": "{files} checked, no problems{warned}.",
        "warned": ", {count} warning{s}",
        "not_run": "warning: not run: {files}: this workspace's own code runs only once you "
                   "trust it.",
        "changed": "warning: not run: {files}: this workspace's code, or what its settings "
                   "reach outside it, changed since you trusted it; its own code runs only "
                   "once you trust it as it is now.",
        "to_allow": "warning: to allow it, if you trust who wrote it: okrdesk trust {root}",
        "sep": ", ",
    },
    "zh": {
        "warning": "警告：{text}",
        "plugin": "警告：插件 {name}：{error}",
        "problems": "已检查 {files} 个文件，共 {problems} 处问题。",
        "clean": "已检查 {files} 个文件，没有问题{warned}。",
        "warned": "，{count} 个警告",
        "not_run": "警告：未运行：{files}：本工作区自带的代码须经你信任后才会运行。",
        "changed": "警告：未运行：{files}：自你信任本工作区以来，其代码或其设置指向工作区之外的"
                   "内容有了改动；须经你信任其当前状态后，本工作区自带的代码才会运行。",
        "to_allow": "警告：若信任其作者，可运行 okrdesk trust {root} 允许它运行",
        "sep": "、",
    },
}  # fmt: skip


def validate(session: Session, lang: str | None = None) -> Validation:
    """Each problem as FILE:LINE: key.path: message with the source line and a caret
    under the column, warnings, then a count, in ``lang`` (else the workspace's
    language). Each plugin with a table in okrdesk.toml checks it too
    (``okrdesk_check_settings``; its own words as it gave them), and each loaded plugin
    declares its report formats, so a ``ReportFormat`` refused is named at its plugin."""
    lang = session.workspace.language(lang)
    words = _SAID[lang]
    sources = SourceLines(session.workspace.root)
    plugins, said = plugin_settings_findings(session)
    problems = sorted({*session.problems, *plugins.problems, *channel_units(session)})
    problem_lines = [text for p in problems for text in (p.text(lang), *sources.pointer(p))]
    lines = list(problem_lines)
    warnings = sorted({*session.warnings, *plugins.warnings, *plain_http_webhooks(session),
                       *shared_webhooks(session), *other_vendors_webhooks(session),
                       *tables_of_no_plugin(session.host, session.workspace.root)})  # fmt: skip
    lines += [words["warning"].format(text=warning.text(lang)) for warning in warnings]
    # broken_said declares the report formats of the plugins already loaded, which
    # records their errors, as `plugins` and `report` do: it runs no plugin that was not
    # imported already, and imports okrdesk's own formats only where a plugin has some to
    # check beside them.
    lines += [
        words["plugin"].format(name=name, error=error.text(lang))
        for name, error in session.host.broken_said()
        # What a plugin's own check said of its settings, at their lines, it says better.
        if error.en not in (UNTRUSTED, CHANGED)
        and not (name in said and error.en.startswith(DECLARING_FAILED))
    ]
    lines += [words["plugin"].format(name=name, error=said.text(lang))
              for name, said in session.host.declaring_nothing()]  # fmt: skip
    lines += [words["warning"].format(text=w.text(lang))
              for w in [*session.host.allow_list_warnings(),
                        *session.host.misplaced_entry_points()]]  # fmt: skip
    skipped = _skipped(session, words)
    lines += skipped
    # Every line above the problems' is a warning but the one that says how to trust
    # the code that was not run, which goes with its warning.
    warned = _warned(len(lines) - len(problem_lines) - (len(skipped) > 0), words)
    files = len(session.loaded.files)
    if problems:
        count = len(problems)
        # The warnings are counted where there is no problem to say: "no problems" under
        # a warning would read as though nothing had been said.
        lines.append(words["problems"].format(problems=_counted(count, "problem", lang),
                                              files=_counted(files, "file", lang)))  # fmt: skip
        return Validation(tuple(lines), ok=False)
    lines.append(words["clean"].format(files=_counted(files, "file", lang), warned=warned))
    lines.extend(plan_summary(session.plan, lang))
    return Validation(tuple(lines), ok=True)


def _warned(count: int, words: Mapping[str, str]) -> str:
    """The warnings validate printed, for its last line: ", 1 warning" (none: empty)."""
    return words["warned"].format(count=count, s="" if count == 1 else "s") if count else ""


def _counted(count: int, noun: str, lang: str) -> str:
    """A count as validate's last line gives it: "3 problems", in Chinese the number."""
    return str(count) if lang == "zh" else f"{count} {noun if count == 1 else noun + 's'}"


def plugin_settings_findings(session: Session) -> tuple[Findings, set[str]]:
    """What each plugin's ``okrdesk_check_settings`` says is wrong with its
    ``[sources.<name>]`` table, at the lines of okrdesk.toml it is about: problems, and
    warnings for what only this machine lacks (``SettingsProblem.about_this_machine``)
    or for a check that failed; and the plugins that found something. A plugin the plan
    uses with no table there is checked with its defaults (an empty table), which may
    not fit this workspace: what it finds says the settings are its defaults."""
    findings = Findings()
    said: set[str] = set()
    for name, (found, answered) in settings_findings(
        session.workspace, session.host, _metrics_by_plugin(session)
    ).items():
        findings.problems += found.problems
        findings.warnings += found.warnings
        if answered:
            said.add(name)
    return findings, said


def settings_findings(
    workspace: Workspace,
    host: PluginHost,
    wanted: Mapping[str, frozenset[str]] | None,
    *,
    leave_out: Collection[str] = (),
) -> dict[str, tuple[Findings, bool]]:
    """``plugin_settings_findings`` plugin by plugin: each checked plugin → its problems
    and warnings, and whether its check found something. ``wanted``: the metrics the plan
    asks each plugin for (None: the plan unread, every setting checked), and so which
    plugins without a table are checked on their defaults; ``leave_out``: plugins not
    asked."""
    by_plugin: dict[str, tuple[Findings, bool]] = {}
    checks = [
        (name, check)
        for name, check in host.implementations("okrdesk_check_settings")
        if name not in leave_out
        and (name in workspace.sources or (wanted is not None and name in wanted))
    ]
    if not checks:
        return by_plugin
    path = workspace.root / SETTINGS_FILE
    there = path.exists() or path.is_symlink()
    source = parse_toml_file(path, workspace.root, Findings()) if there else None
    if source is None and there:  # unreadable: said already, by its own problems
        return by_plugin
    if source is not None and _sources_misspelt(source.data):
        # [source.brokerage] is reported as an unknown key; the plugins' tables are in it,
        # so their defaults are not what this workspace means.
        checks = [(name, check) for name, check in checks if name in workspace.sources]
    for name, check in checks:
        findings, said = Findings(), False
        given = workspace.sources.get(name)
        table = where_for(source, ("sources", name)) if source and given is not None else None
        note = defaults_note(name) if given is None else Said("", "")
        printed: list[str] = []
        printed_zh: dict[str, str] = {}
        failed: list[tuple[str, str]] = []
        record = host.records[name]
        # What is left of the time its import and declarations had (``TimeBudget``), as in
        # a collect; okrdesk's own SQL source, as long as it takes.
        spent = host.budget.spent(name)
        try:
            # What it prints is told with the line that printed, as when it loads.
            with quiet(printed, printed_zh, record), host.spending(record) as left:
                metrics = None if wanted is None else wanted.get(name, frozenset())
                asked = functools.partial(_answered, check, given or {}, workspace.root, metrics)
                answered = limited(left, asked)
        except BaseException as error:  # sys.exit() too: validate goes on, and says so
            if (stopped := interrupted(error)) is not None:
                raise stopped from None
            answered = []
            limit = host.budget.limit
            if isinstance(error, OutOfTime) and limit is not None:
                before = earlier(spent)
                at, at_zh = stopped_at(error, record.plugin, record.how)
                failed.append((
                    f"okrdesk_check_settings did not finish within {limit:g} s{before[0]} and "
                    f"was stopped{at}{LONGER[0]}",
                    f"okrdesk_check_settings 在 {limit:g} 秒内{before[1]}未完成，已{at_zh}停止"
                    f"{LONGER[1]}",
                ))  # fmt: skip
            else:
                told, told_zh = (describe_error(error, record.plugin, record.how, lang=lang)
                                 for lang in ("en", "zh"))  # fmt: skip
                failed.append((f"okrdesk_check_settings failed: {told}",
                               f"okrdesk_check_settings 出错：{told_zh}"))  # fmt: skip
        troubles = [*((t, printed_zh.get(t, t)) for t in printed), *failed]
        if len(answered) > PROBLEMS_MOST:
            answered = answered[:PROBLEMS_MOST]
            troubles.append((
                f"more than {PROBLEMS_MOST} problems; the first {PROBLEMS_MOST} are shown",
                f"问题超过 {PROBLEMS_MOST} 处；只列出前 {PROBLEMS_MOST} 处",
            ))  # fmt: skip
        for trouble, trouble_zh in troubles:
            en, zh = f"plugin {name}: {trouble}{note.en}", f"插件 {name}：{trouble_zh}{note.zh}"
            findings.warnings.append(
                Problem(SETTINGS_FILE, 0, "", en, zh) if table is None else table.problem(en, zh)
            )
        for problem, here_only in located(workspace.root, name, answered):
            (findings.warnings if here_only else findings.problems).append(problem)
            said = True
        by_plugin[name] = (findings, said)
    return by_plugin


def _sources_misspelt(data: Mapping[str, Any]) -> bool:
    import difflib

    return any(
        key != "sources" and difflib.get_close_matches(key, ["sources"], n=1, cutoff=0.75)
        for key in data
    )


def _answered(
    check: Callable[..., Any],
    settings: Mapping[str, Any],
    workspace: Path,
    metrics: frozenset[str] | None,
) -> list[SettingsAnswer]:
    """What a plugin's settings check answers, read to its end (a generator's too, which
    runs the check as it is read): inside its time limit."""
    return checked(check(settings=settings, workspace=workspace, metrics=metrics, collecting=False))


def _metrics_by_plugin(session: Session) -> dict[str, frozenset[str]] | None:
    """The metrics the next collect of the plan will ask each plugin for; None when the
    plan could not be read (each plugin then checks all of its settings). A problem of
    okrdesk.toml's own keys does not change what the plan reads."""
    plan = session.loaded.plan
    if plan is None or session.loaded.problems:
        return None
    owners = session.host.owners
    found: dict[str, set[str]] = {}
    for metric in metrics_needed(plan, session.host.metrics):
        if metric in owners:
            found.setdefault(owners[metric], set()).add(metric)
    return {name: frozenset(metrics) for name, metrics in found.items()}


def channel_units(session: Session) -> list[Problem]:
    """A problem at each channel's ``unit`` the target files do not have: found now, not
    on the Monday its branch's message is not sent."""
    plan = session.loaded.plan
    wrong = [
        c for c in session.workspace.send.channels
        if plan is not None and c.unit is not None and not plan.has_subject(c.unit)
    ]  # fmt: skip
    if plan is None or not wrong:
        return []
    known = plan.subject_ids
    return [
        where.problem(
            no_such("unit or person", c.unit or "", known, lang="en"),
            no_such("unit or person", c.unit or "", known, lang="zh"),
        )
        for c, where in _channel_keys(session, wrong, "unit")
    ]


def _channel_keys(
    session: Session, channels: Sequence[Channel], key: str
) -> list[tuple[Channel, Where]]:
    """Each of ``channels`` with where its ``key`` is in okrdesk.toml, read for them; a
    channel not found in the file (it cannot be read) is left out."""
    workspace = session.workspace
    source = parse_toml_file(workspace.root / SETTINGS_FILE, workspace.root, Findings())
    if source is None:
        return []
    listed = source.data.get("send", {}).get("channels", [])
    names = [item.get("name") if isinstance(item, dict) else None for item in listed]
    return [
        (c, where_for(source, ("send", "channels", names.index(c.name), key)))
        for c in channels
        if c.name in names
    ]


def plain_http_webhooks(
    session: Session, environ: Mapping[str, str] | None = None
) -> list[Problem]:
    """A warning at each bot channel whose webhook URL, as this environment holds it, is
    http:// to another machine: its key and the report would cross the network in the
    clear. Only a warning: the variable ``send`` reads may be another one (cron's)."""
    env = os.environ if environ is None else environ
    hosts = {
        channel.name: host
        for channel in session.workspace.send.channels
        if channel.url_env and (host := _plain_http_host(env.get(channel.url_env, "")))
    }
    if not hosts:
        return []
    found = [c for c in session.workspace.send.channels if c.name in hosts]
    return [
        where.problem(
            f"${channel.url_env} is an http:// URL to {hosts[channel.name]}: the webhook's "
            "key and the report would cross the network unencrypted; use the https:// URL",
            f"${channel.url_env} 是发往 {hosts[channel.name]} 的 http:// 地址：webhook 的 "
            "key 和报告会以明文经过网络；请改用 https:// 地址",
        )
        for channel, where in _channel_keys(session, found, "url_env")
    ]


def other_vendors_webhooks(
    session: Session, environ: Mapping[str, str] | None = None
) -> list[Problem]:
    """A warning at the ``kind`` of each bot channel whose webhook URL, as this
    environment holds it, is another vendor's (a Feishu bot's in a ``wecom`` channel):
    the bot would refuse a message in the other's form, and say so in words that do not
    name the channel's kind."""
    if not session.workspace.send.channels:
        return []
    from okrdesk.delivery.channels import BOTS

    env = os.environ if environ is None else environ
    found: dict[str, tuple[str, str]] = {}
    for channel in session.workspace.send.channels:
        if channel.kind not in BOTS or not channel.url_env:
            continue
        try:
            host = urllib.parse.urlsplit(env.get(channel.url_env, "").strip()).hostname or ""
        except ValueError:  # not a URL at all: send says so
            continue
        vendor = next((kind for kind, bot in BOTS.items() if host in bot.hosts), None)
        if vendor is not None and vendor != channel.kind:
            found[channel.name] = (vendor, host)
    chosen = [c for c in session.workspace.send.channels if c.name in found]
    warnings = []
    for channel, where in _channel_keys(session, chosen, "kind"):
        (vendor, host), env_name = found[channel.name], channel.url_env
        theirs, ours = BOTS[vendor].replies.bot, BOTS[channel.kind].replies.bot
        warnings.append(where.problem(
            f'kind = "{channel.kind}", but ${env_name} holds the webhook of a {theirs.en} '
            f'({host}): set kind = "{vendor}", or give ${env_name} the {ours.en}\'s URL',
            f'kind = "{channel.kind}"，但 ${env_name} 中是{theirs.zh}的 webhook（{host}）：'
            f'请设 kind = "{vendor}"，或在 ${env_name} 中填{ours.zh}的地址',
        ))  # fmt: skip
    return warnings


def shared_webhooks(session: Session) -> list[Problem]:
    """A warning at each bot channel that takes its webhook from the variable an earlier
    channel does: both post to one group, which gets another unit's report (a branch's
    block copied for the next branch, its url_env left as it was) or the same one twice."""
    plan = session.loaded.plan
    first: dict[str, Channel] = {}
    shared: dict[str, Channel] = {}
    for channel in session.workspace.send.channels:
        if channel.url_env is None:
            continue
        if channel.url_env in first:
            shared[channel.name] = first[channel.url_env]
        else:
            first[channel.url_env] = channel
    if not shared:
        return []

    def named(channel: Channel) -> str:
        unit = channel.unit or (plan.top if plan is not None else None)
        if unit is None:
            return "—"
        if plan is None or not plan.has_subject(unit):
            return unit  # a unit the plan lacks is told at its own line
        return plan.name_of(unit)

    found = [c for c in session.workspace.send.channels if c.name in shared]
    warnings = []
    for channel, where in _channel_keys(session, found, "url_env"):
        other, env = shared[channel.name], channel.url_env
        if named(other) == named(channel):
            warnings.append(where.problem(
                f"${env} is also the webhook of channel {other.name}: its group would get "
                f"{named(channel)}'s message twice",
                f"${env} 也是渠道 {other.name} 的 webhook：该群会收到两遍 {named(channel)} 的消息",
            ))  # fmt: skip
        else:
            warnings.append(where.problem(
                f"${env} is also the webhook of channel {other.name}: {named(channel)}'s "
                f"report would go to the group that gets {named(other)}'s; give each group's "
                "channel a variable of its own",
                f"${env} 也是渠道 {other.name} 的 webhook：{named(channel)}的报告会发到接收"
                f"{named(other)}报告的群；请为每个群的渠道各用一个变量",
            ))  # fmt: skip
    return warnings


def _plain_http_host(url: str) -> str | None:
    """The host of an http:// URL to another machine, shown safely; None otherwise."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:  # not a URL at all: send says so
        return None
    if parts.scheme.lower() != "http" or is_loopback(parts.hostname or ""):
        return None
    return printable(parts.hostname or "")


def _skipped(session: Session, words: Mapping[str, str]) -> list[str]:
    """The workspace's own code that was not run, and how to allow it; nothing where its
    plugins' lines say okrdesk cannot check it (``PluginHost.unchecked``), which `okrdesk
    trust` would refuse too."""
    root = session.workspace.root
    skipped = [display_path(path, root) for path in session.host.skipped]
    if not skipped or session.host.unchecked is not None:
        return []
    return [
        words["changed" if session.host.changed_since_trusted else "not_run"].format(
            files=words["sep"].join(skipped)
        ),
        words["to_allow"].format(root=shlex.quote(str(root.resolve()))),
    ]
