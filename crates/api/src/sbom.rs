//! SBOM and VEX use cases: attach an SBOM to a device or to a model, import VEX documents,
//! list a device's components with their vulnerabilities, detach, and the open component
//! vulnerabilities that feed each device's risk.
//!
//! VEX statements are stored as read and applied when components are read
//! ([`effective`]): later VEX documents override earlier ones and the SBOM's own analysis; a
//! statement about an SBOM's subject (the product itself) applies to that vulnerability in
//! every component of the SBOM. So re-importing an SBOM keeps its VEX, and deleting a VEX
//! document takes its statements away.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use devicerisk_core::{DeviceId, FieldIssue};
use devicerisk_intel::sbom::{
    read_file, read_sbom_bytes, read_vex_bytes, resolve_vex, ComponentHash, Sbom, SbomComponent,
    SbomFormat, VexFormat, VexState, VexStatement, VexTarget,
};
use devicerisk_store::{
    ComponentRow, Db, SbomAttachment, SbomRow, SbomVulnerabilityRow, VexRow, VexStatementRow,
};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{sha256_hex, Api, ApiError, ApiResult, ErrorCode};

/// At most this many component vulnerabilities are named in a device's risk explanation
/// (the count is exact; the names would drown the sentence).
const NAMED_IN_RISK: usize = 8;

/// What an SBOM is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SbomTarget {
    /// One device.
    Device { device_id: DeviceId },
    /// Every device of this manufacturer and model (compared without case).
    Model { manufacturer: String, model: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SbomSummary {
    pub id: String,
    pub target: SbomTarget,
    /// "Infusion pump 3 (IP-003)" or "model BD Alaris 8015".
    pub attached_to: String,
    /// Active devices it applies to.
    pub devices: u32,
    pub file_name: String,
    pub sha256: String,
    pub format: SbomFormat,
    /// "CycloneDX 1.4 JSON", "SPDX 2.2 tag-value".
    pub format_label: String,
    pub serial: Option<String>,
    /// The product it describes ("ABC 4.2"), else the document name, else the file name.
    pub title: String,
    pub components: u32,
    /// Distinct vulnerabilities (by CVE, else id) on its components after VEX, and how many
    /// of them are still open on some component.
    pub vulnerabilities: u32,
    pub open_vulnerabilities: u32,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SbomImportReport {
    pub sbom: SbomSummary,
    /// The file of the same document (same serial number / namespace, or same bytes) that
    /// this import replaced.
    pub replaced: Option<String>,
}

/// One vulnerability of one component, after VEX.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ComponentVulnerability {
    /// As the document names it ("CVE-2020-25649", "SNYK-…").
    pub id: String,
    pub cve: Option<String>,
    pub state: VexState,
    pub justification: Option<String>,
    pub detail: Option<String>,
    pub description: Option<String>,
    pub cvss: Option<f64>,
    pub severity: Option<String>,
    /// Where the state comes from: "SBOM bom.json" or "VEX vex.json".
    pub source: String,
    /// The CVE is in the imported KEV catalog.
    pub known_exploited: bool,
    /// Counts in the device's risk: not ruled out (not affected) or resolved (fixed).
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceComponent {
    pub sbom_id: String,
    pub sbom_file: String,
    /// Came with an SBOM attached to the device's model.
    pub from_model: bool,
    /// The product the SBOM describes, rather than a part of it.
    pub is_subject: bool,
    pub bom_ref: String,
    pub kind: String,
    pub name: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub supplier: Option<String>,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    pub licenses: Vec<String>,
    pub hashes: Vec<ComponentHash>,
    /// The name of the component it is part of.
    pub part_of: Option<String>,
    pub vulnerabilities: Vec<ComponentVulnerability>,
}

/// A device's SBOMs (its own and its model's) and all their components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceSboms {
    pub sboms: Vec<SbomSummary>,
    pub components: Vec<DeviceComponent>,
    /// Open component vulnerabilities (distinct), as named in the risk explanation.
    pub open: Vec<String>,
}

/// A VEX statement applied to a component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VexApplied {
    pub vulnerability: String,
    pub state: VexState,
    /// "openssl 1.0.2k".
    pub component: String,
    pub sbom_file: String,
}

/// A statement that names nothing attached, with where it is in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VexUnmatched {
    pub place: String,
    pub vulnerability: String,
    /// "ref 'urn:cdx:…'", "product CSAFPID-0001 (…)".
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VexImportReport {
    pub vex: VexSummary,
    pub applied: Vec<VexApplied>,
    /// Statements about components no attached SBOM has (kept: they apply once such an
    /// SBOM is attached).
    pub unmatched: Vec<VexUnmatched>,
    pub replaced: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VexSummary {
    pub id: String,
    pub file_name: String,
    pub format: VexFormat,
    pub document_id: Option<String>,
    pub statements: u32,
    /// Components of attached SBOMs its statements apply to.
    pub applied_components: u32,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Internal, e.to_string())
}

