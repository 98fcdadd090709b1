"""The synthetic client book: who the clients are, when they open and close, what they start with.

Numbers here are the realism knobs of the generator, taken from the domain
brief: a branch of 12 CMs with about 1,280 clients and 7.2亿 of assets, the top
fifth holding about 80% of it, 15–20% more clients a year, about 22% of new
accounts never funded (the plan's goal is 20%), about 11% of them reaching a
first purchase, a few percent of the small accounts closed.

With ``Quota`` values the book and the year follow a plan instead (see
``draw_deals`` and ``demo``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

import attrs

ASSET_SIGMA = 1.7
"""Log-normal spread of opening assets; a top-fifth share of about 80%."""
EMPTY_BOOK_SHARE = 0.12
INSTITUTIONAL_SHARE = 0.03
INSTITUTIONAL_SIZE = 4.0
FEMALE_SHARE = 0.47
OPENINGS_PER_YEAR = (0.17, 0.23)
"""New accounts a year as a share of each CM's book, drawn per CM."""
BOOK_CLOSURES_PER_YEAR = 0.05
CLOSING_BELOW = 500_000.0
"""Only accounts holding less than this close: dormant and small ones."""
NEW_CLOSURES_PER_YEAR = 0.01
FUNDED_SHARE = 0.78
FUNDING_DELAY_DAYS = 7.0
PURCHASE_SHARE_OF_FUNDED = 0.14
PURCHASE_DELAY_DAYS = 30.0
NEW_CLIENT_MEDIAN_FUNDING = 1_500.0
"""A new retail account's first deposit, in 元 (log-normal around it): most open with a
token sum, so only about one in five holds more than the 5,000元 of securities that make
an account effective, and a CM opening 150 accounts a year holds effective accounts near
a standard of 100 rather than far above it by the autumn."""
NEW_CLIENT_TRADES_PER_WEEK = 0.05
"""At most this many trades a week for a new retail account: most rarely trade."""
NEW_CLIENT_BIG_SHARE = 0.01
"""New clients who arrive with a fortune (and so count as new HNW clients)."""
HNW_FROM_DEALS = 0.85
"""Share of a CM's new HNW clients that big deposits bring; the rest cross on their own."""
ACCOUNTS_PER_DEAL = 1
"""Accounts one big deposit opens: one new client's. Twenty at once, twice a year, made
each CM's new HNW clients, net new AUM and new effective accounts' market value arrive
in two months of the year and none in the other ten, and a month a deal landed scored
ten times its standard."""
DEALS_A_YEAR = 2
"""At least this many deals a year, so that no single one makes or breaks a quota."""
DEAL_PURCHASE_SHARE = 0.6
DEAL_MARGIN = 1.05
"""Each deal account starts this far above the HNW threshold, so a bad week keeps it there."""
GOLDEN_STEP = 0.618034
DEAL_JITTER = 0.1
"""How far a deal may move from its CM's point in each slice, as a share of the slice."""
HOLDER_SHARE = 0.8
CORE_HOLDINGS_SCALE = 1.0
"""Products a client with assets has held for years and keeps all year (a pension
fund, a trust), beside those they trade: ⌊Exp(scale)⌋ of them, 0.58 on average,
which brings the book's products per client at the start to about the sample
plan's "年初 2.4"."""
PRODUCTS_PER_CLIENT = 2.4
"""Products per client of a book at its opening snapshot, the sample plan's "年初 2.4",
kept when last year's new accounts join the book (``keep_products_per_client``)."""
PRODUCTS = tuple(f"P{n:03d}" for n in range(1, 41))
PRODUCT_TYPE_RUNS = (
    ("公募基金", 12),
    ("私募固收", 10),
    ("权益类", 9),
    ("资管计划", 6),
    ("家族信托", 3),
)
"""The product master: the first 12 products are mutual funds, the next 10 private
fixed income, and so on. Fixed by product number rather than drawn, so writing the
master takes nothing from the random stream every other figure of the export comes from."""


def product_types() -> dict[str, str]:
    """Each product's type, in the order of PRODUCTS."""
    kinds = [kind for kind, count in PRODUCT_TYPE_RUNS for _ in range(count)]
    return dict(zip(PRODUCTS, kinds, strict=True))


TRADER_PROFILES = ((0.22, 2.0), (0.33, 0.3), (1.0, 0.02))
"""(cumulative share of funded clients, trade rows per week)."""


