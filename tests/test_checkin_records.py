"""What `okrdesk checkin` stores and says it stored: counted in the insert's own
transaction, an exact repeat refused, what was stored told even when Ctrl-C cuts it
short. Real workspaces, a real SQLite store, real processes and click's CliRunner."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from backends import Backend
from okrdesk.cli import cli
from okrdesk.store import Store
from sample_workspace import OKRS, WriteWorkspace

OKRDESK = [sys.executable, "-m", "okrdesk"]


def environment() -> dict[str, str]:
    """The test's environment (its private configuration, where the workspace is trusted)
    for a process of its own."""
    return {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}


CHECKIN_OKRS = (
    OKRS
    + """
[[objectives.key_results]]
id = "NEW"
title = "新开户"
target = 40
unit = "户"
"""
)


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"okrs.toml": CHECKIN_OKRS})


@pytest.fixture
def backend_on_a_server(write_workspace: WriteWorkspace, postgres_url: str) -> Path:
    return Backend("postgresql", postgres_url, write_workspace).workspace(
        {"okrs.toml": CHECKIN_OKRS}
    )


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def stored(root: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return connection.execute("SELECT id, value, note FROM checkins ORDER BY id").fetchall()


def test_check_ins_made_at_once_are_numbered_in_the_order_they_are_stored(
    backend_on_a_server: Path, postgres_url: str
) -> None:
    # Counted after the insert, in a read of its own, six check-ins let in at once each
    # counted whatever had landed by then: several said 第 7 次, none 第 2 次.
    root = backend_on_a_server
    assert run(root, "checkin", "O1.NEW", "1", "--date", "2026-01-31").exit_code == 0
    command = [*OKRDESK, "checkin", "O1.NEW", "--date", "2026-02-28", "-w", str(root)]
    pipes = {
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "text": True,
        "env": environment(),
    }
    with psycopg.connect(postgres_url) as holder:
        # No check-in goes in while the table is held; each process waits at its insert
        # (or at the lock the first of them holds while it waits there).
        holder.execute("LOCK TABLE checkins IN EXCLUSIVE MODE")
        processes = [
            subprocess.Popen([*command, str(n + 2)], **pipes)  # type: ignore[call-overload]
            for n in range(6)
        ]
        deadline = time.monotonic() + 120
        with psycopg.connect(postgres_url, autocommit=True) as looking:
            while time.monotonic() < deadline and all(p.poll() is None for p in processes):
                waiting = looking.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if (waiting.fetchone() or (0,))[0] >= 6:
                    break
                time.sleep(0.1)
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in processes]
    assert all(code == 0 for code, _, _ in outcomes), outcomes
    told = sorted(
        (int(found[2]), int(found[1]))
        for _, out, _ in outcomes
        for found in [re.search(r"第 (\d+) 次打卡，编号 (\d+)", out)]
        if found is not None
    )
    # Each id (2 to 7, after the first check-in's 1) is told as its place among them.
    assert told == [(n, n) for n in range(2, 8)], outcomes


def test_the_same_check_in_entered_again_is_refused_until_said_to_be_another(
    workspace: Path,
) -> None:
    # Run again after a Ctrl-C, or pasted twice, the same check-in was stored twice: the
    # history read as two reports of the figure, and the count (第 N 次) ran on.
    args = ["checkin", "O1.NEW", "12", "--date", "2026-03-31", "--note", "周报", "--by", "王芳"]
    assert run(workspace, *args).exit_code == 0
    again = run(workspace, *args)
    assert again.exit_code == 1, again.output
    assert again.output.startswith("已拒绝：编号 1 的打卡（记录于 "), again.output
    assert "填报人 王芳）已是这次打卡（O1.NEW 12户，branch，截至 2026-03-31" in again.output
    assert "请加上 --again。未记录任何打卡。" in again.output and "Traceback" not in again.output
    english = run(workspace, *args, "--lang", "en")
    assert english.exit_code == 1
    assert english.output.startswith("refused: check-in 1, recorded "), english.output
    assert "add --again. Nothing was stored." in english.output
    assert stored(workspace) == [(1, 12.0, "周报")]
    # Any difference makes another check-in; --again records the same one on purpose.
    assert run(workspace, *args[:-4], "--note", "月报", "--by", "王芳").exit_code == 0
    assert run(workspace, *args, "--confidence", "0.8").exit_code == 0
    assert run(workspace, *args[:2], "13", *args[3:]).exit_code == 0
    twice = run(workspace, *args, "--again")
    assert twice.exit_code == 0 and "branch 第 5 次打卡，编号 5" in twice.output, twice.output
    # Withdrawn, the first no longer stands: entering it again is the correction.
    withdrawn = ["checkin", "--withdraw", "5", "--reason", "多录了一次", "--by", "王芳"]
    assert run(workspace, *withdrawn).exit_code == 0
    assert (
        run(workspace, "checkin", "--withdraw", "1", "--reason", "x", "--by", "王芳").exit_code == 0
    )
    assert run(workspace, *args).exit_code == 0
    assert [row[0] for row in stored(workspace)] == [1, 2, 3, 4, 5, 6]
    # --again records a check-in: with --list or --withdraw, which record none, it was
    # let pass without a word.
    for alone in (["--list", "O1.NEW"], ["--withdraw", "2", "--reason", "x"]):
        told = run(workspace, "checkin", *alone, "--again", "--lang", "en")
        assert told.exit_code == 2, told.output
        assert "--again goes with KEY_RESULT VALUE" in told.output
    assert [row[0] for row in stored(workspace)] == [1, 2, 3, 4, 5, 6]


RATES_CHECKED_IN = (
    OKRS
    + """
