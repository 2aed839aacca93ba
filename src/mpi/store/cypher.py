"""Every Cypher statement the Neo4j adapter runs, as named constants (STYLE.md rule 13).

Values travel only as `$params`; batched writes are `UNWIND $rows AS row …`. The
statements stay inside the subset that Neo4j 5 and ArcadeDB's Bolt server
(26.10, the test double) both run correctly. Probed on ArcadeDB 26.10.2:

Works alike: MERGE on a uniquely constrained property (also within one UNWIND batch),
UNWIND batches, OPTIONAL MATCH, collect()/count(), COUNT { … } subqueries,
EXISTS { … }, ORDER BY/SKIP/LIMIT, `properties(x)` (null for a missing optional
match), list properties and `$x IN list`, relationship properties, DETACH DELETE,
`CREATE CONSTRAINT … IF NOT EXISTS` (single and composite UNIQUE) and
`CREATE INDEX … IF NOT EXISTS` (node, composite and relationship), explicit
transactions with commit and rollback, and rollback of `execute_write` when the
work function raises. Unique constraints ignore missing (null) values on both.

Differs, and how the adapter copes:
- A map projection holding an aggregate (`p{.id, rs: collect(r)}`) returns an
  empty row on ArcadeDB: results are flat rows grouped in Python instead.
- Temporal values: ArcadeDB returns a stored zoned DateTime without its zone.
  Timestamps are therefore stored as fixed-width ISO-8601 UTC text
  (`2026-01-02T03:04:05.000006+00:00`) and dates as `YYYY-MM-DD`; both sort
  correctly as text, on both engines.
- Concurrency: Neo4j locks a node when a transaction writes it, so a second writer
  waits. ArcadeDB is optimistic: the second writer's commit fails (TransientError
  "DeadlockDetected" for a changed node or a new edge on a shared node,
  ConstraintError for a key both created). Locks are therefore taken by a real
  write: `SET x.lock_seq = coalesce(x.lock_seq, 0) + 1` (ArcadeDB ignores a
  `SET x._l = true REMOVE x._l` pair; it changes nothing in the end). Either way
  no duplicate is committed; on ArcadeDB the loser gets a ConflictError to retry.
- A unique violation against committed data surfaces at commit on ArcadeDB (at the
  statement on Neo4j), so creations are also checked by reading first: the
  ConflictError then comes at the call, on both engines.
- Reads under concurrent writes: ArcadeDB can follow an edge committed after the
  transaction started to a node it cannot see yet ("Record #1:13 not found",
  EntityNotFound). The adapter reports it as a lost race (ConflictError; replayed
  by `run_write` / `run_read`).
- Repeated MERGE of one key within one UNWIND batch: Neo4j may plan it eagerly,
  ArcadeDB streams it; the adapter sends each key once per statement.
"""

from __future__ import annotations

from typing import Final

# --- schema (applied at open; schema/neo4j.cypher holds the same statements) -------------

SCHEMA_VERSION: Final = 1

CONSTRAINTS: Final = (
    "CREATE CONSTRAINT record_key IF NOT EXISTS FOR (r:Record) REQUIRE r.key IS UNIQUE",
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT block_key IF NOT EXISTS FOR (b:BlockKey) REQUIRE b.key IS UNIQUE",
    "CREATE CONSTRAINT institution_code IF NOT EXISTS FOR (i:Institution) REQUIRE i.code IS UNIQUE",
    "CREATE CONSTRAINT review_task_id IF NOT EXISTS FOR (t:ReviewTask) REQUIRE t.id IS UNIQUE",
    "CREATE CONSTRAINT merge_id IF NOT EXISTS FOR (m:Merge) REQUIRE m.id IS UNIQUE",
    "CREATE CONSTRAINT coverage_key IF NOT EXISTS FOR (c:Coverage) REQUIRE c.key IS UNIQUE",
    "CREATE CONSTRAINT encounter_id IF NOT EXISTS FOR (e:Encounter) REQUIRE e.id IS UNIQUE",
    "CREATE CONSTRAINT credential_id IF NOT EXISTS FOR (c:Credential) REQUIRE c.id IS UNIQUE",
    # `active_for` holds the person id while the credential is active and is removed on
    # revocation; unique constraints skip missing values, so this is "one active per person".
    "CREATE CONSTRAINT credential_active IF NOT EXISTS "
    "FOR (c:Credential) REQUIRE c.active_for IS UNIQUE",
    "CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE",
    "CREATE CONSTRAINT write_lock_key IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.key IS UNIQUE",
    "CREATE CONSTRAINT mpi_schema_name IF NOT EXISTS FOR (s:MpiSchema) REQUIRE s.name IS UNIQUE",
)

