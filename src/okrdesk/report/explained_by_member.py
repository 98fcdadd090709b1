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
from okrdesk.engine.tree_targets import owner_of
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
        # A head office comparing its branches on one key result reads each one's figure
        # beside the share it was set, where the key result sets the members shares.
        shares = self.kr.member_targets if self.subject == owner_of(self.plan, self.kr) else {}
        targeted = any(m in shares for m in members)
        rows = [
            (self._named(m), written(self.rollup.sliced(self.metric, m, self.kr.where).value),
             *([written(float(shares[m])) if m in shares else "—"] if targeted else []),
             f"{counts[m]:,}")
            for m in members
        ]  # fmt: skip
        if counts[self.subject]:
            itself = self.rollup.own(self.metric, self.subject, self.kr.where).value
            rows.append((said["itself"].format(name=self._named(self.subject)), written(itself),
                         *([""] if targeted else []), f"{counts[self.subject]:,}"))  # fmt: skip
        heading = (said["member"], said["value"], *([said["target"]] if targeted else []),
                   said["observations"])  # fmt: skip
        widths = [max(display_width(row[i]) for row in [heading, *rows])
                  for i in range(len(heading))]  # fmt: skip
        lines = [_row(heading, widths)] + [_row(row, widths) for row in rows]
        first = next((m for m in members if counts[m]), None)
        if first is not None:
            option = "--person" if first in self.plan.people_by_id else "--unit"
            lines.append(said["one_member"].format(kr=self.kr.id, option=option, member=first))
        return lines

    def own_rows(self, shown: Sequence[StoredObservation]) -> list[StoredObservation]:
        """The observations stored on the subject itself, not below it: too few to be
        added up, and found under no member's ``--unit``, they are listed."""
        own = [r for r in shown if r.observation.subject == self.subject]
        return own if len(own) <= LISTED_AT_MOST else []

    def own_heading(self, lang: str) -> str:
        return EXPLAIN_MEMBERS[lang]["own_rows"].format(name=self._named(self.subject))

    def _named(self, subject: str) -> str:
        return f"{self.plan.name_of(subject)} ({subject})"


def _members(plan: Plan, unit: str) -> list[str]:
    """Ids directly below a unit: its child units, then the people in it."""
    return [u.id for u in plan.child_units(unit)] + [p.id for p in plan.people_in(unit)]


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """The name left-aligned, then the figures (value, a share's target, count) right."""
    figures = "  ".join(
        padded(c, w, right=True) for c, w in zip(cells[1:], widths[1:], strict=True)
    )
    return f"  {padded(cells[0], widths[0])}  {figures}".rstrip()
