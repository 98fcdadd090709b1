"""Lines of text for a terminal, measured in cells, without rich.

The report used to be laid out by rich; this module and the tables built on it
(report/text_tables.py) keep its look line for line (the same word wrapping,
ellipses and rules) at a fraction of the cost. Widths are terminal cells: a
Chinese character takes two.

Text wraps at spaces, and Chinese, which has none, also between two of its
characters to fill a line (where rich would move the whole of it to the next);
a figure stays with its sign and unit, a command on a line of its own. A word
longer than its line is folded (``fold``) or cut with … (``ellipsis``); a line
that must stay one line is cut where it keeps its figures whole
(report/line_cut.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter
from typing import Literal

from okrdesk.cells import char_cells as _measured_cells
from okrdesk.unit_symbols import AFTER_TEN_THOUSAND, ONE_CHARACTER, POINTS, SYMBOLS

Run = tuple[str, str]
"""A piece of text and its style ("", "bold", "bold red", "dim italic", …)."""

Line = list[Run]
Justify = Literal["default", "left", "right"]
Overflow = Literal["fold", "fold_figures", "ellipsis"]
"""What a word too long for its line becomes: ``fold`` cuts it where the line ends (as
rich does), ``fold_figures`` before a run of figures or Latin letters rather than inside
it (a title in Chinese is one long word: "45亿元(也是“4×100”" must not become "4×1" and
"00"), ``ellipsis`` ends it with …."""

ELLIPSIS = "…"

# ------------------------------------------------------------------ cells


_CHAR_CELLS: dict[str, int] = {}
_TEXT_OF = itemgetter(0)
"""A run's text: lines are measured and joined run by run, in C rather than a loop."""


def char_cells(char: str) -> int:
    """Cells one character takes: 2 for wide (CJK) ones, 0 for combining marks."""
    width = _CHAR_CELLS.get(char)
    if width is None:
        width = _CHAR_CELLS[char] = _measured_cells(char)
    return width


@lru_cache(maxsize=4096)
def cell_width(text: str) -> int:
    """Cells ``text`` takes on a terminal. Kept for each text: a table measures its
    cells several times as it lays them out, and a kept answer costs no Python call."""
    if text.isascii() and text.isprintable():
        return len(text)
    try:  # each character looked up in C, not measured by a call of its own
        return sum(map(_CHAR_CELLS.__getitem__, text))
    except KeyError:
        return sum(map(char_cells, text))


def cut_at_cells(text: str, total: int) -> tuple[int, int]:
    """How many characters of ``text`` fit in ``total`` cells, and the cells left
    over (one when a wide character would be cut in half, more when it is short)."""
    if total <= 0:
        return 0, 0
    if text.isascii() and text.isprintable():
        return min(len(text), total), max(0, total - len(text))
    width = 0
    for index, char in enumerate(text):
        char_width = char_cells(char)
        if width + char_width > total:
            return index, total - width
        width += char_width
    return len(text), total - width


def fit_cells(text: str, total: int) -> str:
    """``text`` cropped or padded with spaces to ``total`` cells; a wide
    character cut in half becomes a space."""
    kept, spaces = cut_at_cells(text, total)
    return text[:kept] + " " * spaces


def chop(text: str, width: int, *, whole_runs: bool = False) -> list[str]:
    """``text`` in pieces of at most ``width`` cells (a wide character is never split).
    ``whole_runs``: each piece cut before a run of figures or Latin letters rather than
    inside it (a title's "4×100" or "45亿" is never cut into "4×1" and "00"), unless the
    run is too wide for a line of its own, and no piece starts with a closing bracket,
    quote or stop, nor ends with an opening one, as Chinese is set."""
    pieces: list[str] = []
    start = size = 0
    for index, char in enumerate(text):
        char_width = char_cells(char)
        if size + char_width > width:
            cut = index
            while (
                whole_runs
                and cut > start
                and (
                    (_joined(text[cut - 1]) and _joined(text[cut]))
                    or text[cut] in _NO_LINE_START
                    or text[cut - 1] in _NO_LINE_END
                    or any(a < cut < b for a, b in _unit_words(text))
                )
            ):
                cut -= 1
            if cut == start:
                cut = index
            pieces.append(text[start:cut])
            start, size = cut, cell_width(text[cut:index])
        size += char_width
    if size:
        pieces.append(text[start:])
    return _no_last_alone(pieces, width)


def _no_last_alone(pieces: list[str], width: int) -> list[str]:
    """``pieces`` with no wide character alone on the last line (孤字: ``林志强、财务`` above
    ``部``): the character before it goes along, where that may start a line and what is
    left may end one (``林志强、财`` above ``务部``)."""
    if len(pieces) < 2 or len(pieces[-1]) != 1 or char_cells(pieces[-1]) != 2:
        return pieces
    before, moved = pieces[-2][:-1], pieces[-2][-1:]
    if (
        len(before) < 2
        or char_cells(moved) != 2
        or moved in _NO_LINE_START
        or before[-1] in _NO_LINE_END
        or cell_width(moved + pieces[-1]) > width
    ):
        return pieces
    return [*pieces[:-2], before, moved + pieces[-1]]


