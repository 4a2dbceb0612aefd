//! Lifecycle planning: OS match corrections and replaceability per device, vendor end of
//! support per model, vendor patch cadence, patch log, planned actions, imported
//! endoflife.date files and the decommission checklist.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use devicerisk_core::lifecycle::{
    DecommissionStepKind, DecommissionStepRecord, PatchEntry, PlanAction, PlanFields, PlanOrigin,
    PlanStatus, PlannedAction, StoredFile,
};
use devicerisk_core::{DeviceId, PlanId, VendorId};
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{date, ts, Reader};
use crate::{classify, Db, Result};

/// A device's lifecycle facts beyond the device record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceLifecycle {
    pub device_id: DeviceId,
    /// The user's OS match: (the OS text it was made for, the table release id).
    pub os_override: Option<(String, String)>,
    pub replaceable: bool,
}

/// The vendor's end of support for one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSupportRecord {
    pub manufacturer: String,
    pub model: String,
    pub end_of_support: NaiveDate,
    pub note: Option<String>,
}

/// An endoflife.date file the user imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EolImportRecord {
    pub platform_id: String,
    pub file_name: String,
    pub content: String,
    pub summary: String,
    pub imported_at: DateTime<Utc>,
}

const PLAN_COLUMNS: &str = "id, device_id, action, target_date, cost_cents, owner, status, origin,
    with_monitoring, note, created_at, updated_at";

fn read_plan(row: &Row<'_>) -> rusqlite::Result<PlannedAction> {
    let mut r = Reader::new(row);
    let id = r.id()?;
    let device_id = r.id()?;
    let action = r.key(PlanAction::from_key)?;
    let target_date = r.opt_date()?.unwrap_or_default();
    Ok(PlannedAction {
        id,
        fields: PlanFields {
            device_id,
            action,
            target_date,
            cost_cents: r.int()?,
            owner: r.opt_text()?,
            status: r.key(PlanStatus::from_key)?,
            origin: r.key(PlanOrigin::from_key)?,
            with_monitoring: r.int::<i64>()? != 0,
            note: r.opt_text()?,
        },
        created_at: r.ts()?,
        updated_at: r.ts()?,
    })
}

const PATCH_COLUMNS: &str =
    "id, device_id, patched_on, from_version, to_version, tested_by, note, recorded_at";

fn read_patch(row: &Row<'_>) -> rusqlite::Result<PatchEntry> {
    let mut r = Reader::new(row);
    Ok(PatchEntry {
        id: r.id()?,
        device_id: r.id()?,
        patched_on: r.opt_date()?.unwrap_or_default(),
        from_version: r.opt_text()?,
        to_version: r.text()?,
        tested_by: r.opt_text()?,
        note: r.opt_text()?,
        recorded_at: r.ts()?,
    })
}

fn read_step(row: &Row<'_>) -> rusqlite::Result<DecommissionStepRecord> {
    let mut r = Reader::new(row);
    let device_id = r.id()?;
    let step = r.key(DecommissionStepKind::from_key)?;
    let done_by = r.text()?;
    let done_on = r.opt_date()?.unwrap_or_default();
    let note = r.opt_text()?;
    let file_name = r.opt_text()?;
    let stored_path = r.opt_text()?;
    let sha256 = r.opt_text()?;
    let size: Option<u32> = r.int()?;
    let file = match (file_name, stored_path, sha256) {
        (Some(file_name), Some(stored_path), Some(sha256)) => Some(StoredFile {
            file_name,
            stored_path,
            sha256,
            size: size.unwrap_or(0),
        }),
        _ => None,
    };
    Ok(DecommissionStepRecord {
        device_id,
        step,
        done_by,
        done_on,
        note,
        file,
        recorded_at: r.ts()?,
    })
}

