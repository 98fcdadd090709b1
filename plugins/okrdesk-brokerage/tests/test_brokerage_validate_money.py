"""``okrdesk validate`` finds money left blank, which the collect refuses, before any collect:
at the file, line and column, in any encoding, and no row of delimiters alone; and money
that may be read two ways (``1,234`` in a file of semicolons). Each test runs twice: the
csv module reading a branch's export, and DuckDB counting a firm's (``STREAMED_MOST``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from brokerage_helpers import FIXTURES, SETTINGS, collect
from okrdesk_brokerage import settings
from okrdesk_brokerage.settings import settings_errors


@pytest.fixture(autouse=True, params=["streamed", "counted by DuckDB"])
def counted(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test with the money read by the csv module, then with DuckDB counting it as
    for an export of ``STREAMED_MOST`` bytes or more."""
    if request.param != "streamed":
        monkeypatch.setattr(settings, "STREAMED_MOST", 0)
    return str(request.param)


def _blanked(workspace: Path, name: str, blanks: dict[int, int]) -> Path:
    """The tiny export with the cell at ``{line: field}`` of ``name`` left blank."""
    folder = workspace / "tiny"
    shutil.copytree(FIXTURES / "tiny", folder, dirs_exist_ok=True)
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines()
    for line, field in blanks.items():
        cells = lines[line - 1].split(",")
        cells[field] = ""
        lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_blank_money_cell_is_found_by_validate_where_the_collect_finds_it(
    tmp_path: Path,
) -> None:
    _blanked(tmp_path, "trades.csv", {3: 3, 5: 2})
    found = settings_errors(SETTINGS, tmp_path)
    assert [(e.key, e.detail) for e in found] == [(
        "data",
        "trades.csv has money left blank in 2 rows (write 0 for none): trades.csv:3:commission, "
        "trades.csv:5:volume",
    )]  # fmt: skip
    assert found[0].detail_zh == (
        "trades.csv 有 2 行金额为空（没有就写 0）：trades.csv:3:commission、trades.csv:5:volume"
    )
    # The collect refuses the first of them, in its words.
    collected = collect(["commission_revenue"], workspace=tmp_path)
    assert collected.errors == [("commission_revenue", "trades.csv:3: column 'commission': "
                                 "empty; expected a number (0 for none)")]  # fmt: skip
    # Not asked of a file the plan's metrics do not read.
    assert settings_errors(SETTINGS, tmp_path, {"nps", "net_new_aum"}) == []
    asked = settings_errors(SETTINGS, tmp_path, {"commission_revenue"})
    assert [e.detail for e in asked] == [e.detail for e in found]


def test_before_a_collect_the_check_leaves_the_money_to_the_collect(tmp_path: Path) -> None:
    # The collect reads the money itself and refuses a blank cell at its row: its settings
    # check reading every money file first was a sixth of a 12-branch firm's collect.
    from okrdesk_brokerage.plugin import okrdesk_check_settings

    _blanked(tmp_path, "trades.csv", {3: 3})
    validating = okrdesk_check_settings(SETTINGS, tmp_path, None, collecting=False)
    assert [p.key for p in validating] == ["data"]
    assert list(okrdesk_check_settings(SETTINGS, tmp_path, None, collecting=True)) == []
    collected = collect(["commission_revenue"], workspace=tmp_path)
    assert collected.errors == [("commission_revenue", "trades.csv:3: column 'commission': "
                                 "empty; expected a number (0 for none)")]  # fmt: skip


def test_more_blank_cells_than_are_named_are_counted(tmp_path: Path) -> None:
    path = _blanked(tmp_path, "funding.csv", {2: 2, 3: 2, 4: 2, 6: 2})
    # A row of delimiters alone, as Excel saves below the data, is skipped, as is a blank
    # line: no money left blank.
    path.write_text(path.read_text(encoding="utf-8") + ",,\n\n", encoding="utf-8")
    found = settings_errors(SETTINGS, tmp_path)
    assert [e.detail for e in found] == [
        "funding.csv has money left blank in 4 rows (write 0 for none): funding.csv:2:amount, "
        "funding.csv:3:amount, funding.csv:4:amount, …"
    ]
    assert found[0].detail_zh.endswith("funding.csv:4:amount等")


