"""Load generator for the GraphQL API: throughput and p50/p99 latency per operation.

Loads a synthetic population (default 100k persons) into a fresh SQLite store, starts
`mpi serve --workers 2` on 127.0.0.1, and drives `person`, `resolveIdentity` and
`registerRecord` at 1, 8 and 32 concurrent keep-alive connections from one asyncio process
(a minimal raw HTTP/1.1 client by default, or httpx with `--client httpx`). Each run is
bounded by a request count and a time budget. Next to each operation it measures the
ceiling: a bare strawberry app (benchmarks/bare_strawberry.py) on uvicorn with 2 workers
answering a trivial query, with the same generator, so every figure is reported as a ratio
to a ceiling measured in the same run on the same machine. Afterwards it checks that every
registered record is in the store. Loopback only.

    .venv/bin/python benchmarks/api_load.py --persons 100000 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np

from api_population import Loaded, load_population
from mpi.domain.records import Record
from mpi.services.api_keys import ApiKeys
from mpi.store.urls import open_store

HOST = "127.0.0.1"
BENCH_INSTITUTION = "BENCH"
PERSON = (
    "query($id: ID!) { person(id: $id) { __typename ... on Person { id"
    " golden { curp givenNames firstSurname birthDate } records { key version } } } }"
)
RESOLVE = (
    "query($input: IdentityInput!) { resolveIdentity(input: $input, limit: 5) { __typename"
    " ... on IdentityResolution { candidates { personId probability band } } } }"
)
REGISTER = (
    "mutation($input: RecordInput!) { registerRecord(input: $input) { __typename"
    " ... on RegisterSuccess { recordKey personId outcome } } }"
)
BARE = "{ hello }"
EXPECTED = {
    "person": "Person",
    "resolveIdentity": "IdentityResolution",
    "registerRecord": "RegisterSuccess",
}


@dataclass(frozen=True, slots=True)
class Figures:
    name: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    load_average: float  # 1-minute load average of the machine when the run ended
    server_cpu_ms: float  # CPU of the server's processes (all workers) per request
    client_cpu_ms: float  # CPU of this load generator per request


Payload = Callable[[int], dict[str, Any]]


Post = Callable[[bytes], Awaitable[tuple[int, bytes]]]


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client on one connection, one request at a time.

    About three times cheaper per request than httpx, so on a small machine the client
    takes less of the CPU it shares with the servers it measures.
    """

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        assert parts.hostname == HOST and parts.port is not None  # loopback only
        self._port = parts.port
        lines = [
            f"POST {parts.path or '/'} HTTP/1.1",
            f"host: {HOST}:{parts.port}",
            "content-type: application/json",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        self._head = ("\r\n".join(lines) + "\r\ncontent-length: ").encode()
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, body: bytes) -> tuple[int, bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(HOST, self._port)
        reader, writer = self._streams
        writer.write(self._head + str(len(body)).encode() + b"\r\n\r\n" + body)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        return status, await reader.readexactly(length)

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()


async def drive(
    url: str,
    payload: Payload,
    expected: str | None,
    concurrency: int,
    max_requests: int,
    seconds: float,
    headers: dict[str, str],
    client: str = "raw",
) -> tuple[int, int, list[float], float]:
    """Send requests from `concurrency` clients until the count or the time budget runs out."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    # httpx writes headers and body separately; without TCP_NODELAY each POST waits ~40 ms
    # for a delayed ACK (Nagle), which would measure the kernel rather than the server.
    transport = httpx.AsyncHTTPTransport(
        limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    )
    async with httpx.AsyncClient(transport=transport, headers=headers, timeout=30) as shared:

        async def via_httpx(body: bytes) -> tuple[int, bytes]:
            response = await shared.post(
                url, content=body, headers={"content-type": "application/json"}
            )
            return response.status_code, response.content

        started = time.perf_counter()
        deadline = started + seconds

        async def client_loop() -> None:
            nonlocal errors, issued
            raw = RawConnection(url, headers) if client == "raw" else None
            post: Post = raw.post if raw else via_httpx
            while issued < max_requests and time.perf_counter() < deadline:
                n = issued
                issued += 1
                body = json.dumps(payload(n)).encode()
                t0 = time.perf_counter()
                try:
                    status, content = await post(body)
                except (httpx.TransportError, OSError, asyncio.IncompleteReadError) as exc:
                    errors += 1
                    print(f"transport error: {exc!r}", file=sys.stderr)
                    continue
                latencies.append(time.perf_counter() - t0)
                if not _ok(status, content, expected):
                    errors += 1
                    if errors <= 3:
                        print(f"bad answer: {status} {content[:300]!r}", file=sys.stderr)
            if raw:
                raw.close()

        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return issued, errors, latencies, elapsed


def _ok(status: int, content: bytes, expected: str | None) -> bool:
    if status != 200:
        return False
    body = json.loads(content)
    if body.get("errors"):
        return False
    if expected is None:
        return True
    (result,) = body["data"].values()
    return bool(result.get("__typename") == expected)


@dataclass(frozen=True, slots=True)
class Running:
    url: str
    pid: int  # the server's main process; its workers are its children


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process `pid` and its children (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # exited meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        pids += [int(c) for c in children]
    return total


def measure(
    name: str,
    target: Running,
    path: str,
    payload: Payload,
    expected: str | None,
    concurrency: int,
    args: argparse.Namespace,
    headers: dict[str, str],
) -> Figures:
    url = target.url + path
    # A short warm-up so connection set-up and first-request caches are not measured.
    asyncio.run(
        drive(url, payload, expected, concurrency, concurrency * 5, 2.0, headers, args.client)
    )
    server_cpu, client_cpu = tree_cpu(target.pid), time.process_time()
    issued, errors, latencies, elapsed = asyncio.run(
        drive(
            url,
            payload,
            expected,
            concurrency,
            args.max_requests,
            args.seconds,
            headers,
            args.client,
        )
    )
    server_cpu, client_cpu = tree_cpu(target.pid) - server_cpu, time.process_time() - client_cpu
    ms = np.array(latencies) * 1000
    figures = Figures(
        name,
        concurrency,
        issued,
        errors,
        round(elapsed, 2),
        round(issued / elapsed, 1),
        round(float(np.percentile(ms, 50)), 2),
        round(float(np.percentile(ms, 99)), 2),
        round(os.getloadavg()[0], 1),
        round(server_cpu * 1000 / issued, 3),
        round(client_cpu * 1000 / issued, 3),
    )
    print(json.dumps(asdict(figures)), flush=True)
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(command: list[str], ready: Callable[[str], bool], log: Path) -> Iterator[Running]:
    """Run a server process on a free loopback port until the block ends."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen([*command, "--port", str(port)], stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 120
            while not _up(base, ready):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {log}")
                time.sleep(0.3)
            yield Running(base, proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def _up(base: str, ready: Callable[[str], bool]) -> bool:
    try:
        return ready(base)
    except httpx.TransportError:
        return False


def identity_input(r: Record) -> dict[str, Any]:
    return {
        "curp": r.curp,
        "givenNames": r.given_names,
        "firstSurname": r.first_surname,
        "secondSurname": r.second_surname,
        "sex": r.sex,
        "birthDate": r.birth_date.isoformat() if r.birth_date else None,
        "birthState": r.birth_state,
    }


def scenarios(
    records: list[Record], person_ids: list[str], registered: list[str]
) -> dict[str, Payload]:
    """Payload makers; registerRecord sends fresh record ids and notes each key it sent."""
    rng = random.Random(5)
    persons = sorted(set(person_ids))
    picks = [rng.randrange(len(records)) for _ in range(1 << 16)]

    def person(n: int) -> dict[str, Any]:
        return {"query": PERSON, "variables": {"id": persons[picks[n % len(picks)] % len(persons)]}}

    def resolve(n: int) -> dict[str, Any]:
        return {
            "query": RESOLVE,
            "variables": {"input": identity_input(records[picks[n % len(picks)]])},
        }

    def register(n: int) -> dict[str, Any]:
        source = records[picks[len(registered) % len(picks)]]
        record_id = f"R{len(registered)}-{os.getpid()}"
        registered.append(f"{BENCH_INSTITUTION}:{record_id}")
        record = {**identity_input(source), "institution": BENCH_INSTITUTION, "recordId": record_id}
        return {"query": REGISTER, "variables": {"input": record}}

    return {"person": person, "resolveIdentity": resolve, "registerRecord": register}


def bare_command(variant: str, workers: int) -> list[str]:
    # Launched like `mpi serve` (same uvicorn settings, TCP_NODELAY on worker sockets), so
    # the ceiling and the API differ only in the application.
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r});"
        "from mpi.cli.serve import run_uvicorn;"
        f"run_uvicorn('bare_strawberry:{variant}', {HOST!r}, int(sys.argv[2]), {workers}, False)"
    )
    return [sys.executable, "-c", code]