BRACKETS = {
    "(": ")", "（": "）", "[": "]", "【": "】", "“": "”", "‘": "’", "《": "》", "「": "」",
    "『": "』",
}  # fmt: skip
"""Each opening bracket or quote, and what closes it."""
CLAUSE_STOPS = frozenset("，。、：；！？")
"""The stops that end a clause or an item of a Chinese list, after which a line may end."""
_NO_LINE_START = frozenset(BRACKETS.values()) | CLAUSE_STOPS
_NO_LINE_END = frozenset(BRACKETS)
_PUNCTUATION = _NO_LINE_START | _NO_LINE_END
_NO_FILLED_LINE_START = _NO_LINE_START | frozenset(",.:;!?")
"""What a line broken inside a word does not start with: a Chinese title's stops may be
ASCII ones (攻坚:权益类)."""


def _joined(char: str) -> bool:
    """Whether a character belongs to a run a line is not cut inside: digits, Latin
    letters and what a figure, a day or an id holds between them (a scoring policy's
    ``trainee-monthly``, never ``trainee-`` above ``monthly``; ``2026-06-30``)."""
    return (char.isascii() and char.isalnum()) or char in ".,%‰×_-"


def line_cells(line: Line) -> int:
    return sum(map(cell_width, map(_TEXT_OF, line)))


def crop(line: Line, width: int) -> Line:
    """``line`` cut at ``width`` cells (not padded)."""
    out: Line = []
    used = 0
    for text, style in line:
        size = cell_width(text)
        if used + size < width:
            out.append((text, style))
            used += size
        else:
            out.append((fit_cells(text, width - used), style))
            break
    return out


# ------------------------------------------------------------------ styled text


class Text:
    """Text in runs of one style each; on a line of its own that is too long,
    the run appended with ``yields`` (a title, a name) is shortened first, and the
    run appended with ``kept`` (the day old figures are of) is never cut: what is
    before it is, and what is after it goes first. With ``hanging`` set, what one
    line cannot hold even so goes on to further lines, each indented by that many
    cells, rather than being cut (``fitted``). With ``shorter`` set, a line too long
    whose cut loses any of the words in ``holds`` is that text instead, laid out the
    same way: a shorter form of it, said by whoever knows which of its words matter (a
    list cut to its first item, its figure kept). With ``facts_at`` set as well as
    ``hanging``, a line narrower than that many cells goes on over further lines only
    where one line would lose a figure or a day that one line ``facts_at`` cells wide
    shows (an alert of the first screen, which at 80 columns says when a checkpoint was
    missed: at 60 it must not lose that day), or, with ``verdict``, the words after its
    title that say what became of it (截止未达成: ``_tells_verdict``); else it is cut as
    one line."""

    __slots__ = (
        "facts_at", "hanging", "holds", "kept", "runs", "shorter", "verdict", "yielding"
    )  # fmt: skip

    def __init__(self, text: str = "", style: str = "") -> None:
        self.runs: list[Run] = [(text, style)] if text else []
        self.yielding: int | None = None
        self.kept: int | None = None
        self.hanging: int | None = None
        self.facts_at: int | None = None
        self.verdict = False
        self.shorter: Text | None = None
        self.holds: tuple[str, ...] = ()

    def append(
        self, text: str, style: str = "", *, yields: bool = False, kept: bool = False
    ) -> Text:
        if text:
            if yields:
                self.yielding = len(self.runs)
            if kept:
                self.kept = len(self.runs)
            self.runs.append((text, style))
        return self

    @property
    def plain(self) -> str:
        if len(self.runs) == 1:
            return self.runs[0][0]
        return "".join(map(_TEXT_OF, self.runs))

    def between(self, start: int, end: int) -> Line:
        """The runs of characters ``start`` to ``end``."""
        if len(self.runs) == 1:
            text, style = self.runs[0]
            return [(text[start:end], style)] if start < end else []
        out: Line = []
        offset = 0
        for text, style in self.runs:
            low, high = max(start, offset), min(end, offset + len(text))
            if low < high:
                out.append((text[low - offset : high - offset], style))
            offset += len(text)
        return out


def as_text(cell: str | Text) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


# ------------------------------------------------------------------ wrapping

BESIDE_ROOM = 20
"""Cells ``Screen.beside`` needs beside its head to keep the body in a column of its own."""

NO_BREAK = "\xa0"
"""A space that joins the words on either side: a line never breaks there. The layout's
own mark, printed as a plain space (``Screen.flush``): a manager who copies ``O2.KR2 2.4``
from the terminal greps it, or pastes it into Excel, as two plain words."""

_COMMAND = r"`okrdesk [^`]+`"  # compiled where first used, as below


def commands_held(text: str) -> str:
    """``text`` with the spaces of each command it suggests, backquoted, made
    ``NO_BREAK``: the command stays whole on one line, so that a manager who copies it
    runs all of it (``okrdesk move-unit szft`` above ``--from-plan szft-2026`` is
    refused)."""
    if "`okrdesk " not in text:
        return text
    return re.sub(_COMMAND, lambda found: found[0].replace(" ", NO_BREAK), text)


def commands_apart(
    plain: str, room: int, width: int, names_whole: bool | None = None
) -> Iterator[tuple[int, int, bool]]:
    """Where ``plain`` is a command (``commands_held``) that, with the stops right after
    it (a line never starts with ``, or``), is wider than ``room`` cells, and where it is
    the text around them, in order: (start, end, whether a command). A command's line,
    ``width`` cells wide, holds the stops after it and as many of the words after those
    as fit beside it (``_beside_command``); the text after it starts after them, without
    the spaces it starts with."""
    at = 0
    if f"`okrdesk{NO_BREAK}" in plain:
        for found in re.finditer(f"`okrdesk{NO_BREAK}[^`]+`", plain):
            stops = found.end()
            while stops < len(plain) and plain[stops] in _NO_FILLED_LINE_START:
                stops += 1
            if cell_width(plain[found.start() : stops]) > room and found.start() >= at:
                yield at, found.start(), False
                at = _beside_command(plain, found.start(), stops, width, names_whole)
                yield found.start(), at, True
                while at < len(plain) and plain[at] == " ":
                    at += 1
    yield at, len(plain), False


