//! Inventory import (preview, then all-or-nothing apply) and export.
//!
//! Both preview and apply build the same [`Plan`]: read the file, map and convert the rows
//! (`devicerisk_intel`), resolve site and zone names, and match every row to an existing
//! device. Apply then writes the plan in one transaction, or nothing when any row has a
//! problem.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use devicerisk_core::*;
use devicerisk_intel::inventory::{
    auto_mapping, check_mapping, convert_rows, read_table, write_csv, write_xlsx, CellIssue,
    ColumnMapping, ExportRow, ImportTarget, ImportedRow, Table,
};
use devicerisk_store::Db;

use crate::devices::Names;
use crate::places::count;
use crate::{
    Api, ApiError, ApiResult, ErrorCode, ExportFormat, ExportReport, ImportPreview, ImportReport,
    ImportRequest, ImportSummary, PreviewRow, RowAction, TargetInfo,
};

/// How many problems the ImportHasErrors message spells out.
const ISSUES_IN_MESSAGE: usize = 5;

/// Where a row's site or zone comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SiteRef {
    Existing(SiteId),
    /// Index into `Plan::new_sites`.
    New(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ZoneRef {
    Existing(ZoneId),
    New(usize),
}

struct PlannedRow {
    row: u32,
    action: RowAction,
    /// The device as it will be saved (created or updated); `None` for errors.
    device: Option<Device>,
    /// The converted row; for a row to create, its fields have moved into `device`.
    imported: ImportedRow,
    site: Option<String>,
    zone: Option<String>,
}

struct Plan {
    table: Table,
    mapping: Vec<ColumnMapping>,
    rows: Vec<PlannedRow>,
    issues: Vec<CellIssue>,
    new_sites: Vec<Site>,
    new_zones: Vec<Zone>,
}

impl Plan {
    fn count(&self, action: RowAction) -> u32 {
        self.rows.iter().filter(|r| r.action == action).count() as u32
    }
}

/// Copies one `DeviceFields` key (as named by `ImportTarget::fields`) from `from` to `to`.
fn copy_field(key: &str, from: &DeviceFields, to: &mut DeviceFields) {
    match key {
        "asset_tag" => to.asset_tag = from.asset_tag.clone(),
        "name" => to.name = from.name.clone(),
        "category" => to.category = from.category,
        "manufacturer" => to.manufacturer = from.manufacturer.clone(),
        "model" => to.model = from.model.clone(),
        "serial" => to.serial = from.serial.clone(),
        "software_version" => to.software_version = from.software_version.clone(),
        "os_name" => to.os_name = from.os_name.clone(),
        "os_version" => to.os_version = from.os_version.clone(),
        "connectivity" => to.connectivity = from.connectivity.clone(),
        "ip_address" => to.ip_address = from.ip_address.clone(),
        "mac_address" => to.mac_address = from.mac_address.clone(),
        "hostname" => to.hostname = from.hostname.clone(),
        "department" => to.department = from.department.clone(),
        "clinical_function" => to.clinical_function = from.clinical_function,
        "fda_class" => to.fda_class = from.fda_class,
        "handles_phi" => to.handles_phi = from.handles_phi,
        "patch_status" => to.patch_status = from.patch_status,
        "last_patch_date" => to.last_patch_date = from.last_patch_date,
        "default_credentials_changed" => {
            to.default_credentials_changed = from.default_credentials_changed
        }
        "authentication" => to.authentication = from.authentication,
        "encryption_in_transit" => to.encryption_in_transit = from.encryption_in_transit,
        "encryption_at_rest" => to.encryption_at_rest = from.encryption_at_rest,
        "remote_vendor_access" => to.remote_vendor_access = from.remote_vendor_access,
        "monitoring_coverage" => to.monitoring_coverage = from.monitoring_coverage,
        "last_vulnerability_scan" => to.last_vulnerability_scan = from.last_vulnerability_scan,
        "purchase_date" => to.purchase_date = from.purchase_date,
        "vendor_support" => to.vendor_support = from.vendor_support,
        "vendor_end_of_support" => to.vendor_end_of_support = from.vendor_end_of_support,
        "owner" => to.owner = from.owner.clone(),
        "status" => to.status = from.status,
        "notes" => to.notes = from.notes.clone(),
        // "site" and "zone" are names, resolved to ids by the caller.
        _ => {}
    }
}

/// "Medical VLAN 30" → 30.
fn vlan_in_name(name: &str) -> Option<u16> {
    let lower = name.to_lowercase();
    let after = &lower[lower.find("vlan")? + 4..];
    let digits: String = after
        .trim_start_matches([' ', '-', '_', '#', ':'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|v| (1..=4094).contains(v))
}

/// Every row's site and zone, resolved against existing records or planned as new.
struct Places {
    sites: Vec<Site>,
    zones: Vec<Zone>,
    new_sites: Vec<Site>,
    new_zones: Vec<Zone>,
}

impl Places {
    fn site(&mut self, name: &str) -> SiteRef {
        if let Some(site) = self
            .sites
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
        {
            return SiteRef::Existing(site.id);
        }
        if let Some(index) = self
            .new_sites
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(name))
        {
            return SiteRef::New(index);
        }
        self.new_sites.push(Site {
            id: SiteId::new(),
            name: name.to_string(),
            address: None,
            notes: None,
        });
        SiteRef::New(self.new_sites.len() - 1)
    }

    fn site_id(&self, site: SiteRef) -> SiteId {
        match site {
            SiteRef::Existing(id) => id,
            SiteRef::New(index) => self.new_sites[index].id,
        }
    }

    fn zone_id(&self, zone: ZoneRef) -> ZoneId {
        match zone {
            ZoneRef::Existing(id) => id,
            ZoneRef::New(index) => self.new_zones[index].id,
        }
    }

    fn site_name(&self, id: SiteId) -> Option<&str> {
        self.sites
            .iter()
            .chain(&self.new_sites)
            .find(|s| s.id == id)
            .map(|s| s.name.as_str())
    }

    fn zone_site(&self, id: ZoneId) -> Option<SiteId> {
        self.zones
            .iter()
            .chain(&self.new_zones)
            .find(|z| z.id == id)
            .and_then(|z| z.site_id)
    }

    fn zone_name(&self, id: ZoneId) -> Option<&str> {
        self.zones
            .iter()
            .chain(&self.new_zones)
            .find(|z| z.id == id)
            .map(|z| z.name.as_str())
    }

    /// The zone called `name` at `site`. Without a site, a name that only one existing zone
    /// carries is that zone. Returns the zone and, when it says so, its site.
    fn zone(&mut self, name: &str, site: Option<SiteRef>) -> (ZoneRef, Option<SiteRef>) {
        let site_id = site.map(|s| self.site_id(s));
        let same_name: Vec<&Zone> = self
            .zones
            .iter()
            .filter(|z| z.name.eq_ignore_ascii_case(name))
            .collect();
        if let Some(zone) = same_name.iter().find(|z| z.site_id == site_id) {
            return (ZoneRef::Existing(zone.id), site);
        }
        if site.is_none() {
            if let [zone] = same_name.as_slice() {
                return (
                    ZoneRef::Existing(zone.id),
                    zone.site_id.map(SiteRef::Existing),
                );
            }
        }
        if let Some(index) = self
            .new_zones
            .iter()
            .position(|z| z.site_id == site_id && z.name.eq_ignore_ascii_case(name))
        {
            return (ZoneRef::New(index), site);
        }
        self.new_zones.push(Zone {
            id: ZoneId::new(),
            site_id,
            name: name.to_string(),
            vlan_id: vlan_in_name(name),
            purpose: ZonePurpose::parse_loose(name)
                .or_else(|| {
                    // "Medical devices VLAN 30": the purpose is in the words before the VLAN.
                    let words: Vec<&str> = name
                        .split_whitespace()
                        .take_while(|w| !w.eq_ignore_ascii_case("vlan"))
                        .collect();
                    ZonePurpose::parse_loose(&words.join(" "))
                })
                .unwrap_or_default(),
            notes: Some("Created by an inventory import.".to_string()),
        });
        (ZoneRef::New(self.new_zones.len() - 1), site)
    }
}

/// Existing devices by the keys re-imports match on.
struct Matcher<'a> {
    devices: &'a [Device],
    by_tag: HashMap<String, usize>,
    by_serial: HashMap<String, Vec<usize>>,
    by_mac: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
}

