"""A plugin looking up a unit okrdesk does not know (``UNITS["accounts"]``) is told
the units there are: it was told ``KeyError: 'accounts'``, which says neither what was
looked up nor what to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from installed_package import installed_package, okrdesk
from okrdesk.units import UNITS
from sample_workspace import WriteWorkspace

UNKNOWN_UNIT = """\
from okrdesk.model import MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("funded_accounts", "Funded accounts", "有效户", "flow",
                        UNITS["accounts"]))


@hookimpl
def okrdesk_collect(request, emit):
    pass
"""


def test_a_unit_it_lacks_is_a_key_error_naming_the_units_there_are() -> None:
    with pytest.raises(KeyError) as lacking:
        UNITS["accounts"]
    said = str(lacking.value)
    assert said.startswith("okrdesk.units.UNITS has no unit 'accounts' (did you mean 'count'?)")
    assert "元, yuan, CNY, 万元" in said and "%, percent" in said and said.endswith("per_client")
    assert lacking.value.said.zh.startswith("okrdesk.units.UNITS 中没有计量单位 'accounts'")
    # A lookup that may miss is still a dict's.
    assert UNITS.get("accounts") is None and "accounts" not in UNITS


def test_a_lookup_that_misses_names_each_unit_written_like_it() -> None:
    with pytest.raises(KeyError) as lacking:
        UNITS["万"]
    assert str(lacking.value).startswith(
        "okrdesk.units.UNITS has no unit '万' (did you mean '万元', '万户' or '万人'?); "
    )
    assert "（是不是 '万元'、'万户' 或 '万人'？）" in lacking.value.said.zh
    with pytest.raises(KeyError) as spaced:
        UNITS["户 "]
    assert "(did you mean '户'?)" in str(spaced.value)


def test_an_installed_plugin_s_unknown_unit_is_told_at_its_line(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    line = next(n for n, text in enumerate(UNKNOWN_UNIT.splitlines(), 1) if "UNITS[" in text)
    with installed_package(tmp_path, "funded", UNKNOWN_UNIT) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
        chinese = okrdesk(env, "plugins", "--lang", "zh", "-w", str(root))
    told = listed.stdout + listed.stderr
    assert listed.returncode == 1, told
    assert (
        "error: okrdesk_metrics failed: NoSuchUnit: okrdesk.units.UNITS has no unit 'accounts' "
        "(did you mean 'count'?); its units are 元, "
    ) in told, told
    assert f"per_client (at okrdesk_funded/__init__.py:{line})" in told, told
    assert "okrdesk.units.UNITS 中没有计量单位 'accounts'" in chinese.stdout, chinese.stdout


def test_the_english_word_a_listing_shows_for_a_unit_is_told_with_its_unit(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    """``okrdesk plugins --lang en`` lists a metric in 户 as "accts" and one in 次 as
    "times"; a stranger who copied that word into a MetricSpec was told it is no unit,
    with no unit to write instead ("times" is spelt like none of them)."""
    with pytest.raises(KeyError) as lacking:
        UNITS["times"]
    assert "(did you mean '次'?)" in str(lacking.value)
    assert "（是不是 '次'？）" in lacking.value.said.zh
    source = UNKNOWN_UNIT.replace('UNITS["accounts"]', '"accts"')
    assert source != UNKNOWN_UNIT
    root = write_workspace()
    with installed_package(tmp_path, "funded", source) as env:
        listed = okrdesk(env, "plugins", "--lang", "en", "-w", str(root))
    assert listed.returncode == 1, listed.stderr
    assert (
        "error: okrdesk_metrics failed: MetricSpecError: metric funded_accounts: unit 'accts' "
        "is not a unit okrdesk knows (did you mean '户' or '万户'?); write one of "
        'okrdesk.units.UNITS, as UNITS["元"]'
    ) in listed.stdout, listed.stdout


def test_a_misspelt_unit_names_every_unit_as_near_as_the_nearest_as_an_id_does() -> None:
    """A misspelt unit was suggested by difflib's three best, an id by every one as near
    as the nearest: 'yuans' named yuan, wan_yuan and yi_yuan, two of them no nearer than
    a guess; a full-width 'ＣＮＹ' named none; and of six as near, three were named (wm0
    named wm4, wm5 and wm6, never wm1), as three of six teams once were for an id."""
    from okrdesk.units import did_you_mean_unit

    for written, meant in (("yuans", "'yuan'"), ("ratios", "'ratio'"), ("ＣＮＹ", "'CNY'"),
                           ("个户", "'个/户'")):  # fmt: skip
        with pytest.raises(KeyError) as lacking:
            UNITS[written]
        assert f"(did you mean {meant}?)" in str(lacking.value), str(lacking.value)
        assert f"（是不是 {meant}？）" in lacking.value.said.zh
    teams = [f"wm{n}" for n in range(1, 7)]
    assert did_you_mean_unit("wm0", teams) == (
        " (did you mean 'wm1', 'wm2', 'wm3', 'wm4', 'wm5' or 'wm6'?)",
        "（是不是 'wm1'、'wm2'、'wm3'、'wm4'、'wm5' 或 'wm6'？）",
    )
