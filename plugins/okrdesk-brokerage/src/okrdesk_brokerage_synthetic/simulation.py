"""One step of a synthetic client's life between two snapshots: money, trades, products, opinions.

Every step costs a fixed handful of random draws per client, so generating an
export takes time in proportion to clients × snapshots, however large the firm.
Rates are per week; a step of a month simply expects four times as many events.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from collections.abc import Callable, Sequence

from okrdesk_brokerage_synthetic.population import PRODUCTS, Client

INFLOWS_PER_WEEK = 0.055
INFLOW_MEDIAN_SHARE = 0.08
FLOW_CAP = 3_000_000.0
"""The largest everyday deposit or withdrawal, in 元; more money moves as a deal."""
INFLOW_FLOOR = 100.0
"""The smallest everyday deposit, in 元. A deposit is a share of what the client holds
(``INFLOW_MEDIAN_SHARE``): a floor of 1,000元 gave an account opened with a token 1,500元
deposits of two thirds of it, three a year, which lifted most of last year's small
accounts over the 5,000元 that make an account effective within the year."""
OUTFLOWS_PER_WEEK = 0.011
PURCHASES_PER_WEEK = 0.02
DEAL_PRODUCTS = 8
"""Products a deal client buys at once: a family office buys a portfolio."""
REDEMPTIONS_PER_WEEK = 0.012
SURVEYS_PER_WEEK = 3.0 / 52
COMPLAINTS_PER_WEEK = 0.00005 / 52
SCORES = ((0.385, 10), (0.68, 9), (0.80, 8), (0.925, 7), (0.96, 6), (0.98, 5), (0.99, 3), (1.0, 0))
"""(cumulative share, score): 68% promoters, 7.5% detractors, an NPS of about 60."""
GOLDEN_STEP = 0.6180339887498949
CATEGORIES = ("service", "fees", "product", "system")

Emit = Callable[[str, dt.date, Client, tuple[str, ...]], None]
"""Receives (file name, day, client, the row's remaining fields)."""


def money(amount: float) -> str:
    """元 with exactly two decimals, from whole fen, so that no float formatting shows."""
    fen = round(amount * 100)
    whole, part = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole}.{part:02d}"


def poisson(rng: random.Random, mean: float) -> int:
    """How many events happen in a step, for small expected counts (Knuth's method)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class Step:
    """The days between two snapshots and the market's move over them; ``seed`` keys
    each client's survey answers (see ``answer``)."""

    def __init__(self, days: Sequence[dt.date], market: float, seed: int) -> None:
        self.days = days
        self.market = market
        self.seed = seed


def answer(seed: int, client: Client) -> int:
    """The score of the client's next survey answer, from a stream of the client's own.

    Its place in the distribution of scores starts at a point keyed by the seed and
    the client's id and moves on by the golden ratio with each answer, so that a client
    who answers often spreads evenly over ``SCORES``, and no other client's answers,
    however many there are, move it.
    """
    start = zlib.crc32(f"{seed}:{client.id}".encode()) / 2**32
    pick = (start + client.answered * GOLDEN_STEP) % 1.0
    client.answered += 1
    return next(score for share, score in SCORES if pick <= share)


def live(rng: random.Random, client: Client, step: Step, emit: Emit) -> None:
    """Move one client through one step, emitting the rows it produces."""
    days = [
        d for d in step.days if d >= client.opened and (client.closed is None or d < client.closed)
    ]
    if not days:
        return
    weeks = len(days) / 5
    if client.first_funding is not None and days[0] <= client.first_funding <= days[-1]:
        _deposit(client, client.funding_amount)
        emit("funding.csv", client.first_funding, client, (money(client.funding_amount),))
    if client.first_purchase is not None and days[0] <= client.first_purchase <= days[-1]:
        if client.total > 0:
            for _ in range(DEAL_PRODUCTS if client.deal_goal else 1):
                _buy(rng, client, client.first_purchase, emit)
        else:
            client.first_purchase = None
    if client.total > 0:
        _move_money(rng, client, days, weeks, emit)
        _trade(rng, client, days, weeks, emit)
        _manage_products(rng, client, days, weeks, emit)
    # In the order they are written, so that a client's k-th answer is its k-th row.
    surveyed = [rng.choice(days) for _ in range(poisson(rng, SURVEYS_PER_WEEK * weeks))]
    for day in sorted(surveyed):
        emit("surveys.csv", day, client, (str(answer(step.seed, client)),))
    for _ in range(poisson(rng, COMPLAINTS_PER_WEEK * weeks)):
        emit("complaints.csv", rng.choice(days), client, (rng.choice(CATEGORIES),))
    idiosyncratic = rng.gauss(0.0, 0.01 * math.sqrt(weeks))
    client.securities = max(
        0.0, client.securities * (1 + client.beta * step.market + idiosyncratic)
    )


