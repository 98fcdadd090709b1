"""The schema of okrdesk's database, one migration per version.

Version N is reached by running migrations 1..N in order, each in the same
transaction as the version it records. A migration never changes once
released: a new need is a new migration at the end, written twice: a function
for SQLite in ``MIGRATIONS`` and the same change as PostgreSQL DDL in
``POSTGRES_MIGRATIONS``, at the same position, so a version number means the
same tables and columns on both (a test compares them).

On PostgreSQL every text column is ``COLLATE "C"``: text then sorts and
compares by code point, as SQLite's does, so both stores answer alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def _v1(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,
            command TEXT NOT NULL,
            through TEXT,
            pid INTEGER,
            plugins TEXT NOT NULL DEFAULT '{}',
            errors TEXT NOT NULL DEFAULT '[]'
        )"""
    )
    db.execute(
        """CREATE TABLE observations (
            metric TEXT NOT NULL,
            period TEXT NOT NULL,
            subject TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            value REAL,
            numerator REAL,
            denominator REAL,
            source TEXT NOT NULL DEFAULT '',
            plugin TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            PRIMARY KEY (metric, period, subject)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            key_result TEXT NOT NULL,
            subject TEXT NOT NULL,
            day TEXT NOT NULL,
            value REAL NOT NULL,
            confidence REAL,
            note TEXT NOT NULL DEFAULT '',
            recorded TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE spend (
            id INTEGER PRIMARY KEY,
            line TEXT NOT NULL,
            day TEXT NOT NULL,
            amount_fen INTEGER NOT NULL,
            signed_by TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            override_reason TEXT,
            recorded TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX checkins_by_key_result ON checkins (key_result, subject, day)")
    db.execute("CREATE INDEX spend_by_line ON spend (line, day)")


def _v2(db: sqlite_utils.Database) -> None:
    # A unit's report and `explain` read one subject's metrics; the primary
    # key leads with the metric and period and cannot serve that.
    db.execute("CREATE INDEX observations_by_subject ON observations (subject, metric, period_end)")


def _v3(db: sqlite_utils.Database) -> None:
    # Scoring policies need calendar months while key results use the plan's
    # grain (weeks by default); both are stored, and every sum keeps to one.
    db.execute("ALTER TABLE observations ADD COLUMN grain TEXT NOT NULL DEFAULT 'week'")
    db.execute(
        "UPDATE observations SET grain = CASE WHEN period LIKE '%-W%' THEN 'week' "
        "WHEN period LIKE '%-Q%' THEN 'quarter' ELSE 'month' END"
    )


def _v4(db: sqlite_utils.Database) -> None:
    # Covering: a unit's figures are read from the index alone, one range scan
    # whatever the size of the firm, instead of a second lookup per row.
    db.execute("DROP INDEX observations_by_subject")
    db.execute(
        "CREATE INDEX observations_by_subject ON observations (subject, metric, grain, "
        "period_start, period_end, value, numerator, denominator)"
    )


def _v5(db: sqlite_utils.Database) -> None:
    # A wrong check-in is withdrawn, not deleted: the history keeps it, with who,
    # when and why. A spend correction names the entry it reverses.
    db.execute("ALTER TABLE checkins ADD COLUMN withdrawn TEXT")
    db.execute("ALTER TABLE checkins ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE checkins ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE spend ADD COLUMN reverses INTEGER REFERENCES spend(id)")
    # Older okrdesk stored 1e309 as infinity, which no report can show.
    db.execute(
        "UPDATE checkins SET withdrawn = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), "
        "withdrawn_by = 'okrdesk', withdraw_reason = 'not a finite number (stored by an "
        "older okrdesk)' WHERE abs(value) > 1e308 OR value != value"
    )


def _v6_partial_periods(db: sqlite_utils.Database) -> None:
    # A period collected before it ended holds part of its days; it must never
    # replace the complete period, so each row says through which day it was
    # collected (NULL: the whole period). Rows already stored came from a run
    # whose through-day says the same.
    db.execute("ALTER TABLE observations ADD COLUMN partial_through TEXT")
    db.execute(
        "UPDATE observations SET partial_through = ("
        "SELECT runs.through FROM runs WHERE runs.id = observations.run_id) "
        "WHERE (SELECT runs.through FROM runs WHERE runs.id = observations.run_id) < period_end"
    )


def _v7_checkin_author(db: sqlite_utils.Database) -> None:
    # Who checked in: the report shows it beside the note, `okrdesk history` lists it.
    # Rows stored before it have no author ('').
    db.execute("ALTER TABLE checkins ADD COLUMN author TEXT NOT NULL DEFAULT ''")


_V7_COLUMNS = (
    "metric, period, subject, period_start, period_end, value, numerator, denominator, "
    "source, plugin, run_id, grain, partial_through"
)
_V8_OBSERVATIONS = """CREATE TABLE observations (
            metric TEXT NOT NULL,
            period TEXT NOT NULL,
            subject TEXT NOT NULL,
            slice TEXT NOT NULL DEFAULT '',
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            value REAL,
            numerator REAL,
            denominator REAL,
            source TEXT NOT NULL DEFAULT '',
            plugin TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            grain TEXT NOT NULL DEFAULT 'week',
            partial_through TEXT,
            PRIMARY KEY (metric, period, subject, slice)
        ) WITHOUT ROWID"""


def _v8_dimensions(db: sqlite_utils.Database) -> None:
    # An observation may be one slice of its figure (product=equity). The slice is
    # part of the key; '' is the whole figure, stored beside its slices, so every
    # undimensioned read asks for slice = '' and stays the range scan it was. The
    # subject index takes the slice right after the metric for the same reason.
    # A primary key cannot change in place: the table is rebuilt, with the slice
    # beside the other key columns (SQLite 3.40's integrity check misreads a
    # WITHOUT ROWID table whose key columns follow the others).
    db.execute("ALTER TABLE observations RENAME TO observations_v7")
    db.execute("DROP INDEX observations_by_subject")
    db.execute(_V8_OBSERVATIONS)
    db.execute(
        f"INSERT INTO observations ({_V7_COLUMNS}) SELECT {_V7_COLUMNS} FROM observations_v7"
    )
    db.execute("DROP TABLE observations_v7")
    db.execute(
        "CREATE INDEX observations_by_subject ON observations (subject, metric, slice, grain, "
        "period_start, period_end, value, numerator, denominator)"
    )


_V9_INDEXES = """
    CREATE INDEX observations_by_subject ON observations (subject, metric, grain,
        period_start, period_end, value, numerator, denominator) WHERE slice = '';
    CREATE INDEX observation_slices_by_subject ON observations (subject, metric, slice,
        grain, period_start, period_end, value, numerator, denominator) WHERE slice > '';
"""


def _v9_whole_figures_apart(db: sqlite_utils.Database) -> None:
    # Nearly every read asks for whole figures (slice = ''). Their subject index now
    # holds them alone, and the slices have one of their own: a firm-wide scan of whole
    # figures no longer passes over every slice row too. Each read names the index of
    # its rows, and says slice = '' or slice > '' in the very words of that index's
    # condition, which is how SQLite knows the partial index answers it.
    db.execute("DROP INDEX observations_by_subject")
    for statement in _V9_INDEXES.split(";"):
        if statement.strip():
            db.execute(statement)


PERIOD_TOTALS_SELECT = (
    "SELECT metric, period, grain, period_start, period_end, sum(value), sum(numerator), "
    "sum(denominator), count(*) FROM observations"
)
"""Each period's whole figures added up over every subject, grouped by ``GROUP BY``
``PERIOD_TOTALS_GROUP`` after a WHERE that must say ``slice = ''``: how the
``period_totals`` table is filled, here and by the store (``store.base``)."""

PERIOD_TOTALS_GROUP = "metric, period, grain, period_start, period_end"


def _v10_period_totals(db: sqlite_utils.Database) -> None:
    # A firm's trends add up every subject's rows period by period: a second scan of
    # the whole table for every report of the firm. The store now keeps those totals
    # as it writes each period (Store.replace_rows), read by the firm's top when every
    # stored subject is in its plan (Store.series_of_metrics).
    db.execute(
        """CREATE TABLE period_totals (
            metric TEXT NOT NULL,
            period TEXT NOT NULL,
            grain TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            value REAL,
            numerator REAL,
            denominator REAL,
            observations INTEGER NOT NULL,
            PRIMARY KEY (metric, period)
        ) WITHOUT ROWID"""
    )
    db.execute(
        f"INSERT INTO period_totals {PERIOD_TOTALS_SELECT} WHERE slice = '' "
        f"GROUP BY {PERIOD_TOTALS_GROUP}"
    )


RUNNING_TOTALS_INSERT = (
    "INSERT INTO running_totals (metric, grain, year, next_period, subject, period, value, "
    "numerator, denominator, observations) SELECT metric, grain, substr(period_end, 1, 4), "
    "coalesce(lead(period) OVER so_far, '~'), subject, period, sum(value) OVER so_far, "
    "sum(numerator) OVER so_far, sum(denominator) OVER so_far, count(*) OVER so_far "
    "FROM observations"
)
"""Each subject's whole figures added up over time through each of its periods of a
year (the year its period ends in), after a WHERE that must say ``slice = ''`` and
before ``RUNNING_TOTALS_WINDOWS``: how the ``running_totals`` table is filled, here and
by the store (``store.base``). A row holds from its period until the subject's next in
the year (``next_period``; ``'~'``, after every period id, for its latest)."""

RUNNING_TOTALS_WINDOWS = (
    "WINDOW so_far AS (PARTITION BY metric, grain, substr(period_end, 1, 4), subject "
    "ORDER BY period ROWS UNBOUNDED PRECEDING)"
)
"""One window for the sums and the next period alike (``lead`` takes no frame): one
sort of the rows, where a window of each made two."""


def _v11_running_totals(db: sqlite_utils.Database) -> None:
    # A firm's report added up every subject's rows of the year twice (now and a
    # period earlier): one and a half scans of the whole table per report. The store
    # now keeps each subject's sums of the year so far as it writes (Store.replace_rows),
    # and a firm's report reads two rows per subject and metric (Store.sum_rows_at).
    db.execute(
        """CREATE TABLE running_totals (
            metric TEXT NOT NULL,
            grain TEXT NOT NULL,
            year TEXT NOT NULL,
            next_period TEXT NOT NULL,
            subject TEXT NOT NULL,
            period TEXT NOT NULL,
            value REAL,
            numerator REAL,
            denominator REAL,
            observations INTEGER NOT NULL,
            PRIMARY KEY (metric, grain, year, next_period, subject)
        ) WITHOUT ROWID"""
    )
    db.execute(f"{RUNNING_TOTALS_INSERT} WHERE slice = '' {RUNNING_TOTALS_WINDOWS}")


def _v12_revisions_kept(db: sqlite_utils.Database) -> None:
    # What a collect restated (figures of periods stored as complete that now read
    # otherwise) was only printed by the collect: a collect run from cron restated the
    # report's past unseen. Each run now keeps it, as metric → period → figures, and
    # the report and check name it.
    db.execute(f"ALTER TABLE runs ADD COLUMN revised {REVISED_COLUMN}")


REVISED_COLUMN = "TEXT NOT NULL DEFAULT '{}'"


def _v13_collected_fingerprints(db: sqlite_utils.Database) -> None:
    # A weekly collect asks for every period of the year, and storing it read every
    # stored row of them back to find the few that changed. The store now keeps a
    # fingerprint of each period's rows as it last brought them to a collect
    # (store.changes.fingerprint), and leaves a period that comes back the same unread.
    # Empty at first: each period is compared once more, then fingerprinted.
    db.execute(
        """CREATE TABLE collected_fingerprints (
            metric TEXT NOT NULL,
            period TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            PRIMARY KEY (metric, period)
        ) WITHOUT ROWID"""
    )


def _v14_run_warnings(db: sqlite_utils.Database) -> None:
    # What a plugin warned of (rows it left out, rows outside the plan) was only
    # printed by the collect: a collect run from cron told no one that figures stood
    # without some rows. Each run now keeps the warnings, as the lines the collect
    # printed, and the report and check name those of the latest run.
    db.execute(f"ALTER TABLE runs ADD COLUMN warnings {WARNINGS_COLUMN}")


WARNINGS_COLUMN = "TEXT NOT NULL DEFAULT '[]'"


def _v15_run_metrics(db: sqlite_utils.Database) -> None:
    # The report named the errors of the latest run only, so a `collect --metric aum`
    # after a collect that failed nps hid nps's failure, and the settling rule took
    # the latest run's day for when any metric was read. Each run now keeps the
    # metrics it was asked for, as a JSON list; NULL, for the runs before, is every
    # metric.
    db.execute("ALTER TABLE runs ADD COLUMN metrics TEXT")


def _v16_run_landed(db: sqlite_utils.Database) -> None:
    # A run's errors alone said which metrics it failed, and a source's declaration
    # error told by every run, or a plugin that failed after storing a metric, read as
    # failing metrics it had stored. Each run now notes the metrics it stored, as a
    # JSON list, in the transaction that stores them; NULL for the runs before.
    db.execute("ALTER TABLE runs ADD COLUMN landed TEXT")


def _v17_run_lines_zh(db: sqlite_utils.Database) -> None:
    # A run kept its errors and warnings in the language of the collect that ran, so a
    # collect run from an English cron job put English into a Chinese report, and the
    # other way about. Each line is now kept in English (which ``Run.failed`` reads) and
    # beside it, as a JSON object of line → message, what was said in Chinese.
    db.execute(f"ALTER TABLE runs ADD COLUMN lines_zh {LINES_ZH_COLUMN}")


LINES_ZH_COLUMN = "TEXT NOT NULL DEFAULT '{}'"


def _v18_run_process(db: sqlite_utils.Database) -> None:
    # A run kept its process id alone, so a collect that started and never finished was
    # told as "still running, or stopped": a pid cannot say which, nor on what machine.
    # Each run now keeps the host it ran on and its process's start as the kernel counts
    # it (``store.liveness``), so one that died is told from one still running, and one
    # on another machine is named; NULL for the runs before.
    db.execute("ALTER TABLE runs ADD COLUMN host TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN process_start TEXT")


NO_NUMBER_INDEX = "observations_no_number"
NO_NUMBER = " OR ".join(
    f"typeof({column}) IN ('text', 'blob')" for column in ("value", "numerator", "denominator")
)
"""An observation with a figure that is no number: SQLite keeps text in a REAL column
and adds it up as 0. A query asks for these rows ``INDEXED BY`` the index below, with
this very condition (SQLite uses a partial index only for the condition it was made on)."""


def _v19_figures_that_are_no_number(db: sqlite_utils.Database) -> None:
    # Before its first figure is read a store is looked through for a figure that is no
    # number (text put in by hand): a scan of every observation, over a second at a
    # firm's ten million, and taken again after every change to the file. An index of
    # only those rows, kept by SQLite on every write (a hand edit's too), is empty
    # while the store holds numbers only, and the look reads nothing more than it.
    db.execute(f"CREATE INDEX {NO_NUMBER_INDEX} ON observations (metric) WHERE {NO_NUMBER}")


HAND_EDITS = "hand_edits"
"""The table of (metric, period) pairs whose observations were written by anything but
okrdesk since okrdesk last added them up (``Store.take_hand_edits``)."""

OKRDESK_WRITES = "okrdesk_writes"
"""SQLite's mark that okrdesk itself is writing: a row of it exists only inside
okrdesk's own write transactions, never committed (PostgreSQL marks them with the
setting ``okrdesk.writing`` instead)."""

_BY_HAND = f"WHEN NOT EXISTS (SELECT 1 FROM {OKRDESK_WRITES})"


def _noted(row: str) -> str:
    return (
        f"INSERT OR IGNORE INTO {HAND_EDITS} (metric, period) VALUES ({row}.metric, {row}.period);"
    )


SQLITE_EDIT_TRIGGERS: dict[str, str] = {
    "observations_inserted_by_hand": (
        f"CREATE TRIGGER observations_inserted_by_hand AFTER INSERT ON observations {_BY_HAND} "
        f"BEGIN {_noted('NEW')} END"
    ),
    "observations_updated_by_hand": (
        f"CREATE TRIGGER observations_updated_by_hand AFTER UPDATE ON observations {_BY_HAND} "
        f"BEGIN {_noted('OLD')} {_noted('NEW')} END"
    ),
    "observations_deleted_by_hand": (
        f"CREATE TRIGGER observations_deleted_by_hand AFTER DELETE ON observations {_BY_HAND} "
        f"BEGIN {_noted('OLD')} END"
    ),
}
"""The only triggers okrdesk makes, by name, each exactly as made (a store holding any
other, or one of these changed, is refused): an observation written by other software
(a row corrected by hand in a database browser) notes its metric and period, so that
okrdesk adds up their totals again from the rows as they now are."""

SQLITE_EDIT_TABLES: dict[str, str] = {
    HAND_EDITS: f"""CREATE TABLE {HAND_EDITS} (
            metric TEXT NOT NULL,
            period TEXT NOT NULL,
            PRIMARY KEY (metric, period)
        ) WITHOUT ROWID""",
    OKRDESK_WRITES: f"CREATE TABLE {OKRDESK_WRITES} (writing INTEGER NOT NULL)",
}
"""The tables those triggers and okrdesk's own transactions write, each of which a store
must hold exactly as made, with no index of its own: one made otherwise (a foreign key
that okrdesk's mark fails) would change what okrdesk's writes do."""


def _v20_hand_edits_noted(db: sqlite_utils.Database) -> None:
    # The report reads totals kept beside the rows (period_totals, running_totals) and a
    # collect skips a period whose figures it fingerprinted before: a row changed by hand
    # went unseen by both, the report's figure no longer the sum of the rows explain lists.
    for table in SQLITE_EDIT_TABLES.values():
        db.execute(table)
    for trigger in SQLITE_EDIT_TRIGGERS.values():
        db.execute(trigger)


_EDGE_WEEK = (
    "grain = 'week' AND substr(period, 1, 4) <> substr(period_end, 1, 4) "
    "AND substr(period_start, 1, 4) = substr(period_end, 1, 4)"
)
_EDGE_WEEK_ID = (
    "substr(period_end, 1, 4) || CASE WHEN substr(period_end, 6, 2) = '12' THEN '-W53' "
    "ELSE '-W00' END"
)
_WEEKS_RENUMBERED = "substr(period, 6) IN ('W00', 'W53')"
WEEKS_CUT_AT_THE_YEAR = f"""
    UPDATE observations SET period = {_EDGE_WEEK_ID} WHERE {_EDGE_WEEK};
    UPDATE period_totals SET period = {_EDGE_WEEK_ID} WHERE {_EDGE_WEEK};
    DELETE FROM collected_fingerprints WHERE substr(period, 6) IN ('W00', 'W01', 'W52', 'W53');
    DELETE FROM running_totals WHERE grain = 'week' AND (metric, year) IN (
        SELECT DISTINCT metric, substr(period_end, 1, 4) FROM observations
        WHERE grain = 'week' AND slice = '' AND {_WEEKS_RENUMBERED});
    {RUNNING_TOTALS_INSERT} WHERE slice = '' AND grain = 'week' AND
        (metric, substr(period_end, 1, 4)) IN (
            SELECT DISTINCT metric, substr(period_end, 1, 4) FROM observations
            WHERE grain = 'week' AND slice = '' AND {_WEEKS_RENUMBERED})
        {RUNNING_TOTALS_WINDOWS};
"""
"""Schema 21, the same on both stores: the part of an ISO week a plan stored in the
year other than the week's own (29 to 31 December 2025 as 2026-W01, 1 to 3 January 2027
as 2026-W53) takes the id ``periods.week_of`` now gives it (2025-W53, 2027-W00), where
the next year's plan stored its own days over it; the running totals of the years
renumbered are added up again, and the fingerprints of the weeks at a year's edge
dropped (the next collect compares those weeks with what is stored)."""


def _v21_weeks_cut_at_the_year(db: sqlite_utils.Database) -> None:
    # A week at the year's edge was stored by two years' plans under one id, each cut to
    # its own days: the second year's first collect overwrote the first's last days.
    for statement in WEEKS_CUT_AT_THE_YEAR.split(";"):
        if statement.strip():
            db.execute(statement)


def _v22_spend_by_plan(db: sqlite_utils.Database) -> None:
    # Branches sharing a firm's server kept one ledger by line id alone: a branch's
    # `training` spend counted in every other branch's `training` line and tripped its
    # breaker. Each entry now keeps the unit of the plan that recorded it; one of an older
    # store keeps '' and counts in every plan's, as it did.
    db.execute("ALTER TABLE spend ADD COLUMN plan_unit TEXT NOT NULL DEFAULT ''")


def _v23_runs_by_plan(db: sqlite_utils.Database) -> None:
    # Branches sharing a firm's server read one list of collect runs: a branch's `check`
    # told another branch's failed collect, and a branch's report took another's collect
    # through a later day for how far its own figures were read. Each run now keeps the
    # unit of the plan that ran it; one of an older store keeps '' and is every plan's.
    db.execute("ALTER TABLE runs ADD COLUMN plan_unit TEXT NOT NULL DEFAULT ''")


def _v24_spend_of_a_plan(db: sqlite_utils.Database) -> None:
    # A plan whose unit id was changed after spending read its budget untouched: its
    # entries stayed under the old id, which was all the ledger knew of their plan. Each
    # entry now keeps its plan's id too, by which a plan knows its own under an old unit
    # id; and one moved to the new id (`okrdesk spend move-unit`) keeps the id it was
    # recorded under and when it was moved.
    db.execute("ALTER TABLE spend ADD COLUMN plan_id TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE spend ADD COLUMN moved_from TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE spend ADD COLUMN moved TEXT")


def _v25_run_subjects(db: sqlite_utils.Database) -> None:
    # A branch's failed collect stood in its own `check` after the head office's collect,
    # for every branch, stored the same metric for the branch's people again: a run kept
    # its plan's unit, not whose figures it replaced. Each collect now keeps, as a JSON
    # list, the ids of the units and people whose figures it replaced (its plan's); NULL
    # for the runs before, which settle no other plan's failure.
    db.execute("ALTER TABLE runs ADD COLUMN subjects TEXT")


WORDED_ZEROS = (
    "slice = '' AND value = 0 AND ("
    "(substr(source, 1, 10) = 'no row of ' AND (source LIKE 'no row of % counts, so 0' "
    "OR source LIKE 'no row of % counts, so 0; %')) "
    "OR source = 'SQL metric ' || metric || ': no rows, so none (no_rows_means_zero)')"
)
"""Schema 26, the same on both stores: the zeros an earlier okrdesk told for zeros for no
rows by their source's words alone (``plugins.citations.worded_zero``)."""


