"""A throwaway ArcadeDB server with its Bolt plugin: the stand-in for Neo4j in tests and benchmarks.

The server runs in a child process, not in the test process, because:
- the JVM then never lives inside a process that forks workers (the concurrency tests do);
- ArcadeDB writes `./log/` into its working directory, which is the temp dir here;
- the child stops the server and exits as soon as its stdin closes, so even a pytest
  killed with SIGKILL leaves no JVM behind.

Databases are created and dropped through ArcadeDB's HTTP server API, which takes
milliseconds, so every test can get a database of its own.

Run as a script it is the child: `python arcadedb_server.py ROOT_DIR` (password in
$MPI_ARCADEDB_PASSWORD); it writes ROOT_DIR/ready.json with its ports once listening.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

READY_FILE = "ready.json"
PASSWORD_ENV = "MPI_ARCADEDB_PASSWORD"
HEAP_ENV = "MPI_ARCADEDB_HEAP"
USER = "root"
_BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


class ArcadeStartError(RuntimeError):
    """The ArcadeDB child did not come up; the message carries the tail of its log."""


@dataclass
class ArcadeServer:
    """Handle on a running ArcadeDB child process."""

    process: subprocess.Popen[bytes]
    root: Path
    password: str
    bolt_port: int
    http_port: int
    started_in: float  # seconds from spawn to listening

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def user(self) -> str:
        return USER

    def create_database(self, name: str) -> None:
        self._server_command(f"create database {name}")

    def drop_database(self, name: str) -> None:
        self._server_command(f"drop database {name}")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server: close its stdin, then terminate or kill if it lingers."""
        if self.process.poll() is not None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _server_command(self, command: str) -> None:
        token = base64.b64encode(f"{USER}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/api/v1/server",
            data=json.dumps({"command": command}).encode(),
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            exc.close()
            raise RuntimeError(f"ArcadeDB refused {command!r}: {detail}") from exc


def start_arcadedb(root: Path, password: str, timeout: float = 120.0) -> ArcadeServer:
    """Spawn the child and wait until its Bolt and HTTP listeners are up.

    Args:
        root: an empty directory for the server's databases, config and logs.
        password: the root user's password.
        timeout: seconds to wait for the server to listen.

    Raises:
        ArcadeStartError: the child exited or did not become ready in time.
    """
    root.mkdir(parents=True, exist_ok=True)
    log = (root / "server.log").open("wb")
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), str(root)],
        stdin=subprocess.PIPE,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
        env={**os.environ, PASSWORD_ENV: password},
    )
    log.close()  # the child holds its own descriptor
    ready = root / READY_FILE
    while not ready.exists():
        if process.poll() is not None or time.perf_counter() - began > timeout:
            _abandon(process)
            tail = (root / "server.log").read_text(errors="replace")[-3000:]
            raise ArcadeStartError(f"ArcadeDB did not start (log tail follows)\n{tail}")
        time.sleep(0.05)
    ports = json.loads(ready.read_text())
    return ArcadeServer(
        process=process,
        root=root,
        password=password,
        bolt_port=int(ports["bolt_port"]),
        http_port=int(ports["http_port"]),
        started_in=time.perf_counter() - began,
    )


def _abandon(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
    if process.stdin is not None:
        process.stdin.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(root: Path) -> None:
    """Child main: start the server, report the ports, stop when stdin closes."""
    import arcadedb_embedded as arcadedb

    bolt_port, http_port = _free_port(), _free_port()
    config: dict[str, Any] = {
        "host": "127.0.0.1",
        "bolt_port": bolt_port,
        "http_port": http_port,
        "server_plugins": _BOLT_PLUGIN,
    }
    server = arcadedb.ArcadeDBServer(
        str(root),
        os.environ[PASSWORD_ENV],
        config,
        jvm_kwargs={"heap_size": os.environ.get(HEAP_ENV, "2g")},
    )
    server.start()
    try:
        partial = root / (READY_FILE + ".tmp")
        partial.write_text(json.dumps({"bolt_port": bolt_port, "http_port": http_port}))
        partial.rename(root / READY_FILE)
        sys.stdin.buffer.read()  # returns at EOF: the parent closed the pipe or died
    finally:
        server.stop()


if __name__ == "__main__":
    _serve(Path(sys.argv[1]))
