"""`okrdesk export` streams: rows go from the store to the file as they are read, in
memory that does not grow with the store, and the file is whole or not there at all."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from backends import Backend
from okrdesk.app.export import (
    DATED,
    DATES,
    FIELDS,
    SHOWN,
    Units,
    export_text,
    export_xlsx,
    fields,
    write_file,
)
from okrdesk.cli import cli
from okrdesk.model import Observation
from okrdesk.periods import Grain, Period, periods_between
from okrdesk.report.formats.xlsx import width
from okrdesk.store import Store
from test_store import damage_table

HOSTILE = [
    "=HYPERLINK(\"http://x\")", "  leading and trailing  ", "二\n行", "tab\tin", "a\x01b",
    "<&>\"'", "<r>a & b</r>", "_x0041_", "营业部客户经理" * 3, "-12.5", "",
]  # fmt: skip
"""Texts a sheet writer must keep as they are: a formula, spaces Excel would trim, a line
break, a control character, XML's own characters, what XlsxWriter takes for rich text (and
wrote unescaped: a workbook Excel could not open), an escape Excel reads, Chinese wider
than it is long, a number's look."""


def _weeks(count: int) -> list[Any]:
    start = dt.date(2026, 1, 5)
    return list(periods_between(start, start + dt.timedelta(weeks=count) - dt.timedelta(1),
                                Grain.WEEK))  # fmt: skip


def fill(store: Store, subjects: int, weeks: int = 20) -> None:
    """``subjects`` × ``weeks`` × 2 metrics of figures (one with a numerator and a
    denominator), a check-in and a spend entry each with text from ``HOSTILE``."""
    periods = _weeks(weeks)

    def figures() -> Iterator[Observation]:
        for metric in ("aum", "conversion"):
            for period in periods:
                for s in range(subjects):
                    text = HOSTILE[s % len(HOSTILE)]
                    if metric == "aum":
                        yield Observation(metric, f"cm{s:05d}", period.id, s * 1234.5 + 0.25,
                                          source=f"CRM {text}")  # fmt: skip
                    else:
                        yield Observation(metric, f"cm{s:05d}", period.id, None, float(s % 7),
                                          10.0, source="CRM")  # fmt: skip

    run = store.start_run("collect", dt.date(2026, 6, 1))
    store.replace_observations(run, {"aum": "crm", "conversion": "crm"}, periods, figures())
    store.finish_run(run, "ok", {"crm": "1.0"}, [])
    for k, text in enumerate(HOSTILE):
        store.add_checkin("O1.KR1", f"cm{k:05d}", dt.date(2026, 3, 1 + k), k + 0.5, note=text)
    store.add_spend("salons", dt.date(2026, 3, 2), Decimal("1234.56"), ["王芳", "李强"],
                    note=HOSTILE[0])  # fmt: skip


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "okrdesk.db"
    with Store.open(path) as store:
        fill(store, 60)
    return path


def as_excel_reads(text: str) -> str:
    """A text cell as Excel reads it: ``_x0001_`` is the character U+0001, and ``_x005F_``
    an underscore (so a text ``_x0041_`` is kept as ``_x005F_x0041_``); openpyxl leaves
    them as they are written."""
    return re.sub("_x([0-9A-F]{4})_", lambda found: chr(int(found.group(1), 16)), text)


def column_widths(sheet: Any) -> list[int]:
    """Each column's width in characters, as Excel shows it (a <col> may span several)."""
    widths = {}
    for dimension in sheet.column_dimensions.values():
        for column in range(dimension.min, dimension.max + 1):
            widths[column] = int(dimension.width)
    return [widths[column] for column in range(1, sheet.max_column + 1)]


UNITS = Units(metrics={"aum": "元", "conversion": "ratio"}, key_results={"O1.KR1": "户"})


def _expected(table: str, stored: dict[str, Any], name: str) -> Any:
    """The cell ``name`` of a row the JSON export stored: its value, or the unit the
    export gives its metric or key result (元 for spend)."""
    if name != "unit":
        return stored[name]
    if table == "spend":
        return "元"
    if table == "observations":
        return UNITS.metrics.get(stored["metric"], "")
    return UNITS.key_results.get(stored["key_result"], "")


def as_utc(stored: str) -> dt.datetime:
    """A stored ISO date or moment as the workbook's cell holds it: a moment in UTC,
    without its offset."""
    moment = dt.datetime.fromisoformat(stored)
    return moment if moment.tzinfo is None else moment.astimezone(dt.UTC).replace(tzinfo=None)


def test_xlsx_holds_every_row_cell_for_cell_with_its_widths(database: Path, tmp_path: Path) -> None:
    """Opened as Excel opens it: the header (bold, frozen), each number a number cell in the
    General format, each date a date cell (yyyy-mm-dd; a moment's time too, in UTC), each
    text the text stored, and each column as wide as its widest cell (Chinese counting
    two; a date as wide as it shows), at most 60."""
    out = tmp_path / "all.xlsx"
    export_xlsx(database, out, UNITS)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(FIELDS)
    document = json.loads(export_text(database, "json", "observations"))
    for table in FIELDS:
        sheet = book[table]
        assert sheet.freeze_panes == "A2"
        header = [c.value for c in sheet[1]]
        assert header == fields(table)
        assert all(c.font.b and c.border.bottom.style == "thin" for c in sheet[1])
        body = list(sheet.iter_rows(min_row=2))
        assert len(body) == len(document[table]) > 0
        widest = [width(name) for name in header]
        for cells, stored in zip(body, document[table], strict=True):
            for k, cell in enumerate(cells):
                name = header[k]
                value = _expected(table, stored, name)
                kind = DATES.get(name)
                if value is None or value == "":  # nothing: a blank cell, not empty text
                    assert cell.value is None
                elif kind is not None:
                    assert cell.is_date and cell.number_format == DATED[kind]
                    assert cell.value == as_utc(value), (name, value)
                elif isinstance(value, int | float) or name == "amount_yuan":
                    assert cell.data_type == "n" and cell.number_format == "General"
                    assert cell.value == float(value)
                else:
                    assert cell.data_type == "s" and as_excel_reads(cell.value) == value
                if kind is not None and cell.value is not None:
                    widest[k] = max(widest[k], SHOWN[kind])
                elif cell.value is not None:
                    shown = 12 if cell.data_type == "n" else width(as_excel_reads(cell.value))
                    widest[k] = max(widest[k], shown)
        assert column_widths(sheet) == [min(w + 2, 60) for w in widest]
    # An empty note is a blank cell: read back as nothing.
    notes = [as_excel_reads(row[7].value or "") for row in book["checkins"].iter_rows(min_row=2)]
    assert notes == HOSTILE


