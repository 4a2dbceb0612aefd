//! The report model: everything the packet prints, computed once by the api from the database,
//! then rendered by [`crate::pdf`] and [`crate::xlsx`]. Plain data (text already in words), so
//! both renderers print the same facts and the golden snapshot shows exactly what a reader gets.

use chrono::{DateTime, NaiveDate, Utc};
use devicerisk_core::risk::{MethodDoc, RiskLevel};
use serde::{Deserialize, Serialize};

/// One audit packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportModel {
    pub meta: ReportMeta,
    pub executive: ExecutiveSummary,
    pub scope: ScopeAndMethod,
    pub inventory: InventorySection,
    pub segmentation: SegmentationSection,
    pub questionnaire: QuestionnaireSection,
    pub register: RiskRegisterSection,
    /// Open register risks to mitigate, with owner, due date and status.
    pub remediation: Vec<RegisterEntry>,
    /// Planned lifecycle actions by fiscal year, with the budget.
    pub roadmap: Vec<RoadmapYear>,
    pub unsupported: Vec<UnsupportedDevice>,
    /// Advisory and KEV matches with the human decision on each.
    pub vulnerabilities: Vec<VulnerabilityRow>,
    pub vendors: Vec<VendorRow>,
    pub evidence: Vec<EvidenceRow>,
    pub audit: AuditSummary,
    pub method: MethodDoc,
    pub mapping: Vec<MappingRow>,
    pub sign_off: SignOffSection,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportMeta {
    /// "Medical device security risk analysis".
    pub title: String,
    pub clinic_name: String,
    pub clinic_legal_name: Option<String>,
    pub clinic_address: Option<String>,
    pub security_officer: Option<String>,
    pub contact: Option<String>,
    /// The assessment the packet is for; `None` before the first assessment.
    pub assessment: Option<AssessmentInfo>,
    /// When the packet was generated; also the PDF's creation date.
    pub generated_at: DateTime<Utc>,
    /// The day facts such as "end of support passed" were judged on.
    pub as_of: NaiveDate,
    pub method_name: String,
    pub method_version: String,
    /// "DeviceRisk 0.1.0".
    pub generator: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentInfo {
    pub id: String,
    pub title: String,
    pub started_on: NaiveDate,
    /// "Draft" or "Final".
    pub status: String,
    pub revision: u32,
    pub assessor: Option<String>,
    /// "2026-01-05 to 2026-02-01" (or "to date" while a draft).
    pub period: String,
}

/// A label and a count, for summary tables and charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRow {
    pub label: String,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LevelCounts {
    pub low: u32,
    pub medium: u32,
    pub high: u32,
    pub critical: u32,
}

impl LevelCounts {
    pub fn add(&mut self, level: RiskLevel) {
        match level {
            RiskLevel::Low => self.low += 1,
            RiskLevel::Medium => self.medium += 1,
            RiskLevel::High => self.high += 1,
            RiskLevel::Critical => self.critical += 1,
        }
    }

    pub fn get(&self, level: RiskLevel) -> u32 {
        match level {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Critical => self.critical,
        }
    }

    pub fn total(&self) -> u32 {
        self.low + self.medium + self.high + self.critical
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutiveSummary {
    /// The overall posture in plain words (two or three sentences).
    pub posture: String,
    pub devices_in_scope: u32,
    /// Devices by inherent level (before compensating controls).
    pub inherent: LevelCounts,
    /// Devices by residual level.
    pub residual: LevelCounts,
    /// The ten highest residual risks, worst first.
    pub top_risks: Vec<RiskRow>,
    /// `heat_map[likelihood - 1][impact - 1]`: devices per residual cell.
    pub heat_map: [[u32; 5]; 5],
    /// The method's level of each cell, same indexing, for the colours.
    pub matrix: Vec<Vec<RiskLevel>>,
    pub change: Option<ChangeSincePrevious>,
    /// Questionnaire findings by severity.
    pub findings: LevelCounts,
}

/// What changed since the previous assessment: its questionnaire findings, the inventory
/// (device records and the audit log) and, when they were kept at its finalization, the risk
/// levels. Only what the database records is claimed; the rest says it was not recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeSincePrevious {
    pub previous_title: String,
    pub previous_started_on: NaiveDate,
    /// The previous assessment's sign-off date; `None` while it is a draft.
    pub previous_signed_on: Option<NaiveDate>,
    /// The point compared from, in words ("\"2025 annual\" was finalized (signed off on
    /// 2026-06-01)").
    pub since: String,
    pub previous_findings: u32,
    pub findings_now: u32,
    /// Findings of the previous assessment no longer present.
    pub resolved: u32,
    /// Findings not present in the previous assessment.
    pub new: u32,
    /// Answers that differ between the two.
    pub answers_changed: u32,
    /// Devices recorded since (by when their record was created).
    pub devices_added: u32,
    /// The first of them by asset tag ("KM-007 Infusion pump 3"), at most [`CHANGE_NAMES`].
    pub devices_added_names: Vec<String>,
    /// Devices decommissioned since.
    pub devices_retired: u32,
    pub devices_retired_names: Vec<String>,
    /// Devices recorded before and still in use whose record was changed since (from the
    /// audit log).
    pub devices_changed: u32,
    /// Inventory files imported since: the audit log records each import, not each device it
    /// updated, so those updates are not in `devices_changed`.
    pub inventory_imports: u32,
    /// The risk levels then and now; `None` when the previous assessment's were not kept.
    pub levels: Option<LevelChange>,
    /// Why `levels` is `None`, in words ("" when it is not).
    pub levels_not_recorded: String,
}

/// How many device names a change list carries; the count says how many there are.
pub const CHANGE_NAMES: usize = 25;

/// The risk levels kept when the previous assessment was finalized, against today's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelChange {
    /// The risk method version the levels then were computed with.
    pub method_then: String,
    pub inherent_then: LevelCounts,
    pub residual_then: LevelCounts,
    pub inherent_now: LevelCounts,
    pub residual_now: LevelCounts,
    /// Devices assessed both times whose residual level is higher (lower) now.
    pub devices_up: u32,
    pub devices_down: u32,
    /// Register risks that are new, higher, lower, closed or no longer found; worst first.
    pub risks: Vec<RiskChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskChangeKind {
    Higher,
    New,
    Lower,
    Closed,
    /// No device has the finding any more (or a risk added by hand was deleted).
    NoLongerFound,
}

impl RiskChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            RiskChangeKind::Higher => "Higher",
            RiskChangeKind::New => "New",
            RiskChangeKind::Lower => "Lower",
            RiskChangeKind::Closed => "Closed",
            RiskChangeKind::NoLongerFound => "No longer found",
        }
    }
}

