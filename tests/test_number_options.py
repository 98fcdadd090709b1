"""Every number a command takes on its command line is refused in okrdesk's words.

click's own ("'10m' is not a valid float range.", "'x' is not a valid integer.") were
the only refusals of okrdesk's that named neither what the option counts nor what to
type instead; each now says both, in the command line's language, with exit 2.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from okrdesk.cli import cli
from okrdesk.cli.options import Number
from sample_workspace import WriteWorkspace
from test_docs_cli import command_tree

CLICK_NUMBERS = (click.types.IntParamType, click.types.FloatParamType)


def test_every_number_a_command_takes_is_read_by_okrdesk_s_own_type() -> None:
    """A numeric option added with click's ``type=int`` would be refused in click's words."""
    context = click.Context(cli, info_name="okrdesk")
    for path in command_tree():
        command: click.Command | None = cli
        for name in path:
            assert isinstance(command, click.Group)
            command = command.get_command(context, name)
        assert command is not None
        for param in command.params:
            assert not isinstance(param.type, CLICK_NUMBERS), (
                f"okrdesk {' '.join(path)} {param.human_readable_name}: {param.type!r}"
            )
    assert any(
        isinstance(param.type, Number)
        for param in cli.get_command(context, "collect").params  # type: ignore[union-attr]
    )


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (["collect", "--jobs", "x"],
         "--jobs: 'x' is not a whole number of plugins to run at once; write 4 to run four",
         "--jobs：'x' 不是整数；要同时运行四个插件请写 4"),
        (["collect", "-j", "0"],
         "--jobs: '0' is not from 1 to 64 plugins at once; 1 runs them one after another",
         "--jobs：'0' 不在 1 到 64 之间（同时运行的插件数）；1 为逐个运行"),
        (["collect", "--wait", "10m"],
         "--wait: '10m' is not a number of seconds; write 600 for ten minutes, 0 not to wait",
         "--wait：'10m' 不是秒数；等十分钟请写 600，不等请写 0"),
        (["checkin", "--withdraw", "3a"],
         "--withdraw: '3a' is not a check-in's id; write the number okrdesk checkin --list KR "
         "shows for it",
         "--withdraw：'3a' 不是打卡的编号；请写 okrdesk checkin --list KR 列出的编号"),
        (["spend", "reverse", "第3笔", "--reason", "typo", "--signed-by", "王经理"],
         "ENTRY: '第3笔' is not an entry's id; write the number okrdesk spend list shows for it",
         "ENTRY：'第3笔' 不是台账记录的编号；请写 okrdesk spend list 列出的编号"),
        (["report", "--depth", "1.5"],
         "--depth: '1.5' is not a number of steps below the unit; write 1 for its child "
         "units, 2 for the people in those too",
         "--depth：'1.5' 不是层数；只看下级单位请写 1，连同其中的人员请写 2"),
    ],
    ids=["jobs", "jobs-range", "wait", "withdraw", "entry", "depth"],
)  # fmt: skip
def test_a_number_that_is_none_names_the_option_the_value_and_what_to_type(
    write_workspace: WriteWorkspace, args: list[str], en: str, zh: str
) -> None:
    root = write_workspace()
    for lang, said in (("en", f"Error: {en}"), ("zh", f"错误：{zh}")):
        refused = CliRunner().invoke(cli, ["--lang", lang, *args, "-w", str(root)])
        assert refused.exit_code == 2, refused.output
        assert refused.output.splitlines()[-1] == said, refused.output
        assert "valid" not in refused.output and "Traceback" not in refused.output
