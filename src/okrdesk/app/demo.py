"""``okrdesk demo``: a demo workspace from the sample targets, with a history.

The plugins generate the source data through ``okrdesk_demo_data``; it is
collected like any workspace's. Then comes a plausible history of check-ins
and a spend ledger:

Key results that no plugin measures get a check-in at each of the last two
month ends (and a checkpoint on its date), near what their milestones ask
for, as a person types them (whole fen, whole counts: ``as_typed``); every budget line gets
monthly spending along its schedule, signed by two people. The first market
activity runs ahead of its results, so the demo shows a tripped breaker and
an override with its reason. Deterministic: the same plan and date give the
same history.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import shutil
import zlib
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from okrdesk import clock
from okrdesk.app.collect import base_lines, run_collect, said_once
from okrdesk.app.session import open_session, open_store
from okrdesk.app.spend import breaker_after
from okrdesk.app.validate import plan_summary
from okrdesk.engine.cadence import who_owes
from okrdesk.engine.pace import closes_on, due_fraction
from okrdesk.engine.plan_calendar import clamp_to_plan
from okrdesk.engine.tree_targets import owner_of
from okrdesk.errors import BadInput, Said, ValidationFailed, display_path
from okrdesk.files import copy_file_atomically, write_text_atomically
from okrdesk.messages import counted
from okrdesk.model import BudgetLine, Direction, KeyResult, MetricSpec, Plan
from okrdesk.periods import Grain, periods_between
from okrdesk.plugins.failures import describe_error, worded
from okrdesk.plugins.manager import PluginHost, out_of_time, quiet
from okrdesk.plugins.time_limit import OutOfTime, interrupted, limited, plugin_timeout
from okrdesk.resources import shipped
from okrdesk.store import Store
from okrdesk.targets.load import load_plan, load_plan_or_fail
from okrdesk.targets.settings import SETTINGS_FILE
from okrdesk.units import Dimension

RUNS_AHEAD = Decimal("1.25")


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("/".join(parts).encode("utf-8")))


def _month_ends(plan: Plan, through: dt.date) -> list[dt.date]:
    return [p.end for p in periods_between(plan.start, through, Grain.MONTH) if p.end <= through]


def _checkin_value(plan: Plan, kr: KeyResult, day: dt.date) -> float:
    rng = _rng(kr.id, day.isoformat())
    target = float(kr.effective_target)
    baseline = float(kr.baseline)
    if kr.direction is Direction.AT_MOST:
        value = target * rng.uniform(0.7, 1.1)
    elif kr.direction is Direction.WITHIN:
        value = target + float(kr.band or 0) * rng.uniform(-1.2, 1.0)
    else:
        due = due_fraction(plan, kr.milestones, day, kr.calendar)
        # One pace for the key result all year: a count to date reported monthly never
        # falls from one month to the next.
        pace = _rng(kr.id, "pace").uniform(0.86, 1.06)
        value = baseline + (target - baseline) * due * pace
    return as_typed(kr, value)


TYPED_STEP = {
    Dimension.MONEY: Decimal("0.01"),
    Dimension.SCORE: Decimal("0.01"),
    Dimension.MULTIPLE: Decimal("0.01"),
}
"""The finest step a person types a figure to, in base units: money to the fen, a score or
a multiple to two decimals. A count is whole (vacancies are 1, not 0.7885)."""
PERCENT, PERMILLE = Decimal("0.01"), Decimal("0.001")


def as_typed(kr: KeyResult, value: float) -> float:
    """``value`` as a person checking it in would type it, not a draw's sixteen digits
    (426,294,933.59元, not 426294933.5875558)."""
    if kr.unit.dimension is Dimension.COUNT:
        return round(value)
    typed = Decimal(repr(value))
    if kr.unit.dimension is Dimension.FRACTION:
        step = _rate_step(typed, PERMILLE if kr.unit.factor == PERMILLE else PERCENT)
    else:
        step = TYPED_STEP[kr.unit.dimension]
    return float(typed.quantize(step, rounding=ROUND_HALF_UP))


def _rate_step(rate: Decimal, written_in: Decimal) -> Decimal:
    """A rate to three significant digits in % or ‰, and at most two decimals (81.8%,
    6.87%, -0.58百分点, 0.15‰): as the report writes a rate, so it shows what was typed."""
    shown = abs(rate) / written_in
    places = 2 if shown < 1 else min(2, 2 - shown.adjusted())
    return written_in.scaleb(-max(places, 0))


def _checkin_days(plan: Plan, kr: KeyResult, month_ends: list[dt.date]) -> list[dt.date]:
    """The last two month ends; for a checkpoint that has closed, its own date alone
    (its result is reported, and a later check-in would not count)."""
    closing = closes_on(plan, kr)
    if closing is not None and month_ends and closing <= month_ends[-1]:
        return [closing]
    return month_ends[-2:]


def _signers(plan: Plan, line: BudgetLine) -> tuple[str, ...]:
    names = []
    owner = plan.units_by_id.get(line.owner)
    for lead in (owner.lead if owner else None, plan.units_by_id[plan.top].lead):
        if lead and lead in plan.people_by_id:
            names.append(plan.people_by_id[lead].name)
    if line.owner in plan.people_by_id:
        names.insert(0, plan.people_by_id[line.owner].name)
    names += [p.name for p in plan.people]
    return tuple(dict.fromkeys(names))[:2]


def write_history(
    plan: Plan, store: Store, through: dt.date, metrics: Mapping[str, MetricSpec]
) -> tuple[int, int]:
    """Record the demo's check-ins and spending; return how many of each. Spending is
    judged by each line's breaker as `okrdesk spend add` judges it: while an entry would
    trip it, the branch spends nothing more on that line (the schedule catches up once
    the results allow it), but for the line that runs ahead (the sample's events), whose
    entries at the summit's month end and at the last month end go through as overrides,
    each with its reason (``OVERRIDES``)."""
    month_ends = _month_ends(plan, through)
    checkins = 0
    for kr in plan.key_results_by_id.values():
        if kr.metric is not None:
            continue
        for day in _checkin_days(plan, kr, month_ends):
            owner = owner_of(plan, kr)
            rng = _rng(kr.id, "confidence", day.isoformat())
            store.add_checkin(kr.id, owner, day, _checkin_value(plan, kr, day),
                              confidence=rng.choice((0.6, 0.7, 0.8, 0.9)),
                              note=f"{day.month}月末口径（演示数据）",
                              author=who_owes(plan, owner)[1])  # fmt: skip
            checkins += 1
    entries = 0
    hurried = next((line.id for line in plan.budget.lines if line.market_activity), None)
    for line in plan.budget.lines:
        spent = Decimal(0)
        rng = _rng(line.id)
        for day in month_ends:
            due = (
                Decimal(str(due_fraction(plan, line.schedule, day)))
                if line.schedule
                else (
                    Decimal((day - plan.start).days + 1) / Decimal((plan.end - plan.start).days + 1)
                )
            )
            pace = RUNS_AHEAD if line.id == hurried else Decimal(str(rng.uniform(0.5, 0.75)))
            goal = (line.amount * due * pace).quantize(Decimal(100))
            if goal <= spent:
                continue
            ledger = store.spend(line.id, plan_unit=plan.top)
            tripped = breaker_after(plan, metrics, store, line.id, ledger, goal - spent, day)
            reason = None
            if tripped.tripped:
                reason = _override_reason(day, month_ends) if line.id == hurried else None
                if reason is None:
                    continue
            store.add_spend(line.id, day, goal - spent, _signers(plan, line), DEMO_NOTE, reason,
                            plan_unit=plan.top, plan_id=plan.id)  # fmt: skip
            spent = goal
            entries += 1
    return checkins, entries


DEMO_NOTE = "演示数据"
"""The note of each demo spend entry, as the demo's check-ins say theirs are demo data."""

OVERRIDES = {
    "summit": "五月峰会场地合同已签，违约成本更高（演示数据）",
    "last": "年末路演场地已签约，违约成本更高（演示数据）",
}
SUMMIT_MONTH = 5
"""The sample plan's events line holds one summit, in May (targets/budget.toml)."""


def _override_reason(day: dt.date, month_ends: list[dt.date]) -> str | None:
    """Why the events line's entry on ``day`` goes through a tripped breaker, where one
    does: the summit's contract in May, and the year's last roadshows."""
    if day.month == SUMMIT_MONTH:
        return OVERRIDES["summit"]
    return OVERRIDES["last"] if day == month_ends[-1] else None


DEMO_MARKER = ".okrdesk-demo"
_MARKED = "This folder was made by `okrdesk demo` and is rebuilt by it.\n"


_SAID = {
    "en": {
        "not_folder": "{root} is not a folder",
        "linked": "{root} is a link to {target}; the demo is built only in a folder of its "
                  "own (a link there, in a folder you were sent, could point anywhere), "
                  "nothing was changed",
        "not_demo": "{root} already holds files that are not an okrdesk demo; name another "
                    "folder, nothing was changed",
        "built": "Demo workspace: {root}",
        "as_of": "As of {day}.",
        "kept": "The demo there had changes of yours since it was built: it was kept as "
                "{kept}.",
        "no_data": "Plugin {name} could not make demo data: {said}",
        "printed": "Plugin {name}: {said}",
        "data": "Plugin {name} generated demo data ({settings}).",
        "loaded": "{plugins} loaded, {metrics} available.",
        "collected": "Collected {stored} of {metrics} over {periods} into {database}.",
        "error": "error: {error}",
        "history": "Recorded {checkins} demo check-ins and {entries} spend entries.",
    },
    "zh": {
        "not_folder": "{root} 不是文件夹",
        "linked": "{root} 是指向 {target} 的链接；演示只建在它自己的文件夹里（别人发来的文件夹中"
                  "的链接可能指向任何地方），未改动任何内容",
        "not_demo": "{root} 中已有不属于 okrdesk 演示的文件；请另选一个文件夹，未改动任何内容",
        "built": "演示工作区：{root}",
        "as_of": "截至 {day}。",
        "kept": "该处的演示工作区在生成后被您改动过：已保留为 {kept}。",
        "no_data": "插件 {name} 未能生成演示数据：{said}",
        "printed": "插件 {name}：{said}",
        "data": "插件 {name} 已生成演示数据（{settings}）。",
        "loaded": "已加载 {plugins} 个插件，可用指标 {metrics} 个。",
        "collected": "已采集 {stored} 条观测值（{metrics} 个指标，{periods} 个周期），"
                     "存入 {database}。",
        "error": "错误：{error}",
        "history": "已记录 {checkins} 条演示打卡和 {entries} 笔支出。",
    },
}  # fmt: skip
"""What ``okrdesk demo`` says as it builds, in ``--lang``."""


def _prepare_demo_folder(root: Path, lang: str) -> Path | None:
    """An empty folder for the demo. A demo folder changed since it was built (a spend
    entry, a check-in, an edited target file) is kept beside it, renamed, not deleted:
    where it went, else None."""
    if root.is_symlink():
        target = display_path(root.resolve(), root.parent)
        raise BadInput(_SAID[lang]["linked"].format(root=root, target=target))
    if root.exists() and not root.is_dir():
        raise BadInput(_SAID[lang]["not_folder"].format(root=root))
    kept = None
    if root.is_dir() and any(root.iterdir()):
        if not (root / DEMO_MARKER).is_file():
            raise BadInput(_SAID[lang]["not_demo"].format(root=root))
        if _changed_since_built(root):
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = root.with_name(f"{root.name}.kept-{stamp}")
            again = 1
            while kept.exists():
                again += 1
                kept = root.with_name(f"{root.name}.kept-{stamp}-{again}")
            root.rename(kept)
        else:
            shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    write_text_atomically(root / DEMO_MARKER, _MARKED)
    return kept


def _files_as_built(root: Path) -> dict[str, list[int]]:
    """Each file's size and modification time, by its path in the demo folder."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != DEMO_MARKER:
            stat = path.stat()
            found[path.relative_to(root).as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return found


def _seal(root: Path) -> None:
    """Note in the marker how the built demo's files stand, for a rebuild to tell whether
    anyone changed it since."""
    write_text_atomically(root / DEMO_MARKER, _MARKED + json.dumps(_files_as_built(root)) + "\n")


def _changed_since_built(root: Path) -> bool:
    """Whether the demo's files differ from how its build left them; not known (a build
    that did not finish, or an okrdesk before this one built it) counts as unchanged."""
    lines = (root / DEMO_MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
    try:
        built = json.loads(lines[1])
    except (IndexError, ValueError):
        return False
    return bool(built != _files_as_built(root))


def _copy(source: str, target: str) -> None:
    copy_file_atomically(Path(source), Path(target))


def demo_day(as_of: dt.date | None) -> dt.date:
    """The day a demo is built and reported as of: ``as_of``, else today moved inside the
    sample plan's year. A day outside the plan is refused before anything is written:
    one before it, the demo would be built as of the plan's first day and its own report
    refuse the day asked for; one after it, the demo would say it was built as of the
    plan's last day, not the day asked for, and its report that the plan has ended."""
    sample = shipped("sample_targets")
    loaded = load_plan(sample.parent, targets=sample)
    if loaded.plan is None:
        raise ValidationFailed(loaded.problems)
    plan = loaded.plan
    if as_of is None:
        return clamp_to_plan(plan, clock.today())
    if as_of < plan.start:
        span = (plan.start.isoformat(), plan.end.isoformat())
        raise BadInput(Said(
            f"--as-of {as_of}: before the sample plan starts ({span[0]}), there is "
            f"nothing to show; give a day from {span[0]} to {span[1]}. Nothing was changed",
            f"--as-of {as_of}：早于示例计划开始日（{span[0]}），还没有可演示的内容；"
            f"请给 {span[0]} 至 {span[1]} 之间的日期。未做任何改动",
        ))  # fmt: skip
    if as_of > plan.end:
        span = (plan.start.isoformat(), plan.end.isoformat())
        raise BadInput(Said(
            f"--as-of {as_of}: after the sample plan ends ({span[1]}), the demo would show "
            f"that day, not this one; give a day from {span[0]} to {span[1]}. Nothing was "
            "changed",
            f"--as-of {as_of}：晚于示例计划结束日（{span[1]}），演示只能展示到那一天；"
            f"请给 {span[0]} 至 {span[1]} 之间的日期。未做任何改动",
        ))  # fmt: skip
    return as_of


