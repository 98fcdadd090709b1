"""A file of semicolons, as Excel saves CSV where the decimal mark is a comma: money
with one comma before three digits (``1,234``) is 1.234 there, and 1234 in a file of
commas, so it is read only once the ``decimal`` setting says which, the same set-wise
(DuckDB) and streamed; through ``okrdesk validate`` and ``okrdesk collect`` too."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from brokerage_helpers import FIXTURES, SETTINGS, collect
from okrdesk_brokerage.errors import SettingsError
from okrdesk_brokerage.settings import read_settings, settings_errors

FUNDING = ["2026-01-13;A3;{a3}", "2026-01-25;A1;{a1}", "2026-02-04;A4;{a4}",
           "2026-02-05;A1;30000", "2026-02-20;B2;{b2}", "2026-03-08;B4;-35000",
           "2026-03-10;A3;-25000", "2026-03-25;B1;7000"]  # fmt: skip
"""The tiny export's funding.csv in semicolons, its first amounts written as asked."""


def _funding(workspace: Path, streamed: bool, **amounts: str) -> None:
    """The tiny export with funding.csv in semicolons; ``streamed``: with a blank line
    after its header, which leaves it to the streaming reader (lines no longer rows)."""
    folder = workspace / "tiny"
    shutil.copytree(FIXTURES / "tiny", folder, dirs_exist_ok=True)
    header = "date;client_id;amount\n" + ("\n" if streamed else "")
    rows = "\n".join(FUNDING).format(**amounts)
    (folder / "funding.csv").write_text(header + rows + "\n", encoding="utf-8")


ONE_COMMA = {"a3": "20,000", "a1": "-50000", "a4": "1500000", "b2": "(10,000)"}
"""Two amounts with one comma before three digits: 20000 and -10000, or 20 and -10."""


@pytest.mark.parametrize("streamed", [False, True], ids=["set-wise", "streamed"])
def test_one_comma_before_three_digits_is_refused_until_the_setting_says_which(
    tmp_path: Path, streamed: bool
) -> None:
    _funding(tmp_path, streamed, **ONE_COMMA)
    found = collect(["net_new_aum"], workspace=tmp_path)
    cells = "funding.csv:2:amount, funding.csv:6:amount" if not streamed else (
        "funding.csv:3:amount, funding.csv:7:amount")  # fmt: skip
    assert found.errors == [(
        "net_new_aum",
        "funding.csv: 2 cells of money with one comma before three digits (1,234), which in a "
        "file of semicolons, as Excel saves CSV where the decimal mark is a comma, may be "
        f"1.234 as well as 1234: {cells}; say which the export writes under "
        '[sources.brokerage]: decimal = "," (1,234 is 1.234, 1.234,50 is 1234.50) or '
        'decimal = "." (1,234 is 1234); for this file alone, decimal = { funding = "," }',
    )]  # fmt: skip
    (said_zh,) = found.errors_zh
    assert said_zh[1].startswith(f"funding.csv：有 2 个金额是逗号后恰有三位数字的数（如 1,234）："
                                 f"{cells.replace(', ', '、')}；")  # fmt: skip
    assert not found.observations
    # Told, it reads them as the file writes them, set-wise and streamed alike.
    point = collect(["net_new_aum"], workspace=tmp_path, settings={**SETTINGS, "decimal": "."})
    assert point.errors == []
    assert point.values("net_new_aum") == {
        ("cm1", "2026-01"): -30_000.0, ("cm1", "2026-02"): 1_530_000.0,
        ("cm1", "2026-03"): -25_000.0, ("cm2", "2026-01"): 0.0, ("cm2", "2026-02"): -10_000.0,
        ("cm2", "2026-03"): -35_000.0,
    }  # fmt: skip
    comma = collect(
        ["net_new_aum"], workspace=tmp_path, settings={**SETTINGS, "decimal": {"funding": ","}}
    )
    assert comma.errors == []
    assert comma.values("net_new_aum") == {
        ("cm1", "2026-01"): 20.0 - 50_000, ("cm1", "2026-02"): 1_530_000.0,
        ("cm1", "2026-03"): -25_000.0, ("cm2", "2026-01"): 0.0, ("cm2", "2026-02"): -10.0,
        ("cm2", "2026-03"): -35_000.0,
    }  # fmt: skip


