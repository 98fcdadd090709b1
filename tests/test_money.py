"""Money controls that cannot be bypassed: the breaker under concurrent spends,
the ledger's dates, bounds and corrections, sign-offs, and finite numbers at
every argument of `checkin` and `spend`. Real SQLite files, real processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner, Result

from okrdesk.app.spend import BreakerTripped
from okrdesk.cli import cli
from okrdesk.messages import display_width
from okrdesk.model import person_key
from okrdesk.store import MIGRATIONS, SCHEMA_VERSION, Store
from okrdesk.units import UNITS, parse_in, parse_money
from okrdesk.units import ledger as in_budget_table
from sample_workspace import BUDGET, OKRS, WriteWorkspace

OKRDESK = [sys.executable, "-m", "okrdesk"]
ENV = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics", "OKRDESK_BUSY_TIMEOUT": "120"}

# 50万 with no slack: one entry of 30万 fits, a second would overspend the line.
MONEY_BUDGET = (
    BUDGET.replace("expected_revenue = 10000", 'expected_revenue = 10000\nsigners = ["Alice"]')
    + """
[[budget.lines]]
id = "experts"
name = "外部专家"
owner = "branch"
amount = 50
breaker_threshold = 0
"""
).replace("total = 899", "total = 949")

CHECKIN_OKRS = (
    OKRS
    + """
[[objectives.key_results]]
id = "REV"
title = "营业收入"
target = 5.5
unit = "亿元"

[[objectives.key_results]]
id = "NEW"
title = "新开户"
target = 40
unit = "户"
"""
)

NOTHING_STORED: list[object] = []


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


def refused(result: Result, *words: str) -> None:
    """Exit 2, every word in the message, and no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def ledger(root: Path) -> list[tuple[object, ...]]:
    if not (root / "okrdesk.db").exists():
        return []
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return connection.execute("SELECT * FROM spend ORDER BY id").fetchall()


def checkins(root: Path) -> list[tuple[object, ...]]:
    if not (root / "okrdesk.db").exists():
        return []
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return connection.execute("SELECT * FROM checkins ORDER BY id").fetchall()


@pytest.fixture
def money(write_workspace: WriteWorkspace) -> Path:
    return write_workspace({"budget.toml": MONEY_BUDGET, "okrs.toml": CHECKIN_OKRS})


def spend(root: Path, line: str, amount: str, *more: str) -> Result:
    # After "--", so that a negative amount is an argument, not an option.
    return CliRunner().invoke(cli, ["spend", "add", "-w", str(root), "--signed-by", "王芳",
                                    "--date", "2026-03-02", *more, "--", line, amount])  # fmt: skip


# ------------------------------------------------------- 1. one transaction


def _waits_on(database: Path, process: subprocess.Popen[str]) -> bool:
    """Whether ``process`` has ``database`` open and is asleep: waiting for its write lock,
    the plan loaded and the ledger reached (or it has ended)."""
    folder = Path(f"/proc/{process.pid}")
    try:
        opened = any(os.readlink(fd) == str(database) for fd in (folder / "fd").iterdir())
        state = (folder / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return process.poll() is not None
    return opened and state == "S"


def _until_each_waits_on(database: Path, processes: list[subprocess.Popen[str]]) -> None:
    """Returns once every process has waited on ``database`` at two looks a fifth of a
    second apart, or after a minute (the test then finds out what they did); where there
    is no /proc to look in, after the 8 s they take to start on a loaded machine."""
    if not Path("/proc/self/fd").is_dir():
        time.sleep(8)
        return
    deadline, seen = time.monotonic() + 60, 0
    while seen < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = seen + 1 if all(_waits_on(database, p) for p in processes) else 0


def test_concurrent_spends_are_serialised_and_the_second_sees_the_first(money: Path) -> None:
    """Six processes spend 30万 on a 50万 line at once: exactly one gets through.

    Another connection holds the write lock while they start, so every one of
    them has read the ledger (on the old code, outside the transaction) before
    any can write: the old code recorded all six.
    """
    assert spend(money, "training", "1万").exit_code == 0  # the database exists
    holder = sqlite3.connect(money / "okrdesk.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    command = [*OKRDESK, "spend", "add", "experts", "30万", "--signed-by", "王芳",
               "--date", "2026-03-02", "-w", str(money)]  # fmt: skip
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True, "env": ENV}
    # Six different expenses (their notes differ): the same one six times is refused as
    # entered again before the breaker is asked.
    processes = [
        subprocess.Popen([*command, "--note", f"expert {n}"], **pipes)  # type: ignore[call-overload]
        for n in range(6)
    ]
    try:
        _until_each_waits_on(money / "okrdesk.db", processes)
    finally:
        holder.execute("COMMIT")
        holder.close()
    outcomes = [(p.wait(timeout=180), *p.communicate()) for p in processes]
    done = [out for code, out, _ in outcomes if code == 0]
    tripped = [err for code, _, err in outcomes if code == 1]
    assert len(done) == 1, outcomes
    assert "本项已支出 30万，预算 50万" in done[0]
    assert len(tripped) == 5, outcomes
    assert all(
        "已拒绝（熔断）：计入这笔支出后，experts" in err and "Traceback" not in err
        for err in tripped
    )
    with Store.open(money / "okrdesk.db") as store:
        assert sum(e.amount for e in store.spend("experts")) == 300_000


