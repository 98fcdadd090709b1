"""Every refusal okrdesk words itself is said in Chinese and in English.

A scan of the source: an ``OkrdeskError`` (or any error built on it) is never given a
bare string or f-string, which would be one language whatever ``--lang`` says; it gets
a ``Said`` (both languages), or a message the code chose by ``lang`` from a table that
holds both. Every table of messages by language (``{"en": {...}, "zh": {...}}``) has
the same keys in each language, so none of its messages is missing in one of them. A
value refused as it is made (``model.InvalidValue``, and every error built on it: a
plugin's ``MetricSpec``, a ``ReportFormat``, a key result read from a target file) is
given its English and its Chinese; and where a plugin's values are made and checked
(model.py, plugins/, app/validate.py), no Python error a plugin's author reads
(``ValueError``, ``TypeError``…) is raised with a message in one language. A few
refusals are run through the command line here in both languages; the rest are in the
tests of their commands.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "okrdesk"
SOURCES = sorted(PACKAGE.rglob("*.py"))

ROOT_ERROR = "OkrdeskError"
VALUE_ERROR = "InvalidValue"

PLUGIN_FACING = ("model.py", "plugins/", "app/validate.py")
"""Where a plugin's values are made and checked: what is raised there is told to the
plugin's author, as its error, in the language of the command."""
NOT_PLUGIN_FACING = {
    # pytest helpers for a plugin author's own tests, in Python's words like any library.
    "plugins/testing.py",
}
MADE_OF_SAID = {
    # sql_metrics.py: every mistake of one SQL metric's definition, each a Said.
    "_Mistakes",
}
"""Errors built on ``InvalidValue`` that are given messages in both languages whole, not
their English and their Chinese."""
BUILT_IN_ERRORS = {"ValueError", "TypeError", "KeyError", "RuntimeError", "AttributeError"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def error_classes(trees: list[ast.Module], root: str = ROOT_ERROR) -> set[str]:
    """``root`` (``OkrdeskError``) and every class built on it, by name, across
    ``trees``."""
    bases: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                found = {n for n in map(_name, node.bases) if n is not None}
                bases.setdefault(node.name, set()).update(found)
    errors = {root}
    grown = True
    while grown:
        more = {name for name, of in bases.items() if of & errors} - errors
        errors |= more
        grown = bool(more)
    return errors


def _one_language(node: ast.expr) -> bool:
    """A message written out in one language: a string, an f-string, or those joined."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _one_language(node.left) or _one_language(node.right)
    return (
        isinstance(node, ast.Call)
        and _name(node.func) == "format"
        and (isinstance(node.func, ast.Attribute) and _one_language(node.func.value))
    )


def one_language_refusals(source: str, errors: set[str]) -> list[str]:
    """``line: error(message)`` for each error in ``source`` given a message in one
    language only."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and _name(node.func) in errors
            and node.args
            and _one_language(node.args[0])
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)[:120]}")
    return found


def _blank(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value == ""


def values_refused_in_one_language(source: str, kinds: set[str]) -> list[str]:
    """``line: call`` for each value refused (an error of ``kinds``, built on
    ``InvalidValue``) without both its English and its Chinese."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in kinds - MADE_OF_SAID:
            given = [*node.args, *(k.value for k in node.keywords if k.arg in ("en", "zh"))]
            if any(isinstance(message, ast.Starred) for message in given):
                continue  # a Said unpacked: both
            if len(given) < 2 or any(_blank(message) for message in given[:2]):
                found.append(f"{node.lineno}: {ast.unparse(node)[:120]}")
    return found


def built_in_errors_in_one_language(source: str) -> list[str]:
    """``line: raise`` for each Python error (``ValueError``…) raised with a message in
    one language."""
    found = []
    for node in ast.walk(ast.parse(source)):
        raised = node.exc if isinstance(node, ast.Raise) else None
        if (
            isinstance(raised, ast.Call)
            and _name(raised.func) in BUILT_IN_ERRORS
            and raised.args
            and _one_language(raised.args[0])
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)[:120]}")
    return found


def _plugin_facing(where: str) -> bool:
    return where.startswith(PLUGIN_FACING) and where not in NOT_PLUGIN_FACING


def _text(table: ast.Dict) -> bool:
    """Whether a table's values are all text (messages), not numbers or settings."""
    return all(
        isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant) and isinstance(v.value, str))
        for v in table.values
    )


