//! The audit packet: builds the report model from the database (devices, risks computed with
//! the method, questionnaire findings, evidence, audit log) and writes it as PDF or XLSX
//! through `devicerisk_report`. Generating a packet is recorded in the audit log.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Utc};
use devicerisk_core::questionnaire::{
    AnswerSubject, AnswerValue, AssessmentId, AssessmentStatus, Severity,
};
use devicerisk_core::risk::{self, KnownVulnerabilities, Method, RiskInput, RiskLevel};
use devicerisk_core::*;
use devicerisk_core::{RiskStatus, RiskTreatment};
use devicerisk_report::model::*;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{questionnaire, Api, ApiError, ApiResult, AssessmentOverview, ErrorCode};

pub use devicerisk_report::Paper;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Pdf,
    Xlsx,
}

/// What packet to write, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ReportRequest {
    pub format: ReportFormat,
    /// Ignored for the workbook.
    pub paper: Paper,
    /// Default: the newest assessment (none yet: the packet covers the inventory and risks).
    pub assessment_id: Option<AssessmentId>,
    /// The file to write (replaced if it exists).
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ReportResult {
    pub path: String,
    pub format: ReportFormat,
    /// PDF only.
    pub pages: Option<u32>,
    pub size_bytes: f64,
    pub devices: u32,
    pub assessment_title: Option<String>,
}

/// One step of progress while a packet is generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ReportProgress {
    /// 0 to 1.
    pub fraction: f64,
    pub stage: String,
}

/// The seven provider practices of DESIGN.md section 2, numbered as the questionnaires number them.
const PRACTICES: [&str; 7] = [
    "Complete device inventory",
    "Segment medical devices from core IT",
    "Change default credentials, harden",
    "Patch management",
    "Continuous monitoring",
    "Security in procurement",
    "Regular risk assessments",
];

