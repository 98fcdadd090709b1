"""A line of text that must stay one line, cut to its width where the reader
loses least (report/text_layout.py's lines).

A figure is never cut: a line keeps its figures whole with their signs, units
and currency, and gives up words first, ending with …; a verdict (落后, off
track) is never left out of a line that tells one; a day keeps its year only
where there is room. Where a line hangs onto further lines (``fitted``), it is
wrapped instead, its title whole.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from okrdesk.report.text_layout import (
    BRACKETS,
    CLAUSE_STOPS,
    CURRENCY_WORD,
    ELLIPSIS,
    TIME_UNITS,
    Line,
    Text,
    cell_width,
    char_cells,
    commands_apart,
    crop,
    cut_at_cells,
    fit_cells,
    latin_prose,
    line_breaks,
    line_cells,
    unit_word_after,
    wrap,
)
from okrdesk.unit_symbols import WRITTEN_WITH

_FIGURE_PARTS = (
    frozenset("0123456789.,:-−+±/%×abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ万亿")
    | WRITTEN_WITH
    | TIME_UNITS
)
"""What a figure, a date or a period is written with, beside its digits: 46.9%,
+3.2万, 12.5百分点, 2026-W11, 2026-03-01, O1.KR3; the units' characters as
``unit_symbols`` writes them."""
_FIGURE = r"\d[\d.,]*(?![\d.,]|…)"


def _figure_runs(plain: str, start: int) -> Iterator[tuple[int, int]]:
    """Where each run of what figures are written with (``_FIGURE_PARTS``) from ``start``
    on begins and ends: a figure where it holds a digit. Found without a pattern: the
    Chinese characters in its set cost Python's ``re`` about 0.3 ms to compile."""
    at, end = start, len(plain)
    while at < end:
        if plain[at] in _FIGURE_PARTS:
            begin = at
            while at < end and plain[at] in _FIGURE_PARTS:
                at += 1
            yield begin, at
        at += 1


def fitted(text: Text, width: int) -> list[Line]:
    """``text`` on one line (``one_line``); or, where it has a ``hanging`` indent and
    one line would cut more than its title, all of it, the title whole, broken between
    words onto lines of at most ``width`` cells, those after the first indented (where
    ``HANGING_ROOM`` cells are left beside the indent; else cut as one line)."""
    hanging = text.hanging
    if hanging is None or width - hanging < HANGING_ROOM or _cells(_spaced(text)) <= width:
        return [one_line(text, width)]
    if text.facts_at is not None:
        line = one_line(text, width)
        if width >= text.facts_at or (
            _facts(text, one_line(text, text.facts_at)) <= _facts(text, line)
            and (not text.verdict or _tells_verdict(text, line))
            and not _hollow(text, line)
        ):
            return [line]
    whole = Text()
    whole.runs = _spaced(text)
    plain = whole.plain
    # English or Chinese is judged on the whole text: its lines after the first may be
    # only the names it lists.
    names_whole = latin_prose(plain)
    # A command it suggests wider than the lines beside the indent is a line of its own
    # at the margin, whole (``Screen.beside``), the text after it going on under it.
    lines: list[Line] = []
    for start, end, command in commands_apart(plain, width - hanging, width, names_whole):
        if command:
            lines.append(whole.between(start, end))
            continue
        part = Text()
        part.runs = whole.between(start, end)
        if start == 0:
            lines += _hung(part, width, hanging, names_whole)
        elif part.plain.strip():
            lines += _indented(part, width, hanging, names_whole)
    return lines


def _hung(text: Text, width: int, hanging: int, names_whole: bool) -> list[Line]:
    """``text`` broken between words onto lines of ``width`` cells, those after the first
    indented by ``hanging``."""
    plain = text.plain
    breaks = line_breaks(plain, width, True, whole_runs=True, names_whole=names_whole, said=True)
    if not breaks:  # it fits but for the spaces it ends with
        return [_trimmed(text.runs)]
    rest = Text()
    rest.runs = text.between(breaks[0], len(plain))
    # The first line keeps the spaces it starts with (an alert's, under its heading).
    lead = len(plain) - len(plain.lstrip(" "))
    lines = [[*([(" " * lead, "")] if lead else []), *_trimmed(text.between(0, breaks[0]))]]
    return lines + _indented(rest, width, hanging, names_whole)


