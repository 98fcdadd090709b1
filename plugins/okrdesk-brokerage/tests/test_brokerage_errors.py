"""Errors name the setting, or the file, line and column, a user has to fix."""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from brokerage_helpers import FIXTURES, Collector, collect
from okrdesk_brokerage.errors import BrokerageError
from okrdesk_brokerage.layout import NEEDS
from okrdesk_brokerage.settings import settings_errors


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"data": "tiny", "hnw_treshold": 1},
            "[sources.brokerage]: setting 'hnw_treshold' is not one this plugin knows (known "
            "settings: data, hnw_threshold, effective_assets_min, institutional_weight, "
            "client_tiers, encoding, columns, decimal)",
        ),
        (
            {"data": "tiny", "client_tiers": [3_000_000, 500_000]},
            "[sources.brokerage]: setting 'client_tiers' must be a list of amounts in 元 where "
            "each tier begins, rising and greater than 0",
        ),
        (
            {"data": "tiny", "client_tiers": []},
            "[sources.brokerage]: setting 'client_tiers' must be a list",
        ),
        (
            {"data": "tiny", "client_tiers": 500_000},
            "[sources.brokerage]: setting 'client_tiers' must be a list",
        ),
        ({}, "[sources.brokerage]: setting 'data' is required"),
        ({"data": 3}, "[sources.brokerage]: setting 'data' must be a folder path, not 3"),
        ({"data": "nowhere"}, "[sources.brokerage]: setting 'data' names folder "),
        ({"data": "tiny/clients.csv"}, "[sources.brokerage]: setting 'data' names '"),
        (
            {"data": "tiny", "hnw_threshold": 10**400},
            "[sources.brokerage]: setting 'hnw_threshold' must be a number, not 1000",
        ),
        (
            {"data": "tiny", "institutional_weight": Decimal("-2.5")},
            "[sources.brokerage]: setting 'institutional_weight' must be greater than 0, not -2.5",
        ),
        (
            {"data": "tiny", "client_tiers": [Decimal("5E+5"), Decimal("Infinity")]},
            "[sources.brokerage]: setting 'client_tiers' must be a list of amounts in 元 where "
            "each tier begins, rising and greater than 0 (e.g. [500000, 3000000, 8000000]), not "
            "[5E+5, Infinity]",
        ),
        (
            {"data": "tiny", "hnw_threshold": "8M"},
            "[sources.brokerage]: setting 'hnw_threshold' must be a number, not '8M'",
        ),
        (
            # Effective accounts are counted in 户: okrdesk refuses a fractional count.
            {"data": "tiny", "institutional_weight": Decimal("2.5")},
            "[sources.brokerage]: setting 'institutional_weight' must be a whole number of "
            "accounts, not 2.5",
        ),
        (
            {"data": "tiny", "institutional_weight": 0},
            "[sources.brokerage]: setting 'institutional_weight' must be greater than 0, not 0",
        ),
        (
            {"data": "tiny", "effective_assets_min": -1},
            "[sources.brokerage]: setting 'effective_assets_min' must be 0 or more, not -1",
        ),
        (
            {"data": "tiny", "encoding": "gbkk"},
            "[sources.brokerage]: setting 'encoding' must name the encoding the export is "
            'saved in, such as "gb18030" (GBK too), "utf-16" or "utf-8", not \'gbkk\'',
        ),
        (
            {"data": "tiny", "encoding": "base64"},  # Python's, but no text encoding
            "[sources.brokerage]: setting 'encoding' must name the encoding the export is "
            'saved in, such as "gb18030" (GBK too), "utf-16" or "utf-8", not \'base64\'',
        ),
    ],
)
def test_bad_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(BrokerageError, match="^" + re.escape(message)):
        collect(["new_accounts"], settings=settings)


