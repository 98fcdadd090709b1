"""The README's "What the demo shows" tells the demo's story as of 20 November in
figures: each must be the figure the demo's report (its Markdown snapshot, which
tests/test_report.py holds to the real report) shows. When the demo changes and the
snapshot is regenerated, this fails until the story is told again."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_report import okrdesk

ROOT = Path(__file__).parents[1]
SNAPSHOT = (ROOT / "tests" / "snapshots" / "demo.md").read_text(encoding="utf-8")
README = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())

# (what the README says, the row and cells of the report it comes from)
STORY = [
    ("at about 43亿 with 39.95亿 due", "C1.KR1", "| 43.04亿 | 45亿 | 95.6% | 39.95亿 |"),
    (
        "Client NPS at 59.76 is just short of the company's 60, where 59.78 is due",
        "C1.KR3",
        "| 59.76分 | 60分 | 88.1% | 59.78分 |",
    ),
    ("Read on 20 November they show 20.7% and 17.0%", "P.FUNNEL", "| 20.7% | 16% |"),
    ("Read on 20 November they show 20.7% and 17.0%", "P.EMPTY", "| 17.0% | 20% |"),
    ("asset attrition at 5.34% stays inside its 8% limit", "O2.KR1", "| 5.34% | 8% |"),
    ("The same NPS of 59.76 is short of the branch's own 62", "O2.NPS", "| 59.76分 | 62分 |"),
    ("269 against 316 due", "O1.KR1", "| 269户 | 360户 | 74.7% | 316户 |"),
    ("spent 113% of its 380万", "events", "已用预算 112.6%"),
]


@pytest.mark.parametrize(("told", "row", "shown"), STORY, ids=[s[1] for s in STORY])
def test_the_readme_tells_the_figures_the_demo_report_shows(
    told: str, row: str, shown: str
) -> None:
    assert told in README, f"the README no longer says {told!r}"
    lines = [line for line in SNAPSHOT.splitlines() if row in line and shown in line]
    assert lines, f"the demo's report no longer shows {shown!r} for {row}: tell the story again"


def test_the_readme_tells_the_monthly_scores_the_demo_report_shows() -> None:
    told = ("In October, the last complete month, three of the fourteen are at the 120% cap, "
            "each in a month of more new market value or commission than usual, and the "
            "others score between 58.3% and 115.4%; over the year, 16 of the 140 monthly scores "
            "are at the cap")  # fmt: skip
    assert told in README, "the README no longer tells the monthly scores"
    table = SNAPSHOT[SNAPSHOT.index("### 月度考核") :].split("\n\n")[1].splitlines()
    heading = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[2:]]
    months = [i for i, name in enumerate(heading) if name.endswith("月")]
    october = [row[heading.index("10月")] for row in rows]
    capped = [cell for cell in october if cell.endswith("↓")]
    others = sorted(float(cell.rstrip("%↑ ")) for cell in october if not cell.endswith("↓"))
    assert (len(capped), len(october)) == (3, 14)
    assert (others[0], others[-1]) == (58.3, 115.4)
    year = [row[i] for row in rows for i in months]
    assert (sum(cell.endswith("↓") for cell in year), len(year)) == (16, 140)
    desk = ("The institutional desk's four (role `icm`) are held to a fee standard of their "
            "own, 20万")  # fmt: skip
    assert desk in README, "the README no longer tells the institutional desk's policy"
    institutional = [row for row in rows if row[1] == "icm-monthly"]
    assert [row[0] for row in institutional] == [
        "何佳 (hejia)", "胡斌 (hubin)", "郭雪 (guoxue)", "林涛 (lintao)",
    ]  # fmt: skip


def test_the_readme_tells_the_q2_checkpoints_as_a_collect_on_1_july_read_them(
    tmp_path: Path,
) -> None:
    """The cohorts behind the Q2 checkpoints go on converting after June, so the README
    gives both: the figures a collect on 1 July read, and those of 20 November."""
    told = ("open → first purchase at 15.3% against 16%, empty accounts at 21.5% against "
            "at most 20%, as a collect on 1 July reads them")  # fmt: skip
    assert told in README, "the README no longer tells the Q2 checkpoints as of 1 July"
    root = tmp_path / "july"
    assert okrdesk("demo", str(root), "--as-of", "2026-07-01").returncode == 0
    report = okrdesk("report", "-w", str(root), "--as-of", "2026-07-01", "--format", "md").stdout
    for row, shown in (("P.FUNNEL", "| 15.3% | 16% |"), ("P.EMPTY", "| 21.5% | 20% |")):
        assert any(row in line and shown in line for line in report.splitlines()), row


def _tour_says(after: str) -> list[str]:
    """The lines the README's tour shows under its command line starting ``after``, up
    to the next command line."""
    tour = (ROOT / "README.md").read_text(encoding="utf-8").split("## A short tour")[1]
    lines = tour.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(after))
    shown = []
    for line in lines[start + 1 :]:
        if line.startswith("$ ") or line.startswith("```"):
            return shown
        shown.append(line)
    return shown


def test_the_readme_tour_s_validate_is_what_a_new_workspace_says(tmp_path: Path) -> None:
    """The tour's first steps, on the plan ``okrdesk init --lang zh`` writes: validate as
    it comes, then after the two slips the tour makes, each at the line the README shows
    it (a newcomer looking for line 73 of their plan.toml finds another key there)."""
    from click.testing import CliRunner

    from okrdesk.cli import cli

    root = tmp_path / "my-branch"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", "zh"]).exit_code == 0
    fresh = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert fresh.output.splitlines() == _tour_says("$ okrdesk validate              # every")
    plan = root / "targets" / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    slipped = text.replace("  target = 40\n", '  target = "forty"\n', 1).replace(
        "Q3 = 0.70", "Q3 = 0.30", 1
    )
    assert slipped.count('"forty"') == 1 and "Q3 = 0.30" in slipped
    plan.write_text(slipped, encoding="utf-8")
    said = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert said.exit_code == 2
    assert said.output.splitlines() == _tour_says("$ okrdesk validate              # the same")


@pytest.mark.parametrize(
    ("lang", "data", "rows", "encoding"),
    [
        ("zh", "开户明细.csv", "开户日期,客户经理,客户号\n2026-01-06,lilei,1001\n"
         "2026-01-07,lilei,1002\n2026-01-08,hanmeimei,1003\n合计,,3\n", "gbk"),
        ("en", "accounts.csv", "opened,cm,client\n2026-01-06,li-lei,1001\n2026-01-07,li-lei,1002\n"
         "2026-01-08,han-mei,1003\nTotal,,3\n", "gbk"),
    ],
)  # fmt: skip
def test_the_sql_metric_okrdesk_init_suggests_collects_as_written(
    tmp_path: Path, lang: str, data: str, rows: str, encoding: str
) -> None:
    """A newcomer's first collect from their own export: the [sources.sql] example in the
    okrdesk.toml `okrdesk init` writes, taken out of its comments as it stands, with the
    key result given its metric, validates and collects the export's new accounts."""
    from click.testing import CliRunner

    from okrdesk.cli import cli

    root = tmp_path / "my-branch"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", lang]).exit_code == 0
    settings = root / "okrdesk.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# [sources.sql."))
    lines[start:] = ["" if line == "#" else line.removeprefix("# ") for line in lines[start:]]
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = root / "targets" / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    measured = '  id = "KR1"\n  metric = "crm_new_accounts"\n'
    plan.write_text(text.replace('  id = "KR1"\n', measured, 1), encoding="utf-8")
    (root / "data" / data).write_bytes(rows.encode(encoding))
    checked = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert checked.exit_code == 0, checked.output
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-01-11", "-w", str(root)])
    assert done.exit_code == 0, done.output
    shown = CliRunner().invoke(
        cli, ["explain", "O1.KR1", "--as-of", "2026-01-11", "--lang", "en", "-w", str(root)]
    )
    assert shown.output.splitlines()[2] == "= 3 accts", shown.output
