"""``okrdesk check``: everything that needs attention now, for a person or for cron.

The rules are ``okrdesk.engine.attention``'s, the same the weekly report
shows; this module only opens the workspace and asks for the whole plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs

from okrdesk import clock
from okrdesk.app.session import Session, refuse_unknown_unit, store_to_read
from okrdesk.engine.attention import Alert, Level, alerts, nothing_collected
from okrdesk.engine.budget import apart_by_plan, budget_progress
from okrdesk.engine.plan_calendar import before_the_plan, clamp_to_plan
from okrdesk.engine.progress import Engine
from okrdesk.errors import BadInput, OkrdeskError, printable
from okrdesk.messages import display_width, kind_label, label
from okrdesk.model import SpendEntry
from okrdesk.periods import period_holding
from okrdesk.report.reads import read_for_one_report


@attrs.frozen
class Checked:
    """What ``check`` found, and, on a past day whose period is stored with later days,
    the day the figures it judged run through and that period's id."""

    alerts: list[Alert]
    figures_through: dt.date | None = None
    cut_period: str = ""
    day: dt.date | None = None
    overridden: Mapping[str, tuple[SpendEntry, ...]] = attrs.field(factory=dict)
    """Each tripped budget line's entries spent past its breaker with a reason, standing."""

    def through_line(self, lang: str) -> str:
        """The report's line for the cut (``数据截至 …``); empty when there is none."""
        if self.figures_through is None or self.day is None:
            return ""
        from okrdesk.report.cells import cut_line  # the report's wording, only when cut

        return cut_line(self.figures_through, self.cut_period, self.day, lang)


def check(session: Session, as_of: dt.date | None, unit: str | None = None) -> Checked:
    """What needs attention on ``as_of`` inside ``unit`` (the plan's, by default): what
    that unit's report lists, so a head office can run one check a branch (refused, in
    both languages, when there is no such unit or person)."""
    plan = session.plan
    refuse_unknown_unit(plan, unit)
    asked = as_of or clock.today()
    if (refused := before_the_plan(plan, asked)) is not None:  # as the report refuses it
        raise BadInput(refused)
    day = clamp_to_plan(plan, asked)
    store = store_to_read(session)
    if store is None:
        return Checked(nothing_collected())
    with store, store.reading():
        # Read as the report reads it: a head office's collects, each branch's first and
        # latest where that one answers for the rest, not a year of every branch's weeks.
        reads = read_for_one_report(store, plan.subject_ids, plan, session.host.metrics,
                                    session.host.owners, day)  # fmt: skip
        # Alerts judge figures at the date; no trend or forecast enters them.
        engine = Engine(plan, reads, day, session.host.metrics, trends=False)
        budget = budget_progress(engine, *apart_by_plan(engine.plan, reads.spend()))
        found = alerts(engine, budget, unit, broken_plugins=session.plugin_errors(),
                       owners=session.host.owners, clashes=session.host.clashes)  # fmt: skip
    overridden = {lp.line.id: lp.overrides for lp in budget.tripped if lp.overrides}
    if engine.through >= day:
        return Checked(found, overridden=overridden)
    cut = period_holding(day, plan.grain).id
    return Checked(found, engine.through, cut, day, overridden)


CHECK_SCHEMA = "okrdesk.check/1"


def as_json(checked: Checked, day: dt.date, unit: str, lang: str) -> str:
    """What ``check`` found on ``day`` for ``unit``, for a monitoring system
    (``--format json``; docs/report.md): each alert as the report's JSON writes it (its
    level, kind, message in ``lang``, the title it names, and what it is about: its
    ``subject``, and the ids a line that gathers several counts), with ``overrides``,
    the entries a tripped line spent past its breaker with a reason (``tagged`` says
    them on the terminal), and the counts the exit status follows."""
    import json

    from okrdesk.report.document import ReportAlert, alert_fields

    def overrides(alert: Alert) -> list[dict[str, object]]:
        entries = checked.overridden.get(alert.subject, ()) if alert.kind == "breaker" else ()
        return [
            {"id": e.id, "date": e.day.isoformat(), "amount": float(e.amount),
             "reason": e.override_reason or "", "signed_by": list(e.signed_by)}
            for e in entries
        ]  # fmt: skip

    info = sum(alert.level is Level.INFO for alert in checked.alerts)
    through = checked.figures_through
    found = {
        "schema": CHECK_SCHEMA,
        "as_of": day.isoformat(),
        "unit": unit,
        "lang": lang,
        "figures_through": None if through is None else through.isoformat(),
        "needs_attention": len(checked.alerts) - info,
        "info": info,
        "alerts": [{**alert_fields(ReportAlert.of(a, lang)), "overrides": overrides(a)}
                   for a in checked.alerts],
    }  # fmt: skip
    return json.dumps(found, ensure_ascii=False, indent=2) + "\n"


