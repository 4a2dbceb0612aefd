//! Request and response types of the api. Numbers are `u32`/`f64` so they fit TypeScript.

use chrono::{DateTime, Utc};
use devicerisk_core::*;
use devicerisk_intel::inventory::{CellIssue, ColumnMapping, ImportTarget};
use serde::{Deserialize, Serialize};
use specta::Type;

// ---- home ----

/// What the home screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AppStatus {
    pub db_path: String,
    /// Nothing entered yet: the app offers the demo clinic.
    pub is_empty: bool,
    /// Device records that are not decommissioned.
    pub device_count: u32,
    /// The guided path, in order.
    pub steps: Vec<ChecklistStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ChecklistStep {
    /// Stable key: "clinic", "sites_zones", "vendors", "devices", "questionnaires", "risks",
    /// "lifecycle", "audit_packet".
    pub key: String,
    pub title: String,
    pub description: String,
    pub state: StepState,
    /// Plain-words progress ("12 devices, 5 with unknown facts").
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Done,
    InProgress,
    Todo,
    /// Not built yet in this version of the app.
    Coming,
}

// ---- sites, zones, vendors ----

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct SiteInput {
    /// `None` creates a new site.
    pub id: Option<SiteId>,
    pub name: String,
    pub address: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ZoneRow {
    pub zone: Zone,
    pub site_name: Option<String>,
    /// Device records in the zone, decommissioned included.
    pub device_count: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct ZoneInput {
    /// `None` creates a new zone.
    pub id: Option<ZoneId>,
    pub site_id: Option<SiteId>,
    pub name: String,
    pub vlan_id: Option<u16>,
    pub purpose: ZonePurpose,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VendorRow {
    pub vendor: Vendor,
    pub device_count: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct VendorInput {
    /// `None` creates a new vendor.
    pub id: Option<VendorId>,
    pub fields: VendorFields,
}

// ---- devices ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DeviceSort {
    #[default]
    Name,
    AssetTag,
    Category,
    Manufacturer,
    Model,
    Site,
    Zone,
    Status,
    /// Number of unknown facts.
    Gaps,
    UpdatedAt,
}

/// Which devices to list, and in what order. The default lists every device in use by name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct DeviceQuery {
    /// Words to find in name, asset tag, serial, manufacturer, model, IP, MAC or host name
    /// (case-insensitive; every word must match).
    pub search: Option<String>,
    pub category: Option<DeviceCategory>,
    pub site_id: Option<SiteId>,
    pub zone_id: Option<ZoneId>,
    pub status: Option<DeviceStatus>,
    /// Decommissioned devices are hidden unless this is set or `status` asks for them.
    pub include_decommissioned: bool,
    pub sort: DeviceSort,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceRow {
    pub device: Device,
    pub site_name: Option<String>,
    pub zone_name: Option<String>,
    /// Keys of the facts that are not known (see `DeviceFields::gaps`).
    pub gaps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CategoryCount {
    pub category: DeviceCategory,
    pub label: String,
    pub count: u32,
}

/// Counts over the whole inventory (not the filtered rows), for filter chips and totals.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct DeviceCounts {
    /// Categories with at least one device not decommissioned, most common first.
    pub by_category: Vec<CategoryCount>,
    pub active: u32,
    pub in_storage: u32,
    pub decommissioned: u32,
    /// Devices not decommissioned with at least one unknown fact.
    pub with_gaps: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceList {
    pub rows: Vec<DeviceRow>,
    /// Devices in scope before search and filters (decommissioned only when asked for).
    pub total: u32,
    /// Rows returned.
    pub shown: u32,
    pub counts: DeviceCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceDetail {
    pub row: DeviceRow,
    /// Audit entries of this device, oldest first.
    pub history: Vec<AuditEntry>,
}

/// One change applied to every selected device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum BulkChange {
    Site(Option<SiteId>),
    /// Moving into a zone that belongs to a site also moves the device to that site.
    Zone(Option<ZoneId>),
    Category(DeviceCategory),
    Status(DeviceStatus),
    Owner(Option<String>),
    Department(Option<String>),
    ClinicalFunction(ClinicalFunction),
    PatchStatus(PatchStatus),
    DefaultCredentialsChanged(TriState),
    MonitoringCoverage(TriState),
    RemoteVendorAccess(RemoteAccess),
    Vendor(Option<VendorId>),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct BulkEdit {
    pub ids: Vec<DeviceId>,
    pub changes: Vec<BulkChange>,
}

// ---- import / export ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct TargetInfo {
    pub target: ImportTarget,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct ImportRequest {
    /// The CSV/TSV/XLSX file to read.
    pub path: String,
    /// `None` maps columns automatically from their headers.
    pub mapping: Option<Vec<ColumnMapping>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PreviewRow {
    /// Spreadsheet row number (header = 1).
    pub row: u32,
    pub action: RowAction,
    pub name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub asset_tag: Option<String>,
    pub serial: Option<String>,
    pub site: Option<String>,
    pub zone: Option<String>,
    pub issue_count: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct ImportSummary {
    pub rows: u32,
    pub valid: u32,
    pub with_errors: u32,
    pub create: u32,
    pub update: u32,
    pub unchanged: u32,
    pub new_sites: Vec<String>,
    pub new_zones: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ImportPreview {
    pub file_name: String,
    /// "CSV" or "XLSX".
    pub format: String,
    pub encoding: String,
    pub delimiter: Option<String>,
    pub headers: Vec<String>,
    pub mapping: Vec<ColumnMapping>,
    /// Every row of the file.
    pub rows: Vec<PreviewRow>,
    /// Every problem, by row and column.
    pub issues: Vec<CellIssue>,
    pub summary: ImportSummary,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct ImportReport {
    pub file_name: String,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub created_sites: Vec<String>,
    pub created_zones: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// The format a file name asks for: `.xlsx` is XLSX, anything else CSV.
    pub fn from_path(path: &std::path::Path) -> ExportFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("xlsx") => ExportFormat::Xlsx,
            _ => ExportFormat::Csv,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ExportReport {
    pub path: String,
    pub rows: u32,
}

// ---- demo, audit ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DemoOptions {
    pub devices: u32,
    /// Same seed, same clinic.
    pub seed: u32,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            devices: 30,
            seed: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DemoReport {
    pub clinic: String,
    pub sites: u32,
    pub zones: u32,
    pub vendors: u32,
    pub devices: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub summary: String,
}

impl From<devicerisk_store::AuditEntry> for AuditEntry {
    fn from(entry: devicerisk_store::AuditEntry) -> Self {
        AuditEntry {
            at: entry.at,
            actor: entry.actor,
            action: entry.action,
            entity: entry.entity,
            entity_id: entry.entity_id,
            summary: entry.summary,
        }
    }
}
