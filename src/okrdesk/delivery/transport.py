"""Posting JSON to a bot's webhook: rate limits, bounded retries, error replies.

Every delivery over HTTP goes through ``post_json``: it retries a 429 or a
503, which say the message was not handled, with exponential back-off (or the server's
``Retry-After``; one longer than a send waits stops the channel, saying when to send
again), a bounded number of times, and no other answer; it treats a 200 whose
JSON body carries an error code as the failure it is, and one without the bot's code
as unconfirmed. Each request has one time limit for all of it, connecting to the last byte
of the answer; a redirect is never followed (it would repeat the request as
a GET without its body). The clock that paces sends is injected so tests
need not wait.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http.client
import json
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Mapping
from typing import IO, Any, Protocol

import attrs

from okrdesk.environment import seconds_from_environment
from okrdesk.errors import EXIT_FAILED, OkrdeskError, Said
from okrdesk.messages import duration

ATTEMPTS = 4
FIRST_DELAY = 1.0
LONGEST_DELAY = 30.0
DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "OKRDESK_SEND_TIMEOUT"
GATEWAY_TIMEOUT = 504
UNUSABLE_URL = Said(
    "the webhook URL cannot be used: look for a space, a line break or a mistyped host in it",
    "webhook 地址无法使用：请检查其中是否有空格、换行或拼错的主机名",
)
MAY_HAVE_ARRIVED = Said("the message may have arrived all the same", "消息可能仍已送达")


class DeliveryFailed(OkrdeskError):
    """A channel did not take the message; ``said`` says why in each language, and
    ``sent`` how many of its ``parts`` went before; ``unsigned`` when the bot refused its
    signature (a wrong secret, or none where the bot checks one); ``throttled`` when it
    refused it as sent too fast, and ``wait`` how long the server asked to be left
    alone (its Retry-After) where it said; ``advice`` what to do, said after how many
    parts went; ``may_have_arrived`` when the request went and no answer said whether the
    bot took it (a server's error after it, a time limit, a connection broken), so that
    sending again could post it twice; ``reached_some`` when it went to some of the
    channel's recipients and not to others (a mail server that refused an address), so
    that sending the channel again sends it again to those who have it."""

    exit_code = EXIT_FAILED

    def __init__(
        self, said: Said, sent: int = 0, parts: int = 1, unsigned: bool = False,
        throttled: bool = False, advice: Said | None = None, may_have_arrived: bool = False,
        wait: Said | None = None, reached_some: bool = False,
    ) -> None:  # fmt: skip
        super().__init__(said)
        self.sent = sent
        self.parts = parts
        self.unsigned = unsigned
        self.throttled = throttled
        self.advice = advice
        self.may_have_arrived = may_have_arrived
        self.wait = wait
        self.reached_some = reached_some


class Stopped(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) while a channel was being sent: ``sent`` of its ``parts`` had
    gone, and ``underway`` says whether one more was on its way (a request made, a mail
    whose data's last line went), so that the channel may have it though nothing said so;
    ``sent`` equal to ``parts`` when the channel took it all (a mail server's answer to
    its data) before the stop; ``failure`` what went wrong all the same before it (a
    mail server that refused some recipients and took it for the others)."""

    def __init__(
        self, sent: int, parts: int, underway: bool, failure: DeliveryFailed | None = None
    ) -> None:
        super().__init__()
        self.sent = sent
        self.parts = parts
        self.underway = underway
        self.failure = failure


@attrs.frozen
class Replies:
    """How a vendor's bot says whether it posted a message: a code, 0 when it did, and
    words saying why not."""

    bot: Said
    """The bot, as a failure names it ("WeCom robot", "企业微信群机器人")."""
    code: tuple[str, ...]
    """The fields the code can be in, the first one there read."""
    detail: tuple[str, ...]
    """The fields its words can be in."""
    unsigned: tuple[tuple[int, str], ...] = ()
    """The codes, each with a word its words then hold, by which it refuses a signature."""
    meanings: tuple[tuple[int, str, Said], ...] = ()
    """What a code means, with a word its words then hold ("" for any), the first that
    fits read: said in the message's language, ``{error}`` standing for the bot's own
    code and words."""

    def code_of(self, reply: Mapping[str, Any]) -> int | None:
        """The code, None when the reply has none: a number, or one written as a string
        (``"0"``), as a relay in between may write it."""
        field = self._field(reply)
        value = None if field is None else reply[field]
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,12}", value.strip()):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return None

    def error_of(self, reply: Mapping[str, Any]) -> str:
        """The code under its field's name, with the bot's words: ``errcode 93000: …``."""
        said = f"{self._field(reply)} {self.code_of(reply)}"
        detail = next((str(reply[f]).strip() for f in self.detail if reply.get(f)), "")
        return f"{said}: {detail}" if detail else said

    def meaning_of(self, reply: Mapping[str, Any]) -> Said | None:
        """What the reply's error means, the bot's words in it; None when not known."""
        code, error = self.code_of(reply), self.error_of(reply)
        return next(
            (Said(said.en.replace("{error}", error), said.zh.replace("{error}", error))
             for known, word, said in self.meanings
             if code == known and word in error.lower()),
            None,
        )  # fmt: skip

    def refuses_signature(self, reply: Mapping[str, Any]) -> bool:
        code, words = self.code_of(reply), self.error_of(reply).lower()
        return any(code == refused and word in words for refused, word in self.unsigned)

    def _field(self, reply: Mapping[str, Any]) -> str | None:
        return next((f for f in self.code if f in reply), None)


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def time(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock: what ``okrdesk send`` uses outside tests."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@attrs.define
class RateLimiter:
    """At most ``count`` sends in any ``seconds``, for each (count, seconds) pair."""

    limits: tuple[tuple[int, float], ...]
    clock: Clock
    sent: list[float] = attrs.field(factory=list)

    def wait(self) -> None:
        """Sleep until one more send keeps within every limit, then count it."""
        for count, seconds in self.limits:
            while True:
                now = self.clock.monotonic()
                recent = [t for t in self.sent if t > now - seconds]
                if len(recent) < count:
                    break
                self.clock.sleep(max(recent[-count] + seconds - now, 0.001))
        self.sent.append(self.clock.monotonic())


def post_json(
    url: str,
    body: Mapping[str, Any],
    clock: Clock,
    replies: Replies,
    throttle_codes: Collection[int] = (),
) -> dict[str, Any]:
    """POST ``body`` as JSON to ``url`` and return the JSON reply.

    ``replies`` reads whether the bot posted it from a 200 reply: a code other than
    0 is a failure, and so is a reply without one (empty, a web page, another
    service's JSON), which does not say the message was posted; ``throttle_codes`` are
    the vendor's "sent too fast" codes, never retried: the vendor holds the bot back for
    a minute or more, longer than a send should wait, and each attempt counts against it.
    """
    if (problem := url_problem(url)) is not None:
        raise DeliveryFailed(problem)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    seconds = request_timeout()
    problem = Said("", "")
    for attempt in range(ATTEMPTS):
        status, text, retry_after = _post(url, data, seconds)
        text = _masked(text, url)
        asked = _asked_to_wait(retry_after, clock.time())
        if status in RETRIED and asked is not None and asked > LONGEST_DELAY:
            raise _held_off(status, retry_after or "", asked)
        if status in RETRIED:
            problem = Said(f"HTTP {status}", f"HTTP {status}")
        elif status >= 500:
            raise DeliveryFailed(_server_error(status, text), may_have_arrived=True)
        elif status >= 400:
            meant, came = _MEANT.get(status, Said("", "")), _came_with(text)
            raise DeliveryFailed(Said(f"HTTP {status}{meant.en}{came.en}",
                                      f"HTTP {status}{meant.zh}{came.zh}"))  # fmt: skip
        else:
            reply = _json(text, replies)
            code = replies.code_of(reply)
            if code is None:
                raise DeliveryFailed(_unconfirmed(replies, _without_code(replies, reply, text)),
                                     may_have_arrived=True)  # fmt: skip
            if code == 0:
                return reply
            error = replies.error_of(reply)
            problem = replies.meaning_of(reply) or Said(
                f"the bot answered with an error: {error}", f"机器人返回错误：{error}"
            )
            raise DeliveryFailed(problem, unsigned=replies.refuses_signature(reply),
                                 throttled=code in throttle_codes)  # fmt: skip
        if attempt + 1 < ATTEMPTS:
            clock.sleep(_delay(attempt, asked))
    raise DeliveryFailed(Said(f"{problem.en}, still after {ATTEMPTS} attempts",
                              f"{problem.zh}，重试 {ATTEMPTS} 次仍失败"))  # fmt: skip


RETRIED = (429, 503)
"""The answers that say the message was not handled (too many requests; unavailable), so
that it can go again. Any other 5xx may come after the bot took it (a proxy's 502 when
the bot's answer went wrong on its way back, a 504 when it was slow, a 500 from a bot
that failed after posting it): sent again, the group could read it twice."""


def _server_error(status: int, text: bytes) -> Said:
    """A 5xx not retried: what it means, what came with it, and that the group may have
    the message."""
    meant = _SERVER_MEANT.get(status, Said(
        ", an error on the server's side", "，服务器一方出错"))  # fmt: skip
    # A gateway's page says no more than its status.
    came = Said("", "") if status == GATEWAY_TIMEOUT else _came_with(text)
    return Said(f"HTTP {status}{meant.en}{came.en}; {MAY_HAVE_ARRIVED.en}",
                f"HTTP {status}{meant.zh}{came.zh}；{MAY_HAVE_ARRIVED.zh}")  # fmt: skip


def _came_with(text: bytes) -> Said:
    """What came with an error's status, to follow it: nothing when it was empty, a web
    page (a proxy's or firewall's error page) by its title, else the text itself."""
    title = _TITLE.search(text[:65536])
    if not text.strip():
        return Said("", "")
    if title is not None and title.group(1).strip():
        name = _one_line(title.group(1))
        return Said(f': a web page titled "{name}"', f"：网页，标题为“{name}”")
    return Said(f": {_one_line(text)}", f"：{_one_line(text)}")


_SERVER_MEANT = {
    500: Said(", the server failed while handling the message",
              "，服务器处理消息时出错"),
    502: Said(", a gateway between here and the bot had no good answer from the bot",
              "，本机与机器人之间的网关没有从机器人那里得到正常应答"),
    504: Said(": a gateway between here and the bot gave up waiting for the bot's answer",
              "：本机与机器人之间的网关没等到机器人的应答"),
}  # fmt: skip


_MEANT = {
    403: Said(", refused (a proxy or firewall in between may block the address)",
              "，被拒绝（可能是中间的代理或防火墙拦截了该地址）"),
    404: Said(", nothing at this address: check the webhook URL",
              "，该地址不存在：请核对 webhook 地址"),
    407: Said(", the proxy in between asks for a login ($HTTPS_PROXY)",
              "，中间的代理要求登录（$HTTPS_PROXY）"),
    413: Said(", the message is too large for a server in between",
              "，消息超出了中间服务器允许的大小"),
}  # fmt: skip
"""What a refusal says to a reader who does not know HTTP's numbers: the vendors' bots
answer 200 with their own code, so these come from a wrong address or what is between."""


def url_problem(url: str) -> Said | None:
    """Why a webhook URL cannot be posted to, never quoting it (it holds the key); None
    when it can be tried. ``send --dry-run`` asks too, so that a cron line it passed
    does not fail on Monday."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return UNUSABLE_URL
    if parts.scheme not in ("http", "https"):
        # Copied from a secrets file with its quotes, it starts with one.
        quoted = url[:1] in ("'", '"')
        return Said("the webhook URL must start with https:// (or http://)"
                    + ("; it starts with a quote: set it without the quotes" if quoted else ""),
                    "webhook 地址须以 https://（或 http://）开头"
                    + ("；它以引号开头：设置时请去掉引号" if quoted else ""))  # fmt: skip
    if not host or any(c <= " " or c == "\x7f" for c in url):
        return UNUSABLE_URL
    return None


def request_timeout() -> float:
    """Seconds one request may take, from connecting to the last byte of the answer
    (``$OKRDESK_SEND_TIMEOUT``, 30)."""
    return seconds_from_environment(TIMEOUT_ENV, DEFAULT_TIMEOUT, above_zero=True)


class TimeLimit:
    """One conversation's time limit: when it is up, its connections are cut, whatever
    they were waiting for: a server can trickle its answer (or a TLS handshake, or a
    proxy's reply to CONNECT) a byte at a time, each read well within a socket's
    timeout. A connection is watched from the moment its socket exists, before any
    TLS or tunnel is set up on it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.connected = False
        self.over = False
        self._copies: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, connection: socket.socket) -> None:
        # A copy of its descriptor: wrapping a socket in TLS detaches it, which would
        # leave nothing to cut during the handshake; the copy reaches the connection
        # whatever wraps it by then, and closing the copy leaves the connection open.
        copy = connection.dup()
        with self._lock:
            self.connected = True
            self._copies.append(copy)
            if self.over:
                _shut(copy)

    def end(self) -> None:
        self._timer.cancel()
        with self._lock:
            for copy in self._copies:
                copy.close()
            self._copies.clear()

    def _cut(self) -> None:
        with self._lock:
            self.over = True
            for copy in self._copies:
                _shut(copy)


class _Attempt(TimeLimit):
    """One request to a webhook within its time limit; ``ready`` once its connection is
    set up (TLS, a proxy's tunnel) and the request can go."""

    ready = False

    def failure(self, error: Exception) -> Said:
        """What went wrong, as the channel's failure says it."""
        if self.connected and not self.ready and (self.over or _timed_out(error)):
            return Said(
                f"the webhook did not finish connecting within {self.seconds:g} s; "
                "the message was not sent",
                f"webhook 在 {self.seconds:g} 秒内未完成连接；消息未发出",
            )
        if self.connected and (self.over or _timed_out(error)):
            return self.no_answer()
        if not self.connected and isinstance(error, ValueError | http.client.InvalidURL):
            # Never its own words: they quote the URL, key and all.
            return UNUSABLE_URL
        if not self.ready:
            # Not connected, or refused while connecting (a certificate nobody vouches
            # for, a proxy's refusal): the request never went.
            reason = system_error(error)
            return Said(f"cannot reach the webhook: {reason.en}", f"无法连接 webhook：{reason.zh}")
        broken = _broken(error)
        return Said(f"{broken.en}; {MAY_HAVE_ARRIVED.en}", f"{broken.zh}；{MAY_HAVE_ARRIVED.zh}")

    def no_answer(self) -> Said:
        return Said(f"no answer within {self.seconds:g} s; {MAY_HAVE_ARRIVED.en}",
                    f"{self.seconds:g} 秒内没有应答；{MAY_HAVE_ARRIVED.zh}")  # fmt: skip


def _shut(connection: socket.socket) -> None:
    # socket.socket's own shutdown, also for a TLS socket: its read is stopped by
    # the end of the stream, where SSLSocket.shutdown would first drop its TLS state.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(connection, socket.SHUT_RDWR)


def _timed_out(error: Exception) -> bool:
    reason = getattr(error, "reason", error)
    return isinstance(error, TimeoutError) or isinstance(reason, TimeoutError)


def _broken(error: Exception) -> Said:
    if isinstance(error, http.client.IncompleteRead):
        read = len(error.partial)
        if error.expected:
            whole = read + error.expected
            return Said(f"the webhook's answer broke off after {read} of {whole} bytes",
                        f"webhook 的应答在 {read} 字节处中断（应有 {whole} 字节）")  # fmt: skip
        return Said(f"the webhook's answer broke off after {read} bytes",
                    f"webhook 的应答在 {read} 字节处中断")  # fmt: skip
    if isinstance(error, http.client.RemoteDisconnected):
        return Said("the webhook closed the connection without answering",
                    "webhook 未应答即关闭了连接")  # fmt: skip
    if isinstance(error, http.client.BadStatusLine):
        line = repr(str(error)[:60])
        return Said(f"the webhook did not answer in HTTP: {line}",
                    f"webhook 的应答不是 HTTP：{line}")  # fmt: skip
    reason = system_error(error)
    return Said(
        f"the connection to the webhook broke: {reason.en}", f"与 webhook 的连接中断：{reason.zh}"
    )


def system_error(error: BaseException) -> Said:
    """A connection's failure in the message's language, the system's own words (in its
    English) after it in brackets: ``the connection was refused ([Errno 111] …)``."""
    # urllib wraps what went wrong in its reason; an SSLError's reason is a word alone.
    reason = error
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        reason = error.reason
    words = str(reason)
    said = next((s for kind, s in _SYSTEM_ERRORS if isinstance(reason, kind)), None)
    if said is None:
        return Said(words, words)
    return Said(f"{said.en} ({words})", f"{said.zh}（{words}）")


_SYSTEM_ERRORS: tuple[tuple[type[BaseException], Said], ...] = (
    (ssl.SSLCertVerificationError,
     Said("its certificate was not accepted", "其证书未通过校验")),
    (ssl.SSLError, Said("the TLS handshake failed", "TLS 握手失败")),
    (ConnectionRefusedError, Said("the connection was refused", "连接被拒绝")),
    (socket.gaierror, Said("the host name could not be looked up", "无法解析主机名")),
    (TimeoutError, Said("the connection timed out", "连接超时")),
    (ConnectionResetError, Said("the connection was reset", "连接被重置")),
)  # fmt: skip


class _WatchedConnection(http.client.HTTPConnection):
    """A connection whose socket its attempt's time limit watches from the moment it is
    opened: through a proxy's tunnel and a TLS handshake, not only once they are done."""

    def __init__(self, host: str, attempt: _Attempt, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.attempt = attempt
        # http.client opens every socket through this attribute, the proxy's too.
        self._create_connection = self._watched_socket

    def _watched_socket(self, *args: Any, **kwargs: Any) -> socket.socket:
        connection = socket.create_connection(*args, **kwargs)
        self.attempt.watch(connection)
        return connection

    def connect(self) -> None:
        super().connect()
        self.attempt.ready = True


class _WatchedTLSConnection(_WatchedConnection, http.client.HTTPSConnection):
    pass


class _WatchedHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """Opens http and https URLs on connections the attempt's time limit watches."""

    def __init__(self, attempt: _Attempt) -> None:
        super().__init__()
        self.attempt = attempt

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedConnection, attempt=self.attempt), req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_WatchedTLSConnection, attempt=self.attempt), req)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect comes back as the HTTPError it is, where it leads unread."""

    def http_error_302(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
        headers: http.client.HTTPMessage,
    ) -> None:  # fmt: skip
        return None

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _post(url: str, data: bytes, seconds: float) -> tuple[int, bytes, str | None]:
    """One request within ``seconds``: the status, the answer and its Retry-After."""
    attempt = _Attempt(seconds)
    try:
        answer = _exchange(url, data, attempt)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        # Once its connection was set up the request went, and the bot may have taken it.
        raise DeliveryFailed(attempt.failure(error), may_have_arrived=attempt.ready) from None
    finally:
        attempt.end()
    if attempt.over:  # cut while an answer without a length was read: it may be short
        raise DeliveryFailed(attempt.no_answer(), may_have_arrived=True)
    return answer


def _exchange(url: str, data: bytes, attempt: _Attempt) -> tuple[int, bytes, str | None]:
    request = urllib.request.Request(
        url, data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )  # fmt: skip
    opener = urllib.request.build_opener(_WatchedHandler(attempt), _NoRedirect())
    try:
        with opener.open(request, timeout=attempt.seconds) as response:
            return response.status, response.read(), None
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            raise DeliveryFailed(_redirected(url, error)) from None
        return error.code, error.read(), error.headers.get("Retry-After")


def _redirected(url: str, error: urllib.error.HTTPError) -> Said:
    where = _where_to(url, error.headers.get("Location"))
    code = error.code
    if where is None:
        return Said(f"the webhook answered with a redirect (HTTP {code}); give the final URL",
                    f"webhook 返回了重定向（HTTP {code}）；请填写最终地址")  # fmt: skip
    return Said(
        f"the webhook answered with a redirect (HTTP {code}) to {where}; give the final URL",
        f"webhook 返回了重定向（HTTP {code}），指向 {where}；请填写最终地址",
    )


def _where_to(url: str, location: str | None) -> str | None:
    """Where a redirect leads, as 'https://host/…': without its path and query, which
    can carry the webhook's key."""
    if not location:
        return None
    try:
        target = urllib.parse.urlsplit(urllib.parse.urljoin(url, location))
    except ValueError:
        return None
    host = target.netloc.rpartition("@")[2]
    rest = "/…" if target.path.strip("/") or target.query else ""
    return f"{target.scheme}://{host}{rest}"


