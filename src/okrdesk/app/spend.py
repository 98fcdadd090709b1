"""The spend ledger: recording spending against budget lines, reversing an
entry, and listing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from okrdesk import clock
from okrdesk.app.session import Session, open_store, stored
from okrdesk.engine.plan_calendar import clamp_to_plan, of_the_plan
from okrdesk.errors import EXIT_FAILED, BadInput, OkrdeskError, printable
from okrdesk.messages import counted, display_width, padded
from okrdesk.model import (
    BudgetLine,
    MetricSpec,
    Plan,
    SpendEntry,
    person_key,
    says_nothing,
)
from okrdesk.periods import local_time
from okrdesk.repeated import Repeated, twin_of
from okrdesk.store import Store
from okrdesk.targets.reader import no_such, suggest
from okrdesk.units import (
    UnitOfMeasure,
    UnreadableFigure,
    ledger,
    money,
    money_exactly,
    parse_quantity,
    read_as_yuan,
)

if TYPE_CHECKING:
    from okrdesk.engine.budget import Breaker

LARGEST_ENTRY = Decimal("1e10")
"""The largest single entry, in 元 (100亿元): far above any branch's budget line,
far below where sums lose a fen."""


class BreakerTripped(OkrdeskError):
    """Spending refused by the circuit breaker: the run did not do what was asked."""

    exit_code = EXIT_FAILED


class SpendRepeated(Repeated):
    """Spending refused as the same entry typed again: the run did not do what was asked."""


def find_line(plan: Plan, line_id: str, lang: str = "en") -> BudgetLine:
    for line in plan.budget.lines:
        if line.id == line_id:
            return line
    known = [line.id for line in plan.budget.lines]
    raise BadInput(no_such("budget line", line_id, known, lang=lang))


def known_signers(plan: Plan) -> dict[str, set[str]]:
    """Every form a signer may be written in (normalised) → the names it stands for.

    A person is known by id and by name, and signs with the name the plan
    gives; a name in ``[budget] signers`` signs as written there.
    """
    known: dict[str, set[str]] = {}
    for person in plan.people:
        for written in (person.id, person.name):
            known.setdefault(person_key(written), set()).add(f"{person.name}\0{person.id}")
    for name in plan.budget.signers:
        # Someone on both lists is one person: the plan's entry wins.
        known.setdefault(person_key(name), {f"{name}\0"})
    return known


def check_override(override: bool, reason: str | None, lang: str) -> None:
    """``--override`` and ``--reason`` come together or not at all."""
    if override != (reason is not None):
        raise BadInput(_REFUSED[lang]["override_alone"])


def resolve_signers(plan: Plan, signers: Sequence[str], lang: str = "en") -> list[str]:
    """The distinct people who signed, by the names the plan gives them.

    Names are compared normalised (see ``model.person_key``): ``王芳`` with a
    zero-width space, or ``Ａｌｉｃｅ`` in full width, is the same person as
    ``王芳`` or ``Alice``. A name that is no one in the plan is refused.
    """
    refused = _REFUSED[lang]
    known = known_signers(plan)
    choices = sorted({p.name for p in plan.people} | {p.id for p in plan.people}
                     | set(plan.budget.signers))  # fmt: skip
    names: dict[str, str] = {}
    for written in signers:
        key = person_key(written)
        if not key:
            raise BadInput(refused["blank_signer"].format(written=printable(repr(written))))
        found = known.get(key)
        if not found:
            raise BadInput(refused["unknown_signer"].format(
                written=printable(written), suggested=suggest(written, choices, lang)
            ))  # fmt: skip
        if len(found) > 1:
            ids = ", ".join(sorted(entry.split("\0")[1] or "[budget] signers" for entry in found))
            raise BadInput(refused["several_signers"].format(written=printable(written), ids=ids))
        identity = next(iter(found))
        names.setdefault(identity, identity.split("\0")[0])
    return list(names.values())


def _check_signoff(line: BudgetLine, names: Sequence[str], lang: str) -> None:
    if line.dual_signoff and len(names) < 2:
        refused = _REFUSED[lang]
        raise BadInput(refused["two_signers"].format(
            line=line.id, name=line.name, n=len(names),
            names=_names(names, lang) or refused["no_one"],
        ))  # fmt: skip


def _check_day(plan: Plan, day: dt.date, lang: str) -> None:
    if not plan.holds(day):
        raise BadInput(_REFUSED[lang]["outside"].format(day=day, start=plan.start, end=plan.end))


def parse_amount(text: str, unit: UnitOfMeasure, lang: str = "en") -> Decimal:
    """A positive amount of money within bounds, in 元; a bare number is in ``unit``,
    the line's own (万元 unless the target file says otherwise)."""
    refused = _REFUSED[lang]
    limit = money(LARGEST_ENTRY, lang)
    try:
        amount = parse_quantity(unit, text)
    except ValueError as error:
        if isinstance(error, UnreadableFigure) and error.why == "too_large":
            # Past what any figure may be (1e20万) is past what an entry may be: one limit.
            named = error.params["name"]
            raise BadInput(refused["too_large"].format(text=named, limit=limit)) from None
        said = UnreadableFigure.in_language(error, lang)
        raise BadInput(refused["unreadable"].format(error=said)) from None
    if amount == 0:
        raise BadInput(refused["zero"])
    if amount < 0:
        raise BadInput(refused["negative"].format(text=repr(text)))
    if amount > LARGEST_ENTRY:
        raise BadInput(refused["too_large"].format(text=repr(text), limit=limit))
    if amount * 100 != (amount * 100).to_integral_value():
        raise BadInput(refused["fen"].format(text=repr(text)))
    return amount