impl<'a> Matcher<'a> {
    fn new(devices: &'a [Device]) -> Self {
        let mut matcher = Matcher {
            devices,
            by_tag: HashMap::new(),
            by_serial: HashMap::new(),
            by_mac: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (index, device) in devices.iter().enumerate() {
            let f = &device.fields;
            if let Some(tag) = &f.asset_tag {
                matcher.by_tag.insert(tag.to_lowercase(), index);
            }
            if let Some(serial) = &f.serial {
                matcher
                    .by_serial
                    .entry(serial.to_lowercase())
                    .or_default()
                    .push(index);
            }
            if let Some(mac) = &f.mac_address {
                matcher.by_mac.entry(mac.clone()).or_default().push(index);
            }
            matcher
                .by_name
                .entry(f.name.to_lowercase())
                .or_default()
                .push(index);
        }
        matcher
    }

    /// The existing device a row describes, `Ok(None)` for a new one, or the problem.
    fn find(&self, f: &DeviceFields) -> Result<Option<usize>, (&'static str, String)> {
        if f.asset_tag.is_none() && f.serial.is_none() && f.mac_address.is_none() {
            return self.find_by_name(f);
        }
        let by_tag = f
            .asset_tag
            .as_ref()
            .and_then(|tag| self.by_tag.get(&tag.to_lowercase()).copied());
        let by_serial = match &f.serial {
            None => None,
            Some(serial) => {
                let same_maker =
                    |i: &&usize| match (&f.manufacturer, &self.devices[**i].fields.manufacturer) {
                        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                        _ => true,
                    };
                let found: Vec<usize> = self
                    .by_serial
                    .get(&serial.to_lowercase())
                    .map(|list| list.iter().filter(same_maker).copied().collect())
                    .unwrap_or_default();
                match found.as_slice() {
                    [] => None,
                    [one] => Some(*one),
                    _ if by_tag.is_some() => by_tag,
                    many => {
                        return Err((
                            "serial",
                            format!(
                                "serial \"{serial}\" matches {} existing devices; add an asset tag or the manufacturer to tell them apart",
                                many.len()
                            ),
                        ))
                    }
                }
            }
        };
        let by_mac = match &f.mac_address {
            None => None,
            Some(mac) => match self.by_mac.get(mac).map(Vec::as_slice).unwrap_or_default() {
                [] => None,
                [one] => Some(*one),
                many => match by_tag.or(by_serial) {
                    Some(found) => Some(found),
                    None => {
                        return Err((
                            "mac_address",
                            format!(
                                "MAC address {mac} matches {} existing devices; add an asset tag or serial to tell them apart",
                                many.len()
                            ),
                        ))
                    }
                },
            },
        };
        let keys = [
            ("asset tag", by_tag),
            ("serial", by_serial),
            ("MAC address", by_mac),
        ];
        let mut found: Vec<(&str, usize)> = keys
            .into_iter()
            .filter_map(|(key, index)| index.map(|i| (key, i)))
            .collect();
        found.dedup_by_key(|(_, index)| *index);
        match found.as_slice() {
            [] => Ok(None),
            [(_, index)] => Ok(Some(*index)),
            [(key_a, a), (key_b, b), ..] => {
                let field = if *key_a == "asset tag" {
                    "asset_tag"
                } else {
                    "serial"
                };
                Err((
                    field,
                    format!(
                        "matches two different devices: \"{}\" by {key_a} and \"{}\" by {key_b}; correct the row or those devices",
                        self.devices[*a].fields.name, self.devices[*b].fields.name
                    ),
                ))
            }
        }
    }
}

impl Matcher<'_> {
    /// A row with no asset tag, serial or MAC (many hand-kept lists have none) is matched
    /// by its name, so re-importing such a list does not duplicate every device.
    fn find_by_name(&self, f: &DeviceFields) -> Result<Option<usize>, (&'static str, String)> {
        match self
            .by_name
            .get(&f.name.to_lowercase())
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            many => Err((
                "name",
                format!(
                    "has no asset tag, serial or MAC address and its name \"{}\" matches {} existing devices; add one of those to tell them apart",
                    f.name,
                    many.len()
                ),
            )),
        }
    }
}

