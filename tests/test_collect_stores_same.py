"""A firm-sized collect stores, row for row, what okrdesk stored when every emitted
figure became an ``Observation`` and the wholes of sliced figures were added up from
those objects: the figures, their slices and wholes, their provenance (plugin, run,
source, partial day) and the run's record.

Both sides run the real ``okrdesk collect`` with the brokerage plugin over the same
generated export of several branches, each in a process of its own (installed
plugins load only outside the test process); the reference side swaps the store's
write for the one okrdesk had, kept below.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("okrdesk_brokerage_synthetic")

METRICS = {
    "aum": ("元", "at_least", 1e9),  # sliced by tier
    "net_new_aum": ("元", "at_least", 1e9),
    "new_hnw_clients": ("户", "at_least", 100),  # sliced by gender
    "open_to_purchase_rate": ("%", "at_least", 0.1),  # a ratio
    "product_sales": ("元", "at_least", 1e9),  # sliced by product
    "commission_revenue": ("元", "at_least", 1e9),
}

REFERENCE = '''
import sys
from okrdesk.model import Observation, slice_values
from okrdesk.store import base, wholes
from okrdesk.cli import main


def replace_rows(self, run_id, collected, periods, rows, through=None, *, emptied=(),
                 stands_in=None, subjects=None, groups=None, answered=None, covered=None):
    """The write before rows: an Observation per figure, wholes added up
    by ``with_wholes`` from those objects, a row per observation."""
    observations = (
        Observation(m, s, p, v, n, d, src, slice_values(cut), bool(zero))
        for m, s, p, cut, v, n, d, src, zero in rows
    )
    partial = {p.id for p in periods if through is not None and through < p.end}
    day = through.isoformat() if through is not None else None
    spans = {p.id: (p.start.isoformat(), p.end.isoformat(), p.grain.value) for p in periods}
    with self.transaction():
        kept = self._fuller_periods(collected, partial, day)
        replaced = [(m, p.id) for m in collected for p in periods if (m, p.id) not in kept]
        stored = [
            (o.metric, o.period, o.subject, *spans[o.period], o.value, o.numerator,
             o.denominator, o.source, collected[o.metric], run_id,
             day if o.period in partial else None, o.slice, int(o.no_rows))
            for o in wholes.with_wholes(observations, grouped=True)
            if o.metric in collected and (o.metric, o.period) not in kept
        ]
        self._write_many("DELETE FROM observations WHERE metric = ? AND period = ?", replaced)
        return self._write_many(
            "INSERT INTO observations (metric, period, subject, period_start, period_end, "
            "grain, value, numerator, denominator, source, plugin, run_id, partial_through, "
            "slice, no_rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            stored,
        )


base.Store.replace_rows = replace_rows
sys.argv = ["okrdesk", *sys.argv[1:]]
main()
'''


def _workspace(root: Path, crm: Path, cms: list[str]) -> None:
    (root / "targets").mkdir(parents=True)
    shutil.copytree(crm, root / "crm")
    (root / "targets" / "plan.toml").write_text(
        '[plan]\nid = "crm"\nname = "crm"\nyear = 2026\nunit = "firm"\n\n[[phases]]\n'
        'id = "Y"\nname = "year"\nstart = 2026-01-01\nend = 2026-12-31\n',
        encoding="utf-8",
    )
    org = ['[[units]]\nid = "firm"\nname = "Firm"\nlevel = "firm"\n']
    org += [f'[[people]]\nid = "{cm}"\nname = "{cm}"\nunit = "firm"\n' for cm in cms]
    (root / "targets" / "org.toml").write_text("\n".join(org), encoding="utf-8")
    okrs = ['[[objectives]]\nid = "O1"\ntitle = "CRM"\nowner = "firm"\n']
    for n, (metric, (unit, direction, target)) in enumerate(METRICS.items(), start=1):
        okrs.append(f'[[objectives.key_results]]\nid = "KR{n}"\ntitle = "{metric}"\n'
                    f'metric = "{metric}"\ntarget = {target}\nunit = "{unit}"\n'
                    f'direction = "{direction}"\n')  # fmt: skip
    (root / "targets" / "okrs.toml").write_text("\n".join(okrs), encoding="utf-8")
    (root / "okrdesk.toml").write_text('[sources.brokerage]\ndata = "crm"\n', encoding="utf-8")


def _rows(database: Path) -> dict[tuple[object, ...], int]:
    """Every stored row's columns (as SQLite gives them back, numbers to the last bit),
    and the run that stored it."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT metric, period, subject, slice, period_start, period_end, grain, "
            "quote(value), quote(numerator), quote(denominator), source, plugin, "
            "partial_through, run_id FROM observations ORDER BY metric, period, subject, slice"
        ).fetchall()
    return {row[:-1]: row[-1] for row in rows}


def _digest(database: Path) -> tuple[int, int, str]:
    """How many rows, how many of them slices, and a digest of every stored column but
    the run (the reference rewrote every row; okrdesk leaves a row collected again as it
    was, with its run)."""
    rows = list(_rows(database))
    with sqlite3.connect(database) as connection:
        runs = connection.execute(
            "SELECT id, command, through, status, plugins, errors FROM runs ORDER BY id"
        ).fetchall()
    text = json.dumps([rows, runs], ensure_ascii=False)
    return len(rows), sum(1 for r in rows if r[3]), hashlib.sha256(text.encode()).hexdigest()


def test_a_firm_collect_stores_the_same_rows_as_the_observation_path(tmp_path: Path) -> None:
    import datetime as dt

    from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate

    cms = firm_cm_ids(3)
    crm = tmp_path / "export"
    generate(crm, cms, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30), snapshot="month")
    new, old = tmp_path / "new", tmp_path / "old"
    _workspace(new, crm, cms)
    _workspace(old, crm, cms)
    env = {k: v for k, v in os.environ.items() if k != "OKRDESK_LOAD_PLUGINS"}
    okrdesk = str(Path(sys.executable).parent / "okrdesk")
    first: dict[tuple[object, ...], int] = {}
    for through in ("2026-03-18", "2026-06-30"):  # a second run replaces the first's
        args = ["collect", "--through", through]
        ran = [
            subprocess.run([okrdesk, *args, "-w", str(new)], env=env, capture_output=True,
                           text=True, timeout=300),
            subprocess.run([sys.executable, "-c", REFERENCE, *args, "-w", str(old)], env=env,
                           capture_output=True, text=True, timeout=300),
        ]  # fmt: skip
        for done in ran:
            assert done.returncode == 0, done.stdout + done.stderr
        # The summary's first line (the reference counts no changes, for the second).
        assert ran[0].stdout.splitlines()[0] == ran[1].stdout.splitlines()[0]
        first = first or _rows(new / "okrdesk.db")
    count, sliced, digest = _digest(new / "okrdesk.db")
    assert count > 5000 and sliced > 1000
    assert (count, sliced, digest) == _digest(old / "okrdesk.db")
    # The second run wrote every row the first had not stored as it is now, and only those.
    runs = _rows(new / "okrdesk.db")
    assert {row for row, run in runs.items() if run == 1} == set(first) & set(runs)
    assert 1000 < sum(1 for run in runs.values() if run == 1) < count
