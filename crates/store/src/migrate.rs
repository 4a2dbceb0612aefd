//! Numbered schema migrations, embedded in the binary.
//!
//! Invariant: a migration that has shipped is never edited; changes are new files.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension};

use crate::{Result, StoreError};

/// One schema step: `migrations/NNNN_name.sql`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. Versions are 1, 2, 3 ... without holes once every assigned
/// number has landed; one that lands later than a higher number is still applied.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "assessments",
        sql: include_str!("../migrations/0002_assessments.sql"),
    },
    Migration {
        version: 3,
        name: "risks",
        sql: include_str!("../migrations/0003_risks.sql"),
    },
    Migration {
        version: 4,
        name: "lifecycle",
        sql: include_str!("../migrations/0004_lifecycle.sql"),
    },
    Migration {
        version: 5,
        name: "intel",
        sql: include_str!("../migrations/0005_intel.sql"),
    },
    Migration {
        version: 6,
        name: "sbom",
        sql: include_str!("../migrations/0006_sbom.sql"),
    },
    Migration {
        version: 7,
        name: "risk_snapshots",
        sql: include_str!("../migrations/0007_risk_snapshots.sql"),
    },
];

const TRACKING_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

pub(crate) fn current_version(conn: &Connection) -> Result<u32> {
    let has_table: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if has_table.is_none() {
        return Ok(0);
    }
    let version: Option<u32> =
        conn.query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })?;
    Ok(version.unwrap_or(0))
}

fn applied_versions(conn: &Connection) -> Result<Vec<u32>> {
    if current_version(conn)? == 0 {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare("SELECT version FROM schema_migrations")?;
    let versions = stmt
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(versions)
}

fn has_user_data(conn: &Connection) -> Result<bool> {
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
        [],
        |row| row.get(0),
    )?;
    Ok(tables > 0)
}

/// Applies the migrations the database does not have yet, each in its own transaction.
/// An existing database is first copied to `<db>.backup-before-v<N>-<timestamp>`.
pub(crate) fn apply(conn: &mut Connection, db_path: &Path, migrations: &[Migration]) -> Result<()> {
    let current = current_version(conn)?;
    let known = migrations.last().map_or(0, |m| m.version);
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    // Migrations are numbered in advance and may land out of order (0004 before 0003), so
    // "pending" is every known migration not yet recorded, not only those above the maximum.
    let applied = applied_versions(conn)?;
    let pending: Vec<&Migration> = migrations
        .iter()
        .filter(|m| !applied.contains(&m.version))
        .collect();
    let Some(first) = pending.first() else {
        return Ok(());
    };
    if has_user_data(conn)? {
        backup(conn, db_path, first.version)?;
    }
    conn.execute_batch(TRACKING_TABLE)?;
    for migration in pending {
        let fail = |source| StoreError::Migration {
            version: migration.version,
            name: migration.name,
            source,
        };
        let tx = conn.transaction().map_err(fail)?;
        tx.execute_batch(migration.sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![migration.version, migration.name, Utc::now().to_rfc3339()],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

/// Copies the whole database, WAL content included, with `VACUUM INTO`.
fn backup(conn: &Connection, db_path: &Path, next_version: u32) -> Result<PathBuf> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let base = format!(
        "{}.backup-before-v{next_version}-{stamp}",
        db_path.display()
    );
    let mut target = PathBuf::from(&base);
    let mut attempt = 2;
    while target.exists() {
        target = PathBuf::from(format!("{base}-{attempt}"));
        attempt += 1;
    }
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy().as_ref()])
        .map_err(|source| StoreError::Backup {
            path: target.clone(),
            source,
        })?;
    Ok(target)
}