impl Db<'_> {
    // --- per device --------------------------------------------------------------------

    pub fn device_lifecycles(&self) -> Result<HashMap<DeviceId, DeviceLifecycle>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, os_text, os_release_id, replaceable FROM device_lifecycle",
        )?;
        let rows = stmt
            .query_map([], |row| {
                let mut r = Reader::new(row);
                let device_id: DeviceId = r.id()?;
                let text = r.opt_text()?;
                let release = r.opt_text()?;
                let replaceable = r.int::<i64>()? != 0;
                Ok((
                    device_id,
                    DeviceLifecycle {
                        device_id,
                        os_override: text.zip(release),
                        replaceable,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn device_lifecycle(&self, id: DeviceId) -> Result<Option<DeviceLifecycle>> {
        Ok(self.device_lifecycles()?.remove(&id))
    }

    pub fn save_device_lifecycle(&self, record: &DeviceLifecycle, at: DateTime<Utc>) -> Result<()> {
        let (text, release) = match &record.os_override {
            Some((t, r)) => (Some(t.as_str()), Some(r.as_str())),
            None => (None, None),
        };
        self.conn
            .execute(
                "INSERT INTO device_lifecycle (device_id, os_text, os_release_id, replaceable, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (device_id) DO UPDATE SET os_text = excluded.os_text,
                    os_release_id = excluded.os_release_id, replaceable = excluded.replaceable,
                    updated_at = excluded.updated_at",
                params![
                    record.device_id.to_string(),
                    text,
                    release,
                    record.replaceable as i64,
                    ts(at)
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    // --- vendor end of support per model ------------------------------------------------

    pub fn model_supports(&self) -> Result<Vec<ModelSupportRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT manufacturer, model, end_of_support, note FROM model_support
             ORDER BY manufacturer COLLATE NOCASE, model COLLATE NOCASE",
        )?;
        let rows = stmt
            .query_map([], |row| {
                let mut r = Reader::new(row);
                Ok(ModelSupportRecord {
                    manufacturer: r.text()?,
                    model: r.text()?,
                    end_of_support: r.opt_date()?.unwrap_or_default(),
                    note: r.opt_text()?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn save_model_support(&self, record: &ModelSupportRecord, at: DateTime<Utc>) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO model_support (manufacturer, model, end_of_support, note, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (manufacturer, model) DO UPDATE SET
                    end_of_support = excluded.end_of_support, note = excluded.note,
                    updated_at = excluded.updated_at",
                params![
                    record.manufacturer,
                    record.model,
                    date(Some(record.end_of_support)),
                    record.note,
                    ts(at)
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    /// Returns false when no date was recorded for the model.
    pub fn delete_model_support(&self, manufacturer: &str, model: &str) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "DELETE FROM model_support WHERE manufacturer = ?1 AND model = ?2",
                params![manufacturer, model],
            )
            .map_err(classify)?;
        Ok(n > 0)
    }

    // --- vendor patch cadence -----------------------------------------------------------

    pub fn patch_cadences(&self) -> Result<HashMap<VendorId, i32>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT vendor_id, cadence_days FROM vendor_patch_cadence")?;
        let rows = stmt
            .query_map([], |row| {
                let mut r = Reader::new(row);
                Ok((r.id()?, r.int()?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// `None` removes the cadence.
    pub fn set_patch_cadence(&self, vendor: VendorId, days: Option<i32>) -> Result<()> {
        match days {
            Some(days) => self.conn.execute(
                "INSERT INTO vendor_patch_cadence (vendor_id, cadence_days) VALUES (?1, ?2)
                 ON CONFLICT (vendor_id) DO UPDATE SET cadence_days = excluded.cadence_days",
                params![vendor.to_string(), days],
            ),
            None => self.conn.execute(
                "DELETE FROM vendor_patch_cadence WHERE vendor_id = ?1",
                [vendor.to_string()],
            ),
        }
        .map_err(classify)?;
        Ok(())
    }

    // --- patch log ----------------------------------------------------------------------

    /// A device's patches, newest first.
    pub fn patch_log(&self, device: DeviceId) -> Result<Vec<PatchEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PATCH_COLUMNS} FROM patch_log WHERE device_id = ?1
             ORDER BY patched_on DESC, recorded_at DESC"
        ))?;
        let rows = stmt
            .query_map([device.to_string()], read_patch)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The newest logged patch date per device.
    pub fn latest_patches(&self) -> Result<HashMap<DeviceId, NaiveDate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, max(patched_on) FROM patch_log GROUP BY device_id",
        )?;
        let rows = stmt
            .query_map([], |row| {
                let mut r = Reader::new(row);
                Ok((r.id()?, r.opt_date()?.unwrap_or_default()))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn insert_patch(&self, entry: &PatchEntry) -> Result<()> {
        self.conn
            .execute(
                &format!("INSERT INTO patch_log ({PATCH_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                params![
                    entry.id.to_string(),
                    entry.device_id.to_string(),
                    date(Some(entry.patched_on)),
                    entry.from_version,
                    entry.to_version,
                    entry.tested_by,
                    entry.note,
                    ts(entry.recorded_at)
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    // --- planned actions ----------------------------------------------------------------

    /// Every planned action, by target date.
    pub fn plans(&self) -> Result<Vec<PlannedAction>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PLAN_COLUMNS} FROM lifecycle_plans ORDER BY target_date, created_at"
        ))?;
        let rows = stmt
            .query_map([], read_plan)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn plan(&self, id: PlanId) -> Result<Option<PlannedAction>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PLAN_COLUMNS} FROM lifecycle_plans WHERE id = ?1"
        ))?;
        Ok(stmt.query_row([id.to_string()], read_plan).optional()?)
    }

    /// Inserts or replaces the plan with this id.
    pub fn save_plan(&self, plan: &PlannedAction) -> Result<()> {
        let f = &plan.fields;
        self.conn
            .execute(
                &format!(
                    "INSERT INTO lifecycle_plans ({PLAN_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                     ON CONFLICT (id) DO UPDATE SET device_id = excluded.device_id,
                        action = excluded.action, target_date = excluded.target_date,
                        cost_cents = excluded.cost_cents, owner = excluded.owner,
                        status = excluded.status, origin = excluded.origin,
                        with_monitoring = excluded.with_monitoring, note = excluded.note,
                        updated_at = excluded.updated_at"
                ),
                params![
                    plan.id.to_string(),
                    f.device_id.to_string(),
                    f.action.key(),
                    date(Some(f.target_date)),
                    f.cost_cents,
                    f.owner,
                    f.status.key(),
                    f.origin.key(),
                    f.with_monitoring as i64,
                    f.note,
                    ts(plan.created_at),
                    ts(plan.updated_at)
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    pub fn delete_plan(&self, id: PlanId) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "DELETE FROM lifecycle_plans WHERE id = ?1",
                [id.to_string()],
            )
            .map_err(classify)?;
        Ok(n > 0)
    }

    // --- imported endoflife.date files ---------------------------------------------------

    /// In the order they were imported.
    pub fn eol_imports(&self) -> Result<Vec<EolImportRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT platform_id, file_name, content, summary, imported_at FROM eol_imports
             ORDER BY imported_at",
        )?;
        let rows = stmt
            .query_map([], |row| {
                let mut r = Reader::new(row);
                Ok(EolImportRecord {
                    platform_id: r.text()?,
                    file_name: r.text()?,
                    content: r.text()?,
                    summary: r.text()?,
                    imported_at: r.ts()?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// A newer file for the same platform replaces the older one (it states every release).
    pub fn save_eol_import(&self, record: &EolImportRecord) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO eol_imports (platform_id, file_name, content, summary, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (platform_id) DO UPDATE SET file_name = excluded.file_name,
                    content = excluded.content, summary = excluded.summary,
                    imported_at = excluded.imported_at",
                params![
                    record.platform_id,
                    record.file_name,
                    record.content,
                    record.summary,
                    ts(record.imported_at)
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    // --- decommission checklist ---------------------------------------------------------

    pub fn decommission_steps(&self, device: DeviceId) -> Result<Vec<DecommissionStepRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, step, done_by, done_on, note, file_name, stored_path, sha256, size,
                    recorded_at
             FROM decommission_steps WHERE device_id = ?1",
        )?;
        let rows = stmt
            .query_map([device.to_string()], read_step)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Records (or re-records) one step.
    pub fn save_decommission_step(&self, record: &DecommissionStepRecord) -> Result<()> {
        let file = record.file.as_ref();
        self.conn
            .execute(
                "INSERT INTO decommission_steps (device_id, step, done_by, done_on, note, file_name,
                    stored_path, sha256, size, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (device_id, step) DO UPDATE SET done_by = excluded.done_by,
                    done_on = excluded.done_on, note = excluded.note, file_name = excluded.file_name,
                    stored_path = excluded.stored_path, sha256 = excluded.sha256,
                    size = excluded.size, recorded_at = excluded.recorded_at",
                params![
                    record.device_id.to_string(),
                    record.step.key(),
                    record.done_by,
                    date(Some(record.done_on)),
                    record.note,
                    file.map(|f| f.file_name.as_str()),
                    file.map(|f| f.stored_path.as_str()),
                    file.map(|f| f.sha256.as_str()),
                    file.map(|f| f.size),
                    ts(record.recorded_at)
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    pub fn delete_decommission_step(
        &self,
        device: DeviceId,
        step: DecommissionStepKind,
    ) -> Result<bool> {
        let n = self
            .conn
            .execute(
                "DELETE FROM decommission_steps WHERE device_id = ?1 AND step = ?2",
                params![device.to_string(), step.key()],
            )
            .map_err(classify)?;
        Ok(n > 0)
    }
}
