"""What every chat bot has in common: a webhook, a signature, limits, a reply."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

import attrs

from okrdesk.delivery.message import Message, fit
from okrdesk.delivery.transport import (
    Clock,
    DeliveryFailed,
    RateLimiter,
    Replies,
    Stopped,
    post_json,
)
from okrdesk.errors import Said

A_MINUTE = Said("a minute", "1 分钟")


@attrs.frozen
class Outgoing:
    """One request to a bot: where to, and the JSON body."""

    url: str
    body: dict[str, Any]


@attrs.frozen
class Bot:
    """How one vendor's group bot takes a message (one module per vendor)."""

    kind: str
    limits: tuple[tuple[int, float], ...]
    """(messages, seconds) the vendor documents as the most a bot takes."""
    body: Callable[[str, str], dict[str, Any]]
    """``body(title, text)``: the JSON for one message."""
    fits: Callable[[dict[str, Any]], bool]
    """Whether a body is within the vendor's size limit."""
    sign: Callable[[str, dict[str, Any], str, float], Outgoing]
    """``sign(url, body, secret, now)``: the request with its signature."""
    replies: Replies
    """How its answer says whether it posted the message."""
    throttle_codes: Collection[int] = ()
    """The codes by which it refuses a message as sent too fast."""
    throttled_for: Said = A_MINUTE
    """How long the vendor holds a bot back after it said so."""
    hosts: tuple[str, ...] = ()
    """The hosts its webhook URLs name, as the vendor gives them."""

    def requests(
        self, message: Message, url: str, secret: str | None, now: float
    ) -> list[Outgoing]:
        """The message as the requests that carry it, in order."""
        texts = fit(
            message.lines, lambda text: self.fits(self.body(message.title, text)), message.cut_note
        )
        bodies = [self.body(message.title, text) for text in texts]
        if secret is None:
            return [Outgoing(url, body) for body in bodies]
        return [self.sign(url, body, secret, now) for body in bodies]

    def deliver(self, message: Message, url: str, secret: str | None, clock: Clock) -> int:
        """Send the message within the bot's rate limits; the number of requests made."""
        limiter = RateLimiter(self.limits, clock)
        parts = self.requests(message, url, None, 0)
        for sent, part in enumerate(parts):
            try:
                limiter.wait()
            except KeyboardInterrupt as stop:
                raise Stopped(sent, len(parts), underway=False) from stop
            signed = part if secret is None else self.sign(url, part.body, secret, clock.time())
            try:
                post_json(signed.url, signed.body, clock, self.replies, self.throttle_codes)
            except DeliveryFailed as error:
                raise DeliveryFailed(error.said, sent, len(parts), error.unsigned,
                                     error.throttled, may_have_arrived=error.may_have_arrived,
                                     wait=error.wait) from None  # fmt: skip
            except KeyboardInterrupt as stop:
                # Stopped connecting, waiting for the answer or between retries: the
                # request may have reached the bot, which may post it.
                raise Stopped(sent, len(parts), underway=True) from stop
        return len(parts)


def json_size(body: dict[str, Any]) -> int:
    """Bytes of ``body`` as sent: UTF-8 JSON."""
    return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def no_signature(url: str, body: dict[str, Any], secret: str, now: float) -> Outgoing:
    return Outgoing(url, body)


def errcode(
    bot: Said,
    unsigned: tuple[tuple[int, str], ...] = (),
    meanings: tuple[tuple[int, str, Said], ...] = (),
) -> Replies:
    """WeCom's and DingTalk's answers: ``errcode`` 0 is success, ``errmsg`` says why not."""
    return Replies(bot, ("errcode",), ("errmsg",), unsigned, meanings)
