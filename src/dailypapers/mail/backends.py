"""Where outgoing mail goes: one `send(message)` call whatever the backend.

`get_backend(settings)` picks the backend named by the `mail_backend` setting: `smtp`, `file`, `console` or `memory`.
Left empty it means `smtp` when `smtp_host` is set and `file` (one .eml per message under `mail_file_dir`) otherwise,
so a fresh install never loses mail and never needs a mail server.

Failures are sorted for the caller: `TransientMailError` (4xx replies, lost connections: try again later) and
`PermanentMailError` (5xx replies: retrying cannot help).
"""

from __future__ import annotations

import email
import email.policy
import logging
import os
import smtplib
import ssl
import sys
import threading
import time
import uuid
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Protocol

from dailypapers.config import Settings, SmtpSecurity
from dailypapers.mail.wire import PrebuiltMessage

log = logging.getLogger(__name__)



class MailError(Exception):
    """A message was not accepted."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class TransientMailError(MailError):
    """Worth retrying (4xx reply, connection trouble)."""


class PermanentMailError(MailError):
    """Not worth retrying (5xx reply, refused recipient)."""


class MailBackend(Protocol):
    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


def _wire_bytes(message: Message) -> bytes:
    # CRLF line ends, as a server or a mail client expects on disk too; each message keeps its own header policy
    # (the digests use the fast compat32 classes, everything else `EmailMessage`).
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def _seven_bit(message: Message) -> Message:
    """A copy whose 8bit text parts are quoted-printable, for a server without 8BITMIME."""
    copy = email.message_from_bytes(_wire_bytes(message), policy=email.policy.default)
    if not any(part.get("Content-Transfer-Encoding") == "8bit" for part in copy.walk()):
        return message
    for part in copy.walk():
        if part.get("Content-Transfer-Encoding") == "8bit":
            part.set_content(part.get_content(), subtype=part.get_content_subtype(), cte="quoted-printable")
    return copy


class MemoryBackend:
    """Keeps messages in `MemoryBackend.outbox` (shared by every instance, so tests see what the app sent), as an
    `EmailMessage` parsed from the bytes that would have gone over the wire."""

    outbox: list[EmailMessage] = []
    _lock = threading.Lock()

    def send(self, message: Message) -> None:
        received = email.message_from_bytes(_wire_bytes(message), policy=email.policy.default)
        with self._lock:
            MemoryBackend.outbox.append(received)

    def close(self) -> None:
        pass


class ConsoleBackend:
    """Writes each message to a stream (stdout by default), for trying things out."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        text = _wire_bytes(message).decode("ascii", errors="replace").replace("\r\n", "\n")
        with self._lock:
            self.stream.write(text)
            self.stream.write("\n" + "-" * 72 + "\n")
            self.stream.flush()

    def close(self) -> None:
        pass


class FileBackend:
    """One `.eml` file per message in a folder; written to a temporary name then renamed, so no half files."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: Message) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        name = f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        tmp = self.folder / f".{name}.tmp"
        try:
            tmp.write_bytes(_wire_bytes(message))
            os.replace(tmp, self.folder / name)
        except OSError as exc:
            raise TransientMailError(f"cannot write {self.folder / name}: {exc}") from exc

    def close(self) -> None:
        pass


class SMTPBackend:
    """Sends through an SMTP server, keeping one connection open across messages (reconnects when it drops)."""

    def __init__(self, host: str, port: int = 587, security: str = "starttls", username: str = "",
                 password: str = "", timeout: float = 30.0) -> None:
        self.host, self.port, self.security = host, port, SmtpSecurity(security)
        self.username, self.password, self.timeout = username, password, timeout
        self._conn: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "tls":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                conn.starttls(context=context)
        if self.username:
            conn.login(self.username, self.password)
        return conn

    def send(self, message: Message) -> None:
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._connect()
                # 8bit bodies need the server's 8BITMIME (every current server has it); otherwise re-encode them.
                if isinstance(message, PrebuiltMessage) and self._conn.has_extn("8bitmime"):
                    refused = self._conn.sendmail(message.envelope_from, [message.envelope_to], message.as_bytes(),
                                                  mail_options=("BODY=8BITMIME",))
                elif self._conn.has_extn("8bitmime"):
                    refused = self._conn.send_message(message, mail_options=("BODY=8BITMIME",))
                else:
                    refused = self._conn.send_message(_seven_bit(message))
            except smtplib.SMTPRecipientsRefused as exc:
                self._reset()
                codes = [code for code, _ in exc.recipients.values()]
                detail = "; ".join(f"{rcpt}: {code} {msg!r}" for rcpt, (code, msg) in exc.recipients.items())
                cls = TransientMailError if codes and all(400 <= c < 500 for c in codes) else PermanentMailError
                raise cls(f"recipient refused: {detail}", codes[0] if codes else None) from exc
            except smtplib.SMTPResponseException as exc:
                self._reset()
                cls = TransientMailError if 400 <= exc.smtp_code < 500 else PermanentMailError
                text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
                raise cls(f"SMTP {exc.smtp_code} {text}", exc.smtp_code) from exc
            except (smtplib.SMTPException, OSError) as exc:
                self._reset()
                raise TransientMailError(f"SMTP connection to {self.host}:{self.port} failed: {exc}") from exc
            if refused:
                # Several recipients and some refused: the message went out to the others, so it counts as sent.
                log.warning("some recipients refused: %s", refused)

    def _reset(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._reset()


def backend_name(settings: Settings) -> str:
    """`mail_backend`, or when it is empty: smtp with an `smtp_host`, else file."""
    return settings.mail_backend or ("smtp" if settings.smtp_host else "file")


def get_backend(settings: Settings) -> MailBackend:
    """The backend the settings ask for (see the module docstring for the default)."""
    name = backend_name(settings)
    if name == "smtp":
        return SMTPBackend(settings.smtp_host, settings.smtp_port, settings.smtp_security,
                           settings.smtp_username, settings.smtp_password.get_secret_value(), settings.smtp_timeout_s)
    if name == "file":
        return FileBackend(settings.mail_file_dir)
    if name == "console":
        return ConsoleBackend()
    return MemoryBackend()
