"""DuckDB: an export file read and totalled set-wise, with the line numbers provenance cites.

A file is loaded into a table, seen through a view whose ``line`` is the physical line
(the header being line 1). That numbering is only trusted when the file has
exactly one line per row (no blank lines, no line breaks inside quotes); when
it has not, or when any row fails the checks the streaming reader makes, the
file is left to that reader instead, which computes the same figures or names
the bad row. Nothing is fetched from the network: extensions are never
installed or loaded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

try:
    # DuckDB's engine alone: the ``duckdb`` package around it (DuckDB 1.4 on) imports
    # several times as much Python, which a collect would pay for on every run.
    import _duckdb as duckdb
except ImportError:  # pragma: no cover - DuckDB before 1.4
    import duckdb  # type: ignore[no-redef]

from okrdesk.files import READ_AS_A_PATTERN
from okrdesk.plugins.text_encoding import UTF8
from okrdesk.written_dates import date_ready_sql
from okrdesk.written_numbers import ambiguous_sql, ungrouped_sql

from okrdesk_brokerage import fields
from okrdesk_brokerage.layout import CLIENTS, NUMBERS, WORDS, Column, ExportFile
from okrdesk_brokerage.reading import CsvRows, Export, Folder, export_of
from okrdesk_brokerage.tally import Tallies, Tally
from okrdesk_brokerage.windows import Windows

if TYPE_CHECKING:
    from okrdesk_brokerage.book import Book

Connection = duckdb.DuckDBPyConnection
Error = duckdb.Error
T = TypeVar("T")

MEMORY_LIMIT = "80MB"
"""What DuckDB may hold in memory before it spills to ``spill``: a firm's export is
totalled in a bounded amount of memory, however many branches it has. A 300-branch
collect peaked at 520-546 MB, every process included, with 160 MB (the plugin's process
355 MB of it), and at about 470 MB with 80 MB (the plugin's 280 MB), for a few per cent
more time; with 64 MB the plugin's process is smaller again but slower still."""

CSV_BUFFER = 8 << 20
"""Bytes DuckDB's CSV reader reads ahead, in one block it cannot spill: its default (32
MiB, sixteen times the longest line it takes, 2 MiB) is most of ``MEMORY_LIMIT``, and a
firm's trades.csv failed to load under a limit of 64 MB with it."""


def unless_short_of_memory(spec: ExportFile, total: Callable[[], T], short: set[str]) -> T | None:
    """``total()``, set-wise work on ``spec``'s file; None, with the file's name added to
    ``short``, when DuckDB runs out of memory on the way (the streaming reader then reads
    the file, slower and in more memory, which the collect warns of)."""
    try:
        return total()
    except duckdb.OutOfMemoryException:
        short.add(spec.name)
        return None


def parts_unless_short_of_memory(
    spec: ExportFile, parts: Iterator[str], short: set[str]
) -> Iterator[str]:
    """``parts``, set-wise work on ``spec``'s file done part by part after the file was
    read; where DuckDB runs out of memory on a part, the file's name added to ``short``
    and no more parts (the streaming reader then reads the file for what is left)."""
    try:
        yield from parts
    except duckdb.OutOfMemoryException:
        short.add(spec.name)


PARALLEL_FROM = 64 << 20
"""Bytes of export files a collect reads from which DuckDB works on ``PARALLEL`` threads:
below it each query is tens of milliseconds, where starting and joining worker threads
costs as much as the work (twice the time per client-month for one branch on a busy
two-core machine), and collection already runs beside okrdesk's own process."""

PARALLEL = 2
"""DuckDB's threads for a large export: more would share ``MEMORY_LIMIT`` between more
operators, and spill."""


def threads_for(files: Iterable[Path]) -> int:
    """DuckDB's threads for a collect reading ``files`` (those missing count for nothing)."""
    size = 0
    for file in files:
        with contextlib.suppress(OSError):
            size += file.stat().st_size
    return min(PARALLEL, os.cpu_count() or 1) if size >= PARALLEL_FROM else 1


def connect(spill: Path | None = None, threads: int = 1, reads: Iterable[Path] = ()) -> Connection:
    """An in-memory database that never fetches an extension, working on ``threads``
    threads (``one_thread`` where the order of the work changes a figure); with
    ``spill``, a folder where DuckDB puts what does not fit in ``MEMORY_LIMIT``
    (without, it spills nowhere: never into the folder okrdesk runs in), up to the
    scratch space okrdesk's SQL source has for the files it ``reads`` (ten times their
    size, 4 GiB at least): a file that unpacks to far more than it holds fails as short
    of memory, read then by the streaming reader, rather than fill the disk."""
    from okrdesk.plugins.sql_scratch import most_scratch

    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "threads": threads,
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": "" if spill is None else str(spill),
            "max_temp_directory_size": f"{most_scratch(reads) >> 20}MiB",
        },
    )
    # DuckDB draws a bar on standard output for a query of over 2 s (a firm's export):
    # output a plugin must not print, which cost the collect its numbers.
    con.execute("SET enable_progress_bar = false; SET enable_progress_bar_print = false")
    return con


