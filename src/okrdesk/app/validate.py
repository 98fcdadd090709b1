"""``okrdesk validate``: every problem in the target files and settings at once,
and a one-line description of a clean plan (the demo prints it too)."""

from __future__ import annotations

import shlex
from collections import Counter

import attrs

from okrdesk.app.session import Session
from okrdesk.errors import display_path
from okrdesk.model import Plan
from okrdesk.plugins.manager import UNTRUSTED
from okrdesk.targets.source_lines import SourceLines


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def plan_summary(plan: Plan) -> str:
    levels = Counter(unit.level for unit in plan.units)
    org = ", ".join(_count(n, level) for level, n in levels.items())
    results = sum(len(o.key_results) for o in plan.objectives)
    budget = plan.budget.amount / 10_000
    return (
        f"Plan {plan.id} ({plan.name}): {org}, {_count(len(plan.people), 'person', 'people')}; "
        f"{_count(len(plan.phases), 'phase')}; {_count(len(plan.objectives), 'objective')} "
        f"with {_count(results, 'key result')}; budget {budget.normalize():f}万元 in "
        f"{_count(len(plan.budget.lines), 'line')}."
    )


@attrs.frozen
class Validation:
    lines: tuple[str, ...]
    ok: bool


def validate(session: Session) -> Validation:
    """Each problem as FILE:LINE: key.path: message with the source line and a caret
    under the column, warnings, then a count."""
    sources = SourceLines(session.workspace.root)
    lines = [
        text for problem in session.problems for text in (str(problem), *sources.pointer(problem))
    ]
    lines += [f"warning: {warning}" for warning in session.warnings]
    lines += [
        f"warning: plugin {name}: {error}"
        for name, error in session.host.broken_errors()
        if error != UNTRUSTED
    ]
    lines += _skipped(session)
    files = len(session.loaded.files)
    noun = "file" if files == 1 else "files"
    if session.problems:
        count = len(session.problems)
        lines.append(f"{count} {'problem' if count == 1 else 'problems'} in {files} {noun}.")
        return Validation(tuple(lines), ok=False)
    lines.append(f"{files} {noun} checked, no problems. {plan_summary(session.plan)}")
    return Validation(tuple(lines), ok=True)


def _skipped(session: Session) -> list[str]:
    """The workspace's own code that was not run, and how to allow it."""
    root = session.workspace.root
    skipped = [display_path(path, root) for path in session.host.skipped]
    if not skipped:
        return []
    return [
        f"warning: not run: {', '.join(skipped)}: this workspace's own code runs only once "
        "you trust it.",
        f"warning: to allow it, if you trust who wrote it: okrdesk trust "
        f"{shlex.quote(str(root.resolve()))}",
    ]