/// The field a row is matched on, for messages about the match.
fn key_field(f: &DeviceFields) -> &'static str {
    if f.asset_tag.is_some() {
        "asset_tag"
    } else if f.serial.is_some() {
        "serial"
    } else if f.mac_address.is_some() {
        "mac_address"
    } else {
        "name"
    }
}

/// Header of the first mapped column that sets `field`, for messages.
fn header_for(mapping: &[ColumnMapping], field: &str) -> String {
    mapping
        .iter()
        .find(|m| m.target.fields().contains(&field))
        .map(|m| m.header.clone())
        .unwrap_or_default()
}

impl Api {
    /// The targets a column can be mapped to, in the order to offer them.
    pub fn import_targets(&self) -> Vec<TargetInfo> {
        ImportTarget::ALL
            .iter()
            .map(|target| TargetInfo {
                target: *target,
                label: target.label().to_string(),
            })
            .collect()
    }

    fn plan_import(&self, db: &Db<'_>, request: &ImportRequest) -> ApiResult<Plan> {
        let table = read_table(Path::new(&request.path))?;
        let mapping = request
            .mapping
            .clone()
            .unwrap_or_else(|| auto_mapping(&table.headers));
        check_mapping(&mapping)?;
        let mapped_keys: HashSet<&str> = mapping
            .iter()
            .flat_map(|m| m.target.fields().iter().copied())
            .collect();
        // Converting also infers "default password not changed" from an authentication of
        // default credentials; an update takes that inference, never a blank from it.
        let infers_credentials = mapped_keys.contains("authentication")
            && !mapped_keys.contains("default_credentials_changed");

        let devices = db.devices()?;
        let matcher = Matcher::new(&devices);
        let mut places = Places {
            sites: db.sites()?,
            zones: db.zones()?,
            new_sites: Vec::new(),
            new_zones: Vec::new(),
        };
        let now = self.now();
        let mut matched_rows: HashMap<usize, u32> = HashMap::new();
        let mut tag_rows: HashMap<String, u32> = HashMap::new();
        let mut rows = Vec::new();
        let mut issues = Vec::new();

        for mut imported in convert_rows(&table, &mapping, self.today()) {
            let row = imported.row_number as u32;
            let mut problem = |field: &str, message: String| {
                imported.issues.push(CellIssue {
                    row,
                    column: header_for(&mapping, field),
                    field: field.to_string(),
                    message,
                });
            };
            let mut existing = None;
            if let Some(tag) = &imported.fields.asset_tag {
                if let Some(first) = tag_rows.insert(tag.to_lowercase(), row) {
                    problem(
                        "asset_tag",
                        format!(
                            "asset tag \"{tag}\" is also on row {first}; each device needs its own"
                        ),
                    );
                }
            }
            match matcher.find(&imported.fields) {
                Ok(None) => {}
                Ok(Some(index)) => match matched_rows.insert(index, row) {
                    Some(first) => problem(
                        key_field(&imported.fields),
                        format!(
                            "describes the same device as row {first} (\"{}\")",
                            devices[index].fields.name
                        ),
                    ),
                    None => existing = Some(&devices[index]),
                },
                Err((field, message)) => problem(field, message),
            }

            // Site and zone: from the file when mapped, else what the device already has.
            let mut site = match &imported.site_name {
                Some(name) => Some(places.site(name)),
                None if mapped_keys.contains("site") => None,
                None => existing
                    .and_then(|d| d.fields.site_id)
                    .map(SiteRef::Existing),
            };
            let zone = match &imported.zone_name {
                Some(name) => {
                    let (zone, zone_site) = places.zone(name, site);
                    site = site.or(zone_site);
                    Some(zone)
                }
                None if mapped_keys.contains("zone") => None,
                None => existing
                    .and_then(|d| d.fields.zone_id)
                    .map(ZoneRef::Existing),
            };
            let site_id = site.map(|s| places.site_id(s));
            // A zone kept from before does not follow the device to another site.
            let zone_id = zone
                .map(|z| places.zone_id(z))
                .filter(|z| places.zone_site(*z).is_none_or(|zs| Some(zs) == site_id));

            let (action, device) = if !imported.issues.is_empty() {
                (RowAction::Error, None)
            } else if let Some(old) = existing {
                let mut fields = old.fields.clone();
                for key in &mapped_keys {
                    copy_field(key, &imported.fields, &mut fields);
                }
                if infers_credentials
                    && imported.fields.default_credentials_changed != TriState::Unknown
                {
                    fields.default_credentials_changed =
                        imported.fields.default_credentials_changed;
                }
                fields.site_id = site_id;
                fields.zone_id = zone_id;
                if fields == old.fields {
                    (RowAction::Unchanged, None)
                } else {
                    let device = old.clone().with_fields(fields, now);
                    (RowAction::Update, Some(device))
                }
            } else {
                // Moved, not copied: a 10,000-row import would otherwise clone every row.
                let mut fields = std::mem::take(&mut imported.fields);
                fields.site_id = site_id;
                fields.zone_id = zone_id;
                let device = Device {
                    id: DeviceId::new(),
                    decommissioned_at: (fields.status == DeviceStatus::Decommissioned)
                        .then_some(now),
                    fields,
                    created_at: now,
                    updated_at: now,
                };
                (RowAction::Create, Some(device))
            };
            issues.extend(imported.issues.iter().cloned());
            rows.push(PlannedRow {
                row,
                action,
                site: site_id
                    .and_then(|id| places.site_name(id))
                    .map(String::from),
                zone: zone_id
                    .and_then(|id| places.zone_name(id))
                    .map(String::from),
                device,
                imported,
            });
        }
        // New sites and zones that only rows with problems use are listed but, as apply
        // refuses such files, never created.
        Ok(Plan {
            table,
            mapping,
            rows,
            issues,
            new_sites: places.new_sites,
            new_zones: places.new_zones,
        })
    }

