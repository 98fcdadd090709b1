"""The synthetic client book: who the clients are, when they open and close, what they start with.

Numbers here are the realism knobs of the generator, taken from the domain
brief: a branch of 12 CMs with about 1,280 clients and 7.2亿 of assets, the top
fifth holding about 80% of it, 15–20% more clients a year, 27% of new accounts
never funded, about 11% of them reaching a first purchase, a few percent closed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

ASSET_SIGMA = 1.7
"""Log-normal spread of opening assets; a top-fifth share of about 80%."""
EMPTY_BOOK_SHARE = 0.12
INSTITUTIONAL_SHARE = 0.03
INSTITUTIONAL_SIZE = 4.0
FEMALE_SHARE = 0.47
OPENINGS_PER_YEAR = (0.17, 0.23)
"""New accounts a year as a share of each CM's book, drawn per CM."""
BOOK_CLOSURES_PER_YEAR = 0.035
NEW_CLOSURES_PER_YEAR = 0.01
FUNDED_SHARE = 0.75
FUNDING_DELAY_DAYS = 7.0
PURCHASE_SHARE_OF_FUNDED = 0.19
PURCHASE_DELAY_DAYS = 30.0
NEW_CLIENT_MEDIAN_FUNDING = 30_000.0
NEW_CLIENT_BIG_SHARE = 0.01
"""New clients who arrive with a fortune (and so count as new HNW clients)."""
HOLDER_SHARE = 0.65
PRODUCTS = tuple(f"P{n:03d}" for n in range(1, 41))
TRADER_PROFILES = ((0.22, 2.0), (0.33, 0.3), (1.0, 0.02))
"""(cumulative share of funded clients, trade rows per week)."""


class Client:
    """One synthetic client: fixed traits and the state the weekly simulation moves."""

    __slots__ = (
        "beta",
        "cash",
        "closed",
        "cm",
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
        self.reached_hnw = False

    @property
    def total(self) -> float:
        return self.cash + self.securities


def _weekday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


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


def draw_book(
    rng: random.Random,
    cms: int,
    clients_per_cm: int,
    total_assets: float,
    opening: dt.date,
) -> list[list[Client]]:
    """Each CM's clients opened before ``opening``, holding ``total_assets`` between them."""
    books: list[list[Client]] = []
    weights: list[float] = []
    for cm in range(cms):
        size = max(1, round(clients_per_cm * rng.uniform(0.85, 1.15)))
        book = []
        for _ in range(size):
            opened = opening - dt.timedelta(days=rng.randint(30, 365 * 8))
            client = _new_client(rng, cm, _weekday_on_or_after(opened))
            empty = rng.random() < EMPTY_BOOK_SHARE
            weight = 0.0 if empty else rng.lognormvariate(0.0, ASSET_SIGMA)
            weights.append(weight * (INSTITUTIONAL_SIZE if client.institutional else 1.0))
            book.append(client)
        books.append(book)
    scale = total_assets / (sum(weights) or 1.0)
    clients = (client for book in books for client in book)
    for client, weight in zip(clients, weights, strict=True):
        assets = weight * scale
        client.securities = assets * client.share
        client.cash = assets - client.securities
        if assets > 0:
            client.holdings = _historical_holdings(rng)
        else:
            client.trades_per_week = 0.0
    return books


def _historical_holdings(rng: random.Random) -> list[str]:
    if rng.random() >= HOLDER_SHARE:
        return []
    count = min(8, 1 + int(rng.expovariate(1 / 2.2)))
    return rng.sample(PRODUCTS, count)


def draw_openings(
    rng: random.Random, books: Sequence[list[Client]], start: dt.date, end: dt.date
) -> list[Client]:
    """New accounts opened from ``start`` to ``end``, with their funding and purchase plans."""
    years = ((end - start).days + 1) / 365
    opened: list[Client] = []
    for cm, book in enumerate(books):
        expected = len(book) * rng.uniform(*OPENINGS_PER_YEAR) * years
        for _ in range(round(expected)):
            client = _new_client(rng, cm, random_weekday(rng, start, end))
            if rng.random() < FUNDED_SHARE:
                client.first_funding = _weekday_on_or_after(
                    client.opened + _delay(rng, FUNDING_DELAY_DAYS, 60)
                )
                big = rng.random() < NEW_CLIENT_BIG_SHARE
                median = 1.2e7 if big else NEW_CLIENT_MEDIAN_FUNDING
                client.funding_amount = round(median * rng.lognormvariate(0.0, 0.6 if big else 1.4))
                if rng.random() < PURCHASE_SHARE_OF_FUNDED:
                    client.first_purchase = _weekday_on_or_after(
                        client.first_funding + _delay(rng, PURCHASE_DELAY_DAYS, 150)
                    )
            opened.append(client)
    opened.sort(key=lambda c: (c.opened, c.cm))
    return opened


def draw_closures(
    rng: random.Random, clients: Sequence[Client], start: dt.date, end: dt.date
) -> None:
    """Close a few percent of accounts a year, on a weekday after they opened."""
    years = ((end - start).days + 1) / 365
    for client in clients:
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