def error_json(error: OkrdeskError, day: dt.date | None, unit: str | None, lang: str) -> str:
    """Why ``check --format json`` found nothing to list (a ``--unit`` the plan does not
    have, target files refused, no such period), for a monitoring system that reads its
    standard output (docs/report.md): the schema, the day and unit asked (None when not
    given), and ``error``, with the exit status, the message in ``lang`` and, for target
    files refused, each problem with its file, line and key. It has no ``alerts``: a job
    that reads them cannot take an error for all clear."""
    import json

    problems = [
        {"file": p.file, "line": p.line or None, "key": p.key,
         "message": p.zh if lang == "zh" and p.zh else p.message}
        for p in getattr(error, "problems", ())
    ]  # fmt: skip
    shown = {
        "schema": CHECK_SCHEMA,
        "as_of": None if day is None else day.isoformat(),
        "unit": unit,
        "lang": lang,
        "error": {"exit_code": error.exit_code, "message": error.said_in(lang),
                  "problems": problems},
    }  # fmt: skip
    return json.dumps(shown, ensure_ascii=False, indent=2) + "\n"


def tag(alert: Alert, lang: str = "en") -> str:
    """The kind as check prints it in its first column: OFF TRACK, STALE, 落后, 数据过期, …"""
    return kind_label(alert.kind, lang)


KIND_COLUMN = 11
"""The width of check's first column, wider when a kind printed is longer (MEMBER TARGETS)."""


def kind_column(found: list[Alert], lang: str) -> int:
    """The width that keeps every message of ``found`` starting in one column."""
    return max([KIND_COLUMN, *(display_width(tag(a, lang)) + 1 for a in found)])


def tagged(
    alert: Alert,
    lang: str,
    column: int = KIND_COLUMN,
    overridden: Mapping[str, Sequence[SpendEntry]] | None = None,
) -> str:
    """One line of ``check``: the kind, padded to ``column`` by display width, then the
    message; a tripped line's with the entries spent past its breaker (``overridden``),
    their ids and reasons, which the report's budget table shows where it is wide enough
    and check, a line an alert, did not: a breaker already overridden read as one no one
    had seen."""
    kind = tag(alert, lang)
    # A plugin's line break (a warning it wrote on two lines) is written \n, as the report
    # writes it: an alert stays one line, for grep and cron's mail as for the eye.
    said = printable(alert.text(lang))
    if alert.kind == "breaker" and (entries := (overridden or {}).get(alert.subject)):
        ids = label(lang, "list_sep").join(str(entry.id) for entry in entries)
        reasons = label(lang, "clause_sep").join(entry.override_reason or "" for entry in entries)
        said += label(lang, "check_overridden", n=len(entries), ids=ids, reasons=reasons,
                      entries="entry" if len(entries) == 1 else "entries")  # fmt: skip
    return kind + " " * max(1, column - display_width(kind)) + said


def summary(count: int, lang: str, info: int = 0) -> str:
    """The last line: how many things need attention (``count``: errors and warnings),
    and apart how many lines were told for information only (``info``)."""
    told = label(lang, "check_info", n=info) if info else ""
    if not count:
        return f"{label(lang, 'all_clear')}{' ' if lang == 'en' and told else ''}{told}"
    if lang == "en" and count == 1:
        said = "1 thing needs attention."
    else:
        said = label(lang, "check_count", n=count)
    return f"{said}{' ' if lang == 'en' and told else ''}{told}"