def _v26_zeros_for_no_rows(db: sqlite_utils.Database) -> None:
    # A zero for no rows (a CM with no new client that week) was told from any other
    # figure by the words of its source, which each plugin had to copy exactly; a plugin
    # now says so (emit's no_rows), and each row keeps it. Rows stored before keep
    # what their words said.
    db.execute("ALTER TABLE observations ADD COLUMN no_rows INTEGER NOT NULL DEFAULT 0")
    db.execute(f"UPDATE observations SET no_rows = 1 WHERE {WORDED_ZEROS}")


def _v27_checkin_and_run_moves(db: sqlite_utils.Database) -> None:
    # `okrdesk move-unit` moved a check-in or a collect to a unit's new id and kept no
    # word of it (a ledger entry kept its moved_from): history and explain traced a
    # moved figure to an id the plan does not have without saying it moved. Each now
    # keeps the id it was recorded under, and a check-in when it was moved.
    db.execute("ALTER TABLE checkins ADD COLUMN moved_from TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE checkins ADD COLUMN moved TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN moved_from TEXT NOT NULL DEFAULT ''")


SCOPED_READ_INDEXES = """
    CREATE INDEX checkins_by_subject ON checkins (subject, key_result, day);
    CREATE INDEX spend_by_unit ON spend (plan_unit, line, day);
    CREATE INDEX spend_by_plan ON spend (plan_id, plan_unit);
    CREATE INDEX runs_by_plan_unit ON runs (plan_unit)
"""
"""Schema 28, the same on both stores: the indexes of the reads scoped to a plan's own ids
(a firm's store holds every branch's check-ins, ledger and collects)."""


