"""Building messages: digests and confirmation mails, HTML (inline CSS) plus a plain-text part.

Headers carry user data only through `email.headerregistry` objects and `clean_text`, so a name with CR/LF cannot
add a header; non-ASCII names and subjects are RFC 2047-encoded by the `email` package when the message is written.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from dailypapers.config import ConfigError, Settings
from dailypapers.mail.addresses import clean_text, topic_label
from dailypapers.mail.content import TOPIC_LOOKBACK, DigestContent, Period
from dailypapers.mail.wire import PrebuiltMessage, encode_header

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"



@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=jinja2.select_autoescape(
        enabled_extensions=("html",), default_for_string=False), trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context: Any) -> str:
    return _env().get_template(name).render(**context)


def site_host(settings: Settings) -> str:
    return urlsplit(settings.base_url).hostname or "localhost"


def list_id(settings: Settings) -> str:
    if settings.mail_list_id:
        return clean_text(settings.mail_list_id)
    return f"{clean_text(settings.site_name)} digest <digest.{site_host(settings)}>"


def message_id(period_key: str, subscriber_id: int, settings: Settings) -> str:
    """The same for every attempt at one digest, so a receiving server can drop a repeat."""
    return f"<digest.{period_key.replace(':', '.')}.{subscriber_id}@{site_host(settings)}>"


@functools.lru_cache(maxsize=8)
def _from_address(mail_from: str) -> str:
    msg = EmailMessage()
    try:
        msg["From"] = mail_from
        if len(msg["From"].addresses) != 1:
            raise ValueError("exactly one address needed")
    except (ValueError, IndexError) as exc:
        raise ConfigError(f"setting 'mail_from': {mail_from!r} is not a usable address ({exc})") from None
    return mail_from


def _recipient(email: str, name: str | None) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=clean_text(name or ""), username=local, domain=domain)


def links(settings: Settings, token: str) -> dict[str, str]:
    base = settings.base_url.rstrip("/")
    return {"base": base, "manage": f"{base}/subscription/{token}", "unsubscribe": f"{base}/unsubscribe/{token}",
            "confirm": f"{base}/subscribe/confirm/{token}"}


def new_message(settings: Settings, to_email: str, to_name: str | None, subject: str, text: str, html: str,
                msg_id: str, now: datetime | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _from_address(settings.mail_from)
    msg["To"] = _recipient(to_email, to_name)
    msg["Subject"] = clean_text(subject)
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = msg_id
    try:
        # 8bit: no quoted-printable pass over every body (the slowest part of building a message in Python) and a
        # few long lines instead of hundreds of short ones for the server; SMTPBackend announces BODY=8BITMIME.
        msg.set_content(text, cte="8bit")
        msg.add_alternative(html, subtype="html", cte="8bit")
    except ValueError:  # a line over 998 octets cannot travel as 8bit
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
    return msg


@dataclass
class Digest:
    subject: str
    sections: list[dict[str, Any]] = field(default_factory=list)
    paper_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.paper_ids


def build_digest(content: DigestContent, subscriber: dict[str, Any], already_sent: set[int],
                 last_sent_at: datetime | None, site_name: str) -> Digest:
    """Trending papers first, then "For you" (subscribers with an account and a library), then per topic the new
    matches; never a paper the subscriber already had."""
    period: Period = content.period
    taken = set(already_sent)
    label = "Daily" if period.kind == "daily" else "Weekly"
    digest = Digest(subject=f"{site_name} {label.lower()} digest — {period.day.strftime('%a %d %b %Y')}")
    trending = [p for p in content.trending_ids() if p not in taken][: content.trending_count]
    papers = [p for p in map(content.paper, trending) if p]
    digest.sections.append({"title": f"Trending {'today' if period.kind == 'daily' else 'this week'}",
                            "papers": papers})
    taken.update(p["id"] for p in papers)
    if subscriber.get("user_id"):  # an account's library ranks the period's papers for it
        ids = [p for p in content.for_you_ids(subscriber["user_id"]) if p not in taken][: content.topic_count]
        found = [p for p in (content.paper(i) for i in ids) if p]
        taken.update(p["id"] for p in found)
        if found:
            digest.sections.append({"title": "For you", "papers": found, "topic": True})
    since = min(last_sent_at or period.start, period.start) - TOPIC_LOOKBACK
    for topic in subscriber.get("topics") or []:
        ids = [p for p in content.topic_ids(topic, since) if p not in taken][: content.topic_count]
        found = [p for p in map(content.paper, ids) if p]
        taken.update(p["id"] for p in found)
        digest.sections.append({"title": topic_label(topic), "papers": found, "topic": True})
    digest.paper_ids = [p["id"] for s in digest.sections for p in s["papers"]]
    return digest


def _fragments(content: DigestContent | None, paper: dict[str, Any], base: str) -> tuple[Markup, str]:
    """A paper's HTML card and text item, rendered once per run (thousands of digests share the same papers)."""
    cache = content.__dict__.setdefault("_fragments", {}) if content is not None else {}
    key = (paper["id"], base)
    if key not in cache:
        cache[key] = (Markup(render("mail/_paper.html", p=paper, base=base).strip()),
                      render("mail/_paper.txt", p=paper, base=base).rstrip())
    return cache[key]


