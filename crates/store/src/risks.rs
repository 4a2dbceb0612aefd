//! The risk register: compensating controls assigned to devices, and the user's decisions
//! about risks (treatment, owner, dates, status, notes, acceptance), keyed by the risk's
//! stable grouping key. Levels are never stored: the api recomputes them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use devicerisk_core::{DeviceId, RiskStatus, RiskTreatment};
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{date, ts, Reader};
use crate::{classify, Db, Result};

/// A library control in place for one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedControl {
    pub device_id: DeviceId,
    pub control_id: String,
    pub note: Option<String>,
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
}

/// An acceptance of a risk: all four parts or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAcceptance {
    pub approver: String,
    pub reason: String,
    pub accepted_on: NaiveDate,
    pub expires: NaiveDate,
}

/// The words and levels of a risk added by hand (finding risks compute theirs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualRiskText {
    pub title: String,
    pub threat: Option<String>,
    pub vulnerability: Option<String>,
    pub likelihood: u8,
    pub impact: u8,
}

/// One stored risk row: what the user decided about the risk with this key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRisk {
    /// `factor:<id>` or `manual:<uuid>`.
    pub key: String,
    /// For manual risks only.
    pub manual: Option<ManualRiskText>,
    pub treatment: RiskTreatment,
    pub owner: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    /// Never `Accepted`: that is computed from `acceptance`.
    pub status: RiskStatus,
    pub notes: Option<String>,
    pub acceptance: Option<StoredAcceptance>,
    /// Manual risks: the devices concerned.
    pub device_ids: Vec<DeviceId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "key, title, threat, vulnerability, likelihood, impact, treatment, owner,
    due_date, review_date, status, notes, accepted_by, acceptance_reason, accepted_on,
    acceptance_expires, created_at, updated_at";

fn read(row: &Row<'_>) -> rusqlite::Result<StoredRisk> {
    let mut r = Reader::new(row);
    let key: String = r.text()?;
    let title: Option<String> = r.opt_text()?;
    let threat = r.opt_text()?;
    let vulnerability = r.opt_text()?;
    let likelihood: Option<u8> = r.int()?;
    let impact: Option<u8> = r.int()?;
    let manual = match (title, likelihood, impact) {
        (Some(title), Some(likelihood), Some(impact)) => Some(ManualRiskText {
            title,
            threat,
            vulnerability,
            likelihood,
            impact,
        }),
        _ => None,
    };
    let treatment = r.key(RiskTreatment::from_key)?;
    let owner = r.opt_text()?;
    let due_date = r.opt_date()?;
    let review_date = r.opt_date()?;
    let status = r.key(RiskStatus::from_key)?;
    let notes = r.opt_text()?;
    let approver: Option<String> = r.opt_text()?;
    let reason: Option<String> = r.opt_text()?;
    let accepted_on = r.opt_date()?;
    let expires = r.opt_date()?;
    let acceptance = match (approver, reason, accepted_on, expires) {
        (Some(approver), Some(reason), Some(accepted_on), Some(expires)) => {
            Some(StoredAcceptance {
                approver,
                reason,
                accepted_on,
                expires,
            })
        }
        _ => None,
    };
    Ok(StoredRisk {
        key,
        manual,
        treatment,
        owner,
        due_date,
        review_date,
        status,
        notes,
        acceptance,
        device_ids: Vec::new(),
        created_at: r.ts()?,
        updated_at: r.ts()?,
    })
}

