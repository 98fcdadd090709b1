"""`okrdesk explain O1`, `okrdesk explain` and `okrdesk explain events`: every score and
budget row on the report, worked out from the figures beside it, so that a manager can
check it by hand."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from okrdesk.messages import display_width
from okrdesk.report.numbers import ledger, percent, ratio, score_text
from okrdesk.units import parse_money
from test_report import AS_OF, okrdesk


@pytest.fixture(scope="module")
def demo(copy_of_the_demo: Callable[[str], Path]) -> Path:
    return copy_of_the_demo("explain-score")


@pytest.fixture(scope="module")
def report(demo: Path) -> dict[str, Any]:
    done = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format", "json")
    assert done.returncode == 0, done.stderr
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def explained(demo: Path, *args: str, lang: str = "zh") -> list[str]:
    done = okrdesk("explain", *args, "-w", str(demo), "--as-of", AS_OF, "--lang", lang,
                   env={"COLUMNS": "80"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    too_wide = [line for line in done.stdout.splitlines() if display_width(line) > 80]
    assert too_wide == []
    return done.stdout.splitlines()


def worked_out(lines: list[str]) -> tuple[Decimal, Decimal, str]:
    """The formula's figures worked by hand, the result it writes, and what it says of
    the report's score (its note in brackets, "" for none)."""
    start = next(n for n, line in enumerate(lines) if line.startswith("  = "))
    end = start
    while end + 1 < len(lines) and lines[end + 1].startswith("    "):  # folded under it
        end += 1
    formula = " ".join(line.strip() for line in lines[start : end + 1]).removeprefix("= ")
    note = ""
    if formula.endswith("）"):
        formula, note = formula[:-1].split("（", 1)
    written, result = formula.rsplit(" = ", 1)
    divisor = Decimal(1)
    if " ÷ " in written:
        written, by = written.rsplit(" ÷ ", 1)
        divisor = Decimal(by)
    total = Decimal(0)
    for term in written.strip("()").split(" + "):
        shown, _, weight = term.partition(" × ")
        total += Decimal(shown.rstrip("%")) * Decimal(weight or 1)
    by_hand = (total / divisor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return by_hand, Decimal(result.rstrip("%")), note


def hundredths(score: float) -> Decimal:
    return (Decimal(repr(score)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def agrees(lines: list[str], score: float) -> None:
    """The formula adds up, and gives the score to two decimals and the report's, or says
    why it does not."""
    by_hand, result, note = worked_out(lines)
    assert by_hand == result
    shown = score_text(score)
    rounded = f"{result.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    # Where the figures as shown round otherwise, the score before rounding is given.
    if rounded == shown and result == hundredths(score):
        assert note == ""
    else:
        exact = re.fullmatch(
            r"得分由舍入前的数字算得：([\d.]+)%，即 ([\d.]+)%，\s*报告\s*写作\s*(.+)", note
        )
        assert exact is not None, note
        assert Decimal(exact[2]) == hundredths(score) and exact[3] == shown
        assert Decimal(exact[1]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal(
            exact[2]
        )
    assert abs(result - Decimal(repr(score * 100))) <= Decimal("0.01")


def score_said(lines: list[str]) -> Decimal:
    """The score to two decimals as ``explain O1`` gives it: its formula's result, or
    where that was worked from figures rounded first, the one its note gives."""
    _, result, note = worked_out(lines)
    found = re.search(r"即 ([\d.]+)%", note)
    return Decimal(found[1]) if found else result


def test_each_objectives_score_is_worked_out_from_its_key_results(
    demo: Path, report: dict[str, Any]
) -> None:
    for objective in report["objectives"]:
        lines = explained(demo, objective["id"])
        assert lines[0].startswith(f"{objective['id']} ")
        score = score_text(objective["score"])
        assert lines[2] == f"综合得分 {score}：各关键结果完成率的加权平均，每项至多计 120%"
        # Each key result's row: the attainment the report shows, and what it counts for.
        for kr in objective["key_results"]:
            (row,) = [line for line in lines if line.startswith(f"  {kr['id']} ")]
            attained, counted, weight = row.split()[-3:]
            assert attained == percent(kr["attainment"])
            exact = Decimal(repr(min(kr["attainment"], 1.2) * 100))
            assert counted == f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
            assert Decimal(weight) > 0
        if len(objective["key_results"]) > 1:
            agrees(lines, objective["score"])


def test_a_key_result_beyond_the_cap_counts_at_the_cap_and_the_report_says_so(
    demo: Path, report: dict[str, Any]
) -> None:
    (o2,) = [o for o in report["objectives"] if o["id"] == "O2"]
    (kr,) = [kr for kr in o2["key_results"] if kr["id"] == "O2.COMPLAINTS"]
    assert kr["attainment"] > 1.2 and o2["capped"] == ["O2.COMPLAINTS"]
    (row,) = [line for line in explained(demo, "O2", lang="en") if "O2.COMPLAINTS" in line]
    assert row.split()[-3:] == [percent(kr["attainment"]), "120.00%", "1"]
    # The report's own note, in every human format, so its score can be added up.
    for fmt, said in (("text", "得分中 O2.COMPLAINTS 按上限 120% 计"),
                      ("md", "得分中 O2.COMPLAINTS 按上限 120% 计"),
                      ("html", "得分中 O2.COMPLAINTS 按上限 120% 计")):  # fmt: skip
        done = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format", fmt)
        assert said in done.stdout, fmt
    english = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--lang", "en")
    assert "The score counts O2.COMPLAINTS at the cap of 120%" in english.stdout
    # An objective with no key result beyond the cap says nothing of it.
    assert all("capped" not in o for o in report["objectives"] if o["id"] == "O1")


def test_the_units_score_is_worked_out_from_its_objectives(
    demo: Path, report: dict[str, Any]
) -> None:
    lines = explained(demo)
    assert lines[1] == f"综合得分 {score_text(report['score'])}：各目标得分的加权平均"
    for objective in report["objectives"]:
        (row,) = [line for line in lines if line.startswith(f"  {objective['id']} ")]
        exact = Decimal(repr(objective["score"] * 100))
        assert row.split()[-2] == f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
    agrees(lines, report["score"])
    # The next step keeps the day asked for.
    assert lines[-1] == f"每个目标的得分：okrdesk explain C1 --as-of {AS_OF}"
    english = explained(demo, lang="en")
    assert (
        english[1]
        == f"Score {score_text(report['score'])}: the weighted mean of its objectives' scores"
    )


def test_a_teams_and_a_persons_score_are_theirs(demo: Path) -> None:
    team = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--unit", "wm1", "--format", "json")
    wm1 = json.loads(team.stdout)
    lines = explained(demo, "--unit", "wm1")
    assert lines[0].startswith("财富管理一部 (wm1)")
    assert lines[1].startswith(f"综合得分 {score_text(wm1['score'])}")
    (c1,) = [o for o in wm1["objectives"] if o["id"] == "C1"]
    shared = explained(demo, "C1", "--unit", "wm1")
    assert shared[2].startswith(f"综合得分 {score_text(c1['score'])}")
    person = explained(demo, "--person", "lintao")
    assert person[0].startswith("林涛 (lintao)")
    # The next step is about the same person, not the objective's owner.
    assert person[-1] == f"每个目标的得分：okrdesk explain INST --person lintao --as-of {AS_OF}"
    assert shared[-1] == f"每项关键结果的数字：okrdesk explain C1.KR1 --unit wm1 --as-of {AS_OF}"
    nobody = okrdesk("explain", "--unit", "firm", "-w", str(demo), "--as-of", AS_OF)
    assert nobody.returncode == 0, nobody.stderr
    assert (
        nobody.stdout.splitlines()[1] == "没有得分：示例证券既没有自己的目标，也没有分解到它的目标"
    )


def test_what_cannot_be_explained_is_named(demo: Path) -> None:
    unknown = okrdesk("explain", "o1", "-w", str(demo), "--as-of", AS_OF)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert unknown.stderr.startswith(
        '没有目标或预算项 "o1"（是不是“O1”？）；目标写作 O1 这样的编号'
    )
    elsewhere = okrdesk("explain", "WM1", "--unit", "inst", "-w", str(demo), "--lang", "en")
    assert elsewhere.returncode == 2
    assert elsewhere.stderr.strip() == (
        "objective WM1 is not in the report of inst; its owner is wm1: --unit wm1"
    )
    key_result = okrdesk("explain", "C1.KR9", "-w", str(demo))
    assert key_result.returncode == 2
    assert re.match(r'没有关键结果 "C1.KR9"', key_result.stderr)


@pytest.mark.parametrize("day", ["2026-02-15", "2026-05-31", "2026-08-16", "2026-11-20"])
def test_every_formula_adds_up_through_the_year(demo: Path, day: str) -> None:
    done = okrdesk("report", "-w", str(demo), "--as-of", day, "--format", "json")
    found = json.loads(done.stdout)
    for objective in found["objectives"]:
        scored = [kr for kr in objective["key_results"] if kr["attainment"] is not None]
        if len(scored) < 2:
            continue
        lines = okrdesk("explain", objective["id"], "-w", str(demo), "--as-of", day).stdout
        agrees(lines.splitlines(), objective["score"])
    agrees(okrdesk("explain", "-w", str(demo), "--as-of", day).stdout.splitlines(),
           found["score"])  # fmt: skip


@pytest.mark.parametrize("day", ["2026-02-28", "2026-03-31"])
def test_an_objectives_score_is_one_figure_however_it_is_reached(demo: Path, day: str) -> None:
    # explain --unit inst wrote INST's score 16.53%, explain INST worked it out as 16.54%
    # from its key results rounded first, with no word that the two are one score.
    unit = okrdesk("explain", "--unit", "inst", "-w", str(demo), "--as-of", day).stdout
    rows = [line for line in unit.splitlines() if re.match(r"  [A-Z]+\d* ", line)]
    assert rows
    for row in rows:
        objective, shown = row.split()[0], Decimal(row.split()[-2].rstrip("%"))
        said = okrdesk("explain", objective, "--unit", "inst", "-w", str(demo), "--as-of", day)
        lines = said.stdout.splitlines()
        if any(line.startswith("  = ") for line in lines):
            assert score_said(lines) == shown, (objective, lines)
        else:  # one key result: its counted figure is the score
            assert any(line.split()[-2:] == [f"{shown}%", line.split()[-1]] for line in lines)


# ------------------------------------------------------------------ budget lines


def test_each_budget_lines_row_is_worked_out(demo: Path, report: dict[str, Any]) -> None:
    for line in report["budget"]["lines"]:
        lines = explained(demo, line["id"])
        assert lines[0] == f"{line['id']} {line['name']}"
        # Spent past its amount, over by so much; not "剩余 -47.76万".
        left = Decimal(str(line["left"]))
        assert lines[2] == (
            f"预算 {ledger(line['amount'], 'zh')}；已用 {ledger(line['spent'], 'zh')}；"
            + (f"剩余 {ledger(left, 'zh')}" if left >= 0 else f"超支 {ledger(-left, 'zh')}")
        )
        assert lines[3].endswith(f" 笔支出：okrdesk spend list --line {line['id']}")
        text = "\n".join(lines)
        if line["roi"] is None:
            assert "ROI —：" in text
        else:
            (roi,) = [row for row in lines if row.startswith("ROI = ")]
            revenue, spent = re.findall(r"[-\d,.]+万", roi)
            assert revenue == ledger(line["attributed_revenue"], "zh")
            by_hand = parse_money(revenue) / parse_money(spent)
            assert roi.endswith(f" = {ratio(line['roi'])}")
            assert abs(by_hand - Decimal(ratio(line["roi"]))) <= Decimal("0.01")
            # Each revenue key result's part: achieved × this line's stake ÷ all stakes.
            # A part folded at 80 columns goes on under its key result.
            joined = "\n".join(lines).replace("\n    ≈", " ≈").replace("\n    =", " =")
            parts = [row for row in joined.split("\n") if re.match(r"  \S+ .*：实现 ", row)]
            assert parts
            total = Decimal(0)
            for part in parts:
                achieved, stake, stakes, share = re.findall(r"[-\d,.]+万", part.split("：实现 ")[1])
                worked = parse_money(achieved) * parse_money(stake) / parse_money(stakes)
                # "=" where the written figures give the part to the hundred yuan, else "≈".
                if f"{stakes} = " in part:
                    assert abs(worked - parse_money(share)) <= 50
                else:
                    assert f"{stakes} ≈ " in part and abs(worked - parse_money(share)) <= 1000
                total += parse_money(share)
            assert abs(total - parse_money(revenue)) <= 100 * len(parts)
        for cost in line["cost_per_result"]:
            assert f"  {cost['key_result']} " in text and f"：{cost['text']}" in text
        # The breaker, folded at the 80 columns of the terminal.
        (at,) = [n for n, row in enumerate(lines) if row.startswith("熔断：")]
        breaker = "".join(row.replace(" ", "") for row in lines[at:])
        if line["breaker"]["tripped"]:
            assert breaker == f"熔断：{line['breaker']['message']}".replace(" ", "")
        else:
            assert breaker.startswith(f"熔断：未触发：{line['id']}已用预算")


def test_a_budget_line_is_explained_in_english_too(demo: Path, report: dict[str, Any]) -> None:
    english = okrdesk("report", "-w", str(demo), "--as-of", AS_OF, "--format", "json",
                      "--lang", "en")  # fmt: skip
    (experts,) = [x for x in json.loads(english.stdout)["budget"]["lines"] if x["id"] == "experts"]
    lines = explained(demo, "experts", lang="en")
    assert lines[1] == "for 陈建国 (chenjianguo) as of 2026-11-20"
    assert lines[2:4] == [
        f"amount {ledger(experts['amount'], 'en')}; spent {ledger(experts['spent'], 'en')}; "
        f"left {ledger(experts['left'], 'en')}",
        "  8 entries: okrdesk spend list --line experts",
    ]
    assert f"ROI = {ledger(experts['attributed_revenue'], 'en')} ÷ " in "\n".join(lines)
    assert lines[-2:] == [
        "breaker: not tripped: experts has spent 49.7% while its results allow 76.1%; it",
        "  trips beyond 10 pp ahead or 10% over",
    ]
    # Each stake and each spend on a volume key result, as the target file links them.
    assert lines[lines.index("    each line's stake, its amount × its link weight:") + 1 :][:2] == [
        "      experts CNY 1,200k × 1/4 = CNY 300k",
        "      events CNY 3,800k × 1/3 = CNY 1,267k",
    ]
    assert "      experts CNY 596k × 1/2 = CNY 298k" in lines


def test_an_unknown_budget_line_is_named_with_the_nearest(demo: Path) -> None:
    done = okrdesk("explain", "evnts", "-w", str(demo), "--as-of", AS_OF)
    assert done.returncode == 2
    assert done.stderr.startswith('没有目标或预算项 "evnts"（是不是“events”？）；')
    assert "预算项写它的编号，如 " in done.stderr
    whose = okrdesk("explain", "events", "--unit", "wm1", "-w", str(demo), "--lang", "en")
    assert whose.returncode == 2
    assert whose.stderr.strip() == (
        "budget line events is the plan's, not a unit's or a person's: "
        "leave out --unit and --person"
    )


def test_what_rounding_did_to_a_score_is_kept_to_80_columns_in_english(
    demo: Path, report: dict[str, Any]
) -> None:
    """The note after a score's formula ran on to 104 columns in English (``… = 84.35% (the
    score is the mean of the figures before they were rounded: 84.348%, so 84.35%, …)``)."""
    noted = 0
    for objective in report["objectives"]:
        lines = explained(demo, objective["id"], lang="en")
        assert all(display_width(line) <= 80 for line in lines), lines
        noted += "before they were rounded" in " ".join(line.strip() for line in lines)
    assert noted


def test_an_attainment_from_a_baseline_is_worked_out_from_the_figures_beside_it(
    demo: Path, report: dict[str, Any]
) -> None:
    """`okrdesk explain O1.KR3b` gave the figure (3,380万) but not how the report's 76.0%
    was made of it: (3,380万 − 3,000万) ÷ (3,500万 − 3,000万). Each key result whose
    attainment runs from a baseline gives the formula with its figures as the report
    writes them; worked by hand it gives the report's attainment, or it says it was
    worked out before the figures were rounded (21.0% is 21.03%: 200.6%, not 200.0%)."""
    from okrdesk.units import UNITS, parse_quantity

    started = [
        kr for objective in report["objectives"] for kr in objective["key_results"]
        if kr["baseline"] and kr["attainment"] is not None and not kr["guardrail"]
        and kr["direction"] in ("at_least", "at_most")
    ]  # fmt: skip
    assert {"O1.KR3b", "O2.NPS", "P.FUNNEL"} <= {kr["id"] for kr in started}
    rounded = 0
    for kr in started:
        lines = explained(demo, kr["id"])
        at = next(n for n, line in enumerate(lines) if line.startswith("完成率 "))
        said = lines[at] + "".join(
            line.strip()
            for line in itertools.takewhile(lambda line: line.startswith("  "), lines[at + 1 :])
        )
        found = re.fullmatch(r"完成率 (\S+) =（(\S+) − (\S+)）÷（(\S+) − \3）：自起点算起，"
                             r"不是从 0(（由舍入前的数字算得）)?", said)  # fmt: skip
        assert found is not None, said
        shown, actual, baseline, target, note = found.groups()
        assert shown == percent(kr["attainment"], 1)
        a, b, t = (parse_quantity(UNITS[kr["unit"]], x) for x in (actual, baseline, target))
        by_hand = percent(max(0.0, float((a - b) / (t - b))), 1)
        assert (by_hand == shown) == (note is None), (said, by_hand)
        rounded += note is not None
    assert rounded  # the demo has both kinds
    english = explained(demo, "O1.KR3b", lang="en")
    assert any(line.startswith("attained 76.0% = (CNY 33.80m − CNY 30m) ÷ (CNY 35m − CNY 30m)")
               for line in english)  # fmt: skip
    # A key result that runs from 0 gets no such line.
    assert not any(line.startswith("完成率 ") for line in explained(demo, "O1.KR3"))


@pytest.mark.parametrize("item", [[], ["WM1.HNW"]])
def test_explain_takes_a_person_for_unit_as_report_does(demo: Path, item: list[str]) -> None:
    """``report --unit liuyang`` reports on the person liuyang; ``explain --unit liuyang``
    refused it ("没有单位 "liuyang"；liuyang 是人员：--person liuyang"), and a --unit naming
    nobody was told without the option ("没有单位 "wm"" where report says "--unit：没有
    单位或人员 "wm""). It explains the person's score or figure now, as --person does."""
    for lang in ("zh", "en"):
        by_unit = explained(demo, *item, "--unit", "liuyang", lang=lang)
        assert by_unit == explained(demo, *item, "--person", "liuyang", lang=lang)
        assert "刘洋 (liuyang)" in by_unit[len(item)]
    both = okrdesk("explain", *item, "-w", str(demo), "--unit", "liuyang", "--person", "liuyang")
    assert (both.returncode, both.stderr) == (2, "--person 和 --unit 只能给一个\n")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "所属单位的得分按 0 计入本目标：其关键结果已应开始推进"),
     ("en", "Its unit's score counts it 0: its key results' way has begun")],
)  # fmt: skip
def test_an_objective_with_no_figure_yet_counts_0_in_its_units_score(
    demo: Path, lang: str, said: str
) -> None:
    """On 6 April none of C2's key results has a check-in yet, all due since January: the
    branch's score counts C2 at 0, its row in `explain` reading 0.00%, and `explain C2`
    says so under its "no score", where it said nothing of the unit's."""

    def lines(*args: str) -> list[str]:
        done = okrdesk("explain", *args, "-w", str(demo), "--as-of", "2026-04-06", "--lang",
                       lang, env={"COLUMNS": "80"})  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert said in lines("C2")
    (row,) = [line for line in lines() if line.startswith("  C2 ")]
    assert row.split()[-2:] == ["0.00%", "0.1"], row
