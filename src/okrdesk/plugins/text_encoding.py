"""Text files in another encoding than UTF-8, as Chinese CRM systems and Excel save them.

One piece for every reader of a user's export: the SQL source's tables and the
reference brokerage plugin's files. ``text_encoding`` checks the name a setting
gives, ``byte_order_mark`` reads what a file's first bytes say, and ``decoded``
gives a file's text a block at a time (a UTF-8 copy for DuckDB, which reads UTF-8
alone offline, is written from it), or names the line of the first byte that is
not text in the encoding. A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``, the
first line being 1, as Python's ``csv`` module counts them.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
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


class NoByteOrderMark(ValueError):
    """``utf-16`` (or ``utf-32``) of a file with no byte-order mark to say its byte order."""


def text_encoding(name: str) -> str | None:
    """Python's own name for the text encoding ``name`` (``"GBK"`` and ``"cp936"`` are
    ``"gbk"``, ``"utf8"`` is ``"utf-8"``); None for a name Python does not know, or one of
    a codec that does not turn bytes into text (``base64``, ``rot13``) or turns none
    (``undefined``)."""
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


def decoded(binary: BinaryIO, encoding: str, block: int = BLOCK) -> Iterator[str]:
    """The text of ``binary`` in ``encoding``, ``block`` bytes at a time (a byte-order mark
    is left out). At the first byte that is not text in it, gives the text before that
    byte and raises ``NotEncoded``; ``NoByteOrderMark`` for ``utf-16`` without one."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line, after_cr, first = 1, False, True
    while True:
        data = binary.read(block)
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
