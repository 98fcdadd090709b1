"""Formulas of derived metrics: ``aum / headcount_cm``, ``(fees + interest) / aum``.

A formula is read, never run: Python's parser turns the text into a tree,
every node of which must be a name, a number, one of + − × ÷ or brackets;
anything else (a call, an attribute, a subscript) is refused with what was
found. Evaluating walks that tree over figures already rolled up to one
subject, so a derived figure is always a ratio of sums, never a sum of
ratios. A name is another metric or a fact about the subject:
``headcount`` (the people at or under it) or ``headcount_<role>`` (those
of one role, ``headcount_cm``).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable

import attrs

from okrdesk.errors import Said
from okrdesk.records import shared_methods

FACTS = ("headcount",)
"""Names that are facts about a subject rather than metrics."""

_OPERATORS: dict[type[ast.operator], Callable[[float, float], float | None]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b if b else None,
}


class FormulaError(ValueError):
    """A formula that cannot be read; the message says what to write instead, in
    English and in Chinese (``zh``)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


# One for each derived metric: declared without __slots__, which attrs adds by building the
# class a second time (as report/document.py explains).
@attrs.frozen(slots=False)
@shared_methods
class Formula:
    text: str
    tree: ast.expr = attrs.field(eq=False, repr=False)
    inputs: tuple[str, ...]
    """The names the formula uses, in the order written, each once."""

    @property
    def parts(self) -> tuple[str, str] | None:
        """For a formula that is one name over another: (numerator, denominator)."""
        tree = self.tree
        if (
            isinstance(tree, ast.BinOp)
            and isinstance(tree.op, ast.Div)
            and isinstance(tree.left, ast.Name)
            and isinstance(tree.right, ast.Name)
        ):
            return tree.left.id, tree.right.id
        return None

    def evaluate(self, value_of: Callable[[str], float | None]) -> float | None:
        """The figure, given each input's; None when an input has none or a divisor is 0."""
        return _value(self.tree, value_of)


@functools.lru_cache(maxsize=256)
def parse(text: str) -> Formula:
    """The formula read from ``text`` (read once per text: the engine asks for it at
    every subject)."""
    return _parse(text)


def _parse(text: str) -> Formula:
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        column = error.offset or 1
        raise FormulaError(
            f"{text!r} is not a formula (column {column}); write names, numbers, "
            "+ - * / and brackets, as in aum / headcount_cm",
            f"{text!r} 不是公式（第 {column} 列）；只能写名字、数字、+ - * / 和括号，"
            "如 aum / headcount_cm",
        ) from None
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append((node.col_offset, node.id))
        elif isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            raise FormulaError(f"{text!r}: {node.value!r} is not a number",
                               f"{text!r}：{node.value!r} 不是数字")  # fmt: skip
        elif not isinstance(node, _ALLOWED):
            what = _described(node)
            raise FormulaError(
                f"{text!r}: {what.en} is not allowed in a formula; write names, "
                "numbers, + - * / and brackets",
                f"{text!r}：公式里不能有{what.zh}；只能写名字、数字、+ - * / 和括号",
            )
    if isinstance(tree, ast.Constant) and not names:
        raise FormulaError(f"{text!r} names no metric", f"{text!r} 没有用到任何指标")
    return Formula(text.strip(), tree, tuple(dict.fromkeys(n for _, n in sorted(names))))


def is_fact(name: str) -> bool:
    return name in FACTS or name.startswith("headcount_")


_ALLOWED = (
    ast.Name, ast.Load, ast.Constant, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd,
    *_OPERATORS,
)  # fmt: skip


def _described(node: ast.AST) -> Said:
    if isinstance(node, ast.Call):
        return Said("a call", "函数调用")
    if isinstance(node, ast.Attribute):
        return Said("an attribute (a.b)", "属性（a.b）")
    if isinstance(node, ast.Subscript):
        return Said("a subscript (a[b])", "下标（a[b]）")
    if isinstance(node, ast.Compare):
        return Said("a comparison", "比较")
    if isinstance(node, ast.BoolOp):
        return Said("and/or", "and/or")
    name = type(node).__name__
    return Said(f"'{name}'", f"“{name}”")


def _value(node: ast.expr, value_of: Callable[[str], float | None]) -> float | None:
    if isinstance(node, ast.Name):
        return value_of(node.id)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number", f"{node.value!r} 不是数字")
        return float(node.value)
    if isinstance(node, ast.UnaryOp):
        inner = _value(node.operand, value_of)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, value_of), _value(node.right, value_of)
        if left is None or right is None:
            return None
        return _OPERATORS[type(node.op)](left, right)
    what = _described(node)
    raise FormulaError(f"{what.en} is not allowed in a formula", f"公式里不能有{what.zh}")
