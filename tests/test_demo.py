"""okrdesk demo, as make demo runs it: the real command with the installed plugins."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from installed_package import installed_package
from okrdesk.store import Store

ENV = {**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"}


def okrdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okrdesk", *args], capture_output=True, text=True, env=ENV
    )


def test_demo_builds_a_workspace_that_validates_and_has_numbers(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    done = okrdesk("demo", str(root), "--as-of", "2026-06-30", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Plugin brokerage generated demo data" in done.stdout
    assert "  1 firm, 1 branch, 3 teams; 20 people;" in done.stdout
    # 30 June 2026 is in ISO week 27.
    assert "Collected " in done.stdout and "over 27 periods" in done.stdout
    assert f"The weekly report (`okrdesk report -w {root}`):" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    # An English demo is an English workspace: its report needs no --lang.
    assert "As of 2026-06-30" in okrdesk("report", "-w", str(root), "--as-of", "2026-06-30").stdout
    validated = okrdesk("validate", "-w", str(root))
    assert validated.returncode == 0, validated.stdout
    with Store.open(root / "okrdesk.db") as store:
        assert store.count_observations() > 1000
        assert [r.status for r in store.runs()] == ["ok"]
    again = okrdesk("demo", str(root), "--as-of", "2026-06-30")
    assert again.returncode == 0, again.stderr
    # Chinese by default, as every command: what it built, and the report.
    assert "插件 brokerage 已生成演示数据" in again.stdout
    assert "个周期），存入 okrdesk.db。" in again.stdout and "已记录 " in again.stdout
    assert f"周报（`okrdesk report -w {root}`）：" in again.stdout
    assert "Collected" not in again.stdout and "As of" not in again.stdout
    # A Chinese demo's units are at levels a Chinese brokerage names, and its report
    # heads with the branch as its people write it: 深圳福田营业部（szft）.
    assert "  1 个公司、1 个营业部、3 个团队，共 20 人；" in again.stdout
    assert "\n深圳福田营业部（szft）  截至 2026-06-30（2026-W27）\n" in again.stdout
    org = (root / "targets" / "org.toml").read_text(encoding="utf-8")
    assert 'level = "营业部"' in org and 'level = "branch"' not in org
    assert "# `level` is free text: use the words your firm uses." in org


def test_demo_check_ins_of_a_count_to_date_never_fall(tmp_path: Path) -> None:
    """A count reported at each month end (new HNW clients 1,000 户, family trusts
    90 单) is a total to date: the demo's check-ins rise from one month to the next."""
    from okrdesk.app.demo import write_history
    from okrdesk.engine.pace import closes_on
    from okrdesk.model import Direction
    from okrdesk.resources import shipped
    from okrdesk.targets.load import load_plan_or_fail
    from okrdesk.units import Dimension

    root = tmp_path / "plan"
    shutil.copytree(shipped("sample_targets"), root / "targets")
    plan = load_plan_or_fail(root)
    with Store.open(tmp_path / "okrdesk.db") as store:
        write_history(plan, store, dt.date(2026, 11, 30), {})
        checkins = store.checkins()
    closing = {kr.id: closes_on(plan, kr) for kr in plan.key_results_by_id.values()}
    counted = {kr.id for kr in plan.key_results_by_id.values()
               if kr.metric is None and kr.unit.dimension is Dimension.COUNT
               and kr.direction is Direction.AT_LEAST and closing[kr.id] is None}  # fmt: skip
    assert counted == {"C2.KR2", "O1.KR3"}
    for kr_id in counted:
        values = [c.value for c in sorted(checkins, key=lambda c: c.day) if c.key_result == kr_id]
        assert len(values) >= 2 and values == sorted(values), (kr_id, values)
    # A checkpoint that has closed is checked in on its day alone: later ones would not count.
    closed = {kr for kr, day in closing.items() if day is not None}
    assert {"P.LEADS", "P.EQUITY_ATTRITION"} <= closed
    for c in checkins:
        if c.key_result in closed:
            assert c.day == closing[c.key_result], c


