"""uvicorn's HTTP/1.1 protocol with Nagle's algorithm off on every connection, whatever the listening socket.

Why: asyncio turns on TCP_NODELAY only for sockets whose `proto` is IPPROTO_TCP. A single `serve` process listens
on a socket asyncio made itself (proto 6), so its connections get it. With `--workers N`, uvicorn binds the shared
socket itself with `socket.socket(family)` (proto 0); connections accepted from it keep proto 0, asyncio skips them,
and each response, written as headers then body, waits for the client's delayed ACK: ~40 ms on Linux, the "44 ms
stall" of bench/RESULTS.md. Setting the option per connection removes it (measured in bench/scale_bench.py).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

PROTOCOL = "dailypapers.web.nodelay:NoDelayH11Protocol"


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
