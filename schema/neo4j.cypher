// mpi Neo4j 5 schema, version 1. Generated from mpi.store.cypher (CONSTRAINTS, INDEXES).
// Applied by the adapter at open; every statement is idempotent (IF NOT EXISTS).

// Constraints (required)
CREATE CONSTRAINT record_key IF NOT EXISTS FOR (r:Record) REQUIRE r.key IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT block_key IF NOT EXISTS FOR (b:BlockKey) REQUIRE b.key IS UNIQUE;
CREATE CONSTRAINT institution_code IF NOT EXISTS FOR (i:Institution) REQUIRE i.code IS UNIQUE;
CREATE CONSTRAINT review_task_id IF NOT EXISTS FOR (t:ReviewTask) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT merge_id IF NOT EXISTS FOR (m:Merge) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT coverage_key IF NOT EXISTS FOR (c:Coverage) REQUIRE c.key IS UNIQUE;
CREATE CONSTRAINT encounter_id IF NOT EXISTS FOR (e:Encounter) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT credential_id IF NOT EXISTS FOR (c:Credential) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT credential_active IF NOT EXISTS FOR (c:Credential) REQUIRE c.active_for IS UNIQUE;
CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT write_lock_key IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.key IS UNIQUE;
CREATE CONSTRAINT mpi_schema_name IF NOT EXISTS FOR (s:MpiSchema) REQUIRE s.name IS UNIQUE;

// Indexes (optional)
CREATE INDEX record_curp IF NOT EXISTS FOR (r:Record) ON (r.curp);
CREATE INDEX record_name_dob IF NOT EXISTS FOR (r:Record) ON (r.first_surname, r.birth_date);
CREATE INDEX record_person IF NOT EXISTS FOR (r:Record) ON (r.person_id);
CREATE INDEX review_task_status IF NOT EXISTS FOR (t:ReviewTask) ON (t.status);
CREATE INDEX merge_survivor IF NOT EXISTS FOR (m:Merge) ON (m.survivor_id);
CREATE INDEX merge_absorbed IF NOT EXISTS FOR (m:Merge) ON (m.absorbed_id);
CREATE INDEX credential_person IF NOT EXISTS FOR (c:Credential) ON (c.person_id);
CREATE INDEX audit_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at);
