"""Email over SMTP: the summary as the text, the full HTML report attached.

``security`` is "starttls" (port 587 by default), "ssl" (465) or "none" (a
relay inside the firm's network); a login is made when ``user`` is set,
with the password from the variable ``password_env`` names.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from okrdesk.delivery.message import Message
from okrdesk.delivery.transport import MAY_HAVE_ARRIVED, DeliveryFailed, request_timeout
from okrdesk.errors import Said
from okrdesk.targets.settings import Channel

TIMEOUT = 30.0


def email(channel: Channel, message: Message, attach: bool = True) -> EmailMessage:
    """The email as it is sent: headers, the summary, the report attached."""
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2] or None)
    lines = [message.attached if line == message.where else line for line in message.lines]
    mail.set_content("\n".join(lines) + "\n")
    if attach and message.attachment is not None:
        mail.add_attachment(
            message.attachment.read_bytes(), maintype="text", subtype="html",
            filename=message.attachment.name,
        )  # fmt: skip
    return mail


def deliver(channel: Channel, message: Message, password: str | None) -> int:
    """Send the email; 1, the number of messages sent. The whole conversation with the
    server, from connecting to its last reply, has ``request_timeout`` seconds: a server
    that trickles its replies is cut off, as a webhook is."""
    mail = email(channel, message)
    seconds = request_timeout()
    reads = min(TIMEOUT, seconds)
    if channel.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(timeout=reads, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(timeout=reads)
    over = threading.Event()

    def cut() -> None:
        over.set()
        connection = getattr(server, "sock", None)
        if connection is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(connection, socket.SHUT_RDWR)

    watch = threading.Timer(seconds, cut)
    watch.daemon = True
    watch.start()
    try:
        server.connect(channel.host, channel.port)
        with server:
            if channel.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if channel.user is not None:
                server.login(channel.user, password or "")
            server.send_message(mail)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
        if over.is_set():
            server_at = f"{channel.host}:{channel.port}"
            raise DeliveryFailed(Said(
                f"no answer from the mail server {server_at} within {seconds:g} s; "
                f"{MAY_HAVE_ARRIVED.en}",
                f"邮件服务器 {server_at} 在 {seconds:g} 秒内没有应答；{MAY_HAVE_ARRIVED.zh}",
            )) from None  # fmt: skip
        raise _refused(error, channel) from None
    finally:
        watch.cancel()
    return 1


def _refused(error: Exception, channel: Channel) -> DeliveryFailed:
    """What a failed conversation with the mail server says."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        reply = _reply(error)
        return DeliveryFailed(Said(f"the mail server refused the login: {reply}",
                                   f"邮件服务器拒绝登录：{reply}"))  # fmt: skip
    if isinstance(error, smtplib.SMTPException):
        reply = _reply(error)
        return DeliveryFailed(Said(f"the mail server refused the message: {reply}",
                                   f"邮件服务器拒收了邮件：{reply}"))  # fmt: skip
    server_at = f"{channel.host}:{channel.port}"
    return DeliveryFailed(Said(f"cannot reach the mail server {server_at}: {error}",
                               f"无法连接邮件服务器 {server_at}：{error}"))  # fmt: skip


def _reply(error: smtplib.SMTPException) -> str:
    text = getattr(error, "smtp_error", b"")
    if isinstance(text, bytes) and text:
        return f"{getattr(error, 'smtp_code', '')} {text.decode('utf-8', 'replace')}".strip()
    return str(error)