@contextlib.contextmanager
def one_thread(con: Connection) -> Iterator[None]:
    """DuckDB on one thread while the block runs: for a sum of fractions, whose last bit
    depends on the order its terms are added in, which more threads would change from
    one collect to the next (and the store would take for a restated figure)."""
    found = con.execute("SELECT current_setting('threads')").fetchone()
    threads = int(found[0]) if found is not None else 1
    if threads == 1:
        yield
        return
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {threads}")


def _lines(path: Path) -> int:
    """Physical lines of the file, a last line without a line break included."""
    count, last = 0, b"\n"
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


TAIL = 64 << 10
"""Bytes of a file's end in which ``_blank_tail`` looks for the rows Excel leaves below
the data."""


def _blank_tail(path: Path, delimiter: str) -> int:
    """The lines at the end of the file that are blank or hold delimiters alone (``,,,``,
    as Excel saves rows below the data that were once formatted), which the streaming
    reader skips: DuckDB reads each of delimiters as a row, which ``Reader.into`` drops."""
    with path.open("rb") as file:
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - TAIL))
        lines = file.read().split(b"\n")
    if lines[-1] == b"":  # the file ends with a line break
        lines.pop()
    if size > TAIL:
        lines = lines[1:]  # the first may be the end of a longer line
    mark = delimiter.encode()
    blank = 0
    for line in reversed(lines):
        if line.rstrip(b"\r").strip(mark):
            break
        blank += 1
    return blank


class Reader(NamedTuple):
    """DuckDB's reader of one export file: ``select`` gives its columns by name, money and
    amounts as DOUBLE, the others as text, from the parameters ``parameters``; ``path``
    is the file read, when ``scratch`` the UTF-8 copy of the user's file or a link to it
    by a plain name (``plainly_named``), dropped once read. ``grouped``: the
    same, a query and its parameters, with the money read as text first, which takes a
    number written with thousands separators as Excel saves it (``1,234.50``) too: tried
    where ``select``, the fast way, fails (None for a file with no money). ``tail``: the
    lines at the file's end that are blank or of delimiters alone (``_blank_tail``)."""

    path: Path
    select: str
    parameters: list[object]
    scratch: bool = False
    grouped: tuple[str, list[object]] | None = None
    tail: int = 0

    def lines(self) -> int:
        """The file's lines, header included, up to the last that is not in ``tail``."""
        return _lines(self.path) - self.tail

    def into(self, con: Connection, table: str, lines: int) -> None:
        """Read the file, of ``lines`` lines before its ``tail``, into the new table
        ``table``, by ``select``, else by ``grouped``, leaving out the rows of its tail;
        raises DuckDB's error where neither reads it."""
        create = f"CREATE OR REPLACE TEMP TABLE {table} AS "
        try:
            con.execute(create + self.select, self.parameters)
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error:
            if self.grouped is None:
                raise
            select, parameters = self.grouped
            con.execute(create + select, parameters)
        if self.tail:
            # DuckDB reads a line of delimiters as a row, and skips a blank one: the rows
            # past the data are the tail's. (A table's rowid stays with its row.)
            con.execute(f"DELETE FROM {table} WHERE rowid >= ?", [lines - 1])


