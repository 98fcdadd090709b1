"""One collection: read the files the wanted metrics need, once each, then emit.

Only files a wanted metric needs are opened (clients.csv always), so a plan that
tracks no NPS does not need surveys.csv, and one that only tracks NPS never
touches the large assets.csv.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from okrdesk.plugins import CollectRequest, Emit

from okrdesk_brokerage.assemble import ASSEMBLERS
from okrdesk_brokerage.assets import read_assets
from okrdesk_brokerage.book import read_book
from okrdesk_brokerage.feedback import read_complaints, read_surveys
from okrdesk_brokerage.figures import Figures
from okrdesk_brokerage.funding import read_funding
from okrdesk_brokerage.layout import ASSETS, COMPLAINTS, FUNDING, PRODUCTS, SURVEYS, TRADES
from okrdesk_brokerage.products import read_products
from okrdesk_brokerage.settings import Settings, read_settings
from okrdesk_brokerage.trading import read_trades
from okrdesk_brokerage.windows import Windows

NEEDS: dict[str, tuple[str, ...]] = {
    "aum": (ASSETS.name,),
    "net_new_aum": (FUNDING.name,),
    "new_accounts": (),
    "effective_accounts": (ASSETS.name, TRADES.name),
    "new_hnw_clients": (ASSETS.name,),
    "open_to_fund_rate": (FUNDING.name,),
    "open_to_purchase_rate": (PRODUCTS.name,),
    "empty_account_rate": (FUNDING.name,),
    "asset_attrition": (ASSETS.name, FUNDING.name),
    "client_attrition": (),
    "commission_revenue": (TRADES.name,),
    "product_commission_share": (PRODUCTS.name, TRADES.name),
    "products_per_client": (PRODUCTS.name,),
    "nps": (SURVEYS.name,),
    "complaint_rate": (COMPLAINTS.name,),
}
"""The files each metric reads besides clients.csv."""


def gather(
    settings: Settings, windows: Windows, cms: Sequence[str], wanted: Collection[str]
) -> Figures:
    """Read each file the wanted metrics need, in one pass each."""
    needs = {file for metric in wanted for file in NEEDS[metric]}
    folder = settings.data
    book = read_book(folder, cms, windows)
    figures = Figures(book, windows)
    effective = "effective_accounts" in wanted
    if TRADES.name in needs:
        figures.trading = read_trades(folder, book, windows, months=effective)
    if FUNDING.name in needs:
        figures.funding = read_funding(folder, book, windows)
    if PRODUCTS.name in needs:
        holdings = "products_per_client" in wanted
        figures.products = read_products(folder, book, windows, holdings=holdings)
    if SURVEYS.name in needs:
        figures.surveys = read_surveys(folder, book, windows)
    if COMPLAINTS.name in needs:
        figures.complaints = read_complaints(folder, book, windows)
    if ASSETS.name in needs:
        trades = figures.trading.first_trades if effective and figures.trading else None
        figures.assets = read_assets(folder, book, windows, settings, trades)
    return figures


def collect(request: CollectRequest, emit: Emit) -> None:
    """Emit every wanted metric for every requested CM and period that has data."""
    wanted = list(dict.fromkeys(s.name for s in request.metrics if s.name in ASSEMBLERS))
    if not wanted:
        return
    settings = read_settings(request.settings, request.workspace)
    windows = Windows(request.periods, request.through)
    cms = list(dict.fromkeys(person.id for person in request.people))
    figures = gather(settings, windows, cms, wanted)
    for metric in wanted:
        assemble = ASSEMBLERS[metric]
        for cm, person in enumerate(cms):
            for index, window in enumerate(windows.windows):
                reading = assemble(figures, cm, index)
                if reading is None:
                    continue
                emit(
                    metric,
                    person,
                    window.period,
                    value=reading.value,
                    numerator=reading.numerator,
                    denominator=reading.denominator,
                    source=reading.source,
                )
