"""Mail benchmark: 10,000 confirmed subscribers with topics get their daily digest through a local SMTP sink.

Target: composed and delivered in <= 60 s. Prints messages/s and the split between composing and delivering, and, as
a baseline measured in the same run, how fast the same sink takes pre-built messages (SMTP cost alone).

    python bench/mail_bench.py [--subscribers 10000] [--papers 3000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.mail.sender import send_period
from dailypapers.records import DailyEntryRecord, PaperRecord
from dailypapers.store.daily import upsert_daily_entries
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers
from dailypapers.store.schema import subscribers
from dailypapers.store.subscriptions import new_token

DAY = date(2025, 3, 5)
WORDS = ["diffusion", "transformer", "retrieval", "agents", "graph", "speech", "vision", "robotics", "protein",
         "quantization", "reasoning", "alignment", "benchmark", "sparse", "multimodal", "compression"]
CATEGORIES = ["cs.CL", "cs.LG", "cs.CV", "cs.RO", "cs.AI", "stat.ML", "q-bio.BM", "eess.AS"]
AUTHORS = [f"Researcher {i}" for i in range(40)]

SINK = """
import asyncio, signal, sys
from aiosmtpd.controller import Controller
class H:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        H.count += 1
        return "250 OK"
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
c.stop()
print(H.count, flush=True)
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(db: Database, papers: int, subs: int) -> None:
    rng = random.Random(7)
    records, entries = [], []
    for i in range(papers):
        day = DAY - timedelta(days=1 + i % 5)
        published = datetime.combine(day, dtime(12))
        words = rng.sample(WORDS, 3)
        cat = CATEGORIES[i % len(CATEGORIES)]
        records.append(PaperRecord(
            arxiv_id=f"2503.{i + 1:05d}", title=f"{words[0].title()} {words[1]} for {words[2]} ({i})",
            abstract=f"We study {' and '.join(words)} with a new method. " * 4, version=1,
            authors=rng.sample(AUTHORS, 3), categories=[cat], published_at=published, updated_at=published,
            imported_upvotes=rng.randint(0, 200)))
        entries.append(DailyEntryRecord(arxiv_id=records[-1].arxiv_id, day=day, submitted_at=published))
    with db.write() as conn:
        for start in range(0, len(records), 1000):
            _, ids = upsert_papers(conn, records[start:start + 1000])
            upsert_daily_entries(conn, entries[start:start + 1000], ids)
    now = datetime(2025, 1, 1)
    rows = []
    for i in range(subs):
        topics = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["query", "category", "author"])
            value = rng.choice(WORDS) if kind == "query" else rng.choice(CATEGORIES) if kind == "category" \
                else rng.choice(AUTHORS)
            topics.append({"kind": kind, "value": value})
        rows.append({"email": f"reader{i:05d}@example.org", "name": f"Reader {i}" if i % 3 else "Lécteur Ünïcode",
                     "frequency": "daily", "topics": topics, "status": "confirmed", "token": new_token(),
                     "created_at": now, "confirmed_at": now})
    with db.write() as conn:
        conn.execute(subscribers.insert(), rows)


def baseline(port: int, n: int) -> float:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bench@example.org", "reader@example.org", "baseline"
    msg.set_content("x" * 6000)
    msg.add_alternative("<p>" + "x" * 12000 + "</p>", subtype="html")
    smtp = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for _ in range(n):
        smtp.send_message(msg)
    elapsed = time.perf_counter() - started
    smtp.quit()
    return n / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subscribers", type=int, default=10_000)
    ap.add_argument("--papers", type=int, default=3000)
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp folder")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="mail-bench-")
    url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().strip() == "ready"
    settings = Settings(database_url=url, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                        base_url="https://papers.example.org", mail_from="Daily Papers <digest@example.org>",
                        digest_schedule_enabled=False)
    db = Database(settings)
    db.upgrade()
    t0 = time.perf_counter()
    seed(db, args.papers, args.subscribers)
    print(f"seeded {args.papers} papers, {args.subscribers} subscribers in {time.perf_counter() - t0:.1f}s ({url})")

    base_rate = baseline(port, 2000)
    print(f"baseline: SMTP alone (pre-built 18 KB message, one connection): {base_rate:,.0f} messages/s")

    started = time.perf_counter()
    report = send_period(db, settings, "daily", DAY)
    total = time.perf_counter() - started
    sink.send_signal(15)
    received = int(sink.communicate(timeout=30)[0].strip().splitlines()[-1])
    with db.connect() as conn:
        sent_rows = conn.execute(sa.text("SELECT count(*) FROM deliveries WHERE status = 'sent'")).scalar()
    print(f"digests: {report.sent} sent, {report.failed} failed, {report.skipped} skipped; sink received "
          f"{received - 2000} digests; deliveries rows sent: {sent_rows}")
    conns = settings.mail_connections
    print(f"total {total:.1f}s wall. Composing (one thread, overlapped with delivery): {report.compose_s:.1f}s busy = "
          f"{1000 * report.compose_s / max(report.sent, 1):.2f} ms/digest. Delivering ({conns} SMTP connections, "
          f"incl. per-message status check): {report.deliver_s / conns:.1f}s busy per connection = "
          f"{1000 * report.deliver_s / max(report.sent, 1):.2f} ms/digest/connection.")
    print(f"throughput: {report.sent / total:,.0f} messages/s (target: {args.subscribers} in <= 60 s: "
          f"{'met' if total <= 60 and report.sent == args.subscribers else 'NOT met'})")
    db.dispose()
    if not args.database_url:
        for f in Path(tmp).iterdir():
            f.unlink()
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
