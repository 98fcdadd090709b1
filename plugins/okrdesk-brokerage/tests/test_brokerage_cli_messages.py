"""The real okrdesk commands on a real demo workspace whose export is damaged.

``okrdesk validate`` finds a column missing from a file's header, as the collect
would, before any collect; a file that is absent is no problem of validate's (a plan
may not need it), and the collect names it when it is needed. Each line is checked
word for word in Chinese and in English (``--lang``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from okrdesk_brokerage.layout import CLIENTS, FUNDING, PRODUCT_TYPES, SURVEYS
from okrdesk_brokerage.reading import HEADER_MOST, header_problem
from okrdesk_brokerage.settings import settings_errors

OKRDESK = str(Path(sys.executable).parent / "okrdesk")
AS_OF = "2026-11-20"
FUNDING_METRICS = {
    "zh": "asset_attrition、empty_account_rate、net_new_aum",
    "en": "asset_attrition, empty_account_rate, net_new_aum",
}
"""The metrics of the demo's plan that read funding.csv, as collect names them."""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKRDESK_")}
    return subprocess.run([OKRDESK, *args], env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    done = _run("demo", str(root), "--as-of", AS_OF)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


@pytest.fixture
def workspace(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo workspace, its export and store, for one test to damage."""
    copy = tmp_path / "ws"
    shutil.copytree(demo, copy)
    return copy


def _validate(root: Path, lang: str) -> subprocess.CompletedProcess[str]:
    return _run("validate", "--lang", lang, "-w", str(root))


def _collect(root: Path, lang: str) -> subprocess.CompletedProcess[str]:
    return _run("collect", "--through", AS_OF, "--lang", lang, "-w", str(root))


def _rename_in_header(root: Path, file: str, old: str, new: str) -> None:
    path = root / "data" / "crm" / file
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(header.replace(old, new) + "\n" + rest, encoding="utf-8")


HEADER = {
    "zh": "funding.csv:1：表头里没有 amount 列；应为 date,client_id,amount，"
    "实为 date,client_id,amt",
    "en": "funding.csv:1: column 'amount' is not in the header; expected "
    "date,client_id,amount, found date,client_id,amt",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_finds_a_column_missing_from_a_header_in_the_collect_s_words(
    workspace: Path, lang: str
) -> None:
    _rename_in_header(workspace, FUNDING.name, "amount", "amt")
    # Absent, and not needed by the demo's plan: no problem of validate's, nor the collect's.
    (workspace / "data" / "crm" / "product_types.csv").unlink()

    checked = _validate(workspace, lang)

    assert checked.returncode == 2, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert lines[:3] == [
        f"okrdesk.toml:7: sources.brokerage.data: {HEADER[lang]}",
        '    data = "data/crm"',
        "    ^",
    ]
    assert lines[-1] == ("已检查 8 个文件，共 1 处问题。" if lang == "zh" else
                         "8 files checked, 1 problem.")  # fmt: skip
    assert "product_types" not in checked.stdout + checked.stderr

    collected = _collect(workspace, lang)

    assert collected.returncode == 1, collected.stdout + collected.stderr
    assert collected.stderr.splitlines() == (
        [
            f"错误：插件 brokerage 指标 {FUNDING_METRICS['zh']}：未采集：它所用的设置有误，"
            f"`okrdesk validate` 同样不予通过：okrdesk.toml:7: sources.brokerage.data: "
            f"{HEADER['zh']}（共 1 个问题，均未入库）",
            "未入库的指标保留原有数字。",
        ]
        if lang == "zh"
        else [
            f"error: plugin brokerage metrics {FUNDING_METRICS['en']}: not collected: the "
            "settings it reads are refused, as `okrdesk validate` refuses them: "
            f"okrdesk.toml:7: sources.brokerage.data: {HEADER['en']} "
            "(1 problem; none of its figures stored)",
            "The metrics not stored kept their earlier numbers.",
        ]
    )


def test_a_sound_header_is_no_problem_and_an_absent_file_is_named_by_the_collect_alone(
    workspace: Path,
) -> None:
    # Extra columns, in another order, with a byte order mark: the collect takes them.
    path = workspace / "data" / "crm" / FUNDING.name
    rows = path.read_text(encoding="utf-8").splitlines()
    swapped = [",".join([*reversed(row.split(",")), "note"]) for row in rows]
    path.write_text("\ufeff" + "\n".join(swapped) + "\n", encoding="utf-8")
    (workspace / "data" / "crm" / SURVEYS.name).unlink()
    folder = workspace / "data" / "crm"

    for lang in ("zh", "en"):
        checked = _validate(workspace, lang)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "surveys.csv" not in checked.stdout + checked.stderr

    collected = _collect(workspace, "zh")
    assert collected.returncode == 1, collected.stdout + collected.stderr
    assert collected.stderr.splitlines()[0] == (
        f"错误：插件 brokerage 指标 nps：surveys.csv：文件夹 '{folder}' 里没有这个文件"
        "（共 1 个问题，均未入库）"
    )
    collected = _collect(workspace, "en")
    assert collected.stderr.splitlines()[0] == (
        f"error: plugin brokerage metric nps: surveys.csv: file not found in '{folder}' "
        "(1 problem; none of its figures stored)"
    )


def test_validate_leaves_alone_a_file_no_metric_of_the_plan_reads(workspace: Path) -> None:
    # The demo's plan has no product_sales key result: no collect of it opens the file.
    _rename_in_header(workspace, PRODUCT_TYPES.name, "product_type", "kind")

    for lang in ("zh", "en"):
        checked = _validate(workspace, lang)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "product_types" not in checked.stdout + checked.stderr
    collected = _collect(workspace, "en")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    # A mistake in okrdesk.toml's own keys leaves the plan, and what it reads, as it was.
    settings = workspace / "okrdesk.toml"
    kept = settings.read_text(encoding="utf-8")
    settings.write_text(kept.replace("[workspace]\n", "[workspace]\nnmae = 3\n"), "utf-8")
    checked = _validate(workspace, "en")
    assert "workspace.nmae: unknown key" in checked.stdout, checked.stdout
    assert "product_types" not in checked.stdout + checked.stderr
    settings.write_text(kept, encoding="utf-8")

    # Where the plan cannot be read, validate cannot tell what a collect reads: every file.
    folder = workspace / "data" / "crm"
    table = {"data": str(folder)}
    assert [e.detail for e in settings_errors(table, workspace, None)] == [
        header_problem(folder, PRODUCT_TYPES).said.en  # type: ignore[union-attr]
    ]
    assert settings_errors(table, workspace, {"aum", "nps"}) == []
    assert [e.detail for e in settings_errors(table, workspace, {"product_sales"})] == [
        header_problem(folder, PRODUCT_TYPES).said.en  # type: ignore[union-attr]
    ]
    # A plan that uses none of the plugin's metrics: no collect asks it for any, so no file
    # of the export is read, not even the client book (its header was a problem, exit 2).
    _rename_in_header(workspace, CLIENTS.name, "client_id", "id")
    assert [e.key for e in settings_errors(table, workspace, {"aum"})] == ["data"]
    assert settings_errors(table, workspace, frozenset()) == []
    (folder / CLIENTS.name).unlink()
    # Its absence is still said, as a warning only (a source set up before its key results).
    (missing,) = settings_errors(table, workspace, frozenset())
    assert missing.missing and "holds no clients.csv" in missing.detail


def test_a_bad_row_is_said_in_the_language_of_the_collect(workspace: Path) -> None:
    path = workspace / "data" / "crm" / SURVEYS.name
    lines = path.read_text(encoding="utf-8").splitlines()
    day, client, _ = lines[4].split(",")
    lines[4] = f"{day},{client},ten"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert _validate(workspace, "zh").returncode == 0  # validate reads no row
    said = {lang: _collect(workspace, lang).stderr.splitlines()[0] for lang in ("zh", "en")}

    assert said == {
        "zh": "错误：插件 brokerage 指标 nps：surveys.csv:5：score 列：'ten' 不是 0 到 10 的整数"
        "（共 1 个问题，均未入库）",
        "en": "error: plugin brokerage metric nps: surveys.csv:5: column 'score': 'ten' is not "
        "a whole number from 0 to 10 (1 problem; none of its figures stored)",
    }


def test_a_bad_setting_is_said_in_the_language_of_validate_and_of_the_collect(
    workspace: Path,
) -> None:
    settings = workspace / "okrdesk.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "hnw_treshold = 1\n",
                        encoding="utf-8")  # fmt: skip
    known = ["data", "hnw_threshold", "effective_assets_min", "institutional_weight",
             "client_tiers", "encoding", "columns", "decimal"]  # fmt: skip

    assert _validate(workspace, "zh").stdout.splitlines()[0] == (
        "okrdesk.toml:8: sources.brokerage.hnw_treshold: 不是本插件认识的设置（认识的设置："
        f"{'、'.join(known)}）"
    )
    assert _validate(workspace, "en").stdout.splitlines()[0] == (
        "okrdesk.toml:8: sources.brokerage.hnw_treshold: is not one this plugin knows "
        f"(known settings: {', '.join(known)})"
    )
    # The collect refuses the plugin before it runs, in validate's words and the
    # collect's language, at the line of okrdesk.toml to mend.
    zh = _collect(workspace, "zh")
    assert zh.returncode == 1
    assert zh.stderr.splitlines()[0] == (
        "错误：插件 brokerage：其设置有误，`okrdesk validate` 同样不予通过，因此未从它采集任何"
        "数据：okrdesk.toml:8: sources.brokerage.hnw_treshold: 不是本插件认识的设置（认识的设置："
        f"{'、'.join(known)}）"
    )
    en = _collect(workspace, "en")
    assert en.returncode == 1
    assert en.stderr.splitlines()[0] == (
        "error: plugin brokerage: its settings are refused, as `okrdesk validate` refuses "
        "them, so nothing was collected from it: okrdesk.toml:8: sources.brokerage.hnw_treshold: "
        f"is not one this plugin knows (known settings: {', '.join(known)})"
    )


def test_a_header_that_cannot_be_read_is_a_problem_in_either_language(
    workspace: Path,
) -> None:
    path = workspace / "data" / "crm" / FUNDING.name
    path.write_bytes(b"\xffdate,client_id,amount\n" + path.read_bytes().split(b"\n", 1)[1])

    assert _validate(workspace, "zh").stdout.splitlines()[0] == (
        "okrdesk.toml:7: sources.brokerage.data: funding.csv:1：不是 UTF-8 文本（字节 0xff）；"
        '请把导出文件存为 UTF-8，或在 [sources.brokerage] 里设 encoding = "gb18030"'
        "（Excel 和不少国内 CRM 系统默认存为 GBK 或 GB18030）"
    )
    assert _validate(workspace, "en").stdout.splitlines()[0] == (
        "okrdesk.toml:7: sources.brokerage.data: funding.csv:1: not UTF-8 text (byte 0xff); save "
        'the export as UTF-8, or set encoding = "gb18030" under [sources.brokerage] (GBK or '
        "GB18030 is what Excel and many Chinese CRM systems write)"
    )


def test_a_byte_that_is_not_utf8_is_named_at_its_own_line(workspace: Path) -> None:
    """The reader decodes 8 KB at a time, so a GBK name on line 40 was told as the header
    (line 1) not being readable; it is told at line 40, in either language."""
    path = workspace / "data" / "crm" / FUNDING.name
    lines = path.read_bytes().split(b"\n")
    assert len(lines) > 60
    lines[39] = lines[39].replace(b",", "，王芳,".encode("gbk"), 1)
    path.write_bytes(b"\n".join(lines))
    zh = _collect(workspace, "zh").stderr
    assert "funding.csv:40：不是 UTF-8 文本（字节 0xa3）" in zh, zh
    en = _collect(workspace, "en").stderr
    assert "funding.csv:40: not UTF-8 text (byte 0xa3); save the export as UTF-8" in en, en
    assert "header" not in en
    assert _validate(workspace, "en").returncode == 0  # its header is sound


def _bytes_read_by_this_thread() -> int:
    """What this thread has read so far (``rchar`` of /proc/thread-self/io): whatever the
    machine's load, a count of bytes, not of time; the thread alone, not pytest-xdist's
    own thread reading its channel beside it."""
    for line in Path("/proc/thread-self/io").read_text(encoding="ascii").splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/thread-self/io")


@pytest.mark.skipif(
    not Path("/proc/thread-self/io").is_file(), reason="counts bytes read through Linux's /proc"
)
def test_only_the_first_line_is_read(tmp_path: Path) -> None:
    # A sound header, then what the collect could not read; then zeros to 256 times what
    # a header is read to (sparse: no disk), which read whole would be counted.
    path = tmp_path / FUNDING.name
    with path.open("wb") as file:
        file.write(b"date,client_id,amount\n\xff\xfe,C1,1\n")
        file.truncate(256 * HEADER_MOST)
    before = _bytes_read_by_this_thread()
    assert header_problem(tmp_path, FUNDING) is None
    # The first line's block and a peek at the start, never past HEADER_MOST.
    assert _bytes_read_by_this_thread() - before <= HEADER_MOST
    path.write_bytes(b"date,client_id\n2026-01-05,C1,3\n")
    wrong = header_problem(tmp_path, FUNDING)
    assert wrong is not None and str(wrong) == (
        "funding.csv:1: column 'amount' is not in the header; expected date,client_id,amount, "
        "found date,client_id"
    )
    # Lines ended by a lone carriage return, which the collect's reader takes.
    path.write_bytes(b"date,client_id,amount\r2026-01-05,C1,3\r")
    assert header_problem(tmp_path, FUNDING) is None
    path.write_bytes(b"")
    empty = header_problem(tmp_path, FUNDING)
    assert empty is not None and empty.said == (
        "funding.csv:1: no header; expected date,client_id,amount",
        "funding.csv:1：没有表头；应为 date,client_id,amount",
    )
    assert header_problem(tmp_path, SURVEYS) is None  # absent


def _encode_export(root: Path, encoding: str) -> None:
    for path in (root / "data" / "crm").glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def _set(root: Path, line: str) -> None:
    settings = root / "okrdesk.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def _observations(root: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(root / "okrdesk.db")) as db:
        return db.execute(
            "SELECT metric, period, subject, slice, value, numerator, denominator, source "
            "FROM observations ORDER BY metric, period, subject, slice"
        ).fetchall()


@pytest.mark.parametrize(("encoding", "setting"), [("gb18030", 'encoding = "gb18030"'),
                                                   ("utf-16", "")])  # fmt: skip
def test_an_export_in_another_encoding_stores_the_utf8_export_s_figures(
    demo: Path, workspace: Path, encoding: str, setting: str
) -> None:
    """The demo's export, megabytes of it, saved as a Chinese CRM (GB18030, with the
    setting) or Excel's Unicode text (UTF-16 with its byte-order mark, without) saves it:
    every observation, its row citations too, is the one the UTF-8 export stored."""
    _encode_export(workspace, encoding)
    _set(workspace, setting)
    (workspace / "okrdesk.db").unlink()  # nothing stored from the UTF-8 export
    done = _collect(workspace, "en")
    assert done.returncode == 0, done.stdout + done.stderr
    stored = _observations(workspace)
    assert len(stored) > 1000 and stored == _observations(demo)
    assert _validate(workspace, "en").returncode == 0


def test_a_byte_not_in_the_encoding_set_is_named_at_its_line_with_the_encoding(
    workspace: Path,
) -> None:
    _encode_export(workspace, "gb18030")
    _set(workspace, 'encoding = "gb18030"')
    path = workspace / "data" / "crm" / FUNDING.name
    lines = path.read_bytes().split(b"\n")
    lines[39] = lines[39].replace(b",", b",\xff", 1)  # never a GB18030 byte
    path.write_bytes(b"\n".join(lines))
    zh = _collect(workspace, "zh").stderr
    assert (
        "funding.csv:40：不是 gb18030 文本（字节 0xff）；请把 [sources.brokerage] 的 encoding "
        in zh
    )
    en = _collect(workspace, "en").stderr
    assert "funding.csv:40: not gb18030 text (byte 0xff); set encoding under " in en, en
    assert _validate(workspace, "en").returncode == 0  # its header is sound


def test_an_unknown_encoding_is_a_problem_at_its_line_of_okrdesk_toml(workspace: Path) -> None:
    _set(workspace, 'encoding = "gbkk"')
    assert _validate(workspace, "zh").stdout.splitlines()[0] == (
        'okrdesk.toml:8: sources.brokerage.encoding: 应为导出文件的编码，如 "gb18030"（也能读 '
        'GBK）、"utf-16" 或 "utf-8"，不能是 \'gbkk\''
    )
    assert _validate(workspace, "en").stdout.splitlines()[0] == (
        "okrdesk.toml:8: sources.brokerage.encoding: must name the encoding the export is "
        'saved in, such as "gb18030" (GBK too), "utf-16" or "utf-8", not \'gbkk\''
    )
    assert _collect(workspace, "en").returncode != 0


VALIDATE_MOST_MB = 50
"""Peak memory of `okrdesk validate` on the demo, every process of it: 25 MB with the csv
module reading the money for blank cells, 85 MB when DuckDB counted them."""


def test_validate_reads_a_branch_s_money_without_loading_duckdb(demo: Path) -> None:
    """hookspecs' advice: a settings' check reads little more than a header. Validate still
    finds a blank money cell (test_brokerage_validate_money.py), in the memory of one."""
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKRDESK_")}
    found = subprocess.run(
        [sys.executable, "-c", measure, OKRDESK, "validate", "-w", str(demo)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    code, peak = (int(part) for part in found.stdout.split())
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS (getrusage(2)): there 25 MB
    # read as 25,600 MB.
    peak_kb = peak // 1024 if sys.platform == "darwin" else peak
    assert code == 0
    assert peak_kb < VALIDATE_MOST_MB * 1024, f"validate peaked at {peak_kb // 1024} MB"


def test_an_export_dated_as_a_chinese_crm_writes_stores_the_iso_export_s_figures(
    demo: Path, workspace: Path
) -> None:
    """The demo's export with each date written 2026年1月5日, read by the streaming reader
    (okrdesk.written_dates' reading): every observation, its row citations too, is the
    one the ISO export stored."""
    for path in (workspace / "data" / "crm").glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        dated = re.sub(
            r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b",
            lambda day: f"{day[1]}年{int(day[2])}月{int(day[3])}日",
            text,
        )
        path.write_text(dated, encoding="utf-8")
    (workspace / "okrdesk.db").unlink()
    done = _collect(workspace, "en")
    assert done.returncode == 0, done.stdout + done.stderr
    stored = _observations(workspace)
    assert len(stored) > 1000 and stored == _observations(demo)


def test_a_date_written_with_its_year_last_is_refused_at_its_row(workspace: Path) -> None:
    path = workspace / "data" / "crm" / FUNDING.name
    lines = path.read_text(encoding="utf-8").splitlines()
    year, month, day = lines[6].split(",", 1)[0].split("-")
    lines[6] = f"{day}/{month}/{year}," + lines[6].split(",", 1)[1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = f"{day}/{month}/{year}"
    said = {lang: _collect(workspace, lang) for lang in ("zh", "en")}
    assert said["en"].returncode == 1
    assert (
        f"funding.csv:7: column 'date': '{written}' is written with its year last, which says "
        "a different day where the day comes first (5 January) and where the month does"
        in said["en"].stderr
    ), said["en"].stderr
    assert f"funding.csv:7：date 列：'{written}' 是年份在后的写法" in said["zh"].stderr
