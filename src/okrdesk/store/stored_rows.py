"""Check-ins, ledger entries and runs read back only in the form okrdesk writes them.

SQLite keeps whatever a column is given: ``abc`` or half a fen in ``amount_fen``,
``yesterday`` as a day, a name list that is not JSON. okrdesk never writes such a value,
so a store holding one (a workspace someone sent, a row edited by hand) was changed
outside it; read on, the value ended a report in a traceback, or put half a fen into a
line's total. Each value is checked for the type and form okrdesk writes, and one that
is not is named by its table, row and column (``UnreadableValue``), for the store to say
where it is.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from okrdesk.errors import Said
from okrdesk.model import (
    Checkin,
    CheckinFigure,
    KeptUnreached,
    NoRowsOfLastYear,
    Run,
    SpendEntry,
)


class UnreadableValue(Exception):
    """A stored value okrdesk would never have written; ``why``, what is wrong with it
    where its type is right (an amount of the wrong sign)."""

    def __init__(
        self, table: str, row: object, column: str, value: object, why: Said | None = None
    ) -> None:
        super().__init__(table, row, column, value)
        self.table, self.row, self.column, self.value = table, row, column, value
        self.why = why


_GIVES_BACK = Said(
    " (a negative amount that reverses no entry: okrdesk records money given back only "
    "as a reversal naming the entry it corrects, `okrdesk spend reverse`; counted, it "
    "would lower the line's spend and keep its breaker from tripping)",
    "（负数金额却未冲正任何一笔：okrdesk 只以冲正记录退回的钱，并写明所冲正的那笔，"
    "即 `okrdesk spend reverse`；若计入，会压低该预算项的支出，使熔断不能触发）",
)
_ADDS_BACK = Said(
    " (a reversal whose amount is not negative: a reversal takes its entry's amount "
    "back off the line's spend)",
    "（冲正的金额却不是负数：冲正是把所冲正那笔的金额从该预算项的支出中减去）",
)


def spend_of(r: Sequence[Any]) -> SpendEntry:
    """A row of ``SELECT id, line, day, amount_fen, signed_by, note, override_reason,
    recorded, reverses, plan_unit, moved_from, moved, plan_id FROM spend`` as the entry it
    records."""
    at = _Row("spend", r)
    fen, reverses = at.whole(3, "amount_fen"), at.whole(8, "reverses", missing=True)
    # A store of schema 4 or before, or one changed by hand, may hold money given back
    # with no entry it reverses; the budget's figures are never read past it.
    if fen < 0 and reverses is None:
        raise at.refuse(3, "amount_fen", _GIVES_BACK)
    if fen >= 0 and reverses is not None:
        raise at.refuse(3, "amount_fen", _ADDS_BACK)
    return SpendEntry(
        at.whole(0, "id"), at.text(1, "line"), at.day(2, "day"),
        Decimal(at.whole(3, "amount_fen")) / 100, at.names(4, "signed_by"),
        at.text(5, "note"), at.text(6, "override_reason", missing=True),
        at.text(7, "recorded"), at.whole(8, "reverses", missing=True), at.text(9, "plan_unit"),
        moved_from=at.text(10, "moved_from"), moved=at.text(11, "moved", missing=True),
        plan_id=at.text(12, "plan_id"),
    )  # fmt: skip


_NUMBER = (int, float)
_CHECKIN_AS_WRITTEN = frozenset(
    (int, str, str, str, value, confidence, str, str, withdrawn, str, str, str, str, moved)
    for value, confidence, withdrawn, moved in itertools.product(
        _NUMBER, (type(None), *_NUMBER), (type(None), str), (type(None), str)
    )
)
"""The types of each column of a check-in's row as okrdesk writes them, every way: a row
of these types is read without asking each value in turn (a firm's report reads hundreds
of thousands of check-ins), the day alone parsed."""


def checkin_of(r: Sequence[Any]) -> Checkin:
    """A row of ``SELECT id, key_result, subject, day, value, confidence, note, recorded,
    withdrawn, withdrawn_by, withdraw_reason, author, moved_from, moved FROM checkins`` as
    its check-in."""
    if tuple(map(type, r)) in _CHECKIN_AS_WRITTEN:
        try:
            day = dt.date.fromisoformat(r[3])
        except ValueError:
            pass  # named by its column below
        else:
            confidence = r[5]
            return Checkin(
                r[0], r[1], r[2], day, float(r[4]),
                None if confidence is None else float(confidence), *r[6:],
            )  # fmt: skip
    at = _Row("checkins", r)
    return Checkin(
        at.whole(0, "id"), at.text(1, "key_result"), at.text(2, "subject"), at.day(3, "day"),
        at.number(4, "value"), at.number(5, "confidence", missing=True), at.text(6, "note"),
        at.text(7, "recorded"), at.text(8, "withdrawn", missing=True),
        at.text(9, "withdrawn_by"), at.text(10, "withdraw_reason"), at.text(11, "author"),
        at.text(12, "moved_from"), at.text(13, "moved", missing=True),
    )  # fmt: skip


def _checkin_figure_of(r: Sequence[Any]) -> CheckinFigure:
    """A row of ``SELECT id, key_result, subject, day, value FROM checkins`` not of the
    types okrdesk writes as the figure it records, read as ``checkin_of`` reads those
    columns (what okrdesk never writes, named by its column)."""
    at = _Row("checkins", r)
    return CheckinFigure(
        at.whole(0, "id"),
        at.text(1, "key_result"),
        at.text(2, "subject"),
        at.day(3, "day"),
        at.number(4, "value"),
    )


def subjects_noted(r: Sequence[Any]) -> tuple[int, frozenset[str]]:
    """A row of ``SELECT id, subjects FROM runs``: the run, and whose figures it noted."""
    at = _Row("runs", r)
    return at.whole(0, "id"), frozenset(at.names(1, "subjects"))


_tuple_new = tuple.__new__


def checkin_figures_of(rows: Iterable[Sequence[Any]]) -> list[CheckinFigure]:
    """Rows of ``SELECT id, key_result, subject, day, value FROM checkins``, each read as
    ``checkin_of`` reads those columns, in one pass: a firm's report reads hundreds of
    thousands, a few hundred days among them, each day's date parsed once."""
    days: dict[str, dt.date] = {}
    found: list[CheckinFigure] = []
    add = found.append
    for row in rows:
        key, key_result, subject, day, value = row
        if (type(key) is int and type(key_result) is str and type(subject) is str
                and type(day) is str and type(value) in _NUMBER):  # fmt: skip
            date = days.get(day)
            if date is None:
                try:
                    date = days[day] = dt.date.fromisoformat(day)
                except ValueError:
                    add(_checkin_figure_of(row))  # named by its column
                    continue
            # The tuple made as CheckinFigure's own __new__ makes it, without the call.
            add(_tuple_new(CheckinFigure, (key, key_result, subject, date, float(value))))
        else:
            add(_checkin_figure_of(row))
    return found


