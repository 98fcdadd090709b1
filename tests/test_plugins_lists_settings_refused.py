"""`okrdesk plugins` checks each plugin's table of okrdesk.toml as `validate` does: what
the plugin's settings check refuses is listed as its error, at its line, in the command's
language, and the listing exits 1. It listed the plugin as sound and exited 0, where
validate refused the same table (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

VISITS = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import SettingsProblem, hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_visits", "Salon visits", "沙龙到访", "flow", UNITS["人"]))


@hookimpl
def okrdesk_check_settings(settings):
    return [SettingsProblem(key, "is not a setting of visits", zh="不是 visits 的设置")
            for key in settings if key != "file"]
"""

SETTINGS = """\
[workspace]
name = "福田"

[sources.visits]
file = "data/visits.csv"
fiel = "data/visits.csv"
"""


@pytest.fixture
def listed(write_workspace: WriteWorkspace, tmp_path: Path) -> dict[str, tuple[int, str]]:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    found = {}
    with installed_package(tmp_path, "visits", VISITS) as env:
        for lang in ("en", "zh"):
            done = okrdesk(env, "plugins", "--lang", lang, "-w", str(root))
            found[lang] = (done.returncode, done.stdout + done.stderr)
        done = okrdesk(env, "plugins", "--json", "-w", str(root))
        found["json"] = (done.returncode, done.stdout)
        validated = okrdesk(env, "validate", "--lang", "en", "-w", str(root))
        found["validate"] = (validated.returncode, validated.stdout)
        (root / "okrdesk.toml").write_text(SETTINGS.replace('fiel = "data/visits.csv"\n', ""))
        done = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        found["sound"] = (done.returncode, done.stdout + done.stderr)
    return found


@pytest.mark.parametrize(
    ("lang", "error"),
    [
        ("en", "    error: okrdesk.toml:6: sources.visits.fiel: is not a setting of visits"),
        ("zh", "    错误：okrdesk.toml:6: sources.visits.fiel: 不是 visits 的设置"),
    ],
)
def test_a_setting_refused_is_the_plugins_error_and_exits_1(
    listed: dict[str, tuple[int, str]], lang: str, error: str
) -> None:
    code, told = listed[lang]
    assert code == 1, told
    lines = told.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("visits 0.1.0")))
    # The listing is kept: the plugin, its metric, then its error.
    assert lines[at + 1].split()[:2] == ["salon_visits", "flow"], told
    assert lines[at + 2] == error, told
    assert "okrdesk.toml:6: sources.visits.fiel" in listed["validate"][1]  # validate's words
    assert listed["validate"][0] == 2


def test_the_json_listing_holds_it_in_both_languages(listed: dict[str, tuple[int, str]]) -> None:
    code, text = listed["json"]
    assert code == 1
    (visits,) = [p for p in json.loads(text)["plugins"] if p["name"] == "visits"]
    assert visits["errors"] == ["okrdesk.toml:6: sources.visits.fiel: is not a setting of visits"]
    assert visits["errors_zh"] == ["okrdesk.toml:6: sources.visits.fiel: 不是 visits 的设置"]


def test_settings_the_check_takes_list_the_plugin_sound(
    listed: dict[str, tuple[int, str]],
) -> None:
    code, told = listed["sound"]
    assert code == 0, told
    assert "error" not in told, told
