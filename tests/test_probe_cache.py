"""What an installed plugin declares is kept in the user's cache folder after its first
probe, so a second collect starts no process to ask it again (plugins/probe_cache.py).

The plugin here is a real distribution: a package and its ``*.dist-info`` folder with an
``entry_points.txt``, on the collect's ``sys.path``, found by its entry point as any
installed plugin is. Its declaration hook writes a line to a file each time it runs,
in whatever process; its collect hook too, so the probes are the declarations that no
collect followed."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from okrdesk.model import (
    DimensionLabels,
    Direction,
    FunnelStages,
    MetricKind,
    MetricSpec,
    OverTime,
)
from okrdesk.plugins.entry_points import EntryPoint, entry_points
from okrdesk.plugins.probe_cache import ProbeCache, _spec_data
from okrdesk.plugins.probed import Probed
from okrdesk.units import UNITS, Dimension, UnitOfMeasure
from sample_workspace import WriteWorkspace
from test_sql_metrics import SALONS, SALONS_OKRS

PLUGIN = """\
import os

if os.environ.get("OKRDESK_TEST_IMPORT_FAILS"):
    import okrdesk_probe_demo_lost_dependency  # noqa: F401

from okrdesk.model import Direction, MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


def _log(what):
    with open(os.environ["OKRDESK_TEST_PROBES"], "a", encoding="utf-8") as log:
        log.write(what + "\\n")


@hookimpl
def okrdesk_metrics(register, settings):
    _log("declare")
    if os.environ.get("OKRDESK_TEST_DECLARING_FAILS"):
        raise RuntimeError("no metrics today")
    prefix = settings.get("prefix", "")
    # A plugin whose metrics come from more than its code and settings (here the
    # environment; a file it reads would do the same).
    label = os.environ.get("OKRDESK_TEST_LABEL") or settings.get("label", "New HNW clients")
    register(MetricSpec(prefix + "new_hnw_clients", label, "新增高净值客户", MetricKind.FLOW,
                        UNITS["户"]))
    if os.environ.get("OKRDESK_TEST_EXTRA"):
        register(MetricSpec(prefix + "extra_accounts", "Extra accounts", "新增账户",
                            MetricKind.FLOW, UNITS["户"]))
    register(MetricSpec(prefix + "complaint_rate", "Complaint rate", "投诉率", MetricKind.RATIO,
                        UNITS["‰"], direction=Direction.AT_MOST))


@hookimpl
def okrdesk_collect(request, emit):
    _log("collect")
    for period in request.periods:
        for number, person in enumerate(request.people, start=1):
            for spec in request.metrics:
                if spec.kind is MetricKind.RATIO:
                    emit(spec.name, person.id, period.id, numerator=number - 1,
                         denominator=1000, source="demo complaints")
                else:
                    emit(spec.name, person.id, period.id, value=number, source="demo rows")
"""
NAME = "probe_demo"
PACKAGE = "okrdesk_probe_demo"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder holding the plugin as pip installs it: its package and dist-info."""
    folder = tmp_path / "site"
    (folder / PACKAGE).mkdir(parents=True)
    (folder / PACKAGE / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    info = folder / "okrdesk_probe_demo-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: okrdesk-probe-demo\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[okrdesk]\n{NAME} = {PACKAGE}\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")
    return folder


def _collect(root: Path, site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okrdesk", "collect", "--through", "2026-01-18", "-w", str(root)],
        capture_output=True, text=True, timeout=300, env=_env(root, site, env),
    )  # fmt: skip


_TELLING = (
    "import sys\nfrom multiprocessing import forkserver\nfrom okrdesk.cli import main\n"
    "try:\n    main()\nexcept SystemExit as end:\n    code = end.code\n"
    "print('fork server:', forkserver._forkserver._forkserver_pid is not None)\n"
    "sys.exit(code)\n"
)
"""``okrdesk`` that says, as it ends, whether it started a fork server."""


def _collect_telling(root: Path, site: Path) -> tuple[int, bool]:
    """Collect; its exit code and whether a fork server was started."""
    done = subprocess.run(
        [sys.executable, "-c", _TELLING, "collect", "--through", "2026-01-18", "-w", str(root)],
        capture_output=True, text=True, timeout=300, env=_env(root, site, {}),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.returncode, "fork server: True" in done.stdout


def _env(root: Path, site: Path, more: dict[str, str]) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "OKRDESK_LOAD_PLUGINS": NAME,
            "OKRDESK_TEST_PROBES": str(root / "probes.log"), **more}  # fmt: skip