def bare_ready(base: str) -> bool:
    return httpx.post(f"{base}/", json={"query": BARE}).status_code == 200


def mpi_ready(base: str) -> bool:
    return httpx.get(f"{base}/healthz").status_code == 200


def run_all(
    args: argparse.Namespace, url: str, records: list[Record], person_ids: list[str], log_dir: Path
) -> list[Figures]:
    """All servers up at once (idle ones cost nothing); at each concurrency the ceilings are
    measured right before the API operations, so drifting load on a shared machine skews
    the ratios as little as possible."""
    keys = ApiKeys.open(url)
    admin = keys.create("admin").token
    bench = keys.create("institution", BENCH_INSTITUTION).token
    keys.close()
    serve = [
        sys.executable,
        "-m",
        "mpi",
        "serve",
        "--host",
        HOST,
        "--store",
        url,
        "--workers",
        str(args.workers),
    ]
    out: list[Figures] = []
    registered: list[str] = []
    with (
        server(bare_command("plain_app", args.workers), bare_ready, log_dir / "plain.log") as plain,
        server(
            bare_command("cached_app", args.workers), bare_ready, log_dir / "cached.log"
        ) as cached,
        server(serve, mpi_ready, log_dir / "mpi-serve.log") as api,
    ):
        payloads = scenarios(records, person_ids, registered)
        for c in args.concurrency:
            for label, bare in (("bare plain", plain), ("bare cached", cached)):
                out.append(measure(label, bare, "/", lambda n: {"query": BARE}, None, c, args, {}))
            for name, payload in payloads.items():
                if name not in args.operations:
                    continue
                token = bench if name == "registerRecord" else admin
                headers = {"Authorization": f"Bearer {token}"}
                out.append(
                    measure(name, api, "/graphql", payload, EXPECTED[name], c, args, headers)
                )
    missing = _missing(url, registered)
    print(json.dumps({"registered_sent": len(registered), "missing_afterwards": missing}))
    return out