# Indexes only make reads faster: an engine refusing one is logged and skipped.
INDEXES: Final = (
    "CREATE INDEX record_curp IF NOT EXISTS FOR (r:Record) ON (r.curp)",
    "CREATE INDEX record_name_dob IF NOT EXISTS FOR (r:Record) ON (r.first_surname, r.birth_date)",
    "CREATE INDEX record_person IF NOT EXISTS FOR (r:Record) ON (r.person_id)",
    "CREATE INDEX review_task_status IF NOT EXISTS FOR (t:ReviewTask) ON (t.status)",
    "CREATE INDEX merge_survivor IF NOT EXISTS FOR (m:Merge) ON (m.survivor_id)",
    "CREATE INDEX merge_absorbed IF NOT EXISTS FOR (m:Merge) ON (m.absorbed_id)",
    "CREATE INDEX credential_person IF NOT EXISTS FOR (c:Credential) ON (c.person_id)",
    "CREATE INDEX audit_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at)",
)

SCHEMA_MARK = """
MERGE (s:MpiSchema {name: 'mpi'})
ON CREATE SET s.version = $version
RETURN s.version AS version
"""

# --- records and block keys ---------------------------------------------------------------

RECORDS_BY_KEY = """
UNWIND $keys AS k
MATCH (r:Record {key: k})
RETURN properties(r) AS r
"""

# Locks the records (see module docstring) and returns them with their block keys.
RECORDS_FOR_UPSERT = """
UNWIND $keys AS k
MATCH (r:Record {key: k})
SET r.lock_seq = coalesce(r.lock_seq, 0) + 1
WITH r
OPTIONAL MATCH (r)-[:IN_BLOCK]->(b:BlockKey)
WITH r, collect(b.key) AS block_keys
RETURN properties(r) AS r, block_keys
"""

# `found` is the version the record had when this statement saw it (0 if it was created
# here); the caller compares it with what it read, to detect a concurrent writer.
UPSERT_RECORDS = """
UNWIND $rows AS row
MERGE (r:Record {key: row.key})
WITH r, row, coalesce(r.version, 0) AS found
SET r += row.props
RETURN row.key AS key, found
"""

MERGE_INSTITUTIONS = """
UNWIND $codes AS code
MERGE (:Institution {code: code})
"""

# A block key left without records is deleted, so that counting keys stays a label count.
REMOVE_BLOCK_KEYS = """
UNWIND $rows AS row
MATCH (r:Record {key: row.key})-[e:IN_BLOCK]->(b:BlockKey)
WHERE b.key IN row.block_keys
DELETE e
WITH DISTINCT b
WHERE NOT EXISTS { (b)<-[:IN_BLOCK]-() }
DELETE b
"""

ADD_BLOCK_KEYS = """
UNWIND $rows AS row
MATCH (r:Record {key: row.key})
UNWIND row.block_keys AS k
MERGE (b:BlockKey {key: k})
CREATE (r)-[:IN_BLOCK]->(b)
"""

# Only records have IN_BLOCK edges; leaving the far end unlabelled lets Neo4j read the
# count from the node's degree instead of walking a large block.
BLOCK_SIZES = """
UNWIND $keys AS k
MATCH (b:BlockKey {key: k})
RETURN k AS key, COUNT { (b)<-[:IN_BLOCK]-() } AS size
"""

BLOCK_MEMBERS = """
UNWIND $keys AS k
MATCH (:BlockKey {key: k})<-[:IN_BLOCK]-(r:Record)
WITH r, collect(k) AS matched
RETURN properties(r) AS r, matched
"""

LOCK_KEYS = """
UNWIND $keys AS k
MERGE (l:WriteLock {key: k})
SET l.lock_seq = coalesce(l.lock_seq, 0) + 1
"""

RECORDS_BY_CURP = """
MATCH (r:Record {curp: $curp})
RETURN properties(r) AS r
"""