def _indented(text: Text, width: int, hanging: int, names_whole: bool) -> list[Line]:
    """``text`` on lines of ``width`` cells, each indented by ``hanging``."""
    lines = []
    for piece in wrap(
        text, width - hanging, overflow="fold_figures", names_whole=names_whole, said=True
    ):
        if trimmed := _trimmed(piece):  # a line of the spaces after a word folded to fit
            lines.append([(" " * hanging, ""), *trimmed])
    return lines


def _facts(text: Text, line: Line) -> Counter[str]:
    """The figures and days ``text`` says after its title that ``line``, a cut of it,
    shows whole; a day shown without its year is the same day (``one_line``'s
    ``_days_without_year``)."""
    said = _DAY.sub(r"\2", "".join(p for at, (p, _) in enumerate(text.runs) if at != text.yielding))
    shown = _DAY.sub(r"\2", "".join(part for part, _ in line))
    return Counter(f for f in re.findall(_WHOLE_FIGURE, said) if _shown_whole(f, shown))


HANGING_ROOM = 8
"""Cells a hanging line needs beside its indent to go on over further lines."""


def _trimmed(line: Line) -> Line:
    """``line`` without the spaces it starts or ends with."""
    runs = [run for run in line if run[0]]
    while runs and not runs[0][0].strip():
        runs.pop(0)
    while runs and not runs[-1][0].strip():
        runs.pop()
    if runs:
        runs[0] = (runs[0][0].lstrip(), runs[0][1])
        runs[-1] = (runs[-1][0].rstrip(), runs[-1][1])
    return runs


def one_line(text: Text, width: int, *, whole_days: bool = False) -> Line:
    """``text`` on one line of at most ``width`` cells, a newline in it read as a
    space. When it is too long, its end is cut with …, before a figure rather than
    inside one: "仅达 …", not "仅达 6…" for 67%. The yielding run (a title) is
    shortened first, down to … alone, when that lets the line fit; else where the cut
    would otherwise fall inside it or leave fewer of the figures after it whole, and
    only if something after it then shows. Where a day and a figure after the title do
    not both fit, its days go without their year when that keeps more of them whole (not
    with ``whole_days``: a part of a line, whose other days keep theirs)."""
    runs = _spaced(text)
    if _cells(runs) <= width:
        return runs
    cut = _one_line_cut(text, runs, width)
    if text.shorter is not None:
        plain = "".join(part for part, _ in cut)
        if not all(words in plain for words in text.holds):
            return one_line(text.shorter, width)
    dated = None if whole_days else _days_without_year(text)
    if dated is not None:
        # Its days without their year (a line's days all of one year, the report's): the
        # title shortened first all the same, a day and a figure both kept where the
        # year is what they lacked room for ("missed 09-30 by 54 accts (on figures as
        # of 06-17)", not "missed 2026-09-30 by… (on figures as of 2026-06-17)").
        shorter = one_line(dated, width, whole_days=True)
        kept, cut_kept = _whole_figures(dated, shorter), _whole_figures(text, cut)
        verdict, cut_verdict = _tells_verdict(dated, shorter), _tells_verdict(text, cut)
        if kept > cut_kept or (
            kept == cut_kept
            and (verdict > cut_verdict or (verdict == cut_verdict and _hollow(text, cut)))
        ):
            return shorter  # "P.FUNNEL：06-30 截止未达成，差…", not "2026-06-30 截止未…差…"
    return cut


def _hollow(text: Text, line: Line) -> bool:
    """Whether ``line``, a cut of ``text``, has a … that stands for nothing but one stop
    or space between the words on either side of it (``截止未达成…差 6户`` for
    ``截止未达成，差 6户``, one cell saved): it reads as words left out where none are."""
    shown = "".join(part for part, _ in line)
    said = "".join(part for part, _ in text.runs)
    at = shown.find(ELLIPSIS)
    while at >= 0:
        before, after = shown[max(0, at - 2) : at], shown[at + 1 : at + 3]
        if before and after and any(before + stop + after in said for stop in _STOPS_ALONE):
            return True
        at = shown.find(ELLIPSIS, at + 1)
    return False


