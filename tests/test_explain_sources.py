"""`okrdesk explain` cites the rows behind each figure in the reader's language: a source
in the form docs/plugins.md describes reads ``assets.csv 第 818–821 行`` in Chinese, and
any other text a plugin gives is shown as it wrote it. On the demo workspace (the
reference brokerage plugin), the built-in SQL source, and a plugin of the workspace's own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.periods import parse_period
from okrdesk.plugins.citations import source_text
from sample_workspace import WriteWorkspace
from test_docs import DOCS, md_tables
from test_report import AS_OF, okrdesk

GENDER_ZH = {"female": "女", "male": "男", "institution": "机构"}
"""The brokerage plugin's Chinese words for its gender values."""
ZH_ROWS = re.compile(r"^[\w.]+ 第 [0-9–、]+ 行$")
"""One file's rows, as a Chinese explain cites them."""


def table_sources(lines: list[str]) -> list[str]:
    """The source column of explain's table of observations: what follows the run."""
    fields = [re.split(r" {2,}", line.strip(), maxsplit=4) for line in lines
              if re.match(r"  \d{4}-", line)]  # fmt: skip
    # A period not yet over is marked after its source: "  [未完结：数据截至 …]".
    return [re.sub(r"  \[[^]]*\]$", "", row[4]) if len(row) > 4 else "" for row in fields]


@pytest.fixture(autouse=True)
def whole_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each row of explain's table a line, its citation whole, as `COLUMNS=1000` pipes
    it to grep: these tests read what is cited, not how it folds (test_explain_width)."""
    monkeypatch.setenv("COLUMNS", "1000")


# ------------------------------------------------------------ the demo workspace


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("explain-sources")


def demo_explained(demo: Path, *args: str) -> list[str]:
    done = okrdesk("explain", *args, "-w", str(demo), "--as-of", AS_OF, env={"COLUMNS": "1000"})
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_demo_rows_are_cited_in_the_workspaces_language(demo: Path) -> None:
    """They read "assets.csv rows 818-821,823-834" in a Chinese explain: the brokerage
    plugin's words. The demo workspace names no language, so it is Chinese."""
    # One CM's: a team's weeks, zeros included, are more than explain lists row by row.
    zh = table_sources(demo_explained(demo, "O1.KR1", "--person", "liuyang"))
    also = table_sources(demo_explained(demo, "O1.KR1", "--person", "liuyang", "--lang", "zh"))
    en = table_sources(demo_explained(demo, "O1.KR1", "--person", "liuyang", "--lang", "en"))
    assert zh == also
    assert len(zh) == len(en) > 10
    sliced = zeros = 0
    for chinese, english in zip(zh, en, strict=True):
        # A slice is named as the report's breakdown names it, by the plugin's words in
        # each language ([性别：女], [gender: female]), never by its stored key.
        label = re.match(r"(\[gender: (\w+)\] )?", english)
        assert label is not None
        said = f"[性别：{GENDER_ZH[label[2]]}] " if label[2] else ""
        sliced += bool(said)
        assert chinese.startswith(said), chinese
        rows_zh, rows_en = chinese[len(said) :], english[label.end() :]
        zero = re.fullmatch(r"no row of assets\.csv counts, so 0; (clients\.csv .+)", rows_en)
        if zero is not None:
            # A week with no new HNW client of a CM's: none, among the CM's clients.
            assert not said
            assert rows_zh.startswith("assets.csv 中没有计入的行，按 0 计；"), chinese
            rows_zh, rows_en = rows_zh.split("；", 1)[1], zero[1]
            zeros += 1
        else:
            assert re.fullmatch(r"assets\.csv (rows [0-9,-]+|row [0-9]+)", rows_en), english
        assert ZH_ROWS.fullmatch(rows_zh), chinese
        # The same rows, each range a dash, each list a 、.
        assert rows_zh == (
            re.sub(" rows? ", " 第 ", rows_en).replace("-", "–").replace(",", "、") + " 行"
        )
    assert sliced > 3 and zeros > 3


