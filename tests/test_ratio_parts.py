"""A ratio's parts in the unit a branch writes them in: `explain` wrote an attrition
rate's parts as bare yuan (``分子 263,037,473 / 分母 5,160,000,000``) where a branch
writes 2.63亿 / 51.6亿. A metric says its parts' unit (``numerator_unit``,
``denominator_unit`` in a ``MetricSpec`` and in an SQL metric's definition); without
one, a part is a plain figure, as before. Real CSV files, read by the SQL source."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from okrdesk.model import MetricKind, MetricSpec, MetricSpecError
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace

AS_OF = "2026-01-18"

FLOWS = """\
date,cm_id,lost,assets
2026-01-02,cm01,12000000,2580000000
2026-01-02,cm02,251000000,2580000000
2026-01-09,cm01,0,2580000000
"""

SETTINGS = """\
[sources.sql]
tables = {{ flows = "data/flows.csv" }}

[[sources.sql.metrics]]
name = "asset_attrition"
label_zh = "资产流失率"
kind = "ratio"
unit = "%"
direction = "at_most"
{units}query = "SELECT cm_id AS subject, date AS day, lost AS numerator, assets AS denominator \
FROM flows"
"""

OKRS = """\
[[objectives]]
id = "R"
title = "留住资产"
owner = "branch"

[[objectives.key_results]]
id = "ATTR"
title = "资产流失率 ≤ 8%"
metric = "asset_attrition"
direction = "at_most"
target = 8
unit = "%"
"""

IN_YUAN = 'numerator_unit = "元"\ndenominator_unit = "元"\n'


def workspace(
    write_workspace: WriteWorkspace,
    units: str,
    files: tuple[str, str, str, str] = ("risk.toml", OKRS, "flows.csv", FLOWS),
    settings: str = SETTINGS,
) -> Path:
    """A workspace of one objective (``files``: its target file and text, its table's file
    and rows) on an SQL ratio, ``units`` written into ``settings``."""
    targets, okrs, table, rows = files
    root = write_workspace({targets: okrs, "okrs.toml": None, "budget.toml": None}, plugin=False)
    (root / "data").mkdir()
    (root / "data" / table).write_text(rows, encoding="utf-8")
    (root / "okrdesk.toml").write_text(settings.format(units=units), encoding="utf-8")
    return root


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


@pytest.mark.parametrize(
    ("lang", "parts"),
    [("zh", "分子 2.63亿（逐期相加）/ 分母 77.4亿（逐期相加）"),
     ("en", "numerator CNY 263m (sum) / denominator CNY 7,740m (sum)")],
)  # fmt: skip
def test_a_ratios_parts_in_yuan_are_written_as_a_branch_writes_money(
    write_workspace: WriteWorkspace, lang: str, parts: str
) -> None:
    root = workspace(write_workspace, IN_YUAN)
    assert run(root, "collect", "--through", AS_OF).exit_code == 0
    done = run(root, "explain", "R.ATTR", "--as-of", AS_OF, "--lang", lang)
    assert done.exit_code == 0, done.output
    assert parts in done.output.splitlines(), done.output
    assert "263,000,000" not in done.output and "7,740,000,000" not in done.output
    row = {"zh": " 1,200万 / 25.8亿 ", "en": " CNY 12m / CNY 2,580m "}[lang]
    assert row in done.output


def test_without_a_unit_for_its_parts_a_ratio_writes_plain_figures(
    write_workspace: WriteWorkspace,
) -> None:
    root = workspace(write_workspace, "")
    assert run(root, "collect", "--through", AS_OF).exit_code == 0
    done = run(root, "explain", "R.ATTR", "--as-of", AS_OF)
    assert "分子 263,000,000（逐期相加）/ 分母 7,740,000,000（逐期相加）" in done.output


def test_a_rate_is_no_unit_for_a_part_and_validate_names_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    root = workspace(write_workspace, 'numerator_unit = "%"\ndenominator_unit = "元"\n')
    done = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert done.exit_code == 2, done.output
    (line,) = [line for line in done.output.splitlines() if ".numerator_unit" in line]
    assert line.startswith("okrdesk.toml:10: "), line
    assert "比率的分子、分母是金额或数量（元、户），不能是比率（%）" in line


def test_a_metric_spec_refuses_a_part_unit_it_cannot_use() -> None:
    spec = MetricSpec("lost", "Lost", "流失", MetricKind.RATIO, "%", numerator_unit="元")
    assert spec.numerator_unit is UNITS["元"] and spec.denominator_unit is None
    with pytest.raises(MetricSpecError, match=r"numerator_unit .* is not the unit of a ratio"):
        MetricSpec("lost", "Lost", "流失", MetricKind.RATIO, "%", numerator_unit="‰")
    with pytest.raises(MetricSpecError, match="denominator_unit is for a ratio's parts"):
        MetricSpec("sales", "Sales", "销售", MetricKind.FLOW, "元", denominator_unit="元")


SURVEYS = """\
date,cm_id,net,responses
2026-01-05,cm01,300,5
2026-01-06,cm02,-100,4
2026-01-12,cm01,200,3
"""

NPS_SETTINGS = """\
[sources.sql]
tables = {{ surveys = "data/surveys.csv" }}