_STOPS_ALONE = (*CLAUSE_STOPS, *",;: ")
"""What a … may stand for alone, with nothing lost but it."""


_DAY = re.compile(r"(?<![\d-])(\d{4})-(\d{2}-\d{2})(?![\d-])")


def _days_without_year(text: Text) -> Text | None:
    """``text`` with each ISO day in it written without its year, where it has any and
    they are all of one year; else None."""
    years = {found[1] for part, _ in text.runs for found in _DAY.finditer(part)}
    if len(years) != 1:
        return None
    dated = Text()
    dated.runs = [(_DAY.sub(r"\2", part), style) for part, style in text.runs]
    dated.yielding, dated.kept, dated.hanging = text.yielding, text.kept, text.hanging
    return dated


def _tells_verdict(text: Text, line: Line) -> bool:
    """Whether ``line``, a cut of ``text``, shows the words right after its title that say
    what became of its key result, up to their first stop or figure (``截止未达成``, ``落后``,
    ``off track``; a day among them aside): cut, ``P.FEMALE：09-30 截止…差 6户`` read as a
    lead of 6户."""
    if text.yielding is None:
        return True
    said = "".join(part for part, _ in text.runs[text.yielding + 1 :]).lstrip("：: ")
    shown = "".join(part for part, _ in line)
    words, at = [], 0
    while at < len(said) and said[at] not in "，,;；（(":
        end = at
        while end < len(said) and (said[end].isdigit() or said[end] == "-"):
            end += 1
        if end > at and "-" not in said[at:end]:
            break  # a figure, where a day (2026-09-30, 09-30) is passed over
        words.append(said[at] if end == at else " ")
        at = max(end, at + 1)
    return all(word in shown for word in "".join(words).split())


_WHOLE_FIGURE = r"\d(?:[\d.,-]*\d)?"


def _whole_figures(text: Text, line: Line) -> int:
    """How many of the figures and days ``text`` says after its title ``line``, a cut
    of it, shows whole."""
    said = "".join(part for at, (part, _) in enumerate(text.runs) if at != text.yielding)
    shown = "".join(part for part, _ in line)
    return sum(_shown_whole(figure, shown) for figure in re.findall(_WHOLE_FIGURE, said))


def _shown_whole(figure: str, shown: str) -> bool:
    """Whether ``shown`` has ``figure`` with no digit on either side, nor a digit behind a
    point, comma or dash on either side (what would make it part of a longer figure or
    day). Found without a pattern per figure: compiling one costs more than a report's
    own layout of the line."""
    at = shown.find(figure)
    while at >= 0:
        end = at + len(figure)
        before, after = shown[max(at - 2, 0) : at], shown[end : end + 2]
        if not (_ends_a_figure(before) or _starts_a_figure(after)):
            return True
        at = shown.find(figure, at + 1)
    return False


def _ends_a_figure(before: str) -> bool:
    """Whether the (at most two) characters before a figure continue one: ``7`` or ``7.``."""
    if before[-1:].isdecimal():
        return True
    return len(before) == 2 and before[1] in ".,-" and before[0].isdecimal()


def _starts_a_figure(after: str) -> bool:
    """Whether the (at most two) characters after a figure continue one: ``7`` or ``.7``."""
    if after[:1].isdecimal():
        return True
    return len(after) == 2 and after[0] in ".,-" and after[1].isdecimal()


def _one_line_cut(text: Text, runs: Line, width: int) -> Line:
    """``one_line`` of ``runs`` (``text``'s), too long for ``width``."""
    if text.kept is not None and (keeping := _keeping(text, runs, width)) is not None:
        return keeping
    cut = _end_cut(runs, width)
    if text.yielding is None:
        return cut
    title, style = runs[text.yielding]
    shortened = runs.copy()
    shortened[text.yielding] = (_shortened(title, _cells(runs) - width), style)
    if _cells(shortened) <= width:
        return shortened
    if _bare_title(shortened, text.yielding):
        # An English line with its (Chinese) title down to … and still too long: the id
        # before it names the key result, and the two cells go to the words after it
        # ("P.FEMALE: missed on 2026-09-30, 6 accts…", not "P.FEMALE …: …, 6 acc…").
        shortened[text.yielding] = ("", style)
        before, before_style = shortened[text.yielding - 1]
        shortened[text.yielding - 1] = (before.rstrip(" "), before_style)
        if _cells(shortened) <= width:
            return shortened
    shorter = _end_cut(shortened, width)
    after, after_shortened = (_length(line[: text.yielding + 1]) for line in (runs, shortened))
    if _length(shorter) - 1 <= after_shortened:
        return cut  # nothing after the title would show: keep what of it fits
    if _length(cut) - 1 <= after or _figures(shorter, after_shortened) > _figures(cut, after):
        return shorter
    return cut


