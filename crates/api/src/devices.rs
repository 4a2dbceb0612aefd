//! The device inventory: list, search, create, edit, duplicate, bulk edit, decommission.

use std::collections::HashMap;

use devicerisk_core::*;
use devicerisk_store::Db;

use crate::places::{clean, count};
use crate::{
    Api, ApiError, ApiResult, BulkChange, BulkEdit, CategoryCount, DeviceCounts, DeviceDetail,
    DeviceList, DeviceQuery, DeviceRow, DeviceSort, ErrorCode,
};

/// Names of sites and zones by id, to label device rows without a query per row.
pub(crate) struct Names {
    pub sites: HashMap<SiteId, String>,
    pub zones: HashMap<ZoneId, String>,
}

impl Names {
    pub(crate) fn load(db: &Db<'_>) -> ApiResult<Names> {
        Ok(Names {
            sites: db.sites()?.into_iter().map(|s| (s.id, s.name)).collect(),
            zones: db.zones()?.into_iter().map(|z| (z.id, z.name)).collect(),
        })
    }

    pub(crate) fn row(&self, device: Device) -> DeviceRow {
        DeviceRow {
            site_name: device
                .fields
                .site_id
                .and_then(|id| self.sites.get(&id).cloned()),
            zone_name: device
                .fields
                .zone_id
                .and_then(|id| self.zones.get(&id).cloned()),
            gaps: device.fields.gaps().into_iter().map(String::from).collect(),
            device,
        }
    }
}

/// Lower-cased text a search looks in; MACs also without separators so "001a2b" finds them.
fn haystack(f: &DeviceFields) -> String {
    let mut text = String::new();
    for part in [
        Some(&f.name),
        f.asset_tag.as_ref(),
        f.serial.as_ref(),
        f.manufacturer.as_ref(),
        f.model.as_ref(),
        f.ip_address.as_ref(),
        f.mac_address.as_ref(),
        f.hostname.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        text.push_str(&part.to_lowercase());
        text.push('\n');
    }
    if let Some(mac) = &f.mac_address {
        text.push_str(&mac.replace(':', "").to_lowercase());
    }
    text
}

fn matches_search(f: &DeviceFields, words: &[String]) -> bool {
    if words.is_empty() {
        return true;
    }
    let text = haystack(f);
    words.iter().all(|word| text.contains(word.as_str()))
}

/// Sorts rows that arrive in name order (the store's order), keeping that order among ties.
fn sort_rows(rows: &mut [DeviceRow], sort: DeviceSort) {
    // Known values first, then case-insensitive text.
    fn text_key(value: Option<&str>) -> (bool, String) {
        (value.is_none(), value.unwrap_or("").to_lowercase())
    }
    match sort {
        DeviceSort::Name => {}
        DeviceSort::AssetTag => {
            rows.sort_by_cached_key(|r| text_key(r.device.fields.asset_tag.as_deref()))
        }
        DeviceSort::Manufacturer => {
            rows.sort_by_cached_key(|r| text_key(r.device.fields.manufacturer.as_deref()))
        }
        DeviceSort::Model => {
            rows.sort_by_cached_key(|r| text_key(r.device.fields.model.as_deref()))
        }
        DeviceSort::Site => rows.sort_by_cached_key(|r| text_key(r.site_name.as_deref())),
        DeviceSort::Zone => rows.sort_by_cached_key(|r| text_key(r.zone_name.as_deref())),
        DeviceSort::Category => rows.sort_by_key(|r| r.device.fields.category.label()),
        DeviceSort::Status => rows.sort_by_key(|r| r.device.fields.status),
        DeviceSort::Gaps => rows.sort_by_key(|r| r.gaps.len()),
        DeviceSort::UpdatedAt => rows.sort_by_key(|r| r.device.updated_at),
    }
}

fn counts(devices: &[Device]) -> DeviceCounts {
    let mut counts = DeviceCounts::default();
    let mut by_category: HashMap<DeviceCategory, u32> = HashMap::new();
    for device in devices {
        let f = &device.fields;
        match f.status {
            DeviceStatus::Active => counts.active += 1,
            DeviceStatus::InStorage => counts.in_storage += 1,
            DeviceStatus::Decommissioned => {
                counts.decommissioned += 1;
                continue;
            }
        }
        *by_category.entry(f.category).or_default() += 1;
        if !f.gaps().is_empty() {
            counts.with_gaps += 1;
        }
    }
    let mut by_category: Vec<CategoryCount> = by_category
        .into_iter()
        .map(|(category, count)| CategoryCount {
            category,
            label: category.label().to_string(),
            count,
        })
        .collect();
    by_category.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    counts.by_category = by_category;
    counts
}