def reader(folder: Folder, spec: ExportFile) -> Reader | None:
    """The reader of ``spec``'s file (whose header names its columns: an ``ExportError``
    if the file or a column is missing, or a byte is not text in its encoding); of its
    UTF-8 copy when it is in another encoding (``Export.utf8_copy``), which has its lines,
    so a line is the file's; through a link by a plain name where its path holds a
    character DuckDB reads as a pattern (``plainly_named``); None when no copy or link was
    made and the streaming reader must read it."""
    with CsvRows(folder, spec) as rows:
        # A repeated name leaves fewer positions than fields: DuckDB then refuses every
        # row, and the streaming reader takes the file.
        width = len(rows.index)
        decimal, undecided = rows.decimal or ".", rows.undecided
    export = export_of(folder)
    path, copied = rows.path, rows.encoding not in UTF8
    if copied:
        if export.copies is not None and READ_AS_A_PATTERN.search(str(export.copies)):
            return None  # a copy there would be read as a pattern too: none is made
        copy = export.utf8_copy(spec, rows.encoding)
        if copy is None:
            return None
        path = copy
    plain = plainly_named(export, path)
    if plain is None:
        return None
    scratch, path = copied or plain != path, plain
    # Money is read as numbers by the reader itself, which takes what TRY_CAST takes;
    # where that fails, as text made ready to cast (thousands separators taken out), and
    # where that fails too, the load fails, leaving the file to the streaming reader.
    numbers = {rows.index[column.name] for column in spec.columns if column.kind in NUMBERS}
    columns = {
        f"c{position}": "DOUBLE" if position in numbers else "VARCHAR" for position in range(width)
    }
    wanted = ", ".join(_text(column, rows.index[column.name]) for column in spec.columns)
    csv = (
        "read_csv(?, header = true, delim = ?, quote = '\"', escape = '\"', "
        "auto_detect = false, columns = ?, null_padding = false, strict_mode = true, "
        f"buffer_size = {CSV_BUFFER})"
    )
    parameters: list[object] = [str(path), rows.delimiter, columns]
    grouped = None
    if numbers:
        # The money read as text, then as what the SQL source reads a number as (in a
        # file of semicolons with no decimal set, 1,234 as no number: the streaming
        # reader then says it may be read two ways).
        read = [
            _money(f"c{rows.index[column.name]}", decimal, undecided, column.name)
            if column.kind in NUMBERS
            else _text(column, rows.index[column.name])
            for column in spec.columns
        ]
        as_text = dict.fromkeys(columns, "VARCHAR")
        grouped = (f"SELECT {', '.join(read)} FROM {csv}", [*parameters[:2], as_text])
    select = f"SELECT {wanted} FROM {csv}"
    tail = _blank_tail(path, rows.delimiter)
    if grouped is not None and decimal == ",":
        # DuckDB's own reading of a number takes 1.234 for 1.234: money is read as text.
        return Reader(path, grouped[0], grouped[1], scratch, None, tail)
    return Reader(path, select, parameters, scratch, grouped, tail)


def plainly_named(export: Export, path: Path) -> Path | None:
    """``path``, for DuckDB to read; where it holds a character DuckDB reads as a pattern
    (``okrdesk.files.READ_AS_A_PATTERN``), a link to it by a plain name in the export's
    scratch folder (``Export.copies``). DuckDB reads every file a pattern matches: given a
    data folder named ``*``, the files of the folders beside it too, which nobody named;
    given one named ``exports[2026]``, those of ``exports2`` alone. None where no such link
    can be made (no scratch folder, one whose own path holds such a character, or no link
    allowed there): the streaming reader, which reads a path as a name, reads the file."""
    if not READ_AS_A_PATTERN.search(str(path)):
        return path
    if export.copies is None:
        return None
    link = export.copies / "linked" / path.name
    if READ_AS_A_PATTERN.search(str(link)):
        return None
    try:
        link.parent.mkdir(parents=True, exist_ok=True)
        link.unlink(missing_ok=True)
        link.symlink_to(path.absolute())
    except OSError:
        return None
    return link


