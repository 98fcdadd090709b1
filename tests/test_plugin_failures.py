"""A plugin's exception names the line of the plugin's own code it came from."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import textwrap
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from installed_package import installed_package, okrdesk
from okrdesk.cli import cli
from okrdesk.errors import Said
from okrdesk.model import MetricKind, MetricSpec, PluginLine, kept_line
from okrdesk.plugins.failures import SettingsMistake, describe_error, raised_at
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace, trusted

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


def test_a_mistake_in_the_user_s_settings_is_told_without_the_plugin_s_line() -> None:
    # The user's okrdesk.toml is wrong: the line of the plugin that found it is noise to a
    # branch manager. The same words raised as a plain ValueError are the plugin's bug.
    class SalonsSettingsError(SettingsMistake):
        pass

    def plugin_code(kind: type[ValueError]) -> None:
        error = kind("sources.salons.file: no such file data/salons.csv")
        error.said = Said(str(error), "sources.salons.file：没有文件 data/salons.csv")  # type: ignore[attr-defined]
        raise error

    line = plugin_code.__code__.co_firstlineno + 3
    mistake = caught(lambda: plugin_code(SalonsSettingsError))
    assert describe_error(mistake) == (
        "SalonsSettingsError: sources.salons.file: no such file data/salons.csv"
    )
    assert describe_error(mistake, lang="zh") == (
        "SalonsSettingsError: sources.salons.file：没有文件 data/salons.csv"
    )
    bug = caught(lambda: plugin_code(ValueError))
    assert describe_error(bug, lang="zh") == (
        f"ValueError: sources.salons.file：没有文件 data/salons.csv（位于 {HERE}:{line}）"
    )


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


def test_telling_an_error_never_fails_whatever_the_plugin_or_the_error() -> None:
    """It runs where a plugin's error is being told: a plugin object without a module,
    or an error whose words cannot be read, must not become okrdesk's own traceback."""

    class Unreadable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no words")

    error = caught(lambda: int("x"))
    assert describe_error(error, types.SimpleNamespace()).startswith("ValueError: ")
    assert describe_error(Unreadable(), object()) == ("Unreadable: (its message could not be read)")


def test_a_plugin_object_without_a_module_that_fails_declaring_is_listed_broken(
    tmp_path: Path,
) -> None:
    from okrdesk.plugins import hookimpl
    from okrdesk.plugins.manager import PluginHost

    @hookimpl
    def okrdesk_metrics(register):  # type: ignore[no-untyped-def]
        raise KeyError("date")

    host = PluginHost(tmp_path, entry_points=False, builtins={}, registered=False)
    record = host.register(types.SimpleNamespace(okrdesk_metrics=okrdesk_metrics), "ns")
    line = okrdesk_metrics.__code__.co_firstlineno + 2
    assert record.errors == [f"okrdesk_metrics failed: KeyError: 'date' (at {HERE}:{line})"]


@pytest.mark.parametrize("inside", ["workspace", "plugins", "root"])
def test_an_import_that_fails_in_a_library_names_the_workspace_plugin_s_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: str
) -> None:
    """Known by its file before it was ever imported: named as plugins/NAME.py from any
    folder, at its own line rather than the library's."""
    from okrdesk.plugins.manager import PluginHost

    workspace = tmp_path / "ws"
    (workspace / "plugins").mkdir(parents=True)
    (workspace / "plugins" / "salons.py").write_text(
        'import datetime\n\nSTART = datetime.datetime.strptime("06/01/2026", "%Y-%m-%d")\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(
        {"workspace": workspace, "plugins": workspace / "plugins", "root": "/"}[inside]
    )
    host = PluginHost(workspace / "plugins", entry_points=False, workspace_code=True).load()
    (error,) = host.records["salons"].errors
    assert error.startswith("failed to import: ValueError: time data ")
    assert error.endswith("(at plugins/salons.py:3)")


