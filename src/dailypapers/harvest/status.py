"""What the status page, the home page and `dailypapers status` say about harvesting."""

from __future__ import annotations

from dataclasses import dataclass

from dailypapers.store import harvest as store
from dailypapers.store.db import Database
from dailypapers.store.papers import count_papers


@dataclass
class HarvestStatus:
    running: dict | None
    last: dict | None  # last finished run (ok, failed or interrupted)
    last_ok: dict | None
    checkpoints: list[dict]
    recent: list[dict]
    paper_count: int

    @property
    def backfilling(self) -> bool:
        return bool(self.running and self.running["backfill"])

    @property
    def failed(self) -> bool:
        return bool(self.last and self.last["status"] != "ok")

    def progress_text(self) -> str:
        run = self.running
        if not run:
            return ""
        total = f" of about {run['records_total']}" if run["records_total"] else ""
        return (f"{run['records']}{total} arXiv records read, {run['papers_new']} new papers so far "
                f"(started {run['started_at']:%Y-%m-%d %H:%M} UTC)")

    def lines(self) -> list[str]:
        out = [f"papers in the database: {self.paper_count}"]
        if self.running:
            kind = "backfill" if self.running["backfill"] else "sync"
            out.append(f"{kind} running: {self.progress_text()}")
        if self.last:
            out.append(describe_run(self.last))
        else:
            out.append("no sync has finished yet (run `dailypapers sync`)")
        if self.last_ok and self.last and self.last_ok["id"] != self.last["id"]:
            out.append(f"last successful sync: {self.last_ok['finished_at']:%Y-%m-%d %H:%M} UTC")
        for cp in self.checkpoints:
            state = f"resumable at record {cp['cursor']} of {cp['complete_size']}" if cp["token"] else "idle"
            through = cp["harvested_through"].isoformat() if cp["harvested_through"] else "never completed"
            out.append(f"set {cp['set_spec']} ({cp['metadata_prefix']}): harvested through {through}, {state}")
        return out


def describe_run(run: dict) -> str:
    when = f"{run['finished_at']:%Y-%m-%d %H:%M} UTC" if run["finished_at"] else "(unfinished)"
    kind = "backfill" if run["backfill"] else "sync"
    if run["status"] == "ok":
        return (f"last {kind}: {when}, ok: {run['papers_new']} new papers, {run['papers_updated']} updated, "
                f"{run['daily_added']} added to daily lists")
    return f"last {kind}: {when}, {run['status'].upper()}: {run['error']}"


def harvest_status(db: Database, recent: int = 10) -> HarvestStatus:
    with db.connect() as conn:
        return HarvestStatus(
            running=store.running_run(conn),
            last=store.last_finished_run(conn),
            last_ok=store.last_finished_run(conn, "ok"),
            checkpoints=store.all_checkpoints(conn),
            recent=store.recent_runs(conn, recent),
            paper_count=count_papers(conn),
        )
