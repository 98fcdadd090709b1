"""Reading single values of the export, and saying precisely what is wrong with one.

The passes over the files convert values on an optimistic fast path; only when
that fails is a row re-checked column by column here, so the common case pays
nothing for the quality of the error message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Container

from okrdesk.errors import Said
from okrdesk.written_dates import YEAR_LAST, calendar_day, half_width_digits, year_month_day
from okrdesk.written_numbers import decimal_comma, half_width, scaled, ungrouped, written_number

from okrdesk_brokerage.layout import ACTIONS, CLIENT_TYPES, GENDERS, WORDS, Kind

EXCEL_DATE = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})")
"""A day written year first with slashes, as Excel saves a date in a Chinese Windows
(``2026/1/5``): the set-wise path takes such a date itself (``engine.valid_date``), beside
ISO; every other date ``parse_date`` takes sends a file to the streaming reader."""

_YEAR_LAST = re.compile(YEAR_LAST)


class YearLast(ValueError):
    """A date written with its year last (``05/01/2026``): 5 January or 1 May, by who
    wrote it, and nothing in the export says which."""


def parse_date(text: str) -> dt.date:
    """The day ``text`` is, written year first as people write one and as the SQL source
    reads a cell (``written_dates.year_month_day``): ``2026-01-05``, ``2026/1/5`` as Excel
    saves it, ``2026.1.5``, ``2026年1月5日``, ``20260105``, full-width digits too; a day
    alone, no time after it. ``YearLast`` for a date written with its year last
    (``05/01/2026``), ValueError for anything else (``2026-02-30``)."""
    parts = year_month_day(text)
    day = None if parts is None else calendar_day(*parts)
    if day is not None:
        return day
    if _YEAR_LAST.fullmatch(half_width_digits(text.strip())):
        raise YearLast(f"written with its year last: {text!r}")
    raise ValueError(f"not a date: {text!r}")


class DateCache(dict[str, dt.date]):
    """Parsed dates by their text: an export repeats a few hundred dates millions of times."""

    def __missing__(self, text: str) -> dt.date:
        day = parse_date(text)
        self[text] = day
        return day


def number(text: str) -> float:
    """The number ``text`` is, written plain (``1234.5``) or with thousands separators as
    Excel saves it (``1,234.5``: ``written_numbers.ungrouped``); ValueError otherwise."""
    try:
        return float(text)
    except ValueError:
        plain = ungrouped(text)
        if plain is None:
            raise
        return float(plain)


def cents(text: str) -> int:
    """Money in whole fen (0.01元), so that sums over millions of rows stay exact."""
    return round(number(text) * 100)


def _number(text: str) -> float | None:
    try:
        found = number(text)
    except ValueError:
        return None
    return found if math.isfinite(found) else None


def problem(
    kind: Kind,
    text: str,
    clients: Container[str],
    delimiter: str = ",",
    decimal: str | None = None,
) -> Said | None:
    """What is wrong with ``text`` as a value of ``kind``, in English and in Chinese; None
    when nothing is. ``delimiter``: the file's; in a file of semicolons, as Excel saves
    CSV where the decimal mark is a comma, a comma that is no thousands separator is told
    as a decimal mark. ``decimal``: the file's decimal mark as the ``decimal`` setting
    gives it (``","``: ``text`` is a money cell as ``CsvRows`` yields it, already read
    so where it could be)."""
    if kind is Kind.OPTIONAL_TEXT:
        return None
    if kind is Kind.OPTIONAL_DATE and text == "":
        return None
    if kind in (Kind.DATE, Kind.OPTIONAL_DATE):
        try:
            parse_date(text)
        except YearLast:
            return Said(f"{text!r} is written with its year last, which says a different day "
                        "where the day comes first (5 January) and where the month does (1 "
                        "May); write it year first (YYYY-MM-DD)",
                        f"{text!r} 是年份在后的写法，日在前与月在前读出的日子不同（1月5日还是"
                        "5月1日）；请把年份写在前面（YYYY-MM-DD）")  # fmt: skip
        except ValueError:
            return Said(f"{text!r} is not a date (expected YYYY-MM-DD)",
                        f"{text!r} 不是日期（应为 YYYY-MM-DD）")  # fmt: skip
        return None
    if kind in (Kind.MONEY, Kind.AMOUNT):
        value = _number(text) if decimal != "," or "," not in text else None
        if value is None and not text.strip():
            return Said("empty; expected a number (0 for none)", "为空；应为数字（没有就写 0）")
        if value is None and decimal == "," and ("," in text or "." in text):
            return Said(
                f"{text!r} is not a number as the decimal setting says the file writes one "
                "(a comma for the decimal mark, a point before each group of three digits: "
                "1.234,50)",
                f"{text!r} 不是按 decimal 设置所说的写法写的数（逗号作小数点，每三位数字前"
                "一个句点：1.234,50）",
            )
        point = decimal_comma(text) if value is None else None
        if point is not None and (delimiter == ";" or "." in text):
            return Said(
                f"{text!r} is not a number: write its decimal mark as a point ({point})",
                f"{text!r} 不是数字：小数点请写成英文句点（{point}）",
            )
        if point is not None:
            return Said(
                f"{text!r} is not a number: its comma is no thousands separator (one before "
                f"each group of three digits); if it is a decimal mark, write a point ({point})",
                f"{text!r} 不是数字：其中的逗号不是千位分隔符（每三位数字前一个）；如果它是小数点，"
                f"请写成英文句点（{point}）",
            )
        if value is None:
            return _for_a_reader(text) or Said(f"{text!r} is not a number", f"{text!r} 不是数字")
        if kind is Kind.AMOUNT and value < 0:
            return Said(f"{text!r} is negative", f"{text!r} 是负数")
        return None
    if kind is Kind.SCORE:
        if not (text.isascii() and text.isdigit() and int(text) <= 10):
            return Said(f"{text!r} is not a whole number from 0 to 10",
                        f"{text!r} 不是 0 到 10 的整数")  # fmt: skip
        return None
    choices = {Kind.CLIENT_TYPE: CLIENT_TYPES, Kind.GENDER: GENDERS, Kind.ACTION: ACTIONS}
    if kind in choices:
        allowed = [repr(choice) for choice in choices[kind]]
        if text not in choices[kind] and text not in WORDS[kind]:
            words = "、".join(WORDS[kind])
            return Said(f"{text!r} is not one of {', '.join(allowed)} (or {words})",
                        f"{text!r} 不是 {'、'.join(allowed)}（或 {words}）之一")  # fmt: skip
        return None
    if not text.strip():
        return Said("value is empty", "值为空")
    if kind is Kind.CLIENT and text not in clients:
        return Said(f"unknown client {text!r} (not in clients.csv)",
                    f"未知的客户 {text!r}（clients.csv 里没有）")  # fmt: skip
    return None


def _for_a_reader(text: str) -> Said | None:
    """Why ``text``, a number as the SQL source reads a cell written for a reader
    (``12.5万``, ``12.5%``, ``3,500元``, full-width digits: ``written_numbers``), is no
    money of an export, which is in 元 to the fen as a counter system writes it; None for
    a cell that reader does not read either."""
    number = written_number(text)
    if number is None or not math.isfinite(number):
        return None
    _, exponent = scaled(half_width(text).strip())
    if exponent in ("e4", "e8"):
        return Said(f"{text!r} is written in 万 or 亿, rounded for a reader; the column is "
                    "money in 元 to the fen, as the export writes it (1234.56)",
                    f"{text!r} 是以万或亿写的、给人看的约数；这一列是以元计、精确到分的金额，"
                    "请按导出的原样写（1234.56）")  # fmt: skip
    if exponent in ("e-2", "e-3"):
        return Said(f"{text!r} is a percentage, not an amount of money; the column is money "
                    "in 元 (1234.56)",
                    f"{text!r} 是百分数，不是金额；这一列是以元计的金额（1234.56）")  # fmt: skip
    return Said(f"{text!r} is written for a reader (with 元, or in full-width digits); the "
                "column is money in 元, written as a plain number (1234.56)",
                f"{text!r} 是写给人看的（带“元”，或用全角数字）；这一列是以元计的金额，"
                "请写成普通的数（1234.56）")  # fmt: skip


def amount_cents(text: str) -> int:
    """Like ``cents``, for columns that cannot be negative (assets, volumes, amounts)."""
    value = round(number(text) * 100)
    if value < 0:
        raise ValueError(f"negative: {text!r}")
    return value