def test_the_demo_names_a_key_results_slice_as_its_breakdown_does(demo: Path) -> None:
    """P.FEMALE counts the women among new HNW clients: each of its rows is the slice the
    report's breakdown of O1.KR1 writes "↳ 女" under "按性别拆分". (机构业务部's 19 rows:
    the branch's 93 are more than explain lists row by row.)"""
    for lang, said in (("zh", "[性别：女] "), ("en", "[gender: female] ")):
        lines = demo_explained(demo, "P.FEMALE", "--unit", "inst", "--lang", lang)
        sources = table_sources(lines)
        assert len(sources) > 10 and all(s.startswith(said) for s in sources), sources
        assert not any("gender=" in line for line in lines)
    report = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format", "json")
    assert report.returncode == 0, report.stderr
    (breakdown,) = [kr["breakdown"] for o in json.loads(report.stdout)["objectives"]
                    for kr in o["key_results"] if kr["id"] == "O1.KR1"]  # fmt: skip
    assert breakdown["label"] == "性别" and "女" in {row["label"] for row in breakdown["rows"]}


def test_a_figure_from_two_files_cites_each_in_chinese(demo: Path) -> None:
    """Attrition rests on funding.csv's outflows and assets.csv's balances."""
    zh = table_sources(demo_explained(demo, "O2.KR1", "--person", "liuyang"))
    en = table_sources(demo_explained(demo, "O2.KR1", "--person", "liuyang", "--lang", "en"))
    both = [(z, e) for z, e in zip(zh, en, strict=True) if "; " in e]
    assert both
    for chinese, english in both:
        assert [f.split(" ", 1)[0] for f in chinese.split("；")] == [
            f.split(" ", 1)[0] for f in english.split("; ")
        ]
        assert all(ZH_ROWS.fullmatch(part) for part in chinese.split("；")), chinese
        assert re.findall(r"\d+", chinese) == re.findall(r"\d+", english)


def test_a_figure_about_clients_cites_those_open_at_the_period_end(demo: Path) -> None:
    """Complaints per thousand clients rest on the clients open at each period's end: the
    rows explain names are exactly those of liuyang's clients open then (opened on or
    before the end, not closed by it), as many as the denominator counts; never a client
    opened later or one who had left."""
    clients = (demo / "data" / "crm" / "clients.csv").read_text(encoding="utf-8").splitlines()
    header = clients[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in clients[1:]]
    lines = table_lines(
        demo_explained(demo, "O2.COMPLAINTS", "--person", "liuyang", "--lang", "en")
    )
    assert len(lines) > 40
    for period_id, value, source, through in lines:
        end = min(parse_period(period_id).end, through or dt.date.max)
        open_then = {
            line for line, row in enumerate(rows, start=2) if row["cm_id"] == "liuyang"
            and row["open_date"] <= end.isoformat()
            and not (row["close_date"] and row["close_date"] <= end.isoformat())
        }  # fmt: skip
        named = cited_lines(source, "clients.csv")
        assert named == open_then, period_id
        counted = re.search(r"/ ([0-9,]+) accts", value)
        assert counted is not None and int(counted[1].replace(",", "")) == len(named)
    # Some of liuyang's clients left during the year: the earlier weeks name them, the
    # later do not.
    assert any("rows 2-83,85-" in source for _, _, source, _ in lines)


def table_lines(lines: list[str]) -> list[tuple[str, str, str, dt.date | None]]:
    """(period, value, source, the day a period not yet over has data through) of each row
    of explain's table of observations."""
    found = []
    for line in lines:
        if not re.match(r"  \d{4}-", line):
            continue
        period, _, value, _, source = re.split(r" {2,}", line.strip(), maxsplit=4)
        partial = re.search(r"  \[partial: through (\d{4}-\d{2}-\d{2})\]$", source)
        if partial:
            source = source[: partial.start()]
        found.append(
            (period, value, source, dt.date.fromisoformat(partial[1]) if partial else None)
        )
    return found