def run_of(r: Sequence[Any]) -> Run:
    """A row of ``SELECT id, started, finished, status, command, through, pid, plugins,
    errors, revised, warnings, metrics, landed, lines_zh, host, process_start, plan_unit,
    moved_from, kinds, bases, kept, stored_order FROM runs`` as the run it records."""
    at = _Row("runs", r)
    metrics = at.kept(11, "metrics", list, missing=True)
    landed = at.kept(12, "landed", dict, missing=True)
    kinds = at.kept(18, "kinds", dict, missing=True)
    bases = at.kept(19, "bases", dict, missing=True)
    kept = at.kept(20, "kept", dict, missing=True)
    return Run(
        at.whole(0, "id"), at.text(1, "started"), at.text(2, "finished", missing=True),
        at.text(3, "status"), at.text(4, "command"), at.text(5, "through", missing=True),
        at.whole(6, "pid", missing=True), at.kept(7, "plugins", dict),
        at.kept(8, "errors", list), at.kept(9, "revised", dict), at.kept(10, "warnings", list),
        None if metrics is None else list(metrics),
        None if landed is None else {metric: tuple(grains) for metric, grains in landed.items()},
        at.kept(13, "lines_zh", dict), at.text(14, "host", missing=True),
        at.text(15, "process_start", missing=True), at.text(16, "plan_unit"),
        at.text(17, "moved_from"),
        None if kinds is None else {str(metric): str(kind) for metric, kind in kinds.items()},
        None if bases is None else _no_rows_of_last_year(at, bases),
        None if kept is None else _kept_unreached(at, kept),
        at.whole(21, "stored_order", missing=True),
    )  # fmt: skip


