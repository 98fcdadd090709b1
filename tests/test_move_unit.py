"""A unit's id changed in the target files (the plan's own unit, or a team): what the store
keeps under the old id, check-ins, collected figures and spending, stays there. The
report and `check` say so once, with the command, and `okrdesk move-unit` moves it all,
in one transaction, refusing clashes unless --merge."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from okrdesk.model import Observation
from okrdesk.periods import Grain, periods_between
from okrdesk.store import Store
from okrdesk.store.unit_holdings import UnitHoldings
from sample_workspace import WriteWorkspace
from test_money import CHECKIN_OKRS, _until_each_waits_on
from test_report import AS_OF, okrdesk
from test_send import running_bot


def _renamed_top(root: Path, *, plan_id: str | None = None) -> None:
    """szft → futian in every target file, as a reviewed edit would (and the plan's id)."""
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        for key in ("id", "unit", "owner", "parent"):
            text = text.replace(f'{key} = "szft"', f'{key} = "futian"')
        if plan_id is not None:
            text = text.replace('id = "szft-2026"', f'id = "{plan_id}"')
        path.write_text(text, encoding="utf-8")


def _report(root: Path, lang: str = "en") -> dict[str, object]:
    done = okrdesk("report", "-w", str(root), "--as-of", AS_OF, "--format", "json",
                   "--lang", lang)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return dict(json.loads(done.stdout))


def _figures(report: dict[str, object]) -> dict[str, object]:
    """Each key result's actual, and the budget's spent: what a manager reads."""
    found: dict[str, object] = {}
    for objective in report["objectives"]:  # type: ignore[attr-defined]
        for kr in objective["key_results"]:
            found[kr["id"]] = kr["actual"]
    found["spent"] = report["budget"]["total"]["spent"]  # type: ignore[index]
    return found


def _told(report: dict[str, object]) -> list[str]:
    return [a["message"] for a in report["alerts"] if a["kind"] == "old_unit"]  # type: ignore[attr-defined]


def _rows(root: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(root / "okrdesk.db")) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("move-unit")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_plans_unit_renamed_is_told_then_moved_back_whole(demo: Path, lang: str) -> None:
    """Renamed szft → futian, the report showed 23 key results with no check-in and the
    budget untouched, though nothing was lost; one command brings every figure back."""
    before = _figures(_report(demo))
    store_before = _rows(demo, "SELECT count(*), sum(value) FROM observations")
    _renamed_top(demo)

    renamed = _report(demo, lang)
    told = _told(renamed)
    assert len(told) == 1, told  # once, however much is kept there
    command = "`okrdesk move-unit szft`"
    assert command in told[0]
    if lang == "en":
        assert "44 check-ins of 23 key results and 70 ledger entries" in told[0]
    else:
        assert "23 项关键结果的 44 条打卡和 70 笔支出" in told[0]
    assert _figures(renamed) != before
    # Its key results are not told beside it as never checked in: the line says why.
    kinds = [a["kind"] for a in renamed["alerts"]]  # type: ignore[attr-defined]
    assert "missing" not in kinds, kinds
    # The first screen at 80 columns keeps what is at stake, as the line's start.
    screen = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                     env={"COLUMNS": "80"}).stdout.splitlines()  # fmt: skip
    stake = ("ERROR   44 check-ins of 23 key results and 70 ledger entries" if lang == "en"
             else "严重    本计划期内 23 项关键结果的 44 条打卡和 70 笔支出")  # fmt: skip
    assert any(line.startswith(f"  {stake}") for line in screen[:20]), screen[:20]
    checked = okrdesk("check", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
    assert checked.returncode == 1 and checked.stdout.count("okrdesk move-unit") == 1
    # Who owes what is read without them too: everyone would owe since January.
    due = okrdesk("due", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
    said = " ".join(due.stdout.split())
    assert ("Not counted above: 44 check-ins of 23 key results kept under unit szft"
            if lang == "en" else "以上未计入记在单位 szft 名下的 23 项关键结果的 44 条打卡"
            ) in said and "`okrdesk move-unit szft`" in said  # fmt: skip

    moved = okrdesk("move-unit", "szft", "-w", str(demo), "--lang", lang)
    assert moved.returncode == 0, moved.stderr
    said = " ".join(moved.stdout.split())
    if lang == "en":
        assert said.startswith("Moved from unit szft to futian, in one transaction: 44 "
                               "check-ins of 23 key results, 70 ledger entries")  # fmt: skip
    else:
        assert said.startswith("已在一个事务中从单位 szft 移到 futian 名下：23 项关键结果的 "
                               "44 条打卡，70 笔支出")  # fmt: skip

    after = _report(demo, lang)
    assert _figures(after) == before and _told(after) == []
    assert "move-unit" not in okrdesk("due", "-w", str(demo), "--as-of", AS_OF).stdout
    assert _rows(demo, "SELECT count(*), sum(value) FROM observations") == store_before
    assert _rows(demo, "SELECT count(*) FROM checkins WHERE subject = 'szft'") == [(0,)]
    assert _rows(demo, "SELECT DISTINCT plan_unit, moved_from FROM spend") == [("futian", "szft")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_check_in_before_the_move_is_refused_with_the_command(demo: Path, lang: str) -> None:
    """Renamed szft → futian, `checkin` stored the figure under futian as its first, a
    second history of the key result beside szft's, which `move-unit` then refused
    without --merge. It refuses, as `spend add` does, naming the command to run."""
    _renamed_top(demo)
    kept = _rows(demo, "SELECT * FROM checkins ORDER BY id")
    args = ("checkin", "C1.KR2", "4.9亿", "--date", AS_OF, "--by", "chenjianguo")
    refused = okrdesk(*args, "-w", str(demo), "--lang", lang)
    assert refused.returncode == 1, refused.stdout
    said = " ".join(refused.stderr.split())
    if lang == "en":
        assert said.startswith(
            "refused: this plan keeps 44 check-ins of 23 key results under "
            "unit szft, the plan's unit id before it was changed to futian;"
        )
        assert said.endswith("Move them first: `okrdesk move-unit szft`. Nothing was stored.")
    else:
        assert said.startswith(
            "已拒绝：本计划的 23 项关键结果的 44 条打卡记在单位 szft 名下，"
            "即计划的单位 id 改为 futian 之前的 id；"
        )
        assert said.endswith("请先移过来：`okrdesk move-unit szft`。未记录任何打卡。")
    assert "Traceback" not in refused.stderr
    assert _rows(demo, "SELECT * FROM checkins ORDER BY id") == kept

    moved = okrdesk("move-unit", "szft", "-w", str(demo))
    assert moved.returncode == 0, moved.stderr
    stored = okrdesk(*args, "-w", str(demo), "--lang", "en")
    assert stored.returncode == 0, stored.stderr
    assert "(check-in 3 for it, id 45)" in stored.stdout, stored.stdout


def test_a_clash_is_named_and_refused_unless_merged(demo: Path) -> None:
    """A check-in stored under the new id before the move (by a version of okrdesk that
    did not refuse it, or a process sharing the store): two histories of C1.KR2."""
    _renamed_top(demo)
    with Store.open(demo / "okrdesk.db") as store:
        store.add_checkin("C1.KR2", "futian", dt.date.fromisoformat(AS_OF), 4.9e8, None, "",
                          "陈建国")  # fmt: skip
    kept = _rows(demo, "SELECT * FROM checkins ORDER BY id")

    for lang, clash in [
        ("en", "C1.KR2: 2 check-ins under szft (2026-09-30 to 2026-10-31) and 1 check-in "
               "under futian (2026-11-20); merged, the latest day's counts"),
        ("zh", "C1.KR2：szft 名下 2 条打卡（2026-09-30 至 2026-10-31），futian 名下 1 条打卡"
               "（2026-11-20）；合并后以日期最晚的为准"),
    ]:  # fmt: skip
        refused = okrdesk("move-unit", "szft", "-w", str(demo), "--lang", lang)
        assert refused.returncode == 2, refused.stdout
        assert clash in refused.stderr
        assert ("add --merge. Nothing was moved." if lang == "en" else "请加上 --merge。"
                "未移动任何内容。") in refused.stderr  # fmt: skip
        assert "Traceback" not in refused.stderr
        assert _rows(demo, "SELECT * FROM checkins ORDER BY id") == kept

    merged = okrdesk("move-unit", "szft", "futian", "--merge", "-w", str(demo))
    assert merged.returncode == 0, merged.stderr
    assert len(_rows(demo, "SELECT * FROM checkins WHERE subject = 'futian'")) == len(kept)
    assert _told(_report(demo)) == []


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "szft holds check-ins made after this plan's first check-in of the same key "
               "result under futian, most likely by someone still working from the target "
               "files before the id was changed:\n"
               "  C1.KR2: 1 check-in under szft (2026-11-20), recorded after its first under "
               "futian (recorded 2026-11-21)\n"
               "With --merge they move to futian with the rest, and each key result checked "
               "in under both counts its latest day's check-in: `okrdesk move-unit szft "
               "--merge`. If they are another branch's, leave them. Nothing was moved."),
        ("zh", "szft 名下有些打卡记录于本计划在 futian 名下对同一关键结果的首次打卡之后，很可能"
               "是有人仍按改 id 之前的目标文件打卡：\n"
               "  C1.KR2：szft 名下 1 条打卡（2026-11-20），记录于它在 futian 名下的首次打卡"
               "（2026-11-21 记录）之后\n"
               "加上 --merge，它们会与其余内容一起移到 futian 名下，两处都有打卡的关键结果以日期"
               "最晚的打卡为准：`okrdesk move-unit szft --merge`。如果它们是另一营业部的，请不要"
               "移动。未移动任何内容。"),
    ],
)  # fmt: skip
def test_a_check_in_under_the_old_id_later_than_the_new_ids_first_names_merge(
    demo: Path, lang: str, said: str
) -> None:
    """A colleague still on the old targets checked in C1.KR2 under szft after it was
    first checked in under futian: the move called them another plan's (a branch sharing
    the store) and said nothing of --merge, which moves them."""
    _renamed_top(demo)
    with Store.open(demo / "okrdesk.db") as store:
        store.add_checkin("C1.KR2", "futian", dt.date.fromisoformat(AS_OF), 4.9e8, None, "",
                          "陈建国")  # fmt: skip
        store.add_checkin("C1.KR2", "szft", dt.date.fromisoformat(AS_OF), 5.0e8, None, "",
                          "陈建国")  # fmt: skip
    with closing(sqlite3.connect(demo / "okrdesk.db")) as connection, connection:
        # Under futian a minute after the demo's own check-ins, under szft a minute later.
        ((last,),) = connection.execute("SELECT max(recorded) FROM checkins WHERE day < ?",
                                        [AS_OF]).fetchall()  # fmt: skip
        first = dt.datetime.fromisoformat(last) + dt.timedelta(minutes=1)
        connection.execute("UPDATE checkins SET recorded = ? WHERE subject = 'futian'",
                           [first.isoformat()])  # fmt: skip
        connection.execute("UPDATE checkins SET recorded = ? WHERE subject = 'szft' AND day = ?",
                           [(first + dt.timedelta(minutes=1)).isoformat(), AS_OF])  # fmt: skip
    kept = _rows(demo, "SELECT * FROM checkins ORDER BY id")
    refused = okrdesk("move-unit", "szft", "-w", str(demo), "--lang", lang,
                      env={"COLUMNS": "1000"})  # fmt: skip
    assert refused.returncode == 2, refused.stdout
    assert refused.stderr.strip() == said.replace("2026-11-21", str(first.date()))
    assert _rows(demo, "SELECT * FROM checkins ORDER BY id") == kept
    merged = okrdesk("move-unit", "szft", "--merge", "-w", str(demo))
    assert merged.returncode == 0, merged.stderr
    assert _rows(demo, "SELECT count(*) FROM checkins WHERE subject = 'szft'") == [(0,)]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "liuyang2 is a person of this plan, not a unit: move-unit moves what is kept "
               "under a unit's old id."),
        ("zh", "liuyang2 是本计划的人员，不是单位：move-unit 只移动记在单位旧 id 名下的内容。"),
    ],
)  # fmt: skip
def test_move_unit_to_a_person_says_what_to_do_with_their_figures(
    demo: Path, lang: str, said: str
) -> None:
    """刘洋 renamed liuyang2 in org.toml: his collected figures stay under liuyang, counted
    nowhere. `move-unit liuyang liuyang2` said only 'no unit "liuyang2"', as if the
    person were unknown. It says what move-unit moves, and what to run instead."""
    for path in (demo / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace("liuyang", "liuyang2")
        path.write_text(text, encoding="utf-8")
    stored = _rows(demo, "SELECT count(*), sum(value) FROM observations WHERE subject = 'liuyang'")
    refused = okrdesk("move-unit", "liuyang", "liuyang2", "-w", str(demo), "--lang", lang)
    assert refused.returncode == 2, refused.stdout
    told = " ".join(refused.stderr.split())
    assert told.startswith(said), told
    assert "`okrdesk collect`" in told and "Traceback" not in refused.stderr
    assert told.endswith("Nothing was moved." if lang == "en" else "未移动任何内容。")
    assert _rows(demo, "SELECT count(*), sum(value) FROM observations "
                       "WHERE subject = 'liuyang'") == stored  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "liuyang was an id of this plan's collect run 1 (through 2026-11-20) and is in "
               "the target files no more, while liuyang2 (财富管理一部) is a person new since, "
               "come as liuyang went, and no unit came then: most likely liuyang was a "
               "person's id."),
        ("zh", "liuyang 是本计划第 1 次采集（截至 2026-11-20）的 id，已不在目标文件中，而 "
               "liuyang2（财富管理一部）是在它消失时新出现的人员，当时没有新出现的单位：liuyang "
               "很可能是某个人员的 id。"),
    ],
)  # fmt: skip
def test_move_unit_of_a_persons_old_id_says_what_fits_a_person(
    demo: Path, lang: str, said: str
) -> None:
    """刘洋 renamed liuyang2: `okrdesk move-unit liuyang`, its new id left out, asked for
    `okrdesk move-unit liuyang NEW_UNIT`, a unit to move a person's figures to, where the
    team's would then read one person's share as its whole. It says the id was most
    likely a person's, and what to do instead; nothing is moved."""
    for path in (demo / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace("liuyang", "liuyang2")
        path.write_text(text, encoding="utf-8")
    stored = _rows(demo, "SELECT count(*), sum(value) FROM observations WHERE subject = 'liuyang'")
    refused = okrdesk("move-unit", "liuyang", "-w", str(demo), "--lang", lang)
    assert refused.returncode == 2, refused.stdout
    told = " ".join(refused.stderr.split())
    assert told.startswith(said), told
    assert "`okrdesk collect`" in told and "org.toml" in told and "NEW_UNIT" not in told
    assert "新单位" not in told and "Traceback" not in refused.stderr
    assert _rows(demo, "SELECT count(*), sum(value) FROM observations "
                       "WHERE subject = 'liuyang'") == stored  # fmt: skip


def test_a_unit_added_later_does_not_hide_a_persons_old_id(demo: Path) -> None:
    """刘洋 renamed liuyang2 and collected, then a team added (财富管理三部, wm3): `okrdesk
    move-unit liuyang` asked for a unit to move a person's figures to, wm3 read as one
    that came when liuyang went. A unit that came at a later collect, or after the last,
    came when no id went: liuyang is told as most likely a person's id, nothing moved."""
    for path in (demo / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace("liuyang", "liuyang2")
        path.write_text(text, encoding="utf-8")
    collected = okrdesk("collect", "-w", str(demo), "--through", "2026-11-27")
    assert collected.returncode == 0, collected.stderr
    with (demo / "targets" / "org.toml").open("a", encoding="utf-8") as org:
        org.write('\n[[units]]\nid = "wm3"\nname = "财富管理三部"\nlevel = "团队"\n'
                  'parent = "szft"\n')  # fmt: skip
    refused = okrdesk("move-unit", "liuyang", "-w", str(demo), "--lang", "en")
    assert refused.returncode == 2, refused.stdout
    told = " ".join(refused.stderr.split())
    assert told.startswith("liuyang was an id of this plan's collect run 1 (through "
                           "2026-11-20)"), told  # fmt: skip
    assert "most likely liuyang was a person's id" in told and "NEW_UNIT" not in told, told


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "most likely liuyang was a person's id. Moved to wm1, what is kept under "
               "liuyang (528 collected figures) would read as 财富管理一部's own: one "
               "person's figures in a unit's sums."),
        ("zh", "liuyang 很可能是某个人员的 id。移到 wm1 名下，记在 liuyang 名下的内容（528 "
               "个采集的数字）就会被当作财富管理一部自己的：一个人的数字进了单位的合计。"),
    ],
)  # fmt: skip
def test_a_persons_old_id_moved_to_a_named_unit_asks_for_was_a_unit(
    demo: Path, lang: str, said: str
) -> None:
    """刘洋 renamed liuyang2, told by check as a possible rename: `okrdesk move-unit liuyang
    wm1` moved his 503 figures onto 财富管理一部, whose sums then read one person's year
    as the team's own. It is refused, nothing moved, with what the store knows and the
    flag that says liuyang was a unit's id all the same (a team merged as people joined),
    which moves it."""
    for path in (demo / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace("liuyang", "liuyang2")
        path.write_text(text, encoding="utf-8")
    stored = _rows(demo, "SELECT count(*), sum(value) FROM observations WHERE subject = 'liuyang'")
    for new in ("wm1", "szft"):  # a team, or the plan's unit named
        refused = okrdesk("move-unit", "liuyang", new, "-w", str(demo), "--lang", lang)
        assert refused.returncode == 2, refused.stdout
        assert "Traceback" not in refused.stderr
        told = " ".join(refused.stderr.split())
        assert told.startswith("liuyang was an id of this plan's collect run 1" if lang == "en"
                               else "liuyang 是本计划第 1 次采集"), told  # fmt: skip
        assert new != "wm1" or said in told, told
        assert f"`okrdesk move-unit liuyang {new} --was-a-unit`" in told, told
        assert told.endswith("Nothing was moved." if lang == "en" else "未移动任何内容。")
    assert _rows(demo, "SELECT count(*), sum(value) FROM observations "
                       "WHERE subject = 'liuyang'") == stored  # fmt: skip
    moved = okrdesk("move-unit", "liuyang", "wm1", "--was-a-unit", "-w", str(demo), "--lang", "en")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.startswith("Moved from unit liuyang to wm1, in one transaction: 528 "
                                   "collected figures."), moved.stdout  # fmt: skip
    assert _rows(demo, "SELECT count(*) FROM observations WHERE subject = 'liuyang'") == [(0,)]


def test_the_plans_id_changed_with_its_unit_is_told_and_moved_with_from_plan(
    demo: Path,
) -> None:
    """Both changed: the ledger's entries carry the old plan id, which only its user can
    vouch was this plan's. The report says the exact command; the move without it says
    what to add."""
    before = _figures(_report(demo))
    _renamed_top(demo, plan_id="futian-2026")
    told = _told(_report(demo))
    assert len(told) == 1 and "`okrdesk move-unit szft --from-plan szft-2026`" in told[0]
    explained = okrdesk("explain", "events", "-w", str(demo), "--as-of", AS_OF, "--lang", "en")
    said = " ".join(explained.stdout.split())
    assert "breaker: not judged: 3 entries of the line" in said, said
    assert said.endswith("`okrdesk move-unit szft --from-plan szft-2026`"), said
    asked = okrdesk("move-unit", "szft", "-w", str(demo), "--lang", "en")
    assert asked.returncode == 2
    assert "`okrdesk move-unit szft --from-plan szft-2026`" in " ".join(asked.stderr.split())
    moved = okrdesk("move-unit", "szft", "--from-plan", "szft-2026", "-w", str(demo))
    assert moved.returncode == 0, moved.stderr
    assert _figures(_report(demo)) == before


_NAMED = re.compile(r"okrdesk move-unit [a-z0-9_-]+(?: --from-plan [a-z0-9_-]+)?")


def _command_named(said: str) -> list[str]:
    """The move-unit command a message names, as a user would copy it from the terminal:
    a line folded inside it is joined again."""
    (command,) = set(_NAMED.findall(" ".join(said.split())))
    return command.split()[1:]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "told_by",
    ["due", "checkin", "history", "explain", "send", "spend list", "explain line", "spend reverse"],
)
def test_the_command_told_with_the_plans_id_changed_too_moves_the_check_ins(
    demo: Path, lang: str, told_by: str
) -> None:
    """Plan id and unit both changed: due, checkin, history, explain and send --due named
    `okrdesk move-unit szft`, which moves nothing where the ledger's entries carry
    szft-2026 (refused, exit 2); spend list said the entries were another plan's,
    counted in its budget, explain of a line said nothing of them, and spend reverse of
    one said it was that other plan's to reverse. The command each names now moves them
    all."""
    _renamed_top(demo, plan_id="futian-2026")
    with (demo / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write(GROUP)
    asked = {
        "due": ("due", "--as-of", AS_OF),
        "checkin": ("checkin", "C1.KR2", "4.9亿", "--date", AS_OF, "--by", "chenjianguo"),
        "history": ("history", "C1.KR2"),
        "explain": ("explain", "C1.KR2", "--as-of", AS_OF),
        "send": ("send", "--due", "--dry-run", "--as-of", AS_OF),
        "spend list": ("spend", "list"),
        "explain line": ("explain", "events", "--as-of", AS_OF),
        "spend reverse": (
            "spend",
            "reverse",
            "5",
            "--reason",
            "录错",
            "--signed-by",
            "李明",
            "--signed-by",
            "王芳",
        ),
    }[told_by]
    told = okrdesk(*asked, "-w", str(demo), "--lang", lang, env={"COLUMNS": "80"})
    assert "Traceback" not in told.stderr
    command = _command_named(told.stdout + told.stderr)
    if told_by == "spend list":  # told once, as this plan's, not also as another's
        assert len(told.stdout.strip().splitlines()) == 2, told.stdout
    assert command == ["move-unit", "szft", "--from-plan", "szft-2026"], command
    moved = okrdesk(*command, "-w", str(demo))
    assert moved.returncode == 0, moved.stderr
    assert _rows(demo, "SELECT count(*) FROM checkins WHERE subject = 'szft'") == [(0,)]
    assert _rows(demo, "SELECT count(*) FROM checkins WHERE subject = 'futian'") == [(44,)]
    assert _rows(demo, "SELECT count(*) FROM spend WHERE plan_unit = 'szft'") == [(0,)]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("columns", ["80", "50", "40"])
def test_a_suggested_command_is_never_folded_across_lines(
    demo: Path, lang: str, columns: str
) -> None:
    """due and explain folded `okrdesk move-unit szft` above `--from-plan szft-2026`: a
    manager who copied the first line ran a command that was refused. Each command that
    suggests it keeps it whole on one line, past the width where it is wider; the report
    too, where the line is wide enough to hold it."""
    _renamed_top(demo, plan_id="futian-2026")
    whole = "okrdesk move-unit szft --from-plan szft-2026"
    asked = [
        ("due", "--as-of", AS_OF),
        ("explain", "C1.KR2", "--as-of", AS_OF),
        ("explain", "events", "--as-of", AS_OF),
    ]
    if columns == "80":
        asked.append(("report", "--as-of", AS_OF))
    for args in asked:
        told = okrdesk(*args, "-w", str(demo), "--lang", lang, env={"COLUMNS": columns})
        lines = [line for line in told.stdout.splitlines() if "move-unit" in line]
        assert lines and all(whole in line for line in lines), (args, told.stdout)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_spend_add_is_refused_while_the_ledger_is_under_the_plans_old_unit_and_id(
    demo: Path, lang: str
) -> None:
    """Plan id and unit both changed: `spend add` recorded 1万 on events, whose 112.8%
    spent trips its breaker, as if nothing had been spent (spent so far CNY 10k of CNY
    3,800k): the ledger's 72 entries carry szft-2026, and only entries of this plan's id
    were looked at. It refuses, as it does where only the unit changed, with the command
    that moves them; once moved, the breaker judges the line on what it spent."""
    _renamed_top(demo, plan_id="futian-2026")
    ledger = _rows(demo, "SELECT * FROM spend ORDER BY id")
    args = ("spend", "add", "events", "1", "--signed-by", "李明", "--signed-by", "王芳",
            "--date", AS_OF, "-w", str(demo), "--lang", lang)  # fmt: skip
    refused = okrdesk(*args)
    assert refused.returncode == 1, refused.stdout
    said = " ".join(refused.stderr.split())
    assert (
        "Move them first: `okrdesk move-unit szft --from-plan szft-2026`. Nothing was recorded."
        if lang == "en"
        else "请先移过来：`okrdesk move-unit szft --from-plan szft-2026`。未记录任何支出。"
    ) in said, said
    assert "Traceback" not in refused.stderr
    assert _rows(demo, "SELECT * FROM spend ORDER BY id") == ledger
    moved = okrdesk(*_command_named(said), "-w", str(demo))
    assert moved.returncode == 0, moved.stderr
    tripped = okrdesk(*args)
    assert tripped.returncode == 1 and "112.8%" in tripped.stderr, tripped.stderr
    assert len(_rows(demo, "SELECT * FROM spend")) == len(ledger)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_plans_id_and_unit_changed_without_check_ins_is_told_by_its_collects(
    demo: Path, lang: str
) -> None:
    """Plan id and unit both changed, on a plan that kept no check-ins (its key results
    all collected): the report told nothing, its budget read as untouched, and `spend add`
    on events, whose breaker had tripped, recorded 1万 ("Spent so far CNY 10k"). The
    ledger's entries under szft carry szft-2026, signed by this plan's people, and szft's
    collect replaced this plan's people's figures: they are this plan's, and the report,
    `check`, `spend add` and the move agree on it."""
    with closing(sqlite3.connect(demo / "okrdesk.db")) as connection, connection:
        connection.execute("DELETE FROM checkins")
    _renamed_top(demo, plan_id="futian-2026")
    command = "`okrdesk move-unit szft --from-plan szft-2026`"
    told = _told(_report(demo, lang))
    assert len(told) == 1 and command in told[0], told
    assert ("70 ledger entries (CNY 7,189k net)" if lang == "en"
            else "70 笔支出（净额 718.89万）") in told[0]  # fmt: skip
    checked = okrdesk("check", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
    assert checked.returncode == 1 and command in " ".join(checked.stdout.split())
    ledger = _rows(demo, "SELECT * FROM spend ORDER BY id")
    args = ("spend", "add", "events", "1", "--signed-by", "李明", "--signed-by", "王芳",
            "--date", AS_OF, "-w", str(demo), "--lang", lang)  # fmt: skip
    refused = okrdesk(*args)
    assert refused.returncode == 1, refused.stdout
    assert command in " ".join(refused.stderr.split()) and "Traceback" not in refused.stderr
    assert _rows(demo, "SELECT * FROM spend ORDER BY id") == ledger
    moved = okrdesk(*_command_named(refused.stderr), "-w", str(demo))
    assert moved.returncode == 0, moved.stderr
    assert _told(_report(demo)) == []
    tripped = okrdesk(*args)
    assert tripped.returncode == 1 and "112.8%" in tripped.stderr, tripped.stderr


def test_another_branchs_ledger_of_another_plan_id_signed_by_namesakes_is_not_told(
    demo: Path,
) -> None:
    """On a store branches share, 天河 (plan tianhe-2026) spent under tianhe, signed by its
    own 李明 and 王芳, namesakes of this plan's, and collected for its own staff before
    this plan's first collect under futian. Its ledger is not this plan's from before a
    change of its ids: not told, not a reason to refuse this plan's spending."""
    _renamed_top(demo, plan_id="futian-2026")
    assert okrdesk("move-unit", "szft", "--from-plan", "szft-2026", "-w", str(demo)).returncode == 0
    with Store.open(demo / "okrdesk.db") as store:
        staff = ["tianhe", "th-liming", "th-wangfang", "th-team"]
        run = store.start_run("collect", None, plan_unit="tianhe", subjects=staff)
        store.finish_run(run, "ok", {}, [])
        store.add_spend("events", dt.date(2026, 3, 1), Decimal(800_000), ["李明", "王芳"],
                        plan_unit="tianhe", plan_id="tianhe-2026")  # fmt: skip
    with closing(sqlite3.connect(demo / "okrdesk.db")) as connection, connection:
        # Recorded before this plan's first entry under futian, which its move made none.
        connection.execute("UPDATE spend SET recorded = '2026-01-01T00:00:00+00:00' "
                           "WHERE plan_unit = 'tianhe'")  # fmt: skip
        connection.execute("DELETE FROM runs WHERE plan_unit = 'futian'")
    assert _told(_report(demo)) == []
    checked = okrdesk("check", "-w", str(demo), "--as-of", AS_OF, "--lang", "en")
    assert "tianhe" not in checked.stdout
    spent = okrdesk("spend", "add", "experts", "1", "--signed-by", "李明", "--date", AS_OF,
                    "-w", str(demo), "--lang", "en")  # fmt: skip
    assert spent.returncode == 0, spent.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_entries_of_the_plans_old_and_new_id_under_its_old_unit_move_with_from_plan(
    demo: Path, lang: str
) -> None:
    """The plan's id changed first (szft-2026 to futian-2026) and 1万 was spent under szft,
    then its unit (futian): the ledger under szft carries both ids. The report told the
    command `okrdesk move-unit szft --from-plan szft-2026`, which refused them as another
    plan's, as the move without --from-plan did: nothing could move them. The command told
    now moves them all, and spend reverse of one names it too. The move without it said
    they "were recorded by plan szft-2026", though one was this plan's: it counts each."""
    for path in (demo / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace('id = "szft-2026"', 'id = "futian-2026"')
        path.write_text(text, encoding="utf-8")
    spent = okrdesk("spend", "add", "experts", "1", "--signed-by", "李明", "--date", AS_OF,
                    "-w", str(demo))  # fmt: skip
    assert spent.returncode == 0, spent.stderr
    _renamed_top(demo, plan_id="futian-2026")
    command = "`okrdesk move-unit szft --from-plan szft-2026`"
    told = _told(_report(demo, lang))
    assert len(told) == 1 and command in told[0], told
    ((last,),) = _rows(demo, "SELECT max(id) FROM spend")
    reversed_ = okrdesk("spend", "reverse", str(last), "--reason", "录错", "--signed-by", "李明",
                        "-w", str(demo), "--lang", lang)  # fmt: skip
    assert reversed_.returncode == 2 and command in " ".join(reversed_.stderr.split())
    ledger = _rows(demo, "SELECT id FROM spend ORDER BY id")
    asked = okrdesk("move-unit", "szft", "-w", str(demo), "--lang", lang)
    assert asked.returncode == 2 and command in " ".join(asked.stderr.split()), asked.stderr
    # Not "were recorded by plan szft-2026": one of them was this plan's own.
    n = len(ledger)
    assert " ".join(asked.stderr.split()).startswith(
        f"of the {n} ledger entries under unit szft, {n - 1} were recorded by plan szft-2026 "
        "and 1 by this plan (futian-2026)"
        if lang == "en"
        else f"记在单位 szft 名下的 {n} 笔支出中，{n - 1} 笔是计划 szft-2026 记录的，1 笔是本计划"
        "（futian-2026）记录的"
    ), asked.stderr
    moved = okrdesk(*_command_named(told[0]), "-w", str(demo), "--lang", lang)
    assert moved.returncode == 0, moved.stderr
    assert (f"{n} ledger entries" if lang == "en" else f"{n} 笔支出") in moved.stdout
    assert _rows(demo, "SELECT id FROM spend WHERE plan_unit = 'futian' ORDER BY id") == ledger
    assert _told(_report(demo)) == []


def test_moved_there_and_back_nothing_is_said_to_have_moved(demo: Path) -> None:
    """szft renamed futian and moved, then renamed back and moved back: each check-in and
    entry is under szft, the id it was made for, and history said `[made for szft, moved
    by okrdesk move-unit …]` beside a check-in for szft, explain of a line `3 entries
    recorded under unit szft, this plan's unit id before it was changed to szft`."""
    before = _figures(_report(demo))
    targets = {p: p.read_text(encoding="utf-8") for p in (demo / "targets").glob("*.toml")}
    _renamed_top(demo)
    assert okrdesk("move-unit", "szft", "-w", str(demo)).returncode == 0
    for path, text in targets.items():
        path.write_text(text, encoding="utf-8")
    back = okrdesk("move-unit", "futian", "-w", str(demo))
    assert back.returncode == 0, back.stderr
    assert _figures(_report(demo)) == before
    for lang in ("en", "zh"):
        for asked in (("history", "C1.KR2"), ("explain", "C1.KR2", "--as-of", AS_OF),
                      ("explain", "events", "--as-of", AS_OF)):  # fmt: skip
            said = okrdesk(*asked, "-w", str(demo), "--lang", lang)
            assert said.returncode == 0, said.stderr
            assert "move-unit" not in said.stdout, said.stdout


@pytest.mark.parametrize("plan_id", [None, "futian-2026"])
def test_the_plans_old_unit_id_is_not_moved_to_a_team(demo: Path, plan_id: str | None) -> None:
    """`okrdesk move-unit szft wm1`, a team's rename typed over the plan's: the branch's 44
    check-ins went to 财富管理一部, whose explain of C1.KR2 then read the branch's whole
    revenue (CNY 468.4m) as the team's, and the ledger stayed under szft; with the plan's
    id changed too, the report then told nothing, the budget read as untouched. Refused,
    naming the command that moves it all to the plan's unit."""
    _renamed_top(demo, plan_id=plan_id)
    kept = (_rows(demo, "SELECT * FROM checkins ORDER BY id"),
            _rows(demo, "SELECT * FROM spend ORDER BY id"))  # fmt: skip
    named = "okrdesk move-unit szft" + (" --from-plan szft-2026" if plan_id else "")
    for lang, said in [
        ("en", f"szft is this plan's own unit id from before it was changed to futian: "
               f"what is kept under it is futian's, and moves there whole, check-ins and "
               f"spending together: `{named}`. Moved to wm1, a unit below it, the plan's "
               f"check-ins would count as wm1's. Nothing was moved."),
        ("zh", f"szft 是本计划的单位 id 改为 futian 之前的 id：记在它名下的是 futian 的内容，"
               f"打卡和支出应一起移到 futian 名下：`{named}`。移到下属单位 wm1 名下，本计划的"
               f"打卡会算作 wm1 的。未移动任何内容。"),
    ]:  # fmt: skip
        refused = okrdesk("move-unit", "szft", "wm1", "-w", str(demo), "--lang", lang)
        assert refused.returncode == 2, refused.stdout
        assert " ".join(refused.stderr.split()) == said, refused.stderr
    assert (_rows(demo, "SELECT * FROM checkins ORDER BY id"),
            _rows(demo, "SELECT * FROM spend ORDER BY id")) == kept  # fmt: skip
    moved = okrdesk(*_command_named(said), "-w", str(demo))
    assert moved.returncode == 0, moved.stderr
    assert _rows(demo, "SELECT DISTINCT subject FROM checkins") == [("futian",)]


GROUP = '\n[[send.channels]]\nkind = "wecom"\nname = "branch-group"\nurl_env = "TEST_WECOM"\n'


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_send_due_holds_back_a_reminder_the_rename_would_make_wrong(demo: Path, lang: str) -> None:
    """Renamed szft → futian, `send --due` told the branch's group that 陈建国 owed 21
    check-ins "since 2026-01-01", all 44 made under szft: it sends nothing, says why and
    what to run, and exits 1; once moved, the reminder goes as due lists it."""
    with (demo / "okrdesk.toml").open("a", encoding="utf-8") as settings:
        settings.write(GROUP)
    _renamed_top(demo)
    with running_bot() as bot:
        env = {"TEST_WECOM": bot.url, "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}
        args = ("send", "--due", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
        for dry in ((), ("--dry-run",)):
            held = okrdesk(*args, *dry, env=env)
            assert held.returncode == 1 and held.stdout == "" and bot.received == []
            said = " ".join(held.stderr.split())
            assert said == (
                "not sent to branch-group: 44 check-ins of 23 key results are kept under unit "
                "szft, most likely the plan's unit id before it was changed, and the reminder "
                "would list them as owed; run `okrdesk move-unit szft`, then `okrdesk send "
                "--due` again" if lang == "en" else
                "未发送至 branch-group：23 项关键结果的 44 条打卡记在单位 szft 名下（很可能是计划的"
                "单位 id 改动之前的 id），提醒会把它们列为待打卡；请先运行 `okrdesk move-unit "
                "szft`，再运行 `okrdesk send --due`"
            ), said  # fmt: skip
        assert okrdesk("move-unit", "szft", "-w", str(demo)).returncode == 0
        sent = okrdesk(*args, env=env)
        assert sent.returncode == 0, sent.stderr
        [message] = bot.received
    content = message["body"]["markdown"]["content"]
    owed = okrdesk("due", "-w", str(demo), "--as-of", AS_OF, "--lang", lang).stdout
    heading = owed.splitlines()[0].rstrip(".。")
    since = "since 2026-01-01" if lang == "en" else "自 2026-01-01 起"
    assert heading in content and since not in content, content


TEAM_CHECKED_IN = """
[[objectives]]
id = "T"
title = "Team visits"
owner = "team-a"

  [[objectives.key_results]]
  id = "VISITS"
  title = "Client visits"
  target = 40
  unit = "次"
"""


def _run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def _visits(root: Path) -> object:
    done = _run(root, "report", "--unit", "team-1", "--as-of", "2026-03-15", "--format", "json")
    assert done.exit_code in (0, 1), done.output
    (kr,) = (kr for o in json.loads(done.output)["objectives"] for kr in o["key_results"]
             if kr["id"] == "T.VISITS")  # fmt: skip
    return kr["actual"]


def test_a_teams_check_ins_move_to_its_new_id(write_workspace: WriteWorkspace) -> None:
    """team-a renamed team-1: its check-ins stay under team-a, and its key result reads
    as never checked in, until they are moved to team-1."""
    root = write_workspace({"team.toml": TEAM_CHECKED_IN})
    for day, value in (("2026-03-02", "10"), ("2026-03-09", "14")):
        done = _run(root, "checkin", "T.VISITS", value, "--date", day, "--unit", "team-a")
        assert done.exit_code == 0, done.output
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace('"team-a"', '"team-1"')
        path.write_text(text, encoding="utf-8")
    assert _visits(root) is None

    missing = _run(root, "move-unit", "team-a", "team-9", "--lang", "en")
    assert missing.exit_code == 2 and 'no unit "team-9"' in missing.output
    # Its new id left out, as for the plan's unit: moved to the plan's, its check-ins
    # counted for none of the team's key results.
    for lang, said in [
        ("en", "unit team-a was never the unit of a plan that collected or spent in this "
               "store: it may be a team's or a person's old id as well as this plan's own, "
               "and only you know which. Name the unit it is now: `okrdesk move-unit team-a "
               "NEW_UNIT` (`okrdesk move-unit team-a branch` where it was this plan's own "
               "unit). Nothing was moved."),
        ("zh", "单位 team-a 从来不是在此数据库中采集或记支出的计划的单位：它可能是某个团队或个人"
               "的旧 id，也可能是本计划自身单位的旧 id，只有您知道是哪一个。请写明它现在的 id："
               "`okrdesk move-unit team-a 新单位`（原是本计划自身的单位时，写 `okrdesk "
               "move-unit team-a branch`）。未移动任何内容。"),
    ]:  # fmt: skip
        defaulted = _run(root, "move-unit", "team-a", "--lang", lang)
        assert defaulted.exit_code == 2 and " ".join(defaulted.output.split()) == said
    assert _rows(root, "SELECT DISTINCT subject FROM checkins") == [("team-a",)]
    moved = _run(root, "move-unit", "team-a", "team-1", "--lang", "zh")
    assert moved.exit_code == 0, moved.output
    assert "已在一个事务中从单位 team-a 移到 team-1 名下：1 项关键结果的 2 条打卡" in moved.output
    assert _rows(root, "SELECT DISTINCT subject FROM checkins") == [("team-1",)]
    assert _visits(root) == 14
    again = _run(root, "move-unit", "team-a", "team-1", "--lang", "en")
    assert again.exit_code == 2 and "the store keeps nothing under unit team-a" in again.output


def test_a_plan_that_only_checks_in_names_its_units_new_id(
    write_workspace: WriteWorkspace,
) -> None:
    """A plan that neither collects nor spends: its unit's old id looks as a team's or a
    person's does (a person's share check-in of the branch's key result, moved to the
    branch, would count as the whole branch's). `okrdesk move-unit OLD` asks for the new
    id; named, it moves them."""
    root = write_workspace({"team.toml": TEAM_CHECKED_IN.replace('"team-a"', '"branch"')})
    done = _run(root, "checkin", "T.VISITS", "14", "--date", "2026-03-09")
    assert done.exit_code == 0, done.output
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace('"branch"', '"branch-1"')
        path.write_text(text, encoding="utf-8")
    asked = _run(root, "move-unit", "branch", "--lang", "en")
    assert asked.exit_code == 2 and "`okrdesk move-unit branch branch-1`" in asked.output
    assert _rows(root, "SELECT DISTINCT subject FROM checkins") == [("branch",)]
    moved = _run(root, "move-unit", "branch", "branch-1", "--lang", "en")
    assert moved.exit_code == 0, moved.output
    assert _rows(root, "SELECT DISTINCT subject FROM checkins") == [("branch-1",)]


def _running_totals(store: Store) -> list[tuple[object, ...]]:
    return sorted(tuple(row) for row in store._rows("SELECT * FROM running_totals"))


def test_figures_move_with_their_collect_and_a_clash_stays_under_the_old_id(
    backend: Backend,
) -> None:
    """The plan's own figures under its old id (a plugin that reports the branch itself)
    move with the run, plugin and source that stored them; one the new id holds for the
    same week already (a source naming both ids in its last week) is kept where it is,
    both stored, and the running totals the report reads stay those of the rows."""
    root = backend.workspace()
    weeks = list(periods_between(dt.date(2026, 1, 5), dt.date(2026, 2, 1), Grain.WEEK))
    last = weeks[-1]
    with backend.open(root) as store:
        old_run = store.start_run("collect", None, plan_unit="branch")
        store.replace_observations(old_run, {"aum": "crm"}, weeks, [
            *(Observation("aum", "branch", week.id, 100.0 + n, source=f"crm row {n}")
              for n, week in enumerate(weeks)),
            Observation("aum", "futian", last.id, 999.0),
        ])  # fmt: skip
        store.finish_run(old_run, "ok", {}, [])
    _renamed(root)

    refused = _run(root, "move-unit", "branch", "--lang", "en")
    assert refused.exit_code == 2, refused.output
    assert f"aum: 1 period(s) under both ({last.id}); merged, futian's figures stay" in (
        refused.output
    )
    merged = _run(root, "move-unit", "branch", "--merge", "--lang", "en")
    assert merged.exit_code == 0, merged.output
    assert "3 collected figures" in merged.output and "1 figure stayed under branch" in (
        merged.output
    )
    with backend.open(root) as store:
        rows = {(o.subject, o.period): o
                for o in (s.observation for s in store.observations(metric="aum"))}  # fmt: skip
        moved = store._rows("SELECT run_id, plugin, source FROM observations "
                            "WHERE subject = 'futian' ORDER BY period")  # fmt: skip
        assert [tuple(row) for row in moved][:3] == [
            (old_run, "crm", f"crm row {n}") for n in range(3)
        ]
        assert rows[("futian", last.id)].value == 999.0
        assert rows[("branch", last.id)].value == 103.0
        assert [run.plan_unit for run in store.runs()] == ["futian"]
        # okrdesk's own write, not a hand edit the next collect would have to add up again.
        assert [tuple(row) for row in store._rows("SELECT count(*) FROM hand_edits")] == [(0,)]
        kept = _running_totals(store)
        with store.transaction():
            store.total_every_period()
        assert _running_totals(store) == kept


def _renamed(root: Path) -> None:
    for path in (root / "targets").glob("*.toml"):
        text = path.read_text(encoding="utf-8").replace('"branch"', '"futian"')
        path.write_text(text.replace('level = "futian"', 'level = "branch"'), encoding="utf-8")


MOVED_BACK_MEANWHILE = [
    ("checkin", "C1.KR2", "4.9亿", "--date", AS_OF, "--by", "chenjianguo"),
    ("spend", "add", "compliance-system", "1万", "--date", AS_OF, "--signed-by", "宋雅",
     "--signed-by", "陈建国"),
]  # fmt: skip


@pytest.mark.parametrize("command", MOVED_BACK_MEANWHILE, ids=["checkin", "spend-add"])
def test_a_move_landing_while_a_check_in_or_spend_waits_is_seen_before_it_is_stored(
    demo: Path, command: tuple[str, ...]
) -> None:
    """Renamed szft → futian and moved, the plan holds everything under futian. A
    colleague whose targets still say szft runs `move-unit futian`, taking it all back to
    szft, while a `checkin` or `spend add` of the renamed plan waits for the write lock:
    it looked for what is kept under old ids before it waited, found nothing, and stored
    a check-in under futian (a second history of C1.KR2) or an entry no breaker of the
    plan judged beside szft's. It looks once it holds the lock, and refuses."""
    _renamed_top(demo)
    assert okrdesk("move-unit", "szft", "-w", str(demo)).returncode == 0
    kept = (_rows(demo, "SELECT count(*) FROM checkins"), _rows(demo, "SELECT count(*) FROM spend"))
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage", "OKRDESK_BUSY_TIMEOUT": "120"}
    waiting: list[subprocess.Popen[str]] = []

    def meanwhile(held: UnitHoldings) -> None:
        # Inside the colleague's move, holding the write lock: the command starts, and
        # is let go only once it waits for that lock.
        waiting.append(subprocess.Popen(
            [sys.executable, "-m", "okrdesk", *command, "-w", str(demo), "--lang", "en"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        ))  # fmt: skip
        _until_each_waits_on(demo / "okrdesk.db", waiting)

    with Store.open(demo / "okrdesk.db") as store:
        lines = {entry.line for entry in store.spend()}
        store.move_unit("futian", "szft", top="szft", lines=lines, guard=meanwhile)
    [process] = waiting
    out, err = process.communicate(timeout=180)
    assert process.returncode == 1, (out, err)
    assert "under unit szft" in " ".join(err.split()) and "Traceback" not in err, err
    assert (_rows(demo, "SELECT count(*) FROM checkins"),
            _rows(demo, "SELECT count(*) FROM spend")) == kept  # fmt: skip
    assert _rows(demo, "SELECT count(*) FROM checkins WHERE subject = 'futian'") == [(0,)]


def test_checkin_and_spend_add_read_no_other_branchs_rows(write_workspace: WriteWorkspace) -> None:
    """A firm's store shared by its branches: `checkin` and `spend add` each read the
    whole of it, every branch's check-ins and ledger, to look for this plan's under an
    old unit id, and one row of another branch that a hand edit spoilt refused both.
    They read what this plan's ids need, and leave longhua's rows to longhua."""
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert _run(root, "checkin", "O1.NEW", "3", "--date", "2026-03-02").exit_code == 0
    with closing(sqlite3.connect(root / "okrdesk.db")) as db, db:
        db.execute(
            "INSERT INTO spend (line, day, amount_fen, signed_by, note, recorded, plan_unit, "
            "plan_id) VALUES ('salons', '2026-03-02', 100000, '[\"刘洋\"]', '', "
            "'2026-03-02T09:00:00+00:00', 'longhua', 'longhua-2026')"
        )
        db.execute(
            "INSERT INTO checkins (key_result, subject, day, value, note, recorded, author) "
            "VALUES ('O1.NEW', 'longhua', '2026-03-02', 7, '', '2026-03-02T09:00:00+00:00', "
            "'liuyang')"
        )
        # longhua's own slip, made by hand: a day that is no day.
        db.execute(
            "INSERT INTO checkins (key_result, subject, day, value, note, recorded, author) "
            "VALUES ('O1.NEW', 'lh01', '2026-03-3', 2, '', '2026-03-03T09:00:00+00:00', "
            "'liuyang')"
        )
        db.execute(
            "INSERT INTO spend (line, day, amount_fen, signed_by, note, recorded, plan_unit, "
            "plan_id) VALUES ('salons', '2026-03-3', 100000, '[\"刘洋\"]', '', "
            "'2026-03-03T09:00:00+00:00', 'longhua', 'longhua-2026')"
        )
    theirs = _rows(root, "SELECT * FROM checkins WHERE author = 'liuyang' ORDER BY id")
    checked = _run(root, "checkin", "O1.NEW", "5", "--date", "2026-03-09", "--lang", "en")
    assert checked.exit_code == 0 and "(check-in 2 for it" in checked.output, checked.output
    spent = _run(root, "spend", "add", "training", "10", "--date", "2026-03-09",
                 "--signed-by", "cm01", "--lang", "en")  # fmt: skip
    assert spent.exit_code == 0 and "Recorded" in spent.output, spent.output
    assert _rows(root, "SELECT * FROM checkins WHERE author = 'liuyang' ORDER BY id") == theirs
    assert _rows(root, "SELECT count(*) FROM spend WHERE plan_unit = 'longhua'") == [(2,)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moved_check_ins_and_collects_say_the_id_they_were_made_under(
    demo: Path, lang: str
) -> None:
    """After `move-unit szft`, history and explain showed C1.KR2's check-ins as made for
    futian, and the collect kept szft among whose figures it replaced: a figure traced to
    an id the plan has, or to one it no longer has, with no word of the move. Each keeps
    the id it was made under, and says it where a manager traces the figure."""
    _renamed_top(demo)
    assert okrdesk("move-unit", "szft", "-w", str(demo)).returncode == 0
    added = okrdesk("checkin", "C1.KR2", "4.9亿", "--date", AS_OF, "--by", "chenjianguo",
                    "-w", str(demo))  # fmt: skip
    assert added.returncode == 0, added.stderr
    moved = (
        "[made for szft, moved by `okrdesk move-unit` " if lang == "en"
        else "[原记在 szft 名下，"
    )  # fmt: skip
    history = okrdesk("history", "C1.KR2", "-w", str(demo), "--lang", lang).stdout.splitlines()
    rows = [line for line in history if "2026-" in line]
    assert [moved in row for row in rows] == [True, True, False], history
    explained = okrdesk("explain", "C1.KR2", "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                        env={"COLUMNS": "200"}).stdout  # fmt: skip
    told = (
        "; made for unit szft, moved here " if lang == "en"
        else " · 原记在单位 szft 名下，"
    )  # fmt: skip
    assert explained.count(told) == 2, explained
    assert _rows(demo, "SELECT DISTINCT subject, moved_from FROM checkins WHERE moved IS NOT NULL"
                 ) == [("futian", "szft")]  # fmt: skip
    assert _rows(demo, "SELECT plan_unit, moved_from FROM runs") == [("futian", "szft")]
    [(subjects,)] = _rows(demo, "SELECT subjects FROM runs")
    assert "futian" in json.loads(str(subjects)) and "szft" not in json.loads(str(subjects))
    exported = json.loads(okrdesk("export", "-w", str(demo), "--format", "json").stdout)
    assert {(c["subject"], c["moved_from"]) for c in exported["checkins"]} == {
        ("futian", "szft"),
        ("futian", ""),
    }
    assert [(r["plan_unit"], r["moved_from"]) for r in exported["runs"]] == [("futian", "szft")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_history_and_explain_tell_check_ins_kept_under_the_old_id(demo: Path, lang: str) -> None:
    """Renamed szft → futian before `move-unit`, `history C1.KR2` and `explain C1.KR2`
    said "No check-ins yet" (尚无打卡), and a manager would take months of check-ins for
    lost. Each says how many are kept under szft, of which days, and the command that
    moves them, as the report's old_unit line and `due` do."""
    _renamed_top(demo)
    history = okrdesk("history", "C1.KR2", "-w", str(demo), "--lang", lang)
    assert history.returncode == 0, history.stderr
    said = " ".join(history.stdout.split())
    explained = okrdesk("explain", "C1.KR2", "-w", str(demo), "--as-of", AS_OF, "--lang", lang)
    assert explained.returncode == 0, explained.stderr
    explained_said = " ".join(explained.stdout.split())
    if lang == "en":
        assert "No check-ins yet" not in said + explained_said
        assert ("None listed: 2 check-ins of C1.KR2 (2026-09-30 to 2026-10-31) are kept "
                "under unit szft, most likely the plan's unit id before it was changed to "
                "futian; they count in no figure until `okrdesk move-unit szft` moves them "
                "here.") in said, said  # fmt: skip
        assert ("Not counted: 2 check-ins of C1.KR2 (2026-09-30 to 2026-10-31) kept under "
                "unit szft, most likely the plan's unit id before it was changed to futian, "
                "until `okrdesk move-unit szft` moves them here.") in explained_said  # fmt: skip
    else:
        assert "尚无打卡" not in said and "还没有打卡" not in explained_said
        assert ("未列出任何打卡：C1.KR2 的 2 条打卡（2026-09-30 至 2026-10-31）记在单位 szft "
                "名下（很可能是计划的单位 id 改为 futian 之前的 id），`okrdesk move-unit szft` "
                "把它们移过来之前，不计入任何数字。") in said, said  # fmt: skip
        assert ("未计入：C1.KR2的2条打卡（2026-09-30至2026-10-31）记在单位szft名下（很可能是计划"
                "的单位id改为futian之前的id），`okrdeskmove-unitszft`把它们移过来之前不计入。"
                ) in "".join(explained_said.split())  # fmt: skip
    # A team's figure would not count them once moved: its explain says nothing of them.
    team = okrdesk("explain", "C1.KR2", "--unit", "wm1", "-w", str(demo), "--as-of", AS_OF)
    assert "move-unit" not in team.stdout + team.stderr
    assert okrdesk("move-unit", "szft", "-w", str(demo)).returncode == 0
    listed = okrdesk("history", "C1.KR2", "-w", str(demo), "--lang", lang).stdout
    assert "listed" not in listed and "未列出" not in listed, listed
    assert listed.count("[made for szft" if lang == "en" else "[原记在 szft 名下") == 2, listed


def _spoilt_by_another_branch(root: Path) -> None:
    """longhua's check-ins of the same key result in the shared store, one of them spoilt
    by a hand edit: a day that is no day."""
    with closing(sqlite3.connect(root / "okrdesk.db")) as db, db:
        for subject, day in (("longhua", "2026-03-02"), ("lh01", "2026-03-3")):
            db.execute(
                "INSERT INTO checkins (key_result, subject, day, value, note, recorded, author) "
                f"VALUES ('O1.NEW', '{subject}', '{day}', 7, '', '2026-03-02T09:00:00+00:00', "
                "'liuyang')"
            )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_due_reads_only_the_plans_subjects_check_ins(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """A firm's store shared by its branches: `due` read every subject's check-ins of each
    key result, and one row of another branch spoilt by hand made it fail. It reads the
    plan's subjects' alone, and says what this plan owes."""
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert _run(root, "checkin", "O1.NEW", "3", "--date", "2026-03-02").exit_code == 0
    _spoilt_by_another_branch(root)
    due = _run(root, "due", "--as-of", "2026-03-20", "--lang", lang)
    assert due.exit_code == 0, due.output
    assert "O1.NEW" in due.output and "2026-03-3" not in due.output, due.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_history_reads_only_the_plans_subjects_check_ins(
    write_workspace: WriteWorkspace, lang: str
) -> None:
    """As `due`: one row of another branch spoilt by hand stopped `history` of a key
    result id the branches share; it reads this plan's subjects' alone (as the report,
    check and explain do: tests/test_shared_store_checkins.py)."""
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert _run(root, "checkin", "O1.NEW", "3", "--date", "2026-03-02").exit_code == 0
    _spoilt_by_another_branch(root)
    history = _run(root, "history", "O1.NEW", "--lang", lang)
    assert history.exit_code == 0, history.output
    assert "2026-03-02" in history.output and "2026-03-3" not in history.output


def test_spend_list_and_reverse_read_no_other_branchs_rows(
    write_workspace: WriteWorkspace,
) -> None:
    """A firm's store shared by its branches: `spend list` and `spend reverse` read the
    whole ledger, every branch's, and one entry of another branch spoilt by a hand edit
    stopped both, so this plan could neither see nor correct its own. They read this
    plan's entries, and count longhua's without reading them."""
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    spent = _run(root, "spend", "add", "training", "10", "--date", "2026-03-02",
                 "--signed-by", "cm01")  # fmt: skip
    assert spent.exit_code == 0, spent.output
    with closing(sqlite3.connect(root / "okrdesk.db")) as db, db:
        for day in ("2026-03-02", "2026-03-3"):  # the second, longhua's slip made by hand
            db.execute(
                "INSERT INTO spend (line, day, amount_fen, signed_by, note, recorded, "
                f"plan_unit, plan_id) VALUES ('training', '{day}', 100000, '[\"刘洋\"]', '', "
                "'2026-03-02T09:00:00+00:00', 'longhua', 'longhua-2026')"
            )
    listed = _run(root, "spend", "list", "--lang", "en")
    assert listed.exit_code == 0, listed.output
    rows = listed.output.splitlines()
    assert [row.split()[0] for row in rows[1:-2]] == ["1"], rows
    assert " ".join(rows[-1:]).startswith(
        "Not listed: 2 entries recorded by another plan sharing this store (unit longhua)"
    ), rows
    for entry in ("2", "3"):  # longhua's, its spoilt one too: longhua's to reverse
        theirs = _run(root, "spend", "reverse", entry, "--reason", "not ours", "--signed-by",
                      "cm01", "--lang", "en")  # fmt: skip
        assert theirs.exit_code == 2, theirs.output
        assert f"entry {entry} was recorded by the plan of unit longhua" in theirs.output
    reversed_ = _run(root, "spend", "reverse", "1", "--reason", "typed twice", "--signed-by",
                     "cm01", "--lang", "en")  # fmt: skip
    assert reversed_.exit_code == 0 and "Reversed entry 1" in reversed_.output, reversed_.output
    missing = _run(root, "spend", "reverse", "9", "--reason", "slip", "--signed-by", "cm01")
    assert missing.exit_code == 2 and "9" in missing.output, missing.output
    assert _rows(root, "SELECT count(*) FROM spend WHERE plan_unit = 'longhua'") == [(2,)]


def test_a_collects_list_of_people_changed_by_hand_is_named_and_nothing_is_moved(
    demo: Path,
) -> None:
    """move-unit renames the old id in every collect's list of whose figures it replaced;
    one such list changed by hand ended the command in a JSONDecodeError."""
    _renamed_top(demo)
    with closing(sqlite3.connect(demo / "okrdesk.db")) as connection, connection:
        connection.execute("UPDATE runs SET subjects = '[\"szft\", ' WHERE id = 1")
    held = (
        "SELECT (SELECT count(*) FROM checkins WHERE subject = 'szft'), "
        "(SELECT count(*) FROM spend WHERE plan_unit = 'szft')"
    )
    before = _rows(demo, held)
    moved = okrdesk("move-unit", "szft", "futian", "-w", str(demo), "--lang", "en")
    assert moved.returncode == 2, moved.stdout + moved.stderr
    assert "runs row 1: subjects holds '[\"szft\", ', which okrdesk never writes" in moved.stderr
    assert "Traceback" not in moved.stderr
    assert _rows(demo, held) == before and before[0][0] and before[0][1]