def _deposit(client: Client, amount: float) -> None:
    invested = amount * client.share
    client.securities += invested
    client.cash += amount - invested


def _withdraw(client: Client, amount: float) -> None:
    from_cash = min(client.cash, amount)
    client.cash -= from_cash
    client.securities = max(0.0, client.securities - (amount - from_cash))


def _move_money(
    rng: random.Random, client: Client, days: list[dt.date], weeks: float, emit: Emit
) -> None:
    first = client.first_funding
    usable = days if first is None else [d for d in days if d >= first]
    if not usable:
        return
    for _ in range(poisson(rng, INFLOWS_PER_WEEK * weeks)):
        amount = round(client.total * INFLOW_MEDIAN_SHARE * rng.lognormvariate(0.0, 0.7), 2)
        amount = min(max(amount, INFLOW_FLOOR), FLOW_CAP)
        _deposit(client, amount)
        emit("funding.csv", rng.choice(usable), client, (money(amount),))
    for _ in range(poisson(rng, OUTFLOWS_PER_WEEK * weeks)):
        amount = round(min(client.total * rng.uniform(0.03, 0.15), FLOW_CAP), 2)
        if amount <= 0:
            continue
        _withdraw(client, amount)
        emit("funding.csv", rng.choice(usable), client, (money(-amount),))


def _trade(
    rng: random.Random, client: Client, days: list[dt.date], weeks: float, emit: Emit
) -> None:
    if client.securities <= 0:
        return
    for _ in range(poisson(rng, client.trades_per_week * weeks)):
        volume = round(client.securities * rng.uniform(0.05, 0.4), 2)
        commission = round(volume * client.rate, 2)
        emit("trades.csv", rng.choice(days), client, (money(volume), money(commission)))


def _buy(
    rng: random.Random, client: Client, day: dt.date, emit: Emit, avoid: Sequence[str] = ()
) -> None:
    choices = [p for p in PRODUCTS if p not in client.holdings and p not in avoid]
    if not choices:
        return
    product = rng.choice(choices)
    amount = round(max(1000.0, client.total * rng.uniform(0.03, 0.15)), 2)
    commission = round(amount * rng.uniform(0.004, 0.012), 2)
    client.holdings.append(product)
    emit("products.csv", day, client, (product, "buy", money(amount), money(commission)))


def _manage_products(
    rng: random.Random, client: Client, days: list[dt.date], weeks: float, emit: Emit
) -> None:
    """Holders redeem and add products; redemptions come from what was held before the step."""
    if not client.holdings:
        return
    redeemed: list[str] = []
    for _ in range(poisson(rng, REDEMPTIONS_PER_WEEK * weeks)):
        if not client.holdings:
            break
        product = client.holdings.pop(rng.randrange(len(client.holdings)))
        redeemed.append(product)
        amount = round(max(1000.0, client.total * rng.uniform(0.02, 0.1)), 2)
        fee = round(amount * rng.uniform(0.0, 0.001), 2)
        emit(
            "products.csv", rng.choice(days), client, (product, "redeem", money(amount), money(fee))
        )
    for _ in range(poisson(rng, PURCHASES_PER_WEEK * weeks)):
        _buy(rng, client, rng.choice(days), emit, redeemed)
