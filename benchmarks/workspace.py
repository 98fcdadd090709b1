"""The synthetic firm as a workspace a user would have: target files, a plugin, a store.

The benchmarks time the commands people run (`okrdesk report`, `okrdesk
check`) as whole processes, so the firm is written out the way a head
office keeps it: TOML target files, the metric declarations in the
workspace's own `plugins/` folder, and the observations in its okrdesk.db.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

from okrdesk.model import MetricSpec, Plan
from okrdesk.store import Store

from firm import metric_specs, observations, weeks

# The workspace's plugin runs only with the user's consent; a benchmark gives it.
ENV = {**os.environ, "OKRDESK_ALLOW_WORKSPACE_CODE": "1", "COLUMNS": "120"}
ENV.pop("OKRDESK_LOAD_PLUGINS", None)
# okrdesk runs from its compiled bytecode, as pip installs it: never compiled again per run.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
OKRDESK = str(Path(sys.executable).parent / "okrdesk")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plan_files(plan: Plan) -> dict[str, str]:
    """The plan as target files: plan.toml, org.toml and okrs.toml."""
    head = [
        "[plan]",
        f"id = {_quoted(plan.id)}",
        f"name = {_quoted(plan.name)}",
        f"year = {plan.year}",
        f"unit = {_quoted(plan.top)}",
    ]
    for phase in plan.phases:
        head += ["", "[[phases]]", f"id = {_quoted(phase.id)}",
                 f"name = {_quoted(phase.name)}", f"start = {phase.start.isoformat()}",
                 f"end = {phase.end.isoformat()}"]  # fmt: skip
    org: list[str] = []
    for unit in plan.units:
        org += ["[[units]]", f"id = {_quoted(unit.id)}", f"name = {_quoted(unit.name)}",
                f"level = {_quoted(unit.level)}"]  # fmt: skip
        if unit.parent:
            org.append(f"parent = {_quoted(unit.parent)}")
        org.append("")
    for person in plan.people:
        org += ["[[people]]", f"id = {_quoted(person.id)}", f"name = {_quoted(person.name)}",
                f"unit = {_quoted(person.unit)}", ""]  # fmt: skip
    okrs: list[str] = []
    for objective in plan.objectives:
        okrs += ["[[objectives]]", f"id = {_quoted(objective.id)}",
                 f"title = {_quoted(objective.title)}",
                 f"owner = {_quoted(objective.owner)}", ""]  # fmt: skip
        for kr in objective.key_results:
            unit = kr.unit
            okrs += ["  [[objectives.key_results]]", f"  id = {_quoted(kr.key)}",
                     f"  title = {_quoted(kr.title)}", f"  metric = {_quoted(kr.metric or '')}",
                     f"  unit = {_quoted(unit.symbol)}",
                     f"  direction = {_quoted(kr.direction.value)}"]  # fmt: skip
            if kr.target is not None:
                okrs.append(f"  target = {unit.from_base(kr.target).normalize():f}")
            okrs.append("  [objectives.key_results.members]")
            okrs += [
                f"  {member} = {unit.from_base(share).normalize():f}"
                for member, share in kr.member_targets.items()
            ]
            okrs.append("")
    return {
        "plan.toml": "\n".join(head) + "\n",
        "org.toml": "\n".join(org),
        "okrs.toml": "\n".join(okrs),
    }


def plugin_source(specs: Iterable[MetricSpec]) -> str:
    """A workspace plugin declaring the benchmark's metrics (it collects nothing)."""
    lines = [
        "from okrdesk.model import Direction, MetricKind, MetricSpec, OverTime",
        "from okrdesk.plugins import hookimpl",
        "from okrdesk.units import UNITS",
        "",
        "",
        "@hookimpl",
        "def okrdesk_metrics(register):",
    ]
    for spec in specs:
        lines.append(
            f"    register(MetricSpec({spec.name!r}, {spec.label_en!r}, {spec.label_zh!r}, "
            f"MetricKind.{spec.kind.name}, UNITS[{spec.unit.symbol!r}], "
            f"Direction.{spec.direction.name}, "
            f"numerator_over_time=OverTime.{spec.numerator_over_time.name}, "
            f"denominator_over_time=OverTime.{spec.denominator_over_time.name}))"
        )
    return "\n".join(lines) + "\n"


def write_targets(root: Path, plan: Plan) -> Path:
    """The plan's target files, the metrics plugin and okrdesk.toml under ``root``."""
    (root / "targets").mkdir(parents=True, exist_ok=True)
    (root / "plugins").mkdir(exist_ok=True)
    for name, text in plan_files(plan).items():
        (root / "targets" / name).write_text(text, encoding="utf-8")
    (root / "plugins" / "bench_metrics.py").write_text(
        plugin_source(metric_specs()), encoding="utf-8"
    )
    (root / "okrdesk.toml").write_text("# the benchmark's synthetic firm\n", encoding="utf-8")
    return root


def fill_store(database: Path, plan: Plan) -> Path:
    """Every observation of the plan's people: one per metric and week."""
    names = {spec.name: "bench" for spec in metric_specs()}
    with Store.open(database) as store:
        run = store.start_run("bench", None)
        store.replace_observations(run, names, weeks(), observations(plan))
        store.finish_run(run, "ok", {"bench": "1"}, [])
    return database


def copy_rows(source: Path, target: Path, subjects: set[str]) -> None:
    """The runs and the named subjects' observations of ``source``, into a new store."""
    with Store.open(target):
        pass
    with sqlite3.connect(target) as connection:
        connection.execute("ATTACH DATABASE ? AS source", (str(source),))
        connection.execute("INSERT INTO runs SELECT * FROM source.runs")
        connection.execute("CREATE TEMP TABLE wanted (subject TEXT PRIMARY KEY)")
        connection.executemany("INSERT INTO wanted VALUES (?)", [(s,) for s in subjects])
        connection.execute(
            "INSERT INTO observations SELECT * FROM source.observations "
            "WHERE subject IN (SELECT subject FROM wanted)"
        )
