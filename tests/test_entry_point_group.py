"""A package whose entry point is in a group named like okrdesk's, not in it, is told so
by `okrdesk plugins` and `okrdesk validate`, with the table to write.

``[project.entry-points."okrdesk.plugins"]`` (the usual name elsewhere) installed without a
word and never loaded: the listing did not name it, and validate said only that no loaded
plugin provides the metric, with a "did you mean" of another plugin's."""

from __future__ import annotations

from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace
from test_plugin_rows_unread import FUND_KR

FUND_SALES = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("fund_sales", "Fund subscriptions", "基金认购金额", MetricKind.FLOW,
                        UNITS["元"], never_negative=True))
"""

TOLD = (
    'warning: package okrdesk-fund_group declares fund_group = "okrdesk_fund_group" in the '
    'entry-point group "okrdesk.plugins", which okrdesk does not read: okrdesk finds plugins '
    'in the group "okrdesk" alone; write [project.entry-points.okrdesk] in its pyproject.toml '
    "and install it again"
)
TOLD_ZH = (
    '警告：包okrdesk-fund_group在入口点组“okrdesk.plugins”中声明了fund_group="okrdesk_fund_group"，'
    "okrdesk不读这个组：okrdesk只在“okrdesk”组中找插件；请在其pyproject.toml中写"
    "[project.entry-points.okrdesk]，然后重新安装"
)


def test_an_entry_point_in_another_group_is_told_with_the_group_to_write(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    with installed_package(tmp_path, "fund_group", FUND_SALES, group="okrdesk.plugins") as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        validated = okrdesk(env, "validate", "--lang", "en", "-w", str(root))
        chinese = okrdesk(env, "validate", "--lang", "zh", "-w", str(root))
        collected = okrdesk(env, "collect", "--lang", "en", "-w", str(root))
        reported = okrdesk(env, "report", "--lang", "zh", "-w", str(root))
    # Every command that refuses the plan for the metric none provides says why too.
    for refused in (collected, reported):
        assert refused.returncode == 2 and "fund_sales" in refused.stderr, refused.stderr
    assert TOLD in " ".join(collected.stderr.split()), collected.stderr
    assert TOLD_ZH in "".join(reported.stderr.split()), reported.stderr
    assert TOLD in " ".join((listed.stdout + listed.stderr).split()), listed.stdout + listed.stderr
    told = " ".join((validated.stdout + validated.stderr).split())
    assert validated.returncode == 2, told
    assert 'no loaded plugin provides metric "fund_sales"' in told, told
    assert TOLD in told, told
    assert TOLD_ZH in "".join((chinese.stdout + chinese.stderr).split()), chinese.stdout


def test_an_entry_point_in_okrdesk_s_group_is_not_told(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"funds.toml": FUND_KR})
    with installed_package(tmp_path, "fund_group", FUND_SALES) as env:
        validated = okrdesk(env, "validate", "--lang", "en", "-w", str(root))
    told = validated.stdout + validated.stderr
    assert validated.returncode == 0, told
    assert "entry-point group" not in told, told