def _no_rows_of_last_year(at: _Row, kept: dict[str, Any]) -> dict[str, NoRowsOfLastYear]:
    """``runs.bases`` as kept: metric → {"periods": [...]}."""
    found = {}
    for metric, asked in kept.items():
        periods = asked.get("periods") if isinstance(asked, dict) else None
        if not isinstance(periods, list) or not all(isinstance(p, str) for p in periods):
            raise at.refuse(19, "bases")
        found[metric] = NoRowsOfLastYear(tuple(periods))
    return found


def _kept_unreached(at: _Row, kept: dict[str, Any]) -> dict[str, KeptUnreached]:
    """``runs.kept`` as kept: metric → {"first": day, "last": day, "periods": [...]}."""
    found = {}
    for metric, held in kept.items():
        try:
            first, last = (dt.date.fromisoformat(held[key]) for key in ("first", "last"))
            periods = held["periods"]
        except (TypeError, KeyError, ValueError):
            raise at.refuse(20, "kept") from None
        if not isinstance(periods, list) or not all(isinstance(p, str) for p in periods):
            raise at.refuse(20, "kept")
        found[metric] = KeptUnreached(first, last, tuple(periods))
    return found


class _Row:
    def __init__(self, table: str, values: Sequence[Any]) -> None:
        self.table, self.values = table, values

    def refuse(self, index: int, column: str, why: Said | None = None) -> UnreadableValue:
        return UnreadableValue(self.table, self.values[0], column, self.values[index], why)

    def whole(self, index: int, column: str, *, missing: bool = False) -> Any:
        value = self.values[index]
        if value is None and missing:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.refuse(index, column)
        return value

    def text(self, index: int, column: str, *, missing: bool = False) -> Any:
        value = self.values[index]
        if (value is None and missing) or isinstance(value, str):
            return value
        raise self.refuse(index, column)

    def number(self, index: int, column: str, *, missing: bool = False) -> Any:
        value = self.values[index]
        if value is None and missing:
            return None
        # Infinity and NaN are kept (an older okrdesk stored them): the store withdraws
        # them where it reads check-ins that count.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(index, column)
        return float(value)

    def day(self, index: int, column: str) -> dt.date:
        value = self.values[index]
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.refuse(index, column) from None

    def kept(self, index: int, column: str, kind: type, *, missing: bool = False) -> Any:
        """The JSON okrdesk keeps in a text column: a list or an object."""
        value = self.values[index]
        if value is None and missing:
            return None
        try:
            found = json.loads(value)
        except (TypeError, ValueError):
            raise self.refuse(index, column) from None
        if not isinstance(found, kind):
            raise self.refuse(index, column)
        grains = found.values() if isinstance(found, dict) and column == "landed" else []
        if not all(isinstance(kept, list) for kept in grains):
            raise self.refuse(index, column)  # each metric's grains, a list
        return found

    def names(self, index: int, column: str) -> tuple[str, ...]:
        try:
            names = json.loads(self.values[index])
        except (TypeError, ValueError):
            raise self.refuse(index, column) from None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise self.refuse(index, column)
        return tuple(names)


__all__ = ["UnreadableValue", "checkin_of", "run_of", "spend_of"]
