"""The time limits and waits set in the environment ($OKRDESK_BUSY_TIMEOUT,
$OKRDESK_PLUGIN_TIMEOUT, $OKRDESK_SEND_TIMEOUT): a value that is no number of seconds is
refused, naming it, where okrdesk used to wait its default instead, unsaid."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.delivery.transport import request_timeout
from okrdesk.errors import BadInput
from sample_workspace import WriteWorkspace


@pytest.mark.parametrize(
    ("name", "raw", "lang", "said"),
    [
        ("OKRDESK_BUSY_TIMEOUT", "abc", "en",
         "$OKRDESK_BUSY_TIMEOUT is 'abc': give it a number of seconds of 0 or more (600 is "
         "ten minutes; 10 when unset)"),
        ("OKRDESK_BUSY_TIMEOUT", "-1", "en",
         "$OKRDESK_BUSY_TIMEOUT is '-1': give it a number of seconds of 0 or more (600 is "
         "ten minutes; 10 when unset)"),
        ("OKRDESK_PLUGIN_TIMEOUT", "10m", "zh",
         "$OKRDESK_PLUGIN_TIMEOUT 的值 '10m' 不可用：请写大于 0 的秒数"
         "（十分钟写 600；不设时为 300）"),
        ("OKRDESK_PLUGIN_TIMEOUT", "0", "en",
         "$OKRDESK_PLUGIN_TIMEOUT is '0': give it a number of seconds above 0 (600 is ten "
         "minutes; 300 when unset)"),
    ],
)  # fmt: skip
def test_a_wait_that_is_no_number_of_seconds_is_refused_by_name(
    write_workspace: WriteWorkspace, name: str, raw: str, lang: str, said: str
) -> None:
    root = write_workspace()
    assert CliRunner().invoke(cli, ["collect", "-w", str(root)]).exit_code == 0
    refused = CliRunner().invoke(cli, ["report", "--lang", lang, "-w", str(root)], env={name: raw})
    assert (refused.exit_code, refused.output.strip()) == (2, said)
    assert "Traceback" not in refused.output
    done = CliRunner().invoke(cli, ["report", "-w", str(root)], env={name: "600"})
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("raw", ["30s", "nan", "inf", "0", "-1"])
def test_a_send_timeout_that_is_no_number_of_seconds_is_refused(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", raw)
    with pytest.raises(BadInput, match=r"\$OKRDESK_SEND_TIMEOUT is '.*': give it a number"):
        request_timeout()
    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", " 45 ")
    assert request_timeout() == 45.0
    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", "")
    assert request_timeout() == 30.0