def _beside_command(
    plain: str, start: int, stops: int, width: int, names_whole: bool | None
) -> int:
    """Where the line of the command at ``start`` ends: after the stops that end at
    ``stops``, and after the words that follow them where they fit on a line ``width``
    cells wide, broken as the text after them is (``line_breaks``): ``…szft-2026`, or``
    above the rest, never ``…szft-2026`,`` alone above ``or change…``."""
    if names_whole is None:  # as the text after it is wrapped (``wrap``)
        names_whole = latin_prose(plain[stops:])
    line = plain[start:]
    breaks = line_breaks(line, width, False, whole_runs=True, names_whole=names_whole, said=True)
    end = start + breaks[0] if breaks else len(plain)
    return max(stops, len(plain[:end].rstrip(" ")))


_WORD = re.compile(rf"[^\S{NO_BREAK}]*[\S{NO_BREAK}]+[^\S{NO_BREAK}]*")
# Patterns the demo's report never needs are compiled where first used (re keeps them).
_TRAILING_SPACE = r"\s+$"


_SIGNS = frozenset("≥≤<>=≈±")
_SPACES_AFTER = rf"[^\S{NO_BREAK}]+$"  # compiled where first used, as above


ID_ITEM = 40
"""The most cells of a listed key result's id, name and figure kept on one line."""


def wrap_words(text: str) -> list[str]:
    """The words a line may break between, as ``wrap`` breaks it."""
    return [word.strip() for _, word in _glued(text, whole_runs=False)]


def _glued(
    text: str, whole_runs: bool, said: bool = False, width: int = ID_ITEM, titled: bool = False
) -> tuple[tuple[int, str], ...]:
    """Where each word of ``text`` starts, and the word with the spaces around it. A
    line breaks between two; where ``whole_runs`` keeps figures whole (a key result's
    title), not after a comparison sign (``≥ 45亿元``), nor between a figure and the
    measure word after it (``90 单``, ``1,000 户(公司口径)``), nor between an English
    amount and its currency (``CNY 7,452k``). In what the report says
    in sentences (``said``: an alert, a line of the first screen), not before a lone …
    (``黄婷 (76.8% of pace), …``: alone on a line it says nothing), nor inside a short
    bracket that holds a figure and its label (``(76.8% of pace)``, ``（应完成的
    52.1%）``: split, the figure reads as bare); in a title (``titled``), not inside such
    a bracket where the whole of it fits a line (``_titles_brackets``)."""
    if said:
        inside = _inside_brackets(text, width)
    else:
        inside = _titles_brackets(text, width) if titled else frozenset()
    return _tokens(text, whole_runs, said, inside)


@lru_cache(maxsize=1024)
def _tokens(
    text: str, whole_runs: bool, said: bool, inside: frozenset[int]
) -> tuple[tuple[int, str], ...]:
    """``_glued``'s words, given where no word may start (``inside``): the width a line
    has counts only there, so a title measured at many widths is read into words once
    for each of the few places its brackets are held (``terminal._room_for``)."""
    words: list[tuple[int, str]] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if words and _goes_on(words[-1][1], word, whole_runs, said, match.start() in inside):
            at, before = words[-1]
            figure = _figure_after_chinese(before.rstrip())
            while figure and before[figure - 1] in _NO_LINE_END:
                figure -= 1  # "（2025 年", never "（" at a line's end
            if figure and _NUMBER.fullmatch(before.strip()) is None:
                # "攻坚：9 月底前": the line may still break before the figure, not after it.
                words[-1] = (at, before[:figure])
                words.append((at + figure, before[figure:] + word))
            else:
                words[-1] = (at, before + word)
        else:
            words.append((match.start(), word))
    return tuple(words)


_NUMBER = re.compile(r"[-+]?\d[\d,.]*")

FIGURE_BRACKET = 20
"""The most cells of a bracket holding a figure and its label kept on one line."""


@lru_cache(maxsize=1024)
def _titles_brackets(text: str, width: int) -> frozenset[int]:
    """Where in a title no word may start: inside a whole bracket holding a figure
    (``_figure_brackets``) that fits a line ``width`` cells wide. C1.KR2's ``（2025 年
    4.72亿）`` read ``（2025 年`` above ``4.72亿）`` in a column that had room for it whole,
    the figure parted from what it is."""
    if "（" not in text and "(" not in text:
        return frozenset()
    return frozenset(
        i
        for start, end in _figure_brackets(text, width)
        if text[end - 1] == BRACKETS.get(text[start]) and cell_width(text[start:end]) <= width
        for i in range(start + 1, end)
    )


def _inside_brackets(text: str, width: int = ID_ITEM) -> frozenset[int]:
    """Where in ``text`` no word may start: inside a figure's short bracket
    (``_figure_brackets``), or a listed key result's id, name and bracket (``_id_items``),
    which a sentence of the report's keeps on one line where it fits in ``width``."""
    brackets, items = tuple(_figure_brackets(text, width)), tuple(_id_items(text, width))
    spans = (*brackets, *items, *_named_figures(text, brackets, items, width))
    return frozenset(i for start, end in spans for i in range(start + 1, end))


