"""Email over SMTP: the summary as the text, the full HTML report attached.

``security`` is "starttls" (port 587 by default), "ssl" (465) or "none" (a
relay inside the firm's network); a login is made when ``user`` is set,
with the password from the variable ``password_env`` names.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from okrdesk.delivery.message import Message
from okrdesk.delivery.transport import DeliveryFailed
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
    """Send the email; 1, the number of messages sent."""
    mail = email(channel, message)
    try:
        if channel.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                channel.host, channel.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(channel.host, channel.port, timeout=TIMEOUT)
        with server:
            if channel.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if channel.user is not None:
                server.login(channel.user, password or "")
            server.send_message(mail)
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryFailed(f"the mail server refused the login: {_reply(error)}") from None
    except smtplib.SMTPException as error:
        raise DeliveryFailed(f"the mail server refused the message: {_reply(error)}") from None
    except (OSError, ssl.SSLError) as error:
        raise DeliveryFailed(
            f"cannot reach the mail server {channel.host}:{channel.port}: {error}"
        ) from None
    return 1


def _reply(error: smtplib.SMTPException) -> str:
    text = getattr(error, "smtp_error", b"")
    if isinstance(text, bytes) and text:
        return f"{getattr(error, 'smtp_code', '')} {text.decode('utf-8', 'replace')}".strip()
    return str(error)
