"""``[workspace] lang``: a workspace written in English reports in English without
``--lang en`` on every command; ``--lang`` still chooses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace, trusted


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


CHECKED_IN = """\
[[objectives]]
id = "O9"
title = "投教"
owner = "branch"

[[objectives.key_results]]
id = "SALONS"
title = "投教沙龙"
target = 24000
unit = "人"
"""
"""A key result kept by check-ins: ``history`` and ``due`` have one to show."""


def in_language(write_workspace: WriteWorkspace, lang: str | None) -> Path:
    root = write_workspace({"checked_in.toml": CHECKED_IN})
    settings = '[workspace]\nname = "福田"\n' + (f'lang = "{lang}"\n' if lang else "")
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    trusted(root)
    assert run(root, "collect", "--through", "2026-06-30").exit_code == 0
    checked_in = run(root, "checkin", "O9.SALONS", "12000", "--date", "2026-03-31", "--by", "李雷")
    assert checked_in.exit_code == 0, checked_in.output
    return root


def report_lang(root: Path, *args: str) -> str:
    done = run(root, "report", "--as-of", "2026-06-30", "--format", "json", *args)
    assert done.exit_code == 0, done.output
    return str(json.loads(done.output)["lang"])


@pytest.mark.parametrize(("setting", "chosen"), [(None, "zh"), ("zh", "zh"), ("en", "en")])
def test_the_workspace_s_language_is_every_command_s_default(
    write_workspace: WriteWorkspace, setting: str | None, chosen: str
) -> None:
    root = in_language(write_workspace, setting)
    assert report_lang(root) == chosen
    other = "zh" if chosen == "en" else "en"
    assert report_lang(root, "--lang", other) == other
    # check, explain and history word and write as the report does.
    checked = run(root, "check", "-v", "--as-of", "2026-06-30")
    told = run(root, "check", "-v", "--as-of", "2026-06-30", "--lang", chosen)
    assert (
        checked.output == told.output
        and checked.output
        != run(root, "check", "-v", "--as-of", "2026-06-30", "--lang", other).output
    )
    # 12000 people: 1.2万人 in Chinese, 12,000 people in English.
    commands = (["explain", "O1.KR1", "--as-of", "2026-06-30"], ["history", "O9.SALONS"],
                ["explain", "O9.SALONS", "--as-of", "2026-06-30"],
                ["due", "--as-of", "2026-06-30"])  # fmt: skip
    for command in commands:
        default, same = run(root, *command), run(root, *command, "--lang", chosen)
        assert default.exit_code == 0, default.output
        assert default.output == same.output
        assert default.output != run(root, *command, "--lang", other).output, command


def test_send_writes_in_the_workspace_s_language(write_workspace: WriteWorkspace) -> None:
    root = in_language(write_workspace, "en")
    settings = (root / "okrdesk.toml").read_text(encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        settings + '\n[[send.channels]]\nname = "team"\nkind = "wecom"\n'
        'url_env = "OKRDESK_TEST_WEBHOOK"\n',
        encoding="utf-8",
    )
    trusted(root)
    shown = run(root, "send", "--as-of", "2026-06-30", "--dry-run")
    assert shown.exit_code == 0, shown.output
    assert (
        shown.output
        == run(root, "send", "--as-of", "2026-06-30", "--dry-run", "--lang", "en").output
    )
    assert (
        shown.output
        != run(root, "send", "--as-of", "2026-06-30", "--dry-run", "--lang", "zh").output
    )


def test_a_language_okrdesk_does_not_write_is_named_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text('[workspace]\nname = "x"\nlang = "fr"\n', encoding="utf-8")
    # A language it does not write leaves the default, Chinese, to word the refusal.
    for command in (["validate"], ["report"], ["check"]):
        done = run(root, *command)
        assert done.exit_code == 2, done.output
        assert 'okrdesk.toml:3: workspace.lang: 不能是 "fr"；可选：zh, en' in done.output
    for command in (["validate"], ["report"], ["check"]):
        done = run(root, *command, "--lang", "en")
        assert done.exit_code == 2, done.output
        assert 'okrdesk.toml:3: workspace.lang: "fr" is not allowed; expected one of: zh, en' in (
            done.output
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_writes_the_language_it_was_asked_for(tmp_path: Path, lang: str) -> None:
    made = CliRunner().invoke(cli, ["init", str(tmp_path / "ws"), "--lang", lang])
    assert made.exit_code == 0, made.output
    checked = run(tmp_path / "ws", "check", "-v")
    said = {"zh": "O1.KR1 新增高净值客户：尚无打卡记录",
            "en": "O1.KR1 New high-net-worth clients: no check-in yet"}[lang]  # fmt: skip
    assert said in checked.output, checked.output
    validated = run(tmp_path / "ws", "validate").output
    budget = {"zh": "预算 30万元，共 1 项。", "en": "budget CNY 300k in 1 line."}[lang]
    assert validated.rstrip().endswith(budget), validated


def test_what_send_and_export_refuse_and_write_is_in_the_workspace_s_language(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    # The README's tour in a Chinese workspace: send before any [send] table, a report
    # and an export written to files. Each said it in English.
    root = in_language(write_workspace, "zh")
    refused = run(root, "send", "--dry-run")
    assert (refused.exit_code, refused.output) == (
        2, "没有可发送的渠道：请在 okrdesk.toml 中添加 [[send.channels]]"
           "（见 docs/delivery.md）\n",
    )  # fmt: skip
    assert "no channels to send to" in run(root, "send", "--lang", "en").output
    out = tmp_path / "week.xlsx"
    written = run(root, "report", "--as-of", "2026-06-30", "-o", str(out))
    assert (written.exit_code, written.output) == (0, f"已写入 {out}。\n")
    exported = run(root, "export", "--format", "csv", "--out", str(tmp_path / "out.csv"))
    assert (exported.exit_code, exported.output) == (0, f"已写入 {tmp_path / 'out.csv'}。\n")
    binary = run(root, "export", "--format", "xlsx")
    assert (binary.exit_code, binary.output) == (
        2, "--format xlsx 输出的是二进制文件：请用 --out 文件.xlsx 指定写到哪里\n"
    )  # fmt: skip
    assert "Wrote " in run(root, "export", "--lang", "en", "--out", str(out)).output


def test_send_names_an_unknown_channel_in_the_workspace_s_language(
    write_workspace: WriteWorkspace,
) -> None:
    root = in_language(write_workspace, "zh")
    settings = (root / "okrdesk.toml").read_text(encoding="utf-8")
    (root / "okrdesk.toml").write_text(
        settings + '\n[[send.channels]]\nname = "team"\nkind = "wecom"\n'
        'url_env = "OKRDESK_TEST_WEBHOOK"\n',
        encoding="utf-8",
    )
    trusted(root)
    refused = run(root, "send", "--channel", "taem", "--dry-run")
    assert (refused.exit_code, refused.output) == (
        2, "--channel taem：没有这个渠道；已有的渠道：team\n"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "已创建工作区 {root}："), ("en", "Created a workspace in {root}:")]
)
def test_init_says_what_it_made_in_the_language_asked_for(
    tmp_path: Path, lang: str, said: str
) -> None:
    root = tmp_path / "ws"
    made = CliRunner().invoke(cli, ["init", str(root), "--lang", lang])
    assert made.exit_code == 0, made.output
    assert made.output.splitlines()[0] == said.format(root=root)
    assert (
        made.output.splitlines()[-1]
        == {
            "zh": "请编辑 targets/plan.toml，然后运行 `okrdesk validate`。",
            "en": "Edit targets/plan.toml, then run `okrdesk validate`.",
        }[lang]
    )
