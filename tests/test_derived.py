"""Derived metrics: a formula over rolled-up metrics, at every level a ratio of sums."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.app.session import open_session, open_store
from okrdesk.cli import cli
from okrdesk.engine.progress import Engine
from okrdesk.formula import FormulaError, parse
from sample_workspace import OKRS, WriteWorkspace

AS_OF = "2026-03-15"


def test_a_formula_is_read_never_run() -> None:
    formula = parse("(fees + interest) / aum")
    assert formula.inputs == ("fees", "interest", "aum")
    values = {"fees": 30.0, "interest": 10.0, "aum": 800.0}
    assert formula.evaluate(values.get) == pytest.approx(0.05)
    assert parse("aum / headcount_cm").parts == ("aum", "headcount_cm")
    # No divisor, or an input with no data: no figure, never 0 or an error.
    assert parse("a / b").evaluate({"a": 1.0, "b": 0.0}.get) is None
    assert parse("a / b").evaluate({"b": 2.0}.get) is None
    refused = [("__import__('os').system('id')", "a call"), ("aum.__class__", "an attribute"),
               ("aum[0]", "a subscript"), ("'x' + aum", "is not a number"),
               ("aum /", "is not a formula")]  # fmt: skip
    for hostile, what in refused:
        with pytest.raises(FormulaError, match=what):
            parse(hostile)


DERIVED = """\
[[sources.derived.metrics]]
name = "hnw_per_person"
label = "人均新增高净值客户"
unit = "户"
formula = "new_hnw_clients / headcount"
"""

PER_PERSON = (
    OKRS
    + """
