//! Clinic profile, sites, network zones and vendors.

use devicerisk_core::validate::looks_like_email;
use devicerisk_core::*;

use crate::{
    Api, ApiError, ApiResult, ErrorCode, SiteInput, VendorInput, VendorRow, ZoneInput, ZoneRow,
};

/// Trims text; blank means not given.
pub(crate) fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

pub(crate) fn count(n: u32, noun: &str) -> String {
    plural(n, noun, &format!("{noun}s"))
}

impl Api {
    /// The clinic profile; an empty profile (fiscal year from January) before it is saved.
    pub fn get_clinic(&self) -> ApiResult<ClinicProfile> {
        Ok(self.store.db().clinic()?.unwrap_or(ClinicProfile {
            fiscal_year_start_month: 1,
            ..ClinicProfile::default()
        }))
    }

    pub fn save_clinic(&self, profile: ClinicProfile) -> ApiResult<ClinicProfile> {
        let profile = ClinicProfile {
            name: profile.name.trim().to_string(),
            legal_name: clean(profile.legal_name),
            address: clean(profile.address),
            contact_name: clean(profile.contact_name),
            contact_email: clean(profile.contact_email),
            contact_phone: clean(profile.contact_phone),
            security_officer: clean(profile.security_officer),
            fiscal_year_start_month: profile.fiscal_year_start_month,
        };
        let mut issues = Vec::new();
        if profile.name.is_empty() {
            issues.push(FieldIssue::new(
                "name",
                "is required: the clinic's usual name",
            ));
        }
        if let Some(email) = &profile.contact_email {
            if !looks_like_email(email) {
                issues.push(FieldIssue::new(
                    "contact_email",
                    format!("\"{email}\" is not an e-mail address"),
                ));
            }
        }
        if !(1..=12).contains(&profile.fiscal_year_start_month) {
            issues.push(FieldIssue::new(
                "fiscal_year_start_month",
                format!(
                    "{} is not a month: use 1 (January) to 12 (December)",
                    profile.fiscal_year_start_month
                ),
            ));
        }
        if !issues.is_empty() {
            return Err(ApiError::validation("clinic profile", issues));
        }
        self.store.transaction(|db| {
            db.save_clinic(&profile, self.now())?;
            self.audit(
                db,
                "update",
                "clinic",
                "clinic",
                &format!("Clinic profile saved: {}", profile.name),
            )
        })?;
        Ok(profile)
    }

    /// All sites, by name.
    pub fn list_sites(&self) -> ApiResult<Vec<Site>> {
        Ok(self.store.db().sites()?)
    }

