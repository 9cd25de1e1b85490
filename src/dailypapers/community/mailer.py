"""How community mail (password-reset links) leaves the site.

Order: the `community_mail_file` setting, when set, appends messages to that file (tests and tiny installs read
links there); otherwise the mail feature's backend (`dailypapers.mail.backends.get_backend(settings).send`,
chosen by its `mail_backend` setting) sends it; without the mail feature the message is logged (console backend).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

from dailypapers.config import Settings

log = logging.getLogger(__name__)
_file_lock = threading.Lock()


def _message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    host = urlsplit(settings.base_url).hostname or "localhost"
    msg = EmailMessage()
    msg["From"] = getattr(settings, "mail_from", None) or f"{settings.site_name} <noreply@{host}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=host)
    msg.set_content(body)
    return msg


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    message = _message(settings, to, subject, body)
    if settings.community_mail_file:
        path = Path(settings.community_mail_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock, path.open("a", encoding="utf-8") as fh:
            fh.write(message.as_string() + "\n.\n")
        log.info("mail to %s: %s (written to %s)", to, subject, path)
        return
    try:
        from dailypapers.mail.backends import get_backend  # the mail feature, when installed
    except ImportError:
        log.warning("console mail backend (no mail backend installed):\n%s", message.as_string())
        return
    get_backend(settings).send(message)