def record_spend(
    session: Session,
    line_id: str,
    amount_text: str,
    signers: Sequence[str],
    note: str,
    day: dt.date | None,
    override_reason: str | None = None,
    *,
    again: bool = False,
    today: dt.date | None = None,
    lang: str = "en",
) -> str:
    """Record one entry; refuse it when the line's breaker is or would be tripped, or
    when the ledger holds the same entry already (``SpendRepeated``, unless ``again``).
    What to tell the user, in ``lang``.

    The breaker is judged on the ledger as committed, in the same write
    transaction as the insert: two spends at the same moment are taken one
    after the other, and the second sees the first. A refusal raises
    ``BreakerTripped`` (exit 1) unless ``override_reason`` is given, which is
    then kept with the entry. An override where the breaker is not tripped is
    refused too: a reason that overrides nothing would mislead the ledger.
    """
    plan = session.plan
    refused = _REFUSED[lang]
    line = find_line(plan, line_id, lang)
    amount = parse_amount(amount_text, line.unit, lang)
    names = resolve_signers(plan, signers, lang)
    _check_signoff(line, names, lang)
    if override_reason is not None and says_nothing(override_reason):
        raise BadInput(refused["override_reason"])
    today = today or clock.today()
    day = day or today
    _check_day(plan, day, lang)
    seen: list[SpendEntry] = []

    def judged(entries: list[SpendEntry], day: dt.date, on: dt.date | None = None) -> Breaker:
        return breaker_after(plan, session.host.metrics, store, line.id, entries, amount, day, on)

    def within_breaker(ledger_now: list[SpendEntry]) -> str | None:
        _refuse_while_under_old_units(plan, store, ledger_now, lang)
        entries = of_the_plan(plan, ledger_now)
        seen[:] = entries
        # A command run again after a failure it did not read, or pasted twice, would
        # count the money twice and could trip the breaker on spending never made.
        twin = None if again else _twin(entries, line.id, day, amount, names, note)
        if twin is not None:
            raise SpendRepeated(refused["repeated"].format(
                id=twin.id, line=line.id, amount=money_exactly(amount, lang), day=day,
                names=_names(names, lang), recorded=local_time(twin.recorded),
            ))  # fmt: skip
        breaker = judged(entries, day)
        # Judged too on the ledger's latest day: an entry dated before entries already
        # recorded must not slip under the breaker by leaving them out of its view.
        latest = max((e.day for e in entries if e.line == line.id), default=day)
        if latest > day and not breaker.tripped:
            breaker = judged(entries, day, latest)
        # And one dated ahead is judged as if spent today: a line's pace allows more by
        # December than today, and the money is committed now.
        now = clamp_to_plan(plan, today)
        if day > now and not breaker.tripped:
            breaker = judged(entries, now)
        if breaker.tripped and override_reason is None:
            raise BreakerTripped(refused["tripped"].format(message=breaker.text(lang)))
        if not breaker.tripped and override_reason is not None:
            raise BadInput(refused["not_tripped"].format(line=line.id, name=line.name))
        return override_reason

    with open_store(session.workspace) as store:
        entry_id = store.add_spend(line.id, day, amount, names, note, guard=within_breaker,
                                   plan_unit=plan.top, plan_id=plan.id)  # fmt: skip
        (entry,) = (e for e in store.spend(line.id, plan_unit=plan.top) if e.id == entry_id)
    spent = sum((e.amount for e in seen if e.line == line.id), start=amount)
    words = _WORDS[lang]
    overridden = (
        words["overridden"].format(reason=entry.override_reason) if entry.override_reason else ""
    )
    over = (
        words["over"].format(over=ledger(spent - line.amount, lang)) if spent > line.amount else ""
    )
    # One line: a name from the plan may hold a line break, which must not start another.
    ahead = words["ahead"].format(today=today, day=day) if day > today else ""
    return printable(words["recorded"].format(
        amount=money_exactly(amount, lang), line=line.id, name=line.name, day=day,
        names=_names(names, lang), spent=ledger(spent, lang), budget=ledger(line.amount, lang),
        over=over, overridden=overridden, id=entry_id,
        yuan=read_as_yuan(line.unit, amount_text, amount, lang),
    ) + ahead)  # fmt: skip