def test_a_syntax_error_is_named_once_as_its_file_is(tmp_path: Path) -> None:
    from okrdesk.plugins.manager import PluginHost

    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "salons.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    host = PluginHost(tmp_path / "plugins", entry_points=False, workspace_code=True).load()
    assert host.records["salons"].errors == [
        "failed to import: SyntaxError: invalid syntax (at plugins/salons.py:1)"
    ]


def test_a_plugin_made_of_a_shared_library_s_class_names_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A firm's helper package supplies the plugin's class; the plugin package only makes
    one with its own parser, which raises: the plugin's line is named, found through the
    entry point that loads it."""
    (tmp_path / "firm_sdk").mkdir()
    (tmp_path / "firm_sdk" / "__init__.py").write_text(
        textwrap.dedent("""\
            class CsvPlugin:
                def __init__(self, parse):
                    self.parse = parse

                def okrdesk_metrics(self, register):
                    self.parse("x")
        """),
        encoding="utf-8",
    )
    (tmp_path / "okrdesk_branch").mkdir()
    (tmp_path / "okrdesk_branch" / "__init__.py").write_text(
        textwrap.dedent("""\
            from firm_sdk import CsvPlugin


            def parse(text):
                return int(text)


            plugin = CsvPlugin(parse)
        """),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin = importlib.import_module("okrdesk_branch").plugin
    error = caught(lambda: plugin.okrdesk_metrics(None))
    assert raised_at(error, plugin) == "firm_sdk/__init__.py:6"
    how = ("entry", "okrdesk_branch:plugin")
    assert raised_at(error, plugin, how) == "okrdesk_branch/__init__.py:5"


def test_a_workspace_plugin_that_put_its_folder_on_python_s_path_is_still_plugins_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okrdesk.plugins.manager import PluginHost

    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "salons.py").write_text(
        textwrap.dedent("""\
            import sys
            from pathlib import Path

            from okrdesk.plugins import hookimpl

            sys.path.insert(0, str(Path(__file__).parent))


            @hookimpl
            def okrdesk_metrics(register):
                raise KeyError("date")
        """),
        encoding="utf-8",
    )
    monkeypatch.setattr(sys, "path", list(sys.path))
    host = PluginHost(tmp_path / "plugins", entry_points=False, workspace_code=True).load()
    assert host.records["salons"].errors == [
        "okrdesk_metrics failed: KeyError: 'date' (at plugins/salons.py:11)"
    ]


def test_a_collect_that_fails_in_a_library_names_the_plugin_s_line(
    write_workspace: WriteWorkspace,
) -> None:
    """In the plugin's own process, where the failure is worded: tomlkit raises, in its
    own code; the workspace plugin's call to it is named."""
    root = write_workspace()
    plugin = root / "plugins" / "test_metrics.py"
    source = plugin.read_text(encoding="utf-8").replace(
        "def okrdesk_collect(request, emit):\n",
        "def okrdesk_collect(request, emit):\n    import tomlkit\n    tomlkit.parse('= nothing')\n",
    )
    plugin.write_text(source, encoding="utf-8")
    trusted(root)
    line = source.splitlines().index("    tomlkit.parse('= nothing')") + 1
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 1
    assert f"（位于 plugins/test_metrics.py:{line}）" in done.output, done.output
    assert "tomlkit/" not in done.output
    english = CliRunner().invoke(
        cli, ["collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root)]
    )
    assert f"(at plugins/test_metrics.py:{line})" in english.output, english.output


def test_a_syntax_error_named_at_no_place_keeps_the_place_in_its_words() -> None:
    import sysconfig

    inside_python = str(Path(sysconfig.get_paths()["stdlib"]) / "broken.py")
    error = SyntaxError("invalid syntax", (inside_python, 3, 1, "def (:\n"))
    assert describe_error(error) == "SyntaxError: invalid syntax (broken.py, line 3)"


def test_a_plugins_line_is_worded_in_the_readers_language() -> None:
    """A plugin's problem is kept as a run keeps it, in English, and worded again in the
    reader's language wherever it is shown; the plugin's own words stay as it gave them."""
    line = PluginLine("sql", ("assets", "leads"), "cannot connect: refused")
    assert line.text() == "plugin sql metrics assets, leads: cannot connect: refused"
    assert line.text("zh") == "插件 sql 指标 assets、leads：cannot connect: refused"
    assert kept_line(str(line)) == line
    assert kept_line("plugin sql metric nps: nps.csv: 3 rows") == PluginLine(
        "sql", ("nps",), "nps.csv: 3 rows")  # fmt: skip
    assert kept_line("plugin brokerage: down").text("zh") == "插件 brokerage：down"
    # No loaded plugin provides it: the metric is what the line is about.
    none = PluginLine("-", ("leads",), "no loaded plugin provides it")
    assert none.text() == "metric leads: no loaded plugin provides it"
    assert kept_line("okrdesk said this") == PluginLine(None, (), "okrdesk said this")


MISNAMED = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("salon_leads", "Salon leads", "沙龙线索", "flow", UNITS["户"]))