RECORDS_BY_NAME_DOB = """
MATCH (r:Record)
WHERE r.first_surname = $first_surname AND r.birth_date = $birth_date
  AND ($given_names IS NULL OR r.given_names = $given_names)
  AND ($after IS NULL OR r.key > $after)
WITH r ORDER BY r.key LIMIT $limit
RETURN properties(r) AS r
"""

# --- persons and links --------------------------------------------------------------------

PERSONS_WITH_LINKS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
OPTIONAL MATCH (p)-[h:HAS_RECORD]->(r:Record)
RETURN properties(p) AS p, properties(h) AS h, properties(r) AS r
"""

LOCK_PERSONS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
SET p.lock_seq = coalesce(p.lock_seq, 0) + 1
RETURN properties(p) AS p
"""

LOCK_RECORD_LINKS = """
UNWIND $keys AS k
MATCH (r:Record {key: k})
SET r.lock_seq = coalesce(r.lock_seq, 0) + 1
WITH r
OPTIONAL MATCH (p:Person)-[h:HAS_RECORD]->(r)
RETURN r.key AS key, p.id AS person_id, properties(h) AS h
"""

PERSON_IDS = """
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p.id AS id
"""

CREATE_PERSONS = """
UNWIND $rows AS row
CREATE (p:Person)
SET p = row
"""

CREATE_LINKS = """
UNWIND $rows AS row
MATCH (r:Record {key: row.record_key}), (p:Person {id: row.person_id})
CREATE (p)-[h:HAS_RECORD]->(r)
SET h = row.props, r.person_id = p.id
"""

DELETE_LINKS = """
UNWIND $keys AS k
MATCH (:Person)-[h:HAS_RECORD]->(r:Record {key: k})
DELETE h
SET r.person_id = null
"""

MARK_MERGED = """
MATCH (p:Person {id: $absorbed_id})
SET p.status = 'merged', p.merged_into = $survivor_id
"""

MARK_ACTIVE = """
MATCH (p:Person {id: $person_id})
SET p.status = 'active', p.merged_into = null
"""

# --- merges -------------------------------------------------------------------------------

CREATE_MERGE = """
CREATE (m:Merge)
SET m = $props
"""

LOCK_MERGE = """
MATCH (m:Merge {id: $id})
SET m.lock_seq = coalesce(m.lock_seq, 0) + 1
RETURN properties(m) AS m
"""

MERGE_BY_ID = """
MATCH (m:Merge {id: $id})
RETURN properties(m) AS m
"""

MERGES_OF_PERSON = """
MATCH (m:Merge)
WHERE m.survivor_id = $person_id OR m.absorbed_id = $person_id
RETURN properties(m) AS m
"""

MARK_MERGE_UNDONE = """
MATCH (m:Merge {id: $id})
SET m.undone_at = $at, m.undone_by = $by
"""

# --- not-same constraints -----------------------------------------------------------------

NOT_SAME_BETWEEN = """
MATCH (:Record {key: $a_key})-[n:NOT_SAME]->(:Record {key: $b_key})
RETURN properties(n) AS n
"""

CREATE_NOT_SAME = """
MATCH (a:Record {key: $a_key}), (b:Record {key: $b_key})
CREATE (a)-[n:NOT_SAME]->(b)
SET n = $props
"""

NOT_SAME_TOUCHING = """
UNWIND $keys AS k
MATCH (:Record {key: k})-[n:NOT_SAME]-(:Record)
RETURN DISTINCT properties(n) AS n
"""

# --- review tasks -------------------------------------------------------------------------

REVIEW_TASK_IDS = """
UNWIND $ids AS id
MATCH (t:ReviewTask {id: id})
RETURN t.id AS id
"""

CREATE_REVIEW_TASK = """
CREATE (t:ReviewTask)
SET t = $props
"""

REVIEW_TASK_BY_ID = """
MATCH (t:ReviewTask {id: $id})
RETURN properties(t) AS t
"""

LOCK_REVIEW_TASK = """
MATCH (t:ReviewTask {id: $id})
SET t.lock_seq = coalesce(t.lock_seq, 0) + 1
RETURN properties(t) AS t
"""

DECIDE_REVIEW_TASK = """
MATCH (t:ReviewTask {id: $id})
SET t.status = 'decided', t.decision = $decision, t.decided_by = $by,
    t.decided_at = $at, t.reason = $reason
RETURN properties(t) AS t
"""

