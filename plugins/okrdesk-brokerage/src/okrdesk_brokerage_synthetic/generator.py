"""Deterministic, seeded CRM exports like a real branch's, for demos, tests and benchmarks.

``generate`` writes the seven CSV files the plugin reads (see the README) for a
list of CMs over a date range. The same arguments always give byte-identical
files: all randomness comes from one ``random.Random(seed)``, drawn in a fixed
order. Work is linear in clients × snapshots, so a benchmark can generate a
whole firm (``firm_cm_ids``) with the same function.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import attrs
from okrdesk.files import atomic_writer

from okrdesk_brokerage.layout import (
    ASSETS,
    CLIENTS,
    COMPLAINTS,
    FILES,
    FUNDING,
    PRODUCT_TYPES,
    PRODUCTS,
    SURVEYS,
    TRADES,
)
from okrdesk_brokerage.settings import DEFAULT_HNW_THRESHOLD
from okrdesk_brokerage_synthetic.last_years_funding import Row, last_years_funding
from okrdesk_brokerage_synthetic.last_years_funding import stream as last_years_funding_stream
from okrdesk_brokerage_synthetic.population import (
    Client,
    Quota,
    date_first_deposits,
    deal_accounts,
    draw_book,
    draw_closures,
    draw_deals,
    draw_last_years_openings,
    draw_openings,
    first_deposits_stream,
    keep_products_per_client,
    last_years_openings_stream,
    number,
    product_types,
    products_stream,
    random_weekday,
    size_deals,
)
from okrdesk_brokerage_synthetic.simulation import Step, live, money, poisson

SNAPSHOTS = ("week", "month")
MARKET_DRIFT_PER_WEEK = 0.0006
MARKET_SWING_PER_WEEK = 0.018
_DAY = dt.timedelta(days=1)
TRADED_SHARE = 0.21
"""About the share of their securities a client trades in one trade (0.05–0.4, mean
0.225), a little less because books grow over the year: tuned so that a year's
commission lands near the quota."""


@attrs.frozen
class GenerationSummary:
    """What was written, for checking realism and for tying collected figures back
    (``through`` is ``end`` where ``generate`` was not given one)."""

    cms: int
    clients: int
    """Rows in clients.csv."""
    book_clients: int
    """Clients opened before ``start``."""
    new_accounts: int
    funded_new_accounts: int
    """New accounts with an inflow by ``through``."""
    purchasing_new_accounts: int
    """New accounts with a product purchase by ``through``."""
    closed_accounts: int
    institutional_clients: int
    opening_day: dt.date
    """The snapshot before ``start`` that the book's figures are measured from."""
    opening_assets: float
    """Total assets at the opening snapshot, in 元."""
    closing_assets: float
    """Total assets of open clients at the last snapshot (on ``through``), in 元."""
    top_fifth_share: float
    """Share of the opening assets held by the richest fifth of the book."""
    net_funding: float
    commission: float
    """Net trading commission from ``start`` to ``through``, in 元."""
    product_commission: float
    """Product-sales commission from ``start`` to ``through``, in 元."""
    survey_responses: int
    nps: float
    complaints: int
    new_hnw_clients: int
    """Clients first at or above 800万 at a snapshot from ``start`` on."""
    rows: dict[str, int]
    """Data rows written per file."""


def firm_cm_ids(branches: int, cms_per_branch: int = 12) -> list[str]:
    """CM ids for a whole firm, ``b001-cm01`` onwards, for generating at scale."""
    return [
        f"b{branch:03d}-cm{cm:02d}"
        for branch in range(1, branches + 1)
        for cm in range(1, cms_per_branch + 1)
    ]


def snapshot_days(start: dt.date, end: dt.date, snapshot: str) -> list[dt.date]:
    """The opening snapshot, then every Friday (or month end), then ``end``.

    The opening snapshot is dated before the ISO week, month and quarter that
    contain ``start``, so no period's first-time-at-threshold count mistakes the
    existing book for new high-net-worth clients.
    """
    if snapshot not in SNAPSHOTS:
        raise ValueError(f"snapshot must be 'week' or 'month', not {snapshot!r}")
    monday = start - dt.timedelta(days=start.weekday())
    quarter = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    days = [min(monday, quarter) - _DAY]
    day = start
    while day <= end:
        friday, month_end = day.weekday() == 4, (day + _DAY).day == 1
        if friday if snapshot == "week" else month_end:
            days.append(day)
        day += _DAY
    if days[-1] != end:
        days.append(end)
    return days


