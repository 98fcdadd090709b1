"""A plugin that opens its CRM export itself (``open()`` and ``csv``, not okrdesk's
``decoded_lines``) and fails on a row is told the file and line its csv reader had
reached, as one reading through decoded_lines is (test_plugin_rows_unread.py); where
the reader was made in the loop, and went with it, the line of the row the loop was on,
found again in the file where it is there once.

It was told with Python's words and the plugin's line of code alone. A file it cannot
decode is named, with decoded_lines to learn the line: Python's csv reader counts the
lines it was handed, and the one that failed to decode never was."""

from __future__ import annotations

import re
from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace
from test_plugin_rows_unread import FUND_KR, FUND_SALES, HEADER, ROWS, _export, _line

OPENED = FUND_SALES.replace(
    '.open("rb") as file', '.open(encoding="utf-8", newline="") as file'
).replace('decoded_lines(file, "utf-8")', "file")
"""The reader made in the loop: gone, with its count of lines, once the loop fails; the
row it was on stays."""

KEPT_READER = OPENED.replace(
    "for row in csv.DictReader(file):", "rows = csv.DictReader(file)\n        for row in rows:"
)
"""The reader kept in a variable, as csv's documentation writes it."""

PLAIN_READER = OPENED.replace(
    "for row in csv.DictReader(file):",
    "rows = csv.reader(file)\n        next(rows)\n        for cells in rows:\n"
    '            row = dict(zip(["客户经理工号", "日期", "认购金额(元)"], cells))',
)


def _collect(root: Path, env: dict[str, str], lang: str) -> tuple[int, str]:
    done = okrdesk(env, "collect", "--lang", lang, "--through", "2026-01-18", "-w", str(root))
    joiner = " " if lang == "en" else ""
    return done.returncode, joiner.join((done.stdout + done.stderr).split())


def _says_line_7(english: str, chinese: str, line: int) -> None:
    """The failure on line 7's 约五万, told with that line in both languages."""
    assert (
        "error: plugin fund_rows: okrdesk_collect failed: InvalidOperation: Decimal() was given "
        f"text that is no number (at okrdesk_fund_rows/__init__.py:{line}), reading "
        "data/fund_sales.csv line 7: mend that line, or have the plugin leave out a row it "
        "cannot read and say so (emit.warning) rather than fail"
    ) in english, english
    assert (
        f"（位于okrdesk_fund_rows/__init__.py:{line}），读取data/fund_sales.csv第7行时：请修正这一行"
    ) in chinese, chinese


