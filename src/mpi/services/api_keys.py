"""API keys: issue a key for a role, check a presented token, revoke.

A token is `mpi_<key id>_<secret>`, the secret being 32 random bytes (256 bits). The store
keeps only SHA-256 of the whole token. A slow password hash (bcrypt, scrypt, argon2) exists
to make guessing low-entropy human passwords expensive; a 256-bit random secret cannot be
guessed at any hashing speed, so a fast hash loses nothing and keeps each request's check
to microseconds. The key id in the token finds the row; the hashes are compared with
`hmac.compare_digest` so the comparison time does not reveal how much of a hash matched.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from mpi.domain.errors import ValidationError
from mpi.domain.ids import new_id
from mpi.store.keys import ApiKey, KeyStore, open_key_store

TOKEN_PREFIX = "mpi_"
KEY_ID_PREFIX = "K"
_TOKEN = re.compile(r"mpi_(K[0-9A-Z]{26})_([A-Za-z0-9_-]{43})")
_INSTITUTION = re.compile(r"[A-Za-z0-9._-]{1,64}")


class Role(StrEnum):
    INSTITUTION = "institution"  # registers and reads on behalf of one institution
    STEWARD = "steward"  # reviews duplicates, merges and splits
    ISSUER = "issuer"  # checks uniqueness before issuing the health credential
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, its role and, for the institution role, its code."""

    key_id: str
    role: Role
    institution: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key and its token; the token is shown once and never stored."""

    key: ApiKey
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiKeys:
    """Issue, check and revoke API keys kept in a KeyStore."""

    def __init__(self, store: KeyStore, clock: Callable[[], datetime] | None = None) -> None:
        self._store = store
        self._clock = clock or (lambda: datetime.now(UTC))

    def create(self, role: str, institution: str | None = None, label: str = "") -> IssuedKey:
        """Issue a key.

        Raises:
            ValidationError: unknown role; the institution role without an institution code
                (or another role with one); a malformed institution code.
        """
        checked_role, checked_institution = _check(role, institution)
        key_id = new_id(KEY_ID_PREFIX)
        token = f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        key = ApiKey(
            key_id=key_id,
            token_hash=hash_token(token),
            role=checked_role.value,
            institution=checked_institution,
            created_at=self._clock(),
            label=label,
        )
        self._store.add(key)
        return IssuedKey(key, token)

    def authenticate(self, token: str) -> Principal | None:
        """The principal a token stands for, or None for a malformed, unknown or revoked one."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            return None
        key = self._store.get(match.group(1))
        if key is None or not key.active:
            return None
        if not hmac.compare_digest(key.token_hash, hash_token(token)):
            return None
        return Principal(key.key_id, Role(key.role), key.institution)

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (NotFoundError if unknown); revoking twice keeps the first time."""
        return self._store.revoke(key_id, self._clock())

    def list(self) -> list[ApiKey]:
        return self._store.all()

    def close(self) -> None:
        self._store.close()

    @classmethod
    def open(cls, url: str, *, store_checked: bool = False) -> ApiKeys:
        """The keys kept in the store at `url` (see `mpi.store.keys.open_key_store`)."""
        return cls(open_key_store(url, store_checked=store_checked))


def _check(role: str, institution: str | None) -> tuple[Role, str | None]:
    try:
        checked = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise ValidationError.single("role", "known_role", f"must be one of {roles}") from None
    if checked is Role.INSTITUTION and not institution:
        raise ValidationError.single(
            "institution", "required", "the institution role needs an institution code"
        )
    if checked is not Role.INSTITUTION and institution:
        raise ValidationError.single(
            "institution", "not_allowed", f"the {checked.value} role is not tied to an institution"
        )
    if institution is not None and not _INSTITUTION.fullmatch(institution):
        raise ValidationError.single(
            "institution", "safe_key", "must be 1-64 letters, digits or '-', '_', '.'"
        )
    return checked, institution