    /// Reads and checks a file without writing anything: every row, its action and problems.
    pub fn preview_import(&self, request: ImportRequest) -> ApiResult<ImportPreview> {
        let plan = self.plan_import(&self.store.db(), &request)?;
        let summary = ImportSummary {
            rows: plan.rows.len() as u32,
            valid: plan
                .rows
                .iter()
                .filter(|r| r.action != RowAction::Error)
                .count() as u32,
            with_errors: plan.count(RowAction::Error),
            create: plan.count(RowAction::Create),
            update: plan.count(RowAction::Update),
            unchanged: plan.count(RowAction::Unchanged),
            new_sites: plan.new_sites.iter().map(|s| s.name.clone()).collect(),
            new_zones: plan.new_zones.iter().map(|z| z.name.clone()).collect(),
        };
        let rows = plan
            .rows
            .into_iter()
            .map(|r| {
                // A row to create keeps its fields in `device` only.
                let f = r
                    .device
                    .as_ref()
                    .filter(|_| r.action == RowAction::Create)
                    .map_or(&r.imported.fields, |d| &d.fields);
                PreviewRow {
                    row: r.row,
                    action: r.action,
                    name: f.name.clone(),
                    manufacturer: f.manufacturer.clone(),
                    model: f.model.clone(),
                    asset_tag: f.asset_tag.clone(),
                    serial: f.serial.clone(),
                    site: r.site.or_else(|| r.imported.site_name.clone()),
                    zone: r.zone.or_else(|| r.imported.zone_name.clone()),
                    issue_count: r.imported.issues.len() as u32,
                }
            })
            .collect();
        Ok(ImportPreview {
            file_name: plan.table.file_name,
            format: plan.table.format.label().to_string(),
            encoding: plan.table.encoding,
            delimiter: plan.table.delimiter.map(|d| match d {
                '\t' => "tab".to_string(),
                other => other.to_string(),
            }),
            headers: plan.table.headers,
            mapping: plan.mapping,
            rows,
            issues: plan.issues,
            summary,
        })
    }