NAME_ROOM = 8
"""The most cells of a name held with the figure in brackets after it (four Chinese
characters: a person's name, a team's short name)."""


def _named_figures(
    text: str,
    brackets: Iterable[tuple[int, int]],
    items: Sequence[tuple[int, int]],
    width: int = ID_ITEM,
) -> Iterator[tuple[int, int]]:
    """Where each name listed with its figure in brackets, without an id, starts and ends
    (``朱强（应完成的 68.4%）``, ``马丽 (70.4% of pace)``), with the count of the others after
    it (``等 2 个``) or a lone ``等`` that ends the list: a line that ended ``、马`` began the
    next ``丽（应完成的 70.4%）``, and one that ended ``、徐静`` began ``（应完成的 74.1%）``. A
    name is the word right before the bracket, after a stop or a space, of at most
    ``NAME_ROOM`` cells, with Chinese in it and no digit, not of a key result listed with
    its id (``items``, ``_id_items``); held where it fits a line of ``width`` cells."""
    for opened, closed in brackets:
        if text[opened] not in "（(" or text[closed - 1] not in "）)":
            continue  # a clause of a long bracket, not a figure's whole bracket
        end = opened - 1 if text[opened - 1 : opened + 1] == " (" else opened
        start = end
        while start and text[start - 1] not in _NAME_ENDS:
            start -= 1
        name = text[start:end]
        if (
            not name
            or cell_width(name) > NAME_ROOM
            or any(c.isdigit() for c in name)  # a figure (差 6户), not a name
            or cell_width(name) == len(name)  # a word of English (by 6 accts)
            or any(a <= start < b for a, b in items)
        ):
            continue
        more = _more_counted(text, closed)
        if not more and text[closed : closed + 1] == "等":
            more = int(closed + 1 == len(text) or text[closed + 1] in _NAME_ENDS)
        for after in (closed + more, closed) if more else (closed,):
            if cell_width(text[start:after]) + 2 <= min(width, ID_ITEM):
                yield start, after
                break


_NAME_ENDS = frozenset(" 、，,;；：:（()）")


def _id_items(text: str, width: int = ID_ITEM) -> Iterator[tuple[int, int]]:
    """Where each key result listed with its id, a name and its figure in brackets
    (``WM1.NNA 吴敏（应完成的 68.6%）``, ``WM2.FEE 孙浩 (77.3% of pace)``) starts and
    ends: a line that ended with ``WM1.NNA 吴敏`` and began the next with ``（应完成的
    68.6%）`` parted the id from its figure. Found without a pattern, as
    ``_figures_with_units`` finds figures: Chinese stops in one cost ``re`` a compile."""
    at = 0
    while (dot := text.find(".", at)) > 0:
        at = dot + 1
        start = dot
        while start and (text[start - 1].isascii() and text[start - 1].isalnum()):
            start -= 1
        if (
            start == dot
            or not text[start].isupper()
            or (start and text[start - 1] not in _NAME_ENDS)
        ):
            continue
        end = dot + 1
        while end < len(text) and (
            text[end].isascii() and (text[end].isalnum() or text[end] in "._")
        ):
            end += 1
        if text[end : end + 1] != " ":
            continue
        name = end + 1
        while name < len(text) and text[name] not in _NAME_ENDS:
            name += 1
        opened = name + 1 if text[name : name + 2] in (" (", " （") else name
        if name == end + 1 or text[opened : opened + 1] not in "（(" or opened >= len(text):
            continue
        closed = min((c for c in (text.find("）", opened), text.find(")", opened)) if c > 0),
                     default=-1)  # fmt: skip
        if closed < 0 or not any(c.isdigit() for c in text[opened:closed]):
            continue
        # With how many others it stands for where they fit too (等 2 个, and 1 more), and
        # room for the stop after it: a line never starts with one (、).
        more = _more_counted(text, closed + 1)
        for end, most in ((closed + 1 + more, ID_ITEM + more), (closed + 1, ID_ITEM)):
            if cell_width(text[start:end]) + 2 <= min(width, most):
                yield start, end
                at = end
                break
        if more and at == closed + 1:  # the count on a line of its own, whole: 等 2 个、
            spaced = text[at] == " "  # " and 1 more": from its word, not the space before
            yield at + spaced, at + more
            at += more


def _more_counted(text: str, at: int) -> int:
    """How long the count of the others after a listed key result at ``at`` is (``等 2 个``,
    `` and 1 more``), which goes with it: ``等`` at a line's end, ``2 个、`` on the next."""
    for opening, closing in (("等 ", " 个"), (" and ", " more")):
        if text.startswith(opening, at):
            end = at + len(opening)
            while end < len(text) and text[end].isdigit():
                end += 1
            if end > at + len(opening) and text.startswith(closing, end):
                return end + len(closing) - at
    return 0


ORDINAL = "第"
"""The word that makes a figure after it an ordinal (第 13 次采集): never apart from it."""


