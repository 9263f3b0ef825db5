//! The schema is distributable by agency without redesign (migrations/0032): read from
//! the catalog of a freshly migrated database, every table is tenant-owned (agency_id
//! NOT NULL), a reference table or a platform table, each of the latter two named
//! below with its reason. In Citus the tenant-owned tables are distributed by
//! agency_id and colocated, the reference tables are copied to every node, and the
//! platform tables stay on the coordinator. What that needs of the keys:
//!
//! * a tenant-owned table's primary key, unique constraints, unique indexes and
//!   exclusion constraints include agency_id (a shard can only enforce uniqueness
//!   among its own agencies' rows);
//! * a foreign key between tenant-owned tables matches agency_id to agency_id (both
//!   rows then live on the same shard); a tenant-owned table may refer to a reference
//!   table freely, never to a platform table;
//! * a reference or platform table never refers to a tenant-owned table, and a
//!   reference table refers only to reference tables.

use debtflow_tests::TestDatabase;
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Small tables on every node: foreign keys to them need no agency_id.
const REFERENCE: &[(&str, &str)] = &[
    ("agencies", "the tenants themselves"),
    ("notification_kinds", "a fixed list: the kinds of notification and their defaults"),
    (
        "users",
        "found by username at login before any agency is known, usernames are unique across the platform, and \
         platform admins belong to no agency (agency_id NULL); staff are few beside what they work on",
    ),
];

/// Tables kept on the coordinator, not distributed: no tenant-owned table refers to them.
const PLATFORM: &[(&str, &str)] = &[
    ("_sqlx_migrations", "the migrations applied"),
    ("auth_sessions", "identity plumbing, reached through a user (a reference table)"),
    ("refresh_tokens", "identity plumbing, reached through a session"),
    ("login_failures", "counted by the username typed, whether or not it exists, before any agency is known"),
    ("audit_logs", "platform admins' and anonymous actions have no agency (agency_id NULL)"),
    ("job_runs", "platform-wide runs have no agency, and the scheduler reads every agency's runs each minute"),
    ("data_quality_findings", "the rows of a job run, tied to it by a foreign key"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Tenant,
    Reference,
    Platform,
}

/// A table as the catalog has it: a partition is classified as its root.
#[derive(Debug, sqlx::FromRow)]
struct Table {
    name: String,
    root: String,
    /// `None`: no agency_id column.
    agency_id_not_null: Option<bool>,
}

/// A primary key, unique constraint, unique index or exclusion constraint, with its key
/// columns (not its INCLUDE columns; an expression is `(expression)`).
#[derive(Debug, sqlx::FromRow)]
struct Key {
    table: String,
    name: String,
    what: String,
    columns: Vec<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct ForeignKey {
    table: String,
    name: String,
    columns: Vec<String>,
    referenced: String,
    referenced_columns: Vec<String>,
}

struct Catalog {
    tables: Vec<Table>,
    keys: Vec<Key>,
    foreign_keys: Vec<ForeignKey>,
}

impl Catalog {
    async fn read(db: &PgPool) -> Catalog {
        let tables = sqlx::query_as(
            "SELECT c.relname::text AS name, r.relname::text AS root, a.attnotnull AS agency_id_not_null
             FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_class r ON r.oid = coalesce(pg_partition_root(c.oid), c.oid)
             LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attname = 'agency_id' AND NOT a.attisdropped
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
             ORDER BY 1",
        )
        .fetch_all(db)
        .await
        .expect("read the tables");
        let keys = sqlx::query_as(
            "SELECT t.relname::text AS table, i.relname::text AS name,
                    CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique constraint'
                                     WHEN 'x' THEN 'exclusion constraint' ELSE 'unique index' END AS what,
                    ARRAY(SELECT coalesce(a.attname::text, '(expression)')
                          FROM generate_series(0, x.indnkeyatts - 1) AS k(n)
                          LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k.n]
                          ORDER BY k.n) AS columns
             FROM pg_index x
             JOIN pg_class t ON t.oid = x.indrelid
             JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
             WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND (x.indisunique OR x.indisexclusion)
             ORDER BY 1, 2",
        )
        .fetch_all(db)
        .await
        .expect("read the keys");
        // Constraints cloned onto partitions (conparentid) are their parent's.
        let foreign_keys = sqlx::query_as(
            "SELECT t.relname::text AS table, con.conname::text AS name,
                    ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
                          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                          ORDER BY k.i) AS columns,
                    f.relname::text AS referenced,
                    ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)
                          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                          ORDER BY k.i) AS referenced_columns
             FROM pg_constraint con
             JOIN pg_class t ON t.oid = con.conrelid
             JOIN pg_class f ON f.oid = con.confrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = 'public' AND con.contype = 'f' AND con.conparentid = 0
             ORDER BY 1, 2",
        )
        .fetch_all(db)
        .await
        .expect("read the foreign keys");
        Catalog { tables, keys, foreign_keys }
    }

    /// Each table's kind, by its root's name: listed, or else tenant-owned.
    fn kinds(&self) -> BTreeMap<&str, Kind> {
        self.tables.iter().map(|t| (t.name.as_str(), kind_of(&t.root))).collect()
    }
}

