"""The linking phases of `mpi link` before the write, in memory, with an identity digest.

    python benchmarks/link_phases_bench.py RECORDS.csv

Reads the file as `mpi link` does (read_record_columns, collector off), links it with
link_batch and prints, per phase, wall and CPU seconds (this process plus its waited forked
workers), the 1-minute load, the peak RSS of this process and of its largest child, and a
digest of everything the phases decide: the columns read, the rejected rows, the record
keys, the cluster per record, the counts, the oversized blocks and the review pairs. Two
runs of different code on the same file must print the same digest.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import resource
import time
from pathlib import Path

import numpy as np

from mpi.io.bulk_read import read_record_columns
from mpi.matching import link_batch
from mpi.rules_file import default_rules


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("records", type=Path)
    path = parser.parse_args().records
    rules = default_rules()
    gc.disable()  # as in `mpi link`
    load = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), _cpu()
    columns, rejected = read_record_columns(path)
    gc.freeze()
    read_wall, read_cpu = time.perf_counter() - wall, _cpu() - cpu
    result = link_batch(columns, rules)
    total_wall, total_cpu = time.perf_counter() - wall, _cpu() - cpu
    digest = hashlib.sha256()
    for column in columns.fields:
        digest.update(repr(list(column)).encode())
    digest.update(repr(rejected).encode())
    digest.update("\n".join(result.keys).encode())
    digest.update(result.cluster.astype(np.int64).tobytes())
    counts = (result.candidate_pairs, result.links, result.merges_refused)
    digest.update(repr((counts, result.oversized_blocks)).encode())
    digest.update(repr((result.ambiguous, result.review_pairs)).encode())
    phases = " ".join(
        f"{name} {seconds:.2f}/{result.cpu_seconds[name]:.2f}"
        for name, seconds in result.timings.items()
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(
        f"load {load:.2f} | wall/CPU s: read {read_wall:.2f}/{read_cpu:.2f} {phases} "
        f"| all {total_wall:.2f}/{total_cpu:.2f} | maxrss {own} MB, child {child} MB "
        f"| digest {digest.hexdigest()[:16]}"
    )
    os._exit(0)  # a million objects need no freeing


if __name__ == "__main__":
    main()
