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
import re
from typing import Any

from okrdesk.delivery.message import plain
from okrdesk.delivery.transport import Replies
from okrdesk.delivery.webhook import Bot, Outgoing, json_size
from okrdesk.errors import Said

MAX_BODY_BYTES = 20 * 1024
SIGNATURE_ROOM = 120
"""Bytes kept free for ``timestamp`` and ``sign``, added after the size check."""


_PART = re.compile(r"\(\d+/\d+\)")
"""A part's number, as ``message.marked`` writes it: "(2/3)"."""
_NUMBERED_HEADING = re.compile(r"(#{1,6} .*?)(?: (\(\d+/\d+\)))?")


def body(title: str, text: str) -> dict[str, Any]:
    title, lines = titled(title, text.split("\n"))
    paragraphs = [[{"tag": "text", "text": plain(line)}] for line in lines]
    post = {"title": title, "content": paragraphs}
    return {"msg_type": "post", "content": {"post": {"zh_cn": post}}}


def titled(title: str, lines: list[str]) -> tuple[str, list[str]]:
    """The post's title and its lines, the title said once: a post shows its title above
    its text, so a heading the title begins with (``## 深圳福田营业部 2026 年度经营计划``
    under 深圳福田营业部 2026 年度经营计划 · 2026-11-20 周报) is left out, and a part's
    number, at the end of the heading it begins with or on a line of its own, goes at the
    title's end, where the reader of each part sees it first."""
    number = ""
    if lines and _PART.fullmatch(lines[0]):
        number, lines = lines[0], lines[1:]
    elif lines and _NUMBERED_HEADING.fullmatch(lines[0]) and title.startswith(plain(lines[0])):
        lines = lines[1:]  # a name of its own ending "(1/2)" is no part's number
    elif lines and (found := _NUMBERED_HEADING.fullmatch(lines[0])):
        heading, number = found[1], found[2] or ""
        lines = lines[1:] if title.startswith(plain(heading)) else [heading, *lines[1:]]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return (f"{title} {number}" if number else title), lines


def fits(message: dict[str, Any]) -> bool:
    return json_size(message) + SIGNATURE_ROOM <= MAX_BODY_BYTES


def signature(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def sign(url: str, message: dict[str, Any], secret: str, now: float) -> Outgoing:
    timestamp = int(now)
    return Outgoing(url, {"timestamp": str(timestamp), "sign": signature(timestamp, secret),
                          **message})  # fmt: skip


SIGN_REFUSED, IP_REFUSED, KEYWORD_REFUSED = 19021, 19022, 19024
"""The bot's security settings (安全设置) refusing the message: its signature or
timestamp ("sign match fail or timestamp is not within one hour from current time"),
this machine's address ("Ip Not Allowed"), its keywords ("Key Words Not Found")."""

SECURITY_MEANINGS = (
    (SIGN_REFUSED, "", Said(
        "the bot's security settings refused the message's signature, or its timestamp "
        "as more than an hour from the bot's time ({error})",
        "机器人的安全设置拒绝了消息的签名，或因消息的时间戳与机器人的时间相差超过 1 小时而拒收"
        "（{error}）",
    )),
    (IP_REFUSED, "", Said(
        "the bot's security settings refused the message: this machine's address is not in "
        "the bot's IP whitelist ({error}); add the address this machine reaches the internet "
        "from under the bot's Security Settings → IP Whitelist",
        "机器人的安全设置拒收了消息：本机的地址不在机器人的 IP 白名单中（{error}）；请在机器人的"
        "“安全设置 → IP 白名单”中添加本机访问外网所用的地址",
    )),
    (KEYWORD_REFUSED, "", Said(
        "the bot's security settings refused the message: it holds none of the bot's custom "
        "keywords ({error}); add one that every message holds, such as the unit's name, "
        "which every report's and reminder's title holds, under the bot's Security Settings "
        "→ Custom Keywords",
        "机器人的安全设置拒收了消息：消息中没有机器人的任何自定义关键词（{error}）；请在机器人的"
        "“安全设置 → 自定义关键词”中添加每条消息都有的词，如每份报告和提醒的标题中都有的单位名称",
    )),
)  # fmt: skip

REPLIES = Replies(
    Said("Feishu bot", "飞书机器人"), ("code", "StatusCode"), ("msg", "StatusMessage"),
    unsigned=((SIGN_REFUSED, ""),), meanings=SECURITY_MEANINGS,
)  # fmt: skip
"""Its answer's ``code`` (``StatusCode`` in the older form) other than 0 is a failure."""


BOT = Bot(
    "feishu", ((5, 1.0), (100, 60.0)), body, fits, sign, REPLIES, throttle_codes=(11232,),
    hosts=("open.feishu.cn", "open.larksuite.com"),
)  # fmt: skip
