"""What an installed plugin made wrong (a ``MetricSpec``, the ``DimensionLabels`` it
holds, a ``ReportFormat``, an ``okrdesk_check_settings`` answer) is refused as that
plugin's error, in the language of the command: ``okrdesk plugins``, ``validate`` and
``collect`` say it in English with ``--lang en`` and in Chinese with ``--lang zh``.

One package holds a plugin for each mistake, each its own entry point; it is installed
with pip once, and every command is run once in each language."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from okrdesk.model import (
    DimensionLabels,
    InvalidValue,
    KeyResult,
    MetricKind,
    MetricSpec,
    MetricSpecError,
    Milestone,
)
from okrdesk.plugins import ReportFormat, ReportFormatError  # what a plugin's tests import
from okrdesk.units import UNITS
from sample_workspace import BASE_FILES, LOCAL_PLUGIN

HEAD = """\
from okrdesk.model import DimensionLabels, MetricKind, MetricSpec
from okrdesk.plugins import ReportFormat, SettingsProblem, hookimpl
from okrdesk.units import UNITS


@hookimpl
"""
LINE = 8
"""The line of each plugin's source that makes the wrong value (``HEAD`` is 6 lines)."""


def _metric(call: str) -> str:
    return f"{HEAD}def okrdesk_metrics(register):\n    register({call})\n"


def _format(call: str) -> str:
    return f"{HEAD}def okrdesk_report_formats(register):\n    register({call})\n"


def _check(answer: str) -> str:
    return f"{HEAD}def okrdesk_check_settings(settings):\n    return {answer}\n"


SPEC = 'MetricSpec("m", "M", "指标", "flow", "户"{more})'