def digest_message(settings: Settings, digest: Digest, subscriber: dict[str, Any], msg_id: str,
                   now: datetime | None = None, content: DigestContent | None = None) -> Message:
    """The digest as a MIME message (multipart/alternative: text, then HTML with inline CSS).

    Serialized once by `wire.PrebuiltMessage`: at 10,000 digests a run, the `email` package's header objects and
    generator cost more than everything else together. Every header value is one clean line (CR/LF and other
    controls become spaces), non-ASCII ones are RFC 2047-encoded; the address was validated when it was stored."""
    urls = links(settings, subscriber["token"])
    sections = []
    for section in digest.sections:
        pairs = [_fragments(content, p, urls["base"]) for p in section["papers"]]
        sections.append({**section, "cards": [c for c, _ in pairs], "texts": [t for _, t in pairs]})
    context = {"digest": Digest(digest.subject, sections, digest.paper_ids), "urls": urls,
               "site_name": settings.site_name, "email": subscriber["email"], "frequency": subscriber["frequency"]}
    headers = [
        ("From", _from_header(settings.mail_from)),
        ("To", formataddr((clean_text(subscriber.get("name") or ""), subscriber["email"]), charset="utf-8")),
        ("Subject", encode_header("Subject", digest.subject)),
        ("Date", format_datetime(now or datetime.now(UTC))),
        ("Message-ID", clean_text(msg_id)),
        ("List-Id", encode_header("List-Id", list_id(settings))),
        ("List-Unsubscribe", f"<{clean_text(urls['unsubscribe'])}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ]
    text = render("mail/digest_email.txt", **context)
    html = render("mail/digest_email.html", **context)
    try:
        return PrebuiltMessage(headers, text, html, _envelope_from(settings.mail_from), subscriber["email"])
    except ValueError:  # an overlong line or a non-ASCII header: let the email package encode it (base64)
        msg = MIMEMultipart("alternative")
        for name, value in headers:
            msg[name] = value
        msg.attach(MIMEText(text, "plain", "utf-8"))
        msg.attach(MIMEText(html, "html", "utf-8"))
        return msg


@functools.lru_cache(maxsize=8)
def _envelope_from(mail_from: str) -> str:
    return parseaddr(_from_address(mail_from))[1]


@functools.lru_cache(maxsize=8)
def _from_header(mail_from: str) -> str:
    """`mail_from` as an ASCII header value (a non-ASCII display name RFC 2047-encoded)."""
    name, address = parseaddr(_from_address(mail_from))
    return formataddr((clean_text(name), address), charset="utf-8")


def parsed(message: Message) -> EmailMessage:
    """Any message as the modern `EmailMessage` API sees it on the receiving end (for previews and tests)."""
    if isinstance(message, EmailMessage):
        return message
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def confirmation_message(settings: Settings, subscriber: dict[str, Any], now: datetime | None = None) -> EmailMessage:
    urls = links(settings, subscriber["token"])
    context = {"urls": urls, "site_name": settings.site_name, "email": subscriber["email"],
               "frequency": subscriber["frequency"]}
    stamp = int((now or datetime.now(UTC)).timestamp())
    return new_message(settings, subscriber["email"], subscriber.get("name"),
                       f"Confirm your {settings.site_name} subscription",
                       render("mail/confirm_email.txt", **context), render("mail/confirm_email.html", **context),
                       f"<confirm.{subscriber['id']}.{stamp}@{site_host(settings)}>", now)