[[objectives.key_results]]
id = "RETAIN"
title = "客户资产留存率 ≥ 92%"
target = 92
unit = "%"

[[objectives.key_results]]
id = "ENPS"
title = "员工 eNPS ≥ 50"
target = 50
unit = "分"

[[objectives.key_results]]
id = "COVER"
title = "带教覆盖率 100%"
target = 100
baseline = 70
unit = "%"

[[objectives.key_results]]
id = "FLOOR"
title = "留存率全年 ≥ 92%"
target = 92
guardrail = true
unit = "%"

[[objectives.key_results]]
id = "COST"
title = "费用率下降 1.2 个百分点"
target = 1.2
unit = "百分点"

[[objectives.key_results]]
id = "NEW"
title = "新开户"
target = 40
unit = "户"
"""
)


def test_a_rate_or_a_score_checked_in_without_a_baseline_is_told_it_is_paced_from_0(
    write_workspace: WriteWorkspace,
) -> None:
    # A retention of 92% checked in was paced up from 0 as a sum is, so 50% in June read
    # on track; a rate collected by a metric was warned of, one checked in was not.
    root = write_workspace({"okrs.toml": RATES_CHECKED_IN})
    said = run(root, "validate").output
    warned = [line for line in said.splitlines() if "从 0 起按进度推进" in line]
    assert [line.split(":")[2].strip() for line in warned] == [
        "objectives[O1].key_results[RETAIN].target",
        "objectives[O1].key_results[ENPS].target",
    ], said
    assert "比率从 0 起按进度推进（未写 baseline）" in warned[0]
    assert (
        "请把 baseline 写成计划开始时的比率（如去年的），或写 guardrail = true，全年按 92% 考核"
        in warned[0]
    )
    assert "得分从 0 起按进度推进" in warned[1] and "计划开始时的得分（如去年的）" in warned[1]
    english = run(root, "validate", "--lang", "en").output
    assert "a rate paced up from 0 (no baseline)" in english
    assert "a score paced up from 0 (no baseline)" in english
    assert "write `baseline` as the score at the plan's start (last year's)" in english


def test_a_rate_going_up_from_0_typed_as_a_fraction_is_said_back_with_the_command_to_redo_it(
    write_workspace: WriteWorkspace,
) -> None:
    # 0.92 typed for a retention of 92% was stored as 0.92% and said back as any figure:
    # the slip was looked for against a baseline, and a goal up from 0 has none above 0.
    root = write_workspace({"okrs.toml": RATES_CHECKED_IN})
    slip = run(root, "checkin", "O1.RETAIN", "0.92", "--date", "2026-03-31")
    assert slip.exit_code == 0, slip.output
    assert slip.output.rstrip().endswith(
        "该数值不到目标 92% 的十分之一：如果 0.92 是按小数写的 92%，请撤回（okrdesk checkin "
        "--withdraw 1 --reason 理由），再以 92 打卡。"
    ), slip.output
    english = run(root, "checkin", "O1.RETAIN", "0.915", "--date", "2026-04-30", "--lang", "en")
    assert english.output.rstrip().endswith(
        "That is under a tenth of its target, 92%: if 0.915 was meant as a fraction, 91.5%, "
        "withdraw it (okrdesk checkin --withdraw 2 --reason TEXT) and check in 91.5."
    ), english.output
    # Written in %, or a figure a tenth of the target or more, is what it says.
    for value in ("0.92%", "50", "9.2"):
        plain = run(root, "checkin", "O1.RETAIN", value, "--date", "2026-05-31", "--again")
        assert plain.exit_code == 0 and "十分之一" not in plain.output, plain.output


FIGURES_OKRS = (
    OKRS
    + """
