import io
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from dailypapers.config import ConfigError, Settings
from dailypapers.mail.backends import (
    ConsoleBackend,
    FileBackend,
    MemoryBackend,
    PermanentMailError,
    SMTPBackend,
    TransientMailError,
    backend_name,
    get_backend,
)
from tests.smtp_sink import start_sink


def _message(to="reader@example.org") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "dailypapers <digest@example.org>"
    msg["To"] = to
    msg["Subject"] = "Bücher über Kühe"
    msg.set_content("hello\n")
    return msg


def test_default_is_file_without_smtp_and_smtp_with_a_host():
    assert backend_name(Settings()) == "file"
    assert backend_name(Settings(smtp_host="mail.example.org")) == "smtp"
    assert backend_name(Settings(smtp_host="mail.example.org", mail_backend="console")) == "console"
    with pytest.raises(ConfigError, match="mail_backend"):
        get_backend(Settings(mail_backend="pigeon"))
    with pytest.raises(ConfigError, match="smtp_host"):
        get_backend(Settings(mail_backend="smtp"))
    with pytest.raises(ConfigError, match="smtp_security"):
        get_backend(Settings(smtp_host="x", smtp_security="ssl3"))


def test_file_backend_writes_one_eml_per_message(tmp_path):
    backend = get_backend(Settings(mail_file_dir=str(tmp_path / "out")))
    assert isinstance(backend, FileBackend)
    backend.send(_message("a@example.org"))
    backend.send(_message("b@example.org"))
    files = sorted((tmp_path / "out").glob("*.eml"))
    assert len(files) == 2
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(m["To"] for m in parsed) == ["a@example.org", "b@example.org"]
    assert parsed[0]["Subject"] == "Bücher über Kühe"
    assert b"=?utf-8?" in files[0].read_bytes()
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_console_and_memory_backends():
    out = io.StringIO()
    ConsoleBackend(out).send(_message())
    assert "To: reader@example.org" in out.getvalue()
    MemoryBackend.outbox.clear()
    get_backend(Settings(mail_backend="memory")).send(_message())
    assert [m["To"] for m in MemoryBackend.outbox] == ["reader@example.org"]


def test_smtp_backend_logs_in_and_sends_over_one_connection():
    controller, handler = start_sink(auth=True)
    try:
        backend = SMTPBackend("127.0.0.1", controller.port, security="none", username="digest", password="s3cret",
                              timeout=5)
        for i in range(3):
            backend.send(_message(f"r{i}@example.org"))
        backend.close()
        assert [m["To"] for m in handler.messages] == ["r0@example.org", "r1@example.org", "r2@example.org"]
    finally:
        controller.stop()


def test_smtp_backend_sorts_4xx_from_5xx_and_recovers():
    controller, handler = start_sink()
    try:
        backend = SMTPBackend("127.0.0.1", controller.port, security="none", timeout=5)
        handler.fail_next = ["451 4.3.0 try again later", "550 5.1.1 no such user"]
        with pytest.raises(TransientMailError) as transient:
            backend.send(_message())
        assert transient.value.code == 451
        with pytest.raises(PermanentMailError) as permanent:
            backend.send(_message())
        assert permanent.value.code == 550
        backend.send(_message())
        assert len(handler.messages) == 1
    finally:
        controller.stop()
    with pytest.raises(TransientMailError, match="connection"):
        SMTPBackend("127.0.0.1", controller.port, security="none", timeout=2).send(_message())


def test_prebuilt_digest_bytes_parse_and_downgrade_for_servers_without_8bitmime():
    from dailypapers.mail.backends import _seven_bit
    from dailypapers.mail.wire import PrebuiltMessage, encode_header

    headers = [("From", "a@example.org"), ("To", "b@example.org"), ("Subject", encode_header("Subject", "Café ▲"))]
    msg = PrebuiltMessage(headers, "héllo\n.dot line\n", "<p>héllo</p>", "a@example.org", "b@example.org")
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Café ▲" and msg["To"] == "b@example.org"
    assert parsed.get_body(("plain",)).get_content().replace("\r\n", "\n") == "héllo\n.dot line\n"
    assert parsed.get_body(("html",))["Content-Transfer-Encoding"] == "8bit"
    seven = _seven_bit(msg)
    raw = seven.as_bytes()
    assert all(b < 128 for b in raw)
    assert seven.get_body(("plain",)).get_content().replace("\r\n", "\n") == "héllo\n.dot line\n"
    with pytest.raises(ValueError, match="line breaks"):
        PrebuiltMessage([("Subject", "x\r\nBcc: y@example.org")], "", "", "a@example.org", "b@example.org")
    with pytest.raises(ValueError, match="over"):
        PrebuiltMessage(headers, "x" * 2000, "", "a@example.org", "b@example.org")