def _bare_title(runs: Line, at: int, chinese: bool = False) -> bool:
    """Whether the title at ``at``, shortened to … alone, may go with the space before
    it: after an id, in an English line (its words after the title start ``: ``), and
    with ``chinese`` in a Chinese one too (``：``): ``C2.KR1：2026-12-31 截止未达成，差
    1,530万（按截至 2026-10-31 的数字）``, where ``C2.KR1 …：`` left room only for ``，…
    1,530万``."""
    after = "".join(part for part, _ in runs[at + 1 :])
    return (
        runs[at][0] == ELLIPSIS
        and at > 0
        and runs[at - 1][0].endswith(" ")
        and bool(runs[at - 1][0].strip())
        and after.startswith((": ", "：") if chinese else ": ")
    )


def _keeping(text: Text, runs: Line, width: int) -> Line | None:
    """``runs``, too long for ``width``, cut so that the kept run shows whole: what is
    after it kept too where what is before it then needs no more than its title
    shortened, else left out, with … for it. What is before it gives way in turn: its
    title shortened, down to … alone (a Chinese title of four characters too); then the
    words between its last figure and the kept run, for …; then the words before that
    figure: the figure (a pace, a breach) and the day it is of both stay. None where even
    the kept run does not fit beside what comes before the title (the level, the id):
    the line is then cut as any other."""
    at = text.kept
    assert at is not None
    kept, after = runs[at], runs[at + 1 :]
    yielding = text.yielding if text.yielding is not None and text.yielding < at else None
    head = runs[:at]
    if yielding is not None:  # the title shortened as far as the line needs, to … alone
        over = _cells([*head, kept, *after]) - width
        title, style = head[yielding]
        head = head.copy()
        head[yielding] = (_shortened_whole(title, over) if over > 0 else title, style)
        bare = _bare_title([*head, *after], yielding, chinese=True)
        if _cells([*head, kept, *after]) > width and bare:
            # … alone still too long: the title goes, after its id (as in
            # ``_one_line_cut``), and its two cells go to the words before the day, in
            # Chinese as in English: they hold what the line is for.
            head[yielding] = ("", style)
            before, before_style = head[yielding - 1]
            head[yielding - 1] = (before.rstrip(" "), before_style)
    tail = after if _cells([*head, kept, *after]) <= width else [(ELLIPSIS, "")] if after else []
    room = width - _cells([kept, *tail])
    if room < 1 or (yielding is not None and room <= _cells(runs[:yielding])):
        # Not even what comes before the title (the level, the id) would show beside the
        # kept run: a line that says only a day says nothing; cut it as any other.
        return None
    if _cells(head) <= room:
        return [*head, kept, *tail]
    kept_figure = _keeping_figure(head, yielding, room)
    if kept_figure is not None:
        return [*kept_figure, kept, *tail]
    whole = Text()
    whole.runs = head
    whole.yielding = yielding
    return [*one_line(whole, room, whole_days=True), kept, *tail]


