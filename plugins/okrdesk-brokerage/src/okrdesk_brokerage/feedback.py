"""surveys.csv and complaints.csv: what clients say about the service.

NPS is kept as its two parts, (promoters − detractors) × 100 and responses, so
that a team's score is its members' parts added up, not an average of scores.
"""

from __future__ import annotations

from okrdesk_brokerage import engine
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.fields import DateCache
from okrdesk_brokerage.layout import COMPLAINTS, SURVEYS
from okrdesk_brokerage.reading import CsvRows, Folder
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.windows import Windows

PROMOTER_FROM = 9
DETRACTOR_UP_TO = 6


class Surveys:
    def __init__(self) -> None:
        self.net_promoters = Tallies(SURVEYS.name)
        """(promoters − detractors) × 100."""
        self.responses = Tallies(SURVEYS.name)


def _verdict(score: int) -> int:
    if score >= PROMOTER_FROM:
        return 100
    return -100 if score <= DETRACTOR_UP_TO else 0


def read_surveys(folder: Folder, book: Book, windows: Windows) -> Surveys:
    """One pass over surveys.csv."""
    surveys = Surveys()
    ids, cms, through, containing = book.ids, book.cm, windows.through, windows.containing
    dates = DateCache()
    with CsvRows(folder, SURVEYS) as rows:
        at_date, at_client, at_score = rows.positions()
        for line, fields in rows:
            try:
                day = dates[fields[at_date]]
                client = ids[fields[at_client]]
                text = fields[at_score]
                if not (text.isascii() and text.isdigit()) or int(text) > 10:
                    raise ValueError(text)
            except (LookupError, ValueError):
                raise rows.malformed(line, fields, ids) from None
            cm = cms[client]
            if cm < 0 or day > through:
                continue
            verdict = _verdict(int(text))
            for window in containing(day):
                surveys.net_promoters.add((cm, window), verdict, line)
                surveys.responses.add((cm, window), 1, line)
    return surveys


def read_complaints(folder: Folder, book: Book, windows: Windows) -> Tallies:
    """One pass over complaints.csv: complaints per CM and window."""
    complaints = Tallies(COMPLAINTS.name)
    ids, cms, through, containing = book.ids, book.cm, windows.through, windows.containing
    dates = DateCache()
    with CsvRows(folder, COMPLAINTS) as rows:
        at_date, at_client, at_category = rows.positions()
        for line, fields in rows:
            try:
                day = dates[fields[at_date]]
                client = ids[fields[at_client]]
                if not fields[at_category].strip():
                    raise ValueError("empty category")
            except (LookupError, ValueError):
                raise rows.malformed(line, fields, ids) from None
            cm = cms[client]
            if cm < 0 or day > through:
                continue
            for window in containing(day):
                complaints.add((cm, window), 1, line)
    return complaints


def total_surveys(con: Connection, folder: Folder, windows: Windows) -> Surveys | None:
    """The same totals as ``read_surveys``, set-wise in DuckDB; None when the file needs
    the streaming reader (a row that fails a check, or lines that are not one row each)."""
    checks = ("regexp_full_match(score, '[0-9]+') AND TRY_CAST(score AS INTEGER) <= 10",)
    score = "TRY_CAST(score AS INTEGER)"
    verdict = (
        f"CASE WHEN {score} >= {PROMOTER_FROM} THEN 100 "
        f"WHEN {score} <= {DETRACTOR_UP_TO} THEN -100 ELSE 0 END AS verdict"
    )
    table = engine.checked_rows(con, folder, SURVEYS, checks, windows.through, verdict)
    if table is None:
        return None
    surveys = Surveys()
    rows = f"SELECT * FROM {table}"
    surveys.net_promoters, surveys.responses = engine.tallies_of(
        con, SURVEYS.name, rows, ("verdict", "1")
    )
    con.execute(f"DROP TABLE {table}")
    return surveys


def total_complaints(con: Connection, folder: Folder, windows: Windows) -> Tallies | None:
    """The same totals as ``read_complaints``, set-wise in DuckDB; None when the file needs
    the streaming reader (a row that fails a check, or lines that are not one row each)."""
    checks = (engine.not_blank("category"),)
    table = engine.checked_rows(con, folder, COMPLAINTS, checks, windows.through)
    if table is None:
        return None
    found = engine.tallies(con, COMPLAINTS.name, f"SELECT * FROM {table}", "1")
    con.execute(f"DROP TABLE {table}")
    return found
