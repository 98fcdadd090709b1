"""An entry typed again: a command run twice (after an error it did not read, a Ctrl-C,
or pasted twice) would store what is stored already. The spend ledger and check-ins
refuse one, judged inside the insert's transaction, unless told it is another
(``--again``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from okrdesk.errors import EXIT_FAILED, OkrdeskError

T = TypeVar("T")


class Repeated(OkrdeskError):
    """Refused as the same entry typed again: the run did not do what was asked."""

    exit_code = EXIT_FAILED


def twin_of(standing: Iterable[T], says: Callable[[T], object], new: object) -> T | None:
    """The first of the ``standing`` entries that says what a new one would: ``says`` of
    it equal to ``new``, what the new one says read the same way."""
    return next((entry for entry in standing if says(entry) == new), None)
