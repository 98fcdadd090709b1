"""Email over SMTP: the summary as plain text, the full HTML report attached.

``security`` is "starttls" (port 587 by default), "ssl" (465) or "none" (a
relay inside the firm's network); a login is made when ``user`` is set,
with the password from the variable ``password_env`` names.
"""

from __future__ import annotations

import shlex
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from okrdesk.delivery.message import Message, plain
from okrdesk.delivery.transport import (
    MAY_HAVE_ARRIVED,
    DeliveryFailed,
    Stopped,
    TimeLimit,
    request_timeout,
    system_error,
)
from okrdesk.errors import Said
from okrdesk.targets.settings import Channel

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

TIMEOUT = 30.0
NOT_HANDED_OVER = Said(
    "nothing was sent, so sending it again cannot deliver it twice",
    "邮件未发出，重新发送不会重复送达",
)
"""A conversation lost before the end of the message went: the server never had it whole,
so it cannot deliver it."""
_LAST_LINE = b".\r\n"
_END_OF_DATA = b"\r\n" + _LAST_LINE


def email(channel: Channel, message: Message, attach: bool = True) -> EmailMessage:
    """The email as it is sent: headers, the summary as plain text, the report attached."""
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2] or None)
    # Mail is read as plain text: the summary's Markdown (**, ##, escapes) would show.
    lines = [message.attached if line == message.where else plain(line) for line in message.lines]
    mail.set_content("\n".join(lines) + "\n")
    if attach and message.attachment is not None:
        mail.add_attachment(
            message.attachment.read_bytes(), maintype="text", subtype="html",
            filename=message.attachment.name,
        )  # fmt: skip
    return mail


def deliver(channel: Channel, message: Message, password: str | None) -> int:
    """Send the email; 1, the number of messages sent. The whole conversation with the
    server, from opening its connection (before any TLS handshake) to its last reply,
    has ``request_timeout`` seconds: a server that trickles its replies, or its side of
    the handshake, is cut off, as a webhook is."""
    mail = email(channel, message)
    limit = TimeLimit(request_timeout())
    taken = False
    refused: dict[str, tuple[int, bytes]] = {}
    server: _Watched | None = None
    try:
        server = _connected(channel, limit)
        with server:
            try:
                if channel.security == "starttls":
                    _offered(server, "starttls", channel)
                    server.starttls(context=ssl.create_default_context())
                if channel.user is not None:
                    _offered(server, "auth", channel)
                    server.login(channel.user, password or "")
                refused = server.send_message(mail)
                taken = True
            except KeyboardInterrupt:
                # Closed without the QUIT the way out sends: a server that does not
                # answer would keep a stopped send waiting for its reply.
                server.close()
                raise
    except KeyboardInterrupt as stop:
        # Only the end of the data makes the message the server's: before its last line
        # went (MAIL FROM, RCPT TO, DATA, the message itself) nothing was sent; once it
        # went, the server may deliver it; once it answered, it took it.
        if taken:
            # Stopped as it said goodbye: those it refused still never get it.
            failure = _some_refused(channel, message, refused) if refused else None
            raise Stopped(1, 1, underway=False, failure=failure) from stop
        raise Stopped(0, 1, underway=server is not None and server.ending) from stop
    except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
        # Once the server took the message (its 250 to the data), what goes wrong as it
        # says goodbye (a reply to QUIT other than 221) does not undo that: told as a
        # refusal, it was sent again and arrived twice.
        if not taken:
            raise _failed(error, channel, server, limit) from None
    finally:
        limit.end()
    if refused:
        # smtplib fails only when every recipient is refused; one refused of two is
        # its return value, and the one who never gets the report must be told.
        raise _some_refused(channel, message, refused)
    return 1


def _failed(
    error: Exception, channel: Channel, server: _Watched | None, limit: TimeLimit
) -> DeliveryFailed:
    """A conversation that failed before the server took the message: what it says, and
    whether the message may have arrived all the same."""
    at = f"{channel.host}:{channel.port}"
    handed_over = server is not None and server.handed_over
    if limit.over or _read_timed_out(error, server):
        # Cut before the end of the data went, nothing was sent: what smtplib goes on to
        # send over the cut connection never leaves. A read whose socket's timeout (the
        # limit, where shorter) ran out before the limit cut it is no answer either.
        seconds = limit.seconds if limit.over else _read_timeout(limit)
        return DeliveryFailed(_no_answer(channel, seconds, handed_over),
                              may_have_arrived=handed_over)  # fmt: skip
    if handed_over and not _answered(error):
        # The message went whole; only the server's answer would have said whether it
        # took it, and it may deliver it: sent again, it could arrive twice.
        return DeliveryFailed(_disconnected(error, at, handed_over=True), may_have_arrived=True)
    if isinstance(error, _NoSecureConnection):
        return _no_secure_connection(error, channel)
    if server is not None and _lost(error):
        # The system's own error, which smtplib lets through where it sets up TLS after
        # STARTTLS: the server greeted, so it was reached; lost before the message went.
        return DeliveryFailed(_disconnected(error, at, handed_over=False))
    return _refused(error, channel)


