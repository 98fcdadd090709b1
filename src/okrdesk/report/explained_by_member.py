"""A unit's figure of many observations, explained by its members.

A firm's figure sums tens of thousands of observations: listed one by one, they
bury what the reader asked. Past ``LISTED_AT_MOST`` they are added up by the
unit's members (its child units and the people directly in it), each with its
figure, as the report rolls it up, and how many observations make it; the line
after says how to see one member's. A person's observations are always listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import attrs

from okrdesk.engine.rollup import Rollup, subjects_under
from okrdesk.messages import EXPLAIN_MEMBERS, display_width, padded
from okrdesk.model import KeyResult, Plan, StoredObservation

LISTED_AT_MOST = 60
"""Observations listed one by one; more are added up by member (a person's year of
weeks, 53, is listed)."""


@attrs.frozen
class MemberFigures:
    """What explaining ``kr``'s figure for ``subject`` by its members needs."""

    plan: Plan
    rollup: Rollup
    kr: KeyResult
    metric: str
    subject: str

    def wanted(self, shown: Sequence[StoredObservation]) -> bool:
        """Whether the observations are too many to list, and the subject has members."""
        return self.subject not in self.plan.people_by_id and len(shown) > LISTED_AT_MOST

    def lines(
        self,
        shown: Sequence[StoredObservation],
        written: Callable[[float | None], str],
        lang: str,
    ) -> list[str]:
        """A row for each member with its figure (``written`` as the explanation writes
        one) and its observations, the subject's own (stored on it, not below it) last;
        then how to see one member's observations."""
        said = EXPLAIN_MEMBERS[lang]
        members = _members(self.plan, self.subject)
        member_of = {s: m for m in members for s in subjects_under(self.plan, m)}
        counts = Counter(member_of.get(r.observation.subject, self.subject)
                         for r in shown if not r.observation.slice)  # fmt: skip
        rows = [
            (self._named(m), written(self.rollup.sliced(self.metric, m, self.kr.where).value),
             f"{counts[m]:,}")
            for m in members
        ]  # fmt: skip
        if counts[self.subject]:
            rows.append((said["itself"].format(name=self._named(self.subject)), "",
                         f"{counts[self.subject]:,}"))  # fmt: skip
        heading = (said["member"], said["value"], said["observations"])
        widths = [max(display_width(row[i]) for row in [heading, *rows]) for i in range(3)]
        lines = [_row(heading, widths)] + [_row(row, widths) for row in rows]
        first = next((m for m in members if counts[m]), None)
        if first is not None:
            option = "--person" if first in self.plan.people_by_id else "--unit"
            lines.append(said["one_member"].format(kr=self.kr.id, option=option, member=first))
        return lines

    def _named(self, subject: str) -> str:
        return f"{self.plan.name_of(subject)} ({subject})"


def _members(plan: Plan, unit: str) -> list[str]:
    """Ids directly below a unit: its child units, then the people in it."""
    return [u.id for u in plan.child_units(unit)] + [p.id for p in plan.people_in(unit)]


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    name, value, count = cells
    return (f"  {padded(name, widths[0])}  {padded(value, widths[1], right=True)}  "
            f"{padded(count, widths[2], right=True)}").rstrip()  # fmt: skip