fn to_json<T: Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(internal)
}

fn from_json<T: for<'de> Deserialize<'de>>(text: &str, what: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            ErrorCode::Database,
            format!("A stored {what} cannot be read ({e}); import the document again."),
        )
    })
}

fn key_of(cve: Option<&str>, id: &str) -> String {
    cve.unwrap_or(id).trim().to_ascii_uppercase()
}

fn model_key(manufacturer: &str, model: &str) -> (String, String) {
    (
        manufacturer.trim().to_lowercase(),
        model.trim().to_lowercase(),
    )
}

/// One stored SBOM, loaded with what reading it needs.
struct Loaded {
    row: SbomRow,
    /// The document as the VEX resolver sees it.
    sbom: Sbom,
    components: Vec<ComponentRow>,
    listed: Vec<SbomVulnerabilityRow>,
}

/// The component as the VEX resolver sees it: licences and hashes are left out (the resolver
/// does not read them; decoding them for every component made each risk computation slower).
fn component_of(row: &ComponentRow) -> ApiResult<SbomComponent> {
    Ok(SbomComponent {
        bom_ref: row.bom_ref.clone(),
        kind: row.kind.clone(),
        name: row.name.clone(),
        group: row.group.clone(),
        version: row.version.clone(),
        supplier: row.supplier.clone(),
        purl: row.purl.clone(),
        cpe: row.cpe.clone(),
        licenses: Vec::new(),
        hashes: Vec::new(),
        parent: row.parent_ref.clone(),
    })
}

fn load_all(db: &Db<'_>) -> ApiResult<Vec<Loaded>> {
    let mut out = Vec::new();
    for row in db.sboms()? {
        let components = db.sbom_components(&row.id)?;
        let mut subject = None;
        let mut parts = Vec::with_capacity(components.len());
        for c in &components {
            if c.is_subject {
                subject = Some(component_of(c)?);
            } else {
                parts.push(component_of(c)?);
            }
        }
        let sbom = Sbom {
            file_name: row.file_name.clone(),
            format: SbomFormat::from_key(&row.format).unwrap_or(SbomFormat::CyclonedxJson),
            spec_version: row.spec_version.clone(),
            serial: row.serial.clone(),
            bom_version: row.bom_version,
            document_name: row.document_name.clone(),
            subject,
            components: parts,
            vulnerabilities: Vec::new(),
        };
        let listed = db.sbom_vulnerabilities(&row.id)?;
        out.push(Loaded {
            row,
            sbom,
            components,
            listed,
        });
    }
    Ok(out)
}

fn statement_of(row: &VexStatementRow) -> ApiResult<VexStatement> {
    Ok(VexStatement {
        place: row.place.clone(),
        vulnerability: row.vulnerability.clone(),
        cve: row.cve.clone(),
        state: VexState::from_key(&row.state).unwrap_or(VexState::Unknown),
        justification: row.justification.clone(),
        detail: row.detail.clone(),
        target: from_json::<VexTarget>(&row.target_json, "VEX target")?,
    })
}

fn load_vex(db: &Db<'_>) -> ApiResult<Vec<(VexRow, Vec<VexStatement>)>> {
    db.vex_documents()?
        .into_iter()
        .map(|row| {
            let statements = db
                .vex_statements(&row.id)?
                .iter()
                .map(statement_of)
                .collect::<ApiResult<Vec<_>>>()?;
            Ok((row, statements))
        })
        .collect()
}

/// Per SBOM (same order as `loaded`): component bom-ref → vulnerabilities by key.
type Effective = Vec<HashMap<String, BTreeMap<String, ComponentVulnerability>>>;