def test_blank_cells_past_those_named_are_marked_though_the_rows_are_few(
    tmp_path: Path,
) -> None:
    """Two rows with both their money cells blank are four cells: three are named and the
    list says there is more, where it read as complete and the fourth came to light only
    after the first three were fixed."""
    path = _blanked(tmp_path, "trades.csv", {3: 3, 5: 3})
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in (3, 5):
        cells = lines[line - 1].split(",")
        cells[2] = ""
        lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (found,) = settings_errors(SETTINGS, tmp_path)
    assert found.detail == (
        "trades.csv has money left blank in 2 rows (write 0 for none): trades.csv:3:volume, "
        "trades.csv:3:commission, trades.csv:5:volume, …"
    )
    assert found.detail_zh.endswith("trades.csv:5:volume等")
    # Three cells in all are named as they are, with nothing after them.
    lines[4] = lines[4].replace(",,", ",1.00,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (found,) = settings_errors(SETTINGS, tmp_path)
    assert found.detail.endswith("trades.csv:3:commission, trades.csv:5:commission")


def test_blank_money_is_found_in_gbk_too_and_sound_money_is_no_problem(tmp_path: Path) -> None:
    path = _blanked(tmp_path, "products.csv", {4: 4})
    for other in path.parent.iterdir():
        other.write_bytes(other.read_text(encoding="utf-8").encode("gbk"))
    settings = {**SETTINGS, "encoding": "gb18030"}
    assert [e.detail for e in settings_errors(settings, tmp_path)] == [
        "products.csv has money left blank in 1 row (write 0 for none): products.csv:4:amount"
    ]
    shutil.copy(FIXTURES / "tiny" / "products.csv", path)
    assert settings_errors(settings, tmp_path) == []
    assert settings_errors(SETTINGS, FIXTURES) == []


def test_a_renamed_money_column_is_named_by_its_header(tmp_path: Path) -> None:
    path = _blanked(tmp_path, "funding.csv", {3: 2})
    path.write_text(path.read_text(encoding="utf-8").replace("amount", "发生金额", 1), "utf-8")
    settings = {**SETTINGS, "columns": {"funding": {"发生金额": "amount"}}}
    assert [e.detail for e in settings_errors(settings, tmp_path)] == [
        "funding.csv has money left blank in 1 row (write 0 for none): funding.csv:3:发生金额"
    ]


def test_money_that_may_be_read_two_ways_is_found_and_counted(tmp_path: Path) -> None:
    """In a file of semicolons with no decimal set, 1,234 may be 1.234 or 1234: validate
    names the first three such cells, counts them all, and says what to set."""
    folder = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", folder)
    path = folder / "trades.csv"
    lines = path.read_text(encoding="utf-8").replace(",", ";").splitlines()
    for line in (2, 3, 5):
        day, client, volume, commission = lines[line - 1].split(";")
        lines[line - 1] = f"{day};{client};{float(volume):,.0f};{commission}"
    lines[5] = lines[5].rsplit(";", 1)[0] + ";1,500"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (found,) = settings_errors(SETTINGS, tmp_path)
    assert found.key == "data"
    assert found.detail.startswith(
        "trades.csv has 4 cells of money with one comma before three digits (1,234), which in "
        "a file of semicolons, as Excel saves CSV where the decimal mark is a comma, may be "
        "1.234 as well as 1234: trades.csv:2:volume, trades.csv:3:volume, trades.csv:5:volume, "
        "…; say which"
    ), found.detail
    assert found.detail_zh.startswith(
        "trades.csv 有 4 个金额是逗号后恰有三位数字的数（如 1,234）：trades.csv:2:volume、"
        "trades.csv:3:volume、trades.csv:5:volume等；"
    ), found.detail_zh
    assert settings_errors({**SETTINGS, "decimal": {"trades": "."}}, tmp_path) == []
    # Refused by the plugin's collect too, with the same cells, set-wise or streamed.
    collected = collect(["commission_revenue"], workspace=tmp_path)
    told = "trades.csv: " + found.detail.removeprefix("trades.csv has ")
    assert collected.errors == [("commission_revenue", told)]
