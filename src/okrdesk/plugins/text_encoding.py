"""Text files in another encoding than UTF-8, as Chinese CRM systems and Excel save them.

One piece for every reader of a user's export: the SQL source's tables and the
reference brokerage plugin's files. ``text_encoding`` checks the name a setting
gives, ``byte_order_mark`` reads what a file's first bytes say, ``decoded`` gives a
file's text a block at a time, or names the line of the first byte that is not text
in the encoding, and ``utf8_copy`` writes the UTF-8 copy DuckDB (which reads UTF-8
alone offline) reads of a file in another encoding. A line ends at ``\\n``,
``\\r\\n`` or a lone ``\\r``, the first line being 1, as Python's ``csv`` module
counts them.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

BLOCK = 1 << 20
"""Bytes decoded at a time: a file of any size is transcoded in flat memory."""

UTF8 = frozenset({"utf-8", "utf-8-sig"})
"""Python's names of the encodings DuckDB reads as they are (no copy needed)."""


class NotEncoded(ValueError):
    """The file holds a byte that is not text in ``encoding``: the first at ``line``."""

    def __init__(self, encoding: str, line: int, byte: int) -> None:
        self.encoding, self.line, self.byte = encoding, line, byte
        super().__init__(f"line {line}: not {encoding} text (byte 0x{byte:02x})")


WIDE_MARKS = frozenset({"utf-16", "utf-32"})
"""What ``byte_order_mark`` says of a UTF-16 or UTF-32 file's mark."""

WIDE_SNIFF = 4096
"""Bytes of a file's start in which UTF-16 or UTF-32 text has a zero byte, or UTF-16 text
reads as Chinese (``NotWide``)."""

WIDE_HAN = 0.9
"""The share of a UTF-16 file's first characters, read in its byte order, that must be
Chinese (ideographs and Chinese punctuation) for a file with no zero byte among its first
``WIDE_SNIFF`` bytes to be taken for UTF-16: a header of Chinese column names with no
comma or line end in them. GBK or Big5 read as UTF-16 (each pair of bytes one character)
is mostly Korean, private-use and unpaired halves of characters, and at most half
Chinese; UTF-8 Chinese almost none."""

_HAN = (
    (0x2000, 0x206F),  # general punctuation: “ ” … —
    (0x3000, 0x303F),  # CJK punctuation: 、 。 「 」
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # the unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFF00, 0xFFEF),  # full-width forms: ， ： （ ）
    (0x20000, 0x3FFFF),  # extensions B on (a pair of halves each)
)