def _held_together(before: str, after: str) -> bool:
    last = before.rstrip()
    if last in _SIGNS:
        return True
    if last.lstrip("-−") == CURRENCY_WORD.strip() and after.lstrip()[:1].isdigit():
        return True  # "CNY 7,452k", never "CNY" above "7,452k"
    if last.endswith(ORDINAL) and after.lstrip()[:1].isdigit():
        return True  # "第 13 次采集", never "第" above "13 次采集"
    if (
        last.rstrip("0123456789").endswith(f"{ORDINAL} ")
        and char_cells(after.lstrip()[:1] or " ") == 2
    ):
        return True  # nor "第 13" above "次采集"
    if _NUMBER.fullmatch(last) is None and not _figure_after_chinese(last):
        return False
    # "4.10 pp", "6 accts": never the figure above its English unit word.
    return char_cells(after.lstrip()[:1] or " ") == 2 or bool(
        unit_word_after(f" {after.lstrip()}", 0)
    )


def _figure_after_chinese(word: str) -> int:
    """Where the figure ``word`` ends with after Chinese starts (``攻坚：9``, of ``攻坚：9
    月底前``), which goes with the measure word after it as a figure alone does; 0 where it
    ends with none, or an id's (Q3); a stop after Chinese is none (``梁晨,`` of a list of
    names: read as a figure, its comma began the next line)."""
    start = len(word)
    while start and (word[start - 1].isdigit() or word[start - 1] in ",."):
        start -= 1
    while start < len(word) and word[start] in ",.":
        start += 1
    return start if 0 < start < len(word) and char_cells(word[start - 1]) == 2 else 0


_OPTIONS_TOLD = frozenset({"--unit", "--person"})
"""Options a sentence of the report's tells with their value (``--unit inst``): never the
option at a line's end and its value on the next."""


def _ends_with_option(before: str) -> bool:
    """Whether ``before`` ends with an option told with its value, alone or after Chinese,
    which has no space before it (``；--unit``)."""
    last = before.rstrip()
    return any(
        last.endswith(option)
        and (len(last) == len(option) or char_cells(last[-len(option) - 1]) == 2)
        for option in _OPTIONS_TOLD
    )


def _goes_on(before: str, word: str, whole_runs: bool, said: bool, bracketed: bool) -> bool:
    """Whether ``word`` goes on the word ``before`` it, as ``_glued`` says; ``bracketed``:
    it starts inside a figure's short bracket."""
    if bracketed or (said and (word.strip() == "…" or _ends_with_option(before))):
        return True
    return whole_runs and _held_together(before, word)


@lru_cache(maxsize=1024)
def line_breaks(
    text: str,
    width: int,
    fold: bool,
    whole_runs: bool = False,
    names_whole: bool | None = None,
    said: bool = False,
) -> tuple[int, ...]:
    """Where to break ``text`` so each line fits ``width`` cells: at the start of a
    word that does not fit, or inside one with Chinese in it where its start fills
    the rest of a line other words began (``_fill``), unless ``names_whole`` (by
    default, where ``text`` is English: ``latin_prose``); a word wider than a line is
    folded (``whole_runs``: as ``chop`` says) or left whole. ``said``: as ``_glued``. A
    title's figure in brackets is kept whole (``_titles_brackets``) where that takes no
    more lines than breaking inside it, nor leaves a line one character: ``↳ 男（占
    49.8%）`` is better ``↳ 男（占`` above ``49.8%）`` than on three lines, or ``↳`` alone."""
    if cell_width(text) <= width:  # it fits: no word need be measured
        return ()
    if names_whole is None:
        names_whole = latin_prose(text)
    breaks = _broken(text, width, fold, whole_runs, names_whole, said, titled=False)
    if whole_runs and not said and _titles_brackets(text, width):
        held = _broken(text, width, fold, whole_runs, names_whole, said, titled=True)
        lines = pairwise([0, *held, len(text)])
        # Nor where a line is left a mark alone (``↳`` above ``男（占 49.8%）``).
        if len(held) <= len(breaks) and all(_letters(text[a:b]) > 1 for a, b in lines):
            return tuple(held)
    return tuple(breaks)


def _broken(
    text: str,
    width: int,
    fold: bool,
    whole_runs: bool,
    names_whole: bool,
    said: bool,
    titled: bool,
) -> list[int]:
    """``line_breaks``, a title's figures in brackets held whole where ``titled``."""
    breaks: list[int] = []
    offset = 0
    for start, word in _glued(text, whole_runs, said, width, titled):
        while True:
            bare = word.rstrip()
            length = cell_width(bare)
            if width - offset >= length:
                offset += length + cell_width(word[len(bare) :])  # and the spaces after it
                break
            cut = (
                _fill(word, width - offset, said, width, titled)
                if offset and not names_whole
                else 0
            )
            if cut:
                breaks.append(start + cut)
                start, word, offset = start + cut, word[cut:], 0
                continue
            if offset:  # the word starts the next line
                breaks.append(start)
                offset = 0
                continue
            # Words joined by NO_BREAK wider than a line (a caption's ids, each with its
            # figure) break where they may, as on a line other words began: folded at
            # the width, an id was cut in two ("O" above "3.KR2b 65%").
            # So do a sentence's words held together (a listed key result's id, name and
            # figure: ``_id_items``), between its items.
            # So does a title's word that holds a figure's bracket whole (``_glued``):
            # folded at the width, ``800`` went above ``万）``.
            joined = (
                length > width
                and (NO_BREAK in word or said or (titled and _titles_brackets(word, width)))
                and not names_whole
            )
            cut = _fill(word, width, said, width, titled) if joined else 0
            if cut:
                breaks.append(start + cut)
                start, word = start + cut, word[cut:]
                continue
            if length > width and fold:
                # A title's word is folded without the spaces after it, which would
                # otherwise start a line when its last piece fills one.
                core = re.sub(_SPACES_AFTER, "", word) if whole_runs else word
                pieces = chop(core, width, whole_runs=whole_runs)
                for number, piece in enumerate(pieces, 1):
                    if number > 1:
                        breaks.append(start)
                    if number == len(pieces):
                        offset = cell_width(piece) + len(word) - len(core)
                    else:
                        start += len(piece)
            else:
                offset = cell_width(word)
            break
    return breaks