ONE_SIDED = {
    # In English the window's or the week's own words (ValueError's), in Chinese these.
    ("app/report.py", "no_window"),
    ("app/report.py", "window"),
    # The workbook's own plural in English; in Chinese the report's word (messages.label).
    ("report/formats/xlsx.py", "key_result"),
}
"""Messages a table holds in one language on purpose: the other language words them
elsewhere."""


def uneven_tables(source: str, where: str = "") -> list[str]:
    """``line: what differs`` for each table of messages by language (a dict literal
    keyed "en" and "zh") whose languages do not hold the same messages, but for those
    ``ONE_SIDED`` names in the file ``where``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Dict):
            continue
        keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
        if sorted(k for k in keys if isinstance(k, str)) != ["en", "zh"] or len(keys) != 2:
            continue
        by_lang = dict(zip(keys, node.values, strict=True))
        en, zh = by_lang["en"], by_lang["zh"]
        if isinstance(en, ast.Dict) and isinstance(zh, ast.Dict) and _text(en) and _text(zh):
            names = [
                {k.value for k in side.keys if isinstance(k, ast.Constant)} for side in (en, zh)
            ]
            only = sorted(k for k in names[0] ^ names[1] if (where, k) not in ONE_SIDED)
            if only:
                found.append(f"{node.lineno}: in one language only: {', '.join(only)}")
        elif (
            isinstance(en, ast.Tuple) and isinstance(zh, ast.Tuple) and len(en.elts) != len(zh.elts)
        ):
            found.append(f"{node.lineno}: {len(en.elts)} in English, {len(zh.elts)} in Chinese")
    return found


@pytest.fixture(scope="module")
def trees() -> list[ast.Module]:
    return [ast.parse(p.read_text(encoding="utf-8")) for p in SOURCES]


@pytest.fixture(scope="module")
def errors(trees: list[ast.Module]) -> set[str]:
    return error_classes(trees)


@pytest.fixture(scope="module")
def refusals(trees: list[ast.Module]) -> set[str]:
    return error_classes(trees, VALUE_ERROR)


def test_the_errors_are_found_by_what_they_are_built_on(
    errors: set[str], refusals: set[str]
) -> None:
    assert {"OkrdeskError", "BadInput", "NoStoreYet", "StoreRefused", "DeliveryFailed"} <= errors
    assert "ValueError" not in errors
    assert {"InvalidValue", "MetricSpecError", "ReportFormatError", "SqlMetricError",
            "DerivedMetricError"} <= refusals  # fmt: skip
    assert "ValueError" not in refusals


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_refusal_is_in_one_language_only(
    path: Path, errors: set[str], refusals: set[str]
) -> None:
    source = path.read_text(encoding="utf-8")
    where = path.relative_to(PACKAGE).as_posix()
    assert one_language_refusals(source, errors) == []
    assert uneven_tables(source, where) == []
    assert values_refused_in_one_language(source, refusals) == []
    if _plugin_facing(where):
        assert built_in_errors_in_one_language(source) == []


def test_the_scan_catches_a_value_refused_in_one_language(refusals: set[str]) -> None:
    source = """
raise MetricSpecError(f"metric {name}: unit {unit!r} is unknown")
raise InvalidValue(f"phase {id} ends before it starts", "")
raise ReportFormatError(en="report format x: render must be a function")
raise MetricSpecError(f"metric {name}: unknown", f"指标 {name}：未知")
raise SqlMetricError(en=f"{where}: missing", zh=f"{where}：缺少")
raise SqlMetricError(*said)
raise ValueError(f"{path}: not ours to word")
"""
    assert [line.split(":")[0] for line in values_refused_in_one_language(source, refusals)] == [
        "2", "3", "4"
    ]  # fmt: skip


def test_the_scan_catches_a_plugin_s_author_told_in_one_language() -> None:
    source = """