class NoByteOrderMark(ValueError):
    """``utf-16`` (or ``utf-32``) of a file with no byte-order mark to say its byte order:
    ``family`` is ``"UTF-16"`` or ``"UTF-32"``, the name a message gives it, and ``choices``
    the two encodings a setting can name instead (little-endian first: Windows and Excel
    write it)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.family = wide_family(encoding) or encoding
        stem = self.family.lower()
        self.choices = (f"{stem}-le", f"{stem}-be")
        super().__init__(f"no byte-order mark says which {self.family} it is")


class NotWide(ValueError):
    """A file read as UTF-16 or UTF-32 (``encoding``, of the ``family`` ``"UTF-16"`` or
    ``"UTF-32"``) that is not: neither a byte-order mark nor one zero byte in its first
    ``WIDE_SNIFF`` bytes, where UTF-16 writes one for every ASCII character (each comma,
    digit and line end) and UTF-32 one for every character; and, for UTF-16, those bytes
    are not Chinese text in it (``WIDE_HAN``). ``utf8``: those bytes are UTF-8 text (ASCII
    alone too), which a reader takes as the file's encoding instead. Read as UTF-16
    regardless, ASCII gives a line of other characters and no error."""

    def __init__(self, encoding: str, utf8: bool) -> None:
        self.encoding, self.utf8 = encoding, utf8
        self.family = wide_family(encoding) or encoding
        super().__init__(f"not {self.family} text (no zero byte)")

    def told(
        self, key: str, key_zh: str, where: str = "", where_zh: str = "", written: str = ""
    ) -> tuple[str, str]:
        """What a reader says of such a file, in English and Chinese, and what to set:
        ``key`` names the setting as the reader's user knows it ("encoding", "this table's
        encoding"), ``where`` the table it is in ("under [sources.brokerage]"), ``written``
        the setting as the user wrote it ("utf-16le", which Python calls "utf-16-le")."""
        family, setting = self.family, written or self.encoding
        key_zh, where_zh = _amid_chinese(key_zh), _amid_chinese(where_zh).rstrip()
        if self.utf8:
            what = f"reads as UTF-8: leave {key} out (UTF-8 is the default)"
            what_zh = f"它能按 UTF-8 读：请删掉{key_zh.rstrip()}（默认就是 UTF-8）"
        else:
            what = (
                f'is not UTF-8 either: set {key} to the one it is saved in ("gb18030" for the '
                "GBK or GB18030 that Excel and many Chinese CRM systems write)"
            )
            what_zh = (
                f"也不是 UTF-8：请把{key_zh}设为它实际的编码（Excel 和不少国内 CRM 系统存的 GBK 或 "
                'GB18030 设 "gb18030"）'
            )
        return (
            f'not {family} text, though encoding = "{setting}"{where and " " + where} says so: '
            f"it has none of the zero bytes {family} writes, and {what}",
            f'不是 {family} 文本，尽管{where_zh}设了 encoding = "{setting}"：文件里没有 {family} '
            f"必有的零字节；{what_zh}",
        )


def _amid_chinese(words: str) -> str:
    """``words`` set amid Chinese text: a space on a side where it begins or ends with a
    Latin letter or a sign (Chinese puts one between its characters and a Latin word,
    none elsewhere)."""
    if not words:
        return words
    return f"{' ' * words[0].isascii()}{words}{' ' * words[-1].isascii()}"


def text_encoding(name: object) -> str | None:
    """Python's own name for the text encoding ``name`` (``"GBK"`` and ``"cp936"`` are
    ``"gbk"``, ``"utf8"`` is ``"utf-8"``); None for a name Python does not know, or one of
    a codec that does not turn bytes into text (``base64``, ``rot13``) or turns none
    (``undefined``), and for what is not text (a setting written ``encoding = 936``)."""
    if not isinstance(name, str):  # a setting written as a number or a list
        return None
    try:
        found = codecs.lookup(name).name
        "a".encode(found)  # a codec that is not a text encoding raises LookupError here
    except (LookupError, ValueError):  # ValueError: a NUL in the name, or "undefined"
        return None
    return found


def byte_order_mark(start: bytes) -> str | None:
    """The encoding a file's first bytes (four at least) say it is in: ``utf-8-sig`` or
    ``utf-16`` for a UTF-8 or UTF-16 byte-order mark (Excel's "Unicode text" writes one),
    ``utf-32`` for a UTF-32 one (whose little-endian mark begins as UTF-16's), else None."""
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def wide_family(encoding: str) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` for an encoding of either (``utf-16``, ``utf_16le``,
    ``UTF-32BE``), else None."""
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, ValueError):
        return None
    for family in ("UTF-16", "UTF-32"):
        if name == family.lower() or name.startswith(f"{family.lower()}-"):
            return family
    return None


def check_wide(start: bytes, encoding: str) -> None:
    """Raise ``NotWide`` when ``encoding`` is a UTF-16 or UTF-32 one and ``start``, a file's
    first ``WIDE_SNIFF`` bytes (or all of it, when shorter), says the file is not: no zero
    byte, and for UTF-16 no Chinese text read so either."""
    if not start or wide_family(encoding) is None or byte_order_mark(start) in WIDE_MARKS:
        return
    start = start[:WIDE_SNIFF]
    if 0 in start:
        return
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
    except UnicodeDecodeError:
        if _chinese_utf16(start, encoding):
            return
        raise NotWide(encoding, utf8=False) from None
    raise NotWide(encoding, utf8=True)


def _chinese_utf16(start: bytes, encoding: str) -> bool:
    """Whether ``start`` is Chinese text (``WIDE_HAN``) in ``encoding``, a UTF-16 one, in
    either byte order for ``utf-16`` itself (a file without the mark that says which)."""
    name = codecs.lookup(encoding).name
    if wide_family(name) != "UTF-16":
        return False
    for order in ("utf-16-le", "utf-16-be") if name == "utf-16" else (name,):
        try:
            text = codecs.getincrementaldecoder(order)().decode(start, final=False)
        except UnicodeDecodeError:  # half a character alone: not UTF-16 in this order
            continue
        han = sum(any(low <= ord(c) <= high for low, high in _HAN) for c in text)
        if text and han >= WIDE_HAN * len(text):
            return True
    return False


def decoded(binary: BinaryIO | _Prefixed, encoding: str, block: int = BLOCK) -> Iterator[str]:
    """The text of ``binary`` in ``encoding``, ``block`` bytes at a time (a byte-order mark
    is left out). At the first byte that is not text in it, gives the text before that
    byte and raises ``NotEncoded``; ``NoByteOrderMark`` for ``utf-16`` without one, and
    ``NotWide``, before any text, for a file UTF-16 or UTF-32 is set for that is neither
    (its first read is then ``WIDE_SNIFF`` bytes at least)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line, after_cr, first = 1, False, True
    if wide_family(encoding) is not None:
        data = binary.read(max(block, WIDE_SNIFF))
        check_wide(data, encoding)
        # Not left to the decoder, which can fail on half a character first.
        unmarked = data and byte_order_mark(data) not in WIDE_MARKS
        if unmarked and codecs.lookup(encoding).name in {"utf-16", "utf-32"}:
            raise NoByteOrderMark(encoding)
    else:
        data = binary.read(block)
    while True:
        state = decoder.getstate()
        bad: int | None = None
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            # Again a byte at a time from where the block began: the one that fails is the
            # first that is not text, and the text before it gives its line.
            decoder.setstate(state)
            text, bad = _up_to_bad(decoder, data)
        except UnicodeError:  # "utf-16" of a file with no byte-order mark to say which
            raise NoByteOrderMark(encoding) from None
        if text:
            if first:  # a mark the encoding does not take for one ("utf-16-le", "gbk")
                text, first = text.removeprefix("\ufeff"), False
            line += line_ends(text, after_cr)
            after_cr = text.endswith("\r")
            yield text
        if bad is not None:
            raise NotEncoded(encoding, line, bad)
        if not data:
            return
        data = binary.read(block)


def decoded_lines(binary: BinaryIO, encoding: str, block: int = BLOCK) -> Iterator[str]:
    """The lines of ``binary`` in ``encoding``, each with its line end (``\\n``, ``\\r\\n``
    or a lone ``\\r``; the last may have none), as ``csv.reader`` takes them: a quoted
    field that holds a line end goes on into the next line, and ``reader.line_num`` is
    the file's line. A byte-order mark at the start wins over ``encoding`` (Excel's
    "UTF-8" and "Unicode text" write one) and is left out. Raises what ``decoded`` raises,
    ``NotEncoded`` after the lines before the one holding its bad byte (``line``,
    ``byte``); a file of any size is read ``block`` bytes at a time."""
    if not isinstance(encoding, str) or text_encoding(encoding) is None:
        # Python's own words (a TypeError from codecs.lookup) name nothing an author set.
        from okrdesk.plugins.failures import worded

        raise worded(
            ValueError,
            f"decoded_lines: {encoding!r} is no text encoding Python knows; pass the name "
            "text_encoding() gave for the setting, and where it gave None, tell the user "
            "their encoding setting is unknown (raise SettingsMistake) rather than read on",
            f"decoded_lines：{encoding!r} 不是 Python 认识的文本编码；请传入 text_encoding() "
            "为该设置给出的名字；它给出 None 时，应告诉用户编码设置无法识别（raise "
            "SettingsMistake），而不是接着读",
        )
    from okrdesk.plugins import lines_read

    reading = lines_read.begun(binary)
    try:
        for line in _lines(binary, encoding, block):
            if reading is not None:
                reading.line += 1
                reading.text = line
                if reading.header is None:
                    reading.header = line.rstrip("\r\n")
            yield line
    except GeneratorExit:
        raise  # let go part-read: noted still, for the failure that let go of it
    except BaseException:
        lines_read.ended(reading)
        raise
    lines_read.ended(reading)


def _lines(binary: BinaryIO, encoding: str, block: int) -> Iterator[str]:
    """``decoded_lines``' lines, each with its line end."""
    start = binary.read(4)
    marked = byte_order_mark(start)
    rest = ""
    try:
        for text in decoded(_Prefixed(start, binary), marked or encoding, block):
            text = rest + text
            ends = [match.end() for match in re.finditer(_LINE_END, text)]
            # A "\r" at the end may be the first half of a "\r\n" in the next block.
            if ends and ends[-1] == len(text) and text.endswith("\r"):
                ends.pop()
            begin = 0
            for end in ends:
                yield text[begin:end]
                begin = end
            rest = text[begin:]
    except NotEncoded:
        if rest.endswith("\r"):  # a whole line: the bad byte begins the next
            yield rest
        raise
    if rest:
        yield rest


_LINE_END = r"\r\n|\r|\n"  # compiled where first used (re keeps it): most commands read no CSV


class _Prefixed:
    """``binary`` read after the bytes ``start`` already read from it."""

    def __init__(self, start: bytes, binary: BinaryIO) -> None:
        self._start, self._binary = start, binary

    def read(self, size: int = -1) -> bytes:
        if not self._start:
            return self._binary.read(size)
        start, self._start = self._start, b""
        wanted = -1 if size < 0 else max(size - len(start), 0)
        return start + (self._binary.read(wanted) if wanted else b"")


def utf8_copy(source: BinaryIO, encoding: str, copy: Path, block: int = BLOCK) -> None:
    """Write the text of ``source`` in ``encoding`` to ``copy`` as UTF-8, ``block`` bytes at
    a time and line for line (a line of the copy is the same line of the file), through a
    ``.part`` file beside it: a file at ``copy`` is a whole copy. Raises what ``decoded``
    raises, or ``OSError`` (no room for it), leaving no part behind. For a scratch folder:
    the copy is no file a user keeps."""
    part = copy.with_name(f".{copy.name}.part")
    try:
        with part.open("w", encoding="utf-8", newline="") as out:  # scratch: a copy to read
            for text in decoded(source, encoding, block):
                out.write(text)
        os.replace(part, copy)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        raise


def line_ends(text: str, after_cr: bool = False) -> int:
    """The lines ``text`` ends; ``after_cr``: the text before it ended with ``\\r`` (so a
    ``\\n`` first completes that line's ``\\r\\n``)."""
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    return ends - (after_cr and text.startswith("\n"))


def _up_to_bad(decoder: codecs.IncrementalDecoder, data: bytes) -> tuple[str, int]:
    """The text of ``data`` before its first byte that ``decoder`` fails on, and that byte
    (the first of a sequence it began)."""
    pieces = []
    for at in range(len(data) + 1):
        try:
            pieces.append(decoder.decode(data[at : at + 1], final=at == len(data)))
        except UnicodeDecodeError as error:
            return "".join(pieces), error.object[error.start]
    raise AssertionError("a block that failed to decode decoded a byte at a time")
