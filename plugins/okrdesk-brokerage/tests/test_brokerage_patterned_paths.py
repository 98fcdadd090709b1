"""A data folder whose name holds ``*``, ``?``, ``[`` or ``{``, which DuckDB reads in a path
as a pattern of names: the collect reads the folder's files and no other, through a link
by a plain name (``engine.plainly_named``), with the figures of a folder plainly named.

The decoy beside each folder is the export with every amount of funding.csv doubled: read
in the export's stead (``exports[2026]`` names ``exports2`` to DuckDB) it changes the
figures; read beside it (``*`` names every folder) it would change validate's count."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from brokerage_helpers import FIXTURES, SETTINGS
from okrdesk_brokerage import engine, settings
from okrdesk_brokerage.layout import CLIENTS, FUNDING, TRADES
from okrdesk_brokerage.reading import CsvRows, Export
from okrdesk_brokerage.settings import settings_errors

OKRDESK = str(Path(sys.executable).parent / "okrdesk")
AS_OF = "2026-11-20"


def _run(*args: str, tmpdir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKRDESK_")}
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return subprocess.run([OKRDESK, *args], env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    done = _run("demo", str(root), "--as-of", AS_OF)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _observations(root: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(root / "okrdesk.db")) as db:
        return db.execute(
            "SELECT metric, period, subject, slice, value, numerator, denominator, source "
            "FROM observations ORDER BY metric, period, subject, slice"
        ).fetchall()


def _doubled_funding(folder: Path) -> None:
    """Every amount of ``folder``'s funding.csv doubled, its lines as they were."""
    path = folder / FUNDING.name
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    at = rows[0].index("amount")
    for row in rows[1:]:
        row[at] = f"{float(row[at]) * 2:.2f}"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


def _moved_export(demo: Path, root: Path, name: str, decoy: str) -> None:
    """The demo workspace at ``root``, its export in the folder ``data/{name}``, and beside
    it in ``data/{decoy}`` the export with funding.csv's amounts doubled."""
    shutil.copytree(demo, root)
    crm = root / "data" / "crm"
    shutil.copytree(crm, root / "data" / "decoy")
    _doubled_funding(root / "data" / "decoy")
    crm.rename(root / "data" / name)
    (root / "data" / "decoy").rename(root / "data" / decoy)
    toml = root / "okrdesk.toml"
    written = toml.read_text(encoding="utf-8")
    assert 'data = "data/crm"' in written
    toml.write_text(written.replace('"data/crm"', f'"data/{name}"'), encoding="utf-8")
    (root / "okrdesk.db").unlink()


@pytest.mark.parametrize(
    ("name", "decoy"),
    [("exports[2026]", "exports2"), ("*", "crm"), ("c?m", "cam"), ("{crm}", "crm")],
)
def test_a_data_folder_named_with_a_pattern_collects_its_own_figures(
    demo: Path, tmp_path: Path, name: str, decoy: str
) -> None:
    root = tmp_path / "ws"
    _moved_export(demo, root, name, decoy)
    done = _run("collect", "--through", AS_OF, "-w", str(root))
    assert done.returncode == 0, done.stdout + done.stderr
    stored = _observations(root)
    assert len(stored) > 1000 and stored == _observations(demo)
    # Nothing of the folder's is moved or left beside it: the links were in the scratch.
    assert sorted(p.name for p in (root / "data" / name).iterdir()) == sorted(
        p.name for p in (demo / "data" / "crm").iterdir()
    )


