"""A customer manager with no event of a flow in a week reads 0 for it, not "no data".

In the demo as of 2026-02-10, 吴敏 (wumin) had no new high-net-worth client: the
brokerage plugin gave her no figure at all, so her WM1.HNW read 暂无数据, was left out of
her score, and she ranked above people with something to show. A flow of a CM the export
lists is now 0 where none of their rows falls in a period, and explain says where the 0
came from; a person the export does not list (李明, who leads a team and serves no
client) still has no figure. Such zeros stand for no rows: an export whose file came out
with its header alone keeps what is stored, as any metric does.

The demo's big deposits now land through the year, and by 10 February every CM of
财富管理一部 has a new HNW client; the export here gives 吴敏's to 刘洋 and makes 黄婷's
one woman a man, so that 吴敏 has none and 黄婷 men alone, as in the demo before.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from okrdesk.store import Store
from test_report import okrdesk

AS_OF = "2026-02-10"


@pytest.fixture(scope="module")
def february(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("february") / "demo"
    done = okrdesk("demo", str(root), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    crm = root / "data" / "crm"
    with (crm / "clients.csv").open(encoding="utf-8", newline="") as file:
        clients = list(csv.DictReader(file))
    crossing = _crossing_the_hnw_threshold(crm / "assets.csv")
    for client in clients:
        if client["client_id"] not in crossing:
            continue
        if client["cm_id"] == "wumin":
            client["cm_id"] = "liuyang"
        elif client["cm_id"] == "huangting" and client["gender"] == "F":
            client["gender"] = "M"
    with (crm / "clients.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(clients[0]))
        writer.writeheader()
        writer.writerows(clients)
    done = okrdesk("collect", "-w", str(root), "--through", AS_OF)
    assert done.returncode == 0, done.stderr
    return root


def _crossing_the_hnw_threshold(assets: Path) -> set[str]:
    """The clients whose total assets reach 800万 after the opening snapshot: the new HNW
    clients of the export."""
    levels: dict[str, list[tuple[str, float]]] = {}
    with assets.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            levels.setdefault(row["client_id"], []).append(
                (row["date"], float(row["total_assets"]))
            )
    crossing = set()
    for client, rows in levels.items():
        rows.sort()
        opening = rows[0][1] if rows[0][0] <= "2025-12-31" else 0.0
        if opening < 8_000_000 and any(total >= 8_000_000 for _, total in rows):
            crossing.add(client)
    return crossing


def _report(root: Path, *more: str) -> dict[str, Any]:
    done = okrdesk("report", "-w", str(root), "--as-of", AS_OF, "--format", "json", *more)
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def _key_result(report: dict[str, Any], kr_id: str) -> dict[str, Any]:
    (found,) = [kr for o in report["objectives"] for kr in o["key_results"] if kr["id"] == kr_id]
    return found


def test_a_cm_with_no_new_hnw_client_reads_none_and_is_scored_on_it(february: Path) -> None:
    hnw = _key_result(_report(february, "--unit", "wumin"), "WM1.HNW")
    assert (hnw["actual"], hnw["status"], hnw["attainment"]) == (0, "off_track", 0)
    text = okrdesk("report", "-w", str(february), "--as-of", AS_OF, "--unit", "wumin").stdout
    assert "暂无数据" not in text and "未计入得分" not in text
    assert re.search(r"WM1\.HNW 新增高净值.*│ +0户 │ +35户 │ +0\.0% │", text), text
    # Ranked on every key result: below those who have a new HNW client, no longer 7th.
    branch = _report(february)
    wumin = next(m for m in branch["members"] if m["id"] == "wumin")
    assert wumin["rank"] > 7
    assert wumin["off_track"] == 2  # WM1.HNW and WM1.NNA


def test_explain_says_where_a_zero_came_from_in_both_languages(february: Path) -> None:
    clients = (february / "data" / "crm" / "clients.csv").read_text(encoding="utf-8")
    hers = [n for n, line in enumerate(clients.splitlines(), 1) if ",wumin," in line]
    for lang, said in (
        ("en", r"no row of assets\.csv counts, so 0; clients\.csv rows (\d+)-(\d+)"),
        ("zh", r"assets\.csv 中没有计入的行，按 0 计；clients\.csv 第 (\d+)–(\d+)"),
    ):
        done = okrdesk("explain", "WM1.HNW", "--person", "wumin", "-w", str(february),
                       "--as-of", AS_OF, "--lang", lang, env={"COLUMNS": "1000"})  # fmt: skip
        assert done.returncode == 0, done.stderr
        zeros = [line for line in done.stdout.splitlines() if re.search(said, line)]
        assert len(zeros) == 7, done.stdout  # 2026-W01 to 2026-W07, each none
        first, last = map(int, re.search(said, zeros[0]).groups())  # type: ignore[union-attr]
        assert first in hers and last in hers


def test_a_person_the_export_does_not_list_still_has_no_figure(february: Path) -> None:
    done = okrdesk("explain", "WM1.HNW", "-w", str(february), "--as-of", AS_OF, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "\n1 more without data: 李明\n" in done.stdout, done.stdout
    with Store.open(february / "okrdesk.db") as store:
        rows = store.query(
            "SELECT count(*) FROM observations WHERE subject = 'liming' AND metric = "
            "'new_hnw_clients'"
        )
    assert rows == [(0,)]


def test_a_file_come_out_empty_keeps_the_figures_stored(february: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(february, tmp_path / "demo"))
    trades = root / "data" / "crm" / "trades.csv"
    trades.write_text(trades.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")
    query = (
        "SELECT subject, period, value FROM observations "
        "WHERE metric = 'commission_revenue' AND slice = '' ORDER BY 1, 2"
    )
    with Store.open(root / "okrdesk.db") as store:
        before = store.query(query)
    assert sum(value for *_, value in before) > 0
    done = okrdesk("collect", "--through", AS_OF, "--lang", "en", "-w", str(root))
    assert done.returncode == 1
    assert "commission_revenue: gave not one figure" in done.stdout + done.stderr
    with Store.open(root / "okrdesk.db") as store:
        assert store.query(query) == before


def test_a_stocks_file_come_out_empty_keeps_the_levels_stored(
    february: Path, tmp_path: Path
) -> None:
    """Levels are read from assets.csv, and a level of none is 0: come out with its
    header alone, it stored every CM's effective accounts as those counted from trades
    alone (and would store AUM as 0), the collect saying all was well."""
    root = Path(shutil.copytree(february, tmp_path / "demo"))
    assets = root / "data" / "crm" / "assets.csv"
    assets.write_text(assets.read_text(encoding="utf-8").splitlines()[0] + "\n\n", "utf-8")
    query = (
        "SELECT metric, subject, period, value FROM observations WHERE metric IN "
        "('effective_accounts', 'new_hnw_clients') AND slice = '' ORDER BY 1, 2, 3"
    )
    with Store.open(root / "okrdesk.db") as store:
        before = store.query(query)
    assert sum(value for *_, value in before) > 0
    for lang, told in [
        ("en", "assets.csv: holds its header alone, while clients.csv lists clients: an "
               "export that came out empty? The metrics read from it keep the figures "
               "stored; export it again"),
        ("zh", "assets.csv：只有表头，而 clients.csv 列有客户：导出时出错了吗？从它读出的指标"
               "保留已存的数字；请重新导出"),
    ]:  # fmt: skip
        done = okrdesk("collect", "--through", AS_OF, "--lang", lang, "-w", str(root))
        assert done.returncode == 1
        assert told in " ".join((done.stdout + done.stderr).split()).replace("？ ", "？")
    with Store.open(root / "okrdesk.db") as store:
        assert store.query(query) == before


_FEMALE = """
  [[objectives.key_results]]
  id = "HNWF"
  title = "新增女性高净值客户"
  metric = "new_hnw_clients"
  where = { gender = "female" }
  unit = "户"
  milestones = { Q2 = 0.45, Q4 = 1.0 }
  [objectives.key_results.members]
  liuyang = 20
  huangting = 20
  zhoujie = 20
  wumin = 20