/// The vulnerabilities of every component after applying the VEX documents in import order.
fn effective(
    loaded: &[Loaded],
    vex: &[(VexRow, Vec<VexStatement>)],
    kev: &HashSet<String>,
) -> Effective {
    let exploited = |cve: Option<&str>| cve.is_some_and(|c| kev.contains(&c.to_ascii_uppercase()));
    let mut out: Effective = Vec::with_capacity(loaded.len());
    for l in loaded {
        let mut by_ref: HashMap<String, BTreeMap<String, ComponentVulnerability>> = HashMap::new();
        for v in &l.listed {
            let state = VexState::from_key(&v.state).unwrap_or(VexState::Unknown);
            by_ref.entry(v.bom_ref.clone()).or_default().insert(
                key_of(v.cve.as_deref(), &v.vulnerability),
                ComponentVulnerability {
                    id: v.vulnerability.clone(),
                    cve: v.cve.clone(),
                    state,
                    justification: v.justification.clone(),
                    detail: v.detail.clone(),
                    description: v.description.clone(),
                    cvss: v.cvss,
                    severity: v.severity.clone(),
                    source: format!("SBOM {}", l.row.file_name),
                    known_exploited: exploited(v.cve.as_deref()),
                    open: state.is_open(),
                },
            );
        }
        out.push(by_ref);
    }
    let sboms: Vec<&Sbom> = loaded.iter().map(|l| &l.sbom).collect();
    for (doc, statements) in vex {
        let found = resolve_vex(statements, &sboms);
        for (statement, targets) in statements.iter().zip(found) {
            let key = key_of(statement.cve.as_deref(), &statement.vulnerability);
            for (index, bom_ref) in targets {
                let l = &loaded[index];
                let is_subject = l
                    .sbom
                    .subject
                    .as_ref()
                    .is_some_and(|s| s.bom_ref == bom_ref);
                let mut refs = vec![bom_ref.clone()];
                if is_subject {
                    // The product is (not) affected: so is each of its components that lists it.
                    refs.extend(
                        out[index]
                            .iter()
                            .filter(|(r, list)| **r != bom_ref && list.contains_key(&key))
                            .map(|(r, _)| r.clone()),
                    );
                }
                for r in refs {
                    let entry = out[index].entry(r).or_default();
                    let apply = |v: &mut ComponentVulnerability| {
                        v.state = statement.state;
                        v.justification = statement.justification.clone();
                        v.detail = statement.detail.clone();
                        v.source = format!("VEX {}", doc.file_name);
                        v.open = statement.state.is_open();
                    };
                    match entry.get_mut(&key) {
                        Some(v) => apply(v),
                        None => {
                            let mut v = ComponentVulnerability {
                                id: statement.vulnerability.clone(),
                                cve: statement.cve.clone(),
                                state: statement.state,
                                justification: None,
                                detail: None,
                                description: None,
                                cvss: None,
                                severity: None,
                                source: String::new(),
                                known_exploited: exploited(statement.cve.as_deref()),
                                open: true,
                            };
                            apply(&mut v);
                            entry.insert(key.clone(), v);
                        }
                    }
                }
            }
        }
    }
    out
}

impl Api {
    fn attachment_of(&self, db: &Db<'_>, target: &SbomTarget) -> ApiResult<SbomAttachment> {
        match target {
            SbomTarget::Device { device_id } => {
                db.device(*device_id)?
                    .ok_or_else(|| ApiError::not_found("device", device_id))?;
                Ok(SbomAttachment::Device(*device_id))
            }
            SbomTarget::Model {
                manufacturer,
                model,
            } => {
                let (manufacturer, model) = (manufacturer.trim(), model.trim());
                let mut issues = Vec::new();
                if manufacturer.is_empty() {
                    issues.push(FieldIssue::new(
                        "manufacturer",
                        "is needed to attach an SBOM to a model",
                    ));
                }
                if model.is_empty() {
                    issues.push(FieldIssue::new(
                        "model",
                        "is needed to attach an SBOM to a model",
                    ));
                }
                if !issues.is_empty() {
                    return Err(ApiError::validation("SBOM attachment", issues));
                }
                Ok(SbomAttachment::Model {
                    manufacturer: manufacturer.to_string(),
                    model: model.to_string(),
                })
            }
        }
    }