@hookimpl
def {hook}({arguments}):
    pass
"""


@pytest.mark.parametrize(
    ("hook", "arguments", "said"),
    [
        ("okrdesk_colect", "request, emit",
         "not a valid plugin: okrdesk_colect is no hook of okrdesk (did you mean "
         "okrdesk_collect?); its hooks are okrdesk_check_settings, okrdesk_collect, "
         "okrdesk_demo_data, okrdesk_metrics, okrdesk_report_formats"),
        ("okrdesk_collect", "req, emit",
         "not a valid plugin: okrdesk_collect takes no argument req: its arguments are "
         "request, emit (by these names; take only those you need)"),
        # okrdesk_metrics and okrdesk_check_settings take settings; okrdesk_collect's
        # are in its request.
        ("okrdesk_collect", "request, emit, settings, workspace",
         "not a valid plugin: okrdesk_collect takes no argument settings, workspace: its "
         "arguments are request, emit (by these names; take only those you need); settings "
         "is request.settings; workspace is request.workspace"),
    ],
)  # fmt: skip
def test_a_misspelt_hook_or_hook_argument_is_named_with_what_there_is(
    write_workspace: WriteWorkspace, tmp_path: Path, hook: str, arguments: str, said: str
) -> None:
    """pluggy's words name the module by its repr and span lines; the author is told the
    hook or argument misspelt, what there is, and the function's line, on one line."""
    root = write_workspace()
    source = MISNAMED.format(hook=hook, arguments=arguments)
    # The line of its def, not of the decorator above it, where its code object starts.
    line = source.splitlines().index(f"def {hook}({arguments}):", 8) + 1
    with installed_package(tmp_path, "misnamed", source) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        chinese = okrdesk(env, "plugins", "--lang", "zh", "-w", str(root))
    told = [text for text in listed.stdout.splitlines() if "not a valid plugin" in text]
    assert told == [f"    error: {said} (at okrdesk_misnamed/__init__.py:{line})"], listed.stdout
    assert "错误：不是有效的插件：" in chinese.stdout and "<module" not in chinese.stdout


def test_the_metrics_declared_before_okrdesk_metrics_failed_are_collected(
    write_workspace: WriteWorkspace,
) -> None:
    """docs/plugins.md: a plugin that raises in okrdesk_metrics keeps the metrics it
    registered before. In the collect's own process of the plugin they were refused too:
    the plugin's other key results went unmeasured with no word of why. Now they land,
    and the run still fails, naming the error."""
    import contextlib
    import sqlite3

    root = write_workspace()
    plugin = root / "plugins" / "test_metrics.py"
    source = plugin.read_text(encoding="utf-8").replace(
        'MetricKind.FLOW, UNITS["元"],\n                        revenue=True))',
        'MetricKind.FLOW, "万",\n                        revenue=True))',
    )
    assert '"万"' in source
    plugin.write_text(source, encoding="utf-8")
    trusted(root)
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root)]
    )
    assert done.exit_code == 1, done.output
    assert "okrdesk_metrics failed: MetricSpecError: metric fee_revenue" in done.output
    assert "of 2 metrics" in done.output, done.output
    with contextlib.closing(sqlite3.connect(root / "okrdesk.db")) as db:
        stored = {metric for (metric,) in db.execute("SELECT DISTINCT metric FROM observations")}
    assert stored == {"new_hnw_clients", "complaint_rate"}