def _delay(attempt: int, asked: float | None) -> float:
    if asked is not None:
        return min(asked, LONGEST_DELAY)
    return min(FIRST_DELAY * (1 << attempt), LONGEST_DELAY)


def _asked_to_wait(retry_after: str | None, now: float) -> float | None:
    """Seconds a Retry-After asks for, as seconds or as the date to wait until; None
    when there is none, or it cannot be read."""
    value = (retry_after or "").strip()
    if value.isdigit():
        return float(value)
    try:
        until = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if until.tzinfo is None:  # an HTTP date is in GMT, and says so
        return None
    return max(until.timestamp() - now, 0.0)


_RETRIED_MEANT = {
    429: Said("too many requests", "请求过多"),
    503: Said("the service is unavailable for now", "服务暂不可用"),
}


def _held_off(status: int, retry_after: str, seconds: float) -> DeliveryFailed:
    """A 429 or 503 asking to wait longer than a send waits: the channel stops there, to
    be sent again when the server said (waited for, a cron job's send would hang for an
    hour; retried sooner, it is refused again, each attempt counted against it)."""
    meant = _RETRIED_MEANT[status]
    words = _one_line(retry_after.encode("utf-8"))
    return DeliveryFailed(
        Said(f"HTTP {status}, {meant.en} (Retry-After: {words})",
             f"HTTP {status}，{meant.zh}（Retry-After: {words}）"),
        throttled=True, wait=duration(seconds),
    )  # fmt: skip


