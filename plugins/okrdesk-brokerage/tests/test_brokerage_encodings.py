"""An export saved in GBK, GB18030 or UTF-16, as Chinese CRM systems and Excel save it,
gives the UTF-8 export's figures, row citations and messages, through DuckDB and through
the streaming reader alike.

Each test writes the tiny export (tests/fixtures/tiny) again in an encoding, as real
files on disk, and compares with the same export in UTF-8.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from brokerage_helpers import FIXTURES, MONTHS, PEOPLE, SETTINGS, THROUGH, Collector, collect
from okrdesk_brokerage import engine
from okrdesk_brokerage.assemble import ASSEMBLERS
from okrdesk_brokerage.book import PER_CLIENT, Book, read_book, total_book
from okrdesk_brokerage.collect import gather
from okrdesk_brokerage.errors import ExportError, SettingsError
from okrdesk_brokerage.feedback import read_complaints, read_surveys
from okrdesk_brokerage.funding import read_funding, total_funding
from okrdesk_brokerage.layout import FILES, FUNDING, PRODUCT_TYPES, TRADES
from okrdesk_brokerage.products import read_products
from okrdesk_brokerage.reading import CsvRows, Export, header_problem
from okrdesk_brokerage.settings import read_settings, settings_errors
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.trading import read_trades, total_trades
from okrdesk_brokerage.windows import Windows

TINY = FIXTURES / "tiny"
CMS = [person.id for person in PEOPLE]
ENCODINGS = {
    "gbk": {"encoding": "gbk"},
    "gb18030": {"encoding": "gb18030"},
    "GB18030 read as gb18030": {"encoding": "GB18030"},
    "utf-16": {},  # Python writes the byte-order mark, which says so without a setting
    "utf-16-le": {"encoding": "utf-16-le"},
    "utf-32": {},  # its mark begins as UTF-16's, and was read as UTF-16
}
"""Each encoding written, and the settings that read it."""


def _written(workspace: Path, encoding: str, damage: dict[str, tuple[int, str]] = {}) -> Path:  # noqa: B006
    """The tiny export in ``encoding``, in ``workspace``/tiny; ``damage``: a line of a file
    (the first is 1) replaced, before it is encoded."""
    folder = workspace / "tiny"
    folder.mkdir(parents=True)
    for spec in FILES:
        text = (TINY / spec.name).read_text(encoding="utf-8")
        if spec.name in damage:
            line, written = damage[spec.name]
            lines = text.split("\n")
            lines[line - 1] = written
            text = "\n".join(lines)
        (folder / spec.name).write_bytes(text.encode(encoding.split(" ")[0]))
    return folder


def _everything(found: Collector) -> tuple[object, ...]:
    return (found.observations, found.slices, found.errors, found.errors_zh, found.warnings)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_figure_is_the_utf8_export_s(tmp_path: Path, encoding: str, tiny: Collector) -> None:
    _written(tmp_path, encoding)
    found = collect(workspace=tmp_path, settings={**SETTINGS, **ENCODINGS[encoding]})
    assert found.observations and found.slices  # product types in Chinese among them
    assert _everything(found) == _everything(tiny)


def test_a_file_saved_as_utf8_beside_a_gbk_export_is_read_as_utf8(
    tmp_path: Path, tiny: Collector
) -> None:
    # The CRM's files in GB18030; the product list, kept by hand, saved as UTF-8 by
    # another program: read as GB18030 its product types would be other characters.
    folder = _written(tmp_path, "gb18030")
    (folder / PRODUCT_TYPES.name).write_bytes((TINY / PRODUCT_TYPES.name).read_bytes())
    found = collect(workspace=tmp_path, settings={**SETTINGS, "encoding": "gb18030"})
    assert _everything(found) == _everything(tiny)
    assert any("公募基金" in key[3] for key in found.slices)
    # DuckDB reads such a file where it is, as any UTF-8 export: no copy is made.
    lines = (TINY / TRADES.name).read_text(encoding="utf-8").splitlines()
    noted = [f"{lines[0]},备注", *(f"{line},客户经理代客下单" for line in lines[1:])]
    (folder / TRADES.name).write_text("\n".join(noted) + "\n", encoding="utf-8")
    read = engine.reader(Export(folder, "gb18030", copies=tmp_path / "copies"), TRADES)
    assert read is not None and read.path == folder / TRADES.name
    assert not (tmp_path / "copies").exists()


def test_a_gbk_file_is_not_taken_for_utf8() -> None:
    export = Export(TINY, "gbk")
    words = "公募基金、权益类、私募固收、家族信托".encode("gbk")
    assert export.encoding_of(b"product_id,product_type\nP01," + words) == "gbk"
    assert export.encoding_of("P01,公募基金".encode()) == "utf-8-sig"
    # Too little beyond ASCII to tell: the setting.
    assert export.encoding_of("P01,男".encode()) == "gbk"
    assert export.encoding_of(b"date,client_id,amount\n") == "gbk"


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_duckdb_reads_a_utf8_copy_line_for_line_and_totals_as_from_utf8(
    tmp_path: Path, encoding: str
) -> None:
    folder = _written(tmp_path / "ws", encoding)
    export = Export(folder, "gbk" if encoding == "gbk" else None, copies=tmp_path / "copies")
    read = engine.reader(export, TRADES)
    assert read is not None and read.path == tmp_path / "copies" / TRADES.name
    assert read.path.read_bytes() == (TINY / TRADES.name).read_bytes()
    # A UTF-8 export is read where it is: no copy.
    utf8 = engine.reader(Export(TINY, None, copies=tmp_path / "none"), TRADES)
    assert utf8 is not None and utf8.path == TINY / TRADES.name
    assert not (tmp_path / "none").exists()

    windows = Windows(MONTHS, THROUGH)
    expected, got = engine.connect(), engine.connect()
    for con in (expected, got):
        engine.load_windows(con, windows)
    book, same = total_book(got, export, CMS, windows), total_book(expected, TINY, CMS, windows)
    assert book is not None and same is not None
    assert _clients(book) == _clients(same)
    trading = total_trades(got, export, book, windows, months=True)
    funding = total_funding(got, export, windows)
    same_trading = total_trades(expected, TINY, book, windows, months=True)
    same_funding = total_funding(expected, TINY, windows)
    assert trading is not None and funding is not None
    assert same_trading is not None and same_funding is not None
    assert _cells(trading.commission) == _cells(same_trading.commission)
    assert _cells(funding.net) == _cells(same_funding.net)


def _cells(tallies: Tallies) -> dict[tuple[int, int], tuple[float, str]]:
    return {key: (cell.amount, str(cell.rows)) for key, cell in tallies.cells.items()}


def _clients(book: Book) -> list[object]:
    return [getattr(book, name) for name in PER_CLIENT]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_streaming_reader_reads_it_as_it_reads_utf8(tmp_path: Path, encoding: str) -> None:
    folder = _written(tmp_path, encoding)
    export = Export(folder, ENCODINGS[encoding].get("encoding", "").lower() or None)
    windows = Windows(MONTHS, THROUGH)
    book, same = read_book(export, CMS, windows), read_book(TINY, CMS, windows)
    assert _clients(book) == _clients(same)
    trades = read_trades(export, book, windows, months=True)
    same_trades = read_trades(TINY, same, windows, months=True)
    assert trades.commission.cells
    assert _cells(trades.commission) == _cells(same_trades.commission)
    assert trades.first_trades == same_trades.first_trades
    funding, same_funding = read_funding(export, book, windows), read_funding(TINY, same, windows)
    assert _cells(funding.net) == _cells(same_funding.net)
    complaints = read_complaints(export, book, windows)
    assert _cells(complaints) == _cells(read_complaints(TINY, same, windows))
    surveys, same_surveys = read_surveys(export, book, windows), read_surveys(TINY, same, windows)
    assert _cells(surveys.net_promoters) == _cells(same_surveys.net_promoters)
    products = read_products(export, book, windows, holdings=True)
    same_products = read_products(TINY, same, windows, holdings=True)
    assert _cells(products.commission) == _cells(same_products.commission)
    assert _cells(products.held) == _cells(same_products.held)
    with CsvRows(export, PRODUCT_TYPES) as rows:
        assert next(iter(rows)) == (2, ["P01", "公募基金"])


DAMAGE = {FUNDING.name: (4, "2026-02-04,A4,lots")}
FUNDING_METRICS = ("net_new_aum", "open_to_fund_rate", "empty_account_rate", "asset_attrition")


def _funding_errors(found: Collector, zh: bool = False) -> set[str]:
    return {message for metric, message in (found.errors_zh if zh else found.errors)
            if metric in FUNDING_METRICS}  # fmt: skip


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_a_bad_row_is_named_at_the_line_of_the_user_s_file(tmp_path: Path, encoding: str) -> None:
    _written(tmp_path / "utf-8", "utf-8", DAMAGE)
    _written(tmp_path / encoding, encoding, DAMAGE)
    settings = {**SETTINGS, **ENCODINGS[encoding]}
    as_utf8 = collect(FUNDING_METRICS, workspace=tmp_path / "utf-8")
    found = collect(FUNDING_METRICS, workspace=tmp_path / encoding, settings=settings)
    assert (
        _funding_errors(found)
        == _funding_errors(as_utf8)
        == {"funding.csv:4: column 'amount': 'lots' is not a number"}
    )
    assert _funding_errors(found, zh=True) == _funding_errors(as_utf8, zh=True)


@pytest.mark.parametrize("setting", ["gb18030", "GB18030", "gb18030-2000"])
def test_a_byte_not_in_the_encoding_set_is_named_at_its_line(tmp_path: Path, setting: str) -> None:
    # The setting as the user wrote it: Python calls "gb18030-2000" "gb18030".
    folder = _written(tmp_path, "gb18030")
    path = folder / FUNDING.name
    lines = path.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(b",", b",\xff", 1)  # line 6: 0xff is no GB18030 byte
    path.write_bytes(b"\n".join(lines))
    wanted = (*FUNDING_METRICS, "new_accounts")
    found = collect(wanted, workspace=tmp_path, settings={**SETTINGS, "encoding": setting})
    assert _funding_errors(found) == {
        f"funding.csv:6: not {setting} text (byte 0xff); set encoding under [sources.brokerage] "
        "to the encoding the export is saved in"
    }
    assert _funding_errors(found, zh=True) == {
        f"funding.csv:6：不是 {setting} 文本（字节 0xff）；请把 [sources.brokerage] 的 encoding "
        "设为导出文件实际的编码"
    }
    assert found.of("new_accounts")  # the files that are sound give their metrics


def test_a_file_begun_in_utf8_and_gone_on_in_gbk_is_not_told_to_set_what_is_set(
    tmp_path: Path,
) -> None:
    # Rows in GBK added to a product list begun in UTF-8: its start reads as UTF-8, so
    # encoding = "gbk" does not apply to it, and the message must not ask for it.
    folder = _written(tmp_path, "gbk")
    types = (TINY / PRODUCT_TYPES.name).read_text(encoding="utf-8")
    types += "".join(f"X{n:04},家族信托\n" for n in range(1000))  # more than 8 KB in UTF-8
    added = "P99,私募固收\n".encode("gbk")
    (folder / PRODUCT_TYPES.name).write_bytes(types.encode() + added)
    line = types.count("\n") + 1
    settings = {**SETTINGS, "encoding": "GBK"}
    found = collect(["product_sales"], workspace=tmp_path, settings=settings)
    assert found.errors == [(
        "product_sales",
        f"product_types.csv:{line}: not UTF-8 text (byte 0xb9), though it begins as UTF-8 "
        "and so was not read as GBK; save the whole file in one encoding",
    )]  # fmt: skip
    assert found.errors_zh == [(
        "product_sales",
        f"product_types.csv:{line}：不是 UTF-8 文本（字节 0xb9），但文件开头是 UTF-8，所以没有"
        "按 GBK 读取；请把整个文件存为同一种编码",
    )]  # fmt: skip


def test_a_byte_found_while_copying_is_the_error_the_streaming_reader_gives(
    tmp_path: Path,
) -> None:
    # The copy for DuckDB decodes the file up to that byte: it says where, rather than
    # leaving the streaming reader to read the file again, and the error's line again.
    folder = _written(tmp_path / "ws", "gb18030")
    path = folder / TRADES.name
    header, *rows = path.read_bytes().rstrip(b"\n").split(b"\n")
    lines = [header, *rows * (1 + 40_000 // len(b"\n".join(rows)))]  # past the header's block
    lines[-2] = lines[-2].replace(b",", b",\xff", 1)
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(ExportError) as copying:
        engine.reader(Export(folder, "gb18030", copies=tmp_path / "copies"), TRADES)
    with (
        pytest.raises(ExportError) as streaming,
        CsvRows(Export(folder, "gb18030"), TRADES) as rows,
    ):
        list(rows)
    assert str(copying.value) == str(streaming.value)
    assert copying.value.said == streaming.value.said
    at = f"trades.csv:{len(lines) - 1}: not gb18030 text (byte 0xff)"
    assert str(copying.value).startswith(at), copying.value
    assert list((tmp_path / "copies").iterdir()) == []  # no part copy left behind


def test_a_gbk_export_without_the_setting_is_told_to_set_it(tmp_path: Path) -> None:
    _written(tmp_path, "gbk")
    found = collect(["product_sales"], workspace=tmp_path)
    assert found.errors == [(
        "product_sales",
        "product_types.csv:2: not UTF-8 text (byte 0xb9); save the export as UTF-8, or set "
        'encoding = "gb18030" under [sources.brokerage] (GBK or GB18030 is what Excel and '
        "many Chinese CRM systems write)",
    )]  # fmt: skip
    assert found.errors_zh == [(
        "product_sales",
        "product_types.csv:2：不是 UTF-8 文本（字节 0xb9）；请把导出文件存为 UTF-8，或在 "
        '[sources.brokerage] 里设 encoding = "gb18030"（Excel 和不少国内 CRM 系统默认存为 GBK '
        "或 GB18030）",
    )]  # fmt: skip


def test_utf16_without_its_mark_is_told_which_to_set(tmp_path: Path) -> None:
    _written(tmp_path, "utf-16-le")
    found = collect(
        ["new_accounts"], workspace=tmp_path, settings={**SETTINGS, "encoding": "utf-16"}
    )
    assert found.errors == [(
        "new_accounts",
        'clients.csv:1: no byte-order mark says which UTF-16 it is; set encoding = "utf-16-le" '
        '(as Windows and Excel write it) or "utf-16-be" under [sources.brokerage]',
    )]  # fmt: skip


def test_utf32_without_its_mark_is_told_utf32_not_utf16(tmp_path: Path) -> None:
    _written(tmp_path, "utf-32-le")
    found = collect(
        ["new_accounts"], workspace=tmp_path, settings={**SETTINGS, "encoding": "utf-32"}
    )
    assert found.errors == [(
        "new_accounts",
        'clients.csv:1: no byte-order mark says which UTF-32 it is; set encoding = "utf-32-le" '
        'or "utf-32-be" under [sources.brokerage]',
    )]  # fmt: skip
    assert found.errors_zh == [(
        "new_accounts",
        "clients.csv:1：文件开头没有字节顺序标记，看不出是哪种 UTF-32；请在 [sources.brokerage] "
        '里设 encoding = "utf-32-le" 或 "utf-32-be"',
    )]  # fmt: skip


NOT_UTF16 = (
    'clients.csv:1: not UTF-16 text, though encoding = "utf-16-le" under [sources.brokerage] '
    "says so: it has none of the zero bytes UTF-16 writes, and "
)


@pytest.mark.parametrize("setting", ["utf-16-le", "UTF-16LE", "utf-16le", "utf-16"])
def test_a_plain_export_set_to_utf16_is_told_it_is_not_utf16(tmp_path: Path, setting: str) -> None:
    # ASCII read as UTF-16 is a line of other characters, two bytes each, and no error:
    # the header was "not in the header" with that line quoted, or "field larger than
    # field limit"; with "utf-16", which byte order to set, which would not help. The
    # setting is quoted as written, not as Python names it ("utf-16le" is "utf-16-le").
    named = setting
    _written(tmp_path, "utf-8")
    settings = {**SETTINGS, "encoding": setting}
    found = collect(["new_accounts"], workspace=tmp_path, settings=settings)
    told = NOT_UTF16.replace('"utf-16-le"', f'"{named}"')
    assert found.errors == [
        ("new_accounts", told + "reads as UTF-8: leave encoding out (UTF-8 is the default)")
    ]
    assert found.errors_zh == [(
        "new_accounts",
        "clients.csv:1：不是 UTF-16 文本，尽管 [sources.brokerage] 里设了 encoding = "
        f'"{named}"：文件里没有 UTF-16 必有的零字节；它能按 '
        "UTF-8 读：请删掉 encoding 这一项（默认就是 UTF-8）",
    )]  # fmt: skip
    # validate says it of every file, from the first line alone.
    problems = [error.detail for error in settings_errors(settings, tmp_path)]
    assert len(problems) == len(FILES) - 1  # product_types.csv begins as UTF-8 Chinese
    assert told + "reads as UTF-8: leave encoding out (UTF-8 is the default)" in problems


def test_a_gbk_export_set_to_utf16_is_told_to_set_its_encoding(tmp_path: Path) -> None:
    _written(tmp_path, "gbk")
    settings = {**SETTINGS, "encoding": "utf-16-le"}
    found = collect(["new_accounts", "product_sales"], workspace=tmp_path, settings=settings)
    told = dict(found.errors)
    assert told["new_accounts"] == NOT_UTF16 + (
        "reads as UTF-8: leave encoding out (UTF-8 is the default)"  # its ASCII
    )
    assert told["product_sales"] == told["new_accounts"]  # every metric reads clients.csv
    with pytest.raises(ExportError) as caught:
        CsvRows(Export(tmp_path / "tiny", "utf-16-le"), PRODUCT_TYPES)
    assert str(caught.value) == NOT_UTF16.replace("clients.csv", "product_types.csv") + (
        'is not UTF-8 either: set encoding to the one it is saved in ("gb18030" for the GBK '
        "or GB18030 that Excel and many Chinese CRM systems write)"
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_validate_reads_headers_in_the_encoding(tmp_path: Path, encoding: str) -> None:
    folder = _written(tmp_path, encoding, {FUNDING.name: (1, "date,客户,amount")})
    settings = {**SETTINGS, **ENCODINGS[encoding]}
    problems = [(error.key, error.detail) for error in settings_errors(settings, tmp_path)]
    assert problems == [(
        "data",
        "funding.csv:1: column 'client_id' is not in the header; expected "
        "date,client_id,amount, found date,客户,amount",
    )]  # fmt: skip
    read_as = Export(folder, ENCODINGS[encoding].get("encoding"))
    assert header_problem(read_as, PRODUCT_TYPES) is None


def test_validate_says_what_the_collect_says_of_a_header_not_in_the_encoding(
    tmp_path: Path,
) -> None:
    _written(tmp_path, "gbk", {FUNDING.name: (1, "date,client_id,amount,备注")})
    problems = [(error.key, error.detail) for error in settings_errors(SETTINGS, tmp_path)]
    assert problems == [(
        "data",
        "funding.csv:1: not UTF-8 text (byte 0xb1); save the export as UTF-8, or set "
        'encoding = "gb18030" under [sources.brokerage] (GBK or GB18030 is what Excel and '
        "many Chinese CRM systems write)",
    )]  # fmt: skip
    settings = {**SETTINGS, "encoding": "gbk"}
    assert settings_errors(settings, tmp_path) == []


def test_an_unknown_encoding_is_a_problem_at_its_key_and_the_headers_still_checked(
    tmp_path: Path,
) -> None:
    _written(tmp_path, "utf-8", {FUNDING.name: (1, "date,client,amount")})
    settings = {**SETTINGS, "encoding": "gbkk"}
    problems = [(error.key, error.detail_zh) for error in settings_errors(settings, tmp_path)]
    assert problems == [
        ("encoding", '应为导出文件的编码，如 "gb18030"（也能读 GBK）、"utf-16" 或 "utf-8"，'
                     "不能是 'gbkk'"),
        ("data", "funding.csv:1：表头里没有 client_id 列；应为 date,client_id,amount，"
                 "实为 date,client,amount"),
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["undefined", "gbk\x00"])
def test_a_name_python_refuses_with_a_value_error_is_a_problem_at_its_key(
    tmp_path: Path, name: str
) -> None:
    # codecs.lookup raises ValueError for these, which validate showed as the check's
    # crash (a warning, exit 0) and the collect as a traceback's last line.
    _written(tmp_path, "utf-8")
    settings = {**SETTINGS, "encoding": name}
    assert [error.key for error in settings_errors(settings, tmp_path)] == ["encoding"]
    with pytest.raises(SettingsError) as caught:
        read_settings(settings, tmp_path)
    assert caught.value.key == "encoding"


def test_a_file_there_is_no_room_to_copy_is_left_to_the_streaming_reader(
    tmp_path: Path,
) -> None:
    folder = _written(tmp_path / "ws", "gbk")
    blocked = tmp_path / "copies"
    blocked.write_text("a file where the folder of copies would be", encoding="utf-8")
    export = Export(folder, "gbk", copies=blocked)
    assert engine.reader(export, TRADES) is None
    assert not engine.load(engine.connect(), export, TRADES, "trades_raw")
    assert engine.reader(Export(folder, "gbk", copies=tmp_path / "room"), TRADES) is not None


def test_each_copy_is_dropped_once_duckdb_has_read_it(tmp_path: Path, tiny: Collector) -> None:
    # A collect needed room for the copy of every file in another encoding at once, kept
    # until it ended: a firm's GBK trades.csv and assets.csv, gigabytes each, side by side.
    folder = _written(tmp_path / "ws", "gbk")
    settings = read_settings({**SETTINGS, "encoding": "gbk"}, tmp_path / "ws")
    spill = tmp_path / "spill"
    spill.mkdir()
    left: list[list[str]] = []
    steps = gather(settings, Windows(MONTHS, THROUGH), CMS, ASSEMBLERS, spill)
    for figures, failed, _ in steps:
        assert not failed and figures.book is not None
        left.append(sorted(path.name for path in (spill / "utf-8").iterdir()))
    assert len(left) > 5 and left == [[]] * len(left)
    # Loaded, and read: the table is there, the copy is not.
    copies = tmp_path / "copies"
    con = engine.connect()
    assert engine.load(con, Export(folder, "gbk", copies=copies), TRADES, "trades_raw")
    assert con.execute("SELECT count(*) FROM trades_raw").fetchone() == (
        len((TINY / TRADES.name).read_text(encoding="utf-8").splitlines()) - 1,
    )
    assert list(copies.iterdir()) == []
    # The figures are the UTF-8 export's still.
    found = collect(workspace=tmp_path / "ws", settings={**SETTINGS, "encoding": "gbk"})
    assert _everything(found) == _everything(tiny)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [("\t", "utf-16"), (";", "utf-8"), (";", "gb18030")],
    ids=["Excel's Unicode text", "semicolons", "semicolons in GB18030"],
)
def test_tabs_or_semicolons_give_the_comma_export_s_figures(
    tmp_path: Path, tiny: Collector, delimiter: str, encoding: str
) -> None:
    # Excel's "Unicode text" is UTF-16 with its mark, tab-separated, lines ending \r\n:
    # the mark was read, and every header refused ("found date<TAB>client_id<TAB>...").
    folder = tmp_path / "tiny"
    folder.mkdir()
    for spec in FILES:
        text = (TINY / spec.name).read_text(encoding="utf-8")
        written = text.replace(",", delimiter).replace("\n", "\r\n")
        (folder / spec.name).write_bytes(written.encode(encoding))
    setting = {} if encoding == "utf-16" else {"encoding": encoding}
    found = collect(workspace=tmp_path, settings={**SETTINGS, **setting})
    assert _everything(found) == _everything(tiny)
    assert settings_errors({**SETTINGS, **setting}, tmp_path) == []
    # DuckDB read it, not only the streaming reader once DuckDB gave up; and that reader
    # reads it too.
    export = Export(folder, setting.get("encoding"), copies=tmp_path / "copies")
    assert engine.load(engine.connect(), export, TRADES, "trades_raw")
    windows = Windows(MONTHS, THROUGH)
    book = read_book(export, CMS, windows)
    trades = read_trades(export, book, windows, months=True)
    same = read_trades(TINY, read_book(TINY, CMS, windows), windows, months=True)
    assert trades.commission.cells and _cells(trades.commission) == _cells(same.commission)


@pytest.mark.parametrize(
    "written",
    ["{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}{m:02d}{d:02d}", "{y} 年 {m} 月 {d} 日", "{y}-{m}-{d}",
     "\uff12\uff10{y2}/{m}/{d}"],
    ids=["年月日", "points", "run-together", "spaced", "unpadded", "full-width"],
)  # fmt: skip
def test_dates_as_chinese_crms_write_them_give_the_iso_export_s_figures(
    tmp_path: Path, tiny: Collector, written: str
) -> None:
    # Read as the SQL source reads a date cell (okrdesk.written_dates): each file was
    # refused at its first row ("'2024年5月10日' is not a date").
    folder = tmp_path / "tiny"
    folder.mkdir()
    full_width = str.maketrans(
        "0123456789", "\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19"
    )
    for spec in FILES:
        text = (TINY / spec.name).read_text(encoding="utf-8")
        dated = re.sub(
            r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b",
            lambda day: written.format(
                y=day[1], y2=day[1][2:].translate(full_width), m=int(day[2]), d=int(day[3])
            ),
            text,
        )
        assert dated != text or spec is PRODUCT_TYPES
        (folder / spec.name).write_text(dated, encoding="utf-8")
    found = collect(workspace=tmp_path)
    assert not found.errors
    assert _everything(found) == _everything(tiny)


def test_dates_as_excel_saves_them_give_the_iso_export_s_figures(
    tmp_path: Path, tiny: Collector
) -> None:
    # A CRM's export opened in Excel on a Chinese Windows and saved again: each date as
    # 2026/1/5. Every file was refused at its first row ("'2024/5/10' is not a date").
    folder = tmp_path / "tiny"
    folder.mkdir()
    for spec in FILES:
        text = (TINY / spec.name).read_text(encoding="utf-8")
        excel = re.sub(
            r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b",
            lambda day: f"{day[1]}/{int(day[2])}/{int(day[3])}",
            text,
        )
        assert excel != text or spec is PRODUCT_TYPES
        (folder / spec.name).write_text(excel, encoding="gb18030")
    settings = {**SETTINGS, "encoding": "gb18030"}
    found = collect(workspace=tmp_path, settings=settings)
    assert _everything(found) == _everything(tiny)
    # DuckDB totals it (the streaming reader is not left to), as it does ISO dates.
    windows = Windows(MONTHS, THROUGH)
    con = engine.connect()
    engine.load_windows(con, windows)
    export = Export(folder, "gb18030", copies=tmp_path / "copies")
    book = total_book(con, export, CMS, windows)
    assert book is not None
    trading = total_trades(con, export, book, windows, months=True)
    assert trading is not None
    same = read_trades(TINY, read_book(TINY, CMS, windows), windows, months=True)
    assert _cells(trading.commission) == _cells(same.commission)
