"""The MCP server through the SDK's own client, over stdio (`dailypapers mcp`) and streamable HTTP (`serve`'s /mcp):
every tool listed and called, bad input answered with a tool error and no traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import anyio
import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.webdata import seed

TOOLS = {"search_papers", "daily_papers", "trending", "get_paper", "similar_papers", "author_papers"}
PORT = 8311


def _data(result) -> dict:
    assert not result.is_error, result.content
    return result.structured_content if result.structured_content is not None else json.loads(result.content[0].text)


async def _exercise(client: Client) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    assert tools["search_papers"].input_schema["properties"]["limit"]["maximum"] == 50
    found = _data(await client.call_tool("search_papers", {"query": "things", "mode": "keyword", "limit": 2}))
    assert len(found["papers"]) == 2 and found["next_offset"] == 2
    assert set(found["papers"][0]) >= {"id", "title", "tldr", "url", "markdown"}
    day = _data(await client.call_tool("daily_papers", {"date": "2025-01-08"}))
    assert {p["id"] for p in day["papers"]} == {"2501.00011", "2501.00012"} and day["period"] == "2025-01-08"
    week = _data(await client.call_tool("daily_papers", {"week": "2025-W02", "limit": 1}))
    assert week["total"] == 4 and len(week["papers"]) == 1 and week["next_offset"] == 1
    assert _data(await client.call_tool("trending", {"limit": 3}))["papers"]
    paper = _data(await client.call_tool("get_paper", {"arxiv_id": "arXiv:2501.00012v1"}))
    assert paper["id"] == "2501.00012" and paper["authors"][0] == "Ada Lovelace"
    assert paper["markdown"].endswith("/papers/2501.00012.md")
    similar = _data(await client.call_tool("similar_papers", {"arxiv_id": "2501.00012"}))
    assert similar["of"] == "2501.00012" and "papers" in similar
    author = _data(await client.call_tool("author_papers", {"name": "ada lovelace", "limit": 2}))
    assert author["total"] == 7 and len(author["papers"]) == 2 and "Alan Turing" in author["coauthors"]
    bad = [("search_papers", {"query": "x", "limit": 0}), ("search_papers", {"query": "x", "since": "2025-13-01"}),
           ("daily_papers", {"date": "yesterday"}), ("daily_papers", {"date": "2025-01-08", "week": "2025-W02"}),
           ("get_paper", {"arxiv_id": "not an id"}), ("get_paper", {"arxiv_id": "2599.99999"}),
           ("author_papers", {"name": "Nobody Atall"}), ("search_papers", {"mode": "keyword"})]
    for name, args in bad:
        result = await client.call_tool(name, args)
        text = " ".join(getattr(c, "text", "") for c in result.content)
        assert result.is_error, (name, args, text)
        assert "Traceback" not in text and text, (name, args)
    assert "2025-13-01" in " ".join(c.text for c in (await client.call_tool(
        "search_papers", {"query": "x", "since": "2025-13-01"})).content)


@pytest.fixture
def seeded(db, tmp_path, database_url):
    seed(db, tmp_path)
    return database_url


def test_mcp_over_stdio(seeded):
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=seeded, DAILYPAPERS_LOG_LEVEL="WARNING",
               DAILYPAPERS_BASE_URL="http://testserver")
    params = StdioServerParameters(command=sys.executable, args=["-m", "dailypapers", "mcp"], env=env)

    async def main() -> None:
        async with Client(params) as client:
            await _exercise(client)

    anyio.run(main)


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def test_mcp_over_streamable_http_in_serve(seeded, tmp_path):
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=seeded, DAILYPAPERS_LOG_LEVEL="WARNING",
               DAILYPAPERS_BASE_URL=f"http://127.0.0.1:{PORT}", DAILYPAPERS_SYNC_IN_SERVE="false",
               DAILYPAPERS_INDEX_ON_SERVE="false", DAILYPAPERS_DIGEST_SCHEDULE_ENABLED="false")
    proc = subprocess.Popen([sys.executable, "-m", "dailypapers", "serve", "--port", str(PORT)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(PORT, proc)

        async def main() -> None:
            async with Client(f"http://127.0.0.1:{PORT}/mcp") as client:
                await _exercise(client)

        anyio.run(main)
        # A foreign Host (DNS rebinding) is refused.
        r = httpx.post(f"http://127.0.0.1:{PORT}/mcp", headers={"Host": "evil.example"}, json={})
        assert r.status_code in (403, 421)
    finally:
        proc.terminate()
        proc.wait(10)
