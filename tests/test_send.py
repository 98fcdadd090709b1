"""``okrdesk send`` against bots and a mail server that the tests run on 127.0.0.1."""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from okrdesk.app.send import deliver_all
from okrdesk.cli import cli
from okrdesk.delivery import channels
from okrdesk.delivery.mail import email as an_email
from okrdesk.delivery.message import MAX_PARTS, Message, fit
from okrdesk.delivery.transport import DeliveryFailed
from okrdesk.targets.settings import Channel
from sample_workspace import WriteWorkspace, trusted


class FakeClock:
    """Time that passes only when someone sleeps: rate limits without waiting."""

    def __init__(self) -> None:
        self.now = 1_796_000_000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@attrs.define
class Bot:
    """A local HTTP server standing in for a vendor's webhook."""

    url: str
    received: list[dict[str, Any]] = attrs.field(factory=list)
    replies: list[tuple[int, dict[str, Any], dict[str, str]]] = attrs.field(factory=list)
    clock: FakeClock | None = None


@pytest.fixture
def bot() -> Iterator[Bot]:
    with running_bot() as state:
        yield state


@contextlib.contextmanager
def running_bot(tls: ssl.SSLContext | None = None) -> Iterator[Bot]:
    """A bot on 127.0.0.1, over https with ``tls`` (a server's context), else http."""
    state = Bot("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(size).decode("utf-8"))
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            at = state.clock.now if state.clock is not None else None
            state.received.append({"body": body, "query": query, "path": self.path, "at": at,
                                   "type": self.headers["Content-Type"]})  # fmt: skip
            status, reply, headers = (
                state.replies.pop(0) if state.replies else (200, {"errcode": 0, "code": 0}, {})
            )
            data = json.dumps(reply).encode()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "http" if tls is None else "https"
    state.url = f"{scheme}://127.0.0.1:{server.server_address[1]}/hook?key=k1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # Requests go straight to 127.0.0.1, never through a proxy of the machine.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")


MESSAGE = Message(
    title="福田 · 2026-11-20 周报",
    lines=(
        "## 深圳福田营业部",
        "",
        "综合得分 **91.0%**",
        "- **提醒** 费用率 37%",
        "",
        "完整报告（HTML）：/tmp/r.html",
    ),
    where="完整报告（HTML）：/tmp/r.html",
    cut_note="……未发送；请看完整报告",
)


def channel(kind: str, secret: bool = False) -> Channel:
    return Channel(kind, f"my-{kind}", url_env="HOOK", secret_env="SECRET" if secret else None)


def env(bot: Bot, secret: str | None = None) -> dict[str, str]:
    return {"HOOK": bot.url, **({"SECRET": secret} if secret else {})}


def test_wecom_gets_markdown_without_tables(bot: Bot) -> None:
    assert channels.deliver(channel("wecom"), MESSAGE, env(bot), FakeClock()) == 1
    [got] = bot.received
    assert got["body"] == {"msgtype": "markdown",
                           "markdown": {"content": "\n".join(MESSAGE.lines)}}  # fmt: skip
    assert got["query"] == {"key": "k1"} and got["type"].startswith("application/json")
    assert "|" not in got["body"]["markdown"]["content"]


def test_dingtalk_signs_the_request_in_its_query(bot: Bot) -> None:
    clock = FakeClock()
    channels.deliver(channel("dingtalk", secret=True), MESSAGE, env(bot, "SECabc"), clock)
    [got] = bot.received
    assert got["body"]["msgtype"] == "markdown"
    assert got["body"]["markdown"] == {"title": MESSAGE.title, "text": "\n".join(MESSAGE.lines)}
    timestamp = got["query"]["timestamp"]
    assert timestamp == str(int(clock.now * 1000))
    expected = hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    # parse_qsl has undone the URL encoding: what is left is the base64 HMAC.
    assert got["query"]["sign"] == base64.b64encode(expected).decode()
    assert got["query"]["key"] == "k1"


def test_feishu_posts_a_signed_post_message(bot: Bot) -> None:
    clock = FakeClock()
    channels.deliver(channel("feishu", secret=True), MESSAGE, env(bot, "fs-secret"), clock)
    [got] = bot.received
    body = got["body"]
    assert body["timestamp"] == str(int(clock.now))
    key = f"{body['timestamp']}\nfs-secret".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    post = body["content"]["post"]["zh_cn"]
    assert body["msg_type"] == "post" and post["title"] == MESSAGE.title
    texts = [paragraph[0]["text"] for paragraph in post["content"]]
    assert "综合得分 91.0%" in texts and "- 提醒 费用率 37%" in texts  # markup removed


def test_feishu_without_a_secret_sends_no_signature(bot: Bot) -> None:
    channels.deliver(channel("feishu"), MESSAGE, env(bot), FakeClock())
    assert "sign" not in bot.received[0]["body"]


def test_feishu_says_the_title_once_with_the_part_s_number_in_it(bot: Bot) -> None:
    """A Feishu post shows its title above its text, and the text began with the title
    again (深圳福田营业部 under 深圳福田营业部 · 2026-11-20 周报); a part's number was
    in that first line, or on a line of its own, under the title every part has."""
    titled = attrs.evolve(_long(150), title="深圳福田营业部 · 2026-11-20 周报")
    sent = channels.deliver(channel("feishu"), titled, env(bot), FakeClock())
    assert sent > 1
    for n, got in enumerate(bot.received, 1):
        body = got["body"]
        post = body["content"]["post"]["zh_cn"]
        texts = [paragraph[0]["text"] for paragraph in post["content"]]
        assert post["title"] == f"深圳福田营业部 · 2026-11-20 周报 ({n}/{sent})"
        assert texts[0].startswith("- 第 "), texts[:2]
        assert len(json.dumps(body, ensure_ascii=False).encode()) <= 20 * 1024
    bot.received.clear()
    whole = attrs.evolve(MESSAGE, title="深圳福田营业部 · 2026-11-20 周报")
    channels.deliver(channel("feishu"), whole, env(bot), FakeClock())
    post = bot.received[0]["body"]["content"]["post"]["zh_cn"]
    assert post["title"] == "深圳福田营业部 · 2026-11-20 周报"
    assert post["content"][0][0]["text"] == "综合得分 91.0%"


def _long(lines: int) -> Message:
    text = "很长的提醒" * 40
    items = (f"- 第 {n} 行 {text}" for n in range(lines))
    return attrs.evolve(MESSAGE, lines=("## 深圳福田营业部", "", *items))


@pytest.mark.parametrize(("kind", "limit"), [("wecom", 4096), ("feishu", 20 * 1024),
                                              ("dingtalk", 20000)])  # fmt: skip
def test_a_long_message_is_split_within_the_size_limit(bot: Bot, kind: str, limit: int) -> None:
    sent = channels.deliver(channel(kind), _long(150), env(bot), FakeClock())
    assert sent == len(bot.received) > 1
    for n, got in enumerate(bot.received, 1):
        body = got["body"]
        if kind == "feishu":
            size = len(json.dumps(body, ensure_ascii=False).encode())
            lines = [
                paragraph[0]["text"] for paragraph in body["content"]["post"]["zh_cn"]["content"]
            ]
        else:
            text = body["markdown"]["content" if kind == "wecom" else "text"]
            size, lines = len(text.encode()), text.split("\n")
        assert size <= limit
        # The number never goes in front of a heading or a list item: they begin their line.
        if kind == "feishu":  # a post's title, above its text, says which part it is
            title = body["content"]["post"]["zh_cn"]["title"]
            assert title == f"{MESSAGE.title} ({n}/{sent})"
            assert lines[0] == "深圳福田营业部" if n == 1 else lines[0].startswith("- 第 ")
        elif n == 1:
            assert lines[0] == f"## 深圳福田营业部 (1/{sent})"
        else:
            assert lines[:2] == [f"({n}/{sent})", ""] and lines[2].startswith("- 第 ")
        assert not any(re.match(r"\(\d+/\d+\) ", line) for line in lines)


def test_a_part_does_not_end_on_a_heading_whose_items_are_in_the_next(bot: Bot) -> None:
    """The demo's summary split for WeCom ended its first part with **需要关注** and began
    the next with its items: the first part read as nothing needing attention."""
    filler = [f"- O{n} {'很长的目标标题' * 14} · 综合得分 90.0%" for n in range(11)]
    items = [f"- **提醒** A{n} {'落后的关键结果' * 50}" for n in range(3)]
    message = attrs.evolve(
        MESSAGE, lines=("## 深圳福田营业部", "", *filler, "", "**需要关注**", *items)
    )
    assert channels.deliver(channel("wecom"), message, env(bot), FakeClock()) > 1
    contents = [got["body"]["markdown"]["content"] for got in bot.received]
    assert all(len(content.encode()) <= 4096 for content in contents)
    assert contents[0].endswith("· 综合得分 90.0%")
    lines = contents[1].split("\n")
    assert lines[:3] == [f"(2/{len(contents)})", "", "**需要关注**"]
    assert lines[3].startswith("- **提醒** A0 ")


def test_beyond_the_most_parts_the_rest_is_cut_with_a_note(bot: Bot) -> None:
    channels.deliver(channel("wecom"), _long(2000), env(bot), FakeClock())
    assert len(bot.received) == MAX_PARTS
    contents = [got["body"]["markdown"]["content"] for got in bot.received]
    assert contents[-1].startswith(f"({MAX_PARTS}/{MAX_PARTS})\n")
    assert contents[-1].endswith(MESSAGE.cut_note)
    assert all(len(content.encode()) <= 4096 for content in contents)


@pytest.mark.parametrize(("kind", "limit"), [("wecom", 4096), ("feishu", 20 * 1024)])
def test_a_line_too_long_loses_its_title_not_its_score(bot: Bot, kind: str, limit: int) -> None:
    line = f"- O1 {'很长的目标标题' * 1500} · 综合得分 96.8%"
    message = attrs.evolve(
        MESSAGE, lines=("## 深圳福田营业部", "", line, "- O2 短目标 · 综合得分 80.0%")
    )
    channels.deliver(channel(kind), message, env(bot), FakeClock())
    texts = []
    for got in bot.received:  # the long line fills a part of its own
        body = got["body"]
        if kind == "feishu":
            post = body["content"]["post"]["zh_cn"]["content"]
            texts += [paragraph[0]["text"] for paragraph in post]
            assert len(json.dumps(body, ensure_ascii=False).encode()) <= limit
        else:
            texts += body["markdown"]["content"].split("\n")
            assert len(body["markdown"]["content"].encode()) <= limit
    [cut] = [text for text in texts if text.startswith("- O1 ")]
    assert cut.startswith("- O1 很长的目标标题很长") and cut.endswith("… · 综合得分 96.8%")


def test_a_line_too_long_without_a_figure_is_cut_at_its_end(bot: Bot) -> None:
    message = attrs.evolve(MESSAGE, lines=("- " + "很长的提醒，" * 2000,))
    channels.deliver(channel("wecom"), message, env(bot), FakeClock())
    content = bot.received[0]["body"]["markdown"]["content"]
    assert content.startswith("- 很长的提醒") and content.endswith("…")
    assert len(content.encode()) <= 4096


def test_a_cut_anywhere_leaves_the_markdown_as_it_was() -> None:
    # The alert as summary_lines writes it: a bold level, then escaped user text.
    line = r"- **严重** 客户\*资产 \[AUM\] 低于 **基线** 12.5亿"
    bold = re.compile(r"(?<!\\)\*\*")
    for room in range(8, len(line) + 1):
        [cut] = fit((line,), lambda text, room=room: len(text) <= room + 9, "…")
        if cut != line:
            assert "…" in cut and len(bold.findall(cut)) % 2 == 0, cut
            assert not re.search(r"(?<!\\)(?:\\\\)*\\…", cut), cut
            assert not re.search(r"(?<![*\\])\*…", cut), cut