def test_the_same_spend_entered_again_is_refused_until_said_to_be_another(money: Path) -> None:
    # A spend add run again (after an error it did not read, or pasted twice) counted the
    # money twice: a breaker could trip on spending never made.
    assert spend(money, "training", "1万", "--note", "课程 A").exit_code == 0
    again = spend(money, "training", "1万", "--note", "课程 A")
    assert again.exit_code == 1, again.output
    assert again.output.startswith("已拒绝：台账第 1 笔（记录于 ") and "--again" in again.output
    assert "Traceback" not in again.output
    # The signers in another order are the same sign-off.
    both = ["--date", "2026-03-02", "--note", "两人", "-w", str(money), "training", "2万"]
    first = run(money, "spend", "add", "--signed-by", "王芳", "--signed-by", "Alice", *both)
    assert first.exit_code == 0, first.output
    swapped = run(money, "spend", "add", "--signed-by", "Alice", "--signed-by", "王芳", *both,
                  "--lang", "en")  # fmt: skip
    assert swapped.exit_code == 1 and "refused: ledger entry 2, recorded " in swapped.output
    # Any difference makes another expense; --again records the same one on purpose.
    assert spend(money, "training", "1万", "--note", "课程 B").exit_code == 0
    assert spend(money, "training", "1.5万", "--note", "课程 A").exit_code == 0
    assert spend(money, "training", "1万", "--note", "课程 A", "--again").exit_code == 0
    with Store.open(money / "okrdesk.db") as store:
        assert sum(e.amount for e in store.spend("training")) == 65_000
        assert len(store.spend("training")) == 5


def test_a_reversed_spend_may_be_entered_again(money: Path) -> None:
    # Reversed, the first entry no longer stands: entering it again is the correction.
    assert spend(money, "training", "1万").exit_code == 0
    reversed_ = CliRunner().invoke(cli, ["spend", "reverse", "1", "--reason", "日期录错",
                                         "--signed-by", "王芳", "-w", str(money)])  # fmt: skip
    assert reversed_.exit_code == 0, reversed_.output
    assert spend(money, "training", "1万").exit_code == 0


def test_an_entry_dated_earlier_cannot_slip_under_the_breaker(money: Path) -> None:
    # As of its own day the later entry is not yet spent; as of the ledger's last day
    # the line would be over: refused, unless overridden with a reason.
    assert spend(money, "experts", "30万", "--date", "2026-06-01").exit_code == 0
    for day in ("2026-03-02", "2026-01-05"):
        backdated = spend(money, "experts", "30万", "--date", day)
        assert backdated.exit_code == 1, backdated.output
        assert "已拒绝（熔断）：计入这笔支出后，experts" in backdated.output
    assert [row[3] for row in ledger(money)] == [300_000 * 100]
    overridden = spend(money, "experts", "30万", "--date", "2026-03-02", "--override",
                       "--reason", "董事会批准")  # fmt: skip
    assert overridden.exit_code == 0, overridden.output


def test_an_entry_dated_ahead_is_judged_as_if_spent_today(
    write_workspace: WriteWorkspace,
) -> None:
    # A line held to its schedule allows 10% in Q1 and all of it by Q4: dated 12-31, an
    # entry on 03-02 would pass; the money is committed now, so it is judged as of now.
    from okrdesk.app.session import open_session
    from okrdesk.app.spend import record_spend

    budget = MONEY_BUDGET + (
        '\n[[budget.lines]]\nid = "summit"\nname = "峰会"\nowner = "branch"\namount = 50\n'
        "schedule = { Q1 = 0.10, Q4 = 1.0 }\n"
    )
    root = write_workspace({"budget.toml": budget.replace("total = 949", "total = 999"),
                            "okrs.toml": CHECKIN_OKRS})  # fmt: skip
    session = open_session(root)
    today = dt.date(2026, 3, 2)
    with pytest.raises(BreakerTripped):
        record_spend(session, "summit", "40万", ["王芳"], "", dt.date(2026, 12, 31), today=today)
    assert ledger(root) == []
    said = record_spend(session, "summit", "40万", ["王芳"], "", dt.date(2026, 12, 31),
                        today=dt.date(2026, 12, 1))  # fmt: skip
    assert "Recorded CNY 400k" in said


# ------------------------------------------------- 2. dates, bounds, reversals


@pytest.mark.parametrize("day", ["2027-01-15", "9999-12-31", "2025-12-31"])
def test_spend_dated_outside_the_plan_is_refused(money: Path, day: str) -> None:
    result = run(money, "spend", "add", "training", "1万", "--signed-by", "王芳", "--date", day)
    refused(result, f"{day} 不在计划期内（2026-01-01 至 2026-12-31）", "未记录任何支出")
    assert ledger(money) == NOTHING_STORED


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e309元", "'1e309元' is more than one entry may be (CNY 10,000m)"),
        ("4" + "0" * 399 + "元", "(401 characters) is more than one entry may be"),
        ("1e999999999元", "'1e999999999元' is more than one entry may be"),
        ("1e20万", "'1e20万' is more than one entry may be (CNY 10,000m)"),
        ("nan万", "'nan万' is not a finite number"),
        ("inf元", "'inf元' is not a finite number"),
        ("-inf万", "'-inf万' is not a finite number"),
        ("1,5万", "'1,5万': commas only separate thousands"),
        ("1,2,3元", "'1,2,3元': commas only separate thousands"),
        ("200亿", "'200亿' is more than one entry may be (CNY 10,000m)"),
        ("0.001元", "not a whole number of fen"),
        ("1e-999999999元", "is finer than okrdesk keeps"),
        ("-500万", "'-500万' is negative"),
    ],
)
def test_amounts_out_of_bounds_are_refused(money: Path, amount: str, message: str) -> None:
    refused(spend(money, "training", amount, "--lang", "en"), message)
    assert ledger(money) == NOTHING_STORED