fn kind_of(table: &str) -> Kind {
    if REFERENCE.iter().any(|(name, _)| *name == table) {
        Kind::Reference
    } else if PLATFORM.iter().any(|(name, _)| *name == table) {
        Kind::Platform
    } else {
        Kind::Tenant
    }
}

/// Every rule of the module's header the catalog breaks, one line each.
fn violations(catalog: &Catalog) -> Vec<String> {
    let kinds = catalog.kinds();
    let mut found = Vec::new();
    for (listed, _) in REFERENCE.iter().chain(PLATFORM) {
        if !catalog.tables.iter().any(|t| t.name == *listed) {
            found.push(format!("{listed}: listed in catalog.rs, but there is no such table"));
        }
    }
    for t in catalog.tables.iter().filter(|t| t.name == t.root && kind_of(&t.name) == Kind::Tenant) {
        match t.agency_id_not_null {
            None => found.push(format!(
                "{}: no agency_id column (add one, or list the table as reference or platform with its reason)",
                t.name
            )),
            Some(false) => found.push(format!("{}: agency_id may be NULL", t.name)),
            Some(true) => {}
        }
    }
    for key in catalog.keys.iter().filter(|k| kinds.get(k.table.as_str()) == Some(&Kind::Tenant)) {
        if !key.columns.iter().any(|c| c == "agency_id") {
            found.push(format!(
                "{}: {} {} on ({}) lacks agency_id",
                key.table,
                key.what,
                key.name,
                key.columns.join(", ")
            ));
        }
    }
    for fk in &catalog.foreign_keys {
        let from = kinds.get(fk.table.as_str()).copied();
        let to = kinds.get(fk.referenced.as_str()).copied();
        let shown = format!(
            "{}: foreign key {} ({}) -> {} ({})",
            fk.table,
            fk.name,
            fk.columns.join(", "),
            fk.referenced,
            fk.referenced_columns.join(", ")
        );
        match (from, to) {
            (Some(Kind::Tenant), Some(Kind::Tenant)) => {
                let matched = fk.referenced_columns.iter().position(|c| c == "agency_id").map(|i| &fk.columns[i]);
                if matched.map(String::as_str) != Some("agency_id") {
                    found.push(format!("{shown} does not match agency_id to agency_id"));
                }
            }
            (Some(Kind::Tenant), Some(Kind::Reference)) => {}
            (Some(Kind::Tenant), _) => found.push(format!("{shown}: a tenant-owned table refers to a platform table")),
            (_, Some(Kind::Tenant)) => found.push(format!("{shown}: only tenant-owned tables may refer to one")),
            (Some(Kind::Reference), to) if to != Some(Kind::Reference) => {
                found.push(format!("{shown}: a reference table refers only to reference tables"))
            }
            _ => {}
        }
    }
    found
}

#[tokio::test]
async fn every_key_of_every_tenant_owned_table_includes_agency_id_so_the_schema_distributes_by_agency() {
    let database = TestDatabase::migrated().await;
    let catalog = Catalog::read(&database.pool()).await;
    assert!(catalog.tables.len() > 50, "the catalog was read: {} tables", catalog.tables.len());
    assert!(catalog.keys.len() > 50 && catalog.foreign_keys.len() > 50, "and its keys");

    let found = violations(&catalog);

    assert!(found.is_empty(), "the schema does not distribute by agency:\n{}", found.join("\n"));
}

#[test]
fn the_reference_and_platform_lists_are_disjoint_and_give_a_reason_each() {
    for (name, reason) in REFERENCE.iter().chain(PLATFORM) {
        assert!(reason.len() > 10, "{name}: the reason it is not tenant-owned");
        assert_eq!(
            REFERENCE.iter().chain(PLATFORM).filter(|(other, _)| other == name).count(),
            1,
            "{name} listed once"
        );
    }
}