def _probes(root: Path) -> int:
    """How many times the plugin was probed since last asked: its declarations that were
    not its collect's own (each collect process declares, then collects), the log then
    emptied."""
    log = root / "probes.log"
    lines = log.read_text(encoding="utf-8").split() if log.exists() else []
    log.unlink(missing_ok=True)
    return lines.count("declare") - lines.count("collect")


def _stored(root: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(root / "okrdesk.db") as connection:
        return connection.execute(
            "SELECT metric, subject, period, slice, value, numerator, denominator, source, "
            "plugin FROM observations ORDER BY metric, subject, period, slice"
        ).fetchall()


def _workspace(write_workspace: WriteWorkspace, settings: str = "") -> Path:
    root = write_workspace(plugin=False)
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    return root


def _cache_file() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "okrdesk" / "plugins" / "declared.json"


def test_a_second_collect_probes_nothing_and_stores_the_same_figures(
    write_workspace: WriteWorkspace, site: Path
) -> None:
    root = _workspace(write_workspace)
    first = _collect(root, site)
    assert first.returncode == 0, first.stderr
    assert _probes(root) == 1
    stored = _stored(root)
    assert {row[0] for row in stored} == {"new_hnw_clients", "complaint_rate"}
    second = _collect(root, site)
    assert second.returncode == 0, second.stderr
    assert _probes(root) == 0
    assert _stored(root) == stored
    # The same summary, but for the second line: nothing was new or changed.
    assert (
        second.stdout.replace("第 2 次", "第 1 次").splitlines()[0]
        == (first.stdout.splitlines()[0])
    )
    assert second.stdout.splitlines()[1] == "与上次采集相比，无新增或变动。"


def test_an_edited_plugin_file_is_probed_again(write_workspace: WriteWorkspace, site: Path) -> None:
    root = _workspace(write_workspace)
    for _ in range(2):
        assert _collect(root, site).returncode == 0
    assert _probes(root) == 1
    code = site / PACKAGE / "__init__.py"
    code.write_text(code.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert _collect(root, site).returncode == 0
    assert _probes(root) == 1
    (site / PACKAGE / "extra.py").write_text("", encoding="utf-8")  # a new file counts too
    assert _collect(root, site).returncode == 0
    assert _probes(root) == 1


def test_changed_settings_are_probed_again(write_workspace: WriteWorkspace, site: Path) -> None:
    root = _workspace(write_workspace, '[sources.probe_demo]\nlabel = "HNW"\n')
    for _ in range(2):
        assert _collect(root, site).returncode == 0
    assert _probes(root) == 1
    (root / "okrdesk.toml").write_text('[sources.probe_demo]\nlabel = "新客"\n', encoding="utf-8")
    assert _collect(root, site).returncode == 0
    assert _probes(root) == 1
    kept = json.loads(_cache_file().read_text(encoding="utf-8"))
    labels = {spec["label_en"] for entry in kept.values() for spec in entry["declared"]}
    assert {"HNW", "新客"} <= labels


def test_a_failed_probe_is_not_kept(write_workspace: WriteWorkspace, site: Path) -> None:
    root = _workspace(write_workspace)
    failed = _collect(root, site, OKRDESK_TEST_DECLARING_FAILS="1")
    # The plugin and its error are named, its metrics are not collected; the rest runs.
    assert failed.returncode == 1
    assert "插件 probe_demo：okrdesk_metrics 出错：RuntimeError: no metrics today" in failed.stderr
    assert "指标 complaint_rate、new_hnw_clients：没有任何已加载的插件提供" in failed.stderr
    assert _probes(root) == 1
    assert not _cache_file().exists()
    for probes in (1, 0):  # asked again, as the failure was never kept; then kept
        assert _collect(root, site).returncode == 0
        assert _probes(root) == probes


def test_a_plugin_that_no_longer_imports_is_told_by_its_error(
    write_workspace: WriteWorkspace, site: Path
) -> None:
    """Its kept answer declares metrics it now cannot: the import's error is what the
    collect says, not that the plugin declares them otherwise than it did."""
    root = _workspace(write_workspace)
    assert _collect(root, site).returncode == 0
    stored = _stored(root)
    for _ in range(2):  # the same words the next week, until it is mended
        failed = _collect(root, site, OKRDESK_TEST_IMPORT_FAILS="1")
        assert failed.returncode == 1
        assert (
            "插件 probe_demo：导入失败：ModuleNotFoundError: 没有名为 "
            "'okrdesk_probe_demo_lost_dependency' 的模块"
        ) in failed.stderr, failed.stderr
        assert "collect" not in failed.stderr.replace("okrdesk_collect", "")
        assert _stored(root) == stored
    assert _collect(root, site).returncode == 0


def test_a_corrupt_cache_file_is_ignored(write_workspace: WriteWorkspace, site: Path) -> None:
    root = _workspace(write_workspace)
    for _ in range(2):
        assert _collect(root, site).returncode == 0
    assert _probes(root) == 1
    stored = _stored(root)
    _cache_file().write_bytes(b'{"half": [1, 2')
    again = _collect(root, site)
    assert again.returncode == 0, again.stderr
    assert _probes(root) == 1
    assert _stored(root) == stored
    json.loads(_cache_file().read_text(encoding="utf-8"))  # written whole again
    assert _collect(root, site).returncode == 0
    assert _probes(root) == 0


@pytest.mark.parametrize("more", ["", "threshold = 0.5\nsince = 2026-01-01\n"])
def test_no_fork_server_starts_when_every_installed_plugin_is_known(
    write_workspace: WriteWorkspace, site: Path, more: str
) -> None:
    """A collect of SQL metrics over files, with a plugin installed that it does not use:
    once the plugin's answer is kept, nothing runs in a process of its own (whatever
    TOML values its settings hold: a number with a fraction, a date)."""
    root = write_workspace(
        {"salons.toml": SALONS_OKRS, "okrs.toml": None, "budget.toml": None}, plugin=False
    )
    (root / "data").mkdir()
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    settings = """\
        [sources.probe_demo]
        prefix = "demo_"
        {more}
        [sources.sql]
        tables = { salons = "data/salons.csv" }

        [[sources.sql.metrics]]
        name = "salon_attendees"
        kind = "flow"
        unit = "人"
        query = "SELECT cm_id AS subject, date AS day, attendees AS value FROM salons"
    """
    settings = textwrap.dedent(settings).replace("{more}", more)
    (root / "okrdesk.toml").write_text(settings, encoding="utf-8")
    assert _collect_telling(root, site) == (0, True)  # the plugin was probed
    assert _collect_telling(root, site) == (0, False)
    assert _probes(root) == 1


def test_a_known_plugin_still_collects_in_a_process_of_its_own(
    write_workspace: WriteWorkspace, site: Path
) -> None:
    root = _workspace(write_workspace)
    assert _collect_telling(root, site) == (0, True)
    assert _probes(root) == 1
    assert _collect_telling(root, site) == (0, True)
    assert "collect" in (root / "probes.log").read_text(encoding="utf-8").split()
    assert _probes(root) == 0


# ------------------------------------------------------------- the file itself


def _entry(site: Path) -> EntryPoint:
    return next(e for e in entry_points("okrdesk", [str(site)]) if e.name == NAME)


def test_what_is_kept_reads_back_the_same(site: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(site))
    try:
        entry = _entry(site)
        assert entry.distribution == "okrdesk_probe_demo" and entry.version == "1.0"
        spec = MetricSpec(
            "products", "Products", "产品", MetricKind.RATIO, UNITS["个/户"],
            direction=Direction.WITHIN, description="per client",
            numerator_over_time=OverTime.LAST, denominator_over_time=OverTime.FIRST,
            stages=("开户", "入金"), dimensions=("product", "tier"),
            dimension_labels={"product": DimensionLabels("产品", "product",
                                                         values_zh={"fund": "基金"})},
            numerator_unit=UNITS["个"], denominator_unit=UNITS["户"],
        )  # fmt: skip
        stages = FunnelStages(("开户", "入金"), ("opened", "funded"))
        funnel = MetricSpec("funded", "Funded", "入金率", MetricKind.RATIO, UNITS["%"],
                            stages=stages)  # fmt: skip
        aum = MetricSpec("aum", "AUM", "资产", MetricKind.STOCK, UNITS["亿元"], formula="a / b",
                         revenue=True)  # fmt: skip
        # A count whose credit is shared: read back whole, its halves would be refused.
        shared = MetricSpec("shared_clients", "Shared clients", "共同服务客户", MetricKind.STOCK,
                            UNITS["人"], split_credit=True)  # fmt: skip
        probed = Probed([], "2.1", [spec, aum, funnel, shared])
        cache = ProbeCache(tmp_path / "kept.json")
        key = cache.key(entry, {"day": dt.date(2026, 1, 1), "n": [1, 2.5]})
        assert key is not None
        cache.put(key, probed)
        # A funnel's stage names in both languages too, and a ratio's parts' units (which
        # were not kept: the brokerage plugin was probed again at every collect).
        assert ProbeCache(tmp_path / "kept.json").get(key) == probed
        # An answer kept before stages had two languages (a plain pair) still reads.
        data = json.loads((tmp_path / "kept.json").read_text(encoding="utf-8"))
        data[key]["declared"][0]["stages"] = ["开户", "入金"]
        (tmp_path / "kept.json").write_text(json.dumps(data), encoding="utf-8")
        assert ProbeCache(tmp_path / "kept.json").get(key) == probed
        # The same entry with a field of the wrong kind is no answer.
        data = json.loads((tmp_path / "kept.json").read_text(encoding="utf-8"))
        data[key]["declared"][0]["kind"] = "stockpile"
        (tmp_path / "kept.json").write_text(json.dumps(data), encoding="utf-8")
        assert ProbeCache(tmp_path / "kept.json").get(key) is None
        assert _spec_data(spec)["unit"] == "个/户"
        # A plugin's settings of another type, though spelt alike, are another key.
        assert cache.key(entry, {"day": "2026-01-01", "n": [1, 2.5]}) != key
        # An answer that declared an error, or a unit this code cannot write, is not kept.
        for unkept in (
            Probed(["okrdesk_metrics failed: boom"], "2.1", [spec]),
            Probed([], "2.1", [MetricSpec("odd", "Odd", "奇", MetricKind.FLOW,
                                          UnitOfMeasure("odd", Dimension.COUNT,
                                                        Decimal(3)))]),
        ):  # fmt: skip
            other = cache.key(entry, {"unkept": len(unkept.errors)})
            cache.put(other, unkept)
            assert ProbeCache(tmp_path / "kept.json").get(other) is None
    finally:
        sys.path.remove(str(site))


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not json", b"[]", b'{"k": 1}', b'{"k": {"shape": "x"}}',
     b'{"k": {"shape": null, "version": "1", "declared": [{"name": 1}]}}'],
)  # fmt: skip
def test_an_entry_that_cannot_be_read_is_no_answer(
    site: Path, tmp_path: Path, content: bytes
) -> None:
    kept = tmp_path / "kept.json"
    kept.write_bytes(content)
    cache = ProbeCache(kept)
    assert cache.get("k") is None
    sys.path.insert(0, str(site))
    try:
        key = cache.key(_entry(site), {})
    finally:
        sys.path.remove(str(site))
    cache.put(key, Probed([], "1", []))
    assert ProbeCache(kept).get(key) == Probed([], "1", [])


