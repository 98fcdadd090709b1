"""A collect writes only what changed: a figure collected again as it is stored keeps
its row and the run that stored it; a changed, new or vanished figure is written or
deleted; and the store then holds exactly what a store written afresh with the same
figures holds, its period and running totals included. On both stores."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
import pytest

from backends import Backend
from okrdesk.model import Observation
from okrdesk.periods import Grain, Period, periods_between
from okrdesk.store import Store
from okrdesk.store.changes import STORED_SELECT, PeriodChanges, fingerprint, period_changes

WEEKS = list(periods_between(dt.date(2026, 1, 5), dt.date(2026, 2, 1), Grain.WEEK))
THROUGH = dt.date(2026, 1, 28)  # the last week collected in part
PLUGINS = {"aum": "p", "opened": "p"}
PEOPLE = [f"cm{k:02d}" for k in range(10)]


def figures(
    change: Mapping[tuple[str, str, str], float | None] | None = None,
    weeks: list[Period] = WEEKS,
) -> list[Observation]:
    """Each person's opened accounts and AUM (in two tiers) for every week; ``change``
    gives some (metric, subject, week) another value, or takes it away (None). AUM is
    not whole, so a sum added in another order shows in its last bits."""
    found = []
    for w, week in enumerate(weeks):
        for p, person in enumerate(PEOPLE):
            values = {
                ("opened", ""): float(p + w),
                ("aum", "a"): 1000.1 * (p + 1) + w / 3,
                ("aum", "b"): 20.7 * (w + 1) / 7,
            }
            for (metric, tier), value in values.items():
                key = (metric, person, week.id)
                if change and key in change:
                    given = change[key]
                    if given is None:
                        continue
                    value = given + (1 if tier == "b" else 0)
                found.append(
                    Observation(metric, person, week.id, value=value,
                                dimensions={"tier": tier} if tier else {},
                                source=f"crm.csv:{p * 10 + w + 2}")
                )  # fmt: skip
    return found


def contents(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every stored observation without its run, and the totals the store keeps."""
    return {
        "observations": store.query(
            "SELECT metric, period, subject, slice, period_start, period_end, grain, "
            "partial_through, value, numerator, denominator, source, plugin "
            "FROM observations ORDER BY metric, period, subject, slice"
        ),
        "period_totals": store.query("SELECT * FROM period_totals ORDER BY metric, period"),
        "running_totals": store.query(
            "SELECT * FROM running_totals ORDER BY metric, grain, year, subject, period"
        ),
    }


def runs_of(store: Store) -> dict[tuple[str, str, str, str], int]:
    rows = store.query("SELECT metric, period, subject, slice, run_id FROM observations")
    return {(m, p, s, c): int(r) for m, p, s, c, r in rows}


def collect(
    store: Store,
    observations: Iterable[Observation],
    through: dt.date | None = THROUGH,
    weeks: list[Period] = WEEKS,
) -> int:
    run = store.start_run("collect", through)
    store.replace_observations(run, PLUGINS, weeks, observations, through)
    return run


def written_afresh(
    root: Path,
    backend: Backend,
    observations: list[Observation],
    weeks: list[Period] = WEEKS,
    through: dt.date | None = THROUGH,
) -> object:
    """What a store that never held anything holds once ``observations`` are written."""
    fresh = root.parent / f"{root.name}-fresh"
    fresh.mkdir()
    location: Path | str = fresh / "okrdesk.db"
    if backend.url is not None:
        location = backend.url
        with Store.open(location) as store, store.transaction():
            store.empty_tables()
    with Store.open(location) as store:
        collect(store, observations, through, weeks)
        return contents(store)


def test_the_same_figures_again_keep_their_rows_and_run(backend: Backend) -> None:
    root = backend.workspace()
    with backend.open(root) as store:
        first = collect(store, figures())
        before = contents(store)
        changed = store.changes.changed
        collect(store, figures())
        assert contents(store) == before
        assert (store.changes.changed, store.changes.gone) == (changed, 0)
        assert set(runs_of(store).values()) == {first}


