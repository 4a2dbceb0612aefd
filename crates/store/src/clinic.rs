//! The clinic profile: a single row.

use chrono::{DateTime, Utc};
use devicerisk_core::ClinicProfile;
use rusqlite::{params, OptionalExtension};

use crate::sql::{ts, Reader};
use crate::{classify, Db, Result};

impl Db<'_> {
    /// The saved profile, or `None` before the clinic has been described.
    pub fn clinic(&self) -> Result<Option<ClinicProfile>> {
        let profile = self
            .conn
            .query_row(
                "SELECT name, legal_name, address, contact_name, contact_email, contact_phone,
                        security_officer, fiscal_year_start_month
                 FROM clinic WHERE id = 1",
                [],
                |row| {
                    let mut r = Reader::new(row);
                    Ok(ClinicProfile {
                        name: r.text()?,
                        legal_name: r.opt_text()?,
                        address: r.opt_text()?,
                        contact_name: r.opt_text()?,
                        contact_email: r.opt_text()?,
                        contact_phone: r.opt_text()?,
                        security_officer: r.opt_text()?,
                        fiscal_year_start_month: r.int()?,
                    })
                },
            )
            .optional()?;
        Ok(profile)
    }

    pub fn save_clinic(&self, profile: &ClinicProfile, at: DateTime<Utc>) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO clinic (id, name, legal_name, address, contact_name, contact_email,
                                     contact_phone, security_officer, fiscal_year_start_month, updated_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name, legal_name = excluded.legal_name, address = excluded.address,
                    contact_name = excluded.contact_name, contact_email = excluded.contact_email,
                    contact_phone = excluded.contact_phone, security_officer = excluded.security_officer,
                    fiscal_year_start_month = excluded.fiscal_year_start_month,
                    updated_at = excluded.updated_at",
                params![
                    profile.name,
                    profile.legal_name,
                    profile.address,
                    profile.contact_name,
                    profile.contact_email,
                    profile.contact_phone,
                    profile.security_officer,
                    profile.fiscal_year_start_month,
                    ts(at),
                ],
            )
            .map_err(classify)?;
        Ok(())
    }
}