@pytest.mark.parametrize(
    "call",
    [
        "print('rows read:', 3)",
        "import warnings; warnings.warn('column date is deprecated', FutureWarning)",
        "import logging; logging.getLogger('crm').warning('slow export')",
    ],
    ids=["print", "warning", "logging"],
)
def test_what_a_plugin_prints_while_collecting_is_told_at_its_line(
    write_workspace: WriteWorkspace, call: str
) -> None:
    """A print, a Python warning or a logging record in okrdesk_collect fails the
    plugin's run (docs/plugins.md): it was told with what was printed but not where, and
    a warning from deep in a library left the author searching. Now the line of the
    plugin's code that printed, or called what did, is named."""
    root = write_workspace()
    plugin = root / "plugins" / "test_metrics.py"
    source = plugin.read_text(encoding="utf-8").replace(
        "def okrdesk_collect(request, emit):\n",
        f"def okrdesk_collect(request, emit):\n    {call}\n",
    )
    plugin.write_text(source, encoding="utf-8")
    trusted(root)
    line = source.splitlines().index(f"    {call}") + 1
    done = CliRunner().invoke(
        cli, ["collect", "--through", "2026-03-15", "--lang", "en", "-w", str(root)]
    )
    assert done.exit_code == 1, done.output
    said = " ".join(done.output.split())
    assert "printed to standard output or error" in said, said
    assert f"(at plugins/test_metrics.py:{line})" in said, said
    zh = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert f"（位于 plugins/test_metrics.py:{line}）" in zh.output, zh.output


def test_validate_says_at_a_key_result_that_a_plugin_which_did_not_load_may_provide_it(
    write_workspace: WriteWorkspace,
) -> None:
    """A plugin that fails to import leaves each key result on its metrics with "no loaded
    plugin provides metric", and a "did you mean" another: the plugin's error, the cause,
    came only after them all. Each now says which plugin did not load, and alone where
    the plugin's code names the metric (test_unloaded_plugin_metric.py)."""
    root = write_workspace()
    plugin = root / "plugins" / "test_metrics.py"
    plugin.write_text("import no_such_module\n" + plugin.read_text(encoding="utf-8"), "utf-8")
    trusted(root)
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert (
        'key_results[KR1].metric: no loaded plugin provides metric "new_hnw_clients": plugin '
        "test_metrics, whose code names it, failed to load; mend the error told of it, then "
        "run `okrdesk validate` again"
    ) in said, said
    assert "ModuleNotFoundError: No module named 'no_such_module'" in said
    zh = CliRunner().invoke(cli, ["validate", "-w", str(root)])
    assert "插件 test_metrics 的代码写有这个名字，但它加载失败；请先修正该插件的错误" in " ".join(
        zh.output.split()
    ), zh.output


@pytest.mark.parametrize("where", ["import", "okrdesk_metrics"])
def test_what_a_plugin_prints_while_loading_is_told_at_its_line(
    write_workspace: WriteWorkspace, where: str
) -> None:
    """What a plugin prints as it is imported or declares its metrics is its error, and
    now says the line that printed, as its exceptions do."""
    root = write_workspace()
    plugin = root / "plugins" / "test_metrics.py"
    source = plugin.read_text(encoding="utf-8")
    if where == "import":
        source = "print('loading salons')\n" + source
    else:
        source = source.replace(
            "def okrdesk_metrics(register):\n",
            "def okrdesk_metrics(register):\n    print('loading salons')\n",
        )
    plugin.write_text(source, encoding="utf-8")
    trusted(root)
    line = (
        source.splitlines().index(
            "print('loading salons')" if where == "import" else "    print('loading salons')"
        )
        + 1
    )
    listed = CliRunner().invoke(cli, ["plugins", "--lang", "en", "-w", str(root)])
    assert (
        "error: printed to standard output, which a plugin must not do: loading salons "
        f"(at plugins/test_metrics.py:{line})"
    ) in listed.output, listed.output
    zh = CliRunner().invoke(cli, ["plugins", "--lang", "zh", "-w", str(root)])
    assert f"loading salons（位于 plugins/test_metrics.py:{line}）" in zh.output, zh.output


