"""products.csv: product-sales commission, first purchases, products held and product sales.

A ``buy`` starts holding a product and a ``redeem`` ends it (a redemption is
taken to be of the whole position); holding is decided by the client's latest
action on that product. Holdings need each client's actions in date order, so
they are kept, per client and product, only when products per client is wanted.
Product sales (the amounts bought), whole and per product type, are totalled only
when a product catalogue is given, which is when product sales are wanted.
"""

from __future__ import annotations

import datetime as dt

from okrdesk_brokerage import engine
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.catalogue import UNLISTED, Catalogue, type_of
from okrdesk_brokerage.engine import Connection
from okrdesk_brokerage.fields import DateCache, amount_cents, cents
from okrdesk_brokerage.funding import FirstEvents
from okrdesk_brokerage.layout import ACTIONS, PRODUCTS
from okrdesk_brokerage.reading import CsvRows, Folder
from okrdesk_brokerage.tally import Tallies, Tally
from okrdesk_brokerage.windows import Windows

Actions = dict[tuple[int, str], list[tuple[dt.date, int, bool]]]
"""(client, product) → [(day, line, is_buy), ...]."""


class Products:
    def __init__(self) -> None:
        self.commission = Tallies(PRODUCTS.name)
        self.first_purchases: FirstEvents = {}
        self.held = Tallies(PRODUCTS.name, exact=False)
        """Distinct products held per (CM, checkpoint), citing the span of the purchases."""
        self.sales = Tallies(PRODUCTS.name)
        """Fen bought per (CM, window)."""
        self.sales_by_type: dict[str, Tallies] = {}
        """The same, per product type."""

    def sold(self, kind: str) -> Tallies:
        found = self.sales_by_type.get(kind)
        if found is None:
            found = self.sales_by_type[kind] = Tallies(PRODUCTS.name)
        return found


def read_products(
    folder: Folder,
    book: Book,
    windows: Windows,
    *,
    holdings: bool,
    catalogue: Catalogue | None = None,
) -> Products:
    """One pass over products.csv; ``holdings`` also counts products held at checkpoints,
    a ``catalogue`` totals product sales by type."""
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
                bought = amount_cents(fields[at_amount])
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
            if buy and catalogue is not None:
                by_type = products.sold(type_of(catalogue, product))
                for window in containing(day):
                    products.sales.add((cm, window), bought, line)
                    by_type.add((cm, window), bought, line)
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


def total_products(
    con: Connection,
    folder: Folder,
    windows: Windows,
    *,
    holdings: bool = False,
    catalogue: Catalogue | None = None,
    commission: bool = True,
    firsts: bool = True,
) -> Products | None:
    """(With ``commission``) commission, (with ``firsts``) first purchases, (with
    ``holdings``) products held and (with a ``catalogue``) product sales, as
    ``read_products`` gives them, set-wise in DuckDB; None when the file needs that
    reader."""
    checks = (
        engine.not_blank("product_id"),
        "action IN ('buy', 'redeem')",
        f"{engine.money('amount')} >= 0",
        f"{engine.money('commission')} IS NOT NULL",
    )
    fen = f"{engine.money('commission')} AS fen"
    bought = [] if catalogue is None else [f"{engine.money('amount')} AS bought"]
    table = engine.checked_rows(
        con, folder, PRODUCTS, checks, windows.through, fen, *bought, "action", "product_id"
    )
    if table is None:
        return None
    products = Products()
    if commission:
        products.commission = engine.tallies(con, PRODUCTS.name, f"SELECT * FROM {table}", "fen")
    if firsts:
        buys = f"SELECT * FROM {table} WHERE action = 'buy'"
        products.first_purchases = engine.firsts(con, buys)
    if holdings:
        products.held = _held(con, table)
    if catalogue is not None:
        _sales(con, table, products, catalogue)
    con.execute(f"DROP TABLE {table}")
    return products


def _sales(con: Connection, table: str, products: Products, catalogue: Catalogue) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE catalogue AS "
        "SELECT unnest(?::VARCHAR[]) AS product_id, unnest(?::VARCHAR[]) AS product_type",
        [list(catalogue), list(catalogue.values())],
    )
    buys = (
        f"SELECT {table}.*, coalesce(product_type, ?) AS product_type FROM {table} "
        f"LEFT JOIN catalogue ON catalogue.product_id = {table}.product_id "
        "WHERE action = 'buy'"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE sales AS {buys}", [UNLISTED])
    products.sales = engine.tallies(con, PRODUCTS.name, "SELECT * FROM sales", "bought")
    kinds = [kind for (kind,) in con.execute("SELECT DISTINCT product_type FROM sales ORDER BY 1")
             .fetchall()]  # fmt: skip
    # Every type in one query: the type's index is folded into the window's.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE kinds AS "
        "SELECT unnest(?::VARCHAR[]) AS product_type, unnest(range(?)) AS k",
        [kinds, len(kinds)],
    )
    folded = engine.cells(
        con,
        PRODUCTS.name,
        f"SELECT cm, w * {max(len(kinds), 1)} + k AS w, line, bought AS amount FROM sales "
        "JOIN kinds USING (product_type) JOIN window_days USING (day)",
    )
    for kind in kinds:
        products.sales_by_type[kind] = Tallies(PRODUCTS.name)
    for (cm, key), cell in folded.cells.items():
        window, k = divmod(key, len(kinds))
        products.sales_by_type[kinds[k]].cells[(cm, window)] = cell
    for name in ("sales", "kinds", "catalogue"):
        con.execute(f"DROP TABLE {name}")


def _held(con: Connection, table: str) -> Tallies:
    """Distinct products held per (CM, checkpoint): each run of a client's actions on a
    product that starts with a buy holds it from that day until the next redeem, on
    the checkpoints while the client is open; citing the first and last buy behind it."""
    found = con.execute(
        "WITH acts AS (SELECT client, cm, product_id, day, line, action = 'buy' AS buy, "
        "lag(action = 'buy') OVER (PARTITION BY client, product_id ORDER BY day, line) "
        f"AS before FROM {table}), "
        "changes AS (SELECT *, lead(day) OVER (PARTITION BY client, product_id "
        "ORDER BY day, line) AS until FROM acts WHERE buy IS DISTINCT FROM coalesce(before, "
        "false)), "
        "spans AS (SELECT client, cm, day, line, until FROM changes WHERE buy) "
        "SELECT s.cm, k.slot, count(*), min(s.line), max(s.line) FROM spans s "
        "JOIN clients c ON c.idx = s.client JOIN checkpoints k ON k.day >= s.day "
        "AND k.day >= c.opened AND (s.until IS NULL OR k.day < s.until) "
        "AND (c.closed IS NULL OR k.day < c.closed) GROUP BY s.cm, k.slot"
    ).fetchall()
    held = Tallies(PRODUCTS.name, exact=False)
    for cm, slot, count, first, last in found:
        cell = held.cells[(cm, slot)] = Tally()
        cell.amount = count
        cell.spans().add_span(first, last)
    return held
