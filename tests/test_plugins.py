"""Plugin discovery, isolation and the contract, with real plugin files and packages."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.messages import display_width
from okrdesk.model import (
    DimensionLabels,
    Direction,
    MetricKind,
    MetricSpec,
    OrgUnit,
    OverTime,
    Person,
)
from okrdesk.periods import Grain, periods_between
from okrdesk.plugins import hookimpl
from okrdesk.plugins.manager import PluginHost
from okrdesk.plugins.runner import collect
from okrdesk.plugins.testing import PluginCheck, check_plugin, registered_plugin
from okrdesk.targets import load_plan
from okrdesk.units import UNITS
from sample_workspace import OKRS, WriteWorkspace, trusted

EXAMPLE = Path(__file__).parent / "example_plugin"

BUILT_IN = ("sql", "derived", "text", "md", "html", "json", "xlsx")


def write_plugin(root: Path, name: str, body: str) -> None:
    (root / "plugins").mkdir(exist_ok=True)
    (root / "plugins" / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    trusted(root)


def plugins_json(root: Path, env: dict[str, str] | None = None) -> tuple[int, dict[str, dict]]:
    result = CliRunner().invoke(cli, ["plugins", "--json", "-w", str(root)], env=env)
    payload = json.loads(result.output)
    return result.exit_code, {p["name"]: p for p in payload["plugins"]}


# ------------------------------------------------------------------ discovery


def test_a_local_plugin_file_is_loaded_and_listed(write_workspace: WriteWorkspace) -> None:
    code, found = plugins_json(write_workspace())
    assert code == 0
    assert found["test_metrics"]["origin"] == "local file"
    assert [m["name"] for m in found["test_metrics"]["metrics"]] == [
        "complaint_rate",
        "fee_revenue",
        "new_hnw_clients",
    ]


def test_a_metric_labelled_in_one_language_is_listed_without_an_empty_half(
    write_workspace: WriteWorkspace,
) -> None:
    # label_zh="" was listed as " / New funded accounts".
    root = write_workspace()
    write_plugin(
        root,
        "english_only",
        """\
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.plugins import hookimpl
        from okrdesk.units import UNITS

        @hookimpl
        def okrdesk_metrics(register):
            register(MetricSpec("funded", "New funded accounts", "", MetricKind.FLOW, UNITS["户"]))
    """,
    )
    listed = CliRunner().invoke(cli, ["plugins", "--lang", "en", "-w", str(root)]).output
    (line,) = [row for row in listed.splitlines() if row.lstrip().startswith("funded ")]
    assert line.endswith("accts New funded accounts") and " / " not in line, line


def test_a_metric_named_in_chinese_keeps_the_listing_s_columns(
    write_workspace: WriteWorkspace,
) -> None:
    """A metric named 拜访 pushed its kind, unit and labels two columns left of every
    other metric's: the name was padded by characters, not by terminal columns."""
    root = write_workspace()
    write_plugin(
        root,
        "visits",
        """
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.plugins import hookimpl
        from okrdesk.units import UNITS

        @hookimpl
        def okrdesk_metrics(register):
            register(MetricSpec("拜访次数", "Visits", "拜访", MetricKind.FLOW, UNITS["次"]))
            register(MetricSpec("visit_deals", "Deals", "成交", MetricKind.FLOW, UNITS["笔"]))
    """,
    )
    listed = CliRunner().invoke(cli, ["plugins", "visits", "--lang", "en", "-w", str(root)])
    rows = [row for row in listed.output.splitlines() if " flow " in row]
    assert [display_width(row.partition(" flow ")[0]) for row in rows] == [32, 32], rows


def test_a_plugin_that_fails_to_import_is_named_and_the_rest_still_load(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    write_plugin(root, "broken", "import no_such_module_anywhere\n")
    code, found = plugins_json(root)
    assert code == 1
    # A workspace's file has no dependencies to list: where to install it, only.
    assert found["broken"]["errors"] == [
        "failed to import: ModuleNotFoundError: No module named 'no_such_module_anywhere': "
        "install the package that provides it into the Python okrdesk runs in "
        f"({sys.executable} -m pip install …) (at plugins/broken.py:1)"
    ]
    assert found["test_metrics"]["errors"] == []
    # The listing is in the workspace's language, okrdesk's own words in it too.
    listed = CliRunner().invoke(cli, ["plugins", "-w", str(root)]).output.splitlines()
    assert f"broken  （工作区文件：{root / 'plugins' / 'broken.py'}）" in listed
    assert (
        "    错误：导入失败：ModuleNotFoundError: 没有名为 'no_such_module_anywhere' 的模块："
        f"请把提供它的包安装到运行 okrdesk 的 Python 中（{sys.executable} -m pip install …）"
        "（位于 plugins/broken.py:1）"
    ) in listed
    english = CliRunner().invoke(cli, ["plugins", "--lang", "en", "-w", str(root)]).output
    assert f"broken  (local file: {root / 'plugins' / 'broken.py'})" in english.splitlines()
    assert "    error: failed to import: ModuleNotFoundError" in english
    validated = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert validated.exit_code == 0, validated.output
    assert "warning: plugin broken: failed to import" in validated.output
    chinese = CliRunner().invoke(cli, ["validate", "-w", str(root)]).output
    assert "插件 broken：导入失败：ModuleNotFoundError: 没有名为" in chinese, chinese


def test_a_plugin_raising_while_declaring_is_named(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    write_plugin(
        root,
        "raises",
        """
        from okrdesk.plugins import hookimpl

        @hookimpl
        def okrdesk_metrics(register):
            raise RuntimeError("licence server unreachable")
        """,
    )
    code, found = plugins_json(root)
    assert code == 1
    assert found["raises"]["errors"] == [
        "okrdesk_metrics failed: RuntimeError: licence server unreachable (at plugins/raises.py:6)"
    ]


def test_a_declared_formula_that_cannot_be_read_drops_that_metric_alone(
    write_workspace: WriteWorkspace,
) -> None:
    okrs = OKRS + (
        '\n[[objectives]]\nid = "O9"\ntitle = "人均"\nowner = "branch"\n'
        '[[objectives.key_results]]\nid = "KR1"\ntitle = "人均客户"\n'
        'metric = "clients_per_head"\ntarget = 50\nunit = "户"\n'
    )
    root = write_workspace({"okrs.toml": okrs})
    write_plugin(
        root,
        "perhead",
        """
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.plugins import hookimpl
        from okrdesk.units import UNITS

        @hookimpl
        def okrdesk_metrics(register):
            register(MetricSpec("clients", "Clients", "客户数", MetricKind.STOCK, UNITS["户"]))
            register(MetricSpec("clients_per_head", "Per head", "人均", MetricKind.RATIO,
                                UNITS["户"], formula="clients.__class__ / headcount"))
        """,
    )
    code, found = plugins_json(root)
    assert code == 1
    assert [m["name"] for m in found["perhead"]["metrics"]] == ["clients"]
    assert found["perhead"]["errors"] == [
        'okrdesk_metrics failed: metric "clients_per_head": formula '
        "'clients.__class__ / headcount': an attribute (a.b) is not allowed in a formula; "
        "write names, numbers, + - * / and brackets"
    ]
    # validate names the key result on it; the report runs, the plugin's error an alert.
    checked = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert checked.exit_code == 2 and "Traceback" not in checked.output, checked.output
    assert "指标“clients_per_head”的公式 'clients.__class__ / headcount'：公式里不能有属性" in (
        checked.output
    )
    collected = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    # The plugin's error fails the collect (exit 1); its other metric and every other
    # plugin's are stored. (The plugin is loaded in a process of its own here: what it
    # could not declare comes back with what it declared.)
    assert collected.exit_code == 1, collected.output
    assert "新增 44 条：这是此数据库的第一次采集。" in collected.output
    shown = CliRunner().invoke(cli, ["report", "--as-of", "2026-03-15", "-w", str(root)])
    assert shown.exit_code == 0, shown.output
    assert "clients_per_head" in shown.output and "Traceback" not in shown.output


def test_a_metric_spec_takes_its_kind_direction_and_unit_written_as_text() -> None:
    written = MetricSpec("funded", "Funded", "入金率", "ratio", "%", direction="at_most",  # type: ignore[arg-type]
                         numerator_over_time="last", stages=["开户", "入金"])  # fmt: skip
    typed = MetricSpec("funded", "Funded", "入金率", MetricKind.RATIO, UNITS["%"],
                       direction=Direction.AT_MOST, numerator_over_time=OverTime.LAST,
                       stages=("开户", "入金"))  # fmt: skip
    assert written == typed


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        ({"name": 12}, "a metric's name must be one word (snake_case), not 12"),
        ({"name": "new clients"}, "a metric's name must be one word"),
        ({"label_zh": None}, "metric m: label_zh must be text, not NoneType"),
        ({"kind": "flo"}, "metric m: kind must be one of MetricKind.STOCK, MetricKind.FLOW, "
                          "MetricKind.RATIO, not 'flo'"),
        ({"direction": "up"}, "metric m: direction must be one of Direction.AT_LEAST"),
        ({"numerator_over_time": "avg"}, "metric m: numerator_over_time must be one of"),
        ({"unit": "万"}, "metric m: unit '万' is not a unit okrdesk knows (did you mean '万元', "
                         "'万户' or '万人'?); write one of okrdesk.units.UNITS"),
        ({"unit": "元 "}, "metric m: unit '元 ' is not a unit okrdesk knows (did you mean '元'?)"),
        ({"unit": "Yuan"}, "metric m: unit 'Yuan' is not a unit okrdesk knows (did you mean "
                           "'yuan'?)"),
        ({"unit": "kg"}, "metric m: unit 'kg' is not a unit okrdesk knows; write one of"),
        ({"kind": "ratio", "unit": "%", "numerator_unit": "万"},
         "metric m: numerator_unit '万' is not the unit of a ratio's part (did you mean '万元', "
         "'万户' or '万人'?); write one of"),
        ({"kind": "ratio", "unit": "%", "denominator_unit": "percent "},
         "metric m: denominator_unit 'percent ' is not the unit of a ratio's part; write one of"),
        ({"kind": "ratio", "unit": "%", "numerator_unit": UNITS["%"]},
         "metric m: numerator_unit UNITS[\"%\"] is not the unit of a ratio's part; write one of"),
        ({"revenue": "yes"}, "metric m: revenue must be True or False, not 'yes'"),
        ({"formula": 3}, "metric m: formula must be text"),
        ({"stages": ("开户",)}, "metric m: stages must be two names"),
        ({"stages": "ab"}, "metric m: stages must be two names"),
    ],
)  # fmt: skip
def test_a_metric_spec_a_report_would_stop_at_is_refused_where_it_is_made(
    wrong: dict[str, object], said: str
) -> None:
    given: dict[str, object] = {"name": "m", "label_en": "m", "label_zh": "m",
                                "kind": MetricKind.FLOW, "unit": UNITS["元"], **wrong}  # fmt: skip
    with pytest.raises(ValueError) as refused:
        MetricSpec(**given)  # type: ignore[arg-type]
    assert str(refused.value).startswith(said)