def test_every_misspelt_hook_and_argument_is_told_at_once(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A misspelt hook and a wrong argument: pluggy stopped at the argument, and the hook
    was told only once the author had fixed it and tried again."""
    root = write_workspace()
    source = MISNAMED.format(hook="okrdesk_collect", arguments="req, emit") + (
        "\n\n@hookimpl\ndef okrdesk_check_setting(settings):\n    return []\n"
    )
    lines = source.splitlines()
    collect_at = lines.index("def okrdesk_collect(req, emit):") + 1
    check_at = lines.index("def okrdesk_check_setting(settings):") + 1
    with installed_package(tmp_path, "misnamed", source) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        chinese = okrdesk(env, "plugins", "--lang", "zh", "-w", str(root))
    told = [text for text in listed.stdout.splitlines() if "not a valid plugin" in text]
    assert told == [
        "    error: not a valid plugin: okrdesk_collect takes no argument req: its arguments "
        "are request, emit (by these names; take only those you need) (at "
        f"okrdesk_misnamed/__init__.py:{collect_at}); okrdesk_check_setting is no hook of "
        "okrdesk (did you mean okrdesk_check_settings?); its hooks are okrdesk_check_settings, "
        "okrdesk_collect, okrdesk_demo_data, okrdesk_metrics, okrdesk_report_formats (at "
        f"okrdesk_misnamed/__init__.py:{check_at})"
    ], listed.stdout
    assert "okrdesk_check_setting 不是 okrdesk 的钩子" in chinese.stdout
    assert "okrdesk_collect 没有参数 req" in chinese.stdout


def test_sys_exit_and_memory_run_out_are_said_in_a_managers_words() -> None:
    def exits() -> None:
        sys.exit(3)

    def grows() -> None:
        bytearray(1 << 62)  # more than any machine has: refused at once

    exited, ran_out = caught(exits), caught(grows)
    line = exits.__code__.co_firstlineno + 1
    assert describe_error(exited) == (
        "SystemExit: it called sys.exit(3), and a plugin must not end the program "
        f"(at {HERE}:{line})"
    )
    assert describe_error(exited, lang="zh").startswith(
        "SystemExit: 它调用了 sys.exit(3)，插件不得结束程序（位于"
    )
    assert describe_error(ran_out).startswith("MemoryError: it ran out of memory (at ")
    assert describe_error(ran_out, lang="zh").startswith("MemoryError: 内存不足（位于")
    # A message of its own is its own words.
    assert describe_error(SystemExit("no licence")) == "SystemExit: no licence"


def test_decimal_s_conditions_are_said_in_a_managers_words() -> None:
    """decimal names only the condition's class: InvalidOperation: [<class
    'decimal.ConversionSyntax'>] for Decimal("约五万"), a plugin summing money as the guide
    advises; a division by zero the same way."""
    from decimal import Decimal

    def divides(numerator: int) -> None:
        Decimal(numerator) / Decimal(0)

    line = divides.__code__.co_firstlineno + 1
    assert describe_error(caught(lambda: divides(1))) == (
        f"DivisionByZero: a Decimal was divided by zero (at {HERE}:{line})"
    )
    assert describe_error(caught(lambda: divides(0)), lang="zh") == (
        f"InvalidOperation: Decimal 的 0 除以了 0，没有结果（位于 {HERE}:{line}）"
    )
    assert describe_error(caught(lambda: Decimal("约五万"))).startswith(
        "InvalidOperation: Decimal() was given text that is no number (at "
    )
    # A message of its own is its own words.
    assert (
        describe_error(ArithmeticError("rates do not add")) == "ArithmeticError: rates do not add"
    )
