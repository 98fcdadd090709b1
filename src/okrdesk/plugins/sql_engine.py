"""DuckDB as the SQL source imports it: the engine alone.

Where the installed DuckDB ships its C++ extension as a module of its own
(``_duckdb``), that module is imported, not the ``duckdb`` package: the package's
``__init__`` re-exports the extension and adds what the SQL source never calls
(relations and expressions written in Python, Arrow, Polars and pandas sources, and
its version read through importlib.metadata), which cost every collect about 70 ms
of its start. ``connect``, the connections, statements and errors are the
extension's own, the same objects as the package's. A DuckDB without the extension
apart gives the package, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
else:
    try:
        import _duckdb as duckdb
    except ImportError:
        import duckdb

NO_PROGRESS_BAR = "SET enable_progress_bar = false; SET enable_progress_bar_print = false"
"""Run on every connection a plugin's process opens: DuckDB's Python package draws a bar on
standard output for any query of over 2 s, output a plugin must not print."""

__all__ = ["NO_PROGRESS_BAR", "duckdb"]