def _v28_scoped_read_indexes(db: sqlite_utils.Database) -> None:
    # The reads of a plan's own (its subjects' check-ins, the ledger under its unit ids,
    # the unit ids its plan recorded under, its collects) went through every row of a
    # firm's store: each checkin, spend add, due and history read every branch's.
    for statement in SCOPED_READ_INDEXES.split(";"):
        db.execute(statement)


def _v29_run_kinds(db: sqlite_utils.Database) -> None:
    # A plugin upgraded so that a flow became a stock had the flow's stored weeks read
    # as levels without a word. Each collect now keeps, as a JSON object, the kind of each
    # metric it stored (metric → stock, flow or ratio); NULL for the runs before.
    db.execute("ALTER TABLE runs ADD COLUMN kinds TEXT")


def _v30_run_bases(db: sqlite_utils.Database) -> None:
    # A metric whose source has no rows of last year was asked for them by every collect,
    # a plugin call each, since nothing kept that it had been asked. Each collect now
    # keeps, as a JSON object, what it asked its sources for of last year and found no
    # rows of (metric → those periods, and the fingerprint of the metric's rows of this
    # year it collected beside them); NULL for the runs before, and for a run that asked
    # for none.
    db.execute("ALTER TABLE runs ADD COLUMN bases TEXT")