def _no_secure_connection(error: _NoSecureConnection, channel: Channel) -> DeliveryFailed:
    """A server reached on a port of security = "ssl" that set up no TLS: not one that
    cannot be reached, and what to look at, its port and its security."""
    at = f"{channel.host}:{channel.port}"
    reason = system_error(error.__cause__ or error)
    return DeliveryFailed(
        Said(
            f"the mail server {at} was reached, but no secure (TLS) connection could be set "
            f"up with it: {reason.en}; {NOT_HANDED_OVER.en}",
            f"已连上邮件服务器 {at}，但未能与它建立加密（TLS）连接：{reason.zh}；"
            f"{NOT_HANDED_OVER.zh}",
        ),
        advice=Said(
            f'security = "ssl" expects TLS from the first byte (port 465, as a rule), and port '
            f"{channel.port} either does not speak it or refused it: check the port; for a "
            "server that starts in plain text and encrypts after STARTTLS (port 587, as a "
            'rule) set security = "starttls"',
            f'security = "ssl" 要求从第一个字节起就用 TLS（通常是端口 465），而端口 '
            f"{channel.port} 不支持或拒绝了它：请核对端口；先明文连接、再用 STARTTLS 加密的服务器"
            '（通常是端口 587）请设 security = "starttls"',
        ),
    )


def _some_refused(
    channel: Channel, message: Message, refused: dict[str, tuple[int, bytes]]
) -> DeliveryFailed:
    """Some recipients refused, the others sent to: who has it, and that sending the
    channel again mails them all again (it has no way to mail one of its recipients
    alone), so the refused one is best sent the report by hand."""
    n, total = len(refused), len(channel.to)
    gone = {address.lower() for address in refused}
    had = [a for a in channel.to if parseaddr(a)[1].lower() not in gone]
    option = f"--channel {shlex.quote(channel.name)}"
    report = f" ({message.attachment})" if message.attachment is not None else ""
    report_zh = f"（{message.attachment}）" if message.attachment is not None else ""
    error = DeliveryFailed(reached_some=True, said=Said(
        f"the mail server refused {n} of {total} recipients: {_recipients(refused)}; it "
        f"was sent to {', '.join(had)}",
        f"邮件服务器拒收了 {total} 个收件人中的 {n} 个：{_recipients(refused, 'zh')}；"
        f"已发给 {'、'.join(had)}",
    ))  # fmt: skip
    it, them = ("the refused address is", "it") if n == 1 else ("the refused addresses are", "them")
    error.advice = Said(
        f"sending again, even with {option}, mails every recipient again: once {it} put "
        f"right, mail {them} the report{report} yourself",
        f"即使加 {option} 重新发送，也会再发给所有收件人：请在改正被拒收的地址后，自行把报告"
        f"{report_zh}发给{'该地址' if n == 1 else '这些地址'}",
    )
    return error


def _connected(channel: Channel, limit: TimeLimit) -> _Watched:
    """The conversation with the channel's server, open. Its host is given as it is
    made, not to a ``connect`` after: smtplib keeps only that one as the name STARTTLS
    checks the server's certificate against."""
    reads = _read_timeout(limit)
    if channel.security == "ssl":
        return _WatchedSSL(limit, channel.host, channel.port, timeout=reads,
                           context=ssl.create_default_context())  # fmt: skip
    return _Watched(limit, channel.host, channel.port, timeout=reads)


def _read_timeout(limit: TimeLimit) -> float:
    """Seconds one connect or read of the conversation may wait: the time limit's, where
    shorter, so that connecting to a host that does not answer ends within it too."""
    return min(TIMEOUT, limit.seconds)


def _read_timed_out(error: Exception, server: _Watched | None) -> bool:
    """Whether a read waited out its socket's timeout: smtplib says so as the server
    disconnecting; the system itself in a TLS handshake after STARTTLS. (Connecting that
    timed out, before there is a conversation, is a server that cannot be reached.)"""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return isinstance(error.__context__, TimeoutError)
    return server is not None and isinstance(error, TimeoutError)