    fn summaries(
        &self,
        db: &Db<'_>,
        loaded: &[Loaded],
        eff: &Effective,
    ) -> ApiResult<Vec<SbomSummary>> {
        let devices: Vec<_> = db
            .devices()?
            .into_iter()
            .filter(|d| d.decommissioned_at.is_none())
            .collect();
        let mut per_model: HashMap<(String, String), u32> = HashMap::new();
        for d in &devices {
            if let (Some(m), Some(n)) = (&d.fields.manufacturer, &d.fields.model) {
                *per_model.entry(model_key(m, n)).or_default() += 1;
            }
        }
        let names: HashMap<DeviceId, String> = devices
            .iter()
            .map(|d| {
                let label = match &d.fields.asset_tag {
                    Some(tag) => format!("{} ({tag})", d.fields.name),
                    None => d.fields.name.clone(),
                };
                (d.id, label)
            })
            .collect();
        let mut out = Vec::with_capacity(loaded.len());
        for (l, vulns) in loaded.iter().zip(eff) {
            let row = &l.row;
            let (target, attached_to, count) = match &row.attachment {
                SbomAttachment::Device(id) => (
                    SbomTarget::Device { device_id: *id },
                    names
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| "a decommissioned device".to_string()),
                    u32::from(names.contains_key(id)),
                ),
                SbomAttachment::Model {
                    manufacturer,
                    model,
                } => (
                    SbomTarget::Model {
                        manufacturer: manufacturer.clone(),
                        model: model.clone(),
                    },
                    format!("model {manufacturer} {model}"),
                    per_model
                        .get(&model_key(manufacturer, model))
                        .copied()
                        .unwrap_or(0),
                ),
            };
            // Distinct vulnerabilities (by CVE, else id); open when open on any component.
            let mut all: BTreeMap<&String, bool> = BTreeMap::new();
            for (key, v) in vulns.values().flat_map(|m| m.iter()) {
                *all.entry(key).or_default() |= v.open;
            }
            let format = SbomFormat::from_key(&row.format).unwrap_or(SbomFormat::CyclonedxJson);
            let (family, encoding) = format
                .label()
                .split_once(' ')
                .unwrap_or((format.label(), ""));
            out.push(SbomSummary {
                id: row.id.clone(),
                target,
                attached_to,
                devices: count,
                file_name: row.file_name.clone(),
                sha256: row.sha256.clone(),
                format,
                format_label: format!("{family} {} {encoding}", row.spec_version),
                serial: row.serial.clone(),
                title: l.sbom.title(),
                components: row.component_count,
                vulnerabilities: all.len() as u32,
                open_vulnerabilities: all.values().filter(|open| **open).count() as u32,
                imported_at: row.imported_at,
                imported_by: row.imported_by.clone(),
            });
        }
        Ok(out)
    }

    fn kev_cves(&self, db: &Db<'_>) -> ApiResult<HashSet<String>> {
        Ok(db.kev_cve_ids()?.into_iter().collect())
    }

    /// Attaches an SBOM file (CycloneDX JSON/XML 1.2–1.7, SPDX 2.2/2.3 JSON or tag-value) to
    /// a device or to a model. The same document already attached there (same serial number
    /// or namespace, or the same bytes) is replaced in the same transaction. An invalid
    /// document is refused whole with the place of the problem.
    pub fn import_sbom(&self, path: &Path, target: SbomTarget) -> ApiResult<SbomImportReport> {
        let (file, bytes) = read_file(path)?;
        let sbom = read_sbom_bytes(&file, &bytes)?;
        let sha256 = sha256_hex(&bytes);
        let at = self.now();
        self.store.transaction(|db| {
            let attachment = self.attachment_of(db, &target)?;
            let previous = db.same_sbom(&attachment, sbom.serial.as_deref(), &sha256)?;
            if let Some(previous) = &previous {
                db.delete_sbom(&previous.id)?;
            }
            let id = previous
                .as_ref()
                .map(|p| p.id.clone())
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let mut components = Vec::new();
            for (position, (c, is_subject)) in sbom
                .subject
                .iter()
                .map(|s| (s, true))
                .chain(sbom.components.iter().map(|c| (c, false)))
                .enumerate()
            {
                components.push(ComponentRow {
                    position: position as u32,
                    bom_ref: c.bom_ref.clone(),
                    is_subject,
                    kind: c.kind.clone(),
                    name: c.name.clone(),
                    group: c.group.clone(),
                    version: c.version.clone(),
                    supplier: c.supplier.clone(),
                    purl: c.purl.clone(),
                    cpe: c.cpe.clone(),
                    licenses_json: to_json(&c.licenses)?,
                    hashes_json: to_json(&c.hashes)?,
                    parent_ref: c.parent.clone(),
                });
            }
            let mut listed = Vec::new();
            for v in &sbom.vulnerabilities {
                for bom_ref in &v.affects {
                    listed.push(SbomVulnerabilityRow {
                        bom_ref: bom_ref.clone(),
                        vulnerability: v.id.clone(),
                        cve: v.cve.clone(),
                        source: v.source.clone(),
                        description: v.description.clone(),
                        cvss: v.cvss,
                        severity: v.severity.clone(),
                        state: v.state.key().to_string(),
                        justification: v.justification.clone(),
                        detail: v.detail.clone(),
                    });
                }
            }
            let subject = sbom.subject.as_ref();
            db.insert_sbom(
                &SbomRow {
                    id: id.clone(),
                    attachment: attachment.clone(),
                    file_name: file.clone(),
                    sha256: sha256.clone(),
                    format: sbom.format.key().to_string(),
                    spec_version: sbom.spec_version.clone(),
                    serial: sbom.serial.clone(),
                    bom_version: sbom.bom_version,
                    document_name: sbom.document_name.clone(),
                    subject_name: subject.map(|s| s.name.clone()),
                    subject_version: subject.and_then(|s| s.version.clone()),
                    component_count: sbom.components.len() as u32,
                    vulnerability_count: listed.len() as u32,
                    imported_at: at,
                    imported_by: self.actor.clone(),
                },
                &components,
                &listed,
            )?;
            let loaded = load_all(db)?;
            let eff = effective(&loaded, &load_vex(db)?, &self.kev_cves(db)?);
            let summary = self
                .summaries(db, &loaded, &eff)?
                .into_iter()
                .find(|s| s.id == id)
                .ok_or_else(|| internal("the SBOM just stored is missing"))?;
            self.audit(
                db,
                if previous.is_some() {
                    "replace_sbom"
                } else {
                    "import_sbom"
                },
                "sbom",
                &id,
                &format!(
                    "{} SBOM {} ({}, {} components) for {}",
                    if previous.is_some() {
                        "Replaced"
                    } else {
                        "Attached"
                    },
                    file,
                    summary.format_label,
                    summary.components,
                    summary.attached_to
                ),
            )?;
            Ok(SbomImportReport {
                sbom: summary,
                replaced: previous.map(|p| p.file_name),
            })
        })
    }

    /// Every attached SBOM, newest first.
    pub fn list_sboms(&self) -> ApiResult<Vec<SbomSummary>> {
        let db = self.store.db();
        let loaded = load_all(&db)?;
        let eff = effective(&loaded, &load_vex(&db)?, &self.kev_cves(&db)?);
        self.summaries(&db, &loaded, &eff)
    }

    /// Detaches (deletes) an SBOM with its components.
    pub fn delete_sbom(&self, id: &str) -> ApiResult<()> {
        self.store.transaction(|db| {
            let row = db
                .sbom(id)?
                .ok_or_else(|| ApiError::not_found("SBOM", id))?;
            db.delete_sbom(id)?;
            self.audit(
                db,
                "delete_sbom",
                "sbom",
                id,
                &format!("Detached SBOM {}", row.file_name),
            )
        })
    }

    /// A device's SBOMs (its own, then its model's) and their components, each with its
    /// vulnerabilities after VEX.
    pub fn device_sboms(&self, device_id: DeviceId) -> ApiResult<DeviceSboms> {
        let db = self.store.db();
        let device = db
            .device(device_id)?
            .ok_or_else(|| ApiError::not_found("device", device_id))?;
        let loaded = load_all(&db)?;
        let eff = effective(&loaded, &load_vex(&db)?, &self.kev_cves(&db)?);
        let summaries = self.summaries(&db, &loaded, &eff)?;
        let mine = sboms_of(&loaded, device_id, &device.fields);
        let mut sboms = Vec::new();
        let mut components = Vec::new();
        for index in &mine {
            let l = &loaded[*index];
            sboms.push(summaries[*index].clone());
            let names: HashMap<&str, &str> = l
                .components
                .iter()
                .map(|c| (c.bom_ref.as_str(), c.name.as_str()))
                .collect();
            for c in &l.components {
                let mut vulnerabilities: Vec<ComponentVulnerability> = eff[*index]
                    .get(&c.bom_ref)
                    .map(|m| m.values().cloned().collect())
                    .unwrap_or_default();
                vulnerabilities.sort_by(|a, b| {
                    b.open
                        .cmp(&a.open)
                        .then(b.cvss.unwrap_or(-1.0).total_cmp(&a.cvss.unwrap_or(-1.0)))
                        .then(a.id.cmp(&b.id))
                });
                components.push(DeviceComponent {
                    sbom_id: l.row.id.clone(),
                    sbom_file: l.row.file_name.clone(),
                    from_model: matches!(l.row.attachment, SbomAttachment::Model { .. }),
                    is_subject: c.is_subject,
                    bom_ref: c.bom_ref.clone(),
                    kind: c.kind.clone(),
                    name: c.name.clone(),
                    group: c.group.clone(),
                    version: c.version.clone(),
                    supplier: c.supplier.clone(),
                    purl: c.purl.clone(),
                    cpe: c.cpe.clone(),
                    licenses: from_json(&c.licenses_json, "component licence list")?,
                    hashes: from_json(&c.hashes_json, "component hash list")?,
                    part_of: c
                        .parent_ref
                        .as_deref()
                        .and_then(|p| names.get(p))
                        .map(|n| n.to_string()),
                    vulnerabilities,
                });
            }
        }
        let open = open_of(&loaded, &eff, &mine).names;
        Ok(DeviceSboms {
            sboms,
            components,
            open,
        })
    }

    /// Imports a VEX document (CycloneDX VEX or CSAF VEX). It is refused when none of its
    /// statements is about a component of an attached SBOM; otherwise it is stored whole and
    /// the report lists what it applied to and which statements named nothing attached. The
    /// same document imported again (same id or bytes) replaces the earlier one.
    pub fn import_vex(&self, path: &Path) -> ApiResult<VexImportReport> {
        let (file, bytes) = read_file(path)?;
        let vex = read_vex_bytes(&file, &bytes)?;
        let sha256 = sha256_hex(&bytes);
        let at = self.now();
        self.store.transaction(|db| {
            let loaded = load_all(db)?;
            let sboms: Vec<&Sbom> = loaded.iter().map(|l| &l.sbom).collect();
            let found = resolve_vex(&vex.statements, &sboms);
            if found.iter().all(Vec::is_empty) {
                let first = &vex.statements[0];
                return Err(ApiError::new(
                    ErrorCode::BadFile,
                    format!(
                        "'{file}' refers to nothing attached: no statement names a component of an attached SBOM (first: {} at {}, about {}). Attach the SBOM it is written for first.",
                        first.vulnerability, first.place, first.target.described
                    ),
                ));
            }
            let previous = db.same_vex(vex.document_id.as_deref(), &sha256)?;
            if let Some(p) = &previous {
                db.delete_vex(&p.id)?;
            }
            let id = previous
                .as_ref()
                .map(|p| p.id.clone())
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let rows = vex
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    Ok(VexStatementRow {
                        position: i as u32,
                        place: s.place.clone(),
                        vulnerability: s.vulnerability.clone(),
                        cve: s.cve.clone(),
                        state: s.state.key().to_string(),
                        justification: s.justification.clone(),
                        detail: s.detail.clone(),
                        target_json: to_json(&s.target)?,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            let row = VexRow {
                id: id.clone(),
                file_name: file.clone(),
                sha256: sha256.clone(),
                format: vex.format.key().to_string(),
                document_id: vex.document_id.clone(),
                statement_count: rows.len() as u32,
                imported_at: at,
                imported_by: self.actor.clone(),
            };
            db.insert_vex(&row, &rows)?;
            let mut applied = Vec::new();
            let mut unmatched = Vec::new();
            let mut components = HashSet::new();
            for (s, targets) in vex.statements.iter().zip(&found) {
                if targets.is_empty() {
                    unmatched.push(VexUnmatched {
                        place: s.place.clone(),
                        vulnerability: s.vulnerability.clone(),
                        target: s.target.described.clone(),
                    });
                }
                for (index, bom_ref) in targets {
                    let l = &loaded[*index];
                    components.insert((*index, bom_ref.clone()));
                    let component = l
                        .sbom
                        .all_components()
                        .find(|c| &c.bom_ref == bom_ref)
                        .map(SbomComponent::display)
                        .unwrap_or_else(|| bom_ref.clone());
                    applied.push(VexApplied {
                        vulnerability: s.vulnerability.clone(),
                        state: s.state,
                        component,
                        sbom_file: l.row.file_name.clone(),
                    });
                }
            }
            self.audit(
                db,
                "import_vex",
                "vex",
                &id,
                &format!(
                    "Imported VEX {} ({} statements, {} applied, {} about nothing attached)",
                    file,
                    rows.len(),
                    applied.len(),
                    unmatched.len()
                ),
            )?;
            Ok(VexImportReport {
                vex: VexSummary {
                    id,
                    file_name: file.clone(),
                    format: vex.format,
                    document_id: vex.document_id.clone(),
                    statements: rows.len() as u32,
                    applied_components: components.len() as u32,
                    imported_at: at,
                    imported_by: self.actor.clone(),
                },
                applied,
                unmatched,
                replaced: previous.map(|p| p.file_name),
            })
        })
    }

    /// Every imported VEX document, oldest first (later ones override earlier ones).
    pub fn list_vex(&self) -> ApiResult<Vec<VexSummary>> {
        let db = self.store.db();
        let loaded = load_all(&db)?;
        let sboms: Vec<&Sbom> = loaded.iter().map(|l| &l.sbom).collect();
        load_vex(&db)?
            .into_iter()
            .map(|(row, statements)| {
                let applied: HashSet<(usize, String)> = resolve_vex(&statements, &sboms)
                    .into_iter()
                    .flatten()
                    .collect();
                Ok(VexSummary {
                    id: row.id,
                    file_name: row.file_name,
                    format: VexFormat::from_key(&row.format).unwrap_or(VexFormat::Cyclonedx),
                    document_id: row.document_id,
                    statements: row.statement_count,
                    applied_components: applied.len() as u32,
                    imported_at: row.imported_at,
                    imported_by: row.imported_by,
                })
            })
            .collect()
    }

    pub fn delete_vex(&self, id: &str) -> ApiResult<()> {
        self.store.transaction(|db| {
            let row = db
                .vex_documents()?
                .into_iter()
                .find(|v| v.id == id)
                .ok_or_else(|| ApiError::not_found("VEX document", id))?;
            db.delete_vex(id)?;
            self.audit(
                db,
                "delete_vex",
                "vex",
                id,
                &format!("Removed VEX {}", row.file_name),
            )
        })
    }

    /// Open component vulnerabilities per device, for the risk input builder: the count of
    /// distinct vulnerabilities, the names for the explanation, and the CVEs in KEV.
    pub(crate) fn sbom_open_by_device(
        &self,
        db: &Db<'_>,
    ) -> ApiResult<HashMap<DeviceId, SbomOpen>> {
        let loaded = load_all(db)?;
        if loaded.is_empty() {
            return Ok(HashMap::new());
        }
        let eff = effective(&loaded, &load_vex(db)?, &self.kev_cves(db)?);
        let mut by_device: HashMap<DeviceId, Vec<usize>> = HashMap::new();
        let mut by_model: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, l) in loaded.iter().enumerate() {
            match &l.row.attachment {
                SbomAttachment::Device(d) => by_device.entry(*d).or_default().push(i),
                SbomAttachment::Model {
                    manufacturer,
                    model,
                } => by_model
                    .entry(model_key(manufacturer, model))
                    .or_default()
                    .push(i),
            }
        }
        let mut out = HashMap::new();
        // Devices of one model share their SBOMs: name their vulnerabilities once per set.
        let mut memo: HashMap<Vec<usize>, SbomOpen> = HashMap::new();
        for device in db.devices()? {
            let mut indexes = by_device.get(&device.id).cloned().unwrap_or_default();
            if let (Some(m), Some(n)) = (&device.fields.manufacturer, &device.fields.model) {
                if let Some(more) = by_model.get(&model_key(m, n)) {
                    indexes.extend(more);
                }
            }
            if indexes.is_empty() {
                continue;
            }
            let open = memo
                .entry(indexes)
                .or_insert_with_key(|indexes| open_of(&loaded, &eff, indexes));
            if open.count > 0 {
                out.insert(device.id, open.clone());
            }
        }
        Ok(out)
    }
}