@attrs.frozen
class Quota:
    """What one CM is set to bring in over a year from ``start``, for a book sized to a plan.

    Without quotas every CM's book is drawn alike from the branch's totals; with
    one, the CM's book, openings and big deposits are drawn to meet it.
    """

    clients: int
    """The book's size at ``start``, less the accounts ``draw_last_years_openings`` adds."""
    assets: float
    """What the book holds at the opening snapshot, in 元."""
    net_new_aum: float = 0.0
    new_accounts: int = 0
    new_hnw_clients: int = 0
    commission: float = 0.0
    """Net trading commission a year, in 元; 0 keeps the default trading."""
    last_years_accounts: int = 0
    """Accounts opened in the year before ``start``, those of the book's ``clients`` among
    them (see ``draw_last_years_openings``)."""


class Client:
    """One synthetic client: fixed traits and the state the weekly simulation moves."""

    __slots__ = (
        "answered",
        "beta",
        "cash",
        "closed",
        "cm",
        "core_holdings",
        "deal_goal",
        "deposited_before",
        "first_funding",
        "first_purchase",
        "funding_amount",
        "gender",
        "holdings",
        "id",
        "institutional",
        "opened",
        "rate",
        "reached_hnw",
        "securities",
        "share",
        "trades_per_week",
    )

    def __init__(self, cm: int, opened: dt.date, institutional: bool, gender: str) -> None:
        self.id = ""
        self.cm = cm
        self.opened = opened
        self.closed: dt.date | None = None
        self.institutional = institutional
        self.gender = gender
        self.cash = 0.0
        self.securities = 0.0
        self.share = 0.0
        """Part of the assets kept in stock, funds and custody rather than cash."""
        self.beta = 1.0
        self.rate = 0.0
        """Net commission per 元 traded."""
        self.trades_per_week = 0.0
        self.first_funding: dt.date | None = None
        self.funding_amount = 0.0
        self.first_purchase: dt.date | None = None
        self.holdings: list[str] = []
        self.core_holdings: list[str] = []
        """Held for years and kept: written as purchases before the export starts,
        never redeemed (drawn from the products stream, see ``products_stream``)."""
        self.deposited_before: tuple[dt.date, float] | None = None
        """An account opened in the year before the export's: its first deposit (day, 元),
        made before the opening snapshot and so part of the assets it starts with."""
        self.reached_hnw = False
        self.answered = 0
        """Survey answers given so far (see ``simulation.answer``)."""
        self.deal_goal = 0.0
        """For an account opened by a big deposit, the share of the CM's yearly net new
        AUM due by a little after it (see ``draw_deals``); 0 for everyone else."""

    @property
    def total(self) -> float:
        return self.cash + self.securities


def _weekday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def _weekday_before(day: dt.date) -> dt.date:
    before = day - dt.timedelta(days=1)
    return before - dt.timedelta(days=max(0, before.weekday() - 4))


