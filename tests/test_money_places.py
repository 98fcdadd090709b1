"""Money is written to the places its rule gives it: an amount rounded keeps them, a zero
too, so that the computed figures of one row or one column end on the same digit, in
Chinese and English alike (¥84.70m beside ¥83.29m, 1.50亿 beside 1.33亿); one exact in
fewer is written as it was set (a target of 1.8亿). The budget table's 万 are to the
hundred yuan always (59.60万 beside 427.76万). Over the demo, through the report."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from okrdesk.units import UNITS, ledger, money, written
from test_report import AS_OF, okrdesk


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("money-places")


def row(text: str, kr: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"│ {kr} "))
    return [cell.strip() for cell in line.strip("│").split("│")]


def report(demo: Path, lang: str) -> str:
    done = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                   env={"COLUMNS": "80"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_figures_of_a_row_end_on_the_same_digit(demo: Path) -> None:
    english, chinese = report(demo, "en"), report(demo, "zh")
    # C2.KR1: 84,703,650 yuan beside 83,287,671 due; the Chinese 8,470万 beside 8,329万.
    assert row(english, "C2.KR1")[1:5] == ["¥84.70m", "¥100m", "84.7%", "¥83.29m"]
    assert row(chinese, "C2.KR1")[1:5] == ["8,470万", "1亿", "84.7%", "8,329万"]
    # O3.KR1b: 1.4992亿 due beside 1.33亿; the target as it was set, 1.8亿.
    assert row(chinese, "O3.KR1b")[1:5] == ["1.33亿", "1.8亿", "73.8%", "1.50亿"]
    assert row(english, "O3.KR1")[1:5] == ["¥532.6m", "¥550m", "80.6%", "¥535.0m"]
    assert "attributed revenue ¥84.70m ÷ spent ¥7,189k" in english


def test_the_budgets_amounts_are_to_the_hundred_yuan_always(demo: Path) -> None:
    chinese = report(demo, "zh")
    line = next(line for line in chinese.splitlines() if line.startswith("│ experts "))
    assert "│  59.60万 │  60.40万 │" in line and "│ 120万 │" in line


@pytest.mark.parametrize(
    ("base", "zh", "en"),
    [
        (Decimal("84703649.51"), "8,470万", "CNY 84.70m"),  # rounded: its places kept
        (Decimal(84_700_000), "8,470万", "CNY 84.7m"),  # exact: as set
        (Decimal("149917808.2"), "1.50亿", "CNY 149.9m"),
        (Decimal(150_000_000), "1.5亿", "CNY 150m"),
        (Decimal("599999999.9999999"), "6亿", "CNY 600m"),  # a float sum's dust
    ],
)  # fmt: skip
def test_an_amount_rounded_keeps_its_places_and_one_exact_does_not(
    base: Decimal, zh: str, en: str
) -> None:
    yi = UNITS["亿元"]
    assert (written(yi, base, "zh"), written(yi, base, "en")) == (zh, en)


def test_an_amount_on_its_own_and_a_ledgers_keep_their_places() -> None:
    assert [money(v, "zh") for v in (Decimal("17699.6"), Decimal(17_700))] == ["1.77万", "1.77万"]
    assert [money(v, "en") for v in (Decimal("17699.6"), Decimal(17_700))] == [
        "CNY 17.70k", "CNY 17.7k"
    ]  # fmt: skip
    assert [ledger(v, "zh") for v in (596_000, 3_800_000, 4_277_600)] == [
        "59.60万", "380万", "427.76万"
    ]  # fmt: skip
