"""Two mistakes a stranger makes writing a first plugin from docs/plugins.md: a hook
left without ``@hookimpl``, and a hook that returns its metrics or figures (as many
plugin systems ask) instead of handing them to ``register`` or ``emit``. Both went by
unsaid: the plugin loaded declaring nothing, so every command refused the plan on its
metric, or collected nothing, so a first collect stored no figure and exited 0. Each is
now the plugin's error, at its line, and the other plugins' figures land."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace
from test_emit_mistakes import SALON_KR

LEADS_KR = SALON_KR  # a key result on the salon_leads metric the packages here declare

LEADS = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


{metrics_mark}
def okrdesk_metrics(register):
    {metrics_body}


@hookimpl
def okrdesk_collect(request, emit):
    {collect_body}
"""

REGISTERS = 'register(MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", UNITS["户"]))'
EMITS = 'emit("salon_leads", "cm01", request.periods[0].id, value=3, source="leads.csv row 2")'
RETURNS_FIGURES = 'return [("salon_leads", "cm01", p.id, 3) for p in request.periods[:2]]'


def _source(metrics_mark: str = "@hookimpl", metrics_body: str = REGISTERS,
            collect_body: str = EMITS) -> str:  # fmt: skip
    return LEADS.format(metrics_mark=metrics_mark, metrics_body=metrics_body,
                        collect_body=collect_body)  # fmt: skip


def _line_of(source: str, text: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if line.startswith(text))


def _plugins_stored(root: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(root / "okrdesk.db")) as db:
        return {plugin for (plugin,) in db.execute("SELECT DISTINCT plugin FROM observations")}


def test_a_hook_left_without_hookimpl_is_told_and_the_report_still_runs(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"leads.toml": LEADS_KR})
    source = _source(metrics_mark="")
    line = _line_of(source, "def okrdesk_metrics")
    said = (
        "not a valid plugin: okrdesk_metrics is not marked @hookimpl, so okrdesk would never "
        "call it: write @hookimpl (from okrdesk.plugins import hookimpl) on the line above "
        f"its def (at okrdesk_leads/__init__.py:{line})"
    )
    with installed_package(tmp_path, "leads", source) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        chinese = okrdesk(env, "plugins", "--lang", "zh", "-w", str(root))
        collected = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18",
                            "-w", str(root))  # fmt: skip
        reported = okrdesk(env, "report", "--lang", "en", "--as-of", "2026-01-18",
                           "-w", str(root))  # fmt: skip
    assert listed.returncode == 1
    assert f"    error: {said}" in listed.stdout.splitlines(), listed.stdout
    assert "okrdesk_metrics 没有标记 @hookimpl" in chinese.stdout, chinese.stdout
    # The plugin is broken, not its metric misspelt: the plan is not refused for it.
    told = collected.stdout + collected.stderr
    assert collected.returncode == 1, told
    assert f"error: plugin leads: {said}" in told, told
    assert _plugins_stored(root) == {"test_metrics"}
    assert reported.returncode == 0, reported.stdout + reported.stderr
    assert "O1.KR1" in reported.stdout and "okrdesk_metrics is not marked" in reported.stdout


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (f"return [{REGISTERS.removeprefix('register(')[:-1]}]",
         "okrdesk_metrics returned a list, which okrdesk does not read: hand each metric to "
         "register(MetricSpec(...)) instead, and return nothing"),
        (f"yield {REGISTERS.removeprefix('register(')[:-1]}",
         "okrdesk_metrics is a generator (it has yield), so okrdesk never runs its body: hand "
         "each metric to register(MetricSpec(...)) instead, and return nothing"),
    ],
    ids=["list", "yield"],
)  # fmt: skip
def test_okrdesk_metrics_returning_its_metrics_is_told_at_its_def(
    write_workspace: WriteWorkspace, tmp_path: Path, body: str, said: str
) -> None:
    root = write_workspace({"leads.toml": LEADS_KR})
    source = _source(metrics_body=body)
    line = _line_of(source, "def okrdesk_metrics")
    with installed_package(tmp_path, "leads", source) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        validated = okrdesk(env, "validate", "--lang", "en", "-w", str(root))
    assert (
        f"    error: okrdesk_metrics failed: TypeError: {said} (at okrdesk_leads/__init__.py:"
        f"{line})"
    ) in listed.stdout.splitlines(), listed.stdout
    # validate still fails on the key result, naming the plugin whose code names it.
    told = " ".join((validated.stdout + validated.stderr).split())
    assert validated.returncode == 2, told
    assert "plugin leads, whose code names it, failed to load" in told, told