def latin_prose(text: str) -> bool:
    """Whether ``text`` is English with Chinese in it rather than Chinese: more small
    Latin letters than Chinese characters (capitals are ids, O3.SUCCESSION, and words
    such as NPS, which Chinese titles hold too). Its Chinese words are names
    (郑州金水营业部, a key result's title), each moved to the next line whole as an
    English word is, never broken to fill a line (``郑州金水营`` at a line's end, ``业部``
    on the next). Counted in C: a wide character is the cell it takes beyond one."""
    return len(_SMALL_LATIN.findall(text)) > cell_width(text) - len(text)


_SMALL_LATIN = re.compile("[a-z]")


def _fill(
    word: str, room: int, said: bool = False, width: int = ID_ITEM, titled: bool = False
) -> int:
    """Where ``word``, too long for the ``room`` left on its line, may break so that its
    start fills that room, as Chinese is set (it has no spaces; a line may break
    between any two of its characters): the last place between two characters, one
    of them wide, whose start fits; never inside a figure and its unit (45亿, 12.5百分点),
    beside a slash (万/亿元, 个/户), before a closing bracket, quote or stop, nor after an
    opening one, nor where a single character (孤字) would be left on either side; nor in
    words joined by ``NO_BREAK`` (综合得分 96.8%: a label and its figure, one unit;
    ``_kept_together``); nor, in what the report says in sentences (``said``), inside a short
    bracket holding a figure (``（应完成的 52.1%）``, never ``（应完成`` above ``的 52.1%）``),
    nor in a title (``titled``) inside one that fits a line (``_titles_brackets``).
    0 where there is none: the word moves to the next line whole."""
    kept = cut_at_cells(word, room)[0]
    if kept < 2 or not any(char_cells(c) == 2 for c in word):
        return 0
    held = set(_always_held(word))
    items: set[int] = set()
    if said:
        brackets, listed = tuple(_figure_brackets(word, width)), tuple(_id_items(word, width))
        # A name listed with its figure (``_named_figures``) is held as its bracket is: it
        # fits a line of its own, so a cut outside it is found there.
        named = (*brackets, *_named_figures(word, brackets, listed, width))
        held.update(i for start, end in named for i in range(start + 1, end))
        # A listed key result's id, name and figure (``_id_items``) are held too, where a
        # cut outside them is found; else the list breaks inside one as before.
        items.update(i for start, end in listed for i in range(start + 1, end))
    elif titled:  # a title's figure in brackets, as ``_glued`` holds it
        held.update(_titles_brackets(word, width))
    # More than one character on each side of a cut (no 孤字): from ``first`` to ``last``.
    first, last = _past_letters(word, 2), len(word) - _past_letters(word[::-1], 2)
    for holding in (held | items, held) if items else (held,):
        for cut in range(min(kept, len(word.rstrip()) - 1, last), max(first, 1) - 1, -1):
            before, after = word[cut - 1], word[cut]
            if (
                (char_cells(before) == 2 or char_cells(after) == 2)
                and not before.isspace()
                and not after.isspace()
                and after not in _NO_FILLED_LINE_START
                and before not in _NO_LINE_END
                and cut not in holding
                and "/" not in (before, after)
            ):
                return cut
    return 0


def _past_letters(text: str, count: int) -> int:
    """Where ``text``'s first ``count`` letters (``_letters``) end: ``len(text) + 1``
    where it has fewer."""
    for at, char in enumerate(text):
        if not char.isspace() and char not in _PUNCTUATION:
            count -= 1
            if not count:
                return at + 1
    return len(text) + 1


@lru_cache(maxsize=1024)
def _always_held(word: str) -> frozenset[int]:
    """Where ``_fill`` never breaks ``word``, whatever the room: inside a figure and its
    unit, a unit word, or words joined by ``NO_BREAK``. Found once for a word a title
    column measures at many widths (``terminal._room_for``)."""
    held = {i for start, end in _figures_with_units(word) for i in range(start + 1, end)}
    held.update(i for start, end in _unit_words(word) for i in range(start + 1, end))
    if NO_BREAK in word:
        held.update(_kept_together(word))
    return frozenset(held)


@lru_cache(maxsize=1)
def _units_written() -> tuple[str, ...]:
    """The unit words of more than one character (百分点, 万元, 亿元, 万户, 万人, 个/户),
    the longest first, from the list okrdesk.units reads (``unit_symbols``): a unit added
    there is kept whole here too."""
    words = [
        symbol
        for _, _, symbols in SYMBOLS
        for symbol in symbols
        if len(symbol) > 1 and any(char_cells(c) == 2 for c in symbol)
    ]
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _unit_words_kept() -> tuple[str, ...]:
    """The unit words kept whole wherever they fall, after a figure and a space too
    (``超过 1 个百分点``, never ``1 个百`` above ``分点``): ``_units_written``, and each of
    points with the measure word 个 before it; the longest first, where one holds another."""
    words = [*_units_written(), *(f"个{s}" for s in _units_written() if s in POINTS)]
    return tuple(sorted(words, key=len, reverse=True))