def reverse_spend(
    session: Session,
    entry_id: int,
    reason: str,
    signers: Sequence[str],
    day: dt.date | None,
    lang: str = "en",
) -> str:
    """Record the reversal of one entry: the same amount, negative, naming it; what to
    tell the user, in ``lang``.

    The only correction the ledger takes. An entry is reversed at most once,
    a reversal is never reversed, and no line's spend goes below zero.
    """
    plan = session.plan
    refused = _REFUSED[lang]
    if says_nothing(reason):
        raise BadInput(refused["reversal_reason"])
    with open_store(session.workspace, create=False) as store:
        with store.reading():
            original = _original(plan, store, entry_id, lang)
        if not plan.holds(original.day):
            raise BadInput(refused["another_plans"].format(
                id=entry_id, original=original.day, start=plan.start, end=plan.end
            ))  # fmt: skip
        line = find_line(plan, original.line, lang)
        names = resolve_signers(plan, signers, lang)
        _check_signoff(line, names, lang)
        # An entry dated ahead (money committed) is reversed on its own day: dated today,
        # before it, the reversal would be refused, and the commitment could not be undone.
        today = clock.today()
        latest = max(today, original.day)
        day = day or latest
        _check_day(plan, day, lang)
        if day > latest:
            raise BadInput(refused["reversal_ahead"].format(
                id=entry_id, day=day, today=today, latest=latest
            ))  # fmt: skip
        if day < original.day:
            # Dated before what it undoes, it would show the line's spend below zero in
            # every report of the days between, and leave room under its breaker there.
            raise BadInput(refused["reversal_before"].format(
                id=entry_id, day=day, original=original.day
            ))  # fmt: skip

        def reversible(ledger_now: list[SpendEntry]) -> None:
            entries = of_the_plan(plan, ledger_now)
            entry = _entry(entries, entry_id, lang)
            if entry.reverses is not None or entry.amount < 0:
                raise BadInput(refused["a_correction"].format(id=entry_id))
            again = next((e for e in entries if e.reverses == entry_id), None)
            if again is not None:
                raise BadInput(refused["reversed_already"].format(id=entry_id, by=again.id))
            left = sum((e.amount for e in entries if e.line == entry.line), start=-entry.amount)
            if left < 0:
                raise BadInput(refused["below_zero"].format(
                    id=entry_id, line=entry.line, left=money_exactly(left, lang)
                ))  # fmt: skip

        new_id = store.add_spend(original.line, day, -original.amount, names, reason.strip(),
                                 plan_unit=plan.top, plan_id=plan.id,
                                 reverses=entry_id, guard=reversible)  # fmt: skip
        mine = store.spend(original.line, plan_unit=plan.top)
        spent = sum(e.amount for e in of_the_plan(plan, mine))
    words = _WORDS[lang]
    ahead = words["reversed_ahead"].format(today=today) if day > today else ""
    return printable(words["reversed"].format(
        entry=entry_id, amount=money_exactly(original.amount, lang), line=line.id,
        original=original.day, day=day, names=_names(names, lang),
        spent=ledger(spent, lang), budget=ledger(line.amount, lang), id=new_id,
    ) + ahead)  # fmt: skip


