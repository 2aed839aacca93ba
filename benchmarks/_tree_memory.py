"""Peak memory of a process together with its descendants, sampled from /proc.

ru_maxrss from wait4 is the largest single process of the tree, so a command that forks a
worker (mpi link writes the store from a second process) would look smaller than it is. The
sampler adds up the proportional set size (Pss: shared pages split between the processes that
map them, so copy-on-write pages after fork are not counted twice) of the whole tree, once a
second; reading smaps_rollup walks the page tables, so sampling more often would slow the
measured run. Short peaks between samples are missed, which is why callers also keep ru_maxrss.
"""

from __future__ import annotations

import threading
from pathlib import Path

INTERVAL_S = 1.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in task.read_text().split()]
        except OSError:
            continue
    return found


def _tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += _children(pid)
    return pids


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


class TreeMemorySampler:
    """Samples the Pss sum of `root` and its descendants until stop(); `peak_mb` is the max."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb

    def _run(self) -> None:
        while not self._stop.is_set():
            total_kib = sum(_pss_kib(pid) for pid in _tree(self.root))
            self.peak_mb = max(self.peak_mb, total_kib / 1024)
            self._stop.wait(INTERVAL_S)