raise ValueError(f"emit.many: {name} holds {held} items")
raise TypeError("gave a SettingsProblem whose key is not text")
raise worded(TypeError, "gave str", "返回了 str")
raise ValueError
raise KeyError(metric)
"""
    assert [line.split(":")[0] for line in built_in_errors_in_one_language(source)] == ["2", "3"]
    assert _plugin_facing("model.py") and _plugin_facing("plugins/runner.py")
    assert not _plugin_facing("plugins/testing.py") and not _plugin_facing("engine/pace.py")


def test_the_scan_catches_a_refusal_in_one_language(errors: set[str]) -> None:
    source = """
raise BadInput(f"{path}: no such folder")
raise StoreRefused("damaged")
raise OkrdeskError("the copy of " + table + " does not add up")
raise BadInput("{day} is before the plan".format(day=day))
raise BadInput(Said(f"{path}: no such folder", f"{path}：没有这个文件夹"))
raise BadInput(_SAID[lang]["no_folder"])
raise BadInput("没有" if lang == "zh" else "none")
raise ValueError(f"{path}: not ours to word")
"""
    assert [line.split(":")[0] for line in one_language_refusals(source, errors)] == [
        "2", "3", "4", "5"
    ]  # fmt: skip


def test_the_scan_catches_a_message_table_missing_a_language() -> None:
    source = """
_SAID = {"en": {"a": "A", "b": "B"}, "zh": {"a": "甲"}}
_CREATED = {"en": ("Created", "Edit"), "zh": ("已创建",)}
_FINE = {"en": {"a": "A"}, "zh": {"a": "甲"}}
"""
    assert uneven_tables(source) == ["2: in one language only: b", "3: 2 in English, 1 in Chinese"]


# ------------------------------------------------- through the command line


def _refused(root: Path, args: list[str], lang: str) -> str:
    done = CliRunner().invoke(cli, [*args, "--lang", lang, "-w", str(root)])
    assert done.exit_code in (1, 2), done.output
    assert "Traceback" not in done.output
    return done.output


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (["collect", "--through", "2025-12-31"],
         "2025-12-31 is before the plan starts (2026-01-01); nothing to collect",
         "2025-12-31 早于计划开始日（2026-01-01）；没有可采集的数据"),
        # It said the file was "left as it was", of a file that was never there, and not
        # which folder was missing.
        (["export", "--out", "{root}/no-such-folder/spend.csv"],
         "{root}/no-such-folder/spend.csv: could not write the file: there is no folder "
         "{root}/no-such-folder; nothing was written",
         "{root}/no-such-folder/spend.csv：无法写入该文件：文件夹 {root}/no-such-folder 不存在；"
         "未写入任何内容"),
        (["report", "--out", "okrdesk.toml"],
         "--out okrdesk.toml: that is the workspace's settings (okrdesk.toml); choose another "
         "file. Nothing was written.",
         "--out okrdesk.toml：这是工作区的设置（okrdesk.toml）；请另选一个文件。未写入任何内容。"),
    ],
    ids=["before-the-plan", "unwritable-out", "out-onto-settings"],
)  # fmt: skip
def test_a_refusal_is_said_in_the_language_asked_for(
    write_workspace: WriteWorkspace,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    en: str,
    zh: str,
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text('[workspace]\nname = "福田"\n', encoding="utf-8")
    collected = CliRunner().invoke(cli, ["collect", "--through", "2026-01-20", "-w", str(root)])
    assert collected.exit_code == 0, collected.output
    monkeypatch.chdir(root)
    args = [a.format(root=root) for a in args]
    assert _refused(root, args, "en").strip() == en.format(root=root)
    assert _refused(root, args, "zh").strip() == zh.format(root=root)


def test_a_workspace_that_is_not_there_is_named_in_either_language(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    for lang, said in (("en", f"workspace {missing}: no such folder"),
                       ("zh", f"工作区 {missing}：没有这个文件夹")):  # fmt: skip
        done = CliRunner().invoke(cli, ["report", "--lang", lang, "-w", str(missing)])
        assert done.exit_code == 2 and done.output.strip() == said
