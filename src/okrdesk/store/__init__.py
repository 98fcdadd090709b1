"""okrdesk's own database: the only package that talks SQL to it.

``Store`` is the one interface, with two backends: SQLite (the embedded
default, ``store.sqlite``) and PostgreSQL (a firm's shared server,
``store.postgres``); ``Store.open`` picks one from a path or a
``postgresql://`` URL. ``StoreReader`` is the read interface the engine
computes over; ``migrations`` holds the one list of schema versions.
"""

from okrdesk.store.base import Store, is_postgres_url
from okrdesk.store.migrations import MIGRATIONS, POSTGRES_MIGRATIONS, SCHEMA_VERSION
from okrdesk.store.reader import StoreReader

__all__ = [
    "MIGRATIONS",
    "POSTGRES_MIGRATIONS",
    "SCHEMA_VERSION",
    "Store",
    "StoreReader",
    "is_postgres_url",
]
