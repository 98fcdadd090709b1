"""A file that cannot be read, and okrdesk.toml's own mistakes, worded in Chinese as well:
each problem keeps its English ``message`` and carries its Chinese in ``zh``."""

from __future__ import annotations

from pathlib import Path

import pytest

from okrdesk.errors import Problem
from okrdesk.targets.load import MAX_FILE_BYTES, _in_chinese, load_plan
from okrdesk.targets.reader import Findings
from okrdesk.targets.settings import SETTINGS_FILE, read_settings
from sample_workspace import OKRS, ORG, WriteWorkspace


def only_problem(root: Path) -> Problem:
    found = load_plan(root, None).problems
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def settings_problem(root: Path, settings: str) -> Problem:
    (root / SETTINGS_FILE).write_text(settings, encoding="utf-8")
    findings = Findings()
    read_settings(root, findings)
    assert len(findings.problems) == 1, "\n".join(map(str, findings.problems))
    return findings.problems[0]


# A broken okrs.toml, its line, the English message and the Chinese one.
SYNTAX = {
    "unclosed string": (
        OKRS + 'note = """never closed\nmore = 1\n',
        21,
        "TOML syntax: this string is never closed",
        "TOML 语法错误：此文本的引号没有闭合",
    ),
    "full-width comma": (
        OKRS.replace("Q2 = 0.45, Q3", "Q2 = 0.45， Q3"),
        12,
        "TOML syntax: found the full-width ，; write , (column 25)",
        "TOML 语法错误：发现全角字符 ，；请改用半角的 ,（第 25 列）",
    ),
    "curly quote": (
        OKRS.replace('title = "投诉率"', "title = “投诉率”"),
        16,
        'TOML syntax: found the curly quote “; write " (column 9)',
        'TOML 语法错误：发现弯引号 “；请改用半角的 "（第 9 列）',
    ),
    "misspelt array of tables header": (
        OKRS.replace("[[objectives]]", "[[objective]]", 1) + '\n[[objectives]]\nid = "O2"\n',
        1,
        "TOML syntax: [[objective]] looks like a misspelling of [[objectives]]; the "
        "[[objectives]] at line 22 cannot follow it",
        "TOML 语法错误：[[objective]] 像是 [[objectives]] 的拼写错误；第 22 行的 "
        "[[objectives]] 不能接在它后面",
    ),
    "figure as spoken": (
        OKRS.replace("target = 360", "target = 15亿"),
        10,
        "TOML syntax: 15亿 is not a TOML number: write a plain number in the unit its key "
        "result or table is written in: 15 for 亿元, 150000 for 万元, 1500000000 for 元 "
        "(column 12)",
        "TOML 语法错误：15亿 不是 TOML 的数；请按所在关键结果或表的单位写纯数字："
        "亿元写 15，万元写 150000，元写 1500000000（第 12 列）",
    ),
    "string left open on its line": (
        OKRS.replace('title = "投诉率"', 'title = "投诉率'),
        16,
        "TOML syntax: this string is never closed: its closing quote is missing on this line",
        "TOML 语法错误：此文本的引号没有闭合：这一行缺少结尾的引号",
    ),
    "key written twice": (
        OKRS.replace("target = 360\n", "target = 360\ntarget = 400\n"),
        11,
        "TOML syntax: target is written twice in this table; the first is at line 10",
        "TOML 语法错误：target 在这张表里写了两次；第一次在第 10 行",
    ),
    "a second key on a line": (
        OKRS.replace('id = "KR2"', 'id = "KR2" title = "x"'),
        15,
        'TOML syntax: a second key on this line: write title = "x" on a line of its own '
        "(column 12)",
        'TOML 语法错误：这一行写了第二个键：请把 title = "x" 另起一行（第 12 列）',
    ),
    "a phase's name for its id in milestones": (
        OKRS.replace("{ Q2 = 0.45, Q3 = 0.70", "{ 深耕 = 0.45, 攻坚 = 0.70"),
        12,
        "TOML syntax: 深耕 is not a key TOML reads without quotes: in milestones, each phase is "
        "named by its id (the id of its [[phases]] table, such as Q2), not by its name "
        "(column 16)",
        "TOML 语法错误：深耕 不加引号不能作键：milestones 中的阶段要写它的 id（[[phases]] 表中 "
        "id 的值，如 Q2），不写阶段名（第 16 列）",
    ),
    "tomllib's own message": (
        OKRS.replace('id = "KR2"', 'id = "KR2" "x"'),
        15,
        "TOML syntax: expected newline or end of document after a statement (column 12)",
        "TOML 语法错误：一条语句之后应是换行或文件末尾（第 12 列）",
    ),
}


@pytest.mark.parametrize("case", SYNTAX, ids=list(SYNTAX))
def test_a_syntax_error_in_chinese(write_workspace: WriteWorkspace, case: str) -> None:
    text, line, english, chinese = SYNTAX[case]
    problem = only_problem(write_workspace({"okrs.toml": text}))
    assert (problem.file, problem.line, problem.key) == ("targets/okrs.toml", line, "")
    assert problem.message == english
    assert problem.zh == chinese
    assert problem.text("zh") == f"targets/okrs.toml:{line}: {chinese}"


