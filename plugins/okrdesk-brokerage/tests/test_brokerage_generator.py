"""The generator: deterministic, realistic, and readable by the plugin end to end."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from okrdesk.model import Observation, Person
from okrdesk.periods import Grain, periods_between

from brokerage_helpers import Collector, collect
from okrdesk_brokerage.layout import FILES
from okrdesk_brokerage_synthetic.generator import GenerationSummary, firm_cm_ids, generate

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
BRANCH = firm_cm_ids(1)
WEEKS = tuple(periods_between(START, END, Grain.WEEK))


@pytest.fixture(scope="module")
def branch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    """A year of one 12-CM branch with the default size: about 1,280 clients and 7.2亿."""
    workspace = tmp_path_factory.mktemp("branch")
    return workspace, generate(workspace / "export", BRANCH, start=START, end=END)


@pytest.fixture(scope="module")
def weekly(branch: tuple[Path, GenerationSummary]) -> Collector:
    workspace, _ = branch
    people = [Person(cm, cm, "b001") for cm in BRANCH] + [Person("adviser", "A", "b001")]
    return collect(
        workspace=workspace, settings={"data": "export"}, periods=WEEKS, through=END, people=people
    )


def test_firm_cm_ids() -> None:
    assert firm_cm_ids(2, 2) == ["b001-cm01", "b001-cm02", "b002-cm01", "b002-cm02"]
    assert len(firm_cm_ids(300)) == 3600


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    def run(folder: str, seed: int) -> dict[str, bytes]:
        quarter = dt.date(2026, 3, 31)
        generate(tmp_path / folder, ["x", "y"], start=START, end=quarter, seed=seed)
        return {spec.name: (tmp_path / folder / spec.name).read_bytes() for spec in FILES}

    first, again, other = run("a", 7), run("b", 7), run("c", 8)
    assert first == again
    assert first != other


def test_an_export_stopped_early_is_the_start_of_the_later_one(tmp_path: Path) -> None:
    """A demo made in June and one made in December tell the same story of the spring:
    every row up to the last snapshot before the earlier day is the same in both."""

    def rows(through: dt.date) -> tuple[GenerationSummary, dict[str, list[list[str]]]]:
        folder = tmp_path / through.isoformat()
        summary = generate(folder, ["x", "y"], start=START, end=END, through=through, seed=3)
        read = {}
        for spec in FILES:
            lines = (folder / spec.name).read_text(encoding="utf-8").splitlines()[1:]
            read[spec.name] = [line.split(",") for line in lines]
        return summary, read

    june, june_rows = rows(dt.date(2026, 6, 17))
    december, december_rows = rows(dt.date(2026, 12, 2))
    snapshots = sorted({row[0] for row in june_rows["assets.csv"]})
    assert snapshots[-2:] == ["2026-06-12", "2026-06-17"]
    cut = snapshots[-2]
    for name in ("assets.csv", "funding.csv", "trades.csv", "products.csv", "surveys.csv"):
        assert any(row[0] > "2026-03-31" for row in june_rows[name]), name
        early = [row for row in june_rows[name] if row[0] <= cut]
        assert early == [row for row in december_rows[name] if row[0] <= cut], name
        assert max(row[0] for row in june_rows[name]) <= "2026-06-17", name
    # clients: id, cm, kind, gender, opened, closed; a closing after the day is not known
    later = {row[0]: row for row in december_rows["clients.csv"]}
    for row in june_rows["clients.csv"]:
        assert row[4] <= "2026-06-17"
        closed = later[row[0]][5]
        assert row[:5] == later[row[0]][:5]
        assert row[5] == (closed if closed and closed <= "2026-06-17" else "")
    assert june.clients < december.clients
    assert june.new_accounts == sum(1 for row in june_rows["clients.csv"] if row[4] >= "2026-01-01")
    with pytest.raises(ValueError, match="outside"):
        generate(tmp_path / "late", ["x"], start=START, end=END, through=dt.date(2027, 1, 4))


def test_last_years_rows_come_after_this_years_which_they_leave_as_they_were(
    tmp_path: Path,
) -> None:
    """trades.csv and funding.csv started on ``start``, so a growth target or a 同比 on
    commission or net new AUM had no year to stand on, and last year's new accounts had
    never funded. With ``last_year`` the year before's trades and funding follow this
    year's: the same on any day the export stops, and every other row, and every row
    number of this year's, as without them."""

    def lines(folder: str, through: dt.date, last_year: bool) -> dict[str, list[str]]:
        generate(tmp_path / folder, ["x", "y"], start=START, end=END, through=through, seed=3,
                 last_year=last_year)  # fmt: skip
        return {spec.name: (tmp_path / folder / spec.name).read_text("utf-8").splitlines()
                for spec in FILES}  # fmt: skip

    without = lines("without", dt.date(2026, 6, 17), False)
    june = lines("june", dt.date(2026, 6, 17), True)
    december = lines("december", dt.date(2026, 12, 2), True)
    appended = ("trades.csv", "funding.csv")
    assert {name: rows for name, rows in june.items() if name not in appended} == {
        name: rows for name, rows in without.items() if name not in appended
    }
    opened = {row.split(",")[0]: row.split(",")[4] for row in june["clients.csv"][1:]}
    for name in appended:
        this_year = without[name]
        assert june[name][: len(this_year)] == this_year, name
        before = june[name][len(this_year) :]
        days = [row.split(",")[0] for row in before]
        assert days and days == sorted(days), name
        assert days[0] >= "2025-01-01" and days[-1] <= "2025-12-31", (name, days[0], days[-1])
        assert december[name][-len(before) :] == before, name
        # Each client traded and funded from the day it opened.
        assert all(opened[row.split(",")[1]] <= row.split(",")[0] for row in before), name
    assert len(june["trades.csv"]) > 2 * len(without["trades.csv"])


