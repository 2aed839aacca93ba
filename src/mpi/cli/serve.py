"""`mpi serve`: the GraphQL API under uvicorn (GraphiQL at /graphql), bound to loopback."""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn

from mpi.cli.keys import store_url
from mpi.store.keys import open_key_store

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
    open_key_store(url).close()
    # Workers are separate processes that read their settings from the environment.
    os.environ["MPI_STORE_URL"] = url
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
    )