def _v31_run_kept(db: sqlite_utils.Database) -> None:
    # Only collect's printed summary said which periods a rolling source no longer
    # reached and kept as stored: a report or explain read later could not tell that a
    # month-old figure was an older collect's. Each collect now keeps, as a JSON object,
    # the periods it kept so (metric → the first and last day its source held, and the
    # periods); NULL for the runs before, and for a run that kept none.
    db.execute("ALTER TABLE runs ADD COLUMN kept TEXT")


def _v32_run_stored_order(db: sqlite_utils.Database) -> None:
    # "The collect before" a run was the one with the next lower id: of two collects of
    # plans sharing units run at once, the one started first may store after the other,
    # and was then compared against as if it stored before. Each run now keeps the order
    # the store committed its latest figures in, numbered under the write lock figures
    # are stored under; NULL for the runs before (all stored before any numbered one),
    # and for a run that stored none.
    db.execute("ALTER TABLE runs ADD COLUMN stored_order INTEGER")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (
    _v1, _v2, _v3, _v4, _v5, _v6_partial_periods, _v7_checkin_author, _v8_dimensions,
    _v9_whole_figures_apart, _v10_period_totals, _v11_running_totals, _v12_revisions_kept,
    _v13_collected_fingerprints, _v14_run_warnings, _v15_run_metrics, _v16_run_landed,
    _v17_run_lines_zh, _v18_run_process, _v19_figures_that_are_no_number,
    _v20_hand_edits_noted, _v21_weeks_cut_at_the_year, _v22_spend_by_plan,
    _v23_runs_by_plan, _v24_spend_of_a_plan, _v25_run_subjects, _v26_zeros_for_no_rows,
    _v27_checkin_and_run_moves, _v28_scoped_read_indexes, _v29_run_kinds,
    _v30_run_bases, _v31_run_kept, _v32_run_stored_order,
)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)
WRITES_MARKED_SINCE = MIGRATIONS.index(_v20_hand_edits_noted) + 1
"""The schema version from which okrdesk marks its own writes (``OKRDESK_WRITES``)."""

