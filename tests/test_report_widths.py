"""The demo's text report at every width a terminal is likely to have, in both languages:
what holds at 80 columns holds at 40 and at 140 too."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from okrdesk.report.document import Report
from okrdesk.report.terminal import render_text
from test_report import AS_OF

WIDTHS = range(40, 141)


@pytest.fixture(scope="module")
def reports(copy_of_the_demo: Callable[[str], Path]) -> dict[str, Report]:
    return made_in_both(copy_of_the_demo("widths"))


def made_in_both(demo: Path) -> dict[str, Report]:
    """The report of ``demo`` on test_report's AS_OF, in Chinese and in English."""
    from okrdesk.app.report import make_report
    from okrdesk.app.session import open_session

    day = dt.date.fromisoformat(AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        patch.delattr(sys, "_called_from_test")  # the installed brokerage plugin
        patch.setenv("OKRDESK_LOAD_PLUGINS", "brokerage")  # as test_report's okrdesk runs it
        made = {lang: make_report(open_session(demo), None, day, None, lang)
                for lang in ("zh", "en")}  # fmt: skip
    assert not any(o.unmeasured for r in made.values() for o in r.objectives)
    return made


def rendered(report: Report, width: int) -> list[str]:
    out = io.StringIO()
    render_text(report, out, width)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_line_of_the_report_ends_in_a_space(reports: dict[str, Report], lang: str) -> None:
    """A title, a table's notes and a stacked row were padded to the table's width, and an
    alert's lines at 52 columns to the column beside its level: spaces a copy kept."""
    padded = [
        (width, number, line)
        for width in WIDTHS
        for number, line in enumerate(rendered(reports[lang], width), 1)
        if line != line.rstrip()
    ]
    assert not padded, padded[:5]


def title_lines(report: Report, lines: list[str]) -> dict[str, int]:
    """How many lines each key result's title takes in its table's title column, for the
    tables drawn as boxes (a table too narrow for its columns prints each row's title
    across the whole width instead)."""
    taken: dict[str, int] = {}
    for objective in report.objectives:
        for kr in objective.key_results:
            title = f"{kr.id} {kr.title}".replace(" ", "")
            row = f"│ {kr.id} "
            starts = [n for n, line in enumerate(lines) if line.startswith(row)]
            if not starts:
                continue
            read, count = "", 0
            while read != title and title.startswith(read):
                read += lines[starts[0] + count].split("│")[1].replace(" ", "")
                count += 1
            assert read == title, (kr.id, lines[starts[0] : starts[0] + 6])
            taken[kr.id] = count
    return taken


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_title_takes_more_lines_on_a_wider_terminal(
    reports: dict[str, Report], lang: str
) -> None:
    """At 88 to 110 columns a column joined as soon as the title column had 12 to 15 cells
    left: C1.KR2's title took five lines at 86 columns in Chinese, three at 85, and the
    demo's titles were longer at 101 columns than at 80. A column now joins only where the
    title column keeps room for its table's longest title in three lines (完成率, 应完成) or
    two (the change, forecast, trend), and the title column grows no wider than that room
    while another column is still to join."""
    report, before = reports[lang], {}
    for width in range(60, 141):
        taken = title_lines(report, rendered(report, width))
        longer = {kr: (before[kr], lines) for kr, lines in taken.items()
                  if kr in before and lines > before[kr]}  # fmt: skip
        assert not longer, (width, longer)
        before = taken


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_80_columns_no_title_takes_more_than_three_lines(
    reports: dict[str, Report], lang: str
) -> None:
    """C1.KR2's title (营业收入 ≥ 5.5亿元（2025 年 4.72亿）) took four lines at 80 columns beside
    seven columns in Chinese, six in English; its figures and due stay whole."""
    lines = rendered(reports[lang], 80)
    taken = title_lines(reports[lang], lines)
    assert len(taken) == sum(len(o.key_results) for o in reports[lang].objectives)
    assert max(taken.values()) <= 3, taken
    assert taken["C1.KR2"] <= (2 if lang == "zh" else 3), taken
    row = next(line for line in lines if line.startswith("│ C1.KR2 "))
    assert ("4.26亿" if lang == "zh" else "¥426.3m") in row, row


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_titles_lines_are_counted_as_the_title_column_wraps_it(
    reports: dict[str, Report], lang: str
) -> None:
    """The room a column leaves the titles (``terminal._room_for``) counts each title's
    lines at many widths without drawing them (``lines_wrapped``): drawn with ``wrap``, it
    cost the demo's report 34 million instructions; the count is the lines ``wrap`` draws,
    at every width, for the demo's titles and breakdowns and English ones of 40 letters."""
    from okrdesk.report.text_layout import Text, lines_wrapped, wrap

    report = reports[lang]
    titles = [f"{kr.id} {kr.title}" for o in report.objectives for kr in o.key_results]
    titles += [f"O2.KR1 {title}" for title in LONG_TITLES.values()]
    titles += ["↳ 男（占 49.8%）", "↳ 机构（占 2.85%）", "C1.KR2 营业收入\n≥ 5.5亿元"]
    counted = {(title, width): lines_wrapped(title, width)
               for title in titles for width in range(4, 61)}  # fmt: skip
    drawn = {(title, width): len(wrap(Text(title), width, overflow="fold_figures"))
             for title in titles for width in range(4, 61)}  # fmt: skip
    assert counted == drawn
    assert len(set(counted.values())) > 3  # the widths reach from one line to many


def table_headings(lines: list[str]) -> list[list[str]]:
    """The headings of each table drawn as a box, in the order of the report."""
    return [[cell.strip() for cell in line.split("┃")[1:-1]]
            for line in lines if line.startswith("┃")]  # fmt: skip


def test_at_80_columns_english_shows_the_columns_chinese_does(
    reports: dict[str, Report],
) -> None:
    """English unit words are wider than Chinese ones (CNY 4,027m beside 40.27亿, 1.65 per
        client beside 1.65个/户): at 80 columns C1 and O1 gave up Due, which their Chinese
        tables show, and O2 Attained too. Where that costs a column, an English table writes
        ¥4,027m and 1.65/client, and where the columns that say where a figure stands against
        its pace still wait, each status whole or in one word (OK, behind). Every English key
    result table writes them so, at any width: a table reads alike on any terminal."""
    chinese, english = (table_headings(rendered(reports[lang], 80)) for lang in ("zh", "en"))
    # No fewer: the budget's Cost per result fits beside ¥ amounts where it waits in Chinese.
    assert all(len(e) >= len(c) for e, c in zip(english, chinese, strict=True)), english
    assert "Due" in english[0] and "Attained" in english[3], english
    lines = rendered(reports["en"], 80)
    row = next(line for line in lines if line.startswith("│ C1.KR1 "))
    assert "¥4,304m" in row and "¥3,995m" in row and "CNY" not in row, row
    assert any("1.87/client" in line for line in lines)
    assert not any("per client" in line.replace("\u00a0", " ") for line in lines), lines
    assert any("¥33.80m" in line for line in lines)  # O1.KR3b
    ids = [kr.id for o in reports["en"].objectives for kr in o.key_results]
    rows = [line for line in lines if any(line.startswith(f"│ {id_} ") for id_ in ids)]
    assert len(rows) == len(ids)
    assert not any("CNY" in row or "per client" in row for row in rows), rows


ENGLISH_LAG = 13
"""The most columns narrower a terminal may be for a Chinese table to show every column
its English table shows at a width (docs/report.md): the English figures, headings and
statuses take more cells."""


def test_english_shows_the_columns_chinese_does_a_few_columns_narrower(
    reports: dict[str, Report],
) -> None:
    """At 86 to 98 columns English left out a column Chinese showed on a terminal 18
    columns narrower, its forecast's ``not enough data`` 15 cells beside 数据不足's 8; it
    is written over two lines (``not enough`` above ``data``). Each English table shows
    the columns its Chinese one shows at a width ``ENGLISH_LAG`` narrower, at 80 all."""
    shown = {(lang, width): [len(t) for t in table_headings(rendered(reports[lang], width))]
             for lang in ("zh", "en") for width in range(80 - ENGLISH_LAG, 141)}  # fmt: skip
    behind = [(width, table) for width in range(80, 141)
              for table, count in enumerate(shown["en", width])
              if count < shown["zh", width - ENGLISH_LAG][table]]  # fmt: skip
    assert not behind, behind
    lags = [next(k for k in range(ENGLISH_LAG + 1) if count >= shown["zh", width - k][table])
            for width in range(80, 141)
            for table, count in enumerate(shown["en", width])]  # fmt: skip
    assert max(lags) == ENGLISH_LAG  # the docs say exactly how far behind
    assert all(e >= z for e, z in zip(shown["en", 80], shown["zh", 80], strict=True))
    lines = rendered(reports["en"], 140)
    assert any("│ not enough │" in line for line in lines)
    assert not any("not enough data" in line for line in lines)


def status_lines(lines: list[str]) -> list[str]:
    """Each line of the status column of each key result table drawn as a box."""
    found, column = [], None
    for line in lines:
        if line.startswith("┃"):
            headings = [cell.strip() for cell in line.split("┃")]
            column = headings.index("Status") if "Status" in headings else None
        elif line.startswith("│") and column is not None:
            cells = line.split("│")
            if len(cells) > column and cells[column].strip():
                found.append(cells[column].strip())
        elif line.startswith("└"):
            column = None
    return found


def test_an_english_status_reads_whole_at_any_width(reports: dict[str, Report]) -> None:
    """Where the columns saying where a figure stands against its pace waited for room,
    each English status went a word a line, ``on`` above ``track``: two things. A status
    is now whole, or one word (OK, risky, behind) where whole it would cost Due or
    Attained, which the tables show as before."""
    halves = {"on", "off", "at", "track", "risk", "no", "data"}
    for width in range(60, 141):
        lines = rendered(reports["en"], width)
        cut = [line for line in status_lines(lines) if line in halves]
        assert not cut, (width, cut)
        headings = table_headings(lines)
        if width in (74, 75, 88):  # where a status whole costs O2 (and O3) Attained or Due
            assert any(line in ("OK", "risky", "behind") for line in status_lines(lines))
            assert "Attained" in headings[3], (width, headings)


def test_an_english_page_writes_its_statuses_one_way(reports: dict[str, Report]) -> None:
    """At 80 columns the demo's C1 wrote `risky` where C2, the table below it, wrote `at
    risk` for the same status: two words a reader takes for two statuses. Where one table
    needs the one-word statuses, every table of the page uses them, laid out as it was,
    and the first table says once what each stands for."""
    whole = {"on track", "at risk", "off track", "no data"}
    legend = "Statuses in a word for width: OK = on track, risky = at risk, behind = off track"
    worded_somewhere = False
    for width in range(60, 141):
        lines = rendered(reports["en"], width)
        statuses = status_lines(lines)
        in_words = any(line in ("OK", "risky", "behind", "n/a") for line in statuses)
        worded_somewhere = worded_somewhere or in_words
        if in_words:
            assert not whole & set(statuses), (width, sorted(whole & set(statuses)))
            assert " ".join(line.strip() for line in lines).count(legend) == 1, width
        else:
            assert not any(line.startswith("Statuses in a word") for line in lines), width
    assert worded_somewhere


LONG_TITLES = {
    "自有客户 NPS ≥ 62（高于公司要求的 60）": "Net promoter score of our own clients 62",
    "客户投诉率 ≤ 0.15‰（2025 年 0.21‰；Q4 收官检查点）": "Complaints kept under 0.15 per thousand",
    "客户资产流失率 ≤ 8%（即留存率 ≥ 92%；Q4 收官检查点）": (
        "Client asset attrition at most 8 percent"
    ),
    "留存率季度波动不超过 1 个百分点": "Quarterly retention swing within a point",
    "客户产品配置度 ≥ 3.5 个/户（年初 2.4）": "Products held per client rising to 3.5 each",
    "资产配置报告覆盖率 100%": "Allocation report coverage for every client",
}
"""O2's titles as a branch writing its targets in English might: 40 letters and more."""


@pytest.fixture(scope="module")
def long_titles(copy_of_the_demo: Callable[[str], Path]) -> dict[str, Report]:
    demo = copy_of_the_demo("long-titles")
    targets = demo / "targets" / "branch.toml"
    text = targets.read_text(encoding="utf-8")
    for chinese, english in LONG_TITLES.items():
        assert f'title = "{chinese}"' in text
        text = text.replace(f'title = "{chinese}"', f'title = "{english}"')
    targets.write_text(text, encoding="utf-8")
    return made_in_both(demo)


def o2_drawn(report: Report, width: int) -> tuple[bool, dict[str, int]]:
    """Whether O2 is drawn as a table at ``width`` (else stacked), and how many lines each
    of its titles takes in its title column."""
    lines = rendered(report, width)
    start = next(n for n, line in enumerate(lines) if line.startswith("O2 "))
    table = lines[start : lines.index("", start)]
    o2 = [o for o in report.objectives if o.id == "O2"]
    return any(line.startswith("┏") for line in table), title_lines(
        attrs.evolve(report, objectives=o2), table
    )


@pytest.mark.parametrize(("titles", "lang"), [("demo", "zh"), ("demo", "en"),
                                              ("long", "zh"), ("long", "en")])  # fmt: skip
def test_a_key_result_table_is_stacked_where_its_titles_would_take_four_lines(
    reports: dict[str, Report], long_titles: dict[str, Report], titles: str, lang: str
) -> None:
    """O2 turned from stacked rows into a table as soon as its columns fitted: with the
    demo's titles at 51 columns in Chinese (53 in English) beside a title column of 13
    cells, five lines for a title, and with titles of 40 letters in English ('O2.NPS
    Net' / 'promoter score' / 'of our own' / 'clients 62') at 53, where stacked rows
    put each title on a line of its own. A table is now drawn only where its titles
    keep to three lines, as the columns Attained and Due ask; narrower, its rows are
    stacked. It turns once, at a width that the titles decide."""
    report = (reports if titles == "demo" else long_titles)[lang]
    drawn = {width: o2_drawn(report, width) for width in range(40, 101)}
    first = min(width for width, (table, _) in drawn.items() if table)
    assert all(drawn[width][0] == (width >= first) for width in drawn), first
    assert first > ({"zh": 51, "en": 53}[lang] if titles == "demo" else 53), first
    for width, (_, taken) in drawn.items():
        assert max(taken.values(), default=0) <= 3, (width, taken)
        assert width < first or len(taken) == 6, (width, taken)
