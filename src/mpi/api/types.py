"""GraphQL object types for the identity graph: records, links, golden views, persons."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from mpi.api.context import Info
from mpi.api.explanations import LinkEvidence
from mpi.domain.persons import Link as DomainLink
from mpi.domain.persons import PersonStatus, PersonWithRecords
from mpi.domain.records import Record as DomainRecord
from mpi.domain.stored_records import StoredRecord
from mpi.services.golden import GOLDEN_FIELDS
from mpi.services.golden import GoldenField as DomainGoldenField
from mpi.services.golden import GoldenView as DomainGoldenView
from mpi.services.queries import link_evidence

PersonStatusEnum = strawberry.enum(PersonStatus, name="PersonStatus")


@strawberry.type(description="One institution's record of a patient, as stored.")
class Record:
    key: str = strawberry.field(description="`institution:recordId`, unique.")
    institution: str
    record_id: str
    curp: str | None
    given_names: str | None
    first_surname: str | None
    second_surname: str | None
    sex: str | None
    birth_date: date | None
    birth_state: str | None
    postal_code: str | None
    phone: str | None
    nss: str | None
    version: int
    received_at: datetime
    person_id: strawberry.ID | None

    @classmethod
    def from_stored(cls, stored: StoredRecord) -> Record:
        r = stored.record
        return cls(
            key=stored.key,
            institution=r.institution,
            record_id=r.record_id,
            **_demographics(r),
            version=stored.version,
            received_at=stored.received_at,
            person_id=strawberry.ID(stored.person_id) if stored.person_id else None,
        )


def _demographics(r: DomainRecord) -> dict[str, Any]:
    """The record's demographic fields, named as in Record and GoldenView."""
    return {name: getattr(r, name) for name in GOLDEN_FIELDS}


@strawberry.type(description="Why a record belongs to its person: who linked it, by which rule.")
class Link:
    record_key: str
    linked_at: datetime
    by: str
    rule: str = strawberry.field(
        description='"fs-link" (scored match), "new-person", "merge", "steward", …'
    )
    probability: float | None = strawberry.field(
        description="Match probability when the link came from scoring."
    )
    person: strawberry.Private[PersonWithRecords]

    @strawberry.field
    def evidence(self, info: Info) -> LinkEvidence | None:
        """The record scored now against the person's other records (best first)."""
        model = info.context.services.linking.model
        score = link_evidence(model, self.person, self.record_key)
        return LinkEvidence.from_score(score) if score else None

    @classmethod
    def from_domain(cls, link: DomainLink, person: PersonWithRecords) -> Link:
        return cls(
            record_key=link.record_key,
            linked_at=link.linked_at,
            by=link.by,
            rule=link.rule,
            probability=link.probability,
            person=person,
        )


@strawberry.type(description="One surviving golden value and where it came from.")
class GoldenSource:
    field: str
    value: str | None
    rule: str
    record_keys: list[str]

    @classmethod
    def from_domain(cls, field: DomainGoldenField) -> GoldenSource:
        value = field.value.isoformat() if isinstance(field.value, date) else field.value
        return cls(field=field.name, value=value, rule=field.rule, record_keys=list(field.sources))


@strawberry.type(description="A person's demographics computed from its records (survivorship).")
class GoldenView:
    curp: str | None
    given_names: str | None
    first_surname: str | None
    second_surname: str | None
    sex: str | None
    birth_date: date | None
    birth_state: str | None
    postal_code: str | None
    phone: str | None
    nss: str | None
    view: strawberry.Private[DomainGoldenView]

    @strawberry.field
    def provenance(self) -> list[GoldenSource]:
        # Built only when selected: ten objects per person that most reads never ask for.
        return [GoldenSource.from_domain(f) for f in self.view.fields]

    @classmethod
    def from_domain(cls, view: DomainGoldenView) -> GoldenView:
        values: dict[str, Any] = {f.name: f.value for f in view.fields}
        return cls(**values, view=view)


@strawberry.type(description="An enterprise identity: one person and everything linked to it.")
class Person:
    id: strawberry.ID
    status: PersonStatusEnum  # type: ignore[valid-type]
    created_at: datetime
    merged_into: strawberry.ID | None
    found: strawberry.Private[PersonWithRecords]

    @strawberry.field
    def records(self) -> list[Record]:
        """The person's records, by record key."""
        return [Record.from_stored(r) for r in self.found.records]

    @strawberry.field
    def links(self) -> list[Link]:
        """How each record is tied to the person, by record key."""
        return [Link.from_domain(link, self.found) for link in self.found.links]

    @strawberry.field
    def golden(self, info: Info) -> GoldenView:
        """Demographics computed from the records, with provenance."""
        return GoldenView.from_domain(info.context.services.reads.golden(self.found))

    @classmethod
    def from_domain(cls, found: PersonWithRecords) -> Person:
        p = found.person
        return cls(
            id=strawberry.ID(p.id),
            status=p.status,
            created_at=p.created_at,
            merged_into=strawberry.ID(p.merged_into) if p.merged_into else None,
            found=found,
        )
