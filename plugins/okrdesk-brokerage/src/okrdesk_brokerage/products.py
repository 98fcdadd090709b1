"""products.csv: product-sales commission, first purchases, and products held.

A ``buy`` starts holding a product and a ``redeem`` ends it (a redemption is
taken to be of the whole position); holding is decided by the client's latest
action on that product. Holdings need each client's actions in date order, so
they are kept, per client and product, only when products per client is wanted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from okrdesk_brokerage import engine
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.fields import DateCache, amount_cents, cents
from okrdesk_brokerage.funding import FirstEvents
from okrdesk_brokerage.layout import ACTIONS, PRODUCTS
from okrdesk_brokerage.reading import CsvRows
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.windows import Windows

Actions = dict[tuple[int, str], list[tuple[dt.date, int, bool]]]
"""(client, product) → [(day, line, is_buy), ...]."""


class Products:
    def __init__(self) -> None:
        self.commission = Tallies(PRODUCTS.name)
        self.first_purchases: FirstEvents = {}
        self.held = Tallies(PRODUCTS.name, exact=False)
        """Distinct products held per (CM, checkpoint), citing the span of the purchases."""


def read_products(folder: Path, book: Book, windows: Windows, *, holdings: bool) -> Products:
    """One pass over products.csv; ``holdings`` also counts products held at checkpoints."""
    products = Products()
    commission, first = products.commission, products.first_purchases
    ids, cms, through, containing = book.ids, book.cm, windows.through, windows.containing
    actions: Actions = {}
    dates = DateCache()
    with CsvRows(folder, PRODUCTS) as rows:
        at_date, at_client, at_product, at_action, at_amount, at_commission = rows.positions()
        for line, fields in rows:
            try:
                day = dates[fields[at_date]]
                client = ids[fields[at_client]]
                product = fields[at_product]
                action = fields[at_action]
                amount_cents(fields[at_amount])
                fee = cents(fields[at_commission])
                if action not in ACTIONS or not product.strip():
                    raise ValueError(action)
            except (LookupError, ValueError, OverflowError):
                raise rows.malformed(line, fields, ids) from None
            cm = cms[client]
            if cm < 0 or day > through:
                continue
            for window in containing(day):
                commission.add((cm, window), fee, line)
            buy = action == "buy"
            if buy:
                earlier = first.get(client)
                if earlier is None or day < earlier[0]:
                    first[client] = (day, line)
            if holdings:
                actions.setdefault((client, product), []).append((day, line, buy))
    for (client, _), history in actions.items():
        _count_holding(products.held, book, windows, client, sorted(history))
    return products


def _count_holding(
    held: Tallies,
    book: Book,
    windows: Windows,
    client: int,
    history: list[tuple[dt.date, int, bool]],
) -> None:
    cm = book.cm[client]
    first_open = windows.slot_from(book.opened[client])
    last_open = windows.slot_from(book.closed[client])
    since: tuple[dt.date, int] | None = None
    spans: list[tuple[dt.date, int, dt.date | None]] = []
    for day, line, buy in history:
        if buy and since is None:
            since = (day, line)
        elif not buy and since is not None:
            spans.append((since[0], since[1], day))
            since = None
    if since is not None:
        spans.append((since[0], since[1], None))
    for bought, line, redeemed in spans:
        lo = max(first_open, windows.slot_from(bought))
        hi = min(last_open, windows.slot_from(redeemed))
        for slot in range(lo, hi):
            held.add((cm, slot), 1, line)


def total_products(con: Connection, folder: Path, windows: Windows) -> Products | None:
    """Commission and first purchases as ``read_products`` gives them, set-wise in DuckDB
    (holdings are left to the streaming reader); None when the file needs that reader."""
    if not engine.load(con, folder, PRODUCTS, "products"):
        return None
    checks = (
        engine.valid_date("date"),
        "clients.idx IS NOT NULL",
        r"regexp_matches(product_id, '[^\s\pZ\x0b\x1c-\x1f\x85]')",
        "action IN ('buy', 'redeem')",
        f"{engine.money('amount')} >= 0",
        f"{engine.money('commission')} IS NOT NULL",
    )
    if engine.first_bad(con, "products", checks) is not None:
        return None
    fen = f"{engine.money('commission')} AS fen"
    table = engine.tracked_rows(con, "products", windows.through, fen, "action")
    products = Products()
    products.commission = engine.tallies(con, PRODUCTS.name, f"SELECT * FROM {table}", "fen")
    firsts = con.execute(
        f"SELECT client, day, line FROM {table} WHERE action = 'buy' "
        "QUALIFY row_number() OVER (PARTITION BY client ORDER BY day, line) = 1"
    ).fetchall()
    products.first_purchases = {client: (day, line) for client, day, line in firsts}
    return products