def _refuse_while_under_old_units(
    plan: Plan, store: Store, mine: list[SpendEntry], lang: str
) -> None:
    """Refuse new spending while the plan's own entries (``mine``: its ledger, as the
    breaker reads it) are kept under its unit's old id: its breakers would judge it as if
    nothing had been spent. Called inside the insert's transaction, as the breaker is: a
    move, or an entry under the old id, cannot land between this look and the insert."""
    for old, (count, net, from_plan) in kept_under_old_units(plan, store, mine).items():
        raise BreakerTripped(_REFUSED[lang]["under_old_unit"].format(
            n=count if lang == "zh" else counted(count, "entry", "entries"),
            amount=ledger(net, lang), old=old, top=plan.top, from_plan=from_plan,
        ))  # fmt: skip


def kept_under_old_units(
    plan: Plan, store: Store, mine: Sequence[SpendEntry], line: str | None = None
) -> dict[str, tuple[int, Decimal, str]]:
    """The plan's own entries (``line``'s) kept under its unit's old id, as the report's
    old_unit line tells them (``mine``: its ledger under its unit): by that id, how many,
    their net, and the ``--from-plan`` that ``okrdesk move-unit`` needs to move them
    (where the plan's id was changed with its unit: then told only where its check-ins
    are kept there too, as the report tells it). Only the entries under ids this plan
    recorded under, or its check-ins are kept under, are read, not every branch's of a
    store the firm shares. Read inside the store's reading or transaction."""
    from okrdesk.engine.budget import under_old_plan_ids, under_old_units
    from okrdesk.engine.old_unit_ids import old_units_of_the_plan, plan_ids_before

    found: dict[str, tuple[int, Decimal, str]] = {}
    units = store.ledger_units(plan.id) - {"", plan.top} - plan.units_by_id.keys()
    if units:
        kept = store.spend(line, units=units)
        runs = store.runs({plan.top, *units})
        for old, (count, net) in under_old_units(
            plan, kept, dt.date.max, lambda: runs, mine
        ).items():
            found[old] = (count, net, "")
    before = plan_ids_before(plan, store, old_units_of_the_plan(plan, store))
    if before := {old: plan_id for old, plan_id in before.items() if old not in found}:
        kept = store.spend(line, units=before.keys())
        runs = store.runs({plan.top, *before})
        for old, (plan_id, count, net) in under_old_plan_ids(
            plan, kept, dt.date.max, lambda: runs, mine
        ).items():
            found[old] = (count, net, f" --from-plan {plan_id}")
    return found


_WORDS = {
    "en": {
        "recorded": "Recorded {amount} on {line} ({name}) on {day}, signed by {names}.{yuan} "
                    "Spent so far {spent} of {budget}{over}.{overridden} Ledger entry {id}.",
        "over": ", {over} over",
        "overridden": " Breaker overridden: {reason}.",
        "ahead": " Dated after today ({today}): money committed, judged by the breaker as if "
                 "spent today; the report counts it from {day}.",
        "reversed": "Reversed entry {entry} ({amount} on {line} on {original}) on {day}, "
                    "signed by {names}. Spent so far {spent} of {budget}. Ledger entry {id}.",
        "reversed_ahead": " Dated on the entry's own day, after today ({today}): the money "
                          "committed is withdrawn, the two netting to nothing from that day.",
        "none": "No spending recorded.",
        "columns": "id|date|line|amount (CNY)|signed by / note",
        "reverses": "[reverses {id}]", "reversed_by": "[reversed by {id}]",
        "override": "(Overridden: {reason})",  # as the report's budget table has it
        "net": "net, {n} entries", "net_one": "net, 1 entry",
        "others": "Not listed: {n} entries dated outside this plan ({start} to {end}), which "
                  "count in the budget of the plan whose days hold them.",
        "other": "Not listed: 1 entry dated outside this plan ({start} to {end}), which "
                 "counts in the budget of the plan whose days hold it.",
        "units": "Not listed: {n} recorded by another plan sharing this store (unit "
                 "{units}), counted in that plan's budget, not this plan's (unit {top}).",
        "units_many": "Not listed: {n} recorded by other plans sharing this store (units "
                      "{units}), counted in their budgets, not this plan's (unit {top}).",
        "old_unit": "Not listed: {n} of this plan's days ({amount} net) under unit {old}, "
                    "signed by this plan's people: most likely its unit id before it was "
                    "changed to {top}. They count in no budget until moved: `okrdesk "
                    "move-unit {old}{from_plan}`.",
    },
    "zh": {
        "recorded": "已记录支出 {amount}：{line}（{name}），支出日期 {day}，签字人 {names}。"
                    "{yuan}本项已支出 {spent}，预算 {budget}{over}。{overridden}台账第 {id} 笔。",
        "over": "，已超支 {over}",
        "overridden": "熔断后特批支出：{reason}。",
        "ahead": "支出日期晚于今天（{today}）：按已承诺的支出，熔断按今天已支出判断；"
                 "报告自 {day} 起计入。",
        "reversed": "已于 {day} 冲正台账第 {entry} 笔（{line}，{amount}，支出日期 {original}），"
                    "签字人 {names}。本项已支出 {spent}，预算 {budget}。台账第 {id} 笔。",
        "reversed_ahead": "冲正日期即该笔的支出日期，晚于今天（{today}）：已承诺的支出撤回，"
                          "自该日起两笔相抵为零。",
        "none": "尚无支出记录。",
        "columns": "编号|日期|预算项|金额（元）|签字人 / 说明",
        "reverses": "[冲正第 {id} 笔]", "reversed_by": "[已由第 {id} 笔冲正]",
        "override": "（熔断后特批支出：{reason}）",
        "net": "合计 {n} 笔", "net_one": "合计 1 笔",
        "others": "未列出：另有 {n} 笔的日期不在本计划期内（{start} 至 {end}），"
                  "计入其日期所在计划的预算。",
        "other": "未列出：另有 1 笔的日期不在本计划期内（{start} 至 {end}），"
                 "计入其日期所在计划的预算。",
        "units": "未列出：另有 {n} 笔是共用此数据库的另一计划（单位 {units}）记录的，计入"
                 "那个计划的预算，不计入本计划（单位 {top}）的。",
        "units_many": "未列出：另有 {n} 笔是共用此数据库的其他计划（单位 {units}）记录的，"
                      "计入各自计划的预算，不计入本计划（单位 {top}）的。",
        "old_unit": "未列出：另有本计划期内的 {n} 笔支出（净额 {amount}）记在单位 {old} 名下，"
                    "签字人都是本计划的人：很可能是计划的单位 id 改为 {top} 之前的 id。移过来"
                    "之前它们不计入任何预算：`okrdesk move-unit {old}{from_plan}`。",
    },
}  # fmt: skip
"""What ``okrdesk spend`` says it recorded and lists, in each language."""

