//! Network zones (VLANs) per site.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use devicerisk_core::{Zone, ZoneId, ZonePurpose};
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{ts, Reader};
use crate::{classify, Db, Result};

const COLUMNS: &str = "id, site_id, name, vlan_id, purpose, notes";

fn read(row: &Row<'_>) -> rusqlite::Result<Zone> {
    let mut r = Reader::new(row);
    Ok(Zone {
        id: r.id()?,
        site_id: r.opt_id()?,
        name: r.text()?,
        vlan_id: r.int()?,
        purpose: r.key(ZonePurpose::from_key)?,
        notes: r.opt_text()?,
    })
}

impl Db<'_> {
    /// All zones, by name.
    pub fn zones(&self) -> Result<Vec<Zone>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM zones ORDER BY name COLLATE NOCASE, vlan_id"
        ))?;
        let zones = stmt.query_map([], read)?.collect::<rusqlite::Result<_>>()?;
        Ok(zones)
    }

    pub fn zone(&self, id: ZoneId) -> Result<Option<Zone>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM zones WHERE id = ?1"))?;
        Ok(stmt.query_row([id.to_string()], read).optional()?)
    }

    pub fn insert_zone(&self, zone: &Zone, at: DateTime<Utc>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO zones (id, site_id, name, vlan_id, purpose, notes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        )?;
        stmt.execute(params![
            zone.id.to_string(),
            zone.site_id.map(|s| s.to_string()),
            zone.name,
            zone.vlan_id,
            zone.purpose.key(),
            zone.notes,
            ts(at)
        ])
        .map_err(classify)?;
        Ok(())
    }

    /// Returns false when no such zone exists.
    pub fn update_zone(&self, zone: &Zone, at: DateTime<Utc>) -> Result<bool> {
        let changed = self
            .conn
            .execute(
                "UPDATE zones SET site_id = ?2, name = ?3, vlan_id = ?4, purpose = ?5, notes = ?6,
                                  updated_at = ?7
                 WHERE id = ?1",
                params![
                    zone.id.to_string(),
                    zone.site_id.map(|s| s.to_string()),
                    zone.name,
                    zone.vlan_id,
                    zone.purpose.key(),
                    zone.notes,
                    ts(at)
                ],
            )
            .map_err(classify)?;
        Ok(changed > 0)
    }

    /// Returns false when no such zone exists. Fails with `Reference` while devices are in it.
    pub fn delete_zone(&self, id: ZoneId) -> Result<bool> {
        let changed = self
            .conn
            .execute("DELETE FROM zones WHERE id = ?1", [id.to_string()])
            .map_err(classify)?;
        Ok(changed > 0)
    }

    /// Number of device records (decommissioned included) per zone.
    pub fn device_counts_by_zone(&self) -> Result<HashMap<ZoneId, u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT zone_id, count(*) FROM devices WHERE zone_id IS NOT NULL GROUP BY zone_id",
        )?;
        let counts = stmt
            .query_map([], |row| {
                let mut r = Reader::new(row);
                Ok((r.id()?, r.int()?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(counts)
    }
}
