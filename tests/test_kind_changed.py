"""A metric whose kind changed since its figures were stored (a plugin upgraded so that a
flow became a stock) had the flow's stored weeks read as levels without a word. Each
collect now notes the kind of what it stored, and the next collect that finds the metric
declared otherwise says so, naming the metric, both kinds and what to do: an error while
the stored figures are still the old kind's, a warning when it has just stored them anew."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

LEVELS = """\
import os

from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("client_assets", "Client assets", "客户资产", "{kind}", UNITS["元"]))


@hookimpl
def okrdesk_collect(request, emit):
    if os.environ.get("OKRDESK_TEST_BROKEN"):
        emit.error("client_assets", "assets.csv is missing", zh="缺少 assets.csv")
        return
    for at, period in enumerate(request.periods, start=1):
        for person in request.people:
            emit("client_assets", person.id, period.id, value=1000 * at)
"""

OKRS = """\
[[objectives]]
id = "O9"
title = "客户资产"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "客户资产"
metric = "client_assets"
target = 100
unit = "万元"
"""

THROUGH = ("--through", "2026-01-18")


def _collect(env: dict[str, str], root: Path, lang: str, **more: str) -> tuple[int, str]:
    done = okrdesk({**env, **more}, "collect", "--lang", lang, *THROUGH, "-w", str(root))
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


def _told(env: dict[str, str], root: Path, lang: str) -> tuple[str, str]:
    """The report's and check's words, each alert on one line."""
    said = []
    for command in ("report", "check"):
        done = okrdesk({**env, "COLUMNS": "1000"}, command, "--lang", lang,
                       "--as-of", "2026-01-18", "-w", str(root))  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        said.append(done.stdout)
    return said[0], said[1]


def _kinds(root: Path) -> list[tuple[int, str | None]]:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return connection.execute("SELECT id, kinds FROM runs ORDER BY id").fetchall()


def test_a_kind_changed_since_the_figures_were_stored_is_told_until_they_are_collected_again(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"assets.toml": OKRS})
    with installed_package(tmp_path / "1.0", "levels", LEVELS.replace("{kind}", "flow")) as env:
        code, told = _collect(env, root, "en")
        assert code == 0, told
        assert "client_assets" not in told.split("\n", 2)[-1], told
    # The plugin upgraded declares a stock: the report and check, before any collect, read
    # the flow's weeks as levels, and say so.
    with installed_package(tmp_path / "2.0", "levels", LEVELS.replace("{kind}", "stock")) as env:
        for lang, words in (("en", "metric client_assets: its figures were stored as a "
                                   "flow's (by collect run 1) and it is now declared a stock"),
                            ("zh", "指标 client_assets：已存的数字是按 flow 入库的（第 1 次采集），"
                                   "而它现在声明为 stock")):  # fmt: skip
            report, check = _told(env, root, lang)
            assert words in report, report
            assert check.count(words) == 1, check
        # Its source fails: the flow's weeks stay, and the collect says why.
        code, english = _collect(env, root, "en", OKRDESK_TEST_BROKEN="1")
        assert code == 1, english
        assert (
            "error: plugin levels metric client_assets: its figures were stored as a flow's "
            "(by collect run 1) and it is now declared a stock, so the report and check read "
            "them as a stock's, which they are not, until they are collected again: collect "
            "the year again (`okrdesk collect --metric client_assets`)"
        ) in english.splitlines(), english
        _, check = _told(env, root, "en")  # the collect's own error is not told again
        assert check.count("its figures were stored as a flow's") == 1, check
        code, chinese = _collect(env, root, "zh", OKRDESK_TEST_BROKEN="1")
        assert code == 1, chinese
        assert (
            "错误：插件 levels 指标 client_assets：已存的数字是按 flow 入库的（第 1 次采集），"
            "而它现在声明为 stock，报告和 check 会把这些数字当作 stock 读取，这是不对的，"
            "直到重新采集为止：请重新采集这一年（`okrdesk collect --metric client_assets`）"
        ) in chinese.splitlines(), chinese
        # Collected again as a stock: stored anew, and said once.
        code, again = _collect(env, root, "zh")
        assert code == 0, again
        assert (
            "警告：插件 levels 指标 client_assets：此前按 flow 入库（第 1 次采集），现在声明为 "
            "stock：本次采集已把所采周期的数字按 stock 重新入库；其他年份存下的数字仍是 flow 的，"
            "在重新采集那一年之前会被当作 stock 读取"
        ) in again.splitlines(), again
        report = okrdesk(env, "report", "--lang", "en", "--as-of", "2026-01-18", "-w", str(root))
        assert "was stored as a flow (by collect run 1) and is now declared a" in report.stdout
        code, later = _collect(env, root, "en")
        assert code == 0 and "declared a" not in later, later
    kinds = _kinds(root)
    assert [kind for _, kind in kinds] == [
        '{"client_assets": "flow", "complaint_rate": "ratio", "new_hnw_clients": "flow"}',
        '{"complaint_rate": "ratio", "new_hnw_clients": "flow"}',
        '{"complaint_rate": "ratio", "new_hnw_clients": "flow"}',
        '{"client_assets": "stock", "complaint_rate": "ratio", "new_hnw_clients": "flow"}',
        '{"client_assets": "stock", "complaint_rate": "ratio", "new_hnw_clients": "flow"}',
    ], kinds