_REFUSED = {
    "en": {
        "blank_signer": "--signed-by {written} is no name (blank or invisible characters "
                        "only). Nothing was recorded.",
        "unknown_signer": '--signed-by "{written}" is not a person in the plan nor in '
                          "[budget] signers{suggested}. Nothing was recorded.",
        "several_signers": '--signed-by "{written}" could be several people ({ids}); sign '
                           "with the person's id. Nothing was recorded.",
        "two_signers": "{line} ({name}) needs two different people to sign off every entry "
                       "(双签字); got {n}: {names}. Nothing was recorded.",
        "no_one": "none",
        "outside": "{day} is outside the plan ({start} to {end}); spending is recorded on a "
                   "day of the plan it belongs to. Nothing was recorded.",
        "unreadable": "{error}. Nothing was recorded.",
        "zero": "the amount is 0; nothing to record",
        "negative": "{text} is negative: spending is never negative. To correct an entry, "
                    "reverse it: `okrdesk spend reverse ID --reason TEXT` (ids are in "
                    "`okrdesk spend list`). Nothing was recorded.",
        "too_large": "{text} is more than one entry may be ({limit}). Nothing was recorded.",
        "fen": "{text} is not a whole number of fen (0.01元). Nothing was recorded.",
        "override_reason": "--override needs a --reason that says why the breaker is "
                           "overridden",
        "override_alone": "--override and --reason go together: say why the breaker is "
                          "overridden",
        "tripped": "refused: the breaker (熔断) on {message}. Nothing was recorded. To "
                   "spend anyway, add --override --reason TEXT; the reason is kept in the "
                   "ledger and shown in reports.",
        "not_tripped": "refused: there is nothing to override. The breaker (熔断) on {line} "
                       "({name}) is not tripped, and this entry would not trip it; record it "
                       "without --override and --reason. Nothing was recorded.",
        "reversal_reason": "a reversal needs a --reason that says what was wrong; nothing "
                           "was recorded",
        "reversal_before": "entry {id} was spent on {original}; it cannot be reversed "
                           "before that (--date {day}): date the reversal on or after "
                           "{original}. Nothing was recorded.",
        "reversal_ahead": "--date {day} is after today ({today}): a correction is dated on "
                          "a day that has come, or on the entry's own day when that is ahead. "
                          "Leave out --date to reverse entry {id} on {latest}. Nothing was "
                          "recorded.",
        "another_plans": "entry {id} was spent on {original}, outside this plan ({start} to "
                         "{end}): it counts in the budget of the plan whose days hold it, and "
                         "is reversed with that plan's target files. Nothing was recorded.",
        "another_units": "entry {id} was recorded by the plan of unit {unit}, which shares "
                         "this store: it is that plan's to reverse. Nothing was recorded.",
        "old_unit_entry": "entry {id} is under unit {unit}, this plan's unit id before it was "
                          "changed to {top}: move the entries there to {top} first, `okrdesk "
                          "move-unit {unit}{from_plan}`, then reverse it. Nothing was recorded.",
        "a_correction": "entry {id} is itself a correction; it cannot be reversed",
        "reversed_already": "entry {id} was already reversed by entry {by}",
        "below_zero": "reversing entry {id} would bring {line} below zero ({left}). Nothing "
                      "was recorded.",
        "no_entry": "no ledger entry {id}; `okrdesk spend list` shows the ids",
        "repeated": "refused: ledger entry {id}, recorded {recorded}, is this spend already "
                    "({amount} on {line} on {day}, signed by {names}, the same note). If it "
                    "is another expense, add --again. Nothing was recorded.",
        "under_old_unit": "refused: the ledger holds {n} of this plan ({amount} net) under "
                          "unit {old}, the plan's unit id before it was changed to {top}; "
                          "the breakers would judge this entry as if none of it had been "
                          "spent. Move them first: `okrdesk move-unit {old}{from_plan}`. Nothing "
                          "was recorded.",
    },
    "zh": {
        "blank_signer": "--signed-by {written} 不是名字（只有空白或不可见字符）。未记录任何支出。",
        "unknown_signer": '--signed-by "{written}" 既不是计划中的人员，也不在 [budget] signers '
                          "中{suggested}。未记录任何支出。",
        "several_signers": '--signed-by "{written}" 可能是多个人（{ids}），请用人员 id 签字。'
                           "未记录任何支出。",
        "two_signers": "{line}（{name}）的每笔支出都需要两位不同的人签字（双签字），"
                       "现有 {n} 位：{names}。未记录任何支出。",
        "no_one": "无",
        "outside": "{day} 不在计划期内（{start} 至 {end}），支出须记在计划期内的日期。"
                   "未记录任何支出。",
        "unreadable": "{error}。未记录任何支出。",
        "zero": "金额为 0，无需记录",
        "negative": "{text} 是负数：支出金额不能为负数。要更正一笔支出，请冲正："
                    "`okrdesk spend reverse 编号 --reason 理由`（编号见 `okrdesk spend list`）。"
                    "未记录任何支出。",
        "too_large": "{text} 超过单笔上限（{limit}）。未记录任何支出。",
        "fen": "金额须精确到分（0.01元），{text} 不符合。未记录任何支出。",
        "override_reason": "--override 需要用 --reason 说明为何越过熔断",
        "override_alone": "--override 和 --reason 须一起给出：说明为何越过熔断",
        "tripped": "已拒绝（熔断）：计入这笔支出后，{message}。未记录任何支出。如仍要支出，"
                   "请加上 --override --reason 理由；理由会记入台账，并显示在报告中。",
        "not_tripped": "已拒绝：没有可越过的熔断。{line}（{name}）的熔断未触发，这笔支出也不会"
                       "触发它；请去掉 --override 和 --reason 再记录。未记录任何支出。",
        "reversal_reason": "冲正需要用 --reason 说明哪里有误；未记录任何支出",
        "reversal_before": "台账第 {id} 笔的支出日期是 {original}，不能在此之前冲正"
                           "（--date {day}）：冲正日期须不早于 {original}。未记录任何支出。",
        "reversal_ahead": "--date {day} 晚于今天（{today}）：冲正须记在已经到来的日子，预先"
                          "登记的支出则记在其本身的支出日期。不写 --date 即于 {latest} 冲正"
                          "台账第 {id} 笔。未记录任何支出。",
        "another_plans": "台账第 {id} 笔的支出日期是 {original}，不在本计划期内（{start} 至 "
                         "{end}）：它计入其日期所在计划的预算，须用那个计划的目标文件冲正。"
                         "未记录任何支出。",
        "another_units": "台账第 {id} 笔是单位 {unit} 的计划记录的（与本计划共用此数据库），"
                         "须由那个计划冲正。未记录任何支出。",
        "old_unit_entry": "台账第 {id} 笔记在单位 {unit} 名下，即本计划的单位 id 改为 {top} "
                          "之前的 id：请先把那里的支出移到 {top} 名下（`okrdesk "
                          "move-unit {unit}{from_plan}`），再冲正。未记录任何支出。",
        "a_correction": "台账第 {id} 笔本身是冲正，不能再冲正",
        "reversed_already": "台账第 {id} 笔已由第 {by} 笔冲正",
        "below_zero": "冲正台账第 {id} 笔会使 {line} 的支出低于零（{left}）。未记录任何支出。",
        "no_entry": "台账中没有第 {id} 笔；`okrdesk spend list` 列出各笔的编号",
        "repeated": "已拒绝：台账第 {id} 笔（记录于 {recorded}）已是这笔支出（{line}，{amount}，"
                    "支出日期 {day}，签字人 {names}，说明相同）。如确是另一笔支出，请加上 "
                    "--again。未记录任何支出。",
        "under_old_unit": "已拒绝：台账中有本计划的 {n} 笔支出（净额 {amount}）记在单位 {old} "
                          "名下，即计划的单位 id 改为 {top} 之前的 id；熔断会当作这些钱没花过"
                          "来判断这笔支出。请先移过来：`okrdesk move-unit {old}{from_plan}`。"
                          "未记录任何支出。",
    },
}  # fmt: skip
"""Why ``okrdesk spend`` recorded nothing, in each language."""