def _keeping_figure(head: Line, yielding: int | None, room: int) -> Line | None:
    """``head`` in ``room`` cells with its first figure after its title whole (a breach's
    figure before its limit, a pace), the words after that figure, then those before
    it, cut for …; None where it has no such figure (``_measured``), or the cut would
    reach into the title."""
    plain = "".join(part for part, _ in head)
    start = _length(head[: yielding + 1]) if yielding is not None else 0
    found = next((run for run in _figure_runs(plain, start) if _measured(plain, *run)), None)
    if found is None:
        return None
    whole = Text()
    whole.runs = head
    begin, end = found
    while end > begin and plain[end - 1] in ".,:-":
        end -= 1
    end += len(unit_word_after(plain, end))  # "6 accts", never "6" alone
    if plain[max(0, begin - len(CURRENCY_WORD)) : begin] == CURRENCY_WORD:
        begin -= len(CURRENCY_WORD)  # "CNY 472.6m", never "472.6m" alone
    begin = _sign_word(plain, begin, start)
    before, figure = whole.between(0, begin), whole.between(begin, end)
    rest = whole.between(end, len(plain))
    if _cells([*before, *figure]) + 1 <= room:  # the words after the figure give way
        return [*before, *figure, (ELLIPSIS, "")] if rest else [*before, *figure]
    left = room - _cells(figure) - (1 if rest else 0)
    spaced = plain[begin - 1 : begin] == " "
    if spaced:
        left -= 1
    if left - 1 <= start:  # nothing of the words before it would show
        return None
    cut = _end_cut(before, left)
    said = "".join(part for part, _ in before)
    while left - 1 > start and _inside_word(said, _length(cut) - 1):
        left -= 1  # "王芳's share off…", not "off tra…"
        cut = _end_cut(before, left)
    return [*cut, *([(" ", "")] if spaced else []), *figure, *([(ELLIPSIS, "")] if rest else [])]


SIGN_WORD = 8
"""The most cells of the word before a figure kept with it where a line is cut."""

_WORD_BOUNDS = frozenset(" …（([") | CLAUSE_STOPS | frozenset(",;:")


def _sign_word(plain: str, begin: int, start: int) -> int:
    """Where the short word just before the figure at ``begin`` starts, after a space
    (``差 3.97百分点``, ``by 3.97 pp``, ``超支 18.7%``, ``超过上限 10%``): it says which way
    the figure goes, and a cut that left the figure without it ("截止未达… 3.97百分点")
    said the opposite. ``begin`` itself where no such word follows the title's end
    (``start``), or the word is longer than ``SIGN_WORD`` cells (``仅达应完成进度的``: not a
    sign but a clause, whose cut still shows its start)."""
    if begin - 1 <= start or plain[begin - 1] != " ":
        return begin
    at = begin - 1
    while at > start and plain[at - 1] not in _WORD_BOUNDS:
        at -= 1
    word = plain[at : begin - 1]
    if not word or cell_width(word) > SIGN_WORD:
        return begin
    return at


def _inside_word(plain: str, at: int) -> bool:
    """Whether a cut of ``plain`` before character ``at`` falls inside a Latin word, or a
    name written with underscores (``commission_revenue``)."""
    return 0 < at < len(plain) and all(_word_char(c) for c in plain[at - 1 : at + 1])


def _word_char(char: str) -> bool:
    return char == "_" or (char.isascii() and char.isalpha())


def _measured(plain: str, begin: int, end: int) -> bool:
    """Whether characters ``begin`` to ``end`` of ``plain`` are a figure with its unit
    (20.2%, 0.5‰, 6户, CNY 4,027m) said in a sentence: not a count (3 shares), an id
    (WM1.HNW), a day or a month (2026-06-30, 06-30 of a line whose days lost their year,
    2026-06), nor one of a list in brackets (吴敏 (52.1%), 吴敏（应完成的 52.1%）), which the
    list's own cut tells: cut from its words, ``O1.NNA… 56.7%…``, it read as bare."""
    written = plain[begin:end].rstrip(".,:-")
    if not any(c.isdigit() for c in written) or written[:1] in "-−":
        return False
    if sum(c.isascii() and c.isalpha() for c in written) > 2 or "-" in written:
        return False
    opened = max(plain.rfind("(", 0, begin), plain.rfind("（", 0, begin))
    label = plain[opened + 1 : begin]
    if opened >= 0 and not any(c.isdigit() or c in ")）" for c in label):
        return False
    bare = written.replace(",", "").replace(".", "").isdigit()
    return not bare or bool(unit_word_after(plain, begin + len(written)))


def _spaced(text: Text) -> Line:
    """``text``'s runs for one line: a newline in them read as a space."""
    return [(part.replace("\n", " "), style) for part, style in text.runs]