def test_figures_added_up_in_another_order_are_the_same_figures(backend: Backend) -> None:
    """A source adding a day's figures in no fixed order (DuckDB's sum, in parallel)
    gives 718.15 one collect and 718.1500000000001 the next from the same file: every
    collect said dozens of figures of finished weeks were revised, and rewrote them."""
    root = backend.workspace()
    jittered = [
        attrs.evolve(o, value=math.nextafter(o.value, math.inf)) if o.value else o
        for o in figures()
    ]
    assert jittered != figures()
    with backend.open(root) as store:
        first = collect(store, figures())
        before = contents(store)
        store.changes.changed = 0
        collect(store, jittered)
        assert (store.changes.changed, store.changes.gone, store.changes.revised) == (0, 0, {})
        assert contents(store) == before
        assert set(runs_of(store).values()) == {first}
        # A restatement of a fen is one.
        restated = [attrs.evolve(o, value=o.value + 0.01) if o.subject == "cm03" and
                    o.dimensions == {"tier": "a"} else o for o in figures()]  # fmt: skip
        collect(store, restated)
        assert store.changes.revised == {("aum", week.id): 1 for week in WEEKS[:-1]}


def test_only_what_changed_is_written_and_the_store_is_as_if_written_afresh(
    backend: Backend,
) -> None:
    root = backend.workspace()
    w1, w3 = WEEKS[1].id, WEEKS[3].id
    change = {
        ("opened", "cm03", w1): 99.0,  # a new value
        ("aum", "cm04", w1): 7.5,  # both slices, and so their whole
        ("opened", "cm05", w1): None,  # gone
        ("aum", "cm06", w3): None,  # both slices and the whole gone
    }
    later = [*figures(change), Observation("opened", "cm99", w3, value=4.0)]  # someone new
    with backend.open(root) as store:
        first = collect(store, figures())
        assert (store.changes.changed, store.changes.gone) == (len(runs_of(store)), 0)
        store.changes.changed = 0
        second = collect(store, later)
        assert (store.changes.changed, store.changes.gone) == (5, 4)
        # Week 3 was stored in part (through THROUGH): what changed there is no revision.
        assert store.changes.revised == {("opened", w1): 2, ("aum", w1): 1}
        runs = runs_of(store)
        rewritten = {key for key, run in runs.items() if run == second}
        assert rewritten == {
            ("opened", w1, "cm03", ""),
            ("aum", w1, "cm04", "tier=a"), ("aum", w1, "cm04", "tier=b"),
            ("aum", w1, "cm04", ""),
            ("opened", w3, "cm99", ""),
        }  # fmt: skip
        assert ("opened", w1, "cm05", "") not in runs
        assert not any(key[:3] == ("aum", w3, "cm06") for key in runs)
        assert set(runs.values()) == {first, second}
        now = contents(store)
    assert now == written_afresh(root, backend, later)


