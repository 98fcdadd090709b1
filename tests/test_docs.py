"""Docs that quote code must quote it exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUOTED = re.compile(r"<!-- example: (?P<path>\S+) -->\n```\w*\n(?P<body>.*?)```", re.DOTALL)


def quoted_examples() -> list[tuple[str, str, str]]:
    found = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for match in QUOTED.finditer(doc.read_text(encoding="utf-8")):
            found.append((doc.name, match["path"], match["body"]))
    return found


@pytest.mark.parametrize(("doc", "path", "body"), quoted_examples())
def test_quoted_files_match_the_real_files(doc: str, path: str, body: str) -> None:
    assert (ROOT / path).read_text(encoding="utf-8") == body, f"{doc} quotes {path} out of date"


def test_the_plugin_guide_quotes_the_example_package() -> None:
    assert {p for d, p, _ in quoted_examples() if d == "plugins.md"} == {
        "tests/example_plugin/pyproject.toml",
        "tests/example_plugin/src/okrdesk_salons/__init__.py",
    }


def test_every_hook_is_documented() -> None:
    from okrdesk.plugins import hookspecs

    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("okrdesk_")]
    assert hooks
    for name in hooks:
        assert getattr(hookspecs, name).__doc__, f"{name} needs a docstring"
        assert f"### `{name}(" in guide, f"docs/plugins.md does not document {name}"
