"""What the store keeps under two unit ids, as ``Store.move_unit`` shows its guard before
it moves one's to the other (a unit whose id was changed in the target files)."""

from __future__ import annotations

import attrs

from okrdesk.model import Checkin, SpendEntry


@attrs.frozen
class FigureClash:
    """A figure stored under both ids: the same metric, period and slice."""

    metric: str
    period: str
    slice: str


@attrs.frozen
class UnitHoldings:
    """Everything kept under ``old`` and under ``new``, as committed, read inside the
    transaction that moves it."""

    old: str
    new: str
    checkins_old: tuple[Checkin, ...]
    """Every check-in under ``old``, withdrawn ones too: a history moves whole."""
    checkins_new: tuple[Checkin, ...]
    spend_old: tuple[SpendEntry, ...]
    """The ledger's entries under ``old`` (none where the ledger is not moved)."""
    spend_new: tuple[SpendEntry, ...]
    figures_old: int
    """How many figures (observations, slices too) are stored under ``old``."""
    figures_of_others: int
    """Of those, how many other plans' collects stored (a branch sharing the store)."""
    figure_clashes: tuple[FigureClash, ...]
    collects_old: int = 0
    """How many collects a plan of unit ``old`` ran (none counted where the ledger is not
    moved: a unit below the plan's runs none of its own)."""

    def standing_checkins(self, of_old: bool) -> list[Checkin]:
        held = self.checkins_old if of_old else self.checkins_new
        return [c for c in held if c.withdrawn is None]

    @property
    def empty(self) -> bool:
        return not (self.checkins_old or self.spend_old or self.figures_old or self.collects_old)