def build_demo(root: Path, as_of: dt.date | None = None, lang: str = "en") -> list[str]:
    """Build the demo workspace in ``root``; return what to tell the user, in ``lang``.
    The workspace reports in ``lang`` too."""
    said = _SAID[lang]
    kept = _prepare_demo_folder(root, lang)
    shutil.copytree(shipped("sample_targets"), root / "targets", copy_function=_copy)
    if lang == "zh":
        _levels_in_chinese(root / "targets" / "org.toml")
    plan = load_plan_or_fail(root)
    through = clamp_to_plan(plan, as_of or clock.today())
    lines = [said["built"].format(root=root), said["as_of"].format(day=through.isoformat())]
    if kept is not None:
        lines.append(said["kept"].format(kept=kept))

    host = PluginHost(root / "plugins", limit=plugin_timeout(None)).load()
    sources: dict[str, Any] = {}
    for name, generate in host.implementations("okrdesk_demo_data"):
        made = functools.partial(generate, plan=plan, workspace=root.resolve(), through=through)
        settings, why, printed = _demo_data(host, name, made, lang)
        lines.extend(said["printed"].format(name=name, said=words) for words in printed)
        if why is not None:
            lines.append(said["no_data"].format(name=name, said=why))
            continue
        if settings:
            sources[name] = dict(settings)
            lines.append(said["data"].format(name=name, settings=_describe(settings)))
    _write_settings(root, "okrdesk demo", sources, lang)

    session = open_session(root)
    lines.extend(plan_summary(session.plan, lang))
    plugins, metrics = len(session.host.records), len(session.host.metrics)
    lines.append(said["loaded"].format(
        plugins=counted(plugins, "plugin") if lang == "en" else plugins,
        metrics=counted(metrics, "metric") if lang == "en" else metrics,
    ))  # fmt: skip
    summary = run_collect(session, through, today=through)  # the demo's world is as of that day
    stored, measured, periods = summary.stored, len(summary.metrics), len(summary.periods)
    lines.append(said["collected"].format(
        stored=counted(stored, "observation") if lang == "en" else f"{stored:,}",
        metrics=counted(measured, "metric") if lang == "en" else measured,
        periods=counted(periods, "period") if lang == "en" else periods,
        database=display_path(session.workspace.database, root),
    ))  # fmt: skip
    lines.extend(base_lines(summary, lang))  # last year's, where a growth target grows on it
    lines.extend(said["error"].format(error=error) for error in said_once(summary.errors, lang))
    with open_store(session.workspace) as store:
        checkins, entries = write_history(session.plan, store, through, session.host.metrics)
    lines.append(said["history"].format(checkins=checkins, entries=entries))
    _seal(root)
    return lines