@pytest.mark.parametrize("streamed", [False, True], ids=["set-wise", "streamed"])
def test_a_decimal_comma_export_is_read_as_it_writes_numbers(
    tmp_path: Path, streamed: bool
) -> None:
    written = {"a3": "20.000,00", "a1": "-50.000", "a4": "¥1.500.000,00", "b2": "10000,5"}
    _funding(tmp_path, streamed, **written)
    found = collect(["net_new_aum"], workspace=tmp_path, settings={**SETTINGS, "decimal": ","})
    assert found.errors == []
    assert found.values("net_new_aum") == {
        ("cm1", "2026-01"): -30_000.0, ("cm1", "2026-02"): 1_530_000.0,
        ("cm1", "2026-03"): -25_000.0, ("cm2", "2026-01"): 0.0, ("cm2", "2026-02"): 10_000.5,
        ("cm2", "2026-03"): -35_000.0,
    }  # fmt: skip
    # A number written the other way is no number of this file's, named at its cell.
    _funding(tmp_path, streamed, **{**written, "a4": "1,500,000.00"})
    found = collect(["net_new_aum"], workspace=tmp_path, settings={**SETTINGS, "decimal": ","})
    line = 5 if streamed else 4
    assert found.errors == [(
        "net_new_aum",
        f"funding.csv:{line}: column 'amount': '1,500,000.00' is not a number as the decimal "
        "setting says the file writes one (a comma for the decimal mark, a point before each "
        "group of three digits: 1.234,50)",
    )]  # fmt: skip


def test_a_file_of_commas_reads_as_ever_without_the_setting(tmp_path: Path) -> None:
    """ "1,234" quoted in a file of commas, as Excel saves it, is 1234: no setting asked."""
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    path = tmp_path / "tiny" / "funding.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",20000.00", ',"20,000"'), encoding="utf-8"
    )
    assert settings_errors(SETTINGS, tmp_path) == []
    found = collect(["net_new_aum"], workspace=tmp_path)
    assert found.errors == []
    assert found.values("net_new_aum")[("cm1", "2026-01")] == -30_000.0


@pytest.mark.parametrize(
    ("decimal", "key", "detail"),
    [
        ("comma", "decimal", 'must be the export\'s decimal mark, "," (1.234,50 is 1234.50, '
         '1,234 is 1.234) or "." (1,234.50 is 1234.50), not \'comma\''),
        ({"clients": ","}, "decimal.clients",
         "names no file of the export with money (those: assets, trades, funding, products)"),
        ({"trades": ";"}, "decimal.trades", 'must be the file\'s decimal mark, "," (1.234,50 is '
         '1234.50, 1,234 is 1.234) or "." (1,234.50 is 1234.50), not \';\''),
    ],
)  # fmt: skip
def test_a_decimal_setting_that_names_no_mark_is_refused_at_its_key(
    tmp_path: Path, decimal: Any, key: str, detail: str
) -> None:
    shutil.copytree(FIXTURES / "tiny", tmp_path / "tiny")
    settings = {**SETTINGS, "decimal": decimal}
    with pytest.raises(SettingsError) as raised:
        read_settings(settings, tmp_path)
    assert (raised.value.key, raised.value.detail) == (key, detail)
    assert [(e.key, e.detail) for e in settings_errors(settings, tmp_path)] == [(key, detail)]


# ------------------------------------------------- as a user runs the commands