def test_demo_never_touches_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    done = okrdesk("demo", str(tmp_path), "--lang", "en")
    assert done.returncode == 2
    assert "not an okrdesk demo" in done.stderr
    chinese = okrdesk("demo", str(tmp_path), "--lang", "zh")
    assert chinese.returncode == 2
    assert f"{tmp_path} 中已有不属于 okrdesk 演示的文件；请另选一个文件夹" in chinese.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    # A folder someone sent may hold okrdesk-demo as a link to an empty folder elsewhere:
    # the demo went there (T45's finding).
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "okrdesk-demo").symlink_to(elsewhere)
    linked = okrdesk("demo", str(tmp_path / "okrdesk-demo"), "--lang", "en")
    assert linked.returncode == 2, linked.stdout
    assert "okrdesk-demo is a link to" in linked.stderr and "nothing was changed" in linked.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_day_before_the_plan_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    """okrdesk demo --as-of 2025-12-31 built a demo as of 1 January 2026, then its own
    report refused 2025-12-31 as before the plan. The day is refused up front, in the
    user's language, and a demo already there is left as it was."""
    from okrdesk.app.demo import _MARKED, DEMO_MARKER

    root = tmp_path / "demo"
    (root / "targets").mkdir(parents=True)
    (root / DEMO_MARKER).write_text(_MARKED, encoding="utf-8")
    (root / "targets" / "plan.toml").write_text("# the demo before\n", encoding="utf-8")
    done = okrdesk("demo", str(root), "--as-of", "2025-12-31")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "--as-of 2025-12-31：早于示例计划开始日（2026-01-01），还没有可演示的内容；"
        "请给 2026-01-01 至 2026-12-31 之间的日期。未做任何改动\n"
    )
    assert sorted(p.name for p in root.rglob("*")) == [DEMO_MARKER, "plan.toml", "targets"]
    assert (root / "targets" / "plan.toml").read_text(encoding="utf-8") == "# the demo before\n"
    english = tmp_path / "english"
    assert okrdesk("init", str(english), "--lang", "en").returncode == 0
    said = subprocess.run(
        [sys.executable, "-m", "okrdesk", "demo", str(root), "--as-of", "2025-12-31"],
        capture_output=True, text=True, env=ENV, cwd=english,
    )  # fmt: skip
    assert said.returncode == 2
    assert said.stderr.startswith("--as-of 2025-12-31: before the sample plan starts")
    # The plan's first day is a demo as of that day, its report as of it too.
    first = okrdesk("demo", str(tmp_path / "first"), "--as-of", "2026-01-01")
    assert first.returncode == 0, first.stderr
    assert "截至 2026-01-01。" in first.stdout and "截至 2026-01-01（2026-W01）" in first.stdout


