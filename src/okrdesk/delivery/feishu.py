"""Feishu (飞书) custom bot: ``msg_type: post``, a title and lines of text.

With signature verification on, the body carries ``timestamp`` (seconds)
and ``sign``: the HMAC-SHA256 keyed by "timestamp\\nsecret" of an empty
message, base64. A request is at most 20 KB; a bot takes 100 messages a
minute and 5 a second (code 11232 when sent too fast: the send stops there).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from okrdesk.delivery.message import plain
from okrdesk.delivery.transport import Replies
from okrdesk.delivery.webhook import Bot, Outgoing, json_size
from okrdesk.errors import Said

MAX_BODY_BYTES = 20 * 1024
SIGNATURE_ROOM = 120
"""Bytes kept free for ``timestamp`` and ``sign``, added after the size check."""


def body(title: str, text: str) -> dict[str, Any]:
    paragraphs = [[{"tag": "text", "text": plain(line)}] for line in text.split("\n")]
    post = {"title": title, "content": paragraphs}
    return {"msg_type": "post", "content": {"post": {"zh_cn": post}}}


def fits(message: dict[str, Any]) -> bool:
    return json_size(message) + SIGNATURE_ROOM <= MAX_BODY_BYTES


def signature(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def sign(url: str, message: dict[str, Any], secret: str, now: float) -> Outgoing:
    timestamp = int(now)
    return Outgoing(url, {"timestamp": str(timestamp), "sign": signature(timestamp, secret),
                          **message})  # fmt: skip


REPLIES = Replies(
    Said("Feishu bot", "飞书机器人"), ("code", "StatusCode"), ("msg", "StatusMessage"),
    unsigned=((19021, "sign"),),
)  # fmt: skip
"""Its answer's ``code`` (``StatusCode`` in the older form) other than 0 is a failure;
19021, "sign match fail", a signature it refused."""


BOT = Bot(
    "feishu", ((5, 1.0), (100, 60.0)), body, fits, sign, REPLIES, throttle_codes=(11232,),
    hosts=("open.feishu.cn", "open.larksuite.com"),
)  # fmt: skip
