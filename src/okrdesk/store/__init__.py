"""okrdesk's own database: the only package that talks SQL to it.

``Store`` is the SQLite backend (the embedded default); ``StoreReader`` is
the read interface the engine computes over; ``migrations`` holds the one
list of schema versions.
"""

from okrdesk.store.migrations import MIGRATIONS, SCHEMA_VERSION
from okrdesk.store.reader import StoreReader
from okrdesk.store.sqlite import Store

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Store", "StoreReader"]