@pytest.mark.parametrize(
    ("settings", "zh"),
    [
        (
            {"data": "tiny", "hnw_treshold": 1},
            "[sources.brokerage]：设置 'hnw_treshold' 不是本插件认识的设置（认识的设置：data、"
            "hnw_threshold、effective_assets_min、institutional_weight、client_tiers、encoding、columns、decimal）",
        ),
        (
            {"data": "tiny", "client_tiers": [3_000_000, 500_000]},
            "[sources.brokerage]：设置 'client_tiers' 应为各客户层级起点的金额（元）的列表，"
            "逐个递增且大于 0（如 [500000, 3000000, 8000000]），不能是 [3000000, 500000]",
        ),
        ({}, "[sources.brokerage]：设置 'data' 必须填写（存放 CSV 导出文件的文件夹）"),
        ({"data": 3}, "[sources.brokerage]：设置 'data' 应为文件夹路径，不能是 3"),
        (
            {"data": "tiny/clients.csv"},
            f"[sources.brokerage]：设置 'data' 指向的 '{FIXTURES / 'tiny/clients.csv'}' 是文件，"
            "不是文件夹",
        ),
        (
            {"data": "nowhere"},
            f"[sources.brokerage]：设置 'data' 指向的文件夹 '{FIXTURES / 'nowhere'}' 不存在",
        ),
        (
            {"data": "tiny", "hnw_threshold": "8M"},
            "[sources.brokerage]：设置 'hnw_threshold' 应为数字，不能是 '8M'",
        ),
        (
            {"data": "tiny", "institutional_weight": Decimal("-2.5")},
            "[sources.brokerage]：设置 'institutional_weight' 应大于 0，不能是 -2.5",
        ),
        (
            {"data": "tiny", "effective_assets_min": -1},
            "[sources.brokerage]：设置 'effective_assets_min' 应不小于 0，不能是 -1",
        ),
        (
            {"data": "tiny", "encoding": 936},
            "[sources.brokerage]：设置 'encoding' 应为导出文件的编码，如 \"gb18030\"（也能读 "
            'GBK）、"utf-16" 或 "utf-8"，不能是 936',
        ),
    ],
)
def test_bad_settings_are_said_in_chinese_too(settings: dict[str, Any], zh: str) -> None:
    with pytest.raises(BrokerageError) as raised:
        collect(["new_accounts"], settings=settings)
    assert raised.value.said == (str(raised.value), zh)