/// Field keys whose values differ, in `DeviceFields` order.
pub(crate) fn changed_fields(old: &DeviceFields, new: &DeviceFields) -> Vec<String> {
    let (Ok(serde_json::Value::Object(old)), Ok(serde_json::Value::Object(new))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    new.iter()
        .filter(|(key, value)| old.get(*key) != Some(value))
        .map(|(key, _)| key.clone())
        .collect()
}

impl Api {
    /// Validates fields for saving as device `id` (None when new): domain rules, references,
    /// and asset-tag uniqueness.
    fn check_device(
        &self,
        db: &Db<'_>,
        id: Option<DeviceId>,
        fields: &mut DeviceFields,
    ) -> ApiResult<()> {
        let mut issues = fields.normalize_and_validate(self.today());
        let mut zone_site = None;
        if let Some(site_id) = fields.site_id {
            if db.site(site_id)?.is_none() {
                issues.push(FieldIssue::new(
                    "site_id",
                    "names a site that does not exist",
                ));
            }
        }
        if let Some(zone_id) = fields.zone_id {
            match db.zone(zone_id)? {
                None => issues.push(FieldIssue::new(
                    "zone_id",
                    "names a network zone that does not exist",
                )),
                Some(zone) => zone_site = zone.site_id.map(|site| (zone, site)),
            }
        }
        if let (Some((zone, zone_site)), Some(site)) = (zone_site, fields.site_id) {
            if zone_site != site {
                issues.push(FieldIssue::new(
                    "zone_id",
                    format!(
                        "\"{}\" is a network zone of another site; pick a zone of the device's site",
                        zone.name
                    ),
                ));
            }
        }
        if let Some(vendor_id) = fields.vendor_id {
            if db.vendor(vendor_id)?.is_none() {
                issues.push(FieldIssue::new(
                    "vendor_id",
                    "names a vendor that does not exist",
                ));
            }
        }
        if let Some(tag) = &fields.asset_tag {
            if let Some(owner) = db.asset_tag_owner(tag)?.filter(|owner| Some(*owner) != id) {
                let name = db.device(owner)?.map(|d| d.fields.name).unwrap_or_default();
                issues.push(FieldIssue::new(
                    "asset_tag",
                    format!("\"{tag}\" is already the asset tag of \"{name}\""),
                ));
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation("device", issues))
        }
    }

    /// Devices matching `query`, sorted, with counts over the whole inventory.
    pub fn list_devices(&self, query: DeviceQuery) -> ApiResult<DeviceList> {
        let db = self.store.db();
        let names = Names::load(&db)?;
        let devices = db.devices()?;
        let counts = counts(&devices);
        let with_decommissioned =
            query.include_decommissioned || query.status == Some(DeviceStatus::Decommissioned);
        let words: Vec<String> = query
            .search
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut total = 0;
        let mut rows: Vec<DeviceRow> = devices
            .into_iter()
            .filter(|d| with_decommissioned || d.fields.status != DeviceStatus::Decommissioned)
            .inspect(|_| total += 1)
            .filter(|d| {
                let f = &d.fields;
                query.category.is_none_or(|c| f.category == c)
                    && query.site_id.is_none_or(|s| f.site_id == Some(s))
                    && query.zone_id.is_none_or(|z| f.zone_id == Some(z))
                    && query.status.is_none_or(|s| f.status == s)
                    && matches_search(f, &words)
            })
            .map(|d| names.row(d))
            .collect();
        sort_rows(&mut rows, query.sort);
        if query.descending {
            rows.reverse();
        }
        Ok(DeviceList {
            total,
            shown: rows.len() as u32,
            rows,
            counts,
        })
    }

    /// One device with its names, gaps and history.
    pub fn get_device(&self, id: DeviceId) -> ApiResult<DeviceDetail> {
        let db = self.store.db();
        let device = db
            .device(id)?
            .ok_or_else(|| ApiError::not_found("device", id))?;
        let names = Names::load(&db)?;
        let history = db
            .audit_for("device", &id.to_string())?
            .into_iter()
            .map(Into::into)
            .collect();
        Ok(DeviceDetail {
            row: names.row(device),
            history,
        })
    }

    pub fn create_device(&self, fields: DeviceFields) -> ApiResult<Device> {
        let mut fields = fields;
        self.store.transaction(|db| {
            self.check_device(db, None, &mut fields)?;
            let now = self.now();
            let device = Device {
                id: DeviceId::new(),
                decommissioned_at: (fields.status == DeviceStatus::Decommissioned).then_some(now),
                fields,
                created_at: now,
                updated_at: now,
            };
            db.insert_device(&device)?;
            self.rematch_devices(db, std::slice::from_ref(&device))?;
            self.audit(
                db,
                "create",
                "device",
                &device.id.to_string(),
                &format!("Device \"{}\" added", device.fields.name),
            )?;
            Ok(device)
        })
    }

    /// Replaces every field of a device. Saving unchanged fields writes nothing.
    pub fn update_device(&self, id: DeviceId, fields: DeviceFields) -> ApiResult<Device> {
        let mut fields = fields;
        self.store.transaction(|db| {
            let old = db
                .device(id)?
                .ok_or_else(|| ApiError::not_found("device", id))?;
            self.check_device(db, Some(id), &mut fields)?;
            let changed = changed_fields(&old.fields, &fields);
            if changed.is_empty() {
                return Ok(old);
            }
            let refresh = crate::intel::match_facts_changed(&old.fields, &fields);
            let device = old.with_fields(fields, self.now());
            db.update_device(&device)?;
            if refresh {
                self.rematch_devices(db, std::slice::from_ref(&device))?;
            }
            let labels: Vec<String> = changed.iter().map(|k| crate::field_label(k)).collect();
            self.audit(
                db,
                "update",
                "device",
                &id.to_string(),
                &format!(
                    "Device \"{}\" changed: {}",
                    device.fields.name,
                    labels.join(", ")
                ),
            )?;
            Ok(device)
        })
    }

    /// A new device like `id`, named "... (copy)", without the facts that identify one unit
    /// (asset tag, serial, IP, MAC, host name).
    pub fn duplicate_device(&self, id: DeviceId) -> ApiResult<Device> {
        let original = self
            .store
            .db()
            .device(id)?
            .ok_or_else(|| ApiError::not_found("device", id))?;
        let mut fields = original.fields;
        let source_name = fields.name.clone();
        fields.name = format!("{source_name} (copy)");
        fields.asset_tag = None;
        fields.serial = None;
        fields.ip_address = None;
        fields.mac_address = None;
        fields.hostname = None;
        if fields.status == DeviceStatus::Decommissioned {
            fields.status = DeviceStatus::Active;
        }
        self.store.transaction(|db| {
            self.check_device(db, None, &mut fields)?;
            let now = self.now();
            let device = Device {
                id: DeviceId::new(),
                fields,
                created_at: now,
                updated_at: now,
                decommissioned_at: None,
            };
            db.insert_device(&device)?;
            self.rematch_devices(db, std::slice::from_ref(&device))?;
            self.audit(
                db,
                "create",
                "device",
                &device.id.to_string(),
                &format!(
                    "Device \"{}\" added as a copy of \"{source_name}\"",
                    device.fields.name
                ),
            )?;
            Ok(device)
        })
    }

    /// Applies the same changes to every selected device, in one transaction.
    /// Returns the number of devices that changed.
    pub fn bulk_edit(&self, edit: BulkEdit) -> ApiResult<u32> {
        if edit.changes.is_empty() {
            return Ok(0);
        }
        self.store.transaction(|db| {
            let description = self.check_bulk_changes(db, &edit.changes)?;
            let now = self.now();
            let mut changed_count = 0;
            let mut to_match = Vec::new();
            for id in &edit.ids {
                let old = db
                    .device(*id)?
                    .ok_or_else(|| ApiError::not_found("device", id))?;
                let mut fields = old.fields.clone();
                for change in &edit.changes {
                    apply_bulk_change(db, &mut fields, change)?;
                }
                if changed_fields(&old.fields, &fields).is_empty() {
                    continue;
                }
                let refresh = crate::intel::match_facts_changed(&old.fields, &fields);
                let device = old.with_fields(fields, now);
                db.update_device(&device)?;
                if refresh {
                    to_match.push(device.clone());
                }
                self.audit(
                    db,
                    "update",
                    "device",
                    &id.to_string(),
                    &format!(
                        "Device \"{}\" changed in a bulk edit of {}: {description}",
                        device.fields.name,
                        count(edit.ids.len() as u32, "device")
                    ),
                )?;
                changed_count += 1;
            }
            self.rematch_devices(db, &to_match)?;
            Ok(changed_count)
        })
    }

    /// Checks that referenced records exist; returns the changes in words for the audit log.
    fn check_bulk_changes(&self, db: &Db<'_>, changes: &[BulkChange]) -> ApiResult<String> {
        let mut words = Vec::new();
        for change in changes {
            let text = match change {
                BulkChange::Site(None) => "site cleared".to_string(),
                BulkChange::Site(Some(id)) => {
                    let site = db
                        .site(*id)?
                        .ok_or_else(|| ApiError::not_found("site", id))?;
                    format!("site \"{}\"", site.name)
                }
                BulkChange::Zone(None) => "network zone cleared".to_string(),
                BulkChange::Zone(Some(id)) => {
                    let zone = db
                        .zone(*id)?
                        .ok_or_else(|| ApiError::not_found("network zone", id))?;
                    format!("network zone \"{}\"", zone.name)
                }
                BulkChange::Vendor(None) => "vendor cleared".to_string(),
                BulkChange::Vendor(Some(id)) => {
                    let vendor = db
                        .vendor(*id)?
                        .ok_or_else(|| ApiError::not_found("vendor", id))?;
                    format!("vendor \"{}\"", vendor.fields.name)
                }
                BulkChange::Category(c) => format!("category {}", c.label()),
                BulkChange::Status(s) => format!("status {}", s.label()),
                BulkChange::Owner(o) => format!("owner {}", o.as_deref().unwrap_or("cleared")),
                BulkChange::Department(d) => {
                    format!("department {}", d.as_deref().unwrap_or("cleared"))
                }
                BulkChange::ClinicalFunction(c) => format!("clinical function {}", c.label()),
                BulkChange::PatchStatus(p) => format!("patch status {}", p.label()),
                BulkChange::DefaultCredentialsChanged(t) => {
                    format!("default password changed {}", t.label())
                }
                BulkChange::MonitoringCoverage(t) => format!("monitoring coverage {}", t.label()),
                BulkChange::RemoteVendorAccess(r) => format!("remote vendor access {}", r.label()),
            };
            words.push(text);
        }
        Ok(words.join(", "))
    }

    /// Marks a device decommissioned; the record and its history stay.
    pub fn decommission_device(&self, id: DeviceId, reason: Option<String>) -> ApiResult<Device> {
        self.store
            .transaction(|db| self.decommission_in(db, id, clean(reason.clone())))
    }

    /// The decommissioning itself, inside the caller's transaction.
    pub(crate) fn decommission_in(
        &self,
        db: &Db<'_>,
        id: DeviceId,
        reason: Option<String>,
    ) -> ApiResult<Device> {
        let old = db
            .device(id)?
            .ok_or_else(|| ApiError::not_found("device", id))?;
        if old.fields.status == DeviceStatus::Decommissioned {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!("\"{}\" is already decommissioned.", old.fields.name),
            ));
        }
        let now = self.now();
        let mut fields = old.fields.clone();
        fields.status = DeviceStatus::Decommissioned;
        let line = match &reason {
            Some(reason) => format!("Decommissioned on {}: {reason}", self.today()),
            None => format!("Decommissioned on {}.", self.today()),
        };
        fields.notes = Some(match fields.notes.take() {
            Some(notes) => format!("{notes}\n{line}"),
            None => line,
        });
        let device = Device {
            fields,
            updated_at: now,
            decommissioned_at: Some(now),
            ..old
        };
        db.update_device(&device)?;
        self.rematch_devices(db, std::slice::from_ref(&device))?;
        let summary = match &reason {
            Some(reason) => {
                format!("Device \"{}\" decommissioned: {reason}", device.fields.name)
            }
            None => format!("Device \"{}\" decommissioned", device.fields.name),
        };
        self.audit(db, "decommission", "device", &id.to_string(), &summary)?;
        Ok(device)
    }
}

