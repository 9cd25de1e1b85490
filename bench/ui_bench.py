"""How the pages read (issue 13): for each page of a running hub, at 1366×900 and 390×844, the page height, the cards
whose whole box is on the first screen, the phone header's height, and the HTML's size plain and gzipped.

    python bench/ui_bench.py http://127.0.0.1:8400 [--label after] [PATH ...]

Run it against the hub before a change and after (same data) for a baseline; needs Debian chromium.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os

import httpx
from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
DEFAULT_PATHS = ["/", "/papers/week/2025-W24", "/trending", "/search?q=diffusion", "/papers/2503.18940"]
MEASURE = """() => ({
  height: document.documentElement.scrollHeight,
  cards: [...document.querySelectorAll('li.card')].filter(c => {
    const r = c.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }).length,
  header: document.querySelector('header.site').getBoundingClientRect().height,
  sideways: document.documentElement.scrollWidth > innerWidth + 1,
})"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    rows = []
    with sync_playwright() as p, httpx.Client(base_url=args.base, timeout=120) as http:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS)
        for path in args.paths:
            body = http.get(path, headers={"Accept-Encoding": "identity"}).content
            row = {"label": args.label, "path": path, "html_bytes": len(body),
                   "gzip_bytes": len(gzip.compress(body, 6))}
            for device, (w, h) in SIZES.items():
                page = browser.new_page(viewport={"width": w, "height": h})
                page.goto(args.base + path)
                m = page.evaluate(MEASURE)
                row.update({f"{device}_{k}": v for k, v in m.items()})
                page.close()
            rows.append(row)
            print(json.dumps(row))
        browser.close()


if __name__ == "__main__":
    main()
