"""A stock or flow metric declared in % or ‰ is refused: a stock adds up across people
and a flow over time too, and a sum of rates means nothing. It is declared a ratio."""

from __future__ import annotations

from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from okrdesk.model import MetricKind, MetricSpec, MetricSpecError
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace

A_FLOW_IN_PERCENT = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_attendees", "Salon attendees", "沙龙参会人数", MetricKind.FLOW,
                        UNITS["人"]))
    register(MetricSpec("salon_lead_rate", "Salon lead rate", "沙龙线索转化率", MetricKind.FLOW,
                        UNITS["%"]))


@hookimpl
def okrdesk_collect(request, emit):
    pass
"""


@pytest.mark.parametrize("kind", [MetricKind.FLOW, MetricKind.STOCK])
@pytest.mark.parametrize("unit", ["%", "‰", "ratio", "百分点"])
def test_a_stock_or_flow_in_a_rate_is_refused(kind: MetricKind, unit: str) -> None:
    with pytest.raises(MetricSpecError) as refused:
        MetricSpec("retention", "Retention", "留存率", kind, UNITS[unit])
    assert str(refused.value).startswith(f"metric retention: a {kind} metric cannot be in {unit}")
    assert "declare it a ratio (kind=MetricKind.RATIO)" in str(refused.value)
    assert refused.value.said.zh.startswith(f"指标 retention：{kind} 指标的单位不能是 {unit}")


def test_a_ratio_in_a_rate_and_a_stock_in_a_count_are_taken() -> None:
    MetricSpec("retention", "Retention", "留存率", MetricKind.RATIO, UNITS["%"])
    MetricSpec("clients", "Clients", "客户数", MetricKind.STOCK, UNITS["户"])


def test_an_installed_plugin_declaring_a_flow_in_percent_is_told_as_its_error(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    source_line = next(n for n, line in enumerate(A_FLOW_IN_PERCENT.splitlines(), 1)
                       if 'UNITS["%"]' in line) - 1  # fmt: skip
    with installed_package(tmp_path, "salonrate", A_FLOW_IN_PERCENT) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        validated = okrdesk(env, "validate", "-w", str(root))
    told = listed.stdout + listed.stderr
    assert "Traceback" not in told, told
    assert (
        "okrdesk_metrics failed: MetricSpecError: metric salon_lead_rate: a flow metric cannot "
        "be in %: its figures add up across people, units and periods, and a sum of rates "
        "means nothing; declare it a ratio (kind=MetricKind.RATIO) and emit its parts, "
        f"numerator=12, denominator=120, not value=0.10 (at okrdesk_salonrate/__init__.py:"
        f"{source_line})"
    ) in " ".join(told.split()), told
    # The metric declared before it stands; validate says why the plugin failed, in Chinese.
    assert "salon_attendees" in told
    said = " ".join((validated.stdout + validated.stderr).split())
    assert "插件 salonrate" in said and "指标 salon_lead_rate：flow 指标的单位不能是 %" in said, (
        said
    )


def test_an_sql_metric_of_kind_flow_in_percent_is_refused_at_its_unit(
    write_workspace: WriteWorkspace,
) -> None:
    from click.testing import CliRunner

    from okrdesk.cli import cli
    from test_sql_metrics import ATTENDEES_DEFINITION, SALONS_OKRS, sql_only_workspace

    rate = ATTENDEES_DEFINITION.replace('"salon_attendees"', '"salon_rate"').replace('"人"', '"%"')
    root = sql_only_workspace(write_workspace, SALONS_OKRS, ATTENDEES_DEFINITION + "\n" + rate)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2, done.output
    assert (
        "okrdesk.toml:10: sources.sql.metrics[1].unit: a flow metric cannot be in %: its "
        "figures add up across people, and a sum of rates means nothing; write kind = "
        '"ratio" and a query returning numerator and denominator columns'
    ) in done.output, done.output
    zh = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert "sources.sql.metrics[1].unit: flow 指标的单位不能是 %" in zh.output, zh.output