def test_a_negative_amount_points_to_the_reversal(money: Path) -> None:
    refused(spend(money, "training", "-500万", "--note", "correction"),
            "okrdesk spend reverse 编号 --reason 理由", "okrdesk spend list")  # fmt: skip
    assert ledger(money) == NOTHING_STORED


def test_thousands_separators_in_groups_of_three(money: Path) -> None:
    done = spend(money, "training", "1,234,567元")
    assert done.exit_code == 0, done.output
    with Store.open(money / "okrdesk.db") as store:
        assert [e.amount for e in store.spend()] == [1_234_567]


def test_full_width_figures_are_read_as_a_table_s_cells_are(money: Path) -> None:
    # A Chinese input method writes １２．５万 and ３，５００元; the SQL source reads such
    # cells as 125000 and 3500, and so does a spend typed so.
    assert spend(money, "training", "１２．５万").exit_code == 0
    assert spend(money, "training", "３，５００元", "--note", "another").exit_code == 0
    with Store.open(money / "okrdesk.db") as store:
        assert [e.amount for e in store.spend()] == [125_000, 3_500]


@pytest.mark.parametrize("written", ["1_5万", "1_000", "3_500元", "0.1_5"])
def test_an_underscore_in_a_figure_is_refused_not_dropped(money: Path, written: str) -> None:
    # Python reads 1_5 as 15; a person who typed it meant 1.5 or 15 or a slip: as with
    # "1,5万", a figure that can be read two ways is refused, not guessed.
    refused(spend(money, "training", written), "数字中不能有下划线")
    refused(run(money, "checkin", "O1.NEW", written.rstrip("万元"), "--date", "2026-03-31",
                "--lang", "en"), "underscores are not part of a number")  # fmt: skip
    assert ledger(money) == [] and checkins(money) == []


def test_the_ledger_lists_exact_yuan_and_its_net_total(money: Path) -> None:
    assert spend(money, "training", "2.33365万").exit_code == 0
    assert spend(money, "training", "1,234,567.5元").exit_code == 0
    assert run(money, "spend", "reverse", "1", "--signed-by", "李强",
               "--reason", "录错金额").exit_code == 0  # fmt: skip
    lines = run(money, "spend", "list", "--lang", "en").output.splitlines()
    assert lines[0].split() == ["id", "date", "line", "amount", "(CNY)", "signed", "by", "/",
                                "note"]  # fmt: skip
    assert lines[1].split()[3] == "23,336.50"
    assert lines[2].split()[3] == "1,234,567.50"
    assert lines[3].split()[3] == "-23,336.50"
    assert lines[-1].split() == ["net,", "3", "entries", "1,234,567.50"]
    amount_ends = {line.index(line.split()[3]) + len(line.split()[3]) for line in lines[1:4]}
    assert amount_ends == {len(lines[-1].rstrip())}, "amounts and total right-aligned"
    # In the workspace's language, Chinese, the same columns, lined up by terminal columns.
    zh = run(money, "spend", "list").output.splitlines()
    assert zh[0].split() == ["编号", "日期", "预算项", "金额（元）", "签字人", "/", "说明"]
    assert zh[-1].split() == ["合计", "3", "笔", "1,234,567.50"]
    assert display_width(zh[0].split("  签字人")[0]) == display_width(lines[0].split("  signed")[0])
    assert [line.split()[:4] for line in zh[1:4]] == [line.split()[:4] for line in lines[1:4]]
    zh_ends = {display_width(line[: line.index(line.split()[3]) + len(line.split()[3])])
               for line in zh[1:4]}  # fmt: skip
    header_end = display_width(zh[0].split("  签字人")[0])
    assert zh_ends == {display_width(zh[-1].rstrip())} == {header_end}


def test_a_wrong_entry_is_reversed_by_id_with_a_reason(money: Path) -> None:
    assert spend(money, "training", "12万").exit_code == 0
    listed = run(money, "spend", "list").output
    assert "    1  2026-03-02  training" in listed
    no_reason = run(money, "spend", "reverse", "1", "--signed-by", "王芳", "--reason", "  ")
    refused(no_reason, "冲正需要用 --reason 说明哪里有误")
    done = run(money, "spend", "reverse", "1", "--signed-by", "李强", "--reason", "录错金额",
               "--date", "2026-03-03")  # fmt: skip
    assert done.exit_code == 0, done.output
    said = "已于 2026-03-03 冲正台账第 1 笔（training，12万，支出日期 2026-03-02），签字人 李强"
    assert said in done.output
    assert "本项已支出 0元，预算 519万。台账第 2 笔。" in done.output
    with Store.open(money / "okrdesk.db") as store:
        (_, reversal) = store.spend()
    assert (reversal.amount, reversal.reverses, reversal.note) == (-120_000, 1, "录错金额")
    listed = run(money, "spend", "list").output
    assert "[已由第 2 笔冲正]" in listed and "[冲正第 1 笔]  录错金额" in listed
    english = run(money, "spend", "list", "--lang", "en").output
    assert "[reversed by 2]" in english and "[reverses 1]  录错金额" in english
    before = ledger(money)
    again = run(money, "spend", "reverse", "1", "--signed-by", "王芳", "--reason", "again")
    refused(again, "台账第 1 笔已由第 2 笔冲正")
    of_reversal = run(money, "spend", "reverse", "2", "--signed-by", "王芳", "--reason", "x")
    refused(of_reversal, "台账第 2 笔本身是冲正")
    unknown = run(money, "spend", "reverse", "9", "--signed-by", "王芳", "--reason", "x")
    refused(unknown, "台账中没有第 9 笔")
    assert ledger(money) == before


