"""Target files: TOML in, a validated Plan out, every problem located."""

from okrdesk.targets.load import LoadResult, load_plan, load_plan_or_fail

__all__ = ["LoadResult", "load_plan", "load_plan_or_fail"]
