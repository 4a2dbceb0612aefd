//! Vulnerability intelligence use cases: import the KEV catalog and CSAF advisories, match
//! them against the inventory, review and decide the matches, and the open vulnerabilities
//! of a device that feed its risk.
//!
//! Each import re-runs the matching in the same transaction, so the stored matches always
//! reflect the stored catalogs and inventory as of the last import or [`Api::run_matching`].
//! Decisions are keyed by device and advisory id / CVE and are never touched by either.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use devicerisk_core::risk::KnownVulnerabilities;
use devicerisk_core::{Device, DeviceFields, DeviceId};
use devicerisk_intel::csaf::{read_csaf, read_csaf_folder, Advisory, FileFailure, SupersededFile};
use devicerisk_intel::kev::{diff_kev, read_kev, KevChange, KevEntry};
use devicerisk_intel::matching::{
    match_devices, Confidence, DeviceFacts, Match as DeviceMatch, MatchSource,
};
use devicerisk_store::{
    AdvisoryProductRow, AdvisoryRow, Db, DecisionRow, KevCatalogRow, KevEntryRow, MatchRow,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Api, ApiError, ApiResult, ErrorCode};

/// Where a match comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A CSAF advisory, by tracking id.
    Advisory,
    /// A KEV catalog entry, by CVE id.
    Kev,
}

impl SourceKind {
    fn key(self) -> &'static str {
        match self {
            SourceKind::Advisory => "advisory",
            SourceKind::Kev => "kev",
        }
    }

    fn from_key(key: &str) -> SourceKind {
        if key == "kev" {
            SourceKind::Kev
        } else {
            SourceKind::Advisory
        }
    }
}

/// The user's word on a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    Affected,
    NotAffected,
    Mitigated,
}

impl DecisionStatus {
    fn key(self) -> &'static str {
        match self {
            DecisionStatus::Affected => "affected",
            DecisionStatus::NotAffected => "not_affected",
            DecisionStatus::Mitigated => "mitigated",
        }
    }

    fn from_key(key: &str) -> DecisionStatus {
        match key {
            "not_affected" => DecisionStatus::NotAffected,
            "mitigated" => DecisionStatus::Mitigated,
            _ => DecisionStatus::Affected,
        }
    }
}

/// Why a device is not affected: the five justifications of CISA's VEX minimum elements
/// (also CSAF's `flags` labels and CycloneDX's `analysis.justification`, modulo spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum VexJustification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

impl VexJustification {
    const ALL: [VexJustification; 5] = [
        VexJustification::ComponentNotPresent,
        VexJustification::VulnerableCodeNotPresent,
        VexJustification::VulnerableCodeNotInExecutePath,
        VexJustification::VulnerableCodeCannotBeControlledByAdversary,
        VexJustification::InlineMitigationsAlreadyExist,
    ];

    pub fn key(self) -> &'static str {
        match self {
            VexJustification::ComponentNotPresent => "component_not_present",
            VexJustification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            VexJustification::VulnerableCodeNotInExecutePath => {
                "vulnerable_code_not_in_execute_path"
            }
            VexJustification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            VexJustification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }

    pub fn from_key(key: &str) -> Option<VexJustification> {
        Self::ALL.into_iter().find(|j| j.key() == key)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IntelDecision {
    pub status: DecisionStatus,
    pub justification: Option<VexJustification>,
    /// The compensating control, for `Mitigated`.
    pub control: Option<String>,
    pub note: Option<String>,
    pub decided_at: DateTime<Utc>,
    pub decided_by: String,
}

/// What a person decides on one match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DecideMatch {
    pub device_id: DeviceId,
    pub source_kind: SourceKind,
    pub source_id: String,
    /// `None` withdraws an earlier decision.
    pub status: Option<DecisionStatus>,
    pub justification: Option<VexJustification>,
    pub control: Option<String>,
    pub note: Option<String>,
}

/// One device possibly concerned by one advisory or KEV entry, with the user's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IntelMatch {
    pub device_id: DeviceId,
    pub device_name: String,
    pub source_kind: SourceKind,
    /// Advisory tracking id or CVE id.
    pub source_id: String,
    /// The advisory's title, or the KEV entry's vulnerability name.
    pub title: String,
    pub confidence: Confidence,
    /// Full sentences: manufacturer, product, version, exploitation.
    pub reasons: Vec<String>,
    pub products: Vec<String>,
    pub cves: Vec<String>,
    pub known_exploited: Vec<String>,
    pub max_cvss: Option<f64>,
    pub decision: Option<IntelDecision>,
    /// Counted in the device's risk: decided affected, or high confidence and undecided.
    pub counts_in_risk: bool,
}

