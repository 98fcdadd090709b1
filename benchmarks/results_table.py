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
    """The figures as a Markdown table, with the scale and the machine they were taken at."""
    machine = payload["machine"]
    lines = [
        f"{payload['scale']['branches']} branches; Python {machine['python']}, "
        f"{machine['cpus']} CPUs, {machine['platform']}.",
        "",
        "| benchmark | ratio | goal | met | figures |",
        "|---|--:|---|---|---|",
    ]
    for name, result in payload["results"].items():
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
