"""A figure short of its target never reads as the target: an actual of 1.1966亿 beside
a target of 1.2亿 was written 1.2亿 beside 1.2亿 with the status "missed"; a share of
99.966% read 100.0%. Written finer where, and only where, the two would read alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.figures_apart import attainment_short, beside_target, read_as
from okrdesk.units import UNITS, percentage

pytestmark = pytest.mark.usefixtures("plans_over")  # checks in on 2026-12-30 and 31


@pytest.mark.parametrize(
    ("unit", "actual", "target", "lang", "written"),
    [
        ("元", 119_660_000, 120_000_000, "zh", ("11,966万", "1.2亿")),
        ("亿元", 119_660_000, 120_000_000, "zh", ("11,966万", "1.2亿")),
        ("亿元", 119_960_000, 120_000_000, "en", ("CNY 119,960k", "CNY 120m")),
        ("元", 119_999_999, 120_000_000, "zh", ("119,999,999元", "1.2亿")),
        # A target its column rounds is written at the same step, not left reading less.
        ("亿元", 123_450_000, 123_456_000, "zh", ("12,345万", "12,346万")),
        ("万元", -49_996, -50_000, "zh", ("-49,996元", "-5万")),
        ("%", 0.26996, 0.27, "zh", ("26.996%", "27%")),
        ("%", 0.08004, 0.08, "en", ("8.004%", "8%")),
        ("‰", 0.0015004, 0.0015, "zh", ("1.5004‰", "1.5‰")),
        ("户", 999.6, 1000, "zh", ("999.6户", "1,000户")),
        ("户", 999.6, 1000, "en", ("999.6 accts", "1,000 accts")),
        ("万户", 451_251, 451_252, "zh", ("451,251户", "451,252户")),
        # At a finer step a figure rounded keeps its places, as money does.
        ("亿元", 123_450_100, 123_450_900, "zh", ("12,345.0万", "12,345.1万")),
        ("亿元", 12_345_010, 12_345_090, "en", ("CNY 12,345.0k", "CNY 12,345.1k")),
        ("户", 1000.04, 1000.1, "zh", ("1,000.0户", "1,000.1户")),
        ("户", 1000.04, 1000.1, "en", ("1,000.0 accts", "1,000.1 accts")),
        ("分", 59.996, 60, "zh", ("59.996分", "60分")),
        ("倍", 3.4996, 3.5, "en", ("3.4996x", "3.5x")),
        # Apart as written already, or not apart at any step: as the rule writes them,
        # the rounded one with its places (1.20亿 of 119,999,999.7元 beside a set 1.2亿).
        ("亿元", 100_000_000, 120_000_000, "zh", ("1亿", "1.2亿")),
        ("元", 119_999_999.7, 120_000_000, "zh", ("1.20亿", "1.2亿")),
    ],
)
def test_a_figure_short_of_its_target_is_written_finer_until_they_differ(
    unit: str, actual: float, target: float, lang: str, written: tuple[str, str]
) -> None:
    whole = unit in ("户", "万户")
    assert beside_target(UNITS[unit], actual, target, lang, whole=whole) == written


@pytest.mark.parametrize(
    ("share", "written"),
    [(0.99966, "99.97%"), (0.99996, "99.996%"), (0.9999996, "99.99996%"),
     (0.9995, "99.95%"), (0.999, "99.9%"), (1.0, "100.0%"), (1.2, "120.0%")],
)  # fmt: skip
def test_an_attainment_below_one_never_reads_100(share: float, written: str) -> None:
    assert attainment_short(share, percentage(share)) == written


@pytest.mark.parametrize(
    ("text", "number"),
    [("1.2亿", 120_000_000), ("12,000万", 120_000_000), ("-CNY 709.9k", -709_900),
     ("CNY 16.38m", 16_380_000), ("27.0%", 27), ("1,638万户", 16_380_000), ("3.5x", 3.5),
     ("-0.5百分点", -0.5), ("—", None)],
)  # fmt: skip
def test_a_written_figure_is_read_as_a_reader_reads_it(text: str, number: float | None) -> None:
    read = read_as(text)
    assert read == (None if number is None else pytest.approx(number))


REVENUE = """
[[objectives]]
id = "O2"
title = "收入"
owner = "branch"

  [[objectives.key_results]]
  id = "REV"
  title = "营业收入"
  target = 1.2
  unit = "亿元"

  [[objectives.key_results]]
  id = "RATE"
  title = "客户流失率"
  direction = "at_most"
  target = 8
  unit = "%"