def test_a_message_tomllib_is_not_known_to_give_stays_in_english() -> None:
    assert _in_chinese("Unclosed array") == "数组没有闭合"
    assert _in_chinese("Duplicate inline table key 'Q2'") == "内联表里的键 'Q2' 重复"
    assert _in_chinese("Something new") == "something new"


def test_a_byte_order_mark_is_a_warning_in_chinese(write_workspace: WriteWorkspace) -> None:
    result = load_plan(write_workspace({"org.toml": b"\xef\xbb\xbf" + ORG.encode()}), None)
    assert result.problems == ()
    [warning] = result.warnings
    assert warning.message == "the file starts with a byte-order mark (BOM); it was ignored"
    assert warning.zh == "文件以字节顺序标记（BOM）开头；已忽略"


def test_a_file_not_in_utf8_in_chinese(write_workspace: WriteWorkspace) -> None:
    problem = only_problem(write_workspace({"org.toml": ORG.encode("gbk")}))
    assert (problem.file, problem.line) == ("targets/org.toml", 3)
    # Saved as GBK, as Excel and Windows editors save Chinese: said so.
    assert problem.message == (
        "not UTF-8 text (byte 0xb8): it seems to be GBK (GB18030); save the file as UTF-8"
    )
    assert (
        problem.zh == "不是 UTF-8 文本（字节 0xb8），像是 GBK（GB18030）编码；请把文件另存为 UTF-8"
    )
    utf16 = only_problem(write_workspace({"org.toml": ORG.encode("utf-16")}))
    assert utf16.message == (
        "not UTF-8 text (byte 0xff): it seems to be UTF-16; save the file as UTF-8"
    )
    latin = only_problem(write_workspace({"org.toml": b'[plan]\nname = "caf\xe9"\n'}))
    assert latin.message == "not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_a_file_too_large_in_chinese(write_workspace: WriteWorkspace) -> None:
    problem = only_problem(write_workspace({"huge.toml": "#" * (MAX_FILE_BYTES + 1)}))
    assert problem.message == (
        "the file is 2.0 MB; target files are limited to 2 MB. Is it really a target file?"
    )
    assert problem.zh == "文件大小为 2.0 MB；目标文件不能超过 2 MB。它真的是目标文件吗？"


def test_nesting_too_deep_in_chinese(write_workspace: WriteWorkspace) -> None:
    deep = "[" * 250 + "]" * 250
    root = write_workspace({"okrs.toml": OKRS.replace('title = "投诉率"', f"title = {deep}")})
    # The value is read as 0, which a title cannot be: a second problem at the same key.
    problem = next(p for p in load_plan(root, None).problems if "nested" in p.message)
    assert problem.key == "objectives[O1].key_results[KR2].title"
    assert problem.message == "nested more than 200 levels deep; not read"
    assert problem.zh == "嵌套超过 200 层；未读取"


def test_an_unknown_workspace_key_in_chinese(write_workspace: WriteWorkspace) -> None:
    problem = settings_problem(write_workspace(), '[workspace]\nname = "福田"\ndatabse = "a.db"\n')
    assert (problem.file, problem.line, problem.key) == ("okrdesk.toml", 3, "workspace.databse")
    assert problem.message == (
        'unknown key (did you mean "database"?); expected one of: name, database, '
        "plugin_timeout, lang"
    )
    assert problem.zh == (
        "未知的键（是不是“database”？）；可用的键：name、database、plugin_timeout、lang"
    )


def test_a_bad_lang_in_chinese(write_workspace: WriteWorkspace) -> None:
    problem = settings_problem(write_workspace(), '[workspace]\nlang = "cn"\n')
    assert (problem.line, problem.key) == (2, "workspace.lang")
    assert problem.message == '"cn" is not allowed; expected one of: zh, en'
    assert problem.zh == '不能是 "cn"；可选：zh, en'


def test_settings_of_their_own_in_chinese(write_workspace: WriteWorkspace) -> None:
    problem = settings_problem(write_workspace(), "[workspace]\nplugin_timeout = 0\n")
    assert problem.message == "must be above 0 seconds, got 0"
    assert problem.zh == "应大于 0 秒，现为 0"
    problem = settings_problem(
        write_workspace(),
        '[send]\n[[send.channels]]\nkind = "wecom"\nname = "群"\nurl_env = "WECOM"\nurl = "x"\n',
    )
    assert problem.key == "send.channels[0].url"
    assert problem.zh == "密钥绝不能写进文件：请放进环境变量，再用 url_env 或 secret_env 写明变量名"


def test_two_channels_of_one_name_are_a_problem_beside_another(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    (root / SETTINGS_FILE).write_text(
        '[[send.channels]]\nkind = "wecom"\nname = "g"\nurl_env = "not a name"\n\n'
        '[[send.channels]]\nkind = "wecom"\nname = "g"\nurl_env = "WECOM"\n',
        encoding="utf-8",
    )
    findings = Findings()
    read_settings(root, findings)
    assert [(p.line, p.key) for p in findings.problems] == [
        (4, "send.channels[0].url_env"),
        (8, "send.channels[1].name"),
    ]
    duplicate = findings.problems[1]
    assert duplicate.message == '"g" names two channels; the other is at okrdesk.toml:1'
    assert duplicate.zh == '两个渠道都叫 "g"；另一个在 okrdesk.toml:1'
