"""Two plugins declaring one metric name: neither's is used, and the report says so
and still runs for every other key result."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from installed_package import installed_package, okrdesk
from okrdesk.cli import cli
from sample_workspace import WriteWorkspace, trusted
from test_emit_mistakes import MISSPELT, SALON_KR

RIVAL = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("complaint_rate", "Complaints", "投诉", MetricKind.FLOW, UNITS["次"]))


@hookimpl
def okrdesk_collect(request, emit):
    pass
"""


def _with_a_rival(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace()
    (root / "plugins" / "rival.py").write_text(RIVAL, encoding="utf-8")
    trusted(root)
    return root


def test_a_metric_two_plugins_declare_leaves_the_report_running_and_says_why(
    write_workspace: WriteWorkspace,
) -> None:
    root = _with_a_rival(write_workspace)
    CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    done = CliRunner().invoke(cli, ["report", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert "O1.KR1 新增高净值客户" in said
    # One line says it, not one a plugin, nor the collect's again; nor that no plugin
    # provides the metric, which two do.
    assert (
        "ERROR metric complaint_rate: declared by both rival and test_metrics, so neither's "
        "is used, and O1.KR2 cannot be measured; give one of them another name, or remove "
        "one of the plugins"
    ) in said
    assert "Not in the score: O1.KR2 投诉率 (metric complaint_rate declared by both" in said
    assert "is also declared by" not in said and "no loaded plugin provides" not in said
    assert "not collected" not in said


def test_a_collect_beside_a_metric_two_plugins_declare_stores_the_others(
    write_workspace: WriteWorkspace,
) -> None:
    root = _with_a_rival(write_workspace)
    done = CliRunner().invoke(
        cli, ["collect", "--lang", "en", "--through", "2026-03-15", "-w", str(root)]
    )
    assert done.exit_code == 1
    assert "observations of 1 metric stored," in done.output, done.output
    assert (
        "error: metric complaint_rate: not collected: it is declared by both rival and "
        "test_metrics, so neither's is used"
    ) in done.output
    assert "no loaded plugin provides" not in done.output


def test_validate_still_refuses_a_key_result_on_a_metric_two_plugins_declare(
    write_workspace: WriteWorkspace,
) -> None:
    root = _with_a_rival(write_workspace)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert "is also declared by rival" in done.output
    # At the key result, why it is not measured: two plugins declare it, not that no
    # plugin provides it and another metric is meant (it said "did you mean ...?").
    said = " ".join(done.output.split())
    assert (
        'key_results[KR2].metric: metric "complaint_rate" is declared by both rival and '
        "test_metrics, so neither's is used; give one of them another name, or remove one "
        "of the plugins"
    ) in said, said
    assert "no loaded plugin provides" not in said and "did you mean" not in said
    zh = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert (
        'key_results[KR2].metric: 指标 "complaint_rate"：rival、test_metrics 都声明了它，'
        "所以都不采用；请给其中一个改名，或移除其中一个插件"
    ) in zh.output, zh.output


TWIN = MISSPELT.format(call='("salon_leads", person.id, request.periods[0].id, value=1)')
"""A second plugin declaring the first one's metric, salon_leads, and collecting it."""


def test_two_installed_packages_declaring_one_metric_are_told_once_in_each_command(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"salons.toml": SALON_KR})
    with (
        installed_package(tmp_path, "twina", TWIN) as env,
        installed_package(tmp_path, "twinb", TWIN),
    ):
        # Wide enough that no message is wrapped (Chinese wraps between any two characters).
        env = {**env, "OKRDESK_LOAD_PLUGINS": "twina,twinb,test_metrics", "COLUMNS": "300"}
        collected = okrdesk(env, "collect", "--lang", "en", "--through", "2026-03-15",
                            "-w", str(root))  # fmt: skip
        reports = {lang: okrdesk(env, "report", "--lang", lang, "--as-of", "2026-03-15",
                                 "-w", str(root)) for lang in ("en", "zh")}  # fmt: skip
        checked = okrdesk(env, "check", "--lang", "en", "--as-of", "2026-03-15", "-w", str(root))
        explained = okrdesk(env, "explain", "O9.KR1", "--lang", "en", "-w", str(root))
        as_json = okrdesk(env, "report", "--format", "json", "--as-of", "2026-03-15",
                          "-w", str(root))  # fmt: skip
    (o9,) = [o for o in json.loads(as_json.stdout)["objectives"] if o["id"] == "O9"]
    assert o9["unmeasured"] == [
        {"id": "O9.KR1", "title": "沙龙线索", "unit": "户", "metric": "salon_leads",
         "declared_by": ["twina", "twinb"]}
    ]  # fmt: skip
    told = " ".join((collected.stdout + collected.stderr).split())
    assert collected.returncode == 1, told
    assert told.count("twina") == 1, told  # one line, not one a plugin too
    assert (
        "error: metric salon_leads: not collected: it is declared by both twina and twinb, so "
        "neither's is used; give one of them another name, or remove one of the plugins"
    ) in told
    english = " ".join(reports["en"].stdout.split())
    assert reports["en"].returncode == 0, reports["en"].stderr
    assert (
        "ERROR metric salon_leads: declared by both twina and twinb, so neither's is used, and "
        "O9.KR1 cannot be measured; give one of them another name, or remove one of the plugins"
    ) in english
    assert "Not in the score: O9.KR1 沙龙线索 (metric salon_leads declared by both" in english
    assert "no loaded plugin provides" not in english and "is also declared" not in english
    chinese = " ".join(reports["zh"].stdout.split())
    assert "指标 salon_leads：twina、twinb 都声明了它，所以都不采用，O9.KR1 无法测量" in chinese
    assert "已加载的插件都不提供" not in chinese and "也由" not in chinese, chinese
    lines = [line for line in checked.stdout.splitlines() if "salon_leads" in line]
    assert checked.returncode != 0
    assert len(lines) == 1, checked.stdout
    assert explained.returncode != 0
    assert (
        "O9.KR1 cannot be measured: metric salon_leads declared by both twina and twinb, so "
        "neither's is used; give one of them another name, or remove one of the plugins"
    ) in " ".join((explained.stdout + explained.stderr).split())


def test_explain_shows_what_one_of_two_plugins_declaring_a_metric_stored(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Stored by one plugin, then declared by a second too: explain shows the stored
    figures under the clash, and does not call the loaded plugin not loaded."""
    root = write_workspace({"salons.toml": SALON_KR})
    with (
        installed_package(tmp_path, "twina", TWIN) as env,
        installed_package(tmp_path, "twinb", TWIN),
    ):
        alone = {**env, "OKRDESK_LOAD_PLUGINS": "twina,test_metrics"}
        first = okrdesk(alone, "collect", "--through", "2026-01-11", "-w", str(root))
        assert first.returncode == 0, first.stdout + first.stderr
        both = {**env, "OKRDESK_LOAD_PLUGINS": "twina,twinb,test_metrics", "COLUMNS": "300"}
        explained = okrdesk(both, "explain", "O9.KR1", "--as-of", "2026-01-11", "--lang", "en",
                            "-w", str(root))  # fmt: skip
    assert explained.returncode == 1, explained.stdout + explained.stderr
    assert explained.stderr.startswith(
        "O9.KR1 cannot be measured: metric salon_leads declared by both"
    )
    lines = explained.stdout.splitlines()  # what is stored: the command's output
    assert any(line.startswith("Stored of it: ") for line in lines), explained.stdout
    assert "is not loaded" not in explained.stdout + explained.stderr, explained.stdout
