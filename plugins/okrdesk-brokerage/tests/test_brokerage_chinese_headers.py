"""A CRM export whose headers are Chinese (客户号, 资产, 日期), read through the ``columns``
setting rather than renamed by hand: the same figures, and the setting checked at its key."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from brokerage_helpers import (
    FIXTURES,
    MONTHS,
    SETTINGS,
    THROUGH,
    collect,
    has_chinese,
    setwise_connection,
)
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.funding import total_funding
from okrdesk_brokerage.settings import read_settings, settings_errors
from okrdesk_brokerage.windows import Windows

HEADERS = {
    "clients.csv": {"客户号": "client_id", "客户经理": "cm_id", "客户类型": "type",
                    "性别": "gender", "开户日期": "open_date", "销户日期": "close_date"},
    "assets.csv": {"日期": "date", "客户号": "client_id", "资产": "total_assets",
                   "证券资产": "securities_assets"},
    "trades.csv": {"成交日期": "date", "客户号": "client_id", "成交金额": "volume",
                   "净佣金": "commission"},
    "funding.csv": {"日期": "date", "客户号": "client_id", "金额": "amount"},
}  # fmt: skip
"""The headers a Chinese CRM writes, for the plugin's columns."""

COLUMNS = {name.removesuffix(".csv"): headers for name, headers in HEADERS.items()}
"""The ``columns`` setting that reads them."""


WORDS = {",individual,F,": ",个人,女,", ",individual,M,": ",个人,男,",
         ",institutional,,": ",机构,,", ",buy,": ",申购,", ",redeem,": ",赎回,"}  # fmt: skip
"""The words a Chinese CRM writes for a client's type and gender and a product order."""


def _chinese_export(workspace: Path) -> Path:
    """The tiny export with Chinese headers and words, saved in GBK as Excel saves it."""
    folder = workspace / "tiny"
    shutil.copytree(FIXTURES / "tiny", folder)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        for word, chinese in WORDS.items():
            text = text.replace(word, chinese)
        header, rest = text.split("\n", 1)
        names = {column: header for header, column in HEADERS.get(path.name, {}).items()}
        header = ",".join(names.get(name, name) for name in header.split(","))
        path.write_bytes(f"{header}\n{rest}".replace("\n", "\r\n").encode("gbk"))
    return folder


@pytest.mark.parametrize("streamed", [False, True], ids=["set-wise", "streamed"])
def test_chinese_headers_in_gbk_give_the_figures_of_the_plain_export(
    tmp_path: Path, streamed: bool
) -> None:
    folder = _chinese_export(tmp_path)
    if streamed:  # a blank line after the header: each file is read row by row
        for path in folder.iterdir():
            path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r\n\r\n", 1))
    assert (folder / "assets.csv").read_bytes().startswith("日期,客户号,资产".encode("gbk"))
    clients = (folder / "clients.csv").read_bytes().decode("gbk")
    assert "个人,女" in clients and "机构" in clients and "individual" not in clients
    settings = {**SETTINGS, "encoding": "gb18030", "columns": COLUMNS}
    plain = collect()
    # Without the setting, the export is refused at its header, as before.
    refused = collect(["net_new_aum"], workspace=tmp_path, settings={**settings, "columns": {}})
    assert refused.errors and "column 'client_id' is not in the header" in refused.errors[0][1]

    found = collect(workspace=tmp_path, settings=settings)

    assert found.errors == []
    if streamed:  # each line after the header one further on
        assert {k: o.value for k, o in found.observations.items()} == {
            k: o.value for k, o in plain.observations.items()
        }
        assert found.slices.keys() == plain.slices.keys()
        return
    assert found.observations == plain.observations  # values and the lines they cite
    assert found.slices == plain.slices
    assert settings_errors(settings, tmp_path) == []


def test_a_header_renamed_and_missing_is_named_in_the_user_s_words(tmp_path: Path) -> None:
    folder = _chinese_export(tmp_path)
    path = folder / "funding.csv"
    path.write_bytes(path.read_bytes().replace("金额".encode("gbk"), "发生金额".encode("gbk")))
    settings = {**SETTINGS, "encoding": "gb18030", "columns": COLUMNS}
    found = collect(["net_new_aum"], workspace=tmp_path, settings=settings)
    assert found.errors == [("net_new_aum", "funding.csv:1: column '金额' is not in the header; "
                             "expected 日期,客户号,金额, found 日期,客户号,发生金额")]  # fmt: skip


@pytest.mark.parametrize("streamed", [False, True], ids=["set-wise", "streamed"])
def test_a_bad_cell_is_named_by_the_file_s_header(tmp_path: Path, streamed: bool) -> None:
    folder = _chinese_export(tmp_path)
    path = folder / "trades.csv"
    text = path.read_bytes().decode("gbk").replace(",25.00\r\n", ",二十五\r\n")
    if streamed:
        text = text.replace("\r\n", "\r\n\r\n", 1)
    path.write_bytes(text.encode("gbk"))
    settings = {**SETTINGS, "encoding": "gb18030", "columns": COLUMNS}
    found = collect(["commission_revenue"], workspace=tmp_path, settings=settings)
    line = 3 if streamed else 2
    assert found.errors == [("commission_revenue", f"trades.csv:{line}: column '净佣金': "
                             "'二十五' is not a number")]  # fmt: skip
    assert found.errors_zh == [("commission_revenue", f"trades.csv:{line}：净佣金 列："
                                "'二十五' 不是数字")]  # fmt: skip


