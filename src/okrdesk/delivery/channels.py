"""Each configured channel, by kind: its secrets from the environment, then delivery."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping

from okrdesk.delivery import dingtalk, feishu, mail, wecom
from okrdesk.delivery.message import Message
from okrdesk.delivery.transport import Clock, DeliveryFailed, url_problem
from okrdesk.delivery.webhook import Bot
from okrdesk.errors import Said
from okrdesk.messages import counted
from okrdesk.targets.settings import Channel

BOTS: Mapping[str, Bot] = {"wecom": wecom.BOT, "feishu": feishu.BOT, "dingtalk": dingtalk.BOT}
MASK = "***"
_SECRET_QUERY = re.compile(r"(sign=)[^&]*")


def _secret(environ: Mapping[str, str], name: str | None, what: Said) -> str | None:
    if name is None:
        return None
    raw = environ.get(name)
    value = (raw or "").strip()
    if not value:
        if raw is not None:  # set, to spaces or nothing: not the same slip as unset
            raise DeliveryFailed(Said(f"the environment variable {name} ({what.en}) is empty",
                                      f"环境变量 {name}（{what.zh}）为空"))  # fmt: skip
        raise DeliveryFailed(Said(f"the environment variable {name} ({what.en}) is not set",
                                  f"环境变量 {name}（{what.zh}）未设置"))  # fmt: skip
    return value


def _unready(channel: Channel, environ: Mapping[str, str]) -> Said | None:
    """Why ``deliver`` would fail before sending anything (a variable the settings name
    not set, or empty; a webhook URL that cannot be posted to); None when every secret it
    reads is there and the URL can be tried."""
    needed = (
        [(channel.password_env, Said("password", "邮箱密码"))]
        if channel.kind == "email"
        else [(channel.url_env, Said("webhook URL", "webhook 地址")),
              (channel.secret_env, Said("secret", "签名密钥"))]
    )  # fmt: skip
    for name, what in needed:
        try:
            _secret(environ, name, what)
        except DeliveryFailed as error:
            return error.said
    if channel.kind != "email":
        url = _secret(environ, channel.url_env, Said("webhook URL", "webhook 地址")) or ""
        return url_problem(url)
    return None


def deliver(channel: Channel, message: Message, environ: Mapping[str, str], clock: Clock) -> int:
    """Send ``message`` through ``channel``; the number of messages sent."""
    if channel.kind == "email":
        password = _secret(environ, channel.password_env, Said("password", "邮箱密码"))
        return mail.deliver(channel, message, password)
    bot = BOTS[channel.kind]
    url = _secret(environ, channel.url_env, Said("webhook URL", "webhook 地址")) or ""
    secret = _secret(environ, channel.secret_env, Said("secret", "签名密钥"))
    try:
        return bot.deliver(message, url, secret, clock)
    except DeliveryFailed as error:
        if error.throttled:
            raise DeliveryFailed(error.said, error.sent, error.parts,
                                 advice=_throttled(channel, bot, error),
                                 may_have_arrived=error.may_have_arrived) from None  # fmt: skip
        if not error.unsigned:
            raise
        said = error.said
        hint = _unsigned(channel)
        raise DeliveryFailed(Said(f"{said.en}; {hint.en}", f"{said.zh}；{hint.zh}"),
                             error.sent, error.parts,
                             may_have_arrived=error.may_have_arrived) from None  # fmt: skip


def _throttled(channel: Channel, bot: Bot, error: DeliveryFailed) -> Said:
    """What to do when the bot refused a part as sent too fast (others, or an earlier run,
    had used its allowance), or a server asked to wait longer than a send waits: which
    parts did not go, and when to send again; retried at once, it would be refused again,
    each attempt counted against it."""
    option = f"--channel {shlex.quote(channel.name)}"
    wait, who = error.wait or bot.throttled_for, bot.replies.bot
    if error.wait is not None:  # the server's Retry-After, maybe a proxy's
        who = Said("webhook", "webhook ")
    first, parts = error.sent + 1, error.parts
    if parts == 1:
        left = Said("", "")
    elif first == 1:
        left = Said(f"none of its {parts} parts was sent; ", f"{parts} 条均未发出；")
    elif first == parts:
        left = Said(f"part {parts} was not sent; ", f"第 {parts} 条未发出；")
    else:
        left = Said(f"parts {first} to {parts} were not sent; ",
                    f"第 {first} 至 {parts} 条未发出；")  # fmt: skip
    again = (
        Said(f" (all {parts} parts go again)", f"（{parts} 条全部重发）")
        if error.sent
        else Said("", "")
    )
    return Said(
        f"{left.en}the {who.en} takes no more for {wait.en}: send again after "
        f"that with {option}{again.en}",
        f"{left.zh}{who.zh}在 {wait.zh}内不再接收消息：请过 {wait.zh}后加 "
        f"{option} 重新发送{again.zh}",
    )


def _unsigned(channel: Channel) -> Said:
    """What to set right when the bot refused the signature: the secret, named by its
    variable, or none given where the bot checks one."""
    if channel.secret_env is None:
        return Said(
            "the bot checks a signature: give the channel secret_env, the variable holding "
            "the bot's secret",
            "该机器人校验签名：请为渠道设置 secret_env，即存放机器人签名密钥的环境变量",
        )
    return Said(
        f"check that ${channel.secret_env} holds the secret the bot's security settings "
        "give, and that this machine's clock is right",
        f"请核对 ${channel.secret_env} 是否为机器人安全设置中给出的签名密钥，以及本机时钟是否准确",
    )


_DRY_RUN = {
    "en": {
        "email": "{name} (email) via {host}:{port} [{security}]{login}",
        "login": ", login as {user} (${env})",
        "attached": "attached: {path}",
        "chat": "{name} ({kind}): {count}",
        "unready": "warning: a real send would fail here: {why}",
    },
    "zh": {
        "email": "{name}（email）经 {host}:{port} [{security}]{login}",
        "login": "，登录账号 {user}（${env}）",
        "attached": "附件：{path}",
        "chat": "{name}（{kind}）：{count}",
        "unready": "警告：实际发送时这里会失败：{why}",
    },
}
"""The heading ``send --dry-run`` gives each channel's payload; the payload itself (a
mail's headers, a webhook's JSON) is shown as it would be sent."""


def dry_run(
    channel: Channel, message: Message, clock: Clock, lang: str, environ: Mapping[str, str]
) -> list[str]:
    """What ``deliver`` would send, secrets masked: the URL by its variable's name; its
    headings in ``lang``, with a warning where a variable it needs is not set in
    ``environ`` (the dry run a cron line was tried with would pass, and the send fail)."""
    words = _DRY_RUN[lang]
    why = _unready(channel, environ)
    unready = [] if why is None else [words["unready"].format(why=why.text(lang))]
    if channel.kind == "email":
        shown = mail.email(channel, message, attach=False)
        login = (words["login"].format(user=channel.user, env=channel.password_env)
                 if channel.user else "")  # fmt: skip
        head = [words["email"].format(name=channel.name, host=channel.host, port=channel.port,
                                      security=channel.security, login=login)]  # fmt: skip
        body = shown.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        attached = [words["attached"].format(path=message.attachment)] if message.attachment else []
        headers = [f"{k}: {v}" for k, v in shown.items() if k.lower().startswith(("s", "f", "t"))]
        return [*head, *unready, *headers, "", text.rstrip(), *attached]
    bot = BOTS[channel.kind]
    secret = MASK if channel.secret_env is not None else None
    requests = bot.requests(message, f"${channel.url_env}", secret, clock.time())
    count = counted(len(requests), "message") if lang == "en" else f"{len(requests)} 条消息"
    lines = [words["chat"].format(name=channel.name, kind=channel.kind, count=count), *unready]
    for request in requests:
        payload = {k: (MASK if k == "sign" else v) for k, v in request.body.items()}
        shown_url = _SECRET_QUERY.sub(lambda m: m.group(1) + MASK, request.url)
        lines += [f"POST {shown_url}", json.dumps(payload, ensure_ascii=False, indent=2)]
    return lines