fn severity_level(s: Severity) -> RiskLevel {
    match s {
        Severity::Low => RiskLevel::Low,
        Severity::Medium => RiskLevel::Medium,
        Severity::High => RiskLevel::High,
        Severity::Critical => RiskLevel::Critical,
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn answer_text(question_id: &str, value: &AnswerValue) -> String {
    let question = questionnaire().ok().and_then(|q| q.question(question_id));
    let option = |id: &str| {
        question
            .and_then(|q| q.option(id))
            .map(|o| o.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    match value {
        AnswerValue::Yes => "Yes".into(),
        AnswerValue::No => "No".into(),
        AnswerValue::Partial => "Partly".into(),
        AnswerValue::Choice(id) => option(id),
        AnswerValue::Choices(ids) => ids
            .iter()
            .map(|id| option(id))
            .collect::<Vec<_>>()
            .join(", "),
        AnswerValue::Number(n) => format!("{n}"),
        AnswerValue::Date(d) => d.to_string(),
        AnswerValue::Text(t) => t.clone(),
        AnswerValue::Unknown => "Unknown".into(),
        AnswerValue::NotApplicable => "Not applicable (no reason given)".into(),
    }
}

fn counts(map: BTreeMap<String, u32>) -> Vec<CountRow> {
    let mut rows: Vec<CountRow> = map
        .into_iter()
        .map(|(label, count)| CountRow { label, count })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    rows
}

fn join_nonempty(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(sep)
}

/// Does the device sit on an IP network (or is that not known)?
fn on_network(fields: &DeviceFields) -> bool {
    fields.connectivity.is_empty()
        || fields.connectivity.iter().any(|c| {
            matches!(
                c,
                Connectivity::Wired | Connectivity::Wifi | Connectivity::Cellular
            )
        })
}

fn is_medical(category: DeviceCategory) -> bool {
    !matches!(
        category,
        DeviceCategory::ClinicalWorkstation | DeviceCategory::BuildingSystem
    )
}

/// The segmentation finding for a networked medical device, if its zone is not one of its own.
fn segmentation_issue(purpose: Option<ZonePurpose>) -> Option<(&'static str, RiskLevel)> {
    Some(match purpose {
        None => (
            "No network zone recorded: nobody can say which network it shares.",
            RiskLevel::High,
        ),
        Some(ZonePurpose::FlatUnknown) => (
            "On a flat or unknown network shared with every other system.",
            RiskLevel::High,
        ),
        Some(ZonePurpose::Guest) => (
            "On the guest network, reachable by visitors' devices.",
            RiskLevel::Critical,
        ),
        Some(ZonePurpose::Dmz) => ("In an internet-facing zone.", RiskLevel::Critical),
        Some(ZonePurpose::Corporate) => (
            "Shares the office network with e-mail and web browsing.",
            RiskLevel::High,
        ),
        Some(ZonePurpose::BuildingSystems) => {
            ("Shares a network with building systems.", RiskLevel::Medium)
        }
        Some(ZonePurpose::ClinicalIt) => (
            "On the clinical IT network rather than a medical-device segment.",
            RiskLevel::Medium,
        ),
        Some(ZonePurpose::MedicalDevices) | Some(ZonePurpose::Isolated) => return None,
    })
}

impl Api {
    /// The newest assessment (by start date, then revision), if any.
    fn newest_assessment(&self) -> ApiResult<Option<AssessmentId>> {
        let mut all = self.list_assessments()?;
        all.sort_by_key(|a| (a.assessment.started_on, a.assessment.revision, a.created_at));
        Ok(all.last().map(|a| a.assessment.id))
    }

    /// Builds the packet's model for an assessment (default: the newest) as of `generated_at`.
    pub fn report_model(
        &self,
        assessment_id: Option<AssessmentId>,
        generated_at: DateTime<Utc>,
    ) -> ApiResult<ReportModel> {
        let db = self.store.db();
        let method = Method::builtin();
        let today = self.today();
        let clinic = db.clinic()?.unwrap_or_default();
        let sites: HashMap<SiteId, Site> = db.sites()?.into_iter().map(|s| (s.id, s)).collect();
        let zones: HashMap<ZoneId, Zone> = db.zones()?.into_iter().map(|z| (z.id, z)).collect();
        let vendors = db.vendors()?;
        let vendor_names: HashMap<VendorId, String> = vendors
            .iter()
            .map(|v| (v.id, v.fields.name.clone()))
            .collect();
        let mut devices = db.devices()?;
        devices.sort_by(|a, b| {
            let retired = |d: &Device| d.fields.status == DeviceStatus::Decommissioned;
            retired(a)
                .cmp(&retired(b))
                .then_with(|| a.fields.asset_tag.cmp(&b.fields.asset_tag))
                .then_with(|| a.fields.name.cmp(&b.fields.name))
                .then_with(|| a.id.cmp(&b.id))
        });

        let assessment_id = match assessment_id {
            Some(id) => Some(id),
            None => self.newest_assessment()?,
        };
        let overview: Option<AssessmentOverview> = match assessment_id {
            Some(id) => Some(self.assessment_overview(id)?),
            None => None,
        };

        // Open questionnaire gaps per device feed the method, as in the register.
        let mut device_gaps: HashMap<DeviceId, i32> = HashMap::new();
        if let Some(o) = &overview {
            for f in &o.findings {
                if let AnswerSubject::Device(id) = f.subject {
                    *device_gaps.entry(id).or_default() += 1;
                }
            }
        }

        let site_name = |id: Option<SiteId>| {
            id.and_then(|id| sites.get(&id))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| "No site recorded".to_string())
        };
        let zone_name = |id: Option<ZoneId>| {
            id.and_then(|id| zones.get(&id))
                .map(|z| match z.vlan_id {
                    // Zone names often carry their VLAN already ("Medical devices VLAN 30").
                    Some(vlan) if !z.name.contains(&vlan.to_string()) => {
                        format!("{} (VLAN {vlan})", z.name)
                    }
                    _ => z.name.clone(),
                })
                .unwrap_or_else(|| "No zone recorded".to_string())
        };

        let mut register_inputs: HashMap<DeviceId, RiskInput> = self
            .build_risk_inputs(&db)?
            .into_iter()
            .map(|facts| (facts.device.id, facts.input))
            .collect();
        let mut rows = Vec::new();
        let mut risks = Vec::new();
        let mut unsupported = Vec::new();
        let mut seg_findings = Vec::new();
        let (mut by_category, mut by_site, mut by_zone, mut by_support, mut by_purpose) = (
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
            BTreeMap::new(),
        );
        let mut inherent = LevelCounts::default();
        let mut residual = LevelCounts::default();
        let mut heat_map = [[0u32; 5]; 5];
        let mut in_use = 0u32;
        let mut device_levels: HashMap<DeviceId, (RiskLevel, RiskLevel)> = HashMap::new();
        for device in &devices {
            let f = &device.fields;
            let asset_tag = opt(&f.asset_tag);
            let os = join_nonempty(
                &[
                    f.os_name.as_deref().unwrap_or(""),
                    f.os_version.as_deref().unwrap_or(""),
                ],
                " ",
            );
            rows.push(DeviceRow {
                asset_tag: asset_tag.clone(),
                name: f.name.clone(),
                category: f.category.label().to_string(),
                manufacturer: opt(&f.manufacturer),
                model: opt(&f.model),
                serial: opt(&f.serial),
                software_version: opt(&f.software_version),
                operating_system: os.clone(),
                connectivity: f
                    .connectivity
                    .iter()
                    .map(|c| c.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                ip_address: opt(&f.ip_address),
                site: site_name(f.site_id),
                zone: zone_name(f.zone_id),
                department: opt(&f.department),
                vendor: f
                    .vendor_id
                    .and_then(|v| vendor_names.get(&v).cloned())
                    .unwrap_or_default(),
                clinical_function: f.clinical_function.label().to_string(),
                handles_phi: f.handles_phi.label().to_string(),
                patch_status: f.patch_status.label().to_string(),
                last_patch_date: f.last_patch_date,
                vendor_support: f.vendor_support.label().to_string(),
                vendor_end_of_support: f.vendor_end_of_support,
                purchase_date: f.purchase_date,
                owner: opt(&f.owner),
                status: f.status.label().to_string(),
                unknown_facts: f.gaps().len() as u32,
            });
            if f.status == DeviceStatus::Decommissioned {
                continue;
            }
            in_use += 1;
            *by_category
                .entry(f.category.label().to_string())
                .or_insert(0) += 1;
            *by_site.entry(site_name(f.site_id)).or_insert(0) += 1;
            *by_zone.entry(zone_name(f.zone_id)).or_insert(0) += 1;
            *by_support
                .entry(f.vendor_support.label().to_string())
                .or_insert(0) += 1;
            let zone = f.zone_id.and_then(|id| zones.get(&id));
            let purpose = zone.map(|z| z.purpose);
            *by_purpose
                .entry(
                    purpose
                        .map_or("No zone recorded", |p| p.label())
                        .to_string(),
                )
                .or_insert(0) += 1;

            // The register's facts (controls in place, open vulnerabilities, latest gaps) when
            // the risk api has them for this device; the device record alone otherwise.
            let input = register_inputs.remove(&device.id).unwrap_or_else(|| {
                RiskInput::from_device(
                    f,
                    purpose,
                    device_gaps.get(&device.id).copied().unwrap_or(0),
                    KnownVulnerabilities::default(),
                    Vec::new(),
                )
            });
            let explained = risk::assess(method, &input);
            inherent.add(explained.level);
            residual.add(explained.residual_level);
            device_levels.insert(device.id, (explained.level, explained.residual_level));
            heat_map[explained.residual_likelihood.clamp(1, 5) as usize - 1]
                [explained.residual_impact.clamp(1, 5) as usize - 1] += 1;
            // Short labels with their weight; the method appendix has the full sentences.
            let mut reasons: Vec<String> = explained
                .factors
                .iter()
                .filter(|r| r.kind != risk::FactorKind::Impact && r.contribution > 0)
                .take(3)
                .map(|r| format!("{} ({:+})", r.label, r.contribution))
                .collect();
            if let Some(top_impact) = explained
                .factors
                .iter()
                .filter(|r| r.kind == risk::FactorKind::Impact)
                .max_by_key(|r| r.contribution)
            {
                reasons.push(format!(
                    "{} (impact {})",
                    top_impact.label, top_impact.contribution
                ));
            }
            let best_action = risk::what_would_lower(method, &input)
                .into_iter()
                .next()
                .map(|a| {
                    if a.to_level < a.from_level {
                        format!(
                            "{}: {} → {}",
                            a.label,
                            level_label(a.from_level),
                            level_label(a.to_level)
                        )
                    } else {
                        a.label
                    }
                })
                .unwrap_or_default();
            let risk_row = RiskRow {
                asset_tag: asset_tag.clone(),
                device: f.name.clone(),
                category: f.category.label().to_string(),
                site: site_name(f.site_id),
                owner: opt(&f.owner),
                likelihood: explained.likelihood,
                impact: explained.impact,
                inherent: explained.level,
                residual_likelihood: explained.residual_likelihood,
                residual_impact: explained.residual_impact,
                residual: explained.residual_level,
                reasons,
                best_action,
            };
            if matches!(f.vendor_support, VendorSupport::Ended)
                || matches!(f.patch_status, PatchStatus::Unpatchable)
                || f.vendor_end_of_support.is_some_and(|d| d <= today)
            {
                let mut measures: Vec<String> = input
                    .controls
                    .iter()
                    .filter_map(|id| method.controls().iter().find(|c| &c.id == id))
                    .map(|c| c.label.clone())
                    .collect();
                if matches!(
                    purpose,
                    Some(ZonePurpose::MedicalDevices | ZonePurpose::Isolated)
                ) {
                    measures.push(format!("segmented ({})", zone_name(f.zone_id)));
                }
                if f.monitoring_coverage == TriState::Yes {
                    measures.push("covered by network monitoring".to_string());
                }
                if f.default_credentials_changed == TriState::Yes {
                    measures.push("default credentials changed".to_string());
                }
                if f.remote_vendor_access == RemoteAccess::None {
                    measures.push("no remote vendor access".to_string());
                }
                unsupported.push(UnsupportedDevice {
                    asset_tag: asset_tag.clone(),
                    device: f.name.clone(),
                    operating_system: os,
                    vendor_support: f.vendor_support.label().to_string(),
                    vendor_end_of_support: f.vendor_end_of_support,
                    patch_status: f.patch_status.label().to_string(),
                    residual: explained.residual_level,
                    compensating_controls: if measures.is_empty() {
                        "None recorded".to_string()
                    } else {
                        measures.join("; ")
                    },
                });
            }
            if is_medical(f.category) && on_network(f) {
                if let Some((issue, severity)) = segmentation_issue(purpose) {
                    seg_findings.push(SegmentationFinding {
                        asset_tag,
                        device: f.name.clone(),
                        site: site_name(f.site_id),
                        zone: zone_name(f.zone_id),
                        issue: issue.to_string(),
                        severity,
                    });
                }
            }
            risks.push(risk_row);
        }
        // Highest residual first; then inherent, then likelihood, then name: a stable order.
        risks.sort_by(|a, b| {
            b.residual
                .cmp(&a.residual)
                .then_with(|| b.inherent.cmp(&a.inherent))
                .then_with(|| {
                    (b.residual_likelihood, b.residual_impact)
                        .cmp(&(a.residual_likelihood, a.residual_impact))
                })
                .then_with(|| a.asset_tag.cmp(&b.asset_tag))
                .then_with(|| a.device.cmp(&b.device))
        });
        seg_findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.asset_tag.cmp(&b.asset_tag))
        });
        unsupported.sort_by(|a, b| {
            b.residual
                .cmp(&a.residual)
                .then_with(|| a.asset_tag.cmp(&b.asset_tag))
        });

        // Questionnaire.
        let mut gaps = Vec::new();
        let mut practice_counts = [LevelCounts::default(); 7];
        let mut findings_by_level = LevelCounts::default();
        if let Some(o) = &overview {
            for sf in &o.findings {
                let f = &sf.finding;
                let level = severity_level(f.severity);
                findings_by_level.add(level);
                if (1..=7).contains(&f.practice) {
                    practice_counts[f.practice as usize - 1].add(level);
                }
                gaps.push(GapRow {
                    practice: f.practice,
                    subject: sf.label.clone(),
                    question_id: f.question_id.clone(),
                    question: f.question.clone(),
                    answer: answer_text(&f.question_id, &f.answer),
                    severity: level,
                    action: f.action.clone(),
                    note: opt(&f.note),
                    hicp: f.hicp.clone(),
                    csf: f.csf.join(", "),
                    hipaa: f.hipaa.join(", "),
                });
            }
        }
        let practices = PRACTICES
            .iter()
            .enumerate()
            .map(|(i, name)| PracticeRow {
                practice: i as u8 + 1,
                name: name.to_string(),
                findings: practice_counts[i],
            })
            .collect();

        let mut mapping: Vec<MappingRow> = gaps
            .iter()
            .map(|g| MappingRow {
                finding: g.question.clone(),
                subject: g.subject.clone(),
                severity: g.severity,
                hipaa: g.hipaa.clone(),
                hicp: g.hicp.clone(),
                csf: g.csf.clone(),
            })
            .collect();
        mapping.extend(seg_findings.iter().map(|s| MappingRow {
            finding: format!("Network segmentation: {}", s.issue),
            subject: s.device.clone(),
            severity: s.severity,
            hipaa: "164.308(a)(1)(ii)(B), 164.312(e)(1)".to_string(),
            hicp: "Practices 6 and 9".to_string(),
            csf: "PR.IR-01".to_string(),
        }));

        // Assessment, change since the previous one, evidence.
        let mut assessment_info = None;
        let mut compared = None;
        let mut evidence = Vec::new();
        let mut sign_off = None;
        if let (Some(id), Some(o)) = (assessment_id, &overview) {
            let a = &o.summary.assessment;
            let final_ = a.status == AssessmentStatus::Final;
            let end = a
                .sign_off
                .as_ref()
                .map(|s| s.signed_on.to_string())
                .unwrap_or_else(|| {
                    if final_ {
                        today.to_string()
                    } else {
                        format!("{today} (draft, to date)")
                    }
                });
            assessment_info = Some(AssessmentInfo {
                id: a.id.to_string(),
                title: a.title.clone(),
                started_on: a.started_on,
                status: if final_ { "Final" } else { "Draft" }.to_string(),
                revision: a.revision,
                assessor: a.assessor.clone(),
                period: format!("{} to {end}", a.started_on),
            });
            sign_off = a
                .sign_off
                .as_ref()
                .map(|s| (s.name.clone(), s.role.clone(), s.signed_on));
            let previous = a.revises.or(a.carried_from).or_else(|| {
                // Else the latest assessment started before this one.
                self.list_assessments().ok().and_then(|all| {
                    all.into_iter()
                        .filter(|x| x.assessment.id != id && x.assessment.started_on < a.started_on)
                        .max_by_key(|x| {
                            (x.assessment.started_on, x.assessment.revision, x.created_at)
                        })
                        .map(|x| x.assessment.id)
                })
            });
            if let Some(prev_id) = previous {
                let answers_changed =
                    crate::assessments::answers_changed_between(&db, prev_id, id)?;
                compared = Some((self.assessment_overview(prev_id)?, answers_changed));
            }
            for e in self.list_evidence(id)? {
                let supports = questionnaire()
                    .ok()
                    .and_then(|q| q.question(&e.question_id))
                    .map(|q| q.text.clone())
                    .unwrap_or_else(|| e.question_id.clone());
                let subject = match &e.subject {
                    AnswerSubject::Clinic => clinic.name.clone(),
                    AnswerSubject::Device(d) => devices
                        .iter()
                        .find(|x| x.id == *d)
                        .map(|x| x.fields.name.clone())
                        .unwrap_or_else(|| d.to_string()),
                    AnswerSubject::Category(c) => format!("Category: {}", c.label()),
                    AnswerSubject::Vendor(v) => vendor_names.get(v).cloned().unwrap_or_default(),
                    AnswerSubject::Purchase(p) => format!("Planned purchase: {p}"),
                };
                evidence.push(EvidenceRow {
                    file_name: e.file_name,
                    sha256: e.sha256,
                    size_bytes: e.size_bytes,
                    subject,
                    question_id: e.question_id,
                    supports,
                    added_at: e.added_at,
                });
            }
        }

        // The register (grouped risks) and what is left to do about them.
        let register = self.risk_register(crate::RegisterFilter::default())?;
        let audit_log: Vec<devicerisk_store::AuditEntry> = db
            .recent_audit(u32::MAX)?
            .into_iter()
            .filter(|e| e.at <= generated_at)
            .collect();
        let change = match (&compared, &overview) {
            (Some((previous, answers_changed)), Some(current)) => Some(self.change_since(
                previous,
                current,
                *answers_changed,
                &crate::change::Now {
                    devices: &devices,
                    levels: &device_levels,
                    register: &register,
                    audit: &audit_log,
                },
            )?),
            _ => None,
        };
        let mut entries: Vec<(RegisterEntry, bool)> = register
            .into_iter()
            .map(|r| {
                let open = matches!(r.status, RiskStatus::Open | RiskStatus::InProgress)
                    && matches!(
                        r.treatment,
                        RiskTreatment::Mitigate | RiskTreatment::Undecided
                    );
                let entry = RegisterEntry {
                    title: r.title,
                    devices: r.devices.len() as u32,
                    inherent: r.level,
                    residual: r.residual_level,
                    treatment: r.treatment.label().to_string(),
                    owner: r.owner.unwrap_or_default(),
                    due_date: r.due_date,
                    review_date: r.review_date,
                    status: r.status.label().to_string(),
                    overdue: r.overdue,
                    controls: r
                        .controls
                        .iter()
                        .map(|c| format!("{} ({})", c.label, c.devices))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                (entry, open)
            })
            .collect();
        entries.sort_by(|(a, _), (b, _)| {
            b.residual
                .cmp(&a.residual)
                .then_with(|| b.devices.cmp(&a.devices))
                .then_with(|| a.title.cmp(&b.title))
        });
        let mut remediation: Vec<RegisterEntry> = entries
            .iter()
            .filter(|(_, open)| *open)
            .map(|(e, _)| e.clone())
            .collect();
        // Due first (overdue at the top), undated last.
        remediation.sort_by(|a, b| {
            (
                a.due_date.is_none(),
                a.due_date,
                std::cmp::Reverse(a.residual),
                &a.title,
            )
                .cmp(&(
                    b.due_date.is_none(),
                    b.due_date,
                    std::cmp::Reverse(b.residual),
                    &b.title,
                ))
        });
        let register_entries: Vec<RegisterEntry> = entries.into_iter().map(|(e, _)| e).collect();

        let roadmap: Vec<RoadmapYear> = self
            .lifecycle_roadmap()?
            .years
            .into_iter()
            .map(|y| RoadmapYear {
                label: y.fiscal_year.label.clone(),
                start: y.fiscal_year.start,
                end: y.fiscal_year.end,
                total: y.total_cents / 100.0,
                unestimated: y.unestimated,
                actions: y
                    .plans
                    .into_iter()
                    .map(|p| RoadmapAction {
                        device: p.device_name,
                        action: p.plan.fields.action.label().to_string(),
                        target_date: p.plan.fields.target_date,
                        cost: p.plan.fields.cost_cents.map(|c| c as f64 / 100.0),
                        owner: p.plan.fields.owner.unwrap_or_default(),
                        status: p.plan.fields.status.label().to_string(),
                    })
                    .collect(),
            })
            .collect();

        let mut vulnerabilities: Vec<VulnerabilityRow> = self
            .list_matches()?
            .into_iter()
            .map(|m| {
                let decision = match &m.decision {
                    None => "Not decided".to_string(),
                    Some(d) => {
                        let status = match d.status {
                            crate::DecisionStatus::Affected => "Affected",
                            crate::DecisionStatus::NotAffected => "Not affected",
                            crate::DecisionStatus::Mitigated => "Mitigated",
                        };
                        let why = d
                            .note
                            .clone()
                            .or_else(|| d.control.clone())
                            .unwrap_or_default();
                        let by = format!("{} on {}", d.decided_by, d.decided_at.format("%Y-%m-%d"));
                        if why.is_empty() {
                            format!("{status} ({by})")
                        } else {
                            format!("{status}: {why} ({by})")
                        }
                    }
                };
                VulnerabilityRow {
                    device: m.device_name,
                    source: m.source_id,
                    title: m.title,
                    confidence: format!("{:?}", m.confidence),
                    cves: m.cves.join(", "),
                    known_exploited: !m.known_exploited.is_empty(),
                    max_cvss: m.max_cvss,
                    decision,
                    counted: m.counts_in_risk,
                }
            })
            .collect();
        // Vulnerabilities of attached SBOMs' components after VEX: one row per SBOM and
        // vulnerability (a model's SBOM is not repeated for each of its devices).
        vulnerabilities.extend(
            self.sbom_findings(&db)?
                .into_iter()
                .map(|f| VulnerabilityRow {
                    device: f.attached_to,
                    source: format!("SBOM {}", f.sbom_file),
                    title: format!("{} in {}", f.vulnerability, f.components),
                    confidence: "Listed".to_string(),
                    cves: f.cve.unwrap_or_default(),
                    known_exploited: f.known_exploited,
                    max_cvss: f.cvss,
                    decision: f.status,
                    counted: f.open,
                }),
        );
        vulnerabilities.sort_by(|a, b| {
            b.counted
                .cmp(&a.counted)
                .then_with(|| b.known_exploited.cmp(&a.known_exploited))
                .then_with(|| a.device.cmp(&b.device))
                .then_with(|| a.source.cmp(&b.source))
        });

        // Vendors.
        let device_counts = db.device_counts_by_vendor()?;
        let mut vendor_rows: Vec<VendorRow> = vendors
            .iter()
            .map(|v| {
                let f = &v.fields;
                let mut missing = Vec::new();
                if f.security_contact.is_none() {
                    missing.push("security contact");
                }
                if f.disclosure_policy != TriState::Yes {
                    missing.push("disclosure policy");
                }
                if f.sbom_on_file != TriState::Yes {
                    missing.push("SBOM");
                }
                if f.mds2_on_file != TriState::Yes {
                    missing.push("MDS2 form");
                }
                if f.baa_signed != TriState::Yes {
                    missing.push("BAA (if it handles PHI)");
                }
                VendorRow {
                    name: f.name.clone(),
                    devices: device_counts.get(&v.id).copied().unwrap_or(0),
                    security_contact: opt(&f.security_contact),
                    disclosure_policy: f.disclosure_policy.label().to_string(),
                    patch_cadence: opt(&f.patch_cadence),
                    support_lifecycle: opt(&f.support_lifecycle),
                    sbom_on_file: f.sbom_on_file.label().to_string(),
                    mds2_on_file: f.mds2_on_file.label().to_string(),
                    baa_signed: f.baa_signed.label().to_string(),
                    missing: missing.join(", "),
                }
            })
            .collect();
        vendor_rows.sort_by_key(|v| v.name.to_lowercase());

        // Audit trail (everything up to the generation time).
        let entries: Vec<AuditRow> = audit_log
            .into_iter()
            .map(|e| AuditRow {
                at: e.at,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                summary: e.summary,
            })
            .collect();
        let mut by_action = BTreeMap::new();
        let mut by_actor = BTreeMap::new();
        for e in &entries {
            *by_action
                .entry(format!("{} {}", e.action, e.entity))
                .or_insert(0) += 1;
            *by_actor.entry(e.actor.clone()).or_insert(0) += 1;
        }
        let audit = AuditSummary {
            total: entries.len() as u32,
            first_at: entries.last().map(|e| e.at),
            last_at: entries.first().map(|e| e.at),
            by_action: counts(by_action),
            by_actor: counts(by_actor),
            entries,
        };

        let clinic_name = if clinic.name.trim().is_empty() {
            "Clinic (profile not filled in)".to_string()
        } else {
            clinic.name.clone()
        };
        let posture = posture(
            &residual,
            in_use,
            seg_findings.len(),
            &findings_by_level,
            unsupported.len(),
        );
        let site_list = {
            let mut names: Vec<_> = sites.values().map(|s| s.name.clone()).collect();
            names.sort();
            names
        };
        let answered = overview.as_ref().map_or(0, |o| o.overall.answered);
        let doc = method.doc();
        let scope = ScopeAndMethod {
            scope: format!(
                "This analysis covers every connected medical device the clinic records as in use \
                 ({in_use} devices) at {} ({}). Decommissioned devices are listed in the \
                 inventory for history but not assessed. Facts are as recorded in DeviceRisk on {today}.",
                if site_list.len() == 1 { "1 site".to_string() } else { format!("{} sites", site_list.len()) },
                if site_list.is_empty() { "no sites recorded".to_string() } else { site_list.join(", ") },
            ),
            method: format!(
                "Risks are rated with the {} version {} (NIST SP 800-30 likelihood × impact; impact \
                 after MITRE's rubric for medical devices, patient safety first). {}",
                doc.name, doc.version, doc.summary.split_whitespace().collect::<Vec<_>>().join(" ")
            ),
            elements: nine_elements(in_use, answered, evidence.len(), &residual, change.as_ref(), audit.total),
        };

        let top_risks = risks.iter().take(10).cloned().collect();
        Ok(ReportModel {
            meta: ReportMeta {
                title: "Medical device security risk analysis".to_string(),
                clinic_name,
                clinic_legal_name: clinic.legal_name.clone(),
                clinic_address: clinic.address.clone(),
                security_officer: clinic.security_officer.clone(),
                contact: clinic.contact_email.clone(),
                assessment: assessment_info,
                generated_at,
                as_of: today,
                method_name: doc.name.clone(),
                method_version: doc.version.clone(),
                generator: format!("DeviceRisk {}", env!("CARGO_PKG_VERSION")),
            },
            executive: ExecutiveSummary {
                posture,
                devices_in_scope: in_use,
                inherent,
                residual,
                top_risks,
                heat_map,
                matrix: doc.matrix.rows.clone(),
                change,
                findings: findings_by_level,
            },
            scope,
            inventory: InventorySection {
                total: devices.len() as u32,
                in_use,
                by_category: counts(by_category),
                by_site: counts(by_site),
                by_zone: counts(by_zone),
                by_support: counts(by_support),
                devices: rows,
            },
            segmentation: SegmentationSection {
                by_purpose: counts(by_purpose),
                findings: seg_findings,
            },
            questionnaire: QuestionnaireSection {
                questions_shown: overview.as_ref().map(|o| o.overall.total),
                answered,
                unknown: overview.as_ref().map_or(0, |o| o.overall.unknown),
                practices,
                gaps,
            },
            register: RiskRegisterSection {
                entries: register_entries,
                risks,
            },
            remediation,
            roadmap,
            unsupported,
            vulnerabilities,
            vendors: vendor_rows,
            evidence,
            audit,
            method: doc.clone(),
            mapping,
            sign_off: SignOffSection {
                signed: sign_off,
                statement: "By signing, the clinic's security officer and leadership confirm that \
                            this risk analysis reflects the clinic's connected medical devices as \
                            recorded, that the risks above have been reviewed, and that the \
                            remediation of the highest risks is assigned."
                    .to_string(),
            },
        })
    }

    /// Writes the packet to `request.path` and records it in the audit log.
    pub fn write_report(
        &self,
        request: &ReportRequest,
        generated_at: DateTime<Utc>,
        progress: &mut dyn FnMut(ReportProgress),
    ) -> ApiResult<ReportResult> {
        let path = Path::new(request.path.trim());
        if request.path.trim().is_empty() {
            return Err(ApiError::new(
                ErrorCode::Validation,
                "Choose a file to save the packet to.",
            ));
        }
        // A folder that does not exist is the user's to fix (exit 1), unlike a failing disk.
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(ApiError::new(
                    ErrorCode::Validation,
                    format!(
                        "Cannot save the packet to {}: the folder {} does not exist.",
                        path.display(),
                        parent.display()
                    ),
                ));
            }
        }
        progress(ReportProgress {
            fraction: 0.0,
            stage: "Reading the database".into(),
        });
        let model = self.report_model(request.assessment_id, generated_at)?;
        let (bytes, pages) = match request.format {
            ReportFormat::Pdf => {
                let mut forward = |fraction: f32, stage: &str| {
                    progress(ReportProgress {
                        fraction: 0.1 + 0.85 * fraction as f64,
                        stage: stage.to_string(),
                    })
                };
                let pdf = devicerisk_report::render_pdf(&model, request.paper, &mut forward)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
                (pdf.bytes, Some(pdf.pages))
            }
            ReportFormat::Xlsx => {
                progress(ReportProgress {
                    fraction: 0.3,
                    stage: "Writing the workbook".into(),
                });
                let bytes = devicerisk_report::render_xlsx(&model)
                    .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
                (bytes, None)
            }
        };
        std::fs::write(path, &bytes).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("Cannot write the packet to {}: {e}", path.display()),
            )
        })?;
        let kind = match request.format {
            ReportFormat::Pdf => "PDF",
            ReportFormat::Xlsx => "workbook",
        };
        let assessment_title = model.meta.assessment.as_ref().map(|a| a.title.clone());
        let entity_id = model
            .meta
            .assessment
            .as_ref()
            .map(|a| a.id.clone())
            .unwrap_or_default();
        let summary = format!(
            "Audit packet ({kind}) generated for {} to {}",
            assessment_title
                .as_deref()
                .unwrap_or("the inventory (no assessment yet)"),
            path.display()
        );
        self.store
            .transaction(|db| self.audit(db, "generate", "packet", &entity_id, &summary))?;
        progress(ReportProgress {
            fraction: 1.0,
            stage: "Saved".into(),
        });
        Ok(ReportResult {
            path: path.display().to_string(),
            format: request.format,
            pages,
            size_bytes: bytes.len() as f64,
            devices: model.executive.devices_in_scope,
            assessment_title,
        })
    }

    /// Has a packet been generated (for the home checklist)?
    pub(crate) fn packets_generated(&self) -> ApiResult<Vec<crate::AuditEntry>> {
        Ok(self
            .store
            .db()
            .recent_audit(u32::MAX)?
            .into_iter()
            .filter(|e| e.entity == "packet")
            .map(crate::AuditEntry::from)
            .collect())
    }
}

