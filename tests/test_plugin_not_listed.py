"""``okrdesk plugins NAME`` for a package installed into another Python than okrdesk's:
it said only "`okrdesk plugins` lists them", which a plugin author who had just run a
plain ``pip install -e .`` (a pip serving another Python) read over and over. It now says
where the package went and the pip to use, in both languages; a name misspelt is still
told the name it is close to, and no more."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from installed_package import installed_package, okrdesk
from sample_workspace import WriteWorkspace

MARGIN = """\
from okrdesk.model import MetricKind, MetricSpec
from okrdesk.plugins import hookimpl
from okrdesk.units import UNITS


@hookimpl
def okrdesk_metrics(register):
    register(MetricSpec("margin_balance", "Margin balance", "融资余额", MetricKind.STOCK,
                        UNITS["元"]))
"""


def test_a_package_okrdesk_s_python_does_not_see_is_told_which_pip_to_use(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    root = write_workspace()
    with installed_package(tmp_path, "margins", MARGIN) as env:
        seen = okrdesk(env, "plugins", "margins", "--lang", "en", "-w", str(root))
        # The same package, not on the path of the Python okrdesk runs in.
        elsewhere = {k: v for k, v in env.items() if k != "PYTHONPATH"}
        elsewhere["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
        english = okrdesk(elsewhere, "plugins", "margins", "--lang", "en", "-w", str(root))
        chinese = okrdesk(elsewhere, "plugins", "margins", "--lang", "zh", "-w", str(root))
        misspelt = okrdesk(env, "plugins", "margns", "--lang", "en", "-w", str(root))
    assert seen.returncode == 0 and "margin_balance" in seen.stdout, seen.stderr
    assert english.returncode == chinese.returncode == 2, english.stderr
    told = " ".join(english.stderr.split())
    assert told == (
        'no plugin "margins"; `okrdesk plugins` lists them; a package you installed that is not '
        "among them went into another Python than okrdesk's: install it, in its folder, with "
        f"the Python okrdesk runs in ({sys.executable} -m pip install -e .); a workspace's own "
        "plugins/NAME.py runs once you `okrdesk trust` the workspace"
    ), told
    assert "Traceback" not in english.stderr
    assert (
        '没有插件 "margins"；`okrdesk plugins` 列出全部插件；'
        "刚安装的包若不在其中，多半装进了另一个 "
        f"Python：请在包的文件夹中用运行 okrdesk 的 Python 安装（{sys.executable} -m pip install "
        "-e .），工作区自己的 plugins/NAME.py 则在 `okrdesk trust` 之后才会运行"
    ) in "".join(chinese.stderr.splitlines()), chinese.stderr
    assert " ".join(misspelt.stderr.split()) == (
        'no plugin "margns" (did you mean "margins"?); `okrdesk plugins` lists them'
    )
