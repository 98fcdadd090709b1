"""What a collect changes in one stored period of a metric: the rows to write and the
rows to drop.

A weekly collect asks for every period of the plan, and all but the latest few come
back as they are stored. Rewriting those (each row out of the table and its index and
back in, through the write-ahead log) was most of a firm's collect and changed nothing.
The store now writes only the rows that differ from what it holds: a figure collected
again unchanged keeps the run that first stored it as it is (``explain`` names that
run), and its period's totals are not added up again.

Reading the stored rows back to compare was then the largest part of storing a firm's
weekly collect, for periods that had not changed. The store keeps a fingerprint of each
period's rows as it last brought them to a collect (``fingerprint``); a period whose
rows come back with the same fingerprint is left without being read, and without its
rows being made into stored ones.
"""

from __future__ import annotations

import datetime as dt
import marshal
import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from okrdesk.periods import in_grain_order
from okrdesk.records import shared_methods

StoredRow = tuple[Any, ...]
"""A stored observation in the order the store writes its columns: metric, period,
subject, slice, period_start, period_end, grain, partial_through, value, numerator,
denominator, source, no_rows, plugin, run_id."""

COLUMNS = (
    "metric, period, subject, slice, period_start, period_end, grain, partial_through, "
    "value, numerator, denominator, source, no_rows, plugin, run_id"
)
"""``StoredRow``'s columns, as SQL."""

STORED_SELECT = (
    "SELECT subject, slice, period_start, period_end, grain, partial_through, value, "
    "numerator, denominator, source, no_rows, plugin FROM observations "
    "WHERE metric = ? AND period = ?"
)
"""A stored period's rows as ``period_changes`` compares them: the key, then ``_KEPT``."""

_KEPT = slice(4, 14)
"""What a row says, beside its key: the columns from period_start to plugin. The run is
not among them: a row the same in all of these is the same figure, whoever stored it."""

_FIGURES = slice(4, 7)
"""Of what a stored row says (``_KEPT``), its value, numerator and denominator; its
partial day is at 3."""
_NOW = slice(8, 11)
"""The same of a collected row."""

_ALL_BUT_SOURCE, _NOW_BUT_SOURCE = slice(0, 7), slice(4, 11)
"""Of a stored row's ``_KEPT`` and of a collected row, all they say before the source:
dates, grain, partial day and figures."""
_PLUGIN, _NOW_PLUGIN = 9, 13

_SAID = slice(2, 14)
"""What a collected row says of its period: its key (subject, slice), then ``_KEPT``."""

SAME_FIGURE = 1e-13
"""Two figures this close, relative to the larger, are one figure added up in another
order: a source that adds a day's doubles in no fixed order (DuckDB's sum, in
parallel) gives 718.15 one week and 718.1500000000001 the next from the same file. A
restatement of a fen is far larger on any figure a person holds (1e-12 of 50亿)."""
NO_FIGURE = 1e-12
"""A figure nearer 0 than this is 0 added up from parts that cancel (0.1 + 0.2 - 0.3)."""


def _same(stored: tuple[Any, ...], collected: tuple[Any, ...]) -> bool:
    """Whether a stored row's values (``_KEPT``, ``_FIGURES``) and a collected row's say
    the same: equal, figures equal but for the order they were added up in."""
    if stored == collected:
        return True
    return len(stored) == len(collected) and all(
        a == b
        or (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and not isinstance(a, bool)
            and not isinstance(b, bool)
            and math.isclose(a, b, rel_tol=SAME_FIGURE, abs_tol=NO_FIGURE)
        )
        for a, b in zip(stored, collected, strict=True)
    )


WHOLE_PERIOD_SHARE = 0.5
"""Beyond this share of a period's stored rows to drop or rewrite, the period is
replaced whole: one ranged delete and every row written, not a delete per row."""


@attrs.frozen
@shared_methods
class PeriodChanges:
    """How to bring one (metric, period) from what is stored to what was collected."""

    write: list[StoredRow]
    """Rows to insert, once ``drop`` (or the whole period) is deleted."""
    drop: list[tuple[str, str]] = attrs.Factory(list)
    """(subject, slice) of the stored rows to delete."""
    whole: bool = False
    """Delete every stored row of the period first (``drop`` is then empty)."""
    changed: int = 0
    """Rows collected that were not stored as they are now: new, or another figure."""
    gone: int = 0
    """Rows stored that were not collected now."""
    cited_anew: int = 0
    """Of ``changed``, rows stored with every figure and date as they are now: only the
    source rows they cite are other (a plugin that now cites its rows more exactly)."""
    revised: int = 0
    """Whole figures (no slice) stored as complete that now read otherwise, or are gone:
    a source restated after the period was over. Not a whole that reads otherwise only
    because it was added up again, in another order, from slices all as they were."""

    @property
    def any(self) -> bool:
        return bool(self.write or self.drop or self.whole)