def test_dimension_labels_that_are_not_text_are_refused_where_they_are_made() -> None:
    with pytest.raises(ValueError, match="DimensionLabels tier: each value and its word must be "
                                         "text, not 'a': 1"):  # fmt: skip
        DimensionLabels("档", "tier", values_zh={"a": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="the dimension's words must be text"):
        DimensionLabels(None, "tier")  # type: ignore[arg-type]


def test_a_metric_declared_twice_is_an_error_for_both(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    write_plugin(
        root,
        "copycat",
        """
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.plugins import hookimpl
        from okrdesk.units import UNITS

        @hookimpl
        def okrdesk_metrics(register):
            register(MetricSpec("new_hnw_clients", "x", "x", MetricKind.FLOW, UNITS["户"]))
        """,
    )
    code, found = plugins_json(root)
    assert code == 1
    assert (
        'metric "new_hnw_clients" is also declared by test_metrics' in found["copycat"]["errors"][0]
    )
    assert found["test_metrics"]["errors"][0].endswith(
        "also declared by copycat; neither is used: give one of them another name, or "
        "remove one of the plugins"
    )
    # validate says it in the workspace's language, as collect and check do.
    validated = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert "插件 copycat：指标“new_hnw_clients”也由 test_metrics 声明；两者都不采用" in (
        validated.output)  # fmt: skip


def test_a_metric_registered_twice_by_one_plugin_is_its_error_at_the_second(
    write_workspace: WriteWorkspace,
) -> None:
    # A ratio copied from the flow above it, its name left as it was: the second
    # was dropped unsaid, and a key result on the ratio's intended name was told only
    # that no plugin provides it.
    root = write_workspace()
    write_plugin(
        root,
        "salons",
        """
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.plugins import hookimpl
        from okrdesk.units import UNITS

        @hookimpl
        def okrdesk_metrics(register):
            register(MetricSpec("salon_attendees", "x", "x", MetricKind.FLOW, UNITS["人"]))
            register(MetricSpec("salon_attendees", "y", "y", MetricKind.RATIO, UNITS["%"]))
            register(MetricSpec("salon_visits", "z", "z", MetricKind.FLOW, UNITS["人"]))
        """,
    )
    code, found = plugins_json(root)
    assert code == 1
    assert found["salons"]["errors"] == [
        "okrdesk_metrics failed: ValueError: metric salon_attendees was registered before, "
        "as a flow in 人, and now as a ratio in %: give each metric a name of its own "
        "(at plugins/salons.py:9)"
    ]
    # The first stands, as any metric registered before a failure.
    assert [m["name"] for m in found["salons"]["metrics"]] == ["salon_attendees"]
    (root / "targets" / "salons.toml").write_text(
        '[[objectives]]\nid = "O9"\ntitle = "沙龙"\nowner = "branch"\n'
        '[[objectives.key_results]]\nid = "KR1"\ntitle = "转化"\n'
        'metric = "salon_conversion"\ntarget = 12\nbaseline = 9\nunit = "%"\n',
        encoding="utf-8",
    )
    validated = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert validated.exit_code == 2
    assert (
        "插件 salons 未能加载或未能声明全部指标，可能正是提供它的插件（见其错误）"
        in validated.output
    )
    assert "指标 salon_attendees 已登记为流量（人），这次又登记为比率（%）：" in validated.output
    # The same spec twice, from a list with a name in it twice, is told as such.
    write_plugin(
        root,
        "salons",
        """
        from okrdesk.model import MetricKind, MetricSpec
        from okrdesk.plugins import hookimpl
        from okrdesk.units import UNITS

        @hookimpl
        def okrdesk_metrics(register):
            for name in ["salon_attendees", "salon_visits", "salon_attendees"]:
                register(MetricSpec(name, "x", "x", MetricKind.FLOW, UNITS["人"]))
        """,
    )
    code, found = plugins_json(root)
    assert found["salons"]["errors"] == [
        "okrdesk_metrics failed: ValueError: metric salon_attendees was registered before; "
        "register each metric once (at plugins/salons.py:9)"
    ]


def test_an_sql_metric_named_like_a_plugin_s_says_to_rename_it(
    write_workspace: WriteWorkspace,
) -> None:
    # The brokerage plugin's `aum` and a workspace's own SQL `aum` cancel out: both
    # plugins are told so, and what to do about it, in okrdesk.toml's own words.
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        textwrap.dedent(
            """\
            [[sources.sql.metrics]]
            name = "new_hnw_clients"
            kind = "flow"
            unit = "户"
            query = "SELECT 'cm01' AS subject, DATE '2026-01-05' AS day, 1 AS value"
            """
        ),
        encoding="utf-8",
    )
    code, found = plugins_json(root)
    assert code == 1
    assert found["sql"]["errors"] == [
        'metric "new_hnw_clients" is also declared by test_metrics; neither is used: '
        "rename this one in okrdesk.toml (its name in [[sources.sql.metrics]]), or remove "
        "test_metrics"
    ]
    assert found["test_metrics"]["errors"] == [
        'metric "new_hnw_clients" is also declared by sql; neither is used: rename the one '
        "in okrdesk.toml (its name in [[sources.sql.metrics]])"
    ]
    validated = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert (
        "插件 sql：指标“new_hnw_clients”也由 test_metrics 声明；两者都不采用：请在 okrdesk.toml "
        "中给这一个改名（[[sources.sql.metrics]] 中的 name），或移除 test_metrics"
    ) in validated.output


def test_a_hook_with_a_wrong_signature_is_not_a_valid_plugin(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    write_plugin(
        root,
        "misspelt",
        """
        from okrdesk.plugins import hookimpl

        @hookimpl
        def okrdesk_metrics(register, colour):
            pass
        """,
    )
    code, found = plugins_json(root)
    assert code == 1
    assert found["misspelt"]["errors"][0].startswith("not a valid plugin:")
    assert "colour" in found["misspelt"]["errors"][0]


def test_plugins_json_gives_each_error_and_warning_in_chinese_beside_english(
    write_workspace: WriteWorkspace,
) -> None:
    """`okrdesk plugins --json` gave its errors and warnings in English only, whatever
    the workspace's language, to a program that shows them to a branch manager."""
    root = write_workspace()
    write_plugin(root, "missing", "import nothing_of_that_name\n")
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write('\n[sources.salon]\nfile = "x.csv"\n')
    result = CliRunner().invoke(cli, ["plugins", "--json", "-w", str(root)])
    payload = json.loads(result.output)
    missing = next(p for p in payload["plugins"] if p["name"] == "missing")
    assert missing["errors"][0].startswith("failed to import: ModuleNotFoundError")
    assert missing["errors_zh"][0].startswith("导入失败：ModuleNotFoundError")
    assert len(payload["warnings_zh"]) == len(payload["warnings"]) == 1
    assert payload["warnings_zh"][0].startswith(
        "okrdesk.toml:2: sources.salon: 没有名为 salon 的插件"
    )
    html = next(p for p in payload["plugins"] if p["name"] == "html")
    assert html["formats"][0]["description"] == "a web page with burn-up charts"
    assert html["formats"][0]["description_zh"] not in ("", html["formats"][0]["description"])


@pytest.mark.parametrize(
    ("allow", "expected"),
    [("", {*BUILT_IN}), ("test_metrics", {*BUILT_IN, "test_metrics"})],
)
def test_the_allow_list_limits_which_plugins_load(
    write_workspace: WriteWorkspace, allow: str, expected: set[str]
) -> None:
    root = write_workspace()
    write_plugin(root, "other", "")
    _, found = plugins_json(root, env={"OKRDESK_LOAD_PLUGINS": allow})
    assert set(found) == expected


def test_a_name_in_the_allow_list_that_no_plugin_has_is_warned_of(
    write_workspace: WriteWorkspace,
) -> None:
    """In a process of its own, where installed packages are looked at too: a misspelt
    name loads nothing, which validate, plugins and collect say, with the name meant, and
    report, check and explain too, once figures are stored (they said nothing of it)."""
    root = write_workspace()

    def run(*args: str, allow: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "OKRDESK_LOAD_PLUGINS": allow}
        return subprocess.run([sys.executable, "-m", "okrdesk", *args, "-w", str(root)],
                              capture_output=True, text=True, env=env)  # fmt: skip

    warned = (
        'warning: OKRDESK_LOAD_PLUGINS names "test_metric", which is no installed or '
        'workspace plugin (did you mean "test_metrics"?); only the plugins it names load'
    )
    validated = run("validate", "--lang", "en", allow="test_metric")
    assert warned in validated.stdout.splitlines(), validated.stdout
    listed = run("plugins", "--json", allow="test_metric")
    assert json.loads(listed.stdout)["warnings"] == [warned.removeprefix("warning: ")]
    assert warned in run("plugins", "--lang", "en", allow="test_metric").stdout.splitlines()
    assert (
        "警告：OKRDESK_LOAD_PLUGINS 列出的“test_metric”不是已安装的插件，也不是工作区的插件"
        "（是不是“test_metrics”？）；只加载它列出的插件"
    ) in run("plugins", allow="test_metric").stdout.splitlines()
    # With nothing stored yet the plan is refused, its metrics provided by none: it was
    # refused without a word of the name that matched no plugin.
    for command in (["collect", "--through", "2026-01-11"], ["report"], ["check"]):
        refused = run(*command, "--lang", "en", allow="test_metric")
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert warned in refused.stderr.splitlines(), refused.stderr
    refused = run("report", "--lang", "zh", allow="test_metric")
    assert "警告：OKRDESK_LOAD_PLUGINS 列出的“test_metric”不是已安装的插件" in refused.stderr
    right = run("validate", "--lang", "en", allow="test_metrics")
    assert right.returncode == 0 and "OKRDESK_LOAD_PLUGINS" not in right.stdout, right.stdout
    collected = run("collect", "--lang", "en", "--through", "2026-01-11", allow="test_metrics")
    assert collected.returncode == 0 and "OKRDESK_LOAD_PLUGINS" not in collected.stderr
    # Once it has stored figures, collect said only that no loaded plugin provides them.
    collected = run("collect", "--lang", "en", "--through", "2026-01-11", allow="test_metric")
    assert collected.returncode == 1
    assert warned in collected.stderr.splitlines(), collected.stderr
    # report, check and explain then read the plan, its metric's figures stored, and
    # said only that no loaded plugin provides it: the name misspelt, never.
    for command in (["report"], ["check"], ["check", "--format", "json"], ["explain"]):
        read = run(*command, "--lang", "en", allow="test_metric")
        assert read.returncode in (0, 1), read.stdout + read.stderr
        assert read.stderr.splitlines().count(warned) == 1, (command, read.stderr)
        assert "OKRDESK_LOAD_PLUGINS" not in read.stdout, read.stdout
    json.loads(run("check", "--format", "json", allow="test_metric").stdout)
    read = run("report", "--lang", "zh", allow="test_metric")
    assert (
        "警告：OKRDESK_LOAD_PLUGINS 列出的“test_metric”不是已安装的插件，也不是工作区的插件"
        "（是不是“test_metrics”？）；只加载它列出的插件"
    ) in read.stderr.splitlines(), read.stderr
    right = run("check", "--lang", "en", allow="test_metrics")
    assert "OKRDESK_LOAD_PLUGINS" not in right.stderr, right.stderr


def test_a_table_of_okrdesk_toml_that_names_no_plugin_is_warned_of(
    write_workspace: WriteWorkspace,
) -> None:
    """[sources.test_metric] for the test_metrics plugin: `plugins` listed the plugin as
    sound, and nothing said that the table the user wrote is read by no plugin."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text('[sources.test_metric]\nfile = "x"\n', "utf-8")
    (root / "plugins" / "salons.py").write_text("", "utf-8")  # a plugin, if not loaded
    with (root / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write('[sources.salons]\nfile = "x"\n[sources.sql]\n')
    trusted(root)

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["plugins", *args, "-w", str(root)],
                                  env={"OKRDESK_LOAD_PLUGINS": "test_metrics"})  # fmt: skip

    warned = ("okrdesk.toml:1: sources.test_metric: no plugin is named test_metric (did you "
              'mean "test_metrics"?), so no plugin reads this table')  # fmt: skip
    english = run("--lang", "en")
    assert english.exit_code == 0, english.output
    assert [line for line in english.output.splitlines() if "no plugin" in line] == [
        f"warning: {warned}"
    ]
    assert ("警告：okrdesk.toml:1: sources.test_metric: 没有名为 test_metric 的插件（是不是"
            "“test_metrics”？），因此没有插件读取此表") in run("--lang", "zh").output  # fmt: skip
    assert json.loads(run("--json").output)["warnings"] == [warned]


# ------------------------------------------------------------------ isolation

PEOPLE = (Person("cm01", "王芳", "team-a"), Person("cm02", "李强", "team-a"))
START, THROUGH = dt.date(2026, 1, 5), dt.date(2026, 1, 18)
WEEKS = list(periods_between(START, THROUGH, Grain.WEEK))


def _plugin(**hooks: object) -> types.SimpleNamespace:
    return types.SimpleNamespace(**{k: hookimpl(v) for k, v in hooks.items()})  # type: ignore[arg-type]


def _declare(*specs: MetricSpec):  # type: ignore[no-untyped-def]
    def okrdesk_metrics(register):  # type: ignore[no-untyped-def]
        for spec in specs:
            register(spec)

    return okrdesk_metrics


ACCOUNTS = MetricSpec("accounts", "Accounts", "开户数", MetricKind.STOCK, UNITS["户"])
REVENUE = MetricSpec("revenue", "Revenue", "收入", MetricKind.FLOW, UNITS["元"])
CONVERSION = MetricSpec("conversion", "Conversion", "转化率", MetricKind.RATIO, UNITS["%"])
CLIENTS = MetricSpec("clients", "Clients", "客户数", MetricKind.STOCK, UNITS["户"])
NEW_CLIENTS = MetricSpec("new_clients", "New clients", "新客户数", MetricKind.FLOW, UNITS["户"],
                         never_negative=True)  # fmt: skip


def good_collect(request, emit):  # type: ignore[no-untyped-def]
    for period in request.periods:
        emit("clients", "cm01", period.id, value=10, source="clients.csv rows 2-11")


GOOD = _plugin(okrdesk_metrics=_declare(CLIENTS), okrdesk_collect=good_collect)

FAULTS = {
    "NaN": (ACCOUNTS, {"value": math.nan}, "value is nan"),
    "infinity": (REVENUE, {"value": math.inf}, "value is inf"),
    "huge integer": (REVENUE, {"value": 10**400},
                     "value is too large to be a figure (a number of about 401 digits)"),
    "huge Decimal": (REVENUE, {"value": Decimal("-1e5000")},
                     "value is too large to be a figure (a number of about 5,001 digits)"),
    "negative count": (ACCOUNTS, {"value": -3}, "a count cannot be negative (-3)"),
    "negative flow declared never so": (
        NEW_CLIENTS, {"value": -2.5}, "a count cannot be negative (-2.5)"
    ),
    "zero denominator": (
        CONVERSION, {"numerator": 2, "denominator": 0}, "denominator is 0 with numerator 2"
    ),
    "negative denominator": (
        CONVERSION, {"numerator": 1, "denominator": -4}, "denominator is negative"
    ),
    "value for a ratio": (
        CONVERSION, {"value": 0.1}, "a ratio metric takes numerator and denominator"
    ),
    "ratio parts for a flow": (
        REVENUE, {"numerator": 1, "denominator": 2}, "a flow metric takes value"
    ),
    "text for a number": (REVENUE, {"value": "12"}, "value must be a number, not str"),
    "Decimal NaN": (REVENUE, {"value": Decimal("NaN")}, "value is nan"),
    "signalling Decimal NaN": (REVENUE, {"value": Decimal("sNaN")}, "value is nan"),
    "unknown person": (
        ACCOUNTS, {"value": 1, "subject": "cm99"}, "no person or unit 'cm99' in the plan"
    ),
    "unknown period": (
        ACCOUNTS, {"value": 1, "period": "2030-W01"}, "period '2030-W01' was not asked for"
    ),
}  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_an_invalid_observation_is_named_and_the_other_metrics_land(fault: str) -> None:
    spec, kwargs, reason = FAULTS[fault]
    kwargs = dict(kwargs)
    subject = kwargs.pop("subject", "cm02")
    period = kwargs.pop("period", WEEKS[0].id)

    def faulty_collect(request, emit):  # type: ignore[no-untyped-def]
        emit(spec.name, "cm01", WEEKS[1].id, **_valid_for(spec))
        emit(spec.name, subject, period, **kwargs)

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(GOOD, "good")
    host.register(_plugin(okrdesk_metrics=_declare(spec), okrdesk_collect=faulty_collect), "faulty")
    result = collect(host, load_plan_stub(), ["clients", spec.name], WEEKS, THROUGH, Path("."))
    # The faulty metric's valid observation is dropped too: no partial totals.
    assert [(o.metric, o.subject) for o in result.observations] == [("clients", "cm01")] * 2
    (error,) = result.errors
    assert (error.plugin, error.metric) == ("faulty", spec.name)
    assert reason in error.message
    assert error.message.endswith("(1 problem; none of its figures stored)")


def test_a_decimal_is_taken_as_the_number_it_is() -> None:
    """Settings arrive as Decimal, and docs/plugins.md says to take Decimal wherever a
    float is taken: a figure computed from them is emitted as it is."""

    def decimal_collect(request, emit):  # type: ignore[no-untyped-def]
        emit(REVENUE.name, "cm01", WEEKS[0].id, value=Decimal("12.5"))
        emit(CONVERSION.name, "cm01", WEEKS[0].id, numerator=Decimal(3), denominator=Decimal(8))

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    plugin = _plugin(okrdesk_metrics=_declare(REVENUE, CONVERSION), okrdesk_collect=decimal_collect)
    host.register(plugin, "decimals")
    result = collect(host, load_plan_stub(), [REVENUE.name, CONVERSION.name], WEEKS, THROUGH,
                     Path("."))  # fmt: skip
    assert result.errors == []
    stored = {o.metric: (o.value, o.numerator, o.denominator) for o in result.observations}
    assert stored == {REVENUE.name: (12.5, None, None), CONVERSION.name: (None, 3.0, 8.0)}
    assert all(type(o.value or o.numerator) is float for o in result.observations)


def _valid_for(spec: MetricSpec) -> dict[str, float]:
    if spec.kind is MetricKind.RATIO:
        return {"numerator": 1, "denominator": 10}
    return {"value": 1}


def load_plan_stub():  # type: ignore[no-untyped-def]
    from okrdesk.model import OrgUnit, Plan

    return Plan(
        id="p", name="p", year=2026, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
        top="branch", units=(OrgUnit("branch", "B", "branch"), OrgUnit("team-a", "A", "team")),
        people=PEOPLE,
    )  # fmt: skip


def test_a_plugin_that_raises_while_collecting_loses_only_its_own_metrics() -> None:
    def exploding(request, emit):  # type: ignore[no-untyped-def]
        emit("revenue", "cm01", WEEKS[0].id, value=5)
        raise OSError("trades.csv: disk read error")

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(GOOD, "good")
    host.register(_plugin(okrdesk_metrics=_declare(REVENUE), okrdesk_collect=exploding), "bad")
    result = collect(host, load_plan_stub(), ["clients", "revenue"], WEEKS, THROUGH, Path("."))
    assert {o.metric for o in result.observations} == {"clients"}
    raised = exploding.__code__.co_firstlineno + 2
    assert [str(e) for e in result.errors] == [
        "plugin bad: okrdesk_collect failed: OSError: trades.csv: disk read error "
        f"(at test_plugins.py:{raised})"
    ]


def test_an_observation_emitted_twice_is_refused() -> None:
    def twice(request, emit):  # type: ignore[no-untyped-def]
        emit("revenue", "cm01", WEEKS[0].id, value=5)
        emit("revenue", "cm01", WEEKS[0].id, value=6)

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(_plugin(okrdesk_metrics=_declare(REVENUE), okrdesk_collect=twice), "dup")
    result = collect(host, load_plan_stub(), ["revenue"], WEEKS, THROUGH, Path("."))
    assert result.observations == []
    assert "emitted twice" in result.errors[0].message


def test_a_plugin_can_report_one_metric_it_could_not_compute() -> None:
    def partly(request, emit):  # type: ignore[no-untyped-def]
        emit("clients", "cm01", WEEKS[0].id, value=3)
        emit("revenue", "cm01", WEEKS[0].id, value=5)
        emit.error("revenue", "trades.csv is from last month")

    both = _plugin(okrdesk_metrics=_declare(CLIENTS, REVENUE), okrdesk_collect=partly)
    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(both, "partly")
    result = collect(host, load_plan_stub(), ["clients", "revenue"], WEEKS, THROUGH, Path("."))
    assert [o.metric for o in result.observations] == ["clients"]
    assert [str(e) for e in result.errors] == [
        "plugin partly metric revenue: trades.csv is from last month "
        "(1 problem; none of its figures stored)"
    ]


def test_a_flood_of_bad_figures_is_counted_not_kept() -> None:
    def flood(request, emit):  # type: ignore[no-untyped-def]
        for n in range(200_000):
            emit("revenue", f"nobody{n}", WEEKS[0].id, value=1)

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(_plugin(okrdesk_metrics=_declare(REVENUE), okrdesk_collect=flood), "flood")
    result = collect(host, load_plan_stub(), ["revenue"], WEEKS, THROUGH, Path("."))
    (error,) = result.errors
    assert error.message.count("no person or unit") == 5
    assert error.message.endswith("and 199,995 more (200,000 problems; none of its figures stored)")


def test_a_flow_may_be_negative_unless_declared_never_so() -> None:
    """Net new accounts may be below zero; new clients may not."""
    net = MetricSpec("net_new_clients", "Net new clients", "净新增客户", MetricKind.FLOW,
                     UNITS["户"])  # fmt: skip
    commission = MetricSpec("commission", "Commission", "佣金", MetricKind.FLOW, UNITS["元"],
                            never_negative=True)  # fmt: skip

    def below_zero(request, emit):  # type: ignore[no-untyped-def]
        for spec in (net, commission):
            emit(spec.name, "cm01", WEEKS[0].id, value=-3)
            emit.many(spec.name, ["cm02"], [WEEKS[0].id], values=[-1])

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(_plugin(okrdesk_metrics=_declare(net, commission),
                          okrdesk_collect=below_zero), "p")  # fmt: skip
    result = collect(host, load_plan_stub(), [net.name, commission.name], WEEKS, THROUGH,
                     Path("."))  # fmt: skip
    assert {(o.metric, o.value) for o in result.observations} == {
        ("net_new_clients", -3.0),
        ("net_new_clients", -1.0),
    }
    (error,) = result.errors
    assert error.metric == "commission"
    assert "commission cannot be negative (-3)" in error.message


def test_a_subject_written_as_a_name_or_in_other_capitals_is_told_the_plan_s_id() -> None:
    """A CRM export writes its managers' names: emit("clients", "王芳", …) was told only
    that the plan has no 王芳, where the SQL source names the id to give."""

    def by_name(request, emit):  # type: ignore[no-untyped-def]
        emit("clients", "王芳", WEEKS[0].id, value=10, source="crm.csv row 2")
        emit("clients", "CM02 ", WEEKS[0].id, value=12, source="crm.csv row 3")
        emit("clients", "cm09", WEEKS[0].id, value=12, source="crm.csv row 4")

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(_plugin(okrdesk_metrics=_declare(CLIENTS), okrdesk_collect=by_name), "crm")
    result = collect(host, load_plan_stub(), ["clients"], WEEKS, THROUGH, Path("."))
    (error,) = result.errors
    for lang, told in (
        ("en", [
            "王芳 2026-W02: no person or unit '王芳' in the plan: it is the name of cm01 (王芳); "
            "emit the id (person.id) (from crm.csv row 2)",
            "CM02  2026-W02: no person or unit 'CM02 ' in the plan, but for its capitals or "
            "spaces cm02 is: ids are matched exactly (from crm.csv row 3)",
            "cm09 2026-W02: no person or unit 'cm09' in the plan (from crm.csv row 4)",
        ]),
        ("zh", [
            "王芳 2026-W02：计划里没有人员或单位 '王芳'：这是计划里 cm01（王芳）的名字；"
            "请给 id（person.id）（来自 crm.csv 第 2 行）",
            "CM02  2026-W02：计划里没有人员或单位 'CM02 '，只是大小写或空格与 cm02 不同：",
        ]),
    ):  # fmt: skip
        message = error.said(lang)
        assert all(part in message for part in told), message
    assert result.observations == []


def test_a_mistake_made_twice_for_one_person_and_period_is_counted_not_left_unnamed() -> None:
    """Rows of two weeks put into one period that was never asked for: "(and 2 more like
    it: cm02)" named one of the two, as if a name had been lost."""

    def one_period(request, emit):  # type: ignore[no-untyped-def]
        for person in ("cm01", "cm02", "cm01"):
            emit("clients", person, "2027-W01", value=3)

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(_plugin(okrdesk_metrics=_declare(CLIENTS), okrdesk_collect=one_period), "p")
    result = collect(host, load_plan_stub(), ["clients"], WEEKS, THROUGH, Path("."))
    (error,) = result.errors
    assert "(and 2 more like it: cm02, …)" in error.message, error.message
    assert "（另有 2 个同样的问题：cm02等）" in error.said("zh"), error.said("zh")


def test_a_ratio_declared_never_negative_refuses_a_negative_numerator() -> None:
    """A conversion of -3 over 10 was stored and reported as -30%, its never_negative
    declaration read by no check; a ratio not declared so (attrition, net of inflows)
    keeps it."""
    net = MetricSpec("net_attrition", "Net attrition", "净流失率", MetricKind.RATIO, UNITS["%"])
    conversion = MetricSpec("won_rate", "Won rate", "成交率", MetricKind.RATIO, UNITS["%"],
                            never_negative=True)  # fmt: skip

    def below_zero(request, emit):  # type: ignore[no-untyped-def]
        for spec in (net, conversion):
            emit(spec.name, "cm01", WEEKS[0].id, numerator=-3, denominator=10)
            emit.many(spec.name, ["cm02"], [WEEKS[0].id], numerators=[-1], denominators=[4])

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(_plugin(okrdesk_metrics=_declare(net, conversion),
                          okrdesk_collect=below_zero), "p")  # fmt: skip
    result = collect(host, load_plan_stub(), [net.name, conversion.name], WEEKS, THROUGH,
                     Path("."))  # fmt: skip
    assert {(o.metric, o.numerator) for o in result.observations} == {
        ("net_attrition", -3.0),
        ("net_attrition", -1.0),
    }
    (error,) = result.errors
    assert error.metric == "won_rate"
    assert "cm01 2026-W02: numerator is negative (-3), and won_rate is declared never_negative" in (
        error.message
    )
    assert "cm02 2026-W02: numerator is negative (-1)" in error.message


def test_zero_over_zero_is_no_data_not_an_error() -> None:
    def empty_week(request, emit):  # type: ignore[no-untyped-def]
        emit("conversion", "cm01", WEEKS[0].id, numerator=0, denominator=0)

    host = PluginHost(entry_points=False, builtins={}, registered=False)
    host.register(_plugin(okrdesk_metrics=_declare(CONVERSION), okrdesk_collect=empty_week), "c")
    result = collect(host, load_plan_stub(), ["conversion"], WEEKS, THROUGH, Path("."))
    assert result.errors == []
    assert (result.observations[0].numerator, result.observations[0].denominator) == (0, 0)


# --------------------------------------------------- the example package


def _example() -> types.ModuleType:
    """The example package's plugin module, imported from its source (not installed)."""
    sys.path.insert(0, str(EXAMPLE / "src"))
    try:
        import okrdesk_salons
    finally:
        sys.path.remove(str(EXAMPLE / "src"))
    return okrdesk_salons


def checked_example(workspace: Path, salons_csv: str | None, lang: str = "en") -> PluginCheck:
    """The example package's plugin run by ``check_plugin`` over ``salons_csv`` as the
    workspace's data/salons.csv (None: no such file), its problems told in ``lang``."""
    if salons_csv is not None:
        (workspace / "data").mkdir()
        (workspace / "data" / "salons.csv").write_text(salons_csv, encoding="utf-8")
    return check_plugin(
        _example(), people=PEOPLE, start=START, through=THROUGH, workspace=workspace, lang=lang
    )


def test_check_plugin_tells_its_author_in_chinese_when_asked(tmp_path: Path) -> None:
    """check_plugin's problems, its failed assertion, its refusals of its own arguments
    and a figure it has not were in English only."""
    told = checked_example(tmp_path, None, lang="zh")
    (problem,) = told.problems
    assert problem.startswith("插件 plugin-under-test：okrdesk_collect 出错：FileNotFoundError"), (
        problem
    )
    assert "（位于 okrdesk_salons/__init__.py:" in problem
    with pytest.raises(AssertionError, match=r"^插件有问题：\n插件 plugin-under-test："):
        told.assert_valid()
    with pytest.raises(KeyError, match=r"没有 salon_attendees cm01 2026-W02 的数字"):
        told.value("salon_attendees", "cm01", "2026-W02")
    with pytest.raises(ValueError, match=r"grain='fortnight' 不是时间粒度：请给 Grain\.WEEK、"):
        check_plugin(_example(), people=PEOPLE, start=START, through=THROUGH, grain="fortnight",
                     lang="zh")  # fmt: skip
    with pytest.raises(ValueError, match="人员 cm01 的单位 'team-a' 不在 units= "):
        check_plugin(_example(), people=PEOPLE, start=START, through=THROUGH,
                     units=[OrgUnit("hq", "HQ", "branch")], lang="zh")  # fmt: skip
    # In English as ever, by default.
    (problem,) = checked_example(tmp_path, None).problems
    assert problem.startswith("plugin plugin-under-test: okrdesk_collect failed: FileNotFound")


def test_the_example_plugin_passes_the_plugin_checks(tmp_path: Path) -> None:
    check = checked_example(
        tmp_path,
        "date,cm_id,attendees,leads\n"
        "2026-01-06,cm01,30,4\n"
        "2026-01-07,cm02,10,2\n"  # between cm01's rows: not cm01's
        "2026-01-08,cm01,20,1\n"
        "2026-01-09,cm01,5,0\n"
        "2026-01-13,cm02,25,5\n"
        "2026-01-20,cm02,40,8\n"  # after `through`: not counted
        "2026-01-14,cm99,12,3\n",  # no person of the plan
    )
    check.assert_valid()
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 55
    rate = check.value("salon_lead_rate", "cm02", "2026-W03")
    assert (rate.numerator, rate.denominator) == (5, 25)
    assert check.value("salon_attendees", "cm01", "2026-W02").source == "salons.csv rows 2,4-5"
    assert check.value("salon_attendees", "cm02", "2026-W02").source == "salons.csv row 3"
    # A week without a salon of a CM the file keeps records of is 0 of a flow, marked as
    # no rows (the README's rule, which the example did not follow); a rate has no 0.
    zero = check.value("salon_attendees", "cm01", "2026-W03")
    assert (zero.value, zero.no_rows, zero.source) == (0, True, "no row of salons.csv counts, so 0")
    with pytest.raises(KeyError):
        check.value("salon_lead_rate", "cm01", "2026-W03")
    # The rows it read and did not count are told, as the guide asks of every plugin.
    assert [w.split(": ", 1)[1] for w in check.warnings if "salon_attendees" in w] == [
        f"salons.csv row 7 left out: dated outside the plan or after {THROUGH}",
        "salons.csv row 8 left out: cm_id is no person's id in the plan",
    ]


def test_check_plugin_takes_the_workspace_as_text_too(tmp_path: Path) -> None:
    """A test's workspace=str(tmp_path) reached the plugin as text, and the example's
    request.workspace / "data/salons.csv" failed as the plugin's own TypeError."""
    checked_example(tmp_path, "date,cm_id,attendees,leads\n2026-01-06,cm01,30,4\n")
    check = check_plugin(_example(), people=PEOPLE, start=START, through=THROUGH,
                         workspace=str(tmp_path))  # fmt: skip
    check.assert_valid()
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 30


def test_the_example_plugin_leaves_out_a_row_it_cannot_read_and_says_which(
    tmp_path: Path,
) -> None:
    """As docs/plugins.md tells plugin authors: a bad row costs that row, not the metrics."""
    check = checked_example(
        tmp_path,
        "date,cm_id,attendees,leads\n"
        "2026-01-06,cm01,30,4\n"
        "06/01/2026,cm01,10,2\n"  # not a date okrdesk reads
        "2026-01-08,cm01,twenty,1\n"
        "2026-01-09,cm01,5\n",  # a cell short
    )
    check.assert_valid()
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 30
    assert check.value("salon_attendees", "cm01", "2026-W02").source == "salons.csv row 2"
    assert len(check.warnings) == 2  # one a metric, in the same words
    assert all("salons.csv rows 3-5 left out" in warning for warning in check.warnings)
    # In a Chinese collect, in Chinese: the rows as a Chinese explain cites them.
    told = check_plugin(_example(), people=PEOPLE, start=START, through=THROUGH,
                        workspace=tmp_path, lang="zh")  # fmt: skip
    assert (
        "插件 plugin-under-test 指标 salon_attendees：salons.csv 第 3–5 行未计入："
        "不是日期（YYYY-MM-DD）和两个整数"
    ) in told.warnings, told.warnings


def test_the_example_package_s_own_tests_pass_as_its_author_runs_them(
    installed_example: dict[str, str], tmp_path: Path
) -> None:
    """docs/plugins.md quotes them under "Testing a plugin": a stranger copies them, so
    they run as in the stranger's package, the package installed, in a pytest of their
    own, none of okrdesk's fixtures or settings around them."""
    own = tmp_path / "okrdesk-salons-tests"
    own.mkdir()
    shutil.copy(EXAMPLE / "tests" / "test_salons.py", own)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-p", "no:xdist",
         "--rootdir", str(own), str(own)],
        capture_output=True, text=True, env=installed_example, cwd=own,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 passed" in ran.stdout


