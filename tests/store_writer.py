"""One of many processes writing to the same store at once (tests/test_postgres.py).

    python store_writer.py LOCATION KIND INDEX GO_FILE

Waits for GO_FILE, so that every writer starts together, then writes as KIND:
``checkin`` (five check-ins), ``spend`` (two entries on a roomy line, and one
of 30 on the line ``tight`` of 50, through a breaker) or ``collect`` (one run
storing four weeks of five subjects, every value equal to INDEX).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

from okrdesk.model import Observation, SpendEntry
from okrdesk.periods import Grain, periods_between
from okrdesk.store import Store

TIGHT_LIMIT = Decimal(50)


class Tripped(Exception):
    pass


def breaker(entries: list[SpendEntry]) -> None:
    spent = sum((e.amount for e in entries if e.line == "tight"), start=Decimal(0))
    if spent + 30 > TIGHT_LIMIT:
        raise Tripped(f"tight would reach {spent + 30}")


def main(location: str, kind: str, index: int, go: Path) -> int:
    day = dt.date(2026, 3, 2)
    with Store.open(location) as store:
        (go.parent / f"ready-{index}").write_text("ready")
        while not go.exists():
            time.sleep(0.01)
        if kind == "checkin":
            for k in range(5):
                store.add_checkin("O1.REV", f"w{index}", day, float(k), note=f"{index}-{k}")
        elif kind == "spend":
            for k in range(2):
                store.add_spend("roomy", day, Decimal("1.5"), ["王芳"], note=f"{index}-{k}")
            try:
                store.add_spend("tight", day, Decimal(30), ["王芳"], guard=breaker)
            except Tripped:
                return 3
        else:
            periods = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 1, 25), Grain.WEEK))
            run = store.start_run("collect", None)
            observations = [
                Observation("m", f"s{s}", p.id, float(index), source=f"writer {index}")
                for p in periods
                for s in range(5)
            ]
            store.replace_observations(run, {"m": "writer"}, periods, observations)
            store.finish_run(run, "ok", {"writer": "1"}, [])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])))