def test_a_missing_data_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(BrokerageError, match=re.escape(str(tmp_path / "tiny"))):
        collect(["new_accounts"], workspace=tmp_path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    (tmp_path / "tiny" / "surveys.csv").unlink()
    found = collect(["nps", "aum"], workspace=tmp_path)
    [(metric, message)] = found.errors
    assert metric == "nps"
    assert message == f"surveys.csv: file not found in '{tmp_path / 'tiny'}'"
    assert found.errors_zh == [("nps", f"surveys.csv：文件夹 '{tmp_path / 'tiny'}' 里没有这个文件")]
    assert found.values("aum")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("kind", ["named pipe", "folder"])
def test_an_export_that_is_no_regular_file_is_named_for_it_not_waited_on(
    tmp_path: Path, kind: str
) -> None:
    # A workspace sent as an archive may hold a named pipe where an export was: reading
    # it would wait for a writer for ever.
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "surveys.csv"
    path.unlink()
    if kind == "named pipe":
        os.mkfifo(path)
    else:
        path.mkdir()
    found = collect(["nps", "aum"], workspace=tmp_path)
    assert found.errors == [("nps", "surveys.csv: is not a regular file (a folder, named pipe "
                                    "or device): replace it with the export file")]  # fmt: skip
    assert found.errors_zh == [
        ("nps", "surveys.csv：不是普通文件（而是文件夹、命名管道或设备）：请换成导出的文件")
    ]
    assert found.values("aum")


BROKEN = [
    # (file, line, replacement, expected message, in Chinese)
    (
        "trades.csv",
        3,
        "2026-01-06,A1,50000.00,abc",
        "trades.csv:3: column 'commission': 'abc' is not a number",
        "trades.csv:3：commission 列：'abc' 不是数字",
    ),
    # Figures written for a reader, which the SQL source reads in a cell, are no money of
    # an export: rounded (万), no amount at all (%), or not as a counter system writes.
    (
        "trades.csv",
        3,
        "2026-01-06,A1,12.5万,12.50",
        "trades.csv:3: column 'volume': '12.5万' is written in 万 or 亿, rounded for a reader; "
        "the column is money in 元 to the fen, as the export writes it (1234.56)",
        "trades.csv:3：volume 列：'12.5万' 是以万或亿写的、给人看的约数；这一列是以元计、"
        "精确到分的金额，请按导出的原样写（1234.56）",
    ),
    (
        "trades.csv",
        3,
        "2026-01-06,A1,50000.00,12.5%",
        "trades.csv:3: column 'commission': '12.5%' is a percentage, not an amount of money; "
        "the column is money in 元 (1234.56)",
        "trades.csv:3：commission 列：'12.5%' 是百分数，不是金额；这一列是以元计的金额（1234.56）",
    ),
    (
        "funding.csv",
        3,
        "2026-01-25,A1,１２３４．５",
        "funding.csv:3: column 'amount': '１２３４．５' is written for a reader (with 元, or in "
        "full-width digits); the column is money in 元, written as a plain number (1234.56)",
        "funding.csv:3：amount 列：'１２３４．５' 是写给人看的（带“元”，或用全角数字）；"
        "这一列是以元计的金额，请写成普通的数（1234.56）",
    ),
    (
        "trades.csv",
        4,
        "2026-01-20,B1",
        "trades.csv:4: column 'volume': missing (the row has 2 fields, the header 4)",
        "trades.csv:4：volume 列：缺失（这一行有 2 个字段，表头有 4 个）",
    ),
    (
        "trades.csv",
        2,
        "2026-01-05,A1,-1,25.00",
        "trades.csv:2: column 'volume': '-1' is negative",
        "trades.csv:2：volume 列：'-1' 是负数",
    ),
    (
        "funding.csv",
        5,
        "2026-02-05,Z9,30000.00",
        "funding.csv:5: column 'client_id': unknown client 'Z9' (not in clients.csv)",
        "funding.csv:5：client_id 列：未知的客户 'Z9'（clients.csv 里没有）",
    ),
    (
        "funding.csv",
        2,
        "2026/1/13 9:30,A3,20000.00",  # a time too: no day
        "funding.csv:2: column 'date': '2026/1/13 9:30' is not a date (expected YYYY-MM-DD)",
        "funding.csv:2：date 列：'2026/1/13 9:30' 不是日期（应为 YYYY-MM-DD）",
    ),
    (
        "funding.csv",
        2,
        "13/01/2026,A3,20000.00",  # a day 13 comes first here, but 05/01 could be either
        "funding.csv:2: column 'date': '13/01/2026' is written with its year last, which says "
        "a different day where the day comes first (5 January) and where the month does (1 "
        "May); write it year first (YYYY-MM-DD)",
        "funding.csv:2：date 列：'13/01/2026' 是年份在后的写法，日在前与月在前读出的日子不同"
        "（1月5日还是5月1日）；请把年份写在前面（YYYY-MM-DD）",
    ),
    (
        "clients.csv",
        3,
        "A2,cm1,individual,F,05.01.2025,",
        "clients.csv:3: column 'open_date': '05.01.2025' is written with its year last, which "
        "says a different day where the day comes first (5 January) and where the month does "
        "(1 May); write it year first (YYYY-MM-DD)",
        "clients.csv:3：open_date 列：'05.01.2025' 是年份在后的写法，日在前与月在前读出的日子"
        "不同（1月5日还是5月1日）；请把年份写在前面（YYYY-MM-DD）",
    ),
    (
        "funding.csv",
        2,
        "2026/02/30,A3,20000.00",
        "funding.csv:2: column 'date': '2026/02/30' is not a date (expected YYYY-MM-DD)",
        "funding.csv:2：date 列：'2026/02/30' 不是日期（应为 YYYY-MM-DD）",
    ),
    (
        "trades.csv",
        3,
        '2026-01-06,A1,"50.000,00",12.50',  # as Excel saves it where a comma is the decimal
        "trades.csv:3: column 'volume': '50.000,00' is not a number: write its decimal mark "
        "as a point (50000.00)",
        "trades.csv:3：volume 列：'50.000,00' 不是数字：小数点请写成英文句点（50000.00）",
    ),
    (
        "trades.csv",
        3,
        "2026-01-06,A1,50000.00,",
        "trades.csv:3: column 'commission': empty; expected a number (0 for none)",
        "trades.csv:3：commission 列：为空；应为数字（没有就写 0）",
    ),
    (
        "funding.csv",
        3,
        "2026-01-25,A1,nan",
        "funding.csv:3: column 'amount': 'nan' is not a number",
        "funding.csv:3：amount 列：'nan' 不是数字",
    ),
    (
        "assets.csv",
        9,
        "2026-01-31,B1,-5,0",
        "assets.csv:9: column 'total_assets': '-5' is negative",
        "assets.csv:9：total_assets 列：'-5' 是负数",
    ),
    (
        "assets.csv",
        13,
        "2026-01-01,A1,1.00,1.00",
        "assets.csv:13: column 'date': 2026-01-01 comes before this client's snapshot of "
        "2026-02-28 (line 12)",
        "assets.csv:13：date 列：2026-01-01 早于这位客户 2026-02-28 的快照（第 12 行）；"
        "每位客户的快照须按日期先后排列",
    ),
    (
        "surveys.csv",
        4,
        "2026-01-28,B1,11",
        "surveys.csv:4: column 'score': '11' is not a whole number from 0 to 10",
        "surveys.csv:4：score 列：'11' 不是 0 到 10 的整数",
    ),
    (
        "products.csv",
        7,
        "2026-02-12,A4,P01,sell,300000.00,2100.00",
        "products.csv:7: column 'action': 'sell' is not one of 'buy', 'redeem' (or 买入、申购、"
        "认购、赎回、卖出)",
        "products.csv:7：action 列：'sell' 不是 'buy'、'redeem'（或 买入、申购、认购、赎回、"
        "卖出）之一",
    ),
    (
        "products.csv",
        7,
        "2026-02-12,A4,,buy,300000.00,2100.00",
        "products.csv:7: column 'product_id': value is empty",
        "products.csv:7：product_id 列：值为空",
    ),
    (
        "complaints.csv",
        2,
        "2026-02-16,A3,",
        "complaints.csv:2: column 'category': value is empty",
        "complaints.csv:2：category 列：值为空",
    ),
    (
        "clients.csv",
        3,
        "A2,cm1,institutional,,2025-02-30,",
        "clients.csv:3: column 'open_date': '2025-02-30' is not a date (expected YYYY-MM-DD)",
        "clients.csv:3：open_date 列：'2025-02-30' 不是日期（应为 YYYY-MM-DD）",
    ),
    (
        "clients.csv",
        3,
        "A2,cm1,bank,,2025-03-01,",
        "clients.csv:3: column 'type': 'bank' is not one of 'individual', 'institutional' (or "
        "个人、机构)",
        "clients.csv:3：type 列：'bank' 不是 'individual'、'institutional'（或 个人、机构）之一",
    ),
    (
        "clients.csv",
        4,
        "A1,cm1,individual,M,2026-01-12,",
        "clients.csv:4: column 'client_id': duplicate client 'A1' (see line 2)",
        "clients.csv:4：client_id 列：客户 'A1' 重复（见第 2 行）",
    ),
    (
        "clients.csv",
        4,
        "A3,cm1,individual,M,2026-01-12,2026-01-01",
        "clients.csv:4: column 'close_date': 2026-01-01 is before open_date 2026-01-12",
        "clients.csv:4：close_date 列：2026-01-01 早于 open_date 2026-01-12",
    ),
    (
        "trades.csv",
        1,
        "date,client_id,volume,fee",
        "trades.csv:1: column 'commission' is not in the header; expected "
        "date,client_id,volume,commission, found date,client_id,volume,fee",
        "trades.csv:1：表头里没有 commission 列；应为 date,client_id,volume,commission，"
        "实为 date,client_id,volume,fee",
    ),
]


def _broken(tmp_path: Path, file: str, line: int, text: str) -> Path:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / file
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("file", "line", "text", "message", "zh"), BROKEN)
def test_a_malformed_row_names_file_line_and_column(
    tmp_path: Path, file: str, line: int, text: str, message: str, zh: str
) -> None:
    workspace = _broken(tmp_path, file, line, text)
    found = collect(workspace=workspace)
    if file == "clients.csv":
        # Every metric rests on the client book: each fails with its row, none lands,
        # and none is the plugin's crash.
        assert {metric for metric, _ in found.errors} == set(NEEDS)
        assert {error for _, error in found.errors} == {message}
        assert {error for _, error in found.errors_zh} == {zh}
        assert not found.observations
        return
    needing = {metric for metric, files in NEEDS.items() if file in files}
    assert {metric for metric, _ in found.errors} == needing
    assert all(error.startswith(message) for _, error in found.errors)
    assert {error for _, error in found.errors_zh} == {zh}
    landed = {metric for (metric, _, _) in found.observations}
    assert landed.isdisjoint(needing)
    assert {"new_accounts", "client_attrition"} <= landed


