"""WeCom (企业微信) group robot: ``msgtype: markdown``.

Its Markdown has headings, bold, links and quotes but no tables; the
content is at most 4096 bytes of UTF-8; a robot takes 20 messages a minute.
The webhook URL carries the robot's key, so it is the secret; errcode 45009
means "too many" this minute: the send stops there, to go again a minute later.
"""

from __future__ import annotations

from typing import Any

from okrdesk.delivery.webhook import Bot, errcode, no_signature
from okrdesk.errors import Said

MAX_CONTENT_BYTES = 4096


def body(title: str, text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": text}}


def fits(message: dict[str, Any]) -> bool:
    content: str = message["markdown"]["content"]
    return len(content.encode("utf-8")) <= MAX_CONTENT_BYTES


REPLIES = errcode(Said("WeCom robot", "企业微信群机器人"))

BOT = Bot(
    "wecom", ((20, 60.0),), body, fits, no_signature, REPLIES, throttle_codes=(45009,),
    hosts=("qyapi.weixin.qq.com",),
)  # fmt: skip