def test_a_day_after_the_plan_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    """okrdesk demo --as-of 2027-03-01 built a demo as of 31 December 2026 and said so, a
    day the user did not ask for, and its report said the plan had ended. The day is
    refused up front, as a day before the plan is, in the user's language, and a demo
    already there is left as it was."""
    from okrdesk.app.demo import _MARKED, DEMO_MARKER

    root = tmp_path / "demo"
    (root / "targets").mkdir(parents=True)
    (root / DEMO_MARKER).write_text(_MARKED, encoding="utf-8")
    (root / "targets" / "plan.toml").write_text("# the demo before\n", encoding="utf-8")
    done = okrdesk("demo", str(root), "--as-of", "2027-03-01")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "--as-of 2027-03-01：晚于示例计划结束日（2026-12-31），演示只能展示到那一天；"
        "请给 2026-01-01 至 2026-12-31 之间的日期。未做任何改动\n"
    )
    assert sorted(p.name for p in root.rglob("*")) == [DEMO_MARKER, "plan.toml", "targets"]
    assert (root / "targets" / "plan.toml").read_text(encoding="utf-8") == "# the demo before\n"
    english = okrdesk("demo", str(tmp_path / "new"), "--as-of", "2027-01-01", "--lang", "en")
    assert (english.returncode, english.stdout) == (2, "")
    assert english.stderr == (
        "--as-of 2027-01-01: after the sample plan ends (2026-12-31), the demo would show "
        "that day, not this one; give a day from 2026-01-01 to 2026-12-31. Nothing was "
        "changed\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


def test_a_demo_rebuilt_after_you_changed_it_is_kept_not_deleted(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    assert okrdesk("demo", str(root), "--as-of", "2026-06-30").returncode == 0
    # Reading it changes nothing: rebuilt in place, nothing kept.
    assert okrdesk("report", "-w", str(root), "--as-of", "2026-06-30").returncode == 0
    rebuilt = okrdesk("demo", str(root), "--as-of", "2026-06-30")
    assert rebuilt.returncode == 0 and "kept" not in rebuilt.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]
    # A check-in of yours is never deleted by a rebuild: the folder is kept beside it.
    mine = okrdesk("checkin", "C1.KR2", "2.1亿", "--date", "2026-06-29", "-w", str(root))
    assert mine.returncode == 0, mine.stderr
    again = okrdesk("demo", str(root), "--as-of", "2026-06-30")
    assert again.returncode == 0, again.stderr
    [kept] = [p for p in tmp_path.iterdir() if p.name != "demo"]
    assert kept.name.startswith("demo.kept-")
    assert f"该处的演示工作区在生成后被您改动过：已保留为 {kept}。" in again.stdout
    with Store.open(kept / "okrdesk.db") as store:
        assert any(c.value == 210_000_000 and c.day == dt.date(2026, 6, 29)
                   for c in store.checkins("C1.KR2"))  # fmt: skip
    with Store.open(root / "okrdesk.db") as store:
        assert not any(c.day == dt.date(2026, 6, 29) for c in store.checkins("C1.KR2"))


def test_a_file_every_metric_of_a_plugin_reads_is_one_error_naming_the_metrics(
    tmp_path: Path,
) -> None:
    root = tmp_path / "demo"
    assert okrdesk("demo", str(root), "--as-of", "2026-06-30").returncode == 0
    (root / "data" / "crm" / "assets.csv").unlink()
    done = okrdesk("collect", "-w", str(root), "--through", "2026-06-30")
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("错误：")]
    [missing] = [line for line in errors if "assets.csv" in line]
    metrics = missing.removeprefix("错误：插件 brokerage 指标 ").partition("：")[0]
    assert {"asset_attrition", "new_hnw_clients"} <= set(metrics.split("、"))
    # In the collect's language, Chinese here, as the plugin words it beside the English.
    folder = root / "data" / "crm"
    assert missing.partition("：assets.csv")[2].startswith(f"：文件夹 '{folder}' 里没有这个文件")
    assert len(errors) == len(set(errors))