@pytest.mark.parametrize(
    ("columns", "key", "detail"),
    [
        ({"assets": {"资产": "total"}}, "columns.assets.资产",
         "must name a column of assets.csv (date, client_id, total_assets, securities_assets), "
         "not 'total'"),
        ({"assets": {"总资产": "total_assets"}}, "columns.assets.总资产",
         "names a header assets.csv does not have (its header: 日期,客户号,资产,证券资产)"),
        ({"asset": {"资产": "total_assets"}}, "columns.asset",
         "names no file of the export (the files: clients, assets, trades, funding, products, "
         "product_types, surveys, complaints)"),
        ({"assets": {"资产": "total_assets", "证券资产": "total_assets"}},
         "columns.assets.证券资产",
         "names 'total_assets', which '资产' names already: a column is read from one header"),
        ({"assets": ["资产"]}, "columns.assets",
         "must be a table of header names and columns, such as \"客户号\" = \"client_id\", "
         "not ['资产']"),
    ],
)  # fmt: skip
def test_the_setting_is_checked_at_its_key(
    tmp_path: Path, columns: dict[str, Any], key: str, detail: str
) -> None:
    _chinese_export(tmp_path)
    settings = {**SETTINGS, "encoding": "gb18030", "columns": {**COLUMNS, **columns}}
    errors = settings_errors(settings, tmp_path)
    found = [(e.key, e.detail) for e in errors]
    assert (key, detail) in found
    assert all(has_chinese(e.detail_zh) for e in errors)
    assert all(found_key.startswith("columns.") for found_key, _ in found)


def test_validate_shows_a_wrong_column_at_its_line_in_okrdesk_toml(tmp_path: Path) -> None:
    okrdesk = str(Path(sys.executable).parent / "okrdesk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKRDESK_")}
    root = tmp_path / "ws"
    made = subprocess.run([okrdesk, "demo", str(root), "--as-of", "2026-03-20"], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert made.returncode == 0, made.stderr
    crm = root / "data" / "crm"
    for name in ("clients.csv", "funding.csv"):
        text = (crm / name).read_text(encoding="utf-8")
        header, rest = text.split("\n", 1)
        names = {column: header for header, column in HEADERS[name].items()}
        header = ",".join(names.get(n, n) for n in header.split(","))
        (crm / name).write_bytes(f"{header}\n{rest}".encode("gbk"))
    toml = root / "okrdesk.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + 'encoding = "GBK"\n\n[sources.brokerage.columns.clients]\n'
        + "".join(f'"{h}" = "{c}"\n' for h, c in HEADERS["clients.csv"].items())
        + "\n[sources.brokerage.columns.funding]\n"
        + '"日期" = "date"\n"客户号" = "client_id"\n"金额" = "amt"\n',
        encoding="utf-8",
    )
    lines = toml.read_text(encoding="utf-8").splitlines()
    at = lines.index('"金额" = "amt"') + 1
    checked = subprocess.run([okrdesk, "validate", "--lang", "en", "-w", str(root)], env=env,
                             capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[:2] == [
        f"okrdesk.toml:{at}: sources.brokerage.columns.funding.金额: must name a column of "
        "funding.csv (date, client_id, amount), not 'amt'",
        '    "金额" = "amt"',
    ]
    # Told right, the export is collected as it is.
    toml.write_text(toml.read_text(encoding="utf-8").replace('"amt"', '"amount"'), "utf-8")
    checked = subprocess.run([okrdesk, "validate", "-w", str(root)], env=env,
                             capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    collected = subprocess.run([okrdesk, "collect", "--through", "2026-03-20", "-w", str(root)],
                               env=env, capture_output=True, text=True)  # fmt: skip
    assert collected.returncode == 0, collected.stdout + collected.stderr


def test_excel_unicode_text_with_thousands_separators_passes_validate(tmp_path: Path) -> None:
    # Excel's "Unicode text": UTF-16 with its mark, tabs, and money as formatted
    # ("1,500,000.00" bare). validate took the delimiter of the header's first block, whose
    # next lines hold commas: every renamed header was "not in the file".
    folder = _chinese_export(tmp_path)
    for path in folder.iterdir():
        rows = path.read_bytes().decode("gbk").replace(",", "\t").split("\r\n")
        grouped = [re.sub(r"(?<=\t)(-?\d+)(\.\d\d)(?=\t|$)", _thousands, row) for row in rows]
        path.write_bytes("\r\n".join(grouped).encode("utf-16"))
    funding = (folder / "funding.csv").read_bytes().decode("utf-16")
    assert "\t1,500,000.00\r\n" in funding[:200]
    settings = {**SETTINGS, "columns": COLUMNS}
    assert settings_errors(settings, tmp_path) == []
    found = collect(workspace=tmp_path, settings=settings)
    assert found.errors == []
    assert found.observations == collect().observations


def _thousands(found: re.Match[str]) -> str:
    return f"{int(found[1]):,}{found[2]}"


def test_the_chinese_export_is_totalled_set_wise(tmp_path: Path) -> None:
    folder = _chinese_export(tmp_path)
    settings = read_settings({**SETTINGS, "encoding": "gbk", "columns": COLUMNS}, tmp_path)
    windows = Windows(MONTHS, THROUGH)
    export = attrs.evolve(settings.export, copies=tmp_path / "copies")
    book = read_book(export, ["cm1", "cm2"], windows)
    con = setwise_connection(export, book, windows)
    assert con is not None
    assert total_funding(con, export, windows) is not None
    assert (folder / "funding.csv").read_bytes().count(b"\r\n") == 9  # a line each
