"""The plan's year as the workspace's target files write it, read from their text alone:
a day written without its year in a team's file (``end = 3/31``) is named in the year of
the plan another file holds, while that file may not read as TOML either. Nothing of
the files is run or evaluated; a line is only matched."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import attrs

from okrdesk.targets.toml_text import header_of, toml_lines

_YEAR = re.compile(r"""\s*(?:year|"year"|'year')\s*=\s*([0-9]{4})\s*(?:#.*)?$""")


@attrs.frozen
class PlanYear:
    year: int
    where: str
    """The file and line of ``year = ...``, as a problem names them: targets/plan.toml:4."""


def year_in_text(text: str) -> tuple[int, int] | None:
    """The ``year`` written in the ``[plan]`` table of ``text`` and its line; None where
    the text has no ``[plan]`` header, or none with a year of four digits below it."""
    in_plan = False
    for number, line in enumerate(toml_lines(text), start=1):
        header = header_of(line)
        if header is not None:
            in_plan = header == (False, "plan")
            continue
        found = _YEAR.match(line) if in_plan else None
        if found is not None:
            return int(found[1]), number
    return None


def plan_year_of(paths: Mapping[str, Path]) -> PlanYear | None:
    """The plan's year, where the files at ``paths`` (by the name a problem shows) write
    one: None where none does, or where two write different years (two plans: which is
    meant cannot be told). A file that is not UTF-8 text is passed over."""
    from okrdesk.targets.load import read_workspace_file

    found: list[PlanYear] = []
    for shown, path in paths.items():
        try:
            text = read_workspace_file(path)[1].decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        if "plan" not in text:
            continue
        written = year_in_text(text)
        if written is not None:
            found.append(PlanYear(written[0], f"{shown}:{written[1]}"))
    years = {plan.year for plan in found}
    return found[0] if len(years) == 1 else None