TABLES_MADE = frozenset({
    "runs", "observations", "checkins", "spend", "period_totals", "running_totals",
    "collected_fingerprints", HAND_EDITS, OKRDESK_WRITES,
})  # fmt: skip
"""Every table okrdesk's migrations make in SQLite (``tables_as_made``, without making
them): the tables okrdesk writes."""

DEFAULTS_MADE = frozenset({
    ("checkins", "note", "''"), ("checkins", "withdrawn_by", "''"),
    ("checkins", "withdraw_reason", "''"), ("checkins", "author", "''"),
    ("checkins", "moved_from", "''"),
    ("observations", "slice", "''"), ("observations", "source", "''"),
    ("observations", "grain", "'week'"), ("observations", "no_rows", "0"),
    ("runs", "plugins", "'{}'"), ("runs", "errors", "'[]'"), ("runs", "revised", "'{}'"),
    ("runs", "warnings", "'[]'"), ("runs", "lines_zh", "'{}'"), ("runs", "plan_unit", "''"),
    ("runs", "moved_from", "''"),
    ("spend", "note", "''"), ("spend", "plan_unit", "''"), ("spend", "plan_id", "''"),
    ("spend", "moved_from", "''"),
})  # fmt: skip
"""Every column default okrdesk's migrations make in SQLite: (table, column, the default as
``PRAGMA table_info`` gives it). A migration never changes one, so a store of any version
has these or none. okrdesk's writes leave some columns to their default (a check-in's
``withdrawn``): one set otherwise by hand (``withdrawn TEXT DEFAULT '2026-01-01'``) had
every check-in recorded withdrawn, said recorded and counted for nothing."""

INDEXES_MADE = frozenset({
    "CREATE INDEX checkins_by_key_result ON checkins (key_result, subject, day)",
    "CREATE INDEX spend_by_line ON spend (line, day)",
    "CREATE INDEX observations_by_subject ON observations (subject, metric, period_end)",
    "CREATE INDEX observations_by_subject ON observations (subject, metric, grain, "
    "period_start, period_end, value, numerator, denominator)",
    "CREATE INDEX observations_by_subject ON observations (subject, metric, slice, grain, "
    "period_start, period_end, value, numerator, denominator)",
    "CREATE INDEX observations_by_subject ON observations (subject, metric, grain, "
    "period_start, period_end, value, numerator, denominator) WHERE slice = ''",
    "CREATE INDEX observation_slices_by_subject ON observations (subject, metric, slice, "
    "grain, period_start, period_end, value, numerator, denominator) WHERE slice > ''",
    f"CREATE INDEX {NO_NUMBER_INDEX} ON observations (metric) WHERE {NO_NUMBER}",
    "CREATE INDEX checkins_by_subject ON checkins (subject, key_result, day)",
    "CREATE INDEX spend_by_unit ON spend (plan_unit, line, day)",
    "CREATE INDEX spend_by_plan ON spend (plan_id, plan_unit)",
    "CREATE INDEX runs_by_plan_unit ON runs (plan_unit)",
})  # fmt: skip
"""Every index okrdesk's migrations make in SQLite, in any version, as its statement with
one space between words. Any other on one of its tables is refused when a store is
opened: an index on an expression (``json_extract(note, '$')``) runs inside okrdesk's
writes, and one that fails stopped a check-in midway with SQLite's words alone."""


def _typed(**columns: str) -> dict[str, str]:
    return {column: kind for kind, named in columns.items() for column in named.split()}


COLUMN_TYPES_MADE = {
    "runs": _typed(INTEGER="id pid stored_order", TEXT="started finished status command "
                   "through plugins errors revised warnings metrics landed lines_zh host "
                   "process_start plan_unit subjects moved_from kinds bases kept"),
    "checkins": _typed(INTEGER="id", REAL="value confidence", TEXT="key_result subject day "
                       "note recorded withdrawn withdrawn_by withdraw_reason author "
                       "moved_from moved"),
    "spend": _typed(INTEGER="id amount_fen reverses", TEXT="line day signed_by note "
                    "override_reason recorded plan_unit plan_id moved_from moved"),
    "observations": _typed(TEXT="metric period subject slice period_start period_end source "
                           "plugin grain partial_through", REAL="value numerator denominator",
                           INTEGER="run_id no_rows"),
    "period_totals": _typed(TEXT="metric period grain period_start period_end",
                            REAL="value numerator denominator", INTEGER="observations"),
    "running_totals": _typed(TEXT="metric grain year next_period subject period",
                             REAL="value numerator denominator", INTEGER="observations"),
    "collected_fingerprints": _typed(TEXT="metric period fingerprint"),
    HAND_EDITS: _typed(TEXT="metric period"),
    OKRDESK_WRITES: _typed(INTEGER="writing"),
}  # fmt: skip
"""``tables_as_made()``, written out (a test holds them the same): each column's type, read
when a store is opened, where running the migrations to learn them would cost 0.3 s. A
migration never changes a column's type, so a store of any version has these."""

