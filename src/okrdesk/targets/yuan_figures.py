"""Money written with a yuan sign, the way a branch writes it on paper (``¥30``, ``-¥30``,
``¥1,200``, ``￥899万``), quoted or not: the figure it is, and where it cannot be what was
written, why: below zero where nothing can be, or a comma no reader can trust
(``¥1,2345``). The advice for the figure itself is the caller's, given in its key's unit."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from okrdesk.errors import Said
from okrdesk.records import shared_methods

if TYPE_CHECKING:
    from okrdesk.model import MetricSpec

_SIGNED = re.compile(r"([+-]?)\s*[¥￥]\s*([+-]?)\s*([0-9].*)")
_COMMAS = re.compile(r"[0-9]+(?:,[0-9]+)+(?:\.[0-9]+)?")
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_BARE = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


@attrs.frozen
@shared_methods
class YuanFigure:
    """A figure written after a yuan sign, without its sign and the yuan sign."""

    negative: bool
    figure: str
    """As the key's unit reads it: ``30元`` for ¥30, ``899万`` for ¥899万, ``12345元`` for
    ¥1,2345 (its comma left out)."""
    shown: str
    """How the figure is written after the sign where it is meant: ``30``, ``12,345``."""
    untrusted: str | None = None
    """The digits as written where their commas are not at thousands: ``1,2345``."""
    sign: str = "¥"
    """The sign it was written after: "" for a figure quoted below zero (``"-30"``)."""
    bare: bool = False
    """Written with neither a unit nor thousands separators (``¥899``): in a table kept in
    万元, as likely 899万 meant as 899元."""


def yuan_figure(written: str) -> YuanFigure | None:
    """``written`` (``-¥30``, ``¥-30``, ``¥1,200``, ``¥899万``) as a ``YuanFigure``; None for
    anything that does not begin with a yuan sign, or a sign before it."""
    found = _SIGNED.fullmatch(written.strip())
    if found is None or (found[1] and found[2]):
        return None
    rest = found[3].strip()
    untrusted = None
    commas = _COMMAS.match(rest)
    if commas is not None and _THOUSANDS.fullmatch(commas[0]) is None:
        untrusted = commas[0]
        plain = Decimal(untrusted.replace(",", ""))
        rest = untrusted.replace(",", "") + rest[commas.end() :]
        shown = format(plain, ",")
    else:
        shown = rest
    bare = _BARE.fullmatch(rest) is not None
    if bare:
        rest += "元"  # ¥899 is 899元, whatever unit its table is in
    return YuanFigure("-" in (found[1], found[2]), rest, shown, untrusted,
                      bare=bare and untrusted is None and "," not in rest)  # fmt: skip


def yuan_said(
    found: YuanFigure, advise: Callable[[str], Said | None], refused: Said | None
) -> Said | None:
    """What to write for ``found``: ``advise``'s advice for the figure (``30元``, or
    ``-30元`` where below zero is no mistake), after why it cannot be as written where it
    cannot: ``refused``, why the key is never below zero; a comma not at thousands."""
    negative = found.negative and refused is None
    advice = advise(("-" if negative else "") + found.figure)
    if advice is None:
        return None
    if found.bare:
        advice = _either_reading(found, negative, advice,
                                 advise(("-" if negative else "") + found.shown))  # fmt: skip
    why_en, why_zh = [], []
    if found.untrusted is not None:
        plain = Decimal(found.untrusted.replace(",", ""))
        wan = f"{(plain / 10000).normalize():f}万"
        why_en.append(
            f"{found.untrusted} is no figure a reader can trust: its comma is not at thousands, "
            f"and it is written neither as {found.shown} nor as {wan}"
        )
        why_zh.append(
            f"{found.untrusted} 的逗号不在千位上，既没有写成 {found.shown}，也没有写成 {wan}，"
            "读者无法确信它是多少"
        )
    if found.negative and refused is not None:
        why_en.append(refused.en)
        why_zh.append(refused.zh)
    if not why_en:
        return advice
    if advice.en.startswith("write "):  # else the advice says itself what it takes
        meant = f"{'-' if negative else ''}{found.sign}{found.shown}"
        advice = Said(f"if {meant} is meant, {advice.en}", f"若指 {meant}，{advice.zh}")
    return Said("; ".join([*why_en, advice.en]), "；".join([*why_zh, advice.zh]))


def _either_reading(
    found: YuanFigure, negative: bool, as_yuan: Said, as_written: Said | None
) -> Said:
    """For ``¥899`` in a table whose unit is larger than 元, both lines to write: 899元,
    as the sign says, and 899 in the table's unit, as a bare 899 there is (the rule
    ``okrdesk checkin`` and ``spend add`` refuse it by). ``as_yuan`` alone where the two
    lines are one, or where it names both readings already (``¥12``: 0.0012万 no one
    means) or is no line to write (money where the unit is no money)."""
    line = re.compile(r"write (\S+ = \S+?)(?:,|$)")
    yuan, plain = line.match(as_yuan.en), line.match(as_written.en) if as_written else None
    if as_written is None or yuan is None or plain is None or " would be " in as_yuan.en:
        return as_yuan
    if yuan[1] == plain[1]:
        return as_yuan
    number = ("-" if negative else "") + found.shown  # a key never below zero: the figure
    return Said(
        f"if {number}元 is meant, {as_yuan.en}; if {number} in the table's unit, {as_written.en}",
        f"若是 {number}元，{as_yuan.zh}；若是以表的单位计的 {number}，{as_written.zh}",
    )


_NEVER_BELOW_ZERO = {
    ("budget", "total"): Said("a budget's total is never below zero",
                              "预算总额不能为负"),
    ("budget", "expected_revenue"): Said("a budget's expected revenue is never below zero",
                                         "预期收入不能为负"),
    ("budget.lines", "amount"): Said("a budget line's amount is more than 0",
                                     "预算项的金额必须大于 0"),
    ("objectives.key_results", "band"): Said("a band around the target is never below zero",
                                             "目标值上下的容差不能为负"),
}  # fmt: skip


def below_zero_refused(table: str, key: str, metric: MetricSpec | None = None) -> Said | None:
    """Why ``key`` of ``table`` (dotted, as a header writes it) is never below zero; None
    where it may be: a key result's target or baseline, unless its ``metric`` never is
    (a count of new clients may not be, net new AUM may)."""
    if table == "objectives.key_results.members":
        return Said("a member's target is never below zero", "成员的目标值不能为负")
    said = _NEVER_BELOW_ZERO.get((table, key))
    if said is not None or metric is None or key not in ("target", "baseline"):
        return said
    if not metric.never_below_zero:
        return None
    return Said(f"the metric {metric.name} ({metric.label_en}) is never below zero",
                f"指标 {metric.name}（{metric.label_zh}）不会为负")  # fmt: skip
