"""Loading a firm's plan: the shortcuts that make it cheap find every problem the
full reading finds."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from okrdesk.app.session import open_session
from okrdesk.model import (
    DimensionLabels,
    Direction,
    FunnelStages,
    MetricKind,
    MetricSpec,
    OverTime,
)  # fmt: skip
from okrdesk.plugins.manager import PluginHost
from okrdesk.resources import shipped
from okrdesk.targets import plan_cache
from okrdesk.targets.load import LoadResult, load_plan
from okrdesk.targets.plan_cache import cache_folder, load_plan_cached
from okrdesk.targets.syntax import MAX_DEPTH, _may_hold_hazards, neutralise
from okrdesk.units import UNITS, Dimension, UnitOfMeasure
from sample_workspace import WriteWorkspace, trusted

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
CORPUS = Path(__file__).parent / "corpus" / "targets"


def test_a_file_of_thousands_of_headers_needs_no_nesting_scan() -> None:
    org = "".join(f'[[people]]\nid = "p{n}"\nname = "P {n}"\nunit = "t1"\n\n' for n in range(3000))
    org += "[plan] # the plan\n[objectives.key_results.members]\n"
    assert not _may_hold_hazards(org)
    assert neutralise(org) == (org, [])


def test_nesting_too_deep_is_found_when_header_like_lines_carry_it_over_the_limit() -> None:
    # Opening brackets one short of the limit, then a line that looks like a header
    # but is an array nested two levels further in.
    deep = "a = " + "[" * (MAX_DEPTH - 1) + "\n[[1]]\n" + "]" * (MAX_DEPTH - 1) + "\n"
    assert _may_hold_hazards(deep)
    _, hazards = neutralise(deep)
    assert [h.line for h in hazards] == [1]
    assert "nested more than" in hazards[0].message


def test_brackets_after_a_closing_quote_on_a_header_like_line_still_count() -> None:
    text = 'a = """\n[x] # """ ' + "[" * MAX_DEPTH + "\n"
    assert _may_hold_hazards(text)


# ------------------------------------------------------------ the plan cache


def _metrics(root: Path) -> Mapping[str, MetricSpec]:
    return PluginHost(root / "plugins", workspace_code=True).load().metrics


def _cached(root: Path, metrics: Mapping[str, MetricSpec] | None, folder: Path) -> LoadResult:
    return load_plan_cached(root, metrics, lambda: load_plan(root, metrics), folder)


def _from_cache_only(root: Path, metrics: Mapping[str, Any] | None, folder: Path) -> LoadResult:
    def unread() -> LoadResult:
        raise AssertionError("the files were read again")

    return load_plan_cached(root, metrics, unread, folder)


def _same(one: LoadResult, other: LoadResult) -> None:
    assert one == other
    # repr tells a Direction from the string "at_least" and a tuple from a list
    assert repr(one) == repr(other)


def test_the_synthetic_firm_from_the_cache_is_the_plan_read_from_its_files(
    tmp_path: Path,
) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from firm import build_plan
        from workspace import write_targets
    finally:
        sys.path.remove(str(BENCHMARKS))
    root = write_targets(tmp_path / "firm", build_plan(3))
    trusted(root)
    metrics = _metrics(root)
    fresh = load_plan(root, metrics)
    assert fresh.plan is not None and len(fresh.plan.people) == 3 * 33
    _same(_cached(root, metrics, tmp_path / "cache"), fresh)
    _same(_from_cache_only(root, metrics, tmp_path / "cache"), fresh)


