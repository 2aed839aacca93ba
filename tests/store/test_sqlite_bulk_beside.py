from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import pytest

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import ConflictError, StoreError, ValidationError
from mpi.domain.key_texts import KeyTexts
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store import sqlite_bulk_texts
from mpi.store.sqlite import SqliteBulkTx, open_sqlite_store
from mpi.store.sqlite_bulk import loading_path
from mpi.store.sqlite_bulk_beside import KeysBeside, Search, staging_path
from mpi.store.sqlite_bulk_columns import joined_keys

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
CURPS = ["GALJ800101HDFRPN09", "XEXX010101HNEXXXA4", None]


def _records(n: int) -> list[Record]:
    return [
        Record(
            "IMSS",
            f"{i:04d}",
            curp=CURPS[i % 3],
            first_surname=["GARCIA", None, "LOPEZ"][i % 3],
            birth_date=date(1990, 1, 1 + i % 28) if i % 4 else None,
        )
        for i in range(n)
    ]


def _keys(n: int) -> BlockKeyRuns:
    # Shared, own and colliding-with-a-CURP keys; some records have none.
    rows = [
        tuple(k for k in (f"a:{i % 5}", f"b:{i}", f"curp:{CURPS[i % 3]}") if i % 7)
        for i in range(n)
    ]
    return BlockKeyRuns.of(rows)


def _load(
    path: Path,
    n: int,
    beside: bool,
    kill_child: bool = False,
    in_parts: bool = False,
    keys: BlockKeyRuns | None = None,
    make: Callable[[], BlockKeyRuns] | None = None,
) -> None:
    records = _records(n)
    columns = RecordColumns.of(records)
    links = LinkColumns(columns.keys, ["P1"] * n, ["batch-link"] * n, [0.5] * n, "t", T0)
    keys = keys or (_held_in_parts(_keys(n)) if in_parts else _keys(n))
    order = sorted(range(n), key=columns.keys.__getitem__)
    store = open_sqlite_store(path)
    try:
        with store.bulk_load() as tx:
            tx.create_person_ids(["P1"], T0)
            runs = _select(keys, order)
            if beside:
                tx.stage_block_keys(columns, order, make or (lambda: runs))
                if kill_child:
                    _kill(tx)
            for start in range(0, n, 7):
                part = order[start : start + 7]
                # Staged records need no keys: the child makes them.
                given = None if beside else _select(keys, part)
                tx.insert_linked_columns(columns, links, part, given, T0)
    finally:
        store.close()


def _kill(tx: SqliteBulkTx, which: int = 1) -> None:
    pid = tx.staging_pids[which]  # the stager, or (0) the fork making its inputs
    assert pid is not None
    os.kill(pid, signal.SIGKILL)


def _select(keys: BlockKeyRuns, rows: list[int]) -> BlockKeyRuns:
    starts, ids = [0], list[int]()
    for i in rows:
        ids += keys.key_ids[keys.starts[i] : keys.starts[i + 1]]
        starts.append(len(ids))
    return BlockKeyRuns(keys.keys, starts, ids)


def _tables(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT * FROM block_keys").fetchall(),
            conn.execute(
                "SELECT rid, key, block_keys, person_id FROM records ORDER BY rid"
            ).fetchall(),
            conn.execute("PRAGMA integrity_check").fetchall(),
        )
    finally:
        conn.close()


@pytest.mark.parametrize("in_parts", [False, True])
def test_block_keys_staged_in_a_child_are_the_rows_the_load_writes_itself(
    tmp_path: Path, in_parts: bool
) -> None:
    _load(tmp_path / "alone.db", 60, beside=False)
    _load(tmp_path / "beside.db", 60, beside=True, in_parts=in_parts)
    alone, beside = _tables(tmp_path / "alone.db"), _tables(tmp_path / "beside.db")
    assert len(alone[0]) > 100
    assert beside == alone
    assert not staging_path(loading_path(tmp_path / "beside.db")).exists()


@pytest.mark.parametrize("which", [0, 1])
def test_a_killed_staging_child_fails_the_load_and_leaves_the_store_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: int
) -> None:
    path = tmp_path / "mpi.db"
    monkeypatch.setattr(sys.modules[__name__], "_kill", partial(_kill, which=which))
    with pytest.raises(StoreError, match="staging the block keys failed"):
        _load(path, 30, beside=True, kill_child=True, make=_slow_keys if which == 0 else None)
    assert _records_in(path) == 0
    assert not loading_path(path).exists()
    assert not staging_path(loading_path(path)).exists()


def test_records_inserted_in_another_order_than_staged_are_refused(tmp_path: Path) -> None:
    records = _records(4)
    columns = RecordColumns.of(records)
    links = LinkColumns(columns.keys, ["P1"] * 4, ["batch-link"] * 4, [0.5] * 4, "t", T0)
    keys = _keys(4)
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        with pytest.raises(ConflictError, match="another order"), store.bulk_load() as tx:
            tx.create_person_ids(["P1"], T0)
            tx.stage_block_keys(columns, [0, 1, 2, 3], lambda: keys)
            tx.insert_linked_columns(columns, links, [1, 0], _select(keys, [1, 0]), T0)
    finally:
        store.close()
    assert not staging_path(loading_path(tmp_path / "mpi.db")).exists()


