import datetime as dt
import json

import okrdesk_salons
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.model import Person
from okrdesk.plugins.testing import check_plugin, registered_plugin


def test_salons(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "salons.csv").write_text(
        "date,cm_id,attendees,leads\n2026-01-06,cm01,30,4\n", encoding="utf-8"
    )
    check = check_plugin(
        okrdesk_salons,
        people=[Person("cm01", "王芳", "team-a")],
        start=dt.date(2026, 1, 5),
        through=dt.date(2026, 1, 11),
        workspace=tmp_path,
    )
    check.assert_valid()  # fails listing every problem okrdesk found
    assert check.value("salon_attendees", "cm01", "2026-W02").value == 30
    rate = check.value("salon_lead_rate", "cm01", "2026-W02")
    assert (rate.numerator, rate.denominator) == (4, 30)


@pytest.fixture
def workspace(tmp_path):
    """okrdesk init's example plan, a key result on salon_attendees and a salons.csv."""
    folder = tmp_path / "branch"
    made = CliRunner().invoke(cli, ["init", str(folder), "--lang", "en"])
    assert made.exit_code == 0, made.output
    (folder / "targets" / "salons.toml").write_text(
        '[[objectives]]\nid = "O2"\ntitle = "Salons"\nowner = "downtown"\n\n'
        '[[objectives.key_results]]\nid = "KR1"\ntitle = "600 salon attendees"\n'
        'metric = "salon_attendees"\ntarget = 600\nunit = "人"\n',
        encoding="utf-8",
    )
    (folder / "data" / "salons.csv").write_text(
        "date,cm_id,attendees,leads\n2026-01-06,li-lei,30,4\n2026-01-08,han-mei,12,1\n",
        encoding="utf-8",
    )
    return folder


def test_collect_and_report(workspace, monkeypatch):
    # Installed too (pip install -e .), the package would load beside the registered
    # module: load no installed plugin (or name those the workspace needs).
    monkeypatch.setenv("OKRDESK_LOAD_PLUGINS", "")
    with registered_plugin(okrdesk_salons, "salons"):
        collected = CliRunner().invoke(
            cli, ["collect", "--through", "2026-01-11", "-w", str(workspace)]
        )
        assert collected.exit_code == 0, collected.output
        report = CliRunner().invoke(
            cli, ["report", "--format", "json", "--as-of", "2026-01-11", "-w", str(workspace)]
        )
    assert report.exit_code == 0, report.output
    (salons,) = (o for o in json.loads(report.output)["objectives"] if o["id"] == "O2")
    assert salons["key_results"][0]["actual"] == 42  # li-lei's 30 and han-mei's 12