LEVELS_IN_CHINESE = {"firm": "公司", "branch": "营业部", "team": "团队"}
"""The sample's unit levels as a Chinese brokerage writes them, for a Chinese demo: its
report heads with 深圳福田营业部（szft） and counts 3 个团队, not 3 个 team."""


def _levels_in_chinese(org_file: Path) -> None:
    import tomlkit

    document = tomlkit.parse(org_file.read_text(encoding="utf-8"))
    for unit in document.get("units", []):
        level = unit.get("level")
        if level in LEVELS_IN_CHINESE:
            unit["level"] = LEVELS_IN_CHINESE[level]
    write_text_atomically(org_file, tomlkit.dumps(document))


def _demo_data(
    host: PluginHost, name: str, made: Callable[[], object], lang: str
) -> tuple[Mapping[str, Any] | None, str | None, list[str]]:
    """A plugin's ``okrdesk_demo_data`` run as its other hooks are in okrdesk's process:
    held to its time limit (one that never returned held the demo for ever), and what it
    prints kept off the demo's output and told as its error (it was printed there as if
    it were okrdesk's). Its settings table, or why it made none, and what it printed."""
    record = host.records[name]
    printed: list[str] = []
    printed_zh: dict[str, str] = {}
    try:
        with (
            quiet(printed, printed_zh, record, step="okrdesk_demo_data"),
            host.spending(record) as left,
        ):
            given = limited(left, made)
        settings, why = _settings_table(given), None
    except BaseException as error:  # sys.exit() too: the demo goes on without its data
        if (stopped := interrupted(error)) is not None:
            raise stopped from None
        settings = None
        limit = host.budget.limit
        if isinstance(error, OutOfTime) and limit is not None:
            step = "okrdesk_demo_data"
            en, zh = out_of_time(error, step, f"{step} ", limit, record=record)
            why = en if lang == "en" else zh
        else:
            why = describe_error(error, record.plugin, record.how, lang=lang)
    told = [printed_zh.get(words, words) if lang == "zh" else words for words in printed]
    return settings, why, told


