"""Units and people as a manager knows them: by name. Where the plan holds two of one
name (a firm's two 王芳), each is told apart by its id, as `due` writes them: 王芳（cm01）."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from okrdesk.errors import printable
from okrdesk.model import Plan


def names_told_apart(plan: Plan, lang: str) -> Callable[[str], str]:
    """A function giving a unit's or person's name, with its id beside it where another
    unit or person of the plan has the same name. Made safe to show before it is
    measured: a table's columns are as wide as what the terminal shows."""
    names = Counter([u.name for u in plan.units] + [p.name for p in plan.people])

    def named(subject: str) -> str:
        name = plan.name_of(subject)
        if names[name] > 1:
            name = f"{name}（{subject}）" if lang == "zh" else f"{name} ({subject})"
        return printable(name)

    return named