def cited_lines(source: str, file: str) -> set[int]:
    """The lines of ``file`` a source names."""
    found = re.search(rf"{re.escape(file)} rows? ([0-9,-]+)", source)
    assert found is not None, source
    lines: set[int] = set()
    for run in found[1].split(","):
        first, _, last = run.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


# ------------------------------------------------------------ the SQL source

VISITS = """\
date,cm_id,visits
2026-01-06,cm01,3
2026-01-06,cm02,1
2026-01-06,cm01,2
2026-01-07,cm01,4
2026-01-07,cm02,
2026-01-07,cm02,
"""
"""cm01 visits on the 6th in rows 2 and 4 (a group of two rows spread over three), on the
7th in row 5; cm02's visits of the 7th are blank."""

VISITS_OKRS = """\
[[objectives]]
id = "V"
title = "客户拜访"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "客户拜访 ≥ 100 户"
metric = "visits"
target = 100
unit = "户"
"""


def run(root: Path, *args: str) -> str:
    done = CliRunner().invoke(cli, [*args, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return done.output


def sql_workspace(write_workspace: WriteWorkspace, settings: str) -> Path:
    root = write_workspace(
        {"visits.toml": VISITS_OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "data").mkdir()
    (root / "data" / "visits.csv").write_text(VISITS, encoding="utf-8")
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    return root


GROUPED = """\
[sources.sql]
tables = { visits = "data/visits.csv" }

[[sources.sql.metrics]]
name = "visits"
kind = "flow"
unit = "户"
query = "SELECT cm_id AS subject, date AS day, sum(visits) AS value FROM visits GROUP BY 1, 2"
"""


def test_the_sql_sources_rows_are_cited_in_chinese(write_workspace: WriteWorkspace) -> None:
    root = sql_workspace(write_workspace, GROUPED)
    warned = run(root, "collect", "--through", "2026-01-18")
    # A group of blank rows, said where collect warns in Chinese.
    assert "（表 visits：visits.csv 第 6–7 行）" in warned
    english = run(root, "collect", "--through", "2026-01-18", "--lang", "en")
    assert "(table visits: visits.csv rows 6-7)" in english
    explain = ["explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18"]
    zh = run(root, *explain).splitlines()
    en = run(root, *explain, "--lang", "en").splitlines()
    assert zh[-1].endswith("  SQL 指标 visits：visits.csv 第 2–4 行中的 2 行、第 5 行")
    assert en[-1].endswith("  SQL metric visits: visits.csv rows 2-4 (2 rows), 5")


def test_an_sqlite_tables_rowids_are_cited_in_chinese(write_workspace: WriteWorkspace) -> None:
    import sqlite3

    root = sql_workspace(write_workspace, GROUPED.replace(
        'tables = { visits = "data/visits.csv" }', 'database = "data/crm.sqlite"'
    ))  # fmt: skip
    with sqlite3.connect(root / "data" / "crm.sqlite") as connection:
        connection.execute("CREATE TABLE visits (date TEXT, cm_id TEXT, visits INTEGER)")
        connection.executemany(
            "INSERT INTO visits VALUES (?, ?, ?)",
            [("2026-01-06", "cm01", 3), ("2026-01-06", "cm02", 1), ("2026-01-07", "cm01", 4)],
        )
    connection.close()
    run(root, "collect", "--through", "2026-01-18")
    explain = ["explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18"]
    zh = run(root, *explain).splitlines()
    en = run(root, *explain, "--lang", "en").splitlines()
    assert zh[-1].endswith("  SQL 指标 visits：crm.sqlite 表 visits 的 rowid 1、3")
    assert en[-1].endswith("  SQL metric visits: crm.sqlite table visits rowids 1, 3")


CHANNELS = """\
date,cm_id,channel,visits
2026-01-06,cm01,phone,3
2026-01-07,cm01,outlet,2
2026-01-08,cm01,phone,4
"""
"""cm01's visits of week 2: by phone in rows 2 and 4, at the outlet in row 3."""

SLICED = """\
[sources.sql]
tables = { visits = "data/visits.csv" }

[[sources.sql.metrics]]
name = "visits"
kind = "flow"
unit = "户"
dimensions = ["channel"]
query = "SELECT cm_id AS subject, date AS day, channel, visits AS value FROM visits"
"""
LABELLED = f"""{SLICED}
[sources.sql.metrics.dimension_labels.channel]
zh = "渠道"
en = "contact channel"

[sources.sql.metrics.dimension_labels.channel.values_zh]
phone = "电话"
"""
"""The outlet has no Chinese word: a breakdown writes it as stored, and so does explain."""


@pytest.mark.parametrize(
    ("settings", "zh", "en"),
    [
        (LABELLED, ["[渠道：outlet]", "[渠道：电话]"],
         ["[contact channel: outlet]", "[contact channel: phone]"]),
        (SLICED, ["[channel=outlet]", "[channel=phone]"],
         ["[channel=outlet]", "[channel=phone]"]),
    ],
    ids=["labels", "no-labels"],
)  # fmt: skip
def test_a_sql_metrics_slices_are_named_as_its_breakdown_names_them(
    write_workspace: WriteWorkspace, settings: str, zh: list[str], en: list[str]
) -> None:
    """Each slice in the words the report's breakdown uses, in the reader's language; its
    stored key only where the metric declares no words for the dimension."""
    root = sql_workspace(write_workspace, settings)
    (root / "data" / "visits.csv").write_text(CHANNELS, encoding="utf-8")
    (root / "targets" / "visits.toml").write_text(
        VISITS_OKRS + 'breakdown = "channel"\n', encoding="utf-8"
    )
    run(root, "collect", "--through", "2026-01-18")
    explain = ["explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18"]
    assert table_sources(run(root, *explain).splitlines()) == [
        "2 个切片之和",
        f"{zh[0]} SQL 指标 visits：visits.csv 第 3 行",
        f"{zh[1]} SQL 指标 visits：visits.csv 第 2、4 行",
    ]
    assert table_sources(run(root, *explain, "--lang", "en").splitlines()) == [
        "sum of 2 slices",
        f"{en[0]} SQL metric visits: visits.csv row 3",
        f"{en[1]} SQL metric visits: visits.csv rows 2, 4",
    ]
    # The words are the report's breakdown's own, for the whole and each row.
    for lang, colon, slices in (("zh", "：", zh), ("en", ": ", en)):
        done = run(root, "report", "--as-of", "2026-01-18", "--format", "json", "--lang", lang)
        (found,) = [kr["breakdown"] for o in json.loads(done)["objectives"]
                    for kr in o["key_results"]]  # fmt: skip
        words = sorted(f"[{found['label']}{colon}{row['label']}]" for row in found["rows"])
        if settings is LABELLED:
            assert words == slices
        else:  # the report writes the dimension by its name; explain, by its stored key
            assert words == [f"[channel{colon}outlet]", f"[channel{colon}phone]"]


# ------------------------------------------------------------ a plugin's own words

CITING_PLUGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

CITED = {
    ("cm01", 0): "visits.csv rows 2-4, 9",
    ("cm02", 0): "CRM export of 5 January",
    ("cm01", 1): "visits.csv rows 12-30 (7 rows); calls.csv row 5",
    ("cm02", 1): "visits.csv rows 31-33; checked by hand",
    ("cm02", 2): "",
}


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("visits", "Client visits", "客户拜访", MetricKind.FLOW, UNITS["户"],
                        dimensions=("channel",)))


@hookimpl
def okrdesk_collect(request, emit):
    for index, period in enumerate(request.periods[:3]):
        for person in ("cm01", "cm02"):
            if (person, index) in CITED:
                emit("visits", person, period.id, value=1, source=CITED[person, index])
    # Slices alone: okrdesk adds up the whole, and cites them.
    for channel, rows in (("phone", "visits.csv rows 40"), ("branch", "visits.csv rows 41-42")):
        emit("visits", "cm01", request.periods[2].id, value=1, source=rows,
             dimensions={"channel": channel})
"""


@pytest.fixture
def citing(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace(
        {"visits.toml": VISITS_OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "plugins").mkdir()
    (root / "plugins" / "citing.py").write_text(CITING_PLUGIN, encoding="utf-8")
    from sample_workspace import trusted

    trusted(root)
    run(root, "collect", "--through", "2026-01-18")
    return root


def observations(root: Path, person: str, lang: str) -> list[str]:
    lines = run(root, "explain", "V.KR1", "--person", person, "--as-of", "2026-01-18",
                "--lang", lang).splitlines()  # fmt: skip
    return table_sources(lines)


def test_a_plugins_own_words_are_shown_as_it_wrote_them(citing: Path) -> None:
    assert observations(citing, "cm01", "zh") == [
        "visits.csv 第 2–4、9 行",
        "visits.csv 第 12–30 行中的 7 行；calls.csv 第 5 行",
        "2 个切片之和",
        "[channel=branch] visits.csv 第 41–42 行",
        "[channel=phone] visits.csv 第 40 行",
    ]
    assert observations(citing, "cm01", "en") == [
        "visits.csv rows 2-4, 9",
        "visits.csv rows 12-30 (7 rows); calls.csv row 5",
        "sum of 2 slices",
        "[channel=branch] visits.csv rows 41-42",
        "[channel=phone] visits.csv rows 40",
    ]
    # Prose, and a citation with a note after it, are not in the form: as written.
    expected = ["CRM export of 5 January", "visits.csv rows 31-33; checked by hand", ""]
    assert observations(citing, "cm02", "zh") == expected
    assert observations(citing, "cm02", "en") == expected


def test_a_source_cannot_forge_a_line_of_explain(write_workspace: WriteWorkspace) -> None:
    """A source holding a line break (a cell of the plugin's export, quoted in it) went
    out as it was, and its second line read as a row of explain's table of its own."""
    forged = "visits.csv row 7\\n  2026-W04  王芳  99户  1  forged\\u202eevil"
    root = write_workspace(
        {"visits.toml": VISITS_OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "plugins").mkdir()
    plugin = CITING_PLUGIN.replace('("cm02", 2): ""', f'("cm02", 2): "{forged}"')
    (root / "plugins" / "citing.py").write_text(plugin, encoding="utf-8")
    from sample_workspace import trusted

    trusted(root)
    run(root, "collect", "--through", "2026-01-18")
    for lang in ("zh", "en"):
        lines = run(root, "explain", "V.KR1", "--person", "cm02", "--as-of", "2026-01-18",
                    "--lang", lang).splitlines()  # fmt: skip
        assert not any("forged" in line and "visits.csv" not in line for line in lines), lines
        assert table_sources(lines)[-1] == (
            "visits.csv row 7\\n  2026-W04  王芳  99户  1  forged\\u202eevil"
        ), lines


def test_a_source_too_long_to_keep_is_cut_after_a_whole_row(
    write_workspace: WriteWorkspace,
) -> None:
    """A citation of a thousand scattered rows was cut at its 2,000th character,
    part-way through a number: explain cited row 141, which no figure came from."""
    rows = list(range(2, 3000, 3))
    cited = "trades.csv rows " + ",".join(map(str, rows))
    root = write_workspace(
        {"visits.toml": VISITS_OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "plugins").mkdir()
    plugin = CITING_PLUGIN.replace('("cm02", 2): ""', f'("cm02", 2): "{cited}"')
    (root / "plugins" / "citing.py").write_text(plugin, encoding="utf-8")
    from sample_workspace import trusted

    trusted(root)
    run(root, "collect", "--through", "2026-01-18")
    import sqlite3

    with sqlite3.connect(root / "okrdesk.db") as connection:
        (kept,) = connection.execute(
            "SELECT source FROM observations WHERE source LIKE 'trades.csv%'"
        ).fetchone()
    assert kept.startswith("trades.csv rows 2,5,8,") and kept.endswith(" …"), kept[-40:]
    numbers = kept.removeprefix("trades.csv rows ").removesuffix(" …").split(",")
    assert numbers == [str(row) for row in rows[: len(numbers)]], numbers[-3:]
    assert len(kept) <= 2000


def test_an_english_workspace_cites_as_written(citing: Path) -> None:
    """The reader's language is the workspace's where --lang is not given."""
    (citing / "okrdesk.toml").write_text('[workspace]\nlang = "en"\n', encoding="utf-8")
    lines = run(citing, "explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18")
    assert table_sources(lines.splitlines())[0] == "visits.csv rows 2-4, 9"
    chinese = run(citing, "explain", "V.KR1", "--person", "cm01", "--as-of", "2026-01-18",
                  "--lang", "zh")  # fmt: skip
    assert table_sources(chinese.splitlines())[0] == "visits.csv 第 2–4、9 行"


# ------------------------------------------------------------ the documented form


def test_the_guides_examples_read_as_it_says() -> None:
    """docs/plugins.md shows each citation beside what a Chinese explain shows."""
    guide = (DOCS / "plugins.md").read_text(encoding="utf-8")
    (table,) = [t for t in md_tables(guide) if t.heading == "Citing the rows behind a figure"]
    assert len(table.rows) >= 6
    for written, shown in table.rows:
        source, chinese = written.strip("`"), shown.split("` (", 1)[0].strip("`")
        assert source_text(source, "zh") == chinese, written
        assert source_text(source, "en") == source


def test_text_that_only_looks_like_a_citation_is_left_alone() -> None:
    for text in ["rows 3", "a.csv rows 3-", "a.csv rows", "a.csv rows 3;b.csv rows 4",
                 "a.csv rows 3 to 9", "a.csv rows 1,,2", "a.csv: 3 rows between 2 and 9",
                 "SQL metric x: a note", "a.csv rows 2\nb.csv rows 3"]:  # fmt: skip
        assert source_text(text, "zh") == text, text
    # A file whose name holds " rows " is still one file.
    assert source_text("daily rows.csv rows 3", "zh") == "daily rows.csv 第 3 行"


def test_a_sql_query_that_reads_no_file_says_so_in_chinese() -> None:
    """``SELECT 1``-like queries read no file: the SQL source writes "on no file"."""
    assert source_text("SQL metric x on no file", "zh") == "SQL 指标 x，未读任何文件"
    assert source_text("SQL metric x on no table", "zh") == "SQL 指标 x，未读任何表"
    assert source_text("SQL metric x on a.csv, b.csv", "zh") == "SQL 指标 x，读自 a.csv, b.csv"
    assert source_text("SQL metric x on no file", "en") == "SQL metric x on no file"


# ------------------------------------------------- a plugin that no longer loads

LEADS = """\
import os

from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl

if os.environ.get("LEADS_LICENCE") == "expired":
    raise RuntimeError("no licence server")


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", "户"))


@hookimpl
def okrdesk_collect(request, emit):
    for n, period in enumerate(request.periods):
        emit("salon_leads", "cm01", period.id, value=n + 4, source=f"leads.csv row {n + 2}")
"""


def test_explain_shows_what_is_stored_of_a_metric_whose_plugin_did_not_load(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """explain refused such a key result outright, as if the user had mistyped it (exit 2),
    though its figures were stored with their rows: now it shows them, says why the plugin
    is not loaded, in the words of `okrdesk plugins`, and fails (exit 1), since the
    figure itself cannot be added up without the plugin."""
    from installed_package import installed_package
    from installed_package import okrdesk as run
    from test_emit_mistakes import SALON_KR

    root = write_workspace({"salons.toml": SALON_KR})
    with installed_package(tmp_path, "leads", LEADS) as env:
        collected = run(env, "collect", "--through", "2026-01-11", "-w", str(root))
        assert collected.returncode == 0, collected.stdout + collected.stderr
        broken = {**env, "LEADS_LICENCE": "expired"}
        explained = {lang: run(broken, "explain", "O9.KR1", "--as-of", "2026-01-11", "--lang",
                               lang, "-w", str(root)) for lang in ("en", "zh")}  # fmt: skip
        listed = run(broken, "plugins", "leads", "--lang", "en", "-w", str(root))
    (error,) = [line.strip() for line in listed.stdout.splitlines() if "error:" in line]
    why = error.removeprefix("error: ")
    assert why.startswith("failed to import: RuntimeError: no licence server (at okrdesk_leads")
    en = explained["en"]
    assert en.returncode == 1, en.stdout + en.stderr
    assert "Traceback" not in en.stderr
    assert en.stderr.startswith("O9.KR1 cannot be measured: no loaded plugin provides metric "
                                "salon_leads; plugins that did not load or declare all their "
                                "metrics: leads (failed to import")  # fmt: skip
    lines = en.stdout.splitlines()  # what is stored is the command's output, to read or pipe
    assert f"plugin leads, which stored it, is not loaded: {why}" in lines
    assert ("Stored of it: 2 observations, from run 1, as collected; not added up, since how "
            "salon_leads adds up is its plugin's to say:") in lines  # fmt: skip
    assert table_sources(lines) == ["leads.csv row 2", "leads.csv row 3"]
    assert [line.split()[:3] for line in lines if re.match(r"  \d{4}-", line)] == [
        ["2026-W01", "王芳", "4"], ["2026-W02", "王芳", "5"]
    ]  # fmt: skip
    zh = explained["zh"]
    assert zh.returncode == 1
    assert table_sources(zh.stdout.splitlines()) == ["leads.csv 第 2 行", "leads.csv 第 3 行"]
    assert "存入它的插件 leads 未加载：导入失败：RuntimeError: no licence server" in zh.stdout


def test_a_plugin_uninstalled_after_it_collected_leaves_the_report_running(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Its metric looked misspelt once the plugin was gone, and every command but validate
    refused the whole plan (exit 2): the report of every other key result was lost. The
    store says the metric is no misspelling: the plugin that stored its figures is not
    installed now; report, explain and collect run and say so; validate still refuses the
    plan."""
    from installed_package import installed_package
    from installed_package import okrdesk as run
    from test_emit_mistakes import SALON_KR

    root = write_workspace({"salons.toml": SALON_KR})
    with installed_package(tmp_path, "leads", LEADS) as env:
        collected = run(env, "collect", "--through", "2026-01-11", "-w", str(root))
        assert collected.returncode == 0, collected.stdout + collected.stderr
    day = ("--as-of", "2026-01-11", "-w", str(root))  # the package is uninstalled now
    reported = run(env, "report", "--lang", "en", *day)
    assert reported.returncode == 0, reported.stdout + reported.stderr
    assert "O1.KR1" in reported.stdout  # the rest of the plan
    assert "WARNING metric salon_leads: no loaded plugin provides it" in reported.stdout
    explained = run(env, "explain", "O9.KR1", "--lang", "en", *day)
    assert explained.returncode == 1, explained.stdout + explained.stderr
    assert ("plugin leads, which stored it, is not loaded: no plugin named leads is installed "
            "(or OKRDESK_LOAD_PLUGINS leaves it out)") in explained.stdout  # fmt: skip
    assert table_sources(explained.stdout.splitlines()) == ["leads.csv row 2", "leads.csv row 3"]
    checked = run(env, "validate", "--lang", "en", "-w", str(root))
    assert checked.returncode == 2
    # The weekly collect goes on for the other metrics, and keeps the absent plugin's.
    again = run(env, "collect", "--through", "2026-01-18", "--lang", "en", "-w", str(root))
    assert again.returncode == 1
    assert again.stdout.startswith("Run 2 failed (1 error below): 12 observations of 2 metrics")
    assert "error: metric salon_leads: not provided by any loaded plugin" in again.stderr
    assert 'no loaded plugin provides metric "salon_leads"' in checked.stdout


def test_a_misspelt_metric_with_nothing_stored_still_refuses_the_plan(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Only a metric whose figures are stored is taken for an absent plugin's."""
    from installed_package import okrdesk as run
    from test_emit_mistakes import SALON_KR

    root = write_workspace({"salons.toml": SALON_KR})
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    collected = run(env, "collect", "--through", "2026-01-11", "-w", str(root))
    assert collected.returncode == 2
    reported = run(env, "report", "--as-of", "2026-01-11", "-w", str(root))
    assert reported.returncode == 2
    assert "salon_leads" in reported.stderr


def test_a_metric_renamed_in_a_loaded_plugin_still_refuses_the_plan(
    write_workspace: WriteWorkspace,
) -> None:
    """A key result left on a metric's old name, after the SQL source's metric was
    renamed, names a metric no plugin provides while the plugin that stored it (sql) is
    loaded: a mistake in the targets, as before, not an uninstalled plugin's metric (the
    report ran, calling sql 'not installed now', and the key result went unmeasured)."""
    root = sql_workspace(write_workspace, GROUPED)
    run(root, "collect", "--through", "2026-01-18")
    renamed = GROUPED.replace('name = "visits"', 'name = "calls"')
    (root / "okrdesk.toml").write_text(renamed, encoding="utf-8")
    done = CliRunner().invoke(cli, ["report", "--as-of", "2026-01-18", "--lang", "en",
                                    "-w", str(root)])  # fmt: skip
    assert done.exit_code == 2, done.output
    assert 'no loaded plugin provides metric "visits"' in done.output
    assert "not installed now" not in done.output


def test_explain_names_a_metric_whose_sql_definition_is_broken_once_at_its_line(
    write_workspace: WriteWorkspace,
) -> None:
    """It said "no loaded plugin provides metric salon_attendees; plugins that did not load
    or declare all their metrics: sql (okrdesk_metrics failed: BrokenDefinitions:
    sources.sql.metrics[0].query (salon_attendees): …)": the metric twice, no line, and
    every other broken definition beside its own."""
    from test_sql_metrics import ATTENDEES_DEFINITION, SALONS_OKRS, sql_only_workspace

    broken = ATTENDEES_DEFINITION.replace("date AS day", "date(date, '+1 day') AS day")
    other = ATTENDEES_DEFINITION.replace("salon_attendees", "salon_leads").replace(
        'unit = "人"', 'unit = "人头"'
    )
    settings = '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings + broken + "\n" + other)
    CliRunner().invoke(cli, ["collect", "--through", "2026-01-18", "-w", str(root)])
    told = {}
    for lang in ("en", "zh"):
        done = CliRunner().invoke(
            cli, ["explain", "O9.KR1", "--as-of", "2026-01-18", "--lang", lang, "-w", str(root)]
        )
        assert done.exit_code == 1, done.output
        assert "Traceback" not in done.output
        told[lang] = " ".join(done.output.split())
    assert (
        "O9.KR1 cannot be measured: plugin sql could not declare metric salon_attendees: "
        "okrdesk.toml:8: sources.sql.metrics[0].query: written for SQLite; DuckDB, which reads "
        "the tables, cannot run it: date(x, 'modifier') is SQLite's:"
    ) in told["en"], told["en"]
    assert (
        "O9.KR1 无法测量：插件 sql 未能声明指标 salon_attendees：okrdesk.toml:8: "
        "sources.sql.metrics[0].query: 这是按 SQLite 写的；"
    ) in told["zh"], told["zh"]
    for said in told.values():
        assert said.count("salon_attendees") == 2, said  # the stored none, the cause once
        assert "salon_leads" not in said and "BrokenDefinitions" not in said
