"""Reading single values of the export, and saying precisely what is wrong with one.

The passes over the files convert values on an optimistic fast path; only when
that fails is a row re-checked column by column here, so the common case pays
nothing for the quality of the error message.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Container

from okrdesk_brokerage.layout import ACTIONS, CLIENT_TYPES, GENDERS, Kind


def parse_date(text: str) -> dt.date:
    """A strict ``YYYY-MM-DD`` date; ``fromisoformat`` alone would take ``20260105`` too."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"not a date: {text!r}")
    return dt.date.fromisoformat(text)


class DateCache(dict[str, dt.date]):
    """Parsed dates by their text: an export repeats a few hundred dates millions of times."""

    def __missing__(self, text: str) -> dt.date:
        day = parse_date(text)
        self[text] = day
        return day


def cents(text: str) -> int:
    """Money in whole fen (0.01元), so that sums over millions of rows stay exact."""
    return round(float(text) * 100)


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def problem(kind: Kind, text: str, clients: Container[str]) -> str | None:
    """What is wrong with ``text`` as a value of ``kind``; None when nothing is."""
    if kind is Kind.OPTIONAL_TEXT:
        return None
    if kind is Kind.OPTIONAL_DATE and text == "":
        return None
    if kind in (Kind.DATE, Kind.OPTIONAL_DATE):
        try:
            parse_date(text)
        except ValueError:
            return f"{text!r} is not a date (expected YYYY-MM-DD)"
        return None
    if kind in (Kind.MONEY, Kind.AMOUNT):
        number = _number(text)
        if number is None:
            return f"{text!r} is not a number"
        if kind is Kind.AMOUNT and number < 0:
            return f"{text!r} is negative"
        return None
    if kind is Kind.SCORE:
        if not (text.isascii() and text.isdigit() and int(text) <= 10):
            return f"{text!r} is not a whole number from 0 to 10"
        return None
    choices = {Kind.CLIENT_TYPE: CLIENT_TYPES, Kind.GENDER: GENDERS, Kind.ACTION: ACTIONS}
    if kind in choices:
        allowed = choices[kind]
        if text not in allowed:
            shown = ", ".join(repr(choice) for choice in allowed)
            return f"{text!r} is not one of {shown}"
        return None
    if not text.strip():
        return "value is empty"
    if kind is Kind.CLIENT and text not in clients:
        return f"unknown client {text!r} (not in clients.csv)"
    return None


def amount_cents(text: str) -> int:
    """Like ``cents``, for columns that cannot be negative (assets, volumes, amounts)."""
    value = round(float(text) * 100)
    if value < 0:
        raise ValueError(f"negative: {text!r}")
    return value