    /// Creates the site when `input.id` is `None`, else updates it.
    pub fn save_site(&self, input: SiteInput) -> ApiResult<Site> {
        let site = Site {
            id: input.id.unwrap_or_default(),
            name: input.name.trim().to_string(),
            address: clean(input.address),
            notes: clean(input.notes),
        };
        if site.name.is_empty() {
            return Err(ApiError::validation(
                "site",
                vec![FieldIssue::new(
                    "name",
                    "is required (e.g. \"Main building\")",
                )],
            ));
        }
        self.store.transaction(|db| {
            if let Some(other) = db
                .sites()?
                .into_iter()
                .find(|s| s.id != site.id && s.name.eq_ignore_ascii_case(&site.name))
            {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("A site named \"{}\" already exists.", other.name),
                ));
            }
            let action = if input.id.is_some() {
                if !db.update_site(&site, self.now())? {
                    return Err(ApiError::not_found("site", site.id));
                }
                "update"
            } else {
                db.insert_site(&site, self.now())?;
                "create"
            };
            self.audit(
                db,
                action,
                "site",
                &site.id.to_string(),
                &format!("Site \"{}\" {action}d", site.name),
            )
        })?;
        Ok(site)
    }

    /// Deletes a site nothing refers to (`InUse` otherwise).
    pub fn delete_site(&self, id: SiteId) -> ApiResult<()> {
        self.store.transaction(|db| {
            let site = db
                .site(id)?
                .ok_or_else(|| ApiError::not_found("site", id))?;
            let usage = db.site_usage(id)?;
            if usage.devices > 0 || usage.zones > 0 {
                return Err(ApiError::new(
                    ErrorCode::InUse,
                    format!(
                        "Site \"{}\" still has {} and {}; move or delete them first.",
                        site.name,
                        count(usage.devices, "device"),
                        count(usage.zones, "network zone"),
                    ),
                ));
            }
            db.delete_site(id)?;
            self.audit(
                db,
                "delete",
                "site",
                &id.to_string(),
                &format!("Site \"{}\" deleted", site.name),
            )
        })
    }

    /// All zones with their site's name and device count.
    pub fn list_zones(&self) -> ApiResult<Vec<ZoneRow>> {
        let db = self.store.db();
        let sites = db.sites()?;
        let counts = db.device_counts_by_zone()?;
        let mut rows: Vec<ZoneRow> = db
            .zones()?
            .into_iter()
            .map(|zone| ZoneRow {
                site_name: zone
                    .site_id
                    .and_then(|id| sites.iter().find(|s| s.id == id))
                    .map(|s| s.name.clone()),
                device_count: counts.get(&zone.id).copied().unwrap_or(0),
                zone,
            })
            .collect();
        // Grouped by site (clinic-wide zones last), then by name.
        rows.sort_by_cached_key(|row| {
            (
                row.site_name.is_none(),
                row.site_name.as_deref().unwrap_or("").to_lowercase(),
                row.zone.name.to_lowercase(),
            )
        });
        Ok(rows)
    }

    /// Creates the zone when `input.id` is `None`, else updates it.
    pub fn save_zone(&self, input: ZoneInput) -> ApiResult<Zone> {
        let zone = Zone {
            id: input.id.unwrap_or_default(),
            site_id: input.site_id,
            name: input.name.trim().to_string(),
            vlan_id: input.vlan_id,
            purpose: input.purpose,
            notes: clean(input.notes),
        };
        let issues = zone.validate();
        if !issues.is_empty() {
            return Err(ApiError::validation("network zone", issues));
        }
        self.store.transaction(|db| {
            if let Some(site_id) = zone.site_id {
                if db.site(site_id)?.is_none() {
                    return Err(ApiError::validation(
                        "network zone",
                        vec![FieldIssue::new(
                            "site_id",
                            "names a site that does not exist",
                        )],
                    ));
                }
            }
            if let Some(other) = db.zones()?.into_iter().find(|z| {
                z.id != zone.id
                    && z.site_id == zone.site_id
                    && z.name.eq_ignore_ascii_case(&zone.name)
            }) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "A network zone named \"{}\" already exists at this site.",
                        other.name
                    ),
                ));
            }
            let action = if input.id.is_some() {
                if !db.update_zone(&zone, self.now())? {
                    return Err(ApiError::not_found("network zone", zone.id));
                }
                "update"
            } else {
                db.insert_zone(&zone, self.now())?;
                "create"
            };
            let vlan = zone
                .vlan_id
                .map(|v| format!(", VLAN {v}"))
                .unwrap_or_default();
            self.audit(
                db,
                action,
                "zone",
                &zone.id.to_string(),
                &format!(
                    "Network zone \"{}\" ({}{vlan}) {action}d",
                    zone.name,
                    zone.purpose.label()
                ),
            )
        })?;
        Ok(zone)
    }

    /// Deletes a zone no device is in (`InUse` otherwise).
    pub fn delete_zone(&self, id: ZoneId) -> ApiResult<()> {
        self.store.transaction(|db| {
            let zone = db
                .zone(id)?
                .ok_or_else(|| ApiError::not_found("network zone", id))?;
            let devices = db.device_counts_by_zone()?.get(&id).copied().unwrap_or(0);
            if devices > 0 {
                return Err(ApiError::new(
                    ErrorCode::InUse,
                    format!(
                        "Network zone \"{}\" still has {}; move them to another zone first.",
                        zone.name,
                        count(devices, "device")
                    ),
                ));
            }
            db.delete_zone(id)?;
            self.audit(
                db,
                "delete",
                "zone",
                &id.to_string(),
                &format!("Network zone \"{}\" deleted", zone.name),
            )
        })
    }

    /// All vendors with the number of devices that name them.
    pub fn list_vendors(&self) -> ApiResult<Vec<VendorRow>> {
        let db = self.store.db();
        let counts = db.device_counts_by_vendor()?;
        Ok(db
            .vendors()?
            .into_iter()
            .map(|vendor| VendorRow {
                device_count: counts.get(&vendor.id).copied().unwrap_or(0),
                vendor,
            })
            .collect())
    }

    /// Creates the vendor when `input.id` is `None`, else updates it.
    pub fn save_vendor(&self, input: VendorInput) -> ApiResult<Vendor> {
        let mut fields = input.fields;
        let issues = fields.normalize_and_validate();
        if !issues.is_empty() {
            return Err(ApiError::validation("vendor", issues));
        }
        let vendor = Vendor {
            id: input.id.unwrap_or_default(),
            fields,
        };
        self.store.transaction(|db| {
            if let Some(other) = db.vendors()?.into_iter().find(|v| {
                v.id != vendor.id && v.fields.name.eq_ignore_ascii_case(&vendor.fields.name)
            }) {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("A vendor named \"{}\" already exists.", other.fields.name),
                ));
            }
            let action = if input.id.is_some() {
                if !db.update_vendor(&vendor, self.now())? {
                    return Err(ApiError::not_found("vendor", vendor.id));
                }
                "update"
            } else {
                db.insert_vendor(&vendor, self.now())?;
                "create"
            };
            self.audit(
                db,
                action,
                "vendor",
                &vendor.id.to_string(),
                &format!("Vendor \"{}\" {action}d", vendor.fields.name),
            )
        })?;
        Ok(vendor)
    }

    /// Deletes a vendor no device names (`InUse` otherwise).
    pub fn delete_vendor(&self, id: VendorId) -> ApiResult<()> {
        self.store.transaction(|db| {
            let vendor = db
                .vendor(id)?
                .ok_or_else(|| ApiError::not_found("vendor", id))?;
            let devices = db.device_counts_by_vendor()?.get(&id).copied().unwrap_or(0);
            if devices > 0 {
                return Err(ApiError::new(
                    ErrorCode::InUse,
                    format!(
                        "Vendor \"{}\" is named by {}; change their vendor first.",
                        vendor.fields.name,
                        count(devices, "device")
                    ),
                ));
            }
            db.delete_vendor(id)?;
            self.audit(
                db,
                "delete",
                "vendor",
                &id.to_string(),
                &format!("Vendor \"{}\" deleted", vendor.fields.name),
            )
        })
    }
}
