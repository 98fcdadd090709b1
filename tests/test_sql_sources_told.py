"""What the SQL source says of its own settings, wherever it is asked: ``okrdesk plugins``
tells a table's options that cannot be read as ``validate`` does, a metric without
labels once by its name, ``collect`` counts a table's problems as it lists them, a
query reading a table there is not is told the workspace's tables (not DuckDB's own
catalog), and a delimiter of two characters is refused at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace
from test_sql_metrics import ATTENDEES_DEFINITION, SALONS_OKRS, sql_only_workspace

BROKEN_TABLE = """\
[sources.sql.tables.salons]
path = "data/salons.csv"
delimiter = ";;"
encoding = "gbkk"
skip = -1

"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-w", str(root)])


@pytest.fixture
def broken(write_workspace: WriteWorkspace) -> Path:
    return sql_only_workspace(write_workspace, SALONS_OKRS, BROKEN_TABLE + ATTENDEES_DEFINITION)


def test_plugins_lists_a_tables_options_that_cannot_be_read_at_their_lines(
    broken: Path,
) -> None:
    """`okrdesk plugins` listed the metric as sound and exited 0, where validate (and a
    collect) refused the table it reads."""
    told = {
        "en": [
            "    error: okrdesk.toml:3: sources.sql.tables.salons.delimiter: expected the one "
            'character between a row\'s cells (",", ";", "|", or "\\t" for a tab); \';;\' is 2 '
            "characters",
            "    error: okrdesk.toml:4: sources.sql.tables.salons.encoding: unknown encoding "
            "'gbkk'",
            "    error: okrdesk.toml:5: sources.sql.tables.salons.skip: expected a count of rows, "
            "0 or more",
        ],
        "zh": [
            "    错误：okrdesk.toml:3: sources.sql.tables.salons.delimiter: 应为分隔一行各格的"
            '那一个字符（",", ";", "|"，制表符写 "\\t"）；\';;\' 是 2 个字符',
            "    错误：okrdesk.toml:4: sources.sql.tables.salons.encoding: 未知的编码 'gbkk'",
            "    错误：okrdesk.toml:5: sources.sql.tables.salons.skip: 应为行数，0 或更多",
        ],
    }
    for lang, lines in told.items():
        done = run(broken, "plugins", "sql", "--lang", lang)
        assert done.exit_code == 1, done.output
        assert done.output.splitlines()[-3:] == lines
    listed = json.loads(run(broken, "plugins", "sql", "--json").output)["plugins"][0]
    assert [e.split(": ")[1] for e in listed["errors"]] == [
        "sources.sql.tables.salons.delimiter", "sources.sql.tables.salons.encoding",
        "sources.sql.tables.salons.skip",
    ]  # fmt: skip
    validated = run(broken, "validate", "--lang", "en")
    assert validated.exit_code == 2
    assert told["en"][0].removeprefix("    error: ") in validated.output


def test_a_metric_without_labels_is_listed_by_its_name_once(
    write_workspace: WriteWorkspace,
) -> None:
    root = sql_only_workspace(
        write_workspace,
        SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n' + ATTENDEES_DEFINITION,
    )
    done = run(root, "plugins", "sql", "--lang", "en")
    assert done.exit_code == 0, done.output
    (line,) = [line for line in done.output.splitlines() if "salon_attendees" in line]
    assert line.split() == ["salon_attendees", "flow", "people", "salon_attendees"]


def test_a_collect_counts_each_problem_of_a_table_it_lists(broken: Path) -> None:
    """Problems of the table, listed on one line, were told as "(1 problem; …)"."""
    for lang, count in (("en", "(3 problems; none of its figures stored)"),
                        ("zh", "（共 3 个问题，均未入库）")):  # fmt: skip
        done = run(broken, "collect", "--through", "2026-01-31", "--lang", lang)
        (told,) = [line for line in done.output.splitlines() if "salon_attendees" in line]
        assert told.endswith(count), told
        assert "delimiter" in told and "gbkk" in told


@pytest.mark.parametrize(
    ("table", "en", "zh"),
    [
        ("events", 'no table named "events" (the tables here are salons)',
         '没有名为 "events" 的表（这里的表有 salons）'),
        ("salon", 'no table named "salon" (did you mean "salons"?)',
         '没有名为 "salon" 的表（是不是 "salons"？）'),
    ],
)  # fmt: skip
def test_a_table_there_is_not_is_told_the_tables_there_are(
    write_workspace: WriteWorkspace, table: str, en: str, zh: str
) -> None:
    """DuckDB guessed from its own catalog (`Did you mean "pg_sequences"?`), which no
    query here can read; a guess that is one of the workspace's tables is kept."""
    query = ATTENDEES_DEFINITION.replace("FROM salons", f"FROM {table}")
    root = sql_only_workspace(
        write_workspace,
        SALONS_OKRS,
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n' + query,
    )
    for lang, words in (("en", en), ("zh", zh)):
        done = run(root, "validate", "--lang", lang)
        assert done.exit_code == 2
        assert words in done.output, done.output
        assert "pg_" not in done.output and "sqlite_" not in done.output
