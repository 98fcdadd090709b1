"""Row numbers become short, exact source strings."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from okrdesk.plugins.citations import source_text

from okrdesk_brokerage.provenance import MAX_SOURCE, RowSpans, Source, cited, cited_apart


def test_consecutive_rows_become_ranges() -> None:
    assert str(RowSpans([2, 3, 4, 5, 6, 7, 8, 9, 14])) == "2-9,14"
    assert str(RowSpans([3])) == "3"
    assert str(RowSpans()) == ""
    assert not RowSpans()


def test_rows_in_any_order_and_repeated_give_the_same_ranges() -> None:
    assert str(RowSpans([14, 9, 2, 3, 3, 5, 4, 2])) == "2-5,9,14"


def test_a_source_names_each_file_with_its_rows() -> None:
    source = Source().cite("trades.csv", RowSpans([*range(2, 10), 14]))
    source.cite("products.csv", RowSpans([3])).cite("funding.csv", RowSpans())
    assert str(source) == "trades.csv rows 2-9,14; products.csv row 3"


def test_cover_keeps_one_range_from_the_first_to_the_last_row() -> None:
    spans = RowSpans()
    for row in (40, 7, 90, 12):
        spans.cover(row)
    assert str(spans) == "7-90"


def test_citing_a_file_twice_merges_its_rows() -> None:
    source = Source().cite("assets.csv", RowSpans([7])).cite("assets.csv", RowSpans([6, 8]))
    assert str(source) == "assets.csv rows 6-8"


def _rows_of(text: str) -> list[int]:
    rows: list[int] = []
    for part in text.split(",") if text else []:
        first, _, last = part.partition("-")
        rows.extend(range(int(first), int(last or first) + 1))
    return rows


@settings(database=None, deadline=None)
@given(st.lists(st.integers(min_value=2, max_value=400)))
def test_ranges_hold_exactly_the_rows_and_are_as_few_as_possible(rows: list[int]) -> None:
    spans = RowSpans(rows)
    text = str(spans)
    assert _rows_of(text) == sorted(set(rows))
    pairs = spans.spans()
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(pairs))


@settings(database=None, deadline=None)
@given(st.lists(st.integers(min_value=2, max_value=200)), st.lists(st.integers(2, 200)))
def test_update_is_a_union(first: list[int], second: list[int]) -> None:
    spans = RowSpans(first)
    spans.update(RowSpans(second))
    assert _rows_of(str(spans)) == sorted(set(first) | set(second))


def test_a_source_too_long_to_list_gives_counts_and_bounds() -> None:
    scattered = RowSpans(range(2, 4000, 3))  # 1,333 separate rows
    source = Source().cite("trades.csv", scattered).cite("products.csv", RowSpans([7, 8]))
    assert str(source) == "trades.csv rows 2-3998 (1,333 rows); products.csv rows 7-8"
    # In the form okrdesk reads, so a Chinese explain says it in Chinese; it read
    # "trades.csv: 1333 rows between 2 and 3998", English in either language.
    assert source_text(str(source), "zh") == (
        "trades.csv 第 2–3998 行中的 1,333 行；products.csv 第 7–8 行"
    )
    assert len(str(Source().cite("trades.csv", RowSpans(range(2, 600, 2))))) <= MAX_SOURCE


def test_runs_from_a_query_are_kept_as_they_are_and_still_merge() -> None:
    spans = RowSpans.of_text("2-5,9-14,20")
    assert str(spans) == "2-5,9-14,20"
    assert spans.summary() == "2-20 (11 rows)"
    spans.update(RowSpans([6, 7, 8, 15]))
    assert str(spans) == "2-15,20"
    merged = RowSpans([1])
    merged.update(RowSpans.of_text("3,5-6"))
    assert str(merged) == "1,3,5-6"
    assert str(RowSpans.of_text("7").copy()) == "7" and bool(RowSpans.of_text("7"))


@settings(database=None, deadline=None)
@given(st.lists(st.integers(min_value=2, max_value=100_000), min_size=1, max_size=2_000))
def test_every_source_is_in_the_form_okrdesk_reads(rows: list[int]) -> None:
    """Listed or summarised, the rows are said in Chinese, never left in English."""
    for source in (
        cited("trades.csv", RowSpans(rows)),
        str(Source().cite("a.csv", RowSpans(rows)).cite("b.csv", RowSpans(rows))),
    ):
        chinese = source_text(source, "zh")
        assert " rows " not in chinese and chinese.endswith("行"), source


_ROWS = st.lists(st.integers(min_value=2, max_value=5_000), max_size=600)


@settings(database=None, deadline=None)
@given(st.lists(st.tuples(_ROWS, st.booleans()), min_size=1, max_size=3))
def test_files_cited_apart_read_as_one_source_citing_them(
    given_rows: list[tuple[list[int], bool]],
) -> None:
    """Each file's rows as a RowSpans or as the runs a query writes, some empty, some
    long enough to be summarised: the text a ``Source`` citing them in order writes."""
    cites = [
        (f"file{k}.csv", str(RowSpans(rows)) if as_text else RowSpans(rows))
        for k, (rows, as_text) in enumerate(given_rows)
    ]
    source = Source()
    for file, rows in cites:
        source.cite(file, rows)
    assert cited_apart(*cites) == str(source)
    assert len(cited_apart(*cites)) <= MAX_SOURCE
