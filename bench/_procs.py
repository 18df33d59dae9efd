"""Helpers the live-server benchmarks and hardening tests share: a free loopback port, a process's
CPU time, and the real server as a child process that can be killed and restarted."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used so far (NaN once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


class ServeProcess:
    """``trafiktrygg serve`` as a child process in its own process group (all its workers).

    Shared by ``bench/load.py`` and the hardening tests: they start, SIGKILL and restart the
    real server. The group lets one signal reach uvicorn's supervisor and every worker at once.
    """

    def __init__(
        self, env: dict[str, str], log: Path, *, workers: int = 1, port: int | None = None, cli: bool = True
    ) -> None:
        self.env = {**os.environ, **env}
        self.log = log
        self.workers = workers
        self.cli = cli  # False: ``python -m uvicorn --factory api.app:create_app`` (imports less)
        self.port = port or free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> ServeProcess:
        """Start and wait until ``/healthz`` answers 200."""
        import httpx

        where = ["--host", HOST, "--port", str(self.port), "--workers", str(self.workers)]
        if self.cli:
            cmd = [str(Path(sys.executable).parent / "trafiktrygg"), "serve", *where, "--no-access-log"]
        else:
            uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app"]
            # A slow-starting worker (a busy machine) must not be killed by the 5 s health check.
            quiet = ["--no-access-log", "--log-level", "warning", "--timeout-worker-healthcheck", "60"]
            cmd = [*uvicorn, *where, *quiet]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while True:
            self.alive()
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"server did not answer /healthz within {timeout:g} s: {self.tail()}")
            time.sleep(0.1)

    def alive(self) -> None:
        """Raise if the server exited."""
        if self.proc is None or self.proc.poll() is not None:
            code = None if self.proc is None else self.proc.returncode
            raise RuntimeError(f"server exited ({code}): {self.tail()}")

    def tail(self, chars: int = 3000) -> str:
        """The end of the server's log."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole group (a crash: no shutdown, no flush, nothing answered)."""
        self._signal(signal.SIGKILL)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (graceful), then SIGKILL if it lingers."""
        self._signal(signal.SIGTERM, timeout)

    def _signal(self, sig: int, timeout: float = 20.0) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)  # our own group only: start_new_session=True
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
