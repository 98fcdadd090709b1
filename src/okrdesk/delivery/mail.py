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
from okrdesk.delivery.transport import DeliveryFailed, request_timeout
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
            raise DeliveryFailed(
                f"no answer from the mail server {channel.host}:{channel.port} within "
                f"{seconds:g} s; the message may have arrived all the same"
            ) from None
        raise _refused(error, channel) from None
    finally:
        watch.cancel()
    return 1


def _refused(error: Exception, channel: Channel) -> DeliveryFailed:
    """What a failed conversation with the mail server says."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryFailed(f"the mail server refused the login: {_reply(error)}")
    if isinstance(error, smtplib.SMTPException):
        return DeliveryFailed(f"the mail server refused the message: {_reply(error)}")
    return DeliveryFailed(f"cannot reach the mail server {channel.host}:{channel.port}: {error}")


def _reply(error: smtplib.SMTPException) -> str:
    text = getattr(error, "smtp_error", b"")
    if isinstance(text, bytes) and text:
        return f"{getattr(error, 'smtp_code', '')} {text.decode('utf-8', 'replace')}".strip()
    return str(error)