def test_okrdesk_collect_returning_its_figures_is_told_and_stores_nothing_of_it(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"leads.toml": LEADS_KR})
    source = _source(collect_body=RETURNS_FIGURES)
    line = _line_of(source, "def okrdesk_collect")
    with installed_package(tmp_path, "leads", source) as env:
        english = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18",
                          "-w", str(root))  # fmt: skip
        chinese = okrdesk(env, "collect", "--lang", "zh", "--through", "2026-01-18",
                          "-w", str(root))  # fmt: skip
    told = english.stdout + english.stderr
    assert english.returncode == 1, told
    assert (
        "error: plugin leads: okrdesk_collect failed: TypeError: okrdesk_collect returned a "
        "list of 2 items, which okrdesk does not read: hand each figure to emit(metric, "
        "subject, period, value=...) instead, and return nothing (at "
        f"okrdesk_leads/__init__.py:{line})"
    ) in told, told
    assert "Traceback" not in told
    zh = "okrdesk_collect 返回了 list（2 项），okrdesk 不读取返回值"
    assert zh in chinese.stderr, chinese.stderr
    assert _plugins_stored(root) == {"test_metrics"}


def test_an_async_okrdesk_collect_is_told_it_never_ran(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"leads.toml": LEADS_KR})
    source = _source().replace("def okrdesk_collect", "async def okrdesk_collect")
    line = _line_of(source, "async def okrdesk_collect")
    with installed_package(tmp_path, "leads", source) as env:
        done = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18", "-w", str(root))
    told = done.stdout + done.stderr
    assert done.returncode == 1, told
    # Told once, as what it is: not also as a "never awaited" warning it printed.
    assert (
        "error: plugin leads: okrdesk_collect failed: TypeError: okrdesk_collect is a coroutine "
        "(async def), so okrdesk never runs its body: hand each figure to emit(metric, "
        f"subject, period, value=...) instead, and return nothing (at okrdesk_leads/__init__.py:"
        f"{line})"
    ) in told, told
    assert "never awaited" not in told and "printed" not in told, told
    assert _plugins_stored(root) == {"test_metrics"}


FORMAT_RETURNED = """\
from okrdesk.plugins import ReportFormat, hookimpl


def _render(report, out, context):
    out.write("leads")


@hookimpl
def okrdesk_report_formats(register):
    return ReportFormat("leads", "Leads only", _render, ".leads")
"""


def test_okrdesk_report_formats_returning_its_format_is_told(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    line = _line_of(FORMAT_RETURNED, "def okrdesk_report_formats")
    with installed_package(tmp_path, "leads", FORMAT_RETURNED) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        asked = okrdesk(env, "report", "--format", "leads", "--lang", "en", "-w", str(root))
    said = (
        "okrdesk_report_formats failed: TypeError: okrdesk_report_formats returned a "
        "ReportFormat, which okrdesk does not read: hand each format to "
        "register(ReportFormat(...)) instead, and return nothing (at "
        f"okrdesk_leads/__init__.py:{line})"
    )
    assert f"    error: {said}" in listed.stdout.splitlines(), listed.stdout
    told = " ".join((asked.stdout + asked.stderr).split())
    assert asked.returncode != 0 and said in told, told


def test_an_entry_point_naming_a_function_is_told_to_name_the_module(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """``leads = "okrdesk_leads:okrdesk_metrics"`` loads a function, which has no hooks:
    the plugin declared nothing, with no error, so every command took its metric for a
    misspelling and refused the plan, the other plugins' figures with it."""
    root = write_workspace({"leads.toml": LEADS_KR})
    entry = "okrdesk_leads:okrdesk_metrics"
    with installed_package(tmp_path, "leads", _source(), entry=entry) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        collected = okrdesk(env, "collect", "--lang", "en", "--through", "2026-01-18",
                            "-w", str(root))  # fmt: skip
        reported = okrdesk(env, "report", "--lang", "en", "--as-of", "2026-01-18",
                           "-w", str(root))  # fmt: skip
    said = (
        "not a valid plugin: it has none of okrdesk's hooks (okrdesk_check_settings, "
        "okrdesk_collect, okrdesk_demo_data, okrdesk_metrics, okrdesk_report_formats) marked "
        f"@hookimpl; its entry point names {entry}, not the module holding the hooks: write "
        '"okrdesk_leads" there'
    )
    assert f"    error: {said}" in listed.stdout.splitlines(), listed.stdout
    told = collected.stdout + collected.stderr
    assert collected.returncode == 1 and f"error: plugin leads: {said}" in told, told
    assert _plugins_stored(root) == {"test_metrics"}
    assert reported.returncode == 0, reported.stdout + reported.stderr