"""


def test_a_slice_no_row_of_which_counts_is_0(february: Path, tmp_path: Path) -> None:
    """Up to 2026-02-10 (in the export as the fixture leaves it) 黄婷 had new HNW clients,
    all men, and 吴敏 none at all: a key result on the women alone read 暂无数据 for both
    and left them out of its score, though the figures say neither of them had one."""
    root = Path(shutil.copytree(february, tmp_path / "demo"))
    team = root / "targets" / "team-wm1.toml"
    text = team.read_text(encoding="utf-8").replace(
        '\n  [[objectives.key_results]]\n  id = "NEWACC"',
        _FEMALE + '\n  [[objectives.key_results]]\n  id = "NEWACC"',
        1,
    )
    team.write_text(text, encoding="utf-8")
    figures = {
        person: _key_result(_report(root, "--unit", person), "WM1.HNWF")["actual"]
        for person in ("liuyang", "huangting", "zhoujie", "wumin")
    }
    assert figures == {"liuyang": 3, "huangting": 0, "zhoujie": 2, "wumin": 0}
    assert _key_result(_report(root, "--unit", "wm1"), "WM1.HNWF")["actual"] == 5
    for lang, said in (
        ("en", 'No observation of the slice "gender: female" up to 2026-02-10: each figure '
               "of it up to then is split into slices, none of them this one, or is 0; so 0."),
        ("zh", "截至 2026-02-10 没有切片「性别：女」的观测值：此前它的数字都已按维度拆分（没有"
               "这一项），或为 0，所以按 0 计。"),
    ):  # fmt: skip
        for person in ("huangting", "wumin"):
            done = okrdesk("explain", "WM1.HNWF", "--person", person, "-w", str(root),
                           "--as-of", AS_OF, "--lang", lang, env={"COLUMNS": "1000"})  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert "\n= 0" in done.stdout and said in done.stdout, done.stdout
    # 李明 serves no client: the export says nothing of him, of women or anyone.
    done = okrdesk("explain", "WM1.HNWF", "-w", str(root), "--as-of", AS_OF, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "\n1 more without data: 李明\n" in done.stdout, done.stdout
