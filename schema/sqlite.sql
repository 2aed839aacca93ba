-- mpi SQLite store, schema version 3. Generated from mpi.store.sqlite_schema.DDL.
-- Timestamps are UTC ISO-8601 text with microseconds (they sort as text); dates YYYY-MM-DD.
PRAGMA application_id = 1297107249;
PRAGMA user_version = 3;

CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', '3');
INSERT OR IGNORE INTO meta (name, value) VALUES ('application', 'mpi');

CREATE TABLE IF NOT EXISTS institutions (
    code TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS persons (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('active', 'merged')),
    created_at  TEXT NOT NULL,
    merged_into TEXT REFERENCES persons (id)
) STRICT, WITHOUT ROWID;

-- One row per institution-local record. The HAS_RECORD link lives on the row
-- (person_id + link_*), so a record can never have two persons.
-- rid is a compact internal id that block_keys rows point to.
CREATE TABLE IF NOT EXISTS records (
    rid              INTEGER PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    institution      TEXT NOT NULL REFERENCES institutions (code),
    record_id        TEXT NOT NULL,
    curp             TEXT,
    given_names      TEXT,
    first_surname    TEXT,
    second_surname   TEXT,
    sex              TEXT,
    birth_date       TEXT,
    birth_state      TEXT,
    postal_code      TEXT,
    phone            TEXT,
    nss              TEXT,
    version          INTEGER NOT NULL CHECK (version >= 1),
    received_at      TEXT NOT NULL,
    block_keys       TEXT NOT NULL DEFAULT '',
    person_id        TEXT REFERENCES persons (id),
    linked_at        TEXT,
    linked_by        TEXT,
    link_rule        TEXT,
    link_probability REAL,
    CHECK ((person_id IS NULL) = (linked_at IS NULL))
) STRICT;
CREATE INDEX IF NOT EXISTS records_by_person ON records (person_id) WHERE person_id IS NOT NULL;

-- IN_BLOCK edges, clustered by block key so a block is one range scan. The key is its
-- 63-bit hash (mpi.store.sqlite_key_hash): half the index of the text. The text stays in
-- records.block_keys (unit-separated), which readers check a hashed block's rows against
-- and which says which rows to delete when keys change. Besides the caller's keys, each
-- record has rows for its search keys (mpi.store.sqlite_search_keys): "curp:<curp>" and
-- "sn_dob:<first surname>|<birth date>", which serve search by CURP and by name + date.
CREATE TABLE IF NOT EXISTS block_keys (
    key_hash INTEGER NOT NULL,
    rid      INTEGER NOT NULL,
    PRIMARY KEY (key_hash, rid)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS not_same (
    a_key  TEXT NOT NULL REFERENCES records (key),
    b_key  TEXT NOT NULL REFERENCES records (key),
    by     TEXT NOT NULL,
    at     TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (a_key, b_key),
    CHECK (a_key < b_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS not_same_by_b ON not_same (b_key);

CREATE TABLE IF NOT EXISTS merges (
    id          TEXT PRIMARY KEY,
    survivor_id TEXT NOT NULL REFERENCES persons (id),
    absorbed_id TEXT NOT NULL REFERENCES persons (id),
    by          TEXT NOT NULL,
    at          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    undone_at   TEXT,
    undone_by   TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS merges_by_survivor ON merges (survivor_id);
CREATE INDEX IF NOT EXISTS merges_by_absorbed ON merges (absorbed_id);

-- The absorbed person's links as they were before the merge, to restore on undo.
CREATE TABLE IF NOT EXISTS merge_links (
    merge_id    TEXT NOT NULL REFERENCES merges (id),
    record_key  TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    linked_at   TEXT NOT NULL,
    by          TEXT NOT NULL,
    rule        TEXT NOT NULL,
    probability REAL,
    PRIMARY KEY (merge_id, record_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS review_tasks (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    record_key TEXT,
    person_ids TEXT NOT NULL,
    created_at TEXT NOT NULL,
    payload    TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'decided')),
    decision   TEXT,
    decided_by TEXT,
    decided_at TEXT,
    reason     TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS review_tasks_by_status ON review_tasks (status, id);

CREATE TABLE IF NOT EXISTS coverage (
    record_key  TEXT NOT NULL REFERENCES records (key),
    institution TEXT NOT NULL,
    kind        TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    PRIMARY KEY (record_key, institution, kind, valid_from)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS encounters (
    id          TEXT PRIMARY KEY,
    record_key  TEXT NOT NULL REFERENCES records (key),
    kind        TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    facility    TEXT,
    summary     TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS encounters_by_record ON encounters (record_key, occurred_on);

CREATE TABLE IF NOT EXISTS credentials (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES persons (id),
    status     TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    issued_at  TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
-- At most one active credential per person, enforced by the database itself.
CREATE UNIQUE INDEX IF NOT EXISTS credentials_one_active
    ON credentials (person_id) WHERE status = 'active';

CREATE TABLE IF NOT EXISTS audit (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    institution TEXT,
    action      TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_ids  TEXT NOT NULL,
    purpose     TEXT,
    detail      TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor, id);
CREATE INDEX IF NOT EXISTS audit_by_institution ON audit (institution, id);
CREATE TABLE IF NOT EXISTS audit_targets (
    target_id TEXT NOT NULL,
    audit_id  TEXT NOT NULL REFERENCES audit (id),
    PRIMARY KEY (target_id, audit_id)
) STRICT, WITHOUT ROWID;
-- The audit log is append-only: the database refuses changes and deletions.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_targets_no_update BEFORE UPDATE ON audit_targets
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_targets_no_delete BEFORE DELETE ON audit_targets
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