    /// Imports a file: everything in one transaction, or nothing when any row has a problem.
    pub fn apply_import(&self, request: ImportRequest) -> ApiResult<ImportReport> {
        self.store.transaction(|db| {
            let plan = self.plan_import(db, &request)?;
            let file_name = plan.table.file_name.clone();
            if !plan.issues.is_empty() {
                let rows_with_errors = plan.count(RowAction::Error);
                let first: Vec<String> = plan
                    .issues
                    .iter()
                    .take(ISSUES_IN_MESSAGE)
                    .map(|issue| {
                        format!(
                            "row {}, column '{}': {}",
                            issue.row, issue.column, issue.message
                        )
                    })
                    .collect();
                let more = plan.issues.len().saturating_sub(ISSUES_IN_MESSAGE);
                let tail = if more > 0 {
                    format!(" (and {more} more)")
                } else {
                    String::new()
                };
                return Err(ApiError {
                    code: ErrorCode::ImportHasErrors,
                    message: format!(
                        "'{file_name}': nothing was imported because {} {} problems: {}{tail}.",
                        count(rows_with_errors, "row"),
                        if rows_with_errors == 1 { "has" } else { "have" },
                        first.join("; ")
                    ),
                    field_issues: plan
                        .issues
                        .iter()
                        .map(|issue| {
                            FieldIssue::new(
                                &issue.field,
                                format!(
                                    "row {}, column '{}': {}",
                                    issue.row, issue.column, issue.message
                                ),
                            )
                        })
                        .collect(),
                });
            }
            let now = self.now();
            // Only the sites and zones some row uses.
            let used_sites: HashSet<SiteId> = plan
                .rows
                .iter()
                .filter_map(|r| r.device.as_ref().and_then(|d| d.fields.site_id))
                .chain(plan.new_zones.iter().filter_map(|z| z.site_id))
                .collect();
            let used_zones: HashSet<ZoneId> = plan
                .rows
                .iter()
                .filter_map(|r| r.device.as_ref().and_then(|d| d.fields.zone_id))
                .collect();
            let mut report = ImportReport {
                file_name: file_name.clone(),
                ..ImportReport::default()
            };
            for zone in plan.new_zones.iter().filter(|z| used_zones.contains(&z.id)) {
                report.created_zones.push(zone.name.clone());
            }
            for site in &plan.new_sites {
                let zone_needs_it = plan
                    .new_zones
                    .iter()
                    .any(|z| z.site_id == Some(site.id) && used_zones.contains(&z.id));
                if used_sites.contains(&site.id) || zone_needs_it {
                    db.insert_site(site, now)?;
                    report.created_sites.push(site.name.clone());
                }
            }
            for zone in plan.new_zones.iter().filter(|z| used_zones.contains(&z.id)) {
                db.insert_zone(zone, now)?;
            }
            db.insert_devices(plan.rows.iter().filter_map(|row| match row.action {
                RowAction::Create => row.device.as_ref(),
                _ => None,
            }))?;
            let mut to_match = Vec::new();
            for row in &plan.rows {
                match (row.action, &row.device) {
                    (RowAction::Create, Some(device)) => {
                        to_match.push(device.clone());
                        report.created += 1
                    }
                    (RowAction::Update, Some(device)) => {
                        db.update_device(device)?;
                        to_match.push(device.clone());
                        report.updated += 1;
                    }
                    _ => report.unchanged += 1,
                }
            }
            // New and changed devices are matched against the stored catalogs at once.
            self.rematch_devices(db, &to_match)?;
            let mut summary = format!(
                "Imported '{file_name}': {} created, {} updated, {} unchanged",
                report.created, report.updated, report.unchanged
            );
            if !report.created_sites.is_empty() {
                summary.push_str(&format!("; new sites: {}", report.created_sites.join(", ")));
            }
            if !report.created_zones.is_empty() {
                summary.push_str(&format!(
                    "; new network zones: {}",
                    report.created_zones.join(", ")
                ));
            }
            self.audit(db, "import", "inventory", &file_name, &summary)?;
            Ok(report)
        })
    }

