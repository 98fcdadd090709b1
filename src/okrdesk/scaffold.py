"""Create workspaces: an empty one to start from, or the demo."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from okrdesk.errors import BadInput
from okrdesk.workspace import SETTINGS_FILE

_SKELETON = Path(__file__).resolve().parent / "skeleton"


def _refuse_existing(root: Path) -> None:
    existing = [p for p in (root / SETTINGS_FILE, root / "targets") if p.exists()]
    if existing:
        shown = ", ".join(str(p) for p in existing)
        raise BadInput(f"{root} is already a workspace ({shown} exists); nothing was changed")


def create_workspace(root: Path) -> list[str]:
    """Write the commented example workspace into ``root``; return what was written."""
    if root.exists() and not root.is_dir():
        raise BadInput(f"{root} is not a folder")
    _refuse_existing(root)
    written = []
    for source in sorted(_SKELETON.rglob("*")):
        if source.is_file():
            target = root / source.relative_to(_SKELETON)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target.relative_to(root).as_posix())
    (root / "data").mkdir(exist_ok=True)
    return written


DEMO_MARKER = ".okrdesk-demo"


def _prepare_demo_folder(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise BadInput(f"{root} is not a folder")
    if root.is_dir() and any(root.iterdir()):
        if not (root / DEMO_MARKER).is_file():
            raise BadInput(
                f"{root} already holds files that are not an okrdesk demo; "
                "name another folder, nothing was changed"
            )
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / DEMO_MARKER).write_text(
        "This folder was made by `okrdesk demo` and is rebuilt by it.\n"
    )


def build_demo(root: Path, as_of: dt.date | None = None) -> list[str]:
    """Build the demo workspace in ``root``; return what to tell the user."""
    from okrdesk.collecting import run_collect
    from okrdesk.demo_history import write_history
    from okrdesk.errors import display_path
    from okrdesk.plugins.manager import PluginHost, describe_error
    from okrdesk.resources import shipped
    from okrdesk.session import open_session
    from okrdesk.store import Store
    from okrdesk.summary import plan_summary
    from okrdesk.targets.load import load_plan_or_fail

    _prepare_demo_folder(root)
    shutil.copytree(shipped("sample_targets"), root / "targets")
    plan = load_plan_or_fail(root)
    through = min(max(as_of or dt.date.today(), plan.start), plan.end)
    lines = [f"Demo workspace: {root}", f"As of {through.isoformat()}."]

    host = PluginHost(root / "plugins").load()
    sources: dict[str, Any] = {}
    for name, generate in host.implementations("okrdesk_demo_data"):
        try:
            settings = generate(plan=plan, workspace=root.resolve(), through=through)
        except Exception as error:
            lines.append(f"plugin {name} could not make demo data: {describe_error(error)}")
            continue
        if settings:
            sources[name] = dict(settings)
            lines.append(f"plugin {name} generated demo data ({_describe(settings)}).")
    _write_settings(root, "okrdesk demo", sources)

    session = open_session(root)
    lines.append(plan_summary(session.plan))
    metrics = len(session.host.metrics)
    lines.append(f"{len(session.host.records)} plugins loaded, {metrics} metrics available.")
    summary = run_collect(session, through)
    lines.append(
        f"Collected {summary.stored:,} observations of {len(summary.metrics)} metrics over "
        f"{len(summary.periods)} periods into {display_path(session.workspace.database, root)}."
    )
    lines.extend(f"error: {error}" for error in summary.errors)
    with Store.open(session.workspace.database) as store:
        checkins, entries = write_history(session.plan, store, through)
    lines.append(f"Recorded {checkins} demo check-ins and {entries} spend entries.")
    return lines


def _describe(settings: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in settings.items())


def _write_settings(root: Path, name: str, sources: Mapping[str, Mapping[str, Any]]) -> None:
    import tomlkit

    document = tomlkit.document()
    document.add(tomlkit.comment("Written by `okrdesk demo`."))
    document["workspace"] = {"name": name}
    if sources:
        table = tomlkit.table(is_super_table=True)
        for plugin, settings in sources.items():
            table[plugin] = dict(settings)
        document["sources"] = table
    (root / SETTINGS_FILE).write_text(tomlkit.dumps(document), encoding="utf-8")