OKRDESK = str(Path(sys.executable).parent / "okrdesk")
AS_OF = "2026-11-20"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKRDESK_")}
    return subprocess.run([OKRDESK, *args], env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    done = _run("demo", str(root), "--as-of", AS_OF)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def _net_new_aum(root: Path) -> dict[tuple[str, str], float]:
    with sqlite3.connect(root / "okrdesk.db") as db:
        rows = db.execute(
            "SELECT subject, period, value FROM observations WHERE metric = 'net_new_aum'"
        ).fetchall()
    return {(subject, period): value for subject, period, value in rows}


def _semicolons(root: Path) -> int:
    """The demo's funding.csv saved with semicolons, each whole amount from 1,000 to
    999,999 written with its thousands separator (``20,000``); how many are."""
    path = root / "data" / "crm" / "funding.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    written, count = [lines[0].replace(",", ";")], 0
    for line in lines[1:]:
        day, client, amount = line.split(",")
        whole = float(amount)
        if whole.is_integer() and 1000 <= abs(whole) < 1_000_000:
            amount, count = f"{int(whole):,}", count + 1
        written.append(f"{day};{client};{amount}")
    path.write_text("\n".join(written) + "\n", encoding="utf-8")
    return count


def _set(root: Path, line: str) -> None:
    toml = root / "okrdesk.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('data = "data/crm"', f'data = "data/crm"\n{line}'), "utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_and_collect_refuse_it_in_the_user_s_language(
    demo: Path, tmp_path: Path, lang: str
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(demo, root)
    before = _net_new_aum(root)
    count = _semicolons(root)
    assert count > 3
    validated = _run("validate", "--lang", lang, "-w", str(root))
    assert validated.returncode == 2, validated.stdout + validated.stderr
    told = {
        "en": f"funding.csv has {count} cells of money with one comma before three digits "
        "(1,234), which in a file of semicolons",
        "zh": f"funding.csv 有 {count} 个金额是逗号后恰有三位数字的数（如 1,234）：funding.csv:",
    }[lang]
    assert told in validated.stdout, validated.stdout
    assert "Traceback" not in validated.stdout + validated.stderr
    collected = _run("collect", "--through", AS_OF, "--lang", lang, "-w", str(root))
    assert collected.returncode != 0
    # Refused as the collect reads the file (its settings check leaves the money to it),
    # the metrics that read funding.csv alone.
    told = {
        "en": "metrics empty_account_rate, net_new_aum, asset_attrition: funding.csv: "
        f"{count} cells of money with one comma before three digits",
        "zh": "指标 empty_account_rate、net_new_aum、asset_attrition：funding.csv："
        f"有 {count} 个金额是逗号后恰有三位数字的数",
    }[lang]
    assert told in collected.stdout + collected.stderr, collected.stdout + collected.stderr
    assert "Traceback" not in collected.stdout + collected.stderr
    assert _net_new_aum(root) == before  # nothing misread stored over the figures


def test_said_so_the_commands_read_it_either_way(demo: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(demo, root)
    before = _net_new_aum(root)
    validated = _run("validate", "-w", str(root))  # the demo's file of commas: as ever
    assert validated.returncode == 0, validated.stdout + validated.stderr
    _semicolons(root)
    point = tmp_path / "point"
    shutil.copytree(root, point)
    _set(point, 'decimal = "."')
    assert _run("validate", "-w", str(point)).returncode == 0
    done = _run("collect", "--through", AS_OF, "-w", str(point))
    assert done.returncode == 0, done.stdout + done.stderr
    assert _net_new_aum(point) == before  # 20,000 is 20000, as in the file of commas
    _set(root, 'decimal = { funding = "," }')
    assert _run("validate", "-w", str(root)).returncode == 0
    done = _run("collect", "--through", AS_OF, "-w", str(root))
    assert done.returncode == 0, done.stdout + done.stderr
    after = _net_new_aum(root)
    assert after.keys() == before.keys() and after != before  # 20,000 is 20
    assert sum(abs(v) for v in after.values()) < sum(abs(v) for v in before.values())
