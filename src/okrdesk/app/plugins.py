"""``okrdesk plugins``: every plugin, where it came from, and what it provides."""

from __future__ import annotations

import os
from typing import Any

from okrdesk.app.session import consented, open_plugins
from okrdesk.errors import BadInput
from okrdesk.model import MetricSpec
from okrdesk.plugins.manager import PluginHost, PluginRecord
from okrdesk.targets.reader import no_such
from okrdesk.targets.settings import open_workspace


def load_plugins(option: str | os.PathLike[str] | None) -> tuple[PluginHost, str]:
    """The workspace's plugins, loaded, with their report formats declared; and the
    workspace's language, which a refusal is worded in."""
    workspace = consented(open_workspace(option))
    host = open_plugins(workspace)
    host.formats  # noqa: B018 - declaring the formats records their errors too
    return host, workspace.language(None)


def ordered(host: PluginHost) -> list[PluginRecord]:
    return sorted(host.records.values(), key=lambda r: (r.origin, r.name))


def chosen(host: PluginHost, name: str | None, lang: str = "en") -> list[PluginRecord]:
    """Every plugin, or only the one called ``name`` (refused in ``lang`` when none is)."""
    if name is None:
        return ordered(host)
    if name not in host.records:
        hint = "`okrdesk plugins` 列出全部插件" if lang == "zh" else "`okrdesk plugins` lists them"
        raise BadInput(no_such("plugin", name, host.records, hint, lang))
    return [host.records[name]]


def listing(host: PluginHost, name: str | None = None, lang: str = "en") -> list[str]:
    lines = [] if host.records else ["No plugins loaded."]
    for r in chosen(host, name, lang):
        version = f" {r.version}" if r.version else ""
        lines.append(f"{r.name}{version}  ({r.origin}: {r.location})")
        for metric in r.metrics:
            spec = host.metrics[metric]
            lines.append(
                f"    {metric:<28} {spec.kind.value:<6} {spec.unit.symbol:<4} "
                f"{spec.label_zh} / {spec.label_en}"
            )
        for name in r.formats:
            lines.append(f"    report format {name:<14} {host.formats[name].description}")
        lines += [f"    error: {error}" for error in r.errors]
    return lines + [f"warning: {warning}" for warning in host.allow_list_warnings()]


def as_json(host: PluginHost, name: str | None = None, lang: str = "en") -> dict[str, Any]:
    return {
        "plugins": [
            {
                "name": r.name,
                "version": r.version,
                "origin": r.origin,
                "location": r.location,
                "metrics": [_metric_json(host.metrics[m]) for m in r.metrics],
                "formats": [
                    {"name": f, "description": host.formats[f].description} for f in r.formats
                ],
                "errors": r.errors,
            }
            for r in chosen(host, name, lang)
        ],
        "warnings": host.allow_list_warnings(),
    }


def _metric_json(spec: MetricSpec) -> dict[str, str]:
    return {
        "name": spec.name,
        "kind": spec.kind.value,
        "unit": spec.unit.symbol,
        "label_en": spec.label_en,
        "label_zh": spec.label_zh,
        "description": spec.description,
    }
