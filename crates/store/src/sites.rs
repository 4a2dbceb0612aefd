//! Sites: the clinic's physical locations.

use chrono::{DateTime, Utc};
use devicerisk_core::{Site, SiteId};
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{ts, Reader};
use crate::{classify, Db, Result};

const COLUMNS: &str = "id, name, address, notes";

fn read(row: &Row<'_>) -> rusqlite::Result<Site> {
    let mut r = Reader::new(row);
    Ok(Site {
        id: r.id()?,
        name: r.text()?,
        address: r.opt_text()?,
        notes: r.opt_text()?,
    })
}

/// What still refers to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SiteUsage {
    pub devices: u32,
    pub zones: u32,
}

impl Db<'_> {
    /// All sites, by name.
    pub fn sites(&self) -> Result<Vec<Site>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM sites ORDER BY name COLLATE NOCASE"
        ))?;
        let sites = stmt.query_map([], read)?.collect::<rusqlite::Result<_>>()?;
        Ok(sites)
    }

    pub fn site(&self, id: SiteId) -> Result<Option<Site>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM sites WHERE id = ?1"))?;
        Ok(stmt.query_row([id.to_string()], read).optional()?)
    }

    pub fn insert_site(&self, site: &Site, at: DateTime<Utc>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO sites (id, name, address, notes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?;
        stmt.execute(params![
            site.id.to_string(),
            site.name,
            site.address,
            site.notes,
            ts(at)
        ])
        .map_err(classify)?;
        Ok(())
    }

    /// Returns false when no such site exists.
    pub fn update_site(&self, site: &Site, at: DateTime<Utc>) -> Result<bool> {
        let changed = self
            .conn
            .execute(
                "UPDATE sites SET name = ?2, address = ?3, notes = ?4, updated_at = ?5 WHERE id = ?1",
                params![
                    site.id.to_string(),
                    site.name,
                    site.address,
                    site.notes,
                    ts(at)
                ],
            )
            .map_err(classify)?;
        Ok(changed > 0)
    }

    pub fn site_usage(&self, id: SiteId) -> Result<SiteUsage> {
        let key = id.to_string();
        let devices = self.conn.query_row(
            "SELECT count(*) FROM devices WHERE site_id = ?1",
            [&key],
            |row| row.get(0),
        )?;
        let zones = self.conn.query_row(
            "SELECT count(*) FROM zones WHERE site_id = ?1",
            [&key],
            |row| row.get(0),
        )?;
        Ok(SiteUsage { devices, zones })
    }

    /// Returns false when no such site exists. Fails with `Reference` while anything refers to it.
    pub fn delete_site(&self, id: SiteId) -> Result<bool> {
        let changed = self
            .conn
            .execute("DELETE FROM sites WHERE id = ?1", [id.to_string()])
            .map_err(classify)?;
        Ok(changed > 0)
    }
}
