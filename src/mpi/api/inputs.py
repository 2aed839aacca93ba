"""GraphQL input types, turned into the plain values the services take."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import strawberry

from mpi.services.person_search import PersonSearch


@strawberry.input(description="A record in the canonical format; values are plain text.")
class RecordInput:
    institution: str
    record_id: str
    curp: str | None = None
    given_names: str | None = None
    first_surname: str | None = None
    second_surname: str | None = None
    sex: str | None = None
    birth_date: str | None = strawberry.field(default=None, description="YYYY-MM-DD")
    birth_state: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    nss: str | None = None

    def raw(self) -> dict[str, str | None]:
        """As a canonical-file row, for `mpi.identity.record_rules.parse_record`."""
        return dict(asdict(self))


@strawberry.input(description="A CURP, or a first surname with a birth date (and given names).")
class PersonSearchInput:
    curp: str | None = None
    first_surname: str | None = None
    given_names: str | None = None
    birth_date: date | None = None

    def criteria(self) -> PersonSearch:
        return PersonSearch(self.curp, self.first_surname, self.given_names, self.birth_date)


@strawberry.input(description="Demographics to resolve; every field optional, as on a front desk.")
class IdentityInput:
    curp: str | None = None
    given_names: str | None = None
    first_surname: str | None = None
    second_surname: str | None = None
    sex: str | None = None
    birth_date: str | None = strawberry.field(default=None, description="YYYY-MM-DD")
    birth_state: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    nss: str | None = None

    def raw(self) -> dict[str, str | None]:
        return dict(asdict(self))