def _money(cell: str, decimal: str, undecided: bool, name: str) -> str:
    """SQL for the money column ``name``, the text column ``cell`` of the file, as a DOUBLE:
    written as the file's ``decimal`` mark says; with ``undecided``, a number with one comma
    before three digits fails the cast."""
    ready = ungrouped_sql(cell, decimal)
    if undecided:
        ready = f"CASE WHEN {ambiguous_sql(cell)} THEN 'either' ELSE {ready} END"
    return f"CAST({ready} AS DOUBLE) AS {name}"


def _text(column: Column, position: int) -> str:
    """SQL for the text column ``column``, the file's ``position``-th: a Chinese CRM's word
    for a value (``个人``) as the value it stands for (``layout.WORDS``)."""
    words = WORDS.get(column.kind)
    if not words:
        return f"c{position} AS {column.name}"
    cases = " ".join(f"WHEN '{word}' THEN '{value}'" for word, value in words.items())
    return f"CASE c{position} {cases} ELSE c{position} END AS {column.name}"


def money_counts(con: Connection, folder: Folder, spec: ExportFile) -> tuple[int, int] | None:
    """How many rows of ``spec``'s file have a blank money cell, and how many money cells
    may be read two ways (``CsvRows.undecided``: ``1,234`` in a file of semicolons with
    no ``decimal`` set), both of which the collect refuses, in one pass of DuckDB's over
    the file's columns as text; a row of delimiters alone (``,,,``), which the collect
    skips, is not counted. None when DuckDB cannot read the file as the collect's reader
    would (the collect says why) or it has no money."""
    with reading(folder, spec) as read:
        if read is None:
            return None
        with CsvRows(folder, spec) as rows:
            money = [rows.index[c.name] for c in spec.columns if c.kind in NUMBERS]
            width, delimiter, undecided = len(rows.index), rows.delimiter, rows.undecided
        if not money:
            return None
        columns = {f"c{position}": "VARCHAR" for position in range(width)}
        blank = " OR ".join(f"coalesce(trim(c{n}), '') = ''" for n in money)
        filled = " OR ".join(f"coalesce({c}, '') <> ''" for c in columns)
        either = " + ".join(f"coalesce({ambiguous_sql(f'c{n}')}, false)::INTEGER" for n in money)
        try:
            found = con.execute(
                f"SELECT count(*) FILTER (WHERE ({blank}) AND ({filled})), "
                f"coalesce(sum({either if undecided else '0'}), 0) FROM read_csv(?, "
                "header = true, delim = ?, quote = '\"', escape = '\"', auto_detect = false, "
                "columns = ?, null_padding = false, strict_mode = true, "
                f"buffer_size = {CSV_BUFFER})",
                [str(read.path), delimiter, columns],
            ).fetchone()
        except duckdb.Error:
            return None
    return None if found is None else (int(found[0]), int(found[1]))


@contextlib.contextmanager
def reading(folder: Folder, spec: ExportFile) -> Iterator[Reader | None]:
    """``reader(folder, spec)`` while the block runs, which reads the file into a table;
    its UTF-8 copy or link, if one was made, is dropped when the block ends: a collect
    need not have room for the copy of every file in another encoding at once."""
    read = reader(folder, spec)
    try:
        yield read
    finally:
        if read is not None and read.scratch:
            with contextlib.suppress(OSError):
                read.path.unlink(missing_ok=True)


def load(con: Connection, folder: Folder, spec: ExportFile, table: str) -> bool:
    """Load ``spec``'s file as the view ``table`` (``line`` and the columns of ``reader``);
    False when the file's lines cannot be trusted to be its rows, or a money column holds
    something that is not a number, and the streaming reader must read it."""
    with reading(folder, spec) as read:
        if read is None:
            return False
        try:
            # A table keeps the order rows were read in, so its rowid is the data row's index.
            lines = read.lines()
            read.into(con, f"{table}_csv", lines)
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT rowid + 2 AS line, * "
                f"FROM {table}_csv"
            )
        except duckdb.OutOfMemoryException:
            raise  # not the file's fault: ``unless_short_of_memory`` says so
        except duckdb.Error:
            return False
    found = con.execute(f"SELECT count(*), max(line) FROM {table}").fetchone()
    assert found is not None
    count, last = found
    return bool(count + 1 == lines and (count == 0 or last == count + 1))