fn posture(
    residual: &LevelCounts,
    in_use: u32,
    segmentation: usize,
    findings: &LevelCounts,
    unsupported: usize,
) -> String {
    if in_use == 0 {
        return "No devices in use are recorded yet, so no device risk can be stated.".into();
    }
    let urgent = residual.critical + residual.high;
    let verb = |n: u32| if n == 1 { "is" } else { "are" };
    let first = if residual.critical > 0 {
        format!(
            "The clinic's connected medical devices carry serious risk: of {in_use} devices in use, \
             {} {} at a critical and {} at a high residual level.",
            residual.critical,
            verb(residual.critical),
            residual.high
        )
    } else if residual.high > 0 {
        format!(
            "The clinic's connected medical devices carry elevated risk: no device is critical, but \
             {} of {in_use} {} at a high residual level.",
            residual.high,
            verb(residual.high)
        )
    } else {
        format!(
            "The clinic's connected medical devices are in a sound position: none of the {in_use} \
             devices is at a high or critical residual level."
        )
    };
    let mut rest = Vec::new();
    if segmentation > 0 {
        rest.push(format!(
            "{segmentation} medical {} not on a dedicated medical-device network segment",
            if segmentation == 1 {
                "device is"
            } else {
                "devices are"
            }
        ));
    }
    if unsupported > 0 {
        rest.push(format!(
            "{unsupported} {} unsupported by the vendor or cannot be patched",
            if unsupported == 1 {
                "device is"
            } else {
                "devices are"
            }
        ));
    }
    let gaps = findings.total();
    if gaps > 0 {
        rest.push(format!(
            "the questionnaires found {gaps} gaps ({} critical, {} high)",
            findings.critical, findings.high
        ));
    }
    let mut text = first;
    if !rest.is_empty() {
        text.push(' ');
        let joined = rest.join("; ");
        let mut chars = joined.chars();
        if let Some(c) = chars.next() {
            text.push_str(&c.to_uppercase().collect::<String>());
            text.push_str(chars.as_str());
        }
        text.push('.');
    }
    if urgent > 0 {
        text.push_str(
            " The top risks below, and the action that lowers each most, are where to start.",
        );
    }
    text
}