NULLABLE_MADE = frozenset(
    (table, column)
    for table, columns in {
        "runs": "pid finished through metrics landed host process_start subjects kinds bases "
                "kept stored_order",
        "checkins": "confidence withdrawn moved",
        "spend": "reverses override_reason moved",
        "observations": "partial_through value numerator denominator",
        "period_totals": "value numerator denominator",
        "running_totals": "value numerator denominator",
    }.items()
    for column in columns.split()
)  # fmt: skip
"""Each column okrdesk's migrations make without ``NOT NULL`` (and outside a key), in
SQLite and on a server alike: okrdesk's writes leave them empty (a check-in without a
confidence, a run not finished yet), so one made ``NOT NULL`` by hand refused them midway.
A migration makes a column ``NOT NULL`` or not once and for all, so a store of any version
has these (a test holds them to what the migrations make)."""

ROW_IDS_MADE = frozenset({("runs", "id"), ("checkins", "id"), ("spend", "id")})
"""Each column okrdesk makes an SQLite table's ``INTEGER PRIMARY KEY``: the row's id, never
NULL there though not made ``NOT NULL`` (on a server, ``NOT NULL`` as every key's column).
Every other column okrdesk makes outside ``NULLABLE_MADE`` is ``NOT NULL``, in every
version: one found without is refused, as rows written by other software may hold NULLs
okrdesk's reads never expect."""

FOREIGN_KEYS_MADE = frozenset({
    ("observations", "run_id", "runs", "id"),
    ("spend", "reverses", "spend", "id"),
})  # fmt: skip
"""Every foreign key okrdesk's migrations make in SQLite: (table, column, the table it
refers to, its column). A store holding any other from or to a table okrdesk writes is
refused: one added by hand (a database browser's "modify table") refused okrdesk's own
writes midway."""


@functools.cache
def tables_as_made() -> dict[str, dict[str, str]]:
    """Each table this okrdesk's migrations make → its columns → their types (TEXT, REAL
    or INTEGER, as SQLite makes them; a test holds PostgreSQL's the same): what a store's
    tables are checked against when one was changed by hand."""
    import sqlite3

    import sqlite_utils

    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    try:
        for migration in MIGRATIONS:
            migration(db)
        return {
            table.name: {column.name: column.type.upper() for column in table.columns}
            for table in db.tables
        }
    finally:
        db.close()


_PG_TEXT = 'TEXT COLLATE "C"'