def test_wecom_sends_at_most_20_messages_a_minute(bot: Bot) -> None:
    clock = FakeClock()
    bot.clock = clock
    message = attrs.evolve(MESSAGE, lines=tuple("x" * 4000 for _ in range(25)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("okrdesk.delivery.message.MAX_PARTS", 30)
        assert channels.deliver(channel("wecom"), message, env(bot), clock) == 25
    times = [got["at"] for got in bot.received]
    assert times[19] - times[0] < 60 <= times[20] - times[0]
    assert all(times[i + 20] - times[i] >= 60 for i in range(len(times) - 20))


def test_feishu_sends_at_most_5_messages_a_second(bot: Bot) -> None:
    clock = FakeClock()
    bot.clock = clock
    message = attrs.evolve(MESSAGE, lines=tuple("x" * 19000 for _ in range(8)))
    channels.deliver(channel("feishu"), message, env(bot), clock)
    times = [got["at"] for got in bot.received]
    assert len(times) == 8
    assert all(times[i + 5] - times[i] >= 1 for i in range(len(times) - 5))


def test_429_and_503_are_retried_with_back_off(bot: Bot) -> None:
    clock = FakeClock()
    bot.replies = [(429, {}, {"Retry-After": "7"}), (503, {}, {}), (503, {}, {})]
    assert channels.deliver(channel("wecom"), MESSAGE, env(bot), clock) == 1
    assert len(bot.received) == 4
    assert clock.slept == [7, 2, 4]


@pytest.mark.parametrize(
    ("status", "en", "zh"),
    [(500, "the server failed while handling the message", "服务器处理消息时出错"),
     (502, "a gateway between here and the bot had no good answer from the bot",
      "本机与机器人之间的网关没有从机器人那里得到正常应答"),
     (501, "an error on the server's side", "服务器一方出错")],
)  # fmt: skip
def test_a_server_error_after_the_message_went_is_not_sent_again(
    bot: Bot, status: int, en: str, zh: str
) -> None:
    """A proxy's 502 when the bot's answer went wrong on its way back, or a bot's 500 after
    it posted: the group may have the message, and it was sent again, up to 4 times."""
    clock = FakeClock()
    bot.replies = [(status, {"error": "x"}, {})] * 4
    [outcome] = deliver_all((channel("wecom"),), MESSAGE, env(bot), clock)
    assert len(bot.received) == 1 and clock.slept == []
    assert outcome.text("en") == (
        f'error: my-wecom (wecom): HTTP {status}, {en}: {{"error": "x"}}; the message may '
        "have arrived all the same"
    )
    assert outcome.text("zh") == (
        f'发送失败：my-wecom（wecom）：HTTP {status}，{zh}：{{"error": "x"}}；消息可能仍已送达'
    )


def test_a_proxy_s_502_page_is_named_by_its_title(raw: RawServer) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><hr>nginx</body></html>"
    raw.answer = lambda connection: connection.sendall(
        b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: "
        + str(len(page)).encode() + b"\r\n\r\n" + page
    )  # fmt: skip
    [outcome] = deliver_all((channel("wecom"),), MESSAGE, {"HOOK": raw.url}, FakeClock())
    assert outcome.text("en").endswith(
        'from the bot: a web page titled "502 Bad Gateway"; the message may have arrived all '
        "the same"
    )
    assert outcome.text("zh").endswith("：网页，标题为“502 Bad Gateway”；消息可能仍已送达")


def test_a_proxy_s_4xx_page_is_named_by_its_title(raw: RawServer) -> None:
    """A firm's proxy refusing the address answers with its own HTML page: quoted raw, a
    manager read two hundred characters of markup cut anywhere."""
    page = (b"<!DOCTYPE html>\n<html><head><meta charset=utf-8>\n<title>Access Denied\n - "
            b"Web Filter</title><style>body{font:13px sans-serif}</style></head><body>"
            + b"<p>blocked</p>" * 40 + b"</body></html>")  # fmt: skip
    raw.answer = lambda connection: connection.sendall(
        b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: "
        + str(len(page)).encode() + b"\r\n\r\n" + page
    )  # fmt: skip
    [outcome] = deliver_all((channel("wecom"),), MESSAGE, {"HOOK": raw.url}, FakeClock())
    assert outcome.text("en") == (
        "error: my-wecom (wecom): HTTP 403, refused (a proxy or firewall in between may block "
        'the address): a web page titled "Access Denied - Web Filter"'
    )
    assert outcome.text("zh") == (
        "发送失败：my-wecom（wecom）：HTTP 403，被拒绝（可能是中间的代理或防火墙拦截了该地址）："
        "网页，标题为“Access Denied - Web Filter”"
    )
    assert not outcome.unsure and len(raw.requests) == 1


def test_a_gateway_timeout_is_not_sent_again(bot: Bot) -> None:
    """A 504 comes from a gateway that passed the request on and gave up waiting: the bot
    may post it yet, and it was sent again, up to 4 times, each one maybe posted."""
    clock = FakeClock()
    bot.replies = [(504, {}, {})] * 4
    [outcome] = deliver_all((channel("wecom"),), MESSAGE, env(bot), clock)
    assert len(bot.received) == 1 and clock.slept == []
    assert outcome.text("en") == (
        "error: my-wecom (wecom): HTTP 504: a gateway between here and the bot gave up "
        "waiting for the bot's answer; the message may have arrived all the same"
    )
    assert outcome.text("zh") == (
        "发送失败：my-wecom（wecom）：HTTP 504：本机与机器人之间的网关没等到机器人的应答；"
        "消息可能仍已送达"
    )


def test_a_server_that_keeps_failing_is_given_up_on(bot: Bot) -> None:
    clock = FakeClock()
    bot.replies = [(503, {}, {})] * 10
    with pytest.raises(DeliveryFailed, match="HTTP 503, still after 4 attempts"):
        channels.deliver(channel("dingtalk"), MESSAGE, env(bot), clock)
    assert len(bot.received) == 4 and clock.slept == [1, 2, 4]


@pytest.mark.parametrize(
    ("kind", "reply", "shown"),
    [("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}, "errcode 93000"),
     ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}, "sign not match"),
     ("feishu", {"code": 19021, "msg": "sign match fail"}, "code 19021")],
)  # fmt: skip
def test_a_200_with_an_error_code_is_a_failure(
    bot: Bot, kind: str, reply: dict[str, Any], shown: str
) -> None:
    bot.replies = [(200, reply, {})]
    with pytest.raises(DeliveryFailed, match=shown):
        channels.deliver(channel(kind), MESSAGE, env(bot), FakeClock())
    assert len(bot.received) == 1  # not retried


def test_a_refused_signature_names_the_variable_to_check(bot: Bot) -> None:
    """A wrong secret was told in the bot's English alone (sign match fail …), which says
    neither which setting holds it nor that a channel without one needs one."""
    bot.replies = [
        (200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour "
               "from current time"}, {}),
        (200, {"errcode": 310000, "errmsg": "sign not match, more: [https://x]"}, {}),
        (200, {"errcode": 310000, "errmsg": "keywords not in content"}, {}),
    ]  # fmt: skip
    told = list(deliver_all((channel("feishu", secret=True), channel("dingtalk")), MESSAGE,
                            env(bot, "wrong"), FakeClock()))  # fmt: skip
    feishu, dingtalk = told
    assert feishu.text("en") == (
        "error: my-feishu (feishu): the bot's security settings refused the message's "
        "signature, or its timestamp as more than an hour from the bot's time (code 19021: "
        "sign match fail or timestamp is not within one hour from current time); check that "
        "$SECRET holds the secret the bot's security settings give, and that this machine's "
        "clock is right"
    )
    assert feishu.text("zh") == (
        "发送失败：my-feishu（feishu）：机器人的安全设置拒绝了消息的签名，或因消息的时间戳与机器人"
        "的时间相差超过 1 小时而拒收（code 19021: sign match fail or timestamp is not within one "
        "hour from current time）；请核对 $SECRET 是否为机器人安全设置中给出的签名密钥，"
        "以及本机时钟是否准确"
    )
    assert dingtalk.text("en") == (
        "error: my-dingtalk (dingtalk): the robot's security settings refused the message's "
        "signature (errcode 310000: sign not match, more: [https://x]); the bot checks a "
        "signature: give the channel secret_env, the variable holding the bot's secret"
    )
    assert dingtalk.text("zh") == (
        "发送失败：my-dingtalk（dingtalk）：机器人的安全设置拒绝了消息的签名（errcode 310000: "
        "sign not match, more: [https://x]）；该机器人校验签名：请为渠道设置 secret_env，"
        "即存放机器人签名密钥的环境变量"
    )
    # The same code for a keyword the robot asks for is no matter of the secret.
    [keyword] = deliver_all((channel("dingtalk"),), MESSAGE, env(bot), FakeClock())
    assert "secret" not in keyword.text("en")


@pytest.mark.parametrize(
    ("errmsg", "en", "zh"),
    [("keywords not in content",
      "it holds none of the robot's custom keywords (errcode 310000: keywords not in "
      "content); add one that every message holds, such as the unit's name, which every "
      "report's and reminder's heading holds, under the robot's Security Settings → Custom "
      "Keywords",
      "消息中没有机器人的任何自定义关键词（errcode 310000: keywords not in content）；请在机器人"
      "的“安全设置 → 自定义关键词”中添加每条消息都有的词，如每份报告和提醒的标题中都有的单位"
      "名称"),
     ("ip 203.0.113.7 not in whitelist",
      "this machine's address is not in the robot's IP list (errcode 310000: ip 203.0.113.7 "
      "not in whitelist); add the address this machine reaches the internet from under the "
      "robot's Security Settings → IP Addresses (Segment)",
      "本机的地址不在机器人的 IP 地址列表中（errcode 310000: ip 203.0.113.7 not in whitelist）；"
      "请在机器人的“安全设置 → IP 地址（段）”中添加本机访问外网所用的地址")],
)  # fmt: skip
def test_a_dingtalk_robot_s_security_settings_refusal_says_what_to_set(
    bot: Bot, errmsg: str, en: str, zh: str
) -> None:
    """errcode 310000 was told in the robot's English alone ("keywords not in content"),
    which says neither that a setting of the robot refused it nor which to change."""
    bot.replies = [(200, {"errcode": 310000, "errmsg": errmsg}, {})]
    [outcome] = deliver_all((channel("dingtalk"),), MESSAGE, env(bot), FakeClock())
    assert outcome.text("en") == (
        f"error: my-dingtalk (dingtalk): the robot's security settings refused the message: {en}"
    )
    assert (
        outcome.text("zh") == f"发送失败：my-dingtalk（dingtalk）：机器人的安全设置拒收了消息：{zh}"
    )
    assert len(bot.received) == 1 and not outcome.unsure
    bot.replies = [(200, {"errcode": 310000, "errmsg": "refused"}, {})]
    [other] = deliver_all((channel("dingtalk"),), MESSAGE, env(bot), FakeClock())
    assert other.text("zh") == (
        "发送失败：my-dingtalk（dingtalk）：机器人的安全设置拒收了消息（errcode 310000: refused）："
        "消息中没有机器人的自定义关键词、本机地址不在其 IP 地址列表中，或签名不对；请核对机器人的"
        "“安全设置”"
    )


@pytest.mark.parametrize(
    ("reply", "en", "zh"),
    [({"code": 19024, "msg": "Key Words Not Found", "data": {}},
      "it holds none of the bot's custom keywords (code 19024: Key Words Not Found); add one "
      "that every message holds, such as the unit's name, which every report's and "
      "reminder's title holds, under the bot's Security Settings → Custom Keywords",
      "消息中没有机器人的任何自定义关键词（code 19024: Key Words Not Found）；请在机器人的“安全"
      "设置 → 自定义关键词”中添加每条消息都有的词，如每份报告和提醒的标题中都有的单位名称"),
     ({"StatusCode": 19022, "StatusMessage": "Ip Not Allowed"},
      "this machine's address is not in the bot's IP whitelist (StatusCode 19022: Ip Not "
      "Allowed); add the address this machine reaches the internet from under the bot's "
      "Security Settings → IP Whitelist",
      "本机的地址不在机器人的 IP 白名单中（StatusCode 19022: Ip Not Allowed）；请在机器人的"
      "“安全设置 → IP 白名单”中添加本机访问外网所用的地址")],
)  # fmt: skip
def test_a_feishu_bot_s_security_settings_refusal_says_what_to_set(
    bot: Bot, reply: dict[str, Any], en: str, zh: str
) -> None:
    """Codes 19024 and 19022 were told in the bot's English alone ("Key Words Not
    Found"), which says neither that a setting of the bot refused it nor which to change;
    neither is a matter of the secret."""
    bot.replies = [(200, reply, {})]
    [outcome] = deliver_all((channel("feishu", secret=True),), MESSAGE, env(bot, "s"),
                            FakeClock())  # fmt: skip
    assert outcome.text("en") == (
        f"error: my-feishu (feishu): the bot's security settings refused the message: {en}"
    )
    assert outcome.text("zh") == f"发送失败：my-feishu（feishu）：机器人的安全设置拒收了消息：{zh}"
    assert len(bot.received) == 1 and not outcome.unsure


def test_a_vendor_s_too_fast_code_stops_the_channel_saying_when_to_send_again(
    bot: Bot,
) -> None:
    """DingTalk holds a robot back for 10 minutes and WeCom counts by the minute: waiting
    1, 2 and 4 s was futile, each attempt counted against the robot, and the parts after
    were lost without a word of when to send again."""
    ok = (200, {"errcode": 0}, {})
    bot.replies = [ok, ok, (200, {"errcode": 130101, "errmsg": "send too fast"}, {})]
    clock = FakeClock()
    [outcome] = deliver_all((channel("dingtalk"),), _long(150), env(bot), clock)
    parts = outcome.parts
    assert len(bot.received) == 3 and parts > 3 and clock.slept == []
    assert outcome.text("en") == (
        "error: my-dingtalk (dingtalk): the bot answered with an error: errcode 130101: send "
        f"too fast; 2 of {parts} parts were sent before it failed; parts 3 to {parts} were "
        "not sent; the DingTalk robot takes no more for 10 minutes: send again after that "
        f"with --channel my-dingtalk (all {parts} parts go again)"
    )
    assert outcome.text("zh") == (
        "发送失败：my-dingtalk（dingtalk）：机器人返回错误：errcode 130101: send too fast；"
        f"共 {parts} 条，失败前已发出 2 条；第 3 至 {parts} 条未发出；钉钉机器人在 10 分钟内"
        f"不再接收消息：请过 10 分钟后加 --channel my-dingtalk 重新发送（{parts} 条全部重发）"
    )
    bot.received.clear()
    bot.replies = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"}, {})]
    [outcome] = deliver_all((channel("wecom"),), MESSAGE, env(bot), clock)
    assert len(bot.received) == 1 and clock.slept == []
    assert outcome.text("en").endswith(
        "errcode 45009: api freq out of limit; the WeCom robot takes no more for a minute: "
        "send again after that with --channel my-wecom"
    )
    assert outcome.text("zh").endswith(
        "；企业微信群机器人在 1 分钟内不再接收消息：请过 1 分钟后加 --channel my-wecom 重新发送"
    )


def test_a_retry_after_longer_than_a_send_waits_stops_the_channel_saying_when_to_send_again(
    bot: Bot,
) -> None:
    """A 429 asking for two minutes was waited 30 s and tried again, four times in all,
    each refused, and the parts after were lost without a word of when to send again."""
    from datetime import UTC, datetime
    from email.utils import format_datetime

    ok = (200, {"errcode": 0}, {})
    bot.replies = [ok, ok, (429, {}, {"Retry-After": "120"})]
    clock = FakeClock()
    [outcome] = deliver_all((channel("wecom"),), _long(150), env(bot), clock)
    parts = outcome.parts
    assert len(bot.received) == 3 and parts > 3 and clock.slept == []
    assert not outcome.unsure
    assert outcome.text("en") == (
        "error: my-wecom (wecom): HTTP 429, too many requests (Retry-After: 120); 2 of "
        f"{parts} parts were sent before it failed; parts 3 to {parts} were not sent; the "
        "webhook takes no more for 2 minutes: send again after that with --channel my-wecom "
        f"(all {parts} parts go again)"
    )
    assert outcome.text("zh") == (
        "发送失败：my-wecom（wecom）：HTTP 429，请求过多（Retry-After: 120）；共 "
        f"{parts} 条，失败前已发出 2 条；第 3 至 {parts} 条未发出；webhook 在 2 分钟内不再接收"
        f"消息：请过 2 分钟后加 --channel my-wecom 重新发送（{parts} 条全部重发）"
    )
    # As a date: an hour away stops it too; seven seconds away is waited for.
    in_an_hour = format_datetime(datetime.fromtimestamp(clock.now + 3600, UTC), usegmt=True)
    bot.received.clear()
    bot.replies = [(503, {}, {"Retry-After": in_an_hour})]
    [outcome] = deliver_all((channel("dingtalk"),), MESSAGE, env(bot), clock)
    assert outcome.text("en") == (
        "error: my-dingtalk (dingtalk): HTTP 503, the service is unavailable for now "
        f"(Retry-After: {in_an_hour}); the webhook takes no more for 60 minutes: send again "
        "after that with --channel my-dingtalk"
    )
    assert len(bot.received) == 1 and clock.slept == []
    soon = format_datetime(datetime.fromtimestamp(clock.now + 7, UTC), usegmt=True)
    bot.replies = [(429, {}, {"Retry-After": soon})]
    assert channels.deliver(channel("feishu"), MESSAGE, env(bot), clock) == 1
    assert clock.slept == [7]


@pytest.mark.parametrize(
    ("status", "en", "zh"),
    [(403, "refused (a proxy or firewall in between may block the address)",
      "被拒绝（可能是中间的代理或防火墙拦截了该地址）"),
     (407, "the proxy in between asks for a login ($HTTPS_PROXY)",
      "中间的代理要求登录（$HTTPS_PROXY）"),
     (413, "the message is too large for a server in between",
      "消息超出了中间服务器允许的大小")],
)  # fmt: skip
def test_a_refusal_says_what_its_number_means(bot: Bot, status: int, en: str, zh: str) -> None:
    # The bots answer 200 with their own codes: these come from what is in between, and
    # a manager reading "HTTP 413" alone does not know the message was too large.
    bot.replies = [(status, {"error": "x"}, {})]
    [outcome] = deliver_all((channel("wecom"),), MESSAGE, env(bot), FakeClock())
    assert outcome.text("en") == f'error: my-wecom (wecom): HTTP {status}, {en}: {{"error": "x"}}'
    assert (
        outcome.text("zh") == f'发送失败：my-wecom（wecom）：HTTP {status}，{zh}：{{"error": "x"}}'
    )
    assert len(bot.received) == 1


