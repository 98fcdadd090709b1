"""What moved most, on the first screen: the order a manager trusts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from test_report import okrdesk


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("moved-most")


def moved(demo: Path, as_of: str, lang: str) -> list[str]:
    """The ids the first screen lists under 变化最大 / Moved most, in order."""
    done = okrdesk("report", "-w", str(demo), "--as-of", as_of, "--lang", lang, "--brief")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith(("变化最大", "Moved most")))
    listed = [line for line in lines[at + 1 : at + 4] if line.startswith("  ")]
    return [line.split("  ")[2].split()[0] for line in listed]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_move_by_the_figures_last_digit_never_stands_above_one_of_many(
    demo: Path, lang: str
) -> None:
    """Ranked by their share of the way from baseline to target, the demo's week to 13
    November listed -0.01个/户 (O2.KR2, 1.69 -> 1.68 of a target of 3.5) above +3,039万 of
    new assets (C1.KR1), and the week to 24 July +0.04分 of NPS (C1.KR3, 60.59 -> 60.63,
    from 58 towards 60) first, above +1,896万: a manager doubted the order. A move is now
    ranked by its share of the target, and one of the figure's last written digit alone
    (+1户, -0.01个/户) after every move of more."""
    assert moved(demo, "2026-11-13", lang) == ["O2.KR1", "C1.KR1", "O1.KR1"]
    assert moved(demo, "2026-07-24", lang) == ["O2.KR1", "O2.KR2", "C1.KR1"]