REVIEW_TASKS_PAGE = """
MATCH (t:ReviewTask)
WHERE ($status IS NULL OR t.status = $status) AND ($after IS NULL OR t.id > $after)
WITH t ORDER BY t.id LIMIT $limit
RETURN properties(t) AS t
"""

# --- coverage, encounters, credentials ----------------------------------------------------

MERGE_COVERAGE = """
UNWIND $rows AS row
MATCH (r:Record {key: row.record_key})
MERGE (c:Coverage {key: row.key})
SET c += row.props
MERGE (c)-[:OF]->(r)
"""

COVERAGE_OF_PERSON = """
MATCH (:Person {id: $person_id})-[:HAS_RECORD]->(:Record)<-[:OF]-(c:Coverage)
RETURN properties(c) AS c
"""

ENCOUNTER_IDS = """
UNWIND $ids AS id
MATCH (e:Encounter {id: id})
RETURN e.id AS id
"""

CREATE_ENCOUNTERS = """
UNWIND $rows AS row
MATCH (r:Record {key: row.record_key})
CREATE (e:Encounter)-[:OF]->(r)
SET e = row
"""

ENCOUNTERS_OF_PERSON = """
MATCH (:Person {id: $person_id})-[:HAS_RECORD]->(:Record)<-[:OF]-(e:Encounter)
RETURN properties(e) AS e
"""

CREDENTIAL_BY_ID = """
MATCH (c:Credential {id: $id})
RETURN properties(c) AS c
"""

ACTIVE_CREDENTIAL_OF = """
MATCH (c:Credential {active_for: $person_id})
RETURN properties(c) AS c
"""

CREATE_CREDENTIAL = """
MATCH (p:Person {id: $person_id})
CREATE (c:Credential)-[:ISSUED_TO]->(p)
SET c = $props
"""

LOCK_CREDENTIAL = """
MATCH (c:Credential {id: $id})
SET c.lock_seq = coalesce(c.lock_seq, 0) + 1
RETURN properties(c) AS c
"""

REVOKE_CREDENTIAL = """
MATCH (c:Credential {id: $id})
SET c.status = 'revoked', c.revoked_at = $at
REMOVE c.active_for
RETURN properties(c) AS c
"""

# --- audit --------------------------------------------------------------------------------

AUDIT_IDS = """
UNWIND $ids AS id
MATCH (a:AuditEntry {id: id})
RETURN a.id AS id
"""

APPEND_AUDIT = """
UNWIND $rows AS row
CREATE (a:AuditEntry)
SET a = row
"""

AUDIT_PAGE = """
MATCH (a:AuditEntry)
WHERE ($actor IS NULL OR a.actor = $actor)
  AND ($institution IS NULL OR a.institution = $institution)
  AND ($action IS NULL OR a.action = $action)
  AND ($target_id IS NULL OR $target_id IN a.target_ids)
  AND ($since IS NULL OR a.at >= $since)
  AND ($until IS NULL OR a.at < $until)
  AND ($after IS NULL OR a.id > $after)
WITH a ORDER BY a.id LIMIT $limit
RETURN properties(a) AS a
"""

# --- counts -------------------------------------------------------------------------------

STATS = """
RETURN
  COUNT { MATCH (:Institution) } AS institutions,
  COUNT { MATCH (:Record) } AS records,
  COUNT { MATCH (r:Record) WHERE r.person_id IS NOT NULL } AS linked_records,
  COUNT { MATCH (p:Person) WHERE p.status = 'active' } AS active_persons,
  COUNT { MATCH (p:Person) WHERE p.status = 'merged' } AS merged_persons,
  COUNT { MATCH (:BlockKey) } AS block_keys,
  COUNT { MATCH (:Record)-[:NOT_SAME]->(:Record) } AS not_same,
  COUNT { MATCH (t:ReviewTask) WHERE t.status = 'open' } AS open_review_tasks,
  COUNT { MATCH (:Coverage) } AS coverage,
  COUNT { MATCH (:Encounter) } AS encounters,
  COUNT { MATCH (c:Credential) WHERE c.status = 'active' } AS active_credentials,
  COUNT { MATCH (:AuditEntry) } AS audit_entries
"""

# Test helper for a server that cannot create databases (Neo4j Community): empties one.
DELETE_EVERYTHING = """
MATCH (n)
DETACH DELETE n
"""
