"""The CRM export's files and columns: the one place that names them.

The reader checks headers against this table, the generator
(``okrdesk_brokerage_synthetic``) writes headers from it, and a test keeps the
README's description of the format in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import attrs


class Kind(StrEnum):
    """What a column holds, which decides how a value is checked."""

    TEXT = "text"
    """Any non-empty text."""
    OPTIONAL_TEXT = "optional text"
    DATE = "date"
    """An ISO date, ``YYYY-MM-DD``."""
    OPTIONAL_DATE = "optional date"
    MONEY = "money"
    """元 as a plain decimal, any sign."""
    AMOUNT = "amount"
    """元 as a plain decimal, not negative."""
    CLIENT = "client"
    """A client id listed in clients.csv."""
    SCORE = "score"
    """A whole number from 0 to 10."""
    CLIENT_TYPE = "client type"
    GENDER = "gender"
    ACTION = "action"


NUMBERS = (Kind.MONEY, Kind.AMOUNT)
"""The kinds of column that hold money, read as numbers."""

CLIENT_TYPES = ("individual", "institutional")
GENDERS = ("F", "M", "")
ACTIONS = ("buy", "redeem")

WORDS: dict[Kind, dict[str, str]] = {
    Kind.CLIENT_TYPE: {"个人": "individual", "机构": "institutional"},
    Kind.GENDER: {"女": "F", "男": "M"},
    Kind.ACTION: {"买入": "buy", "申购": "buy", "认购": "buy", "赎回": "redeem", "卖出": "redeem"},
}
"""The words a Chinese CRM writes for a client's type, gender and a product order, each
read as the value it stands for: ``个人`` is ``individual``, ``女`` is ``F`` (the ``gender``
dimension says ``F``, whichever the file wrote)."""


@attrs.frozen
class Column:
    name: str
    kind: Kind


@attrs.frozen
class ExportFile:
    name: str
    columns: tuple[Column, ...]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


CLIENTS = ExportFile(
    "clients.csv",
    (
        Column("client_id", Kind.TEXT),
        Column("cm_id", Kind.TEXT),
        Column("type", Kind.CLIENT_TYPE),
        Column("gender", Kind.GENDER),
        Column("open_date", Kind.DATE),
        Column("close_date", Kind.OPTIONAL_DATE),
    ),
)
ASSETS = ExportFile(
    "assets.csv",
    (
        Column("date", Kind.DATE),
        Column("client_id", Kind.CLIENT),
        Column("total_assets", Kind.AMOUNT),
        Column("securities_assets", Kind.AMOUNT),
    ),
)
TRADES = ExportFile(
    "trades.csv",
    (
        Column("date", Kind.DATE),
        Column("client_id", Kind.CLIENT),
        Column("volume", Kind.AMOUNT),
        Column("commission", Kind.MONEY),
    ),
)
FUNDING = ExportFile(
    "funding.csv",
    (
        Column("date", Kind.DATE),
        Column("client_id", Kind.CLIENT),
        Column("amount", Kind.MONEY),
    ),
)
PRODUCTS = ExportFile(
    "products.csv",
    (
        Column("date", Kind.DATE),
        Column("client_id", Kind.CLIENT),
        Column("product_id", Kind.TEXT),
        Column("action", Kind.ACTION),
        Column("amount", Kind.AMOUNT),
        Column("commission", Kind.MONEY),
    ),
)
PRODUCT_TYPES = ExportFile(
    "product_types.csv",
    (
        Column("product_id", Kind.TEXT),
        Column("product_type", Kind.TEXT),
    ),
)
"""The product master: each product's type, the ``product`` dimension of product sales."""
SURVEYS = ExportFile(
    "surveys.csv",
    (
        Column("date", Kind.DATE),
        Column("client_id", Kind.CLIENT),
        Column("score", Kind.SCORE),
    ),
)
COMPLAINTS = ExportFile(
    "complaints.csv",
    (
        Column("date", Kind.DATE),
        Column("client_id", Kind.CLIENT),
        Column("category", Kind.TEXT),
    ),
)

FILES: tuple[ExportFile, ...] = (
    CLIENTS,
    ASSETS,
    TRADES,
    FUNDING,
    PRODUCTS,
    PRODUCT_TYPES,
    SURVEYS,
    COMPLAINTS,
)

NEEDS: dict[str, tuple[str, ...]] = {
    "aum": (ASSETS.name,),
    "net_new_aum": (FUNDING.name,),
    "new_accounts": (),
    "effective_accounts": (ASSETS.name, TRADES.name),
    "new_effective_market_value": (ASSETS.name, TRADES.name),
    "new_hnw_clients": (ASSETS.name,),
    "open_to_fund_rate": (FUNDING.name,),
    "open_to_purchase_rate": (PRODUCTS.name,),
    "empty_account_rate": (FUNDING.name,),
    "asset_attrition": (ASSETS.name, FUNDING.name),
    "client_attrition": (),
    "commission_revenue": (TRADES.name,),
    "product_commission_share": (PRODUCTS.name, TRADES.name),
    "product_sales": (PRODUCTS.name, PRODUCT_TYPES.name),
    "products_per_client": (PRODUCTS.name,),
    "nps": (SURVEYS.name,),
    "complaint_rate": (COMPLAINTS.name,),
}
"""The files each metric reads besides clients.csv."""


def files_read_by(metrics: Iterable[str]) -> set[str]:
    """The files of the export a collect of ``metrics`` reads besides clients.csv (a
    name this plugin does not declare reads none)."""
    return {file for metric in metrics for file in NEEDS.get(metric, ())}