def _twin(
    entries: Sequence[SpendEntry],
    line_id: str,
    day: dt.date,
    amount: Decimal,
    names: Sequence[str],
    note: str,
) -> SpendEntry | None:
    """The standing entry that says what a new one would: the same line, day, amount,
    signers and note, and not reversed."""
    reversed_ids = {e.reverses for e in entries if e.reverses is not None}
    standing = (e for e in entries if e.reverses is None and e.id not in reversed_ids)
    return twin_of(standing, _says, (line_id, day, amount, sorted(names), note))


def _says(entry: SpendEntry) -> tuple[object, ...]:
    """What an entry says, as ``_twin`` compares it: signers in any order sign alike."""
    return (entry.line, entry.day, entry.amount, sorted(entry.signed_by), entry.note)


def _names(names: Sequence[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(names)


def _original(plan: Plan, store: Store, entry_id: int, lang: str) -> SpendEntry:
    """The entry ``entry_id`` names, when it is this plan's to reverse; else refused,
    saying whose it is. Another plan's entries, in a store the firm shares, are not read:
    one spoilt by hand there is that plan's to correct. Read inside one reading."""
    refused = _REFUSED[lang]
    unit = store.spend_unit_of(entry_id)
    if unit is None:
        raise BadInput(refused["no_entry"].format(id=entry_id))
    mine = store.spend(plan_unit=plan.top)
    if unit in ("", plan.top):
        return _entry(mine, entry_id, lang)
    ours = unit not in plan.units_by_id and unit in store.ledger_units(plan.id)
    if ours:
        from okrdesk.engine.budget import recorded_here

        original = _entry(store.spend(units={unit}), entry_id, lang)
        ours = recorded_here(plan, [original], lambda: store.runs({plan.top, unit}), mine)
    from_plan = ""
    if unit not in plan.units_by_id:
        # Kept under the plan's old unit and old plan id, as the report tells them (some
        # carrying its id now, where its id changed before its unit): the move needs it.
        from_plan = kept_under_old_units(plan, store, mine).get(unit, (0, 0, ""))[2]
        ours = ours or bool(from_plan)
    raise BadInput(refused["old_unit_entry" if ours else "another_units"].format(
        id=entry_id, unit=unit, top=plan.top, from_plan=from_plan,
    ))  # fmt: skip


def _entry(entries: Sequence[SpendEntry], entry_id: int, lang: str) -> SpendEntry:
    found = next((e for e in entries if e.id == entry_id), None)
    if found is None:
        raise BadInput(_REFUSED[lang]["no_entry"].format(id=entry_id))
    return found


def breaker_after(
    plan: Plan,
    metrics: Mapping[str, MetricSpec],
    store: Store,
    line_id: str,
    entries: Sequence[SpendEntry],
    amount: Decimal,
    day: dt.date,
    judged_on: dt.date | None = None,
) -> Breaker:
    """The line's breaker as it would stand with this entry, dated ``day``, recorded:
    on that day, or on ``judged_on``."""
    from okrdesk.engine.budget import budget_progress
    from okrdesk.engine.progress import Engine

    pending = SpendEntry(0, line_id, day, amount, (), "", None, "")
    as_of = clamp_to_plan(plan, judged_on or day)
    engine = Engine(plan, store, as_of, metrics)
    budget = budget_progress(engine, [*entries, pending])
    return next(lp.breaker for lp in budget.lines if lp.line.id == line_id)


def spend_lines(session: Session, line_id: str | None, lang: str = "en") -> list[str]:
    """The ledger, oldest first, each entry with its id, signers, note and marks, and
    the net at the foot; in ``lang``."""
    plan = session.plan
    words = _WORDS[lang]
    store = stored(session.workspace)
    every: list[SpendEntry] = []
    stranded: dict[str, tuple[int, Decimal, str]] = {}
    counts: dict[str, int] = {}
    if store is not None:  # else nothing stored yet (a workspace fresh from init)
        with store, store.reading():
            every = store.spend(line_id, plan_unit=plan.top)
            # Of the other ids, only those of the plan's unit before it changed are read;
            # another plan's entries, in a store the firm shares, are counted.
            counts = store.spend_counts(line_id)
            if counts.keys() - {"", plan.top}:
                stranded = kept_under_old_units(plan, store, every, line_id)
    if line_id is not None and not every:
        # An id in neither the plan nor the ledger is a slip; one the plan no longer has
        # but the ledger does (renamed or removed after spending) lists its entries.
        find_line(plan, line_id, lang)
    entries = of_the_plan(plan, every)
    left_out = len(every) - len(entries)
    others = [
        words["others" if left_out > 1 else "other"].format(
            n=left_out, start=plan.start, end=plan.end
        )
    ][:left_out]
    for old, (count, net, from_plan) in stranded.items():
        others.append(words["old_unit"].format(
            n=count if lang == "zh" else counted(count, "entry", "entries"),
            amount=ledger(net, lang), old=old, top=plan.top, from_plan=from_plan,
        ))  # fmt: skip
    theirs = {unit: n for unit, n in counts.items() if unit not in ("", plan.top, *stranded)}
    if theirs:
        # Entries another plan recorded: a branch sharing the firm's server.
        n = sum(theirs.values())
        others.append(words["units" if len(theirs) == 1 else "units_many"].format(
            n=n if lang == "zh" else counted(n, "entry", "entries"),
            units=_names(sorted(theirs), lang), top=plan.top,
        ))  # fmt: skip
    if not entries:
        return [words["none"], *others]
    reversed_by = {e.reverses: e.id for e in entries if e.reverses is not None}
    amounts = [ledger_amount(entry.amount) for entry in entries]
    total = ledger_amount(sum((entry.amount for entry in entries), Decimal(0)))
    named, on, line, amount_of, signed = words["columns"].split("|")
    width = max(display_width(amount_of), len(total), *(len(amount) for amount in amounts))
    line_width = max(display_width(line), *(display_width(entry.line) for entry in entries))
    rows = [
        f"{padded(named, 5, right=True)}  {padded(on, 10)}  {padded(line, line_width)}  "
        f"{padded(amount_of, width, right=True)}  {signed}"
    ]
    for entry, amount in zip(entries, amounts, strict=True):
        extra = f"  {entry.note}" if entry.note else ""
        if entry.reverses is not None:
            extra = f"  {words['reverses'].format(id=entry.reverses)}{extra}"
        if entry.id in reversed_by:
            extra += f"  {words['reversed_by'].format(id=reversed_by[entry.id])}"
        if entry.override_reason:
            extra += f"  {words['override'].format(reason=entry.override_reason)}"
        # One line each: a signer's name or a note holding a line break must not start
        # another, which could pass for the ledger's own (a forged "net" line).
        rows.append(printable(
            f"{entry.id:>5}  {entry.day.isoformat():<10}  {padded(entry.line, line_width)}  "
            f"{amount:>{width}}  {_names(entry.signed_by, lang)}{extra}"
        ))  # fmt: skip
    label = words["net"].format(n=len(entries)) if len(entries) != 1 else words["net_one"]
    rows.append(f"{'':>5}  {padded(label, 10 + 2 + line_width)}  {total:>{width}}")
    return [*rows, *others]


def ledger_amount(amount: Decimal) -> str:
    """A ledger amount as an accountant writes it: exact yuan, two decimals, grouped
    (13,233.00), so a listed entry can be checked against its voucher."""
    return f"{amount.quantize(Decimal('0.01')):,}"