fn apply_bulk_change(db: &Db<'_>, f: &mut DeviceFields, change: &BulkChange) -> ApiResult<()> {
    match change {
        BulkChange::Site(site) => {
            f.site_id = *site;
            // A zone of another site no longer fits the device.
            if let Some(zone) = f.zone_id.map(|z| db.zone(z)).transpose()?.flatten() {
                if zone.site_id.is_some() && zone.site_id != *site {
                    f.zone_id = None;
                }
            }
        }
        BulkChange::Zone(zone_id) => {
            f.zone_id = *zone_id;
            if let Some(site) = zone_id
                .map(|z| db.zone(z))
                .transpose()?
                .flatten()
                .and_then(|z| z.site_id)
            {
                f.site_id = Some(site);
            }
        }
        BulkChange::Category(c) => f.category = *c,
        BulkChange::Status(s) => f.status = *s,
        BulkChange::Owner(o) => f.owner = clean(o.clone()),
        BulkChange::Department(d) => f.department = clean(d.clone()),
        BulkChange::ClinicalFunction(c) => f.clinical_function = *c,
        BulkChange::PatchStatus(p) => f.patch_status = *p,
        BulkChange::DefaultCredentialsChanged(t) => f.default_credentials_changed = *t,
        BulkChange::MonitoringCoverage(t) => f.monitoring_coverage = *t,
        BulkChange::RemoteVendorAccess(r) => f.remote_vendor_access = *r,
        BulkChange::Vendor(v) => f.vendor_id = *v,
    }
    Ok(())
}
