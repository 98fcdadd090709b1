"""Read a workspace's target files into a Plan, reporting every problem at once.

Files are read as bytes and parsed with ``tomllib``: nothing in them is ever
executed. A file that cannot be read (not UTF-8, too large, not TOML) is one
problem with its position; the other files are still checked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from okrdesk import model
from okrdesk.errors import Problem, ValidationFailed, display_path
from okrdesk.records import shared_methods
from okrdesk.targets import toml_cache
from okrdesk.targets.locate import KeyLocator
from okrdesk.targets.reader import Findings, SourceFile, where_for

if TYPE_CHECKING:
    from okrdesk.targets.schema import Draft
    from okrdesk.targets.syntax import Hazard

MAX_FILE_BYTES = 2 * 1024 * 1024
# Patterns for tomllib's messages, compiled only when a file has a syntax error.
_POSITION = r"\s*\(at line (\d+), column (\d+)\)$"
_AT_END = r"\s*\(at end of document\)$"


@attrs.frozen
@shared_methods
class LoadResult:
    plan: model.Plan | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    files: tuple[str, ...]
    objective_files: Mapping[str, Path] = attrs.field(factory=dict)
    """Which file each objective is written in."""


def parse_toml_file(
    path: Path, root: Path, findings: Findings, *, kept: bool = False
) -> SourceFile | None:
    """Parse one TOML file; every way it can be unreadable becomes one problem.

    ``kept``: what the same text gave before is read from the user's cache, and what
    it gives now is kept there (targets/toml_cache.py; for okrdesk.toml, which every
    command reads)."""
    shown = display_path(path, root)
    if not path.resolve().is_relative_to(root.resolve()):
        # Never read: its first line would be quoted as a syntax error's context.
        findings.problems.append(
            Problem(shown, 0, "", "links to a file outside the workspace; a target file "
                    "must be the workspace's own, and was not read")
        )  # fmt: skip
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        findings.problems.append(
            Problem(shown, 0, "", f"the file is {size / 1024 / 1024:.1f} MB; target files are "
                    f"limited to {MAX_FILE_BYTES // 1024 // 1024} MB. Is it really a target file?")
        )  # fmt: skip
        return None
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        findings.warnings.append(
            Problem(shown, 1, "", "the file starts with a byte-order mark (BOM); it was ignored")
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        findings.problems.append(
            Problem(shown, line, "", f"not UTF-8 text (byte 0x{raw[error.start]:02x}); "
                    "save the file as UTF-8")
        )  # fmt: skip
        return None
    if not text.strip():
        findings.warnings.append(Problem(shown, 0, "", "the file is empty"))
    # Only a text without hazards is kept: one read from the cache has none.
    data = toml_cache.kept(path, text) if kept else None
    hazards: list[Hazard] = []
    if data is None:
        import tomllib  # here: a kept file is read without it, and its import is costly

        from okrdesk.targets.syntax import neutralise

        read, hazards = neutralise(text)
        try:
            data = tomllib.loads(read, parse_float=Decimal)
        except tomllib.TOMLDecodeError as error:
            findings.problems.append(_syntax_problem(shown, read, str(error)))
            return None
        except (ValueError, RecursionError) as error:  # tomllib's limits, past our checks
            findings.problems.append(Problem(shown, 0, "", f"cannot be read: {error}"))
            return None
        if kept and not hazards:
            toml_cache.keep(path, text, data)
        text = read
    source = SourceFile(path, shown, KeyLocator(text), data)
    for hazard in hazards:
        found = source.locator.path_at_line(hazard.line)
        if found is None:
            findings.problems.append(Problem(shown, hazard.line, "", hazard.message))
        else:
            findings.problems.append(where_for(source, found).problem(hazard.message))
    return source


def _syntax_problem(shown: str, text: str, message: str) -> Problem:
    match = re.search(_POSITION, message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        detail, where = message[: match.start()], f" (column {column})"
    else:
        line, detail, where = text.count("\n") + 1, re.sub(_AT_END, "", message), " at the end"
    from okrdesk.targets.syntax import opening_line

    better = opening_line(text, line, message)
    if better is not None:
        return Problem(shown, better[0], "", f"TOML syntax: {better[1]}")
    return Problem(shown, line, "", f"TOML syntax: {_sentence(detail)}{where}")


def _sentence(text: str) -> str:
    """tomllib's message as part of ours: first letter lower-cased, the rest as written."""
    return text[:1].lower() + text[1:]


