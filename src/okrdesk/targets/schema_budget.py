"""The budget of a target file, read: its total, lines, signers, breaker thresholds and
the key results whose revenue each line is credited with, in the unit the file writes
its money in.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from okrdesk import model
from okrdesk.targets.draft import Draft, Located, MetricUse, Reference
from okrdesk.targets.quoted_figures import TableUnit, budget_unit
from okrdesk.targets.reader import (
    Findings,
    Table,
    Where,
    plain_number,
)
from okrdesk.targets.schema_values import milestone_fractions, raw_shown, unit_of
from okrdesk.targets.sections import BUDGET_KEYS, LINE_KEYS
from okrdesk.units import UNITS, Dimension, UnitOfMeasure

_MONEY_UNITS = tuple(name for name, unit in UNITS.items() if unit.dimension is Dimension.MONEY)


def read_budget(where: Where, data: dict[str, Any], draft: Draft, findings: Findings) -> None:
    t = Table(where, data, findings, BUDGET_KEYS)
    unit = _money_unit(t) if "unit" in data else UNITS["万元"]
    settings: dict[str, Decimal] = {}
    for key in ("total", "expected_revenue"):
        value = t.number(key)
        if value is not None and value < 0:
            t.fail(
                where.key(key), f"must not be negative, got {value}", f"不能为负数，现为 {value}"
            )
        elif value is not None and unit is not None:
            settings[key] = unit.to_base(value)
    threshold = _threshold(t)
    if threshold is not None:
        settings["breaker_threshold"] = threshold
    ratio = t.number("expense_ratio_max")
    if ratio is not None and not 0 < ratio <= 1:
        t.fail(where.key("expense_ratio_max"), f"must be a fraction (0.23 for 23%), got {ratio}",
               f"必须是小数（23% 写作 0.23），现为 {ratio}")  # fmt: skip
    elif ratio is not None:
        settings["expense_ratio_max"] = ratio
    metric = t.text("revenue_metric")
    if metric is not None:
        draft.metric_uses.append(
            MetricUse(where.key("revenue_metric"), where.key("revenue_metric"), metric,
                      UNITS["元"], True)
        )  # fmt: skip
        draft.budget_texts.append(Located(where, {"revenue_metric": metric}))
    if settings:
        draft.budget_settings.append(Located(where, settings))
    signers = _signers(t)
    if signers is not None:
        draft.budget_signers.append(Located(where.key("signers"), signers))
    written = data.get("unit")
    told = budget_unit(written, where.key("unit").line) if isinstance(written, str) else None
    for line_where, line_data in t.tables("lines"):
        _read_budget_line(line_where, line_data, unit, draft, findings, told)


def _signers(t: Table) -> tuple[str, ...] | None:
    """Names that may sign off spend; each must be a visible name, written once."""
    names = t.strings("signers")
    if names is None:
        return None
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        key = model.person_key(name)
        at = t.where.key("signers").item(index, None)
        if not key:
            t.fail(at, "is no name: blank, or invisible characters only",
                   "不是名字：空白，或只有看不见的字符")  # fmt: skip
        elif key in seen:
            t.fail(at, f"is the same person as signers[{seen[key]}]; write each signer once",
                   f"与 signers[{seen[key]}] 是同一人；每位签字人只写一次")  # fmt: skip
        else:
            seen[key] = index
    return tuple(names)


def _money_unit(t: Table) -> UnitOfMeasure | None:
    """A budget's or a line's unit: 元, 万元 or 亿元; the choices offered are those."""
    written = t.data.get("unit")
    if isinstance(written, str) and written in UNITS:
        unit = unit_of(t)  # a unit, of another kind: said so below
    else:
        unit = unit_of(t, choices=_MONEY_UNITS)
    if unit is not None and unit.dimension is not Dimension.MONEY:
        t.fail(t.where.key("unit"), f'"{unit.symbol}" is not a money unit; use 元, 万元 or 亿元',
               f'"{unit.symbol}" 不是金额单位；请用 元、万元 或 亿元')  # fmt: skip
        return None
    return unit


def _threshold(t: Table) -> Decimal | None:
    value = t.number("breaker_threshold")
    if value is not None and not 0 <= value <= 1:
        t.fail(
            t.where.key("breaker_threshold"),
            f"must be a fraction between 0 and 1 (0.10 for 10%), got {value}",
            f"必须是 0 到 1 之间的小数（10% 写作 0.10），现为 {value}",
        )
        return None
    return value


def _read_budget_line(
    where: Where,
    data: dict[str, Any],
    file_unit: UnitOfMeasure | None,
    draft: Draft,
    findings: Findings,
    budget_told: TableUnit | None = None,
) -> None:
    """``budget_told``: the unit its budget writes, and where, which the line's figures are
    in unless it writes its own."""
    t = Table(where, data, findings, LINE_KEYS, required=("id", "name", "owner", "amount"),
              outer_unit=budget_told)  # fmt: skip
    line_id, name, owner, amount = t.ident(), t.text("name"), t.text("owner"), t.number("amount")
    unit = _money_unit(t) if "unit" in data else file_unit
    if line_id is not None:
        draft.written_ids.append(("line", line_id, where))
    if amount is not None and amount < 0:
        t.fail(
            where.key("amount"),
            f"must be more than 0, got {amount}: a line is money set aside, never less than "
            "none (a refund is a spend reversed: okrdesk spend reverse)",
            f"必须大于 0，现为 {amount}：预算项是拨出的钱，不能为负（退款请冲销那笔支出："
            "okrdesk spend reverse）",
        )
    elif amount is not None and amount == 0:
        # A line of 0 has no pace to judge: its breaker could never trip.
        t.fail(
            where.key("amount"),
            f"must be more than 0, got {amount}: a line of 0 could never trip its breaker",
            f"必须大于 0，现为 {amount}：为 0 的预算项永远不会触发熔断",
        )
    schedule = milestone_fractions(t, "schedule", draft)
    threshold = _threshold(t)
    market = t.flag("market_activity") or False
    dual = t.flag("dual_signoff")
    links = _linked_key_results(t, draft)
    revenue = _revenue_links(t, links, draft)
    if None in (line_id, name, owner, amount, unit, links) or not t.ok:
        draft.incomplete.add("budget")
        if schedule:
            draft.milestone_sets.append(Located(where.key("schedule"), schedule))
        return
    assert line_id and name and owner and amount is not None and unit and links is not None
    draft.references.append(Reference(where.key("owner"), owner, ("unit", "person")))
    line = model.BudgetLine(
        id=line_id,
        name=name,
        owner=owner,
        amount=unit.to_base(amount),
        schedule=schedule,
        key_results=links,
        revenue=revenue,
        threshold=threshold,
        market_activity=market,
        dual_signoff=market if dual is None else dual,
        unit=unit,
    )
    draft.budget_lines.append(Located(where, line))
    draft.milestone_sets.append(Located(where.key("schedule"), line.schedule))


def _linked_key_results(t: Table, draft: Draft) -> dict[str, Decimal] | None:
    """``key_results`` as a list (equal shares) or a table of id → weight."""
    raw = t.data.get("key_results")
    at = t.where.key("key_results")
    if raw is None:
        return {}
    if isinstance(raw, list):
        ids = t.strings("key_results")
        if ids is None:
            return None
        seen: set[str] = set()
        for index, kr in enumerate(ids):
            if kr in seen:
                t.fail(at.item(index, None), f'"{kr}" is listed twice', f'"{kr}" 重复列出')
            seen.add(kr)
            draft.references.append(Reference(at.item(index, None), kr, ("key_result",)))
        unique = list(dict.fromkeys(ids))
        return {kr: Decimal(1) / len(unique) for kr in unique}
    if isinstance(raw, dict):
        links: dict[str, Decimal] = {}
        for kr, weight in raw.items():
            if not isinstance(weight, dict):
                draft.references.append(Reference(at.key(kr), kr, ("key_result",)))
            if isinstance(weight, dict):
                t.fail(
                    at.key(kr),
                    f'write the key result id in quotes: "{kr}.{next(iter(weight))}" = ...',
                    f'关键结果 id 要加引号："{kr}.{next(iter(weight))}" = ...',
                )
                continue
            number, _ = plain_number(weight)
            if number is None or number <= 0:
                shown = raw_shown(weight)
                t.fail(at.key(kr), f"expected a weight greater than 0, got {shown.en}",
                       f"应为大于 0 的权重，现为{shown.zh}")  # fmt: skip
            else:
                links[kr] = number
        total = sum(links.values(), Decimal(0))
        return {kr: w / total for kr, w in links.items()} if links else {}
    t.fail(at, "expected an array of key result ids or a table of id = weight",
           "应为关键结果 id 的数组，或 id = 权重 的表")  # fmt: skip
    return None


def _revenue_links(t: Table, links: dict[str, Decimal] | None, draft: Draft) -> tuple[str, ...]:
    """``revenue``: which of the line's ``key_results`` are money earned, for its ROI.

    ``links`` is None when ``key_results`` could not be read: nothing to hold them to.
    """
    ids = t.strings("revenue") if "revenue" in t.data else []
    at = t.where.key("revenue")
    found: list[str] = []
    for index, kr in enumerate(ids or []):
        where = at.item(index, None)
        if kr in found:
            t.fail(where, f'"{kr}" is listed twice', f'"{kr}" 重复列出')
        elif links is not None and kr not in links:
            t.fail(where, f'"{kr}" is not among this line\'s key_results; link it there too',
                   f'"{kr}" 不在本预算项的 key_results 里；请也在那里关联它')  # fmt: skip
        else:
            found.append(kr)
            draft.revenue_links.append(Located(where, kr))
    return tuple(found)
