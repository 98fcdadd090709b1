"""A figure about a CM's clients cites the clients.csv rows of the clients it counts: not
a client opened after the period, nor one closed before it.

The tiny export with three clients more: A6 (line 12), cm1's, opened 2026-03-05, after
December and February; A7 (13), cm1's, closed 2025-11-30, before both; and C1 (14), cm3's
only client, closed 2025-10-31, so that cm3 has had clients but has none by December.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from okrdesk.periods import month_of

from brokerage_helpers import FIXTURES, MONTHS, THROUGH, Collector, collect
from okrdesk_brokerage import engine
from okrdesk_brokerage.book import read_book, total_book
from okrdesk_brokerage.windows import Windows

LATER_CLIENTS = (
    "A6,cm1,individual,F,2026-03-05,\n"
    "A7,cm1,individual,M,2024-02-01,2025-11-30\n"
    "C1,cm3,individual,M,2024-01-01,2025-10-31\n"
)
OPENED_AFTER, CLOSED_BEFORE, CM3_GONE = 12, 13, 14

DECEMBER = month_of(dt.date(2025, 12, 1))
"""Through 12-30, before the first snapshot (12-31): aum and effective accounts are 0,
resting on the clients."""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cited")
    shutil.copytree(FIXTURES / "tiny", root / "tiny")
    with (root / "tiny" / "clients.csv").open("a", encoding="utf-8") as clients:
        clients.write(LATER_CLIENTS)
    return root


def client_lines(source: str) -> set[int]:
    """The clients.csv lines a source names."""
    found = re.search(r"clients\.csv rows? ([0-9,-]+)", source)
    lines: set[int] = set()
    for run in found[1].split(",") if found else ():
        first, _, last = run.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def _december(workspace: Path) -> Collector:
    return collect(["aum", "effective_accounts"], workspace=workspace, periods=[DECEMBER],
                   through=dt.date(2025, 12, 30))  # fmt: skip


@pytest.mark.parametrize("metric", ["aum", "effective_accounts"])
def test_a_stock_of_zero_cites_the_clients_open_at_the_window_end(
    workspace: Path, metric: str
) -> None:
    found = _december(workspace)
    assert found.values(metric)[("cm1", "2025-12")] == 0.0
    # A1 (line 2) and A2 (3), open on 12-30; not A3-A5 (4-6) nor A6, opened in 2026,
    # nor A7, closed in November.
    assert found.sources(metric)[("cm1", "2025-12")] == "clients.csv rows 2-3"


@pytest.mark.parametrize("metric", ["aum", "effective_accounts"])
def test_a_stock_of_zero_where_every_client_left_cites_those_who_left(
    workspace: Path, metric: str
) -> None:
    found = _december(workspace)
    assert found.values(metric)[("cm3", "2025-12")] == 0.0
    assert found.sources(metric)[("cm3", "2025-12")] == f"clients.csv row {CM3_GONE}"


@pytest.mark.parametrize(
    ("metric", "named"),
    [
        # Open on 02-28: A1, A3, A4, A5; A2 closed 02-15.
        ("complaint_rate", {2, 4, 5, 6}),
        ("products_per_client", {2, 4, 5, 6}),
        # Open on 01-31 (A1, A2, A3, A5), A2 closing in February; not A4, opened 02-03.
        ("client_attrition", {2, 3, 4, 6}),
    ],
)
def test_a_rate_cites_the_clients_it_counts(workspace: Path, metric: str, named: set[int]) -> None:
    found = collect([metric], workspace=workspace)
    observation = found.of(metric)[("cm1", "2026-02")]
    cited = client_lines(observation.source)
    assert cited == named
    assert OPENED_AFTER not in cited and CLOSED_BEFORE not in cited
    # The clients the denominator counts are the ones named, at every period.
    if metric != "client_attrition":
        for key, each in found.of(metric).items():
            assert len(client_lines(each.source)) == each.denominator, key


def test_the_streaming_reader_cites_the_same_clients(workspace: Path) -> None:
    """The book the streaming reader reads (where DuckDB cannot read clients.csv) holds
    the same open clients and the same clients who left, row for row."""
    windows = Windows(MONTHS, THROUGH)
    folder = workspace / "tiny"
    cms = ["cm1", "cm2", "cm3"]
    streamed = read_book(folder, cms, windows)
    con = engine.connect()
    engine.load_windows(con, windows)
    book = total_book(con, folder, cms, windows)
    assert book is not None
    assert {k: (c.amount, str(c.rows)) for k, c in book.held.cells.items()} == {
        k: (c.amount, str(c.rows)) for k, c in streamed.held.cells.items()
    }
    assert {k: str(r) for k, r in book.gone.items()} == {
        k: str(r) for k, r in streamed.gone.items()
    }
    # cm3's only client left before every checkpoint of the request.
    assert {key for key in book.gone if key[0] == 2} == {(2, s) for s in range(windows.slots)}
