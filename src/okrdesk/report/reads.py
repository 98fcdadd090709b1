"""The store as one report reads it: every check-in in one query.

The engine asks for a key result's check-ins wherever it needs them (its
figure, its members', who owes one, the latest shown beside it): some 160
queries for the demo's report, each making its ``Checkin`` objects again.
A report reads one state of the store (``Store.reading``), whatever a collect
commits meanwhile, so the check-ins are read once, oldest first, and each
question is answered from them, in the order the store would give. Everything
else goes to the store as it is.
"""

from __future__ import annotations

from typing import Any, cast

from okrdesk.model import Checkin
from okrdesk.store.reader import StoreReader


class _CheckinsReadOnce:
    def __init__(self, store: StoreReader) -> None:
        self._store = store
        self._by_key_result: dict[str, list[Checkin]] | None = None

    def checkins(self, key_result: str | None = None, subject: str | None = None) -> list[Checkin]:
        if key_result is None:
            return self._store.checkins(key_result, subject)
        if self._by_key_result is None:
            found: dict[str, list[Checkin]] = {}
            for checkin in self._store.checkins():
                found.setdefault(checkin.key_result, []).append(checkin)
            self._by_key_result = found
        mine = self._by_key_result.get(key_result, [])
        if subject is None:
            return list(mine)
        return [c for c in mine if c.subject == subject]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def read_for_one_report(store: StoreReader) -> StoreReader:
    """``store``, with its check-ins read in one query when first asked for."""
    return cast(StoreReader, _CheckinsReadOnce(store))
