"""Advice for a figure quoted as text where its key's figure is in its table's unit
(``total = "899万元"`` below ``unit = "万元"``, a budget line's ``amount = "30"`` in its
budget's): the line to write, without quotes, in that unit."""

from __future__ import annotations

import re

import attrs

from okrdesk.errors import Said
from okrdesk.records import shared_methods


@attrs.frozen
@shared_methods
class TableUnit:
    """The unit a table's figures are in, and where a message says it is written."""

    symbol: str
    whose: Said
    """Whose unit it is: ``the table's``, ``the budget's``."""
    said: Said
    """The line that says it: ``unit = "万元"``, ``unit = "万元" at line 2``."""


def own_unit(symbol: str) -> TableUnit:
    """The unit written in the table itself."""
    said = f'unit = "{symbol}"'
    return TableUnit(symbol, Said("the table's", "表的"), Said(said, said))


def key_result_unit(symbol: str) -> TableUnit:
    """The unit of a member's target: its key result's."""
    said = f'unit = "{symbol}"'
    return TableUnit(symbol, Said("the key result's", "关键结果的"), Said(said, said))


def budget_unit(symbol: str, line: int) -> TableUnit:
    """The unit of a budget line that writes none of its own: its budget's, at ``line``."""
    said = f'unit = "{symbol}"'
    return TableUnit(symbol, Said("the budget's", "预算的"),
                     Said(f"{said} at line {line}", f"第 {line} 行 {said}"))  # fmt: skip


def in_table_unit(key: str, figure: str, unit: TableUnit | None) -> Said | None:
    """The line to write for ``figure``, quoted as ``key``'s value (``899万元``, ``30元``,
    ``8,990,000``, ``30``), in the table's ``unit``; None where there is none or the
    figure is no figure of its kind."""
    from okrdesk.targets.placed_advice import money_for_no_money, read_as_yuan, too_small_for
    from okrdesk.units import (
        TOML_NUMBER,
        plain_figures,
        without_myriad_commas,
        without_separators,
    )

    if unit is None:
        return None
    symbol, whose, said = unit.symbol, unit.whose, unit.said
    where = Said(f"without quotes, in {whose.en} unit ({said.en})",
                 f"不加引号，用{whose.zh}单位（{said.zh}）")  # fmt: skip
    grouped, left_out = without_separators(figure), Said("thousands separators", "千位分隔符")
    if grouped is None:  # "45,0000": 45万, grouped as 万 and 亿 group a figure
        grouped, left_out = without_myriad_commas(figure), Said("commas", "逗号")
    if "," in figure and grouped is not None:
        yuan = read_as_yuan(key, grouped, symbol, where)
        if yuan is not None:
            return yuan
        return Said(f"write {key} = {grouped}, without quotes or {left_out.en}, in "
                    f"{whose.en} unit ({said.en})",
                    f"请写 {key} = {grouped}，不加引号，也不加{left_out.zh}，用{whose.zh}单位"
                    f"（{said.zh}）")  # fmt: skip
    if re.fullmatch(TOML_NUMBER, figure):
        return Said(f"write {key} = {figure}, {where.en}", f"请写 {key} = {figure}，{where.zh}")
    figures = plain_figures(figure) or []
    for number, units in figures:
        if symbol in units.split(" or "):
            return Said(f"write {key} = {number}, {where.en}", f"请写 {key} = {number}，{where.zh}")
    small = too_small_for(figures, symbol)
    if small is None:
        # Money only where it was written as money (¥1,200, 1200元), not 15亿 of 户.
        money = "元" in figure
        return money_for_no_money(key, figures, symbol, whose, said, quoted=True) if money else None
    number, written, exact = small
    return Said(f"write {key} = {number}, without quotes, for {number}{symbol}, in {whose.en} "
                f"unit ({said.en}); {number}{written} would be {key} = {exact}",
                f"{number}{symbol}请写 {key} = {number}，不加引号，用{whose.zh}单位（{said.zh}）；"
                f"{number}{written}则应写 {key} = {exact}")  # fmt: skip
