"""One of twenty processes recording check-ins at once (test_bench_postgres.py).

    python checkin_writer.py LOCATION INDEX GO_FILE COUNT

Opens the store (a SQLite file or a PostgreSQL URL), says it is ready, waits for
GO_FILE so that every writer starts together, then records COUNT check-ins
through the store's own check-in path, each in its own transaction, as
``okrdesk checkin`` does.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from okrdesk.store import Store


def main(location: str, index: int, go: Path, count: int) -> int:
    with Store.open(location) as store:
        (go.parent / f"ready-{index}").write_text("ready", encoding="utf-8")
        while not go.exists():
            time.sleep(0.005)
        for k in range(count):
            store.add_checkin(
                "O1.KR1", f"p{index:02d}", dt.date(2026, 3, 2), float(k), note=f"{index}-{k}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