def _cells(line: Line) -> int:
    return sum(cell_width(part) for part, _ in line)


def _length(line: Line) -> int:
    return sum(len(part) for part, _ in line)


def _end_cut(runs: Line, width: int) -> Line:
    plain = "".join(part for part, _ in runs)
    kept = _at_word(plain, len(_shortened(plain, cell_width(plain) - width)) - 1)
    text = Text()
    text.runs = runs
    return [*text.between(0, kept), (ELLIPSIS, "")]


WORD_ROOM = 6
"""Characters an English cut moves back to end before a word rather than inside it."""


def _at_word(plain: str, kept: int) -> int:
    """``kept``, a cut of ``plain`` that falls inside a Latin word ("below where it s…",
    "6 acc…"), moved back to before that word where it starts at most ``WORD_ROOM``
    characters back ("below where it…"), and before the spaces, commas and colons there; a
    word that is a figure's unit ("6 accts") goes with its figure ("missed on 2026-09-30,
    …"), as a cut before a figure does (``_before_figure``). A name written with
    underscores (a metric's, ``commission_revenue``) goes back whole however long: half
    of it names nothing ("asset_attrition…", not "asset_attrition, commissi…"). Unmoved
    where the word is longer, or its start would leave nothing; a Chinese cut, between
    characters, stays."""
    if _unit_after(plain, kept):  # "by 100…" would read as a figure cut short
        before = plain[: _before_figure(plain, len(plain[:kept].rstrip(" ")) - 1)]
        before = before.rstrip(" ,;:、，；：")
        return len(before) if before.strip() else kept
    if not _inside_word(plain, kept):
        return kept
    start, end = kept, kept
    while start and _word_char(plain[start - 1]):
        start -= 1
    while end < len(plain) and _word_char(plain[end]):
        end += 1
    if kept - start > WORD_ROOM and "_" not in plain[start:end]:
        return kept
    before = plain[:start].rstrip(" ")
    if before[-1:].isdigit():  # a figure's unit: the figure goes too
        before = plain[: _before_figure(plain, len(before) - 1)].rstrip(" ")
    before = before.rstrip(" ,;:、，；：")  # "2026-09-30…", not "2026-09-30,…"
    return len(before) if before.strip() else kept


def _unit_after(plain: str, kept: int) -> bool:
    """Whether a cut of ``plain`` before ``kept`` falls between a figure and the word
    after it that is its unit ("by 100 |accts", "by 100| accts")."""
    rest, head = plain[kept:], plain[:kept].rstrip(" ")
    after = rest.lstrip(" ")[:1]
    if not (rest[:1] == " " or plain[kept - 1 : kept] == " ") or not head[-1:].isdigit():
        return False
    figure = head[_before_figure(head, len(head) - 1) :]  # a count or amount, not a day
    return "-" not in figure and after.isascii() and after.isalpha()


def _figures(line: Line, start: int) -> int:
    """How many figures ``line`` shows whole from character ``start`` on."""
    return len(re.findall(_FIGURE, "".join(part for part, _ in line)[start:]))


def _shortened(text: str, over: int) -> str:
    """``text`` shortened by ``over`` cells at least, ending in … (… alone at the
    least), cut before a figure rather than inside it, and before a bracket it would
    leave open: "配置度 ≥ 3.5 个/户…", not "配置度 ≥ 3.5 个/户(…"."""
    kept, _ = cut_at_cells(text, max(0, cell_width(text) - over - 1))
    kept = _before_open_bracket(text, _before_figure(text, kept))
    return text[:kept].rstrip() + ELLIPSIS


def _before_count(text: str, kept: int) -> int:
    """``kept`` moved back to before a count or amount the cut parts from the word after
    it that says what it counts ("第1营业部：2…" of "2 个分解目标", "第1营业部: 2…" of "2
    shares", a bare figure no one can read; "第1营业部：…")."""
    head = text[:kept].rstrip(" ")
    rest = text[len(head) :]
    word = rest.lstrip(" ")[:1] or " "
    said = char_cells(word) == 2 or (word.isascii() and word.isalpha())
    if not (rest.startswith(" ") and said):
        return kept
    start = len(head)
    while start and (head[start - 1].isdigit() or head[start - 1] in ".,"):
        start -= 1
    if start == len(head) or not head[start:].rstrip(".,")[-1:].isdigit():
        return kept
    if start and head[start - 1] in _FIGURE_PARTS:
        return kept  # part of an id, a day or a period (Q3, 2026-06-15, 2026-W11)
    return start


