"""DingTalk (钉钉) custom robot: ``msgtype: markdown`` with a title and text.

With the "加签" security setting, each request carries ``timestamp`` (in
milliseconds) and ``sign`` as query parameters: the HMAC-SHA256 of
"timestamp\\nsecret" keyed by the secret, base64, then URL-encoded. A robot
takes 20 messages a minute; sent more, it answers errcode 130101 and takes none for
10 minutes: the send stops there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from typing import Any

from okrdesk.delivery.webhook import Bot, Outgoing, errcode
from okrdesk.errors import Said

MAX_TEXT_BYTES = 20000


def body(title: str, text: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def fits(message: dict[str, Any]) -> bool:
    text: str = message["markdown"]["text"]
    return len(text.encode("utf-8")) <= MAX_TEXT_BYTES


def signature(timestamp: int, secret: str) -> str:
    """The ``sign`` query value, already URL-encoded."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def sign(url: str, message: dict[str, Any], secret: str, now: float) -> Outgoing:
    timestamp = int(now * 1000)
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return Outgoing(f"{url}{joiner}timestamp={timestamp}&sign={signature(timestamp, secret)}",
                    message)  # fmt: skip


REPLIES = errcode(Said("DingTalk robot", "钉钉机器人"), unsigned=((310000, "sign"),))
"""310000 is any of its security settings refusing the message; "sign not match" the
signature (else a keyword missing, or an address not allowed)."""

BOT = Bot(
    "dingtalk", ((20, 60.0),), body, fits, sign, REPLIES, throttle_codes=(130101,),
    throttled_for=Said("10 minutes", "10 分钟"), hosts=("oapi.dingtalk.com",),
)  # fmt: skip
