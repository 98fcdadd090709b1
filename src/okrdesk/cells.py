"""How many columns of a terminal a character takes, for every line okrdesk lays out.

One rule for the report's tables (``report.text_layout``) and for the lines the other
commands pad (``messages.display_width``): a name must line up the same in both. Imports
nothing of okrdesk's, so that ``okrdesk --help``, which lays out its text, stays light.
"""

from __future__ import annotations

import unicodedata


def char_cells(char: str) -> int:
    """Columns a terminal gives one character: two for a wide (Chinese) one, none for a
    combining mark (an accent typed as its own character), a format or control one."""
    code = ord(char)
    if code < 32 or 0x7F <= code < 0xA0:
        return 0
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