/// How many matches a run of the engine found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct MatchSummary {
    pub devices_checked: u32,
    pub advisories: u32,
    pub kev_entries: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct KevImportReport {
    pub file_name: String,
    pub catalog_version: Option<String>,
    pub entries: u32,
    /// False for the first catalog: then everything is new and `added` is empty.
    pub compared: bool,
    pub previous_version: Option<String>,
    /// CVE ids new in this catalog.
    pub added: Vec<String>,
    pub changed: Vec<KevChange>,
    pub removed: Vec<String>,
    pub matching: MatchSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ImportedAdvisory {
    pub tracking_id: String,
    pub revision: Option<String>,
    pub title: String,
    pub file_name: String,
    /// The revision it replaced, when the advisory was already stored.
    pub replaced_revision: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CsafImportReport {
    pub imported: Vec<ImportedAdvisory>,
    /// Files that could not be read, each with the place and reason.
    pub failed: Vec<FileFailure>,
    /// Files skipped because another file holds a newer revision of the same advisory.
    pub superseded: Vec<SupersededFile>,
    /// Stored revisions newer than the imported file (the stored one was kept).
    pub older_than_stored: Vec<SupersededFile>,
    /// Non-JSON files in the folder that were not read.
    pub ignored: u32,
    pub matching: MatchSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AdvisorySummary {
    pub tracking_id: String,
    pub revision: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub current_release_date: Option<DateTime<Utc>>,
    pub file_name: String,
    pub cves: Vec<String>,
    pub max_cvss: Option<f64>,
    /// "Vendor Product: version" of each affected product.
    pub products: Vec<String>,
    pub matched_devices: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct KevSummary {
    pub file_name: String,
    pub catalog_version: Option<String>,
    pub date_released: Option<DateTime<Utc>>,
    pub entries: u32,
    pub imported_at: DateTime<Utc>,
    /// KEV entries that matched at least one device.
    pub matched_entries: u32,
    pub matched_devices: u32,
}

/// The catalogs in the database and what each matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IntelCatalogs {
    pub kev: Option<KevSummary>,
    pub advisories: Vec<AdvisorySummary>,
}

/// A device's intelligence: its matches (advisories and KEV entries) and their decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceIntel {
    pub advisories: Vec<IntelMatch>,
    pub kev_entries: Vec<IntelMatch>,
    pub open: OpenVulnerabilities,
}

/// What counts in a device's risk, with the names for its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct OpenVulnerabilities {
    pub counts: KnownVulnerabilities,
    /// "CVE-2023-30563 (ICSMA-23-194-01)", KEV entries by CVE.
    pub known_exploited: Vec<String>,
    /// "ICSMA-23-194-01 BD Alaris … (CVSS 8.2)".
    pub advisories: Vec<String>,
}

fn confidence_key(c: Confidence) -> &'static str {
    c.label()
}

fn confidence_from_key(key: &str) -> Confidence {
    match key {
        "high" => Confidence::High,
        "medium" => Confidence::Medium,
        _ => Confidence::Low,
    }
}

fn decision_from_row(row: &DecisionRow) -> IntelDecision {
    IntelDecision {
        status: DecisionStatus::from_key(&row.status),
        justification: row
            .justification
            .as_deref()
            .and_then(VexJustification::from_key),
        control: row.control.clone(),
        note: row.note.clone(),
        decided_at: row.decided_at,
        decided_by: row.decided_by.clone(),
    }
}

/// A match counts in the risk when a person said "affected", or when the engine is sure and
/// nobody has ruled it out yet: an unreviewed high-confidence match is not ignored.
fn counts_in_risk(confidence: Confidence, decision: Option<&IntelDecision>) -> bool {
    match decision.map(|d| d.status) {
        Some(DecisionStatus::Affected) => true,
        Some(DecisionStatus::NotAffected | DecisionStatus::Mitigated) => false,
        None => confidence == Confidence::High,
    }
}