class _Tally:
    """Running figures for the summary, counted from the rows exactly as written."""

    def __init__(self, start: dt.date) -> None:
        self.start = start
        self.rows = {spec.name: 0 for spec in FILES}
        self.funding = 0
        self.commission = 0
        self.product_commission = 0
        self.funded: set[str] = set()
        self.purchasing: set[str] = set()
        self.scores = [0, 0, 0]
        """Detractors, passives, promoters."""
        self.new_hnw = 0
        self.net_by_cm: dict[int, int] = {}
        """Net funding in fen from ``start`` on, per CM index."""

    def event(self, file: str, day: dt.date, client: Client, fields: tuple[str, ...]) -> None:
        self.rows[file] += 1
        if day < self.start:
            return
        new = client.opened >= self.start
        if file == FUNDING.name:
            amount = _fen(fields[0])
            self.funding += amount
            self.net_by_cm[client.cm] = self.net_by_cm.get(client.cm, 0) + amount
            if new and amount > 0:
                self.funded.add(client.id)
        elif file == TRADES.name:
            self.commission += _fen(fields[1])
        elif file == PRODUCTS.name:
            self.product_commission += _fen(fields[3])
            if new and fields[1] == "buy":
                self.purchasing.add(client.id)
        elif file == SURVEYS.name:
            score = int(fields[0])
            self.scores[2 if score >= 9 else 0 if score <= 6 else 1] += 1


class _Events:
    """One step's event rows, written in date, CM and client order once the step is done."""

    def __init__(self, tally: _Tally) -> None:
        self.tally = tally
        self.rows: list[tuple[dt.date, int, str, int, str, tuple[str, ...]]] = []

    def emit(self, file: str, day: dt.date, client: Client, fields: tuple[str, ...]) -> None:
        self.rows.append((day, client.cm, client.id, len(self.rows), file, fields))
        self.tally.event(file, day, client, fields)

    def write(self, writers: dict[str, Any]) -> None:
        self.rows.sort()
        for day, _, client_id, _, file, fields in self.rows:
            writers[file].writerow((day.isoformat(), client_id, *fields))


def _fen(text: str) -> int:
    return int(text.replace(".", ""))


@contextmanager
def _writers(out_dir: Path) -> Iterator[dict[str, Any]]:
    # Each file is written atomically: a generation that fails half way, or
    # a full disk, leaves the files of the last one as they were.
    with ExitStack() as stack:
        writers: dict[str, Any] = {}
        for spec in FILES:
            handle = stack.enter_context(atomic_writer(out_dir / spec.name))
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(spec.header)
            writers[spec.name] = writer
        yield writers


def _check(cm_ids: Sequence[str], start: dt.date, end: dt.date, clients_per_cm: int) -> None:
    if not cm_ids:
        raise ValueError("cm_ids is empty")
    if len(set(cm_ids)) != len(cm_ids):
        raise ValueError("cm_ids repeat an id")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if clients_per_cm < 1:
        raise ValueError("clients_per_cm must be at least 1")


