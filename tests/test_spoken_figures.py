"""A figure written in a target file the way a person says it (15亿, 70%, 3,000): TOML
reads none of them, and validate says what to write instead, without ever explaining a
real syntax error as one of these."""

from __future__ import annotations

import tomllib

import pytest

from okrdesk.targets.reader import plain_number
from okrdesk.targets.syntax import figure_as_spoken
from okrdesk.units import plain_figures


def stopped_at(line: str) -> int:
    """The column tomllib stops at on ``line``, as it says it."""
    with pytest.raises(tomllib.TOMLDecodeError) as error:
        tomllib.loads(line)
    return int(str(error.value).rsplit("column ", 1)[1].rstrip(")"))


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("target = 15亿", "15亿 is not a TOML number: write a plain number in the unit its key "
         "result or table is written in: 15 for 亿元, 150000 for 万元, 1500000000 for 元"),
        ("team-a = 4万", "4万 is not a TOML number: write a plain number in the unit its key "
         "result or table is written in: 4 for 万元 or 万户, 40000 for 元 or 户"),
        ("target = 45 亿", "45 亿 is not a TOML number: write a plain number in the unit its "
         "key result or table is written in: 45 for 亿元, 450000 for 万元, 4500000000 for 元"),
        ("target = 1.2万户", "1.2万户 is not a TOML number: write a plain number in the unit "
         "its key result or table is written in: 1.2 for 万户, 12000 for 户"),
        ("milestones = { Q3 = 70% }", "70% is not a TOML number: write 0.7 where a fraction is "
         "asked (milestones, schedule, a threshold), 70 where the unit is %, 700 where the "
         "unit is ‰"),
        ("target = 0.015%", "0.015% is not a TOML number: write 0.00015 where a fraction is "
         "asked (milestones, schedule, a threshold), 0.015 where the unit is %, 0.15 where the "
         "unit is ‰"),
        ("team-a = 5000万", "5000万 is not a TOML number: write a plain number in the unit its "
         "key result or table is written in: 0.5 for 亿元, 5000 for 万元 or 万户, 50000000 for "
         "元 or 户"),
        ("target = 1,500万", "1,500万 is not a TOML number: write a plain number in the unit its "
         "key result or table is written in: 0.15 for 亿元, 1500 for 万元 or 万户, 15000000 for "
         "元 or 户"),
        ("target = 3,000", "3,000 is not a TOML number: write target = 3000 (or 3_000), "
         "without thousands separators"),
        ("target = -1,234,567.5", "-1,234,567.5 is not a TOML number: write target = "
         "-1234567.5 (or -1_234_567.5), without thousands separators"),
    ],
)  # fmt: skip
def test_a_spoken_figure_is_named_with_what_to_write(line: str, said: str) -> None:
    column = stopped_at(line)
    assert figure_as_spoken(line, column) == f"{said} (column {column})"


@pytest.mark.parametrize(
    "line",
    [
        "target = 15 15",  # two figures: a real syntax error
        "target = 15 15%",
        "target = 1,500,00",  # not thousands
        "target = 15_%",  # TOML takes no 15_
        "target = 1e5x",
        "target = 45abc",
        "day = 2026-01-05T",
        "values = [1 2]",
        "table = { a = 1 b = 2 }",
        "name = abc 亿",
    ],
)
def test_a_real_syntax_error_is_not_explained_as_a_spoken_figure(line: str) -> None:
    assert figure_as_spoken(line, stopped_at(line)) is None


@pytest.mark.parametrize(
    ("written", "as_typed"),
    [("１５亿", "15亿"), ("７０％", "70%"), ("１，５００万", "1,500万"),
     ("１２．５万元", "12.5万元"), ("－３％", "-3%"), ("1.2万户", "1.2万户")],
)  # fmt: skip
def test_plain_figures_read_full_width_characters_as_typed_half_width(
    written: str, as_typed: str
) -> None:
    # A Chinese input method types digits, the point, the comma and ％ at full width.
    assert plain_figures(written) == plain_figures(as_typed) is not None


def test_plain_figures_keep_the_value_exact() -> None:
    assert plain_figures("1.2亿元") == [("1.2", "亿元"), ("12000", "万元"), ("120000000", "元")]
    # 0.00125亿元 is no way to write 12.5万元
    assert plain_figures("12.5万元") == [("12.5", "万元"), ("125000", "元")]
    assert plain_figures("12万人") == [("12", "万人"), ("120000", "人")]
    assert plain_figures("2.5倍") == [("2.5", "倍")]
    assert plain_figures("007%") is None  # no TOML number
    assert plain_figures("15") is None and plain_figures("亿") is None


def test_a_quoted_figure_is_told_how_to_be_a_number() -> None:
    assert (
        plain_number("45")[1].en
        == "expected a number, got a string ('45'); write 45 without quotes"
    )
    assert plain_number("1,000")[1].en.endswith(
        "; write 1000 without quotes or thousands separators"
    )
    assert plain_number("007")[1].en == "expected a number, got a string ('007')"
    assert plain_number("70%")[1].en.endswith(
        "; write 0.7 without quotes where a fraction is asked (milestones, schedule, a "
        "threshold), 70 where the unit is %, 700 where the unit is ‰"
    )
    assert plain_number("15亿")[1].en.endswith(
        "; write a plain number, without quotes, in the unit its key result or table is "
        "written in: 15 for 亿元, 150000 for 万元, 1500000000 for 元"
    )
