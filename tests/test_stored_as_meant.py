"""Figures stored as the plugin meant them: money a Python plugin added up as floats
(0.1 + 0.2 元) was stored as 0.30000000000000004 and so exported, in JSON and in the
workbook, where a branch writes 0.3元. Money is stored to the fen (分), half a fen rounded
up as a branch rounds, a ratio's part that is no declared amount or count to a millionth,
and the whole of a figure emitted in slices is their sum as written; whole counts were
whole already."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

SUMMED = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("fee_income", "Fee income", "手续费收入", "flow", UNITS["元"],
                        dimensions=("product",)))
    register(MetricSpec("salon_nps", "Salon NPS", "沙龙 NPS", MetricKind.RATIO, UNITS["分"]))
    register(MetricSpec("asset_attrition", "Asset attrition", "资产流失率", MetricKind.RATIO,
                        UNITS["%"], direction="at_most", numerator_unit=UNITS["元"],
                        denominator_unit=UNITS["元"]))


@hookimpl
def okrdesk_collect(request, emit):
    week = request.periods[1].id
    wanted = {spec.name for spec in request.metrics}
    if "fee_income" in wanted:  # fees of 0.1 and 0.2 元 and more, added up in Python
        emit("fee_income", "cm01", week, value=0.3 - 0.1, dimensions={"product": "fund"})
        emit("fee_income", "cm01", week, value=0.7 - 0.6, dimensions={"product": "bond"})
        emit.many("fee_income", ["cm02"], [week], values=[1.1 + 2.2])
        # Half a fen, rounded up as a branch rounds (2.675 is a hair below in binary).
        emit("fee_income", "cm02", request.periods[0].id, value=2.675)
    if "salon_nps" in wanted:  # (promoters − detractors) × 100 over responses, weighted
        emit("salon_nps", "cm01", week, numerator=(0.7 - 0.4) * 100, denominator=0.1 + 0.2)
    if "asset_attrition" in wanted:
        emit.many("asset_attrition", ["cm01"], [week], numerators=[1000.1 + 2000.2],
                  denominators=[30000.7 + 0.2])
"""

OKRS = """\
[[objectives]]
id = "O9"
title = "手续费与满意度"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "手续费收入"
metric = "fee_income"
target = 50
unit = "万元"

[[objectives.key_results]]
id = "KR2"
title = "沙龙 NPS"
metric = "salon_nps"
target = 60
baseline = 50
unit = "分"

[[objectives.key_results]]
id = "KR3"
title = "资产流失率"
metric = "asset_attrition"
direction = "at_most"
target = 5
unit = "%"
"""


@pytest.fixture
def exported(write_workspace: WriteWorkspace, tmp_path: Path) -> dict[str, list[dict[str, object]]]:
    root = write_workspace({"summed.toml": OKRS})
    with installed_package(tmp_path, "summed", SUMMED) as env:
        done = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18", "-w", str(root))
        assert done.returncode == 0, done.stdout + done.stderr
        done = okrdesk(env, "export", "--format", "json", "--slices", "-w", str(root))
        assert done.returncode == 0, done.stderr
    assert "0000000" not in done.stdout, done.stdout  # no stray digits anywhere
    found: dict[str, list[dict[str, object]]] = {}
    for row in json.loads(done.stdout)["observations"]:
        found.setdefault(str(row["metric"]), []).append(row)
    return found


def _figures(rows: list[dict[str, object]], *columns: str) -> list[tuple[object, ...]]:
    return sorted(
        (row["subject"], row.get("slice") or "", *(row[c] for c in columns)) for row in rows
    )


def test_money_is_stored_to_the_fen_and_a_whole_as_its_slices_add_up(
    exported: dict[str, list[dict[str, object]]],
) -> None:
    assert _figures(exported["fee_income"], "value") == [
        ("cm01", "", 0.3),  # 0.1 + 0.2, the slices as written, not 0.30000000000000004
        ("cm01", "product=bond", 0.1),  # 0.7 - 0.6, not 0.09999999999999998
        ("cm01", "product=fund", 0.2),  # 0.3 - 0.1, not 0.19999999999999998
        ("cm02", "", 2.68),  # 四舍五入, not round()'s 2.67
        ("cm02", "", 3.3),  # 1.1 + 2.2, not 3.3000000000000003
    ]


def test_a_ratios_parts_are_stored_to_the_fen_or_a_millionth(
    exported: dict[str, list[dict[str, object]]],
) -> None:
    assert _figures(exported["asset_attrition"], "numerator", "denominator") == [
        ("cm01", "", 3000.3, 30000.9)  # not 3000.2999999999997 / 30000.900000000005
    ]
    assert _figures(exported["salon_nps"], "numerator", "denominator") == [
        ("cm01", "", 30.0, 0.3)  # not 30.000000000000004 / 0.30000000000000004
    ]


def test_the_workbook_holds_the_figures_as_meant(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    root = write_workspace({"summed.toml": OKRS})
    book = tmp_path / "export.xlsx"
    with installed_package(tmp_path, "summed", SUMMED) as env:
        done = okrdesk(env, "collect", "--lang", "zh", "--through", "2026-01-18", "-w", str(root))
        assert done.returncode == 0, done.stdout + done.stderr
        done = okrdesk(env, "export", "--lang", "zh", "-o", str(book), "-w", str(root))
        assert done.returncode == 0, done.stderr
    header, *rows = load_workbook(book)["observations"].iter_rows(values_only=True)
    at = [header.index(column) for column in ("value", "numerator", "denominator")]
    ours = [
        row
        for row in rows
        if row[header.index("metric")] in ("fee_income", "salon_nps", "asset_attrition")
    ]
    numbers = [row[i] for row in ours for i in at if row[i] is not None]
    assert sorted(numbers) == [0.3, 0.3, 2.68, 3.3, 30, 3000.3, 30000.9], numbers
