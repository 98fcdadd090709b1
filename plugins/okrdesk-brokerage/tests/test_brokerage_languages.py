"""Every message the plugin gives is said in Chinese too, beside the English.

Its users are branch managers who read okrdesk in Chinese. ``ExportError`` and
``SettingsError`` take ``zh`` as a required keyword, so an error raised without it
fails mypy and fails where it is made; and a scan of the plugin's source checks that
no call of theirs, of ``CsvRows.error``, ``emit.error`` or ``emit.warning`` leaves the
Chinese out or empty, and that every ``Said`` written out has Chinese in its second
half. The words themselves are checked where each message is tested
(test_brokerage_errors.py, test_brokerage_cli_messages.py).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import okrdesk_brokerage
from brokerage_helpers import has_chinese
from okrdesk_brokerage.errors import ExportError, SettingsError

SOURCES = sorted(Path(okrdesk_brokerage.__file__).parent.glob("*.py"))

SAID_IN_BOTH = {"ExportError", "SettingsError", "error", "warning"}
"""What is called with a message that must come with ``zh=``: the plugin's two errors,
``CsvRows.error``, ``emit.error`` and ``emit.warning``."""


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _english_only(node: ast.expr) -> bool:
    """Whether ``node``, given as the Chinese, is a string or f-string written out without
    a Chinese character: empty, or English. An f-string whose fixed parts are punctuation
    alone only puts Chinese parts together (``f"{where}：{zh}"``); a name, a call or
    anything else worked out at run time is taken as it is."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return not has_chinese(node.value)
    if isinstance(node, ast.JoinedStr):
        fixed = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
        composed = len(fixed) < len(node.values) and not any(c.isalnum() for c in fixed)
        return not composed and not has_chinese(fixed)
    return False


def _said_in_one_language(source: str, name: str = "source") -> list[str]:
    """Each call in ``source`` that gives a message in English only, as ``name:line``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = _called(node)
        if called in SAID_IN_BOTH and node.args:
            zh = next((k.value for k in node.keywords if k.arg == "zh"), None)
            if zh is None or _english_only(zh):
                found.append(f"{name}:{node.lineno}")
        elif called == "Said" and len(node.args) == 2 and _english_only(node.args[1]):
            found.append(f"{name}:{node.lineno}")
    return found


def test_every_message_of_the_plugin_is_given_in_chinese() -> None:
    found = [
        where
        for path in SOURCES
        for where in _said_in_one_language(path.read_text(encoding="utf-8"), path.name)
    ]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        'raise ExportError("trades.csv", "cannot read", line=3)',
        'raise ExportError("trades.csv", "cannot read", zh="", line=3)',
        'raise SettingsError("data", "is required", zh="is required")',
        'raise rows.error(line, "date", f"{day} is late")',
        "emit.error(metric, str(error))",
        'emit.warning(metric, "rows left out", zh=f"{count} rows left out")',
        'WARNING = Said("{file}: read row by row", "{file}: read row by row")',
    ],
)
def test_the_scan_catches_a_message_in_english_only(source: str) -> None:
    assert _said_in_one_language(source) == ["source:1"]


def test_the_scan_passes_a_message_in_both_languages() -> None:
    source = (
        'raise rows.error(line, "date", f"{day} is late", zh=f"{day} 太晚")\n'
        "emit.error(metric, error.said.en, zh=error.said.zh)\n"
    )
    assert _said_in_one_language(source) == []


@pytest.mark.parametrize("error", [ExportError, SettingsError])
def test_the_errors_cannot_be_made_without_their_chinese(error: type[Exception]) -> None:
    zh = inspect.signature(error).parameters["zh"]
    assert zh.kind is inspect.Parameter.KEYWORD_ONLY and zh.default is inspect.Parameter.empty
    with pytest.raises(TypeError, match="zh"):
        error("trades.csv", "cannot read")
