"""A workspace someone sent you: what of it may run, what may reach your terminal,
and what files it may read."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from okrdesk.app.trust import TRUST_FILE
from sample_workspace import WriteWorkspace
from test_checkin_sum_trend import TRUSTS_CHECKED_IN

OKRDESK = [sys.executable, "-m", "okrdesk"]
ONLY_TEST_PLUGIN = {"OKRDESK_LOAD_PLUGINS": "test_metrics"}


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **ONLY_TEST_PLUGIN, **(env or {})}
    return subprocess.run([*OKRDESK, *args], capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=120)  # fmt: skip


# ------------------------------------------------------------------ templates

ESCAPE = "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}\n"


@pytest.mark.parametrize("name", ["report.md.j2", "report.html.j2"])
def test_a_workspace_template_cannot_run_code(
    write_workspace: WriteWorkspace, tmp_path: Path, name: str
) -> None:
    root = write_workspace()
    (root / "templates").mkdir()
    (root / "templates" / name).write_text(f"Hello\n{ESCAPE}", encoding="utf-8")
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    fmt = "md" if name.endswith("md.j2") else "html"
    args = ["report", "--format", fmt, "--as-of", "2026-03-15", "-w", str(root)]
    done = run(*args, "--lang", "en", cwd=tmp_path)
    assert not (tmp_path / "PWNED").exists()
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{name}:2: template error" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    chinese = run(*args, "--lang", "zh", cwd=tmp_path)
    assert chinese.returncode == 2 and f"{name}:2：模板错误：" in chinese.stderr


MENTIONS_OF_EVERYONE = {
    # WeCom's group robot notifies whom a Markdown message names so (`<@all>`, everyone,
    # where the client honours it).
    "wecom": ("<@all> 本周请全员打卡 <@wangfang>", "\\<@all> 本周请全员打卡 \\<@wangfang>"),
    # Feishu's, in a message's text and in a card's Markdown.
    "feishu": ('<at user_id="all">所有人</at> <at id=all></at>',
               '\\<at user_id="all">所有人\\</at> \\<at id=all>\\</at>'),
}  # fmt: skip


@pytest.mark.parametrize(("mention", "written"), MENTIONS_OF_EVERYONE.values(),
                         ids=MENTIONS_OF_EVERYONE.keys())  # fmt: skip
def test_a_workspace_markdown_template_mentions_no_one(
    write_workspace: WriteWorkspace, mention: str, written: str
) -> None:
    # A report.md.j2 from a workspace someone sent wrote `<@all>`: the report, posted
    # to the branch's WeCom group by a robot, notified everyone in it. What a template
    # writes mentions no one; text from the target files never could (the md filter).
    root = write_workspace()
    (root / "templates").mkdir()
    (root / "templates" / "report.md.j2").write_text(f"# {{{{ r.unit.name | md }}}}\n\n"
                                                     f"{mention}\n", encoding="utf-8")  # fmt: skip
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    done = run("report", "--format", "md", "--as-of", "2026-03-15", "-w", str(root))
    assert done.returncode == 0, done.stderr
    assert f"\n{written}\n" in done.stdout, done.stdout


RUNAWAY = {
    "time": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "size": "{% for i in range(100000) %}{{ 'x' * 10000000 }}{% endfor %}",
}  # fmt: skip


@pytest.mark.parametrize("runaway", ["time", "size"])
def test_a_workspace_template_that_runs_away_is_stopped(
    write_workspace: WriteWorkspace, tmp_path: Path, runaway: str
) -> None:
    root = write_workspace()
    (root / "templates").mkdir()
    (root / "templates" / "report.md.j2").write_text(RUNAWAY[runaway], encoding="utf-8")
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    limit = {"OKRDESK_PLUGIN_TIMEOUT": "2" if runaway == "time" else "120"}
    args = ["report", "--format", "md", "--as-of", "2026-03-15", "-w", str(root)]
    # The Chinese report waits out its limit beside the English one; the other runaway
    # takes a minute to write its 256 MB, and is asked in English alone.
    langs = ("en", "zh") if runaway == "time" else ("en",)
    with ThreadPoolExecutor(max_workers=2) as pool:
        running = {lang: pool.submit(run, *args, "--lang", lang, env=limit) for lang in langs}
        reports = {lang: report.result() for lang, report in running.items()}
    done = reports["en"]
    assert done.returncode == 2, done.stdout + done.stderr
    said = {"time": "the template did not finish within 2 s ($OKRDESK_PLUGIN_TIMEOUT)",
            "size": "the template wrote more than 268,435,456 characters"}  # fmt: skip
    assert f"report.md.j2: {said[runaway]}; does a loop run away?" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    if runaway == "time":
        chinese = reports["zh"]
        assert chinese.returncode == 2
        assert ("report.md.j2：模板在 2 秒内未完成（$OKRDESK_PLUGIN_TIMEOUT）；是否有循环失控？"
                in chinese.stderr)  # fmt: skip


# One step inside C that no time limit stops: hours of arithmetic, or gigabytes at once.
ONE_STEP = {
    "power": ("{{ 9 ** 999999999 }}",
              "template error: ** would make a whole number of more than 100,000 bits"),
    "squaring": ("{% set n = namespace(v=3) %}{% for i in range(40) %}"
                 "{% set n.v = n.v * n.v %}{% endfor %}{{ n.v }}",
                 "template error: * would make a whole number of more than 100,000 bits"),
    "repeat": ("{{ 'x' * 100000000000 }}",
               "the template took more than 2 GiB of memory; does a value grow without end?"),
    "centre": ("{{ 'x'|center(30000000000) }}",
               "the template took more than 2 GiB of memory; does a value grow without end?"),
    "doubling": ("{% set n = namespace(s='x') %}{% for i in range(64) %}"
                 "{% set n.s = n.s ~ n.s %}{% endfor %}{{ n.s }}",
                 "the template took more than 2 GiB of memory; does a value grow without end?"),
}  # fmt: skip


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux caps a process's memory")
@pytest.mark.parametrize("step", ONE_STEP)
def test_a_workspace_template_cannot_take_one_endless_step(
    write_workspace: WriteWorkspace, step: str
) -> None:
    template, said = ONE_STEP[step]
    root = write_workspace()
    (root / "templates").mkdir()
    (root / "templates" / "report.md.j2").write_text(f"Hello\n{template}\n", encoding="utf-8")
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    args = ["report", "--format", "md", "--as-of", "2026-03-15", "-w", str(root)]
    # The plugins' time limit is left at its 300 s: the step is refused, not timed out.
    done = run(*args, "--lang", "en")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"report.md.j2:2: {said}" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr


PYTHONS_WORDS = {
    "{{ 1 / 0 }}": "ZeroDivisionError: division by zero",
    "{{ 10.0 ** 400 }}": "OverflowError: (34, 'Numerical result out of range')",
    "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}": "RecursionError: maximum",
    "{{ 1 + 'a' }}": "TypeError: unsupported operand",
}


@pytest.mark.parametrize("template", PYTHONS_WORDS)
def test_a_workspace_template_failing_in_pythons_words_is_said_at_its_line(
    write_workspace: WriteWorkspace, template: str
) -> None:
    root = write_workspace()
    (root / "templates").mkdir()
    (root / "templates" / "report.md.j2").write_text(f"Hello\n{template}\n", encoding="utf-8")
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    args = ["report", "--format", "md", "--as-of", "2026-03-15", "-w", str(root)]
    done = run(*args, "--lang", "en")
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"report.md.j2:2: template error: {PYTHONS_WORDS[template]}" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    chinese = run(*args, "--lang", "zh")
    assert chinese.returncode == 2 and "report.md.j2:2：模板错误：" in chinese.stderr


def test_a_template_still_multiplies_what_a_report_needs(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    (root / "templates").mkdir()
    written = "{{ '-' * 12 }} {{ 2 ** 64 }} {{ 3 * 1.5 }} {{ 10 ** 8 * 4 }}\n"
    (root / "templates" / "report.md.j2").write_text(written, encoding="utf-8")
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    done = run("report", "--format", "md", "--as-of", "2026-03-15", "-w", str(root))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "------------ 18446744073709551616 4.5 400000000\n"


# ------------------------------------------------- the workspace's own code

MARKER_PLUGIN = """\
import pathlib

pathlib.Path(__file__).parent.parent.joinpath("RAN").write_text("imported")
"""


BOTH = {"OKRDESK_LOAD_PLUGINS": "evil,test_metrics"}


def untrusted(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace(trusted=False)
    (root / "plugins" / "evil.py").write_text(MARKER_PLUGIN, encoding="utf-8")
    return root


def test_validate_runs_none_of_an_untrusted_workspaces_code(
    write_workspace: WriteWorkspace, private_config: Path
) -> None:
    root = untrusted(write_workspace)
    done = run("validate", "--lang", "en", "-w", str(root), env=BOTH)
    assert not (root / "RAN").exists()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not run: plugins/evil.py, plugins/test_metrics.py" in done.stdout
    assert f"okrdesk trust {root}" in done.stdout
    assert 'metric "new_hnw_clients" is not measured' in done.stdout
    assert not private_config.exists()  # asking wrote nothing


FORMAT_PLUGIN = """\
import pathlib

from okrdesk.plugins import ReportFormat, hookimpl


@hookimpl
def okrdesk_report_formats(register):
    pathlib.Path(__file__).parent.parent.joinpath("ASKED").write_text("formats")
    register(ReportFormat("KR X", "x", print))
"""


def test_validate_asks_a_workspace_plugin_for_its_formats_only_once_trusted(
    write_workspace: WriteWorkspace,
) -> None:
    """validate names a report format a plugin makes wrong, as `plugins` does, and asks
    only a plugin it loads anyway: a workspace's own, once the workspace is trusted."""
    root = write_workspace(trusted=False)
    (root / "plugins" / "krx.py").write_text(FORMAT_PLUGIN, encoding="utf-8")
    only = {"OKRDESK_LOAD_PLUGINS": "krx,test_metrics"}
    done = run("validate", "--lang", "en", "-w", str(root), env=only)
    assert not (root / "ASKED").exists()
    assert done.returncode == 0 and "okrdesk_report_formats" not in done.stdout, done.stdout
    assert "not run: plugins/krx.py, plugins/test_metrics.py" in done.stdout
    allowed = {**only, "OKRDESK_ALLOW_WORKSPACE_CODE": "1"}
    said = {lang: run("validate", "--lang", lang, "-w", str(root), env=allowed)
            for lang in ("en", "zh")}  # fmt: skip
    assert (root / "ASKED").exists()
    assert said["en"].returncode == 0, said["en"].stdout + said["en"].stderr
    assert ("warning: plugin krx: okrdesk_report_formats failed: ReportFormatError: a report "
            "format's name must be a short lower-case word, not 'KR X' (at plugins/krx.py:9)"
            in said["en"].stdout.splitlines())  # fmt: skip
    assert ("警告：插件 krx：okrdesk_report_formats 出错：ReportFormatError: 报告格式的名称应为"
            "一个简短的小写单词，现为 'KR X'（位于 plugins/krx.py:9）"
            in said["zh"].stdout.splitlines())  # fmt: skip


