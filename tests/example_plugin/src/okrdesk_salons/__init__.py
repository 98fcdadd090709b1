"""Salon attendance and lead rate per customer manager, from salons.csv.

salons.csv has one row per salon a customer manager ran:
date (YYYY-MM-DD), cm_id, attendees, leads.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

__version__ = "1.2.0"


@hookimpl
def okrdesk_metrics(register):
    register(
        MetricSpec(
            name="salon_attendees",
            label_en="Salon attendees",
            label_zh="沙龙参会人数",
            kind=MetricKind.FLOW,
            unit=UNITS["人"],
            description="People who attended a client salon run by the CM.",
        )
    )
    register(
        MetricSpec(
            name="salon_lead_rate",
            label_en="Salon lead rate",
            label_zh="沙龙线索转化率",
            kind=MetricKind.RATIO,
            unit=UNITS["%"],
            description="Leads taken at salons over salon attendees.",
        )
    )


@hookimpl
def okrdesk_collect(request, emit):
    path = request.workspace / request.settings.get("file", "data/salons.csv")
    wanted = {spec.name for spec in request.metrics}
    people = {person.id for person in request.people}
    totals = {}  # (cm, period id) -> [attendees, leads, [lines]]
    unread = []  # lines that are not a date and two whole numbers
    period_of = {}  # day -> its period (None: outside the plan), looked up once a day
    for line, row in _rows(path):
        try:
            day = dt.date.fromisoformat(row["date"])
            attendees, leads = int(row["attendees"]), int(row["leads"])
        except (TypeError, ValueError):  # a bad row costs that row, not the metrics
            unread.append(line)
            continue
        if day not in period_of:
            period_of[day] = next((p for p in request.periods if p.start <= day <= p.end), None)
        period = period_of[day]
        if period is None or day > request.through or row["cm_id"] not in people:
            continue
        entry = totals.setdefault((row["cm_id"], period.id), [0, 0, []])
        entry[0] += attendees
        entry[1] += leads
        entry[2].append(line)
    if unread:
        for metric in wanted:
            emit.warning(metric, f"{path.name} rows {_runs(unread)} left out: not a date "
                                 "(YYYY-MM-DD) and two whole numbers")  # fmt: skip
    for (cm, period), (attendees, leads, lines) in totals.items():
        source = f"{path.name} rows {_runs(lines)}"  # the rows themselves, no others
        if "salon_attendees" in wanted:
            emit("salon_attendees", cm, period, value=attendees, source=source)
        if "salon_lead_rate" in wanted:
            emit(
                "salon_lead_rate", cm, period, numerator=leads, denominator=attendees, source=source
            )


def _runs(lines):
    """Rising line numbers as runs: [2, 3, 4, 7] is "2-4,7"."""
    runs = []
    for line in lines:
        if runs and runs[-1][1] == line - 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _rows(path: Path):
    with path.open(newline="", encoding="utf-8") as file:
        yield from enumerate(csv.DictReader(file), start=2)