def test_monthly_snapshots(tmp_path: Path) -> None:
    summary = generate(
        tmp_path / "m", ["x"], start=START, end=END, clients_per_cm=30, snapshot="month"
    )
    # the opening snapshot and 12 month ends, for at most every client
    assert summary.rows["assets.csv"] <= summary.clients * 13
    lines = (tmp_path / "m" / "assets.csv").read_text(encoding="utf-8").splitlines()[1:]
    days = sorted({line.split(",")[0] for line in lines})
    assert days == ["2025-12-28", *(f"2026-{m:02d}-{d}" for m, d in _month_ends())]


def _month_ends() -> list[tuple[int, int]]:
    return [
        (m, (dt.date(2026 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day)
        for m in range(1, 13)
    ]


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="snapshot"):
        generate(tmp_path, ["x"], start=START, end=END, snapshot="day")
    with pytest.raises(ValueError, match="before start"):
        generate(tmp_path, ["x"], start=END, end=START)
    with pytest.raises(ValueError, match="repeat"):
        generate(tmp_path, ["x", "x"], start=START, end=END)


def test_a_branch_looks_like_the_domain_brief(branch: tuple[Path, GenerationSummary]) -> None:
    _, s = branch
    assert 0.9 * 1284 <= s.book_clients <= 1.1 * 1284
    assert s.opening_assets == pytest.approx(7.2e8, rel=0.10)
    assert s.top_fifth_share >= 0.6
    growth = (s.new_accounts - s.closed_accounts) / s.book_clients
    assert 0.12 <= growth <= 0.22
    assert 0.20 <= 1 - s.funded_new_accounts / s.new_accounts <= 0.35  # empty accounts
    assert 0.06 <= s.purchasing_new_accounts / s.new_accounts <= 0.17  # open → first purchase
    assert 48 <= s.nps <= 68
    assert s.complaints <= 5
    assert 0.01 <= s.closed_accounts / s.book_clients <= 0.08
    assert 0.01 <= s.institutional_clients / s.clients <= 0.06
    assert s.new_hnw_clients >= 1


def _total(found: Collector, metric: str) -> float:
    return sum(value or 0.0 for value in found.values(metric).values())


def _parts(found: Collector, metric: str) -> tuple[float, float]:
    ratios = found.ratios(metric).values()
    return sum(n or 0.0 for n, _ in ratios), sum(d or 0.0 for _, d in ratios)


def test_collected_figures_tie_back_to_what_was_generated(
    branch: tuple[Path, GenerationSummary], weekly: Collector
) -> None:
    _, s = branch
    assert _total(weekly, "new_accounts") == s.new_accounts
    assert _total(weekly, "net_new_aum") == pytest.approx(s.net_funding, abs=0.01)
    assert _total(weekly, "commission_revenue") == pytest.approx(s.commission, abs=0.01)
    assert _total(weekly, "new_hnw_clients") == s.new_hnw_clients
    assert _parts(weekly, "client_attrition")[0] == s.closed_accounts
    assert _parts(weekly, "open_to_fund_rate") == (s.funded_new_accounts, s.new_accounts)
    assert _parts(weekly, "open_to_purchase_rate") == (s.purchasing_new_accounts, s.new_accounts)
    assert _parts(weekly, "product_commission_share")[0] == pytest.approx(
        s.product_commission, abs=0.01
    )
    promoters_less_detractors, responses = _parts(weekly, "nps")
    assert promoters_less_detractors / responses == pytest.approx(s.nps)
    year_end = sum(o.value or 0.0 for o in _at(weekly, "aum", WEEKS[-1].id))
    assert year_end == pytest.approx(s.closing_assets, abs=0.01)


def _at(found: Collector, metric: str, period: str) -> list[Observation]:
    return [o for (_, p), o in found.of(metric).items() if p == period]


def test_collected_figures_are_plausible_for_a_branch(weekly: Collector) -> None:
    subjects = {subject for (_, subject, _) in weekly.observations}
    assert subjects == set(BRANCH)  # the adviser has no clients
    year_end = WEEKS[-1].id
    effective = sum(o.value or 0.0 for o in _at(weekly, "effective_accounts", year_end))
    mix = _at(weekly, "products_per_client", year_end)
    held, clients = (sum(o.numerator or 0.0 for o in mix), sum(o.denominator or 0.0 for o in mix))
    assert 0.3 * clients <= effective <= clients
    assert 1.0 <= held / clients <= 3.5
    lost, base = _parts(weekly, "asset_attrition")
    assert 0 < lost / base < 0.05  # a week's attrition, averaged over the year


def test_provenance_stays_compact_at_branch_scale(weekly: Collector) -> None:
    # Snapshots are written by date, CM and client, so a CM's week is one block of rows.
    single_block = re.compile(r"^assets\.csv rows \d+-\d+$")
    assert all(single_block.match(source) for source in weekly.sources("aum").values())
    assert max(len(source) for source in weekly.sources("commission_revenue").values()) < 2000


def test_a_clients_survey_answers_are_its_own_whoever_else_answers(tmp_path: Path) -> None:
    """The scores came from one sequence every answer took the next of, so a client more
    (here a third CM's book) moved every later answer of everyone. Each client's answers
    now come from a stream keyed by the client: the first two CMs' book clients, the
    same clients in both exports, give the same scores in the same order (a client may answer
    more or fewer times, as when and how often it answers is drawn with the rest)."""

    def answers(cms: list[str]) -> dict[str, list[str]]:
        folder = tmp_path / str(len(cms))
        generate(folder, cms, start=START, end=dt.date(2026, 6, 30), seed=5)
        found: dict[str, list[str]] = {}
        for line in (folder / "surveys.csv").read_text("utf-8").splitlines()[1:]:
            _, client, score = line.split(",")
            found.setdefault(client, []).append(score)
        rows = (folder / "clients.csv").read_text("utf-8").splitlines()[1:]
        # The book's clients: those opened this year are numbered after every book.
        book = [row.split(",") for row in rows if row.split(",")[4] < START.isoformat()]
        return {row[0]: found[row[0]] for row in book if row[1] in ("x", "y") and row[0] in found}

    two, three = answers(["x", "y"]), answers(["x", "y", "z"])
    both = [client for client in two if client in three]
    assert len(both) >= 50 and sum(len(two[c]) >= 2 and len(three[c]) >= 2 for c in both) >= 10
    for client in both:
        shorter = min(len(two[client]), len(three[client]))
        assert two[client][:shorter] == three[client][:shorter], client