"""


def checked_in(tmp_path: Path, figures: dict[str, str]) -> Path:
    """A workspace from `okrdesk init` with REVENUE's two key results, each checked in on
    2026-12-30 at its figure in ``figures``."""
    root = tmp_path / "branch"
    assert CliRunner().invoke(cli, ["init", str(root), "--lang", "zh"]).exit_code == 0
    plan = root / "targets" / "plan.toml"
    plan.write_text(plan.read_text(encoding="utf-8") + REVENUE, encoding="utf-8")
    for kr, figure in figures.items():
        done = CliRunner().invoke(cli, ["checkin", kr, figure, "--by", "张伟",
                                        "--date", "2026-12-30", "-w", str(root)])  # fmt: skip
        assert done.exit_code == 0, done.output
    return root


def test_the_report_tells_a_missed_target_from_the_actual_short_of_it(tmp_path: Path) -> None:
    root = checked_in(tmp_path, {"O2.REV": "1.1966", "O2.RATE": "8.004"})
    for lang, revenue, rate in (
        ("zh", ("11,966万", "1.2亿", "99.7%"), ("8.004%", "8%", "99.95%")),
        ("en", ("¥119.7m", "¥120m", "99.7%"), ("8.004%", "8%", "99.95%")),
    ):
        done = CliRunner().invoke(cli, ["report", "--as-of", "2026-12-31", "--lang", lang,
                                        "-w", str(root)], env={"COLUMNS": "120"})  # fmt: skip
        assert done.exit_code == 0, done.output
        table = [line for line in done.output.splitlines() if line.startswith("│ O2.")]
        rows = {line.split()[1]: line for line in table}
        for kr, figures in (("O2.REV", revenue), ("O2.RATE", rate)):
            cells = [cell.strip() for cell in rows[kr].split("│")]
            assert tuple(cells[2:5]) == figures, rows[kr]  # actual, target, attainment
        explained = CliRunner().invoke(cli, ["explain", "O2.REV", "--as-of", "2026-12-31",
                                             "--lang", lang, "-w", str(root)])  # fmt: skip
        assert explained.exit_code == 0, explained.output
        explains = revenue[0].replace("¥", "CNY ")  # the table's short ¥, explain's CNY
        figure_line = f"= {explains}"
        assert figure_line in explained.output.splitlines(), explained.output
        # The figure, and the check-in making it (then the due, worked out, may be written so).
        before_due = explained.output.split("\ndue ")[0].split("\n应完成 ")[0]
        assert before_due.count(explains) == 2
        # The first screen's alert writes the figure past its limit as the table does.
        breached = "8.004%，超过上限 8%" if lang == "zh" else "8.004%, above its limit of 8%"
        assert any(breached in line for line in done.output.splitlines()[:8]), done.output


def test_the_workbook_shows_a_missed_target_apart_from_the_actual(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    root = checked_in(tmp_path, {"O2.REV": "1.1966", "O2.RATE": "8.004"})
    book = tmp_path / "report.xlsx"
    done = CliRunner().invoke(cli, ["report", "--as-of", "2026-12-31", "-o", str(book),
                                    "-w", str(root)])  # fmt: skip
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(book)["关键结果"]
    rows = {row[1].value: row for row in sheet.iter_rows() if row[1].value in ("O2.REV", "O2.RATE")}
    # Held exactly; shown 1.197 beside 1.2 (亿) and 8.004% beside 8.0%, not alike.
    revenue, rate = ([(c.value, c.number_format) for c in rows[kr][4:6]] for kr in rows)
    assert revenue == [(1.1966, "#,##0.000"), (1.2, "#,##0.0")]
    assert rate == [(0.08004, "0.000%"), (0.08, "0.0%")]


@pytest.mark.parametrize(
    ("actual", "target", "formats"),
    [
        ((123_450_000, '"CNY "#,##0,,"m"'), (123_456_000, '"CNY "#,##0,,"m"'),
         ('"CNY "#,##0.00,,"m"', '"CNY "#,##0.00,,"m"')),
        ((1.1966, "#,##0.0"), (1.2, "#,##0.0"), ("#,##0.000", "#,##0.0")),
        ((0.9, "#,##0.0"), (1.2, "#,##0.0"), ("#,##0.0", "#,##0.0")),
        ((59.996, '#,##0"分"'), (60, '#,##0"分"'), ('#,##0.000"分"', '#,##0"分"')),
    ],
)  # fmt: skip
def test_two_cells_that_would_show_alike_get_the_decimals_that_part_them(
    actual: tuple[float, str], target: tuple[float, str], formats: tuple[str, str]
) -> None:
    from okrdesk.report.formats.xlsx import apart_formats

    assert apart_formats(actual, target) == formats


def test_explain_tells_a_member_short_of_its_share_from_the_share(
    copy_of_the_demo: Callable[[str], Path],
) -> None:
    """A team whose share is set a few thousand yuan above its figure: explain's ranking
    of members wrote 14.49亿 beside 14.49亿 and 100.0%, where the team is short."""
    from test_report import AS_OF, okrdesk

    root = copy_of_the_demo("apart")
    done = okrdesk("report", "--unit", "wm1", "-w", str(root), "--as-of", AS_OF,
                   "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    (actual,) = [kr["actual"] for o in json.loads(done.stdout)["objectives"]
                 for kr in o["key_results"] if kr["id"] == "C1.KR1"]  # fmt: skip
    share = (Decimal(str(actual)) + 3000) / 10**8  # in 亿元, the key result's unit
    branch = root / "targets" / "branch.toml"
    text = branch.read_text(encoding="utf-8")
    assert text.count("  wm1 = 16\n") == 1
    branch.write_text(text.replace("  wm1 = 16\n", f"  wm1 = {share}\n"), encoding="utf-8")
    explained = okrdesk("explain", "C1.KR1", "-w", str(root), "--as-of", AS_OF)
    assert explained.returncode == 0, explained.stderr
    (row,) = [line for line in explained.stdout.splitlines() if "财富管理一部" in line]
    _, _, figure, target, attained, _ = row.split()
    assert figure != target and attained != "100.0%", row
    assert figure.endswith("万") and target.endswith("万"), row  # both written to the 万


def test_explain_writes_an_attainment_short_of_100_as_the_report_does(tmp_path: Path) -> None:
    """1.19995亿 of 1.2亿: the report's column says 99.996%, and so does explain's table
    of the objective's key results, where it had said 100.0% (counted as 100.00%) of a
    target not met."""
    root = checked_in(tmp_path, {"O2.REV": "1.19995"})
    for lang in ("zh", "en"):
        explained = CliRunner().invoke(cli, ["explain", "O2", "--as-of", "2026-12-31",
                                             "--lang", lang, "-w", str(root)])  # fmt: skip
        assert explained.exit_code == 0, explained.output
        (row,) = [line for line in explained.output.splitlines() if line.startswith("  O2.REV ")]
        assert row.split()[2:4] == ["99.996%", "99.996%"], row  # attained, counted


@pytest.mark.parametrize(
    ("unit", "gap", "lang", "written"),
    [
        ("亿元", 0.33, "zh", "0.33元"), ("亿元", 0.33, "en", "CNY 0.33"),
        ("万元", 0.04, "zh", "0.04元"), ("元", 0.004, "zh", "不到 0.01元"),
        ("元", 0.004, "en", "under CNY 0.01"), ("户", 0.001, "zh", "0.001户"),
        ("分", 0.0004, "en", "0.0004 pts"), ("%", 1e-10, "zh", "不到 0.000001百分点"),
        # A gap the rule writes with a digit already is written as the rule writes it.
        ("亿元", 15_100_000, "zh", "1,510万"), ("%", 0.00004, "en", "0.004 pp"),
    ],
)  # fmt: skip
def test_a_gap_never_reads_0(unit: str, gap: float, lang: str, written: str) -> None:
    from okrdesk.figures_apart import gap_written

    assert gap_written(UNITS[unit], gap, lang, points=unit == "%") == written


def test_a_checkpoint_missed_by_under_half_a_yuan_is_not_told_missed_by_0(tmp_path: Path) -> None:
    """1.1999999967亿 of 1.2亿 on the plan's last day: check said 差 0元 (missed by CNY 0),
    which reads as met beside the word missed; the shortfall is written to the fen."""
    root = checked_in(tmp_path, {"O2.REV": "1.1999999967"})
    for lang, said in (("zh", "O2.REV 营业收入：2026-12-31 截止未达成，差 0.33元"),
                       ("en", "O2.REV 营业收入: missed 2026-12-31 by CNY 0.33")):  # fmt: skip
        checked = CliRunner().invoke(cli, ["check", "--as-of", "2026-12-31", "--lang", lang,
                                           "-w", str(root)])  # fmt: skip
        assert checked.exit_code == 1, checked.output
        (line,) = [line for line in checked.output.splitlines() if "O2.REV" in line]
        assert line.endswith(said), line
        report = CliRunner().invoke(cli, ["report", "--as-of", "2026-12-31", "--lang", lang,
                                          "-w", str(root)], env={"COLUMNS": "200"})  # fmt: skip
        assert report.exit_code == 0, report.output
        # The text report writes the yuan as it writes every figure of its own (¥0.33).
        assert said.replace("CNY ", "¥") in report.output


def test_every_check_in_short_of_its_target_reads_apart_from_it(tmp_path: Path) -> None:
    """Check-ins of 1.19998亿 and then 1.19996亿 against 1.2亿: in English explain wrote
    the counted one CNY 119,996k but the one before it CNY 120m, by the plain rule, and
    history and the check-in's own confirmation wrote both CNY 120m, which a manager
    reads as met. Each is written apart from the target now, as the report's column."""
    # A rate past its limit of 8% is written apart too; one past a target to reach, as is.
    root = checked_in(tmp_path, {"O2.RATE": "8.004"})
    told = {}
    for day, figure in (("2026-12-20", "1.19998"), ("2026-12-30", "1.19996")):
        done = CliRunner().invoke(cli, ["checkin", "O2.REV", figure, "--by", "张伟", "--date",
                                        day, "--lang", "en", "-w", str(root)])  # fmt: skip
        assert done.exit_code == 0, done.output
        told[day] = done.output
    assert told["2026-12-20"].startswith("O2.REV 营业收入: CNY 119,998k for branch")
    for lang, earlier, counted in (("en", "CNY 119,998k", "CNY 119,996k"),
                                   ("zh", "11,999.8万", "11,999.6万")):  # fmt: skip
        explained = CliRunner().invoke(cli, ["explain", "O2.REV", "--as-of", "2026-12-31",
                                             "--lang", lang, "-w", str(root)])  # fmt: skip
        assert explained.exit_code == 0, explained.output
        rows = [line.split() for line in explained.output.splitlines()
                if line.startswith("  2026-12-")]  # fmt: skip
        written = [" ".join(row[2:4]) if lang == "en" else row[2] for row in rows]
        assert written == [earlier, counted], explained.output
        assert f"= {counted}" in explained.output.splitlines()
        history = CliRunner().invoke(cli, ["history", "O2.REV", "--lang", lang, "-w", str(root)])
        assert history.exit_code == 0, history.output
        assert earlier in history.output and counted in history.output, history.output
        assert ("CNY 120m" if lang == "en" else "1.2亿") not in history.output
        rate = CliRunner().invoke(cli, ["history", "O2.RATE", "--lang", lang, "-w", str(root)])
        assert "  8.004%  " in rate.output, rate.output
    over = CliRunner().invoke(cli, ["checkin", "O2.REV", "1.20001", "--date", "2026-12-31",
                                    "--lang", "en", "-w", str(root)])  # fmt: skip
    # Past the target, the check-in is told as stored too, never rounded to the target.
    assert over.output.startswith("O2.REV 营业收入: CNY 120,001k for branch"), over.output


