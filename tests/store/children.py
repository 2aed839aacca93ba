"""Child processes of the reliability tests: end them whatever happens, read their result."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def running(*processes: subprocess.Popen[str]) -> Iterator[None]:
    """Whatever happens in the block, the children end and their pipes are closed."""
    try:
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None and not stream.closed:
                    stream.close()


def finish(process: subprocess.Popen[str], timeout: float) -> list[str]:
    """The lines a child printed, after checking that it exited cleanly."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out.splitlines()
