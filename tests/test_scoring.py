"""Monthly scoring policies, end to end and by hand."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.app.session import open_session
from okrdesk.cli import cli
from okrdesk.engine.scoring import elapsed_share, policy_people, score_period, scores
from okrdesk.model import (
    MetricKind,
    MetricSpec,
    Observation,
    Person,
    ScoreComponent,
    ScoringPolicy,
)  # fmt: skip
from okrdesk.periods import Grain, month_of, periods_between
from okrdesk.store import Store
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace


def policy_file(standard: str) -> str:
    return f"""\
[[scoring]]
id = "cm-monthly"
name = "客户经理月度考核"
roles = ["cm"]
period = "month"
cap = 1.2
floor = 0.5

[[scoring.components]]
metric = "new_hnw_clients"
weight = 1
standard = {standard}
unit = "户"
"""


@pytest.mark.parametrize(
    ("standard", "expected"),
    # The test plugin gives cm01 1 and cm02 2 new clients each month.
    [("1", {"cm01": (1.0, 1.0), "cm02": (2.0, 1.2)}),
     ("10", {"cm01": (0.1, 0.5), "cm02": (0.2, 0.5)}),
     ("2.5", {"cm01": (0.4, 0.5), "cm02": (0.8, 0.8)})],
)  # fmt: skip
def test_scores_are_capped_at_120_and_floored_at_50_percent(
    write_workspace: WriteWorkspace, standard: str, expected: dict[str, tuple[float, float]]
) -> None:
    root = write_workspace({"scoring.toml": policy_file(standard)})
    result = CliRunner().invoke(cli, ["collect", "--through", "2026-02-28", "-w", str(root)])
    assert result.exit_code == 0, result.output
    session = open_session(root)
    with Store.open(session.workspace.database) as store:
        months = store.observations(metric="new_hnw_clients", grain=Grain.MONTH)
        found = scores(session.plan, store, dt.date(2026, 2, 28), session.host.metrics)
    assert sorted({o.observation.period for o in months}) == ["2026-01", "2026-02"]
    assert {(s.person, s.period) for s in found} == {
        (p, m) for p in ("cm01", "cm02") for m in ("2026-01", "2026-02")
    }
    for s in found:
        assert (s.raw, s.score) == pytest.approx(expected[s.person])


def test_the_branch_policy_by_hand(tmp_path: Path) -> None:
    policy = ScoringPolicy(
        "cm-monthly", "客户经理月度考核",
        (ScoreComponent("effective_accounts", Decimal("0.4"), Decimal(100)),
         ScoreComponent("net_new_aum", Decimal("0.4"), Decimal(10_000_000)),
         ScoreComponent("commission_revenue", Decimal("0.2"), Decimal(150_000))),
        roles=("cm",), cap=Decimal("1.2"), floor=Decimal("0.5"),
    )  # fmt: skip
    metrics = {
        name: MetricSpec(name, name, name, kind, UNITS[unit])
        for name, kind, unit in (
            ("effective_accounts", MetricKind.STOCK, "户"),
            ("net_new_aum", MetricKind.FLOW, "元"),
            ("commission_revenue", MetricKind.FLOW, "元"),
        )
    }
    march = month_of(dt.date(2026, 3, 1))
    with Store.open(tmp_path / "okrdesk.db") as store:
        run = store.start_run("test", None)
        values = {"effective_accounts": 90, "net_new_aum": 12_000_000, "commission_revenue": 60_000}
        store.replace_observations(
            run, {m: "test" for m in values}, [march],
            [Observation(m, "cm01", march.id, v) for m, v in values.items()],
        )  # fmt: skip
        (result,) = score_period(store, policy, [Person("cm01", "王芳", "wm1")], march, metrics)
        # The same figures on 10 March, 10 days of 31 gone: the flows are held to 10/31
        # of their standards, the stock (effective accounts) to its whole standard.
        to_date = elapsed_share(march, dt.date(2026, 3, 10))
        (early,) = score_period(store, policy, [Person("cm01", "王芳", "wm1")], march, metrics,
                                to_date)  # fmt: skip
    # 0.4 × 90/100 + 0.4 × 1200万/1000万 + 0.2 × 6万/15万 = 0.36 + 0.48 + 0.08 = 0.92
    assert result.raw == pytest.approx(0.92)
    assert result.score == pytest.approx(0.92)
    assert not result.capped and not result.floored and result.complete
    assert to_date == pytest.approx(10 / 31) and not early.complete
    assert early.raw == pytest.approx(0.36 + 0.4 * 1.2 * 31 / 10 + 0.2 * 0.4 * 31 / 10)
    assert early.score == 1.2


@pytest.mark.parametrize(("day", "months"), [(6, ["2026-01", "2026-02"]),
                                             (7, ["2026-01", "2026-02", "2026-03"])])  # fmt: skip
def test_a_month_is_scored_to_date_from_its_seventh_day(
    write_workspace: WriteWorkspace, day: int, months: list[str]
) -> None:
    # On 6 March, March's pro-rated standard (6/31 of it) says nothing yet: not shown.
    root = write_workspace({"scoring.toml": policy_file("1")})
    as_of = dt.date(2026, 3, day)
    result = CliRunner().invoke(cli, ["collect", "--through", as_of.isoformat(), "-w", str(root)])
    assert result.exit_code == 0, result.output
    session = open_session(root)
    with Store.open(session.workspace.database) as store:
        found = scores(session.plan, store, as_of, session.host.metrics)
    assert sorted({s.period for s in found}) == months
    assert all(s.complete for s in found if s.period != "2026-03")


def test_a_past_day_inside_a_month_stored_whole_scores_the_months_before(
    write_workspace: WriteWorkspace,
) -> None:
    # Collected through 31 March, March is stored whole: scored on 10 March "to date"
    # it would be the whole month's figures held to 10/31 of the standard. Left out.
    root = write_workspace({"scoring.toml": policy_file("1")})
    tenth = dt.date(2026, 3, 10)
    for through, months in ((tenth, ["2026-01", "2026-02", "2026-03"]),
                            (dt.date(2026, 3, 31), ["2026-01", "2026-02"])):  # fmt: skip
        done = CliRunner().invoke(cli, ["collect", "--through", through.isoformat(),
                                        "-w", str(root)])  # fmt: skip
        assert done.exit_code == 0, done.output
        session = open_session(root)
        with Store.open(session.workspace.database) as store:
            found = scores(session.plan, store, tenth, session.host.metrics)
        assert sorted({s.period for s in found}) == months
    # The report says why March has no score to date.
    report = CliRunner().invoke(cli, ["report", "--as-of", "2026-03-10", "--format", "json",
                                      "-w", str(root)])  # fmt: skip
    assert json.loads(report.output)["scores_cut"] == "2026-03"
    text = CliRunner().invoke(cli, ["report", "--as-of", "2026-03-10", "-w", str(root)]).output
    # Chinese breaks between two characters where a line is full: compared without spaces.
    said = "2026-03 已存的数据含 2026-03-10 之后的日子，本期至今不计分"
    assert "".join(said.split()) in "".join(text.split())


@pytest.mark.parametrize(
    ("standard", "legend"),
    [("1", ["↓ the policy's cap held the score down"]),
     ("10", ["↑ the policy's floor held the score up"]),
     ("2", [])],
)  # fmt: skip
def test_the_text_report_says_what_a_held_score_s_mark_means(
    write_workspace: WriteWorkspace, standard: str, legend: list[str]
) -> None:
    """A bare ↓ after 120.0%, beside a trend's ↗ and ↘, reads as a fall: the scores
    table says what each mark it shows means, and nothing when it shows none."""
    root = write_workspace({"scoring.toml": policy_file(standard)})
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["collect", "--through", "2026-02-28", "-w", str(root)]).exit_code == 0
    )
    result = runner.invoke(
        cli, ["report", "-w", str(root), "--as-of", "2026-02-28", "--lang", "en"],
        env={"COLUMNS": "100"},
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    lines = [line.strip() for line in result.output.splitlines()]
    # After the trend's months, where it names them ("Trend: Feb against Jan; ↓ …"), and
    # folded at the terminal's width: read as one text.
    told = re.findall(r"[↓↑] the policy's (?:cap|floor) held the score (?:down|up)",
                      " ".join(result.output.split()))  # fmt: skip
    shown = told
    assert shown == legend
    marks = {mark for line in lines if line.startswith("│") for mark in "↓↑" if f"% {mark}" in line}
    assert marks == {text[0] for text in legend}
    for fmt in ("md", "html"):  # they mark scores so too
        args = ["report", "-w", str(root), "--as-of", "2026-02-28", "--lang", "en", "--format", fmt]
        written = runner.invoke(cli, args).output
        for text in ("↓ the policy", "↑ the policy"):
            assert (text in written) == any(line.startswith(text) for line in legend), (fmt, text)


def test_scores_read_for_several_periods_at_once_are_those_of_one_period_at_a_time(
    write_workspace: WriteWorkspace,
) -> None:
    """``scores`` reads each metric's figures for several periods in one statement; each
    score is what ``score_period`` gives reading that period alone, whole plan or cut."""
    first = policy_file("2").replace('roles = ["cm"]', 'roles = []\npeople = ["cm01"]')
    second = first.replace('"cm-monthly"', '"cm-second"').replace('"cm01"', '"cm02"') + (
        '\n[[scoring.components]]\nmetric = "complaint_rate"\nweight = 1\nstandard = 0.01\n'
        'unit = "fraction"\n'
    )
    root = write_workspace({"scoring.toml": first + "\n" + second})
    as_of = dt.date(2026, 8, 9)  # eight months: read in two parts (PERIODS_READ_AT_ONCE)
    result = CliRunner().invoke(cli, ["collect", "--through", as_of.isoformat(), "-w", str(root)])
    assert result.exit_code == 0, result.output
    for cut_to in (None, "team-a"):
        session = open_session(root, cut_to=cut_to)
        plan, metrics = session.plan, session.host.metrics
        with Store.open(session.workspace.database) as store:
            found = scores(plan, store, as_of, metrics)
            expected = [
                score
                for policy in plan.scoring
                for period in periods_between(plan.start, as_of, policy.grain)
                if period.end < as_of or (as_of - period.start).days >= 6
                for score in score_period(
                    store, policy, policy_people(plan, policy), period, metrics,
                    elapsed_share(period, as_of), only_these=cut_to is not None,
                )
            ]  # fmt: skip
        assert len({s.policy for s in found}) == 2
        assert {s.period for s in found} == {f"2026-{m:02d}" for m in range(1, 9)}
        assert {s.person for s in found} == {"cm01", "cm02"}
        assert any(c.actual for s in found for c in s.components)
        assert found == expected


@pytest.mark.parametrize("weights", [("0.4", "0.6"), ("40", "60"), ("2", "1")])
def test_weights_that_do_not_add_up_to_one_are_told_at_validate(
    write_workspace: WriteWorkspace, weights: tuple[str, str]
) -> None:
    # Weights of 40 and 60 (for 40% and 60%) held every score at the cap, unsaid; 2 and
    # 1, read as relative weights, made meeting every standard worth 300%.
    policy = policy_file("1").replace("weight = 1", f"weight = {weights[0]}")
    policy += (f'\n[[scoring.components]]\nmetric = "fee_revenue"\nweight = {weights[1]}\n'
               'standard = 1\nunit = "万元"\n')  # fmt: skip
    root = write_workspace({"scoring.toml": policy})
    zh = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    en = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert zh.exit_code == en.exit_code == 0, zh.output
    total = sum(Decimal(w) for w in weights)
    if total == 1:
        assert "权重" not in zh.output and "weights" not in en.output
        return
    percent = {Decimal(100): "10000", Decimal(3): "300"}[total]
    assert (f"targets/scoring.toml:9: scoring[cm-monthly].components: 各考核项的权重合计 "
            f"{total}：每项都达到标准得 {percent}%，而不是 100%；权重是占得分的比例（0.4 即 40%）"
            ) in zh.output  # fmt: skip
    assert (
        f"the weights add up to {total}: meeting every standard scores {percent}%, not "
        "100%; a weight is a share of the score (0.4 = 40%)"
    ) in en.output


def test_a_week_cut_at_the_years_edge_is_held_to_its_days_standard(tmp_path: Path) -> None:
    """2026-W01 is 1 to 4 January (okrdesk's weeks end at the year's edge): a weekly
    policy held its 4 new clients to a whole week's 7 and scored 57%, where four days'
    work at the week's pace is 100%; a stock is held to its whole standard either way."""
    policy = ScoringPolicy(
        "cm-weekly", "客户经理周考核",
        (ScoreComponent("new_hnw_clients", Decimal("0.5"), Decimal(7)),
         ScoreComponent("effective_accounts", Decimal("0.5"), Decimal(100))),
        roles=("cm",), grain=Grain.WEEK, cap=Decimal("1.2"), floor=Decimal("0.5"),
    )  # fmt: skip
    metrics = {
        "new_hnw_clients": MetricSpec("new_hnw_clients", "n", "n", MetricKind.FLOW, UNITS["户"]),
        "effective_accounts": MetricSpec("effective_accounts", "e", "e", MetricKind.STOCK,
                                         UNITS["户"]),
    }  # fmt: skip
    weeks = list(periods_between(dt.date(2026, 1, 1), dt.date(2026, 1, 11), Grain.WEEK))
    assert [(w.id, w.days) for w in weeks] == [("2026-W01", 4), ("2026-W02", 7)]
    person = [Person("cm01", "王芳", "wm1")]
    with Store.open(tmp_path / "okrdesk.db") as store:
        run = store.start_run("test", None)
        store.replace_observations(
            run, {m: "test" for m in metrics}, weeks,
            [Observation(m, "cm01", w.id, v) for w in weeks
             for m, v in (("new_hnw_clients", w.days), ("effective_accounts", 100))],
        )  # fmt: skip
        found = [score_period(store, policy, person, w, metrics)[0] for w in weeks]
    assert [(s.period, s.raw) for s in found] == [("2026-W01", 1.0), ("2026-W02", 1.0)]
    assert found[0].components[0].standard == pytest.approx(4)
    assert found[0].complete
