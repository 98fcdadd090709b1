"""A block of a text file is matched for blank lines only where one may begin: the cheap
search finds every place the full pattern would."""

from __future__ import annotations

import random

from okrdesk.plugins.csv_lines import _BLANK, _BLANK_BEGUN

PIECES = [b"\n", b"\r", b" ", b"\t", b",", b";", b"|", "\u3000".encode(), b"a", b"1", b"\xe3"]


def test_every_blank_line_begins_where_the_search_looks() -> None:
    draw = random.Random(16)
    found = 0
    for _ in range(20_000):
        text = b"".join(draw.choice(PIECES) for _ in range(draw.randint(1, 12)))
        if _BLANK.search(text) is not None:
            found += 1
            assert _BLANK_BEGUN.search(text) is not None, text
    assert found > 1_000  # the texts drawn hold blank lines of every kind


def test_a_block_of_rows_has_no_place_to_look() -> None:
    rows = b"".join(b"2026-01-06;cm%02d;5\r\n" % n for n in range(100))
    assert _BLANK_BEGUN.search(rows) is None
    assert _BLANK_BEGUN.search(rows + b"\r\n") is not None