def _unit_words(word: str) -> Iterator[tuple[int, int]]:
    """Where each of ``_unit_words_kept`` in ``word`` starts and ends (the longest, where
    one holds another: 个百分点 over 百分点)."""
    units = _unit_words_kept()
    if not any(unit in word for unit in units):
        return
    taken = 0
    for at in range(len(word)):
        if at < taken:
            continue
        for unit in units:
            if word.startswith(unit, at):
                yield at, at + len(unit)
                taken = at + len(unit)
                break


def _kept_together(word: str) -> Iterator[int]:
    """Where ``word`` may not break for the ``NO_BREAK`` spaces in it: anywhere in the
    words each joins, a word there running to the stop that ends its clause or list item
    (、，；：): ``58分、O2.COMPLAINTS 0.21‰、O2.KR2 2.4个/户`` with an id joined to its
    figure breaks after a 、, never between an id and its figure."""
    for at, char in enumerate(word):
        if char != NO_BREAK:
            continue
        start, end = at, at
        while start > 0 and word[start - 1] not in CLAUSE_STOPS:
            start -= 1
        while end < len(word) and word[end] not in CLAUSE_STOPS:
            end += 1
        yield from range(start + 1, end + 1)


def _figure_brackets(word: str, width: int = ID_ITEM) -> Iterable[tuple[int, int]]:
    """Where each bracket of ``word`` that holds a figure within ``FIGURE_BRACKET`` cells
    (``（应完成的 52.1%）``, ``（3 项关键结果）``) starts and ends, its closing bracket
    included; of a longer one, each of its clauses that fits a line of ``width`` cells
    (``（按截至 2026-09-27 的数字）`` whole, never ``（按截至 2026-09-27`` above ``的数字）``;
    ``（应完成的 22.0%，`` and ``按截至 2026-06-15 的数字）``), else its start to the end of its
    first figure and unit, where they fit (``（应完成的 22.0%``)."""
    for opened, char in enumerate(word):
        if char not in "（(":
            continue
        closes = [found for found in (word.find("）", opened), word.find(")", opened)) if found > 0]
        inside = word[opened : min(closes) + 1] if closes else word[opened:]
        if closes and cell_width(inside) <= FIGURE_BRACKET and any(c.isdigit() for c in inside):
            yield opened, opened + len(inside)
            continue
        clauses = list(_clauses(inside)) if closes and any(c.isdigit() for c in inside) else []
        held = [(a, b) for a, b in clauses if cell_width(inside[a:b]) + 2 <= width]
        yield from ((opened + a, opened + b) for a, b in held)
        if held and held[0][0] == 0:
            continue
        first = next(iter(_figures_with_units(inside)), None)
        if first is not None and cell_width(inside[: first[1]]) <= FIGURE_BRACKET:
            yield opened, opened + first[1]


def _clauses(bracket: str) -> Iterator[tuple[int, int]]:
    """Where each clause of ``bracket`` starts and ends: after each stop that ends one
    (，、；), or in English after the space that follows a comma or semicolon."""
    start = 0
    for at, char in enumerate(bracket):
        if char in "，、；":
            yield start, at + 1
            start = at + 1
        elif char in ",;" and bracket[at + 1 : at + 2] == " ":
            yield start, at + 1
            start = at + 2
    yield start, len(bracket)


def _letters(text: str) -> int:
    """Characters of ``text`` other than spaces, brackets, quotes and stops."""
    return sum(1 for c in text if not c.isspace() and c not in _PUNCTUATION)


TIME_UNITS = frozenset("年月日周天季")
"""What follows a year or a month's number as its label (2025 年, 9 月底前): no measure."""

_ONE_CHARACTER_UNITS = frozenset(ONE_CHARACTER) | TIME_UNITS
"""What a figure is never cut from after it: a unit of one character (``unit_symbols``:
a unit added there is held here too), or the label of a year, a month or a day."""


def _figures_with_units(word: str) -> Iterable[tuple[int, int]]:
    """Where each figure in ``word`` and the unit written after it (百分点, 万, 亿元, 户, %)
    start and end: a line does not break between them. Read without a pattern: a set of
    Chinese characters in one costs Python's ``re`` about 0.2 ms to compile, in every
    report that folds a line."""
    units = _units_written()
    for figure in _NUMBER.finditer(word):
        end = figure.end()
        if unit := next((unit for unit in units if word.startswith(unit, end)), ""):
            end += len(unit)
        elif word[end : end + 1] in ("万", "亿"):
            end += 2 if word[end + 1 : end + 2] in AFTER_TEN_THOUSAND else 1
        elif word[end : end + 1] in _ONE_CHARACTER_UNITS:
            end += 1
        yield figure.start(), end