def test_a_failure_part_way_says_how_many_parts_were_sent(bot: Bot) -> None:
    ok = (200, {"errcode": 0}, {})
    bot.replies = [ok, ok, (400, {"errmsg": "bad"}, {})]
    [outcome] = deliver_all((channel("wecom"),), _long(150), env(bot), FakeClock())
    parts = outcome.parts
    assert len(bot.received) == 3 and parts > 3
    assert outcome.text("en") == (
        'error: my-wecom (wecom): HTTP 400: {"errmsg": "bad"}; '
        f"2 of {parts} parts were sent before it failed"
    )
    assert outcome.text("zh") == (
        '发送失败：my-wecom（wecom）：HTTP 400：{"errmsg": "bad"}'
        f"；共 {parts} 条，失败前已发出 2 条"
    )


def test_a_failure_of_the_first_part_counts_no_parts(bot: Bot) -> None:
    bot.replies = [(400, {"errmsg": "bad"}, {})]
    [outcome] = deliver_all((channel("wecom"),), _long(150), env(bot), FakeClock())
    assert outcome.text("en") == 'error: my-wecom (wecom): HTTP 400: {"errmsg": "bad"}'


def test_a_missing_variable_is_named() -> None:
    with pytest.raises(DeliveryFailed, match=r"HOOK \(webhook URL\) is not set"):
        channels.deliver(channel("wecom"), MESSAGE, {}, FakeClock())
    # Set to blanks (an empty line in a secrets file) is another slip than unset.
    with pytest.raises(DeliveryFailed, match=r"HOOK \(webhook URL\) is empty"):
        channels.deliver(channel("wecom"), MESSAGE, {"HOOK": "  "}, FakeClock())


def test_a_webhook_url_set_with_its_quotes_is_told_so() -> None:
    """Copied from a secrets file as HOOK="https://…", the quotes came with it: told only
    that the URL must start with https://, which it seemed to."""
    quoted = {"HOOK": '"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"'}
    with pytest.raises(DeliveryFailed) as told:
        channels.deliver(channel("wecom"), MESSAGE, quoted, FakeClock())
    assert told.value.said.en == (
        "the webhook URL must start with https:// (or http://); it starts with a quote: set it "
        "without the quotes"
    )
    assert told.value.said.zh.endswith("；它以引号开头：设置时请去掉引号")


# ------------------------------------------------- answers that go wrong


@attrs.define
class RawServer:
    """A local TCP server that reads a request and answers with whatever ``answer``
    writes: a broken, slow or strange HTTP reply."""

    url: str
    answer: Callable[[socket.socket], None]
    requests: list[bytes] = attrs.field(factory=list)
    stop: threading.Event = attrs.field(factory=threading.Event)


@pytest.fixture
def raw() -> Iterator[RawServer]:
    state = RawServer("", lambda connection: None)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            state.requests.append(_read_request(self.request))
            with contextlib.suppress(OSError):
                state.answer(self.request)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook?key=k1"
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()


def _read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536) or b"\r\n\r\n"
    head, _, body = data.partition(b"\r\n\r\n")
    size = re.search(rb"(?i)content-length: *(\d+)", head)
    while size and len(body) < int(size.group(1)):
        body += connection.recv(65536)
    return head + b"\r\n\r\n" + body


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> float:
    """A request's time limit short enough for a test."""
    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", "0.5")
    return 0.5


SLACK = 8.0
"""Seconds a delivery cut at its 0.5 s limit may take on a busy machine: far less than
the trickles below would take to end (10 s and more), which a limit per read allows."""


def _failure(kind: str, server: RawServer) -> tuple[str, float]:
    """What delivering to the server gives, and how long it took."""
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(channel(kind), MESSAGE, {"HOOK": server.url}, FakeClock())
    return failed.value.message, time.monotonic() - started


def test_an_answer_that_breaks_off_is_a_failure_of_the_channel(raw: RawServer) -> None:
    raw.answer = lambda connection: connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b'{"errcode": 0'
    )
    said, _ = _failure("wecom", raw)
    assert said == ("the webhook's answer broke off after 13 of 1000 bytes; the message may "
                    "have arrived all the same")  # fmt: skip
    assert len(raw.requests) == 1  # not sent again: it may have arrived


def test_an_answer_that_is_not_http_is_a_failure_of_the_channel(raw: RawServer) -> None:
    raw.answer = lambda connection: connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    said, _ = _failure("dingtalk", raw)
    assert said.startswith("the webhook did not answer in HTTP: 'SSH-2.0-OpenSSH_9.6")


def test_a_connection_closed_without_an_answer_is_a_failure(raw: RawServer) -> None:
    said, _ = _failure("feishu", raw)
    assert said.startswith("the webhook closed the connection without answering;")


@pytest.mark.parametrize(
    ("head", "byte", "channel_kind"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", b" ", "wecom"),
        (b"HTTP/1.1 200 OK\r\n", b"X", "dingtalk"),
    ],
    ids=["the-answer", "its-headers"],
)
def test_an_answer_trickled_a_byte_at_a_time_is_cut_at_the_time_limit(
    raw: RawServer, quick: float, head: bytes, byte: bytes, channel_kind: str
) -> None:
    def trickle(connection: socket.socket) -> None:
        connection.sendall(head)
        while not raw.stop.wait(0.05):
            connection.sendall(byte)

    raw.answer = trickle
    said, took = _failure(channel_kind, raw)
    assert said == "no answer within 0.5 s; the message may have arrived all the same"
    assert quick <= took < SLACK  # cut at the limit, not when the answer would end (25 s)


def test_a_server_that_never_answers_had_the_request_and_says_so(
    raw: RawServer, quick: float
) -> None:
    raw.answer = lambda connection: raw.stop.wait(5) and None
    said, took = _failure("feishu", raw)
    assert said == "no answer within 0.5 s; the message may have arrived all the same"
    assert "cannot reach" not in said and took < SLACK


