"""Helpers for checking a plugin's ``[sources.<name>]`` table.

``number_setting`` reads a number as okrdesk.toml gives it (an int, or a
``Decimal`` for one written with a fraction), for any plugin.

``settings_problems`` turns the built-in sources' messages into
``SettingsProblem``s. The SQL and derived sources word each mistake in their table
beginning with the key it is about (``sources.sql.metrics[2].unit: unknown unit``,
``sources.sql.metrics[0].query (aum): ...``), for ``collect`` and ``report``, which show
the message whole. ``okrdesk validate`` shows it at that key's line instead. A message
okrdesk words in both languages (an ``errors.Said``, the SQL source's) begins with the
key in both, and its ``SettingsProblem`` carries the Chinese.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal

from okrdesk.errors import Said
from okrdesk.plugins.hookspecs import SettingsProblem


def number_setting(value: object) -> float | None:
    """A setting's number as a finite float: an int, a float, or the ``Decimal`` okrdesk
    reads ``2.5`` in okrdesk.toml as; None for anything else (``true``, text), and for
    what is not finite or no float can hold (``nan``, a 400-digit integer)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def settings_problems(plugin: str, messages: Iterable[str | Said]) -> list[SettingsProblem]:
    """Each of ``messages`` at the key it begins with (under ``sources.<plugin>``), the
    metric it names (in parentheses after the key) put in front of what is wrong; a
    message that names no key is about the table as a whole. A ``Said`` gives its
    Chinese too, begun with the same key."""
    keyed = re.compile(
        rf"sources\.{re.escape(plugin)}((?:\.[\w-]+|\[\d+\])*)(?: \((.*?)\))?: (.*)", re.DOTALL
    )
    found = []
    for given in messages:
        text, zh = given if isinstance(given, Said) else (given, "")
        match = keyed.fullmatch(text)
        if match is None:
            found.append(SettingsProblem("", text, zh=zh))
            continue
        key, name, message = match.groups()
        said = zh.removeprefix(text[: match.start(3)])
        found.append(SettingsProblem(
            key.removeprefix("."),
            f"metric {name}: {message}" if name else message,
            zh=f"指标 {name}：{said}" if name and zh else said,
        ))  # fmt: skip
    return found
