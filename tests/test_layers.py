"""The folders are the layers of docs/DESIGN: a module imports only from its own
layer and the layers below it, and a command imports only what it runs."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sample_workspace import WriteWorkspace

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "okrdesk"

# Bottom to top. A module's layer is its first package below okrdesk; the
# modules at the top of the package are the values everything may use.
LAYERS: dict[str, int] = {
    "": 0,
    "targets": 1,
    "plugins": 1,
    "store": 1,
    "engine": 2,
    "report": 3,
    "delivery": 3,
    "app": 4,
    "cli": 5,
    "__main__": 5,
}
VALUES = {
    "__init__", "model", "periods", "units", "errors", "messages", "resources", "files",
    "formula", "records", "cells", "written_numbers", "written_dates", "figures_apart",
    "user_cache", "environment", "clock", "signals_held", "repeated", "unit_symbols",
    "near_words", "interrupted", "sql_text",
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "okrdesk":
        raise ValueError(module)
    if len(parts) == 1 or parts[1] in VALUES:
        return LAYERS[""]
    if parts[1] not in LAYERS:
        raise AssertionError(f"{module}: not in any layer; add its room to LAYERS")
    return LAYERS[parts[1]]


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every okrdesk module the file imports, anywhere in it (lazy imports too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("okrdesk")]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.split(".")[0] == "okrdesk"
        ):
            found.append((node.lineno, node.module))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    assert len(SOURCES) > 40
    for path in SOURCES:
        layer_of(module_name(path))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_module_imports_from_a_layer_above_it(path: Path) -> None:
    own = layer_of(module_name(path))
    upward = [
        f"{path.relative_to(PACKAGE)}:{line} imports {target}"
        for line, target in imports_of(path)
        if layer_of(target) > own
    ]
    assert not upward, "\n".join(upward)


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    engine = tmp_path / "okrdesk" / "engine"
    engine.mkdir(parents=True)
    bad = engine / "bad.py"
    bad.write_text("def f():\n    from okrdesk.report.build import build_report\n")
    assert [layer_of(t) for _, t in imports_of(bad)] == [LAYERS["report"]]
    assert LAYERS["report"] > LAYERS["engine"]


def test_command_modules_are_named_after_their_commands() -> None:
    from okrdesk.cli import LAZY_COMMANDS

    app = {p.stem for p in (PACKAGE / "app").glob("*.py")} - {"__init__", "session"}
    commands = {name.replace("-", "_") for name in LAZY_COMMANDS}  # move-unit: move_unit.py
    assert app == commands
    elsewhere = [
        path.relative_to(PACKAGE).as_posix()
        for path in SOURCES
        if path.stem in commands and path.parent.name not in ("app", "formats")
    ]
    assert elsewhere == [], "a module named after a command belongs in okrdesk/app"


def test_no_two_public_classes_share_a_name() -> None:
    seen: dict[str, str] = {}
    repeated = []
    for path in SOURCES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where = path.relative_to(PACKAGE).as_posix()
                if node.name in seen:
                    repeated.append(f"{node.name}: {seen[node.name]} and {where}")
                seen[node.name] = where
    assert repeated == []


def _modules_after(argv: list[str]) -> set[str]:
    script = (
        "import sys\n"
        "from okrdesk.cli import cli\n"
        f"try:\n    cli.main({argv!r}, prog_name='okrdesk')\nexcept SystemExit as e:\n"
        "    code = e.code\n"
        "print()\nprint(code)\nprint(','.join(sorted(sys.modules)))\n"
    )
    # Only the workspace's own plugin: what this machine has installed must not count.
    env = {**os.environ, "OKRDESK_LOAD_PLUGINS": "test_metrics"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    *_, code, modules = done.stdout.strip().splitlines()
    assert code in ("0", "None"), done.stdout + done.stderr
    return set(modules.split(","))


def test_report_imports_no_collection_or_plugin_running_code(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    collect = ["collect", "-w", str(root), "--through", "2026-03-15"]
    assert "okrdesk.plugins.runner" in _modules_after(collect)
    for fmt in ("text", "json"):
        modules = _modules_after(["report", "-w", str(root), "--as-of", "2026-03-15",
                                  "--format", fmt])  # fmt: skip
        assert "okrdesk.report.build" in modules
        running = {"okrdesk.plugins.runner", "okrdesk.app.collect", "okrdesk.plugins.testing"}
        assert not running & modules
        other_formats = {"okrdesk.report.terminal", "okrdesk.report.templates", "jinja2"}
        renderer = {"okrdesk.report.terminal"} if fmt == "text" else set()
        assert (other_formats & modules) == renderer
        # Finding installed plugins reads their entry_points.txt, not importlib.metadata
        # (email, zipfile: as long as starting Python); no schema upgrade code either.
        assert not {"importlib.metadata", "email", "zipfile", "sqlite_utils"} & modules


def test_installed_plugins_are_found_as_importlib_metadata_finds_them(tmp_path: Path) -> None:
    import importlib.metadata

    from okrdesk.plugins.entry_points import entry_points, load

    def write(folder: str, text: str | None, version: str = "1.0") -> None:
        info = tmp_path / folder
        info.mkdir()
        (info / ("PKG-INFO" if folder.endswith(".egg-info") else "METADATA")).write_text(
            f"Metadata-Version: 2.1\nName: x\nVersion: {version}\n\nVersion: not this\n"
        )
        if text is not None:
            (info / "entry_points.txt").write_text(text)

    write("okrdesk_one-2.0.dist-info", "[okrdesk]\none = json:decoder.JSONDecoder\n", "2.0")
    write("Two.Pkg-1.0.dist-info", "# a comment\n[console_scripts]\nx = y\n[okrdesk]\n"
          "two = json [extra]\n\nthree=os.path : join\n")  # fmt: skip
    write("eggy-3.0.egg-info", "[okrdesk]\neggy = os\n", "3.0")
    write("quiet-1.0.dist-info", None)
    write("pytest-0.0.dist-info", "[okrdesk]\nshadowed = os\n")  # an installed name: first wins
    import zipfile

    with zipfile.ZipFile(tmp_path / "zipped.zip", "w") as archive:
        archive.writestr("zipped-4.0.dist-info/METADATA", "Name: zipped\nVersion: 4.0\n")
        archive.writestr("zipped-4.0.dist-info/entry_points.txt", "[okrdesk]\nzipped = os\n")
    path = [*sys.path, str(tmp_path), str(tmp_path / "zipped.zip")]
    for group in ("okrdesk", "console_scripts", "pytest11"):
        # importlib.metadata's own rule: the first distribution of a name on the path.
        seen: set[str] = set()
        expected = []
        for dist in importlib.metadata.distributions(path=path):
            name = dist._normalized_name  # type: ignore[attr-defined]
            if name in seen:
                continue
            seen.add(name)
            expected += [(e.name, e.value, dist.version) for e in dist.entry_points
                         if e.group == group]  # fmt: skip
        assert sorted(tuple(e)[:3] for e in entry_points(group, path)) == sorted(expected), group
    found = {e.name: e for e in entry_points("okrdesk", path)}
    assert {"one", "two", "three", "eggy", "zipped"} <= found.keys() and "shadowed" not in found
    assert load(found["one"].value).__name__ == "JSONDecoder"
    assert load(found["three"].value) is os.path.join
    assert found["one"].version == "2.0" and found["eggy"].version == "3.0"
    assert (found["one"].distribution, found["zipped"].distribution) == ("okrdesk_one", "zipped")