def _missing(url: str, keys: list[str]) -> int:
    store = open_store(url)
    try:
        with store.read() as tx:
            found: set[str] = set()
            for start in range(0, len(keys), 500):
                found |= set(tx.get_records(keys[start : start + 500]))
    finally:
        store.close()
    return len(set(keys) - found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0, help="time budget per run")
    parser.add_argument("--max-requests", type=int, default=50_000, help="count budget per run")
    parser.add_argument(
        "--concurrency", type=lambda t: [int(x) for x in t.split(",")], default=[1, 8, 32]
    )
    parser.add_argument("--out", type=Path, help="write all figures as JSON here")
    parser.add_argument(
        "--operations",
        type=lambda t: t.split(","),
        default=list(EXPECTED),
        help=f"comma-separated subset of {','.join(EXPECTED)} (default: all)",
    )
    parser.add_argument(
        "--store-dir",
        type=Path,
        help="keep the loaded store here and reuse it on later runs with the same --persons "
        "(default: a fresh temporary store, loaded every run)",
    )
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="raw: a minimal asyncio HTTP/1.1 client (cheaper); httpx: httpx.AsyncClient",
    )
    args = parser.parse_args()
    # Leave no server behind when stopped: SIGTERM unwinds like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="mpi-api-bench-") as tmp:
        log_dir = Path(tmp)
        store_dir = args.store_dir or log_dir
        url = f"sqlite:///{store_dir / 'mpi.db'}"
        loaded = prepared_population(store_dir, url, args.persons)
        print(
            json.dumps(
                {
                    "persons": args.persons,
                    "records": len(loaded.records),
                    "load_seconds": round(loaded.seconds, 1),
                }
            ),
            flush=True,
        )
        figures = run_all(args, url, loaded.records, loaded.person_ids, log_dir)
    report(figures, args)


def prepared_population(store_dir: Path, url: str, persons: int) -> Loaded:
    """The population stored at `url`, loaded now unless `store_dir` already holds one of
    `persons` persons (then its records come from the pickle written next to the store).

    A reused store keeps the BENCH records and audit entries of earlier runs; record ids
    carry the process id, so runs never collide.
    """
    saved = store_dir / f"population-{persons}.pickle"
    if saved.exists() and (store_dir / "mpi.db").exists():
        with saved.open("rb") as f:
            loaded: Loaded = pickle.load(f)  # written by this script, below
        return Loaded(loaded.records, loaded.person_ids, 0.0)
    if (store_dir / "mpi.db").exists():
        raise SystemExit(f"{store_dir} holds a store but no {saved.name}: use an empty directory")
    store_dir.mkdir(parents=True, exist_ok=True)
    loaded = load_population(url, persons)
    with saved.open("wb") as f:
        pickle.dump(loaded, f)
    return loaded


def report(figures: list[Figures], args: argparse.Namespace) -> None:
    top = {f.concurrency: f.per_second for f in figures if f.name == "bare cached"}
    print(
        "\n| operation | clients | req/s | p50 ms | p99 ms | errors | ratio to ceiling "
        "| server CPU ms/req | client CPU ms/req | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for f in figures:
        ratio = f.per_second / top[f.concurrency]
        print(
            f"| {f.name} | {f.concurrency} | {f.per_second:,.0f} | {f.p50_ms} | {f.p99_ms} "
            f"| {f.errors} | {ratio:.2f} | {f.server_cpu_ms} | {f.client_cpu_ms} "
            f"| {f.load_average} |"
        )
    if args.out:
        args.out.write_text(json.dumps([asdict(f) for f in figures], indent=1))


if __name__ == "__main__":
    main()
