"""The tables of a target file and the keys each may hold.

A key outside these is a problem told at its line, with the key meant where one is
near (``checks``, ``syntax_habits``); docs/targets.md describes every one, and a test
holds the page to this list.
"""

from __future__ import annotations

from okrdesk import model
from okrdesk.periods import Grain
from okrdesk.targets import people_left, window_keys

SECTIONS = ("plan", "phases", "units", "people", "objectives", "budget", "scoring", "baselines")


PLAN_KEYS = (
    "id", "name", "year", "start", "end", "unit", "grain", "attainment_cap", people_left.KEY,
)  # fmt: skip


PHASE_KEYS = ("id", "name", "start", "end")


UNIT_KEYS = ("id", "name", "level", "parent", "lead")


PERSON_KEYS = ("id", "name", "unit", "role")


OBJECTIVE_KEYS = ("id", "title", "owner", "weight", "cadence", "key_results")


KEY_RESULT_KEYS = (
    "id", "title", "metric", "direction", "baseline", "target", "unit", "band",
    "weight", "milestones", "scope", "members", "member_baselines", "calendar", "guardrail",
    "level", "cadence", *window_keys.WINDOW_KEYS,
    "where", "breakdown",
)  # fmt: skip


BASELINE_KEYS = window_keys.BASELINE_KEYS


BUDGET_KEYS = (
    "unit", "total", "expected_revenue", "breaker_threshold", "revenue_metric",
    "expense_ratio_max", "signers", "lines",
)  # fmt: skip


LINE_KEYS = (
    "id", "name", "owner", "amount", "unit", "schedule", "key_results", "revenue",
    "breaker_threshold", "market_activity", "dual_signoff",
)  # fmt: skip


SCORING_KEYS = ("id", "name", "roles", "people", "period", "cap", "floor", "components")


COMPONENT_KEYS = ("metric", "weight", "standard", "unit")


DIRECTIONS = tuple(d.value for d in model.Direction)


SCOPES = tuple(s.value for s in model.Scope)


GRAINS = tuple(g.value for g in Grain)