def _settings_table(given: object) -> Mapping[str, Any] | None:
    """What a plugin's ``okrdesk_demo_data`` returned, as okrdesk.toml can hold it under
    ``[sources.<plugin name>]``: a path, a None or a table that is no mapping would
    otherwise fail the whole demo, half built, with a traceback. Raises the plugin's
    error, in both languages, naming the key."""
    if given is None:
        return None
    if not isinstance(given, Mapping):
        what = type(given).__name__
        raise worded(
            TypeError,
            f"okrdesk_demo_data returned a {what}, not the settings table: return a dict of "
            "the keys [sources.<plugin name>] is to hold, or None",
            f"okrdesk_demo_data 返回了 {what}，而不是设置表：请返回 [sources.<插件名>] 应有的"
            "键组成的 dict，或返回 None",
        )
    if (found := _not_in_toml(given, "")) is not None:
        key, value = found
        shown = f"{key} = {value!r}"
        raise worded(
            TypeError,
            f"okrdesk_demo_data returned {shown}, which okrdesk.toml cannot hold: give text, "
            "numbers, true or false, dates, and lists and tables of them (a path as text, "
            "relative to the workspace; for None, leave the key out)",
            f"okrdesk_demo_data 返回了 {shown}，okrdesk.toml 写不下：请给文本、数字、true 或 "
            "false、日期，以及由它们组成的列表和表（路径写成相对于工作区的文本；"
            "值为 None 的键不写）",
        )
    return given


