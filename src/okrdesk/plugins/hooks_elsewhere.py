"""Where a package's hooks are when its entry point names the package and the hooks live
in a module of it that the package does not import.

``fund_sales = "okrdesk_fund_sales"`` with the hooks in ``okrdesk_fund_sales/plugin.py``
(the reference plugin's own layout) loaded as "not a valid plugin: it has none of
okrdesk's hooks", which sent its author to look for a missing ``@hookimpl``. The
package's modules are read as text, never imported: the one defining a hook is named,
with the entry point to write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from okrdesk.errors import Said

_DEF = re.compile(r"^\s*def (okrdesk_\w+)\s*\(", re.MULTILINE)


def hooks_elsewhere(plugin: object, how: tuple[str, str] | None, hooks: Iterable[str]) -> Said:
    """What to add to "it has none of okrdesk's hooks" for a package, loaded through an
    entry point naming it, whose own modules define hooks: the first such module and the
    entry point to write; empty words for any other plugin."""
    folders = getattr(plugin, "__path__", None)
    name = getattr(plugin, "__name__", None)
    if how is None or how[0] != "entry" or ":" in how[1] or not folders or not name:
        return Said("", "")
    wanted = set(hooks)
    for folder in folders:
        try:
            files = sorted(Path(folder).glob("*.py"))
        except OSError:
            continue
        for file in files:
            if file.name == "__init__.py":
                continue
            try:
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if wanted & set(_DEF.findall(text)):
                module = f"{name}.{file.stem}"
                return Said(
                    f"; its hooks are in {module} ({name.replace('.', '/')}/{file.name}), "
                    f'which the package does not import: write "{module}" as its entry point '
                    "and install it again",
                    f"；它的钩子在 {module}（{name.replace('.', '/')}/{file.name}）中，包本身并未"
                    f'导入它：请把入口点写成 "{module}"，然后重新安装',
                )
    return Said("", "")