def generate(
    out_dir: Path,
    cm_ids: Sequence[str],
    *,
    start: dt.date,
    end: dt.date,
    seed: int = 2026,
    clients_per_cm: int = 107,
    total_assets: float = 7.2e8,
    snapshot: str = "week",
    quotas: Sequence[Quota] = (),
    through: dt.date | None = None,
    last_year: bool = False,
) -> GenerationSummary:
    """Write a CRM export for ``cm_ids`` from ``start`` to ``end`` into ``out_dir``.

    ``clients_per_cm`` is the average size of each CM's book at ``start`` and
    ``total_assets`` what the whole book holds at the opening snapshot; new
    accounts open through the period. ``snapshot`` is ``"week"`` (Fridays) or
    ``"month"`` (month ends). ``quotas``, one per CM in the order of
    ``cm_ids``, size each CM's book and year to what a plan asks of them (see
    ``population.Quota``) in place of ``clients_per_cm`` and ``total_assets``.

    With ``through``, the export stops there, as a CRM's would on that day: the
    period to ``end`` is drawn all the same, so every row up to the last snapshot
    before ``through`` is the row a later ``through`` writes too.

    With ``last_year``, trades.csv also holds the book's trades of the year before
    ``start`` (``_write_last_years_trades``), so a growth target or a 同比 on commission
    has a year to stand on, and funding.csv that year's funding (``last_years_funding``):
    the first deposits of the accounts opened in it, so that their cohort's funding rates
    read as this year's do, the book's everyday flows and, with quotas, a net new AUM of
    the same order as this year's; every row of the year from ``start`` is as without them.
    """
    _check(cm_ids, start, end, clients_per_cm)
    if quotas and len(quotas) != len(cm_ids):
        raise ValueError("quotas must give one quota per CM")
    through = end if through is None else through
    if not start <= through <= end:
        raise ValueError(f"through {through} is outside {start} – {end}")
    days = _cut(snapshot_days(start, end, snapshot), through)
    rng, products = random.Random(seed), products_stream(seed)
    last_years = start.replace(year=start.year - 1)
    books = draw_book(rng, products, len(cm_ids), clients_per_cm, total_assets, days[0], quotas,
                      last_years)  # fmt: skip
    # Last year's new accounts come from a stream of their own, in every draw made for
    # them, so that every other client's rows are those a book without them has.
    apart = last_years_openings_stream(seed)
    cohorts = draw_last_years_openings(apart, books, quotas, last_years,
                                       days[0])  # fmt: skip
    if last_year:
        deposits = first_deposits_stream(seed)
        for book in books:
            date_first_deposits(deposits, book, last_years, days[0])
    opened = draw_openings(rng, books, start, end, quotas)
    deals = draw_deals(rng, quotas, start, end) if quotas else []
    opened = sorted([*opened, *deals], key=lambda c: (c.opened, c.cm))
    rosters = [list(book) for book in books]
    for client in opened:
        rosters[client.cm].append(client)
    everyone = [client for roster in rosters for client in roster]
    draw_closures(rng, everyone, start, end)
    if quotas:
        _price_trading(rosters, quotas, start)
    drawn_apart = {id(client) for cohort in cohorts for client in cohort}
    draw_closures(apart, [client for cohort in cohorts for client in cohort], start, end)
    for cm, cohort in enumerate(cohorts):
        keep_products_per_client(products, books[cm], cohort, last_years)
        rosters[cm][len(books[cm]) : len(books[cm])] = cohort
        books[cm] = [*books[cm], *cohort]
    everyone = [client for roster in rosters for client in roster]

    def stream(client: Client) -> random.Random:
        return apart if id(client) in drawn_apart else rng

    number(books, opened)
    out_dir.mkdir(parents=True, exist_ok=True)
    tally = _Tally(start)
    with _writers(out_dir) as writers:
        _write_clients(writers[CLIENTS.name], cm_ids, rosters, tally, through)
        _write_catalogue(writers[PRODUCT_TYPES.name], tally)
        _write_history(stream, products, writers[PRODUCTS.name], rosters, days[0], tally)
        opening = _write_snapshot(writers[ASSETS.name], rosters, days[0], tally)
        held = {client.id: client.securities for book in books for client in book}
        closing = opening
        pending = _by_deal(deals)
        for since, until in itertools.pairwise(days):
            step = _step(rng, since, until, start, end, seed)
            while pending and pending[0][0].opened <= until:
                deal = pending.pop(0)
                cm = deal[0].cm
                net = tally.net_by_cm.get(cm, 0) / 100
                size_deals(deal, quotas[cm], net, DEFAULT_HNW_THRESHOLD)
            events = _Events(tally)
            for roster in rosters:
                for client in roster:
                    if client.opened <= until:
                        live(stream(client), client, step, events.emit)
            events.write(writers)
            closing = _write_snapshot(writers[ASSETS.name], rosters, until, tally)
        if last_year:
            funding = last_years_funding(last_years_funding_stream(seed), books, opening,
                                         quotas, start, days[0])  # fmt: skip
            _write_last_years_funding(writers[FUNDING.name], funding, tally)
            _write_last_years_trades(seed, writers[TRADES.name], books, held, quotas, start,
                                     tally)  # fmt: skip
    written = [client for client in everyone if client.opened <= through]
    return _summary(cm_ids, written, start, through, days[0], opening, closing, tally, books)


def _cut(days: list[dt.date], through: dt.date) -> list[dt.date]:
    """The snapshot days up to ``through``, ending on it."""
    kept = [day for day in days if day < through]
    return [*kept, through]


def _by_deal(deals: list[Client]) -> list[list[Client]]:
    """Deal accounts grouped by CM and day, in date order."""
    grouped: dict[tuple[dt.date, int, float], list[Client]] = {}
    for client in deals:
        grouped.setdefault((client.opened, client.cm, client.deal_goal), []).append(client)
    return [grouped[key] for key in sorted(grouped)]


