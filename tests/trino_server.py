"""A loopback server speaking Trino's client REST protocol, for the SQL source's tests.

No Trino runs here; this answers the way Trino documents its protocol
(``POST /v1/statement`` → a queued answer with ``nextUri``; ``GET`` of that →
``columns`` with their ``typeSignature`` and ``data``, no ``nextUri`` when
finished; errors as ``{"error": {...}}``), so the real ``trino`` driver,
through its SQLAlchemy dialect, carries the rows back. The SQL it receives is
read as Trino's dialect, written as DuckDB's by sqlglot and run on an
in-memory DuckDB holding the test's tables. As Trino does, it answers every
request at once and runs the statement behind it: until its rows are ready,
each ``GET`` of ``nextUri`` says the query is running and gives the same
``nextUri`` again, so no request of a statement that does answer waits on its
work, however busy the machine (a client's timeout is then met only by the
statement that never answers). Every statement received is kept in
``received``; ``hang_on`` makes a statement containing that text never
answered (to see the client's timeout), ``drop_on`` makes the server close the
connection instead of answering (a server lost mid-collect); ``slow_by``
seconds are spent on each statement that answers (a loaded machine).
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import duckdb
import sqlglot

TRINO_TYPES = {"VARCHAR": "varchar", "BIGINT": "bigint", "INTEGER": "integer",
               "DOUBLE": "double", "DATE": "date", "BOOLEAN": "boolean"}  # fmt: skip


def _trino_type(duckdb_type: str) -> str:
    name = str(duckdb_type).split("(")[0].upper()
    if name in ("HUGEINT", "DECIMAL", "FLOAT"):
        return "double"
    return TRINO_TYPES.get(name, "varchar")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


class TrinoServer:
    """``with TrinoServer(tables) as server:`` on 127.0.0.1; ``server.port``."""

    def __init__(self, tables: dict[str, str]) -> None:
        self.database = duckdb.connect(":memory:")
        for name, select in tables.items():
            self.database.execute(f"CREATE TABLE {name} AS {select}")
        self.received: list[str] = []
        self.hang_on: str | None = None
        self.drop_on: str | None = None
        self.slow_by = 0.0
        self._lock = threading.Lock()
        self._answers: dict[str, dict[str, Any]] = {}
        self._ready: dict[str, threading.Event] = {}
        self._ids = itertools.count(1)
        self._stop = threading.Event()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._http.daemon_threads = True
        self.port = int(self._http.server_address[1])

    def __enter__(self) -> TrinoServer:
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._http.shutdown()
        self._http.server_close()
        self.database.close()

    def _base(self, query_id: str) -> dict[str, Any]:
        return {"id": query_id, "infoUri": f"http://127.0.0.1:{self.port}/ui/query.html?{query_id}"}

    def _start(self, sql: str, query_id: str) -> None:
        """Run ``sql`` behind the request that sent it; its answer is kept once ready."""
        ready = self._ready[query_id] = threading.Event()

        def run() -> None:
            self._stop.wait(self.slow_by)
            self._answers[query_id] = self._run(sql, query_id)
            ready.set()

        threading.Thread(target=run, daemon=True).start()

    def _run(self, sql: str, query_id: str) -> dict[str, Any]:
        with self._lock:
            try:
                text = sqlglot.transpile(sql, read="trino", write="duckdb")[0]
                cursor = self.database.execute(text)
                described = cursor.description or []
                rows = cursor.fetchall()
            except (duckdb.Error, sqlglot.errors.SqlglotError) as error:
                return {**self._base(query_id), "stats": {"state": "FAILED"},
                        "error": {"message": str(error).splitlines()[0],
                                  "errorCode": 1, "errorName": "GENERIC_USER_ERROR",
                                  "errorType": "USER_ERROR"}}  # fmt: skip
        columns = []
        for name, kind, *_ in described:
            raw = _trino_type(str(kind))
            # An unbounded varchar, as Trino describes one: its length is an argument.
            length = [{"kind": "LONG", "value": 2147483647}] if raw == "varchar" else []
            columns.append({"name": name, "type": raw,
                            "typeSignature": {"rawType": raw, "arguments": length}})  # fmt: skip
        data = [[_json_value(v) for v in row] for row in rows]
        return {**self._base(query_id), "columns": columns, "data": data,
                "stats": {"state": "FINISHED", "queued": False, "scheduled": True,
                          "processedRows": len(rows)}}  # fmt: skip

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, payload: dict[str, Any]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                if self.path != "/v1/statement":
                    self.send_error(404)
                    return
                sql = self.rfile.read(int(self.headers["Content-Length"])).decode()
                if server.hang_on and server.hang_on in sql:
                    server._stop.wait(60)  # accepted, never answered
                    return
                if server.drop_on and server.drop_on in sql:
                    self.close_connection = True  # closed without a word
                    return
                query_id = f"20261201_000000_{next(server._ids):05d}_okrdt"
                server.received.append(sql)
                server._start(sql, query_id)
                queued = {**server._base(query_id), "stats": {"state": "QUEUED"},
                          "nextUri": f"http://127.0.0.1:{server.port}/v1/statement/"
                                     f"executing/{query_id}/1"}  # fmt: skip
                self._send(queued)

            def do_GET(self) -> None:
                parts = self.path.split("/")
                if len(parts) < 6 or parts[4] not in server._ready:
                    self.send_error(404)
                    return
                if not server._ready[parts[4]].wait(0.05):
                    running = {**server._base(parts[4]), "stats": {"state": "RUNNING"},
                               "nextUri": f"http://127.0.0.1:{server.port}{self.path}"}  # fmt: skip
                    self._send(running)
                    return
                del server._ready[parts[4]]
                self._send(server._answers.pop(parts[4]))

            def do_DELETE(self) -> None:
                self.send_response(204)
                self.end_headers()

        return Handler
