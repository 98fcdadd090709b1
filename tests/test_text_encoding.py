"""The one reader of exports in another encoding than UTF-8 that the SQL source and the
brokerage plugin share: real files on disk, in the encodings Chinese CRM systems write."""

from __future__ import annotations

import codecs
import gzip
import io
from pathlib import Path

import pytest

from okrdesk.plugins import (
    NoByteOrderMark,
    NotEncoded,
    byte_order_mark,
    decoded,
    text_encoding,
)
from okrdesk.plugins.sql_files import table_file
from okrdesk.plugins.sql_settings import SqlMetricError
from okrdesk.plugins.text_encoding import NotWide, utf8_copy

TEXT = "客户,经理\r\n王芳,cm01\n李强,cm02\r张伟,cm03\n"


def _read(path: Path, encoding: str, block: int = 1 << 20) -> str:
    with path.open("rb") as file:
        return "".join(decoded(file, encoding, block))


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-8"])
@pytest.mark.parametrize("block", [1, 3, 1 << 20])
def test_a_file_reads_as_the_text_written_whatever_the_blocks(
    tmp_path: Path, encoding: str, block: int
) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(TEXT.encode(encoding))
    assert _read(path, encoding, block) == TEXT


@pytest.mark.parametrize("block", [1, 2, 5, 7, 1 << 20])
def test_a_byte_not_in_the_encoding_is_named_at_its_line(tmp_path: Path, block: int) -> None:
    # Lines end with \r\n, \n and a lone \r, as the csv module counts them: the bad byte
    # (0xff, never a GBK byte, after 刘) is on line 5.
    path = tmp_path / "clients.csv"
    path.write_bytes(TEXT.encode("gbk") + b"\xc1\xf5\xff,cm04\n")
    before: list[str] = []
    with path.open("rb") as file, pytest.raises(NotEncoded) as caught:
        before.extend(decoded(file, "gbk", block))
    assert (caught.value.encoding, caught.value.line, caught.value.byte) == ("gbk", 5, 0xFF)
    assert "".join(before) == TEXT + "刘"  # the text up to the byte, and none after
    # A file cut short inside a character: its last line.
    path.write_bytes(TEXT.encode("gbk") + "刘".encode("gbk")[:1])
    with pytest.raises(NotEncoded) as caught:
        _read(path, "gbk", block)
    assert caught.value.line == 5