impl Db<'_> {
    /// Every assigned control, by device then control id.
    pub fn assigned_controls(&self) -> Result<Vec<AssignedControl>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, control_id, note, assigned_by, assigned_at
             FROM device_controls ORDER BY device_id, control_id",
        )?;
        let rows = stmt
            .query_map([], |row| {
                let mut r = Reader::new(row);
                Ok(AssignedControl {
                    device_id: r.id()?,
                    control_id: r.text()?,
                    note: r.opt_text()?,
                    assigned_by: r.text()?,
                    assigned_at: r.ts()?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Control ids per device (the engine's input), in id order.
    pub fn controls_by_device(&self) -> Result<HashMap<DeviceId, Vec<String>>> {
        let mut map: HashMap<DeviceId, Vec<String>> = HashMap::new();
        for row in self.assigned_controls()? {
            map.entry(row.device_id).or_default().push(row.control_id);
        }
        Ok(map)
    }

    /// Assigns (or re-notes) a control to a device. Fails with `Reference` for a missing device.
    pub fn assign_control(&self, control: &AssignedControl) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO device_controls (device_id, control_id, note, assigned_by, assigned_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (device_id, control_id) DO UPDATE SET
                note = excluded.note, assigned_by = excluded.assigned_by,
                assigned_at = excluded.assigned_at",
        )?;
        stmt.execute(params![
            control.device_id.to_string(),
            control.control_id,
            control.note,
            control.assigned_by,
            ts(control.assigned_at)
        ])
        .map_err(classify)?;
        Ok(())
    }

    /// Returns false when the control was not assigned to the device.
    pub fn remove_control(&self, device_id: DeviceId, control_id: &str) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached("DELETE FROM device_controls WHERE device_id = ?1 AND control_id = ?2")?
            .execute(params![device_id.to_string(), control_id])
            .map_err(classify)?;
        Ok(changed > 0)
    }

    /// Every stored risk, by key, with the devices of manual risks.
    pub fn stored_risks(&self) -> Result<Vec<StoredRisk>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM risks ORDER BY key"))?;
        let mut risks: Vec<StoredRisk> =
            stmt.query_map([], read)?.collect::<rusqlite::Result<_>>()?;
        let mut devices: HashMap<String, Vec<DeviceId>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT risk_key, device_id FROM risk_devices ORDER BY risk_key")?;
        let rows = stmt.query_map([], |row| {
            let mut r = Reader::new(row);
            Ok((r.text()?, r.id()?))
        })?;
        for row in rows {
            let (key, id) = row?;
            devices.entry(key).or_default().push(id);
        }
        for risk in &mut risks {
            risk.device_ids = devices.remove(&risk.key).unwrap_or_default();
        }
        Ok(risks)
    }

    pub fn stored_risk(&self, key: &str) -> Result<Option<StoredRisk>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM risks WHERE key = ?1"))?;
        let Some(mut risk) = stmt.query_row([key], read).optional()? else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare_cached("SELECT device_id FROM risk_devices WHERE risk_key = ?1")?;
        risk.device_ids = stmt
            .query_map([key], |row| Reader::new(row).id())?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(risk))
    }

    /// Inserts or replaces the row of `risk.key` (and, for manual risks, its device list).
    /// `created_at` is kept from an existing row.
    pub fn put_risk(&self, risk: &StoredRisk) -> Result<()> {
        let manual = risk.manual.as_ref();
        let acceptance = risk.acceptance.as_ref();
        let status = match risk.status {
            // Defensive: the computed status is never written.
            RiskStatus::Accepted => RiskStatus::Open,
            other => other,
        };
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO risks ({COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18)
                 ON CONFLICT (key) DO UPDATE SET
                    title = excluded.title, threat = excluded.threat,
                    vulnerability = excluded.vulnerability, likelihood = excluded.likelihood,
                    impact = excluded.impact, treatment = excluded.treatment,
                    owner = excluded.owner, due_date = excluded.due_date,
                    review_date = excluded.review_date, status = excluded.status,
                    notes = excluded.notes, accepted_by = excluded.accepted_by,
                    acceptance_reason = excluded.acceptance_reason,
                    accepted_on = excluded.accepted_on,
                    acceptance_expires = excluded.acceptance_expires,
                    updated_at = excluded.updated_at"
            ))?
            .execute(params![
                risk.key,
                manual.map(|m| &m.title),
                manual.and_then(|m| m.threat.as_ref()),
                manual.and_then(|m| m.vulnerability.as_ref()),
                manual.map(|m| m.likelihood),
                manual.map(|m| m.impact),
                risk.treatment.key(),
                risk.owner,
                date(risk.due_date),
                date(risk.review_date),
                status.key(),
                risk.notes,
                acceptance.map(|a| &a.approver),
                acceptance.map(|a| &a.reason),
                date(acceptance.map(|a| a.accepted_on)),
                date(acceptance.map(|a| a.expires)),
                ts(risk.created_at),
                ts(risk.updated_at),
            ])
            .map_err(classify)?;
        if manual.is_some() {
            self.conn
                .prepare_cached("DELETE FROM risk_devices WHERE risk_key = ?1")?
                .execute([&risk.key])?;
            let mut insert = self
                .conn
                .prepare_cached("INSERT INTO risk_devices (risk_key, device_id) VALUES (?1, ?2)")?;
            for id in &risk.device_ids {
                insert
                    .execute(params![risk.key, id.to_string()])
                    .map_err(classify)?;
            }
        }
        Ok(())
    }

    /// Returns false when there was no such row.
    pub fn delete_risk(&self, key: &str) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached("DELETE FROM risks WHERE key = ?1")?
            .execute([key])
            .map_err(classify)?;
        Ok(changed > 0)
    }
}
