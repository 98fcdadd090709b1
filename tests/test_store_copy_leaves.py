"""What `okrdesk store copy` leaves at TO when it fails or is stopped: a file it made
is taken away again, so nothing is there that was not there before."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.store import Store
from test_reliability import tiny_disk  # noqa: F401 - the fixture, a real 512 KB filesystem

OKRDESK = [sys.executable, "-m", "okrdesk"]


def _source(path: Path, people: int) -> Path:
    """A store of a year of weekly figures for ``people`` people, far more than 512 KB."""
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31), Grain.WEEK))
    rows = [
        Observation("aum", f"cm{person:04d}", week.id, 1_000.0 * person + index,
                    source=f"assets.csv row {person * 100 + index}")
        for person in range(people)
        for index, week in enumerate(weeks)
    ]  # fmt: skip
    with Store.open(path) as store:
        run = store.start_run("collect", dt.date(2026, 12, 31))
        store.replace_observations(run, {"aum": "p"}, weeks, rows, dt.date(2026, 12, 31))
        store.finish_run(run, "ok", {"p": "1.0"}, [])
    return path


def test_a_copy_that_fills_the_disk_leaves_no_file_there(
    tmp_path: Path,
    tiny_disk: Path,  # noqa: F811
) -> None:
    """The copy's new file kept its write-ahead log, which SQLite could not fold into a
    file on the full disk: 500 KB left the disk full, and every copy tried again failed
    on it."""
    source = _source(tmp_path / "okrdesk.db", people=200)
    target = tiny_disk / "copy.db"
    done = subprocess.run(
        [*OKRDESK, "store", "copy", str(source), str(target), "--lang", "en"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{target}: the disk is full" in done.stderr
    assert "Free some space on that disk, then run the command again" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tiny_disk.iterdir()) == []
    assert os.statvfs(tiny_disk).f_bfree == os.statvfs(tiny_disk).f_blocks


def test_a_copy_stopped_part_way_leaves_no_file_there(tmp_path: Path) -> None:
    """Stopped by a scheduler (SIGTERM) while it copied, it left a store holding nothing,
    which read as a copy of a store that held nothing."""
    source = _source(tmp_path / "okrdesk.db", people=600)
    target = tmp_path / "copy.db"
    copying = subprocess.Popen(
        [*OKRDESK, "store", "copy", str(source), str(target), "--lang", "en"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not target.exists() and copying.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    copying.send_signal(signal.SIGTERM)
    out, err = copying.communicate(timeout=60)
    assert copying.returncode == 143, out + err
    assert err.strip() == (
        "interrupted (SIGTERM): the copy is one transaction, committed once whole: stopped "
        "before then, TO holds what it held, and a file the copy made is taken away"
    )
    assert sorted(tmp_path.glob("copy.db*")) == []
    # A file that was there before the copy is the user's, and stays.
    target.write_bytes(b"")
    again = subprocess.Popen(
        [*OKRDESK, "store", "copy", str(source), str(target), "--lang", "en"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    while target.stat().st_size == 0 and again.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    again.send_signal(signal.SIGTERM)
    again.communicate(timeout=60)
    assert again.returncode == 143
    assert target.exists()
