"""Two plugins declaring one metric name: neither's is used, and the report says so
and still runs for every other key result."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace, trusted

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
    assert 'plugin rival: metric "complaint_rate" is also declared by test_metrics' in said


def test_a_collect_beside_a_metric_two_plugins_declare_stores_the_others(
    write_workspace: WriteWorkspace,
) -> None:
    root = _with_a_rival(write_workspace)
    done = CliRunner().invoke(
        cli, ["collect", "--lang", "en", "--through", "2026-03-15", "-w", str(root)]
    )
    assert done.exit_code == 1
    assert "observations of 1 metric," in done.output, done.output
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
