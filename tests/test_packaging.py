"""What a user installs: the wheel carries the templates and the sample plan."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from okrdesk.plugins.manager import PluginHost
from okrdesk.targets import load_plan

ROOT = Path(__file__).resolve().parents[1]


def test_the_sample_plan_validates_clean_with_the_brokerage_metrics() -> None:
    import okrdesk_brokerage.plugin

    host = PluginHost(entry_points=False, registered=False)
    host.register(okrdesk_brokerage.plugin, "brokerage")
    result = load_plan(ROOT, host.metrics)
    assert result.problems == ()
    assert [w.message for w in result.warnings] == [
        "CNY 40k of the CNY 8,990k total is not allocated to any line"
    ]
    plan = result.plan
    assert plan is not None
    assert [p.name for p in plan.phases] == ["抢春播", "深耕", "攻坚", "收官"]
    # The institutional desk's four are customer managers with a scoring policy of their own.
    assert sum(p.role == "cm" for p in plan.people) == 8
    assert sum(p.role == "icm" for p in plan.people) == 4
    assert len([u for u in plan.units if u.level == "team"]) == 3


def test_the_wheel_ships_templates_and_the_sample_targets(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("okrdesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"okrdesk/templates/report.md.j2", "okrdesk/templates/report.html.j2"} <= names
    assert "okrdesk/sample_targets/plan.toml" in names
    assert {
        "okrdesk/skeleton/zh/targets/plan.toml",
        "okrdesk/skeleton/en/targets/plan.toml",
    } <= names
    assert "okrdesk/py.typed" in names
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "okrdesk = okrdesk.__main__:main" in entry_points