def test_an_export_in_another_encoding_in_such_a_folder_is_read_from_its_utf8_copy(
    demo: Path, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    _moved_export(demo, root, "exports[2026]", "exports2")
    for folder in ("exports[2026]", "exports2"):
        for path in (root / "data" / folder).glob("*.csv"):
            path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    toml = root / "okrdesk.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'encoding = "gb18030"\n', encoding="utf-8")
    done = _run("collect", "--through", AS_OF, "-w", str(root))
    assert done.returncode == 0, done.stdout + done.stderr
    assert _observations(root) == _observations(demo)


def test_a_scratch_folder_named_with_a_pattern_leaves_the_files_to_the_streaming_reader(
    demo: Path, tmp_path: Path
) -> None:
    """Where the temporary folder's own path holds ``[``, no link or UTF-8 copy there is a
    plain name: DuckDB is handed no file, and the streaming reader reads every one, to the
    same figures."""
    root = tmp_path / "ws"
    _moved_export(demo, root, "exports[2026]", "exports2")
    for path in (root / "data" / "exports[2026]").glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    toml = root / "okrdesk.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'encoding = "gb18030"\n', encoding="utf-8")
    scratch = tmp_path / "tmp[1]"
    scratch.mkdir()
    done = _run("collect", "--through", AS_OF, "-w", str(root), tmpdir=scratch)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _observations(root) == _observations(demo)
    assert list(scratch.iterdir()) == []  # the collect's scratch folder is gone


def _tiny_beside_decoy(workspace: Path, name: str) -> Path:
    """The tiny export in ``workspace/{name}``, and beside it in ``workspace/crm`` the same
    with funding.csv's amounts doubled and trades.csv's first commission left blank."""
    folder = workspace / name
    shutil.copytree(FIXTURES / "tiny", folder)
    decoy = workspace / "crm"
    shutil.copytree(FIXTURES / "tiny", decoy)
    _doubled_funding(decoy)
    trades = decoy / TRADES.name
    lines = trades.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[3] = ""
    lines[1] = ",".join(cells)
    trades.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_duckdb_loads_the_folder_s_file_alone(tmp_path: Path) -> None:
    folder = _tiny_beside_decoy(tmp_path, "*")
    export = Export(folder, copies=tmp_path / "scratch")
    with contextlib.closing(engine.connect()) as con:
        # Every row DuckDB loaded is a line of the file: none of crm/clients.csv's.
        assert engine.load(con, export, CLIENTS, "clients_raw")
        loaded = con.execute("SELECT line, client_id FROM clients_raw ORDER BY line").fetchall()
        assert engine.load(con, export, FUNDING, "funding_raw")
        amounts = con.execute("SELECT amount FROM funding_raw ORDER BY line").fetchall()
    with CsvRows(folder, CLIENTS) as rows:
        at = rows.index["client_id"]
        assert loaded == [(line, fields[at]) for line, fields in rows]
    with CsvRows(folder, FUNDING) as rows:
        at = rows.index["amount"]
        assert amounts == [(float(fields[at]),) for _, fields in rows]
    # The link was dropped once read; the file and its folder are as they were.
    assert list((tmp_path / "scratch" / "linked").iterdir()) == []
    assert (folder / CLIENTS.name).read_bytes() == (FIXTURES / "tiny" / CLIENTS.name).read_bytes()


def test_validate_counts_the_folder_s_money_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB counting the blank money of a firm's export (``STREAMED_MOST``) counts none
    in crm/trades.csv, beside the folder named ``*``."""
    _tiny_beside_decoy(tmp_path, "*")
    monkeypatch.setattr(settings, "STREAMED_MOST", 0)
    assert settings_errors({**SETTINGS, "data": "*"}, tmp_path) == []
    found = settings_errors({**SETTINGS, "data": "crm"}, tmp_path)
    assert [e.detail for e in found] == [
        "trades.csv has money left blank in 1 row (write 0 for none): trades.csv:2:commission"
    ]


def test_with_no_link_to_be_had_the_streaming_reader_reads_the_file(tmp_path: Path) -> None:
    folder = _tiny_beside_decoy(tmp_path, "exports[2026]")
    # Where no folder for the links can be made: a file stands where it would be.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "linked").write_text("", encoding="utf-8")
    for export in (Export(folder), Export(folder, copies=scratch)):
        assert engine.reader(export, CLIENTS) is None
        with contextlib.closing(engine.connect()) as con:
            assert not engine.load(con, export, CLIENTS, "clients_raw")
    # A plain path is DuckDB's to read as it is, and no link is made for it.
    plain = Export(tmp_path / "crm", copies=scratch)
    read = engine.reader(plain, CLIENTS)
    assert read is not None and read.path == tmp_path / "crm" / CLIENTS.name
    assert not read.scratch
