from __future__ import annotations

import threading
from collections.abc import Callable

from mpi.bootstrap import Services
from mpi.domain.records import Record
from tests.services.people import CLERK, juan


def _at_once(actions: list[Callable[[], object]]) -> None:
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            action()
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _registering(services: Services, record: Record) -> Callable[[], object]:
    return lambda: services.linking.register(record, CLERK)


def test_two_clients_registering_the_same_person_at_once_end_with_one_person(
    any_services: Services,
) -> None:
    for round_ in range(3):
        given = ["JUAN CARLOS", "MARIO", "ELENA", "ROSALBA"][round_]
        sex = "M" if given in ("ELENA", "ROSALBA") else "H"
        records: list[Record] = [
            juan("IMSS", f"{round_}", given_names=given, sex=sex, curp=None),
            juan("ISSSTE", f"{round_}", given_names=given, sex=sex, curp=None),
        ]
        _at_once([_registering(any_services, r) for r in records])
        with any_services.store.read() as tx:
            stored = tx.get_records([r.key for r in records])
        assert len({s.person_id for s in stored.values()}) == 1, round_
    with any_services.store.read() as tx:
        assert tx.stats().active_persons == 3
