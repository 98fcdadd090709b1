"""Everything the passes over the export produced, ready to be turned into observations."""

from __future__ import annotations

from typing import TypeVar

import attrs

from okrdesk_brokerage.assets import Assets
from okrdesk_brokerage.book import Book
from okrdesk_brokerage.feedback import Surveys
from okrdesk_brokerage.funding import Funding
from okrdesk_brokerage.products import Products
from okrdesk_brokerage.tally import Tallies
from okrdesk_brokerage.trading import Trading
from okrdesk_brokerage.windows import Windows

T = TypeVar("T")


@attrs.define
class Figures:
    """The totals of one collection; a file's part is None when no wanted metric needs it."""

    book: Book
    windows: Windows
    trading: Trading | None = None
    funding: Funding | None = None
    products: Products | None = None
    assets: Assets | None = None
    surveys: Surveys | None = None
    complaints: Tallies | None = None
    read_row_by_row: set[str] = attrs.Factory(set)
    """The files DuckDB had too little memory to total set-wise: the streaming reader
    read them (``engine.unless_short_of_memory``)."""


def read(part: T | None) -> T:
    """A part the metric at hand needs; collection reads every file a wanted metric needs."""
    if part is None:
        raise RuntimeError("a metric's source file was not read; this is a bug in the plugin")
    return part