def test_a_reversal_is_never_dated_before_the_entry_it_reverses(money: Path) -> None:
    # Dated 01-05, the reversal of a 03-02 entry left the line at -12万 spent (and more
    # left than its amount) in every report between the two days.
    assert spend(money, "training", "12万").exit_code == 0
    before = ledger(money)
    early = run(money, "spend", "reverse", "1", "--signed-by", "李强", "--reason", "录错",
                "--date", "2026-01-05", "--lang", "en")  # fmt: skip
    refused(early, "entry 1 was spent on 2026-03-02; it cannot be reversed before that "
                   "(--date 2026-01-05)", "Nothing was recorded.")  # fmt: skip
    chinese = run(money, "spend", "reverse", "1", "--signed-by", "李强", "--reason", "录错",
                  "--date", "2026-03-01")  # fmt: skip
    refused(chinese, "台账第 1 笔的支出日期是 2026-03-02，不能在此之前冲正（--date 2026-03-01）")
    assert ledger(money) == before
    same_day = run(money, "spend", "reverse", "1", "--signed-by", "李强", "--reason", "录错",
                   "--date", "2026-03-02")  # fmt: skip
    assert same_day.exit_code == 0, same_day.output


def test_money_committed_ahead_is_reversed_on_its_own_day_and_no_reversal_is_ahead_of_it(
    money: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A salon booked on 2 March for the 20th, then cancelled: the reversal, dated today,
    # was refused as before its entry, and only a --date typed ahead (any day ahead,
    # unchecked) could undo it.
    import okrdesk.clock

    monkeypatch.setattr(okrdesk.clock, "today", lambda: dt.date(2026, 3, 2))
    assert spend(money, "training", "12万").exit_code == 0
    assert spend(money, "training", "5万", "--date", "2026-03-20").exit_code == 0
    before = ledger(money)
    for entry, day, on in (("1", "2026-03-03", "2026-03-02"), ("2", "2026-03-21", "2026-03-20")):
        ahead = run(money, "spend", "reverse", entry, "--signed-by", "李强", "--reason", "取消",
                    "--date", day, "--lang", "en")  # fmt: skip
        refused(ahead, f"--date {day} is after today (2026-03-02): a correction is dated on a "
                       "day that has come, or on the entry's own day when that is ahead. "
                       f"Leave out --date to reverse entry {entry} on {on}. Nothing was "
                       "recorded.")  # fmt: skip
    chinese = run(money, "spend", "reverse", "1", "--signed-by", "李强", "--reason", "取消",
                  "--date", "2026-03-03")  # fmt: skip
    refused(chinese, "--date 2026-03-03 晚于今天（2026-03-02）：冲正须记在已经到来的日子")
    assert ledger(money) == before
    cancelled = run(money, "spend", "reverse", "2", "--signed-by", "李强", "--reason", "取消",
                    "--lang", "en")  # fmt: skip
    assert cancelled.exit_code == 0, cancelled.output
    assert cancelled.output.startswith(
        "Reversed entry 2 (CNY 50k on training on 2026-03-20) on 2026-03-20"
    ), cancelled.output
    assert "Dated on the entry's own day, after today (2026-03-02)" in cancelled.output
    with Store.open(money / "okrdesk.db") as store:
        (reversal,) = (e for e in store.spend() if e.reverses == 2)
    assert (reversal.day, reversal.amount) == (dt.date(2026, 3, 20), -50000)


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060\u200d", "\u00a0\u3000", "\x1b"])
def test_a_reason_of_invisible_characters_only_is_no_reason(money: Path, invisible: str) -> None:
    # An override, a reversal or a withdrawal kept with a reason nobody can read would
    # say nothing in the ledger and the report: refused, as a blank one is.
    assert spend(money, "experts", "30万").exit_code == 0
    before = ledger(money)
    overridden = spend(money, "experts", "30万", "--override", "--reason", invisible)
    refused(overridden, "--override 需要用 --reason 说明为何越过熔断")
    reversed_ = run(money, "spend", "reverse", "1", "--signed-by", "王芳", "--reason",
                    invisible)  # fmt: skip
    refused(reversed_, "冲正需要用 --reason 说明哪里有误")
    assert ledger(money) == before
    assert run(money, "checkin", "O1.REV", "1.1", "--date", "2026-03-31").exit_code == 0
    withdrawn = run(money, "checkin", "--withdraw", "1", "--reason", invisible, "--by", "王芳")
    refused(withdrawn, "--withdraw 需要用 --reason 说明哪里有误")
    by_no_one = run(money, "checkin", "O1.REV", "1.2", "--date", "2026-03-31", "--by",
                    invisible)  # fmt: skip
    assert by_no_one.exit_code == 2, by_no_one.output
    with sqlite3.connect(money / "okrdesk.db") as connection:  # one, not withdrawn
        assert connection.execute("SELECT withdrawn FROM checkins").fetchall() == [(None,)]


def test_a_reversal_never_takes_a_line_below_zero(money: Path) -> None:
    assert spend(money, "training", "12万").exit_code == 0
    with Store.open(money / "okrdesk.db") as store:  # a negative entry an older okrdesk took
        store.add_spend("training", dt.date(2026, 3, 2), Decimal(-100_000), ("王芳",))
    before = ledger(money)
    result = run(money, "spend", "reverse", "1", "--signed-by", "王芳", "--reason", "x",
                 "--date", "2026-03-03")  # fmt: skip
    # Refused before any reversal is weighed: a negative amount that reverses nothing is
    # never counted (docs/budgets.md), and the ledger that holds one is named.
    assert result.exit_code == 2, result.output
    assert "spend 表第 2 行：amount_fen 的值是 -10000000" in result.output
    assert "负数金额却未冲正任何一笔" in result.output
    assert ledger(money) == before


def test_a_reversal_on_a_market_activity_needs_two_signatures(money: Path) -> None:
    assert run(money, "spend", "add", "salons", "12万", "--signed-by", "王芳", "--signed-by",
               "李强", "--date", "2026-03-02").exit_code == 0  # fmt: skip
    before = ledger(money)
    result = run(money, "spend", "reverse", "1", "--signed-by", "王芳", "--reason", "x")
    refused(result, "都需要两位不同的人签字（双签字）")
    assert ledger(money) == before


def test_spending_on_a_line_the_plan_no_longer_has_is_told_not_dropped(money: Path) -> None:
    """A line renamed (or removed) in the target file after spending on it: the money
    stays in the ledger, and the report and `check` say where it went, rather than
    drop it from every total and give the renamed line a fresh breaker unsaid."""
    assert spend(money, "experts", "30万").exit_code == 0
    budget = money / "targets" / "budget.toml"
    text = budget.read_text(encoding="utf-8")
    budget.write_text(text.replace('id = "experts"', 'id = "experts-2026"'), encoding="utf-8")
    checked = run(money, "check", "--as-of", "2026-03-02")
    assert checked.exit_code == 1, checked.output
    said = "台账中有 1 笔支出（30万）记在计划没有的预算项 experts 上"
    assert said in checked.output
    english = run(money, "check", "--as-of", "2026-03-02", "--lang", "en").output
    assert "the ledger holds CNY 300k in 1 entry on experts, a budget line the plan" in english
    report = run(money, "report", "--format", "json", "--as-of", "2026-03-02")
    alerts = json.loads(report.output)["alerts"]
    assert [a["kind"] for a in alerts if a["level"] == "error"] == ["ledger"]
    # Its entries are listed by the id the ledger keeps, which the plan no longer has.
    listed = run(money, "spend", "list", "--line", "experts")
    assert listed.exit_code == 0, listed.output
    assert "300,000.00  王芳" in listed.output and "合计 1 笔" in listed.output
    refused(run(money, "spend", "list", "--line", "expert"), '没有预算项 "expert"')
    # Entries that cancel out (an entry and its reversal) leave nothing to tell.
    text = budget.read_text(encoding="utf-8")
    budget.write_text(text.replace('id = "experts-2026"', 'id = "experts"'), encoding="utf-8")
    assert run(money, "spend", "reverse", "1", "--signed-by", "王芳", "--reason", "录错",
               "--date", "2026-03-02").exit_code == 0  # fmt: skip
    budget.write_text(text, encoding="utf-8")
    assert "台账中有" not in run(money, "check", "--as-of", "2026-03-02").output


# ------------------------------------------------------------- 3. sign-offs


def test_names_are_compared_normalised() -> None:
    assert person_key("王芳") == person_key("王芳\u200b") == person_key(" 王芳\u2060 ")
    assert person_key("Alice") == person_key("Ａｌｉｃｅ") == person_key("ALICE")
    assert person_key("\u200b\u200d\ufeff") == person_key("\x1b\x07") == ""
    assert person_key("Mary  Ann\tLee") == "mary ann lee"


@pytest.mark.parametrize(
    ("signers", "message"),
    [
        (["王芳", "王芳\u200b"], "都需要两位不同的人签字（双签字），现有 1 位：王芳"),
        (["王芳", "cm01"], "都需要两位不同的人签字（双签字），现有 1 位：王芳"),
        (["Alice", "Ａｌｉｃｅ"], "都需要两位不同的人签字（双签字），现有 1 位：Alice"),
        (["\u200b", "\u200d"], "不是名字（只有空白或不可见字符）"),
        (["王芳", "王方"], '"王方" 既不是计划中的人员，也不在 [budget] signers 中'),
        (["王芳", "Alicia"], "（是不是“Alice”？）"),
    ],
)
def test_sign_offs_by_one_person_in_disguise_or_by_no_one_are_refused(
    money: Path, signers: list[str], message: str
) -> None:
    flags = [arg for name in signers for arg in ("--signed-by", name)]
    result = run(money, "spend", "add", "salons", "12万", *flags, "--date", "2026-03-02")
    refused(result, message, "未记录任何支出")
    assert ledger(money) == NOTHING_STORED


def test_people_sign_with_the_plans_names_and_budget_signers_as_listed(money: Path) -> None:
    done = run(money, "spend", "add", "salons", "12万", "--signed-by", "cm01", "--signed-by",
               "ａｌｉｃｅ\u200b", "--date", "2026-03-02")  # fmt: skip
    assert done.exit_code == 0, done.output
    with Store.open(money / "okrdesk.db") as store:
        assert [e.signed_by for e in store.spend()] == [("王芳", "Alice")]


# ------------------------------------------------------ 11. finite check-ins


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e309", "'1e309' is too large"),
        ("4" + "0" * 399, "(400 characters) is too large"),
        ("1e999999999", "'1e999999999' is too large"),
        ("nan", "'nan' is not a finite number"),
        ("inf", "'inf' is not a finite number"),
        ("-Infinity", "'-Infinity' is not a finite number"),
        ("1,2,3", "'1,2,3': commas only separate thousands"),
        ("1,5", "'1,5': commas only separate thousands"),
        ("0,125", "'0,125': commas only separate thousands"),
        ("lots", "'lots' is not a number"),
        ("٣", "'٣' is not a number"),
    ],
)
def test_checkin_values_that_are_no_finite_number_are_refused(
    money: Path, value: str, message: str
) -> None:
    result = CliRunner().invoke(
        cli, ["checkin", "-w", str(money), "--date", "2026-03-31", "--lang", "en", "--",
              "O1.REV", value]
    )  # fmt: skip
    refused(result, message, "Nothing was stored")
    assert checkins(money) == NOTHING_STORED


