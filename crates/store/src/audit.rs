//! The append-only audit log: who changed what, when. Triggers forbid UPDATE and DELETE.

use chrono::{DateTime, Utc};
use rusqlite::{params, Row};

use crate::sql::{ts, Reader};
use crate::{classify, Db, Result};

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    /// What happened, as a verb key: "create", "update", "decommission", "import" ...
    pub action: &'a str,
    /// The kind of record: "device", "site", "zone", "vendor", "clinic", "inventory".
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub summary: &'a str,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
}

const COLUMNS: &str = "id, at, actor, action, entity, entity_id, summary";

fn read(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let mut r = Reader::new(row);
    Ok(AuditEntry {
        id: r.int()?,
        at: r.ts()?,
        actor: r.text()?,
        action: r.text()?,
        entity: r.text()?,
        entity_id: r.text()?,
        summary: r.text()?,
    })
}

impl Db<'_> {
    pub fn append_audit(&self, entry: &NewAuditEntry<'_>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, summary)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        stmt.execute(params![
            ts(entry.at),
            entry.actor,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.summary
        ])
        .map_err(classify)?;
        Ok(())
    }

    /// The newest `limit` entries, newest first.
    pub fn recent_audit(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?1"
        ))?;
        let entries = stmt
            .query_map([limit], read)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(entries)
    }

    /// The history of one record, oldest first.
    pub fn audit_for(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY id"
        ))?;
        let entries = stmt
            .query_map([entity, entity_id], read)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(entries)
    }
}