def test_a_webhook_or_mail_server_nobody_listens_on_is_told_in_the_message_s_language() -> None:
    """'无法连接 webhook：[Errno 111] Connection refused': the system's English alone in a
    Chinese message; what it means now comes first, its words after in brackets."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    nobody = attrs.evolve(mailbox(port, user=None), name="mail")
    webhook, mail = deliver_all((channel("wecom"), nobody), MESSAGE, {"HOOK": url}, FakeClock())
    refused = re.escape(os.strerror(errno.ECONNREFUSED))
    assert re.fullmatch(
        rf"error: my-wecom \(wecom\): cannot reach the webhook: the connection was refused "
        rf"\(\[Errno \d+\] {refused}\)", webhook.text("en"),
    ), webhook.text("en")  # fmt: skip
    assert re.fullmatch(
        rf"发送失败：my-wecom（wecom）：无法连接 webhook：连接被拒绝（\[Errno \d+\] {refused}）",
        webhook.text("zh"),
    ), webhook.text("zh")
    assert re.fullmatch(
        rf"发送失败：mail（email）：无法连接邮件服务器 127.0.0.1:{port}：连接被拒绝"
        rf"（\[Errno \d+\] {refused}）", mail.text("zh"),
    ), mail.text("zh")  # fmt: skip
    assert mail.text("en").endswith(
        f"127.0.0.1:{port}: the connection was refused ([Errno "
        f"{errno.ECONNREFUSED}] {os.strerror(errno.ECONNREFUSED)})"
    )


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_never_followed(raw: RawServer, status: int) -> None:
    raw.answer = lambda connection: connection.sendall(
        f"HTTP/1.1 {status} Moved\r\nLocation: /elsewhere?key=k1\r\n"
        "Content-Length: 0\r\n\r\n".encode()
    )
    said, _ = _failure("wecom", raw)
    port = raw.url.split(":")[2].split("/")[0]
    assert said == (f"the webhook answered with a redirect (HTTP {status}) to "
                    f"http://127.0.0.1:{port}/…; give the final URL")  # fmt: skip
    assert [r.split(b" ", 1)[0] for r in raw.requests] == [b"POST"]  # no second request


def test_a_redirect_to_a_strange_location_is_still_a_plain_failure(raw: RawServer) -> None:
    raw.answer = lambda connection: connection.sendall(
        b"HTTP/1.1 302 Found\r\nLocation: http://[::1/x\r\nContent-Length: 0\r\n\r\n"
    )
    said, _ = _failure("wecom", raw)
    assert said == "the webhook answered with a redirect (HTTP 302); give the final URL"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/hook?key=SEC RET", "http://127.0.0.1:9/hook?key=SEC\nRET",
     f"http://{'a' * 70}.example/hook?key=SECRET", "http://[::1/hook?key=SECRET"],
)  # fmt: skip
def test_a_webhook_url_that_cannot_be_used_is_named_without_its_key(url: str) -> None:
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(channel("wecom"), MESSAGE, {"HOOK": url}, FakeClock())
    assert failed.value.message.startswith("the webhook URL cannot be used: look for a space")
    assert "SEC" not in failed.value.message


def _answering(body: bytes, kind: str = "application/json") -> Callable[[socket.socket], None]:
    return lambda connection: connection.sendall(
        f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
        .encode() + body
    )  # fmt: skip


UNCONFIRMED = (
    "check that the webhook URL is the one the group's robot settings give; the message may "
    "have arrived all the same"
)


@pytest.mark.parametrize(
    ("kind", "answer", "told"),
    [
        ("wecom", b'{"msg": "bot not found"}',
         'a WeCom robot\'s says so in its errcode, and this answer has none: '
         '{"msg": "bot not found"}'),
        ("feishu", b'{"msg": "bot not found"}',
         'a Feishu bot\'s says so in its code, and this answer has none: {"msg": "bot not found"}'),
        ("dingtalk", b"", "a DingTalk robot's says so in its errcode, and this answer was empty"),
        ("wecom", b'{"errcode": null}',
         'a WeCom robot\'s says so in its errcode, and this answer\'s is not a number: '
         '{"errcode": null}'),
        ("feishu", b"<!DOCTYPE html>\n<html><head><title>Proxy\n login</title></head></html>",
         'a Feishu bot\'s says so in its code, and this answer is a web page titled "Proxy login"'),
        ("dingtalk", b"Service Unavailable\n",
         "a DingTalk robot's says so in its errcode, and this answer is: Service Unavailable"),
    ],
)  # fmt: skip
def test_a_200_without_the_bot_s_code_is_not_counted_as_sent(
    raw: RawServer, kind: str, answer: bytes, told: str
) -> None:
    """Not the bot's answer (a wrong address, a proxy's page): it was told as ``code
    None``; the request reached a server all the same, so it is not sent again."""
    raw.answer = _answering(answer)
    said, _ = _failure(kind, raw)
    assert said == (
        f"the webhook's answer does not say whether the message was posted: {told}; " + UNCONFIRMED
    )
    assert len(raw.requests) == 1


@pytest.mark.parametrize("kind", ["wecom", "feishu", "dingtalk"])
def test_a_bot_s_code_written_as_a_string_is_read_as_its_number(raw: RawServer, kind: str) -> None:
    # A relay in between that writes the code as a string: "0" was told as "errcode 0".
    raw.answer = _answering(b'{"errcode": "0", "errmsg": "ok", "code": "0", "msg": "success"}')
    assert channels.deliver(channel(kind), MESSAGE, {"HOOK": raw.url}, FakeClock()) == 1


def test_a_bot_s_error_without_words_is_its_code_alone(raw: RawServer) -> None:
    raw.answer = _answering(b'{"errcode": 300001}')
    said, _ = _failure("dingtalk", raw)
    assert said == "the bot answered with an error: errcode 300001"


def test_send_tells_an_answer_that_is_not_the_bot_s_in_both_languages(
    workspace: Path, raw: RawServer, bot: Bot
) -> None:
    raw.answer = _answering(b"", "text/plain")
    env = {"TEST_WECOM_URL": raw.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    args = ["send", "--as-of", "2026-03-15", "-w", str(workspace)]
    chinese = CliRunner().invoke(cli, [*args, "--lang", "zh"], env=env)
    assert chinese.exit_code == 1, chinese.output
    assert chinese.stderr == (
        "发送失败：branch-group（wecom）：webhook 的应答没有说明消息是否已发出：企业微信群机器人"
        "的应答以 errcode 说明，这个应答为空；请核对 webhook 地址是否为群机器人设置中给出的地址；"
        "消息可能仍已送达\n"
        "发送失败的渠道：branch-group（wecom）；只重发给这些渠道、不再发给已收到的渠道，加 "
        "--channel branch-group\n"
    )
    assert "None" not in chinese.output
    assert "已发送至 managers（dingtalk）：1 条消息" in chinese.stdout
    english = CliRunner().invoke(cli, [*args, "--lang", "en"], env=env)
    assert english.exit_code == 1, english.output
    assert english.stderr == (
        "error: branch-group (wecom): the webhook's answer does not say whether the message "
        "was posted: a WeCom robot's says so in its errcode, and this answer was empty; "
        f"{UNCONFIRMED}\n"
        "failed: branch-group (wecom); to send again to these alone, not to the channels "
        "that took it, add --channel branch-group\n"
    )


@pytest.mark.parametrize(
    ("kind", "path"),
    [("wecom", "/cgi-bin/webhook/send?key=693a91f6-7f2c-4bc4-97a0-0ec2ba6e5aaa"),
     ("feishu", "/open-apis/bot/v2/hook/2ea5c6f1-36d0-4b1a-9a0b-5e1f0c3d9a77"),
     ("dingtalk", "/robot/send?access_token=f00dbabe0123456789abcdef0123456789abcdef")],
)  # fmt: skip
def test_an_answer_that_echoes_the_webhook_s_path_has_its_key_masked(
    raw: RawServer, kind: str, path: str
) -> None:
    """A web framework's 404 quotes the path it was asked for, and the failure quoted it
    on the terminal and in cron's mail: the key of the group's robot with it."""

    def echo(connection: socket.socket) -> None:
        asked = raw.requests[-1].split(b" ")[1]
        body = b'{"status": 404, "error": "Not Found", "path": "' + asked + b'"}'
        connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n" % len(body)
                           + body)  # fmt: skip

    raw.answer = echo
    url = raw.url.split("/hook")[0] + path
    key = re.split(r"[=/]", path)[-1]
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(channel(kind, secret=kind == "dingtalk"), MESSAGE,
                         {"HOOK": url, "SECRET": "SEC0123"}, FakeClock())  # fmt: skip
    said = failed.value.said
    assert key not in said.en and key not in said.zh
    shown = path.replace(key, "***")
    assert said.en.startswith(
        "HTTP 404, nothing at this address: check the webhook URL: "
        f'{{"status": 404, "error": "Not Found", "path": "{shown}'
    )
    assert said.zh.startswith(
        f'HTTP 404，该地址不存在：请核对 webhook 地址：{{"status": 404, "error": "Not Found", '
        f'"path": "{shown}'
    )
    if kind == "dingtalk":  # the signature, a secret's work, is masked too
        assert re.search(r"&sign=\*\*\*\"", said.en), said.en


def test_a_broken_channel_leaves_the_others_to_be_tried(
    workspace: Path, bot: Bot, raw: RawServer
) -> None:
    raw.answer = lambda connection: connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 12
    )
    done = CliRunner().invoke(
        cli, ["send", "--as-of", "2026-03-15", "-w", str(workspace)],
        env={"TEST_WECOM_URL": raw.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert done.exit_code == 1, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "Traceback" not in done.output
    assert ("发送失败：branch-group（wecom）：webhook 的应答在 12 字节处中断（应有 1000 字节）；"
            "消息可能仍已送达") in done.stderr  # fmt: skip
    assert "已发送至 managers（dingtalk）：1 条消息" in done.stdout
    assert len(bot.received) == 1


# ------------------------------------------------------------------ email


@pytest.fixture
def smtp() -> Iterator[tuple[int, list[EmailMessage], list[tuple[str, str]]]]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    received: list[EmailMessage] = []
    logins: list[tuple[str, str]] = []

    class Handler:
        async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                              options: list[str]) -> str:  # fmt: skip
            if address.startswith("gone@"):  # a mailbox the server does not have
                return "550 5.1.1 User unknown"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:  # fmt: skip
        if isinstance(data, LoginPassword):
            logins.append((data.login.decode(), data.password.decode()))
            return AuthResult(success=data.password == b"pw-123", handled=False)
        return AuthResult(success=False, handled=False)

    with socket.socket() as probe:  # aiosmtpd's controller cannot take port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Handler(), hostname="127.0.0.1", port=port, authenticator=authenticator,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield port, received, logins
    finally:
        controller.stop()


def mailbox(port: int, user: str | None = "branch") -> Channel:
    return Channel(
        "email", "boss", host="127.0.0.1", port=port, security="none",
        sender="okrdesk@branch.example", to=("boss@branch.example", "cfo@branch.example"),
        user=user, password_env="SMTP_PASSWORD" if user else None,
    )  # fmt: skip


def test_email_carries_the_summary_and_the_report_attached(smtp: Any, tmp_path: Path) -> None:
    port, received, logins = smtp
    report = tmp_path / "report-szft-2026-11-20.html"
    report.write_text("<html><body>完整报告</body></html>", encoding="utf-8")
    message = attrs.evolve(MESSAGE, attachment=report, attached="完整报告见附件。")
    env = {"SMTP_PASSWORD": "pw-123"}
    assert channels.deliver(mailbox(port), message, env, FakeClock()) == 1
    assert logins == [("branch", "pw-123")]
    [mail] = received
    assert mail["Subject"] == MESSAGE.title
    assert mail["To"] == "boss@branch.example, cfo@branch.example"
    text, attachment = [part for part in mail.walk() if not part.is_multipart()]
    body = text.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")
    assert "综合得分 91.0%" in body and "完整报告见附件。" in body and "/tmp/r.html" not in body
    # A mail is read as text, where the summary's Markdown would show as it is written.
    assert body.startswith("深圳福田营业部\n") and "- 提醒 费用率 37%\n" in body
    assert "**" not in body and "#" not in body
    escaped = attrs.evolve(MESSAGE, lines=("## 福田\\*旗舰\\* \\[周报\\](x)",))
    shown = an_email(mailbox(port), escaped, attach=False).get_body(("plain",))
    assert shown is not None and shown.get_content() == "福田*旗舰* [周报](x)\n"
    assert attachment.get_filename() == report.name
    assert attachment.get_content_type() == "text/html"
    assert attachment.get_payload(decode=True) == report.read_bytes()


def test_a_refused_login_is_a_clear_failure(smtp: Any) -> None:
    port, received, _ = smtp
    with pytest.raises(DeliveryFailed, match="refused the login"):
        channels.deliver(mailbox(port), MESSAGE, {"SMTP_PASSWORD": "wrong"}, FakeClock())
    assert received == []


def test_a_recipient_the_mail_server_refuses_fails_the_channel_naming_them(
    smtp: Any, tmp_path: Path
) -> None:
    """Told only 'it was sent to the others', a manager sent it again with --channel, and
    every recipient that had it was mailed it again."""
    port, received, _ = smtp
    to = ("张三 <boss@branch.example>", "gone@branch.example", "cfo@branch.example")
    both = attrs.evolve(mailbox(port, user=None), to=to)
    report = tmp_path / "report-szft-2026-11-20.html"
    report.write_text("<html></html>", encoding="utf-8")
    [outcome] = deliver_all((both,), attrs.evolve(MESSAGE, attachment=report), {}, FakeClock())
    assert outcome.text("en") == (
        "error: boss (email): the mail server refused 1 of 3 recipients: gone@branch.example "
        "(550 5.1.1 User unknown); it was sent to 张三 <boss@branch.example>, cfo@branch.example; "
        "sending again, even with --channel boss, mails every recipient again: once the "
        f"refused address is put right, mail it the report ({report}) yourself"
    )
    assert outcome.text("zh") == (
        "发送失败：boss（email）：邮件服务器拒收了 3 个收件人中的 1 个：gone@branch.example"
        "（550 5.1.1 User unknown）；已发给 张三 <boss@branch.example>、cfo@branch.example；"
        "即使加 --channel boss 重新发送，也会再发给所有收件人：请在改正被拒收的地址后，自行把"
        f"报告（{report}）发给该地址"
    )
    assert len(received) == 1
    gone = attrs.evolve(both, to=("gone@branch.example",))
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(gone, MESSAGE, {}, FakeClock())
    assert failed.value.said == (
        "the mail server refused every recipient: gone@branch.example (550 5.1.1 User unknown)",
        "邮件服务器拒收了所有收件人：gone@branch.example（550 5.1.1 User unknown）",
    )
    assert len(received) == 1


def test_a_mail_channel_some_recipients_had_is_not_offered_a_send_to_it_alone(
    smtp: Any, bot: Bot
) -> None:
    """Beside a group that took the report, the mail channel whose server refused one
    recipient of two was listed as "failed: boss (email); to send again to these alone,
    not to the channels that took it, add --channel boss", the very send its own line
    says mails the recipient who had it again."""
    from okrdesk.app.send import failed_lines

    port, received, _ = smtp
    boss = attrs.evolve(mailbox(port, user=None), to=("boss@branch.example", "gone@branch.example"))
    told = list(deliver_all((channel("wecom"), boss), MESSAGE, env(bot), FakeClock()))
    assert [o.error is None for o in told] == [True, False] and len(received) == 1
    assert "it was sent to boss@branch.example" in told[1].text("en")
    assert failed_lines(told, "en") == []
    assert failed_lines(told, "zh") == []
    # A channel that had none of it is still offered one, and the mail channel is not.
    nobody = attrs.evolve(boss, name="nobody", to=("gone@branch.example",))
    told = list(deliver_all((channel("wecom"), boss, nobody), MESSAGE, env(bot), FakeClock()))
    assert failed_lines(told, "en") == [
        "failed: nobody (email); to send again to these alone, not to the channels that took "
        "it, add --channel nobody"
    ]


def test_a_mail_server_without_starttls_or_a_login_says_which_setting_to_change() -> None:
    """An internal relay offers neither: smtplib's words were told as the server refusing
    the message, and nothing said what to write."""
    from aiosmtpd.controller import Controller

    class Relay:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    relay = Controller(Relay(), hostname="127.0.0.1", port=port)
    relay.start()
    try:
        with pytest.raises(DeliveryFailed) as failed:
            channels.deliver(attrs.evolve(mailbox(port, user=None), security="starttls"),
                             MESSAGE, {}, FakeClock())  # fmt: skip
        assert failed.value.said.en == (
            f"the mail server 127.0.0.1:{port} offers no STARTTLS, so the connection cannot "
            "be encrypted and nothing was sent: for a relay inside the network set security = "
            '"none", for a server encrypted from the start (port 465) security = "ssl"'
        )
        assert f"邮件服务器 127.0.0.1:{port} 不支持 STARTTLS" in failed.value.said.zh
        with pytest.raises(DeliveryFailed) as failed:
            channels.deliver(mailbox(port), MESSAGE, {"SMTP_PASSWORD": "pw"}, FakeClock())
        assert failed.value.said.en == (
            f"the mail server 127.0.0.1:{port} offers no login (SMTP AUTH) and nothing was "
            "sent: for a relay that takes mail without one, leave user and password_env out"
        )
        assert "无需登录的中继请去掉 user 和 password_env" in failed.value.said.zh
    finally:
        relay.stop()


@attrs.define
class SlowServer:
    """A local TCP server that talks as ``talk`` does from the moment a client
    connects: a greeting trickled a byte at a time, a TLS handshake that never ends."""

    port: int
    talk: Callable[[socket.socket, threading.Event], None]
    stop: threading.Event = attrs.field(factory=threading.Event)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowServer]:
    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", "0.5")
    state = SlowServer(0, lambda connection, stop: None)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            with contextlib.suppress(OSError):
                state.talk(self.request, state.stop)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.port = server.server_address[1]
    try:
        yield state
    finally:
        state.stop.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def answering(slow: SlowServer, monkeypatch: pytest.MonkeyPatch) -> SlowServer:
    """``slow``'s server, for a test of what a delivery says of a server that answers at
    once (a reset, a close): a time limit a loaded machine's conversation fits in, where
    0.5 s ran out first and the delivery said "no answer within 0.5 s" instead. Still a
    limit: a client that waited for ever would fail the test, with a message unlike the
    one it means."""
    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", str(ANSWERED_WITHIN))
    return slow


ANSWERED_WITHIN = 60
"""Seconds a conversation with a server that answers at once is given (``answering``)."""


def _trickle(connection: socket.socket, stop: threading.Event, data: bytes) -> None:
    for byte in data:
        if stop.wait(0.05):
            return
        connection.sendall(bytes([byte]))


# The start of a TLS record of 16 KB, then its bytes one by one: a handshake that each
# read finds moving, and that would take 14 minutes to end.
ENDLESS_HANDSHAKE = b"\x16\x03\x03\x40\x00" + b"\x02" * 16_384


def _mail_failure(server: SlowServer, security: str = "none") -> tuple[str, float]:
    box = attrs.evolve(mailbox(server.port, user=None), security=security)
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(box, MESSAGE, {}, FakeClock())
    return str(failed.value), time.monotonic() - started


def test_a_mail_server_that_trickles_its_replies_is_cut_at_the_time_limit(
    slow: SlowServer,
) -> None:
    """Each byte of its greeting well within a read's timeout, the whole never ending:
    the conversation has one time limit, as a webhook's request has. Cut before the
    message went, it says the message was not sent."""
    slow.talk = lambda connection, stop: _trickle(connection, stop, b"220 " + b"x" * 2000)
    said, took = _mail_failure(slow)
    assert said == (f"no answer from the mail server 127.0.0.1:{slow.port} within 0.5 s; "
                    "the message was not sent")  # fmt: skip
    assert took < SLACK


def test_a_mail_server_whose_tls_handshake_never_ends_is_cut_at_the_time_limit(
    slow: SlowServer,
) -> None:
    """Port 465: the handshake is the conversation's first step, and within its limit."""
    slow.talk = lambda connection, stop: _trickle(connection, stop, ENDLESS_HANDSHAKE)
    said, took = _mail_failure(slow, security="ssl")
    assert said.endswith("within 0.5 s; the message was not sent") and took < SLACK


def test_a_starttls_handshake_that_never_ends_is_cut_at_the_time_limit(
    slow: SlowServer,
) -> None:
    def talk(connection: socket.socket, stop: threading.Event) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 mail.branch.example ESMTP\r\n")
        lines.readline()  # EHLO
        connection.sendall(b"250-mail.branch.example\r\n250 STARTTLS\r\n")
        lines.readline()  # STARTTLS
        connection.sendall(b"220 go ahead\r\n")
        _trickle(connection, stop, ENDLESS_HANDSHAKE)

    slow.talk = talk
    said, took = _mail_failure(slow, security="starttls")
    assert said.endswith("within 0.5 s; the message was not sent") and took < SLACK


def test_a_mail_server_that_turns_the_connection_away_says_so(slow: SlowServer) -> None:
    """A greeting of 554 (a server taking no mail from this machine): the channel fails
    in the server's words, as a connection refused, not a message."""
    slow.talk = lambda connection, stop: connection.sendall(b"554 no mail from you\r\n")
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(mailbox(slow.port, user=None), MESSAGE, {}, FakeClock())
    assert failed.value.said == ("the mail server refused the connection (554 no mail from you)",
                                 "邮件服务器拒绝连接（554 no mail from you）")  # fmt: skip


def _closing_at(
    command: bytes | None, reset: bool
) -> Callable[[socket.socket, threading.Event], None]:
    """A relay that answers until the client sends ``command`` (None: until the message
    went whole, its closing dot), then closes the connection without a reply: reset (RST)
    when ``reset``, else closed in order (FIN)."""

    def talk(connection: socket.socket, stop: threading.Event) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 relay\r\n")
        in_data = False
        for line in lines:
            if in_data and line != b".\r\n":
                continue
            if in_data and command is None:
                break
            if not in_data and command is not None and line.upper().startswith(command):
                break
            in_data = not in_data and line.upper().startswith(b"DATA")
            connection.sendall(b"354 go on\r\n" if in_data else b"250 OK\r\n")
        if reset:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()

    return talk


def test_a_mail_server_that_drops_the_connection_is_told_in_the_message_s_language(
    answering: SlowServer,
) -> None:
    """'邮件服务器拒收了邮件：Connection unexpectedly closed': smtplib's English alone in a
    Chinese message, and told as a refusal of the message."""
    at = f"127.0.0.1:{answering.port}"
    answering.talk = _closing_at(b"MAIL", reset=False)
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(mailbox(answering.port, user=None), MESSAGE, {}, FakeClock())
    assert failed.value.said == (
        f"the mail server {at} closed the connection during the conversation, before the "
        "message was handed over (Connection unexpectedly closed); nothing was sent, so "
        "sending it again cannot deliver it twice",
        f"邮件服务器 {at} 在对话中、邮件交出之前关闭了连接（Connection unexpectedly closed）；"
        "邮件未发出，重新发送不会重复送达",
    )


def _leaving_in_starttls(reset: bool) -> Callable[[socket.socket, threading.Event], None]:
    """A server that offers STARTTLS, says to go ahead, and as the handshake begins
    closes the connection: reset (RST) when ``reset``, else in order (FIN)."""

    def talk(connection: socket.socket, stop: threading.Event) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 relay\r\n")
        lines.readline()  # EHLO
        connection.sendall(b"250-relay\r\n250 STARTTLS\r\n")
        lines.readline()  # STARTTLS
        connection.sendall(b"220 go ahead\r\n")
        if reset:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            # The client's hello read first: closed with it unread, the system answers
            # with a reset, not the in-order end this server means (as a loaded machine
            # let the hello arrive before the close).
            connection.recv(65536)
            connection.shutdown(socket.SHUT_WR)
        connection.close()

    return talk


@pytest.mark.parametrize(
    ("security", "talk"),
    [("starttls", _leaving_in_starttls(reset=True)), ("none", _closing_at(b"RCPT", reset=True))],
    ids=["starttls-after-ehlo", "after-mail-from"],
)
def test_a_mail_connection_reset_mid_conversation_says_nothing_was_sent(
    answering: SlowServer, security: str, talk: Callable[[socket.socket, threading.Event], None]
) -> None:
    """Reset after the server greeted, before the message went: the system's own error
    that smtplib lets through as it sets up TLS read "cannot reach the mail server", of a
    server that had answered EHLO, and nothing said whether sending again was safe."""
    at = f"127.0.0.1:{answering.port}"
    answering.talk = talk
    box = attrs.evolve(mailbox(answering.port, user=None), security=security)
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(box, MESSAGE, {}, FakeClock())
    reset = f"[Errno {errno.ECONNRESET}] {os.strerror(errno.ECONNRESET)}"
    assert failed.value.said == (
        f"the connection to the mail server {at} was lost during the conversation, before the "
        f"message was handed over: the connection was reset ({reset}); nothing was sent, so "
        "sending it again cannot deliver it twice",
        f"与邮件服务器 {at} 的连接在对话中、邮件交出之前中断：连接被重置（{reset}）；"
        "邮件未发出，重新发送不会重复送达",
    )
    assert not failed.value.may_have_arrived