def test_a_confidence_of_nan_is_refused(money: Path) -> None:
    result = run(money, "checkin", "O1.REV", "1", "--date", "2026-03-31", "--confidence", "nan")
    refused(result, "--confidence nan：应为 0 到 1 之间的数", "未记录任何打卡")
    assert checkins(money) == NOTHING_STORED


def test_a_checkin_of_1e20_wan_is_refused_at_the_spend_boundary_too(money: Path) -> None:
    refused(
        spend(money, "training", "1e20万", "--lang", "en"),
        "'1e20万' is more than one entry may be (CNY 10,000m)",
    )
    refused(spend(money, "training", "1e20万"), "'1e20万' 超过单笔上限（100亿）")


@pytest.mark.parametrize("value", ["25.5", "0.5", "1e-3"])
def test_a_fractional_count_is_refused(money: Path, value: str) -> None:
    result = run(money, "checkin", "O1.NEW", value, "--date", "2026-03-31", "--lang", "en")
    refused(
        result, f"O1.NEW: {value!r}: a count has no fraction; write whole 户. Nothing was stored."
    )
    result = run(money, "checkin", "O1.NEW", value, "--date", "2026-03-31")
    refused(result, f"O1.NEW：{value!r}：户 是计数，不能有小数；请写整数。未记录任何打卡。")
    assert checkins(money) == NOTHING_STORED


