"""Why a plugin could not declare one metric: the mistakes of its definition in
okrdesk.toml (``DeclaredInPart.keyed``, the SQL source's broken
``[[sources.sql.metrics]]``), at their lines, for a line that names the metric already.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from okrdesk.errors import Said


def definition_mistakes(
    plugin: str, metric: str, mistakes: Sequence[Said], settings: Mapping[str, Any], root: Path
) -> list[Said]:
    """``mistakes`` of ``plugin`` that are about ``metric``'s definition (those keyed
    ``sources.<plugin>.metrics[i]``, the definition naming it), every one where none
    is; each at its line of okrdesk.toml, without the metric's name after its key
    (``okrdesk.toml:8: sources.sql.metrics[0].query: written for SQLite; …``)."""
    from okrdesk.plugins.settings_checks import checked, located, settings_problems

    definitions = settings.get("metrics")
    indexes = [
        i
        for i, item in enumerate(definitions if isinstance(definitions, list) else [])
        if isinstance(item, Mapping) and item.get("name") == metric
    ]
    ours = re.compile(
        rf"sources\.{re.escape(plugin)}\.metrics\[(?:{'|'.join(map(str, indexes)) or '-'})\]"
        r"(?=[.: ])"
    )
    about = [said for said in mistakes if ours.match(said.en)] or list(mistakes)
    named = f" ({metric}): "
    unnamed = [Said(*(text.replace(named, ": ", 1) for text in said)) for said in about]
    answered = checked(settings_problems(plugin, unnamed))
    return [Said(p.text("en"), p.text("zh")) for p, _ in located(root, plugin, answered)]
