"""From totals to one reading per metric, CM and window: the metric definitions in code.

Each function returns None where the plugin stays silent: a ratio whose denominator
is zero, a flow or a stock for a CM with no client yet (the export does not cover
them), a slice with no rows. A flow of a CM with clients but no rows in the window is
0 (``_flow``). Money leaves here in 元, counts as plain numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from okrdesk_brokerage.figures import Figures, read
from okrdesk_brokerage.funding import FirstEvents
from okrdesk_brokerage.layout import ASSETS, CLIENTS, COMPLAINTS, FUNDING, PRODUCTS, TRADES
from okrdesk_brokerage.provenance import (
    Rows,
    RowSpans,
    cited,
    cited_apart,
    counted_none,
    spans_of,
)
from okrdesk_brokerage.tally import Tallies

FEN = 100


Reading = tuple[float | None, float | None, float | None, str] | tuple[float, None, None, str, bool]
"""(value, numerator, denominator, source): a stock or flow has a value, a ratio its two
parts; a flow's 0 for no rows has True after them (``no_rows``). A plain tuple, written
out where it is made: a firm's collect makes millions, and a named tuple's constructor is
a Python call for each."""


def no_rows(reading: Reading) -> bool:
    """Whether ``reading`` is a flow's 0 for no rows (``emit(..., no_rows=True)``)."""
    return len(reading) > 4


Assembler = Callable[[Figures, int, int], Reading | None]
Slice = tuple[dict[str, str], Reading]
"""One slice of a metric: its dimension values and its reading."""


def _flow(f: Figures, tallies: Tallies, cm: int, window: int, scale: int = 1) -> Reading | None:
    """A flow's total in the window; 0 where none of the CM's rows falls in it but the CM
    has clients by its end, so that the export covers them: a CM who opened no account
    opened none, where a CM the export does not list (a branch left out of a firm's
    export) stays without a figure."""
    cell = tallies.get((cm, window))
    if cell is not None:
        return (cell.amount / scale, None, None, cited(tallies.file, cell.rows))
    if not f.book.has_clients_by(cm, f.windows.windows[window].end):
        return None
    return (0.0, None, None, counted_none(tallies.file, _had_at_end(f, cm, window)), True)


def _slice(tallies: Tallies, cm: int, window: int, scale: int = 1) -> Reading | None:
    """One slice of a flow; None where no row falls in it (a zero belongs to the whole)."""
    cell = tallies.get((cm, window))
    if cell is None:
        return None
    return (cell.amount / scale, None, None, cited(tallies.file, cell.rows))


Cite = tuple[str, Rows | None]
"""A file and the rows of it a figure rests on."""


def _ratio(numerator: float, denominator: float, *cites: Cite) -> Reading | None:
    """A ratio's reading citing ``cites`` (each file once), None where the denominator is
    not above zero; the source is written only for a ratio emitted."""
    if denominator <= 0:
        return None
    return (None, numerator, denominator, cited_apart(*cites))


def _open_at(f: Figures, cm: int, slot: int) -> Cite:
    """The rows of the clients open at a checkpoint, whom a stock or a rate there counts."""
    return (CLIENTS.name, f.book.held.rows((cm, slot)))


def _had_at_end(f: Figures, cm: int, window: int) -> str:
    """The source of a stock of 0 at a window's end: the clients the CM had then (a figure
    of none rests on who they are)."""
    return cited(CLIENTS.name, f.book.had_at(cm, f.windows.end_slot[window]))


# ------------------------------------------------------------------- stocks


def aum(f: Figures, cm: int, window: int) -> Reading | None:
    # What ``_stock`` does, written out for the one file: AUM is the most observations.
    if not f.book.has_clients_by(cm, f.windows.windows[window].end):
        return None
    cell = read(f.assets).aum.get((cm, f.windows.end_slot[window]))
    if cell is None or not cell.rows:
        amount = 0 if cell is None else cell.amount
        return (amount / FEN, None, None, _had_at_end(f, cm, window))
    return (cell.amount / FEN, None, None, cited(ASSETS.name, cell.rows))


_CUTS: dict[tuple[str, str], dict[str, str]] = {}


def cut(dimension: str, value: str) -> dict[str, str]:
    """The slice ``{dimension: value}``, one object for all the observations in it."""
    key = (dimension, value)
    found = _CUTS.get(key)
    if found is None:
        found = _CUTS[key] = {dimension: value}
    return found


def aum_by_tier(f: Figures, cm: int, window: int) -> list[Slice]:
    if not f.book.has_clients_by(cm, f.windows.windows[window].end):
        return []
    assets, key = read(f.assets), (cm, f.windows.end_slot[window])
    found: list[Slice] = []
    for tier, cells in zip(_tier_cuts(assets.tiers), assets.aum_by_tier, strict=True):
        cell = cells.cells.get(key)
        if cell is not None:
            found.append((tier, (cell.amount / FEN, None, None, cited(ASSETS.name, cell.rows))))
    return found