def test_whole_counts_and_grouped_thousands_are_taken(money: Path) -> None:
    assert run(money, "checkin", "O1.NEW", "25", "--date", "2026-03-31").exit_code == 0
    assert run(money, "checkin", "O1.NEW", "25.0", "--date", "2026-04-30").exit_code == 0
    assert run(money, "checkin", "O1.REV", "1,234", "--date", "2026-03-31").exit_code == 0
    with Store.open(money / "okrdesk.db") as store:
        assert [c.value for c in store.checkins()] == [25.0, 123_400_000_000.0, 25.0]


def test_a_wrong_checkin_is_withdrawn_and_kept_in_the_history(money: Path) -> None:
    assert run(money, "checkin", "O1.REV", "1.1", "--date", "2026-03-31").exit_code == 0
    typo = run(money, "checkin", "O1.REV", "110", "--date", "2026-04-30", "--lang", "en")
    assert "(check-in 2 for it, id 2)" in typo.output
    report = run(money, "explain", "O1.REV", "--as-of", "2026-05-01")
    assert "= 110亿" in report.output
    refused(run(money, "checkin", "--withdraw", "2", "--lang", "en"),
            "--withdraw ID and --reason TEXT go together")  # fmt: skip
    refused(run(money, "checkin", "--withdraw", "2"), "--withdraw 编号 与 --reason 理由 须一起给出")
    refused(
        run(money, "checkin", "O1.REV"),
        "请给出 关键结果 和 数值，例如：okrdesk checkin O1.REV 4.72",
    )
    refused(run(money, "checkin", "O1.REV", "1", "--reason", "x", "--lang", "en"),
            "--reason goes with --withdraw ID")  # fmt: skip
    refused(run(money, "checkin", "--list", "O1.REV", "--withdraw", "2", "--reason", "x"),
            "--list 关键结果 与 --withdraw 编号 须单独使用")  # fmt: skip
    done = run(money, "checkin", "--withdraw", "2", "--reason", "多打了两个零", "--by", "王芳")
    assert done.exit_code == 0, done.output
    assert "已撤回打卡 2：O1.REV 110亿（branch，截至 2026-04-30）" in done.output
    explained = run(money, "explain", "O1.REV", "--as-of", "2026-05-01")
    assert "= 1.1亿" in explained.output
    assert re.search(r"记录于 2026-\d\d-\d\d \d\d:\d\d ", explained.output), explained.output
    # The ids to withdraw by, as okrdesk history lists them, withdrawn ones marked.
    listed = run(money, "checkin", "--list", "O1.REV").output.splitlines()
    assert listed == run(money, "history", "O1.REV").output.splitlines()
    (second,) = [line for line in listed if line.startswith("   2  2026-04-30")]
    assert "110亿" in second and "由 王芳 撤回：多打了两个零]" in second
    english = run(money, "checkin", "--list", "O1.REV", "--lang", "en").output
    assert "withdrawn 2026-" in english and ": 多打了两个零]" in english
    with Store.open(money / "okrdesk.db") as store:
        (kept,) = [c for c in store.checkins(withdrawn=True) if c.id == 2]
    assert (kept.value, kept.withdraw_reason) == (11_000_000_000.0, "多打了两个零")
    assert kept.withdrawn_by == "王芳"
    before = checkins(money)
    refused(run(money, "checkin", "--withdraw", "2", "--reason", "x", "--lang", "en"),
            "check-in 2 was already withdrawn on 2026-")  # fmt: skip
    refused(run(money, "checkin", "--withdraw", "7", "--reason", "x", "--lang", "en"),
            "no check-in 7; `okrdesk checkin --list KR` shows ids")  # fmt: skip
    again = run(money, "checkin", "--withdraw", "2", "--reason", "x")
    assert again.exit_code == 2
    # When, in this machine's time, to the minute: not the store's UTC ISO stamp.
    assert re.search(r"编号 2 的打卡已于 2026-\d\d-\d\d \d\d:\d\d 撤回", again.output), again.output
    refused(run(money, "checkin", "--withdraw", "7", "--reason", "x"), "没有编号为 7 的打卡")
    assert checkins(money) == before


