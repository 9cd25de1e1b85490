"""A real SMTP server (aiosmtpd) for tests and the benchmark: records what it accepts, can refuse on demand."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RecordingHandler:
    """Stores accepted messages; `fail_next` holds SMTP replies (e.g. "451 try later") used for the next DATAs."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.messages: list[EmailMessage] = []
        self.count = 0
        self.fail_next: list[str] = []
        self.fail_for: dict[str, list[str]] = {}  # recipient -> replies for its next DATAs
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_next:
                return self.fail_next.pop(0)
            for rcpt in envelope.rcpt_tos:
                if self.fail_for.get(rcpt):
                    return self.fail_for[rcpt].pop(0)
            self.count += 1
            if self.keep:
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"digest" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


def start_sink(keep: bool = True, auth: bool = False) -> tuple[Controller, RecordingHandler]:
    handler = RecordingHandler(keep=keep)
    kwargs = {"authenticator": _authenticator, "auth_require_tls": False} if auth else {}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller, handler
