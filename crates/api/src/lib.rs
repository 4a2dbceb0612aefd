//! DeviceRisk api: the façade every front end (desktop shell, command line) calls.
//!
//! One method of [`Api`] per use case. Each mutation validates its input with the domain
//! rules of `devicerisk_core`, writes through `devicerisk_store` in one transaction, and
//! appends an audit-log entry in that same transaction. Errors are [`ApiError`]
//! (`{code, message, field_issues}`), serialisable as they are for the UI.

mod assessment_types;
mod assessments;
mod change;
pub mod demo;
mod demo_history;
mod devices;
mod error;
mod home;
mod import;
mod intel;
mod lifecycle;
mod places;
mod report;
mod risk_types;
mod risks;
mod sbom;
mod types;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use devicerisk_store::{Db, NewAuditEntry, Store};

pub use assessment_types::*;
pub use assessments::{check_questionnaire_files, questionnaire, scope_of, sha256_hex};
pub use demo_history::DemoHistoryReport;
pub use error::{field_label, ApiError, ApiResult, ErrorCode};
pub use intel::*;
pub use lifecycle::*;
pub use report::{packet_file, Paper, ReportFormat, ReportProgress, ReportRequest, ReportResult};
pub use risk_types::*;
pub use sbom::*;
pub use types::*;

/// Re-exported so front ends need only this crate.
pub use devicerisk_core as core;
pub use devicerisk_intel::inventory::{CellIssue, ColumnMapping, ImportTarget};
pub use devicerisk_intel::matching::Confidence;
pub use devicerisk_intel::sbom::{ComponentHash, SbomFormat, VexFormat, VexState};
/// The packet's model and renderers (PDF, XLSX).
pub use devicerisk_report as packet;

/// File name of the database in the data directory.
pub const DB_FILE_NAME: &str = "devicerisk.sqlite3";

/// Where the database lives when no path is given: `$DEVICERISK_DB`, else the OS data
/// directory (e.g. `~/.local/share/devicerisk/devicerisk.sqlite3` on Linux).
pub fn default_db_path() -> Result<PathBuf, ApiError> {
    if let Some(path) = std::env::var_os("DEVICERISK_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dirs = directories::ProjectDirs::from("org", "DeviceRisk", "devicerisk").ok_or_else(|| {
        ApiError::new(
            ErrorCode::Io,
            "Cannot find a data directory for this user (is HOME set?); pass --db PATH or set DEVICERISK_DB.",
        )
    })?;
    Ok(dirs.data_dir().join(DB_FILE_NAME))
}

/// The name written to the audit log: the OS user.
fn os_user() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .map(|name| name.trim().to_string())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "local user".to_string())
}

/// An open DeviceRisk database and the use cases over it.
///
/// `Api` is `Send` but not `Sync` (one SQLite connection): a multi-threaded front end keeps
/// it behind a `Mutex`.
#[derive(Debug)]
pub struct Api {
    store: Store,
    actor: String,
    today: Option<NaiveDate>,
}

impl Api {
    /// Opens (creating and upgrading as needed) the database at `path`.
    pub fn open(path: &Path) -> ApiResult<Api> {
        let store = Store::open(path)?;
        Ok(Api {
            store,
            actor: os_user(),
            today: None,
        })
    }

    pub fn db_path(&self) -> &Path {
        self.store.path()
    }

    /// Fixes "today" (for validation of dates and the demo data); tests never use the clock.
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = Some(today);
    }

    /// Today in the user's time zone, unless fixed by [`Api::set_today`].
    pub fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// The newest `limit` audit entries, newest first.
    pub fn audit_log(&self, limit: u32) -> ApiResult<Vec<AuditEntry>> {
        let entries = self.store.db().recent_audit(limit)?;
        Ok(entries.into_iter().map(AuditEntry::from).collect())
    }

    /// Timestamps are stored to the microsecond; returning the same precision keeps what
    /// a call returns equal to what a later read gives.
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }

    fn audit(
        &self,
        db: &Db<'_>,
        action: &str,
        entity: &str,
        entity_id: &str,
        summary: &str,
    ) -> ApiResult<()> {
        db.append_audit(&NewAuditEntry {
            at: self.now(),
            actor: &self.actor,
            action,
            entity,
            entity_id,
            summary,
        })?;
        Ok(())
    }
}
