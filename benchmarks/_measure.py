"""Run one system in a fresh child process and measure it from the outside.

Each system gets its own interpreter so that its peak memory is its own: the peak resident
set size comes from `os.wait4` on that child alone (Linux reports ru_maxrss in KiB), or from
the sampled sum over the child's process tree when that is larger (_tree_memory.py), and the
wall time is taken around the whole child, interpreter start and imports included. The child
reports its own phase timings in `phases.json` inside its output directory.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _tree_memory import TreeMemorySampler

PHASES_FILE = "phases.json"


@dataclass(frozen=True, slots=True)
class ChildRun:
    """What one measured child process did: exit code, wall seconds, peak RSS, its report."""

    name: str
    returncode: int
    wall_s: float
    cpu_s: float  # user + system: less sensitive than wall time to other load on the machine
    peak_mb: float
    load: float  # 1-minute load average when the child started: other work on the machine
    out_dir: Path
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def phases(self) -> dict[str, float]:
        phases: dict[str, float] = self.report.get("phases", {})
        return phases

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def to_mapping(self) -> dict[str, Any]:
        fields = ("name", "returncode", "wall_s", "cpu_s", "peak_mb", "load")
        return {**{f: getattr(self, f) for f in fields}, "out_dir": str(self.out_dir)}

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> ChildRun:
        out_dir = Path(data["out_dir"])
        return cls(**{**data, "out_dir": out_dir, "report": read_report(out_dir)})


def run_child(name: str, argv: list[str], out_dir: Path) -> ChildRun:
    """Run argv with output going to out_dir/run.log; wait for it and measure it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / PHASES_FILE).unlink(missing_ok=True)
    load = os.getloadavg()[0]
    with (out_dir / "run.log").open("w", encoding="utf-8") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeMemorySampler(proc.pid).start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        tree_peak_mb = sampler.stop()
    # wait4 reaped the child; tell Popen so it does not try (and warn) again.
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(
        name=name,
        returncode=proc.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        # The larger of the biggest single process (exact) and the sampled whole-tree sum.
        peak_mb=max(usage.ru_maxrss / 1024, tree_peak_mb),
        load=load,
        out_dir=out_dir,
        report=read_report(out_dir),
    )


def read_report(out_dir: Path) -> dict[str, Any]:
    path = out_dir / PHASES_FILE
    if not path.exists():
        return {"phases": phases_from_log(out_dir / "run.log")}
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report


_SECONDS_LINE = re.compile(r"^\s*seconds\s+(.+)$", re.MULTILINE)


def phases_from_log(log: Path) -> dict[str, float]:
    """Phases printed by `mpi link` as a summary line `seconds  read 0.3, prepare 0.4, ...`."""
    if not log.exists():
        return {}
    found = _SECONDS_LINE.findall(log.read_text(encoding="utf-8", errors="replace"))
    phases: dict[str, float] = {}
    for item in found[-1].split(",") if found else []:
        name, _, value = item.strip().rpartition(" ")
        try:
            phases[name] = float(value)
        except ValueError:
            continue
    return phases


class PhaseClock:
    """Used inside a child: times named phases and writes them with extra facts as JSON."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.facts: dict[str, Any] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0.0) + now - self._last, 3)
        self._last = now

    def write(self, out_dir: Path) -> None:
        report = {"phases": self.phases, **self.facts}
        (out_dir / PHASES_FILE).write_text(json.dumps(report, indent=2), encoding="utf-8")
