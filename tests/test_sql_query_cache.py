"""What sqlglot read in a metric's query is kept between collects: an unchanged query is
not read again (sqlglot is not even imported), and a changed query, another sqlglot or
a damaged cache file never gets another query's reading."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from okrdesk.plugins.sql_dialect import read_query, to_duckdb
from okrdesk.plugins.sql_query_cache import QueryCache, reader, sqlglot_stamp
from okrdesk.user_cache import user_cache_folder
from test_sql_files import CALLS, CALLS_MADE, metric, run, write

GROUPED = "SELECT cm AS subject, day, sum(calls) AS value FROM calls GROUP BY 1, 2"


def cache_file() -> Path:
    return user_cache_folder("sql", "queries.json")


def poison(query: str) -> None:
    """Make the cache's reading of ``query`` a wrong one: its rows numbered by a query
    that counts every row 1,000 times, and a note no query deserves."""
    cache = QueryCache()
    facts = cache.facts(to_duckdb(query), "duckdb")
    assert facts.numbered is not None
    entries = json.loads(cache_file().read_text(encoding="utf-8"))
    key = next(k for k, e in entries.items() if e["numbered"] == list(facts.numbered))
    wrong = facts.numbered[0].replace("calls AS value", "calls * 1000 AS value")
    entries[key]["numbered"][0] = wrong
    entries[key]["division"] = "poisoned"
    cache_file().write_text(json.dumps(entries), encoding="utf-8")


def test_a_query_read_once_is_not_read_again(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    made = metric("made", "flow", CALLS_MADE)
    first = run(tmp_path, {"calls": path}, made)
    assert first.value("made", "cm01", "2026-W02").source == "SQL metric made: calls.csv rows 2-3"
    assert cache_file().is_file()
    # A new process that collects the same query imports no sqlglot, with the same figures.
    script = textwrap.dedent(f"""
        import sys
        from test_sql_files import run, metric
        from pathlib import Path
        check = run(Path({str(tmp_path)!r}), {{"calls": {path!r}}},
                    metric("made", "flow", {CALLS_MADE!r}))
        found = check.value("made", "cm01", "2026-W02")
        print(found.value, found.source, "sqlglot" in sys.modules)
    """)  # fmt: skip
    again = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)}, check=True,
    )  # fmt: skip
    assert again.stdout.split("\n")[0] == "15.0 SQL metric made: calls.csv rows 2-3 False"


def test_a_changed_query_is_read_anew(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    run(tmp_path, {"calls": path}, metric("made", "flow", CALLS_MADE)).assert_valid()
    poison(CALLS_MADE)
    # The same query takes the cache's reading as it is (here, a wrong one)...
    tricked = run(tmp_path, {"calls": path}, metric("made", "flow", CALLS_MADE))
    assert tricked.value("made", "cm01", "2026-W02").value == 15_000
    assert [w.split(": ", 1)[1] for w in tricked.warnings] == ["poisoned"]
    # ...but that reading belongs to the old query: a changed one is read by sqlglot.
    check = run(tmp_path, {"calls": path}, metric("made", "flow", GROUPED))
    check.assert_valid()
    found = check.value("made", "cm01", "2026-W02")
    assert (found.value, found.source) == (15, "SQL metric made: calls.csv rows 2-3")
    assert not check.warnings


def test_another_sqlglot_reads_the_query_anew(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    run(tmp_path, {"calls": path}, metric("made", "flow", CALLS_MADE)).assert_valid()
    poison(CALLS_MADE)
    text = to_duckdb(CALLS_MADE)
    # The same query, read by this sqlglot: the (poisoned) entry is found...
    assert QueryCache().facts(text, "duckdb").division == "poisoned"
    # ...and under an upgraded sqlglot, or another okrdesk, it is not.
    upgraded = QueryCache(reader=reader().replace("sqlglot ", "sqlglot upgraded ", 1))
    assert upgraded.facts(text, "duckdb") == read_query(text, "duckdb")


def test_the_stamp_changes_with_sqlglots_version_file(tmp_path: Path) -> None:
    package = tmp_path / "sqlglot"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "_version.py").write_text("__version__ = '30.31.0'\n", encoding="utf-8")
    old = sqlglot_stamp(package)
    (package / "_version.py").write_text("__version__ = '31.0.0'\n", encoding="utf-8")
    assert sqlglot_stamp(package) != old
    assert sqlglot_stamp() != sqlglot_stamp(package)  # the installed one is found too
    assert sqlglot_stamp().startswith(str(Path(__import__("sqlglot").__file__).parent))


def test_a_damaged_cache_file_costs_only_a_new_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "calls.csv", CALLS.encode())
    made = metric("made", "flow", CALLS_MADE)
    run(tmp_path, {"calls": path}, made).assert_valid()
    entries = json.loads(cache_file().read_text(encoding="utf-8"))
    for damaged in ({k: {"tables": "calls"} for k in entries}, [1, 2], "not json"):
        cache_file().write_text(
            damaged if isinstance(damaged, str) else json.dumps(damaged), encoding="utf-8"
        )
        check = run(tmp_path, {"calls": path}, made)
        check.assert_valid()
        found = check.value("made", "cm01", "2026-W02")
        assert (found.value, found.source) == (15, "SQL metric made: calls.csv rows 2-3")
    assert json.loads(cache_file().read_text(encoding="utf-8")) == entries


def test_the_file_keeps_the_newest_entries(tmp_path: Path) -> None:
    cache = QueryCache(tmp_path / "queries.json")
    queries = [f"SELECT cm AS subject, day, {n} AS value FROM calls" for n in range(300)]
    for query in queries:
        cache.facts(query, "duckdb")
    cache.save()
    again = QueryCache(tmp_path / "queries.json")
    assert len(again.entries) == 256
    assert not again.known(queries[43], "duckdb") and again.known(queries[44], "duckdb")
    assert again.facts(queries[-1], "duckdb").tables == {"calls"}
    assert not again.changed
