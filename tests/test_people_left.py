"""[plan] people_left: a manager says an id went for good, and no rename is told of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from test_move_unit import _rows
from test_renamed_people import _rename, _told
from test_report import AS_OF, okrdesk


@pytest.fixture
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    """The demo where 刘洋 (liuyang) left and chenxi joined 财富管理一部 in his place."""
    root = copy_of_the_demo("people-left")
    _rename(root, "liuyang", "chenxi")
    return root


def _say_left(root: Path, written: str) -> None:
    plan = root / "targets" / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('grain = "week"', f'grain = "week"\npeople_left = {written}'),
                    encoding="utf-8")  # fmt: skip


_LEFT = {
    "en": "If liuyang left and was not renamed, say so in the target files' [plan]: "
          'people_left = ["liuyang"]; it is told no more',
    "zh": "如果 liuyang 是离开了而不是改了 id，请在目标文件的 [plan] 中写明："
          'people_left = ["liuyang"]，此后不再提醒',
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_who_left_is_said_so_and_told_no_more(demo: Path, lang: str) -> None:
    """liuyang left as chenxi joined: told all year as a possible rename, with no way
    to say it was none. The warning says both, and how to say he left; said so, check,
    the report and collect tell it no more."""
    (told,) = _told(demo, lang)
    assert told.startswith("liuyang is gone" if lang == "en" else "liuyang 已不在"), told
    assert "chenxi" in told and told.endswith(_LEFT[lang]), told
    _say_left(demo, '["liuyang"]')
    validated = okrdesk("validate", "-w", str(demo), "--lang", lang)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert _told(demo, lang) == []
    collected = okrdesk("collect", "-w", str(demo), "--through", AS_OF, "--lang", lang)
    assert collected.returncode == 0 and "liuyang" not in collected.stderr, collected.stderr
    assert _told(demo, lang) == []


def test_one_of_two_said_to_have_left_leaves_the_other_told(demo: Path) -> None:
    """huangting renamed too: the line names both and how to say who left; with liuyang
    said to have left, huangting's is told alone, as a rename of its own."""
    _rename(demo, "huangting", "huangting2")
    (told,) = _told(demo, "en")
    assert told.endswith('Those who left and were not renamed are said so in the target '
                         'files\' [plan] (people_left = ["huangting", "liuyang"] if all did), '
                         "and told no more"), told  # fmt: skip
    _say_left(demo, '["liuyang"]')
    (told,) = _told(demo, "en")
    assert told.startswith("huangting is gone from the target files and chenxi and "
                           "huangting2 (财富管理一部) are new since"), told  # fmt: skip
    assert "liuyang" not in told


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "liuyang is a person who left, as the target files' [plan] people_left says: "
               "move-unit moves what is kept under a unit's old id"),
        ("zh", "liuyang 是离开的人员，目标文件的 [plan] people_left 如此写明：move-unit 只移动"
               "记在单位旧 id 名下的内容"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("to", [[], ["wm1"]])
def test_move_unit_leaves_the_figures_of_one_who_left(
    demo: Path, lang: str, said: str, to: list[str]
) -> None:
    """liuyang said to have left: `okrdesk move-unit liuyang wm1` moved his 503 figures to
    财富管理一部, which then read one person's figures as its own. It is refused, the new
    unit named or not, saying why and what to do were it a rename; nothing is moved."""
    _say_left(demo, '["liuyang"]')
    query = "SELECT count(*), sum(value) FROM observations WHERE subject = 'liuyang'"
    stored = _rows(demo, query)
    refused = okrdesk("move-unit", "liuyang", *to, "-w", str(demo), "--lang", lang)
    assert refused.returncode == 2, refused.stdout
    told = " ".join(refused.stderr.split())
    assert told.startswith(said) and "Traceback" not in refused.stderr, told
    assert told.endswith("Nothing was moved." if lang == "en" else "未移动任何内容。"), told
    assert _rows(demo, query) == stored


_REFUSED = {
    '"liuyang"': [
        'targets/plan.toml:15: plan.people_left: expected an array of person ids, got a '
        """string ('liuyang'): write people_left = ["liuyang"]""",
    ],
    '["chenxi", "wm1", 3, "liuyang", "liuyang", "ｌｉｕｙａｎｇ"]': [
        'targets/plan.toml:15: plan.people_left[0]: "chenxi" is a person of the plan '
        "(targets/org.toml:84): people_left names those whose [[people]] table is gone; take "
        "it out of one of the two",
        'targets/plan.toml:15: plan.people_left[1]: "wm1" is a unit of the plan '
        "(targets/org.toml:32): people_left names people who left, not units",
        "targets/plan.toml:15: plan.people_left[2]: expected a person id (text), got a number (3)",
        "targets/plan.toml:15: plan.people_left[4]: is the same id as people_left[3]; write "
        "each id once",
        "targets/plan.toml:15: plan.people_left[5]: is written with a space, full-width "
        'letters or an invisible character: write "liuyang"',
    ],
}  # fmt: skip


@pytest.mark.parametrize("written", list(_REFUSED))
def test_validate_refuses_a_mistyped_people_left_at_its_place(demo: Path, written: str) -> None:
    """Each mistake of people_left is a problem naming file, line and key, all at once, in
    both languages; the plan's other keys are still checked."""
    _say_left(demo, written)
    done = okrdesk("validate", "-w", str(demo), "--lang", "en")
    assert done.returncode == 2, done.stdout + done.stderr
    said = [line for line in done.stdout.splitlines() if line.startswith("targets/")]
    assert said == _REFUSED[written], said
    assert "Traceback" not in done.stderr
    zh = okrdesk("validate", "-w", str(demo), "--lang", "zh")
    assert zh.returncode == 2 and "people_left" in zh.stdout and "应为" in zh.stdout, zh.stdout