def test_a_decimal_comma_in_a_file_of_semicolons_is_told_as_one(tmp_path: Path) -> None:
    # Excel where the decimal mark is a comma saves CSV with semicolons: "1,5" is 1.5
    # there, not the thousands of a comma export.
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "funding.csv"
    lines = path.read_text(encoding="utf-8").replace(",", ";").splitlines()
    lines[2] = lines[2].rsplit(";", 1)[0] + ";20000,50"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = collect(["net_new_aum"], workspace=tmp_path)
    assert found.errors == [("net_new_aum", "funding.csv:3: column 'amount': '20000,50' is not "
                             "a number: write its decimal mark as a point (20000.50)")]  # fmt: skip
    assert found.errors_zh == [("net_new_aum", "funding.csv:3：amount 列：'20000,50' 不是数字："
                                "小数点请写成英文句点（20000.50）")]  # fmt: skip


@pytest.mark.parametrize(
    ("saved_as", "then", "then_zh"),
    [
        ("surveys.xlsx", "save it from Excel as CSV", "请在 Excel 里另存为 CSV"),
        ("Surveys.CSV", "rename it so", "请把它改名为 surveys.csv"),  # from Windows
        ("surveys.txt", "rename it so", "请把它改名为 surveys.csv"),  # Excel's Unicode text
    ],
)
def test_a_missing_file_saved_under_another_name_is_named(
    tmp_path: Path, saved_as: str, then: str, then_zh: str
) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    (tmp_path / "tiny" / "surveys.csv").rename(tmp_path / "tiny" / saved_as)
    found = collect(["nps"], workspace=tmp_path)
    folder = tmp_path / "tiny"
    assert found.errors == [("nps", f"surveys.csv: file not found in '{folder}'; there is "
                             f"{saved_as}, but only surveys.csv is read: {then}")]  # fmt: skip
    assert found.errors_zh == [("nps", f"surveys.csv：文件夹 '{folder}' 里没有这个文件；里面有 "
                                f"{saved_as}，但只读取 surveys.csv：{then_zh}")]  # fmt: skip