def v4_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        for migration in MIGRATIONS[:4]:
            migration(sqlite_utils.Database(connection))
        connection.execute("PRAGMA user_version = 4")
        connection.executemany(
            "INSERT INTO checkins (key_result, subject, day, value, note, recorded) "
            "VALUES ('O1.REV', 'branch', ?, ?, '', 't')",
            [("2026-03-31", 1.1e8), ("2026-04-30", float("inf"))],
        )
        connection.execute(
            "INSERT INTO spend (line, day, amount_fen, signed_by, recorded) "
            "VALUES ('training', '2026-03-02', 1200000, '[\"王芳\"]', 't')"
        )


def test_an_older_store_migrates_and_keeps_its_rows(money: Path) -> None:
    v4_database(money / "okrdesk.db")
    with Store.open(money / "okrdesk.db") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [c.value for c in store.checkins()] == [1.1e8]
        history = store.checkins(withdrawn=True)
        assert [c.withdrawn is not None for c in history] == [False, True]
        assert "not a finite number" in history[1].withdraw_reason
        (entry,) = store.spend()
    assert (entry.amount, entry.signed_by, entry.reverses) == (12_000, ("王芳",), None)


def test_a_stored_infinity_no_longer_breaks_the_report(money: Path) -> None:
    v4_database(money / "okrdesk.db")
    report = run(money, "report", "--as-of", "2026-05-01", "--format", "md")
    assert report.exit_code == 0, report.output
    assert "1.1" in report.output
    listed = run(money, "checkin", "--list", "O1.REV").output.splitlines()
    (second,) = [line for line in listed if line.startswith("   2  ")]
    assert "  —  " in second and "not a finite number (stored by an older okrdesk)" in second


def test_the_store_refuses_a_non_finite_checkin(money: Path) -> None:
    with Store.open(money / "okrdesk.db") as store, pytest.raises(Exception, match="not a finite"):
        store.add_checkin("O1.REV", "branch", dt.date(2026, 3, 31), 1e400)
    assert checkins(money) == NOTHING_STORED


def test_parse_in_bounds() -> None:
    assert parse_in(UNITS["亿元"], "4.72") == 472_000_000
    assert parse_money("1，000元") == 1000
    with pytest.raises(ValueError, match="too large"):
        parse_in(UNITS["万元"], "1e12")