METRICS = {
    "mname": (
        'MetricSpec("new clients", "New clients", "新客户", MetricKind.FLOW, UNITS["户"])',
        "a metric's name must be one word (snake_case), not 'new clients'",
        "指标的名称应为一个词（snake_case），现为 'new clients'",
    ),
    "mlabel": (
        'MetricSpec("m", "M", None, "flow", "户")',
        "metric m: label_zh must be text, not NoneType",
        "指标 m：label_zh 应为文本，现为 NoneType",
    ),
    "mkind": (
        'MetricSpec("m", "M", "指标", "flo", "户")',
        "metric m: kind must be one of MetricKind.STOCK, MetricKind.FLOW, MetricKind.RATIO, "
        "not 'flo'",
        "指标 m：kind 应为 MetricKind.STOCK、MetricKind.FLOW、MetricKind.RATIO 之一，现为 'flo'",
    ),
    "mdirection": (
        SPEC.format(more=', direction="up"'),
        "metric m: direction must be one of Direction.AT_LEAST, Direction.AT_MOST, "
        "Direction.WITHIN, not 'up'",
        "指标 m：direction 应为 Direction.AT_LEAST、Direction.AT_MOST、Direction.WITHIN 之一，"
        "现为 'up'",
    ),
    "munit": (
        'MetricSpec("m", "M", "指标", "flow", "万")',
        "metric m: unit '万' is not a unit okrdesk knows (did you mean '万元', '万户' or "
        "'万人'?); write one of okrdesk.units.UNITS, as UNITS[\"元\"]",
        "指标 m：单位 '万' 不是 okrdesk 认识的计量单位（是不是 '万元'、'万户' 或 '万人'？）；"
        '请写 okrdesk.units.UNITS 中的一个，如 UNITS["元"]',
    ),
    "mspaced": (
        'MetricSpec("m", "M", "指标", "flow", "元 ")',
        "metric m: unit '元 ' is not a unit okrdesk knows (did you mean '元'?); write one of "
        'okrdesk.units.UNITS, as UNITS["元"]',
        "指标 m：单位 '元 ' 不是 okrdesk 认识的计量单位（是不是 '元'？）；"
        '请写 okrdesk.units.UNITS 中的一个，如 UNITS["元"]',
    ),
    "mrevenue": (
        SPEC.format(more=', revenue="yes"'),
        "metric m: revenue must be True or False, not 'yes'",
        "指标 m：revenue 应为 True 或 False，现为 'yes'",
    ),
    "mformula": (
        SPEC.format(more=", formula=3"),
        'metric m: formula must be text, as "aum / headcount_cm"',
        '指标 m：formula 应为文本，如 "aum / headcount_cm"',
    ),
    "mstages": (
        SPEC.format(more=', stages=("开户",)'),
        "metric m: stages must be two names, entered and converted, not ('开户',)",
        "指标 m：stages 应为两个名称（进入的阶段和转化的阶段），现为 ('开户',)",
    ),
    "msettles": (
        SPEC.format(more=", settles_after_days=-1"),
        "metric m: settles_after_days must be a whole number of days from 0, or None for "
        "never, not -1",
        "指标 m：settles_after_days 应为从 0 起的整天数，或 None（永不定型），现为 -1",
    ),
    "mdimension": (
        SPEC.format(more=', dimensions=("Tier",)'),
        "metric m: dimension 'Tier' is not a name (lowercase letters, digits and _)",
        "指标 m：维度 'Tier' 不是有效的名称（小写字母、数字和 _）",
    ),
    "mtwice": (
        SPEC.format(more=', dimensions=("tier", "tier")'),
        "metric m: a dimension is declared twice",
        "指标 m：有维度声明了两次",
    ),
    "mlabelled": (
        SPEC.format(more=', dimensions=("tier",), '
                         'dimension_labels={"gender": DimensionLabels("性别", "gender")}'),
        "metric m: labels for 'gender', which is not one of its dimensions ['tier']",
        "指标 m：给了 'gender' 的标签，但它不是该指标的维度 ['tier'] 之一",
    ),
    "mnotlabels": (
        SPEC.format(more=', dimensions=("tier",), dimension_labels={"tier": "档"}'),
        "metric m: the labels for 'tier' are not DimensionLabels",
        "指标 m：'tier' 的标签不是 DimensionLabels",
    ),
    "mwords": (
        SPEC.format(more=', dimensions=("tier",), '
                         'dimension_labels={"tier": DimensionLabels(None, "tier")}'),
        "DimensionLabels: the dimension's words must be text, not None and 'tier'",
        "DimensionLabels：维度的名称应为文本，现为 None 和 'tier'",
    ),
    "mvalues": (
        SPEC.format(more=', dimensions=("tier",), dimension_labels='
                         '{"tier": DimensionLabels("档", "tier", values_zh={"a": 1})}'),
        "DimensionLabels tier: each value and its word must be text, not 'a': 1",
        "DimensionLabels tier：每个值及其名称都应为文本，现为 'a': 1",
    ),
    "mrate": (
        'MetricSpec("m", "M", "指标", "stock", "%")',
        "metric m: a stock metric cannot be in %: its figures add up across people and units, "
        "and a sum of rates means nothing; declare it a ratio (kind=MetricKind.RATIO) and emit "
        "its parts, numerator=12, denominator=120, not value=0.10",
        "指标 m：stock 指标的单位不能是 %：其数值按人员和单位相加，比率相加没有意义；请声明为比率"
        "（kind=MetricKind.RATIO），并发送分子和分母（numerator=12, denominator=120），而不是 "
        "value=0.10",
    ),
    # Settings that do nothing for the metric's kind: its author learnt nothing.
    "mfunnelflow": (
        SPEC.format(more=', stages=("参会", "签约")'),
        "metric m: stages name a funnel's two stages, and a funnel is a ratio (converted over "
        "entered); a flow metric has none: leave stages out, or declare a ratio "
        "(kind=MetricKind.RATIO) and emit its parts",
        "指标 m：stages 是漏斗两个阶段的名称，而漏斗是比率（转化数 / 进入数）；flow 指标没有阶段："
        "请去掉 stages，或声明为比率（kind=MetricKind.RATIO）并发送分子和分母",
    ),
    "moverstock": (
        'MetricSpec("m", "M", "指标", "stock", "元", denominator_over_time="first")',
        "metric m: denominator_over_time says how a ratio's part carries over time; a stock "
        "metric has no parts (over time it takes its level at the period's end): leave it "
        "out, or declare a ratio (kind=MetricKind.RATIO) and emit its parts",
        "指标 m：denominator_over_time 说的是比率的分子或分母如何跨周期延续；stock 指标没有分子"
        "分母（跨周期取周期末的水平）：请去掉它，或声明为比率（kind=MetricKind.RATIO）并发送分子"
        "和分母",
    ),
    "mrevenuecount": (
        SPEC.format(more=", revenue=True"),
        "metric m: revenue is for money earned (commission, fees, interest), which a budget "
        "line's ROI counts; a figure in 户 is no money: leave revenue out",
        "指标 m：revenue 用于挣到的钱（佣金、费用、利息），预算项的 ROI 只计它；以 户 计的数"
        "不是金额：请去掉 revenue",
    ),
    "msettledstock": (
        'MetricSpec("m", "M", "指标", "stock", "元", settles_after_days=7)',
        "metric m: settles_after_days is for a cohort whose figure goes on changing after its "
        "period (a flow or a ratio); a stock is a level at a date, which does not, and with it "
        "a restatement of a past level would go untold: leave it out",
        "指标 m：settles_after_days 用于周期结束后数字仍会变动的批次（flow 或比率）；stock 是某一天"
        "的水平，不会这样变动，写了它，过去水平的重述反而不会被告知：请去掉它",
    ),
}  # fmt: skip
"""Plugin → (what its okrdesk_metrics registers, the refusal in English, in Chinese)."""

