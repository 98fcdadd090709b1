"""Find the line of every key and array element in a TOML document.

``tomllib`` gives values but not where they were written. This scanner walks
text that ``tomllib`` has already accepted and records the offset at which
each key path starts, so every problem can name its line. It never evaluates
anything; it only tracks strings, brackets and table headers.
"""

from __future__ import annotations

import bisect
import re

PathPart = str | int
KeyPath = tuple[PathPart, ...]

# Compiled at their first use (re keeps them): a report whose plan is read from the cache
# locates no key.
_BARE_KEY = r"[A-Za-z0-9_-]+"
_BASIC_STRING_END = r'(?:[^"\\\n]|\\.)*"'


class KeyLocator:
    """Line numbers (1-based) of key paths such as ``("objectives", 0, "title")``."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._newlines: list[int] = []
        self._offsets: dict[KeyPath, int] = {}
        self._aot_counts: dict[KeyPath, int] = {}
        self._pos = 0
        self._scanned = False

    def _scan(self) -> None:
        """Scan the text the first time a line is asked for: a file without a problem
        never needs one."""
        if not self._scanned:
            self._scanned = True
            self._newlines = [i for i, ch in enumerate(self._text) if ch == "\n"]
            self._scan_document()

    def line_of(self, path: KeyPath) -> int:
        """The line where ``path`` is written, or where its nearest written parent is."""
        self._scan()
        for end in range(len(path), 0, -1):
            offset = self._offsets.get(path[:end])
            if offset is not None:
                return bisect.bisect_left(self._newlines, offset) + 1
        return 1

    def text_of_line(self, line: int) -> str:
        """The text of ``line`` (from 1), as TOML counts lines; "" past the end."""
        lines = self._text.split("\n")
        return lines[line - 1].removesuffix("\r") if 0 < line <= len(lines) else ""

    def path_at_line(self, line: int) -> KeyPath | None:
        """The deepest key path written on ``line``, if any."""
        self._scan()
        found = [
            path
            for path, offset in self._offsets.items()
            if bisect.bisect_left(self._newlines, offset) + 1 == line
        ]
        return max(found, key=len) if found else None

    # ------------------------------------------------------------ the scanner

    def _peek(self, ahead: int = 0) -> str:
        index = self._pos + ahead
        return self._text[index] if index < len(self._text) else ""

    def _skip_blank(self, newlines: bool) -> None:
        text = self._text
        while self._pos < len(text):
            ch = text[self._pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self._pos += 1
            elif ch == "#":
                end = text.find("\n", self._pos)
                self._pos = len(text) if end < 0 else end
            else:
                return

    def _scan_document(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip_blank(newlines=True)
            if self._pos >= len(self._text):
                return
            start = self._pos
            if self._text.startswith("[[", self._pos):
                self._pos += 2
                keys = self._read_key()
                self._pos = self._text.index("]]", self._pos) + 2
                base = (*self._resolve(keys[:-1], start), keys[-1])
                index = self._aot_counts.get(base, 0)
                self._aot_counts[base] = index + 1
                table = (*base, index)
                self._offsets.setdefault(base, start)
                self._offsets[table] = start
            elif self._peek() == "[":
                self._pos += 1
                keys = self._read_key()
                self._pos = self._text.index("]", self._pos) + 1
                table = self._resolve(keys, start)
                self._offsets[table] = start
            else:
                self._read_key_value(table)

    def _resolve(self, keys: KeyPath, start: int | None = None) -> KeyPath:
        """A header's keys, with the current index of every array of tables on the way.

        A table the header creates implicitly is located at the header.
        """
        path: KeyPath = ()
        for key in keys:
            path = (*path, key)
            if start is not None:
                self._offsets.setdefault(path, start)
            count = self._aot_counts.get(path)
            if count:
                path = (*path, count - 1)
        return path

    def _read_key(self) -> KeyPath:
        keys: list[PathPart] = []
        while True:
            self._skip_blank(newlines=False)
            ch = self._peek()
            if ch == '"':
                end = re.compile(_BASIC_STRING_END).match(self._text, self._pos + 1)
                assert end is not None
                keys.append(_unescape(self._text[self._pos + 1 : end.end() - 1]))
                self._pos = end.end()
            elif ch == "'":
                end_index = self._text.index("'", self._pos + 1)
                keys.append(self._text[self._pos + 1 : end_index])
                self._pos = end_index + 1
            else:
                match = re.compile(_BARE_KEY).match(self._text, self._pos)
                assert match is not None, f"no key at offset {self._pos}"
                keys.append(match.group())
                self._pos = match.end()
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return tuple(keys)
            self._pos += 1

    def _read_key_value(self, table: KeyPath) -> None:
        start = self._pos
        keys = self._read_key()
        path = table
        for key in keys:
            path = (*path, key)
            self._offsets.setdefault(path, start)
        self._skip_blank(newlines=False)
        self._pos += 1  # the "="
        self._skip_blank(newlines=False)
        self._read_value(path)

    def _read_value(self, path: KeyPath) -> None:
        text = self._text
        if text.startswith('"""', self._pos):
            self._pos = self._end_of_multiline(self._pos + 3, '"""', escapes=True)
        elif text.startswith("'''", self._pos):
            self._pos = self._end_of_multiline(self._pos + 3, "'''", escapes=False)
        elif self._peek() == '"':
            end = re.compile(_BASIC_STRING_END).match(text, self._pos + 1)
            assert end is not None
            self._pos = end.end()
        elif self._peek() == "'":
            self._pos = text.index("'", self._pos + 1) + 1
        elif self._peek() == "[":
            self._read_array(path)
        elif self._peek() == "{":
            self._read_inline_table(path)
        else:
            while self._pos < len(text) and text[self._pos] not in ",]}\n#":
                self._pos += 1

    def _end_of_multiline(self, pos: int, quote: str, *, escapes: bool) -> int:
        text = self._text
        while True:
            if escapes and text[pos] == "\\":
                pos += 2
                continue
            if text.startswith(quote, pos):
                end = pos + 3
                # Up to two quotes may sit right before the closing delimiter.
                while end < len(text) and text[end] == quote[0] and end - pos < 5:
                    end += 1
                return end
            pos += 1

    def _read_array(self, path: KeyPath) -> None:
        self._pos += 1
        index = 0
        while True:
            self._skip_blank(newlines=True)
            if self._peek() == "]":
                self._pos += 1
                return
            if self._peek() == ",":
                self._pos += 1
                continue
            self._offsets[(*path, index)] = self._pos
            self._read_value((*path, index))
            index += 1

    def _read_inline_table(self, path: KeyPath) -> None:
        self._pos += 1
        while True:
            self._skip_blank(newlines=True)
            if self._peek() == "}":
                self._pos += 1
                return
            if self._peek() == ",":
                self._pos += 1
                continue
            self._read_key_value(path)


_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        if body[0] in "uU":
            return chr(int(body[1:], 16))
        return _ESCAPES.get(body, body)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", replace, raw)
