"""How community mail (password-reset links) leaves the site: through the backend `mail_backend` names, like
every other mail (the `file` backend keeps each message as an .eml file for small installs and tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from dailypapers.config import Settings
from dailypapers.mail.backends import get_backend


def _message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    host = urlsplit(settings.base_url).hostname or "localhost"
    msg = EmailMessage()
    msg["From"] = settings.mail_from or f"{settings.site_name} <noreply@{host}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=host)
    msg.set_content(body)
    return msg


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    get_backend(settings).send(_message(settings, to, subject, body))