@pytest.fixture
def installed_example(tmp_path: Path) -> dict[str, str]:
    """An environment for an okrdesk process that finds the example package through its
    entry point: installed into a folder of the test's own (``pip --target``) on that
    process's path, never into the environment the tests run in, where it replaced, and
    on removal took away, a developer's own package named okrdesk-salons."""
    target = tmp_path / "site-packages"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-build-isolation", "--target", str(target),
         str(EXAMPLE)],
        check=True, capture_output=True,
    )  # fmt: skip
    path = [str(target), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def test_an_entry_point_naming_no_module_says_where_to_write_the_one_it_means(
    tmp_path: Path,
) -> None:
    """A stranger's slip in pyproject.toml ("okrdesk_salonz") was told as Python's bare
    ``No module named 'okrdesk_salonz'``, naming neither the entry point nor the module
    installed beside it."""
    package = tmp_path / "okrdesk-salons"
    shutil.copytree(EXAMPLE, package, ignore=shutil.ignore_patterns("tests"))
    (package / "src" / "okrdesk_salons" / "plugin.py").write_text("", encoding="utf-8")
    project = package / "pyproject.toml"
    project.write_text(
        project.read_text(encoding="utf-8").replace(
            'salons = "okrdesk_salons"', 'salons = "okrdesk_salonz"'
        ),
        encoding="utf-8",
    )
    target = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "install",
         "--no-deps", "--no-build-isolation", "--target", str(target), str(package)],
        check=True, capture_output=True,
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(target), "OKRDESK_LOAD_PLUGINS": "salons"}
    workspace = tmp_path / "branch"
    workspace.mkdir()

    def listed() -> tuple[int, dict[str, Any]]:
        done = subprocess.run(
            [sys.executable, "-m", "okrdesk", "plugins", "--json", "-w", str(workspace)],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        (salons,) = (p for p in json.loads(done.stdout)["plugins"] if p["name"] == "salons")
        return done.returncode, salons

    code, salons = listed()
    assert code == 1
    assert salons["errors"] == [
        "failed to import: ModuleNotFoundError: No module named 'okrdesk_salonz', which the "
        "entry point okrdesk_salonz needs (did you mean okrdesk_salons?): write the module "
        "holding the hooks in the okrdesk entry point of the package's pyproject.toml, then "
        "install the package again"
    ]
    assert salons["errors_zh"] == [
        "导入失败：ModuleNotFoundError: 没有名为 'okrdesk_salonz' 的模块，而入口点 okrdesk_salonz "
        "需要它（是不是 okrdesk_salons？）：请在包的 pyproject.toml 的 okrdesk 入口点中写存放"
        "钩子的模块，然后重新安装这个包"
    ]
    # The entry point as pip wrote it down, changed as a reinstall would change it.
    (info,) = target.glob("okrdesk_salons-*.dist-info")
    points = info / "entry_points.txt"

    def pointing_at(value: str) -> None:
        points.write_text(f"[okrdesk]\nsalons = {value}\n", encoding="utf-8")

    pointing_at("okrdesk_salons.plugins")  # a module of the package, misspelt
    code, salons = listed()
    assert salons["errors"][0].startswith(
        "failed to import: ModuleNotFoundError: No module named 'okrdesk_salons.plugins', "
        "which the entry point okrdesk_salons.plugins needs (did you mean "
        "okrdesk_salons.plugin?): "
    )
    pointing_at("okrdesk-salons")  # the package's name, not its module's
    code, salons = listed()
    assert salons["errors"] == [
        "failed to import: ValueError: not an entry point: okrdesk-salons: write the module "
        "holding the hooks, as Python imports it (okrdesk_salons?), not the package's name"
    ]
    # A module the plugin itself imports, missing, is its own missing dependency: told
    # at the plugin's line, with where to install it and no word of the entry point.
    pointing_at("okrdesk_salons")
    module = target / "okrdesk_salons" / "__init__.py"
    module.write_text("import okrdesk_salons_helpers\n", encoding="utf-8")
    code, salons = listed()
    assert salons["errors"] == [
        "failed to import: ModuleNotFoundError: No module named 'okrdesk_salons_helpers': "
        "install the package that provides it into the Python okrdesk runs in "
        f"({sys.executable} -m pip install …), and list it in the plugin's dependencies "
        "(at okrdesk_salons/__init__.py:1)"
    ]


def test_an_installed_package_is_found_through_its_entry_point(
    installed_example: dict[str, str], write_workspace: WriteWorkspace
) -> None:
    # Not installed where the tests run, where it would replace a developer's own
    # okrdesk-salons (and the test's end remove it): only on the okrdesk process's path.
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        found = importlib.metadata.distribution("okrdesk-salons")
        assert EXAMPLE.resolve().as_uri() not in (found.read_text("direct_url.json") or "")
    root = write_workspace(
        {"salons.toml": '[[objectives]]\nid = "O9"\ntitle = "沙龙"\nowner = "branch"\n'
         '[[objectives.key_results]]\nid = "KR1"\ntitle = "参会"\nmetric = "salon_attendees"\n'
         'target = 600\nunit = "人"\n'}
    )  # fmt: skip
    env = {**installed_example, "OKRDESK_LOAD_PLUGINS": "salons,test_metrics"}
    listed = subprocess.run(
        [sys.executable, "-m", "okrdesk", "plugins", "--json", "-w", str(root)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    salons = next(p for p in json.loads(listed.stdout)["plugins"] if p["name"] == "salons")
    assert (salons["origin"], salons["version"]) == ("entry point", "1.2.0")
    assert [m["name"] for m in salons["metrics"]] == ["salon_attendees", "salon_lead_rate"]
    validated = subprocess.run(
        [sys.executable, "-m", "okrdesk", "validate", "--lang", "en", "-w", str(root)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert validated.returncode == 0, validated.stdout
    # Without its file the package raises, in pathlib: the error names the package's own
    # line that opened it, as the package spells its files.
    failed = subprocess.run(
        [sys.executable, "-m", "okrdesk", "collect", "--through", "2026-01-18", "-w", str(root)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    source = (EXAMPLE / "src" / "okrdesk_salons" / "__init__.py").read_text(encoding="utf-8")
    opened = next(n for n, line in enumerate(source.splitlines(), 1) if "path.open(" in line)
    assert failed.returncode == 1
    said = failed.stdout + failed.stderr
    # In the workspace's language, Chinese here: okrdesk's words, the package's error as
    # Python gave it.
    assert "错误：插件 salons：okrdesk_collect 出错：FileNotFoundError: " in said
    assert f"（位于 okrdesk_salons/__init__.py:{opened}）" in said, said
    # collect runs the installed package in a process of its own, found by its entry point
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(
        "date,cm_id,attendees,leads\n2026-01-06,cm01,30,4\n", encoding="utf-8"
    )
    collected = subprocess.run(
        [sys.executable, "-m", "okrdesk", "collect", "--through", "2026-01-18", "-w", str(root)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    with sqlite3.connect(root / "okrdesk.db") as connection:
        stored = connection.execute(
            "SELECT plugin, value FROM observations WHERE metric = 'salon_attendees' "
            "AND subject = 'cm01' AND period = '2026-W02'"
        ).fetchall()
    assert stored == [("salons", 30.0)]


def test_validate_tells_a_bad_setting_of_the_example_at_its_line(
    installed_example: dict[str, str], write_workspace: WriteWorkspace
) -> None:
    """docs/plugins.md shows the example's okrdesk_check_settings, which the example had
    not: validate let a misspelt key through, and the collect read the file as UTF-8."""
    root = write_workspace(
        {"salons.toml": '[[objectives]]\nid = "O9"\ntitle = "沙龙"\nowner = "branch"\n'
         '[[objectives.key_results]]\nid = "KR1"\ntitle = "参会"\nmetric = "salon_attendees"\n'
         'target = 600\nunit = "人"\n'}
    )  # fmt: skip
    (root / "okrdesk.toml").write_text(
        '[sources.salons]\nfile = "data/salons.csv"\nencodng = "gb18030"\nencoding = "utf-9"\n',
        "utf-8",
    )
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text("date,cm_id,attendees,leads\n", "utf-8")
    env = {**installed_example, "OKRDESK_LOAD_PLUGINS": "salons,test_metrics"}
    told = {
        lang: subprocess.run([sys.executable, "-m", "okrdesk", "validate", "--lang", lang,
                              "-w", str(root)], capture_output=True, text=True, env=env)
        for lang in ("en", "zh")
    }  # fmt: skip
    assert [done.returncode for done in told.values()] == [2, 2], told
    assert told["en"].stdout.splitlines()[::3] == [
        "okrdesk.toml:3: sources.salons.encodng: is not a setting of salons; they are file and "
        "encoding",
        "okrdesk.toml:4: sources.salons.encoding: 'utf-9' is not a text encoding; write utf-8 "
        "or gb18030",
        "5 files checked, 2 problems.",
    ]
    assert told["zh"].stdout.splitlines()[::3] == [
        "okrdesk.toml:3: sources.salons.encodng: 不是 salons 的设置；它的设置是 file 和 encoding",
        "okrdesk.toml:4: sources.salons.encoding: 'utf-9' 不是文本编码；请写 utf-8 或 gb18030",
        "已检查 5 个文件，共 2 处问题。",
    ]
    assert "Traceback" not in told["en"].stderr + told["zh"].stderr


def test_collect_warns_of_a_sources_table_no_plugin_reads(
    installed_example: dict[str, str], write_workspace: WriteWorkspace
) -> None:
    """[sources.salon_club] for the salons plugin: collect told the user to "set
    sources.salons.encoding", which they had set, under the table no plugin reads, and
    only validate and plugins named that table."""
    root = write_workspace(
        {"salons.toml": '[[objectives]]\nid = "O9"\ntitle = "沙龙"\nowner = "branch"\n'
         '[[objectives.key_results]]\nid = "KR1"\ntitle = "参会"\nmetric = "salon_attendees"\n'
         'target = 600\nunit = "人"\n'}
    )  # fmt: skip
    (root / "okrdesk.toml").write_text('[sources.salon_club]\nencoding = "gb18030"\n', "utf-8")
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_bytes(
        "date,cm_id,attendees,leads\n2026-01-06,张明,30,4\n".encode("gb18030")
    )
    env = {**installed_example, "OKRDESK_LOAD_PLUGINS": "salons,test_metrics"}
    command = str(Path(sys.executable).with_name("okrdesk"))
    told = {
        lang: subprocess.run([command, "collect", "--through", "2026-01-18", "--lang", lang,
                              "-w", str(root)], capture_output=True, text=True, env=env)
        for lang in ("en", "zh")
    }  # fmt: skip
    assert told["en"].returncode == 1, told["en"].stderr
    assert "set sources.salons.encoding" in told["en"].stderr
    assert (
        "warning: okrdesk.toml:1: sources.salon_club: no plugin is named salon_club (did you "
        'mean "salons"?), so no plugin reads this table'
    ) in told["en"].stderr.splitlines(), told["en"].stderr
    assert (
        "警告：okrdesk.toml:1: sources.salon_club: 没有名为 salon_club 的插件（是不是“salons”？），"
        "因此没有插件读取此表"
    ) in told["zh"].stderr.splitlines(), told["zh"].stderr


ROW_LEFT_OUT = ["2026-01-06,cm01,30,4", "2026-01-07,cm01,twenty,1"]
"""salons.csv rows: one the example reads, and its row 3, which it leaves out."""


def _example_collected(
    write_workspace: WriteWorkspace,
    tmp_path: Path,
    source: str,
    rows: list[str],
    langs: tuple[str, ...] = ("en",),
) -> dict[str, subprocess.CompletedProcess[str]]:
    """``okrdesk collect`` in each of ``langs``, with the example plugin's module as
    ``source`` installed, on a workspace with a key result on salon_attendees and
    salons.csv of ``rows``."""
    from installed_package import installed_package, okrdesk

    root = write_workspace(
        {"salons.toml": '[[objectives]]\nid = "O9"\ntitle = "沙龙"\nowner = "branch"\n'
         '[[objectives.key_results]]\nid = "KR1"\ntitle = "参会"\nmetric = "salon_attendees"\n'
         'target = 600\nunit = "人"\n'}
    )  # fmt: skip
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(
        "date,cm_id,attendees,leads\n" + "\n".join(rows) + "\n", "utf-8"
    )
    with installed_package(tmp_path, "salons", source) as env:
        return {lang: okrdesk(env, "collect", "--through", "2026-01-18", "--lang", lang,
                              "-w", str(root)) for lang in langs}  # fmt: skip


def test_a_metric_whose_figures_are_refused_still_has_its_rows_left_out_told(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The example copied with value=str(attendees): collect refused the metric's figures
    and left its emit.warning of the rows it could not read unsaid, so the user fixing
    the plugin and its file saw one of their problems at a time."""

    source = (EXAMPLE / "src" / "okrdesk_salons" / "__init__.py").read_text(encoding="utf-8")
    assert source.count("value=attendees") == 1
    texted = source.replace("value=attendees", "value=str(attendees)")
    told = _example_collected(write_workspace, tmp_path, texted, ROW_LEFT_OUT)["en"]
    lines = told.stderr.splitlines()
    assert told.returncode == 1, told.stderr
    assert (
        "error: plugin salons metric salon_attendees: cm01 2026-W02: value must be a number, "
        "not str (from salons.csv row 2) (1 problem; none of its figures stored)"
    ) in lines, told.stderr
    assert (
        "warning: plugin salons metric salon_attendees: salons.csv row 3 left out: not a date "
        "(YYYY-MM-DD) and two whole numbers"
    ) in lines, told.stderr


def test_a_plugin_that_fails_still_has_the_rows_it_left_out_told(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The example ending in an error after warning of rows it could not read: the
    warning was dropped with the rest of its work, one problem told at a time."""

    source = (EXAMPLE / "src" / "okrdesk_salons" / "__init__.py").read_text(encoding="utf-8")
    loop = "    for (cm, period), (attendees, leads, lines) in totals.items():\n"
    assert source.count(loop) == 1
    ending = source.replace(loop, '    raise RuntimeError("the export ends early")\n' + loop)
    told = _example_collected(write_workspace, tmp_path, ending, ROW_LEFT_OUT)["en"]
    lines = told.stderr.splitlines()
    assert told.returncode == 1, told.stderr
    assert any("RuntimeError: the export ends early" in line for line in lines), told.stderr
    assert (
        "warning: plugin salons metric salon_attendees: salons.csv row 3 left out: not a date "
        "(YYYY-MM-DD) and two whole numbers"
    ) in lines, told.stderr


def test_the_same_emit_mistake_for_each_person_and_week_is_told_once_and_counted(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """The example copied with value=str(attendees) was told "value must be a number, not
    str" once per person and week, five lines in the same words but for whom and when."""

    source = (EXAMPLE / "src" / "okrdesk_salons" / "__init__.py").read_text(encoding="utf-8")
    texted = source.replace("value=attendees", "value=str(attendees)")
    days = ("2026-01-06", "2026-01-13", "2026-01-02")
    rows = [f"{day},{cm},30,4" for cm in ("cm01", "cm02") for day in days]
    told = _example_collected(write_workspace, tmp_path, texted, rows, ("en", "zh"))
    assert told["en"].returncode == 1, told["en"].stderr
    assert (
        "error: plugin salons metric salon_attendees: cm01 2026-W02: value must be a number, not "
        "str (from salons.csv row 2) (and 5 more like it: cm01 2026-W03, cm01 2026-W01, "
        "cm02 2026-W02, …) (6 problems; none of its figures stored)"
    ) in told["en"].stderr.splitlines(), told["en"].stderr
    assert (
        "错误：插件 salons 指标 salon_attendees：cm01 2026-W02：value 必须是数字，不能是 str"
        "（来自 salons.csv 第 2 行）（另有 5 个同样的问题：cm01 2026-W03、cm01 2026-W01、"
        "cm02 2026-W02等）（共 6 个问题，均未入库）"
    ) in told["zh"].stderr.splitlines(), told["zh"].stderr


def test_the_guide_s_plugins_listing_is_what_the_command_prints(
    installed_example: dict[str, str], tmp_path: Path
) -> None:
    """docs/plugins.md showed the salons plugin alone under `okrdesk plugins --lang en`,
    where the command lists okrdesk's own plugins first: an author took them for
    someone else's packages."""
    guide = (Path(__file__).parents[1] / "docs" / "plugins.md").read_text(encoding="utf-8")
    prompt = "$ okrdesk plugins --lang en\n"
    shown = guide[guide.index(prompt) + len(prompt) :].split("```", 1)[0]
    folder = tmp_path / "no-workspace"
    folder.mkdir()
    listed = subprocess.run(
        [str(Path(sys.executable).with_name("okrdesk")), "plugins", "--lang", "en"],
        capture_output=True, text=True, cwd=folder,
        env={**installed_example, "OKRDESK_LOAD_PLUGINS": "salons"},
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    # Versions aside, and the columns they widen: a release must not stale the page.
    assert _versions_aside(shown) == _versions_aside(listed.stdout), (
        f"docs/plugins.md's listing is out of date; it prints:\n{listed.stdout}"
    )


def _versions_aside(listing: str) -> list[list[str]]:
    return [re.sub(r"\b\d+\.\d+\.\d+\b", "X.Y.Z", line).split() for line in listing.splitlines()]


def test_a_test_installs_no_package_over_one_it_did_not_install() -> None:
    """installed_package installed okrdesk-NAME into the environment the tests run in and
    uninstalled it at the end, whoever had installed it first: it now skips the test
    when a package of that name is there that no test installed."""
    from installed_package import _installed_not_by_a_test

    assert _installed_not_by_a_test("okrdesk") is not None  # this clone's own install
    assert _installed_not_by_a_test("okrdesk-never-installed-here") is None


def test_help_imports_no_plugin() -> None:
    script = (
        "import sys\n"
        "from okrdesk.cli import cli\n"
        "try:\n    cli.main(['--help'], prog_name='okrdesk')\nexcept SystemExit:\n    pass\n"
        "print(','.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    modules = set(done.stdout.strip().splitlines()[-1].split(","))
    assert "okrdesk.cli" in modules
    loaded = {m for m in modules if m.startswith(("pluggy", "okrdesk.plugins", "okrdesk_"))}
    # okrdesk.plugins.* would mean the plugin machinery ran at all.
    assert loaded == set()
    assert not {"okrdesk.targets", "sqlite_utils", "jinja2", "rich", "attrs"} & modules
    # Commands load when they run; listing them imports none (only the help's own
    # modules: its layout, its language, and its Chinese texts where the help is in Chinese).
    helpers = {
        "okrdesk.cli.options",
        "okrdesk.cli.help",
        "okrdesk.cli.help_zh",
        "okrdesk.cli.languages",
    }
    assert not {m for m in modules if m.startswith("okrdesk.cli.") and m not in helpers}


def test_registered_plugin_reaches_the_cli(write_workspace: WriteWorkspace) -> None:
    extra = _plugin(okrdesk_metrics=_declare(REVENUE))
    root = write_workspace()
    with registered_plugin(extra, "extra"):
        _, inside = plugins_json(root)
    _, outside = plugins_json(root)
    assert inside["extra"]["metrics"][0]["name"] == "revenue"
    assert "extra" not in outside


def test_a_registered_plugin_is_listed_and_timed_as_an_installed_one_not_as_okrdesk_s(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch, salons_stand_in: None
) -> None:
    """A plugin under test was listed as built-in, and nothing stopped its import or its
    declaration however long it took: a test of a plugin that hangs hung with it."""
    root = write_workspace()
    monkeypatch.setenv("OKRDESK_PLUGIN_TIMEOUT", "0.5")
    import okrdesk_salons_stand_in as salons  # written by the fixture below

    with registered_plugin(salons, "salons"):
        _, found = plugins_json(root)
        english = CliRunner().invoke(cli, ["plugins", "salons", "--lang", "en", "-w", str(root)])
    assert (found["salons"]["origin"], found["salons"]["location"]) == (
        "registered", "okrdesk_salons_stand_in"
    )  # fmt: skip
    listed = "salons  (registered in this process: okrdesk_salons_stand_in)"
    assert english.output.startswith(listed)

    def hangs(register):  # type: ignore[no-untyped-def]
        while True:
            pass

    with registered_plugin(_plugin(okrdesk_metrics=hangs), "slow"):
        code, found = plugins_json(root)
    assert code == 1
    assert found["slow"]["errors"][0].startswith(
        "okrdesk_metrics did not finish within 0.5 s and was stopped"
    )
    check = check_plugin(_plugin(okrdesk_metrics=hangs), people=[], start=dt.date(2026, 1, 5),
                         through=dt.date(2026, 1, 11))  # fmt: skip
    assert check.problems[0].startswith("okrdesk_metrics did not finish within 0.5 s")


@pytest.mark.parametrize("written", ["0", "-1", "5m", "inf"])
def test_a_plugin_time_limit_in_the_environment_that_is_no_number_above_0_is_refused(
    write_workspace: WriteWorkspace, written: str
) -> None:
    """$OKRDESK_PLUGIN_TIMEOUT=5m was taken for 300 s without a word, and 0 or -1 (no
    limit, elsewhere) for 0.01 s: every plugin was stopped at once, each told it did not
    finish within 0.01 s, a limit no one wrote. Each command that loads plugins refuses
    it, named, before it runs any."""
    root = write_workspace()
    env = {**os.environ, "OKRDESK_PLUGIN_TIMEOUT": written}
    for command in (["collect", "--through", "2026-01-18"], ["report"], ["validate"]):
        done = subprocess.run([sys.executable, "-m", "okrdesk", *command, "--lang", "en", "-w",
                               str(root)], capture_output=True, text=True, env=env)  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert done.stderr == (
            f"$OKRDESK_PLUGIN_TIMEOUT is {written!r}: give it a number of seconds above 0 "
            "(600 is ten minutes; 300 when unset)\n"
        )
    chinese = subprocess.run([sys.executable, "-m", "okrdesk", "plugins", "-w", str(root)],
                             capture_output=True, text=True, env=env)  # fmt: skip
    assert chinese.returncode == 2
    assert chinese.stderr.startswith(f"$OKRDESK_PLUGIN_TIMEOUT 的值 {written!r} 不可用：请写")
    assert not (root / "okrdesk.db").exists()


def test_check_plugin_hands_settings_over_as_a_collect_reads_them_from_okrdesk_toml(
    tmp_path: Path,
) -> None:
    """okrdesk.toml's ``weight = 2.5`` reaches a collect as Decimal("2.5"), but
    check_plugin(settings={"weight": 2.5}) handed the plugin the float: a plugin that
    multiplied it by a float passed its check and failed at its first collect."""
    given = {}

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        given.update(request.settings)
        emit("revenue", "cm01", request.periods[0].id, value=request.settings["weight"] * 1.5)

    plugin = _plugin(okrdesk_metrics=_declare(REVENUE), okrdesk_collect=okrdesk_collect)
    check = check_plugin(
        plugin,
        people=[Person("cm01", "王芳", "team-a")],
        start=dt.date(2026, 1, 5),
        through=dt.date(2026, 1, 11),
        settings={"weight": 2.5, "tiers": [0.5, 3], "fees": {"rate": 0.1}, "name": "x"},
    )
    assert given == {
        "weight": Decimal("2.5"),
        "tiers": [Decimal("0.5"), 3],
        "fees": {"rate": Decimal("0.1")},
        "name": "x",
    }
    assert type(given["tiers"][1]) is int
    (problem,) = check.problems
    assert "TypeError: unsupported operand type(s) for *: 'decimal.Decimal' and 'float'" in problem
    # As a collect reads them from okrdesk.toml.
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    (root / "okrdesk.toml").write_text("[sources.x]\nweight = 2.5\n", encoding="utf-8")
    from okrdesk.targets.settings import open_workspace

    assert open_workspace(root).sources["x"]["weight"] == Decimal("2.5")


def test_check_plugin_refuses_settings_as_collect_does(tmp_path: Path) -> None:
    """check_plugin collected from settings the plugin's own check refuses, where collect
    refuses them; and said they were its defaults when the test gave them."""
    from okrdesk.plugins import SettingsProblem

    def okrdesk_check_settings(settings):  # type: ignore[no-untyped-def]
        return [SettingsProblem(key, "is not a setting") for key in settings]

    def okrdesk_collect(request, emit):  # type: ignore[no-untyped-def]
        emit("accounts", "cm01", request.periods[0].id, value=1)

    plugin = _plugin(okrdesk_metrics=_declare(ACCOUNTS), okrdesk_collect=okrdesk_collect,
                     okrdesk_check_settings=okrdesk_check_settings)  # fmt: skip
    people = [Person("cm01", "王芳", "branch")]
    week = {"start": dt.date(2026, 1, 5), "through": dt.date(2026, 1, 11)}
    refused = check_plugin(plugin, people=people, settings={"fiel": 1}, workspace=tmp_path,
                           name="salons", **week)  # fmt: skip
    assert refused.problems == [
        "plugin salons: its settings are refused, as `okrdesk validate` refuses them, so "
        "nothing was collected from it: okrdesk.toml: sources.salons.fiel: is not a setting"
    ]
    assert refused.observations == []
    check_plugin(plugin, people=people, workspace=tmp_path, **week).assert_valid()


@pytest.fixture
def salons_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module to register, importable by its name."""
    (tmp_path / "okrdesk_salons_stand_in.py").write_text(
        "from okrdesk.model import MetricSpec\n"
        "from okrdesk.plugins import hookimpl\n"
        "@hookimpl\n"
        "def okrdesk_metrics(register):\n"
        "    register(MetricSpec('salon_visits', 'Salon visits', '沙龙到访', 'flow', '人'))\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))


def test_load_plan_with_the_host_catalog(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    host = PluginHost(root / "plugins", entry_points=False, workspace_code=True).load()
    assert load_plan(root, host.metrics).problems == ()


LABELS = ("新增高净值客户", "投诉率", "佣金收入")
"""The test plugin's metrics' Chinese labels, in the order it lists them."""


def _label_columns(listing: str) -> tuple[list[str], set[int]]:
    """The unit of each of the test plugin's metrics, and the terminal columns their
    labels start at."""
    lines = [next(line for line in listing.splitlines() if f" {label} / " in line)
             for label in LABELS]  # fmt: skip
    units = [line.split()[2] for line in lines]
    starts = {display_width(line[: line.index(f" {label} / ")]) for line, label in
              zip(lines, LABELS, strict=True)}  # fmt: skip
    return units, starts


def test_the_listing_names_units_in_the_reader_s_language_in_aligned_columns(
    write_workspace: WriteWorkspace,
) -> None:
    """In English a metric's unit is the word its figures carry (accts, ‰, CNY), not 户
    or 元; in either language the labels start in one column, where a two-column 元
    pushed its label one column right of the ‰ one's."""
    root = write_workspace()
    english = CliRunner().invoke(cli, ["plugins", "--lang", "en", "-w", str(root)]).output
    units, starts = _label_columns(english)
    assert units == ["accts", "‰", "CNY"] and len(starts) == 1, english
    chinese = CliRunner().invoke(cli, ["plugins", "-w", str(root)]).output
    units, starts = _label_columns(chinese)
    assert units == ["户", "‰", "元"] and len(starts) == 1, chinese


def test_the_listing_tells_a_metric_in_wan_from_one_in_yuan(
    write_workspace: WriteWorkspace,
) -> None:
    """A metric declared in 万元 holds figures ten thousand times those of one in 元: in
    English both were listed as CNY, and a plugin author could not tell which a SQL
    metric's query must give; now CNY 10k (and 10k accts for 万户), as the report
    names one of it, and 万元 in Chinese as declared; the labels still in one column."""
    root = write_workspace(plugin=False)
    (root / "data").mkdir()
    (root / "data" / "crm.csv").write_text("cm,day,amount\ncm01,2026-03-05,1\n", "utf-8")
    metrics = "".join(
        f'[[sources.sql.metrics]]\nname = "{name}"\nlabel_zh = "{name}"\nkind = "flow"\n'
        f'unit = "{unit}"\nquery = "SELECT cm AS subject, day, amount AS value FROM crm"\n\n'
        for name, unit in (("m_yuan", "元"), ("m_wan", "万元"), ("m_yi", "亿元"),
                           ("m_wanhu", "万户"), ("m_hu", "户"))
    )  # fmt: skip
    (root / "okrdesk.toml").write_text(
        f'[sources.sql.tables.crm]\npath = "data/crm.csv"\n\n{metrics}', "utf-8"
    )
    for lang, expected in (
        ("en", {"m_yuan": "CNY", "m_wan": "CNY 10k", "m_yi": "CNY 100m", "m_wanhu": "10k accts",
                "m_hu": "accts"}),
        ("zh", {"m_yuan": "元", "m_wan": "万元", "m_yi": "亿元", "m_wanhu": "万户", "m_hu": "户"}),
    ):  # fmt: skip
        done = CliRunner().invoke(cli, ["plugins", "--lang", lang, "-w", str(root)])
        assert done.exit_code == 0, done.output
        rows = {line.split()[0]: line for line in done.output.splitlines()
                if line.startswith("    m_")}  # fmt: skip
        # Each label its name (label_zh), once: label_en left out is the name too.
        starts = {display_width(row[: row.rindex(f" {name}")]) for name, row in rows.items()}
        assert len(starts) == 1, done.output
        for name, unit in expected.items():
            assert re.fullmatch(rf"    {name} +flow +{re.escape(unit)} +{name}", rows[name])


def test_a_plugins_funnel_names_its_stages_in_each_language() -> None:
    """``stages=FunnelStages(("参会", "签约"), ("attended", "signed"))`` names the stages in
    each language, as DimensionLabels does a dimension; a plain pair, as before, is the
    same in both; a name left "" is the other language's; anything but two names is
    refused by name."""
    from okrdesk.model import FunnelStages, MetricSpecError

    spec = MetricSpec("m", "Signed", "签约率", "ratio", "%",
                      stages=FunnelStages(("参会", "签约"), ("attended", "signed")))  # fmt: skip
    assert spec.stages is not None
    assert spec.stages.names("en") == ("attended", "signed")
    assert spec.stages.names("zh") == ("参会", "签约")
    plain = MetricSpec("m", "Signed", "签约率", "ratio", "%", stages=("参会", "签约"))
    assert plain.stages == FunnelStages(("参会", "签约"))
    assert plain.stages.names("en") == ("参会", "签约")
    entered, converted = plain.stages  # as plugins read it before
    assert (entered, converted) == ("参会", "签约")
    half = FunnelStages(("参会", "签约"), ("", "signed"))
    assert half.names("en") == ("参会", "signed")
    # Refused by the metric it is given to, which it names: a plugin declaring twenty
    # funnels is told which one is wrong.
    wrong = FunnelStages(("参会", "签约"), ("attended",))  # type: ignore[arg-type]
    with pytest.raises(MetricSpecError) as raised:
        MetricSpec("signed", "Signed", "签约率", "ratio", "%", stages=wrong)
    assert raised.value.said == (
        "metric signed: FunnelStages: en must be two names, entered and converted, not "
        "('attended',)",
        "指标 signed：FunnelStages：en 应为两个名称（进入的阶段和转化的阶段），现为 ('attended',)",
    )
    with pytest.raises(MetricSpecError, match=r"^metric m: FunnelStages: zh must be two names"):
        MetricSpec("m", "M", "M", "ratio", "%", stages=FunnelStages((1, 2)))  # type: ignore[arg-type]


def test_the_example_plugin_reads_its_file_in_the_encoding_its_settings_give(
    tmp_path: Path,
) -> None:
    """The guide's complete example read UTF-8 alone, though a Chinese CRM's export is
    GB18030 as often as not, and targets.md shows `encoding = "gb18030"` as typical."""
    from okrdesk.plugins.testing import check_plugin

    sys.path.insert(0, str(EXAMPLE / "src"))
    try:
        import okrdesk_salons
    finally:
        sys.path.remove(str(EXAMPLE / "src"))
    (tmp_path / "data").mkdir()
    rows = "date,cm_id,attendees,leads\r\n2026-01-06,cm01,30,4\r\n2026-01-08,cm01,20,1\r\n"
    (tmp_path / "data" / "salons.csv").write_bytes(rows.encode("gb18030"))
    week = {"people": PEOPLE, "start": START, "through": THROUGH, "workspace": tmp_path}
    check = check_plugin(okrdesk_salons, settings={"encoding": "GB18030"}, **week)
    check.assert_valid()
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 50
    # A byte that is not GB18030 text costs the metrics, at its line.
    (tmp_path / "data" / "salons.csv").write_bytes(rows.encode("gb18030") + b"\x80,x\r\n")
    check = check_plugin(okrdesk_salons, settings={"encoding": "GB18030"}, **week)
    assert check.observations == []
    assert any(
        "salons.csv line 4: not GB18030 text (byte 0x80); set sources.salons.encoding" in problem
        for problem in check.problems
    ), check.problems
    # Refused by its settings check, as validate refuses it, before it collects.
    check = check_plugin(okrdesk_salons, settings={"encoding": "gb-18030x"}, **week)
    assert check.observations == []
    (refused,) = check.problems
    assert "its settings are refused, as `okrdesk validate` refuses them" in refused
    assert refused.endswith(
        "sources.plugin-under-test.encoding: 'gb-18030x' is not a text encoding; write utf-8 "
        "or gb18030"
    ), refused


def test_check_plugin_names_the_grains_and_checks_the_people_s_units() -> None:
    """`grain="MONTH"` was a bare KeyError: 'MONTH'; a person of a unit not among `units=`
    was let through, as no plan is."""
    from okrdesk.model import OrgUnit
    from okrdesk.periods import Grain
    from okrdesk.plugins.testing import check_plugin

    week = {"people": PEOPLE, "start": START, "through": THROUGH}
    with pytest.raises(ValueError, match=r"grain='fortnight' is not a grain: give Grain.WEEK, "
                                         r"Grain.MONTH, Grain.QUARTER \(from okrdesk.periods\), "
                                         r'or "week", "month", "quarter"'):  # fmt: skip
        check_plugin(object(), grain="fortnight", **week)
    for grain in ("MONTH", "month", Grain.MONTH):
        assert check_plugin(object(), grain=grain, **week).problems == []
    with pytest.raises(ValueError, match=r"person cm01's unit 'team-a' is not among units= "
                                         r"\(branch\): add an OrgUnit\('team-a', …\)"):  # fmt: skip
        check_plugin(object(), units=[OrgUnit("branch", "B", "branch")], **week)


def test_check_plugin_refuses_a_through_before_its_start() -> None:
    """start and through swapped asked the plugin for no period at all, and the check
    passed with nothing collected: an author's test that tests nothing."""
    from okrdesk.plugins.testing import check_plugin

    def collects(request, emit):  # type: ignore[no-untyped-def]
        for period in request.periods:
            emit("clients", "cm01", period.id, value=3)

    plugin = _plugin(okrdesk_metrics=_declare(CLIENTS), okrdesk_collect=collects)
    swapped = r"check_plugin: through=2026-01-05 is before start=2026-01-18: no period lies"
    with pytest.raises(ValueError, match=swapped):
        check_plugin(plugin, people=PEOPLE, start=THROUGH, through=START)
    with pytest.raises(ValueError, match="早于 start=2026-01-18"):
        check_plugin(plugin, people=PEOPLE, start=THROUGH, through=START, lang="zh")
    assert len(check_plugin(plugin, people=PEOPLE, start=START, through=THROUGH).observations) == 2


def test_a_plugin_name_twice_says_which_copy_runs_and_what_to_do(
    write_workspace: WriteWorkspace,
) -> None:
    """A package and a workspace's plugins/salons.py both named salons: `plugins` said only
    `a plugin named "salons" is already loaded from okrdesk_salons`, and `plugins salons`
    listed the one that runs and exited 1 with no error shown."""
    from okrdesk.plugins.manager import ENTRY_POINT, LOCAL, PluginRecord, _loaded_twice

    root = write_workspace()
    (root / "plugins" / "salons.py").write_text("", "utf-8")
    trusted(root)
    spec = MetricSpec("salon_leads", "Salon leads", "沙龙线索", MetricKind.FLOW, UNITS["户"])
    twin = types.ModuleType("salons_twin")
    twin.okrdesk_metrics = hookimpl(_declare(spec))  # type: ignore[attr-defined]
    with registered_plugin(twin, "salons"):
        env = {"OKRDESK_LOAD_PLUGINS": "test_metrics,salons"}
        english = CliRunner().invoke(cli, ["plugins", "salons", "--lang", "en", "-w", str(root)],
                                     env=env)  # fmt: skip
    assert english.exit_code == 1
    lines = english.output.splitlines()
    assert lines[0].startswith("salons  (registered in this process")
    assert "salon_leads" in lines[1]
    assert lines[2:] == [
        f"salons  (local file: {root / 'plugins' / 'salons.py'})",
        '    error: not loaded: a plugin named "salons" is already loaded from salons_twin '
        f"(registered in this process), which is the one that runs; this copy, "
        f"{root / 'plugins' / 'salons.py'}, is ignored: rename {root / 'plugins' / 'salons.py'} "
        "to run both (a workspace's plugin is named after its file)",
    ], lines  # the ignored copy lists none of the metrics of the one that runs
    installed = PluginRecord("salons", ENTRY_POINT, "okrdesk_salons")
    local = PluginRecord("salons", LOCAL, "plugins/salons.py")
    assert _loaded_twice(installed, local) == (
        'not loaded: a plugin named "salons" is already loaded from okrdesk_salons (an installed '
        "package), which is the one that runs; this copy, plugins/salons.py, is ignored: rename "
        "plugins/salons.py to run both (a workspace's plugin is named after its file), or "
        "uninstall the installed package (pip uninstall) to run plugins/salons.py alone",
        "未加载：已从 okrdesk_salons（已安装的包）加载了名为“salons”的插件，运行的是那一个；"
        "这一份（plugins/salons.py）被忽略：若要两者都运行，请给 plugins/salons.py 改名"
        "（工作区插件以文件名为插件名）；若只运行 plugins/salons.py，请卸载那个已安装的包"
        "（pip uninstall）",
    )


CALLS_OKRS = (
    '[[objectives]]\nid = "O9"\ntitle = "回访"\nowner = "branch"\n'
    '[[objectives.key_results]]\nid = "KR1"\ntitle = "回访"\nmetric = "client_calls"\n'
    'target = 600\nunit = "次"\n'
)
"""A key result on client_calls, the metric of the packages below."""

CALLS_DECLARED = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("client_calls", "Client calls", "客户回访", MetricKind.FLOW, UNITS["次"]))
"""
"""A package declaring client_calls, which a test adds its own okrdesk_collect to."""


def test_a_workspace_plugin_saved_in_gbk_or_utf_16_is_told_to_save_it_as_utf_8(
    write_workspace: WriteWorkspace,
) -> None:
    """A plugin saved by Notepad on a Chinese Windows, as "ANSI" (GBK) or "Unicode"
    (UTF-16), was told in Python's English alone, in a Chinese workspace too: a codec
    that "can't decode byte 0xb0 in position 0", or "source code string cannot contain
    null bytes", with no file named. It is told to save the file as UTF-8."""
    root = write_workspace()
    source = 'from okrdesk.plugins import hookimpl\nLABEL = "拜访次数"\n'
    (root / "plugins").mkdir(exist_ok=True)
    (root / "plugins" / "visits_gbk.py").write_bytes(source.encode("gbk"))
    (root / "plugins" / "visits_utf16.py").write_bytes(source.encode("utf-16"))
    trusted(root)
    code, found = plugins_json(root)
    assert code == 1
    assert found["visits_gbk"]["errors"] == [
        "failed to import: SyntaxError: the file is not UTF-8 text (byte 0xb0 on this line), "
        "and Python reads a plugin's code as UTF-8: save it as UTF-8 (Notepad's \"ANSI\" is "
        "GBK on a Chinese Windows), or write # -*- coding: gbk -*- as its first line (at "
        "plugins/visits_gbk.py:2)"
    ]
    assert found["visits_gbk"]["errors_zh"] == [
        "导入失败：SyntaxError: 文件不是 UTF-8 文本（此行有字节 0xb0），而 Python 按 UTF-8 读取"
        "插件的代码：请把它另存为 UTF-8（中文 Windows 记事本的“ANSI”即 GBK），或在第一行写 "
        "# -*- coding: gbk -*-（位于 plugins/visits_gbk.py:2）"
    ]
    assert found["visits_utf16"]["errors"] == [
        "failed to import: SyntaxError: plugins/visits_utf16.py holds zero bytes: it was saved "
        "as UTF-16 (Notepad's \"Unicode\"), or is no text; Python reads a plugin's code as "
        "UTF-8: save it as UTF-8"
    ]
    assert found["visits_utf16"]["errors_zh"] == [
        "导入失败：SyntaxError: plugins/visits_utf16.py 含有零字节：它以 UTF-16（记事本的"
        "“Unicode”）保存，或不是文本；Python 按 UTF-8 读取插件的代码：请把它另存为 UTF-8"
    ]
    # Its encoding declared, as Python reads it, a GBK file loads.
    (root / "plugins" / "visits_gbk.py").write_bytes(
        ("# -*- coding: gbk -*-\n" + source).encode("gbk")
    )
    (root / "plugins" / "visits_utf16.py").unlink()
    trusted(root)
    _, found = plugins_json(root)
    assert found["visits_gbk"]["errors"] == []


HELPED = """\
    {imports}

    from okrdesk.model import MetricKind, MetricSpec
    from okrdesk.plugins import hookimpl
    from okrdesk.units import UNITS


    @hookimpl
    def okrdesk_metrics(register):
        register(MetricSpec("visits", "Visits", "拜访", MetricKind.FLOW, UNITS["次"]))
"""


def test_a_module_beside_a_workspace_plugin_is_told_how_to_import_not_to_install(
    write_workspace: WriteWorkspace,
) -> None:
    """A workspace plugin importing plugins/visit_helpers.py, its own file, was told to
    pip install a package that provides visit_helpers, and ``from . import`` to install
    okrdesk_local_plugins: no such package exists. It is told how to import it, which
    works."""
    root = write_workspace()
    (root / "plugins").mkdir(exist_ok=True)
    (root / "plugins" / "visit_helpers.py").write_text("THREE = 3\n", encoding="utf-8")
    write_plugin(root, "salon_visits", HELPED.format(imports="import visit_helpers"))
    code, found = plugins_json(root)
    assert code == 1
    advice = (
        "put the plugin's folder on Python's path first, "
        "sys.path.append(str(pathlib.Path(__file__).parent)), then"
    )
    assert found["salon_visits"]["errors"] == [
        "failed to import: ModuleNotFoundError: No module named 'visit_helpers': "
        "plugins/visit_helpers.py is beside the plugin, but Python does not look in plugins/ "
        f"for modules; {advice} import visit_helpers (at plugins/salon_visits.py:1)"
    ]
    assert found["salon_visits"]["errors_zh"] == [
        "导入失败：ModuleNotFoundError: 没有名为 'visit_helpers' 的模块：plugins/visit_helpers.py "
        "就在插件旁边，但 Python 不在 plugins/ 中查找模块；请先用 "
        "sys.path.append(str(pathlib.Path(__file__).parent)) 把插件所在的文件夹加入 Python "
        "的查找路径，再 import visit_helpers（位于 plugins/salon_visits.py:1）"
    ]
    write_plugin(root, "salon_visits", HELPED.format(imports="from . import visit_helpers"))
    code, found = plugins_json(root)
    (told,) = found["salon_visits"]["errors"]
    assert told.startswith(
        "failed to import: ModuleNotFoundError: No module named 'okrdesk_local_plugins': a "
        "workspace's plugin is in no package, so `from . import` finds nothing beside it; "
        f"{advice} import the module by its name (import helpers, for plugins/helpers.py)"
    ), told
    # As advised, in a process of its own: the path it adds is its own.
    imports = "import pathlib, sys; sys.path.append(str(pathlib.Path(__file__).parent))\n"
    write_plugin(root, "salon_visits", HELPED.format(imports=imports + "    import visit_helpers"))
    listed = subprocess.run([sys.executable, "-m", "okrdesk", "plugins", "--json", "-w",
                             str(root)], capture_output=True, text=True,
                            env={**os.environ, "OKRDESK_LOAD_PLUGINS": "salon_visits"})  # fmt: skip
    plugins = json.loads(listed.stdout)["plugins"]
    (visits,) = (p for p in plugins if p["name"] == "salon_visits")
    assert visits["errors"] == [] and [m["name"] for m in visits["metrics"]] == ["visits"]


def test_warnings_past_the_fifth_of_a_metric_are_counted_not_dropped(
    write_workspace: WriteWorkspace,
) -> None:
    """A plugin's sixth warning of a metric on, rows it left out, were dropped without a
    word: the collect showed five, the report kept five, and no one could tell that more
    rows went uncounted. They are counted, in the collect and in what the run keeps."""
    root = write_workspace({"calls.toml": CALLS_OKRS})
    collects = (
        "\n\n@hookimpl\ndef okrdesk_collect(request, emit):\n"
        "    for row in range(2, 10):\n"
        '        emit.warning("client_calls", f"calls.csv row {row} left out: not a date",\n'
        '                     zh=f"calls.csv 第 {row} 行未计入：不是日期")\n'
        '    emit("client_calls", "cm01", request.periods[0].id, value=3)\n'
    )
    write_plugin(root, "calls", CALLS_DECLARED + collects)
    env = {"OKRDESK_LOAD_PLUGINS": "calls,test_metrics"}
    collected = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root)], env=env
    )
    warned = [line for line in collected.output.splitlines() if "plugin calls" in line]
    assert warned == [
        *(f"warning: plugin calls metric client_calls: calls.csv row {row} left out: not a date"
          for row in range(2, 7)),
        "warning: plugin calls metric client_calls: and 3 more warnings of it, not shown: only "
        "the first 5 of a metric are",
    ], collected.output  # fmt: skip
    report = CliRunner().invoke(
        cli, ["report", "--as-of", "2026-01-18", "--format", "json", "-w", str(root)], env=env
    )
    assert "另有 3 条警告未列出：每个指标只列出前 5 条" in report.output


def test_a_module_a_plugin_imports_and_is_not_installed_says_where_to_install_it(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A stranger's plugin importing pandas where okrdesk's own virtual environment has
    none was told Python's bare ``No module named 'pandas'``: nothing of where to install
    it, when a plain ``pip install`` puts it in another Python than okrdesk's. Imported
    inside okrdesk_collect, as the guide advises, it fails that plugin alone."""
    from installed_package import installed_package, okrdesk

    root = write_workspace({"calls.toml": CALLS_OKRS})
    lazily = CALLS_DECLARED + "\n\n@hookimpl\ndef okrdesk_collect(request, emit):\n"
    imported = "    import okrdesk_test_absent_dependency"
    lazily += imported + "\n"
    advice = (
        "No module named 'okrdesk_test_absent_dependency': install the package that "
        f"provides it into the Python okrdesk runs in ({sys.executable} -m pip install …), "
        "and list it in the plugin's dependencies"
    )
    with installed_package(tmp_path, "calls", lazily) as env:
        told = okrdesk(env, "collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root))
        chinese = okrdesk(env, "collect", "--through", "2026-01-18", "-w", str(root))
    assert told.returncode == 1, told.stderr
    assert (
        f"error: plugin calls: okrdesk_collect failed: ModuleNotFoundError: {advice} "
        f"(at okrdesk_calls/__init__.py:{lazily.splitlines().index(imported) + 1})"
    ) in told.stderr.splitlines(), told.stderr
    assert (
        "没有名为 'okrdesk_test_absent_dependency' 的模块：请把提供它的包安装到运行 okrdesk 的 "
        f"Python 中（{sys.executable} -m pip install …），并写进插件的 dependencies"
    ) in chinese.stderr, chinese.stderr
    # The workspace's own plugin's figures landed beside the failure.
    with sqlite3.connect(root / "okrdesk.db") as connection:
        (landed,) = connection.execute(
            "SELECT COUNT(*) FROM observations WHERE plugin = 'test_metrics'"
        ).fetchone()
    assert landed > 0
    # A module of an installed package misspelt is told the one it may mean.
    misspelt = CALLS_DECLARED.replace("from okrdesk.plugins import", "from okrdesk.plugin import")
    with installed_package(tmp_path / "misspelt", "calls", misspelt) as env:
        listed = okrdesk(env, "plugins", "--json", "-w", str(root))
    (calls,) = (p for p in json.loads(listed.stdout)["plugins"] if p["name"] == "calls")
    assert calls["errors"] == [
        "failed to import: ModuleNotFoundError: No module named 'okrdesk.plugin' (did you mean "
        "okrdesk.plugins?) (at okrdesk_calls/__init__.py:2)"
    ]
    assert calls["errors_zh"] == [
        "导入失败：ModuleNotFoundError: 没有名为 'okrdesk.plugin' 的模块"
        "（是不是 okrdesk.plugins？）（位于 okrdesk_calls/__init__.py:2）"
    ]
    # A missing module inside a package that is installed, named like none of its
    # modules, is another version's, not an install's: told as Python tells it.
    inside = CALLS_DECLARED.replace(
        "from okrdesk.units", "import okrdesk.no_such_part\nfrom okrdesk.units"
    )
    with installed_package(tmp_path / "again", "calls", inside) as env:
        listed = okrdesk(env, "plugins", "--json", "-w", str(root))
    (calls,) = (p for p in json.loads(listed.stdout)["plugins"] if p["name"] == "calls")
    assert calls["errors"] == [
        "failed to import: ModuleNotFoundError: No module named 'okrdesk.no_such_part' "
        "(at okrdesk_calls/__init__.py:3)"
    ]


def test_collect_names_the_plugin_that_did_not_load_beside_the_metric_it_may_provide(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A plugin that failed to import: collect said ``metric client_calls: not provided
    by any loaded plugin`` on its own line, as of a misspelt metric, where validate says
    the plugin that did not load may provide it; the report kept collect's words. Its
    code names the metric, so it is named as the plugin to mend, alone
    (test_unloaded_plugin_metric.py)."""
    from installed_package import installed_package, okrdesk

    root = write_workspace({"calls.toml": CALLS_OKRS})
    broken = CALLS_DECLARED.replace("def okrdesk_metrics(", "def okrdesk_metric(")
    assert broken != CALLS_DECLARED
    with installed_package(tmp_path, "calls", broken) as env:
        told = {lang: okrdesk(env, "collect", "--through", "2026-01-18", "--lang", lang,
                              "-w", str(root)) for lang in ("en", "zh")}  # fmt: skip
    assert told["en"].returncode == 1, told["en"].stderr
    lines = told["en"].stderr.splitlines()
    assert (
        "error: metric client_calls: not provided by any loaded plugin: plugin calls, whose "
        "code names it, failed to load; mend the error told of it"
    ) in lines, told["en"].stderr
    assert any(
        line.startswith("error: plugin calls: not a valid plugin: okrdesk_metric is no hook")
        for line in lines
    ), told["en"].stderr
    assert (
        "错误：指标 client_calls：没有任何已加载的插件提供：插件 calls 的代码写有这个名字，"
        "但它加载失败；请先修正该插件的错误"
    ) in told["zh"].stderr.splitlines(), told["zh"].stderr


def test_a_plugin_stopped_at_its_time_limit_while_loading_is_told_the_line_it_was_at(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """An installed package whose import waited on a share that never answered was told
    "loading did not finish within 1 s and was stopped": its author, reading the line in
    a branch's report, had no line of their own code to look at. The other plugins' metrics
    are declared beside it."""
    from installed_package import installed_package, okrdesk

    root = write_workspace({"calls.toml": CALLS_OKRS})
    waits = "import time\n\ntime.sleep(600)  # a share that never answers\n" + CALLS_DECLARED
    with installed_package(tmp_path, "calls", waits) as env:
        env = {**env, "OKRDESK_PLUGIN_TIMEOUT": "1"}
        listed = okrdesk(env, "plugins", "--json", "-w", str(root))
        chinese = okrdesk(env, "plugins", "--lang", "zh", "-w", str(root))
        collected = okrdesk(env, "collect", "--through", "2026-01-18", "-w", str(root))
        report = okrdesk(env, "report", "--lang", "en", "--as-of", "2026-01-18", "-w", str(root))
    assert listed.returncode == 1, listed.stderr
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["calls"]["errors"] == [
        "loading did not finish within 1 s and was stopped at okrdesk_calls/__init__.py:3 (to "
        "allow longer: [workspace] plugin_timeout in okrdesk.toml, or $OKRDESK_PLUGIN_TIMEOUT)"
    ]
    assert (
        "    错误：加载在 1 秒内未完成，已在 okrdesk_calls/__init__.py:3 处停止（" in chinese.stdout
    )
    assert {m["name"] for m in plugins["test_metrics"]["metrics"]} == {
        "new_hnw_clients",
        "complaint_rate",
        "fee_revenue",
    }
    # The collect and the report run for everything else, and name it.
    assert collected.returncode == 1, collected.stderr
    assert report.returncode == 0, report.stderr
    assert "plugin calls: loading did not finish within 1 s and was stopped at" in report.stdout


def test_a_day_emitted_where_a_period_s_id_goes_is_told_the_form_of_the_ids(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A stranger's package emitted each figure under the day of its CSV row
    (``"2026-01-06"``) and was told "period '2026-01-06' was not asked for", which says
    neither what was asked nor in what form; the other plugin's figures land."""
    from installed_package import installed_package, okrdesk

    root = write_workspace({"calls.toml": CALLS_OKRS})
    by_day = CALLS_DECLARED + (
        "\n\n@hookimpl\ndef okrdesk_collect(request, emit):\n"
        "    for person in request.people:\n"
        '        emit("client_calls", person.id, str(request.periods[0].start), value=3)\n'
    )
    with installed_package(tmp_path, "calls", by_day) as env:
        told = {lang: okrdesk(env, "collect", "--through", "2026-01-18", "--lang", lang,
                              "-w", str(root)) for lang in ("en", "zh")}  # fmt: skip
    assert told["en"].returncode == 1, told["en"].stderr
    assert (
        "error: plugin calls metric client_calls: cm01 2026-01-01: period '2026-01-01' was not "
        "asked for: give the id of one of request.periods (period.id, such as 2026-W01) (and 1 "
        "more like it: cm02) (2 problems; none of its figures stored)"
    ) in told["en"].stderr.splitlines(), told["en"].stderr
    assert (
        "没有要周期 '2026-01-01' 的数字：请给 request.periods 中某个周期的 id"
        "（period.id，如 2026-W01）"
    ) in told["zh"].stderr, told["zh"].stderr
    with sqlite3.connect(root / "okrdesk.db") as connection:
        stored = {m for (m,) in connection.execute("SELECT DISTINCT metric FROM observations")}
    assert stored == {"new_hnw_clients", "complaint_rate"}


def test_a_plugins_warning_of_two_lines_keeps_its_second_under_its_first(
    write_workspace: WriteWorkspace,
) -> None:
    """A warning with a line break printed its second line at the margin, where it read as
    a line of okrdesk's own rather than the rest of the plugin's warning."""
    root = write_workspace({"calls.toml": CALLS_OKRS})
    collects = (
        "\n\n@hookimpl\ndef okrdesk_collect(request, emit):\n"
        '    emit.warning("client_calls", "calls.csv row 4 left out\\nits date is 2026-02-30")\n'
        '    emit("client_calls", "cm01", request.periods[0].id, value=3)\n'
    )
    write_plugin(root, "calls", CALLS_DECLARED + collects)
    env = {"OKRDESK_LOAD_PLUGINS": "calls,test_metrics"}
    collected = CliRunner().invoke(
        cli, ["collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root)], env=env
    )
    lines = collected.output.splitlines()
    first = next(i for i, line in enumerate(lines) if "calls.csv row 4" in line)
    assert lines[first].startswith("warning: plugin calls metric client_calls: calls.csv row 4")
    assert lines[first + 1] == " " * len("warning: ") + "its date is 2026-02-30"
