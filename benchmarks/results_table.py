"""BENCHMARKS.md's table of figures, made from results.json and nothing else.

`make bench` writes results.json and regenerates the table between the two
markers in BENCHMARKS.md; tests/test_benchmarks_doc.py fails when the two
disagree, so the page never shows a figure no run produced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

BEGIN = "<!-- results: generated from benchmarks/results.json by make bench -->"
END = "<!-- end of results -->"


def table(payload: dict[str, Any]) -> str:
    """The figures as Markdown tables, each with the scale and the machine it was taken
    at: the benchmarks at one scale, then the growth sweep (``--scale sweep``) if run."""
    parts = []
    if "results" in payload:
        heading = f"{payload['scale']['branches']} branches; {_machine(payload['machine'])}"
        parts.append(_rows(heading, payload["results"]))
    if "growth" in payload:
        growth = payload["growth"]
        sizes = ", ".join(str(size) for size in growth["sizes"])
        heading = (
            f"Growth (`--scale sweep`), at {sizes} branches; each figure's cost per unit "
            f"of work, the largest firm's against the smallest's (peak memory: the largest "
            f"firm's, in MB); {_machine(growth['machine'])}"
        )
        parts.append(_rows(heading, growth["results"]))
    return "\n".join(parts)


def _machine(machine: dict[str, Any]) -> str:
    return f"Python {machine['python']}, {machine['cpus']} CPUs, {machine['platform']}."


def _rows(heading: str, results: dict[str, Any]) -> str:
    lines = [
        heading,
        "",
        "| benchmark | ratio | goal | met | figures |",
        "|---|--:|---|---|---|",
    ]
    for name, result in results.items():
        figures = ", ".join(
            f"{key} {value}" for key, value in result.items() if key not in ("ratio", "goal", "met")
        )
        met = "yes" if result["met"] else "**no**"
        lines.append(f"| {name} | {result['ratio']} | {result['goal']} | {met} | {figures} |")
    return "\n".join(lines) + "\n"


def section(payload: dict[str, Any]) -> str:
    return f"{BEGIN}\n{table(payload)}{END}"


def write_table(page: Path, payload: dict[str, Any]) -> None:
    text = page.read_text(encoding="utf-8")
    before, _, rest = text.partition(BEGIN)
    _, found, after = rest.partition(END)
    if not found:
        raise ValueError(f"{page}: the results markers are missing")
    page.write_text(before + section(payload) + after, encoding="utf-8")


def shown_table(page: Path) -> str:
    """The table as BENCHMARKS.md shows it now."""
    text = page.read_text(encoding="utf-8")
    _, _, rest = text.partition(BEGIN)
    shown, _, _ = rest.partition(END)
    return shown.lstrip("\n")
