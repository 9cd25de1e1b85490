"""How community mail (password-reset links) leaves the site.

When the mail feature's backend (`dailypapers.mail.send_message`) is importable it sends the message; until
then a console/file backend stands in: the message is logged and, when the `community_mail_file` setting
names a file, appended to it (tests and small installs read links from there). Switching is this one function.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from dailypapers.config import Settings

log = logging.getLogger(__name__)
_file_lock = threading.Lock()


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    try:
        from dailypapers.mail import send_message  # type: ignore[attr-defined]  # the mail feature, when merged
    except ImportError:
        send_message = None
    if send_message is not None:
        send_message(settings, to=to, subject=subject, body=body)
        return
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    text = f"From: {settings.site_name}\nTo: {to}\nDate: {stamp}\nSubject: {subject}\n\n{body}\n.\n"
    if settings.community_mail_file:
        path = Path(settings.community_mail_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock, path.open("a", encoding="utf-8") as fh:
            fh.write(text)
        log.info("mail to %s: %s (written to %s)", to, subject, path)
    else:
        log.warning("console mail backend (no mail backend installed):\n%s", text)