/// One vulnerability of one attached SBOM after VEX, for the audit packet: per SBOM (not per
/// device), so an SBOM shared by a model gives one row per vulnerability however many devices
/// the model has.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SbomFinding {
    /// "Infusion pump 3 (IP-003)" or "model BD Alaris 8015 (12 devices)".
    pub attached_to: String,
    pub sbom_file: String,
    /// "CVE-2022-0778 (SNYK-…)".
    pub vulnerability: String,
    pub cve: Option<String>,
    /// "openssl 1.0.2k; libssl 1.0.2k".
    pub components: String,
    pub known_exploited: bool,
    pub cvss: Option<f64>,
    /// "Affected (SBOM pump.cdx.json)", "Not affected: code not reachable (VEX vex.json)".
    pub status: String,
    pub open: bool,
}

impl Api {
    pub(crate) fn sbom_findings(&self, db: &Db<'_>) -> ApiResult<Vec<SbomFinding>> {
        let loaded = load_all(db)?;
        if loaded.is_empty() {
            return Ok(Vec::new());
        }
        let eff = effective(&loaded, &load_vex(db)?, &self.kev_cves(db)?);
        let summaries = self.summaries(db, &loaded, &eff)?;
        let mut out = Vec::new();
        for ((l, vulns), summary) in loaded.iter().zip(&eff).zip(&summaries) {
            let attached_to = match summary.target {
                SbomTarget::Device { .. } => summary.attached_to.clone(),
                SbomTarget::Model { .. } => format!(
                    "{} ({} device{})",
                    summary.attached_to,
                    summary.devices,
                    if summary.devices == 1 { "" } else { "s" }
                ),
            };
            // By vulnerability: the components it is on, the worst state (open first).
            let mut by_key: BTreeMap<&String, (Vec<String>, &ComponentVulnerability)> =
                BTreeMap::new();
            for c in &l.components {
                let Some(list) = vulns.get(&c.bom_ref) else {
                    continue;
                };
                let name = match &c.version {
                    Some(v) => format!("{} {v}", c.name),
                    None => c.name.clone(),
                };
                for (key, v) in list {
                    let entry = by_key.entry(key).or_insert_with(|| (Vec::new(), v));
                    entry.0.push(name.clone());
                    if v.open && !entry.1.open {
                        entry.1 = v;
                    }
                }
            }
            for (components, v) in by_key.into_values() {
                let state = match v.state {
                    VexState::Affected => "Affected",
                    VexState::UnderInvestigation => "Under investigation",
                    VexState::Fixed => "Fixed",
                    VexState::NotAffected => "Not affected",
                    VexState::Unknown => "Not analysed",
                };
                let why = v
                    .justification
                    .as_deref()
                    .map(|j| format!(": {}", j.replace('_', " ")))
                    .unwrap_or_default();
                out.push(SbomFinding {
                    attached_to: attached_to.clone(),
                    sbom_file: l.row.file_name.clone(),
                    vulnerability: match &v.cve {
                        Some(cve) if cve != &v.id => format!("{cve} ({})", v.id),
                        _ => v.id.clone(),
                    },
                    cve: v.cve.clone(),
                    components: components.join("; "),
                    known_exploited: v.known_exploited,
                    cvss: v.cvss,
                    status: format!("{state}{why} ({})", v.source),
                    open: v.open,
                });
            }
        }
        Ok(out)
    }
}