def periods_read(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (metric, period) pairs whose stored rows the store reads back to compare, from
    now on, as it reads them."""
    read: list[tuple[str, str]] = []
    rows = store._rows

    def reading(sql: str, params: tuple[str, str] = ()) -> object:  # type: ignore[assignment]
        if sql == STORED_SELECT:
            read.append(tuple(params))  # type: ignore[arg-type]
        return rows(sql, params)

    monkeypatch.setattr(store, "_rows", reading)
    return read


def test_a_period_collected_as_it_was_brought_last_is_not_read_again(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = backend.workspace()
    w1 = WEEKS[1].id
    later = figures({("aum", "cm04", w1): 7.5})
    with backend.open(root) as store:
        read = periods_read(store, monkeypatch)
        collect(store, figures())
        assert len(read) == len(PLUGINS) * len(WEEKS)  # nothing fingerprinted yet
        read.clear()
        collect(store, figures())
        assert read == []
        collect(store, later)
        assert read == [("aum", w1)]
        read.clear()
        # Back as it was first: read, since the store now holds the changed figure.
        collect(store, figures())
        assert read == [("aum", w1)]
        now = contents(store)
    assert now == written_afresh(root, backend, figures())


def test_a_period_left_unread_counts_the_rows_that_stand_for_it(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count a collect reports is the same whether its periods were compared or left
    unread: each figure given in slices alone has its whole added, one given with its
    whole keeps that one."""
    wholes = [Observation("aum", person, week.id, value=1.0, source="crm.csv:1")
              for week in WEEKS for person in PEOPLE[:3]]  # fmt: skip
    root = backend.workspace()
    with backend.open(root) as store:
        read = periods_read(store, monkeypatch)
        for given in (figures(), figures() + wholes):
            counts = []
            for _ in range(2):
                read.clear()
                run = store.start_run("collect", THROUGH)
                counts.append(store.replace_observations(run, PLUGINS, WEEKS, given, THROUGH))
            assert read == [], "the second time, no period is read"
            # Every AUM figure stands as its two slices and its whole.
            assert counts == [len(figures()) + len(PEOPLE) * len(WEEKS)] * 2


def test_a_whole_is_added_up_in_the_order_of_its_slices_whatever_order_they_come_in(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 are two floats. A plugin whose slices come
    in another order from one collect to the next (the brokerage plugin's AUM, whole
    before its slices or after) leaves its periods unread and their wholes as they
    were, and the same rows given straight to ``replace_rows`` in another order are
    compared and found the same."""
    week = WEEKS[0]
    given = [Observation("aum", "cm01", week.id, value=v, dimensions={"tier": t}, source="s")
             for t, v in (("a", 0.1), ("b", 0.2), ("c", 0.3))]  # fmt: skip
    assert sum(o.value or 0.0 for o in given) != sum(o.value or 0.0 for o in given[::-1])
    whole = Observation("aum", "cm01", week.id, value=0.5, source="crm.csv:7")
    root = backend.workspace()
    with backend.open(root) as store:
        read = periods_read(store, monkeypatch)
        collect(store, [whole, *given], weeks=[week])
        stored = contents(store)
        # The sum as the slices are written, not 0.6000000000000001 (test_stored_as_meant).
        assert store.query("SELECT value FROM observations WHERE slice = ''") == [(0.6,)]
        read.clear()
        collect(store, [*given[::-1], whole], weeks=[week])
        assert read == []
        rows = [(o.metric, o.subject, o.period, o.slice, o.value, None, None, o.source, 0)
                for o in (*given[::-1], whole)]  # fmt: skip
        run = store.start_run("collect", THROUGH)
        store.replace_rows(run, PLUGINS, [week], rows, THROUGH)
        assert read == [("aum", week.id)]
        assert contents(store) == stored
        assert store.changes.revised == {}


def test_a_whole_added_up_again_from_unchanged_slices_is_no_restatement() -> None:
    """A store holds wholes added up from their slices in another order from before
    they were added in the order of their slices: such a whole, different in its last
    bits only, is the same figure (``SAME_FIGURE``), and is counted as restated only
    where a slice of it changed, or it has none."""
    span = ("2026-01-05", "2026-01-11", "week", None)  # a complete week
    stored = [
        ("cm01", "", *span, 0.3 + 0.2 + 0.1, None, None, "s", 0, "p"),
        ("cm01", "tier=a", *span, 0.1, None, None, "s", 0, "p"),
        ("cm01", "tier=b", *span, 0.2, None, None, "s", 0, "p"),
        ("cm01", "tier=c", *span, 0.3, None, None, "s", 0, "p"),
        ("cm02", "", *span, 2.0, None, None, "s", 0, "p"),
    ]

    def row(subject: str, cut: str, value: float) -> tuple[object, ...]:
        return ("aum", "W02", subject, cut, *span, value, None, None, "s", 0, "p", 9)

    same_slices = [
        row("cm01", "", 0.1 + 0.2 + 0.3), row("cm01", "tier=a", 0.1),
        row("cm01", "tier=b", 0.2), row("cm01", "tier=c", 0.3), row("cm02", "", 2.0),
    ]  # fmt: skip
    changes = period_changes(stored, same_slices)
    assert (changes.changed, changes.revised) == (0, 0)
    a_slice_restated = [*same_slices[:1], row("cm01", "tier=a", 0.1 + 1e-9), *same_slices[2:]]
    a_slice_restated[0] = row("cm01", "", 0.1 + 1e-9 + 0.2 + 0.3)
    assert period_changes(stored, a_slice_restated).revised == 1
    a_slice_gone = [row("cm01", "", 0.2 + 0.3), *same_slices[2:]]
    assert period_changes(stored, a_slice_gone).revised == 1
    no_slices = [*same_slices[:4], row("cm02", "", 2.0 + 1e-12)]
    assert period_changes(stored, no_slices).revised == 1


def test_a_period_that_cannot_be_fingerprinted_is_compared_until_it_can(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source given as a subclass of ``str``, which ``marshal`` refuses: that period is
    stored, its old fingerprint forgotten, and it is compared the next time."""

    class Cited(str):
        pass

    w2 = WEEKS[2].id
    odd = [
        Observation(o.metric, o.subject, o.period, value=o.value + 1, source=Cited(o.source))
        if (o.metric, o.period) == ("opened", w2) else o
        for o in figures()
    ]  # fmt: skip
    root = backend.workspace()
    with backend.open(root) as store:
        collect(store, figures())
        read = periods_read(store, monkeypatch)
        before = store.changes.changed
        collect(store, odd)
        assert read == [("opened", w2)]
        assert store.changes.changed - before == len(PEOPLE)
        read.clear()
        collect(store, figures())
        assert read == [("opened", w2)]
        now = contents(store)
    assert now == written_afresh(root, backend, figures())


def test_a_store_copied_over_compares_its_next_collect(tmp_path: Path) -> None:
    """The target's fingerprints were of the rows it held before the copy."""
    from okrdesk.app.store import copy_store

    source, target = tmp_path / "source.db", tmp_path / "target.db"
    with Store.open(target) as store:
        collect(store, figures())
    with Store.open(source) as store:
        collect(store, figures({("opened", "cm01", WEEKS[0].id): 5.5}))
    copy_store(source, target, replace=True)
    with Store.open(target) as store:
        assert store.query("SELECT count(*) FROM collected_fingerprints") == [(0,)]
        collect(store, figures())
        now = contents(store)
    assert now == written_afresh(tmp_path / "w", Backend("sqlite", None, None), figures())  # type: ignore[arg-type]


def test_a_fingerprint_is_of_the_rows_in_their_order_whatever_their_make() -> None:
    said = ("2026-01-05", "2026-01-11", "week", None, "p")
    rows = [("aum", f"cm{k}", "2026-W02", "", float(k), None, None, f"crm.csv:{k}")
            for k in range(5)]  # fmt: skip
    found = fingerprint(rows, said)
    assert found is not None and len(found) == 32
    # Rows read back from marshal's own file (text interned, objects shared) and rows
    # made afresh: the same rows. In another order, others: a whole is added up from
    # its slices in the order given.
    import marshal

    again = marshal.loads(marshal.dumps(rows))
    assert fingerprint(again, tuple(said)) == found
    assert fingerprint(list(reversed(again)), said) != found
    assert fingerprint([], said) == fingerprint([], said) != found
    # What the store writes, each told apart, the type of a number too.
    for column, other in ((1, "cm9"), (3, "tier=a"), (4, 0), (5, 0.0), (6, 1.0),
                          (7, "crm.csv:99")):  # fmt: skip
        changed = [(*rows[0][:column], other, *rows[0][column + 1 :]), *rows[1:]]
        assert fingerprint(changed, said) != found, column
    assert fingerprint([(*rows[0][:4], 0, *rows[0][5:]), *rows[1:]], said) != fingerprint(
        [(*rows[0][:4], 0.0, *rows[0][5:]), *rows[1:]], said
    )
    # And what is written beside them: the period's dates, grain, partial day, plugin.
    for k, other in enumerate(("2026-01-06", "2026-01-12", "month", "2026-01-09", "q")):
        assert fingerprint(rows, (*said[:k], other, *said[k + 1 :])) != found, k

    class Cited(str):
        pass

    assert fingerprint([(*rows[0][:7], Cited("x"))], said) is None


def test_a_later_day_rewrites_the_partial_week_and_nothing_else(backend: Backend) -> None:
    root = backend.workspace()
    with backend.open(root) as store:
        first = collect(store, figures())
        second = collect(store, figures(), THROUGH + dt.timedelta(days=2))
        rewritten = {key[1] for key, run in runs_of(store).items() if run == second}
        assert rewritten == {WEEKS[-1].id}
        assert {key[1] for key, run in runs_of(store).items() if run == first} == {
            w.id for w in WEEKS[:-1]
        }
        assert store.collected_through("opened", Grain.WEEK) == THROUGH + dt.timedelta(days=2)


def test_a_period_mostly_changed_is_replaced_whole_with_the_same_result(
    backend: Backend,
) -> None:
    root = backend.workspace()
    week = WEEKS[2].id
    change: dict[tuple[str, str, str], float | None] = {
        ("opened", person, week): 50.0 + k for k, person in enumerate(PEOPLE)
    }
    change[("opened", "cm00", week)] = None
    later = figures(change)
    with backend.open(root) as store:
        collect(store, figures())
        second = collect(store, later)
        assert {
            k[2] for k, run in runs_of(store).items() if run == second and k[:2] == ("opened", week)
        } == set(PEOPLE[1:])
        now = contents(store)
    assert now == written_afresh(root, backend, later)


def test_a_period_collected_empty_loses_its_rows_and_totals(backend: Backend) -> None:
    root = backend.workspace()
    emptied = {("opened", person, WEEKS[0].id): None for person in PEOPLE}
    later = figures(emptied)
    with backend.open(root) as store:
        collect(store, figures())
        collect(store, later)
        assert not store.query(
            "SELECT 1 FROM period_totals WHERE metric = 'opened' AND period = ?", (WEEKS[0].id,)
        )
        # A week over and stored, now reported by nobody: each figure gone is a revision.
        assert store.changes.gone == len(PEOPLE)
        assert store.changes.revised == {("opened", WEEKS[0].id): len(PEOPLE)}
        now = contents(store)
    assert now == written_afresh(root, backend, later)


def test_running_totals_carried_on_in_each_year_are_those_added_up_from_its_start(
    backend: Backend,
) -> None:
    """Weeks at the new year: ISO 2026-W53 is cut there, 28 to 31 December 2026-W53
    (2026's totals), 1 to 3 January 2027-W00 (2027's)."""
    weeks = list(periods_between(dt.date(2026, 12, 14), dt.date(2027, 1, 17), Grain.WEEK))
    assert [w.id for w in weeks] == [
        "2026-W51", "2026-W52", "2026-W53", "2027-W00", "2027-W01", "2027-W02"
    ]  # fmt: skip
    change = {
        ("aum", "cm01", "2026-W52"): 5.1,
        ("opened", "cm02", "2026-W52"): None,
        ("opened", "cm02", "2027-W00"): 2.5,
        ("aum", "cm03", "2027-W01"): 7.3,
        ("opened", "cm04", "2027-W02"): None,
    }
    later = figures(change, weeks)
    root = backend.workspace()
    with backend.open(root) as store:
        collect(store, figures(weeks=weeks), None, weeks)
        collect(store, later, None, weeks)
        now = contents(store)
    assert now == written_afresh(root, backend, later, weeks, None)


def test_rows_that_come_apart_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with Store.open(tmp_path / "okrdesk.db") as store:
        collect(store, figures())
        before = contents(store)
        run = store.start_run("collect", THROUGH)
        apart = [
            ("opened", "cm01", WEEKS[0].id, "", 1.0, None, None, "", 0),
            ("opened", "cm01", WEEKS[1].id, "", 1.0, None, None, "", 0),
            ("opened", "cm02", WEEKS[0].id, "", 1.0, None, None, "", 0),
        ]
        with pytest.raises(ValueError, match="grouped by metric and period"):
            store.replace_rows(run, {"opened": "p"}, WEEKS, apart, THROUGH)
        assert contents(store) == before


ROW = (
    "m",
    "W1",
    "cm1",
    "",
    "2026-01-05",
    "2026-01-11",
    "week",
    None,
    1.0,
    None,
    None,
    "",
    0,
    "p",
    2,
)


def _stored(row: tuple[object, ...]) -> tuple[object, ...]:
    """``row`` as the store reads it back to compare."""
    return row[2:14]


def test_period_changes_writes_what_differs_and_drops_what_is_gone() -> None:
    same = [(*ROW[:2], f"cm{k}", *ROW[3:]) for k in range(6)]
    stored = [_stored(row) for row in same]
    changed = (*same[1][:8], 2.0, *same[1][9:])
    new = (*ROW[:2], "cm9", *ROW[3:])
    found = period_changes(stored, [same[0], changed, *same[2:5], new])
    assert found == PeriodChanges(
        [changed, new], [("cm5", ""), ("cm1", "")], changed=2, gone=1, revised=2
    )
    assert period_changes(stored, same).any is False
    assert period_changes([], same) == PeriodChanges(same, changed=6)
    # A source, a partial day, a mark of a zero for no rows or a plugin of its own is a
    # change too, not only a value.
    for column in (7, 11, 12, 13):
        other = (*same[0][:column], "x", *same[0][column + 1 :])
        assert period_changes(stored, [other, *same[1:]]).write == [other]


def test_period_changes_replaces_a_period_whole_once_most_of_it_changed() -> None:
    same = [(*ROW[:2], f"cm{k}", *ROW[3:]) for k in range(4)]
    stored = [_stored(row) for row in same]
    two = [(*row[:8], 9.0, *row[9:]) for row in same[:2]]
    assert period_changes(stored, [*two, *same[2:]]).whole is False
    three = [(*row[:8], 9.0, *row[9:]) for row in same[:3]]
    assert period_changes(stored, [*three, same[3]]) == PeriodChanges(
        [*three, same[3]], whole=True, changed=3, revised=3
    )
    assert period_changes(stored, same[:1]) == PeriodChanges(
        same[:1], whole=True, gone=3, revised=3
    )


def test_totals_are_carried_on_where_the_database_adds_plainly(backend: Backend) -> None:
    """PostgreSQL, and the SQLite this suite runs on (before 3.43), add floats as they
    come: a weekly collect carries running totals on rather than adding up the year."""
    import sqlite3

    with backend.open(backend.workspace()) as store:
        plain = backend.name == "postgresql" or sqlite3.sqlite_version_info < (3, 43)
        assert store._sums_plainly() is plain


def test_a_revision_is_a_complete_whole_figure_that_reads_otherwise_or_is_gone() -> None:
    complete = [(*ROW[:2], f"cm{k}", *ROW[3:]) for k in range(8)]
    stored = [_stored(row) for row in complete]
    value = (*complete[0][:8], 2.0, *complete[0][9:])
    source = (*complete[1][:11], "other.csv:3", *complete[1][12:])
    found = period_changes(stored, [value, source, *complete[2:7]])  # cm7 gone
    assert (found.changed, found.gone, found.revised) == (2, 1, 2)
    partial = [(*row[:7], "2026-01-08", *row[8:]) for row in complete]
    found = period_changes([_stored(row) for row in partial], [value, *complete[1:7]])
    assert found.revised == 0  # stored in part: more days, another figure
    sliced = [(*row[:3], "tier=a", *row[4:]) for row in complete]
    again = (*sliced[0][:8], 2.0, *sliced[0][9:])
    assert period_changes([_stored(row) for row in sliced], [again, *sliced[1:]]).revised == 0