FORMATS = {
    "fname": (
        'ReportFormat("KR CSV", "x", print)',
        "a report format's name must be a short lower-case word, not 'KR CSV'",
        "报告格式的名称应为一个简短的小写单词，现为 'KR CSV'",
    ),
    "fdescription": (
        'ReportFormat("krx", 3, print)',
        "report format krx: description must be text",
        "报告格式 krx：description 应为文本",
    ),
    "frender": (
        'ReportFormat("krx", "x", "print")',
        "report format krx: render must be a function render(report, out, context)",
        "报告格式 krx：render 应为函数 render(report, out, context)",
    ),
    "fsuffix": (
        'ReportFormat("krx", "x", print, suffixes=("csv",))',
        "report format krx: suffix 'csv' must be a file name ending such as \".md\"",
        "报告格式 krx：后缀 'csv' 应为文件名的结尾，如 \".md\"",
    ),
    "fbinary": (
        'ReportFormat("krx", "x", print, binary="yes")',
        "report format krx: binary must be True or False",
        "报告格式 krx：binary 应为 True 或 False",
    ),
}
"""Plugin → (what its okrdesk_report_formats registers, the refusal in English, Chinese)."""

CHECKS = {
    "cstr": (
        '"all fine"',
        "gave str, not a list of SettingsProblem",
        "返回了 str，而不是 SettingsProblem 的列表",
    ),
    "cint": ("[1]", "gave int, not SettingsProblem", "返回了 int，而不是 SettingsProblem"),
    "ctext": (
        '[SettingsProblem("file", 3)]',
        "gave a SettingsProblem whose key or message is not text",
        "返回的 SettingsProblem 中，key 或消息不是文本",
    ),
}
"""Plugin → (what its okrdesk_check_settings returns, the refusal in English, Chinese)."""

SLICES = f"""{HEAD}def okrdesk_metrics(register):
    register(MetricSpec("tiered_sales", "Tiered sales", "分档销售额", "flow", "元",
                        dimensions=("tier",)))
    register(MetricSpec("plain_sales", "Plain sales", "销售额", "flow", "元"))


@hookimpl
def okrdesk_collect(request, emit):
    week = request.periods[0].id
    emit("tiered_sales", "cm01", week, value=1.0, dimensions={{"tierr": "hnw"}})
    emit("plain_sales", "cm01", week, value=1.0, dimensions={{"tier": "hnw"}})
"""
"""A plugin that emits figures sliced by dimensions their metrics do not declare."""

SALES = """\
[[objectives]]
id = "S1"
title = "销售"
owner = "branch"

[[objectives.key_results]]
id = "TIERED"
title = "分档销售额"
metric = "tiered_sales"
target = 100
unit = "万元"

[[objectives.key_results]]
id = "PLAIN"
title = "销售额"
metric = "plain_sales"
target = 100
unit = "万元"
"""
"""A target file whose key results ask for the slicing plugin's metrics."""