fn bad_json(what: &str, id: &str, err: serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Database,
        format!("The stored {what} {id} cannot be read ({err}); import it again."),
    )
}

fn stored_advisories(db: &Db<'_>) -> ApiResult<Vec<Advisory>> {
    db.advisories()?
        .iter()
        .map(|row| {
            serde_json::from_str(&row.document_json)
                .map_err(|e| bad_json("advisory", &row.tracking_id, e))
        })
        .collect()
}

fn stored_kev(db: &Db<'_>) -> ApiResult<Vec<KevEntry>> {
    db.kev_entries()?
        .iter()
        .map(|row| {
            serde_json::from_str(&row.entry_json).map_err(|e| bad_json("KEV entry", &row.cve_id, e))
        })
        .collect()
}

fn advisory_row(
    advisory: &Advisory,
    at: DateTime<Utc>,
) -> ApiResult<(AdvisoryRow, Vec<AdvisoryProductRow>)> {
    let max_cvss = advisory
        .vulnerabilities
        .iter()
        .flat_map(|v| v.scores.iter().map(|s| s.base_score))
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    let document_json = serde_json::to_string(advisory)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let row = AdvisoryRow {
        tracking_id: advisory.tracking_id.clone(),
        revision: advisory.revision.clone(),
        title: advisory.title.clone(),
        publisher: advisory.publisher.clone(),
        current_release_date: advisory.current_release_date,
        file_name: advisory.file_name.clone(),
        cves: advisory.cves().into_iter().map(str::to_string).collect(),
        max_cvss,
        document_json,
        imported_at: at,
    };
    let products = advisory
        .affected_products()
        .map(|p| AdvisoryProductRow {
            product_id: p.product_id.clone(),
            name: p.name.clone(),
            vendor: p.vendor.clone(),
            version_text: p.version.text.clone(),
        })
        .collect();
    Ok((row, products))
}

/// Compares revisions "1.2.0" / "2" numerically part by part; text falls back to order.
fn newer_revision(a: Option<&str>, b: Option<&str>) -> bool {
    let parts = |s: Option<&str>| -> Vec<u64> {
        s.unwrap_or("0")
            .split('.')
            .map(|p| p.trim().parse().unwrap_or(0))
            .collect()
    };
    parts(a) > parts(b)
}

