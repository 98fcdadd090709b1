"""Delivery over TLS to real servers on 127.0.0.1 with certificates from the test's own
authority: email over STARTTLS (the default) and over TLS from the first byte
(``security = "ssl"``), the login and the message inside it; a webhook over HTTPS; and a
server whose certificate nobody vouches for refused in words, with nothing sent."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any

import attrs
import pytest
import trustme

from okrdesk.delivery import channels
from okrdesk.delivery.transport import DeliveryFailed
from okrdesk.targets.settings import Channel
from test_send import (
    MESSAGE,
    Bot,
    FakeClock,
    _no_proxy,  # noqa: F401 - autouse: straight to 127.0.0.1, no proxy
    channel,
    running_bot,
)

PASSWORD = "pw-tls-7"


@attrs.define
class MailServer:
    port: int
    received: list[EmailMessage] = attrs.field(factory=list)
    logins: list[tuple[str, str, bool]] = attrs.field(factory=list)
    """(user, password, whether the connection was encrypted when the login came)."""


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusted_authority(
    authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> trustme.CA:
    """The test's authority as the one this process trusts: OpenSSL reads
    ``SSL_CERT_FILE`` as the system's store of authorities, as a firm's own does."""
    bundle = tmp_path / "authority.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return authority


@pytest.fixture
def mail_server(authority: trustme.CA) -> Iterator[Callable[[str], MailServer]]:
    """Starts an aiosmtpd server for 127.0.0.1 with a certificate from ``authority``:
    ``"starttls"`` encrypts on STARTTLS and takes a login only after it, ``"ssl"``
    speaks TLS from the first byte."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    started: list[Any] = []

    def start(security: str) -> MailServer:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("127.0.0.1").configure_cert(context)
        with socket.socket() as probe:  # aiosmtpd's controller cannot take port 0
            probe.bind(("127.0.0.1", 0))
            server = MailServer(probe.getsockname()[1])

        class Handler:
            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
                server.received.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        def authenticator(smtp: Any, session: Any, envelope: Any, mechanism: str,
                          data: Any) -> AuthResult:  # fmt: skip
            if not isinstance(data, LoginPassword):
                return AuthResult(success=False, handled=False)
            encrypted = smtp.transport.get_extra_info("ssl_object") is not None
            server.logins.append((data.login.decode(), data.password.decode(), encrypted))
            return AuthResult(success=data.password == PASSWORD.encode(), handled=False)

        # aiosmtpd offers AUTH only after STARTTLS unless told the connection is
        # encrypted from its start.
        tls = {"tls_context": context, "require_starttls": True} if security == "starttls" \
            else {"ssl_context": context, "auth_require_tls": False}  # fmt: skip
        controller = Controller(Handler(), hostname="127.0.0.1", port=server.port,
                                authenticator=authenticator, **tls)  # fmt: skip
        controller.start()
        started.append(controller)
        return server

    yield start
    for controller in started:
        controller.stop()


def mailbox(port: int, security: str) -> Channel:
    return Channel(
        "email", "boss", host="127.0.0.1", port=port, security=security,
        sender="okrdesk@branch.example", to=("boss@branch.example",),
        user="branch", password_env="SMTP_PASSWORD",
    )  # fmt: skip


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_mail_goes_over_tls_with_the_login_inside_it(
    security: str, trusted_authority: trustme.CA, mail_server: Callable[[str], MailServer]
) -> None:
    """STARTTLS is the default security: the server's certificate is checked against
    the host the channel names (127.0.0.1 here), the login and the message go encrypted."""
    server = mail_server(security)
    sent = channels.deliver(mailbox(server.port, security), MESSAGE,
                            {"SMTP_PASSWORD": PASSWORD}, FakeClock())  # fmt: skip
    assert sent == 1
    assert server.logins == [("branch", PASSWORD, True)]
    [mail] = server.received
    assert mail["Subject"] == MESSAGE.title
    assert mail["To"] == "boss@branch.example"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_a_server_whose_certificate_nobody_vouches_for_is_refused_before_the_login(
    security: str, mail_server: Callable[[str], MailServer]
) -> None:
    """The certificate is from an authority this machine does not trust: the channel
    fails, saying why, and neither the password nor the report went to the server."""
    server = mail_server(security)
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(mailbox(server.port, security), MESSAGE,
                         {"SMTP_PASSWORD": PASSWORD}, FakeClock())  # fmt: skip
    said = failed.value.said
    assert said.en.startswith(
        f"the mail server 127.0.0.1:{server.port} was reached, but its certificate was not "
        "accepted ([SSL: CERTIFICATE_VERIFY_FAILED]"
    ), said
    assert said.en.endswith(
        "neither the password nor the report went to it; its certificate must be for the "
        "host the channel names and from an authority this machine trusts (SSL_CERT_FILE "
        "names a firm's own)"
    ), said
    # The system's English in brackets, after what it means in the message's language.
    assert said.zh.startswith(
        f"已连上邮件服务器 127.0.0.1:{server.port}，但其证书未通过校验"
        "（[SSL: CERTIFICATE_VERIFY_FAILED]"
    ), said
    assert server.logins == [] and server.received == []


@pytest.fixture
def https_bot(authority: trustme.CA) -> Iterator[Bot]:
    """A webhook on https://127.0.0.1 with a certificate from ``authority``, answering as
    WeCom does."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with running_bot(context) as bot:
        yield bot


def test_a_webhook_over_https_gets_the_message(
    trusted_authority: trustme.CA, https_bot: Bot
) -> None:
    assert channels.deliver(channel("wecom"), MESSAGE, {"HOOK": https_bot.url},
                            FakeClock()) == 1  # fmt: skip
    [posted] = https_bot.received
    assert posted["body"]["msgtype"] == "markdown"
    assert "综合得分" in posted["body"]["markdown"]["content"]


def test_a_webhook_whose_certificate_nobody_vouches_for_had_nothing_sent(
    https_bot: Bot,
) -> None:
    """Refused in the handshake, before the request: it says it could not reach the
    webhook, not that the message may have arrived."""
    with pytest.raises(DeliveryFailed) as failed:
        channels.deliver(channel("wecom"), MESSAGE, {"HOOK": https_bot.url}, FakeClock())
    said = failed.value.said
    assert said.en.startswith(
        "cannot reach the webhook: its certificate was not accepted ([SSL: "
        "CERTIFICATE_VERIFY_FAILED]"
    ), said
    assert said.zh.startswith(
        "无法连接 webhook：其证书未通过校验（[SSL: CERTIFICATE_VERIFY_FAILED]"
    ), said
    assert said.zh.endswith("）"), said
    assert "may have arrived" not in said.en and https_bot.received == []