def test_an_amount_that_is_no_number_names_the_line_a_kept_csv_reader_reached(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    assert "decoded_lines(" not in KEPT_READER and "rows = csv.DictReader(file)" in KEPT_READER
    root = write_workspace({"funds.toml": FUND_KR})
    _export(root, HEADER + "".join(ROWS[:5]) + "cm01,2026-01-08,约五万\n")  # line 7
    line = _line(KEPT_READER, "amount = Decimal")
    with (
        installed_package(tmp_path, "fund_rows", KEPT_READER) as env,
        installed_package(tmp_path, "fund_plain", PLAIN_READER) as plain_env,
    ):
        code, english = _collect(root, env, "en")
        _, chinese = _collect(root, env, "zh")
        _, plain = _collect(root, plain_env, "en")
    assert code == 1, english
    _says_line_7(english, chinese, line)
    # csv.reader, not DictReader: the line all the same.
    assert "reading data/fund_sales.csv line 7: mend that line" in plain, plain


def test_a_column_the_export_lacks_is_named_with_the_columns_it_has(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    _export(root, HEADER.replace("认购金额(元)", "认购金额") + "".join(ROWS))
    with installed_package(tmp_path, "fund_rows", KEPT_READER) as env:
        _, english = _collect(root, env, "en")
        _, chinese = _collect(root, env, "zh")
    assert (
        "KeyError: '认购金额(元)' (at okrdesk_fund_rows/__init__.py:"
        f"{_line(KEPT_READER, 'amount = Decimal')}), reading data/fund_sales.csv line 2: the "
        "file has no column 认购金额(元); its columns (line 1) are 客户经理工号, 日期, 认购金额: "
        "export it with that column"
    ) in english, english
    assert "文件没有列认购金额(元)；它的列（第1行）是客户经理工号、日期、认购金额" in chinese


def test_a_reader_made_in_the_loop_names_the_line_of_the_row_it_was_on(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Its count of lines went with it, and the file and decoded_lines alone were named;
    the row the loop was on, written once in the file, is found there again."""
    assert "for row in csv.DictReader(file):" in OPENED and "decoded_lines(" not in OPENED
    root = write_workspace({"funds.toml": FUND_KR})
    _export(root, HEADER + "".join(ROWS[:5]) + "cm01,2026-01-08,约五万\n" + ROWS[0])  # line 7
    line = _line(OPENED, "amount = Decimal")
    with installed_package(tmp_path, "fund_rows", OPENED) as env:
        code, english = _collect(root, env, "en")
        _, chinese = _collect(root, env, "zh")
        # A column the export lacks: the first row's line, with the columns it has.
        _export(root, HEADER.replace("认购金额(元)", "认购金额") + "".join(ROWS[:2]))
        _, missing = _collect(root, env, "en")
    assert code == 1, english
    _says_line_7(english, chinese, line)
    assert (
        "reading data/fund_sales.csv line 2: the file has no column 认购金额(元); its columns "
        "(line 1) are 客户经理工号, 日期, 认购金额"
    ) in missing, missing


def test_a_row_a_loop_s_reader_was_on_written_twice_names_no_line(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Two lines hold the row: which the loop was on is not known, so no line is made
    up; the file is named, with decoded_lines for the line."""
    root = write_workspace({"funds.toml": FUND_KR})
    bad = "cm01,2026-01-08,约五万\n"
    _export(root, HEADER + "".join(ROWS[:5]) + bad + bad)
    with installed_package(tmp_path, "fund_rows", OPENED) as env:
        code, english = _collect(root, env, "en")
        _, chinese = _collect(root, env, "zh")
    assert code == 1, english
    assert (
        f"(at okrdesk_fund_rows/__init__.py:{_line(OPENED, 'amount = Decimal')}), reading "
        "data/fund_sales.csv, which the plugin opened itself: okrdesk cannot see which line; "
        "read it through okrdesk.plugins.decoded_lines, which has okrdesk name the line "
        '(docs/plugins.md, "Reading a CSV export")'
    ) in english, english
    assert not re.search(r"line \d", english), english
    assert (
        "读取插件自行打开的data/fund_sales.csv时：okrdesk看不到是哪一行；请改用"
        "okrdesk.plugins.decoded_lines读取，okrdesk就能指出是哪一行"
    ) in chinese, chinese


def test_a_file_it_cannot_decode_is_named_with_decoded_lines_to_learn_the_line(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A kept reader too: Python's csv counts the lines it was handed, and the one that
    failed to decode never was."""
    root = write_workspace({"funds.toml": FUND_KR})
    (root / "data").mkdir()
    (root / "data" / "fund_sales.csv").write_bytes((HEADER + "".join(ROWS)).encode("gb18030"))
    with installed_package(tmp_path, "fund_rows", KEPT_READER) as env:
        code, english = _collect(root, env, "en")
        _, chinese = _collect(root, env, "zh")
    assert code == 1, english
    assert "UnicodeDecodeError: 'utf-8' codec can't decode byte" in english, english
    assert (
        "reading data/fund_sales.csv, which the plugin opened itself: its bytes are not in the "
        "encoding it was opened with; read it through okrdesk.plugins.decoded_lines"
    ) in english, english
    assert "csv line" not in english and "line 1:" not in english
    assert (
        "读取插件自行打开的data/fund_sales.csv时：其字节不是打开时所用的编码；请改用"
        "okrdesk.plugins.decoded_lines读取"
    ) in chinese, chinese
