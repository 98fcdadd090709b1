"""okrdesk.toml kept as data (targets/toml_cache.py): the next command reads the same
values without parsing the file, and anything changed or damaged is parsed afresh."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from okrdesk.app.session import open_session
from okrdesk.targets import toml_cache
from okrdesk.targets.load import parse_toml_file
from okrdesk.targets.reader import Findings
from okrdesk.targets.settings import read_settings
from sample_workspace import WriteWorkspace

EVERY_KIND = """\
[workspace]
name = "福田 \\"demo\\""
plugin_timeout = 12.50

[sources.crm]
data = "data/crm"
limit = 10_000
negative = -3
ratio = 1e-3
big = inf
nothing = nan
flag = true
off = false
day = 2026-03-15
at = 2026-03-15T08:30:00.123456+08:00
local = 2026-03-15T08:30:00
utc = 2026-03-15T00:00:00Z
time = 07:45:00
empty = []
mixed = [1, "two", 3.0, [4, [5.5]], { six = 6 }]
nested = { inner = { deepest = "x" } }
"a" = "a key that is one of the tags"
"n" = ["n", "1.5"]

[[sources.crm.tables]]
name = "clients"
[[sources.crm.tables]]
name = "trades"
"""


def _parsed(path: Path) -> dict[str, Any]:
    source = parse_toml_file(path, path.parent, Findings(), kept=True)
    assert source is not None
    return source.data


def _same(found: Any, expected: Any) -> None:
    """Equal values of the same types all the way down (1 == 1.0 == True is not enough)."""
    assert type(found) is type(expected), (found, expected)
    if isinstance(expected, dict):
        assert list(found) == list(expected)
        for key in expected:
            _same(found[key], expected[key])
    elif isinstance(expected, list):
        assert len(found) == len(expected)
        for one, other in zip(found, expected, strict=True):
            _same(one, other)
    elif isinstance(expected, dt.datetime):
        assert (found, found.utcoffset()) == (expected, expected.utcoffset())
    else:
        assert str(found) == str(expected)
        assert found == expected or (found != found and expected != expected)  # NaN


def test_every_kind_of_value_comes_back_as_tomllib_gave_it(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.toml"
    path.write_text(EVERY_KIND, encoding="utf-8")
    expected = tomllib.loads(EVERY_KIND, parse_float=Decimal)
    _same(_parsed(path), expected)
    assert list(toml_cache.cache_folder().glob("*.json"))
    kept = toml_cache.kept(path, EVERY_KIND)
    assert kept is not None
    _same(kept, expected)
    _same(_parsed(path), expected)


def test_a_changed_file_is_parsed_afresh_and_replaces_its_entry(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.toml"
    path.write_text('[workspace]\nname = "one"\n', encoding="utf-8")
    assert _parsed(path)["workspace"]["name"] == "one"
    path.write_text('[workspace]\nname = "two"\n', encoding="utf-8")
    assert _parsed(path)["workspace"]["name"] == "two"
    assert len(list(toml_cache.cache_folder().glob("*.json"))) == 1
    assert read_settings(tmp_path, Findings()).name == "two"


def test_a_damaged_or_foreign_entry_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.toml"
    text = '[workspace]\nname = "kept"\n'
    path.write_text(text, encoding="utf-8")
    _parsed(path)
    (entry,) = toml_cache.cache_folder().glob("*.json")
    key = json.loads(entry.read_text(encoding="utf-8"))["key"]
    for damaged in (
        b"{not json",
        b"[]",
        json.dumps({"key": key, "data": {"workspace": ["n"]}}).encode(),
        json.dumps({"key": key, "data": {"workspace": ["zz", "1"]}}).encode(),
        json.dumps({"key": key, "data": {"workspace": 1.5}}).encode(),
        json.dumps({"key": key, "data": ["a"]}).encode(),
        json.dumps({"key": "another text's", "data": {"workspace": {"name": "not this"}}}).encode(),
    ):
        entry.write_bytes(damaged)
        assert toml_cache.kept(path, text) is None
        assert _parsed(path) == {"workspace": {"name": "kept"}}


def test_a_file_with_a_problem_is_reported_each_time_and_never_kept(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.toml"
    path.write_text("[workspace\nname = 1\n", encoding="utf-8")
    for _ in range(2):
        findings = Findings()
        assert parse_toml_file(path, tmp_path, findings, kept=True) is None
        assert [p.line for p in findings.problems] == [1]
    assert not toml_cache.cache_folder().exists()


def test_a_command_reading_kept_settings_never_imports_tomllib(tmp_path: Path) -> None:
    (tmp_path / "okrdesk.toml").write_text(EVERY_KIND, encoding="utf-8")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from okrdesk.targets.reader import Findings\n"
        "from okrdesk.targets.settings import read_settings\n"
        "workspace = read_settings(Path(sys.argv[1]), Findings())\n"
        "at = workspace.sources['crm']['at'].isoformat()\n"
        "print(workspace.name, at, 'tomllib' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                       text=True, env=env, check=True).stdout.split()
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0] == ["福田", '"demo"', "2026-03-15T08:30:00.123456+08:00", "True"]
    assert runs[1] == [*runs[0][:-1], "False"]


def test_a_file_with_a_hazard_is_never_kept(tmp_path: Path) -> None:
    path = tmp_path / "okrdesk.toml"
    path.write_text('[workspace]\nname = "x"\n[sources.crm]\nbig = ' + "9" * 1001 + "\n")
    for _ in range(2):
        findings = Findings()
        assert parse_toml_file(path, tmp_path, findings, kept=True) is not None
        assert [p.key for p in findings.problems] == ["sources.crm.big"]
    assert not toml_cache.cache_folder().exists()


def test_a_full_disk_costs_only_the_keeping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_workspace: WriteWorkspace
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text('[workspace]\nname = "full"\n', encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", full)
        session = open_session(root)  # neither okrdesk.toml nor the plan can be kept
        assert session.workspace.name == "full"
        assert session.plan.objectives
    assert not list(toml_cache.cache_folder().parent.rglob("*.json"))
    assert open_session(root).plan == session.plan
    assert len(list(toml_cache.cache_folder().parent.rglob("*.json"))) == 2


def test_new_hazard_rules_read_every_file_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "syntax.py"
    rules.write_text("# the rules\n", encoding="utf-8")
    monkeypatch.setattr(toml_cache, "_HAZARDS", rules)
    path = tmp_path / "okrdesk.toml"
    text = '[workspace]\nname = "kept"\n'
    path.write_text(text, encoding="utf-8")
    _parsed(path)
    assert toml_cache.kept(path, text) == {"workspace": {"name": "kept"}}
    rules.write_text("# the rules, and a new one\n", encoding="utf-8")
    assert toml_cache.kept(path, text) is None