def test_a_day_before_excels_calendar_stays_text(tmp_path: Path) -> None:
    """Excel counts a 29 February 1900 that never was, so a day before March 1900 would
    show a day off: such a day (a typing slip kept in the store) stays its ISO text."""
    database = tmp_path / "okrdesk.db"
    with Store.open(database) as store:
        store.add_checkin("O1.KR1", "cm1", dt.date(1899, 12, 31), 1)
        store.add_checkin("O1.KR1", "cm1", dt.date(1900, 3, 1), 1)
    export_xlsx(database, tmp_path / "old.xlsx", UNITS)
    sheet = openpyxl.load_workbook(tmp_path / "old.xlsx")["checkins"]
    days = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert [(c.data_type, c.value) for c in days] == [
        ("s", "1899-12-31"),
        ("d", dt.datetime(1900, 3, 1)),
    ]


def test_a_long_table_goes_on_in_numbered_sheets_each_with_its_own_widths(
    database: Path, tmp_path: Path
) -> None:
    out = tmp_path / "split.xlsx"
    with Store.open(database) as store:
        total = len(store.observations())
    export_xlsx(database, out, UNITS, sheet_rows=total // 2)  # two full sheets, no third
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["observations", "observations 2", "checkins", "spend", "runs"]
    first, second = book["observations"], book["observations 2"]
    assert [c.value for c in first[1]] == [c.value for c in second[1]] == fields("observations")
    assert second.freeze_panes == "A2"
    assert first.max_row == second.max_row == total // 2 + 1
    # The first half is the aum figures, the second the conversion: value is empty there.
    assert {r[0].value for r in second.iter_rows(min_row=2)} == {"conversion"}
    assert {r[5].value for r in second.iter_rows(min_row=2)} == {None}
    assert column_widths(first)[5] == 14  # "value" and numbers: 12 + 2
    assert column_widths(second)[6] == 7  # the header alone


def test_an_empty_table_is_its_header_alone(tmp_path: Path) -> None:
    database = tmp_path / "okrdesk.db"
    with Store.open(database):
        pass
    export_xlsx(database, tmp_path / "empty.xlsx")
    book = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert book.sheetnames == list(FIELDS)
    assert [[c.value for c in row] for row in book["observations"].iter_rows()] == [
        fields("observations")
    ]
    assert export_text(database, "csv", "spend") == "\ufeff" + ",".join(fields("spend")) + "\n"
    assert json.loads(export_text(database, "json", "spend")) == {
        "schema": "okrdesk.export/1",
        **{table: [] for table in FIELDS},
    }


def test_json_is_the_document_json_dumps_writes(database: Path) -> None:
    """Written a row at a time, the JSON is still character for character what one
    ``json.dumps`` of the whole document writes."""
    text = export_text(database, "json", "observations", slices=True)
    document = json.loads(text)
    assert len(document["observations"]) == 2 * 60 * 20
    assert document["spend"][0]["amount_yuan"] == "1234.56"
    assert text == json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


OLD_FIELDS = {
    "observations": [
        "metric", "subject", "period", "period_start", "period_end", "value", "numerator",
        "denominator", "source", "plugin", "run", "partial_through", "slice",
    ],
    "checkins": ["id", "key_result", "subject", "day", "value", "confidence", "note", "recorded"],
    "spend": [
        "id", "line", "day", "amount_yuan", "signed_by", "note", "override_reason", "recorded",
    ],
    "runs": [
        "id", "started", "finished", "status", "command", "through", "plugins", "errors", "revised",
        "warnings", "metrics",
    ],
}  # fmt: skip
"""The fields of ``okrdesk.export/1`` before each row had its unit, as a reader of it
wrote them down."""


def test_json_gives_each_value_its_unit_and_keeps_every_field_an_old_reader_took(
    database: Path,
) -> None:
    """A program reading ``"value": 1234.75`` can tell 元 from a count or a rate: each
    observation, check-in and spend entry says the unit its value is stored in, after the
    value, as CSV's unit column does. Added within ``okrdesk.export/1``: a reader of the
    format as it was finds the same schema, the same tables and every field it read, with
    the same values, in the same order."""
    document = json.loads(export_text(database, "json", "observations", UNITS))
    assert document["schema"] == "okrdesk.export/1"
    assert list(document) == ["schema", *OLD_FIELDS]
    units = {table: [row.get("unit") for row in document[table]] for table in FIELDS}
    metrics = [o["metric"] for o in document["observations"]]
    assert units["observations"] == [UNITS.metrics[m] for m in metrics]
    assert set(units["checkins"]) == {"户"} and set(units["spend"]) == {"元"}
    assert "unit" not in document["runs"][0]
    aum = document["observations"][1]
    assert list(aum)[2:4] == ["period", "period_start"] and aum["grain"] == "week"
    assert list(aum)[5:7] == ["value", "unit"] and (aum["value"], aum["unit"]) == (1234.75, "元")
    with Store.open(database) as store:
        stored = {"observations": list(store.observation_rows())}
    for table, names in OLD_FIELDS.items():
        for row in document[table]:
            added = ("unit", "ratio", "grain", "no_rows", "plan_unit", "plan_id", "moved_from",
                     "moved", "author")  # fmt: skip
            old = [name for name in row if name not in added]
            assert old == names, table  # every old field, in its old order
        if table in stored:
            old_rows = [row[: len(names)] for row in stored[table]]  # no_rows after them
            assert [tuple(row[n] for n in names) for row in document[table]] == old_rows
    # CSV's unit column is the same as JSON's field, row for row.
    text = export_text(database, "csv", "observations", UNITS)
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    assert [row["unit"] for row in rows] == units["observations"]


def test_a_rate_reads_as_its_ratio_in_every_format(tmp_path: Path) -> None:
    """A ratio metric stores its parts only, so its ``value`` is empty: a head office had to
    divide numerator by denominator itself, and a spreadsheet showed a blank. ``ratio``,
    after the unit, is the one divided by the other (0/0 is no figure: empty); ``value``
    keeps its meaning, empty, as an ``okrdesk.export/1`` reader took it."""
    database = tmp_path / "okrdesk.db"
    week = _weeks(1)
    with Store.open(database) as store:
        run = store.start_run("collect", dt.date(2026, 6, 1))
        store.replace_observations(run, {"conversion": "crm", "aum": "crm"}, week, [
            Observation("conversion", "cm01", week[0].id, None, 12.0, 120.0, source="CRM"),
            Observation("conversion", "cm02", week[0].id, None, 0.0, 0.0, source="CRM"),
            Observation("conversion", "cm03", week[0].id, None, 2.0, 3.0, source="CRM"),
            Observation("aum", "cm01", week[0].id, 1234.5, source="CRM"),
        ])  # fmt: skip
        store.finish_run(run, "ok", {"crm": "1.0"}, [])
    expected = {"cm01": 0.1, "cm02": None, "cm03": 2 / 3}
    document = json.loads(export_text(database, "json", "observations", UNITS))
    rates = [o for o in document["observations"] if o["metric"] == "conversion"]
    assert {o["subject"]: o["ratio"] for o in rates} == expected
    assert {o["value"] for o in rates} == {None}
    [aum] = [o for o in document["observations"] if o["metric"] == "aum"]
    assert (aum["value"], aum["ratio"]) == (1234.5, None)
    text = export_text(database, "csv", "observations", UNITS)
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    head = list(rows[0])
    assert head[head.index("value") :][:4] == ["value", "unit", "numerator", "denominator"]
    assert head[-3:-1] == ["grain", "ratio"]  # added after every column a CSV had
    shown = {r["subject"]: r["ratio"] for r in rows if r["metric"] == "conversion"}
    assert shown == {"cm01": "0.1", "cm02": "", "cm03": "0.6666666666666666"}
    export_xlsx(database, tmp_path / "firm.xlsx", UNITS)
    sheet = openpyxl.load_workbook(tmp_path / "firm.xlsx")["observations"]
    [head, *body] = sheet.iter_rows()
    at = [c.value for c in head].index("ratio")
    cells = {row[1].value: row[at] for row in body if row[0].value == "conversion"}
    assert {s: c.value for s, c in cells.items()} == expected
    assert cells["cm01"].data_type == "n"


def test_each_figure_names_its_grain_so_a_sum_takes_one(tmp_path: Path) -> None:
    """A metric stored by week and by month (the demo's commission revenue) has each
    month's figure twice: a head office's sum of ``value`` by metric doubled it. ``grain``,
    after ``period``, says which rows to add up; empty for an id of no grain okrdesk
    writes (a year, stored by hand), which it used to call a month."""
    database = tmp_path / "okrdesk.db"
    weeks = list(periods_between(dt.date(2026, 2, 2), dt.date(2026, 3, 1), Grain.WEEK))
    months = list(periods_between(dt.date(2026, 2, 1), dt.date(2026, 2, 28), Grain.MONTH))
    quarters = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Grain.QUARTER))
    years = [Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026")]
    with Store.open(database) as store:
        run = store.start_run("collect", dt.date(2026, 3, 1))
        for periods, each in ((weeks, 250.0), (months, 1000.0), (quarters, 3000.0),
                              (years, 12000.0)):  # fmt: skip
            store.replace_observations(run, {"fees": "crm"}, periods, [
                Observation("fees", "cm01", p.id, each, source="CRM") for p in periods
            ])  # fmt: skip
        store.finish_run(run, "ok", {"crm": "1.0"}, [])
    text = export_text(database, "csv", "observations", UNITS)
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    assert list(rows[0])[2:4] == ["period", "period_start"] and list(rows[0])[-3] == "grain"
    summed: dict[str, float] = {}
    for row in rows:
        summed[row["grain"]] = summed.get(row["grain"], 0.0) + float(row["value"])
    assert summed == {"week": 1000.0, "month": 1000.0, "quarter": 3000.0, "": 12000.0}
    document = json.loads(export_text(database, "json", "observations", UNITS))
    assert {(o["period"], o["grain"]) for o in document["observations"]} == {
        *((p.id, "week") for p in weeks),
        (months[0].id, "month"),
        (quarters[0].id, "quarter"),
        ("2026", None),
    }


def test_a_value_is_said_in_the_unit_it_is_stored_in() -> None:
    """What the unit column says of each unit a declaration can name: money in 元, a rate
    as a ratio, a count of 万人 in 人 (it said 户), 个/户 as it is (it said 倍)."""
    from okrdesk.app.export import stored_unit
    from okrdesk.units import UNITS as DECLARED

    said = {symbol: stored_unit(unit) for symbol, unit in DECLARED.items()}
    assert said["万元"] == said["亿元"] == said["CNY"] == "元"
    assert said["%"] == said["‰"] == said["百分点"] == "ratio"
    assert said["万人"] == said["人"] == "人" and said["万户"] == said["户"] == "户"
    assert said["个/户"] == "个/户" and said["倍"] == "倍"
    assert said["points"] == said["分"] == "分"


def test_csv_rows_follow_the_store(database: Path) -> None:
    text = export_text(database, "csv", "observations", UNITS)
    assert text.startswith("\ufeff" + ",".join(fields("observations")) + "\n")
    _, *rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert len(rows) == 2 * 60 * 20
    assert rows[0][:7] == ["aum", "cm00000", "2026-W02", "2026-01-05", "2026-01-11", "0.25",
                           "元"]  # fmt: skip
    assert rows[0][-3:] == ["week", "", "0"]
    assert rows[0][9] == 'CRM =HYPERLINK("http://x")'  # not a formula: only its start counts
    notes = export_text(database, "csv", "checkins", UNITS)
    assert '\n1,O1.KR1,cm00000,2026-03-01,0.5,户,,"\'=HYPERLINK(""http://x"")",' in notes
    assert rows[2][9] == "CRM 二\n行"
    # Every column where it was before the grain and the ratio were added after them all.
    assert rows[-1][:9] == ["conversion", "cm00059", "2026-W21", "2026-05-18", "2026-05-24", "",
                            "ratio", "3", "10"]  # fmt: skip
    assert rows[-1][-3:] == ["week", "0.3", "0"]


def test_export_reads_the_same_rows_from_postgresql(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a server the rows come through a cursor there, a few at a time (three here, so
    that every table takes several fetches); the files are the same as from SQLite."""
    import okrdesk.store.postgres

    monkeypatch.setattr(okrdesk.store.postgres, "STREAMED_BATCH", 3)
    root = backend.workspace()
    local = tmp_path / "local.db"
    for location in (backend.location(root), local):
        with Store.open(location) as store:
            fill(store, 12, weeks=3)
    # The two stores were filled one after the other: the moments each row was recorded
    # (and the run started and finished) may be a second apart, and are left out.
    moment = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
    for fmt in ("json", "csv"):
        for table in FIELDS:
            made = export_text(backend.location(root), fmt, table, UNITS, slices=True)
            kept = export_text(local, fmt, table, UNITS, slices=True)
            assert moment.sub("", made) == moment.sub("", kept), (fmt, table)
            if fmt == "json":
                break
    export_xlsx(backend.location(root), tmp_path / "there.xlsx", UNITS)
    export_xlsx(local, tmp_path / "here.xlsx", UNITS)
    there, here = (openpyxl.load_workbook(tmp_path / n) for n in ("there.xlsx", "here.xlsx"))

    def without_moments(sheet: Any) -> list[list[Any]]:
        head, *body = sheet.values
        timed = [k for k, name in enumerate(head) if DATES.get(name) == "datetime"]
        return [list(head), *([None if k in timed else v for k, v in enumerate(row)]
                              for row in body)]  # fmt: skip

    for name in FIELDS:
        assert without_moments(there[name]) == without_moments(here[name]), name
    with Store.open(backend.location(root)) as store:  # outside a reading: read at once
        assert len(list(store.observation_rows())) == 2 * 12 * 3


def test_postgresql_streams_through_a_cursor_on_the_server(postgres_url: str) -> None:
    """Within a reading, the server hands over STREAMED_BATCH rows at a time: a cursor of
    okrdesk's is open there while the rows are taken, and closed after the last."""
    with Store.open(postgres_url) as store:
        fill(store, 10, weeks=2)
        with store.reading():
            rows = store.observation_rows()
            first = next(rows)
            open_cursors = store.query("SELECT name FROM pg_cursors")
            rest = list(rows)
            assert store.query("SELECT name FROM pg_cursors") == []
    assert open_cursors == [("okrdesk_streamed",)]
    assert first[:3] == ("aum", "cm00000", "2026-W02") and len(rest) == 2 * 10 * 2 - 1


PEAK = """
import sys
from pathlib import Path
from okrdesk.app.export import Units, write_file
database, fmt, out = sys.argv[1:4]
write_file(Path(database), fmt, "observations", Path(out), Units({"aum": "元"}))
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        print(line.split()[1])
"""
"""An export in a process of its own, which prints its peak in kilobytes: the peak of its
own memory (VmHWM), not getrusage's ru_maxrss, which Linux carries over from the process
that started it, the test's, and which was all either export measured when that was the
larger."""


def _peak_kilobytes(database: Path, fmt: str, out: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(database), fmt, str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


def test_an_exports_peak_memory_does_not_grow_with_the_store(tmp_path: Path) -> None:
    """A store five times larger takes no more memory to export, in any format: rows are
    written as they are read (the whole tables read into lists first took some 3 GB for a
    30-branch firm). Each export runs in a process of its own, measured by its peak; the
    six side by side. The smaller store is large enough that the export's buffers are full
    (below some 12,000 figures its peak still grows with them, towards 35-42 MB)."""
    small, large = tmp_path / "small.db", tmp_path / "large.db"
    with Store.open(small) as store:
        fill(store, 300)  # 12,000 figures
    with Store.open(large) as store:
        fill(store, 1500)  # 60,000 figures: some 45 MB of Python objects, read whole
    with ThreadPoolExecutor(max_workers=6) as pool:
        running = {(fmt, db): pool.submit(_peak_kilobytes, db, fmt, tmp_path / f"{db.stem}.{fmt}")
                   for fmt in ("csv", "json", "xlsx") for db in (small, large)}  # fmt: skip
        peak = {key: measured.result() for key, measured in running.items()}
    for fmt in ("csv", "json", "xlsx"):
        assert (tmp_path / f"large.{fmt}").stat().st_size > 4 * (
            tmp_path / f"small.{fmt}"
        ).stat().st_size
        peaks = [peak[fmt, small], peak[fmt, large]]
        assert peaks[1] < peaks[0] * 1.15, (fmt, peaks)


FAILING = """
import resource, sys
limit = int(sys.argv.pop())
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from okrdesk.cli import cli
cli()
"""


@pytest.mark.parametrize(
    ("fmt", "limit", "said"),
    [("csv", 200_000, "could not keep the rows read for the export beside it"),
     ("json", 600_000, "could not write the file"), ("xlsx", 200_000, "could not")],
)  # fmt: skip
def test_an_export_that_fails_half_way_leaves_the_file_as_it_was(
    write_workspace: Any, fmt: str, limit: int, said: str, tmp_path: Path
) -> None:
    """A disk that fills up mid-export (here: a limit on the size of a file), while the
    rows read are kept beside the file (csv) or while the file is written (json), stops it
    with a message naming the file, not a traceback; the file there before is unchanged,
    and nothing the export wrote is left beside it."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 100)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"firm.{fmt}"
    out.write_bytes(b"last week's export")
    env = {**os.environ, "OKRDESK_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", FAILING, "export", "--out", str(out), "--lang", "en", "-w",
         str(root), str(limit)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert f"{out}: {said}" in done.stderr
    assert out.read_bytes() == b"last week's export"
    assert sorted(p.name for p in folder.iterdir()) == [out.name]
    # Without the limit it is written whole.
    assert CliRunner().invoke(cli, ["export", "--out", str(out), "-w", str(root)]).exit_code == 0
    assert out.read_bytes() != b"last week's export" and out.stat().st_size > 0


def test_an_export_to_a_new_file_that_fails_says_nothing_was_written(
    write_workspace: Any, tmp_path: Path
) -> None:
    """It said the file "was left as it was", of a file that was never there."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 100)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "firm.json"
    done = subprocess.run(
        [sys.executable, "-c", FAILING, "export", "--out", str(out), "--lang", "en", "-w",
         str(root), "600000"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        f"{out}: could not write the file (File too large); nothing was written"
    )
    assert list(folder.iterdir()) == []


def test_an_export_stopped_by_ctrl_c_leaves_the_file_as_it_was(
    write_workspace: Any, tmp_path: Path
) -> None:
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 2000)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "firm.xlsx"
    out.write_bytes(b"last week's export")
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "export", "--out", str(out), "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        # Stopped once the sheets' rows have begun to be written beside the file.
        deadline = time.monotonic() + 60
        while not any(p.is_dir() for p in folder.iterdir()):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        process.wait(60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    assert b"Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    assert out.read_bytes() == b"last week's export"
    assert sorted(p.name for p in folder.iterdir()) == [out.name]


STOPPED_AT = """
import os, signal, sys
stop_at, number = int(sys.argv.pop()), int(sys.argv.pop())
done = [0]
real = {name: getattr(os, name) for name in ("open", "mkdir", "unlink", "rmdir")}


def after(name):
    def made(*args, **kwargs):
        result = real[name](*args, **kwargs)
        if name != "open" or args[1] & os.O_CREAT:
            done[0] += 1
            if done[0] == stop_at:
                os.kill(os.getpid(), number)
        return result
    return made


for name in real:
    setattr(os, name, after(name))
from okrdesk.cli import main
main()
"""
"""okrdesk, sent ``signal`` by itself right after the ``stop_at``-th file or folder it
makes or removes (os.open with O_CREAT, mkdir, unlink, rmdir: the export's file beside
``--out``, the workbook's scratch folder and XlsxWriter's files in it, their removal): a
Ctrl-C at each such moment in turn, the signal taken at the very next step."""


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_a_ctrl_c_at_any_step_that_makes_or_removes_a_file_leaves_nothing(
    write_workspace: Any, tmp_path: Path, fmt: str
) -> None:
    """A Ctrl-C that came right after the workbook's scratch folder was made, before
    anything was set to remove it, left the folder beside the file (the test above, under
    load, stopped the export there); one right after the file beside ``--out`` was made
    left that; one while XlsxWriter zipped the sheets printed a traceback. At every step
    in turn now: exit 130, one line that says the file is as it was (it said 'Aborted!')
    and no traceback, last week's export as it was and nothing beside it; until the
    export runs past the last step and writes it whole."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 3, weeks=1)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"firm.{fmt}"
    for stop_at in range(1, 100):
        out.write_bytes(b"last week's export")
        done = subprocess.run(
            [sys.executable, "-c", STOPPED_AT, "export", "--out", str(out), "--lang", "en",
             "-w", str(root), str(int(signal.SIGINT)), str(stop_at)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert sorted(p.name for p in folder.iterdir()) == [out.name], stop_at
        assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
        if done.returncode == 0:
            break
        said = f"interrupted (Ctrl-C): {out} is as it was, or written whole"
        assert (done.returncode, done.stderr.strip()) == (130, said), stop_at
        assert out.read_bytes() == b"last week's export", stop_at
    assert out.read_bytes() != b"last week's export"
    assert stop_at > (6 if fmt == "xlsx" else 1)  # the steps were there to stop at


def test_a_sigterm_as_the_scratch_folder_is_made_leaves_nothing(
    write_workspace: Any, tmp_path: Path
) -> None:
    """SIGTERM (``timeout``, a scheduler) is put off as Ctrl-C is, and ends with 143."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 3, weeks=1)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "firm.xlsx"
    out.write_bytes(b"last week's export")
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_AT, "export", "--out", str(out), "-w", str(root),
         str(int(signal.SIGTERM)), "2"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 143 and "Traceback" not in done.stderr, done.stderr
    assert out.read_bytes() == b"last week's export"
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_write_file_writes_each_format_whole(database: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "json"):
        write_file(database, fmt, "checkins", tmp_path / f"x.{fmt}", UNITS)
        expected = export_text(database, fmt, "checkins", UNITS)
        assert (tmp_path / f"x.{fmt}").read_text("utf-8") == expected


def test_a_reader_that_stops_early_stops_the_export_without_a_traceback(
    write_workspace: Any,
) -> None:
    """`okrdesk export --format csv | head -1`: the rows stop where the reader stopped,
    and nothing the store was reading complains after it is closed."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 2000)
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "export", "--format", "csv", "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("\ufeffmetric,".encode())
    process.stdout.close()
    errors = process.stderr.read().decode()
    process.wait(60)
    assert "Traceback" not in errors and "Exception ignored" not in errors, errors


def test_each_sheet_is_what_xlsxwriter_writes_of_the_same_cells(tmp_path: Path) -> None:
    """Each sheet is byte for byte the workbook XlsxWriter's constant_memory mode makes of
    the cells the JSON export holds: every stored number a number cell, every date a date
    cell as XlsxWriter's write_datetime writes it, every text a text cell (escaped, its
    spaces kept), the columns as wide as their widest text. (But for a
    text like ``<r>a & b</r>``, which XlsxWriter writes as markup unless told otherwise:
    it is withdrawn here and tested on its own.)"""
    import zipfile

    import xlsxwriter

    database = tmp_path / "okrdesk.db"
    with Store.open(database) as store:
        fill(store, 30, weeks=3)
        store.add_checkin("O1.KR1", "cm1", dt.date(2026, 3, 1), 1, note="长" * 40_000)
        store.add_checkin("O1.KR1", "cm1", dt.date(2026, 3, 1), 1, note=" \ufffe\x1f_xab12_ ")
        rich = store.query("SELECT id FROM checkins WHERE note = '<r>a & b</r>'")
        store.withdraw_checkin(rich[0][0], "王芳", "XlsxWriter writes it as markup")
    export_xlsx(database, tmp_path / "ours.xlsx", UNITS)
    document = json.loads(export_text(database, "json", "observations"))
    book = xlsxwriter.Workbook(tmp_path / "theirs.xlsx", {"constant_memory": True})
    bold = book.add_format({"bold": True, "bottom": 1})
    dated = {kind: book.add_format({"num_format": shown}) for kind, shown in DATED.items()}
    for table in FIELDS:
        sheet = book.add_worksheet(table)
        sheet.freeze_panes(1, 0)
        header = fields(table)
        widest = [width(name) for name in header]
        for k, name in enumerate(header):
            sheet.write_string(0, k, name, bold)
        for number, stored in enumerate(document[table], 1):
            for k, name in enumerate(header):
                value = _expected(table, stored, name)
                if value is None or value == "":  # a blank cell, as Excel's own
                    continue
                if name in DATES:  # XlsxWriter's own conversion of the date
                    sheet.write_datetime(number, k, as_utc(value), dated[DATES[name]])
                    widest[k] = max(widest[k], SHOWN[DATES[name]])
                elif isinstance(value, int | float) or name == "amount_yuan":
                    sheet.write_number(number, k, float(value))
                    widest[k] = max(widest[k], 12)
                else:
                    sheet.write_string(number, k, value)
                    widest[k] = max(widest[k], width(value))
        for k, chars in enumerate(widest):
            sheet.set_column(k, k, min(chars + 2, 60))
    book.close()
    ours, theirs = (
        zipfile.ZipFile(tmp_path / "ours.xlsx"),
        zipfile.ZipFile(tmp_path / "theirs.xlsx"),
    )
    assert ours.namelist() == theirs.namelist()
    for name in ours.namelist():
        if name != "docProps/core.xml":  # the time it was made
            assert ours.read(name) == theirs.read(name), name
    assert b"_x001F_" in ours.read("xl/worksheets/sheet2.xml")


# ------------------------------------------- a head office's export of a live store

HELD = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
    "AND (xact_start IS NOT NULL OR backend_xmin IS NOT NULL)"
)
"""Other clients of the database in a transaction or holding a snapshot back: what keeps
VACUUM from the rows a collect replaced (autovacuum's own workers are not clients)."""


CLIENTS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
)
"""Other clients of the database, whatever their state."""


def _until_its_backend_ends(url: str) -> None:
    """Wait, up to 5 s, for the collect's server process to end after its client has gone
    (the server ends it on its own time: seen once in CI, still counted in ``HELD`` as the
    export's next piece was written), leaving at most the export's own client."""
    import psycopg

    deadline = time.monotonic() + 5
    with psycopg.connect(url, autocommit=True) as other:
        while time.monotonic() < deadline:
            row = other.execute(CLIENTS.encode()).fetchone()
            if row is not None and row[0] <= 1:
                return
            time.sleep(0.02)


def _recollect(location: Path | str, value: float) -> None:
    """A collect that restates every aum figure of the first two weeks as ``value``."""
    periods = _weeks(2)
    figures = [
        Observation("aum", f"cm{s:05d}", period.id, value, source="CRM again")
        for period in periods
        for s in range(12)
    ]  # fmt: skip
    with Store.open(location) as store:
        run = store.start_run("collect", dt.date(2026, 6, 2))
        store.replace_observations(run, {"aum": "crm"}, periods, figures)
        store.finish_run(run, "ok", {"crm": "1.1"}, [])


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_a_postgresql_export_holds_no_transaction_while_it_writes(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """While the rows are written (to a slow pipe, into a workbook) the export has no
    transaction open on the server, so VACUUM and a collect's writes wait for nothing of
    its; and a collect that lands meanwhile is not in it, in part or at all: the file is
    the store as it was when the export began."""
    import psycopg

    import okrdesk.app.export
    import okrdesk.store.postgres

    monkeypatch.setattr(okrdesk.store.postgres, "STREAMED_BATCH", 3)
    with Store.open(postgres_url) as store:
        fill(store, 12, weeks=3)
    before = export_text(postgres_url, fmt if fmt != "xlsx" else "json", "observations")
    held: list[int] = []

    def meanwhile() -> None:
        with psycopg.connect(postgres_url, autocommit=True) as other:
            row = other.execute(HELD.encode()).fetchone()
            held.append(row[0] if row else -1)
        if len(held) == 1:
            _recollect(postgres_url, 7.5)
            _until_its_backend_ends(postgres_url)

    pieces: list[str] = []
    if fmt == "xlsx":
        sheet = okrdesk.app.export._sheet

        def watched_sheet(*args: Any) -> int:
            meanwhile()
            return sheet(*args)

        monkeypatch.setattr(okrdesk.app.export, "_sheet", watched_sheet)
        export_xlsx(postgres_url, tmp_path / "firm.xlsx")
        book = openpyxl.load_workbook(tmp_path / "firm.xlsx")
        values = [row[5] for row in book["observations"].iter_rows(min_row=2, values_only=True)]
        assert 7.5 not in values and len(values) == 2 * 12 * 3
        assert book["runs"].max_row == 2  # the header and the one run there was
    else:
        from okrdesk.app.export import write_text

        def write(piece: str) -> None:
            meanwhile()
            pieces.append(piece)

        write_text(postgres_url, fmt, "observations", write)
        assert "".join(pieces) == before
    assert held and set(held) == {0}, held
    after = export_text(postgres_url, fmt if fmt != "xlsx" else "json", "observations")
    assert after != before and "CRM again" in after


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_damaged_store_writes_nothing_to_the_pipe(
    write_workspace: Any, tmp_path: Path, lang: str
) -> None:
    """The spend table's page is damaged, past the observations a JSON export writes
    first: the reader of the pipe gets not one byte (which a script or a parser could take
    for an export), the exit status is 2 and the message says why; a file of the same
    name written before is left as it was, with nothing beside it."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 200)
    damage_table(root / "okrdesk.db", "spend")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "firm.json").write_text("last week's export", encoding="utf-8")
    said = {"zh": "okrdesk.db 已损坏", "en": "okrdesk.db is damaged"}[lang]
    for args in (["export"], ["export", "--out", str(folder / "firm.json")],
                 ["export", "--format", "csv", "--table", "spend"]):  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "okrdesk", *args, "--lang", lang, "-w", str(root)],
            capture_output=True,
        )  # fmt: skip
        assert done.returncode == 2, (args, done.stderr.decode())
        assert done.stdout == b"", args
        assert said in done.stderr.decode() and b"Traceback" not in done.stderr
    assert (folder / "firm.json").read_text(encoding="utf-8") == "last week's export"
    assert sorted(p.name for p in folder.iterdir()) == ["firm.json"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_reader_that_closes_the_pipe_ends_the_export_quietly_with_141(
    write_workspace: Any, fmt: str
) -> None:
    """`okrdesk export | head`: the reader chose to stop. Nothing is said, and the status
    is 141 (128 + SIGPIPE), as a shell gives for a command a closed pipe stopped: not 0,
    for the export was not written whole, and not 1, which says something went wrong."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 2000)
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "export", "--format", fmt, "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(60) == 141
    assert errors == ""


def test_empty_unit_cells_are_said_on_stderr(write_workspace: Any, tmp_path: Path) -> None:
    """Figures of metrics no plugin here declares (a plugin not trusted, one uninstalled):
    their unit cells stay empty, and the export says so on stderr, never in the data;
    where every unit is known it says nothing of units."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 3, weeks=1)
    said = {
        "en": "warning: the unit column is empty for aum, conversion: no unit is known",
        "zh": "警告：以下各项的单位一栏为空：aum、conversion；此处不知道它们的单位",
    }
    for lang, words in said.items():
        done = CliRunner().invoke(
            cli, ["export", "--format", "csv", "--lang", lang, "-w", str(root)]
        )
        assert done.exit_code == 0, done.output
        assert words in done.stderr and words not in done.stdout
        assert done.stdout.startswith("\ufeffmetric,")
    out = tmp_path / "firm.xlsx"
    done = CliRunner().invoke(cli, ["export", "--out", str(out), "--lang", "en", "-w", str(root)])
    assert "for aum, conversion: no unit is known" in done.stderr
    assert out.exists()
    # JSON writes null where the unit is not known, and says so.
    said = {
        "en": "warning: the unit is null for aum, conversion: no unit is known",
        "zh": '警告：以下各项的单位（"unit"）为 null：aum、conversion；此处不知道它们的单位',
    }
    for lang, words in said.items():
        done = CliRunner().invoke(cli, ["export", "--lang", lang, "-w", str(root)])
        assert done.exit_code == 0 and words in done.stderr, done.stderr
        document = json.loads(done.stdout)
        assert {o["unit"] for o in document["observations"]} == {None}


def test_nothing_is_said_of_units_when_each_is_known(
    write_workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "test_metrics")
    root = write_workspace()
    assert (
        CliRunner().invoke(cli, ["collect", "--through", "2026-01-20", "-w", str(root)]).exit_code
        == 0
    )
    done = CliRunner().invoke(cli, ["export", "--format", "csv", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 0 and done.stderr == "", done.stderr
    assert ",accts," in done.stdout  # in English, the words of the English report


CRM_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("crm.conversion", "CRM conversion", "CRM 转化率", MetricKind.RATIO,
                        UNITS["%"]))


@hookimpl
def okrdesk_collect(request, emit):
    if "crm.conversion" in {spec.name for spec in request.metrics}:
        for period in request.periods:
            for person in request.people:
                emit("crm.conversion", person.id, period.id, numerator=12, denominator=120,
                     source="crm")
"""

CRM_OKRS = """\
[[objectives]]
id = "crm"
title = "CRM 转化"
owner = "branch"

[[objectives.key_results]]
id = "conversion"
title = "转化高净值客户（按月登记）"
target = 120
unit = "户"

[[objectives.key_results]]
id = "rate"
title = "CRM 转化率"
metric = "crm.conversion"
target = 15
unit = "%"
"""


def test_a_key_result_named_as_a_metric_keeps_its_own_unit(
    write_workspace: Any, tmp_path: Path
) -> None:
    """A plugin's metric ``crm.conversion`` (a rate) and the key result ``crm.conversion``
    (objective ``crm``, clients converted, checked in): their units were kept in one lookup, so the
    rate's figures went out in 户. Each keeps its own, in every format."""
    from sample_workspace import trusted

    root = write_workspace({"crm.toml": CRM_OKRS})
    (root / "plugins" / "crm.py").write_text(CRM_PLUGIN, encoding="utf-8")
    trusted(root)
    for args in (["collect", "--through", "2026-01-20"],
                 ["checkin", "crm.conversion", "40", "--date", "2026-01-15"]):  # fmt: skip
        done = CliRunner().invoke(cli, [*args, "-w", str(root)])
        assert done.exit_code == 0, done.output
    done = CliRunner().invoke(cli, ["export", "-w", str(root)])
    assert done.exit_code == 0 and done.stderr == "", done.output
    document = json.loads(done.stdout)
    units = {(o["metric"], o["unit"]) for o in document["observations"]}
    assert ("crm.conversion", "ratio") in units and ("crm.conversion", "户") not in units
    [checkin] = document["checkins"]
    assert (checkin["key_result"], checkin["unit"]) == ("crm.conversion", "户")
    done = CliRunner().invoke(cli, ["export", "--format", "csv", "-w", str(root)])
    rows = list(csv.DictReader(io.StringIO(done.stdout[1:], newline="")))
    assert {r["unit"] for r in rows if r["metric"] == "crm.conversion"} == {"ratio"}
    out = tmp_path / "firm.xlsx"
    done = CliRunner().invoke(cli, ["export", "-o", str(out), "-w", str(root)])
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(out)
    [head, *body] = book["checkins"].iter_rows(values_only=True)
    assert [dict(zip(head, row, strict=True))["unit"] for row in body] == ["户"]


def test_table_is_refused_where_every_table_is_written(
    write_workspace: Any, tmp_path: Path
) -> None:
    """`export --table spend > spend.json` wrote every table without a word: --table is
    CSV's, and JSON or xlsx with it is refused, naming what to do, with nothing written."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 3, weeks=1)
    out = tmp_path / "spend.xlsx"
    for args, lang, said in [
        (["--table", "spend"], "en", "--table chooses the one table of a CSV export; JSON holds "
                                     "every table. Add --format csv for that table alone"),
        (["--table", "spend", "--out", str(out)], "zh",
         "--table 用于选择 CSV 导出的那一张表；XLSX 包含全部表。只要这一张表请加 --format csv"),
    ]:  # fmt: skip
        done = CliRunner().invoke(cli, ["export", *args, "--lang", lang, "-w", str(root)])
        assert done.exit_code == 2, done.output
        assert said in done.stderr and done.stdout == ""
    assert not out.exists()
    done = CliRunner().invoke(
        cli, ["export", "--table", "spend", "--format", "csv", "-w", str(root)]
    )
    assert done.exit_code == 0 and done.stdout.startswith("\ufeffid,line,")


def test_an_out_named_as_a_spreadsheet_okrdesk_does_not_write_is_refused(
    write_workspace: Any, tmp_path: Path
) -> None:
    """`export --out firm.xls` wrote JSON (the default where the name does not say) into
    a file Excel then would not open: refused, naming what to do, nothing written; with
    --format it writes what was asked."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 3, weeks=1)
    for name, lang, said in [
        ("firm.xls", "en", "okrdesk does not write .xls files, and JSON (what it writes when "
                           "the name does not say) would not open in a spreadsheet. Name it "
                           ".xlsx for a workbook"),
        ("firm.ODS", "zh", "okrdesk 不写 .ods 文件；文件名看不出格式时写的是 JSON"),
    ]:  # fmt: skip
        out = tmp_path / name
        done = CliRunner().invoke(
            cli, ["export", "--out", str(out), "--lang", lang, "-w", str(root)]
        )
        assert done.exit_code == 2, done.output
        assert f"--out {out}" in done.stderr and said in done.stderr and not out.exists()
    out = tmp_path / "firm.tsv"
    args = ["export", "--out", str(out), "--format", "csv", "-w", str(root)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("\ufeffmetric,")


def test_out_dash_is_standard_output(write_workspace: Any) -> None:
    """`export --out - | load` wrote a file named - in the folder, and nothing to the
    pipe; - is standard output, as to curl, tar and jq (xlsx still needs a file)."""
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 3, weeks=1)
    done = CliRunner().invoke(cli, ["export", "--out", "-", "--format", "csv", "-w", str(root)])
    assert done.exit_code == 0 and done.stdout.startswith("\ufeffmetric,"), done.output
    assert json.loads(CliRunner().invoke(cli, ["export", "-o", "-", "-w", str(root)]).stdout)
    binary = CliRunner().invoke(cli, ["export", "-o", "-", "--format", "xlsx", "-w", str(root)])
    assert binary.exit_code == 2 and "--format xlsx 输出的是二进制文件" in binary.stderr
    assert not (root / "-").exists() and not Path("-").exists()


def test_out_dot_slash_dash_is_a_file_named_dash(
    write_workspace: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # click's Path made ./- into -, and the export went to the terminal instead.
    root = write_workspace()
    with Store.open(root / "okrdesk.db") as store:
        fill(store, 3, weeks=1)
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(cli, ["export", "-o", "./-", "--format", "csv", "-w", str(root)])
    assert done.exit_code == 0 and not done.stdout.startswith("\ufeff"), done.output
    assert (tmp_path / "-").read_text(encoding="utf-8").startswith("\ufeffmetric,")