def target_files(targets: Path) -> list[Path]:
    """The folder's ``*.toml`` files (links to files too), in order of name."""
    with os.scandir(targets) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".toml") and e.is_file())
    return [targets / name for name in names]


def load_plan(
    root: Path,
    metrics: Mapping[str, model.MetricSpec] | None = None,
    targets: Path | None = None,
) -> LoadResult:
    """Read every ``targets/*.toml`` of the workspace at ``root``.

    ``metrics`` is the catalog of metrics the loaded plugins provide; with
    None, metric names are not checked.
    """
    # Imported here: a plan kept in the user's cache (plan_cache) is read without them,
    # and okrdesk.toml (settings) needs only parse_toml_file.
    from okrdesk.targets.checks import check_all
    from okrdesk.targets.schema import Draft, read_file

    targets = targets or root / "targets"
    findings = Findings()
    files = target_files(targets) if targets.is_dir() else []
    shown = display_path(targets, root)
    if not files:
        findings.problems.append(
            Problem(
                shown, 0, "", "no target files (*.toml) found; `okrdesk init` makes a workspace"
            )
        )
    draft = Draft()
    for path in files:
        source = parse_toml_file(path, root, findings)
        if source is None:
            draft.incomplete.add("files")
        else:
            read_file(source, draft, findings)
    if files and not draft.plans and "files" not in draft.incomplete:
        findings.problems.append(
            Problem(shown, 0, "plan", "missing; one target file needs a [plan] table")
        )
    check_all(draft, findings, metrics)
    plan = _assemble(draft) if not findings.problems else None
    return LoadResult(
        plan=plan,
        problems=tuple(sorted(set(findings.problems))),
        warnings=tuple(sorted(set(findings.warnings))),
        files=tuple(display_path(p, root) for p in files),
        objective_files={o.value.id: o.where.file.path for o in draft.objectives},
    )


def load_plan_or_fail(
    root: Path, metrics: Mapping[str, model.MetricSpec] | None = None
) -> model.Plan:
    result = load_plan(root, metrics)
    if result.plan is None:
        raise ValidationFailed(result.problems)
    return result.plan


def _assemble(draft: Draft) -> model.Plan:
    header = draft.plans[0].value
    settings: dict[str, Any] = {}
    for entry in draft.budget_settings:
        settings.update(entry.value)
    budget = model.Budget(
        lines=tuple(line.value for line in draft.budget_lines),
        total=settings.get("total"),
        expected_revenue=settings.get("expected_revenue"),
        threshold=settings.get("breaker_threshold", Decimal("0.10")),
        revenue_metric=next((t.value["revenue_metric"] for t in draft.budget_texts), None),
        expense_ratio_max=settings.get("expense_ratio_max"),
        signers=tuple(name for entry in draft.budget_signers for name in entry.value),
    )
    return model.Plan(
        id=header.id,
        name=header.name,
        year=header.year,
        start=header.start,
        end=header.end,
        top=header.unit,
        grain=header.grain,
        attainment_cap=header.attainment_cap,
        units=tuple(u.value for u in draft.units),
        people=tuple(p.value for p in draft.people),
        phases=tuple(sorted((p.value for p in draft.phases), key=lambda p: p.start)),
        objectives=tuple(o.value for o in draft.objectives),
        budget=budget,
        scoring=tuple(s.value for s in draft.scoring),
        baselines=draft.baselines,
    )
