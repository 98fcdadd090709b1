"""product_types.csv: the product master, which gives each product its type.

Product sales are split by type (the ``product`` dimension). A product bought in
products.csv that the master does not list is counted under ``UNLISTED``, so the
types still add up to the whole.
"""

from __future__ import annotations

from okrdesk_brokerage.layout import PRODUCT_TYPES
from okrdesk_brokerage.reading import CsvRows, Folder

UNLISTED = "未分类"

Catalogue = dict[str, str]
"""product_id → product type."""


def read_catalogue(folder: Folder) -> Catalogue:
    """Read product_types.csv; a row with an empty id or type, or a product listed twice,
    raises the ExportError that names its line."""
    catalogue: Catalogue = {}
    lines: dict[str, int] = {}
    with CsvRows(folder, PRODUCT_TYPES) as rows:
        at_id, at_type = rows.positions()
        for line, fields in rows:
            try:
                product, kind = fields[at_id], fields[at_type].strip()
                if not product.strip() or not kind:
                    raise ValueError("empty")
            except (LookupError, ValueError):
                raise rows.malformed(line, fields, ()) from None
            if product in catalogue:
                first = lines[product]
                raise rows.error(
                    line, "product_id", f"duplicate product {product!r} (see line {first})",
                    zh=f"产品 {product!r} 重复（见第 {first} 行）",
                )  # fmt: skip
            catalogue[product], lines[product] = kind, line
    return catalogue


def type_of(catalogue: Catalogue, product: str) -> str:
    return catalogue.get(product, UNLISTED)
