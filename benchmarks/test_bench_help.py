"""`okrdesk --help` against `python -c pass`, with 0 and with 20 installed plugins (goal ≤ 5×)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from conftest import interleaved, record

RUNS = 25


def _pair(bare: list[str], command: list[str], env: dict[str, str]) -> tuple[float, float]:
    times = interleaved({"python": bare, "okrdesk": command}, RUNS, env)
    return times["python"], times["okrdesk"]


def install_dummy_plugins(folder: Path, count: int) -> list[Path]:
    """Real installed distributions: a module and a dist-info with an okrdesk entry point."""
    written = []
    for n in range(count):
        name = f"okrdesk_bench_dummy{n:02d}"
        module = folder / f"{name}.py"
        module.write_text(
            "from okrdesk.plugins import hookimpl\n\n"
            "@hookimpl\ndef okrdesk_metrics(register):\n    pass\n"
        )
        info = folder / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[okrdesk]\ndummy{n:02d} = {name}\n")
        written += [module, info]
    return written


def test_help_is_instant_with_any_number_of_plugins(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Bytecode is written and reused, as for an installed okrdesk.
    unwanted = ("OKRDESK_LOAD_PLUGINS", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    bare = [sys.executable, "-c", "pass"]
    # The console script a user runs, next to this interpreter.
    help_command = [str(Path(sys.executable).parent / "okrdesk"), "--help"]
    benchmark.pedantic(
        subprocess.run, args=(help_command,), kwargs={"env": env, "capture_output": True}, rounds=5
    )
    python_s, with_none = _pair(bare, help_command, env)
    # Installed where pip would put them: next to okrdesk, not in an extra path entry
    # that every import would search first.
    site = Path(sysconfig.get_paths()["purelib"])
    installed = install_dummy_plugins(site, 20)
    try:
        listed = subprocess.run(
            [sys.executable, "-m", "okrdesk", "plugins", "--json"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert listed.stdout.count('"dummy') == 20, "the 20 dummy plugins are not installed"
        python_again, with_twenty = _pair(bare, help_command, env)
    finally:
        for path in installed:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    ratio = max(with_none / python_s, with_twenty / python_again)
    # Each count of plugins against the Python start timed beside it: the two pairs
    # run a minute apart, and a shared machine's load moves in a minute.
    flat = with_twenty / python_again <= with_none / python_s * 1.2
    record(
        "--help vs python -c pass",
        "<= 5x",
        ratio,
        ratio <= 5 and flat,
        python_ms=round(python_s * 1000, 1),
        help_0_plugins_ms=round(with_none * 1000, 1),
        help_20_plugins_ms=round(with_twenty * 1000, 1),
        python_again_ms=round(python_again * 1000, 1),
    )