def _tier_cuts(tiers: tuple[str, ...]) -> list[dict[str, str]]:
    """The slice of each tier, in order."""
    found = _TIER_CUTS.get(tiers)
    if found is None:
        found = _TIER_CUTS[tiers] = [cut("tier", name) for name in tiers]
    return found


_TIER_CUTS: dict[tuple[str, ...], list[dict[str, str]]] = {}


def effective_accounts(f: Figures, cm: int, window: int) -> Reading | None:
    if not f.book.has_clients_by(cm, f.windows.windows[window].end):
        return None
    key = (cm, f.windows.end_slot[window])
    assets = read(f.assets)
    by_assets, by_trades = assets.effective_by_assets, assets.effective_by_trades
    source = cited_apart((ASSETS.name, by_assets.rows(key)), (TRADES.name, by_trades.rows(key)))
    value = by_assets.amount(key) + by_trades.amount(key)
    return (value, None, None, source or _had_at_end(f, cm, window))


# -------------------------------------------------------------------- flows


def new_effective_market_value(f: Figures, cm: int, window: int) -> Reading | None:
    assets, key = read(f.assets), (cm, window)
    value, by_trades = assets.new_effective_value, assets.new_effective_by_trades
    if value.get(key) is None and by_trades.get(key) is None:
        return _flow(f, value, cm, window)
    source = cited_apart((ASSETS.name, value.rows(key)), (TRADES.name, by_trades.rows(key)))
    return (value.amount(key) / FEN, None, None, source)


def net_new_aum(f: Figures, cm: int, window: int) -> Reading | None:
    return _flow(f, read(f.funding).net, cm, window, FEN)


def new_accounts(f: Figures, cm: int, window: int) -> Reading | None:
    return _flow(f, f.book.opened_in, cm, window)


def new_hnw_clients(f: Figures, cm: int, window: int) -> Reading | None:
    return _flow(f, read(f.assets).new_hnw, cm, window)


GENDER_WORDS = {"F": "female", "M": "male", "": "institution"}
"""clients.csv's gender, as the ``gender`` dimension of new HNW clients is written."""


def new_hnw_by_gender(f: Figures, cm: int, window: int) -> list[Slice]:
    found = read(f.assets).new_hnw_by_gender
    parts = [(g, _slice(found[g], cm, window)) for g in GENDER_WORDS]
    return [(cut("gender", GENDER_WORDS[g]), part) for g, part in parts if part is not None]


def commission_revenue(f: Figures, cm: int, window: int) -> Reading | None:
    return _flow(f, read(f.trading).commission, cm, window, FEN)


# ------------------------------------------------------------ funnel rates


def _cohort(
    f: Figures, cm: int, window: int, firsts: FirstEvents, file: str
) -> tuple[int, int, Cite, Cite] | None:
    """(reached, opened, and the clients' rows and the first events' rows they rest on)
    for the accounts opened in the window."""
    cohort = f.book.cohorts.get((cm, window))
    if not cohort:
        return None
    reached = [firsts[client][1] for client in cohort if client in firsts]
    clients = (CLIENTS.name, f.book.cohort_rows[(cm, window)])
    return len(reached), len(cohort), clients, (file, RowSpans(sorted(reached)))


def open_to_fund_rate(f: Figures, cm: int, window: int) -> Reading | None:
    found = _cohort(f, cm, window, read(f.funding).first_inflows, FUNDING.name)
    return None if found is None else _ratio(*found)


def open_to_purchase_rate(f: Figures, cm: int, window: int) -> Reading | None:
    found = _cohort(f, cm, window, read(f.products).first_purchases, PRODUCTS.name)
    return None if found is None else _ratio(*found)


def empty_account_rate(f: Figures, cm: int, window: int) -> Reading | None:
    found = _cohort(f, cm, window, read(f.funding).first_inflows, FUNDING.name)
    if found is None:
        return None
    funded, opened, *cites = found
    return _ratio(opened - funded, opened, *cites)


# ---------------------------------------------------------------- attrition


def asset_attrition(f: Figures, cm: int, window: int) -> Reading | None:
    assets, outflows = read(f.assets), read(f.funding).outflows
    bounds = f.windows.windows[window]
    first = assets.first_day[cm]
    if first is None or first > bounds.end:
        return None
    if first < bounds.start:
        key = (cm, f.windows.start_slot[window])
        base, base_rows = assets.aum.amount(key), assets.aum.rows(key)
    else:
        base, base_rows = assets.first_total[cm].amount, assets.first_total[cm].rows
    key = (cm, window)
    lost = outflows.amount(key) + assets.closed_assets.amount(key)
    closed = assets.closed_assets.rows(key)
    if closed and base_rows:
        # Rows of assets.csv twice: cited as one list, as a ``Source`` merges them.
        merged = spans_of(closed).copy()
        merged.update(spans_of(base_rows))
        closed = merged
    return _ratio(lost / FEN, base / FEN, (FUNDING.name, outflows.rows(key)),
                  (ASSETS.name, closed or base_rows))  # fmt: skip