def _not_in_toml(value: object, key: str) -> tuple[str, object] | None:
    """The first key (dotted, ``[n]`` for an item of a list) whose value TOML cannot hold,
    with that value; None where it can hold all of ``value``."""
    import tomlkit

    if isinstance(value, Mapping):
        for name, inner in value.items():
            inside = f"{key}.{name}" if key else str(name)
            if not isinstance(name, str):
                return inside, name
            if (found := _not_in_toml(inner, inside)) is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            if (found := _not_in_toml(inner, f"{key}[{index}]")) is not None:
                return found
        return None
    try:
        tomlkit.item(value)
    except (TypeError, ValueError):  # tomlkit's ConvertError is both
        return key, value
    return None


def _describe(settings: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in settings.items())


def _write_settings(
    root: Path, name: str, sources: Mapping[str, Mapping[str, Any]], lang: str
) -> None:
    import tomlkit

    document = tomlkit.document()
    document.add(tomlkit.comment("Written by `okrdesk demo`."))
    # Chinese is every workspace's default: an English demo says it is English.
    document["workspace"] = {"name": name, "lang": "en"} if lang == "en" else {"name": name}
    if sources:
        table = tomlkit.table(is_super_table=True)
        for plugin, settings in sources.items():
            table[plugin] = dict(settings)
        document["sources"] = table
    write_text_atomically(root / SETTINGS_FILE, tomlkit.dumps(document))
