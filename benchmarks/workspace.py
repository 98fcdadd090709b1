"""The synthetic firm as a workspace a user would have: target files, a plugin, a store.

The benchmarks time the commands people run (`okrdesk report`, `okrdesk
check`) as whole processes, so the firm is written out the way a head
office keeps it: TOML target files, the metric declarations in the
workspace's own `plugins/` folder, and the observations in its okrdesk.db.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from okrdesk.model import MetricSpec, Plan
from okrdesk.store import Store

from firm import metric_specs, observations, sliced_observations, weeks

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
            f"denominator_over_time=OverTime.{spec.denominator_over_time.name}, "
            f"dimensions={spec.dimensions!r}))"
        )
    return "\n".join(lines) + "\n"


def write_targets(root: Path, plan: Plan, *, sliced: bool = False) -> Path:
    """The plan's target files, the metrics plugin and okrdesk.toml under ``root``;
    ``sliced``: some metrics declare a dimension (see ``firm.SLICED``)."""
    (root / "targets").mkdir(parents=True, exist_ok=True)
    (root / "plugins").mkdir(exist_ok=True)
    for name, text in plan_files(plan).items():
        (root / "targets" / name).write_text(text, encoding="utf-8")
    (root / "plugins" / "bench_metrics.py").write_text(
        plugin_source(metric_specs(sliced=sliced)), encoding="utf-8"
    )
    (root / "okrdesk.toml").write_text("# the benchmark's synthetic firm\n", encoding="utf-8")
    return root


COLLECTED_THROUGH = dt.date(2026, 11, 20)
"""The day the firm's store was last collected through, the reports' day: its week
(2026-W47) is stored in part, as a collect that day leaves it, and no later week."""


def fill_store(database: Path, plan: Plan, *, sliced: bool = False) -> Path:
    """Every observation of the plan's people: one per metric and week, through
    ``COLLECTED_THROUGH``; ``sliced``, the metrics of ``firm.SLICED`` in three slices
    (and the whole the store adds up)."""
    names = {spec.name: "bench" for spec in metric_specs()}
    periods = [p for p in weeks() if p.start <= COLLECTED_THROUGH]
    ids = {p.id for p in periods}
    every = sliced_observations(plan) if sliced else observations(plan)
    rows = (o for o in every if o.period in ids)
    with Store.open(database) as store:
        run = store.start_run("bench", COLLECTED_THROUGH)
        store.replace_observations(run, names, periods, rows, COLLECTED_THROUGH)
        store.finish_run(run, "ok", {"bench": "1"}, [])
    return database


CHECKIN_KEY_RESULT = "F2.VISITS"
"""A key result every person of the firm checks in weekly (client visits to date), with
no metric: its figures come from the check-ins alone."""


def add_weekly_checkins(root: Path, plan: Plan) -> int:
    """``CHECKIN_KEY_RESULT`` in the workspace's targets (each branch's share 500), and
    a check-in of it by every person each week, on a day of that week, through
    ``COLLECTED_THROUGH``: the visits to date, growing. How many check-ins."""
    branches = [unit.id for unit in plan.units if unit.level == "branch"]
    objective, key = CHECKIN_KEY_RESULT.split(".")
    okrs = ["", "[[objectives]]", f"id = {_quoted(objective)}", 'title = "客户回访"',
            f"owner = {_quoted(plan.top)}", "", "  [[objectives.key_results]]",
            f"  id = {_quoted(key)}", '  title = "回访客户数"', '  unit = "户"',
            '  direction = "at_least"', "  [objectives.key_results.members]",
            *(f"  {branch} = 500" for branch in branches), ""]  # fmt: skip
    with (root / "targets" / "okrs.toml").open("a", encoding="utf-8") as file:
        file.write("\n".join(okrs))
    draw = random.Random(2026)
    latest: dict[str, float] = {}
    rows = []
    for period in weeks():
        for person in plan.people:
            day = period.start + dt.timedelta(days=draw.randrange(5))
            if day > min(period.end, COLLECTED_THROUGH):
                continue
            latest[person.id] = latest.get(person.id, 0.0) + draw.randrange(4)
            rows.append((CHECKIN_KEY_RESULT, person.id, day.isoformat(), latest[person.id],
                         f"{day.isoformat()}T18:00:00+08:00", person.name))  # fmt: skip
    rows.sort(key=lambda row: row[2])
    # Straight into the table `okrdesk checkin` writes: one by one, as that command adds
    # them, a firm's year of check-ins would take the benchmark an hour to set up.
    with Store.open(root / "okrdesk.db"), sqlite3.connect(root / "okrdesk.db") as connection:
        connection.executemany(
            "INSERT INTO checkins (key_result, subject, day, value, recorded, author) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def add_weekly_collects(
    database: Path, subjects_of: Mapping[str, Sequence[str]], *, last: int | None = None
) -> int:
    """A finished collect of every plan named in ``subjects_of`` (by its unit, with the
    units and people whose figures it replaces) each week through
    ``COLLECTED_THROUGH`` (the ``last`` weeks' alone, where given), the plans in turn
    within a week: the runs a firm's branches collecting into their firm's server leave
    there. How many runs."""
    names = [spec.name for spec in metric_specs()]
    kinds = json.dumps({spec.name: spec.kind.value for spec in metric_specs()}, sort_keys=True)
    asked, landed = json.dumps(names), json.dumps({name: ["week"] for name in names})
    rows = []
    collected = [period for period in weeks() if period.start <= COLLECTED_THROUGH]
    for period in collected[-last:] if last else collected:
        through = min(period.end, COLLECTED_THROUGH)
        started = f"{through.isoformat()}T21:00:00+08:00"
        for unit, subjects in subjects_of.items():
            whose = json.dumps(sorted(subjects), ensure_ascii=False)
            rows.append((started, started, "ok", "collect", through.isoformat(), 4242,
                         '{"bench": "1"}', "[]", "{}", "[]", asked, landed, "{}", "bench",
                         unit, whose, kinds))  # fmt: skip
    # Straight into the table, as the check-ins are (``add_weekly_checkins``).
    with Store.open(database), sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO runs (started, finished, status, command, through, pid, plugins, "
            "errors, revised, warnings, metrics, landed, lines_zh, host, plan_unit, subjects, "
            "kinds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


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
    with Store.open(target) as store, store.transaction():
        store.total_every_period()


# ------------------------------------------------------- a firm's CRM exports


CRM_START = "2026-01-01"
CRM_THROUGH = "2026-06-30"
CRM_WEEK_BEFORE = "2026-06-23"
"""The day a weekly collect through ``CRM_THROUGH`` found the store collected through."""
CRM_TARGETS = {"元": 1e9, "户": 1000, "%": 0.1, "分": 60, "‰": 0.3, "个/户": 3}


def write_crm_workspace(root: Path, branches: int, metrics: Iterable[str]) -> tuple[Path, int]:
    """A workspace whose CMs are a generated firm of ``branches`` branches, with a key
    result on each of ``metrics`` and the brokerage plugin reading the generated export
    (monthly snapshots, January to June); the export's folder and its client-months."""
    import datetime as dt

    from okrdesk_brokerage.metrics import METRICS
    from okrdesk_brokerage_synthetic.generator import firm_cm_ids, generate

    specs = {spec.name: spec for spec in METRICS}
    cms = firm_cm_ids(branches)
    crm = root / "crm"
    start, through = dt.date.fromisoformat(CRM_START), dt.date.fromisoformat(CRM_THROUGH)
    summary = generate(crm, cms, start=start, end=through, snapshot="month")
    (root / "targets").mkdir(parents=True)
    plan = ['[plan]', 'id = "crm"', 'name = "crm"', 'year = 2026', 'unit = "firm"', "",
            "[[phases]]", 'id = "Y"', 'name = "year"', "start = 2026-01-01",
            "end = 2026-12-31", ""]  # fmt: skip
    org = ["[[units]]", 'id = "firm"', 'name = "Firm"', 'level = "firm"', ""]
    for cm in cms:
        org += ["[[people]]", f'id = "{cm}"', f'name = "{cm}"', 'unit = "firm"', ""]
    okrs = ["[[objectives]]", 'id = "O1"', 'title = "CRM"', 'owner = "firm"', ""]
    for n, metric in enumerate(metrics, start=1):
        unit, direction = specs[metric].unit.symbol, specs[metric].direction.value
        okrs += ["[[objectives.key_results]]", f'id = "KR{n}"', f'title = "{metric}"',
                 f'metric = "{metric}"', f"target = {CRM_TARGETS[unit]}", f'unit = "{unit}"',
                 f'direction = "{direction}"', ""]  # fmt: skip
    for name, lines in (("plan.toml", plan), ("org.toml", org), ("okrs.toml", okrs)):
        (root / "targets" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "okrdesk.toml").write_text('[sources.brokerage]\ndata = "crm"\n', encoding="utf-8")
    return crm, summary.clients * 6


def collected_a_week_before(root: Path, metrics: Iterable[str]) -> Callable[[], None]:
    """``root``'s ``metrics`` collected through ``CRM_WEEK_BEFORE`` (once, untimed) and that
    store kept aside; what puts it back, as a user's weekly collect finds its store:
    every week stored but the latest two, which the collect through ``CRM_THROUGH``
    changes (the week that was partial, and a new one)."""
    database = root / "okrdesk.db"
    kept = root / "okrdesk.week-before.db"
    command = [OKRDESK, "collect", "--through", CRM_WEEK_BEFORE, "-w", str(root),
               *(f"--metric={m}" for m in metrics)]  # fmt: skip
    subprocess.run(command, env=ENV, capture_output=True, check=True)
    shutil.copyfile(database, kept)

    def put_back() -> None:
        emptied(root)()
        shutil.copyfile(kept, database)

    return put_back


def emptied(root: Path) -> Callable[[], None]:
    """What takes ``root``'s store away, for a first collect into an empty store."""

    def empty() -> None:
        for name in ("okrdesk.db", "okrdesk.db-wal", "okrdesk.db-shm"):
            (root / name).unlink(missing_ok=True)

    return empty


# ------------------------------------------------ the peak memory of a command
# The peak memory of a command and every process it starts, sampled as it runs.
#
# `okrdesk collect` runs its plugins in processes forked from a fork server, which
# the command does not wait for itself; a child's ``ru_maxrss`` would miss them. So
# the whole process tree is sampled: each process's proportional set size (its
# private pages plus its share of pages shared with the others, from
# ``/proc/PID/smaps_rollup``), summed, every few milliseconds. Linux only.

PROC = Path("/proc")


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        found.setdefault(parent, []).append(int(entry.name))
    return found


def _kilobytes(pid: int) -> int:
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_kilobytes(root: int) -> int:
    """The summed proportional set size of ``root`` and its descendants, in kB."""
    children = _children()
    total, waiting = 0, [root]
    while waiting:
        pid = waiting.pop()
        total += _kilobytes(pid)
        waiting.extend(children.get(pid, ()))
    return total


def peak_megabytes(
    command: Sequence[str], env: Mapping[str, str], every: float = 0.02
) -> tuple[int, float, float]:
    """Run ``command``: its exit code, the peak memory of its process tree in MB, and
    its wall time in seconds."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_kilobytes(process.pid))
        time.sleep(every)
    return process.returncode, peak / 1024, time.perf_counter() - start