def drop(con: Connection, table: str) -> None:
    """Forget a file ``load`` loaded as ``table``, once what it is needed for is in tables
    of its own."""
    con.execute(f"DROP VIEW IF EXISTS {table}")
    con.execute(f"DROP TABLE IF EXISTS {table}_csv")


def load_clients(con: Connection, folder: Folder, book: Book) -> bool:
    """The client book as ``clients(id, idx, cm)``: ``idx`` the book's index, ``cm`` the
    request's CM index or -1; False when the file's rows cannot be matched to the book."""
    if not load(con, folder, CLIENTS, "clients_raw"):
        return False
    clients_table(con, book.cms)
    drop(con, "clients_raw")
    found = con.execute("SELECT count(*) FROM clients").fetchone()
    return found is not None and found[0] == len(book)


def clients_table(con: Connection, cms: Sequence[str]) -> None:
    """``clients(id, idx, cm, opened, closed, institutional)`` from the loaded
    ``clients_raw``, whose rows must all be sound (a client's line is ``idx + 2``): its
    dates are read as ``fields.parse_date`` reads them (``2026年1月5日`` too), where the
    streaming reader read the book."""
    # An ISO date, most exports' and all the set-wise check takes, is cast alone.
    opened, closed = (
        f"coalesce(TRY_CAST({column} AS DATE), ({date_ready_sql(f'trim({column})')})::DATE)"
        for column in ("open_date", "close_date")
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cms AS "
        "SELECT unnest(?::VARCHAR[]) AS cm_id, unnest(range(?)) AS k",
        [list(cms), len(cms)],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE clients AS "
        "SELECT client_id AS id, (line - 2)::INTEGER AS idx, coalesce(k, -1)::INTEGER AS cm, "
        f"{opened} AS opened, CASE WHEN trim(close_date) <> '' THEN {closed} END AS closed, "
        "type = 'institutional' AS institutional, coalesce(gender, '') AS gender "
        "FROM clients_raw LEFT JOIN cms USING (cm_id) ORDER BY line"
    )


def load_windows(con: Connection, windows: Windows) -> None:
    """``windows(first, last, w)``, ``window_days(day, w)`` (each day of each window) and
    the checkpoints."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE windows AS SELECT unnest(?::DATE[]) AS first, "
        "unnest(?::DATE[]) AS last, unnest(range(?)) AS w",
        [
            [w.start for w in windows.windows],
            [w.end for w in windows.windows],
            len(windows.windows),
        ],
    )
    # A row is placed in its windows by its day alone: an equi-join on this small table
    # costs a tenth of a range join on the windows' bounds.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE window_days AS SELECT unnest(generate_series(first, "
        "last, INTERVAL 1 DAY))::DATE AS day, w FROM windows"
    )
    load_checkpoints(con, windows)


def load_checkpoints(con: Connection, windows: Windows) -> None:
    """``checkpoints(slot, day, month)``: the days stocks are valued at, in order."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE checkpoints AS SELECT unnest(range(?)) AS slot, "
        "unnest(?::DATE[]) AS day, unnest(?::BIGINT[]) AS month",
        [windows.slots, list(windows.checkpoints), list(windows.slot_month)],
    )


def money(column: str) -> str:
    """SQL for a money column (a DOUBLE: see ``load``) as whole fen, NULL when empty, not
    finite or beyond a 64-bit integer (which the streaming reader then totals)."""
    # TRY_CAST gives NULL for what is not finite (and for what no BIGINT holds).
    return f"TRY_CAST(round_even({column} * 100, 0) AS BIGINT)"


def not_blank(column: str) -> str:
    """SQL true for text with something besides white space (Python's ``str.strip``)."""
    # Most values start with a printable ASCII character, which settles it without a regexp.
    return (
        f"CASE WHEN ascii({column}) BETWEEN 33 AND 126 THEN true "
        rf"ELSE regexp_matches({column}, '[^\s\pZ\x0b\x1c-\x1f\x85]') END"
    )