[[objectives.key_results]]
id = "KR3"
title = "人均新增高净值客户 ≥ 30"
metric = "hnw_per_person"
target = 30
unit = "户"
"""
)


@pytest.fixture
def derived(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"okrs.toml": PER_PERSON})
    (root / "okrdesk.toml").write_text(DERIVED, encoding="utf-8")
    done = CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def test_a_derived_figure_is_a_ratio_of_sums_at_every_level(derived: Path) -> None:
    session = open_session(derived)
    plan = session.plan
    with open_store(session.workspace, create=False) as store:
        engine = Engine(plan, store, dt.date.fromisoformat(AS_OF), session.host.metrics)
        for subject in ("branch", "team-a"):
            people = [p for p in plan.people if subject == "branch" or p.unit == subject]
            clients = sum(
                o.observation.value or 0.0
                for o in store.observations(metric="new_hnw_clients", through=engine.as_of)
                if o.observation.subject in {p.id for p in people}
            )
            figure = engine.rollup.figure("hnw_per_person", subject)
            assert figure.value == pytest.approx(clients / len(people))
            assert (figure.numerator, figure.denominator) == (clients, len(people))
    report = CliRunner().invoke(
        cli, ["report", "--format", "json", "--as-of", AS_OF, "-w", str(derived)]
    )
    assert report.exit_code == 0, report.output
    (kr,) = [k for o in json.loads(report.stdout)["objectives"] for k in o["key_results"]
             if k["id"] == "O1.KR3"]  # fmt: skip
    branch = engine.rollup.figure("hnw_per_person", "branch").value
    assert kr["actual"] == pytest.approx(branch) and kr["attainment"] == pytest.approx(branch / 30)


def test_collect_gathers_the_inputs_of_a_derived_metric(derived: Path) -> None:
    session = open_session(derived)
    with open_store(session.workspace, create=False) as store:
        stored = {o.observation.metric for o in store.observations()}
    assert "new_hnw_clients" in stored and "hnw_per_person" not in stored


def test_validate_names_an_input_no_plugin_provides(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"okrs.toml": PER_PERSON})
    (root / "okrdesk.toml").write_text(
        DERIVED.replace("new_hnw_clients / headcount", "new_hnw_client / headcount"),
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert (
        'metric "hnw_per_person" (new_hnw_client / headcount) uses "new_hnw_client", '
        'which no loaded plugin provides (did you mean "new_hnw_clients"?)'
    ) in done.output


def test_a_formula_that_is_code_is_refused_by_name(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        DERIVED.replace("new_hnw_clients / headcount", "__import__('os').getcwd()"),
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2, done.output
    line = next(n for n, text in enumerate((root / "okrdesk.toml").read_text().splitlines(), 1)
                if text.startswith("formula ="))  # fmt: skip
    at = f"okrdesk.toml:{line}: sources.derived.metrics[0].formula: "
    said = [text for text in done.output.splitlines() if text.startswith(at)]
    assert len(said) == 1 and "a call" in said[0], done.output
    assert "okrdesk_metrics failed" not in done.output  # said once, at its line
    # In a Chinese workspace, in Chinese.
    zh = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert (f"okrdesk.toml:{line}: sources.derived.metrics[0].formula: "
            "\"__import__('os').getcwd()\"：公式里不能有函数调用；只能写名字、数字、"
            "+ - * / 和括号") in zh.output  # fmt: skip


def test_a_unit_okrdesk_lacks_is_told_with_the_units_written_like_it(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(DERIVED.replace('unit = "户"', 'unit = "万"'), "utf-8")
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2, done.output
    assert (
        "sources.derived.metrics[0].unit: '万' is not a unit okrdesk knows (did you mean "
        "'万元', '万户' or '万人'?)"
    ) in done.output


def test_explain_shows_the_formula_and_its_inputs(derived: Path) -> None:
    done = CliRunner().invoke(cli, ["explain", "O1.KR3", "--as-of", AS_OF, "-w", str(derived)])
    assert done.exit_code == 0, done.output
    assert "指标 hnw_per_person = new_hnw_clients / headcount，由汇总到福田营业部" in done.output
    assert "  headcount = 2（计划中福田营业部及其下属的人数）" in done.output
    assert "  new_hnw_clients = " in done.output and "[指标 new_hnw_clients（流量：" in done.output
    done = CliRunner().invoke(cli, ["explain", "O1.KR3", "--as-of", AS_OF, "--lang", "en",
                                    "-w", str(derived)])  # fmt: skip
    assert "metric hnw_per_person = new_hnw_clients / headcount" in done.output
    assert "  headcount = 2 (people at or under 福田营业部 in the plan)" in done.output
    assert "[metric new_hnw_clients (flow:" in done.output


def test_validate_says_an_input_two_plugins_declare_is_declared_twice(
    write_workspace: WriteWorkspace,
) -> None:
    """A derived metric's input that two plugins declare: validate said "no loaded plugin
    provides" it, where at a key result on the input itself it said two plugins declare
    it and neither is used."""
    from sample_workspace import trusted
    from test_metric_clash import RIVAL

    root = write_workspace({"okrs.toml": PER_PERSON})
    (root / "okrdesk.toml").write_text(DERIVED, encoding="utf-8")
    rival = RIVAL.replace("complaint_rate", "new_hnw_clients")
    (root / "plugins" / "rival.py").write_text(rival, encoding="utf-8")
    trusted(root)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert (
        'metric "hnw_per_person" (new_hnw_clients / headcount) uses "new_hnw_clients", which '
        "is declared by both rival and test_metrics, so neither's is used; give one of them "
        "another name, or remove one of the plugins"
    ) in said, said
    assert "no loaded plugin provides" not in said
    zh = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert (
        '指标 "hnw_per_person"（new_hnw_clients / headcount）用到的 "new_hnw_clients"：'
        "rival、test_metrics 都声明了它，所以都不采用；"
    ) in zh.output, zh.output
    # The report still runs for every other key result, as when the metric is named alone.
    CliRunner().invoke(cli, ["collect", "--through", AS_OF, "-w", str(root)])
    report = CliRunner().invoke(cli, ["report", "--as-of", AS_OF, "-w", str(root)])
    assert report.exit_code == 0, report.output


def test_validate_says_a_plugin_that_did_not_load_may_provide_an_input(
    write_workspace: WriteWorkspace,
) -> None:
    """As at a key result on the metric itself: the input's plugin, whose code names it,
    failed to import; that plugin alone is told, with no guess at another metric."""
    from sample_workspace import trusted

    root = write_workspace({"okrs.toml": PER_PERSON})
    (root / "okrdesk.toml").write_text(DERIVED, encoding="utf-8")
    plugin = root / "plugins" / "test_metrics.py"
    plugin.write_text("import no_such_module\n" + plugin.read_text(encoding="utf-8"), "utf-8")
    trusted(root)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    said = " ".join(done.output.split())
    assert (
        'uses "new_hnw_clients", which no loaded plugin provides: plugin test_metrics, whose '
        "code names it, failed to load; "
        "mend the error told of it, then run `okrdesk validate` again"
    ) in said, said
    zh = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert (
        '用到的 "new_hnw_clients"，已加载的插件都不提供：插件 test_metrics 的代码写有这个名字'
        in " ".join(zh.output.split())
    ), zh.output