/// One register risk that changed: its residual level then and now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskChange {
    pub title: String,
    pub change: RiskChangeKind,
    pub then: Option<RiskLevel>,
    pub now: Option<RiskLevel>,
}

/// One of OCR's nine elements of a risk analysis and where the packet meets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementRow {
    pub element: String,
    pub how_met: String,
    /// The packet section(s) that show it.
    pub sections: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeAndMethod {
    pub scope: String,
    pub method: String,
    pub elements: Vec<ElementRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceRow {
    pub asset_tag: String,
    pub name: String,
    pub category: String,
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
    pub software_version: String,
    pub operating_system: String,
    pub connectivity: String,
    pub ip_address: String,
    pub site: String,
    pub zone: String,
    pub department: String,
    pub vendor: String,
    pub clinical_function: String,
    pub handles_phi: String,
    pub patch_status: String,
    pub last_patch_date: Option<NaiveDate>,
    pub vendor_support: String,
    pub vendor_end_of_support: Option<NaiveDate>,
    pub purchase_date: Option<NaiveDate>,
    pub owner: String,
    pub status: String,
    /// Facts not known (each one is a gap).
    pub unknown_facts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventorySection {
    pub total: u32,
    pub in_use: u32,
    pub by_category: Vec<CountRow>,
    pub by_site: Vec<CountRow>,
    pub by_zone: Vec<CountRow>,
    pub by_support: Vec<CountRow>,
    /// Every device, in use first, by asset tag then name.
    pub devices: Vec<DeviceRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentationFinding {
    pub asset_tag: String,
    pub device: String,
    pub site: String,
    pub zone: String,
    pub issue: String,
    pub severity: RiskLevel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentationSection {
    /// Devices in use by the purpose of their zone.
    pub by_purpose: Vec<CountRow>,
    pub findings: Vec<SegmentationFinding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeRow {
    pub practice: u8,
    pub name: String,
    pub findings: LevelCounts,
}

/// A questionnaire finding (gap), with its mappings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapRow {
    pub practice: u8,
    pub subject: String,
    pub question_id: String,
    pub question: String,
    pub answer: String,
    pub severity: RiskLevel,
    pub action: String,
    pub note: String,
    pub hicp: String,
    pub csf: String,
    pub hipaa: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionnaireSection {
    /// `None` before the first assessment.
    pub questions_shown: Option<u32>,
    pub answered: u32,
    pub unknown: u32,
    pub practices: Vec<PracticeRow>,
    /// Worst first.
    pub gaps: Vec<GapRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskRow {
    pub asset_tag: String,
    pub device: String,
    pub category: String,
    pub site: String,
    pub owner: String,
    pub likelihood: u8,
    pub impact: u8,
    pub inherent: RiskLevel,
    pub residual_likelihood: u8,
    pub residual_impact: u8,
    pub residual: RiskLevel,
    /// The biggest reasons, in the method's words.
    pub reasons: Vec<String>,
    /// The action that lowers the residual level most, and to what ("" when none does).
    pub best_action: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskRegisterSection {
    /// The register's risks (grouped by finding), highest residual level first.
    pub entries: Vec<RegisterEntry>,
    /// Every device in use, highest residual level first.
    pub risks: Vec<RiskRow>,
}

/// One risk of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterEntry {
    pub title: String,
    pub devices: u32,
    pub inherent: RiskLevel,
    pub residual: RiskLevel,
    pub treatment: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    pub status: String,
    pub overdue: bool,
    /// Compensating controls in place, with how many devices have each.
    pub controls: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapAction {
    pub device: String,
    pub action: String,
    pub target_date: NaiveDate,
    /// Estimated cost in dollars; `None` when not estimated.
    pub cost: Option<f64>,
    pub owner: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapYear {
    /// "FY2027".
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Dollars.
    pub total: f64,
    pub unestimated: u32,
    pub actions: Vec<RoadmapAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VulnerabilityRow {
    pub device: String,
    /// Advisory id (e.g. ICSMA-24-...) or CVE id of a KEV entry.
    pub source: String,
    pub title: String,
    pub confidence: String,
    pub cves: String,
    pub known_exploited: bool,
    pub max_cvss: Option<f64>,
    /// "Affected", "Not affected: ...", "Mitigated: ...", or "Not decided".
    pub decision: String,
    /// Counted in the device's risk.
    pub counted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsupportedDevice {
    pub asset_tag: String,
    pub device: String,
    pub operating_system: String,
    pub vendor_support: String,
    pub vendor_end_of_support: Option<NaiveDate>,
    pub patch_status: String,
    pub residual: RiskLevel,
    /// The compensating measures recorded for the device, in words.
    pub compensating_controls: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorRow {
    pub name: String,
    pub devices: u32,
    pub security_contact: String,
    pub disclosure_policy: String,
    pub patch_cadence: String,
    pub support_lifecycle: String,
    pub sbom_on_file: String,
    pub mds2_on_file: String,
    pub baa_signed: String,
    /// What procurement still has to obtain, in words ("" when nothing).
    pub missing: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRow {
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: f64,
    pub subject: String,
    pub question_id: String,
    /// The question the file supports.
    pub supports: String,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditSummary {
    pub total: u32,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    pub by_action: Vec<CountRow>,
    pub by_actor: Vec<CountRow>,
    /// Every entry, newest first (the PDF prints the newest, the workbook all).
    pub entries: Vec<AuditRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingRow {
    pub finding: String,
    pub subject: String,
    pub severity: RiskLevel,
    pub hipaa: String,
    pub hicp: String,
    pub csf: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOffSection {
    /// Signed at finalisation: name, role, date.
    pub signed: Option<(String, String, NaiveDate)>,
    pub statement: String,
}

/// Words for a level, as printed.
pub fn level_label(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "Low",
        RiskLevel::Medium => "Medium",
        RiskLevel::High => "High",
        RiskLevel::Critical => "Critical",
    }
}
