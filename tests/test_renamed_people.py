"""A person's id changed in the target files: collect, check and the report say so."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from backends import Backend
from okrdesk.messages import display_width
from test_report import AS_OF, okrdesk


@pytest.fixture
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("renamed-people")


def _rename(root: Path, old: str, new: str) -> None:
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace(old, new)
        path.write_text(text, encoding="utf-8")


def _told(root: Path, lang: str) -> list[str]:
    done = okrdesk("report", "-w", str(root), "--as-of", AS_OF, "--format", "json",
                   "--lang", lang)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    alerts = json.loads(done.stdout)["alerts"]
    return [" ".join(a["message"].split()) for a in alerts if a["kind"] == "renamed_person"]


_SAID = {
    "en": "liuyang is gone from the target files and liuyang2 (财富管理一部) is new since "
          "the plan's collect run 1 (through 2026-11-20), which replaced liuyang's figures. "
          "If liuyang2 is liuyang renamed, the figures stored under liuyang count nowhere now",
    "zh": "liuyang 已不在目标文件中，而 liuyang2（财富管理一部）是本计划第 1 次采集（截至 "
          "2026-11-20）之后新出现的，那次采集替换过 liuyang 的数字。如果 liuyang2 就是改了 id "
          "的 liuyang，记在 liuyang 名下的数字现在不计入任何地方",
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_person_renamed_is_told_by_check_report_and_collect(demo: Path, lang: str) -> None:
    """刘洋 renamed liuyang2 in the target files: his figures stayed under liuyang, counted
    nowhere, and collect said only "None new or changed since the last collect"; check
    and the report said nothing. Each says which id went, which came, and what to do."""
    assert _told(demo, lang) == []
    _rename(demo, "liuyang", "liuyang2")

    checked = okrdesk("check", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
    assert checked.returncode == 1, checked.stderr
    said = " ".join(checked.stdout.split())
    assert ("RENAMED PERSON " if lang == "en" else "人员改名 ") + _SAID[lang] in said, said
    (told,) = _told(demo, lang)
    # Leading the warnings of the first screen: the team's pace is judged without him.
    screen = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                     env={"COLUMNS": "80"}).stdout.splitlines()[:16]  # fmt: skip
    first = ("  WARNING liuyang is gone from the target files" if lang == "en"
             else "  提醒    liuyang 已不在目标文件中")  # fmt: skip
    assert any(line.startswith(first) for line in screen), screen
    assert told.startswith(_SAID[lang]) and "`okrdesk collect`" in told
    assert "org.toml" in told

    collected = okrdesk("collect", "-w", str(demo), "--through", AS_OF, "--lang", lang)
    assert collected.returncode == 0, collected.stderr
    warned = " ".join(collected.stderr.split())
    assert ("warning: " if lang == "en" else "警告：") + _SAID[lang] in warned, warned
    # The collect stored liuyang2's figures (none): check goes on telling it, and after
    # the next collects too (it went quiet at the second), liuyang's figures counting
    # nowhere still.
    assert _told(demo, lang) == [told]
    for through in ("2026-11-27", "2026-12-04"):
        collected = okrdesk("collect", "-w", str(demo), "--through", through, "--lang", lang)
        assert collected.returncode == 0, collected.stderr
        assert _SAID[lang] in " ".join(collected.stderr.split())
        assert _told(demo, lang) == [told]


def test_nothing_is_told_once_the_id_is_changed_back(demo: Path) -> None:
    """Changed back, the figures count again, and nothing is said."""
    targets = {p: p.read_text(encoding="utf-8") for p in (demo / "targets").glob("*.toml")}
    _rename(demo, "liuyang", "liuyang2")
    assert len(_told(demo, "en")) == 1
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    assert _told(demo, "en") == []


def test_nothing_is_told_once_changed_back_after_collects(demo: Path) -> None:
    """Collected under liuyang2, then changed back to liuyang and collected: liuyang2 is
    gone from the target files now, but liuyang is no newcomer, and nothing is said."""
    targets = {p: p.read_text(encoding="utf-8") for p in (demo / "targets").glob("*.toml")}
    _rename(demo, "liuyang", "liuyang2")
    for through in (AS_OF, "2026-11-27"):
        done = okrdesk("collect", "-w", str(demo), "--through", through)
        assert done.returncode == 0, done.stderr
    assert len(_told(demo, "en")) == 1
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    assert _told(demo, "en") == []
    done = okrdesk("collect", "-w", str(demo), "--through", "2026-12-04")
    assert done.returncode == 0 and "liuyang" not in done.stderr, done.stderr
    assert _told(demo, "en") == []


def test_several_renamed_are_each_named(demo: Path) -> None:
    """Three people renamed at once: each old id and each new one is named, not the first
    of them alone."""
    for old in ("liuyang", "huangting", "zhoujie"):
        _rename(demo, old, f"{old}2")
    (told,) = _told(demo, "en")
    assert told.startswith(
        "huangting, liuyang and zhoujie are gone from the target files and huangting2, "
        "liuyang2 and zhoujie2 (财富管理一部) are new since the plan's collect run 1"
    ), told
    assert "If a new id is an old one renamed" in told
    (told,) = _told(demo, "zh")
    assert told.startswith("huangting、liuyang、zhoujie 已不在目标文件中，而 huangting2、"
                           "liuyang2、zhoujie2（财富管理一部）"), told  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_renames_at_different_collects_are_each_told(demo: Path, lang: str) -> None:
    """liuyang renamed liuyang2 and collected, then huangting renamed huangting2: the
    report told huangting's alone, liuyang's figures counting nowhere unsaid until
    huangting's was mended. One line names both old ids, each with its own collect and
    the person who came when it went, and leads the first screen's warnings; changed back,
    huangting's is told no more and liuyang's still is."""
    targets = {p: p.read_text(encoding="utf-8") for p in (demo / "targets").glob("*.toml")}
    _rename(demo, "liuyang", "liuyang2")
    done = okrdesk("collect", "-w", str(demo), "--through", "2026-11-27")
    assert done.returncode == 0, done.stderr
    _rename(demo, "huangting", "huangting2")
    (told,) = _told(demo, lang)
    if lang == "en":
        assert told.startswith(
            "huangting and liuyang are gone from the target files, and people are new since "
            "each went: huangting2 (财富管理一部) is new since the plan's collect run 2 "
            "(through 2026-11-27), which replaced huangting's figures; liuyang2 (财富管理一部) "
            "is new since the plan's collect run 1 (through 2026-11-20), which replaced "
            "liuyang's figures. If a new id is an old one renamed"
        ), told
    else:
        assert told.startswith(
            "huangting、liuyang 已不在目标文件中，各自之后都有新出现的人员：huangting2（财富管理"
            "一部）是本计划第 2 次采集（截至 2026-11-27）之后新出现的，那次采集替换过 huangting "
            "的数字；liuyang2（财富管理一部）是本计划第 1 次采集（截至 2026-11-20）之后新出现的，"
            "那次采集替换过 liuyang 的数字。如果某个新 id"
        ), told
    screen = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                     env={"COLUMNS": "80"}).stdout.splitlines()[:20]  # fmt: skip
    first = ("  WARNING huangting and liuyang are gone" if lang == "en"
             else "  提醒    huangting、liuyang 已不在目标文件中")  # fmt: skip
    # One line for both: the other four warnings of the first screen are still shown.
    warnings = [line for line in screen if line.startswith(first[: 10 if lang == "en" else 8])]
    assert warnings[0].startswith(first) and len(warnings) == 5, screen
    for path, text in targets.items():
        path.write_text(text.replace("liuyang", "liuyang2"), encoding="utf-8")
    (told,) = _told(demo, lang)
    assert told.startswith("liuyang is gone" if lang == "en" else "liuyang 已不在"), told
    assert "huangting" not in told


def test_a_teams_id_that_went_is_not_told_as_a_persons(demo: Path) -> None:
    """财富管理一部 renamed wm1 → wealth1 with liuyang → liuyang2: the line read "liuyang
    and wm1 are gone …", and asked for people_left = ["liuyang", "wm1"] were they people
    who left. A team keeps no figures of its own (they are its people's sums) nor, here,
    check-ins: nothing under wm1 counts nowhere, and liuyang is told alone."""
    _rename(demo, "wm1", "wealth1")
    _rename(demo, "liuyang", "liuyang2")
    (told,) = _told(demo, "en")
    assert told.startswith(
        "liuyang is gone from the target files and liuyang2 (财富管理一部) is new since the "
        "plan's collect run 1 (through 2026-11-20), which replaced liuyang's figures."
    ), told
    assert "wm1" not in told


def test_only_the_collects_that_noted_other_ids_are_read(backend: Backend) -> None:
    """Of a plan's collects, those noting the same ids as the one before them are not read
    (a year of a firm's weekly collects names thousands of ids each); the first is, and each
    noting others. On SQLite and on PostgreSQL alike."""
    root = backend.workspace()
    noted = [["b", "cm01"], ["b", "cm01"], ["b", "cm02"], ["b", "cm02"], ["b", "cm01"], None]
    with backend.open(root) as store:
        runs = [store.start_run("collect", None, plan_unit="b", subjects=ids) for ids in noted]
        assert store.subjects_of_runs(runs, changed=True) == {
            runs[0]: {"b", "cm01"}, runs[2]: {"b", "cm02"}, runs[4]: {"b", "cm01"}
        }  # fmt: skip
        later = store.subjects_of_runs(runs[1:4], changed=True)
        assert later == {runs[1]: {"b", "cm01"}, runs[2]: {"b", "cm02"}}
        assert len(store.subjects_of_runs(runs)) == 5


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_people_left_hint_names_a_few_ids_and_counts_the_rest(demo: Path, lang: str) -> None:
    """Five people renamed at once: the hint how to write people_left listed every old id
    (at a firm, hundreds: a wall of ids in a report read at 80 columns). It names the
    three the warning names, and counts the rest, as the warning's own lists do."""
    for old in ("gaopeng", "huangting", "liuyang", "wumin", "zhoujie"):
        _rename(demo, old, f"{old}2")
    done = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                   env={"COLUMNS": "80"})  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    lines = done.stdout.splitlines()
    assert max(display_width(line) for line in lines) <= 80
    # Folded at 80 columns (Chinese lines break between any two characters): compared
    # without the spaces and line ends the folding adds.
    said = "".join(done.stdout.split())
    written = 'people_left = ["gaopeng", "huangting", "liuyang", …]'
    rest = (", with the 2 other ids that went, if all did" if lang == "en"
            else "，连同另外 2 个已不在的 id")  # fmt: skip
    assert "".join((written + rest).split()) in said, done.stdout
    assert '"wumin"' not in said and '"zhoujie"' not in said
    (told,) = _told(demo, lang)
    assert written + rest in told
    if lang == "zh":  # a space after an id, none after a count
        assert told.startswith("gaopeng、huangting、liuyang 等 5 个已不在目标文件中"), told
