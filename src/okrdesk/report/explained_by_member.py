"""A unit's figure explained by its members: each one's figure and, where the key result
shares its target out among them, each one's share and attainment, ranked.

A firm's figure sums tens of thousands of observations: listed one by one, they
bury what the reader asked. Past ``LISTED_AT_MOST`` they are added up by the
unit's members (its child units and the people directly in it), each with its
figure, as the report rolls it up, and how many observations make it; the line
after says how to see one member's. A person's observations are always listed.
Where the key result sets its members shares (a branch's 45亿 as 16亿, 14亿 and 15亿
for its teams), the members holding one are ranked by attainment, highest first as
the report ranks its members, whatever the number of observations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from okrdesk.engine.rollup import Rollup, subjects_under
from okrdesk.engine.tree_targets import owner_of
from okrdesk.figures_apart import beside_target
from okrdesk.messages import EXPLAIN_MEMBERS, display_width, label, padded
from okrdesk.model import KeyResult, Plan, StoredObservation
from okrdesk.report.numbers import attainment_percent
from okrdesk.report.subject_names import names_told_apart
from okrdesk.units import Dimension

LISTED_AT_MOST = 60
"""Observations listed one by one; more are added up by member (a person's year of
weeks, 53, is listed)."""

NAMED_AT_MOST = 10
"""Members with no data named below a table by member; more are counted."""

_RANKED = {
    "en": {"rank": "rank", "attained": "attained",
           "ranked": "Each member against its share, ranked by attainment:"},
    "zh": {"rank": "名次", "attained": "完成率",
           "ranked": "各成员对照其分解目标，按完成率排名："},
}  # fmt: skip


@attrs.frozen
class MemberFigures:
    """What explaining ``kr``'s figure for ``subject`` by its members needs: with
    ``attained``, each member's attainment of its share (None: no figure yet), as the
    report's engine judges it; empty where the key result sets ``subject``'s members no
    shares."""

    plan: Plan
    rollup: Rollup
    kr: KeyResult
    metric: str
    subject: str
    lang: str
    attained: Mapping[str, float | None] = attrs.field(factory=dict)
    split_credit: bool = False
    """Its metric's counts may be shared (``MetricSpec.split_credit``): written with the
    decimals they need, not as whole counts."""
    value_of: Callable[[str], float | None] | None = None
    """A member's figure where it is not its rollup's: a growth target's over its window."""
    _names: Callable[[str], str] = attrs.field(init=False)

    @_names.default
    def _told_apart(self) -> Callable[[str], str]:
        return names_told_apart(self.plan, self.lang)

    def wanted(self, shown: Sequence[StoredObservation]) -> bool:
        """Whether the observations are too many to list, and the subject has members."""
        return self.subject not in self.plan.people_by_id and len(shown) > LISTED_AT_MOST

    def ranked(self) -> bool:
        """Whether the key result sets shares of its target for the subject's members."""
        return bool(self.shares)

    @property
    def shares(self) -> Mapping[str, Decimal]:
        if self.subject != owner_of(self.plan, self.kr):
            return {}
        members = set(_members(self.plan, self.subject))
        return {m: t for m, t in self.kr.member_targets.items() if m in members}

    def named(self, subject: str) -> str:
        """A unit or person by its name, with its id where another shares the name."""
        return self._names(subject)

    def lines(
        self,
        shown: Sequence[StoredObservation],
        written: Callable[[float | None], str],
        *,
        how_to_see_one: bool = True,
    ) -> list[str]:
        """A row for each member with its figure (``written`` as the explanation writes
        one) and its observations, the subject's own (stored on it, not below it) last;
        ranked by attainment where the members hold shares; then how many members have
        no data, and who, where some have none; then, when the observations are too many
        to list and ``how_to_see_one`` (not said already), how to see one member's."""
        said, ranked = EXPLAIN_MEMBERS[self.lang], _RANKED[self.lang]
        members = _members(self.plan, self.subject)
        member_of = {s: m for m in members for s in subjects_under(self.plan, m)}
        # The rows that make the figure: whole ones, or a slice key result's slices.
        counts = Counter(member_of.get(r.observation.subject, self.subject)
                         for r in shown if self.kr.where or not r.observation.slice)  # fmt: skip
        shares = self.shares
        # A member with no figure and no observation is told once below, not a row of
        # its own that reads as if measured; one holding a share keeps its row and its rank.
        measured = [m for m in members if m in shares or counts[m] or self._value(m) is not None]
        unmeasured = [m for m in members if m not in measured]
        if shares:
            # Those holding a share, best first; the rest only add to the figure.
            measured = self._by_attainment([m for m in measured if m in shares]) + [
                m for m in measured if m not in shares
            ]
        members = measured
        figures = {m: self._figures(m, written) for m in members}
        ranks = _ranks([figures[m][2] if m in shares else None for m in members])
        rows = [
            (*([str(rank or "")] if shares else []), self.named(m), figures[m][0],
             *(list(figures[m][1:]) if shares else []), f"{counts[m]:,}")
            for m, rank in zip(members, ranks, strict=True)
        ]  # fmt: skip
        if counts[self.subject]:
            itself = self.rollup.own(self.metric, self.subject, self.kr.where).value
            rows.append((*([""] if shares else []),
                         said["itself"].format(name=self.named(self.subject)), written(itself),
                         *(["", ""] if shares else []), f"{counts[self.subject]:,}"))  # fmt: skip
        heading = (*([ranked["rank"]] if shares else []), said["member"], said["value"],
                   *([said["target"], ranked["attained"]] if shares else []),
                   said["observations"])  # fmt: skip
        widths = [max(display_width(row[i]) for row in [heading, *rows])
                  for i in range(len(heading))]  # fmt: skip
        name_at = 1 if shares else 0
        lines = [_row(heading, widths, name_at)] + [_row(row, widths, name_at) for row in rows]
        if unmeasured:
            lines.append(self._without_data(unmeasured))
        first = next((m for m in _members(self.plan, self.subject) if counts[m]), None)
        if first is not None and self.wanted(shown) and how_to_see_one:
            option = "--person" if first in self.plan.people_by_id else "--unit"
            lines.append(said["one_member"].format(kr=self.kr.id, option=option, member=first))
        return lines

    def _figures(self, member: str, written: Callable[[float | None], str]) -> tuple[str, str, str]:
        """A member's figure, share and attainment as its row writes them; a figure short
        of its share never reads as the share, nor its attainment as 100.0%
        (``okrdesk.figures_apart``, as the report's rows); a member with no share has no
        attainment, not 0%."""
        value = self._value(member)
        share = self.shares.get(member)
        if share is None:
            return written(value), "—", "—"
        attained = self.attained.get(member)
        shown = (written(value), written(float(share)), attainment_percent(attained))
        if value is None or attained is None or attained >= 1:
            return shown
        whole = self.kr.unit.dimension is Dimension.COUNT and not self.split_credit
        figure, target = beside_target(self.kr.unit, value, float(share), self.lang, whole=whole)
        return figure, target, shown[2]

    def _value(self, member: str) -> float | None:
        if self.value_of is not None:
            return self.value_of(member)
        return self.rollup.sliced(self.metric, member, self.kr.where).value

    def _without_data(self, members: Sequence[str]) -> str:
        """The members left out of the table for having no data, in one line: how many,
        and who (the first ``NAMED_AT_MOST`` of them, where there are more)."""
        said = EXPLAIN_MEMBERS[self.lang]
        names = [self.named(m) for m in members[:NAMED_AT_MOST]]
        more = len(members) - len(names)
        people = all(m in self.plan.people_by_id for m in members)
        key = "no_data_people" if people else "no_data"
        return said[key].format(
            count=len(members),
            names=label(self.lang, "list_sep").join(names),
            more=said["no_data_more"].format(count=more) if more else "",
        )

    def ranked_heading(self) -> str:
        """What the ranking says it is, above it, where the observations are listed too."""
        return _RANKED[self.lang]["ranked"]

    def own_rows(self, shown: Sequence[StoredObservation]) -> list[StoredObservation]:
        """The observations stored on the subject itself, not below it: too few to be
        added up, and found under no member's ``--unit``, they are listed."""
        own = [r for r in shown if r.observation.subject == self.subject]
        return own if len(own) <= LISTED_AT_MOST else []

    def own_heading(self) -> str:
        return EXPLAIN_MEMBERS[self.lang]["own_rows"].format(name=self.named(self.subject))

    def _by_attainment(self, members: list[str]) -> list[str]:
        """Highest attainment first, as the report ranks; those with no figure yet last,
        each group in the plan's order."""
        order = {m: n for n, m in enumerate(members)}

        def standing(member: str) -> tuple[bool, float, int]:
            attained = self.attained.get(member)
            return attained is None, -(attained or 0.0), order[member]

        return sorted(members, key=standing)


def _ranks(shown: Sequence[str | None]) -> list[int | None]:
    """Ranks for attainments already in order, as written: those that read the same share
    a rank, and the next counts them all (1, 2, 2, 4), as the report's ranking does; none
    for a member with no share or no figure."""
    ranks: list[int | None] = []
    counted, last, last_rank = 0, None, 0
    for text in shown:
        if text is None or text == "—":
            ranks.append(None)
            continue
        counted += 1
        last_rank = last_rank if text == last else counted
        last = text
        ranks.append(last_rank)
    return ranks


def _members(plan: Plan, unit: str) -> list[str]:
    """Ids directly below a unit: its child units, then the people in it."""
    return [u.id for u in plan.child_units(unit)] + [p.id for p in plan.people_in(unit)]


def _row(cells: Sequence[str], widths: Sequence[int], name_at: int) -> str:
    """The name left-aligned, the rank before it and the figures after it (value, a
    share's target, attainment, count) right-aligned."""
    shown = [padded(c, w, right=n != name_at)
             for n, (c, w) in enumerate(zip(cells, widths, strict=True))]  # fmt: skip
    return ("  " + "  ".join(shown)).rstrip()
