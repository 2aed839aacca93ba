"""`mpi serve`: the GraphQL API under uvicorn (GraphiQL at /graphql), bound to loopback."""

from __future__ import annotations

import argparse
import os
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from mpi.cli.keys import store_url
from mpi.services.api_keys import ApiKeys

APP_FACTORY = "mpi.api.wiring:app_from_env"


def register(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "serve",
        help="serve the GraphQL API",
        description="Serve GraphQL at http://HOST:PORT/graphql (GraphiQL in a browser).",
    )
    add_server_options(parser)
    parser.set_defaults(handler=run)


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--store", metavar="URL", help="store URL (default: $MPI_STORE_URL)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes")
    parser.add_argument("--access-log", action="store_true", help="log every request")


def run(args: argparse.Namespace) -> int:
    serve(store_url(args), args.host, args.port, args.workers, args.access_log)
    return 0


def serve(url: str, host: str, port: int, workers: int = 1, access_log: bool = False) -> None:
    """Run uvicorn until interrupted; every worker builds its app from MPI_* settings."""
    # Fail here, with a readable error, rather than in each worker.
    ApiKeys.open(url).close()
    # Workers are separate processes that read their settings from the environment.
    os.environ["MPI_STORE_URL"] = url
    run_uvicorn(APP_FACTORY, host, port, workers, access_log)


def run_uvicorn(app: str, host: str, port: int, workers: int, access_log: bool) -> None:
    """`uvicorn.run(app, factory=True, …)`, except that worker processes get a TCP socket.

    With `workers > 1` uvicorn binds `socket.socket(family)`, whose protocol number is 0, and
    asyncio sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP. Without
    TCP_NODELAY every response (headers and body are separate writes) waits about 40 ms for
    the client's delayed ACK. Binding the socket here with the protocol set avoids that.
    """
    config = uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    Multiprocess(config, sockets=[tcp_listener(host, port)]).run()


def tcp_listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock
