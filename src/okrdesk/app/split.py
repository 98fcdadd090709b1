"""``okrdesk split``: decide the shares, write them into the target file, check it."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

from okrdesk.app.session import (
    Session,
    find_key_result,
    open_session,
    stored,
)
from okrdesk.engine.plan_calendar import plan_periods
from okrdesk.engine.rollup import subjects_under
from okrdesk.engine.shares import Split, default_members, split_target
from okrdesk.engine.tree_targets import owner_of
from okrdesk.errors import BadInput, OkrdeskError, display_path
from okrdesk.model import KeyResult, MetricKind, Plan
from okrdesk.periods import Grain, Period
from okrdesk.store.reader import StoreReader
from okrdesk.targets.reader import no_such
from okrdesk.targets.write import CannotEdit, edit_key_result_tables, rewrite
from okrdesk.units import UNITS, Dimension, format_in, parse_quantity

OVER = {"months": Grain.MONTH, "weeks": Grain.WEEK}


def _weights_from_file(path: Path, plan: Plan, owner: str) -> dict[str, float]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadInput(f"{path}: cannot read the weights: {error}") from None
    below = set(subjects_under(plan, owner)) - {owner}
    weights = {}
    for member, weight in data.items():
        if member not in below:
            raise BadInput(f'{path}: {member}: not a unit or person below "{owner}"')
        weights[member] = _weight(path, member, weight)
    if not weights:
        raise BadInput(f"{path}: no weights in the file (write one member = weight a line)")
    return weights


def _weight(path: Path, member: str, weight: object) -> float:
    """A weight as a number, or as a person types one in quotes: "1,200", "30%"."""
    number: Decimal | None = None
    if isinstance(weight, int | float) and not isinstance(weight, bool):
        number = Decimal(str(weight))
    elif isinstance(weight, str):
        try:
            number = parse_quantity(UNITS["ratio"], weight)
        except ValueError as error:
            raise BadInput(f"{path}: {member}: {error}") from None
    if number is None or not number.is_finite() or number < 0:
        raise BadInput(f"{path}: {member}: expected a weight of 0 or more, got {weight!r}")
    return float(number)


def _last_period_weights(
    session: Session, kr: KeyResult, members: list[str], as_of: dt.date
) -> dict[str, float]:
    plan = session.plan
    spec = session.host.metrics.get(kr.metric or "")
    rate = kr.unit.dimension not in (Dimension.COUNT, Dimension.MONEY)
    if rate or (spec is not None and spec.kind is MetricKind.RATIO):
        raise BadInput(
            f"--by last-period shares a count or an amount; {kr.id} is a rate in "
            f"{kr.unit.symbol}, which every member gets whole: use --by equal"
        )
    complete = [p for p in plan_periods(plan, as_of) if p.end < as_of]
    if not complete:
        raise BadInput(f"no period of the plan has ended by {as_of}; use --by equal")
    last = complete[-1]
    store = stored(session.workspace)
    if store is None:
        raise BadInput("no numbers yet: run `okrdesk collect` first, or use --by equal")
    with store, store.reading():
        if spec is None:
            achieved = _checked_in(store, kr, last)
        else:
            values = store.values_in_period(spec.name, last.id)
            achieved = {s: float(v[0] or 0.0) for s, v in values.items()}
    weights = {m: sum(achieved.get(s, 0.0) for s in subjects_under(plan, m)) for m in members}
    if not any(weights.values()):
        raise BadInput(f"the members achieved nothing in {last.id}; use --by equal")
    return weights


def _checked_in(store: StoreReader, kr: KeyResult, period: Period) -> dict[str, float]:
    """What each subject's check-ins of ``kr`` (to-date figures) grew by in ``period``."""
    latest: dict[str, dict[bool, float]] = {}
    for entry in sorted(store.checkins(kr.id), key=lambda c: (c.day, c.id)):
        if entry.day <= period.end:
            latest.setdefault(entry.subject, {})[entry.day < period.start] = entry.value
    return {
        subject: values.get(False, values.get(True, 0.0)) - values.get(True, 0.0)
        for subject, values in latest.items()
    }


def _hand_set(kr: KeyResult, split: Split, over: str | None) -> list[str]:
    """The figures already in the file that this split would change, one line each."""
    unit = kr.unit
    new = {m: unit.to_base(v) for m, v in split.members.items()}
    old = dict(kr.member_targets)
    changed = []
    if old and old != new:
        for member in [*old, *(m for m in new if m not in old)]:
            if old.get(member) != new.get(member):
                before = format_in(unit, old[member]) if member in old else "none"
                after = format_in(unit, new[member]) if member in new else "none"
                changed.append(f"  {member}: {before} → {after}")
    written = {p.period: p.fraction for p in kr.calendar}
    if over and written and written != dict(split.calendar):
        changed.append(
            f"  calendar: the {len(written)} periods written ({', '.join(written)}) → "
            f"{len(split.calendar)} {over}"
        )
    return changed


def run_split(
    session: Session,
    key_result: str,
    unit: str,
    by: str,
    weights_file: Path | None,
    over: str | None,
    dry_run: bool,
    as_of: dt.date | None = None,
    replace: bool = False,
) -> list[str]:
    plan = session.plan
    kr = find_key_result(plan, key_result)
    owner = owner_of(plan, kr)
    if unit not in plan.units_by_id:
        raise BadInput(no_such("unit", unit, plan.units_by_id, f"{kr.id} belongs to {owner}"))
    if unit != owner:
        raise BadInput(
            f"{kr.id} belongs to {owner}, not {unit}; split a key result at its owner "
            "(a team's share is split in the team's own key result)"
        )
    if (weights_file is not None) != (by == "weight"):
        raise BadInput("--weights FILE goes with --by weight, and --by weight needs it")
    members = default_members(plan, owner)
    if by == "weight" and weights_file is not None:
        weights = _weights_from_file(weights_file, plan, owner)
    elif by == "last-period":
        weights = _last_period_weights(session, kr, members, as_of or dt.date.today())
    else:
        weights = dict.fromkeys(members, 1.0)
    if not weights:
        raise BadInput(f"{owner} has no units or people below it to split onto")
    spec = session.host.metrics.get(kr.metric or "")
    periods = plan_periods(plan, plan.end, OVER[over]) if over else ()
    split = split_target(plan, kr, owner, weights, spec.kind if spec else None, periods)
    lines = _describe(split, by, over)
    path = session.loaded.objective_files[kr.objective]
    shown = display_path(path, session.workspace.root)
    changed = [] if replace else _hand_set(kr, split, over)
    if changed and not dry_run:
        raise BadInput(
            "\n".join([
                f"{kr.id} already has figures in {shown} that this split would replace:",
                *changed,
                "Nothing was changed. Add --replace to replace them.",
            ])
        )  # fmt: skip
    old = path.read_bytes()
    try:
        new = edit_key_result_tables(
            old, kr.objective, kr.key,
            dict(split.members), dict(split.calendar) if over else None,
        )  # fmt: skip
    except CannotEdit as error:
        raise BadInput(f"{shown}: cannot write the split into the file: {error}. "
                       "Nothing was changed.") from None  # fmt: skip
    if dry_run:
        replacing = ["It would replace figures already written (add --replace):", *changed]
        return [*lines, *(replacing if changed else []), f"Dry run: {shown} was not changed."]
    rewrite(path, new)
    checked = open_session(session.workspace.root)
    if checked.problems:
        rewrite(path, old)
        found = "\n".join(map(str, checked.problems))
        raise OkrdeskError(f"the split would leave problems, so {shown} was put back:\n{found}")
    return [*lines, f"Wrote {shown}."]


def _describe(split: Split, by: str, over: str | None) -> list[str]:
    kr = split.key_result
    unit = kr.unit
    lines = [
        f"{kr.id} {kr.title}: {format_in(unit, unit.to_base(split.target))} for {split.owner}, "
        f"split {'equally' if by == 'equal' else 'by ' + by} over {len(split.members)} members:"
    ]
    width = max(len(m) for m in split.members)
    for member, value in split.members.items():
        lines.append(f"  {member:<{width}}  {format_in(unit, unit.to_base(value))}")
    total = sum(split.members.values(), Decimal(0))
    lines.append(f"  {'total':<{width}}  {format_in(unit, unit.to_base(total))}")
    if over:
        due = ", ".join(f"{p} {float(f):.1%}" for p, f in split.calendar.items())
        lines.append(f"Due by the end of each of the {over} (cumulative): {due}")
    return lines
