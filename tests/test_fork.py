from __future__ import annotations

import os

import pytest

from mpi._fork import forked_map, workers


def test_results_come_back_in_task_order_from_both_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MPI_WORKERS", "2")
    parent = os.getpid()
    out = forked_map(lambda t: (t * t, os.getpid() == parent), [1, 2, 3, 4, 5])
    assert [square for square, _ in out] == [1, 4, 9, 16, 25]
    assert [here for _, here in out] == [True, False, True, False, True]


def test_serial_when_asked_or_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    monkeypatch.setenv("MPI_WORKERS", "2")
    assert forked_map(lambda t: os.getpid() == parent, [1, 2], parallel=False) == [True, True]
    monkeypatch.setenv("MPI_WORKERS", "1")
    assert workers() == 1
    assert forked_map(lambda t: os.getpid() == parent, [1, 2]) == [True, True]


def test_a_failure_in_the_child_is_raised_in_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPI_WORKERS", "2")

    def fail_on_odd(t: int) -> int:
        if t % 2:
            raise ValueError(f"task {t}")
        return t

    with pytest.raises(RuntimeError, match="task 1"):
        forked_map(fail_on_odd, [0, 1])


def test_a_transport_carries_only_the_childs_results(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPI_WORKERS", "2")
    parent = os.getpid()

    def ship(result: tuple[int, bool]) -> tuple[str, int, bool]:
        return ("shipped", *result)

    def land(shipped: tuple[str, int, bool]) -> tuple[int, bool]:
        assert shipped[0] == "shipped"
        return shipped[1], shipped[2]

    out = forked_map(lambda t: (t, os.getpid() == parent), [1, 2, 3], transport=(ship, land))
    assert out == [(1, True), (2, False), (3, True)]
