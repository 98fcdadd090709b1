"""funding.csv's rows of the year before the export's: the book's money coming and going.

An export that starts on ``start`` has no funding before it, so last year's net new
AUM, and the share of last year's new accounts that funded, read as nothing or as
empty accounts. These rows give the book the year that brought it to the opening
snapshot: each account opened that year its first deposit (``Client.deposited_before``),
all it holds then, every older client with assets the everyday deposits and withdrawals
it makes from ``start`` on, and a CM with a quota a few large deposits into their
largest older clients,
so that the year's net new AUM is of the order of this year's
(``NET_NEW_AUM_GROWTH``), as a 同比 on it expects. Drawn from a stream of their own:
no row of the year from ``start`` changes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from okrdesk_brokerage_synthetic.population import Client, Quota, random_weekday
from okrdesk_brokerage_synthetic.simulation import (
    FLOW_CAP,
    INFLOW_FLOOR,
    INFLOW_MEDIAN_SHARE,
    INFLOWS_PER_WEEK,
    OUTFLOWS_PER_WEEK,
    money,
    poisson,
)

NET_NEW_AUM_GROWTH = 1.1
"""This year's net new AUM over last year's, about, for a CM with a quota."""
LARGE_DEPOSITS = 8
"""A CM's large deposits last year, each into one of their largest clients."""
LARGEST_SHARE = 0.7
"""At most this share of what a client holds at the opening snapshot came in one
large deposit last year: the rest was there before, or grew."""

Row = tuple[dt.date, int, str, str]


def stream(seed: int) -> random.Random:
    return random.Random(f"{seed}:last-years-funding")


def last_years_funding(
    rng: random.Random,
    books: Sequence[Sequence[Client]],
    totals: Mapping[str, int],
    quotas: Sequence[Quota],
    start: dt.date,
    opening: dt.date,
) -> list[Row]:
    """Every funding row of the year before ``start``, in date, CM and client order;
    ``totals`` is each client's total at the opening snapshot, in fen."""
    first = start.replace(year=start.year - 1)
    rows: list[Row] = []
    for cm, book in enumerate(books):
        own = _first_deposits(book) + _everyday(rng, book, totals, first, opening)
        rows.extend(own)
        if quotas and quotas[cm].net_new_aum > 0:
            so_far = sum(float(amount) for _, _, _, amount in own)
            wanted = quotas[cm].net_new_aum / NET_NEW_AUM_GROWTH - so_far
            rows.extend(_large(rng, book, totals, wanted, first, opening))
    return sorted(rows)


def _first_deposits(book: Sequence[Client]) -> list[Row]:
    return [
        (client.deposited_before[0], client.cm, client.id, money(client.deposited_before[1]))
        for client in book
        if client.deposited_before is not None
    ]


def _everyday(
    rng: random.Random,
    book: Sequence[Client],
    totals: Mapping[str, int],
    first: dt.date,
    opening: dt.date,
) -> list[Row]:
    """Deposits and withdrawals as the year from ``start`` has them, at their rates, sized
    on what the client holds at the opening snapshot; none of an account whose first
    deposit was last year's, which holds that deposit at the opening snapshot."""
    last = opening - dt.timedelta(days=1)
    rows: list[Row] = []
    for client in book:
        total = totals.get(client.id, 0) / 100
        if total <= 0 or client.deposited_before is not None:
            continue
        since = max(first, client.opened)
        weeks = (opening - since).days / 7
        for _ in range(poisson(rng, INFLOWS_PER_WEEK * weeks)):
            amount = total * INFLOW_MEDIAN_SHARE * rng.lognormvariate(0.0, 0.7)
            amount = min(max(amount, INFLOW_FLOOR), FLOW_CAP)
            rows.append((random_weekday(rng, since, last), client.cm, client.id, money(amount)))
        for _ in range(poisson(rng, OUTFLOWS_PER_WEEK * weeks)):
            amount = min(total * rng.uniform(0.03, 0.15), FLOW_CAP)
            rows.append((random_weekday(rng, since, last), client.cm, client.id, money(-amount)))
    return rows


def _large(
    rng: random.Random,
    book: Sequence[Client],
    totals: Mapping[str, int],
    wanted: float,
    first: dt.date,
    opening: dt.date,
) -> list[Row]:
    """What ``wanted`` asks beyond the everyday flows, in ``LARGE_DEPOSITS`` deposits into
    the CM's largest clients opened before last year, none more than ``LARGEST_SHARE`` of
    what the client holds at the opening snapshot (so the year may bring in less than
    asked, never an impossible deposit)."""
    older = [client for client in book if client.deposited_before is None]
    largest = sorted(older, key=lambda c: totals.get(c.id, 0), reverse=True)[:LARGE_DEPOSITS]
    rows: list[Row] = []
    for at, client in enumerate(largest):
        share = wanted / (len(largest) - at)
        amount = min(share, LARGEST_SHARE * totals.get(client.id, 0) / 100)
        if amount < 1000.0:
            continue
        day = random_weekday(rng, max(first, client.opened), opening - dt.timedelta(days=1))
        rows.append((day, client.cm, client.id, money(amount)))
        wanted -= amount
    return rows