def test_a_mail_server_that_closes_the_connection_amid_the_starttls_handshake_was_reached(
    answering: SlowServer,
) -> None:
    """Closed in order as TLS was being set up: "cannot reach the mail server … the TLS
    handshake failed", of a server that had answered EHLO and STARTTLS."""
    at = f"127.0.0.1:{answering.port}"
    answering.talk = _leaving_in_starttls(reset=False)
    box = attrs.evolve(mailbox(answering.port, user=None), security="starttls")
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(box, MESSAGE, {}, FakeClock())
    en, zh = failed.value.said
    assert en.startswith(
        f"the connection to the mail server {at} was lost during the conversation, before the "
        "message was handed over: the TLS handshake failed ([SSL: "
    ) and en.endswith("; nothing was sent, so sending it again cannot deliver it twice"), en
    assert zh.startswith(
        f"与邮件服务器 {at} 的连接在对话中、邮件交出之前中断：TLS 握手失败（[SSL: "
    ) and zh.endswith("；邮件未发出，重新发送不会重复送达"), zh
    assert not failed.value.may_have_arrived


def _resetting_the_handshake(connection: socket.socket, stop: threading.Event) -> None:
    """A port that takes the connection, reads the client's first TLS message and resets."""
    connection.recv(1024)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def _plain_smtp(connection: socket.socket, stop: threading.Event) -> None:
    """A relay that speaks SMTP in plain text from its greeting on, as on port 25 or 587."""
    lines = connection.makefile("rb")
    connection.sendall(b"220 relay ESMTP\r\n")
    for _ in lines:
        connection.sendall(b"500 5.5.2 what\r\n")


@pytest.mark.parametrize(
    ("talk", "reason_en", "reason_zh"),
    [
        (_resetting_the_handshake, "the connection was reset ([Errno", "连接被重置（[Errno"),
        (_plain_smtp, "the TLS handshake failed ([SSL: ", "TLS 握手失败（[SSL: "),
    ],
    ids=["reset", "plain-smtp"],
)
def test_a_mail_server_on_the_ssl_port_that_sets_up_no_tls_was_reached_and_says_what_to_try(
    answering: SlowServer,
    talk: Callable[[socket.socket, threading.Event], None],
    reason_en: str,
    reason_zh: str,
) -> None:
    """security = "ssl" on a port that resets the handshake, or that speaks plain SMTP
    (587 typed as the port): "cannot reach the mail server", of a server that had taken
    the connection, and nothing said to look at the port or the security."""
    at = f"127.0.0.1:{answering.port}"
    answering.talk = talk
    box = attrs.evolve(mailbox(answering.port, user=None), name="boss", security="ssl")
    [outcome] = deliver_all((box,), MESSAGE, {}, FakeClock())
    en, zh = outcome.text("en"), outcome.text("zh")
    assert en.startswith(
        f"error: boss (email): the mail server {at} was reached, but no secure (TLS) "
        f"connection could be set up with it: {reason_en}"
    ), en
    assert en.endswith(
        "; nothing was sent, so sending it again cannot deliver it twice; "
        'security = "ssl" expects TLS from the first byte (port 465, as a rule), and port '
        f"{answering.port} either does not speak it or refused it: check the port; for a server "
        "that starts in plain text and encrypts after STARTTLS (port 587, as a rule) set "
        'security = "starttls"'
    ), en
    assert zh.startswith(
        f"发送失败：boss（email）：已连上邮件服务器 {at}，但未能与它建立加密（TLS）连接："
        f"{reason_zh}"
    ), zh
    assert zh.endswith(
        '；邮件未发出，重新发送不会重复送达；security = "ssl" 要求从第一个字节起就用 TLS'
        f"（通常是端口 465），而端口 {answering.port} 不支持或拒绝了它：请核对端口；"
        "先明文连接、再用 "
        'STARTTLS 加密的服务器（通常是端口 587）请设 security = "starttls"'
    ), zh
    assert not outcome.unsure and "cannot reach" not in en


def test_a_mail_connection_lost_once_the_message_went_says_it_may_have_arrived(
    slow: SlowServer,
) -> None:
    """Reset after the message went whole, before the server's answer: told as a server
    that could not be reached, or that refused it, and offered a send again, though the
    server may deliver it."""
    from okrdesk.app.send import failed_lines

    at = f"127.0.0.1:{slow.port}"
    boss = mailbox(slow.port, user=None)
    reset = f"[Errno {errno.ECONNRESET}] {os.strerror(errno.ECONNRESET)}"
    slow.talk = _closing_at(None, reset=True)
    [outcome] = deliver_all((boss,), MESSAGE, {}, FakeClock())
    assert outcome.unsure
    assert outcome.text("en") == (
        f"error: boss (email): the connection to the mail server {at} broke once the message "
        f"was handed over, before the server's answer: the connection was reset ({reset}); "
        "the message may have arrived all the same"
    )
    assert outcome.text("zh") == (
        f"发送失败：boss（email）：邮件已交给邮件服务器 {at}，在其应答前连接中断：连接被重置"
        f"（{reset}）；消息可能仍已送达"
    )
    assert failed_lines([outcome], "zh") == [
        "发送失败但可能已经收到：boss（email）（已发出部分消息，或请求已发出而没有应答说明结果）："
        "再次发送前请先去那里查看，只发给它们，加 --channel boss"
    ]
    slow.talk = _closing_at(None, reset=False)
    [outcome] = deliver_all((boss,), MESSAGE, {}, FakeClock())
    assert outcome.unsure and outcome.text("zh") == (
        f"发送失败：boss（email）：邮件已交给邮件服务器 {at}，它未应答即关闭了连接（Connection "
        "unexpectedly closed）；消息可能仍已送达"
    )


def test_a_webhook_whose_tls_handshake_never_ends_is_cut_at_the_time_limit(
    slow: SlowServer,
) -> None:
    slow.talk = lambda connection, stop: _trickle(connection, stop, ENDLESS_HANDSHAKE)
    url = f"https://127.0.0.1:{slow.port}/hook?key=k1"
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(channel("wecom"), MESSAGE, {"HOOK": url}, FakeClock())
    assert failed.value.message == (
        "the webhook did not finish connecting within 0.5 s; the message was not sent"
    )
    assert time.monotonic() - started < SLACK


def test_a_proxy_that_never_finishes_its_tunnel_is_cut_at_the_time_limit(
    slow: SlowServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A firm's proxy (HTTPS_PROXY) that answers CONNECT a byte at a time: the request's
    one time limit covers the tunnel too."""

    def talk(connection: socket.socket, stop: threading.Event) -> None:
        _read_request(connection)  # CONNECT 127.0.0.1:9 HTTP/1.1
        _trickle(connection, stop, b"HTTP/1.1 200 Connection established\r\n" + b"X" * 400)

    slow.talk = talk
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{slow.port}")
    monkeypatch.setenv("no_proxy", "")
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(channel("feishu"), MESSAGE, {"HOOK": "https://127.0.0.1:9/hook"},
                         FakeClock())  # fmt: skip
    assert failed.value.message == (
        "the webhook did not finish connecting within 0.5 s; the message was not sent"
    )
    assert time.monotonic() - started < SLACK


# ------------------------------------------------------------- the command

SETTINGS = """
[send]
reports = "out"

[[send.channels]]
kind = "wecom"
name = "branch-group"
url_env = "TEST_WECOM_URL"

[[send.channels]]
kind = "dingtalk"
name = "managers"
url_env = "TEST_DING_URL"
secret_env = "TEST_DING_SECRET"
"""


@pytest.fixture
def workspace(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    return root


def test_send_posts_to_every_channel_and_names_the_one_that_failed(
    workspace: Path, bot: Bot
) -> None:
    bot.replies = [(200, {"errcode": 0}, {}), (200, {"errcode": 310000, "errmsg": "bad sign"}, {})]
    done = CliRunner().invoke(
        cli, ["send", "--as-of", "2026-03-15", "-w", str(workspace)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert done.exit_code == 1
    # In the workspace's language, Chinese: what each channel became.
    assert "已发送至 branch-group（wecom）：1 条消息" in done.stdout
    assert (
        "发送失败：managers（dingtalk）：机器人的安全设置拒绝了消息的签名"
        "（errcode 310000: bad sign）" in done.stderr
    )
    # Run again as it was, it would post the report to the group that has it a second time.
    assert done.stderr.endswith(
        "\n发送失败的渠道：managers（dingtalk）；只重发给这些渠道、不再发给已收到的渠道，加 "
        "--channel managers\n"
    )
    report = workspace / "out" / "report-branch-2026-03-15.html"
    wecom = bot.received[0]["body"]["markdown"]["content"]
    assert f"完整报告（HTML）：{report.resolve()}" in wecom
    assert report.read_text(encoding="utf-8").lstrip().startswith("<!")

    bot.replies = [(200, {"errcode": 0}, {}), (200, {"errcode": 0}, {})]
    english = CliRunner().invoke(
        cli, ["send", "--as-of", "2026-03-15", "--lang", "en", "-w", str(workspace)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert english.exit_code == 0, english.output
    assert "sent to branch-group (wecom): 1 message\n" in english.stdout
    assert "sent to managers (dingtalk): 1 message\n" in english.stdout
    assert "failed" not in english.stderr
    bot.replies = [(400, {"errmsg": "bad"}, {}), (200, {"errcode": 0}, {})]
    english = CliRunner().invoke(
        cli, ["send", "--as-of", "2026-03-15", "--lang", "en", "-w", str(workspace)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert english.exit_code == 1, english.output
    assert english.stderr.endswith(
        "\nfailed: branch-group (wecom); to send again to these alone, not to the channels "
        "that took it, add --channel branch-group\n"
    )
    # All failed: running it again as it was is the way.
    bot.replies = [(400, {"errmsg": "bad"}, {})] * 2
    english = CliRunner().invoke(
        cli, ["send", "--as-of", "2026-03-15", "--lang", "en", "-w", str(workspace)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert english.exit_code == 1 and "add --channel" not in english.stderr


def test_a_failed_channel_that_may_have_the_message_is_not_offered_a_blind_resend(
    workspace: Path, bot: Bot
) -> None:
    """The last line offered `--channel` for every failed channel, though a 502 after the
    request went (a proxy's, the bot may have posted it) or parts sent before a failure
    mean the group may have it: sent again as offered, it could read it twice. Such a
    channel is named apart, to look at first; the option is offered as sending again only
    for a channel that took none of it."""
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    bot.replies = [(502, {"errmsg": "bad gateway"}, {}), (200, {"errcode": 0}, {})]
    zh = CliRunner().invoke(cli, ["send", "--as-of", "2026-03-15", "-w", str(workspace)],
                            env=env)  # fmt: skip
    assert zh.exit_code == 1, zh.output
    assert "只重发给这些渠道" not in zh.stderr, zh.stderr
    assert zh.stderr.endswith(
        "\n发送失败但可能已经收到：branch-group（wecom）（已发出部分消息，或请求已发出而没有应答"
        "说明结果）：再次发送前请先去那里查看，只发给它们，加 --channel branch-group\n"
    ), zh.stderr
    bot.replies = [(502, {"errmsg": "bad gateway"}, {}), (400, {"errmsg": "bad"}, {})]
    en = CliRunner().invoke(
        cli, ["send", "--as-of", "2026-03-15", "--lang", "en", "-w", str(workspace)], env=env
    )
    assert en.exit_code == 1, en.output
    assert en.stderr.endswith(
        "\nfailed: managers (dingtalk); to send again to these alone, not to the channels "
        "that took it, add --channel managers\n"
        "failed, but may have it already: branch-group (wecom) (a part, or a request no "
        "answer settled, went): look there before sending to them again, with --channel "
        "branch-group\n"
    ), en.stderr


def test_each_channel_is_told_as_it_is_done_so_a_stopped_send_says_who_has_it(
    write_workspace: WriteWorkspace, bot: Bot, slow: SlowServer
) -> None:
    """A mail server that never answers holds the last channel up; Ctrl-C then must
    leave the group that got the message told, or a second send posts it twice."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        '[[send.channels]]\nkind = "wecom"\nname = "branch-group"\nurl_env = "TEST_WECOM_URL"\n'
        f'\n[[send.channels]]\nkind = "email"\nname = "boss"\nhost = "127.0.0.1"\n'
        f'port = {slow.port}\nsecurity = "none"\nsender = "okrdesk@branch.example"\n'
        'to = ["boss@branch.example"]\n',
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(trusted(root))])
    assert done.exit_code == 0, done.output
    reached = threading.Event()
    slow.talk = lambda connection, stop: (reached.set(), stop.wait(60))  # no greeting
    env = {**os.environ, "TEST_WECOM_URL": bot.url, "OKRDESK_SEND_TIMEOUT": "60"}
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "send", "--lang", "en", "--as-of", "2026-03-15",
         "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (bot.received and reached.is_set()):  # the group has it; the mail waits
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "sent to branch-group (wecom): 1 message" in out.decode()
    assert len(bot.received) == 1
    # Stopped before the server greeted: the mail is one of those not sent.
    assert "not sent: boss (email); to send to these alone, add --channel boss\n" in (err.decode())
    assert "may have it" not in err.decode()


STOPPED = {
    "en": [
        "sent to branch-group (wecom): 1 message",
        "stopped while sending to managers (feishu): its message was on its way, and "
        "managers may have it already: look there before sending it again",
        "sent before it was stopped: branch-group (wecom)",
        "not sent: branch-dingtalk (dingtalk), head office (wecom); to send to these "
        "alone, add --channel branch-dingtalk --channel 'head office'",
    ],
    "zh": [
        "已发送至 branch-group（wecom）：1 条消息",
        "发送至 managers（feishu）时被中断：消息已在途中，managers 可能已经收到：再次发送前请先"
        "去那里查看",
        "中断前已发送：branch-group（wecom）",
        "未发送：branch-dingtalk（dingtalk）、head office（wecom）；只发给这些渠道，加 "
        "--channel branch-dingtalk --channel 'head office'",
    ],
}