def random_weekday(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A weekday between the two dates, both included (``first`` itself if none is)."""
    span = (last - first).days
    for _ in range(8):
        day = first + dt.timedelta(days=rng.randint(0, max(span, 0)))
        if day.weekday() < 5:
            return day
    return _weekday_on_or_after(first)


def _traits(rng: random.Random, client: Client) -> None:
    low, high = (0.5, 0.98) if client.institutional else (0.35, 0.95)
    client.share = rng.uniform(low, high)
    client.beta = rng.uniform(0.6, 1.2)
    low, high = (0.00005, 0.0001) if client.institutional else (0.0001, 0.00025)
    client.rate = rng.uniform(low, high)
    pick = rng.random()
    client.trades_per_week = next(rate for share, rate in TRADER_PROFILES if pick <= share)


def _new_client(rng: random.Random, cm: int, opened: dt.date) -> Client:
    institutional = rng.random() < INSTITUTIONAL_SHARE
    gender = "" if institutional else ("F" if rng.random() < FEMALE_SHARE else "M")
    client = Client(cm, opened, institutional, gender)
    _traits(rng, client)
    return client


def _delay(rng: random.Random, mean_days: float, cap: int) -> dt.timedelta:
    return dt.timedelta(days=min(cap, int(rng.expovariate(1 / mean_days))))


def products_stream(seed: int) -> random.Random:
    """The stream the book's core holdings are drawn from: apart from ``rng`` so that
    tuning them moves no other figure of the export."""
    return random.Random(f"{seed}:core-holdings")


def draw_book(
    rng: random.Random,
    products: random.Random,
    cms: int,
    clients_per_cm: int,
    total_assets: float,
    opening: dt.date,
    quotas: Sequence[Quota] = (),
    recent_from: dt.date | None = None,
) -> list[list[Client]]:
    """Each CM's clients opened before ``opening``, holding ``total_assets`` between them.

    With ``quotas`` (one per CM) each book has its quota's size and assets instead.

    A client opened from ``recent_from`` on (last year's, when the export starts a year
    after it) holds the products a new account buys in its first months
    (``_recent_holdings``), not a long-standing client's: with those (80% of the clients
    with assets holding one to eight, bought after they opened), last year's open → first
    purchase rate read 18.3% where the plan's baseline is 11%.
    """
    books: list[list[Client]] = []
    weights: list[float] = []
    for cm in range(cms):
        spread = rng.uniform(0.85, 1.15)
        size = max(1, quotas[cm].clients if quotas else round(clients_per_cm * spread))
        book = []
        for _ in range(size):
            opened = opening - dt.timedelta(days=rng.randint(30, 365 * 8))
            client = _new_client(rng, cm, _weekday_on_or_after(opened))
            empty = rng.random() < EMPTY_BOOK_SHARE
            weight = 0.0 if empty else rng.lognormvariate(0.0, ASSET_SIGMA)
            weights.append(weight * (INSTITUTIONAL_SIZE if client.institutional else 1.0))
            book.append(client)
        books.append(book)
    scales = _scales(books, weights, total_assets, quotas)
    clients = (client for book in books for client in book)
    for client, weight in zip(clients, weights, strict=True):
        assets = weight * scales[client.cm]
        client.securities = assets * client.share
        client.cash = assets - client.securities
        if assets > 0 and recent_from is not None and client.opened >= recent_from:
            client.holdings = _recent_holdings(rng)
        elif assets > 0:
            client.holdings = _historical_holdings(rng)
            client.core_holdings = _core_holdings(products, client.holdings)
        else:
            client.trades_per_week = 0.0
    return books


def _scales(
    books: Sequence[list[Client]], weights: Sequence[float], total: float, quotas: Sequence[Quota]
) -> list[float]:
    """元 per unit of weight for each CM: one scale for the branch, or each book's own."""
    if not quotas:
        return [total / (sum(weights) or 1.0)] * len(books)
    scales, at = [], 0
    for book, quota in zip(books, quotas, strict=True):
        scales.append(quota.assets / (sum(weights[at : at + len(book)]) or 1.0))
        at += len(book)
    return scales


def _core_holdings(products: random.Random, holdings: Sequence[str]) -> list[str]:
    count = int(products.expovariate(1 / CORE_HOLDINGS_SCALE))
    others = [p for p in PRODUCTS if p not in holdings]
    return products.sample(others, min(count, len(others)))


def _recent_holdings(rng: random.Random) -> list[str]:
    """A funded account's products in its first year: one, as often as a new account
    makes a first purchase (``PURCHASE_SHARE_OF_FUNDED``), and none held for years."""
    return [rng.choice(PRODUCTS)] if rng.random() < PURCHASE_SHARE_OF_FUNDED else []


def _historical_holdings(rng: random.Random) -> list[str]:
    if rng.random() >= HOLDER_SHARE:
        return []
    count = min(8, 1 + int(rng.expovariate(1 / 2.6)))
    return rng.sample(PRODUCTS, count)


def draw_openings(
    rng: random.Random,
    books: Sequence[list[Client]],
    start: dt.date,
    end: dt.date,
    quotas: Sequence[Quota] = (),
) -> list[Client]:
    """New accounts opened from ``start`` to ``end``, with their funding and purchase plans.

    With ``quotas``, each CM opens their quota's accounts a year, less those the
    big deposits open (see ``draw_deals``).
    """
    years = ((end - start).days + 1) / 365
    opened: list[Client] = []
    for cm, book in enumerate(books):
        growth = rng.uniform(*OPENINGS_PER_YEAR)
        if quotas:
            expected = max(0, quotas[cm].new_accounts - deal_accounts(quotas[cm])) * years
        else:
            expected = len(book) * growth * years
        for _ in range(round(expected)):
            opened.append(_opening(rng, cm, random_weekday(rng, start, end), bool(quotas)))
    opened.sort(key=lambda c: (c.opened, c.cm))
    return opened