/// What a device's SBOM components add to its risk.
#[derive(Debug, Clone, Default)]
pub(crate) struct SbomOpen {
    /// Distinct open vulnerabilities (by CVE, else id).
    pub count: usize,
    /// "CVE-2022-0778 in openssl 1.0.2k (SBOM abc.cdx.json)", at most [`NAMED_IN_RISK`] and
    /// then "and N more…".
    pub names: Vec<String>,
    /// (CVE id, its naming) of open ones that are in KEV.
    pub known_exploited: Vec<(String, String)>,
}

fn sboms_of(
    loaded: &[Loaded],
    device: DeviceId,
    fields: &devicerisk_core::DeviceFields,
) -> Vec<usize> {
    let model = match (&fields.manufacturer, &fields.model) {
        (Some(m), Some(n)) if !m.trim().is_empty() && !n.trim().is_empty() => Some(model_key(m, n)),
        _ => None,
    };
    let mut own = Vec::new();
    let mut shared = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        match &l.row.attachment {
            SbomAttachment::Device(d) if *d == device => own.push(i),
            SbomAttachment::Model {
                manufacturer,
                model: m,
            } if model.as_ref() == Some(&model_key(manufacturer, m)) => shared.push(i),
            _ => {}
        }
    }
    own.extend(shared);
    own
}

