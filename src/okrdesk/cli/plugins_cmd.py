"""The plugins command."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from okrdesk.cli.options import workspace_option, workspace_path
from okrdesk.errors import EXIT_FAILED

if TYPE_CHECKING:
    from okrdesk.model import MetricSpec


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other programs.")
@workspace_option
def plugins(as_json: bool) -> None:
    """List metric plugins, where each came from, and the metrics it provides.

    Plugins come from installed packages (the `okrdesk` entry-point group),
    *.py files in the workspace's plugins/ folder, and okrdesk itself. Set
    OKRDESK_LOAD_PLUGINS to a comma-separated allow-list to load only some.
    Exits 1 when any plugin is broken.
    """
    from okrdesk.plugins.manager import PluginHost
    from okrdesk.workspace import open_workspace

    workspace = open_workspace(workspace_path())
    host = PluginHost(workspace.plugins, sources=workspace.sources).load()
    records = sorted(host.records.values(), key=lambda r: (r.origin, r.name))
    if as_json:
        payload = [
            {
                "name": r.name,
                "version": r.version,
                "origin": r.origin,
                "location": r.location,
                "metrics": [_metric_json(host.metrics[m]) for m in r.metrics],
                "errors": r.errors,
            }
            for r in records
        ]
        click.echo(json.dumps({"plugins": payload}, ensure_ascii=False, indent=2))
    else:
        if not records:
            click.echo("No plugins loaded.")
        for r in records:
            version = f" {r.version}" if r.version else ""
            click.echo(f"{r.name}{version}  ({r.origin}: {r.location})")
            for metric in r.metrics:
                spec = host.metrics[metric]
                click.echo(
                    f"    {metric:<28} {spec.kind.value:<6} {spec.unit.symbol:<4} "
                    f"{spec.label_zh} / {spec.label_en}"
                )
            for error in r.errors:
                click.echo(f"    error: {error}")
    if host.broken:
        raise SystemExit(EXIT_FAILED)


def _metric_json(spec: MetricSpec) -> dict[str, str]:
    return {
        "name": spec.name,
        "kind": spec.kind.value,
        "unit": spec.unit.symbol,
        "label_en": spec.label_en,
        "label_zh": spec.label_zh,
        "description": spec.description,
    }