POSTGRES_MIGRATIONS: tuple[str, ...] = (
    # 1
    f"""
    CREATE TABLE runs (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        started {_PG_TEXT} NOT NULL,
        finished {_PG_TEXT},
        status {_PG_TEXT} NOT NULL,
        command {_PG_TEXT} NOT NULL,
        through {_PG_TEXT},
        pid BIGINT,
        plugins {_PG_TEXT} NOT NULL DEFAULT '{{}}',
        errors {_PG_TEXT} NOT NULL DEFAULT '[]'
    );
    CREATE TABLE observations (
        metric {_PG_TEXT} NOT NULL,
        period {_PG_TEXT} NOT NULL,
        subject {_PG_TEXT} NOT NULL,
        period_start {_PG_TEXT} NOT NULL,
        period_end {_PG_TEXT} NOT NULL,
        value DOUBLE PRECISION,
        numerator DOUBLE PRECISION,
        denominator DOUBLE PRECISION,
        source {_PG_TEXT} NOT NULL DEFAULT '',
        plugin {_PG_TEXT} NOT NULL,
        run_id BIGINT NOT NULL REFERENCES runs(id),
        PRIMARY KEY (metric, period, subject)
    );
    CREATE TABLE checkins (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        key_result {_PG_TEXT} NOT NULL,
        subject {_PG_TEXT} NOT NULL,
        day {_PG_TEXT} NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        confidence DOUBLE PRECISION,
        note {_PG_TEXT} NOT NULL DEFAULT '',
        recorded {_PG_TEXT} NOT NULL
    );
    CREATE TABLE spend (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        line {_PG_TEXT} NOT NULL,
        day {_PG_TEXT} NOT NULL,
        amount_fen BIGINT NOT NULL,
        signed_by {_PG_TEXT} NOT NULL,
        note {_PG_TEXT} NOT NULL DEFAULT '',
        override_reason {_PG_TEXT},
        recorded {_PG_TEXT} NOT NULL
    );
    CREATE INDEX checkins_by_key_result ON checkins (key_result, subject, day);
    CREATE INDEX spend_by_line ON spend (line, day);
    """,
    # 2
    "CREATE INDEX observations_by_subject ON observations (subject, metric, period_end);",
    # 3
    f"""
    ALTER TABLE observations ADD COLUMN grain {_PG_TEXT} NOT NULL DEFAULT 'week';
    UPDATE observations SET grain = CASE WHEN period LIKE '%-W%' THEN 'week'
        WHEN period LIKE '%-Q%' THEN 'quarter' ELSE 'month' END;
    """,
    # 4
    """
    DROP INDEX observations_by_subject;
    CREATE INDEX observations_by_subject ON observations (subject, metric, grain,
        period_start, period_end, value, numerator, denominator);
    """,
    # 5
    f"""
    ALTER TABLE checkins ADD COLUMN withdrawn {_PG_TEXT};
    ALTER TABLE checkins ADD COLUMN withdrawn_by {_PG_TEXT} NOT NULL DEFAULT '';
    ALTER TABLE checkins ADD COLUMN withdraw_reason {_PG_TEXT} NOT NULL DEFAULT '';
    ALTER TABLE spend ADD COLUMN reverses BIGINT REFERENCES spend(id);
    UPDATE checkins SET
        withdrawn = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
        withdrawn_by = 'okrdesk',
        withdraw_reason = 'not a finite number (stored by an older okrdesk)'
    WHERE value = 'NaN' OR abs(value) > 1e308;
    """,
    # 6
    f"""
    ALTER TABLE observations ADD COLUMN partial_through {_PG_TEXT};
    UPDATE observations SET partial_through = runs.through
    FROM runs WHERE runs.id = observations.run_id AND runs.through < observations.period_end;
    """,
    # 7
    f"ALTER TABLE checkins ADD COLUMN author {_PG_TEXT} NOT NULL DEFAULT '';",
    # 8
    f"""
    DROP INDEX observations_by_subject;
    ALTER TABLE observations RENAME TO observations_v7;
    ALTER TABLE observations_v7 RENAME CONSTRAINT observations_pkey TO observations_v7_pkey;
    CREATE TABLE observations (
        metric {_PG_TEXT} NOT NULL,
        period {_PG_TEXT} NOT NULL,
        subject {_PG_TEXT} NOT NULL,
        slice {_PG_TEXT} NOT NULL DEFAULT '',
        period_start {_PG_TEXT} NOT NULL,
        period_end {_PG_TEXT} NOT NULL,
        value DOUBLE PRECISION,
        numerator DOUBLE PRECISION,
        denominator DOUBLE PRECISION,
        source {_PG_TEXT} NOT NULL DEFAULT '',
        plugin {_PG_TEXT} NOT NULL,
        run_id BIGINT NOT NULL REFERENCES runs(id),
        grain {_PG_TEXT} NOT NULL DEFAULT 'week',
        partial_through {_PG_TEXT},
        PRIMARY KEY (metric, period, subject, slice)
    );
    INSERT INTO observations ({_V7_COLUMNS}) SELECT {_V7_COLUMNS} FROM observations_v7;
    DROP TABLE observations_v7;
    CREATE INDEX observations_by_subject ON observations (subject, metric, slice, grain,
        period_start, period_end, value, numerator, denominator);
    """,
    # 9
    f"DROP INDEX observations_by_subject;{_V9_INDEXES}",
    # 10
    f"""
    CREATE TABLE period_totals (
        metric {_PG_TEXT} NOT NULL,
        period {_PG_TEXT} NOT NULL,
        grain {_PG_TEXT} NOT NULL,
        period_start {_PG_TEXT} NOT NULL,
        period_end {_PG_TEXT} NOT NULL,
        value DOUBLE PRECISION,
        numerator DOUBLE PRECISION,
        denominator DOUBLE PRECISION,
        observations BIGINT NOT NULL,
        PRIMARY KEY (metric, period)
    );
    INSERT INTO period_totals {PERIOD_TOTALS_SELECT} WHERE slice = ''
        GROUP BY {PERIOD_TOTALS_GROUP};
    """,
    # 11
    f"""
    CREATE TABLE running_totals (
        metric {_PG_TEXT} NOT NULL,
        grain {_PG_TEXT} NOT NULL,
        year {_PG_TEXT} NOT NULL,
        next_period {_PG_TEXT} NOT NULL,
        subject {_PG_TEXT} NOT NULL,
        period {_PG_TEXT} NOT NULL,
        value DOUBLE PRECISION,
        numerator DOUBLE PRECISION,
        denominator DOUBLE PRECISION,
        observations BIGINT NOT NULL,
        PRIMARY KEY (metric, grain, year, next_period, subject)
    );
    {RUNNING_TOTALS_INSERT} WHERE slice = '' {RUNNING_TOTALS_WINDOWS};
    """,
    # 12
    f"ALTER TABLE runs ADD COLUMN revised {REVISED_COLUMN.replace('TEXT', _PG_TEXT)};",
    # 13
    f"""
    CREATE TABLE collected_fingerprints (
        metric {_PG_TEXT} NOT NULL,
        period {_PG_TEXT} NOT NULL,
        fingerprint {_PG_TEXT} NOT NULL,
        PRIMARY KEY (metric, period)
    );
    """,
    # 14
    f"ALTER TABLE runs ADD COLUMN warnings {WARNINGS_COLUMN.replace('TEXT', _PG_TEXT)};",
    # 15
    f"ALTER TABLE runs ADD COLUMN metrics {_PG_TEXT};",
    # 16
    f"ALTER TABLE runs ADD COLUMN landed {_PG_TEXT};",
    # 17
    f"ALTER TABLE runs ADD COLUMN lines_zh {LINES_ZH_COLUMN.replace('TEXT', _PG_TEXT)};",
    # 18
    f"ALTER TABLE runs ADD COLUMN host {_PG_TEXT}; "
    f"ALTER TABLE runs ADD COLUMN process_start {_PG_TEXT};",
    # 19: nothing. SQLite's index of figures that are no number: a double precision
    # column holds numbers only.
    "SELECT 1;",
    # 20: okrdesk's own writes set okrdesk.writing for their transaction; any other write
    # to observations notes its metric and period, in the hand_edits beside the table
    # edited: not one that whoever edits finds first on a search_path of theirs (a
    # temporary table, a schema named after their role).
    f"""
    CREATE TABLE {HAND_EDITS} (
        metric {_PG_TEXT} NOT NULL,
        period {_PG_TEXT} NOT NULL,
        PRIMARY KEY (metric, period)
    );
    CREATE FUNCTION okrdesk_note_hand_edit() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        noted text := format(
            'INSERT INTO %I.{HAND_EDITS} (metric, period) VALUES ($1, $2) '
            'ON CONFLICT DO NOTHING', TG_TABLE_SCHEMA
        );
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            EXECUTE noted USING OLD.metric, OLD.period;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            EXECUTE noted USING NEW.metric, NEW.period;
        END IF;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER observations_edited_by_hand
    AFTER INSERT OR UPDATE OR DELETE ON observations FOR EACH ROW
    WHEN (current_setting('okrdesk.writing', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION okrdesk_note_hand_edit();
    """,
    # 21
    WEEKS_CUT_AT_THE_YEAR,
    # 22
    f"ALTER TABLE spend ADD COLUMN plan_unit {_PG_TEXT} NOT NULL DEFAULT '';",
    # 23
    f"ALTER TABLE runs ADD COLUMN plan_unit {_PG_TEXT} NOT NULL DEFAULT '';",
    # 24
    f"ALTER TABLE spend ADD COLUMN plan_id {_PG_TEXT} NOT NULL DEFAULT ''; "
    f"ALTER TABLE spend ADD COLUMN moved_from {_PG_TEXT} NOT NULL DEFAULT ''; "
    f"ALTER TABLE spend ADD COLUMN moved {_PG_TEXT};",
    # 25
    f"ALTER TABLE runs ADD COLUMN subjects {_PG_TEXT};",
    "ALTER TABLE observations ADD COLUMN no_rows BIGINT NOT NULL DEFAULT 0; "
    f"UPDATE observations SET no_rows = 1 WHERE {WORDED_ZEROS};",
    # 27
    f"ALTER TABLE checkins ADD COLUMN moved_from {_PG_TEXT} NOT NULL DEFAULT ''; "
    f"ALTER TABLE checkins ADD COLUMN moved {_PG_TEXT}; "
    f"ALTER TABLE runs ADD COLUMN moved_from {_PG_TEXT} NOT NULL DEFAULT '';",
    # 28
    f"{SCOPED_READ_INDEXES};",
    # 29
    f"ALTER TABLE runs ADD COLUMN kinds {_PG_TEXT};",
    # 30
    f"ALTER TABLE runs ADD COLUMN bases {_PG_TEXT};",
    # 31
    f"ALTER TABLE runs ADD COLUMN kept {_PG_TEXT};",
    # 32
    "ALTER TABLE runs ADD COLUMN stored_order BIGINT;",
)
"""PostgreSQL's DDL for each version, in the order of ``MIGRATIONS``."""