# A bulk load that SIGKILLs itself while its child stages the block keys: prints the
# child's pid first.
KILLED_LOAD = """
import os, signal, sys
import tests.store.test_sqlite_bulk_beside as t

def kill(tx):
    print(*tx.staging_pids, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

t._kill = kill
t._load(t.Path(sys.argv[1]), 3000, beside=True, kill_child=True)
"""


def test_a_load_killed_while_its_child_stages_leaves_no_store_and_a_rerun_loads(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mpi.db"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_LOAD, str(path)],
        cwd=ROOT,
        capture_output=True,
        check=False,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert all(_ends(int(child)) for child in killed.stdout.split())  # none left staging
    assert _records_in(path) == 0
    _load(path, 30, beside=True)
    _load(tmp_path / "alone.db", 30, beside=False)
    assert _tables(path) == _tables(tmp_path / "alone.db")
    assert not staging_path(loading_path(path)).exists()
    assert not loading_path(path).exists()


# A bulk load that waits, its children staging, for Ctrl-C: prints their pids first.
INTERRUPTED_LOAD = """
import sys, time
import tests.store.test_sqlite_bulk_beside as t

def wait(tx):
    print(*tx.staging_pids, flush=True)
    time.sleep(60)

t._kill = wait
t._load(t.Path(sys.argv[1]), 30, beside=True, kill_child=True, make=t._slow_keys)
"""


def test_ctrl_c_during_a_staged_load_ends_the_children_quietly_and_leaves_no_store(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mpi.db"
    load = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED_LOAD, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job
    )
    try:
        assert load.stdout is not None
        children = [int(pid) for pid in load.stdout.readline().split()]
        assert len(children) == 2
        assert all(_ignores_ctrl_c(child) for child in children)
        os.killpg(load.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        _, errors = load.communicate(timeout=30)
    finally:
        load.kill()
    assert errors.count("KeyboardInterrupt") == 1, errors  # the loader's own, nothing else
    assert all(_ends(child) for child in children)
    assert _records_in(path) == 0
    assert not loading_path(path).exists()
    assert not staging_path(loading_path(path)).exists()


def _ignores_ctrl_c(pid: int) -> bool:
    for _ in range(200):
        with open(f"/proc/{pid}/status") as status:
            ignored = next(line for line in status if line.startswith("SigIgn:"))
        if int(ignored.split()[1], 16) & (1 << (signal.SIGINT - 1)):
            return True
        time.sleep(0.02)
    return False


def _ends(pid: int) -> bool:
    for _ in range(100):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True  # dead, not yet reaped by init
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def _held_in_parts(keys: BlockKeyRuns) -> BlockKeyRuns:
    """The same runs, their texts held as a list and a UTF-8 blob (as a batch's table)."""
    texts = KeyTexts()
    half = len(keys.keys) // 2
    texts.add(list(keys.keys[:half]))
    texts.add_encoded("\x00".join(keys.keys[half:]).encode(), "\x00", len(keys.keys) - half)
    return BlockKeyRuns(texts, keys.starts, keys.key_ids)


@pytest.mark.parametrize("in_parts", [False, True])
def test_the_child_joins_each_records_key_texts_for_the_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_parts: bool
) -> None:
    monkeypatch.setattr(sqlite_bulk_texts, "JOINED_RUNS", 7)
    keys = _held_in_parts(_keys(20)) if in_parts else _keys(20)
    search: Search = ([None] * 20, [None] * 20, [None] * 20)
    beside = KeysBeside(tmp_path / "side.db", lambda: (keys, search), 1)
    try:
        every = joined_keys(keys)
        assert beside.take_texts(0, 7) == every[:7]
        assert beside.take_texts(14, 6) == every[14:]
    finally:
        beside.stop()


@pytest.mark.parametrize("bad", ["a:\x1e", "a:\x1f", ""])
def test_a_block_key_holding_a_control_character_fails_the_load_naming_the_field(
    tmp_path: Path, bad: str
) -> None:
    path = tmp_path / "mpi.db"
    keys = BlockKeyRuns.of([(f"b:{i}", bad) if i == 3 else (f"b:{i}",) for i in range(10)])
    with pytest.raises(ValidationError) as raised:
        _load(path, 10, beside=True, keys=keys)
    assert [(p.field, p.rule) for p in raised.value.problems] == [("block_keys", "block-key")]
    assert _records_in(path) == 0
    assert not staging_path(loading_path(path)).exists()


def test_a_failure_making_the_keys_fails_the_load_with_the_childs_traceback(
    tmp_path: Path,
) -> None:
    def make() -> BlockKeyRuns:
        raise RuntimeError("no keys today")

    path = tmp_path / "mpi.db"
    with pytest.raises(StoreError, match=r"staging the block keys failed(.|\n)*no keys today"):
        _load(path, 10, beside=True, make=make)
    assert _records_in(path) == 0
    assert not loading_path(path).exists()


def _slow_keys() -> BlockKeyRuns:
    time.sleep(30)  # killed long before
    return _keys(30)


def _records_in(path: Path) -> int:
    store = open_sqlite_store(path)
    try:
        with store.read() as tx:
            return tx.stats().records
    finally:
        store.close()