@pytest.mark.parametrize(
    ("lang", "sent", "status"),
    [("en", signal.SIGINT, 130), ("zh", signal.SIGINT, 130), ("en", signal.SIGTERM, 143)],
    ids=["en", "zh", "sigterm"],
)
def test_a_send_stopped_during_a_request_says_that_group_may_have_it(
    write_workspace: WriteWorkspace,
    bot: Bot,
    raw: RawServer,
    lang: str,
    sent: signal.Signals,
    status: int,
) -> None:
    """Ctrl-C while a bot had the request and had not answered: it ended with "Aborted!"
    alone, and the manager, not knowing whether that group had the message or which
    groups were never sent it, sent again to all. What was and was not sent is then all
    it says, in the send's language: click's "Aborted!" (已中止！) no longer follows it."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        "".join(
            f'[[send.channels]]\nkind = "{kind}"\nname = "{name}"\nurl_env = "{env}"\n\n'
            for kind, name, env in [
                ("wecom", "branch-group", "TEST_WECOM_URL"),
                ("feishu", "managers", "TEST_FEISHU_URL"),
                ("dingtalk", "branch-dingtalk", "TEST_DING_URL"),
                ("wecom", "head office", "TEST_HEAD_URL"),
            ]
        ),
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(root)])
    assert done.exit_code == 0, done.output
    held = threading.Event()

    def hold(connection: socket.socket) -> None:
        held.set()
        raw.stop.wait(60)

    raw.answer = hold
    env = {**os.environ, "TEST_WECOM_URL": bot.url, "TEST_FEISHU_URL": raw.url,
           "TEST_DING_URL": bot.url, "TEST_HEAD_URL": bot.url,
           "OKRDESK_SEND_TIMEOUT": "60"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "send", "--lang", lang, "--as-of", "2026-03-15",
         "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not held.is_set():  # the feishu bot has the request and keeps it
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(sent)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == status
    said = [line for line in (out + err).decode().splitlines() if line.strip()]
    assert said == STOPPED[lang], said
    assert len(bot.received) == 1 and len(raw.requests) == 1


class StoppedClock(FakeClock):
    """A clock that is stopped by Ctrl-C the first time a send waits for the rate limit."""

    def sleep(self, seconds: float) -> None:
        raise KeyboardInterrupt


def test_a_send_stopped_between_parts_says_how_many_went(bot: Bot) -> None:
    """Stopped while waiting for the bot's rate limit: the parts before it went, the next
    was not on its way."""
    from okrdesk.app.send import ChannelStopped, stopped_lines

    feishu, later = channel("feishu"), attrs.evolve(channel("dingtalk"), name="later")
    told = []
    with pytest.raises(ChannelStopped) as stopped:
        for outcome in deliver_all((feishu, later), _long(400), env(bot), StoppedClock()):
            told.append(outcome)
    parts = stopped.value.how.parts
    assert len(bot.received) == 5 and parts > 5 and told == []  # 5 a second: the 6th waits
    assert stopped_lines((feishu, later), told, [], stopped.value, "en") == [
        f"stopped while sending to my-feishu (feishu): 5 of {parts} parts had been sent, the "
        "rest not",
        "not sent: later (dingtalk); to send to these alone, add --channel later",
    ]
    assert stopped_lines((feishu, later), told, [], stopped.value, "zh") == [
        f"发送至 my-feishu（feishu）时被中断：共 {parts} 条，已发出 5 条，其余未发",
        "未发送：later（dingtalk）；只发给这些渠道，加 --channel later",
    ]


def test_a_send_stopped_while_the_mail_server_takes_the_message_says_it_may_arrive(
    slow: SlowServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped after the message was handed over, before the server's last reply: the
    server may deliver it, unlike one stopped before its greeting (above)."""
    from okrdesk.app.send import ChannelStopped, stopped_lines

    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", "30")
    handed, handed_at = threading.Event(), []

    def relay(connection: socket.socket, stop: threading.Event) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 relay\r\n")
        for line in lines:
            if line.upper().startswith(b"DATA"):
                connection.sendall(b"354 go on\r\n")
                while lines.readline() not in (b".\r\n", b""):
                    pass
                handed_at.append(time.monotonic())
                handed.set()
                stop.wait(60)  # the message is here; its 250 never comes
                return
            connection.sendall(b"250 OK\r\n")

    slow.talk = relay
    main = threading.main_thread().ident
    assert main is not None
    stopper = threading.Thread(
        target=lambda: handed.wait(30) and signal.pthread_kill(main, signal.SIGINT), daemon=True
    )
    stopper.start()
    boss = attrs.evolve(mailbox(slow.port, user=None), name="boss", security="none")
    with pytest.raises(ChannelStopped) as stopped:
        list(deliver_all((boss,), MESSAGE, {}, FakeClock()))
    # Not kept waiting for the reply to the QUIT on the way out (30 s), once stopped.
    assert time.monotonic() - handed_at[0] < SLACK
    assert stopped_lines((boss,), [], [], stopped.value, "en") == [
        "stopped while sending to boss (email): its message was on its way, and boss may have "
        "it already: look there before sending it again"
    ]


def _stalling_at(
    stage: bytes, reached: threading.Event | None = None, refusing: bytes | None = None
) -> Callable[[socket.socket, threading.Event], None]:
    """A relay that answers every command until ``stage`` (a command's first word, or
    b"." for the last line of the data), then holds the conversation unanswered; it
    refuses the recipient whose RCPT TO holds ``refusing``."""

    def talk(connection: socket.socket, stop: threading.Event) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 relay\r\n")
        in_data = False
        for line in lines:
            if in_data and line != b".\r\n":
                continue
            word = b"." if in_data else (line.split() or [b""])[0].upper()
            if word == stage:
                if reached is not None:
                    reached.set()
                stop.wait(60)
                return
            in_data = word == b"DATA"
            if word == b"RCPT" and refusing is not None and refusing in line:
                connection.sendall(b"550 5.1.1 User unknown\r\n")
                continue
            connection.sendall(b"354 go on\r\n" if in_data else b"250 OK\r\n")

    return talk


STOPPED_MAIL = {
    "not sent": {"en": "stopped before anything was sent", "zh": "在发出任何消息之前被中断"},
    "may have it": {
        "en": "stopped while sending to boss (email): its message was on its way, and boss "
        "may have it already: look there before sending it again",
        "zh": "发送至 boss（email）时被中断：消息已在途中，boss 可能已经收到：再次发送前请先"
        "去那里查看",
    },
    "has it": {
        "en": "sent before it was stopped: boss (email)",
        "zh": "中断前已发送：boss（email）",
    },
}


@pytest.mark.parametrize(
    ("stage", "lang", "told"),
    [
        (b"EHLO", "en", "not sent"),
        (b"MAIL", "zh", "not sent"),
        (b"RCPT", "en", "not sent"),
        (b"DATA", "zh", "not sent"),
        (b".", "en", "may have it"),
        (b"QUIT", "zh", "has it"),
    ],
    ids=["ehlo", "mail-from", "rcpt-to", "data", "end-of-data", "quit"],
)
def test_a_send_stopped_in_the_mail_conversation_says_not_sent_until_the_end_of_the_data(
    write_workspace: WriteWorkspace, slow: SlowServer, stage: bytes, lang: str, told: str
) -> None:
    """Ctrl-C from MAIL FROM on said the boss may have the mail already, sending him to
    look for one that never left: only the last line of the data can make it the server's,
    and its 250 says it took it."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        f'[[send.channels]]\nkind = "email"\nname = "boss"\nhost = "127.0.0.1"\n'
        f'port = {slow.port}\nsecurity = "none"\nsender = "okrdesk@branch.example"\n'
        'to = ["boss@branch.example"]\n',
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(trusted(root))])
    assert done.exit_code == 0, done.output
    reached = threading.Event()
    slow.talk = _stalling_at(stage, reached)
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "send", "--lang", lang, "--as-of", "2026-03-15",
         "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "OKRDESK_SEND_TIMEOUT": "60"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not reached.is_set():  # the relay holds the conversation at that stage
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    said = [line for line in (out + err).decode().splitlines() if line.strip()]
    assert STOPPED_MAIL[told][lang] in said, said
    others = [words[lang] for key, words in STOPPED_MAIL.items() if key != told]
    assert not any(line in said for line in others), said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_send_stopped_at_quit_names_the_recipients_the_mail_server_refused(
    write_workspace: WriteWorkspace, slow: SlowServer, lang: str
) -> None:
    """The server took the mail for the boss and refused the other address, then held
    its answer to QUIT: Ctrl-C there said "sent before it was stopped: boss (email)",
    and the refused address was never named, as it is when nobody stops the send."""
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        f'[[send.channels]]\nkind = "email"\nname = "boss"\nhost = "127.0.0.1"\n'
        f'port = {slow.port}\nsecurity = "none"\nsender = "okrdesk@branch.example"\n'
        'to = ["boss@branch.example", "gone@branch.example"]\n',
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(trusted(root))])
    assert done.exit_code == 0, done.output
    reached = threading.Event()
    slow.talk = _stalling_at(b"QUIT", reached, refusing=b"gone@")
    process = subprocess.Popen(
        [sys.executable, "-m", "okrdesk", "send", "--lang", lang, "--as-of", "2026-03-15",
         "-w", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "OKRDESK_SEND_TIMEOUT": "60"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not reached.is_set():
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    said = [line for line in (out + err).decode().splitlines() if line.strip()]
    report = root / "reports" / "report-branch-2026-03-15.html"
    refused = {
        "en": "error: boss (email): the mail server refused 1 of 2 recipients: "
        "gone@branch.example (550 5.1.1 User unknown); it was sent to boss@branch.example; "
        "sending again, even with --channel boss, mails every recipient again: once the "
        f"refused address is put right, mail it the report ({report}) yourself",
        "zh": "发送失败：boss（email）：邮件服务器拒收了 2 个收件人中的 1 个：gone@branch.example"
        "（550 5.1.1 User unknown）；已发给 boss@branch.example；即使加 --channel boss 重新发送，"
        f"也会再发给所有收件人：请在改正被拒收的地址后，自行把报告（{report}）发给该地址",
    }
    assert refused[lang] in said, said
    assert STOPPED_MAIL["has it"][lang] not in said, said
    # Every channel was tried: the send says it was stopped once they were, and no more.
    after_all = {"en": "stopped once every channel had been tried",
                 "zh": "所有渠道都已尝试发送之后被中断"}  # fmt: skip
    assert said[-1] == after_all[lang], said


def test_a_send_stopped_after_failures_alone_says_it_was_stopped_before_the_rest() -> None:
    """The channels before the stop all failed, each said as it failed: "not sent: …"
    alone did not say the send was stopped, which click's "Aborted!" after it said."""
    from okrdesk.app.send import Outcome, stopped_lines
    from okrdesk.errors import Said

    failed = Outcome(channel("wecom"), error=Said("HTTP 500", "HTTP 500"))
    later = attrs.evolve(channel("dingtalk"), name="later")
    stop = KeyboardInterrupt()
    assert stopped_lines((channel("wecom"), later), [failed], [], stop, "en") == [
        "stopped before sending to later (dingtalk); to send to these alone, add --channel later"
    ]
    assert stopped_lines((channel("wecom"), later), [failed], [], stop, "zh") == [
        "在发送至 later（dingtalk）之前被中断；只发给这些渠道，加 --channel later"
    ]


