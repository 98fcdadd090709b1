"""A figure past its target today whose forecast line falls back below it by the plan's
end (a rate checked in lower each month, a level of a stored ratio going down) is not
forecast to reach its target: the day the target is reached says what the line says
(a real workspace, check-ins, a collect from a plugin of its own, the JSON report)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import OKRS, WriteWorkspace, trusted

SKILL = """
[[objectives]]
id = "O2"
title = "队伍"
owner = "branch"

[[objectives.key_results]]
id = "SKILL"
title = "员工胜任率 ≥ 80%"
target = 80
unit = "%"
"""

COVERAGE = """
[[objectives]]
id = "O3"
title = "资产配置"
owner = "branch"

[[objectives.key_results]]
id = "COVER"
title = "资产配置报告覆盖率 ≥ 80%"
metric = "coverage"
target = 80
unit = "%"
"""

# Covered clients over clients at each week's end: 90% in the first week, a point less
# every week after (81% in the tenth, on 8 March).
COVERAGE_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec, OverTime
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("coverage", "Report coverage", "报告覆盖率", MetricKind.RATIO,
                        UNITS["%"], numerator_over_time=OverTime.LAST,
                        denominator_over_time=OverTime.LAST))


@hookimpl
def okrdesk_collect(request, emit):
    if not any(spec.name == "coverage" for spec in request.metrics):
        return
    for index, period in enumerate(request.periods):
        emit("coverage", "branch", period.id, numerator=90 - index, denominator=100,
             source="coverage sheet")
"""


def run(root: Path, *args: str) -> Result:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code in (0, 1), done.output
    return done


def row(root: Path, as_of: str, kr: str) -> dict[str, Any]:
    document = json.loads(run(root, "report", "--as-of", as_of, "--format", "json").stdout)
    (found,) = [r for o in document["objectives"] for r in o["key_results"] if r["id"] == kr]
    return found  # type: ignore[no-any-return]


def test_a_checked_in_rate_falling_back_below_its_target_is_not_forecast_to_reach_it(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + SKILL})
    for day, value in (("2026-01-31", "95"), ("2026-02-28", "90"), ("2026-03-31", "85")):
        assert (
            run(root, "checkin", "O2.SKILL", value, "--date", day, "--by", "陈建国").exit_code == 0
        )
    skill = row(root, "2026-04-10", "O2.SKILL")
    assert skill["actual"] > skill["target"], skill
    assert skill["forecast"] < skill["target"], skill
    assert skill["forecast_reach"] is None, skill
    # One still rising past it is reached on the day of its figure, as before.
    assert (
        run(root, "checkin", "O2.SKILL", "99", "--date", "2026-04-30", "--by", "陈建国").exit_code
        == 0
    )
    skill = row(root, "2026-05-10", "O2.SKILL")
    assert skill["forecast"] > skill["target"], skill
    assert skill["forecast_reach"] == "2026-04-30", skill


def test_a_stored_rate_falling_back_below_its_target_is_not_forecast_to_reach_it(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"okrs.toml": OKRS + COVERAGE})
    (root / "plugins" / "coverage.py").write_text(COVERAGE_PLUGIN, encoding="utf-8")
    trusted(root)
    assert run(root, "collect", "--through", "2026-03-08").exit_code == 0
    cover = row(root, "2026-03-08", "O3.COVER")
    assert cover["actual"] == 0.81, cover
    assert cover["forecast"] < cover["target"], cover
    assert cover["forecast_reach"] is None, cover
