"""What okrdesk reads from the environment beyond a workspace's settings: how long its
waits and time limits are (``$OKRDESK_BUSY_TIMEOUT``, ``$OKRDESK_PLUGIN_TIMEOUT``,
``$OKRDESK_SEND_TIMEOUT``), each refused, named, where it says no number of seconds."""

from __future__ import annotations

import math
import os

from okrdesk.errors import BadInput, Said


def seconds_from_environment(name: str, default: float, *, above_zero: bool) -> float:
    """The seconds ``$name`` sets (a time limit, a wait); ``default`` where it is unset or
    empty. A value that is no number of seconds (``10m``, ``abc``, ``inf``), or is below
    0, or is 0 for a limit ``above_zero`` (0 and -1 mean "no limit" to other tools), is
    refused naming it, rather than passed over for the default unsaid or made a limit
    no one wrote."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds) and (seconds > 0 or (seconds == 0 and not above_zero)):
        return seconds
    floor_en, floor_zh = ("above 0", "大于 0 的") if above_zero else ("of 0 or more", "0 或更大的")
    raise BadInput(Said(
        f"${name} is {raw!r}: give it a number of seconds {floor_en} (600 is ten minutes; "
        f"{default:g} when unset)",
        f"${name} 的值 {raw!r} 不可用：请写{floor_zh}秒数（十分钟写 600；不设时为 {default:g}）",
    ))  # fmt: skip