SETTINGS = "".join(f"[sources.{name}]\nfile = 1\n\n" for name in CHECKS)
"""okrdesk.toml: a table for each plugin that checks its settings; [sources.cstr] is on
line 1, each next one three lines down."""


SPREAD = f"""{HEAD}def okrdesk_metrics(register):
    register(
        MetricSpec(
            "spread_sales",
            "Spread sales",
            "分行销售",
            kind=MetricKind.FLOW,
            unit="万",
            revenue=True,
        )
    )
"""
"""A metric declared over several lines, one argument a line, its unit refused."""
SPREAD_UNIT_LINE = 14


@pytest.fixture(scope="module")
def told(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], str]]:
    """(command, language) → what okrdesk printed, out and err, for a workspace with every
    broken plugin installed."""
    folder = tmp_path_factory.mktemp("refusals")
    root = folder / "ws"
    (root / "targets").mkdir(parents=True)
    for name, content in {**BASE_FILES, "sales.toml": SALES}.items():
        (root / "targets" / name).write_text(textwrap.dedent(content), encoding="utf-8")
    (root / "plugins").mkdir()
    (root / "plugins" / "test_metrics.py").write_text(LOCAL_PLUGIN, encoding="utf-8")
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    sources = {
        **{name: _metric(call) for name, (call, _, _) in METRICS.items()},
        **{name: _format(call) for name, (call, _, _) in FORMATS.items()},
        **{name: _check(answer) for name, (answer, _, _) in CHECKS.items()},
        "slices": SLICES,
        "spread": SPREAD,
    }
    first, *others = sources
    found: dict[tuple[str, str], str] = {}
    with installed_package(folder, first, sources[first], {n: sources[n] for n in others}) as env:
        env = {**env, "OKRDESK_ALLOW_WORKSPACE_CODE": "1"}
        for lang in ("en", "zh"):
            for command in (
                ["plugins"],
                ["validate"],
                ["collect", "--through", "2026-01-20"],
                ["collect", "--through", "2026-01-20", "--metric", "tiered_sales",
                 "--metric", "plain_sales"],
                ["report"],
                ["check"],
            ):  # fmt: skip
                done: subprocess.CompletedProcess[str] = okrdesk(
                    {**env, "COLUMNS": "1000"}, *command, "--lang", lang, "-w", str(root)
                )
                assert "Traceback" not in done.stdout + done.stderr, done.stderr
                passes = command in (["validate"], ["report"])
                assert done.returncode == (0 if passes else 1), done.stderr
                found[" ".join(command[:1] + command[3:4]), lang] = done.stdout + done.stderr
    yield found


@pytest.mark.parametrize("plugin", METRICS)
def test_a_metric_spec_refused_is_told_in_the_command_s_language(
    told: dict[tuple[str, str], str], plugin: str
) -> None:
    _, en, zh = METRICS[plugin]
    at = f"okrdesk_{plugin}/__init__.py:{LINE}"
    english = f"okrdesk_metrics failed: MetricSpecError: {en} (at {at})"
    chinese = f"okrdesk_metrics 出错：MetricSpecError: {zh}（位于 {at}）"
    assert f"    error: {english}" in told["plugins", "en"].splitlines()
    assert f"    错误：{chinese}" in told["plugins", "zh"].splitlines()
    assert f"warning: plugin {plugin}: {english}" in told["validate", "en"].splitlines()
    assert f"警告：插件 {plugin}：{chinese}" in told["validate", "zh"].splitlines()
    assert f"error: plugin {plugin}: {english}" in told["collect", "en"].splitlines()
    assert f"错误：插件 {plugin}：{chinese}" in told["collect", "zh"].splitlines()


def test_a_metric_spec_refused_is_told_at_the_line_of_the_argument_refused(
    told: dict[tuple[str, str], str],
) -> None:
    """It was told at the line the call to MetricSpec began, four lines above the unit
    an author had to find."""
    assert SPREAD.splitlines()[SPREAD_UNIT_LINE - 1].strip() == 'unit="万",'
    at = f"okrdesk_spread/__init__.py:{SPREAD_UNIT_LINE}"
    english = (
        "okrdesk_metrics failed: MetricSpecError: metric spread_sales: unit '万' is not a "
        "unit okrdesk knows (did you mean '万元', '万户' or '万人'?); write one of "
        f'okrdesk.units.UNITS, as UNITS["元"] (at {at})'
    )
    assert f"    error: {english}" in told["plugins", "en"].splitlines()
    assert f"error: plugin spread: {english}" in told["collect", "en"].splitlines()
    assert f"（位于 {at}）" in told["plugins", "zh"]


