"""A text file with no quote mark is read with none set; one with any is left to DuckDB's
sniffer, which finds which mark quotes its cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrdesk.plugins.csv_lines import lines_found
from test_sql_files import metric, run, write

HEADER = b"day,cm,calls,note\n"
ROW = b"2026-01-06,cm01,10,called\n"
CALLS = "SELECT cm AS subject, day, calls AS value FROM calls"


@pytest.mark.parametrize("mark", [b'"', b"'", b"\\"])
def test_a_mark_anywhere_is_found(tmp_path: Path, mark: bytes) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(HEADER + ROW)
    assert not lines_found(path, 0).quote_marks
    # past the first megabyte read, and in the header itself
    path.write_bytes(HEADER + ROW * 50_000 + ROW.replace(b"called", b"said " + mark))
    assert lines_found(path, 0).quote_marks
    path.write_bytes(HEADER.replace(b"note", b"note" + mark) + ROW)
    assert lines_found(path, 0).quote_marks


def test_a_mark_in_the_lines_skip_passes_over_is_not_looked_at(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(b'"CRM export" 2026-01\n' + HEADER + ROW)
    assert not lines_found(path, 1).quote_marks
    assert lines_found(path, 0).quote_marks


def test_cells_quoted_with_apostrophes_stay_whole(tmp_path: Path) -> None:
    # The sniffer takes ' for the quote here; read with no quote, each row would be one
    # cell of the whole line.
    data = (
        "day,cm,calls,note\n2026-01-06,cm01,10,'called, no answer'\n"
        "2026-01-07,cm01,5,'met, signed'\n2026-01-13,cm02,8,ok\n"
    )
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 15
    assert check.value("made", "cm02", "2026-W03").value == 8


def test_a_file_without_marks_reads_as_before(tmp_path: Path) -> None:
    data = "day;cm;calls\n2026-01-06;cm01;10\n2026-01-07;cm01;5\n2026-01-13;cm02;8\n"
    path = write(tmp_path, "calls.csv", data.encode())
    check = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS))
    check.assert_valid()
    assert check.value("made", "cm01", "2026-W02").value == 15
    assert check.value("made", "cm02", "2026-W03").value == 8
