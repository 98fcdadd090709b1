"""The okrdesk hooks: declare the brokerage metrics and collect them from a CRM export.

This module is the ``brokerage`` entry point of the ``okrdesk`` group; it only
wires the hooks to the modules that do the work, and imports those when a
hook runs: `okrdesk report` asks every plugin for its metrics, and should not
load the code that reads a CRM export to learn seventeen names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from okrdesk.model import MetricSpec, Plan
from okrdesk.plugins import CollectRequest, Emit, SettingsProblem, hookimpl

from okrdesk_brokerage.metrics import METRICS


@hookimpl
def okrdesk_metrics(register: Callable[[MetricSpec], None]) -> None:
    """Declare the seventeen brokerage metrics (see the README for their definitions)."""
    for spec in METRICS:
        register(spec)


@hookimpl
def okrdesk_collect(request: CollectRequest, emit: Emit) -> None:
    """Read the export named by ``[sources.brokerage] data`` and emit the wanted metrics."""
    from okrdesk_brokerage.collect import collect

    collect(request, emit)


@hookimpl
def okrdesk_check_settings(
    settings: Mapping[str, Any], workspace: Path, metrics: frozenset[str] | None, collecting: bool
) -> list[SettingsProblem]:
    """Every problem of ``[sources.brokerage]`` at once, for ``okrdesk validate``: unknown
    keys, values of the wrong kind, a data folder (or its clients.csv) not found here, a
    file of the export that the plan's ``metrics`` read whose header (its first line)
    lacks a column, one whose money is left blank in a row, and one of semicolons whose
    money may be read two ways (``1,234``) with no ``decimal`` set (its money columns,
    read by the csv module, or counted by DuckDB in a large export). Before a collect
    (``collecting``) the money is not read: the collect refuses both at their row as it
    reads it, and reading a firm's export twice was a sixth of its collect."""
    from okrdesk_brokerage.settings import settings_errors

    return [
        SettingsProblem(
            error.key, error.detail, about_this_machine=error.missing, zh=error.detail_zh
        )
        for error in settings_errors(settings, workspace, metrics, money=not collecting)
    ]


@hookimpl
def okrdesk_demo_data(plan: Plan, workspace: Path, through: dt.date) -> Mapping[str, str] | None:
    """Generate a realistic export for the plan's CMs and trainees, for ``okrdesk demo``.

    The generator lives in ``okrdesk_brokerage_synthetic`` and is imported here,
    not at the top, so that declaring and collecting metrics never loads it.
    """
    from okrdesk_brokerage_synthetic.demo import write_demo_data

    return write_demo_data(plan, workspace, through)
