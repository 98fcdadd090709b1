"""A package whose entry point names the package while its hooks are in a module of it
the package does not import is told which module, and the entry point to write.

It was told only "not a valid plugin: it has none of okrdesk's hooks … marked
@hookimpl", which sent its author looking for a missing decorator; the hooks were in
okrdesk_x/plugin.py, the reference brokerage plugin's own layout."""

from __future__ import annotations

from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

HOOKS = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("fund_sales", "Fund subscriptions", "基金认购金额", MetricKind.FLOW,
                        UNITS["元"], never_negative=True))
"""


def test_hooks_in_a_module_the_package_does_not_import_are_named(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    package = '"""Fund subscriptions for okrdesk: the hooks are in plugin.py."""\n'
    with installed_package(tmp_path, "fund_layout", package, beside={"plugin.py": HOOKS}) as env:
        english = okrdesk(env, "plugins", "fund_layout", "--lang", "en", "-w", str(root))
        chinese = okrdesk(env, "plugins", "fund_layout", "--lang", "zh", "-w", str(root))
    told = " ".join((english.stdout + english.stderr).split())
    assert english.returncode == 1, told
    assert (
        "marked @hookimpl; its hooks are in okrdesk_fund_layout.plugin "
        "(okrdesk_fund_layout/plugin.py), which the package does not import: write "
        '"okrdesk_fund_layout.plugin" as its entry point and install it again'
    ) in told, told
    assert (
        "它的钩子在okrdesk_fund_layout.plugin（okrdesk_fund_layout/plugin.py）中，包本身并未导入它："
        '请把入口点写成"okrdesk_fund_layout.plugin"，然后重新安装'
    ) in "".join((chinese.stdout + chinese.stderr).split())


def test_a_package_with_no_hook_anywhere_is_told_as_before(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    helpers = "def total(rows):\n    return sum(rows)\n"
    with installed_package(
        tmp_path, "fund_none", '"""Nothing."""\n', beside={"sums.py": helpers}
    ) as env:
        listed = okrdesk(env, "plugins", "fund_none", "--lang", "en", "-w", str(root))
    told = " ".join((listed.stdout + listed.stderr).split())
    assert "it has none of okrdesk's hooks" in told, told
    assert "its hooks are in" not in told, told
