"""Through the real plugin host: a bad surveys.csv row fails NPS alone, named file:line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk.engine.plan_calendar import plan_periods
from okrdesk.model import OrgUnit, Person, Plan
from okrdesk.plugins.manager import PluginHost
from okrdesk.plugins.runner import Collected, collect

import okrdesk_brokerage.plugin
from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate

START, THROUGH = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
METRICS = ["aum", "nps", "net_new_aum", "commission_revenue", "effective_accounts"]


def _collect(workspace: Path, cms: list[str]) -> Collected:
    plan = Plan(
        "p",
        "p",
        2026,
        START,
        dt.date(2026, 12, 31),
        "firm",
        units=(OrgUnit("firm", "firm", "firm"),),
        people=tuple(Person(cm, cm, "firm") for cm in cms),
    )
    host = PluginHost(
        entry_points=False, builtins={}, registered=False, sources={"brokerage": {"data": "crm"}}
    )
    host.register(okrdesk_brokerage.plugin, "brokerage")
    return collect(host, plan, METRICS, plan_periods(plan, THROUGH), THROUGH, workspace)


def _figures(found: Collected, metric: str) -> dict[tuple[str, str], tuple[object, ...]]:
    return {
        (o.subject, o.period): (o.value, o.numerator, o.denominator, o.source)
        for o in found.observations
        if o.metric == metric
    }


def test_a_bad_survey_row_drops_nps_only(tmp_path: Path) -> None:
    cms = firm_cm_ids(1)[:3]
    generate(tmp_path / "crm", cms, start=START, end=THROUGH, snapshot="month")
    before = _collect(tmp_path, cms)
    assert before.errors == []
    surveys = tmp_path / "crm" / "surveys.csv"
    lines = surveys.read_text(encoding="utf-8").splitlines()
    day, client, _ = lines[4].split(",")
    lines[4] = f"{day},{client},ten"
    surveys.write_text("\n".join(lines) + "\n", encoding="utf-8")

    after = _collect(tmp_path, cms)

    [error] = after.errors
    assert (error.plugin, error.metric) == ("brokerage", "nps")
    assert error.message.startswith(
        "surveys.csv:5: column 'score': 'ten' is not a whole number from 0 to 10"
    )
    assert _figures(after, "nps") == {}
    assert _figures(before, "nps")
    for metric in ("aum", "net_new_aum", "commission_revenue", "effective_accounts"):
        assert _figures(after, metric) == _figures(before, metric), metric
        assert _figures(after, metric), metric


def test_a_bad_products_or_complaints_row_drops_only_the_metrics_that_read_that_file(
    tmp_path: Path,
) -> None:
    cms = firm_cm_ids(1)[:3]
    generate(tmp_path / "crm", cms, start=START, end=THROUGH, snapshot="month")
    wanted = ["products_per_client", "open_to_purchase_rate", "complaint_rate", "aum", "nps"]

    def collected() -> Collected:
        plan = Plan(
            "p", "p", 2026, START, dt.date(2026, 12, 31), "firm",
            units=(OrgUnit("firm", "firm", "firm"),),
            people=tuple(Person(cm, cm, "firm") for cm in cms),
        )  # fmt: skip
        host = PluginHost(
            entry_points=False, builtins={}, registered=False,
            sources={"brokerage": {"data": "crm"}},
        )  # fmt: skip
        host.register(okrdesk_brokerage.plugin, "brokerage")
        return collect(host, plan, wanted, plan_periods(plan, THROUGH), THROUGH, tmp_path)

    before = collected()
    assert before.errors == []
    assert _figures(before, "products_per_client")
    products = tmp_path / "crm" / "products.csv"
    lines = products.read_text(encoding="utf-8").splitlines()
    fields = lines[6].split(",")
    fields[3] = "gift"
    lines[6] = ",".join(fields)
    products.write_text("\n".join(lines) + "\n", encoding="utf-8")
    complaints = tmp_path / "crm" / "complaints.csv"
    complaints.write_text(
        complaints.read_text(encoding="utf-8") + "2026-02-30,nobody,fees\n", encoding="utf-8"
    )

    after = collected()

    failed = {error.metric: error.message for error in after.errors}
    assert set(failed) == {"products_per_client", "open_to_purchase_rate", "complaint_rate"}
    assert failed["products_per_client"].startswith("products.csv:7: column 'action'")
    assert failed["complaint_rate"].startswith(
        f"complaints.csv:{len(complaints.read_text().splitlines())}: column 'date'"
    )
    for metric in ("aum", "nps"):
        assert _figures(after, metric) == _figures(before, metric), metric