POSTGRES_CONSTRAINTS_MADE = frozenset({
    ("runs", "PRIMARY KEY (id)"), ("checkins", "PRIMARY KEY (id)"),
    ("spend", "PRIMARY KEY (id)"), ("spend", "FOREIGN KEY (reverses) REFERENCES spend(id)"),
    ("observations", "PRIMARY KEY (metric, period, subject)"),
    ("observations", "PRIMARY KEY (metric, period, subject, slice)"),
    ("observations", "FOREIGN KEY (run_id) REFERENCES runs(id)"),
    ("period_totals", "PRIMARY KEY (metric, period)"),
    ("running_totals", "PRIMARY KEY (metric, grain, year, next_period, subject)"),
    ("collected_fingerprints", "PRIMARY KEY (metric, period)"),
    (HAND_EDITS, "PRIMARY KEY (metric, period)"),
})  # fmt: skip
"""Every constraint but a ``NOT NULL`` that ``POSTGRES_MIGRATIONS`` make in some version,
as its table and ``pg_get_constraintdef`` (its name left out: the key version 8 made
again is named ``observations_run_id_fkey1`` in a store upgraded through it). Any other
on or referring to one of okrdesk's tables (a ``CHECK``, a foreign key, a ``UNIQUE``) is
refused when a store is opened: it would refuse okrdesk's writes midway; so is one made
only in other versions than the store's (``POSTGRES_MADE_IN_VERSIONS``)."""

POSTGRES_INDEXES_MADE = frozenset({
    "CREATE UNIQUE INDEX runs_pkey ON runs USING btree (id)",
    "CREATE UNIQUE INDEX checkins_pkey ON checkins USING btree (id)",
    "CREATE UNIQUE INDEX spend_pkey ON spend USING btree (id)",
    "CREATE UNIQUE INDEX observations_pkey ON observations USING btree (metric, period, "
    "subject)",
    "CREATE UNIQUE INDEX observations_pkey ON observations USING btree (metric, period, "
    "subject, slice)",
    "CREATE UNIQUE INDEX period_totals_pkey ON period_totals USING btree (metric, period)",
    "CREATE UNIQUE INDEX running_totals_pkey ON running_totals USING btree (metric, grain, "
    "year, next_period, subject)",
    "CREATE UNIQUE INDEX collected_fingerprints_pkey ON collected_fingerprints USING btree "
    "(metric, period)",
    f"CREATE UNIQUE INDEX {HAND_EDITS}_pkey ON {HAND_EDITS} USING btree (metric, period)",
    "CREATE INDEX checkins_by_key_result ON checkins USING btree (key_result, subject, day)",
    "CREATE INDEX spend_by_line ON spend USING btree (line, day)",
    "CREATE INDEX observations_by_subject ON observations USING btree (subject, metric, "
    "period_end)",
    "CREATE INDEX observations_by_subject ON observations USING btree (subject, metric, "
    "grain, period_start, period_end, value, numerator, denominator)",
    "CREATE INDEX observations_by_subject ON observations USING btree (subject, metric, "
    "slice, grain, period_start, period_end, value, numerator, denominator)",
    "CREATE INDEX observations_by_subject ON observations USING btree (subject, metric, "
    "grain, period_start, period_end, value, numerator, denominator) WHERE (slice = ''::text)",
    "CREATE INDEX observation_slices_by_subject ON observations USING btree (subject, "
    "metric, slice, grain, period_start, period_end, value, numerator, denominator) "
    "WHERE (slice > ''::text)",
    "CREATE INDEX checkins_by_subject ON checkins USING btree (subject, key_result, day)",
    "CREATE INDEX spend_by_unit ON spend USING btree (plan_unit, line, day)",
    "CREATE INDEX spend_by_plan ON spend USING btree (plan_id, plan_unit)",
    "CREATE INDEX runs_by_plan_unit ON runs USING btree (plan_unit)",
})  # fmt: skip
"""Every index ``POSTGRES_MIGRATIONS`` make in some version, as ``pg_get_indexdef`` says
it (its table's schema left out): ``INDEXES_MADE`` on a server. Any other on one of
okrdesk's tables is refused when a store is opened, as in an SQLite file: one on an
expression runs inside okrdesk's writes, and a ``UNIQUE`` one refuses some of them."""

_OBSERVATIONS_KEY_V1 = "PRIMARY KEY (metric, period, subject)"
_OBSERVATIONS_KEY_V8 = "PRIMARY KEY (metric, period, subject, slice)"
_BY_SUBJECT = "CREATE INDEX observations_by_subject ON observations USING btree (subject, metric, "
_OBSERVATIONS_PKEY = "CREATE UNIQUE INDEX observations_pkey ON observations USING btree (metric, "
POSTGRES_MADE_IN_VERSIONS: dict[tuple[str, str] | str, tuple[int, int | None]] = {
    ("observations", _OBSERVATIONS_KEY_V1): (1, 7),
    ("observations", _OBSERVATIONS_KEY_V8): (8, None),
    f"{_OBSERVATIONS_PKEY}period, subject)": (1, 7),
    f"{_OBSERVATIONS_PKEY}period, subject, slice)": (8, None),
    f"{_BY_SUBJECT}period_end)": (2, 3),
    f"{_BY_SUBJECT}grain, period_start, period_end, value, numerator, denominator)": (4, 7),
    f"{_BY_SUBJECT}slice, grain, period_start, period_end, value, numerator, denominator)":
        (8, 8),
    f"{_BY_SUBJECT}grain, period_start, period_end, value, numerator, denominator) "
    "WHERE (slice = ''::text)": (9, None),
    "CREATE INDEX observation_slices_by_subject ON observations USING btree (subject, "
    "metric, slice, grain, period_start, period_end, value, numerator, denominator) "
    "WHERE (slice > ''::text)": (9, None),
}  # fmt: skip
"""The constraints (as in ``POSTGRES_CONSTRAINTS_MADE``) and indexes (as in
``POSTGRES_INDEXES_MADE``) the migrations make in some versions only, with the first and
the last (None: still made): version 8 rebuilt observations with the slice in its key,
and versions 2, 4, 8 and 9 remade its subject index. In a store of any other version one
is not okrdesk's: a key without the slice, put back by hand in a store of version 8 or
later, refused every slice of a figure but the first."""


def made_in(version: int, made: tuple[str, str] | str) -> bool:
    """Whether a store of ``version`` may have ``made``, a constraint or an index that
    ``POSTGRES_MIGRATIONS`` make in some version (every other one from its making on)."""
    first, last = POSTGRES_MADE_IN_VERSIONS.get(made, (0, None))
    return first <= version and (last is None or version <= last)