def test_every_refusal_is_said_in_both_languages(money: Path) -> None:
    """The workspace's language, Chinese here, and English with --lang en: the same
    refusal, the same exit code, nothing recorded either way."""
    assert spend(money, "experts", "30万", "--date", "2026-06-01").exit_code == 0
    cases = [
        (["add", "experts", "30万", "--signed-by", "王芳", "--date", "2026-03-02"], 1,
         "已拒绝（熔断）：计入这笔支出后，experts", "refused: the breaker (熔断) on experts"),
        (["add", "salons", "1万", "--signed-by", "王芳", "--date", "2026-03-02"], 2,
         "现有 1 位：王芳。未记录任何支出。", "got 1: 王芳. Nothing was recorded."),
        (["add", "training", "1万", "--signed-by", "王方", "--date", "2026-03-02"], 2,
         "既不是计划中的人员", "is not a person in the plan"),
        (["add", "training", "0", "--signed-by", "王芳"], 2,
         "金额为 0，无需记录", "the amount is 0; nothing to record"),
        (["add", "training", "1万", "--signed-by", "王芳", "--date", "2027-01-04"], 2,
         "不在计划期内", "is outside the plan"),
        (["add", "training", "1万", "--signed-by", "王芳", "--override", "--reason", " "], 2,
         "--override 需要用 --reason 说明为何越过熔断", "--override needs a --reason"),
        (["reverse", "7", "--signed-by", "王芳", "--reason", "x"], 2,
         "台账中没有第 7 笔", "no ledger entry 7"),
        (["add", "salon", "1万", "--signed-by", "王芳"], 2,
         '没有预算项 "salon"（是不是“salons”？）', 'no budget line "salon" (did you mean '
         '"salons"?)'),
        (["add", "training", "1万", "--signed-by", "Alicia"], 2,
         "（是不是“Alice”？）", '(did you mean "Alice"?)'),
        (["add", "training", "1万", "--signed-by", "王芳", "--override"], 2,
         "--override 和 --reason 须一起给出", "--override and --reason go together"),
        (["add", "training", "0.001元", "--signed-by", "王芳"], 2,
         "金额须精确到分", "is not a whole number of fen"),
        (["add", "training", "200亿", "--signed-by", "王芳"], 2,
         "'200亿' 超过单笔上限（100亿）", "'200亿' is more than one entry may be"),
        (["add", "training", "nan万", "--signed-by", "王芳"], 2,
         "'nan万' 不是有限的数。未记录任何支出。", "'nan万' is not a finite number"),
        (["add", "training", "1,5万", "--signed-by", "王芳"], 2,
         "逗号只用来分隔千位", "commas only separate thousands"),
    ]  # fmt: skip
    before = ledger(money)
    for args, code, chinese, english in cases:
        for lang, said in (("zh", chinese), ("en", english)):
            result = run(money, "spend", *args, "--lang", lang)
            assert result.exit_code == code, (args, result.output)
            assert said in result.output, (args, result.output)
            assert "Traceback" not in result.output
    default = run(money, "spend", *cases[0][0])
    assert cases[0][2] in default.output  # the workspace's own language, Chinese
    assert ledger(money) == before


def test_a_budget_tables_amounts_add_up_as_written() -> None:
    """To the hundred yuan in 万, however large: 380万 − 427.76万 = -47.76万 reads true,
    where four significant digits would write 427.8万."""
    assert [in_budget_table(v, "zh") for v in (3_800_000, 4_277_612, -477_612)] == [
        "380万", "427.76万", "-47.76万"]  # fmt: skip
    assert in_budget_table(123_456_789, "zh") == "12,345.68万"  # never 1.23亿 beside 万
    small = [in_budget_table(v, "zh") for v in (5_914, 0, None)]
    assert small == ["5,914元", "0元", "—"]
    assert in_budget_table(9_999.6, "zh") == "1万"  # written as 10,000元 it is 1万
    assert in_budget_table(4_277_612, "en") == "CNY 4,278k"
    assert (in_budget_table(-477_612, "en"), in_budget_table(40, "en")) == ("-CNY 478k", "CNY 40")


def test_a_withdrawal_says_which_check_in_counts_now(money: Path) -> None:
    # The README's tour withdraws the only check-in of O1.KR1: none is left to count,
    # and it said "the latest check-in before it counts again" all the same.
    assert run(money, "checkin", "O1.REV", "1.1", "--date", "2026-03-31").exit_code == 0
    assert run(money, "checkin", "O1.REV", "110", "--date", "2026-04-30").exit_code == 0
    done = run(money, "checkin", "--withdraw", "2", "--reason", "多打了两个零", "--by", "王芳")
    assert done.output == (
        "已撤回打卡 2：O1.REV 110亿（branch，截至 2026-04-30）。该条留在历史中，不再计入；"
        "branch 现以打卡 1 为准：1.1亿（截至 2026-03-31）。\n"
    )
    last = run(money, "checkin", "--withdraw", "1", "--reason", "口径不对", "--lang", "en")
    assert last.output == (
        "Withdrew check-in 1: O1.REV CNY 110m for branch as of 2026-03-31. It stays in the "
        "history and counts for nothing; branch has no check-in of it left, so it shows no "
        "figure until the next one.\n"
    )


def test_an_override_reversed_is_no_longer_shown_as_the_lines_override(money: Path) -> None:
    """The report went on saying 熔断后特批支出：董事会批准 beside a line whose overridden
    entry had been reversed, as if the line still stood over its breaker on that reason."""
    assert spend(money, "experts", "30万", "--date", "2026-06-01").exit_code == 0
    overridden = spend(money, "experts", "30万", "--date", "2026-06-02", "--override",
                       "--reason", "董事会批准")  # fmt: skip
    assert overridden.exit_code == 0, overridden.output
    (entry,) = [row[0] for row in ledger(money) if row[3] == 300_000 * 100][1:]
    reversed_ = run(money, "spend", "reverse", str(entry), "--reason", "合同取消",
                    "--signed-by", "王芳", "--date", "2026-06-10")  # fmt: skip
    assert reversed_.exit_code == 0, reversed_.output

    def overrides(day: str) -> list[object]:
        done = run(money, "report", "--as-of", day, "--format", "json")
        assert done.exit_code == 0, done.output
        (line,) = [line for line in json.loads(done.output)["budget"]["lines"]
                   if line["id"] == "experts"]  # fmt: skip
        return [o["reason"] for o in line["overrides"]]

    assert overrides("2026-06-05") == ["董事会批准"]  # before the reversal, it stood
    assert overrides("2026-06-30") == []
    text = run(money, "report", "--as-of", "2026-06-30", "--format", "md").output
    assert "董事会批准" not in text, text