def valid_date(column: str, day: str | None = None) -> str:
    """SQL true for ``YYYY-MM-DD`` text naming a real day, the date ``fields.parse_date``
    takes that most exports write: the day DuckDB reads written back the way DuckDB writes
    a day (four-digit year, "(BC)" after a year before 1) is the text itself; or for such a
    day written as Excel saves it (``2026/1/5``: ``fields.EXCEL_DATE``), which DuckDB reads
    as that day. A file of dates written otherwise (``2026年1月5日``) fails the check, and
    the streaming reader reads it. ``day``: that day, already read."""
    read = f"TRY_CAST({column} AS DATE)" if day is None else day
    excel = fields.EXCEL_DATE.pattern
    # CASE, not OR: DuckDB then tries the pattern only on the rows that are not ISO, where
    # with OR it tried it on every row (twice the time of the check over ISO dates).
    return (
        f"(CASE WHEN length({column}) = 10 AND {read}::VARCHAR = {column} THEN true "
        f"ELSE {read} IS NOT NULL AND year({read}) >= 1 "
        f"AND regexp_full_match({column}, '{excel}') END)"
    )


def checked_rows(
    con: Connection,
    folder: Folder,
    spec: ExportFile,
    checks: Sequence[str],
    through: object,
    *columns: str,
    keep: str = "true",
    ordered: Sequence[str] = (),
    table: str | None = None,
    client: Sequence[str] = (),
) -> str | None:
    """Read ``spec``'s file (as ``reader`` does), check every row the way the streaming
    reader does (its ``date`` and ``client_id``, and ``checks``) and keep, in one pass
    over the file, the rows of tracked CMs' clients dated up to ``through`` for which
    ``keep`` holds as the table ``table`` (by default ``{name}_rows``: ``line``,
    ``day``, ``client``, ``cm`` and ``columns``, over the file's columns and the
    columns of ``clients`` named in ``client`` (``opened``, ``closed``,
    ``institutional``, ``gender``), which must not fail on a bad row: TRY_CAST, not
    ``::``; and ``ordered``, window expressions over
    each client's kept rows in file order, named ``by_client``); return its name, or
    None when any row fails a check, a money column holds something that is not a number
    or the file's lines cannot be trusted to be its rows: the streaming reader must read
    it.

    The file is read into a table of its own first, whose rowid numbers its rows: DuckDB
    reads and stores it on all its threads, where numbering the rows as they are read
    (``row_number() OVER ()``) runs on one. At firm scale the table is more than
    ``MEMORY_LIMIT`` and spills, and still a firm's trades.csv was checked in half the
    time."""
    every = (valid_date("date", "day"), "client IS NOT NULL", *checks)
    # A NULL check fails the row: NULL AND true is NULL, and NULL AND false is false.
    sound = f"coalesce({' AND '.join(f'({check})' for check in every)}, false)"
    extra = "".join(f", {column}" for column in columns)
    rows = table or f"{spec.name.removesuffix('.csv')}_rows"
    read_into = f"{rows}_read"
    with reading(folder, spec) as read:
        if read is None:
            return None
        # The line of the last row, if every line after the header is a row.
        last = read.lines()
        try:
            # A table keeps the order rows were read in (``preserve_insertion_order``,
            # DuckDB's default), on any number of threads: its rowid is the data row's index.
            read.into(con, read_into, last)
        except duckdb.Error as error:
            _dropped_after(con, error, read_into)
            return None
    # Each row's day is read once, for its check and its place alike.
    # Only the client's columns asked for: the join holds every client's in memory, at
    # firm scale tens of megabytes that DuckDB cannot spill.
    about = "".join(f", clients.{column}" for column in client)
    joined = (
        "SELECT file.*, TRY_CAST(date AS DATE) AS day, clients.idx AS client, "
        f"clients.cm AS cm{about} FROM (SELECT (rowid + 2)::INTEGER AS line, "
        f"* FROM {read_into}) file LEFT JOIN clients ON clients.id = file.client_id"
    )
    # A bad row is kept too, whoever's it is, so that one query over a few rows says
    # whether there was one; and so is the last line, to say how many rows were read.
    # Neither is among a client's kept rows for ``ordered``: a window apart.
    window = "".join(f", {expression}" for expression in ordered)
    clause = " WINDOW by_client AS (PARTITION BY client, kept ORDER BY line)" if window else ""
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {rows} AS SELECT *{window} FROM (SELECT line, "
            f"day, client, cm, {sound} AS sound, (cm >= 0 AND day <= ? AND {keep}) AS kept"
            f"{extra} FROM ({joined})) WHERE NOT sound OR kept OR line >= ?{clause}",
            [through, last],
        )
    except duckdb.Error as error:
        _dropped_after(con, error, read_into, rows)
        return None
    con.execute(f"DROP TABLE {read_into}")
    found = con.execute(f"SELECT bool_and(sound), max(line) FROM {rows}").fetchone()
    assert found is not None
    sound_rows, read_last = found
    # A header alone (last 1) reads no row.
    if sound_rows is False or (read_last or 1) != last:
        con.execute(f"DROP TABLE {rows}")
        return None
    con.execute(f"DELETE FROM {rows} WHERE line >= ? AND NOT kept", [last])
    return rows