@pytest.mark.parametrize("plugin", FORMATS)
def test_a_report_format_refused_is_told_in_the_command_s_language(
    told: dict[tuple[str, str], str], plugin: str
) -> None:
    _, en, zh = FORMATS[plugin]
    at = f"okrdesk_{plugin}/__init__.py:{LINE}"
    assert (f"    error: okrdesk_report_formats failed: ReportFormatError: {en} (at {at})"
            in told["plugins", "en"].splitlines())  # fmt: skip
    assert (f"    错误：okrdesk_report_formats 出错：ReportFormatError: {zh}（位于 {at}）"
            in told["plugins", "zh"].splitlines())  # fmt: skip
    # validate declares the formats as the report would, and names the plugin
    assert (f"warning: plugin {plugin}: okrdesk_report_formats failed: ReportFormatError: "
            f"{en} (at {at})" in told["validate", "en"].splitlines())  # fmt: skip
    assert (f"警告：插件 {plugin}：okrdesk_report_formats 出错：ReportFormatError: {zh}"
            f"（位于 {at}）" in told["validate", "zh"].splitlines())  # fmt: skip


@pytest.mark.parametrize("plugin", FORMATS)
def test_a_report_format_refused_is_named_once_by_a_plain_report_and_check(
    told: dict[tuple[str, str], str], plugin: str
) -> None:
    """A text report declares no plugin's formats, so a plugin whose ReportFormat is
    wrong went unnamed by the report and by check: only plugins and validate said so."""
    _, en, zh = FORMATS[plugin]
    at = f"okrdesk_{plugin}/__init__.py:{LINE}"
    english = f"plugin {plugin}: okrdesk_report_formats failed: ReportFormatError: {en} (at {at})"
    chinese = (f"插件 {plugin}：okrdesk_report_formats 出错：ReportFormatError: {zh}"
               f"（位于 {at}）")  # fmt: skip
    assert f"ERROR   {english}" in told["report", "en"].splitlines()
    assert f"严重    {chinese}" in told["report", "zh"].splitlines()
    assert [line for line in told["check", "en"].splitlines() if english in line] == [
        f"PLUGIN     {english}"
    ]
    assert [line for line in told["check", "zh"].splitlines() if chinese in line] == [
        f"插件       {chinese}"
    ]


@pytest.mark.parametrize("plugin", CHECKS)
def test_a_settings_check_s_wrong_answer_is_told_in_the_command_s_language(
    told: dict[tuple[str, str], str], plugin: str
) -> None:
    _, en, zh = CHECKS[plugin]
    line = 1 + 3 * list(CHECKS).index(plugin)
    at = f"okrdesk.toml:{line}: sources.{plugin}"
    assert (f"warning: {at}: plugin {plugin}: okrdesk_check_settings failed: TypeError: {en}"
            in told["validate", "en"].splitlines())  # fmt: skip
    assert (f"警告：{at}: 插件 {plugin}：okrdesk_check_settings 出错：TypeError: {zh}"
            in told["validate", "zh"].splitlines())  # fmt: skip


def test_no_line_of_a_chinese_command_is_the_english_refusal(
    told: dict[tuple[str, str], str],
) -> None:
    english = [en for table in (METRICS, FORMATS, CHECKS) for _, en, _ in table.values()]
    for command in ("plugins", "validate", "collect", "report", "check"):
        said = told[command, "zh"]
        assert [en for en in english if en in said] == [], said


# ------------------------------------------------------------- made in Python


