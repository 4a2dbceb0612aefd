//! Risk snapshots: the levels of every device and register risk when an assessment was
//! finalized, kept as the api's JSON (levels themselves are never stored, see 0003).

use chrono::{DateTime, Utc};
use devicerisk_core::questionnaire::AssessmentId;
use rusqlite::{params, OptionalExtension};

use crate::sql::{ts, Reader};
use crate::{classify, Db, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskSnapshotRecord {
    pub assessment_id: AssessmentId,
    pub taken_at: DateTime<Utc>,
    pub method_version: String,
    pub snapshot: String,
}

impl Db<'_> {
    /// Records the snapshot of an assessment; a second one for the same assessment is refused
    /// (`Duplicate`), as the first is evidence.
    pub fn save_risk_snapshot(&self, record: &RiskSnapshotRecord) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO risk_snapshots (assessment_id, taken_at, method_version, snapshot)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    record.assessment_id.to_string(),
                    ts(record.taken_at),
                    record.method_version,
                    record.snapshot
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    pub fn risk_snapshot(&self, assessment: AssessmentId) -> Result<Option<RiskSnapshotRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT taken_at, method_version, snapshot FROM risk_snapshots
             WHERE assessment_id = ?1",
        )?;
        let record = stmt
            .query_row([assessment.to_string()], |row| {
                let mut r = Reader::new(row);
                Ok(RiskSnapshotRecord {
                    assessment_id: assessment,
                    taken_at: r.ts()?,
                    method_version: r.text()?,
                    snapshot: r.text()?,
                })
            })
            .optional()?;
        Ok(record)
    }
}