def _opening(rng: random.Random, cm: int, day: dt.date, planned: bool) -> Client:
    """One new account opened on ``day``, with its funding and purchase plans; with
    ``planned`` (a CM with a quota) none arrives with a fortune, as the deals bring those."""
    client = _new_client(rng, cm, day)
    client.trades_per_week = min(client.trades_per_week, NEW_CLIENT_TRADES_PER_WEEK)
    if rng.random() < FUNDED_SHARE:
        client.first_funding = _weekday_on_or_after(
            client.opened + _delay(rng, FUNDING_DELAY_DAYS, 60)
        )
        big = rng.random() < NEW_CLIENT_BIG_SHARE and not planned
        median = 1.2e7 if big else NEW_CLIENT_MEDIAN_FUNDING
        client.funding_amount = round(median * rng.lognormvariate(0.0, 0.6 if big else 1.4))
        if rng.random() < PURCHASE_SHARE_OF_FUNDED:
            client.first_purchase = _weekday_on_or_after(
                client.first_funding + _delay(rng, PURCHASE_DELAY_DAYS, 150)
            )
    return client


def last_years_openings_stream(seed: int) -> random.Random:
    """The stream last year's new accounts are drawn from: apart from ``rng`` so that
    the book before them is drawn as it is without them."""
    return random.Random(f"{seed}:last-years-openings")


def draw_last_years_openings(
    rng: random.Random,
    books: Sequence[list[Client]],
    quotas: Sequence[Quota],
    first: dt.date,
    opening: dt.date,
) -> list[list[Client]]:
    """The accounts each CM opened from ``first`` to the day before ``opening`` (the year
    before the quotas') beside those of their book, ``quota.last_years_accounts`` in all:
    funded and buying as this year's new accounts are, and settled by ``opening`` (what
    reached them by then is held, what is due after it happens in the year)."""
    last = opening - dt.timedelta(days=1)
    found: list[list[Client]] = []
    if not quotas:
        return [[] for _ in books]
    for cm, (book, quota) in enumerate(zip(books, quotas, strict=True)):
        already = sum(1 for client in book if client.opened >= first)
        clients = [
            _opening(rng, cm, random_weekday(rng, first, last), True)
            for _ in range(max(0, quota.last_years_accounts - already))
        ]
        clients.sort(key=lambda c: c.opened)
        for client in clients:
            _settle(rng, client, opening)
        found.append(clients)
    return found


def first_deposits_stream(seed: int) -> random.Random:
    """The stream the days of the book's last-year accounts' first deposits are drawn from:
    apart from every other, so that drawing them moves no row of the export."""
    return random.Random(f"{seed}:first-deposits")


def date_first_deposits(
    rng: random.Random, book: Sequence[Client], first: dt.date, opening: dt.date
) -> None:
    """Give each client of ``book`` opened from ``first`` on, with assets at ``opening``, the
    first deposit that brought them: all of it, a few days after opening as a new account's
    comes (``FUNDING_DELAY_DAYS``), and before ``opening``. An account with nothing never
    funded, as an empty account of this year's."""
    for client in book:
        if client.opened < first or client.total <= 0 or client.deposited_before is not None:
            continue
        day = _weekday_on_or_after(client.opened + _delay(rng, FUNDING_DELAY_DAYS, 60))
        client.deposited_before = (min(day, _weekday_before(opening)), client.total)


def keep_products_per_client(
    products: random.Random, book: list[Client], cohort: Sequence[Client], first: dt.date
) -> None:
    """Give ``book``'s clients with assets opened before ``first`` more core holdings, so
    that with last year's openings (``cohort``, and the book's clients opened from
    ``first`` on, few of whom hold a product) it holds ``PRODUCTS_PER_CLIENT`` per client
    at the opening snapshot, as a book of only older clients does."""
    holders = [client for client in book if client.total > 0 and client.opened < first]
    if not holders or not cohort:
        return
    held = sum(len(client.holdings) + len(client.core_holdings) for client in book)
    wanted = PRODUCTS_PER_CLIENT * (len(book) + len(cohort)) - sum(len(c.holdings) for c in cohort)
    missing = max(0, round(wanted) - held)
    for at, client in enumerate(holders):
        more = missing * (at + 1) // len(holders) - missing * at // len(holders)
        others = [p for p in PRODUCTS if p not in client.holdings and p not in client.core_holdings]
        client.core_holdings.extend(products.sample(others, min(more, len(others))))


