"""Posting JSON to a bot's webhook: rate limits, bounded retries, error replies.

Every delivery over HTTP goes through ``post_json``: it retries a 429 or a
5xx answer with exponential back-off (or the server's ``Retry-After``), a
bounded number of times, and treats a 200 whose JSON body carries an error
code as the failure it is. The clock is injected so tests need not wait.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Collection, Mapping
from typing import Any, Protocol

import attrs

from okrdesk.errors import EXIT_FAILED, OkrdeskError

ATTEMPTS = 4
FIRST_DELAY = 1.0
LONGEST_DELAY = 30.0
TIMEOUT = 15.0


class DeliveryFailed(OkrdeskError):
    """A channel did not take the message; the message says why."""

    exit_code = EXIT_FAILED


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
    error_of: Any,
    retry_codes: Collection[int] = (),
) -> dict[str, Any]:
    """POST ``body`` as JSON to ``url`` and return the JSON reply.

    ``error_of(reply)`` says what went wrong in a 200 reply (None when it
    is fine); ``retry_codes`` are the vendor's "too many requests" codes,
    retried like a 429.
    """
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise DeliveryFailed("the webhook URL must start with https:// (or http://)")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    problem = ""
    for attempt in range(ATTEMPTS):
        status, text, retry_after = _post(url, data)
        if status == 429 or status >= 500:
            problem = f"HTTP {status}"
        elif status >= 400:
            raise DeliveryFailed(f"HTTP {status}: {_short(text)}")
        else:
            reply = _json(text)
            error = error_of(reply)
            if error is None:
                return reply
            code = reply.get("errcode", reply.get("code"))
            if code not in retry_codes:
                raise DeliveryFailed(f"the bot answered with an error: {error}")
            problem = f"the bot answered with an error: {error}"
        if attempt + 1 < ATTEMPTS:
            clock.sleep(_delay(attempt, retry_after))
    raise DeliveryFailed(f"{problem}, still after {ATTEMPTS} attempts")


def _post(url: str, data: bytes) -> tuple[int, bytes, str | None]:
    request = urllib.request.Request(
        url, data=data, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read(), None
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Retry-After")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(f"cannot reach the webhook: {reason}") from None


def _delay(attempt: int, retry_after: str | None) -> float:
    if retry_after is not None and retry_after.strip().isdigit():
        return min(float(retry_after), LONGEST_DELAY)
    return min(FIRST_DELAY * (1 << attempt), LONGEST_DELAY)


def _json(text: bytes) -> dict[str, Any]:
    try:
        reply = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeliveryFailed(
            f"the webhook answered with something not JSON: {_short(text)}"
        ) from None
    if not isinstance(reply, dict):
        raise DeliveryFailed(f"the webhook answered with something unexpected: {_short(text)}")
    return reply


def _short(text: bytes) -> str:
    return text.decode("utf-8", "replace").strip()[:200]
