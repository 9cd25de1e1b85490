"""Real `dailypapers` processes for the several-processes tests: start `serve` on a free port, wait, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

# Ports for servers these tests start: DAILYPAPERS_TEST_PORTS=8450-8499 keeps them in a range; else any free one.
_RANGE = os.environ.get("DAILYPAPERS_TEST_PORTS", "")


def free_port() -> int:
    candidates = range(int(_RANGE.split("-")[0]), int(_RANGE.split("-")[1]) + 1) if _RANGE else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {_RANGE}")


def cli_env(database_url: str, **settings: object) -> dict[str, str]:
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING")
    env.pop("DAILYPAPERS_CONFIG", None)
    env.update({f"DAILYPAPERS_{k.upper()}": str(v) for k, v in settings.items()})
    return env


@dataclass
class Serve:
    proc: subprocess.Popen
    url: str

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_serve(env: dict[str, str], *args: str, log_path=None) -> Serve:
    port = free_port()
    out = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115  # closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "dailypapers", "serve", "--port", str(port), *args], env=env,
                            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, f"serve exited with {proc.returncode}"
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return Serve(proc, url)
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "serve did not start"
        time.sleep(0.1)