def test_a_send_stopped_while_a_large_report_is_on_its_way_says_it_was_not_sent(
    slow: SlowServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped part-way through the message itself, its last line not yet sent: the
    server has no message to deliver."""
    from okrdesk.app.send import ChannelStopped, stopped_lines

    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", "30")
    report = tmp_path / "report.html"
    report.write_bytes(os.urandom(12 * 1024 * 1024))  # well beyond what the sockets buffer
    reading = threading.Event()

    def relay(connection: socket.socket, stop: threading.Event) -> None:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        lines = connection.makefile("rb")
        connection.sendall(b"220 relay\r\n")
        for line in lines:
            if line.upper().startswith(b"DATA"):
                connection.sendall(b"354 go on\r\n")
                lines.readline()  # the message has begun; the rest waits on the sender
                reading.set()
                stop.wait(60)
                return
            connection.sendall(b"250 OK\r\n")

    slow.talk = relay
    main = threading.main_thread().ident
    assert main is not None

    def stop_when_reading() -> None:
        if reading.wait(30):
            time.sleep(0.3)  # the sender fills the buffers and waits
            signal.pthread_kill(main, signal.SIGINT)

    threading.Thread(target=stop_when_reading, daemon=True).start()
    boss = attrs.evolve(mailbox(slow.port, user=None), name="boss")
    with pytest.raises(ChannelStopped) as stopped:
        list(deliver_all((boss,), attrs.evolve(MESSAGE, attachment=report), {}, FakeClock()))
    assert not stopped.value.how.underway
    assert stopped_lines((boss,), [], [], stopped.value, "en") == [
        "stopped before anything was sent"
    ]
    assert stopped_lines((boss,), [], [], stopped.value, "zh") == ["在发出任何消息之前被中断"]


@pytest.mark.parametrize(
    ("stage", "then"),
    [(b"RCPT", "the message was not sent"), (b".", "the message may have arrived all the same")],
)
def test_a_read_of_the_mail_server_that_times_out_is_no_answer_whichever_clock_ran_out(
    slow: SlowServer, monkeypatch: pytest.MonkeyPatch, stage: bytes, then: str
) -> None:
    """A read's own timeout (30 s) and the conversation's limit ($OKRDESK_SEND_TIMEOUT,
    30 s) end together: where the read's came first, the same silence read "the
    connection … was lost …: the connection timed out" instead of "no answer within"."""
    monkeypatch.setattr("okrdesk.delivery.mail.TIMEOUT", 0.3)
    monkeypatch.setenv("OKRDESK_SEND_TIMEOUT", "10")
    slow.talk = _stalling_at(stage)
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(mailbox(slow.port, user=None), MESSAGE, {}, FakeClock())
    assert (
        str(failed.value)
        == f"no answer from the mail server 127.0.0.1:{slow.port} within 0.3 s; {then}"
    )
    assert failed.value.may_have_arrived == (stage == b".")


def test_a_mail_the_server_took_is_sent_whatever_it_answers_to_quit(slow: SlowServer) -> None:
    """The server queued the message (250), then answered QUIT with 500: told as "the mail
    server refused the message (500 …)", and not as one that may have arrived, so that
    it was sent again and arrived twice."""
    queued = []

    def relay(connection: socket.socket, stop: threading.Event) -> None:
        lines = connection.makefile("rb")
        connection.sendall(b"220 relay\r\n")
        for line in lines:
            word = (line.split() or [b""])[0].upper()
            if word == b"QUIT":
                connection.sendall(b"500 5.5.1 what\r\n")
                return
            if word == b"DATA":
                connection.sendall(b"354 go on\r\n")
                while lines.readline() not in (b".\r\n", b""):
                    pass
                queued.append(True)
                connection.sendall(b"250 2.0.0 queued\r\n")
                continue
            connection.sendall(b"250 OK\r\n")

    slow.talk = relay
    assert channels.deliver(mailbox(slow.port, user=None), MESSAGE, {}, FakeClock()) == 1
    assert queued == [True]


def test_a_mail_conversation_cut_at_its_limit_before_the_end_of_the_data_was_not_sent(
    slow: SlowServer,
) -> None:
    """A server that stops answering at RCPT TO was told as having maybe had the message,
    though its data never went."""
    slow.talk = _stalling_at(b"RCPT")
    box = mailbox(slow.port, user=None)
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(box, MESSAGE, {}, FakeClock())
    at = f"127.0.0.1:{slow.port}"
    assert failed.value.said == (
        f"no answer from the mail server {at} within 0.5 s; the message was not sent",
        f"邮件服务器 {at} 在 0.5 秒内没有应答；邮件未发出",
    )
    assert not failed.value.may_have_arrived
    slow.talk = _stalling_at(b".")
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(box, MESSAGE, {}, FakeClock())
    assert failed.value.may_have_arrived and str(failed.value).endswith(
        "within 0.5 s; the message may have arrived all the same"
    )


def test_dry_run_prints_each_payload_with_secrets_masked(workspace: Path, bot: Bot) -> None:
    done = CliRunner().invoke(
        cli, ["send", "--dry-run", "--as-of", "2026-03-15", "-w", str(workspace)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3cret"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert bot.received == [] and not (workspace / "out").exists()
    assert "POST $TEST_WECOM_URL\n" in done.stdout
    assert "POST $TEST_DING_URL?timestamp=" in done.stdout and "&sign=***" in done.stdout
    assert bot.url not in done.stdout and "s3cret" not in done.stdout
    assert '"msgtype": "markdown"' in done.stdout


def test_a_dry_run_says_what_a_real_send_would_fail_on(workspace: Path) -> None:
    """A cron line tried with --dry-run, its webhook's variable not set (or set in one
    shell and not the other), passed, and Monday's send failed: the dry run says so under
    the channel it is about, exit 0 still, as it sends nothing."""
    args = ["send", "--dry-run", "--as-of", "2026-03-15", "-w", str(workspace)]
    env = {"TEST_WECOM_URL": "", "TEST_DING_URL": "https://x.example.com/d"}
    chinese = CliRunner().invoke(cli, [*args, "--lang", "zh"], env=env)
    assert chinese.exit_code == 0, chinese.output
    lines = chinese.stdout.splitlines()
    at = lines.index("branch-group（wecom）：1 条消息")
    assert (
        lines[at + 1] == "警告：实际发送时这里会失败：环境变量 TEST_WECOM_URL（webhook 地址）为空"
    )
    at = lines.index("managers（dingtalk）：1 条消息")
    assert lines[at + 1] == ("警告：实际发送时这里会失败：环境变量 TEST_DING_SECRET（签名密钥）"
                             "未设置")  # fmt: skip
    english = CliRunner().invoke(cli, [*args, "--lang", "en"], env=env)
    assert ("warning: a real send would fail here: the environment variable TEST_WECOM_URL "
            "(webhook URL) is empty") in english.stdout.splitlines()  # fmt: skip
    ready = {"TEST_WECOM_URL": "https://x.example.com/w", "TEST_DING_URL": "https://x.example.com/d",
             "TEST_DING_SECRET": "s3"}  # fmt: skip
    done = CliRunner().invoke(cli, [*args, "--lang", "en"], env=ready)
    assert done.exit_code == 0 and "would fail" not in done.stdout, done.output


def test_a_dry_run_says_a_webhook_url_a_real_send_cannot_use(workspace: Path) -> None:
    """Set with the quotes of the secrets file it was copied from, or with a space in it:
    the dry run a cron line was tried with passed, and Monday's send failed at once."""
    args = ["send", "--dry-run", "--as-of", "2026-03-15", "-w", str(workspace)]
    env = {"TEST_WECOM_URL": '"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET1"',
           "TEST_DING_URL": "https://oapi.dingtalk.com/robot/send?access_token=SEC RET2",
           "TEST_DING_SECRET": "s3"}  # fmt: skip
    chinese = CliRunner().invoke(cli, [*args, "--lang", "zh"], env=env)
    assert chinese.exit_code == 0, chinese.output
    lines = chinese.stdout.splitlines()
    at = lines.index("branch-group（wecom）：1 条消息")
    assert lines[at + 1] == ("警告：实际发送时这里会失败：webhook 地址须以 https://（或 http://）"
                             "开头；它以引号开头：设置时请去掉引号")  # fmt: skip
    at = lines.index("managers（dingtalk）：1 条消息")
    assert lines[at + 1] == ("警告：实际发送时这里会失败：webhook 地址无法使用：请检查其中是否有"
                             "空格、换行或拼错的主机名")  # fmt: skip
    english = CliRunner().invoke(cli, [*args, "--lang", "en"], env=env)
    assert english.exit_code == 0, english.output
    assert ("warning: a real send would fail here: the webhook URL must start with https:// "
            "(or http://); it starts with a quote: set it without the quotes"
            in english.stdout.splitlines())  # fmt: skip
    assert ("warning: a real send would fail here: the webhook URL cannot be used: look for a "
            "space, a line break or a mistyped host in it"
            in english.stdout.splitlines())  # fmt: skip
    assert "SECRET1" not in chinese.output + english.output
    assert "SEC RET2" not in chinese.output + english.output


def test_a_dry_run_heads_each_channel_in_the_command_s_language(workspace: Path) -> None:
    """A branch manager reading Chinese is told in Chinese which channel each payload is
    for, how many messages, the mail server and login, and the attachment."""
    settings = workspace / "okrdesk.toml"
    settings.write_text(SETTINGS + (
        '\n[[send.channels]]\nkind = "email"\nname = "boss"\nhost = "smtp.example.com"\n'
        'port = 465\nsecurity = "ssl"\nsender = "okr@example.com"\nto = ["boss@example.com"]\n'
        'user = "okr"\npassword_env = "TEST_MAIL_PASSWORD"\n'
    ), encoding="utf-8")  # fmt: skip
    trusted(workspace)  # the mail server is outside the workspace
    env = {"TEST_WECOM_URL": "https://x.example.com/w", "TEST_DING_URL": "https://x.example.com/d",
           "TEST_DING_SECRET": "s3", "TEST_MAIL_PASSWORD": "pw"}  # fmt: skip
    args = ["send", "--dry-run", "--as-of", "2026-03-15", "-w", str(workspace)]
    english = CliRunner().invoke(cli, [*args, "--lang", "en"], env=env)
    chinese = CliRunner().invoke(cli, [*args, "--lang", "zh"], env=env)
    assert english.exit_code == chinese.exit_code == 0, (english.output, chinese.output)
    assert "branch-group (wecom): 1 message\n" in english.stdout
    assert ("boss (email) via smtp.example.com:465 [ssl], login as okr ($TEST_MAIL_PASSWORD)\n"
            in english.stdout)  # fmt: skip
    assert "\nattached: " in english.stdout
    assert "branch-group（wecom）：1 条消息\n" in chinese.stdout
    assert "managers（dingtalk）：1 条消息\n" in chinese.stdout
    assert ("boss（email）经 smtp.example.com:465 [ssl]，登录账号 okr（$TEST_MAIL_PASSWORD）\n"
            in chinese.stdout)  # fmt: skip
    assert "\n附件：" in chinese.stdout and "attached" not in chinese.stdout
    assert "pw" not in chinese.stdout.split() and "s3" not in chinese.stdout.split()


def test_a_title_cannot_mention_someone_in_the_wecom_group(workspace: Path, bot: Bot) -> None:
    # WeCom's Markdown turns <@userid> into a notification to that person: a title in a
    # workspace someone sent would have the weekly report ping whoever it names.
    okrs = workspace / "targets" / "okrs.toml"
    text = okrs.read_text(encoding="utf-8")
    okrs.write_text(text.replace('title = "直营 AUM 净增"', 'title = "直营 AUM 净增 <@zhangsan>"'),
                    encoding="utf-8")  # fmt: skip
    bot.replies = [(200, {"errcode": 0}, {}), (200, {"errcode": 0}, {})]
    done = CliRunner().invoke(
        cli, ["send", "--as-of", "2026-03-15", "-w", str(workspace)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    wecom = bot.received[0]["body"]["markdown"]["content"]
    assert r"直营 AUM 净增 \<@zhangsan>" in wecom
    assert "<@" not in wecom.replace(r"\<@", "")


def test_a_chat_message_links_the_report_where_the_intranet_serves_it(
    workspace: Path, bot: Bot
) -> None:
    """A path on the machine that sent it is no use to a group reading on its phones:
    with [send] reports_url, the message links the report there."""
    settings = workspace / "okrdesk.toml"
    settings.write_text(SETTINGS.replace(
        'reports = "out"', 'reports = "out"\nreports_url = "https://intranet.example.com/okr/"'
    ), encoding="utf-8")  # fmt: skip
    trusted(workspace)  # where the group's readers are sent is the file's choice
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    done = CliRunner().invoke(
        cli, ["send", "--dry-run", "--as-of", "2026-03-15", "-w", str(workspace)], env=env
    )
    assert done.exit_code == 0, done.output
    link = "完整报告（HTML）：https://intranet.example.com/okr/report-branch-2026-03-15.html"
    assert link in done.stdout and str(workspace) not in done.stdout
    # A file server that takes its token in the query: the report's name goes on the path.
    settings.write_text(SETTINGS.replace(
        'reports = "out"', 'reports = "out"\nreports_url = "https://intranet.example.com/okr/?t=1"'
    ), encoding="utf-8")  # fmt: skip
    trusted(workspace)
    done = CliRunner().invoke(
        cli, ["send", "--dry-run", "--as-of", "2026-03-15", "-w", str(workspace)], env=env
    )
    assert "https://intranet.example.com/okr/report-branch-2026-03-15.html?t=1" in done.stdout
    settings.write_text(SETTINGS.replace('reports = "out"', 'reports_url = "intranet/okr"'),
                        encoding="utf-8")  # fmt: skip
    refused = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(workspace)])
    assert refused.exit_code == 2
    assert "okrdesk.toml:3: send.reports_url: expected the address the reports folder is " in (
        refused.output
    )


def test_a_reports_folder_that_is_a_file_is_named_before_anything_is_sent(
    workspace: Path, bot: Bot
) -> None:
    (workspace / "okrdesk.toml").write_text(
        SETTINGS.replace('reports = "out"', 'reports = "okrdesk.db"'), encoding="utf-8"
    )
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    for lang, said in [("en", "[send] reports: {} is a file; give the folder the full report "
                              "is written into (the default is reports)"),
                       ("zh", "[send] reports：{} 是文件；请给写入完整报告的文件夹")]:  # fmt: skip
        for dry in ([], ["--dry-run"]):
            done = CliRunner().invoke(cli, ["send", *dry, "--as-of", "2026-03-15", "--lang", lang,
                                            "-w", str(workspace)], env=env)  # fmt: skip
            assert done.exit_code == 2, done.output
            assert said.format(workspace / "okrdesk.db") in done.output
    assert bot.received == []


def test_a_past_day_whose_week_is_stored_whole_says_so_in_the_message(
    workspace: Path, bot: Bot
) -> None:
    # Collected through Sunday 15 March: as of Wednesday 11 March, week 11 is stored with
    # its later days, and the message says what its figures run through.
    done = CliRunner().invoke(
        cli, ["send", "--dry-run", "--as-of", "2026-03-11", "-w", str(workspace)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "> 数据截至 2026-03-08：2026-W11 含 2026-03-11 之后的日子，不计入" in done.stdout


def test_an_unknown_channel_is_bad_input(workspace: Path) -> None:
    done = CliRunner().invoke(
        cli, ["send", "--channel", "nope", "--lang", "en", "-w", str(workspace)]
    )
    assert done.exit_code == 2
    assert "--channel nope: no such channel; the channels are: branch-group, managers" in (
        done.output
    )
    zh = CliRunner().invoke(
        cli, ["send", "--channel", "nope", "--lang", "zh", "-w", str(workspace)]
    )
    assert "--channel nope：没有这个渠道；已有的渠道：branch-group、managers\n" in zh.output


def test_validate_refuses_a_secret_written_into_the_settings(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        '[[send.channels]]\nkind = "wecom"\nname = "g"\n'
        'url_env = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=LEAKED"\n'
        'secret = "LEAKED-TOO"\n',
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert "okrdesk.toml:4: send.channels[0].url_env: expected the NAME of an environment" in (
        done.output
    )
    assert "okrdesk.toml:5: send.channels[0].secret: secrets never go in a file" in done.output
    assert "LEAKED" not in done.output


def test_validate_warns_of_a_webhook_url_that_is_not_encrypted(workspace: Path) -> None:
    # validate reads the variable, never the URL: nothing is sent anywhere.
    plain = "http://webhook.example.com/cgi-bin/webhook/send?key=LEAKED"
    done = CliRunner().invoke(
        cli, ["validate", "--lang", "en", "-w", str(workspace)],
        env={"TEST_WECOM_URL": plain, "TEST_DING_URL": "http://127.0.0.1:9/robot/send"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output  # a warning, not a problem
    assert (
        "warning: okrdesk.toml:8: send.channels[0].url_env: $TEST_WECOM_URL is an http:// URL "
        "to webhook.example.com: the webhook's key and the report would cross the network "
        "unencrypted; use the https:// URL"
    ) in done.output
    assert "TEST_DING_URL" not in done.output and "LEAKED" not in done.output
    chinese = CliRunner().invoke(
        cli, ["validate", "-w", str(workspace)], env={"TEST_WECOM_URL": plain}
    )
    assert "警告：okrdesk.toml:8" in chinese.output and "以明文经过网络" in chinese.output
    secure = CliRunner().invoke(
        cli, ["validate", "--lang", "en", "-w", str(workspace)],
        env={"TEST_WECOM_URL": plain.replace("http:", "https:")},
    )  # fmt: skip
    assert secure.exit_code == 0 and "warning" not in secure.output


def test_validate_warns_of_a_channel_whose_webhook_is_another_vendor_s(workspace: Path) -> None:
    """A Feishu bot's URL pasted into a wecom channel's variable: the send failed with the
    bot's own words, and validate, the check a manager runs first, said nothing."""
    feishu = "https://open.feishu.cn/open-apis/bot/v2/hook/LEAKED-0123456789abcdef"
    dingtalk = "https://oapi.dingtalk.com/robot/send?access_token=LEAKED"
    done = CliRunner().invoke(
        cli, ["validate", "--lang", "en", "-w", str(workspace)],
        env={"TEST_WECOM_URL": feishu, "TEST_DING_URL": dingtalk},
    )  # fmt: skip
    assert done.exit_code == 0, done.output  # a warning: cron's variable may be another
    assert (
        'warning: okrdesk.toml:6: send.channels[0].kind: kind = "wecom", but $TEST_WECOM_URL '
        'holds the webhook of a Feishu bot (open.feishu.cn): set kind = "feishu", or give '
        "$TEST_WECOM_URL the WeCom robot's URL"
    ) in done.output
    assert "LEAKED" not in done.output and "TEST_DING_URL" not in done.output
    chinese = CliRunner().invoke(
        cli, ["validate", "-w", str(workspace)],
        env={"TEST_WECOM_URL": feishu, "TEST_DING_URL": feishu.replace("feishu.cn", "x.cn")},
    )  # fmt: skip
    assert (
        '警告：okrdesk.toml:6: send.channels[0].kind: kind = "wecom"，但 $TEST_WECOM_URL 中是'
        '飞书机器人的 webhook（open.feishu.cn）：请设 kind = "feishu"，或在 $TEST_WECOM_URL '
        "中填企业微信群机器人的地址"
    ) in chinese.output
    assert "1 个警告" in chinese.output  # an address of no vendor's: a relay, say


def test_send_names_a_channel_s_mistakes_rather_than_finding_no_channel(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        '[[send.channels]]\nkind = "wecom"\nname = "g"\nwebhook_env = "W"\n', encoding="utf-8"
    )
    done = CliRunner().invoke(cli, ["send", "--dry-run", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert "okrdesk.toml:4: send.channels[0].webhook_env: unknown key" in done.output
    assert "no channels" not in done.output


def test_a_mail_address_that_is_none_or_two_is_refused_at_its_line(
    write_workspace: WriteWorkspace, smtp: Any
) -> None:
    port, received, _ = smtp
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        f'[[send.channels]]\nkind = "email"\nname = "m"\nhost = "127.0.0.1"\nport = {port}\n'
        'security = "none"\nsender = "okrdesk"\nto = [\n'
        '  "boss@branch.example，cfo@branch.example",\n'  # a Chinese keyboard's comma
        '  "boss@branch.example; cfo@branch.example",\n'  # as Outlook separates them
        '  "boss@",\n'
        '  "boss@branch.example\\nBcc: someone@else.example",\n'
        '  "张三 <zhang@branch.example>",\n'
        "]\n",
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    output = done.output
    assert (
        "okrdesk.toml:7: send.channels[0].sender: expected a mail address such as "
        'boss@branch.example.com, not "okrdesk"' in output
    )
    two = [
        (9, 0, "boss@branch.example，cfo@branch.example"),
        (10, 1, "boss@branch.example; cfo@branch.example"),
        (12, 3, "boss@branch.example\\nBcc: someone@else.example"),
    ]
    for line, at, written in two:
        assert (f'okrdesk.toml:{line}: send.channels[0].to[{at}]: "{written}" holds more than '
                "one address; give each its own string") in output  # fmt: skip
    assert "okrdesk.toml:11: send.channels[0].to[2]: expected a mail address" in output
    assert "to[4]" not in output  # a name with its address is one address
    zh = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert '应为邮箱地址，例如 boss@branch.example.com，而不是 "boss@"' in zh.output
    assert "含有不止一个地址；请每个地址单独写一个字符串" in zh.output
    sent = CliRunner().invoke(cli, ["send", "--lang", "en", "-w", str(trusted(root))])
    assert sent.exit_code == 2, sent.output
    assert "holds more than one address" in sent.output
    assert received == []


def test_a_login_without_its_password_or_a_password_without_a_login_is_refused(
    write_workspace: WriteWorkspace,
) -> None:
    """A login with no password_env logged in with an empty password, and a password_env
    with no user was never used: the mail went without a login, unsaid."""
    root = write_workspace()
    mailbox_at = ('[[send.channels]]\nkind = "email"\nname = "{}"\nhost = "localhost"\n'
                  'sender = "a@example.com"\nto = ["b@example.com"]\n')  # fmt: skip
    (root / "okrdesk.toml").write_text(
        mailbox_at.format("m1")
        + 'user = "okrdesk"\n\n'
        + mailbox_at.format("m2")
        + 'password_env = "SMTP_PASSWORD"\n',
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert (
        "okrdesk.toml:7: send.channels[0].user: a login needs its password: give "
        "password_env, the NAME of the environment variable holding it"
    ) in done.output
    assert (
        "okrdesk.toml:15: send.channels[1].password_env: a password is used only to log in: "
        "give user, the name to log in as, or leave password_env out"
    ) in done.output
    zh = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert "登录需要密码：请用 password_env 写明存放密码的环境变量名" in zh.output
    assert "密码只用于登录：请用 user 写明登录账号，或去掉 password_env" in zh.output


def test_validate_names_a_misplaced_or_missing_setting(write_workspace: WriteWorkspace) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        '[[send.channels]]\nkind = "wecom"\nname = "g"\nurl_env = "W"\nsecret_env = "S"\n\n'
        '[[send.channels]]\nkind = "email"\nname = "m"\nhost = "smtp.example.com"\n'
        'sender = "a@example.com"\nto = []\n',
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2
    assert "okrdesk.toml:5: send.channels[0].secret_env: a WeCom group robot has no" in (
        done.output
    )
    assert "okrdesk.toml:12: send.channels[1].to: give at least one address" in done.output
    # What people call a kind is taken for the kind it is.
    (root / "okrdesk.toml").write_text(
        '[[send.channels]]\nkind = "WeChat"\nname = "g"\nurl_env = "W"\n\n'
        '[[send.channels]]\nkind = "钉钉"\nname = "d"\nurl_env = "D"\n',
        encoding="utf-8",
    )
    kinds = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert (
        'okrdesk.toml:2: send.channels[0].kind: "WeChat" is not allowed (did you mean '
        in (kinds.output)
        and '"wecom"?)' in kinds.output
    )
    assert '"钉钉" is not allowed (did you mean "dingtalk"?)' in kinds.output
    # An email channel written "mail" is that slip alone, its email keys not unknown.
    (root / "okrdesk.toml").write_text(
        '[[send.channels]]\nkind = "mail"\nname = "m"\nhost = "smtp.example.com"\n'
        'sender = "a@example.com"\nto = ["b@example.com"]\n',
        encoding="utf-8",
    )
    mail = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    told = [line for line in mail.output.splitlines() if line.startswith("okrdesk.toml:")]
    assert told == ['okrdesk.toml:2: send.channels[0].kind: "mail" is not allowed (did you '
                    'mean "email"?); expected one of: wecom, feishu, dingtalk, email']  # fmt: skip


def test_validate_never_echoes_a_secret_in_the_source_line(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace()
    (root / "okrdesk.toml").write_text(
        '[[send.channels]]\nkind = "wecom"\nname = "g"\nurl_env = "WECOM_URL"\n'
        'webhook_token = "LEAKED"\n',
        encoding="utf-8",
    )
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 2 and "webhook_token = ***" in done.output
    assert "LEAKED" not in done.output


VISITS = """\
[[objectives]]
id = "T1"
title = "一部客户服务"
owner = "team-a"

  [[objectives.key_results]]
  id = "VISITS"
  title = "客户回访"
  target = 40
  unit = "户"
  cadence = "month"
"""


@pytest.fixture
def owing(write_workspace: WriteWorkspace) -> Path:
    root = write_workspace({"visits.toml": VISITS})
    (root / "okrdesk.toml").write_text(SETTINGS, encoding="utf-8")
    return root


def test_send_due_posts_who_owes_what_to_every_channel(owing: Path, bot: Bot) -> None:
    done = CliRunner().invoke(
        cli, ["send", "--due", "--as-of", "2026-03-15", "-w", str(owing)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    wecom = bot.received[0]["body"]["markdown"]["content"]
    # Team A's lead owes its monthly check-in, never made since the plan began.
    assert "2026-03-15 待打卡：1 项，1 人" in wecom
    # As the report's first screen and okrdesk due say it.
    assert "**王芳**：1 项，逾期 1 项（自 2026-01-01 起未打卡）\n" in wecom
    # January and February went by without one; March's is still open. As due says it.
    owed = "T1.VISITS 客户回访（财富管理一部，每月一次，自 2026-01-01 起尚无打卡，已缺 2 个月）"
    assert f"- {owed}\n" in wecom
    due = CliRunner().invoke(cli, ["due", "--as-of", "2026-03-15", "-w", str(owing)],
                             env={"COLUMNS": "200"})  # fmt: skip
    assert f"  {owed}\n" in due.output
    assert bot.received[1]["body"]["msgtype"] == "markdown"
    assert not (owing / "out").exists()  # a reminder writes no report
    # Owed for the objective's owner itself: no --unit to add.
    assert wecom.endswith("\n\n打卡：`okrdesk checkin 关键结果 数值 --note 说明`"), wecom


def test_a_mailed_reminder_shows_the_command_without_backticks(owing: Path, smtp: Any) -> None:
    """A mail is read as plain text, where `okrdesk checkin …` showed its backticks."""
    port, received, _ = smtp
    (owing / "okrdesk.toml").write_text(f"""
[send]
[[send.channels]]
kind = "email"
name = "boss"
host = "127.0.0.1"
port = {port}
security = "none"
sender = "okrdesk@branch.example"
to = ["boss@branch.example"]
""", encoding="utf-8")  # fmt: skip
    for lang in ("zh", "en"):
        args = ["send", "--due", "--as-of", "2026-03-15", "--lang", lang]
        done = CliRunner().invoke(cli, [*args, "-w", str(trusted(owing))])
        assert done.exit_code == 0, done.output
    texts = [mail.get_body(("plain",)).get_content() for mail in received]  # type: ignore[union-attr]
    assert "\n打卡：okrdesk checkin 关键结果 数值 --note 说明\n" in texts[0], texts[0]
    assert "`" not in texts[0] and "`" not in texts[1]
    assert "okrdesk checkin KEY_RESULT VALUE --note" in texts[1], texts[1]


def test_send_due_in_english_counts_people_and_missed_periods_as_due_does(
    owing: Path, bot: Bot
) -> None:
    """The reminder's heading names what the 1 counts (not "21, by 1"), and its missed
    check-ins are months, as `okrdesk due` says them."""
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    args = ["--as-of", "2026-03-15", "--lang", "en", "-w", str(owing)]
    done = CliRunner().invoke(cli, ["send", "--due", *args], env=env)
    assert done.exit_code == 0, done.output
    wecom = bot.received[0]["body"]["markdown"]["content"]
    assert "Check-ins owed on 2026-03-15: 1, by 1 person\n" in wecom
    owed = "T1.VISITS 客户回访 (财富管理一部, every month, none since 2026-01-01, 2 months missed)"
    assert f"- {owed}\n" in wecom
    due = CliRunner().invoke(cli, ["due", *args], env={"COLUMNS": "200"})
    assert "Check-ins owed on 2026-03-15: 1, by 1 person." in due.output
    assert f"  {owed}\n" in due.output


def test_a_dry_run_counts_its_messages_in_english(owing: Path, bot: Bot) -> None:
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    args = ["send", "--due", "--dry-run", "--as-of", "2026-03-15", "--lang", "en"]
    done = CliRunner().invoke(cli, [*args, "-w", str(owing)], env=env)
    assert done.exit_code == 0, done.output
    assert "branch-group (wecom): 1 message\n" in done.stdout


def test_send_due_sends_nothing_when_nothing_is_owed(owing: Path, bot: Bot) -> None:
    checked = CliRunner().invoke(cli, ["checkin", "T1.VISITS", "12", "--date", "2026-03-10",
                                       "--by", "王芳", "-w", str(owing)])  # fmt: skip
    assert checked.exit_code == 0, checked.output
    done = CliRunner().invoke(
        cli, ["send", "--due", "--as-of", "2026-03-15", "-w", str(owing)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert done.exit_code == 0 and "2026-03-15 无待打卡：未发送。" in done.stdout
    english = CliRunner().invoke(
        cli, ["send", "--due", "--as-of", "2026-03-15", "--lang", "en", "-w", str(owing)],
        env={"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"},
    )  # fmt: skip
    assert "No check-ins owed on 2026-03-15: nothing sent." in english.stdout
    assert bot.received == []


def test_send_due_names_the_channels_it_left_alone_where_others_were_reminded(
    owing: Path, bot: Bot
) -> None:
    """王芳 owes team A's check-in; 李强, whose own group the managers' is, owes none:
    the line saying nothing was sent names his group, not the whole send."""
    settings = SETTINGS.replace('secret_env = "TEST_DING_SECRET"\n',
                                'secret_env = "TEST_DING_SECRET"\nunit = "cm02"\n')  # fmt: skip
    (owing / "okrdesk.toml").write_text(settings, encoding="utf-8")
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    args = ["send", "--due", "--as-of", "2026-03-15", "-w", str(owing)]
    done = CliRunner().invoke(cli, args, env=env)
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [
        "已发送至 branch-group（wecom）：1 条消息",
        "2026-03-15 李强无待打卡：未发送至 managers。",
    ]
    english = CliRunner().invoke(cli, [*args, "--lang", "en"], env=env)
    assert english.stdout.splitlines()[-1] == (
        "No check-ins owed on 2026-03-15 in 李强: nothing sent to managers."
    )
    assert len(bot.received) == 2  # branch-group's, twice


@pytest.mark.parametrize("due", [[], ["--due"]])
def test_an_unknown_unit_is_refused_before_any_channel_is_sent_to(
    owing: Path, bot: Bot, due: list[str]
) -> None:
    """A head office's branch groups name their units, its own group none: `send --unit
    b03` (for b003) posted every branch group its message, then failed at the head
    office's (exit 2), so sending again once the typo was put right posted them twice."""
    settings = SETTINGS.replace('url_env = "TEST_WECOM_URL"\n',
                                'url_env = "TEST_WECOM_URL"\nunit = "team-a"\n')  # fmt: skip
    (owing / "okrdesk.toml").write_text(settings, encoding="utf-8")
    collected = CliRunner().invoke(cli, ["collect", "--through", "2026-03-15", "-w", str(owing)])
    assert collected.exit_code == 0, collected.output
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    args = ["send", *due, "--as-of", "2026-03-15", "--unit", "team-x", "-w", str(owing)]
    for lang, said in (
        ("zh", '--unit：没有单位或人员 "team-x"（是不是“team-a”？）\n'),
        ("en", '--unit: no unit or person "team-x" (did you mean "team-a"?)\n'),
    ):
        done = CliRunner().invoke(cli, [*args, "--lang", lang], env=env)
        assert done.exit_code == 2, done.output
        assert done.output == said
    assert bot.received == []
    assert not (owing / "out").exists()


def test_validate_warns_of_two_channels_posting_to_one_group(
    write_workspace: WriteWorkspace,
) -> None:
    """A branch's block copied for the next, its url_env left as it was: the next
    branch's report would reach the first branch's group."""
    root = write_workspace()
    settings = root / "okrdesk.toml"
    group = '[[send.channels]]\nkind = "wecom"\nname = "{}"\nurl_env = "{}"\nunit = "{}"\n\n'
    settings.write_text(group.format("branch-group", "W_BRANCH", "branch")
                        + group.format("team-a-group", "W_BRANCH", "team-a"),
                        encoding="utf-8")  # fmt: skip
    done = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert done.exit_code == 0, done.output
    assert (
        "warning: okrdesk.toml:10: send.channels[1].url_env: $W_BRANCH is also the webhook of "
        "channel branch-group: 财富管理一部's report would go to the group that gets 福田营业部's; "
        "give each group's channel a variable of its own"
    ) in done.output
    zh = CliRunner().invoke(cli, ["validate", "--lang", "zh", "-w", str(root)])
    assert ("$W_BRANCH 也是渠道 branch-group 的 webhook：财富管理一部的报告会发到接收"
            "福田营业部报告的群；请为每个群的渠道各用一个变量") in zh.output  # fmt: skip
    settings.write_text(group.format("branch-group", "W_BRANCH", "branch")
                        + group.format("again", "W_BRANCH", "branch")
                        + group.format("team-a-group", "W_TEAM", "team-a"),
                        encoding="utf-8")  # fmt: skip
    twice = CliRunner().invoke(cli, ["validate", "--lang", "en", "-w", str(root)])
    assert (
        "okrdesk.toml:10: send.channels[1].url_env: $W_BRANCH is also the webhook of channel "
        "branch-group: its group would get 福田营业部's message twice"
    ) in twice.output
    assert "W_TEAM" not in twice.output


def test_send_due_refuses_a_day_before_the_plan_as_the_report_does(owing: Path, bot: Bot) -> None:
    """A head office typing last year (2025-03-13 for 2026-03-13) sent every group the
    reminders of the plan's first day, a day not yet come, and exited 0."""
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    done = CliRunner().invoke(
        cli, ["send", "--due", "--as-of", "2025-03-13", "-w", str(owing)], env=env
    )
    assert done.exit_code == 2, done.output
    assert done.output == "2025-03-13 早于计划开始日（2026-01-01）\n"
    assert bot.received == []


def test_send_due_reminds_as_of_the_week_asked_for(owing: Path, bot: Bot) -> None:
    """--week 2026-W11 is its Sunday, 15 March, for the reminders as for the report; it
    was left unread and the reminders were today's."""
    env = {"TEST_WECOM_URL": bot.url, "TEST_DING_URL": bot.url, "TEST_DING_SECRET": "s3"}
    done = CliRunner().invoke(
        cli, ["send", "--due", "--week", "2026-W11", "--channel", "branch-group",
              "-w", str(owing)], env=env,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    [sent] = bot.received
    assert "2026-03-15 待打卡：1 项，1 人" in sent["body"]["markdown"]["content"]
    both = CliRunner().invoke(
        cli, ["send", "--due", "--week", "2026-W11", "--as-of", "2026-03-15", "-w", str(owing)],
        env=env,
    )  # fmt: skip
    assert both.exit_code == 2 and "--as-of 与 --week 只能给一个" in both.output
