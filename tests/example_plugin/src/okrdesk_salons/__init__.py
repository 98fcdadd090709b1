"""Salon attendance and lead rate per customer manager, from salons.csv.

salons.csv has one row per salon a customer manager ran:
date (YYYY-MM-DD), cm_id, attendees, leads. Settings, in okrdesk.toml:

    [sources.salons]
    file = "data/salons.csv"    # the default
    encoding = "gb18030"        # as the CRM saved it; the default is utf-8
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import (
    NotEncoded,
    SettingsMistake,
    SettingsProblem,
    decoded_lines,
    hookimpl,
    text_encoding,
)
from okrdesk.plugins.citations import source_text
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


SETTINGS = ("file", "encoding")


@hookimpl
def okrdesk_check_settings(settings, workspace):
    found = [
        SettingsProblem(
            key,
            "is not a setting of salons; they are file and encoding",
            zh="不是 salons 的设置；它的设置是 file 和 encoding",
        )
        for key in settings
        if key not in SETTINGS
    ]
    file = settings.get("file", "data/salons.csv")  # the default okrdesk_collect reads
    if not isinstance(file, str) or not file.strip():
        found.append(
            SettingsProblem(
                "file", "expected the path of the salons CSV file", zh="应为沙龙 CSV 文件的路径"
            )
        )
    elif not (workspace / file).is_file():  # may be there where the collect runs
        found.append(
            SettingsProblem(
                "file", f"no such file {file}", zh=f"没有文件 {file}", about_this_machine=True
            )
        )
    written = settings.get("encoding", "utf-8")
    if text_encoding(written) is None:  # None for a misspelling, a number, true
        found.append(
            SettingsProblem(
                "encoding",
                f"{written!r} is not a text encoding; write utf-8 or gb18030",
                zh=f"{written!r} 不是文本编码；请写 utf-8 或 gb18030",
            )
        )
    return found


@hookimpl
def okrdesk_collect(request, emit):
    path = request.workspace / request.settings.get("file", "data/salons.csv")
    written = request.settings.get("encoding", "utf-8")  # quoted as the user wrote it
    encoding = text_encoding(written)
    if encoding is None:  # the user's okrdesk.toml to fix: told at that key's line
        raise SettingsMistake(
            f"sources.salons.encoding: {written!r} is not a text encoding; write utf-8 or gb18030",
            zh=f"sources.salons.encoding：{written!r} 不是文本编码；请写 utf-8 或 gb18030",
        )
    wanted = {spec.name for spec in request.metrics}
    people = {person.id for person in request.people}
    totals = {}  # (cm, period id) -> [attendees, leads, [lines]]
    unread = []  # lines that are not a date and two whole numbers
    outside = []  # lines dated before the plan's first period or after request.through
    strangers = []  # lines of a cm_id that is no person of the plan
    period_of = {}  # day -> its period (None: outside the plan), looked up once a day
    try:
        for line, row in _rows(path, encoding):
            try:
                day = dt.date.fromisoformat(row["date"])
                attendees, leads = int(row["attendees"]), int(row["leads"])
            except (TypeError, ValueError):  # a bad row costs that row, not the metrics
                unread.append(line)
                continue
            if day not in period_of:
                period_of[day] = next((p for p in request.periods if p.start <= day <= p.end), None)
            period = period_of[day]
            if period is None or day > request.through:
                outside.append(line)
                continue
            if row["cm_id"] not in people:
                strangers.append(line)
                continue
            entry = totals.setdefault((row["cm_id"], period.id), [0, 0, []])
            entry[0] += attendees
            entry[1] += leads
            entry[2].append(line)
    except NotEncoded as error:  # the file is not in that encoding: no figure is sound
        at, byte = error.line, f"0x{error.byte:02x}"
        for metric in wanted:
            emit.error(
                metric,
                f"{path.name} line {at}: not {written} text (byte {byte}); "
                "set sources.salons.encoding to the file's encoding",
                zh=f"{path.name} 第 {at} 行：不是 {written} 文本（字节 {byte}）；"
                "请把 sources.salons.encoding 设为文件实际的编码",
            )
        return
    left_out = (  # a row silently not counted is a figure nobody can check
        (
            unread,
            "not a date (YYYY-MM-DD) and two whole numbers",
            "不是日期（YYYY-MM-DD）和两个整数",
        ),
        (
            outside,
            f"dated outside the plan or after {request.through}",
            f"日期在计划之外或晚于 {request.through}",
        ),
        (strangers, "cm_id is no person's id in the plan", "cm_id 不是计划里人员的 id"),
    )
    for lines, why, why_zh in left_out:
        if not lines:
            continue
        cited = f"{path.name} {_cited(lines)}"  # "salons.csv 第 3–5 行" in Chinese
        for metric in wanted:
            emit.warning(
                metric, f"{cited} left out: {why}", zh=f"{source_text(cited, 'zh')}未计入：{why_zh}"
            )
    for (cm, period), (attendees, leads, lines) in totals.items():
        source = f"{path.name} {_cited(lines)}"  # the rows themselves, no others
        if "salon_attendees" in wanted:
            emit("salon_attendees", cm, period, value=attendees, source=source)
        if "salon_lead_rate" in wanted:
            emit(
                "salon_lead_rate", cm, period, numerator=leads, denominator=attendees, source=source
            )
    if "salon_attendees" in wanted:  # a flow: a week without a salon is 0, not "no data"
        zero = f"no row of {path.name} counts, so 0"
        for cm in sorted({cm for cm, _ in totals}):  # the CMs salons.csv keeps records of
            for period in request.periods:
                if (cm, period.id) not in totals:  # no_rows: an empty file replaces nothing
                    emit("salon_attendees", cm, period.id, value=0, no_rows=True, source=zero)


def _cited(lines):
    """Rising line numbers as a source cites them: [7] is "row 7", [2, 3, 4, 7] "rows 2-4,7"."""
    runs = []
    for line in lines:
        if runs and runs[-1][1] == line - 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    cited = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
    return f"row {cited}" if len(lines) == 1 else f"rows {cited}"


def _rows(path: Path, encoding: str):
    """(row number, row) of a CSV file in ``encoding``: decoded_lines gives csv the
    file's lines, and raises NotEncoded with the line of a byte that is not text in it."""
    with path.open("rb") as file:
        yield from enumerate(csv.DictReader(decoded_lines(file, encoding)), start=2)
