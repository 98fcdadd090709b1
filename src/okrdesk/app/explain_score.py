"""How a score on the report is made: a unit's or person's from its objectives' scores,
an objective's from its key results' attainment, each step with the figures the report
shows, so that a manager can add them up by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from okrdesk.app.explain import nothing_stored, subject_line
from okrdesk.app.session import Session, stored
from okrdesk.engine.plan_calendar import clamp_to_plan
from okrdesk.engine.progress import Engine, ObjectiveProgress, key_results_for
from okrdesk.errors import BadInput
from okrdesk.messages import display_width, label, padded
from okrdesk.model import Plan
from okrdesk.report.numbers import percent, score_text
from okrdesk.report.text_layout import Text, one_line
from okrdesk.targets.reader import no_such
from okrdesk.units import figure

TITLE_WIDTH = 44
"""Display columns for a title in the tables below: the figures beside it stay within
80 columns."""
FORMULA_WIDTH = 78

_SAID: dict[str, dict[str, str]] = {
    "en": {
        "score": "Score {score}: the weighted mean of its objectives' scores",
        "objective_score": "Score {score}: the weighted mean of its key results' attainment, "
        "each counted up to {cap}",
        "no_score": "No score: none of them has a figure yet",
        "left_out": "Not in the score: {items}",
        "no_data": "no data yet",
        "more": "Each objective's score: okrdesk explain {example}",
        "more_kr": "Each key result's figure: okrdesk explain {example}",
        "not_here": "objective {objective} is not in the report of {subject}; "
        "its owner is {owner}: --{flag} {owner}",
    },
    "zh": {
        "score": "综合得分 {score}：各目标得分的加权平均",
        "objective_score": "综合得分 {score}：各关键结果完成率的加权平均，每项至多计 {cap}",
        "no_score": "没有得分：其中尚无一项有数字",
        "left_out": "未计入得分：{items}",
        "no_data": "尚无数据",
        "more": "每个目标的得分：okrdesk explain {example}",
        "more_kr": "每项关键结果的数字：okrdesk explain {example}",
        "not_here": "{subject} 的报告中没有目标 {objective}；"
        "它的负责方是 {owner}：--{flag} {owner}",
    },
}


_HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"objective": ("Objective", "Score", "Weight"),
           "key_result": ("Key result", "Attained", "Counted", "Weight")},
    "zh": {"objective": ("目标", "得分", "权重"),
           "key_result": ("关键结果", "完成率", "计入", "权重")},
}  # fmt: skip


def score_lines(
    session: Session,
    objective: str | None,
    subject: str,
    as_of: dt.date | None,
    lang: str = "zh",
) -> list[str]:
    """How ``subject``'s score (``objective`` None) or its score on ``objective`` is
    made, as of ``as_of``, by the same engine as the report."""
    plan = session.plan
    day = clamp_to_plan(plan, as_of or dt.date.today())
    if objective is not None:
        _check_objective(plan, objective, subject, lang)
    store = stored(session.workspace)
    if store is None:
        raise BadInput(nothing_stored(lang))
    header = subject_line(plan, subject, day, lang)
    with store, store.reading():
        engine = Engine(plan, store, day, session.host.metrics, trends=False, within=subject)
        if objective is None:
            progress = engine.progress(subject, members=False)
            return [header, *_subject_lines(progress.objectives, progress.score, lang)]
        (found,) = [
            engine.objective(o, krs, subject)
            for o, krs in key_results_for(plan, subject)
            if o.id == objective
        ]
        return [f"{found.objective.id} {found.objective.title}", header,
                *_objective_lines(found, plan.attainment_cap, lang)]  # fmt: skip


def _check_objective(plan: Plan, objective: str, subject: str, lang: str) -> None:
    ids = [o.id for o in plan.objectives]
    if objective not in ids:
        hint = ("目标写作 O1 这样的编号，关键结果写作 O1.KR1" if lang == "zh"
                else "objectives are named like O1, key results like O1.KR1")  # fmt: skip
        raise BadInput(no_such("objective", objective, ids, hint, lang))
    if all(o.id != objective for o, _ in key_results_for(plan, subject)):
        owner = next(o.owner for o in plan.objectives if o.id == objective)
        flag = "person" if owner in plan.people_by_id else "unit"
        raise BadInput(_SAID[lang]["not_here"].format(
            objective=objective, subject=subject, owner=owner, flag=flag))  # fmt: skip


def _title(text: str) -> str:
    return padded("".join(part for part, _ in one_line(Text(text), TITLE_WIDTH)), TITLE_WIDTH)


def _formula(parts: Sequence[tuple[str, Decimal]], score: float) -> list[str]:
    """The weighted mean written out with the figures shown above it, so that it can be
    worked by hand, ``= (62.5% + 100.0% × 2 + 81.3%) ÷ 4 = 70.5%``, on lines of at most
    80 columns; nothing for one figure that is the score itself."""
    weights = sum((weight for _, weight in parts), Decimal(0))
    if len(parts) == 1 and weights == 1:
        return []
    terms = [shown if weight == 1 else f"{shown} × {figure(weight)}" for shown, weight in parts]
    if weights != 1 and len(parts) > 1:
        terms[0], terms[-1] = f"({terms[0]}", f"{terms[-1]})"
    terms[-1] += (f" ÷ {figure(weights)}" if weights != 1 else "") + f" = {score_text(score)}"
    lines, line = [], "  ="
    for index, term in enumerate(terms):
        joined = f"{line} {term}" if index == 0 else f"{line} + {term}"
        if index and display_width(joined) > FORMULA_WIDTH:
            lines.append(f"{line} +")
            joined = f"    {term}"
        line = joined
    return [*lines, line]


def _row(*cells: tuple[str, int]) -> str:
    """A table row: the title padded to its width, each figure right-aligned in its own."""
    (title, _), *figures = cells
    return "  " + " ".join([_title(title), *(padded(text, width, right=True)
                                            for text, width in figures)])  # fmt: skip


def _subject_lines(
    objectives: Sequence[ObjectiveProgress], score: float | None, lang: str
) -> list[str]:
    said = _SAID[lang]
    if score is None:
        return [said["no_score"]]
    name, scored, weight = _HEADINGS[lang]["objective"]
    lines = [
        said["score"].format(score=score_text(score)),
        _row((name, 0), (scored, 8), (weight, 6)),
    ]
    parts = []
    for o in objectives:
        if o.score is None:
            continue
        parts.append((score_text(o.score), o.objective.weight))
        lines.append(_row((f"{o.objective.id} {o.objective.title}", 0),
                          (score_text(o.score), 8), (figure(o.objective.weight), 6)))  # fmt: skip
    lines += _formula(parts, score)
    unscored = [f"{o.objective.id} {o.objective.title}" for o in objectives if o.score is None]
    if unscored:
        lines.append(said["left_out"].format(items=_joined(unscored, lang)))
    example = next(o.objective.id for o in objectives if o.score is not None)
    return [*lines, said["more"].format(example=example)]


def _objective_lines(found: ObjectiveProgress, cap: float, lang: str) -> list[str]:
    said = _SAID[lang]
    left_out = [_with_why(f"{p.key_result.id} {p.key_result.title}", said["no_data"], lang)
                for p in found.key_results if p.attainment is None]  # fmt: skip
    left_out += [
        _with_why(f"{kr.id} {kr.title}", label(lang, "unmeasured_why", metric=kr.metric), lang)
        for kr in found.unmeasured
    ]
    lines: list[str] = []
    if found.score is None:
        lines.append(said["no_score"])
    else:
        lines.append(said["objective_score"].format(score=score_text(found.score),
                                                    cap=percent(cap, 0)))  # fmt: skip
        name, attained, counted, weight = _HEADINGS[lang]["key_result"]
        lines.append(_row((name, 0), (attained, 8), (counted, 8), (weight, 6)))
        parts = []
        for p in found.key_results:
            if p.attainment is None:
                continue
            counts = min(p.attainment, cap)
            parts.append((percent(counts), p.key_result.weight))
            lines.append(_row((f"{p.key_result.id} {p.key_result.title}", 0),
                              (percent(p.attainment), 8), (percent(counts), 8),
                              (figure(p.key_result.weight), 6)))  # fmt: skip
        lines += _formula(parts, found.score)
    if left_out:
        lines.append(said["left_out"].format(items=_joined(left_out, lang)))
    measured = [p.key_result.id for p in found.key_results]
    if measured:
        lines.append(said["more_kr"].format(example=measured[0]))
    return lines


def _with_why(item: str, why: str, lang: str) -> str:
    return item + label(lang, "in_brackets", text=why)


def _joined(items: Sequence[str], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(items)
