"""`okrdesk --help` against `python -c pass`, with 0 and with 20 installed plugins (goal ≤ 5×)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import record

RUNS = 25


def interleaved(first: list[str], second: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Best times of two commands run turn about, so both see the same machine load."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(RUNS):
        for command, found in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            found.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def install_dummy_plugins(folder: Path, count: int) -> None:
    """Real installed distributions: a module and a dist-info with an okrdesk entry point."""
    for n in range(count):
        name = f"okrdesk_dummy{n:02d}"
        (folder / f"{name}.py").write_text(
            "from okrdesk.plugins import hookimpl\n\n"
            "@hookimpl\ndef okrdesk_metrics(register):\n    pass\n"
        )
        info = folder / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[okrdesk]\ndummy{n:02d} = {name}\n")


def test_help_is_instant_with_any_number_of_plugins(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k != "OKRDESK_LOAD_PLUGINS"}
    bare = [sys.executable, "-c", "pass"]
    # The console script a user runs, next to this interpreter.
    help_command = [str(Path(sys.executable).parent / "okrdesk"), "--help"]
    benchmark.pedantic(
        subprocess.run, args=(help_command,), kwargs={"env": env, "capture_output": True}, rounds=5
    )
    python_s, with_none = interleaved(bare, help_command, env)
    folder = tmp_path / "site"
    folder.mkdir()
    install_dummy_plugins(folder, 20)
    with_plugins_env = {**env, "PYTHONPATH": str(folder)}
    listed = subprocess.run(
        [sys.executable, "-m", "okrdesk", "plugins", "--json"],
        env=with_plugins_env,
        capture_output=True,
        text=True,
    )
    assert listed.stdout.count('"dummy') == 20, "the 20 dummy plugins are not installed"
    python_again, with_twenty = interleaved(bare, help_command, with_plugins_env)
    ratio = max(with_none / python_s, with_twenty / python_again)
    record(
        "--help vs python -c pass",
        "<= 5x",
        ratio,
        ratio <= 5 and with_twenty <= with_none * 1.2,
        python_ms=round(python_s * 1000, 1),
        help_0_plugins_ms=round(with_none * 1000, 1),
        help_20_plugins_ms=round(with_twenty * 1000, 1),
    )
