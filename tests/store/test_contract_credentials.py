"""Contract: at most one active credential per person, enforced by the store."""

from __future__ import annotations

import pytest

from mpi.domain.credentials import Credential, CredentialStatus
from mpi.domain.errors import ConflictError, NotFoundError
from mpi.store.port import Store
from tests.store.contract_data import T0, at


@pytest.fixture
def person(store: Store) -> Store:
    with store.write() as tx:
        tx.create_person("P1", T0)
    return store


def issue(store: Store, credential_id: str, person_id: str = "P1", minutes: int = 1) -> None:
    with store.write() as tx:
        tx.issue_credential(Credential(credential_id, person_id, at(minutes)))


def test_an_issued_credential_is_the_persons_active_one(person: Store) -> None:
    issue(person, "C1")
    with person.read() as tx:
        assert tx.credential_of("P1") == Credential("C1", "P1", at(1))
        assert tx.credential("C1") == Credential("C1", "P1", at(1))
        assert tx.stats().active_credentials == 1


def test_a_second_active_credential_is_a_conflict(person: Store) -> None:
    issue(person, "C1")
    with pytest.raises(ConflictError, match="C1"):
        issue(person, "C2")
    with person.read() as tx:
        assert tx.credential("C2") is None


def test_after_revocation_a_new_credential_can_be_issued(person: Store) -> None:
    issue(person, "C1")
    with person.write() as tx:
        revoked = tx.revoke_credential("C1", at(5))
    issue(person, "C2", minutes=6)
    with person.read() as tx:
        assert tx.credential_of("P1") == Credential("C2", "P1", at(6))
        assert tx.credential("C1") == revoked
    assert (revoked.status, revoked.revoked_at) == (CredentialStatus.REVOKED, at(5))


def test_a_credential_is_revoked_once(person: Store) -> None:
    issue(person, "C1")
    with person.write() as tx:
        tx.revoke_credential("C1", at(5))
    with pytest.raises(ConflictError), person.write() as tx:
        tx.revoke_credential("C1", at(6))


def test_a_credential_id_is_used_once(person: Store) -> None:
    issue(person, "C1")
    with person.write() as tx:
        tx.revoke_credential("C1", at(5))
    with pytest.raises(ConflictError):
        issue(person, "C1")


def test_credentials_need_an_active_person(person: Store) -> None:
    with pytest.raises(NotFoundError):
        issue(person, "C1", person_id="nobody")
    with person.write() as tx:
        tx.create_person("P2", T0)
        tx.merge_persons("P2", "P1", "steward-1", "same", at(2))
    with pytest.raises(ConflictError):
        issue(person, "C1", person_id="P1")


def test_revoking_an_unknown_credential_is_not_found(person: Store) -> None:
    with pytest.raises(NotFoundError), person.write() as tx:
        tx.revoke_credential("C404", at(1))
    with person.read() as tx:
        assert tx.credential_of("P1") is None