def figure_runs(text: str) -> Iterator[tuple[int, int]]:
    """Where each figure of ``text`` starts and ends with what a line never parts from it:
    the sign before it (``≥ 800万``) and its unit, written on (``45亿元``) or after a
    space (``360 户``, ``1 个百分点``); a digit of an id (``O1.KR1``) is none. The HTML
    report keeps each on one line, as the text report does: a figure alone is left out."""
    for start, end in _figures_with_units(text):
        before = text[start - 1 : start]
        if before and (before in "._-" or (before.isascii() and before.isalnum())):
            continue
        if text[end - 1 : end].isdigit() and text[end : end + 1] == " ":
            after = text[end + 1 :]
            unit = next((u for u in _unit_words_kept() if after.startswith(u)), "")
            if unit or after[:1] in _ONE_CHARACTER_UNITS:
                end += 1 + max(len(unit), 1)
        if text[start - 2 : start] in {f"{sign} " for sign in _SIGNS}:
            start -= 2
        elif text[start - 1 : start] in _SIGNS:
            start -= 1
        if _NUMBER.fullmatch(text, start, end) is None:  # a bare figure is never broken
            yield start, end


class _Piece:
    """One wrapped line: characters ``start`` to ``end`` of the text, after
    ``lead`` spaces and before ``tail`` (an ellipsis, padding)."""

    __slots__ = ("end", "lead", "start", "tail")

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end, self.lead, self.tail = start, end, 0, ""

    def shown(self, plain: str) -> str:
        return " " * self.lead + plain[self.start : self.end] + self.tail

    def cells(self, plain: str) -> int:
        """Cells the piece takes as shown, its spaces, text and tail measured apart: a
        line's text is measured once, however it is then padded."""
        return self.lead + cell_width(plain[self.start : self.end]) + cell_width(self.tail)

    def truncate(self, plain: str, width: int, overflow: Overflow, pad: bool = False) -> None:
        length = self.cells(plain)
        if length > width:
            room = width - 1 if overflow == "ellipsis" else width
            mark = ELLIPSIS if overflow == "ellipsis" else ""
            if self.lead or self.tail:
                self.start = self.end
                self.lead, self.tail = 0, fit_cells(self.shown(plain), room) + mark
            else:
                kept, spaces = cut_at_cells(plain[self.start : self.end], room)
                self.end = self.start + kept
                self.tail = " " * spaces + mark
        if pad and length < width:
            self.tail += " " * (width - length)


def wrap(
    text: Text,
    width: int,
    *,
    justify: Justify = "default",
    overflow: Overflow = "fold",
    no_wrap: bool = False,
    names_whole: bool | None = None,
    said: bool = False,
) -> list[Line]:
    """``text`` in lines of at most ``width`` cells: broken at its newlines and,
    unless ``no_wrap``, between words (Chinese ones kept whole per ``names_whole``, as
    ``line_breaks`` says; ``said``, a sentence of the report's, as ``_glued`` says); a line
    too long is cut per ``overflow``. ``left`` and ``right`` pad each line to
    ``width``."""
    plain = text.plain
    if width < 1:
        return [[] for _ in plain.split("\n")]
    lines: list[Line] = []
    position = 0
    for part in plain.split("\n"):
        begin, position = position, position + len(part) + 1
        if no_wrap:
            pieces = [_Piece(begin, begin + len(part))]
        else:
            folds = overflow in ("fold", "fold_figures")
            breaks = line_breaks(part, width, folds, overflow == "fold_figures", names_whole, said)
            bounds = [0, *breaks, len(part)]
            pieces = [_Piece(begin + a, begin + b) for a, b in pairwise(bounds)]
            for piece in pieces:
                _strip_beyond(piece, plain, width)
        for piece in pieces:
            if justify == "left":
                piece.truncate(plain, width, overflow, pad=True)
            elif justify == "right":
                piece.end = piece.start + len(plain[piece.start : piece.end].rstrip())
                piece.truncate(plain, width, overflow)
                piece.lead = max(0, width - piece.cells(plain))
            piece.truncate(plain, width, overflow)
            line = [(" " * piece.lead, "")] if piece.lead else []
            line += text.between(piece.start, piece.end)
            if piece.tail:
                line.append((piece.tail, ""))
            lines.append(line)
    return lines


def lines_wrapped(plain: str, width: int) -> int:
    """How many lines ``wrap`` takes for ``plain`` at ``width`` with
    ``overflow="fold_figures"`` (a key result's title column), counted without building
    them: cutting or padding a line never adds one."""
    return sum(len(line_breaks(part, width, True, True)) + 1 for part in plain.split("\n"))


def _strip_beyond(piece: _Piece, plain: str, width: int) -> None:
    """Drop the spaces a line ends with when it is longer than ``width`` characters."""
    length = piece.end - piece.start
    if length > width:
        spaces = re.compile(_TRAILING_SPACE).search(plain, piece.start, piece.end)
        if spaces is not None:
            piece.end -= min(len(spaces.group()), length - width)


CURRENCY_WORD = "CNY "
"""What an English amount is written after (``CNY 472.6m``): part of its figure."""


ENGLISH_UNITS = (
    "accts", "acct", "deals", "deal", "people", "person", "events", "event", "items",
    "item", "txns", "txn", "times", "time", "firms", "firm", "pts", "pt", "pp", "per client",
)  # fmt: skip
"""The words an English figure's unit is written in after it (``6 accts``, ``3.97 pp``):
with one, a bare number is a figure with its unit, as ``6户`` is; ``3 shares`` is a count."""


def unit_word_after(plain: str, end: int) -> str:
    """The space and English unit word (``ENGLISH_UNITS``) just after a figure ending at
    ``end``, with no letter after it; "" where there is none."""
    if plain[end : end + 1] != " ":
        return ""
    for word in ENGLISH_UNITS:
        after = end + 1 + len(word)
        if plain.startswith(word, end + 1) and not plain[after : after + 1].isalpha():
            return " " + word
    return ""