def _dropped_after(con: Connection, error: duckdb.Error, *tables: str) -> None:
    """Drop ``tables`` after a query that failed with ``error``, which is raised again when
    DuckDB ran out of memory (not the file's fault: ``unless_short_of_memory`` says so)."""
    # Dropping must not hide what went wrong: running out of memory is told apart.
    with contextlib.suppress(duckdb.Error):
        for name in tables:
            con.execute(f"DROP TABLE IF EXISTS {name}")
    if isinstance(error, duckdb.OutOfMemoryException):
        raise error


# Each line of a total's sorted ``lines`` beside the one before and the one after it: a
# line that follows on from the one before adds nothing unless it ends a run ("-last"),
# any other starts a run (",first"), the leading comma dropped once all are joined.
# (A list's element 0, or one past its end, is NULL.)
_STEP = (
    "CASE WHEN lines[i - 1] = x - 1 THEN (CASE WHEN lines[i + 1] = x + 1 THEN NULL "
    "ELSE concat('-', x) END) ELSE concat(',', x) END"
)
RUNS = (
    "CASE WHEN len(lines) = 1 THEN lines[1]::VARCHAR "
    "WHEN lines[-1] - lines[1] + 1 = len(lines) THEN concat(lines[1], '-', lines[-1]) "
    f"ELSE ltrim(list_aggregate(list_transform(lines, lambda x, i: {_STEP}), 'string_agg', ''), "
    "',') END"
)
"""SQL for a sorted list ``lines`` of distinct lines as runs of consecutive lines, written
the way ``str`` writes a ``RowSpans`` ("2-9,14"), in one pass over the list and no sort;
a list that is one run (a CM's clients, their snapshots on one day) is written at once."""


_ORIGIN = "DATE '0001-01-01'"


def earliest() -> str:
    """SQL for an aggregate of the earliest (``day``, ``line``) of a group as one BIGINT,
    the day's count from 0001-01-01 in the high half and the line in the low: min() over
    a number finds it at a fraction of the cost of min() over a struct. (A sound row's day
    is not before year 1, and no file has 2**32 lines.)"""
    return f"min(((day - {_ORIGIN})::BIGINT << 32) | line)"


def day_of(first: str) -> str:
    """SQL for the day of an ``earliest`` figure."""
    return f"({_ORIGIN} + ({first} >> 32)::INTEGER)"


def line_of(first: str) -> str:
    """SQL for the line of an ``earliest`` figure."""
    return f"({first} & 4294967295)::INTEGER"


def firsts(con: Connection, rows: str) -> dict[int, tuple[dt.date, int]]:
    """Each client's earliest (day, line) among the relation ``rows`` (``client``, ``day``,
    ``line``), found by a grouping rather than a sort."""
    found = con.execute(
        f"SELECT client, {day_of('first')}, {line_of('first')} FROM (SELECT client, "
        f"{earliest()} AS first FROM ({rows}) GROUP BY client)"
    ).fetchall()
    return {client: (day, line) for client, day, line in found}


def cells(
    con: Connection, file: str, hits: str, *, whole: bool = True, spread: str | None = None
) -> Tallies:
    """Totals of ``amount`` per (cm, w) over the relation ``hits`` (``cm``, ``w``, ``line``,
    ``amount``; a line at most once per (cm, w), as a row lands in a cell once), each
    citing its rows as runs of consecutive lines: what ``Tallies.add`` row by row builds.
    With ``spread``, a relation (``cm``, ``w``, ``key``), each total is
    given under every ``key`` its (cm, w) maps to instead (the same rows stand for several
    cells: see ``assets.segments``)."""
    return cells_of(con, file, hits, ("amount",), whole=whole, spread=spread)[0]