def _json(text: bytes, replies: Replies) -> dict[str, Any]:
    try:
        reply = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        reply = None
    if not isinstance(reply, dict):
        raise DeliveryFailed(_unconfirmed(replies, _not_json(text)))
    return reply


def _unconfirmed(replies: Replies, what: Said) -> Said:
    """A 200 whose answer is not the bot's (a wrong address, a proxy's or gateway's page):
    not counted as sent, since only the bot's code says the group has the message; but
    the request reached a server, which may have passed it on."""
    field, bot = replies.code[0], replies.bot
    return Said(
        f"the webhook's answer does not say whether the message was posted: a {bot.en}'s "
        f"says so in its {field}, and {what.en}; check that the webhook URL is the one the "
        f"group's robot settings give; {MAY_HAVE_ARRIVED.en}",
        f"webhook 的应答没有说明消息是否已发出：{bot.zh}的应答以 {field} 说明，{what.zh}；"
        f"请核对 webhook 地址是否为群机器人设置中给出的地址；{MAY_HAVE_ARRIVED.zh}",
    )


def _without_code(replies: Replies, reply: Mapping[str, Any], text: bytes) -> Said:
    answer = _one_line(text)
    if replies.code[0] in reply:  # null, or words: no code a bot gives
        field = replies.code[0]
        return Said(f"this answer's is not a number: {answer}",
                    f"这个应答中的 {field} 不是数字：{answer}")  # fmt: skip
    return Said(f"this answer has none: {answer}", f"这个应答没有：{answer}")


