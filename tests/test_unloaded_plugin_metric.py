"""A key result naming a metric of a plugin that failed to load: validate tells the
broken plugin first and alone, not "did you mean" a loaded plugin's metric of a
similar name (it said both, the guess first)."""

from __future__ import annotations

from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

BROKEN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS

import okrdesk_no_such_helper  # not installed: the import fails

# "complaint_rates_old" is a name in a comment, which declares nothing.


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("complaint_rates", "Complaints by channel", "分渠道投诉",
                        MetricKind.FLOW, UNITS["次"]))
"""

KEY_RESULT = """\
[[objectives]]
id = "O9"
title = "投诉"
owner = "branch"

[[objectives.key_results]]
id = "KR1"
title = "分渠道投诉"
metric = "{metric}"
target = 10
unit = "次"
direction = "at_most"
"""


def _validate(root: Path, env: dict[str, str], lang: str) -> tuple[int, str]:
    done = okrdesk({**env, "COLUMNS": "300"}, "validate", "--lang", lang, "-w", str(root))
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def test_a_metric_the_broken_plugin_names_is_told_as_that_plugin_s(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"complaints.toml": KEY_RESULT.format(metric="complaint_rates")})
    with installed_package(tmp_path, "complaints", BROKEN) as env:
        code, english = _validate(root, env, "en")
        zh_code, chinese = _validate(root, env, "zh")
    assert code == zh_code == 2, english
    assert (
        'key_results[KR1].metric: no loaded plugin provides metric "complaint_rates": plugin '
        "complaints, whose code names it, failed to load; mend the error told of it, then run "
        "`okrdesk validate` again"
    ) in english, english
    assert "did you mean" not in english and "available:" not in english
    assert "No module named 'okrdesk_no_such_helper'" in english  # the error to mend
    assert (
        'key_results[KR1].metric: 已加载的插件都不提供指标 "complaint_rates"：插件 complaints '
        "的代码写有这个名字，但它加载失败；请先修正该插件的错误，再运行 `okrdesk validate`"
    ) in chinese, chinese
    assert "是不是" not in chinese and "可用的指标" not in chinese


def test_a_name_the_broken_plugin_does_not_write_is_still_a_guess(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """Only in a comment of its code: the plugin may still provide it, and is named after
    the closest metric of those loaded, as before."""
    root = write_workspace({"complaints.toml": KEY_RESULT.format(metric="complaint_rates_old")})
    with installed_package(tmp_path, "complaints", BROKEN) as env:
        code, english = _validate(root, env, "en")
    assert code == 2
    assert (
        'no loaded plugin provides metric "complaint_rates_old" (did you mean '
        '"complaint_rate"?); plugin complaints did not load or declare all its metrics and '
        "may provide it (see its error)"
    ) in english, english
    assert "whose code names it" not in english


def test_collect_names_the_broken_plugin_whose_code_names_the_metric(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """collect said the broken plugin "may provide it", as validate did; it says which."""
    root = write_workspace({"complaints.toml": KEY_RESULT.format(metric="complaint_rates")})
    with installed_package(tmp_path, "complaints", BROKEN) as env:
        env = {**env, "COLUMNS": "300"}
        english = okrdesk(env, "collect", "--lang", "en", "--through", "2026-03-15", "-w",
                          str(root))  # fmt: skip
        chinese = okrdesk(env, "collect", "--lang", "zh", "--through", "2026-03-15", "-w",
                          str(root))  # fmt: skip
    told = " ".join((english.stdout + english.stderr).split())
    assert english.returncode == 1, told
    assert (
        "error: metric complaint_rates: not provided by any loaded plugin: plugin complaints, "
        "whose code names it, failed to load; mend the error told of it"
    ) in told, told
    assert "may provide it" not in told
    assert (
        "错误：指标 complaint_rates：没有任何已加载的插件提供：插件 complaints 的代码写有这个名字，"
        "但它加载失败；请先修正该插件的错误"
    ) in " ".join((chinese.stdout + chinese.stderr).split()), chinese.stdout


PER_COMPLAINT = """\
[[sources.derived.metrics]]
name = "complaints_per_head"
label = "人均投诉"
unit = "次"
formula = "{input} / headcount"
"""


def test_a_formula_naming_the_broken_plugin_s_metric_is_told_as_that_plugin_s(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """A derived metric's formula was told "did you mean "complaint_rate"?" of the loaded
    plugin's metric, with the broken plugin's "may provide it" after; now the plugin to
    mend alone, in the words a key result naming the metric gets."""
    root = write_workspace({"complaints.toml": KEY_RESULT.format(metric="complaints_per_head")})
    okrdesk_toml = root / "okrdesk.toml"
    okrdesk_toml.write_text(PER_COMPLAINT.format(input="complaint_rates"), encoding="utf-8")
    with installed_package(tmp_path, "complaints", BROKEN) as env:
        code, english = _validate(root, env, "en")
        zh_code, chinese = _validate(root, env, "zh")
    assert code == zh_code == 2, english
    assert (
        'key_results[KR1].metric: metric "complaints_per_head" (complaint_rates / headcount) '
        'uses "complaint_rates", which no loaded plugin provides: plugin complaints, whose code '
        "names it, failed to load; mend the error told of it, then run `okrdesk validate` again"
    ) in english, english
    assert "did you mean" not in english and "may provide it" not in english
    assert (
        'key_results[KR1].metric: 指标 "complaints_per_head"（complaint_rates / headcount）'
        '用到的 "complaint_rates"，已加载的插件都不提供：插件 complaints 的代码写有这个名字，'
        "但它加载失败；"
        "请先修正该插件的错误，再运行 `okrdesk validate`"
    ) in chinese, chinese
    assert "是不是" not in chinese and "可能提供" not in chinese


def test_a_formula_naming_what_the_broken_plugin_does_not_write_is_still_a_guess(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace({"complaints.toml": KEY_RESULT.format(metric="complaints_per_head")})
    okrdesk_toml = root / "okrdesk.toml"
    okrdesk_toml.write_text(PER_COMPLAINT.format(input="complaint_rates_old"), encoding="utf-8")
    with installed_package(tmp_path, "complaints", BROKEN) as env:
        code, english = _validate(root, env, "en")
    assert code == 2
    assert (
        'uses "complaint_rates_old", which no loaded plugin provides (did you mean '
        '"complaint_rate"?); plugin complaints did not load or declare all its metrics and '
        "may provide it (see its error)"
    ) in english, english
