"""A plugin's exception names the line of the plugin's own code it came from."""

from __future__ import annotations

import datetime as dt
import importlib
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins.failures import describe_error, raised_at
from okrdesk.units import UNITS

HERE = Path(__file__).name


def caught(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except BaseException as error:
        return error
    raise AssertionError("it did not raise")


def test_an_error_deep_in_python_s_own_code_names_the_plugin_s_line() -> None:
    def plugin_code() -> None:
        dt.datetime.strptime("06/01/2026", "%Y-%m-%d")  # raises in _strptime.py

    error = caught(plugin_code)
    line = plugin_code.__code__.co_firstlineno + 1
    assert raised_at(error) == f"{HERE}:{line}"
    assert describe_error(error) == (
        f"ValueError: time data '06/01/2026' does not match format '%Y-%m-%d' (at {HERE}:{line})"
    )


def test_an_error_okrdesk_raised_for_a_plugin_names_the_plugin_s_call() -> None:
    def plugin_code() -> None:
        MetricSpec("x", MetricKind.FLOW, UNITS["人"], never_negative="yes")  # type: ignore[arg-type]

    error = caught(plugin_code)
    assert raised_at(error) == f"{HERE}:{plugin_code.__code__.co_firstlineno + 1}"


def test_an_error_that_never_passed_through_a_plugin_names_no_place() -> None:
    error = caught(lambda: importlib.import_module("okrdesk.no_such_module"))
    # As okrdesk's runner catches it: from okrdesk's own code and Python's only.
    frames = error.__traceback__
    while frames is not None and frames.tb_frame.f_code.co_filename == __file__:
        frames = frames.tb_next
    error = error.with_traceback(frames)
    assert raised_at(error) is None
    assert describe_error(error) == "ModuleNotFoundError: No module named 'okrdesk.no_such_module'"
    assert describe_error(RuntimeError()) == "RuntimeError"


def test_the_plugin_s_own_line_comes_before_a_library_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin that hands a bad value to a library: without the plugin known the
    library's line is all there is to name; with it, the plugin's line that called."""
    (tmp_path / "somelib").mkdir()
    (tmp_path / "somelib" / "__init__.py").write_text(
        "def parse(text):\n    return int(text)\n", encoding="utf-8"
    )
    (tmp_path / "okrdesk_branches").mkdir()
    (tmp_path / "okrdesk_branches" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "okrdesk_branches" / "reading.py").write_text(
        textwrap.dedent("""\
            import somelib


            def read():
                return somelib.parse("twenty")
        """),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    reading = importlib.import_module("okrdesk_branches.reading")
    plugin = importlib.import_module("okrdesk_branches")
    error = caught(reading.read)
    assert raised_at(error) == "somelib/__init__.py:2"
    assert raised_at(error, plugin) == "okrdesk_branches/reading.py:5"
    assert describe_error(error, plugin).endswith("(at okrdesk_branches/reading.py:5)")


def test_a_workspace_s_plugin_file_is_named_as_the_workspace_spells_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrdesk.plugins.manager import PluginHost

    workspace = tmp_path / "ws"
    (workspace / "plugins").mkdir(parents=True)
    (workspace / "plugins" / "salons.py").write_text(
        textwrap.dedent("""\
            from okrdesk.plugins import hookimpl


            @hookimpl
            def okrdesk_metrics(register):
                raise KeyError("date")
        """),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # not the workspace: the name must not depend on it
    host = PluginHost(workspace / "plugins", entry_points=False, workspace_code=True).load()
    assert host.records["salons"].errors == [
        "okrdesk_metrics failed: KeyError: 'date' (at plugins/salons.py:6)"
    ]