def test_validate_names_the_client_book_saved_from_excel(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    (tmp_path / "tiny" / "clients.csv").rename(tmp_path / "tiny" / "clients.xlsx")
    (missing,) = settings_errors({"data": "tiny"}, tmp_path, {"new_accounts"})
    assert missing.detail.endswith(
        "which holds no clients.csv: every metric reads it; there is clients.xlsx, but only "
        "clients.csv is read: save it from Excel as CSV"
    )


def test_rows_of_delimiters_alone_are_blank_lines(tmp_path: Path, tiny: Collector) -> None:
    # Excel saves ",,," for rows below the data that were once formatted: blank, as a
    # blank line is; each failed every metric of its file at its "'' is not a date".
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    for path in (tmp_path / "tiny").glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        commas = "," * text.splitlines()[0].count(",")
        lines = text.splitlines()
        lines.insert(2, commas)
        path.write_text("\r\n".join([*lines, commas, commas]) + "\r\n", encoding="utf-8")
    found = collect(workspace=tmp_path)
    assert not found.errors
    # Each figure as the export's without them, but for the lines it cites: one more,
    # past the row of commas after the first row.
    assert found.observations.keys() == tiny.observations.keys()
    for key, observation in found.observations.items():
        assert observation.value == tiny.observations[key].value, key


def test_a_bad_survey_row_fails_only_nps_and_the_rest_keeps_its_figures(
    tmp_path: Path, tiny: Collector
) -> None:
    workspace = _broken(tmp_path, "surveys.csv", 4, "2026-01-28,B1,eleven")
    found = collect(workspace=workspace)
    assert found.errors == [
        ("nps", "surveys.csv:4: column 'score': 'eleven' is not a whole number from 0 to 10")
    ]
    assert found.of("nps") == {}
    others = {key: o for key, o in tiny.observations.items() if key[0] != "nps"}
    assert found.observations == others
    assert found.values("aum")[("cm1", "2026-01")] == tiny.values("aum")[("cm1", "2026-01")]


def test_an_empty_file_has_no_header(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    (tmp_path / "tiny" / "complaints.csv").write_text("", encoding="utf-8")
    found = collect(["complaint_rate", "new_accounts"], workspace=tmp_path)
    [(metric, message)] = found.errors
    assert metric == "complaint_rate"
    assert message == "complaints.csv:1: no header; expected date,client_id,category"
    assert found.errors_zh == [
        ("complaint_rate", "complaints.csv:1：没有表头；应为 date,client_id,category")
    ]
    assert found.values("new_accounts")


def test_a_header_is_quoted_as_found_and_cut_when_long(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "complaints.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    # Pipes: no delimiter a header is read by (semicolons and tabs are).
    path.write_text("\n".join(["date|client_id|category", *rows[1:]]) + "\n", encoding="utf-8")
    found = collect(["complaint_rate"], workspace=tmp_path)
    assert found.errors == [
        (
            "complaint_rate",
            "complaints.csv:1: column 'date' is not in the header; expected "
            "date,client_id,category, found date|client_id|category",
        )
    ]
    assert found.errors_zh == [
        (
            "complaint_rate",
            "complaints.csv:1：表头里没有 date 列；应为 date,client_id,category，"
            "实为 date|client_id|category",
        )
    ]
    header = "date," + ",".join(f"note{k}" for k in range(100)) + ",category"
    path.write_text("\n".join([header, *rows[1:]]) + "\n", encoding="utf-8")
    [(_, message)] = collect(["complaint_rate"], workspace=tmp_path).errors
    assert message == (
        "complaints.csv:1: column 'client_id' is not in the header; expected "
        f"date,client_id,category, found {header[:200]}…"
    )


def test_a_byte_order_mark_and_extra_columns_are_accepted(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "complaints.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    widened = [rows[0] + ",note", *(row + ",-" for row in rows[1:])]
    path.write_text("\ufeff" + "\n".join(widened) + "\n", encoding="utf-8")
    found = collect(["complaint_rate"], workspace=tmp_path)
    assert found.ratios("complaint_rate")[("cm2", "2026-03")] == (2, 2)


def test_fractions_written_in_okrdesk_toml_are_taken() -> None:
    # okrdesk reads 2.5 in okrdesk.toml as Decimal("2.5"): a threshold of 7999999.5 failed the
    # collect. (A weight, counting accounts, is whole: 3.0 is read as Decimal("3.0").)
    from decimal import Decimal

    from okrdesk_brokerage.settings import read_settings

    table = {
        "data": "tiny",
        "institutional_weight": Decimal("3.0"),
        "hnw_threshold": Decimal("7999999.5"),
        "client_tiers": [Decimal("500000.0"), 3e6],
    }
    settings = read_settings(table, FIXTURES)
    assert settings.institutional_weight == 3 and settings.hnw_threshold == 7_999_999.5
    assert settings.client_tiers == (500_000.0, 3_000_000.0)


def test_validate_asks_the_installed_plugin_and_names_each_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    okrdesk = str(Path(sys.executable).parent / "okrdesk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKRDESK_")}
    root = tmp_path / "ws"
    subprocess.run([okrdesk, "init", str(root), "--lang", "en"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    (root / "okrdesk.toml").write_text(
        '[sources.brokerage]\ndata = "exprots"\nhnw_treshold = 1\ninstitutional_weight = 0\n'
        "effective_assets_min = 2.5\n",
        encoding="utf-8",
    )
    done = subprocess.run([okrdesk, "validate", "--lang", "en", "-w", str(root)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "okrdesk.toml:3: sources.brokerage.hnw_treshold: is not one this plugin knows (" in (
        done.stdout
    )
    assert (
        "okrdesk.toml:4: sources.brokerage.institutional_weight: must be greater than 0, not 0"
        in lines
    )
    assert (
        f"warning: okrdesk.toml:2: sources.brokerage.data: names folder '{root / 'exprots'}', "
        "which does not exist" in lines
    )
    assert not [line for line in lines if line.startswith("okrdesk.toml:5")]  # 2.5 is taken
    assert lines[-1].endswith(" checked, 2 problems.")
    (root / "exports").mkdir()
    (root / "okrdesk.toml").write_text('[sources.brokerage]\ndata = "exports"\n', encoding="utf-8")
    done = subprocess.run([okrdesk, "validate", "--lang", "en", "-w", str(root)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "holds no clients.csv: every metric reads it" in done.stdout