def test_the_demo_plan_from_the_cache_is_the_plan_read_from_its_files(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(shipped("sample_targets"), root / "targets")
    metrics = None  # the demo's metrics come from the brokerage plugin, not loaded here
    fresh = load_plan(root, metrics)
    assert fresh.plan is not None and fresh.plan.budget.lines and fresh.plan.scoring
    _same(_cached(root, metrics, tmp_path / "cache"), fresh)
    _same(_from_cache_only(root, metrics, tmp_path / "cache"), fresh)
    entry = next((tmp_path / "cache").glob("*.json"))
    json.loads(entry.read_text(encoding="utf-8"))  # data, not code


def test_every_corpus_case_reads_the_same_through_the_cache(tmp_path: Path) -> None:
    """Problems are never kept: each case reports exactly what it reports uncached."""
    folder = tmp_path / "cache"
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        root = tmp_path / case.name
        shutil.copytree(CORPUS / "_base", root)
        shutil.copytree(case, root, dirs_exist_ok=True)
        fresh = load_plan(root, None)
        _same(_cached(root, None, folder), fresh)
        _same(_cached(root, None, folder), fresh)


def test_a_changed_file_is_read_again_even_at_the_same_size_and_time(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    metrics = _metrics(root)
    folder = tmp_path / "cache"
    assert _cached(root, metrics, folder).plan is not None
    org = root / "targets" / "org.toml"
    before = org.stat()
    text = org.read_text(encoding="utf-8")
    changed = text.replace('unit = "team-a"', 'unit = "team-x"', 1)
    assert changed != text and len(changed) == len(text)
    org.write_text(changed, encoding="utf-8")
    os.utime(org, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = _cached(root, metrics, folder)
    assert again.plan is None
    assert any('no unit "team-x"' in p.message for p in again.problems)


def test_other_metrics_or_another_okrdesk_read_the_files_again(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace()
    metrics = _metrics(root)
    folder = tmp_path / "cache"
    _cached(root, metrics, folder)
    _from_cache_only(root, metrics, folder)
    fewer = dict(list(metrics.items())[1:])
    assert _cached(root, fewer, folder).problems  # a metric no plugin offers now
    _cached(root, metrics, folder)
    monkeypatch.setattr(plan_cache, "__version__", "999.0")
    with pytest.raises(AssertionError, match="read again"):
        _from_cache_only(root, metrics, folder)


def test_a_metric_spec_changed_in_any_field_is_another_key(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    labels = {"tier": DimensionLabels("层级", "tier", values_zh={"hnw": "高净值"})}
    count = MetricSpec("new_accounts", "New accounts", "新开户", MetricKind.FLOW, UNITS["户"],
                       dimensions=("tier",), dimension_labels=labels)  # fmt: skip
    rate = MetricSpec("conversion", "Conversion", "转化率", MetricKind.RATIO, UNITS["%"],
                      stages=FunnelStages(("参会", "签约")), numerator_unit=UNITS["户"],
                      denominator_unit=UNITS["户"])  # fmt: skip
    money = MetricSpec("commission", "Commission", "佣金", MetricKind.FLOW, UNITS["元"])
    base = {"new_accounts": count, "conversion": rate, "commission": money}
    changed = [
        attrs.evolve(count, **{field: value})
        for field, value in [
            ("label_en", "New accts"), ("label_zh", "新开户数"), ("description", "Opened."),
            ("kind", MetricKind.STOCK), ("unit", UNITS["人"]),
            # The same symbol in another scale (1.2万 户 typed as 户).
            ("unit", UnitOfMeasure("户", Dimension.COUNT, UNITS["万户"].factor)),
            ("direction", Direction.AT_MOST), ("never_negative", True),
            ("formula", "conversion * 2"), ("dimensions", ("tier", "product")),
            ("dimension_labels", {"tier": DimensionLabels("层级", "tiers")}),
            ("dimension_labels", {"tier": DimensionLabels("层级", "tier", {"hnw": "高"})}),
            ("settles_after_days", 3), ("settles_after_days", None), ("split_credit", True),
        ]
    ] + [
        attrs.evolve(rate, **{field: value})
        for field, value in [
            ("numerator_over_time", OverTime.LAST), ("denominator_over_time", OverTime.FIRST),
            ("stages", FunnelStages(("参会", "签约"), ("attended", "signed"))), ("stages", None),
            ("numerator_unit", UNITS["人"]), ("denominator_unit", UNITS["人"]),
        ]
    ] + [attrs.evolve(money, revenue=True)]  # fmt: skip
    keys = {plan_cache._key(root, base)}
    for spec in changed:
        keys.add(plan_cache._key(root, {**base, spec.name: spec}))
    assert len(keys) == 1 + len(changed)
    assert plan_cache._key(root, base) in keys


def test_an_entry_that_is_not_a_plan_is_ignored(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    folder = tmp_path / "cache"
    fresh = _cached(root, None, folder)
    (entry,) = folder.glob("*.json")
    stored = json.loads(entry.read_text(encoding="utf-8"))
    for broken in ("not json", json.dumps({**stored, "result": {"$record": "Run"}}),
                   json.dumps({**stored, "result": [1, 2]})):  # fmt: skip
        entry.write_text(broken, encoding="utf-8")
        _same(_cached(root, None, folder), fresh)


def test_commands_keep_the_cache_in_the_users_folder_never_in_the_workspace(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = open_session(root).plan
    assert [p.parent for p in (tmp_path / "xdg").rglob("*.json")] == [cache_folder()]
    assert cache_folder() == tmp_path / "xdg" / "okrdesk" / "plans"
    assert not list(root.rglob("*plans*"))
    assert open_session(root).plan == first


def test_a_workspace_named_another_way_gets_its_own_paths(
    write_workspace: WriteWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_workspace()
    folder = tmp_path / "cache"
    monkeypatch.chdir(root)
    relative = _cached(Path("."), None, folder)
    assert not next(iter(relative.objective_files.values())).is_absolute()
    _same(_cached(root, None, folder), load_plan(root, None))
    _same(_cached(Path("."), None, folder), relative)
