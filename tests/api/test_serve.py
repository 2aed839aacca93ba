"""The real thing: `mpi serve` as a uvicorn process on 127.0.0.1, queried, then stopped."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mpi.cli.serve import tcp_listener
from mpi.services.api_keys import ApiKeys
from mpi.store.keys import open_key_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_up(base: str, proc: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not come up")


@pytest.mark.parametrize("workers", [1, 2])
def test_mpi_serve_answers_on_loopback_and_stops_cleanly_on_sigterm(
    tmp_path: Path, workers: int
) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    store = open_key_store(url)
    token = ApiKeys(store).create("admin").token
    store.close()
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mpi",
            "serve",
            "--port",
            str(port),
            "--store",
            url,
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc)
        anonymous = httpx.post(f"{base}/graphql", json={"query": "{ __typename }"})
        answered = httpx.post(
            f"{base}/graphql",
            json={"query": '{ person(id: "P0") { __typename } }'},
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    assert anonymous.status_code == 401
    assert answered.json() == {"data": {"person": {"__typename": "NotFound"}}}
    # uvicorn shuts down gracefully, then re-raises the signal so the exit status reports it.
    assert proc.returncode in (0, -signal.SIGTERM)
    assert "Traceback" not in stderr
    assert "Application shutdown complete" in stderr
    assert "Finished server process" in stderr


def test_worker_connections_get_tcp_nodelay() -> None:
    # Without it each response waits ~40 ms for a delayed ACK (see run_uvicorn).
    async def accepted_nodelay() -> int:
        listener = tcp_listener("127.0.0.1", 0)
        seen: list[int] = []

        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        await asyncio.sleep(0.1)
        writer.close()
        server.close()
        await server.wait_closed()
        return seen[0]

    assert asyncio.run(accepted_nodelay()) != 0