def client_attrition(f: Figures, cm: int, window: int) -> Reading | None:
    start = f.windows.start_slot[window]
    at_start = f.book.open_at[cm][start]
    closed_in = f.book.closed_in
    closed = closed_in.amount((cm, window))
    if at_start <= 0:
        return None
    # The clients counted: those open as the window starts, and those who closed in it
    # (some opened in it, after the start).
    counted = spans_of(f.book.held.rows((cm, start)) or "").copy()
    counted.update(spans_of(closed_in.rows((cm, window)) or ""))
    return _ratio(closed, at_start, (CLIENTS.name, counted))


# ------------------------------------------------------------ product mix


def product_commission_share(f: Figures, cm: int, window: int) -> Reading | None:
    products, trades = read(f.products).commission, read(f.trading).commission
    key = (cm, window)
    if products.get(key) is None and trades.get(key) is None:
        return None
    sold = products.amount(key)
    return _ratio(sold / FEN, (sold + trades.amount(key)) / FEN,
                  (PRODUCTS.name, products.rows(key)), (TRADES.name, trades.rows(key)))  # fmt: skip


def products_per_client(f: Figures, cm: int, window: int) -> Reading | None:
    slot = f.windows.end_slot[window]
    held = read(f.products).held
    return _ratio(held.amount((cm, slot)), f.book.open_at[cm][slot],
                  (PRODUCTS.name, held.rows((cm, slot))), _open_at(f, cm, slot))  # fmt: skip


def product_sales(f: Figures, cm: int, window: int) -> Reading | None:
    return _flow(f, read(f.products).sales, cm, window, FEN)


def product_sales_by_type(f: Figures, cm: int, window: int) -> list[Slice]:
    found = read(f.products).sales_by_type
    parts = [(kind, _slice(found[kind], cm, window, FEN)) for kind in sorted(found)]
    return [(cut("product", kind), part) for kind, part in parts if part is not None]


# ---------------------------------------------------------------- service


def nps(f: Figures, cm: int, window: int) -> Reading | None:
    surveys = read(f.surveys)
    key = (cm, window)
    responses = surveys.responses
    return _ratio(surveys.net_promoters.amount(key), responses.amount(key),
                  (responses.file, responses.rows(key)))  # fmt: skip


def complaint_rate(f: Figures, cm: int, window: int) -> Reading | None:
    complaints = read(f.complaints)
    key, slot = (cm, window), f.windows.end_slot[window]
    return _ratio(complaints.amount(key), f.book.open_at[cm][slot],
                  (COMPLAINTS.name, complaints.rows(key)), _open_at(f, cm, slot))  # fmt: skip


ASSEMBLERS: dict[str, Assembler] = {
    "aum": aum,
    "net_new_aum": net_new_aum,
    "new_accounts": new_accounts,
    "effective_accounts": effective_accounts,
    "new_effective_market_value": new_effective_market_value,
    "new_hnw_clients": new_hnw_clients,
    "open_to_fund_rate": open_to_fund_rate,
    "open_to_purchase_rate": open_to_purchase_rate,
    "empty_account_rate": empty_account_rate,
    "asset_attrition": asset_attrition,
    "client_attrition": client_attrition,
    "commission_revenue": commission_revenue,
    "product_commission_share": product_commission_share,
    "product_sales": product_sales,
    "products_per_client": products_per_client,
    "nps": nps,
    "complaint_rate": complaint_rate,
}

READS_LATER = frozenset({
    "open_to_fund_rate", "open_to_purchase_rate", "empty_account_rate", "client_attrition",
    "products_per_client", "complaint_rate",
})  # fmt: skip
"""The metrics whose assemblers read the client book's ``book.LATER`` totals, which a
set-wise book works out on first reading: ``collect`` has them worked out before such a
metric is emitted, on the thread that reads the files."""

SLICES: dict[str, Callable[[Figures, int, int], list[Slice]]] = {
    "aum": aum_by_tier,
    "new_hnw_clients": new_hnw_by_gender,
    "product_sales": product_sales_by_type,
}
"""The metrics emitted in slices too, one per value of their dimension, beside the whole."""


def slices_of(metric: str, f: Figures, cm: int, window: int) -> list[Slice]:
    return SLICES[metric](f, cm, window) if metric in SLICES else []