@pytest.mark.parametrize(
    ("share", "said"),
    [
        # Apart by a yuan or more: the sum is written finer, as a figure beside its target.
        ("1.19999999", {"zh": "O2.REV：成员目标合计 119,999,999元，比 branch 的目标 1.2亿 少 1元",
                        "en": "O2.REV: the members' targets add up to CNY 119,999,999, CNY 1 "
                              "less than the CNY 120m set for branch"}),
        # Under a yuan apart, the two read alike at any step but for the places a
        # rounded sum keeps (1.20亿 beside a set 1.2亿): the gap says by how much.
        ("1.200000003", {"zh": "O2.REV：成员目标合计 1.20亿，比 branch 的目标 1.2亿 多 0.30元",
                         "en": "O2.REV: the members' targets add up to CNY 120.0m, CNY 0.30 "
                               "more than the CNY 120m set for branch"}),
    ],
)  # fmt: skip
def test_members_targets_apart_from_the_declared_one_never_read_alike(
    tmp_path: Path, share: str, said: dict[str, str]
) -> None:
    """A team's share typed a little off the branch's 1.2亿: check said the members'
    targets add up to 1.2亿, 0元 more than the 1.2亿 set for the branch."""
    root = checked_in(tmp_path, {})
    plan = root / "targets" / "plan.toml"
    text = plan.read_text(encoding="utf-8").replace(
        'unit = "亿元"\n', f'unit = "亿元"\n  members = {{ wm1 = {share} }}\n', 1
    )
    plan.write_text(text, encoding="utf-8")
    for lang in ("zh", "en"):
        checked = CliRunner().invoke(cli, ["check", "--as-of", "2026-06-30", "--lang", lang,
                                           "-w", str(root)], env={"COLUMNS": "300"})  # fmt: skip
        assert said[lang] in checked.output, checked.output
