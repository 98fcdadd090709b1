"""A plugin author's usual mistakes with emit are told in words that say what to write."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner

from okrdesk.cli import cli
from sample_workspace import WriteWorkspace, trusted

OBJECTS_FOR_IDS = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("new_hnw_clients", "New HNW", "新增高净值客户", "flow", UNITS["户"]))
    register(MetricSpec("complaint_rate", "Complaints", "投诉率", MetricKind.RATIO, UNITS["‰"],
                        direction="at_most"))


@hookimpl
def okrdesk_collect(request, emit):
    emit("new_hnw_clients", request.people[0].id, request.periods[0], value=3)
    emit("new_hnw_clients", request.people[0], request.periods[1].id, value=3)
"""


def test_a_period_or_person_given_for_its_id_is_told_to_give_the_id(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(plugin=False)
    (root / "plugins").mkdir()
    (root / "plugins" / "leads.py").write_text(textwrap.dedent(OBJECTS_FOR_IDS), "utf-8")
    trusted(root)
    done = CliRunner().invoke(
        cli, ["collect", "--lang", "en", "--through", "2026-03-15",
              "-w", str(root)],
    )  # fmt: skip
    said = done.output
    assert "_Unsendable" not in said, said
    assert "period must be the id of a period asked for (period.id), not a Period" in said
    assert "subject must be the id of a person or unit (person.id), not a Person" in said