_TITLE = re.compile(rb"<title[^>]*>([^<]*)</title>", re.IGNORECASE)


def _not_json(text: bytes) -> Said:
    """What an answer that is no bot's JSON was, as a reader knows it: nothing, a web
    page (by its title), or the text it is."""
    if not text.strip():
        return Said("this answer was empty", "这个应答为空")
    title = _TITLE.search(text[:65536])
    if title is not None and title.group(1).strip():
        name = _one_line(title.group(1))
        return Said(f"this answer is a web page titled \"{name}\"",
                    f"这个应答是一个网页，标题为“{name}”")  # fmt: skip
    if text.lstrip()[:1] == b"<":
        return Said(f"this answer is a web page: {_one_line(text)}",
                    f"这个应答是一个网页：{_one_line(text)}")  # fmt: skip
    return Said(f"this answer is: {_one_line(text)}", f"这个应答是：{_one_line(text)}")


def _one_line(text: bytes) -> str:
    return " ".join(_short(text).split())


SECRET_LEAST = 16
"""Characters from which a part of a webhook URL is taken for its key: the vendors' keys
and tokens (36 to 64), never their paths' words (``webhook``, ``open-apis``)."""


def _masked(text: bytes, url: str) -> bytes:
    """The answer with each part of the URL that can be its key (a path segment or query
    value, as sent or decoded) shown as ***: a server that echoes the path it was asked
    for (a web framework's 404 does) had the key printed with its answer."""
    parts = urllib.parse.urlsplit(url)
    pieces = [*parts.path.split("/"), parts.password or ""]
    pieces += [pair.partition("=")[2] for pair in parts.query.split("&")]
    secrets = {form for piece in pieces for form in (piece, urllib.parse.unquote_plus(piece))}
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= SECRET_LEAST:
            text = text.replace(secret.encode("utf-8", "replace"), b"***")
    return text


def _short(text: bytes) -> str:
    return text.decode("utf-8", "replace").strip()[:200]