    /// Writes every device record (decommissioned included) to CSV or XLSX.
    pub fn export_inventory(&self, path: &Path, format: ExportFormat) -> ApiResult<ExportReport> {
        let db = self.store.db();
        let names = Names::load(&db)?;
        let devices = db.devices()?;
        let rows: Vec<ExportRow<'_>> = devices
            .iter()
            .map(|device| ExportRow {
                device,
                site_name: device
                    .fields
                    .site_id
                    .and_then(|id| names.sites.get(&id))
                    .map(String::as_str),
                zone_name: device
                    .fields
                    .zone_id
                    .and_then(|id| names.zones.get(&id))
                    .map(String::as_str),
            })
            .collect();
        match format {
            ExportFormat::Csv => write_csv(path, &rows)?,
            ExportFormat::Xlsx => write_xlsx(path, &rows)?,
        }
        Ok(ExportReport {
            path: path.display().to_string(),
            rows: rows.len() as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vlan_numbers_come_from_zone_names() {
        assert_eq!(vlan_in_name("Medical devices VLAN 30"), Some(30));
        assert_eq!(vlan_in_name("vlan-99 guest"), Some(99));
        assert_eq!(vlan_in_name("Flat network"), None);
        assert_eq!(vlan_in_name("VLAN 5000"), None);
    }
}