def test_a_kept_plugin_the_targets_name_starts_the_fork_server_before_the_plan_is_read(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every answer kept, the fork server starts at once only when the workspace's
    target files name a metric a kept answer declares: a collect will run that plugin."""
    from okrdesk.app.session import _targets_name
    from okrdesk.plugins.runner import prober

    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", NAME)
    cache = ProbeCache(tmp_path / "kept.json")
    spec = MetricSpec("new_hnw_clients", "HNW", "高净值", MetricKind.FLOW, UNITS["户"])
    cache.put(cache.key(_entry(site), {}), Probed([], "1.0", [spec]))
    asked: list[set[str]] = []

    def mentioned(names: set[str]) -> bool:
        asked.append(names)
        return False

    started: list[bool] = []
    monkeypatch.setattr("okrdesk.plugins.runner.warm_up", lambda: started.append(True))
    prober(60, {}, cache, mentioned)
    assert (asked, started) == ([{"new_hnw_clients"}], [])
    prober(60, {}, cache, lambda names: True)
    assert started == [True]
    prober(60, {}, ProbeCache(tmp_path / "none.json"), lambda names: False)  # one to probe
    assert started == [True, True]

    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "okrs.toml").write_text('metric = "new_hnw_clients"\n')
    assert _targets_name(tmp_path, {"new_hnw_clients", "aum"})
    assert not _targets_name(tmp_path, {"new_hnw", "clients", "aum"})
    # A metric shown in a comment, as the sample plan shows one, is no key result on it.
    (tmp_path / "targets" / "okrs.toml").write_text(
        '  # metric = "new_hnw_clients" 就能从 CRM 导出里采集。\ntitle = "x"  # "aum"\n',
        encoding="utf-8",
    )
    assert not _targets_name(tmp_path, {"new_hnw_clients"})


EXTRA = """\
[[objectives]]
id = "O9"
title = "新增账户"
owner = "branch"

[[objectives.key_results]]
id = "KR9"
title = "新增账户"
metric = "extra_accounts"
target = 100
unit = "户"
"""


def test_a_metric_the_kept_answer_lacks_is_asked_for_afresh(
    write_workspace: WriteWorkspace, site: Path
) -> None:
    root = _workspace(write_workspace)
    assert _collect(root, site).returncode == 0
    assert _probes(root) == 1
    # The plugin now declares one more metric, for a reason its files do not show, and
    # the plan uses it: the kept answer would call the plan wrong.
    (root / "targets" / "extra.toml").write_text(EXTRA, encoding="utf-8")
    again = _collect(root, site, OKRDESK_TEST_EXTRA="1")
    assert again.returncode == 0, again.stderr
    assert "extra_accounts" in {row[0] for row in _stored(root)}
    assert _probes(root) == 1
    assert _collect(root, site, OKRDESK_TEST_EXTRA="1").returncode == 0
    assert _probes(root) == 0


def test_a_plugin_declaring_otherwise_than_its_kept_answer_is_not_collected_from(
    write_workspace: WriteWorkspace, site: Path
) -> None:
    root = _workspace(write_workspace)
    assert _collect(root, site).returncode == 0
    stored = _stored(root)
    assert _cache_file().exists()
    changed = _collect(root, site, OKRDESK_TEST_LABEL="HNW clients")
    assert changed.returncode == 1
    assert (
        "错误：插件 probe_demo：对 new_hnw_clients 的声明与 okrdesk 上次探查时不同"
        "（上次的记录已作废）；本次未从它采集：请再运行一次 collect"
    ) in changed.stderr
    assert _stored(root) == stored and not _cache_file().exists()
    assert _collect(root, site, OKRDESK_TEST_LABEL="HNW clients").returncode == 0


def test_a_clash_only_a_kept_answer_tells_is_asked_for_afresh(
    write_workspace: WriteWorkspace, site: Path
) -> None:
    """The plugin declared extra_accounts, which the workspace's SQL source declares too,
    then stopped declaring it for a reason its files do not show: its kept answer went on
    telling a clash that no longer was, and every collect exited 1, naming it."""
    settings = (
        '[sources.sql]\ntables = { salons = "data/salons.csv" }\n\n'
        '[[sources.sql.metrics]]\nname = "extra_accounts"\nkind = "flow"\nunit = "户"\n'
        'query = "SELECT cm_id AS subject, date AS day, leads AS value FROM salons"\n'
    )
    root = _workspace(write_workspace, settings)
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "salons.csv").write_text(SALONS, encoding="utf-8")
    clashing = _collect(root, site, OKRDESK_TEST_EXTRA="1")
    assert clashing.returncode == 1, clashing.stderr
    assert "也由 probe_demo 声明" in clashing.stderr, clashing.stderr
    assert _cache_file().exists()
    renamed = _collect(root, site)
    assert renamed.returncode == 0, renamed.stderr
    assert "声明" not in renamed.stderr, renamed.stderr
    assert {row[0] for row in _stored(root)} == {"new_hnw_clients", "complaint_rate"}
    # The answer asked afresh is kept in its place: the next collect asks nothing.
    _probes(root)
    assert _collect(root, site).returncode == 0
    assert _probes(root) == 0