def test_report_and_check_say_the_plugin_was_skipped_and_still_work(
    write_workspace: WriteWorkspace,
) -> None:
    root = untrusted(write_workspace)
    collected = run("collect", "--through", "2026-03-15", "-w", str(root))
    assert collected.returncode == 1
    # In the workspace's language, Chinese here; in English when asked.
    assert (
        "错误：指标 complaint_rate、new_hnw_clients：没有任何已加载的插件提供" in collected.stderr
    )
    assert "错误：插件 test_metrics：未运行：此工作区未受信任" in collected.stderr
    assert "Traceback" not in collected.stderr
    english = run("collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root))
    assert "error: metrics complaint_rate, new_hnw_clients: not provided by any loaded plugin" in (
        english.stderr)  # fmt: skip
    assert "plugin test_metrics: not run: this workspace is not trusted" in english.stderr
    report = run("report", "--as-of", "2026-03-15", "--format", "json", "-w", str(root))
    assert report.returncode == 0, report.stderr
    assert "插件 test_metrics：未运行：此工作区未受信任" in report.stdout
    check = run("check", "--as-of", "2026-03-15", "--lang", "en", "-w", str(root))
    assert check.returncode == 1
    # Told once, as it stands now, not again as what the collect (in Chinese) kept of it.
    assert check.stdout.count("test_metrics: not run: this workspace is not trusted") == 1
    assert check.stdout.count("test_metrics：未运行") == 0
    assert (
        run("check", "--as-of", "2026-03-15", "-w", str(root)).stdout.count("test_metrics：未运行")
        == 1
    )
    # COLUMNS=1000: what explain says, whole (test_explain_width reads how it folds).
    explained = run("explain", "O1.KR1", "--as-of", "2026-03-15", "-w", str(root),
                    env={"COLUMNS": "1000"})  # fmt: skip
    assert explained.returncode == 1
    assert explained.stderr.startswith(
        "O1.KR1 无法测量：已加载的插件都不提供指标 new_hnw_clients；"
        "本工作区自带的插件（plugins/test_metrics.py）未运行"
    ), explained.stderr
    assert not (root / "RAN").exists()


def test_trust_allows_the_code_until_a_plugin_file_changes(
    write_workspace: WriteWorkspace, private_config: Path
) -> None:
    root = untrusted(write_workspace)
    granted = run("trust", str(root))
    assert granted.returncode == 0, granted.stderr
    assert "plugins/evil.py" in granted.stdout
    assert (private_config / "okrdesk" / "trusted-workspaces.json").is_file()
    assert sorted(p.name for p in root.iterdir()) == ["plugins", "targets"]  # nothing written
    assert run("collect", "--through", "2026-03-15", "-w", str(root), env=BOTH).returncode == 0
    assert (root / "RAN").exists()
    (root / "RAN").unlink()
    (root / "plugins" / "test_metrics.py").write_text("import os\n", encoding="utf-8")
    again = run("validate", "--lang", "en", "-w", str(root), env=BOTH)
    assert not (root / "RAN").exists()
    assert "not run: plugins/evil.py" in again.stdout
    assert run("trust", "--revoke", "-w", str(root)).returncode == 0
    # In the workspace's language (Chinese here) unless --lang says otherwise.
    assert run("trust", str(root)).stdout.startswith(f"已信任 {root.resolve()} 的当前状态")
    english = run("trust", str(root), "--lang", "en")
    assert english.stdout.startswith(f"Trusted {root.resolve()} as it is now"), english.stdout
    revoked = run("trust", "--revoke", "--lang", "en", "-w", str(root))
    assert revoked.stdout == f"{root.resolve()}: no longer trusted.\n", revoked.stdout


def test_a_plugin_changed_since_the_trust_is_told_so_not_that_it_was_never_trusted(
    write_workspace: WriteWorkspace, private_config: Path
) -> None:
    """A plugin's author who edited plugins/NAME.py after `okrdesk trust` was told, by
    every command, that the workspace is not trusted, as for one never trusted: they had
    trusted it. They are told it changed since they trusted it; a workspace never trusted
    is told as before."""
    root = untrusted(write_workspace)
    assert run("trust", str(root)).returncode == 0
    (root / "plugins" / "test_metrics.py").write_text("import os\n", encoding="utf-8")
    changed = (
        "not run: this workspace's code, or what its settings reach outside it, changed since "
        "you trusted it, and its own code runs only with your consent; `okrdesk trust` allows "
        "it as it is now"
    )
    collected = run("collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root))
    assert collected.returncode == 1
    assert f"error: plugin test_metrics: {changed}" in collected.stderr.splitlines()
    listed = run("plugins", "-w", str(root))
    assert (
        "    错误：未运行：自你信任此工作区以来，其代码或其设置指向工作区之外的内容有了改动，"
        "其自带代码须经你同意才运行；`okrdesk trust` 可准许其当前状态"
    ) in listed.stdout.splitlines()
    validated = run("validate", "--lang", "en", "-w", str(root))
    assert (
        "warning: not run: plugins/test_metrics.py: this workspace's code, or "
        "what its settings reach outside it, changed since you trusted it; its own code runs "
        "only once you trust it as it is now."
    ) in validated.stdout.splitlines()
    assert run("trust", "--revoke", "-w", str(root)).returncode == 0
    never = run("collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root))
    assert "plugin test_metrics: not run: this workspace is not trusted" in never.stderr
    assert "changed since" not in never.stderr + run("validate", "-w", str(root)).stdout


def test_an_allow_variable_that_is_neither_1_nor_0_is_refused_not_taken_for_no(
    write_workspace: WriteWorkspace, private_config: Path
) -> None:
    """OKRDESK_ALLOW_WORKSPACE_CODE=true (or yes), in a CI job, ran none of the workspace's
    code, and each plugin was told only that the workspace is not trusted. Anything but 1,
    0 or nothing is refused, named, before a plugin runs; 0 leaves it to the trust."""
    root = untrusted(write_workspace)
    for command in (["collect", "--through", "2026-03-15"], ["report"], ["validate"]):
        told = run(*command, "--lang", "en", "-w", str(root),
                   env={"OKRDESK_ALLOW_WORKSPACE_CODE": "true"})  # fmt: skip
        assert told.returncode == 2, told.stdout + told.stderr
        assert told.stderr == (
            "$OKRDESK_ALLOW_WORKSPACE_CODE is 'true': 1 allows a workspace's own code for this "
            "run, and 0 (or unset) leaves it to `okrdesk trust`; write one of them\n"
        )
    chinese = run("plugins", "-w", str(root), env={"OKRDESK_ALLOW_WORKSPACE_CODE": "yes"})
    assert chinese.returncode == 2
    assert chinese.stderr.startswith("$OKRDESK_ALLOW_WORKSPACE_CODE 为 'yes'：1 表示")
    assert not (root / "RAN").exists()
    left = run(
        "plugins", "--lang", "en", "-w", str(root), env={"OKRDESK_ALLOW_WORKSPACE_CODE": "0"}
    )
    assert "not run: this workspace is not trusted" in left.stdout
    allowed = run(
        "plugins", "--lang", "en", "-w", str(root), env={"OKRDESK_ALLOW_WORKSPACE_CODE": "1"}
    )
    assert "not run" not in allowed.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="the list is held by a POSIX lock")
def test_two_trusts_at_once_keep_both_workspaces(
    write_workspace: WriteWorkspace, private_config: Path, tmp_path: Path
) -> None:
    """`okrdesk trust` read the list, added its workspace and wrote it back: run side by
    side (a script trusting its workspaces in parallel), each wrote what it read, and
    one workspace was lost. One waits while another holds the list."""
    import fcntl
    import json
    import time

    root = untrusted(write_workspace)
    listed = private_config / "okrdesk" / TRUST_FILE
    listed.parent.mkdir(parents=True)
    with open(listed.with_name(f"{TRUST_FILE}.lock"), "a+") as lock:  # another trust's hold
        fcntl.flock(lock, fcntl.LOCK_EX)
        trusting = subprocess.Popen([*OKRDESK, "trust", str(root)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True,
                                    env={**os.environ, **ONLY_TEST_PLUGIN})  # fmt: skip
        time.sleep(1.5)
        assert trusting.poll() is None, "it wrote the list while another trust held it"
        # What the other trust writes before it lets go.
        other = str((tmp_path / "other").resolve())
        listed.write_text(json.dumps({"workspaces": {other: "0" * 64}}), encoding="utf-8")
    _, errors = trusting.communicate(timeout=60)
    assert trusting.returncode == 0, errors
    kept = json.loads(listed.read_text(encoding="utf-8"))["workspaces"]
    assert sorted(kept) == sorted([other, str(root.resolve())])


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_a_file_of_its_code_that_cannot_be_read_leaves_the_workspace_untrusted_and_named(
    write_workspace: WriteWorkspace, private_config: Path
) -> None:
    # /proc/self/mem is a regular file that every read fails on, even as root; the walk
    # names it as a file of /proc before reading it.
    from okrdesk.app.trust import _content_digest
    from okrdesk.errors import BadInput

    root = untrusted(write_workspace)
    assert run("trust", str(root)).returncode == 0
    assert run("collect", "--through", "2026-03-15", "-w", str(root), env=BOTH).returncode == 0
    (root / "RAN").unlink()
    (root / "plugins" / "mem.py").symlink_to("/proc/self/mem")
    # One gone between the walk and its reading cannot be read either.
    with pytest.raises(BadInput) as refused:
        _content_digest(root / "plugins" / "gone.py", root / "plugins", 1024)
    assert refused.value.said.en == (
        "plugins/gone.py: cannot read this file (No such file or directory); okrdesk cannot "
        "check the workspace's code while it is unreadable: make it readable, or remove it"
    )
    assert refused.value.said.zh.startswith(
        "plugins/gone.py：无法读取此文件（No such file or directory）"
    )
    # The report still runs, the workspace's code not run (it was trusted before), and
    # says which file it cannot vouch for.
    report = run("report", "--lang", "en", "--as-of", "2026-03-15", "-w", str(root), env=BOTH)
    assert report.returncode == 0, report.stderr
    said = " ".join((report.stdout + report.stderr).split())
    assert "not run: okrdesk cannot check this workspace's code to trust it: plugins/mem.py " \
           "(a link to /proc/self/mem) is a view of the running system" in said, said  # fmt: skip
    assert not (root / "RAN").exists()


def test_a_trusted_plugin_runs_from_its_source_never_from_bytecode_beside_it(
    write_workspace: WriteWorkspace,
) -> None:
    # Bytecode Python would run whatever the source says (compiled "unchecked" from
    # other code), in __pycache__, which the trust fingerprint does not cover.
    import py_compile

    root = write_workspace(trusted=False)
    hidden = root / "hidden.py"
    hidden.write_text(MARKER_PLUGIN, encoding="utf-8")
    plugin = root / "plugins" / "test_metrics.py"
    cached = root / "plugins" / "__pycache__" / f"test_metrics.{sys.implementation.cache_tag}.pyc"
    py_compile.compile(str(hidden), cfile=str(cached), dfile=str(plugin),
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)  # fmt: skip
    hidden.unlink()
    granted = run("trust", str(root))
    assert "plugins/test_metrics.py" in granted.stdout  # and the bytecode, listed as trusted
    assert f"plugins/__pycache__/{cached.name}" in granted.stdout
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for args in (["validate", "--lang", "en"], ["collect", "--through", "2026-03-15"]):
        done = run(*args, "-w", str(root), env=environment)
        assert not (root / "RAN").exists(), args
        assert done.returncode == 0, (args, done.stderr)
    assert sorted(p.name for p in cached.parent.iterdir()) == [cached.name]  # none written


def test_the_environment_allows_one_run_without_recording_it(
    write_workspace: WriteWorkspace, private_config: Path
) -> None:
    root = untrusted(write_workspace)
    done = run("collect", "--through", "2026-03-15", "-w", str(root),
               env={**BOTH, "OKRDESK_ALLOW_WORKSPACE_CODE": "1"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (root / "RAN").exists()
    assert not private_config.exists()


# ------------------------------------------------- one output path

OSC52 = "\x1b]52;c;cGF3bmVk\x07"
OSC52_TOML = r"\u001b]52;c;cGF3bmVk\u0007"
LOUD_PLUGIN = f"""\
from okrdesk.plugins import hookimpl


@hookimpl
def okrdesk_collect(request, emit):
    raise RuntimeError({OSC52!r})
"""


def test_no_raw_control_character_reaches_stdout_or_stderr(
    write_workspace: WriteWorkspace,
) -> None:
    from sample_workspace import OKRS, ORG

    org = ORG.replace('name = "王芳"', f'name = "王芳{OSC52_TOML}"')
    okrs = OKRS.replace('title = "直营 AUM 净增"', f'title = "AUM{OSC52_TOML}"')
    root = write_workspace({"org.toml": org, "okrs.toml": okrs})
    (root / "plugins" / f"loud{OSC52}.py").write_text(LOUD_PLUGIN, encoding="utf-8")
    commands = [
        ["validate", "--lang", "en"],
        ["plugins"],
        ["collect", "--through", "2026-03-15"],
        ["check", "--as-of", "2026-03-15"],
        ["explain", "O1.KR1", "--as-of", "2026-03-15"],
        ["explain", f"O1{OSC52}", "--as-of", "2026-03-15"],
        ["checkin", f"O1.KR{OSC52}", "1", "--date", "2026-03-10"],
        ["spend", "add", "salons", "1万", "--signed-by", f"王芳{OSC52}", "--signed-by", "李强",
         "--note", OSC52, "--date", "2026-03-10"],
        ["spend", "add", "training", "1万", "--signed-by", f"x{OSC52}", "--note", OSC52,
         "--date", "2026-03-10"],
        ["spend", "list"],
        ["spend", "add", f"salons{OSC52}", "1万", "--signed-by", "王芳"],
        ["report", "--format", f"md{OSC52}"],
        [f"nonsense{OSC52}"],
    ]  # fmt: skip
    seen = ""
    for command in commands:
        done = subprocess.run(
            [*OKRDESK, *command, "-w", str(root)], capture_output=True, timeout=120,
            env={**os.environ, "OKRDESK_ALLOW_WORKSPACE_CODE": "1"},
        )  # fmt: skip
        for stream in (done.stdout, done.stderr):
            assert b"\x1b" not in stream and b"\x07" not in stream, (command, stream)
            seen += stream.decode("utf-8")
        assert b"Traceback" not in done.stderr, (command, done.stderr)
    assert r"\x1b]52;c;cGF3bmVk\x07" in seen


def test_validate_warns_of_control_characters_in_titles_and_names(
    write_workspace: WriteWorkspace,
) -> None:
    from sample_workspace import OKRS, ORG

    org = ORG.replace('name = "王芳"', f'name = "王芳{OSC52_TOML}"')
    okrs = OKRS.replace('title = "直营 AUM 净增"', f'title = "AUM{OSC52_TOML}"')
    root = write_workspace({"org.toml": org, "okrs.toml": okrs})
    done = run("validate", "--lang", "en", "-w", str(root))
    assert done.returncode == 0, done.stdout
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("warning: targets/org.toml:") and "people[cm01].name: holds control" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("warning: targets/okrs.toml:3: objectives[O1].title: holds control")
        for line in lines
    ), lines


# ------------------------------------------- modules beside the target files

SHADOW = """\
import pathlib
pathlib.Path(__file__).with_name("SHADOWED-{name}").write_text("ran")
raise ImportError("a sent workspace's {name}.py")
"""


@pytest.mark.parametrize("how", ["command", "python -m"])
def test_python_files_beside_the_targets_are_never_imported(
    write_workspace: WriteWorkspace, how: str
) -> None:
    # A workspace is usually the current folder, and Python puts the current folder
    # first on the path of `python -c` (how multiprocessing starts its fork server and
    # resource tracker) and of `python -m`: a module there must not shadow the real one.
    root = write_workspace(plugin=False)
    for name in ("multiprocessing", "click", "attrs", "pluggy", "sqlite3"):
        (root / f"{name}.py").write_text(SHADOW.format(name=name), encoding="utf-8")
    command = [str(Path(sys.executable).with_name("okrdesk"))] if how == "command" else OKRDESK
    for args in (["validate", "--lang", "en"], ["collect", "--through", "2026-03-15"], ["report"]):
        done = subprocess.run([*command, *args], capture_output=True, text=True, cwd=root,
                              env={**os.environ, "OKRDESK_LOAD_PLUGINS": "brokerage"},
                              timeout=120)  # fmt: skip
        assert sorted(p.name for p in root.glob("SHADOWED-*")) == [], (args, done.stderr)
        assert done.returncode in (0, 1) or (
            # The plan reads the brokerage plugin's metrics, which has no table here: its
            # defaults name no export folder, which validate refuses.
            args[0] == "validate"
            and "sources.brokerage.data: is required" in done.stdout
            and done.returncode == 2
        ), (args, done.stderr)


# ------------------------------------------ settings that reach outside the workspace


@pytest.mark.parametrize(
    "settings",
    [
        '[workspace]\ndatabase = "../victim/okrdesk.db"\n',
        '[workspace]\ndatabase = "postgresql://okrdesk@127.0.0.1:9/branch"\n',
        '[sources.sql]\nallow_outside_workspace = ["/etc"]\n',
        '[sources.sql]\nconnection_env = "PGPASSWORD"\n',
        '[[send.channels]]\nkind = "email"\nname = "hq"\nhost = "mail.example.org"\n'
        'sender = "a@example.org"\nto = ["b@example.org"]\nuser = "me"\n'
        'password_env = "PGPASSWORD"\n',
        '[sources.brokerage]\ndata = "../victim/data/crm"\n',
        # Every chat message would link the group's readers to the sender's site.
        '[send]\nreports_url = "https://intranet.example.org/okr/"\n',
        # Every installed plugin could run for ten hours on your machine.
        "[workspace]\nplugin_timeout = 36000\n",
    ],
    ids=[
        "store-elsewhere",
        "store-on-a-server",
        "folders-elsewhere",
        "a-warehouse",
        "mail",
        "a-plugins-folder-elsewhere",
        "a-link-for-the-group",
        "a-longer-plugin-timeout",
    ],
)
def test_settings_that_reach_outside_wait_for_trust(
    write_workspace: WriteWorkspace, tmp_path: Path, settings: str
) -> None:
    # A sent workspace must not choose where your numbers are written (another
    # workspace's store), which of your files are read, or where PGPASSWORD goes.
    root = write_workspace(root=tmp_path / "sent", trusted=False)
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    victim = tmp_path / "victim"
    victim.mkdir()
    for args in (["collect", "--through", "2026-03-15"], ["report"], ["export"], ["plugins"]):
        done = run(*args, "-w", str(root))
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        # In the workspace's language, Chinese here.
        assert "：此工作区指向其文件夹之外：" in done.stderr
        assert f"okrdesk trust {root}" in done.stderr
    # validate opens no store, warehouse or mail server: it checks the target files and
    # says what waits for trust. Folders a check would read wait for trust.
    checked = run("validate", "--lang", "en", "-w", str(root))
    if any(waits in settings for waits in ("allow_outside", "[sources.brokerage]", "timeout")):
        assert checked.returncode == 2, checked.stderr
        assert "this workspace reaches outside its folder" in checked.stderr
    else:
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "reaches outside the workspace (" in checked.stdout + checked.stderr
        said = " ".join((checked.stdout + checked.stderr).split())
        assert "validate opens none of it, and the other commands refuse it until" in said
        assert f"you trust the workspace: okrdesk trust {root}" in said
    assert list(victim.iterdir()) == []
    granted = run("trust", str(root))
    assert f"已信任 {root} 的当前状态" in granted.stdout
    assert "以及其 okrdesk.toml 指向工作区之外的设置（有改动会再次询问）：" in granted.stdout
    allowed = run("validate", "--lang", "en", "-w", str(root))
    assert "reaches outside" not in allowed.stderr
    # Changed after trust (say, by a `git pull`): asked again.
    (root / "okrdesk.toml").write_text(settings.replace("9/", "10/").replace("etc", "root")
                                       .replace("victim", "other").replace("PGPASS", "PGUSER")
                                       .replace('"b@', '"b@example.org", "c@')
                                       .replace("/okr/", "/okr2/")
                                       .replace("36000", "36001"),
                                       encoding="utf-8")  # fmt: skip
    assert run("report", "-w", str(root)).returncode == 2


def test_a_folder_of_the_workspace_allowed_for_sql_is_shown_as_where_it_is(
    write_workspace: WriteWorkspace, tmp_path: Path, private_config: Path
) -> None:
    # allow_outside_workspace = ["srv"], srv a folder of the workspace: the refusal and
    # `okrdesk trust` listed "srv -> None", naming nothing the user was consenting to.
    from okrdesk.app.trust import fingerprint

    root = write_workspace(root=tmp_path / "sent", trusted=False)
    (root / "srv").mkdir()
    (root / "okrdesk.toml").write_text('[sources.sql]\nallow_outside_workspace = ["srv"]\n',
                                       encoding="utf-8")  # fmt: skip
    shown = f"[sources.sql] allow_outside_workspace: srv -> {root.resolve()}/srv"
    for lang, listed in (("en", shown), ("zh", shown.replace(": ", "："))):
        refused = run("report", "--lang", lang, "-w", str(root))
        assert refused.returncode == 2, refused.stderr
        assert f"  {listed}\n" in refused.stderr and "None" not in refused.stderr
    granted = run("trust", "--lang", "en", str(root))
    assert f"  {shown}\n" in granted.stdout and "None" not in granted.stdout
    allowed = run("validate", "--lang", "en", "-w", str(root))
    assert allowed.returncode == 0 and "reaches outside" not in allowed.stderr
    # What is recorded is what an okrdesk that listed it so recorded: no workspace
    # trusted with it is asked again.
    recorded = json.loads((private_config / "okrdesk" / TRUST_FILE).read_text(encoding="utf-8"))
    earlier = fingerprint(root, ["[sources.sql] allow_outside_workspace: srv -> None"])
    assert recorded["workspaces"][str(root.resolve())] == earlier


def test_a_workspace_may_give_its_plugins_less_time_without_being_trusted_again(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # Trusted for its plugins/ before it had an okrdesk.toml: a shorter limit, or the
    # default written out, is no new reach, where a longer one asks again (above).
    root = write_workspace(root=tmp_path / "sent")
    for seconds in ("60", "300"):
        (root / "okrdesk.toml").write_text(f"[workspace]\nplugin_timeout = {seconds}\n",
                                           encoding="utf-8")  # fmt: skip
        for args in (["validate"], ["collect", "--through", "2026-03-15"], ["report"]):
            done = run(*args, "-w", str(root))
            assert done.returncode == 0, (seconds, args, done.stderr)
            assert "指向其文件夹之外" not in done.stdout + done.stderr


WAREHOUSE_METRIC = """
[[sources.sql.metrics]]
name = "attendees"
kind = "flow"
unit = "人"
query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"
"""


REACHING_EVERYWHERE = (
    """
[workspace]
database = "../victim/okrdesk.db"
plugin_timeout = 36000
[sources.sql]
allow_outside_workspace = ["/etc", "srv"]
connection_env = "PGPASSWORD"
[sources.test_metrics]
data = "../victim/data/crm"
[send]
reports_url = "https://intranet.example.org/okr/"
[[send.channels]]
kind = "email"
name = "hq"
host = "mail.example.org"
sender = "a@example.org"
to = ["b@example.org", "c@example.org"]
user = "me"
password_env = "PGPASSWORD"
"""
    + WAREHOUSE_METRIC
)


def test_what_a_workspace_reaches_is_listed_in_the_users_language_and_trusted_as_before(
    write_workspace: WriteWorkspace, tmp_path: Path, private_config: Path
) -> None:
    # The lines the refusal and `okrdesk trust` list were English in Chinese too
    # (`[send] hq: mail through … logging in as me with $PGPASSWORD`). Now each is in
    # the user's language, and what `okrdesk trust` records is what it recorded before.
    from okrdesk.app.trust import fingerprint

    root = write_workspace(root=tmp_path / "sent", trusted=False, plugin=False)
    (root / "srv").mkdir()
    (root / "okrdesk.toml").write_text(REACHING_EVERYWHERE, encoding="utf-8")
    refused = run("report", "-w", str(root))
    assert refused.returncode == 2, refused.stderr
    victim = tmp_path.resolve() / "victim"
    for line in (
        f"[workspace] database：{victim}/okrdesk.db",
        "[sources.sql] allow_outside_workspace：/etc -> /etc",
        f"[sources.sql] allow_outside_workspace：srv -> {root.resolve()}/srv",
        "[sources.sql] connection_env：PGPASSWORD",
        "[sources.sql] connection：其指标的查询，以你的登录身份在那里运行，"
        "即现在写下的这些（sha256 ",
        f"[sources.test_metrics] data：../victim/data/crm -> {victim}/data/crm",
        "[workspace] plugin_timeout：36000 秒，长于每个插件默认的 300 秒",
        "[send] reports_url：群消息里的报告链接指向 https://intranet.example.org/okr/",
        "[send] hq：经 mail.example.org:587（starttls）发邮件，发件人 a@example.org，收件人 "
        "b@example.org、c@example.org，以 me 登录，密码取自 $PGPASSWORD",
    ):
        assert f"\n  {line}" in refused.stderr, (line, refused.stderr)
    english = run("report", "--lang", "en", "-w", str(root)).stderr
    for said in (refused.stderr, run("trust", "--lang", "zh", str(root)).stdout):
        assert "logging in" not in said and "longer than" not in said and "the server" not in said
    mail = ("\n  [send] hq: mail through mail.example.org:587 (starttls) from a@example.org to "
            "b@example.org, c@example.org, logging in as me with $PGPASSWORD\n")  # fmt: skip
    assert mail in english
    assert "\n  [workspace] plugin_timeout: 36000 s, longer than the 300 s default" in english
    # Trusted by an okrdesk that listed these lines in English alone, and fingerprinted
    # them so: still trusted, nothing asked again.
    queries = next(line for line in english.splitlines() if "(sha256 " in line).strip()
    as_before = [
        f"[workspace] database: {victim}/okrdesk.db",
        "[sources.sql] allow_outside_workspace: /etc -> /etc",
        "[sources.sql] allow_outside_workspace: srv -> None",
        "[sources.sql] connection_env: PGPASSWORD",
        queries,
        f"[sources.test_metrics] data: ../victim/data/crm -> {victim}/data/crm",
        "[workspace] plugin_timeout: 36000 s, longer than the 300 s default each plugin has",
        "[send] reports_url: chat messages link the report at https://intranet.example.org/okr/",
        "[send] hq: mail through mail.example.org:587 (starttls) from a@example.org to "
        "b@example.org, c@example.org, logging in as me with $PGPASSWORD",
    ]
    recorded = {"workspaces": {str(root.resolve()): fingerprint(root, as_before)}}
    # (replacing what the `okrdesk trust` above recorded)
    (private_config / "okrdesk" / TRUST_FILE).write_text(json.dumps(recorded), encoding="utf-8")
    for lang in ("zh", "en"):
        checked = run("validate", "--lang", lang, "-w", str(root))
        assert "指向其文件夹之外" not in checked.stderr and "reaches outside" not in checked.stderr
        assert "指向工作区之外" not in checked.stdout and "reaches outside" not in checked.stdout


def test_a_query_changed_on_a_trusted_warehouse_asks_again(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # A warehouse's queries run there with your login. Trusted for one that counted
    # salon attendees, a workspace whose query then read your clients' phone numbers as
    # its subjects (a `git pull`) ran it unasked: the trust covered the connection alone.
    from sample_workspace import trusted

    root = write_workspace(root=tmp_path / "sent", trusted=False)
    settings = f'[sources.sql]\nconnection = "duckdb:{tmp_path / "warehouse.duckdb"}"\n'
    (root / "okrdesk.toml").write_text(settings + WAREHOUSE_METRIC, encoding="utf-8")
    trusted(root)
    refusal = "this workspace reaches outside its folder"
    assert refusal not in run("report", "--lang", "en", "-w", str(root)).stderr
    (root / "okrdesk.toml").write_text(settings + WAREHOUSE_METRIC.replace(
        "cm_id AS subject, date AS day, attendees AS value FROM salons",
        "phone AS subject, opened AS day, 1 AS value FROM clients",
    ), encoding="utf-8")  # fmt: skip
    for lang, said, listed in (
        ("en", refusal, "[sources.sql] connection: the queries of its metrics, run there "
         "with your login, as they are written now (sha256 "),
        ("zh", "此工作区指向其文件夹之外", "[sources.sql] connection：其指标的查询，"
         "以你的登录身份在那里运行，即现在写下的这些（sha256 "),
    ):  # fmt: skip
        done = run("report", "--lang", lang, "-w", str(root))
        assert done.returncode == 2, done.stderr
        assert said in done.stderr and listed in done.stderr
    listed = run("trust", "--lang", "en", str(root)).stdout
    assert "the queries of its metrics, run there with your login" in listed
    assert refusal not in run("report", "--lang", "en", "-w", str(root)).stderr


def test_a_store_linked_from_outside_is_a_store_outside(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace(root=tmp_path / "sent", trusted=False, plugin=False)
    elsewhere = tmp_path / "elsewhere.db"
    (root / "okrdesk.db").symlink_to(elsewhere)
    done = run("collect", "--through", "2026-03-15", "-w", str(root))
    assert done.returncode == 2 and "此工作区指向其文件夹之外" in done.stderr
    assert not elsewhere.exists()


def test_a_name_with_a_line_break_cannot_forge_a_ledger_line(
    write_workspace: WriteWorkspace,
) -> None:
    from sample_workspace import ORG

    forged = "王芳\\n       合计 1 笔           0.00  (ledger balanced)"
    root = write_workspace({"org.toml": ORG.replace('name = "王芳"', f'name = "{forged}"')})
    added = run("spend", "add", "training", "1", "--signed-by", "cm01", "-w", str(root))
    assert added.returncode == 0, added.stderr
    assert len(added.stdout.splitlines()) == 1 and "\\n" in added.stdout
    listed = run("spend", "list", "-w", str(root)).stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["编号", "1", "合计"]
    english = run("spend", "list", "--lang", "en", "-w", str(root)).stdout.splitlines()
    assert [line.split()[0] for line in english] == ["id", "1", "net,"]


@pytest.mark.parametrize(
    "code",
    [
        "CREATE TRIGGER fen AFTER INSERT ON spend BEGIN "
        "UPDATE spend SET amount_fen = 1 WHERE id = NEW.id; END",
        "CREATE TRIGGER gone AFTER INSERT ON runs BEGIN DELETE FROM checkins; END",
        "CREATE VIEW shown AS SELECT 1",
        "ALTER TABLE spend RENAME TO kept; CREATE TABLE spend (id INTEGER PRIMARY KEY, "
        "line TEXT NOT NULL, day TEXT NOT NULL, amount_fen INTEGER NOT NULL, signed_by TEXT "
        "NOT NULL, note TEXT NOT NULL DEFAULT '', override_reason TEXT, recorded TEXT NOT NULL, "
        "reverses INTEGER, UNIQUE (line) ON CONFLICT REPLACE); DROP TABLE kept",
    ],
    ids=["spend-trigger", "collect-trigger", "view", "replace-on-conflict"],
)
def test_a_store_with_sql_of_its_own_is_refused(write_workspace: WriteWorkspace, code: str) -> None:
    import sqlite3

    root = write_workspace()
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    connection = sqlite3.connect(root / "okrdesk.db")
    connection.executescript(code)
    connection.commit()
    connection.close()  # the last connection: its log is folded into the file
    before = (root / "okrdesk.db").read_bytes()
    for args in (["spend", "add", "training", "2", "--signed-by", "cm01"],
                 ["collect", "--through", "2026-03-15"], ["report"], ["export"]):  # fmt: skip
        done = run(*args, "--lang", "en", "-w", str(root))
        assert done.returncode == 2, (args, done.stderr)
        assert "holds what okrdesk never makes" in done.stderr
    chinese = run("report", "--lang", "zh", "-w", str(root))
    assert chinese.returncode == 2
    assert "含有 okrdesk 从不创建的对象" in chinese.stderr
    assert (root / "okrdesk.db").read_bytes() == before


SWALLOWING_CHECKINS = {
    # okrdesk records a check-in leaving its `withdrawn` column to the column's default:
    # one whose default was a day had each check-in recorded withdrawn.
    "default": (
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
        "', withdrawn TEXT,', ', withdrawn TEXT DEFAULT ''2026-01-01'',') "
        "WHERE name = 'checkins'",
        "default checkins.withdrawn = '2026-01-01'",
    ),
    # A contentless full-text table keeps no column of what is written to it.
    "virtual-table": (
        "ALTER TABLE checkins RENAME TO kept; CREATE VIRTUAL TABLE checkins USING fts5(id, "
        "key_result, subject, day, value, confidence, note, recorded, withdrawn, withdrawn_by, "
        "withdraw_reason, author, moved_from, moved, content='')",
        "virtual table checkins",
    ),
}


def _checked_in_over(
    write_workspace: WriteWorkspace, code: str
) -> tuple[Path, bytes, subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """A workspace with one check-in, its store then changed by ``code``, as someone
    sent it: the store's bytes then, a second check-in (English) and the history (Chinese),
    each refused, exit 2."""
    import sqlite3

    from sample_workspace import OKRS

    root = write_workspace({"okrs.toml": OKRS + TRUSTS_CHECKED_IN})
    first = run("checkin", "T4.TRUST", "3", "--date", "2026-03-10", "--by", "cm01",
                "-w", str(root))  # fmt: skip
    assert first.returncode == 0, first.stderr
    connection = sqlite3.connect(root / "okrdesk.db")
    connection.executescript(code)
    connection.close()  # the last connection: its log is folded into the file
    before = (root / "okrdesk.db").read_bytes()
    done = run("checkin", "T4.TRUST", "5", "--date", "2026-03-12", "--by", "cm01",
               "--lang", "en", "-w", str(root))  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    chinese = run("history", "T4.TRUST", "--lang", "zh", "-w", str(root))
    assert chinese.returncode == 2, chinese.stdout + chinese.stderr
    return root, before, done, chinese


@pytest.mark.parametrize(("code", "named"), SWALLOWING_CHECKINS.values(),
                         ids=SWALLOWING_CHECKINS.keys())  # fmt: skip
def test_a_store_that_would_swallow_what_okrdesk_writes_is_refused(
    write_workspace: WriteWorkspace, code: str, named: str
) -> None:
    # In a store someone sent, `okrdesk checkin` said the figure was recorded, exit 0,
    # and `history` showed it withdrawn, counting for nothing, or no check-in at all.
    root, before, done, chinese = _checked_in_over(write_workspace, code)
    assert f"holds what okrdesk never makes ({named})" in done.stderr
    assert f"含有 okrdesk 从不创建的对象（{named}）" in chinese.stderr
    assert (root / "okrdesk.db").read_bytes() == before


FAILING_MIDWAY = {
    # Runs inside okrdesk's insert: the check-in's empty note is no JSON.
    "failing-index": (
        "CREATE INDEX by_note ON checkins (json_extract(note, '$')) WHERE day > '2026-03-11'",
        "holds what okrdesk never makes (index by_note)",
        "含有 okrdesk 从不创建的对象（index by_note）",
    ),
    "expression-index": (
        "CREATE INDEX by_size ON observations (abs(value))",
        "holds what okrdesk never makes (index by_size)",
        "含有 okrdesk 从不创建的对象（index by_size）",
    ),
    # A table rebuilt by hand with a column okrdesk never makes, NOT NULL: each
    # check-in then refused midway.
    "not-null-column": (
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
        "', moved TEXT)', ', moved TEXT, branch TEXT NOT NULL)') WHERE name = 'checkins'",
        "okrdesk's tables are not as okrdesk made them: checkins.branch is a column okrdesk "
        "never makes (keep what it holds elsewhere, then `ALTER TABLE checkins DROP COLUMN "
        '"branch"`)',
        "checkins 表的 branch 列不是 okrdesk 建的",
    ),
    # A NOT NULL on a column okrdesk's writes leave empty: each check-in refused midway.
    "not-null": (
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
        "'withdrawn TEXT,', 'withdrawn TEXT NOT NULL,') WHERE name = 'checkins'",
        "okrdesk's tables are not as okrdesk made them: checkins.withdrawn is NOT NULL, as "
        "okrdesk never makes it (SQLite cannot drop a column's NOT NULL in place: rebuild the "
        'table without it, as a database browser\'s "modify table" does, or restore the file '
        "from a backup). Someone changed them by hand, and okrdesk's writes that leave such a "
        "column empty would be refused midway.",
        "checkins 表的 withdrawn 列被加上了 NOT NULL 约束，而 okrdesk 建的该列允许为空（SQLite "
        "无法就地去掉列的 NOT NULL",
    ),
    # A NOT NULL okrdesk makes, dropped: rows written by other software may hold NULLs
    # okrdesk's reads never expect (a check-in's note).
    "null-allowed": (
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
        "'note TEXT NOT NULL DEFAULT ''''', 'note TEXT DEFAULT ''''') WHERE name = 'checkins'",
        "okrdesk's tables are not as okrdesk made them: checkins.note may hold NULL, as okrdesk "
        "never makes it (SQLite cannot make a column NOT NULL in place: fill its NULLs, then "
        'rebuild the table with it, as a database browser\'s "modify table" does, or restore '
        "the file from a backup). Someone changed them by hand, and rows written there by "
        "other software may hold NULLs where okrdesk's reads never expect one.",
        "checkins 表的 note 列被去掉了 NOT NULL 约束，而 okrdesk 建的该列不允许为空"
        "（SQLite 无法就地给列加上 "
        "NOT NULL：请先填上其中的空值",
    ),
    "retyped-column": (
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
        "'value REAL NOT NULL', 'value TEXT NOT NULL') WHERE name = 'checkins'",
        "okrdesk's tables are not as okrdesk made them: checkins.value is of type TEXT, not "
        "REAL (SQLite cannot change a column's type in place: restore the file from a backup)",
        "checkins 表的 value 列类型为 TEXT，而非 REAL（SQLite 无法就地修改列的类型",
    ),
}


@pytest.mark.parametrize(("code", "named", "named_zh"), FAILING_MIDWAY.values(),
                         ids=FAILING_MIDWAY.keys())  # fmt: skip
def test_a_store_that_okrdesk_would_find_changed_only_midway_is_refused_when_opened(
    write_workspace: WriteWorkspace, code: str, named: str, named_zh: str
) -> None:
    # Not named when the store was opened: the next check-in failed in SQLite's words
    # (okrdesk.db: malformed JSON), or, with a column's type changed, was stored as text
    # and told only by a later read.
    root, before, done, chinese = _checked_in_over(write_workspace, code)
    assert named in " ".join(done.stderr.split()), done.stderr
    assert "Nothing was read or changed" in done.stderr and "Traceback" not in done.stderr
    assert named_zh in chinese.stderr, chinese.stderr
    assert (root / "okrdesk.db").read_bytes() == before


def test_a_column_added_to_a_table_of_okrdesks_is_named_when_the_store_is_opened(
    write_workspace: WriteWorkspace,
) -> None:
    # A check-in was recorded, exit 0, beside a column okrdesk never writes, which
    # `okrdesk store copy` then could not take along.
    added = "ALTER TABLE spend ADD COLUMN approver TEXT; ALTER TABLE checkins ADD COLUMN 备注 TEXT"
    root, before, done, chinese = _checked_in_over(write_workspace, added)
    told = " ".join(done.stderr.split())
    assert (
        "okrdesk's tables are not as okrdesk made them: checkins.备注 is a column okrdesk "
        "never makes"
        in told
        and "; spend.approver is a column okrdesk never makes" in told
    )
    assert "nor can it copy one to another store" in told and "Traceback" not in told
    assert "checkins 表的 备注 列不是 okrdesk 建的" in chinese.stderr
    assert "spend 表的 approver 列不是 okrdesk 建的" in chinese.stderr
    assert (root / "okrdesk.db").read_bytes() == before


@pytest.mark.parametrize(
    ("code", "refused"),
    [
        ("CREATE TABLE t (a TEXT, b TEXT unique)", True),
        ("CREATE TABLE t (a TEXT NOT NULL ON\n\tconflict IGNORE)", True),
        ("CREATE TABLE p (id INTEGER PRIMARY KEY); "
         "CREATE TABLE t (a INTEGER REFERENCES p(id) On  Delete CASCADE)", True),
        ("CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2))", True),
        ("CREATE TABLE t (a INTEGER, b INTEGER as(a * 2))", True),
        ("CREATE TABLE t (a INTEGER CHECK\n(a > 0))", True),
        ("CREATE TABLE t (a TEXT COLLATE NOCASE)", True),
        ("CREATE TABLE 分行 (名称 TEXT UNIQUE)", True),
        ("CREATE INDEX t_by_a ON observations (metric COLLATE NOCASE)", True),
        # Hidden from a look that knew texts alone: an apostrophe in a comment or in a
        # quoted name read as a text's start, a comment between a clause's words.
        ("CREATE TABLE t (a TEXT /* it's */ UNIQUE ON CONFLICT REPLACE /* ' */)", True),
        ("CREATE TABLE t (\"a'b\" TEXT, c TEXT UNIQUE ON CONFLICT REPLACE, \"d'e\" TEXT)",
         True),
        ("CREATE TABLE t ([a'b] TEXT, c TEXT UNIQUE, `d'e` TEXT)", True),
        ("CREATE TABLE t (a TEXT -- it's\n UNIQUE, b TEXT DEFAULT '')", True),
        ("CREATE TABLE t (a TEXT NOT NULL ON/**/CONFLICT IGNORE)", True),
        # What is not such a clause: the words inside a text, or inside a longer name.
        ("CREATE TABLE t (a TEXT DEFAULT 'UNIQUE ON CONFLICT', checked TEXT, ascent TEXT)",
         False),
        ("CREATE TABLE 分行 (名称 TEXT DEFAULT '唯一 UNIQUE')", False),
        ("CREATE TABLE t (\"UNIQUE\" TEXT, a TEXT /* UNIQUE ON CONFLICT */)", False),
        # A virtual table of one's own, whose module this Python lacks: its columns are
        # never read, and okrdesk writes nothing to it.
        ("PRAGMA writable_schema = ON; INSERT INTO sqlite_master (type, name, tbl_name, "
         "rootpage, sql) VALUES ('table', 'mine', 'mine', 0, "
         "'CREATE VIRTUAL TABLE mine USING no_such_module(a)')", False),
    ],
)  # fmt: skip
def test_each_clause_that_changes_writes_is_found_however_it_is_written(
    tmp_path: Path, code: str, refused: bool
) -> None:
    import sqlite3

    from okrdesk.errors import BadInput
    from okrdesk.store import Store

    path = tmp_path / "okrdesk.db"
    Store.open(path).close()
    with sqlite3.connect(path) as connection:
        connection.executescript(code)
    connection.close()
    if not refused:
        Store.open(path).close()
        return
    with pytest.raises(BadInput, match="holds what okrdesk never makes"):
        Store.open(path)


def test_a_target_file_linked_from_outside_is_never_read(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace(root=tmp_path / "sent")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the first line of a file of yours\n", encoding="utf-8")
    (root / "targets" / "zz.toml").symlink_to(secret)
    done = run("validate", "--lang", "en", "-w", str(root))
    assert done.returncode == 2
    assert "targets/zz.toml: links to a file outside the workspace" in done.stdout + done.stderr
    assert "first line" not in done.stdout + done.stderr
    # One of the workspace's own files, linked from inside it, is read as usual.
    (root / "targets" / "zz.toml").unlink()
    (root / "shared.toml").write_text('[[objectives]]\nid = "S"\ntitle = "共享"\n'
                                      'owner = "branch"\n', encoding="utf-8")  # fmt: skip
    (root / "targets" / "zz.toml").symlink_to(root / "shared.toml")
    assert "links to a file outside" not in run("validate", "--lang", "en", "-w", str(root)).stdout


def test_send_writes_its_report_into_the_workspace_never_through_a_link(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    import datetime as dt

    from okrdesk.app.send import prepare, report_file
    from okrdesk.app.session import open_session
    from okrdesk.errors import BadInput

    root = write_workspace(root=tmp_path / "sent")
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    victim = tmp_path / "yours.txt"
    victim.write_text("a file of yours", encoding="utf-8")
    day = dt.date(2026, 3, 15)
    session = open_session(root)
    planted = report_file(session, "branch", day)
    planted.parent.mkdir()
    planted.symlink_to(victim)  # as a sent workspace could hold it
    prepare(session, "branch", day, None, "zh", write=True)
    assert victim.read_text(encoding="utf-8") == "a file of yours"
    assert not planted.is_symlink() and "<html" in planted.read_text(encoding="utf-8")
    # A unit id that would name a file elsewhere is refused.
    with pytest.raises(BadInput, match="its id cannot name the report's file") as refused:
        report_file(session, "x/../../../../yours", day)
    assert "其编号不能用作报告的文件名" in refused.value.said_in("zh")
    # A reports folder that leads outside the workspace is refused.
    (root / "okrdesk.toml").write_text('[send]\nreports = "../elsewhere"\n', encoding="utf-8")
    with pytest.raises(BadInput, match="outside the workspace") as refused:
        report_file(open_session(root), "branch", day)
    assert "在工作区之外；完整报告只写入工作区内的文件夹" in refused.value.said_in("zh")
    # Nor one among the files okrdesk reads as code, plan or templates: each report
    # written into plugins/ changed what `okrdesk trust` covers (T45's finding).
    for kept in ("plugins", "plugins/out", "targets", "templates"):
        (root / "okrdesk.toml").write_text(f'[send]\nreports = "{kept}"\n', encoding="utf-8")
        with pytest.raises(BadInput, match="whose files okrdesk reads as") as refused:
            report_file(open_session(root), "branch", day)
        assert "请另给一个文件夹（默认为 reports）" in refused.value.said_in("zh")


@pytest.mark.parametrize("linked", ["included", "the template itself"])
def test_a_workspace_template_cannot_read_a_file_through_a_link(
    write_workspace: WriteWorkspace, tmp_path: Path, linked: str
) -> None:
    secret = tmp_path / "yours.txt"
    secret.write_text("a line of a file of yours\n", encoding="utf-8")
    root = write_workspace(root=tmp_path / "sent")
    folder = root / "templates"
    folder.mkdir()
    if linked == "included":
        (folder / "report.md.j2").write_text('{% include "footer.txt" %}\n', encoding="utf-8")
        (folder / "footer.txt").symlink_to(secret)
    else:
        (folder / "report.md.j2").symlink_to(secret)
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    done = run("report", "--format", "md", "--as-of", "2026-03-15", "-w", str(root))
    assert done.returncode == 2, done.stdout
    assert "links to a file outside its templates folder" in done.stderr
    assert "file of yours" not in done.stdout + done.stderr


@pytest.mark.parametrize(("host", "refused"), [("mail.example.org", True), ("127.0.0.1", False)])
def test_a_mail_login_is_never_sent_in_the_clear_off_this_machine(
    write_workspace: WriteWorkspace, host: str, refused: bool
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        f'[[send.channels]]\nkind = "email"\nname = "hq"\nhost = "{host}"\nsecurity = "none"\n'
        'sender = "a@example.org"\nto = ["b@example.org"]\nuser = "me"\n'
        'password_env = "SMTP_PASSWORD"\n', encoding="utf-8")  # fmt: skip
    done = run(
        "validate", "--lang", "en", "-w", str(root), env={"OKRDESK_ALLOW_WORKSPACE_CODE": "1"}
    )
    said = "send the password in the clear"
    assert (done.returncode == 2 and said in done.stdout) if refused else said not in done.stdout


@pytest.mark.parametrize(("name", "written"), [("crm", "crm"), ("~nosuchuser", "~nosuchuser/x"),
                                             ("x:", "x://x"), ("a", "a/../crm")])  # fmt: skip
def test_a_plugins_folder_linked_from_outside_waits_for_trust(
    write_workspace: WriteWorkspace, tmp_path: Path, name: str, written: str
) -> None:
    # However it is written, a name that leads out through a link in the workspace.
    root = write_workspace(root=tmp_path / "sent", trusted=False, plugin=False)
    yours = tmp_path / "your-exports"
    (yours / "x").mkdir(parents=True)
    (root / name).symlink_to(yours)
    if name == "a":
        (root / "crm").symlink_to(yours)
    (root / "okrdesk.toml").write_text(f'[sources.brokerage]\ndata = "{written}"\n',
                                       encoding="utf-8")  # fmt: skip
    done = run(
        "validate", "--lang", "en", "-w", str(root), env={"OKRDESK_LOAD_PLUGINS": "brokerage"}
    )
    assert done.returncode == 2 and f"[sources.brokerage] data: {written} ->" in done.stderr


@pytest.mark.parametrize("linked", ["clients.csv", "2025/clients.csv", "2025"])
def test_a_file_in_a_plugins_folder_linked_from_outside_waits_for_trust(
    write_workspace: WriteWorkspace, tmp_path: Path, linked: str
) -> None:
    # The folder is the workspace's own; a file (or a folder) in it links to one of
    # yours: a plugin reading the folder would read your file as the workspace's.
    root = write_workspace(root=tmp_path / "sent", trusted=False)
    yours = tmp_path / "your-exports"
    yours.mkdir()
    (yours / "clients.csv").write_text("client_id,cm_id\nC1,cm01\n", encoding="utf-8")
    crm = root / "data" / "crm"
    (crm / "2025").mkdir(parents=True)
    (crm / "assets.csv").write_text("client_id,aum\n", encoding="utf-8")
    (crm / "inside.csv").symlink_to(crm / "assets.csv")  # a link within is the workspace's
    target = yours if linked == "2025" else yours / "clients.csv"
    if linked == "2025":
        (crm / "2025").rmdir()
    (crm / linked).symlink_to(target)
    (root / "okrdesk.toml").write_text('[sources.brokerage]\ndata = "data/crm"\n',
                                       encoding="utf-8")  # fmt: skip
    named = f"[sources.brokerage] data: data/crm/{linked} -> {target}"
    for args in (["collect", "--through", "2026-03-15"], ["report"], ["validate"]):
        done = run(*args, "--lang", "en", "-w", str(root))
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "this workspace reaches outside its folder" in done.stderr
        assert named in done.stderr, done.stderr
        assert "inside.csv" not in done.stderr
    granted = run("trust", "--lang", "en", str(root))
    assert named in granted.stdout
    assert run("validate", "-w", str(root)).returncode == 0
    # Pointed elsewhere after trust: asked again.
    other = tmp_path / "other.csv"
    other.write_text("client_id,cm_id\n", encoding="utf-8")
    (crm / "elsewhere.csv").symlink_to(other)
    assert run("validate", "-w", str(root)).returncode == 2


@pytest.mark.parametrize(("folder", "link"), [("c*", "c!"), ("c?", "c!"), ("[c]x", "cx")])
def test_a_plugin_setting_read_as_a_pattern_waits_for_trust_where_it_matches_a_link_out(
    write_workspace: WriteWorkspace, tmp_path: Path, folder: str, link: str
) -> None:
    # data = "data/c*" names a folder of the workspace, but DuckDB, which the brokerage
    # plugin reads with, reads data/c*/clients.csv as a pattern: the rows of your
    # clients.csv, through data/c!, a link beside it, in place of the workspace's own.
    root = write_workspace(root=tmp_path / "sent", trusted=False)
    yours = tmp_path / "your-exports"
    yours.mkdir()
    (yours / "clients.csv").write_text("client_id,cm_id\nC1,cm01\n", encoding="utf-8")
    (root / "data" / folder).mkdir(parents=True)
    (root / "data" / folder / "clients.csv").write_text("client_id,cm_id\n", encoding="utf-8")
    (root / "data" / link).symlink_to(yours)
    (root / "okrdesk.toml").write_text(f'[sources.brokerage]\ndata = "data/{folder}"\n',
                                       encoding="utf-8")  # fmt: skip
    named = f"[sources.brokerage] data: data/{link} -> {yours}"
    for args in (["collect", "--through", "2026-03-15"], ["report"], ["validate"]):
        done = run(*args, "--lang", "en", "-w", str(root))
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert named in done.stderr, done.stderr
    granted = run("trust", "--lang", "en", str(root))
    assert named in granted.stdout
    assert run("validate", "-w", str(root)).returncode == 0
    # The name matched pointed elsewhere later (a `git pull`): asked again.
    other = tmp_path / "other-exports"
    other.mkdir()
    (root / "data" / link).unlink()
    (root / "data" / link).symlink_to(other)
    assert run("validate", "-w", str(root)).returncode == 2


def test_a_huge_file_linked_into_plugins_is_never_read_whole(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # A trusted workspace whose plugins/ then got a link to a file of many gigabytes
    # outside it (a `git pull`): every command read it whole to fingerprint the
    # workspace's code, a minute or more each; on a disk image, without end.
    from okrdesk.app.trust import MOST_READ_A_FILE, MOST_READ_IN_ALL

    root = write_workspace(root=tmp_path / "sent")
    huge = tmp_path / "disk.img"
    with huge.open("wb") as file:
        file.truncate(8 * 1024**3)  # sparse: it takes no disk
    (root / "plugins" / "model.bin").symlink_to(huge)
    refused = run("trust", "--lang", "en", str(root))
    assert refused.returncode == 2, refused.stdout + refused.stderr
    said = " ".join(refused.stderr.split())
    assert f"plugins/model.bin (a link to {huge}) holds more than 16 MiB, more than any " \
           "plugin's code" in said and "Keep data outside plugins/" in said  # fmt: skip
    chinese = run("trust", "--lang", "zh", str(root))
    assert f"plugins/model.bin（链接到 {huge}）超过 16 MiB" in chinese.stderr
    # The others run none of the workspace's code, as for a file that cannot be read,
    # and name the file and the bound too: they said only "not trusted", sending the
    # reader to `okrdesk trust`, which alone named it.
    for command in (("collect", "--through", "2026-03-15"), ("report", "--as-of", "2026-03-15")):
        done = run(*command, "--lang", "en", "-w", str(root))
        # Without spaces: the report wraps its lines where a path is long.
        said = "".join((done.stdout + done.stderr).split())
        assert "plugintest_metrics:notrun:okrdeskcannotcheckthisworkspace'scodetotrustit:" \
               f"plugins/model.bin(alinkto{huge})holdsmorethan16MiB" in said, said  # fmt: skip
        assert "nottrusted" not in said, said
        chinese = run(*command, "--lang", "zh", "-w", str(root))
        said = "".join((chinese.stdout + chinese.stderr).split())
        assert f"未运行：okrdesk无法核对此工作区的代码，也就无法信任它：plugins/model.bin（链接到" \
               f"{huge}）超过16MiB" in said, said  # fmt: skip
    # A command a setting reaching outside the workspace refuses says it too.
    (root / "okrdesk.toml").write_text(f'[workspace]\ndatabase = "{tmp_path / "kept.db"}"\n',
                                       encoding="utf-8")  # fmt: skip
    refused = run("report", "--lang", "en", "-w", str(root))
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 2, said
    assert "okrdesk trust" in said and "but okrdesk cannot check the workspace's code to " \
           f"trust it: plugins/model.bin (a link to {huge}) holds more than 16 MiB" \
           in said  # fmt: skip
    (root / "okrdesk.toml").unlink()
    # Files as large as a plugin's are read whole, up to the bound for them all.
    (root / "plugins" / "model.bin").unlink()
    for n in range(MOST_READ_IN_ALL // MOST_READ_A_FILE):
        with (root / "plugins" / f"table{n}.bin").open("wb") as file:
            file.truncate(MOST_READ_A_FILE - 1024)
    assert run("trust", str(root)).returncode == 0
    with (root / "plugins" / "table9.bin").open("wb") as file:
        file.truncate(MOST_READ_A_FILE)
    refused = run("trust", "--lang", "en", str(root))
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 2 and "the files under plugins/ hold more than 128 MiB" in said


def test_a_pipe_or_a_device_under_plugins_is_named_at_once_and_never_read(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # Left out of the fingerprint as no file, so trusted with the rest unseen; each is
    # now named, none opened: a pipe waits for a writer, /dev/zero never ends.
    root = write_workspace(root=tmp_path / "sent")
    os.mkfifo(root / "plugins" / "feed")
    (root / "plugins" / "zeros.bin").symlink_to("/dev/zero")
    named = "plugins/feed is a named pipe; plugins/zeros.bin (a link to /dev/zero) is a device"
    refused = run("trust", "--lang", "en", str(root))
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 2 and f"{named}, not a file" in said, said
    assert "Put the file itself in its place, or remove it" in said
    chinese = run("trust", "--lang", "zh", str(root))
    assert "plugins/feed 是命名管道；plugins/zeros.bin（链接到 /dev/zero）是设备，不是文件" \
           in chinese.stderr, chinese.stderr  # fmt: skip
    for command in (("collect", "--through", "2026-03-15"), ("report", "--as-of", "2026-03-15")):
        done = run(*command, "--lang", "en", "-w", str(root))
        said = " ".join((done.stdout + done.stderr).split())
        assert "plugin test_metrics: not run: okrdesk cannot check this workspace's code to " \
               f"trust it: {named}" in said, said  # fmt: skip
    assert done.returncode == 0, said  # the report renders without the workspace's code
    # validate says it with the plugin, and does not send the reader to `okrdesk trust`,
    # which would refuse.
    checked = run("validate", "--lang", "en", "-w", str(root))
    said = " ".join((checked.stdout + checked.stderr).split())
    assert "warning: plugin test_metrics: not run: okrdesk cannot check this workspace's " \
           f"code to trust it: {named}" in said, said  # fmt: skip
    assert "okrdesk trust" not in said and "3 warnings" in said, said
    assert (
        'metric "complaint_rate" is not measured: no trusted plugin provides it, and the '
        "workspace's own plugins (plugins/test_metrics.py) were not run: okrdesk cannot "
        "check this workspace's code to trust it (said with each plugin)" in said
    ), said
    explained = run("explain", "O1.KR2", "--lang", "zh", "-w", str(root))
    said = "".join((explained.stdout + explained.stderr).split())
    assert "本工作区自带的插件（plugins/test_metrics.py）未运行：okrdesk无法核对此工作区的代码，" \
           "也就无法信任它：plugins/feed是命名管道" in said, said  # fmt: skip
    # One that was a file when the folder was walked and a pipe when it is read.
    from okrdesk.app.trust import _content_digest
    from okrdesk.errors import BadInput

    with pytest.raises(BadInput, match="plugins/feed is a named pipe"):
        _content_digest(root / "plugins" / "feed", root / "plugins", 1024)


def test_a_link_under_plugins_to_a_view_of_the_running_system_is_named_not_read(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """plugins/env -> /proc/self/environ was read into the fingerprint as a file: the trust
    lapsed whenever the environment changed (a new PATH, another terminal), each plugin
    told "changed since you trusted it" with nothing under plugins/ changed. Named, as a
    device is, and never read."""
    root = write_workspace(root=tmp_path / "sent")
    (root / "plugins" / "env").symlink_to("/proc/self/environ")
    named = ("plugins/env (a link to /proc/self/environ) is a view of the running system "
             "(under /proc), made anew at each read, not a file")  # fmt: skip
    refused = run("trust", "--lang", "en", str(root))
    said = " ".join(refused.stderr.split())
    assert refused.returncode == 2 and named in said, said
    assert "give something else each time" in said
    chinese = run("trust", "--lang", "zh", str(root))
    assert "plugins/env（链接到 /proc/self/environ）是运行中系统的视图（位于 /proc 下），" \
           "每次读取时重新生成，不是文件" in chinese.stderr, chinese.stderr  # fmt: skip
    done = run("collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root))
    said = " ".join((done.stdout + done.stderr).split())
    assert "plugin test_metrics: not run: okrdesk cannot check this workspace's code to " \
           f"trust it: {named}" in said, said  # fmt: skip
    # The same file system wherever it is reached from, and /sys as /proc.
    (root / "plugins" / "env").unlink()
    (root / "plugins" / "bits").symlink_to("/sys/kernel/address_bits")
    said = " ".join(run("trust", "--lang", "en", str(root)).stderr.split())
    assert "plugins/bits (a link to /sys/kernel/address_bits) is a view of the running " \
           "system (under /sys)" in said, said  # fmt: skip


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_a_file_made_a_link_to_proc_after_the_walk_is_named_not_read(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk names a link to /proc; a file the walk found, made a link to
    /proc/self/environ before it was read, was read all the same (the open file was only
    asked whether it is a regular file, which /proc's are) and its fingerprint lapsed
    with the environment. The opened file is looked at as the walk looks at its path."""
    from okrdesk.app import trust
    from okrdesk.errors import BadInput

    root = write_workspace(root=tmp_path / "sent")
    walk = trust._walked
    swapped = {"env.py": "/proc/self/environ", "bits.py": "/sys/kernel/address_bits"}

    def walked_then_swapped(at: Path) -> tuple[list[Path], list[tuple[str, str]]]:
        found = walk(at)
        for name, leads in swapped.items():
            (at / "plugins" / name).unlink()
            (at / "plugins" / name).symlink_to(leads)
        return found

    for name in swapped:
        (root / "plugins" / name).write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.setattr(trust, "_walked", walked_then_swapped)
    with pytest.raises(BadInput) as refused:
        trust.fingerprint(root)
    said = refused.value.said
    assert said.en.startswith(
        "plugins/bits.py (a link to /sys/kernel/address_bits) is a view of the running system "
        "(under /sys), made anew at each read, not a file"
    ), said.en
    assert said.zh.startswith(
        "plugins/bits.py（链接到 /sys/kernel/address_bits）是运行中系统的视图（位于 /sys 下），"
        "每次读取时重新生成，不是文件"
    ), said.zh
    # Each a file again, at the walk; /proc's alone made a link after it.
    del swapped["bits.py"]
    for name in ("bits.py", "env.py"):
        (root / "plugins" / name).unlink()
    (root / "plugins" / "env.py").write_text("VALUE = 1\n", encoding="utf-8")
    with pytest.raises(BadInput) as refused:
        trust.fingerprint(root)
    assert "plugins/env.py (a link to /proc/self/environ) is a view of the running system " \
           "(under /proc)" in refused.value.said.en, refused.value.said.en  # fmt: skip


@pytest.mark.skipif(not os.path.ismount("/sys"), reason="needs Linux's /sys")
def test_without_proc_a_link_into_sys_is_named_and_plain_files_are_read(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where /proc is not mounted (a container's), it is a plain folder of the disk, and
    its device was taken for /proc's: every file under plugins/ on that disk was refused
    as "a view of the running system (under /proc)". The open file's path, asked of
    /proc/self/fd, is not there either: a file made a link into /sys after the walk is
    named by /sys's device alone, as a link into /sys is by the walk."""
    from okrdesk.app import trust
    from okrdesk.errors import BadInput

    unmounted = tmp_path / "proc"
    unmounted.mkdir()
    monkeypatch.setattr(trust, "_SYSTEM_VIEWS", (str(unmounted), "/sys"))
    real_readlink = os.readlink

    def no_proc(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).startswith("/proc/"):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_readlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "readlink", no_proc)
    trust._view_devices.cache_clear()
    try:
        root = write_workspace(root=tmp_path / "sent")
        (root / "plugins" / "bits.py").write_text("VALUE = 1\n", encoding="utf-8")
        assert trust.fingerprint(root)
        walk = trust._walked

        def walked_then_swapped(at: Path) -> tuple[list[Path], list[tuple[str, str]]]:
            found = walk(at)
            (at / "plugins" / "bits.py").unlink()
            (at / "plugins" / "bits.py").symlink_to("/sys/kernel/address_bits")
            return found

        monkeypatch.setattr(trust, "_walked", walked_then_swapped)
        with pytest.raises(BadInput) as swapped:
            trust.fingerprint(root)
        monkeypatch.setattr(trust, "_walked", walk)
        with pytest.raises(BadInput) as linked:
            trust.fingerprint(root)
    finally:
        trust._view_devices.cache_clear()
    for refused in (swapped, linked):
        assert refused.value.said.en.startswith(
            "plugins/bits.py (a link to /sys/kernel/address_bits) is a view of the running "
            "system (under /sys), made anew at each read, not a file"
        ), refused.value.said.en
        assert "（位于 /sys 下），每次读取时重新生成，不是文件" in refused.value.said.zh


def test_trust_covers_where_a_link_leads_and_holds_from_inside_the_folder(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace(root=tmp_path / "sent", trusted=False)
    for store in ("a", "b"):
        (tmp_path / store).mkdir()
    (root / "okrdesk.db").symlink_to(tmp_path / "a" / "okrdesk.db")
    assert run("trust", str(root)).returncode == 0
    # Run from inside the folder, as the README does: the trust holds.
    assert run("validate", "--lang", "en", cwd=root).returncode == 0
    assert run("collect", "--through", "2026-03-15", cwd=root).returncode in (0, 1)
    # The link pointed at another workspace's store later (a `git pull`): asked again.
    (root / "okrdesk.db").unlink()
    (root / "okrdesk.db").symlink_to(tmp_path / "b" / "okrdesk.db")
    again = run("checkin", "O1.KR2", "1", cwd=root)
    assert again.returncode == 2 and str(tmp_path / "b" / "okrdesk.db") in again.stderr
    assert not (tmp_path / "b" / "okrdesk.db").exists()


def test_the_safe_path_is_set_only_while_a_process_starts(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A program that uses okrdesk as a library keeps its environment: its own
    # `python -c` children still find their modules in the current folder.
    from okrdesk.app.collect import run_collect
    from okrdesk.app.session import open_session

    monkeypatch.delenv("PYTHONSAFEPATH", raising=False)
    root = write_workspace()
    run_collect(open_session(str(root), isolated=True), dt.date(2026, 3, 15))
    assert "PYTHONSAFEPATH" not in os.environ


def test_a_templates_folder_that_leads_outside_is_not_read(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # A repository whose subfolder is the workspace, with templates -> .. : a template
    # there could include the repository's .git/config, a token and all.
    repository = tmp_path / "repo"
    root = write_workspace(root=repository / "branch")
    (repository / ".git").mkdir()
    (repository / ".git" / "config").write_text("url = https://you:ghp_TOKEN@git.example\n",
                                                 encoding="utf-8")  # fmt: skip
    (repository / "report.md.j2").write_text('{% include ".git/config" %}\n', encoding="utf-8")
    (root / "templates").symlink_to("..", target_is_directory=True)
    assert run("collect", "--through", "2026-03-15", "-w", str(root)).returncode == 0
    args = ["report", "--format", "md", "--as-of", "2026-03-15", "-w", str(root)]
    done = run(*args, "--lang", "en")
    assert done.returncode == 2 and "leads outside the workspace" in done.stderr
    assert "ghp_TOKEN" not in done.stdout + done.stderr
    chinese = run(*args, "--lang", "zh")
    assert chinese.returncode == 2 and "templates：指向工作区之外；其中的模板不会读取" in (
        chinese.stderr
    )


def test_bytecode_planted_beside_a_trusted_plugin_asks_again(
    write_workspace: WriteWorkspace,
) -> None:
    # A plugin may import a module of its own folder, which Python would run from
    # __pycache__: bytecode planted there after `okrdesk trust` (a `git pull`) asks again.
    root = write_workspace(trusted=False)
    assert run("trust", str(root)).returncode == 0
    assert "not run" not in run("validate", "--lang", "en", "-w", str(root)).stdout
    cache = root / "plugins" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / f"helper.{sys.implementation.cache_tag}.pyc").write_bytes(b"planted")
    assert (
        "not run: plugins/test_metrics.py"
        in run("validate", "--lang", "en", "-w", str(root)).stdout
    )


IMPORTS_FROM_LIB = """\
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import lib.helper  # noqa: E402
"""


def test_a_file_changed_in_a_folder_linked_into_plugins_asks_again(
    write_workspace: WriteWorkspace,
) -> None:
    # plugins/lib -> ../shared/lib: the trusted plugin imports lib.helper, a file under
    # plugins/ as Python finds it. Changed after `okrdesk trust` (a `git pull`), it ran
    # unasked, since only plugins/'s own folders were fingerprinted.
    root = write_workspace(trusted=False)
    shared = root / "shared" / "lib"
    shared.mkdir(parents=True)
    (shared / "__init__.py").write_text("", encoding="utf-8")
    (shared / "helper.py").write_text("", encoding="utf-8")
    (root / "plugins" / "lib").symlink_to(Path("..", "shared", "lib"))
    (root / "plugins" / "loop").symlink_to(Path("."))  # a link to its own folder ends
    (root / "plugins" / "importer.py").write_text(IMPORTS_FROM_LIB, encoding="utf-8")
    granted = run("trust", "--lang", "en", str(root))
    assert granted.returncode == 0, granted.stderr
    # Listed as trusted where plugins/ has it, and where it leads.
    assert "  plugins/lib/helper.py → shared/lib/helper.py\n" in granted.stdout
    assert "  plugins/importer.py\n" in granted.stdout
    both = {"OKRDESK_LOAD_PLUGINS": "importer,test_metrics"}
    assert "not run" not in run("validate", "--lang", "en", "-w", str(root), env=both).stdout
    marker = MARKER_PLUGIN.replace(".parent.parent", ".parent.parent.parent")  # plugins/lib/
    (shared / "helper.py").write_text(marker, encoding="utf-8")
    again = run("validate", "--lang", "en", "-w", str(root), env=both)
    assert "not run: plugins/importer.py" in again.stdout, again.stdout
    assert not (root / "RAN").exists()
    assert run("trust", str(root)).returncode == 0
    assert run("validate", "--lang", "en", "-w", str(root), env=both).returncode == 0
    assert (root / "RAN").exists()  # trusted again, as it is now: it runs


def test_a_file_linked_in_from_outside_the_workspace_is_listed_where_it_leads(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # A sent workspace's plugins/notes.py -> a file outside it: `okrdesk trust` listed it
    # as leading to itself (plugins/notes.py → /…/plugins/notes.py), hiding where it led.
    root = write_workspace(trusted=False)
    outside = tmp_path / "elsewhere" / "notes.py"
    outside.parent.mkdir()
    outside.write_text("", encoding="utf-8")
    (root / "plugins" / "notes.py").symlink_to(outside)
    granted = run("trust", "--lang", "en", str(root))
    assert granted.returncode == 0, granted.stderr
    assert f"  plugins/notes.py → {outside.resolve()}\n" in granted.stdout, granted.stdout


def test_a_list_of_trusted_workspaces_a_workspace_brings_is_never_read(
    write_workspace: WriteWorkspace, private_config: Path
) -> None:
    # HOME=. (a Makefile's, a CI job's) without $XDG_CONFIG_HOME made ./.config the
    # user's: a workspace sent with .config/okrdesk/trusted-workspaces.json trusting
    # itself ran its plugins unasked. The account's own home is used, as for the cache.
    root = untrusted(write_workspace)
    assert run("trust", str(root)).returncode == 0
    brought = root / ".config" / "okrdesk"
    brought.mkdir(parents=True)
    (private_config / "okrdesk" / "trusted-workspaces.json").rename(brought / TRUST_FILE)
    environment = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
    environment |= {**BOTH, "HOME": "."}
    done = subprocess.run([*OKRDESK, "validate", "--lang", "en"], capture_output=True,
                          text=True, cwd=root, env=environment, timeout=120)  # fmt: skip
    assert "not run: plugins/evil.py" in done.stdout, done.stdout + done.stderr
    assert not (root / "RAN").exists()


def test_without_a_home_folder_trust_is_refused_in_words(
    write_workspace: WriteWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A container's account the system has no entry for, without $HOME (stood in for).
    import pwd

    from click.testing import CliRunner

    from okrdesk.cli import cli

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    root = untrusted(write_workspace)
    monkeypatch.delenv("HOME")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    done = CliRunner().invoke(cli, ["--lang", "en", "trust", str(root)])
    assert done.exit_code == 2, done.output
    assert "cannot keep the list of trusted workspaces: no home folder (" in done.output
    assert "Traceback" not in done.output
    checked = CliRunner().invoke(cli, ["--lang", "en", "validate", "-w", str(root)], env=BOTH)
    assert "not run: plugins/evil.py" in checked.output
    assert not (root / "RAN").exists()


def test_a_folder_linked_into_plugins_from_outside_is_covered_by_where_it_leads(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # Not walked (plugins/disk -> / would have every command list the whole disk), but
    # pointed elsewhere after `okrdesk trust`, it asks again.
    root = write_workspace(root=tmp_path / "sent", trusted=False)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "helper.py").write_text("", encoding="utf-8")
    (root / "plugins" / "lib").symlink_to(first)
    granted = run("trust", "--lang", "en", str(root))
    assert granted.returncode == 0, granted.stderr
    assert "helper.py" not in granted.stdout
    # Listed, so whoever trusts it sees code may come from there, which is not checked.
    assert (
        f"  plugins/lib → {first.resolve()} (a folder outside the workspace: where it "
        "leads is checked, not what is in it)\n"
    ) in granted.stdout, granted.stdout
    in_chinese = run("trust", "--lang", "zh", str(root)).stdout
    assert f"  plugins/lib → {first.resolve()}（工作区之外的文件夹：只核对它指向哪里" in in_chinese
    assert "not run" not in run("validate", "--lang", "en", "-w", str(root)).stdout
    (root / "plugins" / "lib").unlink()
    (root / "plugins" / "lib").symlink_to(second)
    assert (
        "not run: plugins/test_metrics.py"
        in run("validate", "--lang", "en", "-w", str(root)).stdout
    )


def test_a_plugins_folder_that_is_a_link_out_is_not_walked_beyond_its_own_files(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # plugins -> a tree of yours (your home, or /): every folder under it was walked and
    # every file read at each command, and `okrdesk trust` listed them as the workspace's.
    root = write_workspace(root=tmp_path / "sent", trusted=False)
    yours = tmp_path / "yours"
    (yours / "private" / "deep").mkdir(parents=True)
    (yours / "private" / "deep" / "notes.py").write_text("", encoding="utf-8")
    (root / "plugins" / "test_metrics.py").rename(yours / "test_metrics.py")
    (root / "plugins").rmdir()
    (root / "plugins").symlink_to(yours, target_is_directory=True)
    granted = run("trust", "--lang", "en", str(root))
    assert granted.returncode == 0, granted.stderr
    # The files okrdesk imports are covered, where they lead; the folders are named.
    assert f"  plugins/test_metrics.py → {yours.resolve()}/test_metrics.py\n" in granted.stdout
    assert "notes.py" not in granted.stdout, granted.stdout
    assert (
        f"  plugins/private → {yours.resolve()}/private (a folder outside the workspace: "
        "where it leads is checked, not what is in it)\n"
    ) in granted.stdout, granted.stdout
    assert "not run" not in run("validate", "--lang", "en", "-w", str(root)).stdout
    # A file under it changed, unwalked, leaves the trust as it was.
    (yours / "private" / "deep" / "notes.py").write_text("x = 1\n", encoding="utf-8")
    assert "not run" not in run("validate", "--lang", "en", "-w", str(root)).stdout


def test_a_link_in_plugins_back_up_to_the_workspace_is_not_walked(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # plugins/up -> ..: the whole workspace, its store and CRM exports too, was walked and
    # read at each command, listed by `okrdesk trust` as plugins/up/okrdesk.db and the
    # like, and the trust lapsed at the store's next write.
    root = write_workspace(root=tmp_path / "sent", trusted=False)
    (root / "data").mkdir()
    (root / "data" / "assets.csv").write_text("client_id,aum\n", encoding="utf-8")
    (root / "plugins" / "up").symlink_to("..", target_is_directory=True)
    granted = run("trust", "--lang", "en", str(root))
    assert granted.returncode == 0, granted.stderr
    assert "assets.csv" not in granted.stdout, granted.stdout
    assert (
        f"  plugins/up → {root.resolve()} (a folder holding plugins/ itself: where it leads "
        "is checked, not what is in it)\n"
    ) in granted.stdout, granted.stdout
    in_chinese = run("trust", "--lang", "zh", str(root)).stdout
    assert (
        f"  plugins/up → {root.resolve()}（包含 plugins/ 本身的文件夹：只核对它指向哪里"
        in in_chinese
    )
    (root / "data" / "assets.csv").write_text("client_id,aum\nC1,100\n", encoding="utf-8")
    assert "not run" not in run("validate", "--lang", "en", "-w", str(root)).stdout


IMPORTS_A_SIBLING = """\
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import helper  # noqa: E402
from okrdesk.model import MetricSpec  # noqa: E402
from okrdesk.plugins import hookimpl  # noqa: E402
from okrdesk.units import UNITS  # noqa: E402


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("sibling_leads", "Leads", "线索", "flow", UNITS["户"]))
"""


def test_a_workspace_plugin_leaves_no_bytecode_and_okrdesks_own_modules_keep_theirs(
    tmp_path: Path,
) -> None:
    """Loading a workspace's plugin turned bytecode writing off for the rest of the
    process: every module of okrdesk's imported after the plugins had loaded (the report's
    layout among them) was compiled from its source again on every run once its cached
    bytecode was out of date, 13 ms of a firm's report. Writing is off only while the
    plugin's code runs, so that plugins/__pycache__, which the trust fingerprint covers,
    is still never written."""
    from okrdesk.plugins.manager import PluginHost

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "sibling.py").write_text(IMPORTS_A_SIBLING, encoding="utf-8")
    (plugins / "helper.py").write_text("VALUE = 1\n", encoding="utf-8")
    before = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        host = PluginHost(plugins, entry_points=False, builtins={}, registered=False,
                          workspace_code=True).load()  # fmt: skip
        assert "sibling_leads" in host.metrics, host.records["sibling"].errors
        assert sys.dont_write_bytecode is False
    finally:
        sys.dont_write_bytecode = before
        sys.modules.pop("helper", None)
        sys.path[:] = [entry for entry in sys.path if entry != str(plugins)]
    assert not (plugins / "__pycache__").exists()