[[sources.sql.metrics]]
name = "nps"
kind = "ratio"
unit = "分"
numerator_unit = "人"
denominator_unit = "人"
{units}query = "SELECT cm_id AS subject, date AS day, net AS numerator, responses AS denominator \
FROM surveys"
"""

NPS_OKRS = """\
[[objectives]]
id = "S"
title = "服务"
owner = "branch"

[[objectives.key_results]]
id = "NPS"
title = "NPS ≥ 60"
metric = "nps"
target = 60
unit = "分"
"""


def nps_workspace(write_workspace: WriteWorkspace, times: str) -> Path:
    files = ("service.toml", NPS_OKRS, "surveys.csv", SURVEYS)
    return workspace(write_workspace, times, files, NPS_SETTINGS)


@pytest.mark.parametrize(
    ("lang", "parts", "row"),
    [("zh", "分子 4人 × 100（逐期相加）/ 分母 12人（逐期相加）", " -1人 × 100 / 4人 "),
     ("en", "numerator 4 people × 100 (sum) / denominator 12 people (sum)",
      " -1 person × 100 / 4 people ")],
)  # fmt: skip
def test_an_nps_numerator_kept_times_100_is_written_as_what_it_counts(
    write_workspace: WriteWorkspace, lang: str, parts: str, row: str
) -> None:
    """An NPS keeps (promoters − detractors) × 100 over responses, so that the ratio is
    the score: explain wrote 分子 400 / 分母 12, four hundred net promoters of twelve."""
    root = nps_workspace(write_workspace, "numerator_times = 100\n")
    assert run(root, "collect", "--through", AS_OF).exit_code == 0
    done = run(root, "explain", "S.NPS", "--as-of", AS_OF, "--lang", lang)
    assert done.exit_code == 0, done.output
    assert parts in done.output.splitlines(), done.output
    assert "33.33" in done.output  # the score itself, as stored: 400 / 12
    done = run(root, "explain", "S.NPS", "--as-of", AS_OF, "--lang", lang, "--person", "cm02")
    assert row in done.output, done.output


@pytest.mark.parametrize(
    ("times", "said"),
    [
        ("numerator_times = 0\n", "numerator_times: expected a whole number from 1, got 0"),
        ('numerator_times = "100"\n', "numerator_times: expected a whole number from 1, got '100'"),
    ],
)
def test_numerator_times_is_a_whole_number_from_1(
    write_workspace: WriteWorkspace, times: str, said: str
) -> None:
    root = nps_workspace(write_workspace, times)
    done = run(root, "validate", "--lang", "en")
    assert done.exit_code != 0
    assert said in done.output, done.output


def test_numerator_times_is_for_a_ratio_alone() -> None:
    with pytest.raises(MetricSpecError, match="numerator_times is for a ratio's numerator"):
        MetricSpec("visits", "Visits", "拜访", MetricKind.FLOW, UNITS["次"], numerator_times=100)
    with pytest.raises(MetricSpecError, match="whole number from 1"):
        MetricSpec("nps", "NPS", "净推荐值", MetricKind.RATIO, UNITS["分"], numerator_times=0)
