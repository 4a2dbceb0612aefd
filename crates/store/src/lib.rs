//! DeviceRisk SQLite store: the only place in the project with SQL.
//!
//! `Store::open` applies the numbered migrations of `migrations/` (each in its own
//! transaction, after a backup copy of an existing database). Reads go through
//! [`Store::db`]; every write goes through [`Store::transaction`], so a use case and its
//! audit entry commit together or not at all. One module per aggregate adds its
//! queries to [`Db`].

mod assessments;
mod audit;
mod clinic;
mod devices;
mod intel;
mod lifecycle;
mod migrate;
mod risks;
mod sbom;
mod sites;
mod snapshots;
mod sql;
mod vendors;
mod zones;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

pub use assessments::{
    subject_key, AnswerHistoryEntry, EvidenceRecord, StoredAnswer, StoredAssessment,
};
pub use audit::{AuditEntry, NewAuditEntry};
pub use intel::{
    AdvisoryProductRow, AdvisoryRow, DecisionRow, KevCatalogRow, KevEntryRow, MatchRow,
};
pub use lifecycle::{DeviceLifecycle, EolImportRecord, ModelSupportRecord};
pub use migrate::{Migration, MIGRATIONS};
pub use risks::{AssignedControl, ManualRiskText, StoredAcceptance, StoredRisk};
pub use sbom::{
    ComponentRow, SbomAttachment, SbomRow, SbomVulnerabilityRow, VexRow, VexStatementRow,
};
pub use sites::SiteUsage;
pub use snapshots::RiskSnapshotRecord;

/// How long a write waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the database folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a DeviceRisk database (not an SQLite file, or damaged)")]
    NotADatabase { path: PathBuf },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A UNIQUE constraint: a name, asset tag ... is already taken.
    #[error("already exists: {0}")]
    Duplicate(String),
    /// A FOREIGN KEY constraint: a row refers to a missing row, or is still referred to.
    #[error("a reference between records does not hold: {0}")]
    Reference(String),
    /// A trigger refused the change, e.g. to a final assessment or the append-only history.
    #[error("refused by the database: {0}")]
    Refused(String),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: u32,
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("could not back up the database to {path} before upgrading it: {source}")]
    Backup {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the database was written by a newer DeviceRisk (schema version {found}, this version knows {known})"
    )]
    TooNew { found: u32, known: u32 },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Classifies constraint violations so callers can tell a user error from a bug.
pub(crate) fn classify(err: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(code, message) = &err {
        if code.code == ErrorCode::ConstraintViolation {
            let text = message.clone().unwrap_or_default();
            // Extended codes: 2067 UNIQUE, 1555 PRIMARY KEY, 787 FOREIGN KEY, 1811 TRIGGER.
            match code.extended_code {
                2067 | 1555 => return StoreError::Duplicate(text),
                787 => return StoreError::Reference(text),
                1811 => return StoreError::Refused(text),
                _ => {}
            }
        }
    }
    StoreError::Sqlite(err)
}

/// An open DeviceRisk database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with_migrations(path, MIGRATIONS)
    }

    /// Opens with an explicit migration list. The application always uses [`MIGRATIONS`];
    /// tests use a prefix of it to build a database "from an older version".
    pub fn open_with_migrations(path: &Path, migrations: &[Migration]) -> Result<Store> {
        Self::open_inner(path, migrations).map_err(|err| match err {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(code, _))
                if code.code == ErrorCode::NotADatabase =>
            {
                StoreError::NotADatabase {
                    path: path.to_path_buf(),
                }
            }
            other => other,
        })
    }

    fn open_inner(path: &Path, migrations: &[Migration]) -> Result<Store> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        }
        // WAL makes NORMAL durable across application crashes; only power loss may lose the last commit.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 32 MB of page cache holds a 10,000-device inventory and its indexes, so a large
        // import does not spill half-written pages to the WAL before it commits.
        conn.pragma_update(None, "cache_size", -32_000)?;
        migrate::apply(&mut conn, path, migrations)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<u32> {
        migrate::current_version(&self.conn)
    }

    /// Read access (each statement sees a consistent snapshot).
    pub fn db(&self) -> Db<'_> {
        Db { conn: &self.conn }
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn transaction<T, E>(&self, work: impl FnOnce(&Db<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // `unchecked_transaction` lets `&self` methods write; `Store` is not `Sync`, so no
        // two transactions can be open on one connection at once.
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| E::from(StoreError::from(e)))?;
        let value = work(&Db { conn: &tx })?;
        tx.commit().map_err(|e| E::from(classify(e)))?;
        Ok(value)
    }
}

/// Queries over one connection or transaction; each aggregate module adds its own.
pub struct Db<'a> {
    conn: &'a Connection,
}
