"""The built-in sources' messages about their settings as ``SettingsProblem``s.

The SQL and derived sources word each mistake in their ``[sources.<name>]`` table
beginning with the key it is about (``sources.sql.metrics[2].unit: unknown unit``,
``sources.sql.metrics[0].query (aum): ...``), for ``collect`` and ``report``, which show
the message whole. ``okrdesk validate`` shows it at that key's line instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from okrdesk.plugins.hookspecs import SettingsProblem


def settings_problems(plugin: str, messages: Iterable[str]) -> list[SettingsProblem]:
    """Each of ``messages`` at the key it begins with (under ``sources.<plugin>``), the
    metric it names (in parentheses after the key) put in front of what is wrong; a
    message that names no key is about the table as a whole."""
    keyed = re.compile(
        rf"sources\.{re.escape(plugin)}((?:\.[\w-]+|\[\d+\])*)(?: \((.*?)\))?: (.*)", re.DOTALL
    )
    found = []
    for text in messages:
        match = keyed.fullmatch(text)
        if match is None:
            found.append(SettingsProblem("", text))
            continue
        key, name, message = match.groups()
        found.append(SettingsProblem(key.removeprefix("."), f"metric {name}: {message}"
                                     if name else message))  # fmt: skip
    return found