@attrs.frozen
class UnheldPeriods:
    """The periods of one metric a collect kept as stored because its source does not
    hold them whole (``DaysHeld``): those before the first day it holds, and those after
    its last, each with figures stored (kept, unchanged) or none (left without one)."""

    first: dt.date
    last: dt.date
    kept_before: tuple[str, ...] = ()
    empty_before: tuple[str, ...] = ()
    kept_after: tuple[str, ...] = ()
    empty_after: tuple[str, ...] = ()
    figures: int = 0
    """The figures stored in the periods kept."""

    @property
    def empty(self) -> frozenset[str]:
        """The periods left without a figure, before the first day or after the last."""
        return frozenset((*self.empty_before, *self.empty_after))

    def without(self, periods: frozenset[str]) -> UnheldPeriods:
        """These periods but ``periods`` (``figures`` counts those kept in them still)."""

        def but(ids: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(p for p in ids if p not in periods)

        return attrs.evolve(
            self, kept_before=but(self.kept_before), empty_before=but(self.empty_before),
            kept_after=but(self.kept_after), empty_after=but(self.empty_after),
        )  # fmt: skip

    def __or__(self, other: UnheldPeriods) -> UnheldPeriods:
        """Both collects' periods (a metric asked by the week and by the month), the
        narrower span: each grain's periods in their order, weeks before months."""

        def both(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(sorted({*a, *b}, key=in_grain_order))

        return UnheldPeriods(
            max(self.first, other.first), min(self.last, other.last),
            both(self.kept_before, other.kept_before), both(self.empty_before, other.empty_before),
            both(self.kept_after, other.kept_after), both(self.empty_after, other.empty_after),
            self.figures + other.figures,
        )  # fmt: skip


@attrs.define
class StoreChanges:
    """What collects changed in a store, added up period by period as each is brought to
    what was collected."""

    changed: int = 0
    """Rows written new or other than they were stored (``PeriodChanges.changed``)."""
    gone: int = 0
    """Rows stored that were not collected again, deleted."""
    cited_anew: int = 0
    """Of ``changed``, rows whose source rows alone are other (``PeriodChanges``)."""
    revised: dict[tuple[str, str], int] = attrs.Factory(dict)
    """(metric, period) → its ``PeriodChanges.revised``, where there were any."""
    kept_unanswered: dict[str, int] = attrs.Factory(dict)
    """Metric → rows kept as they were stored because the collect gave not one figure
    for the metric where some are stored (``Store.replace_rows``)."""
    kept_left_out: dict[str, dict[str, int]] = attrs.Factory(dict)
    """Metric → unit → rows kept as they were stored because the collect gave a figure of
    the metric to others but not one to that unit or anyone under it, where some are
    stored for them (``Store.replace_rows``'s ``groups``): a branch the firm's export
    left out."""
    put_back: set[tuple[str, str]] = attrs.Factory(set)
    """(metric, period) pairs whose rows other software had changed, brought back to
    figures their source gives as it gave them before: no restatement of the source."""
    kept_unheld: dict[str, UnheldPeriods] = attrs.Factory(dict)
    """Metric → the periods its source said it does not hold whole (``emit.covers``),
    kept as they were stored (``Store.replace_rows``'s ``covered``)."""

    def add(self, pair: tuple[str, str], changes: PeriodChanges, *, put_back: bool) -> None:
        """Count one (metric, period) ``pair``'s ``changes`` (``put_back``: undoing what
        other software changed, the source's figures as they were)."""
        self.changed += changes.changed
        self.gone += changes.gone
        self.cited_anew += changes.cited_anew
        if put_back:
            self.put_back.add(pair)
        elif changes.revised:
            self.revised[pair] = changes.revised

    def include(self, other: StoreChanges) -> None:
        """Count what ``other`` counted too."""
        self.changed += other.changed
        self.gone += other.gone
        self.cited_anew += other.cited_anew
        self.revised.update(other.revised)
        self.put_back.update(other.put_back)
        for metric, rows in other.kept_unanswered.items():
            self.kept_unanswered[metric] = self.kept_unanswered.get(metric, 0) + rows
        for metric, units in other.kept_left_out.items():
            mine = self.kept_left_out.setdefault(metric, {})
            for unit, rows in units.items():
                mine[unit] = mine.get(unit, 0) + rows
        for metric, unheld in other.kept_unheld.items():
            mine_unheld = self.kept_unheld.get(metric)
            self.kept_unheld[metric] = unheld if mine_unheld is None else mine_unheld | unheld

    def revised_by_metric(self) -> dict[str, dict[str, int]]:
        """``revised`` as metric → period → figures, in the order of their names."""
        found: dict[str, dict[str, int]] = {}
        for (metric, period), count in sorted(self.revised.items()):
            found.setdefault(metric, {})[period] = count
        return found


def period_changes(
    stored: Iterable[tuple[Any, ...]], collected: Sequence[StoredRow]
) -> PeriodChanges:
    """The changes from ``stored`` (the rows of one metric and period, each as
    ``STORED_SELECT`` reads it) to ``collected`` (that period's rows as now collected,
    each key once)."""
    held = {(row[0], row[1]): row[2:12] for row in stored}
    if not held:
        return PeriodChanges(list(collected), changed=len(collected))
    count = len(held)
    write: list[StoredRow] = []
    rewritten: list[tuple[str, str]] = []
    revised = cited_anew = 0
    # A whole added up from slices that are all as they were reads otherwise only in its
    # last bits, where its slices were added in another order (as before form 3 of
    # ``fingerprint``): the store's arithmetic, not the source's restatement.
    sliced: set[str] = set()
    moved: set[str] = set()
    wholes_now: list[str] = []
    for row in collected:
        key = (row[2], row[3])
        before = held.pop(key, None)
        if key[1]:
            sliced.add(key[0])
            if before is None or not _same(before[_FIGURES], row[_NOW]):
                moved.add(key[0])
        if before is None:
            write.append(row)
        elif not _same(before, row[_KEPT]):
            write.append(row)
            rewritten.append(key)
            cited_anew += _same(before[_ALL_BUT_SOURCE], row[_NOW_BUT_SOURCE]) and (
                before[_PLUGIN] == row[_NOW_PLUGIN]
            )
            if not key[1] and before[3] is None and not _same(before[_FIGURES], row[_NOW]):
                wholes_now.append(key[0])
    # What is still held was stored and not collected now: gone.
    for key, before in held.items():
        if key[1]:
            moved.add(key[0])
        elif before[3] is None:
            revised += 1
    revised += sum(1 for subject in wholes_now if subject not in sliced or subject in moved)
    changed, gone = len(write), len(held)
    if gone + len(rewritten) > count * WHOLE_PERIOD_SHARE:
        return PeriodChanges(list(collected), whole=True, changed=changed, gone=gone,
                             cited_anew=cited_anew, revised=revised)  # fmt: skip
    return PeriodChanges(write, [*held, *rewritten], changed=changed, gone=gone,
                         cited_anew=cited_anew, revised=revised)  # fmt: skip


def fingerprint(collected: Sequence[tuple[Any, ...]], said: tuple[Any, ...]) -> str | None:
    """A fingerprint of one period's rows as a collect gives them (metric, subject,
    period, slice, value, numerator, denominator, source), in the order given, and of
    ``said``, what the store writes beside each of them (the period's dates, grain and
    partial day, the plugin); None for rows that ``marshal`` cannot write, which are then
    always compared.

    The store writes a period's rows from exactly these, so rows given the same
    fingerprint twice are stored the same twice. (The whole of a figure given in slices
    is added up from its slices in the order of their text, whatever their order here.)
    It is taken before the wholes are added up, so a period that comes back the same
    costs the store no more than reading it from the collect. The order counts: the
    same rows in another order are compared, which finds them the same. The spool
    gives a period's rows by subject and slice, so a plugin that emits them in another
    order from one collect to the next (a whole before its slices, then after) still
    has its unchanged periods left unread.

    ``marshal``'s version 2 writes each text, number and None by its value alone (later
    versions write an object met twice as a reference to the first, and mark interned
    text: the same rows gave other bytes from one collect to the next), and its bytes
    read back as the very rows they were made from. So rows that differ in anything
    stored, or in a value's type (1 and 1.0), never share a fingerprint but by a
    collision of a 128-bit hash, and the same rows always do.

    The rows are fingerprinted as collected, not as stored: a period may be left unread
    because every value the store writes reads back equal to what was given, which holds
    for what a collect checks in (text, and finite floats)."""
    import hashlib  # here: a report, which reads the store, never needs it

    try:
        written = marshal.dumps((_FORM, said, list(collected)), _PLAIN_MARSHAL)
    except ValueError:  # a value marshal cannot write
        return None
    return hashlib.blake2b(written, digest_size=16).hexdigest()


_FORM = 4
"""What a fingerprint is taken of, in the bytes hashed: form 1 was each row as stored;
form 2 the rows as given, whose wholes were added up in the order their slices came;
form 3 the rows without their mark of a zero for no rows."""

_PLAIN_MARSHAL = 2
"""The version of ``marshal`` that writes values, never references or interning."""
