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


SECURITY_REFUSED = 310000
"""Any of the robot's security settings refusing the message, its words saying which."""

SECURITY_MEANINGS = (
    (SECURITY_REFUSED, "sign", Said(
        "the robot's security settings refused the message's signature ({error})",
        "机器人的安全设置拒绝了消息的签名（{error}）",
    )),
    (SECURITY_REFUSED, "keyword", Said(
        "the robot's security settings refused the message: it holds none of the robot's "
        "custom keywords ({error}); add one that every message holds, such as the unit's "
        "name, which every report's and reminder's heading holds, under the robot's Security "
        "Settings → Custom Keywords",
        "机器人的安全设置拒收了消息：消息中没有机器人的任何自定义关键词（{error}）；请在机器人的"
        "“安全设置 → 自定义关键词”中添加每条消息都有的词，如每份报告和提醒的标题中都有的单位名称",
    )),
    (SECURITY_REFUSED, "whitelist", Said(
        "the robot's security settings refused the message: this machine's address is not in "
        "the robot's IP list ({error}); add the address this machine reaches the internet "
        "from under the robot's Security Settings → IP Addresses (Segment)",
        "机器人的安全设置拒收了消息：本机的地址不在机器人的 IP 地址列表中（{error}）；请在机器人"
        "的“安全设置 → IP 地址（段）”中添加本机访问外网所用的地址",
    )),
    (SECURITY_REFUSED, "", Said(
        "the robot's security settings refused the message ({error}): it holds none of the "
        "robot's custom keywords, this machine's address is not in its IP list, or its "
        "signature is wrong; check the robot's Security Settings",
        "机器人的安全设置拒收了消息（{error}）：消息中没有机器人的自定义关键词、本机地址不在其 "
        "IP 地址列表中，或签名不对；请核对机器人的“安全设置”",
    )),
)  # fmt: skip
"""What 310000 means by the words that come with it: "sign not match", "keywords not in
content", "ip 1.2.3.4 not in whitelist"."""

REPLIES = errcode(Said("DingTalk robot", "钉钉机器人"), unsigned=((SECURITY_REFUSED, "sign"),),
                  meanings=SECURITY_MEANINGS)  # fmt: skip

BOT = Bot(
    "dingtalk", ((20, 60.0),), body, fits, sign, REPLIES, throttle_codes=(130101,),
    throttled_for=Said("10 minutes", "10 分钟"), hosts=("oapi.dingtalk.com",),
)  # fmt: skip
