//! Vendors: manufacturers and service companies.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use devicerisk_core::{TriState, Vendor, VendorFields, VendorId};
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{ts, Reader};
use crate::{classify, Db, Result};

const COLUMNS: &str = "id, name, contact_name, contact_email, contact_phone, security_contact,
    disclosure_policy, patch_cadence, support_lifecycle, sbom_on_file, mds2_on_file, baa_signed, notes";

fn read(row: &Row<'_>) -> rusqlite::Result<Vendor> {
    let mut r = Reader::new(row);
    Ok(Vendor {
        id: r.id()?,
        fields: VendorFields {
            name: r.text()?,
            contact_name: r.opt_text()?,
            contact_email: r.opt_text()?,
            contact_phone: r.opt_text()?,
            security_contact: r.opt_text()?,
            disclosure_policy: r.key(TriState::from_key)?,
            patch_cadence: r.opt_text()?,
            support_lifecycle: r.opt_text()?,
            sbom_on_file: r.key(TriState::from_key)?,
            mds2_on_file: r.key(TriState::from_key)?,
            baa_signed: r.key(TriState::from_key)?,
            notes: r.opt_text()?,
        },
    })
}

impl Db<'_> {
    /// All vendors, by name.
    pub fn vendors(&self) -> Result<Vec<Vendor>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM vendors ORDER BY name COLLATE NOCASE"
        ))?;
        let vendors = stmt.query_map([], read)?.collect::<rusqlite::Result<_>>()?;
        Ok(vendors)
    }

    pub fn vendor(&self, id: VendorId) -> Result<Option<Vendor>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM vendors WHERE id = ?1"))?;
        Ok(stmt.query_row([id.to_string()], read).optional()?)
    }

    pub fn insert_vendor(&self, vendor: &Vendor, at: DateTime<Utc>) -> Result<()> {
        let f = &vendor.fields;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO vendors (id, name, contact_name, contact_email, contact_phone,
                security_contact, disclosure_policy, patch_cadence, support_lifecycle, sbom_on_file,
                mds2_on_file, baa_signed, notes, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        )?;
        stmt.execute(params![
            vendor.id.to_string(),
            f.name,
            f.contact_name,
            f.contact_email,
            f.contact_phone,
            f.security_contact,
            f.disclosure_policy.key(),
            f.patch_cadence,
            f.support_lifecycle,
            f.sbom_on_file.key(),
            f.mds2_on_file.key(),
            f.baa_signed.key(),
            f.notes,
            ts(at)
        ])
        .map_err(classify)?;
        Ok(())
    }

    /// Returns false when no such vendor exists.
    pub fn update_vendor(&self, vendor: &Vendor, at: DateTime<Utc>) -> Result<bool> {
        let f = &vendor.fields;
        let changed = self
            .conn
            .execute(
                "UPDATE vendors SET name = ?2, contact_name = ?3, contact_email = ?4,
                    contact_phone = ?5, security_contact = ?6, disclosure_policy = ?7,
                    patch_cadence = ?8, support_lifecycle = ?9, sbom_on_file = ?10,
                    mds2_on_file = ?11, baa_signed = ?12, notes = ?13, updated_at = ?14
                 WHERE id = ?1",
                params![
                    vendor.id.to_string(),
                    f.name,
                    f.contact_name,
                    f.contact_email,
                    f.contact_phone,
                    f.security_contact,
                    f.disclosure_policy.key(),
                    f.patch_cadence,
                    f.support_lifecycle,
                    f.sbom_on_file.key(),
                    f.mds2_on_file.key(),
                    f.baa_signed.key(),
                    f.notes,
                    ts(at)
                ],
            )
            .map_err(classify)?;
        Ok(changed > 0)
    }

    /// Returns false when no such vendor exists. Fails with `Reference` while devices name it.
    pub fn delete_vendor(&self, id: VendorId) -> Result<bool> {
        let changed = self
            .conn
            .execute("DELETE FROM vendors WHERE id = ?1", [id.to_string()])
            .map_err(classify)?;
        Ok(changed > 0)
    }

    /// Number of device records per vendor.
    pub fn device_counts_by_vendor(&self) -> Result<HashMap<VendorId, u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT vendor_id, count(*) FROM devices WHERE vendor_id IS NOT NULL GROUP BY vendor_id",
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