def test_every_refusal_of_a_value_carries_both_languages() -> None:
    refused: list[InvalidValue] = []
    for make in (
        lambda: MetricSpec("m", "M", "指标", "flow", "户", revenue="yes"),  # type: ignore[arg-type]
        lambda: DimensionLabels("档", "tier", values_en={"a": 2}),  # type: ignore[dict-item]
        lambda: ReportFormat("krx", "x", print, human=None),  # type: ignore[arg-type]
        lambda: Milestone("Q1", 2),  # type: ignore[arg-type]
        lambda: KeyResult("O1.KR1", "O1", "开户", UNITS["户"], None),
    ):
        with pytest.raises(InvalidValue) as error:
            make()
        refused.append(error.value)
    assert [type(e) for e in refused] == [MetricSpecError, MetricSpecError, ReportFormatError,
                                          InvalidValue, InvalidValue]  # fmt: skip
    assert [tuple(e.said) for e in refused] == [
        ("metric m: revenue must be True or False, not 'yes'",
         "指标 m：revenue 应为 True 或 False，现为 'yes'"),
        ("DimensionLabels tier: each value and its word must be text, not 'a': 2",
         "DimensionLabels tier：每个值及其名称都应为文本，现为 'a': 2"),
        ("report format krx: human must be True or False",
         "报告格式 krx：human 应为 True 或 False"),
        ("fraction must be between 0 and 1, not 2", "fraction 必须在 0 到 1 之间，现为 2"),
        ("key result O1.KR1: needs a target or members' targets",
         "关键结果 O1.KR1：需要 target 或成员的目标值"),
    ]  # fmt: skip
    assert [str(e) for e in refused] == [e.said.en for e in refused]


def test_a_refusal_keeps_both_languages_across_a_process(tmp_path: Path) -> None:
    import pickle

    with pytest.raises(MetricSpecError) as error:
        MetricSpec("m", "M", "指标", MetricKind.FLOW, UNITS["户"], dimensions=("a", "a"))
    again = pickle.loads(pickle.dumps(error.value))
    assert type(again) is MetricSpecError
    assert again.said == ("metric m: a dimension is declared twice", "指标 m：有维度声明了两次")


def test_an_entry_point_that_names_no_module_is_told_in_either_language() -> None:
    from okrdesk.plugins.entry_points import load
    from okrdesk.plugins.failures import describe_error

    with pytest.raises(ValueError) as error:
        load("okrdesk salons")
    told = [describe_error(error.value, lang=lang).split(" (at ")[0].split("（位于 ")[0]
            for lang in ("en", "zh")]  # fmt: skip
    assert told == ["ValueError: not an entry point: okrdesk salons",
                    "ValueError: 不是有效的入口点：okrdesk salons"]  # fmt: skip


def test_the_host_s_own_refusals_of_a_plugin_s_values_are_all_invalid_values() -> None:
    """One kind of error says a value in both languages: the SQL and derived sources'
    definitions are refused as the model's and a plugin's values are."""
    from okrdesk.plugins.derived_metrics import DerivedMetricError
    from okrdesk.plugins.sql_settings import SqlMetricError

    for kind in (MetricSpecError, ReportFormatError, DerivedMetricError, SqlMetricError):
        assert issubclass(kind, InvalidValue)
        made = kind("wrong", "错")
        assert (str(made), made.said) == ("wrong", ("wrong", "错"))


def test_figures_sliced_wrong_are_refused_in_the_collect_s_language(
    told: dict[tuple[str, str], str],
) -> None:
    english = [line for line in told["collect --metric", "en"].splitlines() if "slices" in line]
    assert english == [
        "error: plugin slices metric tiered_sales: cm01 2026-W01: unknown dimension 'tierr' "
        "(the metric declares tier); no value for dimension tier "
        "(1 problem; none of its figures stored)",
        "error: plugin slices metric plain_sales: cm01 2026-W01: the metric declares no "
        "dimensions (1 problem; none of its figures stored)",
    ]
    chinese = [line for line in told["collect --metric", "zh"].splitlines() if "slices" in line]
    assert chinese == [
        "错误：插件 slices 指标 tiered_sales：cm01 2026-W01：未知的维度 'tierr'（该指标声明的"
        "维度：tier）；维度 tier 没有值（共 1 个问题，均未入库）",
        "错误：插件 slices 指标 plain_sales：cm01 2026-W01：该指标没有声明维度（共 1 个问题，"
        "均未入库）",
    ]
