"""One refused figure's message, shown, with the same mistake made again for other
people or periods counted beside it: a plugin that emits text for every person is told
``cm01 2026-W02: value must be a number, not str (and 4 more like it: cm02, cm03, cm04,
…)``, not the same words five times over with only the person changed."""

from __future__ import annotations

import attrs

from okrdesk.errors import Said

PLACES_NAMED = 3
"""How many of the others made the same mistake are named; the rest are counted."""


@attrs.define
class LikeMistakes:
    said: Said
    """The first message, as it was worded: its subject and period, the mistake, its source."""
    mistake: Said | None = None
    """What was wrong, without whom and when: another refusal in these words is one like
    it. None where the message names no subject and period (``emit.error``'s words): only
    the same words again are the same mistake, and they are counted apart."""
    subject: str = ""
    period: str = ""
    like: int = 0
    """How many more refusals were the same mistake."""
    places: list[tuple[str, str]] = attrs.Factory(list)
    """(subject, period) of the first few of them, each once."""
    unnamed: bool = False
    """Whether some of them were for a subject and period not among ``places``."""
    same_subject: bool = True
    same_period: bool = True
    by_subject: bool = False
    """Whether the others are named by subject alone, each once: where the subject is the
    mistake (a name given for an id), the names it was made with are what to see."""

    def add(self, subject: object, period: object) -> None:
        """Another refusal of the same mistake, for ``subject`` in ``period``."""
        self.like += 1
        subject, period = str(subject), str(period)
        if self.by_subject:
            self.same_period = False
            if subject == self.subject or any(subject == named for named, _ in self.places):
                return
            if len(self.places) < PLACES_NAMED:
                self.places.append((subject, ""))
            else:
                self.unnamed = True
            return
        self.same_subject = self.same_subject and subject == self.subject
        self.same_period = self.same_period and period == self.period
        place = (subject, period)
        if place in (*self.places, self.place):
            self.unnamed = True  # counted again: "cm02, …", not a count its names fall short of
            return
        if len(self.places) < PLACES_NAMED:
            self.places.append(place)
        else:
            self.unnamed = True

    @property
    def place(self) -> tuple[str, str]:
        return (self.subject, self.period)

    def told(self) -> Said:
        """The first message, and the others like it counted and the first few named: by
        person where they are all of its period, by period where all of its person."""
        if not self.like:
            return self.said
        if self.same_period or self.by_subject:
            names = [subject for subject, _ in self.places]
        elif self.same_subject:
            names = [period for _, period in self.places]
        else:
            names = [f"{subject} {period}" for subject, period in self.places]
        if not names:  # each for the first's own person and period
            return Said(f"{self.said.en} (and {self.like:,} more like it)",
                        f"{self.said.zh}（另有 {self.like:,} 个同样的问题）")  # fmt: skip
        rest = self.unnamed
        en = f" (and {self.like:,} more like it: {', '.join(names)}{', …' if rest else ''})"
        zh = f"（另有 {self.like:,} 个同样的问题：{'、'.join(names)}{'等' if rest else ''}）"
        return Said(self.said.en + en, self.said.zh + zh)