def _shortened_whole(text: str, over: int) -> str:
    """``text`` ``_shortened``, and further where that would cut a Latin word: "3 shares
    of 3 key results need…", not "need attent…"; or a count from what it counts
    (``_before_count``)."""
    cut = _shortened(text, over)
    while len(cut) > 1 and _inside_word(text, len(cut) - 1):
        over += 1
        cut = _shortened(text, over)
    counted = _before_count(text, len(cut) - 1)
    return cut if counted == len(cut) - 1 else text[:counted].rstrip() + ELLIPSIS


def _before_open_bracket(plain: str, kept: int) -> int:
    """``kept`` moved back to the first bracket that ``plain[:kept]`` opens and does not
    close, of those that keep at least half of it: a remark cut short reads as a
    slip, and the words before it say what the line is about."""
    if kept >= len(plain):
        return kept
    opened: list[tuple[int, str]] = []  # where each open bracket is, and what closes it
    for at, char in enumerate(plain[:kept]):
        if char in BRACKETS:
            opened.append((at, BRACKETS[char]))
        elif opened and char == opened[-1][1]:
            opened.pop()
    return next((at for at, _ in opened if at >= kept / 2), kept)


def _before_figure(plain: str, kept: int) -> int:
    """``kept`` moved back to the start of a figure it would cut ("46." of "46.9%",
    "2026" of "2026-W11"): a run of ``_FIGURE_PARTS`` holding a digit; and of one it would
    part from the unit written after it and a space (``≥ 3.5 个/户``, ``3.5 per client``),
    in that unit or beside the space: "3.5 个/…" or "≥ 3.5…" reads as another figure."""
    if not (0 < kept < len(plain)):
        return kept
    if plain[kept - 1] in _FIGURE_PARTS and plain[kept] in _FIGURE_PARTS:
        start, end = kept, kept
        while start and plain[start - 1] in _FIGURE_PARTS:
            start -= 1
        while end < len(plain) and plain[end] in _FIGURE_PARTS:
            end += 1
        if any(char.isdigit() for char in plain[start:end]):
            return start
        unit = start
    elif plain[kept] == " ":
        unit = kept + 1
    elif plain[kept - 1] == " ":
        unit = kept
    else:
        return kept
    return _figure_before_unit(plain, unit, kept)


def _figure_before_unit(plain: str, unit: int, kept: int) -> int:
    """Where the figure starts that the unit at ``unit`` is written after, with a space
    between (``3.5 个/户``, ``90 单``); ``kept`` where none is: what is at ``unit`` is no
    Chinese unit (nor a year's 年), or what is before the space no figure of its own but
    the end of an id (``O2.KR2 客户``) or a day."""
    if not (1 < unit < len(plain)) or plain[unit - 1] != " " or not plain[unit - 2].isdigit():
        return kept
    if (
        char_cells(plain[unit]) != 2
        or plain[unit] not in _FIGURE_PARTS
        or plain[unit] in TIME_UNITS
    ):
        return kept  # an English unit word goes with its figure as ``_at_word`` says
    figure = unit - 1
    while figure and (plain[figure - 1].isdigit() or plain[figure - 1] in ".,"):
        figure -= 1
    return kept if figure and plain[figure - 1] in _FIGURE_PARTS else figure


def rule(title: str, width: int, style: str = "") -> Line:
    """A horizontal line across ``width`` cells with ``title`` in its middle."""
    title = title.replace("\n", " ")
    room = max(0, width - 4)
    if not room:
        return [("─" * width, style)]
    shown = title if cell_width(title) <= room else fit_cells(title, room - 1) + ELLIPSIS
    side = (width - cell_width(shown)) // 2
    left = "─" * max(0, side - 1)
    right = "─" * min(side + 1, max(0, width - len(left) - cell_width(shown)))
    line: Line = [(left + " ", style), (shown, ""), (" " + right, style)]
    return crop(line, width) if line_cells(line) > width else line