def _price_trading(rosters: list[list[Client]], quotas: Sequence[Quota], start: dt.date) -> None:
    """Set each CM's commission rates so that a year's trading earns about their quota."""
    for roster, quota in zip(rosters, quotas, strict=True):
        if quota.commission <= 0:
            continue
        expected = 0.0
        per_deal_account = quota.net_new_aum / max(1, deal_accounts(quota))
        for client in roster:
            funding = per_deal_account if client.deal_goal else client.funding_amount
            held = client.securities or funding * client.share
            year_left = min(1.0, max(0.0, 1 - (client.opened - start).days / 365))
            expected += held * client.trades_per_week * client.rate * year_left
        scale = quota.commission / (expected * TRADED_SHARE * 52 or 1.0)
        for client in roster:
            client.rate *= scale


def _step(
    rng: random.Random,
    since: dt.date,
    until: dt.date,
    start: dt.date,
    end: dt.date,
    seed: int,
) -> Step:
    first, last = max(since + _DAY, start), min(until, end)
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    weeks = (until - since).days / 7
    market = rng.gauss(MARKET_DRIFT_PER_WEEK * weeks, MARKET_SWING_PER_WEEK * weeks**0.5)
    return Step([day for day in days if day.weekday() < 5], market, seed)


def _write_clients(
    writer: Any,
    cm_ids: Sequence[str],
    rosters: list[list[Client]],
    tally: _Tally,
    through: dt.date,
) -> None:
    """The clients opened by ``through``; a closing after it is not known yet."""
    for cm_id, roster in zip(cm_ids, rosters, strict=True):
        for client in roster:
            if client.opened > through:
                continue
            kind = "institutional" if client.institutional else "individual"
            closed = client.closed.isoformat() if client.closed and client.closed <= through else ""
            writer.writerow(
                (client.id, cm_id, kind, client.gender, client.opened.isoformat(), closed)
            )
            tally.rows[CLIENTS.name] += 1


LAST_YEAR_SALT = 1_000_003
"""Added to the seed for the year before ``start``'s draws: a stream of their own."""


def _write_last_years_trades(
    seed: int,
    writer: Any,
    books: list[list[Client]],
    held: dict[str, float],
    quotas: Sequence[Quota],
    start: dt.date,
    tally: _Tally,
) -> None:
    """The book's trades in the year before ``start``: each client trades as it does from
    ``start`` (at its rate, a share of its securities at the opening snapshot, ``held``,
    each time) from the day it opened, and a CM with a quota as often as earns about
    that quota over ``LAST_YEAR_GROWTH``, a year's commission of the same order as this
    one's. Drawn from a stream of their own after every row of the year from ``start``,
    whose rows and row numbers stay as they are; written after them, in date order, as
    a CRM appends an export of the year before."""
    rng = random.Random(seed + LAST_YEAR_SALT)
    first = start.replace(year=start.year - 1)
    monday = first - dt.timedelta(days=first.weekday())
    pace = [_last_years_pace(book, held, quotas[cm] if quotas else None, first, start)
            for cm, book in enumerate(books)]  # fmt: skip
    rows: list[tuple[dt.date, int, str, int, tuple[str, str]]] = []
    for week in itertools.count():
        days = [monday + dt.timedelta(days=7 * week + k) for k in range(5)]
        days = [day for day in days if first <= day < start]
        if monday + dt.timedelta(days=7 * week) >= start:
            break
        for book in books:
            for client in book:
                open_days = [day for day in days if day >= client.opened]
                if not open_days or held[client.id] <= 0:
                    continue
                often = client.trades_per_week * pace[client.cm] * len(open_days) / 5
                for _ in range(poisson(rng, often)):
                    volume = round(held[client.id] * rng.uniform(0.05, 0.4), 2)
                    commission = round(volume * client.rate, 2)
                    day = rng.choice(open_days)
                    rows.append((day, client.cm, client.id, len(rows),
                                 (money(volume), money(commission))))  # fmt: skip
    rows.sort()
    for day, _, client_id, _, fields in rows:
        writer.writerow((day.isoformat(), client_id, *fields))
    tally.rows[TRADES.name] += len(rows)


LAST_YEAR_GROWTH = 1.1
"""This year's commission over last year's, about, for a CM with a quota."""


def _last_years_pace(
    book: list[Client], held: dict[str, float], quota: Quota | None, first: dt.date,
    start: dt.date,
) -> float:  # fmt: skip
    """How much more often than from ``start`` a CM's book traded the year before, so
    that it earned about ``quota.commission / LAST_YEAR_GROWTH``; 1 without a quota."""
    if quota is None or quota.commission <= 0:
        return 1.0
    expected = sum(
        held[c.id] * 0.225 * c.rate * c.trades_per_week * (start - max(first, c.opened)).days / 7
        for c in book
    )
    return quota.commission / LAST_YEAR_GROWTH / expected if expected > 0 else 1.0