impl Api {
    /// Imports a KEV catalog (JSON or CSV form), replacing the previous one, and says what
    /// was added, changed and removed since it. The whole file is refused on any bad entry.
    pub fn import_kev(&self, path: &Path) -> ApiResult<KevImportReport> {
        let catalog = read_kev(path)?;
        let at = self.now();
        self.store.transaction(|db| {
            let previous = db.kev_catalog()?;
            let old = stored_kev(db)?;
            let diff = diff_kev(&old, &catalog.entries);
            let rows = catalog
                .entries
                .iter()
                .map(|e| {
                    Ok(KevEntryRow {
                        cve_id: e.cve_id.clone(),
                        vendor_project: e.vendor_project.clone(),
                        product: e.product.clone(),
                        vulnerability_name: e.vulnerability_name.clone(),
                        date_added: e.date_added,
                        due_date: e.due_date,
                        entry_json: serde_json::to_string(e)
                            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            db.replace_kev(
                &KevCatalogRow {
                    file_name: catalog.file_name.clone(),
                    catalog_version: catalog.catalog_version.clone(),
                    date_released: catalog.date_released,
                    entry_count: rows.len() as u32,
                    imported_at: at,
                },
                &rows,
            )?;
            let compared = previous.is_some();
            let report = KevImportReport {
                file_name: catalog.file_name.clone(),
                catalog_version: catalog.catalog_version.clone(),
                entries: rows.len() as u32,
                compared,
                previous_version: previous.and_then(|p| p.catalog_version),
                added: if compared {
                    diff.added.iter().map(|e| e.cve_id.clone()).collect()
                } else {
                    Vec::new()
                },
                changed: diff.changed,
                removed: diff.removed.iter().map(|e| e.cve_id.clone()).collect(),
                matching: self.rematch(db, at)?,
            };
            self.audit(
                db,
                "import_kev",
                "kev_catalog",
                report
                    .catalog_version
                    .as_deref()
                    .unwrap_or(&report.file_name),
                &format!(
                    "Imported KEV catalog {} ({} entries, {} added, {} changed, {} removed)",
                    report.file_name,
                    report.entries,
                    report.added.len(),
                    report.changed.len(),
                    report.removed.len()
                ),
            )?;
            Ok(report)
        })
    }

    /// Imports one CSAF advisory file, or every `.json` file below a folder. Good files are
    /// kept and bad ones listed with their reason; an advisory already stored at a newer
    /// revision is not replaced by an older file.
    pub fn import_csaf(&self, path: &Path) -> ApiResult<CsafImportReport> {
        let folder = if path.is_dir() {
            read_csaf_folder(path)?
        } else {
            devicerisk_intel::csaf::CsafFolder {
                advisories: vec![read_csaf(path)?],
                failures: Vec::new(),
                superseded: Vec::new(),
                ignored: 0,
            }
        };
        let at = self.now();
        self.store.transaction(|db| {
            let mut imported = Vec::new();
            let mut older_than_stored = Vec::new();
            for advisory in &folder.advisories {
                let stored = db.advisory(&advisory.tracking_id)?;
                if let Some(stored) = &stored {
                    if newer_revision(stored.revision.as_deref(), advisory.revision.as_deref()) {
                        older_than_stored.push(SupersededFile {
                            file: advisory.file_name.clone(),
                            tracking_id: advisory.tracking_id.clone(),
                            kept: format!(
                                "the stored revision {} (from {})",
                                stored.revision.as_deref().unwrap_or("?"),
                                stored.file_name
                            ),
                        });
                        continue;
                    }
                }
                let (row, products) = advisory_row(advisory, at)?;
                db.upsert_advisory(&row, &products)?;
                imported.push(ImportedAdvisory {
                    tracking_id: advisory.tracking_id.clone(),
                    revision: advisory.revision.clone(),
                    title: advisory.title.clone(),
                    file_name: advisory.file_name.clone(),
                    replaced_revision: stored.map(|s| s.revision.unwrap_or_default()),
                });
            }
            let report = CsafImportReport {
                imported,
                failed: folder.failures.clone(),
                superseded: folder.superseded.clone(),
                older_than_stored,
                ignored: folder.ignored,
                matching: self.rematch(db, at)?,
            };
            self.audit(
                db,
                "import_csaf",
                "advisories",
                &path.display().to_string(),
                &format!(
                    "Imported {} CSAF advisories from {} ({} failed, {} superseded)",
                    report.imported.len(),
                    path.display(),
                    report.failed.len(),
                    report.superseded.len() + report.older_than_stored.len()
                ),
            )?;
            Ok(report)
        })
    }

    /// Matches every stored advisory and KEV entry against the inventory again (after
    /// devices were added or edited). Decisions are kept.
    pub fn run_matching(&self) -> ApiResult<MatchSummary> {
        let at = self.now();
        self.store.transaction(|db| {
            let summary = self.rematch(db, at)?;
            self.audit(
                db,
                "run_matching",
                "intel_matches",
                "all",
                &format!(
                    "Matched intelligence to {} devices: {} high, {} medium, {} low",
                    summary.devices_checked, summary.high, summary.medium, summary.low
                ),
            )?;
            Ok(summary)
        })
    }

    fn rematch(&self, db: &Db<'_>, at: DateTime<Utc>) -> ApiResult<MatchSummary> {
        let devices: Vec<_> = db
            .devices()?
            .into_iter()
            .filter(|d| d.decommissioned_at.is_none())
            .collect();
        let facts: Vec<DeviceFacts> = devices
            .iter()
            .map(|d| DeviceFacts::from_fields(&d.fields))
            .collect();
        let advisories = stored_advisories(db)?;
        let kev = stored_kev(db)?;
        let found = match_devices(&facts, &advisories, &kev);
        let mut summary = MatchSummary {
            devices_checked: devices.len() as u32,
            advisories: advisories.len() as u32,
            kev_entries: kev.len() as u32,
            ..MatchSummary::default()
        };
        let rows: Vec<MatchRow> = found
            .into_iter()
            .map(|m| {
                match m.confidence {
                    Confidence::High => summary.high += 1,
                    Confidence::Medium => summary.medium += 1,
                    Confidence::Low => summary.low += 1,
                }
                match_row(devices[m.device as usize].id, m, at)
            })
            .collect();
        db.replace_matches(&rows)?;
        Ok(summary)
    }

    /// Matches the given devices again after they were added or edited, inside the caller's
    /// transaction, replacing only their matches (decisions are kept, as always). Devices no
    /// longer in use lose their matches. Does nothing when no catalog is stored.
    pub(crate) fn rematch_devices(&self, db: &Db<'_>, devices: &[Device]) -> ApiResult<()> {
        if devices.is_empty() || !db.has_intel_catalogs()? {
            return Ok(());
        }
        let at = self.now();
        let in_use: Vec<&Device> = devices
            .iter()
            .filter(|d| d.decommissioned_at.is_none())
            .collect();
        let facts: Vec<DeviceFacts> = in_use
            .iter()
            .map(|d| DeviceFacts::from_fields(&d.fields))
            .collect();
        let rows: Vec<MatchRow> = if facts.is_empty() {
            Vec::new()
        } else {
            match_devices(&facts, &stored_advisories(db)?, &stored_kev(db)?)
                .into_iter()
                .map(|m| match_row(in_use[m.device as usize].id, m, at))
                .collect()
        };
        let ids: Vec<DeviceId> = devices.iter().map(|d| d.id).collect();
        db.replace_matches_of_devices(&ids, &rows)?;
        Ok(())
    }

    fn intel_matches(&self, db: &Db<'_>, rows: Vec<MatchRow>) -> ApiResult<Vec<IntelMatch>> {
        let decisions: HashMap<(DeviceId, String, String), IntelDecision> = db
            .decisions()?
            .iter()
            .map(|d| {
                (
                    (d.device_id, d.source_kind.clone(), d.source_id.clone()),
                    decision_from_row(d),
                )
            })
            .collect();
        let titles: HashMap<String, String> = db
            .advisories()?
            .into_iter()
            .map(|a| (a.tracking_id, a.title))
            .chain(
                db.kev_entries()?
                    .into_iter()
                    .map(|k| (k.cve_id, k.vulnerability_name)),
            )
            .collect();
        let mut names: HashMap<DeviceId, String> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let name = match names.get(&row.device_id) {
                Some(n) => n.clone(),
                None => {
                    let n = db
                        .device(row.device_id)?
                        .map(|d| d.fields.name)
                        .unwrap_or_default();
                    names.insert(row.device_id, n.clone());
                    n
                }
            };
            let decision = decisions
                .get(&(
                    row.device_id,
                    row.source_kind.clone(),
                    row.source_id.clone(),
                ))
                .cloned();
            let confidence = confidence_from_key(&row.confidence);
            out.push(IntelMatch {
                device_id: row.device_id,
                device_name: name,
                source_kind: SourceKind::from_key(&row.source_kind),
                title: titles.get(&row.source_id).cloned().unwrap_or_default(),
                source_id: row.source_id,
                confidence,
                reasons: row.reasons,
                products: row.products,
                cves: row.cves,
                known_exploited: row.known_exploited,
                max_cvss: row.max_cvss,
                counts_in_risk: counts_in_risk(confidence, decision.as_ref()),
                decision,
            });
        }
        Ok(out)
    }

    /// Every match, most certain first, then by device name and source.
    pub fn list_matches(&self) -> ApiResult<Vec<IntelMatch>> {
        let db = self.store.db();
        let mut matches = self.intel_matches(&db, db.matches()?)?;
        matches.sort_by(|a, b| {
            b.confidence
                .cmp(&a.confidence)
                .then_with(|| a.device_name.cmp(&b.device_name))
                .then_with(|| a.source_id.cmp(&b.source_id))
        });
        Ok(matches)
    }

    /// Records (or with `status: None` withdraws) the user's decision on one match.
    pub fn decide_match(&self, input: DecideMatch) -> ApiResult<Option<IntelDecision>> {
        let at = self.now();
        let kind = input.source_kind.key();
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let control = input
            .control
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let mut issues = Vec::new();
        match input.status {
            Some(DecisionStatus::NotAffected) if input.justification.is_none() => {
                issues.push(devicerisk_core::FieldIssue::new(
                    "justification",
                    "is needed when the device is not affected (why, in VEX terms)",
                ))
            }
            Some(DecisionStatus::Mitigated) if control.is_none() => {
                issues.push(devicerisk_core::FieldIssue::new(
                    "control",
                    "is needed when the vulnerability is mitigated (e.g. network segmentation)",
                ))
            }
            _ => {}
        }
        if !issues.is_empty() {
            return Err(ApiError::validation("decision", issues));
        }
        self.store.transaction(|db| {
            let device = db
                .device(input.device_id)?
                .ok_or_else(|| ApiError::not_found("device", input.device_id))?;
            if db
                .match_of(input.device_id, kind, &input.source_id)?
                .is_none()
                && input.status.is_some()
            {
                return Err(ApiError::new(
                    ErrorCode::NotFound,
                    format!(
                        "{} is not matched to {}; run the matching first.",
                        input.source_id, device.fields.name
                    ),
                ));
            }
            let summary;
            let decision = match input.status {
                None => {
                    db.delete_decision(input.device_id, kind, &input.source_id)?;
                    summary = format!(
                        "Withdrew the decision on {} for {}",
                        input.source_id, device.fields.name
                    );
                    None
                }
                Some(status) => {
                    let row = DecisionRow {
                        device_id: input.device_id,
                        source_kind: kind.to_string(),
                        source_id: input.source_id.clone(),
                        status: status.key().to_string(),
                        justification: (status == DecisionStatus::NotAffected)
                            .then(|| input.justification.map(|j| j.key().to_string()))
                            .flatten(),
                        control: (status == DecisionStatus::Mitigated)
                            .then(|| control.clone())
                            .flatten(),
                        note: note.clone(),
                        decided_at: at,
                        decided_by: self.actor.clone(),
                    };
                    db.upsert_decision(&row)?;
                    summary = format!(
                        "Decided {} for {}: {}{}",
                        input.source_id,
                        device.fields.name,
                        status.key().replace('_', " "),
                        row.justification
                            .as_deref()
                            .or(row.control.as_deref())
                            .map(|j| format!(" ({})", j.replace('_', " ")))
                            .unwrap_or_default()
                    );
                    Some(decision_from_row(&row))
                }
            };
            self.audit(
                db,
                "decide_match",
                "device",
                &input.device_id.to_string(),
                &summary,
            )?;
            Ok(decision)
        })
    }

    /// The advisories and KEV entries matched to one device, with decisions.
    pub fn device_intel(&self, id: DeviceId) -> ApiResult<DeviceIntel> {
        let db = self.store.db();
        if db.device(id)?.is_none() {
            return Err(ApiError::not_found("device", id));
        }
        let mut matches = self.intel_matches(&db, db.matches_of_device(id)?)?;
        matches.sort_by(|a, b| {
            b.confidence
                .cmp(&a.confidence)
                .then_with(|| a.source_id.cmp(&b.source_id))
        });
        let open = open_of(&matches);
        let (kev_entries, advisories) = matches
            .into_iter()
            .partition(|m| m.source_kind == SourceKind::Kev);
        Ok(DeviceIntel {
            advisories,
            kev_entries,
            open,
        })
    }

    /// What counts in each device's risk, for the risk register.
    pub fn open_vulnerabilities(&self) -> ApiResult<HashMap<DeviceId, OpenVulnerabilities>> {
        self.open_vulnerabilities_in(&self.store.db())
    }

    pub(crate) fn open_vulnerabilities_in(
        &self,
        db: &Db<'_>,
    ) -> ApiResult<HashMap<DeviceId, OpenVulnerabilities>> {
        let matches = self.intel_matches(db, db.matches()?)?;
        let mut by_device: HashMap<DeviceId, Vec<IntelMatch>> = HashMap::new();
        for m in matches {
            by_device.entry(m.device_id).or_default().push(m);
        }
        let mut open: HashMap<DeviceId, OpenVulnerabilities> = by_device
            .into_iter()
            .map(|(id, list)| (id, open_of(&list)))
            .collect();
        // Open vulnerabilities of SBOM components (after VEX) count as advised ones; those
        // in KEV also as known exploited, unless a KEV match already named the CVE.
        for (id, sbom) in self.sbom_open_by_device(db)? {
            let device = open.entry(id).or_default();
            device.advisories.extend(sbom.names);
            device.counts.advisories += sbom.count as i32;
            for (cve, name) in sbom.known_exploited {
                if !device.known_exploited.iter().any(|k| k.starts_with(&cve)) {
                    device.known_exploited.push(name);
                }
            }
            device.counts.known_exploited = device.known_exploited.len() as i32;
        }
        Ok(open)
    }

    /// The imported catalogs and how many devices each matched.
    pub fn intel_catalogs(&self) -> ApiResult<IntelCatalogs> {
        let db = self.store.db();
        let matches = db.matches()?;
        let mut devices_of: HashMap<(&str, &str), HashSet<DeviceId>> = HashMap::new();
        for m in &matches {
            devices_of
                .entry((m.source_kind.as_str(), m.source_id.as_str()))
                .or_default()
                .insert(m.device_id);
        }
        let kev = db.kev_catalog()?.map(|c| {
            let kev_matches: Vec<&MatchRow> =
                matches.iter().filter(|m| m.source_kind == "kev").collect();
            KevSummary {
                file_name: c.file_name,
                catalog_version: c.catalog_version,
                date_released: c.date_released,
                entries: c.entry_count,
                imported_at: c.imported_at,
                matched_entries: kev_matches
                    .iter()
                    .map(|m| m.source_id.as_str())
                    .collect::<HashSet<_>>()
                    .len() as u32,
                matched_devices: kev_matches
                    .iter()
                    .map(|m| m.device_id)
                    .collect::<HashSet<_>>()
                    .len() as u32,
            }
        });
        let mut advisories = Vec::new();
        for a in db.advisories()? {
            let products = db
                .advisory_products(&a.tracking_id)?
                .into_iter()
                .map(|p| p.name)
                .collect();
            advisories.push(AdvisorySummary {
                matched_devices: devices_of
                    .get(&("advisory", a.tracking_id.as_str()))
                    .map_or(0, |s| s.len() as u32),
                tracking_id: a.tracking_id,
                revision: a.revision,
                title: a.title,
                publisher: a.publisher,
                current_release_date: a.current_release_date,
                file_name: a.file_name,
                cves: a.cves,
                max_cvss: a.max_cvss,
                products,
            });
        }
        Ok(IntelCatalogs { kev, advisories })
    }
}

fn match_row(device_id: DeviceId, m: DeviceMatch, at: DateTime<Utc>) -> MatchRow {
    let (kind, id) = match m.source {
        MatchSource::Advisory { tracking_id } => (SourceKind::Advisory, tracking_id),
        MatchSource::Kev { cve_id } => (SourceKind::Kev, cve_id),
    };
    MatchRow {
        device_id,
        source_kind: kind.key().to_string(),
        source_id: id,
        confidence: confidence_key(m.confidence).to_string(),
        version_verdict: format!("{:?}", m.version),
        reasons: m.reasons,
        products: m.products,
        cves: m.cves,
        known_exploited: m.known_exploited,
        max_cvss: m.max_cvss,
        matched_at: at,
    }
}

/// Whether an edit changed what matching reads (manufacturer, model, version, category) or
/// whether the device is in use.
pub(crate) fn match_facts_changed(old: &DeviceFields, new: &DeviceFields) -> bool {
    old.manufacturer != new.manufacturer
        || old.model != new.model
        || old.software_version != new.software_version
        || old.category != new.category
        || old.status != new.status
}

fn open_of(matches: &[IntelMatch]) -> OpenVulnerabilities {
    let mut open = OpenVulnerabilities::default();
    let mut exploited: Vec<String> = Vec::new();
    for m in matches.iter().filter(|m| m.counts_in_risk) {
        match m.source_kind {
            SourceKind::Kev => exploited.push(m.source_id.clone()),
            SourceKind::Advisory => {
                let cvss = m
                    .max_cvss
                    .map(|s| format!(", CVSS {s:.1}"))
                    .unwrap_or_default();
                open.advisories
                    .push(format!("{} {}{cvss}", m.source_id, m.title));
                exploited.extend(m.known_exploited.iter().cloned());
            }
        }
    }
    exploited.sort();
    exploited.dedup();
    open.counts = KnownVulnerabilities {
        known_exploited: exploited.len() as i32,
        advisories: open.advisories.len() as i32,
    };
    open.known_exploited = exploited;
    open
}