fn nine_elements(
    in_use: u32,
    answered: u32,
    evidence: usize,
    residual: &LevelCounts,
    change: Option<&ChangeSincePrevious>,
    audit_entries: u32,
) -> Vec<ElementRow> {
    let row = |element: &str, how: String, sections: &str| ElementRow {
        element: element.to_string(),
        how_met: how,
        sections: sections.to_string(),
    };
    vec![
        row("1. Scope of the analysis", format!("Every connected medical device in use ({in_use}), at every site, whatever its connectivity."), "2 Scope and method; 4 Full inventory"),
        row("2. Data collection", format!("Device facts from the inventory (entered or imported), {answered} questionnaire answers, {evidence} evidence files with their SHA-256."), "4 Full inventory; 6 Questionnaire; 13 Evidence index"),
        row("3. Threats and vulnerabilities", "Each device's exposure and weaknesses (network, remote access, patching, credentials, support), segmentation findings and questionnaire gaps.".into(), "5 Segmentation; 6 Questionnaire; 7 Risk register; 11 Vulnerabilities"),
        row("4. Current security measures", "Questionnaire answers on hardening, patching, monitoring and procurement; the compensating measures recorded per device.".into(), "6 Questionnaire; 8 Remediation plan; 10 Unsupported devices; 15 Method appendix"),
        row("5. Likelihood of threat occurrence", "A likelihood of 1-5 per device from the method's weighted factors, with the reasons printed.".into(), "7 Risk register; 15 Method appendix"),
        row("6. Potential impact", "An impact of 1-5 per device from patient safety, confidentiality, integrity and availability.".into(), "7 Risk register; 15 Method appendix"),
        row("7. Level of risk", format!("Likelihood × impact on the 5×5 matrix: {} critical, {} high, {} medium, {} low (residual).", residual.critical, residual.high, residual.medium, residual.low), "1 Executive summary; 7 Risk register"),
        row("8. Documentation", format!("This packet (PDF and workbook from the same data), {audit_entries} audit-log entries, and the sign-off."), "14 Audit trail; 17 Sign-off"),
        row("9. Periodic review and update", match change { Some(c) => format!("Dated assessments with revisions; compared with \"{}\" ({}).", c.previous_title, c.previous_started_on), None => "Dated assessments with revisions; this is the first one recorded, the next review repeats it.".into() }, "1 Executive summary; 9 Lifecycle roadmap; 14 Audit trail"),
    ]
}

impl Api {
    /// [`Api::write_report`] generated now (to the second), for front ends.
    pub fn write_report_now(
        &self,
        request: &ReportRequest,
        progress: &mut dyn FnMut(ReportProgress),
    ) -> ApiResult<ReportResult> {
        use chrono::SubsecRound;
        self.write_report(request, self.now().trunc_subsecs(0), progress)
    }
}

/// The packet to hand to the desktop's default application: only an existing `.pdf` or
/// `.xlsx` file, so the window can never ask the system to open (run) anything else.
pub fn packet_file(path: &str) -> ApiResult<std::path::PathBuf> {
    let path = std::path::PathBuf::from(path.trim());
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("pdf" | "xlsx")) {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("{} is not a packet (.pdf or .xlsx).", path.display()),
        ));
    }
    if !path.is_file() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("{} does not exist (was it moved?).", path.display()),
        ));
    }
    Ok(path)
}