def cells_of(
    con: Connection,
    file: str,
    hits: str,
    amounts: Sequence[str],
    *,
    whole: bool = True,
    spread: str | None = None,
) -> list[Tallies]:
    """``cells`` of each of the columns ``amounts`` of ``hits``, in one query: totals over
    the same rows, which share their row citations."""
    found = [Tallies(file) for _ in amounts]
    totals = ", ".join(f"sum({amount}) AS {amount}" for amount in amounts)
    query = (
        f"SELECT cm, w, {RUNS} AS runs, {', '.join(amounts)} "
        # Sorted after the grouping rather than as it gathers (an ordered aggregate), which
        # took a tenth longer over a firm's trades, on one thread or two.
        f"FROM (SELECT cm, w, list_sort(list(line)) AS lines, {totals} "
        f"FROM ({hits}) GROUP BY cm, w)"
    )
    with contextlib.nullcontext() if whole else one_thread(con):
        return _filled(con, query, found, whole=whole, spread=spread)


def _filled(
    con: Connection, query: str, found: list[Tallies], *, whole: bool, spread: str | None
) -> list[Tallies]:
    """``found``, filled from the totals ``query`` gives (see ``cells_of``)."""
    convert = int if whole else float
    if spread is not None:
        # Spread here rather than in the query: each total's runs fetched and read once,
        # however many keys share them.
        keys: dict[tuple[int, int], list[int]] = {
            (cm, w): slots
            for cm, w, slots in con.execute(
                f"SELECT cm, w, list(key) FROM ({spread}) GROUP BY cm, w"
            ).fetchall()
        }
        for fetched in _chunks(con, query):
            for row in fetched:
                cm = row[0]
                slots = keys.get((cm, row[1]))
                if not slots:
                    continue
                rows = row[2]
                for tallies, total in zip(found, row[3:], strict=True):
                    # One cell for every key: set-wise totals are never added to.
                    cell, cells = Tally(convert(total), rows), tallies.cells
                    for slot in slots:
                        cells[(cm, slot)] = cell
        return found
    if len(found) == 1:
        # The usual case, a loop over a firm's hundreds of thousands of totals kept lean.
        cells = found[0].cells
        for fetched in _chunks(con, query):
            # Each cell's rows kept as the runs the query wrote: most are only cited.
            cells.update({(cm, w): Tally(convert(total), runs)
                          for cm, w, runs, total in fetched})  # fmt: skip
        return found
    for fetched in _chunks(con, query):
        for row in fetched:
            key, rows = (row[0], row[1]), row[2]
            for tallies, total in zip(found, row[3:], strict=True):
                tallies.cells[key] = Tally(convert(total), rows)
    return found


CHUNK = 50_000
"""Rows of a result fetched into Python at a time: a firm's totals become cells a chunk at
a time, never all as tuples beside all as cells."""


def _chunks(con: Connection, query: str) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``query`` a ``CHUNK`` at a time (no other query may run meanwhile)."""
    result = con.execute(query)
    while fetched := result.fetchmany(CHUNK):
        yield fetched


def tallies(con: Connection, file: str, rows: str, amount: str) -> Tallies:
    """Totals of ``amount`` per (cm, window) over the relation ``rows`` (with ``cm``,
    ``day`` and ``line``), placed in every window the row's day falls in."""
    return tallies_of(con, file, rows, (amount,))[0]


def tallies_of(con: Connection, file: str, rows: str, amounts: Sequence[str]) -> list[Tallies]:
    """``tallies`` of each SQL expression in ``amounts``, over the same rows in one query."""
    named = ", ".join(f"{amount} AS amount{k}" for k, amount in enumerate(amounts))
    hits = f"SELECT cm, w, line, {named} FROM ({rows}) JOIN window_days USING (day)"
    return cells_of(con, file, hits, [f"amount{k}" for k in range(len(amounts))])
