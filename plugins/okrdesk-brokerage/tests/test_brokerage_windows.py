"""Placing dates in windows and checkpoints."""

from __future__ import annotations

import datetime as dt

from okrdesk.periods import Grain, Period, periods_between, quarter_of

from okrdesk_brokerage.windows import Windows

D = dt.date


def test_windows_are_periods_clipped_to_through() -> None:
    months = periods_between(D(2026, 1, 1), D(2026, 3, 20), Grain.MONTH)
    windows = Windows(months, D(2026, 3, 20))
    assert [(w.period, w.start, w.end) for w in windows.windows] == [
        ("2026-01", D(2026, 1, 1), D(2026, 1, 31)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("2026-03", D(2026, 3, 1), D(2026, 3, 20)),
    ]
    assert windows.checkpoints == (D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 20))
    assert windows.end_slot == (1, 2, 3)
    assert windows.start_slot == (0, 1, 2)


def test_a_day_falls_in_every_window_that_covers_it() -> None:
    jan = Period(D(2026, 1, 1), D(2026, 1, 31), "2026-01")
    mar = Period(D(2026, 3, 1), D(2026, 3, 31), "2026-03")
    windows = Windows([jan, mar, quarter_of(D(2026, 1, 1))], D(2026, 12, 31))
    assert windows.containing(D(2026, 1, 31)) == (0, 2)
    assert windows.containing(D(2026, 2, 14)) == (2,)
    assert windows.containing(D(2026, 3, 1)) == (1, 2)
    assert windows.containing(D(2025, 12, 31)) == ()
    assert windows.containing(D(2026, 4, 1)) == ()


def test_slot_from_is_the_first_checkpoint_on_or_after_a_day() -> None:
    windows = Windows(periods_between(D(2026, 1, 1), D(2026, 2, 28), Grain.MONTH), D(2026, 2, 28))
    assert windows.checkpoints == (D(2025, 12, 31), D(2026, 1, 31), D(2026, 2, 28))
    assert windows.slot_from(D(2025, 1, 1)) == 0
    assert windows.slot_from(D(2026, 1, 31)) == 1
    assert windows.slot_from(D(2026, 2, 1)) == 2
    assert windows.slot_from(D(2026, 3, 1)) == 3
    assert windows.slot_from(None) == 3


def test_periods_starting_after_through_are_dropped() -> None:
    windows = Windows(periods_between(D(2026, 1, 1), D(2026, 3, 31), Grain.MONTH), D(2026, 2, 10))
    assert [w.period for w in windows.windows] == ["2026-01", "2026-02"]
    assert windows.windows[-1].end == D(2026, 2, 10)