/// One open vulnerability as a device's risk names it.
struct Named {
    score: f64,
    name: String,
    exploited: bool,
    cve: Option<String>,
}

fn open_of(loaded: &[Loaded], eff: &Effective, indexes: &[usize]) -> SbomOpen {
    // By key (CVE, else id): the naming with the worst score.
    let mut found: BTreeMap<String, Named> = BTreeMap::new();
    for &i in indexes {
        let l = &loaded[i];
        for c in &l.components {
            let Some(list) = eff[i].get(&c.bom_ref) else {
                continue;
            };
            for (key, v) in list.iter().filter(|(_, v)| v.open) {
                let component = match &c.version {
                    Some(version) => format!("{} {version}", c.name),
                    None => c.name.clone(),
                };
                let shown = match (&v.cve, v.cve.as_deref() == Some(v.id.as_str())) {
                    (Some(cve), false) => format!("{cve} ({})", v.id),
                    _ => v.id.clone(),
                };
                let cvss = v.cvss.map(|s| format!(", CVSS {s:.1}")).unwrap_or_default();
                let score = v.cvss.unwrap_or(-1.0);
                if found.get(key).is_some_and(|n| n.score >= score) {
                    continue;
                }
                found.insert(
                    key.clone(),
                    Named {
                        score,
                        name: format!("{shown} in {component} (SBOM {}{cvss})", l.row.file_name),
                        exploited: v.known_exploited,
                        cve: v.cve.clone(),
                    },
                );
            }
        }
    }
    let mut ranked: Vec<(&String, &Named)> = found.iter().collect();
    ranked.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(b.0)));
    let mut names: Vec<String> = ranked
        .iter()
        .take(NAMED_IN_RISK)
        .map(|(_, n)| n.name.clone())
        .collect();
    if ranked.len() > NAMED_IN_RISK {
        names.push(format!(
            "and {} more in SBOM components",
            ranked.len() - NAMED_IN_RISK
        ));
    }
    SbomOpen {
        count: found.len(),
        names,
        known_exploited: found
            .values()
            .filter(|n| n.exploited)
            .filter_map(|n| n.cve.clone().map(|c| (c, n.name.clone())))
            .collect(),
    }
}
