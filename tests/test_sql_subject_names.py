"""A CRM export names its customer managers, or writes their ids in its own capitals: a
SQL metric's subject that is a person's name in the plan, or an id but for its capitals,
is told by the plan's id, in English and Chinese, where it was only "not the id of a
person or unit in the plan"; a subject that is neither is still not quoted."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace
from test_sql_metrics import ATTENDEES_DEFINITION, SALONS_OKRS, sql_only_workspace


@pytest.mark.parametrize(
    ("written", "lang", "said"),
    [
        (
            " 王芳",
            "en",
            "row 2: column subject holds the name of cm01 (王芳) in the plan, not an id",
        ),
        ("王芳", "zh", "第 2 行：subject 列写的是计划里 cm01（王芳）的名字，不是 id"),
        ("福田营业部", "en", "column subject holds the name of branch (福田营业部) in the plan"),
        ("CM02", "en", "column subject is not an id in the plan, but for its capitals cm02 is"),
        ("Cm02", "zh", "subject 列不是计划里的 id，只是大小写与 cm02 不同"),
        ("SECRET", "en", "row 2: column subject is not the id of a person or unit in the plan"),
    ],
)
def test_a_name_or_an_id_in_other_capitals_is_told_by_the_plan_s_id(
    write_workspace: WriteWorkspace, written: str, lang: str, said: str
) -> None:
    settings = '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n' + ATTENDEES_DEFINITION
    root = sql_only_workspace(write_workspace, SALONS_OKRS, settings)
    salons = f"date,cm_id,attendees,leads\n2026-01-06,{written},30,4\n2026-01-08,cm01,20,1\n"
    (root / "data" / "salons.csv").write_text(salons, encoding="utf-8")
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-03-15", "--lang", lang, "-w", str(root)]
    )
    assert done.exit_code == 1, done.output
    assert said in done.output, done.output
    assert "SECRET" not in done.output