def test_the_demo_ledger_keeps_to_its_breakers(
    copy_of_the_demo: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each entry, judged as `okrdesk spend add` judges it on the ledger before it, went
    under its line's breaker, but the one the README tells of: the events line's last,
    recorded as an override with its reason."""
    from okrdesk.app.session import open_session
    from okrdesk.app.spend import breaker_after

    root = copy_of_the_demo("ledger")  # the demo on 2026-11-20
    monkeypatch.delattr(sys, "_called_from_test")  # the installed brokerage plugin, as made
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "brokerage")
    session = open_session(root)
    overrides = []
    with Store.open(root / "okrdesk.db") as store:
        ledger = sorted(store.spend(), key=lambda e: (e.day, e.id))
        for at, entry in enumerate(ledger):
            earlier = [e for e in ledger[:at] if e.line == entry.line]
            breaker = breaker_after(session.plan, session.host.metrics, store, entry.line,
                                    earlier, entry.amount, entry.day)  # fmt: skip
            assert breaker.tripped == (entry.override_reason is not None), entry
            if entry.override_reason is not None:
                overrides.append((entry.line, entry.day))
    assert overrides == [("events", dt.date(2026, 5, 31)), ("events", dt.date(2026, 10, 31))]


def test_demo_check_ins_are_figures_a_person_would_type(tmp_path: Path) -> None:
    """Money to the fen, counts whole, a score to two decimals, a rate to three
    significant digits in % or ‰ and no more than two decimals (81.8%, 6.87%, 0.15‰), as
    the report writes it: never a draw's sixteen digits in an export."""
    from decimal import Decimal

    from okrdesk.app.demo import write_history
    from okrdesk.resources import shipped
    from okrdesk.targets.load import load_plan_or_fail
    from okrdesk.units import Dimension

    root = tmp_path / "plan"
    shutil.copytree(shipped("sample_targets"), root / "targets")
    plan = load_plan_or_fail(root)
    with Store.open(tmp_path / "okrdesk.db") as store:
        write_history(plan, store, dt.date(2026, 11, 20), {})
        checkins = store.checkins()
    typed_in = {
        Dimension.MONEY: Decimal("0.01"),
        Dimension.COUNT: Decimal(1),
        Dimension.SCORE: Decimal("0.01"),
        Dimension.MULTIPLE: Decimal("0.01"),
    }
    seen = set()
    for c in checkins:
        unit = plan.key_results_by_id[c.key_result].unit
        typed = Decimal(repr(c.value))
        seen.add(unit.dimension)
        if unit.dimension is Dimension.FRACTION:
            typed /= Decimal("0.001") if unit.factor == Decimal("0.001") else Decimal("0.01")
            assert len(typed.normalize().as_tuple().digits) <= 3, (c.key_result, c.value)
            assert typed % Decimal("0.01") == 0, (c.key_result, c.value)
        else:
            assert typed % typed_in[unit.dimension] == 0, (c.key_result, c.value, unit.symbol)
    assert seen == set(Dimension) - {Dimension.MULTIPLE}


DEMO_DATA_AS_PATHS = """\
    from okrdesk.plugins import hookimpl


    @hookimpl
    def okrdesk_demo_data(plan, workspace, through):
        (workspace / "data" / "visits.csv").write_text("date,cm_id,visits\\n", "utf-8")
        return {"file": workspace / "data" / "visits.csv", "encoding": None}
"""


def test_demo_data_okrdesk_toml_cannot_hold_is_the_plugins_error(tmp_path: Path) -> None:
    """A plugin's okrdesk_demo_data that returned a Path (or a None, or a list) failed the
    whole demo with tomlkit's traceback, leaving it half built with no okrdesk.toml. It is
    that plugin's error, naming the key, and the demo is built with the others' data."""
    root = tmp_path / "demo"
    with installed_package(tmp_path, "samples", DEMO_DATA_AS_PATHS) as env:
        env = {**env, "OKRDESK_LOAD_PLUGINS": "brokerage,samples"}
        built = subprocess.run([sys.executable, "-m", "okrdesk", "demo", str(root), "--as-of",
                                "2026-03-31", "--lang", "en"], capture_output=True, text=True,
                               env=env)  # fmt: skip
        again = subprocess.run([sys.executable, "-m", "okrdesk", "demo", str(root), "--as-of",
                                "2026-03-31"], capture_output=True, text=True, env=env)  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stdout + built.stderr
    path = root.resolve() / "data" / "visits.csv"
    assert (
        f"Plugin samples could not make demo data: TypeError: okrdesk_demo_data returned file "
        f"= {path!r}, which okrdesk.toml cannot hold: give text, numbers, true or false, dates, "
        "and lists and tables of them (a path as text, relative to the workspace; for None, "
        "leave the key out)"
    ) in built.stdout
    assert "Plugin brokerage generated demo data" in built.stdout
    assert again.returncode == 0, again.stderr
    assert (
        f"插件 samples 未能生成演示数据：TypeError: okrdesk_demo_data 返回了 file = {path!r}，"
        "okrdesk.toml 写不下"
    ) in again.stdout
    settings = (root / "okrdesk.toml").read_text(encoding="utf-8")
    assert "[sources.brokerage]" in settings and "samples" not in settings


DEMO_DATA_MISBEHAVING = """\
    import os
    import sys
    import time

    from okrdesk.plugins import hookimpl


    @hookimpl
    def okrdesk_demo_data(plan, workspace, through):
        if os.environ["DEMO_DATA"] == "hang":
            while True:
                time.sleep(1)
        if os.environ["DEMO_DATA"] == "exit":
            sys.exit(2)
        print("writing visits.csv")
        return {"file": "data/visits.csv"}
"""


HANG_LIMIT = 15
"""The plugins' time limit of the demo whose samples plugin never returns: it stops that
plugin, and leaves the brokerage plugin, which the limit holds too (its loading, demo
data and collect, under 0.5 s on a quiet machine), room on a loaded one, where 2 s did
not. The demos whose plugin exits or prints have the default limit."""


def test_demo_data_that_exits_hangs_or_prints_is_told_and_the_demo_built(tmp_path: Path) -> None:
    """okrdesk_demo_data ran unguarded: a plugin's sys.exit(2) ended the demo half built
    with status 2 and no word, one that never returned held it for ever, and what one
    printed came out as if okrdesk said it. Each is the plugin's error, at its line."""
    told = {}
    with installed_package(tmp_path, "samples", DEMO_DATA_MISBEHAVING) as env:
        running = {}
        for how in ("hang", "exit", "print"):  # at once: the hang's wait is the others' run
            run = {**env, "OKRDESK_LOAD_PLUGINS": "brokerage,samples", "DEMO_DATA": how}
            if how == "hang":
                run["OKRDESK_PLUGIN_TIMEOUT"] = str(HANG_LIMIT)
            demo = [sys.executable, "-m", "okrdesk", "demo", str(tmp_path / how), "--as-of",
                    "2026-03-31", "--lang", "en"]  # fmt: skip
            running[how] = subprocess.Popen(demo, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True, env=run)  # fmt: skip
        try:
            for how, demo_run in running.items():
                stdout, stderr = demo_run.communicate(timeout=HANG_LIMIT * 10)
                told[how] = subprocess.CompletedProcess(demo_run.args, demo_run.returncode,
                                                        stdout, stderr)  # fmt: skip
        finally:
            for demo_run in running.values():
                if demo_run.poll() is None:
                    demo_run.kill()
                    demo_run.communicate()
    for how, done in told.items():
        assert done.returncode == 0, (how, done.stdout, done.stderr)
        assert "Plugin brokerage generated demo data" in done.stdout, how
        assert "Collected " in done.stdout and "Traceback" not in done.stderr, how
    lines = textwrap.dedent(DEMO_DATA_MISBEHAVING).splitlines()
    exits = lines.index("        sys.exit(2)") + 1
    assert (
        "Plugin samples could not make demo data: SystemExit: it called sys.exit(2), and a "
        f"plugin must not end the program (at okrdesk_samples/__init__.py:{exits})"
    ) in told["exit"].stdout.splitlines()
    assert (
        f"Plugin samples could not make demo data: okrdesk_demo_data did not finish within "
        f"{HANG_LIMIT} s and was stopped at okrdesk_samples/__init__.py:"
    ) in told["hang"].stdout
    prints = lines.index('    print("writing visits.csv")') + 1
    assert "writing visits.csv" not in told["print"].stdout.splitlines()
    assert (
        "Plugin samples: printed to standard output, which a plugin must not do: writing "
        f"visits.csv (at okrdesk_samples/__init__.py:{prints})"
    ) in told["print"].stdout.splitlines()
    assert "Plugin samples generated demo data (file = data/visits.csv)." in told["print"].stdout
