"""Tables of okrdesk.toml's ``[sources]`` that no plugin reads: ``validate``, ``plugins``
and ``collect`` each warn of them, so a user who runs only one of them still learns that
``[sources.salon_club]`` is read by none while the salons plugin runs on its defaults."""

from __future__ import annotations

from pathlib import Path

from okrdesk.errors import Problem
from okrdesk.plugins.manager import PluginHost


def tables_of_no_plugin(host: PluginHost, root: Path) -> list[Problem]:
    """A warning at the line of each ``[sources.NAME]`` table of okrdesk.toml that names
    no plugin there is (``PluginHost.tables_of_no_plugin``). A warning: the plugin may be
    installed only where the collect runs."""
    from okrdesk.targets.load import parse_toml_file
    from okrdesk.targets.reader import Findings, where_for
    from okrdesk.targets.settings import SETTINGS_FILE

    unknown = host.tables_of_no_plugin()
    source = parse_toml_file(root / SETTINGS_FILE, root, Findings()) if unknown else None
    if source is None:
        return []
    return [where_for(source, ("sources", name)).problem(*said) for name, said in unknown]
