"""The README documents every file, column, setting and metric the code knows."""

from __future__ import annotations

from pathlib import Path

from okrdesk_brokerage.layout import FILES
from okrdesk_brokerage.metrics import METRICS
from okrdesk_brokerage.settings import KNOWN_KEYS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_file_and_column_is_documented() -> None:
    for spec in FILES:
        section = README.split(f"### {spec.name}", 1)
        assert len(section) == 2, f"no section for {spec.name}"
        body = section[1].split("###", 1)[0]
        for column in spec.columns:
            assert f"| `{column.name}` |" in body, f"{spec.name}: {column.name} undocumented"


def test_every_setting_is_documented() -> None:
    for key in KNOWN_KEYS:
        assert f"| `{key}` |" in README


def test_every_metric_is_listed_and_defined() -> None:
    for spec in METRICS:
        assert f"| `{spec.name}` {spec.label_zh} | {spec.kind.value}" in README
        assert f"- **`{spec.name}`**:" in README