def _write_last_years_funding(writer: Any, rows: Sequence[Row], tally: _Tally) -> None:
    """Last year's funding rows (``last_years_funding``), after every row of the year from
    ``start``, as a CRM appends an export of the year before."""
    for day, _, client_id, amount in rows:
        writer.writerow((day.isoformat(), client_id, amount))
    tally.rows[FUNDING.name] += len(rows)


def _write_catalogue(writer: Any, tally: _Tally) -> None:
    catalogue = product_types()
    writer.writerows(catalogue.items())
    tally.rows[PRODUCT_TYPES.name] += len(catalogue)


def _write_history(
    stream: Callable[[Client], random.Random],
    products: random.Random,
    writer: Any,
    rosters: list[list[Client]],
    opening: dt.date,
    tally: _Tally,
) -> None:
    """The book's existing product holdings, as purchases in the three years before:
    the traded ones drawn from the client's ``stream``, the core ones from ``products``."""
    rows: list[tuple[dt.date, int, str, str, tuple[str, ...]]] = []
    for core in (False, True):
        for roster in rosters:
            for client in roster:
                drawn = products if core else stream(client)
                for product in client.core_holdings if core else client.holdings:
                    first = max(client.opened, opening - dt.timedelta(days=3 * 365))
                    day = min(random_weekday(drawn, first, opening - _DAY), opening - _DAY)
                    amount = max(1000.0, client.total * drawn.uniform(0.03, 0.15))
                    commission = amount * drawn.uniform(0.004, 0.012)
                    bought = (product, "buy", money(amount), money(commission))
                    rows.append((day, client.cm, client.id, product, bought))
    rows.sort()
    for day, _, client_id, _, fields in rows:
        writer.writerow((day.isoformat(), client_id, *fields))
    tally.rows[PRODUCTS.name] += len(rows)


def _write_snapshot(
    writer: Any, rosters: list[list[Client]], day: dt.date, tally: _Tally
) -> dict[str, int]:
    """One snapshot of every open client; returns their totals in fen by client id."""
    threshold = round(DEFAULT_HNW_THRESHOLD * 100)
    totals: dict[str, int] = {}
    for roster in rosters:
        for client in roster:
            if client.opened > day or (client.closed is not None and client.closed <= day):
                continue
            total, securities = money(client.total), money(client.securities)
            writer.writerow((day.isoformat(), client.id, total, securities))
            fen = _fen(total)
            totals[client.id] = fen
            if not client.reached_hnw and fen >= threshold:
                client.reached_hnw = True
                tally.new_hnw += day >= tally.start
    tally.rows[ASSETS.name] += len(totals)
    return totals


def _summary(
    cm_ids: Sequence[str],
    everyone: list[Client],
    start: dt.date,
    through: dt.date,
    opening_day: dt.date,
    opening: dict[str, int],
    closing: dict[str, int],
    tally: _Tally,
    books: list[list[Client]],
) -> GenerationSummary:
    book = sorted((opening.get(c.id, 0) for b in books for c in b), reverse=True)
    top = book[: max(1, round(len(book) / 5))]
    detractors, _, promoters = tally.scores
    responses = sum(tally.scores)
    new = sum(1 for client in everyone if client.opened >= start)
    return GenerationSummary(
        cms=len(cm_ids),
        clients=len(everyone),
        book_clients=len(everyone) - new,
        new_accounts=new,
        funded_new_accounts=len(tally.funded),
        purchasing_new_accounts=len(tally.purchasing),
        closed_accounts=sum(1 for c in everyone if c.closed is not None and c.closed <= through),
        institutional_clients=sum(1 for client in everyone if client.institutional),
        opening_day=opening_day,
        opening_assets=sum(book) / 100,
        closing_assets=sum(closing.values()) / 100,
        top_fifth_share=sum(top) / (sum(book) or 1),
        net_funding=tally.funding / 100,
        commission=tally.commission / 100,
        product_commission=tally.product_commission / 100,
        survey_responses=responses,
        nps=(promoters - detractors) * 100 / responses if responses else 0.0,
        complaints=tally.rows[COMPLAINTS.name],
        new_hnw_clients=tally.new_hnw,
        rows=dict(tally.rows),
    )
