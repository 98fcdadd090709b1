"""A plugin that loads and declares nothing (a hook's name misspelt, an okrdesk_metrics
that registers no metric) is warned of by ``okrdesk plugins`` and ``okrdesk validate``,
where it was listed with no word: a stranger's first plugin doing nothing, unexplained."""

from __future__ import annotations

import json
import os
from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace, trusted

MISSPELT = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


def okrdesk_metric(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", MetricKind.FLOW, UNITS["人"]))


@hookimpl
def okrdesk_collect(request, emit):
    for period in request.periods:
        emit("salon_visits", "cm01", period.id, value=1)
"""

REGISTERS_NONE = """\
from okrdesk.plugins import hookimpl


@hookimpl
def okrdesk_metrics(register, settings):
    for metric in settings.get("metrics", []):
        register(metric)
"""

HELPERS = """\
import csv


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as rows:
        return list(csv.DictReader(rows))
"""

UNMARKED_ALL = """\
from okrdesk.plugins import hookimpl


def metrics(register):
    pass
"""


def test_a_workspace_plugin_that_declares_nothing_is_warned_of(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    for name, source in [("misspelt", MISSPELT), ("none", REGISTERS_NONE),
                         ("helpers", HELPERS), ("unmarked", UNMARKED_ALL)]:  # fmt: skip
        (root / "plugins" / f"{name}.py").write_text(source, encoding="utf-8")
    trusted(root)
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics,misspelt,none,helpers,unmarked"}
    listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
    validated = okrdesk(env, "validate", "--lang", "zh", "-w", str(root))
    as_json = okrdesk(env, "plugins", "--json", "-w", str(root))
    assert listed.returncode == 0, listed.stdout + listed.stderr
    warned = [line for line in listed.stdout.splitlines() if line.startswith("warning: ")]
    assert warned == [
        "warning: plugin misspelt: declares nothing: it has no okrdesk_metrics and no "
        "okrdesk_report_formats, so okrdesk never calls its okrdesk_collect; okrdesk_metric (at "
        "plugins/misspelt.py:6) is no hook of okrdesk: did you mean okrdesk_metrics? name it "
        "so, with @hookimpl on the line above its def",
        "warning: plugin none: declares nothing: its okrdesk_metrics (at plugins/none.py:5) "
        "registered no metric, and it has no report format, so okrdesk never collects from "
        "it; call register(MetricSpec(…)) there for each metric",
        "warning: plugin unmarked: declares nothing: it has none of okrdesk's hooks "
        "(okrdesk_check_settings, okrdesk_collect, okrdesk_demo_data, okrdesk_metrics, "
        "okrdesk_report_formats) marked @hookimpl, so okrdesk never calls it; metrics (at "
        "plugins/unmarked.py:4) is no hook of okrdesk: did you mean okrdesk_metrics? name it "
        "so, with @hookimpl on the line above its def",
    ]
    # A file of helpers the other plugins import is no plugin that forgot its hooks.
    assert "helpers:" not in listed.stdout
    assert validated.returncode == 0, validated.stdout + validated.stderr
    told = validated.stdout.splitlines()
    assert (
        "警告：插件 misspelt：没有声明任何内容：它既没有 okrdesk_metrics，也没有 "
        "okrdesk_report_formats，okrdesk 因此从不调用它的 okrdesk_collect；okrdesk_metric"
        "（位于 plugins/misspelt.py:6）不是 okrdesk 的钩子：是不是 okrdesk_metrics？请改用这个"
        "名字，并在它的 def 上一行写 @hookimpl"
    ) in told
    assert (
        "警告：插件 none：没有声明任何内容：它的 okrdesk_metrics（位于 plugins/none.py:5）没有"
        "登记任何指标，也没有报告格式，okrdesk 因此从不向它采集；请在其中为每个指标调用 "
        "register(MetricSpec(…))"
    ) in told
    assert told[-5].startswith("已检查 4 个文件，没有问题，3 个警告。"), told
    listing = json.loads(as_json.stdout)
    assert [w.split(":")[0] for w in listing["warnings"]] == [
        "plugin misspelt",
        "plugin none",
        "plugin unmarked",
    ]
    assert listing["warnings_zh"][1].startswith("插件 none：没有声明任何内容")


def test_an_installed_plugin_with_no_hook_names_the_hook_its_function_may_mean(
    tmp_path: Path, write_workspace: WriteWorkspace
) -> None:
    """An installed plugin with no hook was refused already; it now says which of its
    functions is a hook misspelt. One whose okrdesk_metrics registers none is warned of."""
    root = write_workspace()
    hookless = MISSPELT.split("@hookimpl")[0]
    with installed_package(tmp_path, "misspelt", hookless, {"none": REGISTERS_NONE}) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
    assert listed.returncode == 1
    shown = listed.stdout
    assert (
        "    error: not a valid plugin: it has none of okrdesk's hooks (okrdesk_check_settings, "
        "okrdesk_collect, okrdesk_demo_data, okrdesk_metrics, okrdesk_report_formats) marked "
        "@hookimpl; okrdesk_metric (at okrdesk_misspelt/__init__.py:6) is no hook of okrdesk: "
        "did you mean okrdesk_metrics? name it so, with @hookimpl on the line above its def\n"
    ) in shown
    assert (
        "warning: plugin none: declares nothing: its okrdesk_metrics (at "
        "okrdesk_none/__init__.py:5) registered no metric"
    ) in shown