class _Watched(smtplib.SMTP):
    """A conversation whose socket its time limit watches from the moment it is open;
    ``ending`` from the moment the last line of the data (its lone dot) is being sent,
    ``handed_over`` once it went, the server's answer to it still to come."""

    ending = False
    handed_over = False

    def __init__(self, limit: TimeLimit, *args: Any, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(*args, **kwargs)

    def send(self, s: ReadableBuffer | str) -> None:
        # smtplib's DATA sends the message in one piece, ended by its line of a lone dot:
        # that line goes apart, so that a send stopped while the message itself went (a
        # large report on a slow line) is known not to have ended it.
        if not (isinstance(s, bytes) and s.endswith(_END_OF_DATA)):
            super().send(s)
            return
        super().send(s[: -len(_LAST_LINE)])
        self.ending = True
        super().send(_LAST_LINE)
        self.handed_over = True

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        connection = socket.create_connection((host, port), timeout, self.source_address)
        self.limit.watch(connection)
        return connection


class _WatchedSSL(_Watched, smtplib.SMTP_SSL):
    """The same, for a server that speaks TLS from the start (port 465): watched
    before its handshake."""

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        connection = super()._get_socket(host, port, timeout)
        try:
            return self.context.wrap_socket(connection, server_hostname=host)
        except (ssl.SSLCertVerificationError, TimeoutError):
            # Said as they are wherever TLS is set up: a certificate not accepted, and
            # a handshake the time limit (or a read's timeout) ended.
            connection.close()
            raise
        except OSError as error:
            connection.close()
            raise _NoSecureConnection(str(error)) from error


class _NoSecureConnection(OSError):
    """The server took the connection on a port of security = "ssl", and no TLS came of
    it: reset or closed as the handshake began, or answered in plain SMTP."""


def _offered(server: smtplib.SMTP, extension: str, channel: Channel) -> None:
    """Fail, saying which setting to change, when the server does not offer STARTTLS or
    a login: smtplib's own words ("STARTTLS extension not supported by server.") were
    told as the server refusing the message."""
    server.ehlo_or_helo_if_needed()
    if server.has_extn(extension):
        return
    at = f"{channel.host}:{channel.port}"
    if extension == "starttls":
        raise DeliveryFailed(Said(
            f"the mail server {at} offers no STARTTLS, so the connection cannot be encrypted "
            'and nothing was sent: for a relay inside the network set security = "none", for '
            'a server encrypted from the start (port 465) security = "ssl"',
            f"邮件服务器 {at} 不支持 STARTTLS，连接无法加密，邮件未发出：公司内网的中继请设 "
            'security = "none"，一开始就加密的服务器（端口 465）请设 security = "ssl"',
        ))  # fmt: skip
    raise DeliveryFailed(Said(
        f"the mail server {at} offers no login (SMTP AUTH) and nothing was sent: for a "
        "relay that takes mail without one, leave user and password_env out",
        f"邮件服务器 {at} 不支持登录（SMTP AUTH），邮件未发出：无需登录的中继请去掉 user 和 "
        "password_env",
    ))  # fmt: skip


def _no_answer(channel: Channel, seconds: float, handed_over: bool) -> Said:
    """A conversation cut at its time limit: before the end of the message went, nothing
    arrived; once it went, it may have."""
    at = f"{channel.host}:{channel.port}"
    if handed_over:
        return Said(
            f"no answer from the mail server {at} within {seconds:g} s; {MAY_HAVE_ARRIVED.en}",
            f"邮件服务器 {at} 在 {seconds:g} 秒内没有应答；{MAY_HAVE_ARRIVED.zh}",
        )
    return Said(
        f"no answer from the mail server {at} within {seconds:g} s; the message was not sent",
        f"邮件服务器 {at} 在 {seconds:g} 秒内没有应答；邮件未发出",
    )


def _refused(error: Exception, channel: Channel) -> DeliveryFailed:
    """What a failed conversation with the mail server says, in the message's language:
    the server's reply, or smtplib's or the system's words (in their English), after it
    in brackets."""
    at = f"{channel.host}:{channel.port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        reply = _reply(error)
        return DeliveryFailed(Said(f"the mail server refused the login ({reply})",
                                   f"邮件服务器拒绝登录（{reply}）"))  # fmt: skip
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = error.recipients
        return DeliveryFailed(Said(
            f"the mail server refused every recipient: {_recipients(refused)}",
            f"邮件服务器拒收了所有收件人：{_recipients(refused, 'zh')}",
        ))  # fmt: skip
    if isinstance(error, smtplib.SMTPSenderRefused):
        reply, sender = _reply(error), channel.sender
        return DeliveryFailed(Said(f"the mail server refused the sender {sender} ({reply})",
                                   f"邮件服务器拒绝了发件人 {sender}（{reply}）"))  # fmt: skip
    if isinstance(error, smtplib.SMTPConnectError):
        reply = _reply(error)
        return DeliveryFailed(Said(f"the mail server refused the connection ({reply})",
                                   f"邮件服务器拒绝连接（{reply}）"))  # fmt: skip
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return DeliveryFailed(_disconnected(error, at, handed_over=False))
    if isinstance(error, smtplib.SMTPException):
        reply = _reply(error)
        return DeliveryFailed(Said(f"the mail server refused the message ({reply})",
                                   f"邮件服务器拒收了邮件（{reply}）"))  # fmt: skip
    reason = system_error(error)
    if isinstance(error, ssl.SSLCertVerificationError):
        # Reached, and turned away by this side: "cannot reach" sent people to the network.
        return DeliveryFailed(Said(
            f"the mail server {at} was reached, but {reason.en}: neither the password nor the "
            "report went to it; its certificate must be for the host the channel names and "
            "from an authority this machine trusts (SSL_CERT_FILE names a firm's own)",
            f"已连上邮件服务器 {at}，但{reason.zh}：密码和报告都未发给它；证书须是为该渠道所写的"
            "主机签发、且来自本机信任的机构（公司自己的机构可用 SSL_CERT_FILE 指定）",
        ))  # fmt: skip
    return DeliveryFailed(Said(f"cannot reach the mail server {at}: {reason.en}",
                               f"无法连接邮件服务器 {at}：{reason.zh}"))  # fmt: skip


def _lost(error: Exception) -> bool:
    """Whether the system's own error is a connection lost (reset, or closed amid a TLS
    handshake), not smtplib's, nor a refusal (a certificate not accepted, a handshake
    the two sides could not agree on)."""
    if isinstance(error, smtplib.SMTPException):
        return False
    return not isinstance(error, ssl.SSLError) or isinstance(error, ssl.SSLEOFError)


def _answered(error: Exception) -> bool:
    """Whether the server answered: a refusal in its words, not a connection lost."""
    return isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def _disconnected(error: Exception, at: str, handed_over: bool) -> Said:
    """The connection lost: the system's reason, where one broke it (a reset), else the
    server closed it; before the message was handed over it was not sent, once it was,
    it may have arrived."""
    # smtplib's exceptions are OSErrors too; a reset is the one it was raised from.
    cause = error if not isinstance(error, smtplib.SMTPException) else error.__context__
    if isinstance(cause, OSError) and not isinstance(cause, smtplib.SMTPException):
        reason = system_error(cause)
        if handed_over:
            return Said(
                f"the connection to the mail server {at} broke once the message was handed "
                f"over, before the server's answer: {reason.en}; {MAY_HAVE_ARRIVED.en}",
                f"邮件已交给邮件服务器 {at}，在其应答前连接中断：{reason.zh}；"
                f"{MAY_HAVE_ARRIVED.zh}",
            )
        return Said(
            f"the connection to the mail server {at} was lost during the conversation, before "
            f"the message was handed over: {reason.en}; {NOT_HANDED_OVER.en}",
            f"与邮件服务器 {at} 的连接在对话中、邮件交出之前中断：{reason.zh}；"
            f"{NOT_HANDED_OVER.zh}",
        )
    words = str(error)
    if handed_over:
        return Said(
            f"the mail server {at} closed the connection once the message was handed over, "
            f"before its answer ({words}); {MAY_HAVE_ARRIVED.en}",
            f"邮件已交给邮件服务器 {at}，它未应答即关闭了连接（{words}）；{MAY_HAVE_ARRIVED.zh}",
        )
    return Said(
        f"the mail server {at} closed the connection during the conversation, before the "
        f"message was handed over ({words}); {NOT_HANDED_OVER.en}",
        f"邮件服务器 {at} 在对话中、邮件交出之前关闭了连接（{words}）；{NOT_HANDED_OVER.zh}",
    )


def _recipients(refused: dict[str, tuple[int, bytes]], lang: str = "en") -> str:
    """Each refused address with the server's reply in brackets: ``gone@x (550 5.1.1 User
    unknown)``."""
    shown = "{}（{}）" if lang == "zh" else "{} ({})"
    return ("；" if lang == "zh" else "; ").join(
        shown.format(address, f"{code} {text.decode('utf-8', 'replace')}".strip())
        for address, (code, text) in refused.items()
    )


def _reply(error: smtplib.SMTPException) -> str:
    text = getattr(error, "smtp_error", b"")
    if isinstance(text, bytes) and text:
        return f"{getattr(error, 'smtp_code', '')} {text.decode('utf-8', 'replace')}".strip()
    return str(error)