def _settle(rng: random.Random, client: Client, opening: dt.date) -> None:
    """Make what happened to a new account before ``opening`` its state at ``opening``."""
    if client.first_funding is not None and client.first_funding < opening:
        client.securities = client.funding_amount * client.share
        client.cash = client.funding_amount - client.securities
        client.deposited_before = (client.first_funding, client.funding_amount)
        client.first_funding = None
    if client.first_purchase is not None and client.first_purchase < opening:
        client.first_purchase = None
        if client.total > 0:
            client.holdings = [rng.choice(PRODUCTS)]
    if client.first_funding is None and client.total <= 0:
        client.trades_per_week = 0.0


def deal_accounts(quota: Quota) -> int:
    """Accounts a year that the big deposits open: most of the quota's new HNW clients."""
    return round(quota.new_hnw_clients * HNW_FROM_DEALS)


def draw_deals(
    rng: random.Random, quotas: Sequence[Quota], start: dt.date, end: dt.date
) -> list[Client]:
    """Big deposits: a new client arrives with a fortune (``ACCOUNTS_PER_DEAL`` accounts).

    They bring in what a CM's quota of net new AUM asks beyond the book's own
    flows, and most of their new high-net-worth clients, through the year: a CM
    set 34 such clients a year lands about three a month. A CM's year from
    ``start`` is cut into equal slices with one deal in each; those after
    ``end`` are not drawn. Each deal account's ``deal_goal`` is the share of
    the year's quota the CM should have reached a little after the deal: the
    generator sizes the deposits to it when they happen (``size_deals``), so the
    figures to any date stay near their pace whatever the book's own flows did.
    """
    found: list[Client] = []
    for cm, quota in enumerate(quotas):
        accounts = deal_accounts(quota)
        if quota.net_new_aum <= 0:
            continue
        deals = max(DEALS_A_YEAR, round(accounts / ACCOUNTS_PER_DEAL))
        # Each CM's deals sit at their own point of each slice, so that the
        # branch closes about as many deals every month.
        phase = cm * GOLDEN_STEP % 1.0
        for deal in range(deals):
            within = min(max(phase + rng.uniform(-DEAL_JITTER, DEAL_JITTER), 0.0), 0.999)
            day = _weekday_on_or_after(
                start + dt.timedelta(days=int((deal + within) * 365 / deals))
            )
            opens = max(1, accounts * (deal + 1) // deals - accounts * deal // deals)
            goal = (deal + (1 + within) / 2) / deals
            if day <= end:
                found.extend(_deal_clients(rng, cm, day, opens, goal))
    return found


def _deal_clients(
    rng: random.Random, cm: int, day: dt.date, accounts: int, goal: float
) -> list[Client]:
    clients = []
    for _ in range(accounts):
        client = _new_client(rng, cm, day)
        client.deal_goal = goal
        client.first_funding = day
        client.funding_amount = rng.uniform(0.6, 1.4)  # a weight until size_deals
        if rng.random() < DEAL_PURCHASE_SHARE:
            client.first_purchase = _weekday_on_or_after(day + _delay(rng, PURCHASE_DELAY_DAYS, 90))
        clients.append(client)
    return clients


def size_deals(deal: Sequence[Client], quota: Quota, net_so_far: float, threshold: float) -> None:
    """Turn one deal's weights into deposits that bring the CM to the deal's goal.

    Every account gets at least a little over ``threshold``, so each is a new
    HNW client however far ahead the CM already is.
    """
    floor = DEAL_MARGIN * threshold
    gap = quota.net_new_aum * deal[0].deal_goal - net_so_far
    extra = max(0.0, gap - floor * len(deal))
    weights = sum(client.funding_amount for client in deal)
    for client in deal:
        client.funding_amount = round(floor + extra * client.funding_amount / weights)


def draw_closures(
    rng: random.Random, clients: Sequence[Client], start: dt.date, end: dt.date
) -> None:
    """Close a few percent of accounts a year, on a weekday after they opened."""
    years = ((end - start).days + 1) / 365
    for client in clients:
        if client.deal_goal or client.total >= CLOSING_BELOW:
            continue
        rate = NEW_CLOSURES_PER_YEAR if client.opened >= start else BOOK_CLOSURES_PER_YEAR
        if rng.random() >= 1 - math.exp(-rate * years):
            continue
        first = max(start, client.opened + dt.timedelta(days=30))
        if first <= end:
            client.closed = random_weekday(rng, first, end)


def number(books: Sequence[list[Client]], opened: Sequence[Client]) -> None:
    """Give ids in the order a CRM would: the existing book first, then by opening day."""
    everyone = [*(client for book in books for client in book), *opened]
    for sequence, client in enumerate(everyone, start=1):
        client.id = f"C{sequence:07d}"
