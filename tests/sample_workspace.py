"""A small valid workspace for tests: target files and a local plugin, as text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

ORG = """\
[[units]]
id = "branch"
name = "福田营业部"
level = "branch"

[[units]]
id = "team-a"
name = "财富管理一部"
level = "team"
parent = "branch"
lead = "cm01"

[[people]]
id = "cm01"
name = "王芳"
unit = "team-a"

[[people]]
id = "cm02"
name = "李强"
unit = "team-a"
"""

PLAN = """\
[plan]
id = "plan-2026"
name = "福田营业部 2026"
year = 2026
unit = "branch"

[[phases]]
id = "Q1"
name = "抢春播"
start = 2026-01-01
end = 2026-03-31

[[phases]]
id = "Q2"
name = "深耕"
start = 2026-04-01
end = 2026-06-30

[[phases]]
id = "Q3"
name = "攻坚"
start = 2026-07-01
end = 2026-09-30

[[phases]]
id = "Q4"
name = "收官"
start = 2026-10-01
end = 2026-12-31
"""

OKRS = """\
[[objectives]]
id = "O1"
title = "直营 AUM 净增"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "新增高净值客户"
metric = "new_hnw_clients"
target = 360
unit = "户"
milestones = { Q2 = 0.45, Q3 = 0.70, Q4 = 1.0 }

[[objectives.key_results]]
id = "KR2"
title = "投诉率"
metric = "complaint_rate"
direction = "at_most"
target = 0.15
unit = "‰"
"""

BUDGET = """\
[budget]
unit = "万元"
total = 899
expected_revenue = 10000

[[budget.lines]]
id = "salons"
name = "沙龙、峰会、路演"
owner = "branch"
amount = 380
key_results = ["O1.KR1"]
market_activity = true

[[budget.lines]]
id = "training"
name = "培训课程"
owner = "branch"
amount = 519
"""

LOCAL_PLUGIN = """\
import os
import pathlib
import time

from okrdesk.model import Direction, MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("new_hnw_clients", "New HNW clients", "新增高净值客户",
                        MetricKind.FLOW, UNITS["户"], never_negative=True))
    register(MetricSpec("complaint_rate", "Complaint rate", "投诉率", MetricKind.RATIO,
                        UNITS["‰"], direction=Direction.AT_MOST))
    register(MetricSpec("fee_revenue", "Fee revenue", "佣金收入", MetricKind.FLOW, UNITS["元"],
                        revenue=True))


@hookimpl
def okrdesk_collect(request, emit):
    # Test controls: block until killed, or take a while, or give other numbers.
    if os.environ.get("OKRDESK_TEST_BLOCK"):
        _ready_to_be_killed()
        while True:
            time.sleep(1)
    time.sleep(float(os.environ.get("OKRDESK_TEST_SLOW", "0")))
    bonus = int(os.environ.get("OKRDESK_TEST_BONUS", "0"))
    cite = os.environ.get("OKRDESK_TEST_CITE", "")  # other rows cited, the same figures
    wanted = {spec.name for spec in request.metrics}
    if os.environ.get("OKRDESK_TEST_FAIL") in wanted:  # a metric its source failed
        emit.error(os.environ["OKRDESK_TEST_FAIL"], "its source could not be read")
        wanted.discard(os.environ["OKRDESK_TEST_FAIL"])
    if os.environ.get("OKRDESK_TEST_WARN") and "new_hnw_clients" in wanted:
        emit.warning("new_hnw_clients", os.environ["OKRDESK_TEST_WARN"])
    since = os.environ.get("OKRDESK_TEST_FROM")  # the source's first day: no rows before
    kept = os.environ.get("OKRDESK_TEST_FAILS_BEFORE")  # a source that fails before a day
    if kept and any(period.start.isoformat() < kept for period in request.periods):
        raise RuntimeError(f"the warehouse keeps no rows before {kept}")
    for index, period in enumerate(request.periods):
        if since and period.start.isoformat() < since:
            for flow in sorted({"new_hnw_clients", "fee_revenue"} & wanted):
                for person in request.people:
                    emit(flow, person.id, period.id, value=0, no_rows=True, source="no rows")
            continue
        for number, person in enumerate(request.people, start=1):
            if "new_hnw_clients" in wanted:
                emit("new_hnw_clients", person.id, period.id, value=number + bonus,
                     source=f"test rows {index}-{number}{cite}")
            if "fee_revenue" in wanted:
                emit("fee_revenue", person.id, period.id, value=10000 * number,
                     source=f"test fees {index}{cite}")
            if "complaint_rate" in wanted:
                emit("complaint_rate", person.id, period.id, numerator=number - 1,
                     denominator=1000, source=f"test complaints {index}{cite}")


def _ready_to_be_killed():
    if os.environ.get("OKRDESK_TEST_SCRATCH"):  # a file in the temporary folder
        import tempfile

        (pathlib.Path(tempfile.gettempdir()) / "made-by-the-plugin").write_text("scratch")
    pathlib.Path(os.environ["OKRDESK_TEST_BLOCK"]).write_text("collecting")
"""

BASE_FILES = {"org.toml": ORG, "plan.toml": PLAN, "okrs.toml": OKRS, "budget.toml": BUDGET}


WriteWorkspace = Callable[..., Path]


def trusted(root: Path) -> Path:
    """Trust ``root`` as it is now, as `okrdesk trust` does: its plugins/ files and what
    its okrdesk.toml reaches outside it (a store on a server, folders elsewhere)."""
    from okrdesk.app.trust import grant
    from okrdesk.targets.reader import Findings
    from okrdesk.targets.settings import read_settings

    grant(root, read_settings(root, Findings()).reach)
    return root