[[objectives.key_results]]
id = "NEW"
title = "新开户"
target = 40
unit = "户"

[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 5.5
unit = "亿元"

[[objectives.key_results]]
id = "COVER"
title = "带教覆盖率"
target = 100
baseline = 70
unit = "%"
"""
)


def test_a_figure_is_read_as_a_branch_writes_it_money_after_its_yuan_sign_counts_in_their_own_word(
    write_workspace: WriteWorkspace,
) -> None:
    # ￥120万 was refused as no number, and 7人 was stored as 7户: people are not households.
    root = write_workspace({"okrs.toml": FIGURES_OKRS})
    day = ["--date", "2026-03-31"]
    people = run(root, "checkin", "O1.NEW", "7人", *day)
    assert people.exit_code == 2 and "Traceback" not in people.output, people.output
    assert people.output.strip() == (
        "O1.NEW：'7人'：人 与 户 计的不是同一种对象；请以 户 写。未记录任何打卡。"
    )
    english = run(root, "checkin", "O1.NEW", "7人", *day, "--lang", "en")
    assert english.output.strip() == (
        "O1.NEW: '7人': 人 counts something other than 户; write it in 户. Nothing was stored."
    )
    assert not (root / "okrdesk.db").exists() or stored(root) == []
    rate = run(root, "checkin", "O1.COVER", "￥12", *day, "--lang", "en")
    assert rate.exit_code == 2
    assert "'￥12': ¥ does not go with %; write it in %, or with % or ‰" in rate.output
    for value, base in (("7户", 7.0), ("1.2万户", 12_000.0), ("1.2万", 12_000.0)):
        done = run(root, "checkin", "O1.NEW", value, *day, "--note", value)
        assert done.exit_code == 0, done.output
        assert stored(root)[-1][1] == base
    for value, base in (("￥120万", 1_200_000.0), ("¥3,500", 3_500.0), ("￥1.2亿", 1.2e8)):
        done = run(root, "checkin", "O1.REV", value, *day, "--note", value)
        assert done.exit_code == 0, done.output
        assert stored(root)[-1][1] == base
    # A spend amount is read by the same parser.
    spent = run(root, "spend", "add", "training", "￥3,500", "--signed-by", "王芳", *day)
    assert spent.exit_code == 0 and "已记录支出 3,500元：training" in spent.output, spent.output


@pytest.mark.parametrize(
    ("lang", "checked_in", "spent"),
    [
        ("zh", "¥3,500 按元计：3,500元 = 0.35万；只写 3500 则是 3,500亿。",
         "签字人 王芳。¥3,500 按元计：3,500元 = 0.35万；只写 3500 则是 3,500万。本项已支出"),
        ("en", " ¥3,500 is read as yuan: CNY 3,500 = CNY 3.5k; 3500 alone is CNY 350,000m here.",
         "signed by 王芳. ¥3,500 is read as yuan: CNY 3,500 = CNY 3.5k; 3500 alone is CNY 35m "
         "here. Spent so far"),
    ],
)  # fmt: skip
def test_a_figure_after_its_yuan_sign_alone_in_wan_or_yi_says_it_was_read_as_yuan(
    write_workspace: WriteWorkspace, lang: str, checked_in: str, spent: str
) -> None:
    """¥3,500 on a figure kept in 万元 or 亿元 is 3,500元, as yuan are written; the reply
    said only 0.35万 (or 3,500元), which a manager who meant 3,500万 could read past."""
    root = write_workspace({"okrs.toml": FIGURES_OKRS})
    day = ["--date", "2026-03-31", "--lang", lang]
    done = run(root, "checkin", "O1.REV", "¥3,500", *day)
    assert done.exit_code == 0, done.output
    assert checked_in in done.output, done.output
    done = run(root, "spend", "add", "training", "¥3,500", "--signed-by", "王芳", *day)
    assert done.exit_code == 0, done.output
    assert spent in done.output, done.output
    # Written with its unit, or bare, it says what it is: nothing more to say.
    for value in ("3,500元", "0.35"):
        done = run(root, "spend", "add", "training", value, "--signed-by", "王芳", *day, "--again")
        assert done.exit_code == 0 and "¥" not in done.output, done.output


AMOUNT_OKRS = (
    FIGURES_OKRS
    + """
[[objectives.key_results]]
id = "AVG"
title = "家族信托单均规模"
target = 3500
unit = "万元"
"""
)


@pytest.mark.parametrize(
    ("lang", "recorded", "amounts", "spent", "withdrew"),
    [
        ("zh", "：已记录 {}（", ("3,500元", "3,500.5万", "3,501.23万", "45亿"),
         ("已记录支出 3,500元：", "已记录支出 120万："), "已撤回打卡 2：O1.AVG 3,500.5万（"),
        ("en", ": {} for branch", ("CNY 3.5k", "CNY 35,005k", "CNY 35,012.3k", "CNY 4,500m"),
         ("Recorded CNY 3.5k on", "Recorded CNY 1.2m on"),
         "Withdrew check-in 2: O1.AVG CNY 35,005k for"),
    ],
)  # fmt: skip
def test_an_amount_checked_in_is_said_back_exactly_and_as_spend_add_says_it(
    write_workspace: WriteWorkspace,
    lang: str,
    recorded: str,
    amounts: tuple[str, ...],
    spent: tuple[str, ...],
    withdrew: str,
) -> None:
    """checkin said 3,500元 back as 0.35万 where spend add said 3,500元, and rounded what it
    stored: 3500.5 on a figure in 万元 was told as 3,501万 (CNY 35.01m), so the person
    checking it could not see what was kept. Both now say an amount as it is kept, in
    the scale a branch writes it in."""
    root = write_workspace({"okrs.toml": AMOUNT_OKRS})
    day = ["--date", "2026-03-31", "--lang", lang]
    for typed, written in zip(("3500元", "3500.5", "3501.23", "45亿"), amounts, strict=True):
        done = run(root, "checkin", "O1.AVG", typed, *day, "--note", typed)
        assert done.exit_code == 0, done.output
        assert recorded.format(written) in done.output, done.output
    assert [value for _, value, _ in stored(root)] == [3_500, 35_005_000, 35_012_300, 4.5e9]
    for typed, said in zip(("3500元", "120"), spent, strict=True):
        done = run(root, "spend", "add", "training", typed, "--signed-by", "王芳", *day)
        assert done.exit_code == 0 and said in done.output, done.output
    done = run(root, "checkin", "--withdraw", "2", "--reason", "x", "--by", "王芳", "--lang", lang)
    assert done.exit_code == 0 and done.output.startswith(withdrew), done.output


@pytest.mark.parametrize(
    ("lang", "amounts"),
    [("zh", ("3,500元", "3,500.5万", "3,501.23万", "45亿")),
     ("en", ("CNY 3.5k", "CNY 35,005k", "CNY 35,012.3k", "CNY 4,500m"))],
)  # fmt: skip
def test_history_and_checkin_list_say_an_amount_as_it_was_stored(
    write_workspace: WriteWorkspace, lang: str, amounts: tuple[str, ...]
) -> None:
    """`history` and `checkin --list` rounded a stored amount as the report does: 3501.23
    on a figure in 万元, stored and told back by checkin as 3,501.23万, was listed as
    3,501万 (CNY 35.01m), and 3500元 as 0.35万. A record lists what was stored, as
    checkin and spend add say it."""
    root = write_workspace({"okrs.toml": AMOUNT_OKRS})
    for typed in ("3500元", "3500.5", "3501.23", "45亿"):
        done = run(root, "checkin", "O1.AVG", typed, "--date", "2026-03-31", "--note", typed)
        assert done.exit_code == 0, done.output
    for command in (("history", "O1.AVG"), ("checkin", "--list", "O1.AVG")):
        listed = run(root, *command, "--lang", lang)
        assert listed.exit_code == 0, listed.output
        rows = [line for line in listed.output.splitlines() if "2026-03-31" in line]
        values = [row.split("2026-03-31")[1].split("  branch")[0].strip() for row in rows]
        assert values == list(amounts), listed.output


def test_a_yuan_sign_before_a_bare_figure_kept_in_wan_or_yi_is_refused_as_either(
    write_workspace: WriteWorkspace,
) -> None:
    # ¥12 on a line kept in 万元 was recorded as 12元, and ¥5 on a key result in 亿元 as
    # 5元: a bare 12 there is 12万, so the manager most likely meant that, and the breaker
    # was judging 12元 of spending where 12万 had gone.
    root = write_workspace({"okrs.toml": FIGURES_OKRS})
    day = ["--date", "2026-03-31"]
    assert run(root, "checkin", "O1.REV", "1", *day).exit_code == 0
    checked_in = run(root, "checkin", "O1.REV", "¥5", *day)
    assert checked_in.exit_code == 2, checked_in.output
    assert checked_in.output.strip() == (
        "O1.REV：'¥5'：此处以 亿元 计，不带单位的 5 是 5亿，而 ¥ 表示 5元，无法确定是哪一个："
        "若是 5亿，请写 5 或 5亿；若是 5元，请写 5元。未记录任何打卡。"
    )
    english = run(root, "checkin", "O1.REV", "￥5", *day, "--lang", "en")
    assert english.exit_code == 2
    assert english.output.strip() == (
        "O1.REV: '￥5': this is kept in 亿元, where a bare 5 is 5亿, and the yuan sign says "
        "5元; say which: 5 or 5亿 for 5亿, 5元 for 5元. Nothing was stored."
    )
    spent = run(root, "spend", "add", "training", "￥12.5", "--signed-by", "王芳", *day)
    assert spent.exit_code == 2, spent.output
    assert spent.output.strip() == (
        "'￥12.5'：此处以 万元 计，不带单位的 12.5 是 12.5万，而 ¥ 表示 12.5元，无法确定是哪"
        "一个：若是 12.5万，请写 12.5 或 12.5万；若是 12.5元，请写 12.5元。未记录任何支出。"
    )
    with sqlite3.connect(root / "okrdesk.db") as connection:
        assert connection.execute("SELECT count(*) FROM spend").fetchone() == (0,)
    assert [value for _, value, _ in stored(root)] == [1e8]
    # Either way it is written, it is taken; and a figure grouped by thousands, as yuan
    # are written, is yuan, as in a target file.
    for value, base in (("12.5", 125_000), ("12.5万", 125_000), ("12.5元", 12.5),
                        ("¥12.5万", 125_000), ("¥1,250", 1_250)):  # fmt: skip
        done = run(root, "spend", "add", "training", value, "--signed-by", "王芳", *day,
                   "--again")  # fmt: skip
        assert done.exit_code == 0, done.output
        with sqlite3.connect(root / "okrdesk.db") as connection:
            (fen,) = connection.execute("SELECT amount_fen FROM spend ORDER BY id DESC LIMIT 1")
        assert Decimal(fen[0]) / 100 == Decimal(str(base)), (value, fen)


def test_a_check_in_stored_as_ctrl_c_comes_is_told_as_stored_not_aborted(
    backend_on_a_server: Path, postgres_url: str
) -> None:
    # Ctrl-C between the insert and the message said 已中止！ over a check-in that was
    # stored; run again, it was stored twice.
    root = backend_on_a_server
    assert run(root, "checkin", "O1.NEW", "1", "--date", "2026-01-31").exit_code == 0
    command = [*OKRDESK, "checkin", "O1.NEW", "5", "--date", "2026-02-28", "-w", str(root)]
    with psycopg.connect(postgres_url) as holder:
        # The insert waits on the table, and Ctrl-C comes while it waits.
        holder.execute("LOCK TABLE checkins IN EXCLUSIVE MODE")
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=environment(),
        )  # fmt: skip
        deadline = time.monotonic() + 120
        with psycopg.connect(postgres_url, autocommit=True) as looking:
            while time.monotonic() < deadline and process.poll() is None:
                waiting = looking.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                if (waiting.fetchone() or (0,))[0] >= 1:
                    break
                time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        time.sleep(0.5)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, (out, err)
    assert "已中止！" not in err and "已中断" not in err and "Traceback" not in err, err
    assert err.strip() == (
        "已中止，但编号 2 的打卡已先记录：O1.NEW 5户（branch，截至 2026-02-28）。"
        "`okrdesk checkin --list O1.NEW` 可查看；如不应保留，请撤回：okrdesk checkin "
        "--withdraw 2 --reason 理由。"
    ), err
    with Store.open(postgres_url) as store:
        assert [c.value for c in store.checkins("O1.NEW")] == [1.0, 5.0]


def _full_pipe() -> tuple[int, int]:
    """A pipe whose buffer is full: a process writing to it waits until it is read."""
    reading, writing = os.pipe()
    os.set_blocking(writing, False)
    for size in (65536, 4096, 512, 64, 8, 1):
        try:
            while True:
                os.write(writing, b"-" * size)
        except BlockingIOError:
            pass
    os.set_blocking(writing, True)
    return reading, writing


def _waits_writing(pid: int, deadline: float) -> None:
    """Until ``pid`` waits on its full standard output (Linux says so in its wchan)."""
    wchan = Path(f"/proc/{pid}/wchan")
    while time.monotonic() < deadline:
        try:
            if "pipe_write" in wchan.read_text():
                return
        except OSError:  # no /proc: give it time to get there
            time.sleep(2)
            return
        time.sleep(0.05)


def test_a_ctrl_c_while_checkin_prints_its_reply_says_the_check_in_was_stored(
    write_workspace: WriteWorkspace,
) -> None:
    # Stored, then stopped while the reply was being printed (a terminal or a pipe slow
    # to take it), checkin said 已中止！ over the stored check-in.
    root = write_workspace({"okrs.toml": CHECKIN_OKRS})
    assert run(root, "checkin", "O1.NEW", "1", "--date", "2026-01-31").exit_code == 0
    reading, writing = _full_pipe()
    command = [*OKRDESK, "checkin", "O1.NEW", "5", "--date", "2026-02-28", "-w", str(root)]
    try:
        process = subprocess.Popen(command, stdout=writing, stderr=subprocess.PIPE, text=True,
                                   env=environment())  # fmt: skip
    finally:
        os.close(writing)
    printed = bytearray()
    try:
        deadline = time.monotonic() + 120
        while len(stored(root)) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert len(stored(root)) == 2
        _waits_writing(process.pid, deadline)
        process.send_signal(signal.SIGINT)
    finally:
        # What it printed, read so that it can end.
        with os.fdopen(reading, "rb") as out:
            while chunk := out.read(65536):
                printed += chunk
        err = process.communicate(timeout=120)[1]
    assert process.returncode == 130, err
    assert "已中止！" not in err and "已中断" not in err and "Traceback" not in err, err
    assert err.strip() == (
        "已中止，但编号 2 的打卡已先记录：O1.NEW 5户（branch，截至 2026-02-28）。"
        "`okrdesk checkin --list O1.NEW` 可查看；如不应保留，请撤回：okrdesk checkin "
        "--withdraw 2 --reason 理由。"
    ), err
    assert [value for _, value, _ in stored(root)] == [1.0, 5.0]