def test_utf16_without_a_byte_order_mark_cannot_tell_its_byte_order(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(TEXT.encode("utf-16-le"))
    with pytest.raises(NoByteOrderMark):
        _read(path, "utf-16")
    assert _read(path, "utf-16-le") == TEXT


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le"])
def test_utf32_without_a_byte_order_mark_is_named_utf32(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(TEXT.encode("utf-32-le"))
    if encoding == "utf-32":
        with pytest.raises(NoByteOrderMark) as caught:
            _read(path, encoding)
        assert (caught.value.family, caught.value.choices) == ("UTF-32", ("utf-32-le", "utf-32-be"))
    else:
        assert _read(path, encoding) == TEXT
    path.write_bytes(TEXT.encode("utf-16-be"))
    with pytest.raises(NoByteOrderMark) as utf16:
        _read(path, "utf-16")
    assert (utf16.value.family, utf16.value.choices) == ("UTF-16", ("utf-16-le", "utf-16-be"))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16", "utf-16-be", "utf-32", "utf-32-le"])
@pytest.mark.parametrize("block", [1, 3, 1 << 20])
def test_a_file_with_no_zero_byte_is_not_utf16_nor_utf32(
    tmp_path: Path, encoding: str, block: int
) -> None:
    # Read as UTF-16, ASCII was a line of other characters (b"da" one), and no error.
    path = tmp_path / "clients.csv"
    path.write_bytes(b"date,client_id,amount\r\n2026-01-05,C001,100\r\n")
    given: list[str] = []
    with path.open("rb") as file, pytest.raises(NotWide) as caught:
        given.extend(decoded(file, encoding, block))
    assert given == []  # not a character of the other characters
    assert caught.value.encoding == encoding and caught.value.utf8
    assert caught.value.family == ("UTF-16" if "16" in encoding else "UTF-32")
    path.write_bytes(TEXT.encode("gbk"))
    with pytest.raises(NotWide) as gbk:
        _read(path, encoding, block)
    assert not gbk.value.utf8
    # A UTF-8 mark is no UTF-16 one: still not UTF-16.
    path.write_bytes(TEXT.encode("utf-8-sig"))
    with pytest.raises(NotWide):
        _read(path, encoding, block)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_real_utf16_reads_a_byte_at_a_time_and_an_empty_file_is_no_text(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes("客户,经理\n".encode(encoding))  # a zero byte in the comma
    assert _read(path, encoding, 1) == "客户,经理\n"
    path.write_bytes(b"")
    assert _read(path, encoding, 1) == ""
    # A first line of Chinese alone, a thousand characters of it, has its zero byte in
    # the line's end.
    text = "客户经理" * 250 + "\n"
    path.write_bytes(text.encode(encoding))
    assert _read(path, encoding) == text


# A CRM's report title above the table: "客户资产明细表（营业部：…）", long enough that its
# first 4 KB hold no comma and no line end, so no zero byte either.
TITLE = "客户资产明细表（二〇二六年元月，单位：元）“高净值”客户经理" * 80 + "\n客户号,资产\n"
TITLE_BIG5 = "客戶資產明細表（二零二六年元月，單位：元）「高淨值」客戶經理" * 80 + "\n客戶號,資產\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("block", [1, 1 << 20])
def test_utf16_whose_first_4kb_are_chinese_alone_is_read_as_utf16(
    tmp_path: Path, encoding: str, block: int
) -> None:
    path = tmp_path / "assets.csv"
    written = TITLE.encode(encoding)
    assert 0 not in written[:4096]
    path.write_bytes(written)
    assert _read(path, encoding, block) == TITLE
    # "utf-16" cannot say the byte order of a file without a mark: asked for it, not told
    # that the file is no UTF-16.
    with pytest.raises(NoByteOrderMark):
        _read(path, "utf-16")


@pytest.mark.parametrize("saved", ["gbk", "gb18030", "big5", "utf-8"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_the_same_chinese_in_another_encoding_is_still_no_utf16(
    tmp_path: Path, saved: str, encoding: str
) -> None:
    path = tmp_path / "assets.csv"
    path.write_bytes((TITLE_BIG5 if saved == "big5" else TITLE).encode(saved))
    with pytest.raises(NotWide) as caught:
        _read(path, encoding)
    assert caught.value.utf8 == (saved == "utf-8")


def test_a_mark_is_left_out_even_read_by_an_encoding_that_does_not_expect_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(TEXT.encode("utf-16"))  # Python writes the mark
    assert byte_order_mark(path.read_bytes()[:4]) == "utf-16"
    assert _read(path, "utf-16-le") == TEXT
    assert byte_order_mark("\ufeff客户".encode()) == "utf-8-sig"
    assert byte_order_mark(TEXT.encode("gb18030")) is None
    # UTF-32's little-endian mark begins with UTF-16's: read as UTF-16, every other
    # character was a NUL.
    path.write_bytes(TEXT.encode("utf-32"))
    assert byte_order_mark(path.read_bytes()[:4]) == "utf-32"
    assert _read(path, "utf-32") == TEXT
    assert byte_order_mark(codecs.BOM_UTF32_BE + "客户".encode("utf-32-be")) == "utf-32"


def test_only_text_encodings_are_known_by_python_s_own_names(tmp_path: Path) -> None:
    assert [text_encoding(name) for name in ("GBK", "cp936", "GB18030", "utf8", "UTF-16")] == [
        "gbk", "gbk", "gb18030", "utf-8", "utf-16",
    ]  # fmt: skip
    assert [text_encoding(name) for name in ("gbkk", "base64", "rot13", "zlib")] == [None] * 4
    # Names whose lookup raises ValueError rather than LookupError: no encoding either.
    assert [text_encoding(name) for name in ("undefined", "utf-8\x00")] == [None] * 2
    # A setting written as a number or a list is no name: None, not a TypeError.
    assert [text_encoding(name) for name in (936, ["gbk"], None)] == [None] * 3
    # The SQL source refuses a codec that is not a text encoding at its key, as it does a
    # name it does not know, rather than failing on it when a collect reads the file.
    (tmp_path / "calls.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(SqlMetricError) as caught:
        table_file("calls", {"path": "calls.csv", "encoding": "base64"}, tmp_path, [])
    assert str(caught.value) == "sources.sql.tables.calls.encoding: unknown encoding 'base64'"


@pytest.mark.parametrize("block", [1, 5, 1 << 20])
def test_a_utf8_copy_is_the_file_line_for_line_or_nothing(tmp_path: Path, block: int) -> None:
    # The one copy both readers give DuckDB: the SQL source's of a gzipped table too.
    source, copies = tmp_path / "clients.csv.gz", tmp_path / "copies"
    copies.mkdir()
    source.write_bytes(gzip.compress(TEXT.encode("gb18030")))
    with gzip.open(source, "rb") as file:
        utf8_copy(file, "gb18030", copies / "clients.csv", block)
    assert (copies / "clients.csv").read_bytes() == TEXT.encode()  # its \r\n and \r kept
    # A byte that is not text: raised with its line, and no part of a copy left behind
    # (the SQL source left one, which the collect's temporary folder kept until its end).
    source.write_bytes(TEXT.encode("gbk") + b"\xc1\xf5\xff,cm04\n")
    with source.open("rb") as file, pytest.raises(NotEncoded) as caught:
        utf8_copy(file, "gbk", copies / "bad.csv", block)
    assert caught.value.line == 5
    assert sorted(path.name for path in copies.iterdir()) == ["clients.csv"]
    # No room for the copy: the OSError is raised, and nothing left either.
    with source.open("rb") as file, pytest.raises(OSError):
        utf8_copy(file, "gbk", tmp_path / "no-such-folder" / "bad.csv", block)


def test_every_name_the_docs_give_is_importable_from_okrdesk_plugins() -> None:
    """docs/plugins.md named ``okrdesk.plugins.text_encoding.NotWide``, an AttributeError:
    ``okrdesk.plugins.text_encoding`` is the function. Every helper is exported beside it."""
    import okrdesk.plugins as plugins
    from okrdesk.plugins import text_encoding as module

    for name in ("text_encoding", "byte_order_mark", "decoded", "decoded_lines", "utf8_copy",
                 "NotEncoded", "NoByteOrderMark", "NotWide", "SettingsMistake",
                 "SettingsProblem", "number_setting", "hookimpl"):  # fmt: skip
        assert name in plugins.__all__, name
        assert getattr(plugins, name) is not None
    assert module("GBK") == "gbk"


def test_decoded_lines_feed_csv_with_the_file_s_lines_and_stop_at_the_bad_byte() -> None:
    """``decoded`` gave a megabyte at a time, cutting lines, so it could not feed ``csv``."""
    import csv

    from okrdesk.plugins import NotEncoded, decoded_lines

    text = 'date,name\n2026-01-05,"王\r\n芳"\r\n2026-01-06,李\r2026-01-07,张\n'
    data = text.encode("gb18030") + b"\x81\x20,x\n"
    for block in (1, 2, 3, 7, 1 << 20):
        reader = csv.reader(decoded_lines(io.BytesIO(data), "gb18030", block))
        rows = []
        with pytest.raises(NotEncoded) as raised:
            for row in reader:
                rows.append((reader.line_num, row))
        assert rows == [(1, ["date", "name"]), (3, ["2026-01-05", "王\r\n芳"]),
                        (4, ["2026-01-06", "李"]), (5, ["2026-01-07", "张"])]  # fmt: skip
        assert (raised.value.line, raised.value.byte) == (6, 0x81)
    # A byte-order mark wins over the encoding set, and is left out.
    marked = codecs.BOM_UTF8 + "客户,金额\r\n张三,1".encode()
    assert list(decoded_lines(io.BytesIO(marked), "gb18030")) == ["客户,金额\r\n", "张三,1"]
    wide = "a\r\nb\rc\n".encode("utf-16")
    assert list(decoded_lines(io.BytesIO(wide), "utf-8", 1)) == ["a\r\n", "b\r", "c\n"]
    assert list(decoded_lines(io.BytesIO(b""), "utf-8")) == []


@pytest.mark.parametrize("encoding", [None, "no-such-codec", 936])
def test_decoded_lines_given_no_encoding_says_what_to_pass(encoding: object) -> None:
    """A plugin that skipped text_encoding's None for an unknown setting met "TypeError:
    lookup() argument must be str, not None" from deep inside; it is told what to pass."""
    import io

    from okrdesk.plugins import decoded_lines

    with pytest.raises(ValueError, match=r"decoded_lines: .* is no text encoding Python knows"):
        list(decoded_lines(io.BytesIO(b"a,b\n"), encoding))  # type: ignore[arg-type]
