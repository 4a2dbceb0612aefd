//! "Change since the previous assessment" for the audit packet, and the risk snapshot it
//! compares with.
//!
//! Risk levels are computed, never stored (`risks.rs`), so the levels "then" exist only if they
//! were kept: finalizing an assessment records every device's and every register risk's level
//! in the same transaction (`risk_snapshots`, migration 0007). Devices added and retired come
//! from the device records' creation and decommissioning times, changed devices from the audit
//! log. What is not recorded is said to be not recorded, never guessed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use devicerisk_core::questionnaire::AssessmentId;
use devicerisk_core::risk::{Method, RiskLevel};
use devicerisk_core::{Device, DeviceId, DeviceStatus, RiskStatus};
use devicerisk_report::model::{
    ChangeSincePrevious, LevelChange, LevelCounts, RiskChange, RiskChangeKind, CHANGE_NAMES,
};
use devicerisk_store::{Db, RiskSnapshotRecord};
use serde::{Deserialize, Serialize};

use crate::{Api, ApiError, ApiResult, AssessmentOverview, ErrorCode, RegisterRisk, RiskOrigin};

/// What `risk_snapshots.snapshot` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RiskSnapshot {
    pub devices: Vec<SnapshotDevice>,
    pub risks: Vec<SnapshotRisk>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SnapshotDevice {
    pub id: DeviceId,
    pub level: RiskLevel,
    pub residual: RiskLevel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SnapshotRisk {
    pub key: String,
    pub title: String,
    pub level: RiskLevel,
    pub residual: RiskLevel,
    pub devices: u32,
    pub status: RiskStatus,
}

/// Today's side of the comparison, as the packet computed it.
pub(crate) struct Now<'a> {
    /// Every device record (in use and retired).
    pub devices: &'a [Device],
    /// Inherent and residual level of each device in use.
    pub levels: &'a HashMap<DeviceId, (RiskLevel, RiskLevel)>,
    pub register: &'a [RegisterRisk],
    pub audit: &'a [devicerisk_store::AuditEntry],
}

fn device_name(d: &Device) -> String {
    match &d.fields.asset_tag {
        Some(tag) => format!("{tag} {}", d.fields.name),
        None => d.fields.name.clone(),
    }
}

fn counts<'a>(levels: impl Iterator<Item = &'a RiskLevel>) -> LevelCounts {
    let mut c = LevelCounts::default();
    for &level in levels {
        c.add(level);
    }
    c
}

impl Api {
    /// Keeps the levels of every device and register risk as they are now, for the assessment
    /// being finalized in `db`'s transaction.
    pub(crate) fn record_risk_snapshot(&self, db: &Db<'_>, id: AssessmentId) -> ApiResult<()> {
        let computed = self.compute_register(db)?;
        let snapshot = RiskSnapshot {
            devices: computed
                .devices
                .iter()
                .map(|(facts, score)| SnapshotDevice {
                    id: facts.device.id,
                    level: score.level,
                    residual: score.residual_level,
                })
                .collect(),
            risks: computed
                .risks
                .iter()
                .map(|r| SnapshotRisk {
                    key: r.key.clone(),
                    title: r.title.clone(),
                    level: r.level,
                    residual: r.residual_level,
                    devices: r.devices.len() as u32,
                    status: r.status,
                })
                .collect(),
        };
        let json = serde_json::to_string(&snapshot)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        db.save_risk_snapshot(&RiskSnapshotRecord {
            assessment_id: id,
            taken_at: self.now(),
            method_version: Method::builtin().version().to_string(),
            snapshot: json,
        })?;
        Ok(())
    }

    /// The change from `previous` (an earlier assessment) to today's facts.
    pub(crate) fn change_since(
        &self,
        previous: &AssessmentOverview,
        current: &AssessmentOverview,
        answers_changed: u32,
        now: &Now<'_>,
    ) -> ApiResult<ChangeSincePrevious> {
        let prev = &previous.summary;
        let a = &prev.assessment;
        // Devices created after this were not in the previous assessment.
        let (since_at, since): (DateTime<Utc>, String) = match (&prev.finalized_at, &a.sign_off) {
            (Some(at), Some(sign)) => (
                *at,
                format!(
                    "\"{}\" was finalized (signed off on {})",
                    a.title, sign.signed_on
                ),
            ),
            _ => (
                prev.created_at,
                format!(
                    "\"{}\" was started on {} (it is still a draft)",
                    a.title, a.started_on
                ),
            ),
        };

        // Questionnaire findings, keyed by subject and question.
        let key = |f: &crate::SubjectFinding| (f.label.clone(), f.finding.question_id.clone());
        let before: HashSet<_> = previous.findings.iter().map(key).collect();
        let after: HashSet<_> = current.findings.iter().map(key).collect();

        // The inventory.
        let mut added: Vec<&Device> = now
            .devices
            .iter()
            .filter(|d| d.created_at > since_at)
            .collect();
        let mut retired: Vec<&Device> = now
            .devices
            .iter()
            .filter(|d| {
                d.fields.status == DeviceStatus::Decommissioned
                    && d.decommissioned_at.is_some_and(|at| at > since_at)
            })
            .collect();
        let by_tag = |a: &&Device, b: &&Device| {
            (&a.fields.asset_tag, &a.fields.name).cmp(&(&b.fields.asset_tag, &b.fields.name))
        };
        added.sort_by(by_tag);
        retired.sort_by(by_tag);
        // Added and retired devices are counted as such, not again as changed.
        let added_ids: HashSet<String> = added
            .iter()
            .chain(&retired)
            .map(|d| d.id.to_string())
            .collect();
        let known: HashSet<String> = now.devices.iter().map(|d| d.id.to_string()).collect();
        let changed: HashSet<&str> = now
            .audit
            .iter()
            .filter(|e| {
                e.at > since_at
                    && e.entity == "device"
                    && matches!(e.action.as_str(), "update" | "patch" | "decommission")
                    && known.contains(&e.entity_id)
                    && !added_ids.contains(&e.entity_id)
            })
            .map(|e| e.entity_id.as_str())
            .collect();

        let inventory_imports = now
            .audit
            .iter()
            .filter(|e| e.at > since_at && e.entity == "inventory" && e.action == "import")
            .count() as u32;

        let (levels, levels_not_recorded) = match self.store.db().risk_snapshot(a.id)? {
            Some(record) => {
                let snapshot: RiskSnapshot =
                    serde_json::from_str(&record.snapshot).map_err(|e| {
                        ApiError::new(
                            ErrorCode::Internal,
                            format!("the risk levels kept for \"{}\" do not read: {e}", a.title),
                        )
                    })?;
                (
                    Some(level_change(&snapshot, record.method_version, now)),
                    String::new(),
                )
            }
            None if prev.finalized_at.is_none() => (
                None,
                format!(
                    "Not recorded: the risk levels of an assessment are kept when it is finalized, \
                     and \"{}\" is still a draft.",
                    a.title
                ),
            ),
            None => (
                None,
                format!(
                    "Not recorded: \"{}\" was finalized before DeviceRisk kept the risk levels of \
                     a finalized assessment, and levels are computed, not stored.",
                    a.title
                ),
            ),
        };

        Ok(ChangeSincePrevious {
            previous_title: a.title.clone(),
            previous_started_on: a.started_on,
            previous_signed_on: a.sign_off.as_ref().map(|s| s.signed_on),
            since,
            previous_findings: previous.findings.len() as u32,
            findings_now: current.findings.len() as u32,
            resolved: before.difference(&after).count() as u32,
            new: after.difference(&before).count() as u32,
            answers_changed,
            devices_added: added.len() as u32,
            devices_added_names: added
                .iter()
                .take(CHANGE_NAMES)
                .map(|d| device_name(d))
                .collect(),
            devices_retired: retired.len() as u32,
            devices_retired_names: retired
                .iter()
                .take(CHANGE_NAMES)
                .map(|d| device_name(d))
                .collect(),
            devices_changed: changed.len() as u32,
            inventory_imports,
            levels,
            levels_not_recorded,
        })
    }
}

fn level_change(snapshot: &RiskSnapshot, method_then: String, now: &Now<'_>) -> LevelChange {
    let then: HashMap<DeviceId, &SnapshotDevice> =
        snapshot.devices.iter().map(|d| (d.id, d)).collect();
    let (mut devices_up, mut devices_down) = (0, 0);
    for (id, (_, residual)) in now.levels {
        if let Some(before) = then.get(id) {
            if *residual > before.residual {
                devices_up += 1;
            } else if *residual < before.residual {
                devices_down += 1;
            }
        }
    }

    let risks_then: HashMap<&str, &SnapshotRisk> =
        snapshot.risks.iter().map(|r| (r.key.as_str(), r)).collect();
    let mut risks = Vec::new();
    let change = |title: &str, change, then, now| RiskChange {
        title: title.to_string(),
        change,
        then,
        now,
    };
    for r in now.register {
        let found = !r.devices.is_empty() || r.origin == RiskOrigin::Manual;
        let closed = r.status == RiskStatus::Closed;
        match risks_then.get(r.key.as_str()) {
            None if found && !closed => risks.push(change(
                &r.title,
                RiskChangeKind::New,
                None,
                Some(r.residual_level),
            )),
            None => {}
            Some(t) => {
                // A finding no device has any more is closed by the facts; say which.
                let kind = if !found && t.devices > 0 {
                    Some(RiskChangeKind::NoLongerFound)
                } else if closed && t.status != RiskStatus::Closed {
                    Some(RiskChangeKind::Closed)
                } else if !found || closed {
                    None
                } else if r.residual_level > t.residual {
                    Some(RiskChangeKind::Higher)
                } else if r.residual_level < t.residual {
                    Some(RiskChangeKind::Lower)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    let now_level = (found && !closed).then_some(r.residual_level);
                    risks.push(change(&r.title, kind, Some(t.residual), now_level));
                }
            }
        }
    }
    // Risks the register no longer lists at all: a finding no device has and nobody decided
    // about, or a risk added by hand and deleted.
    let listed: HashSet<&str> = now.register.iter().map(|r| r.key.as_str()).collect();
    for t in &snapshot.risks {
        if !listed.contains(t.key.as_str()) && t.status != RiskStatus::Closed {
            risks.push(change(
                &t.title,
                RiskChangeKind::NoLongerFound,
                Some(t.residual),
                None,
            ));
        }
    }
    risks.sort_by(|a, b| {
        a.change
            .cmp(&b.change)
            .then_with(|| b.now.max(b.then).cmp(&a.now.max(a.then)))
            .then_with(|| a.title.cmp(&b.title))
    });

    LevelChange {
        method_then,
        inherent_then: counts(snapshot.devices.iter().map(|d| &d.level)),
        residual_then: counts(snapshot.devices.iter().map(|d| &d.residual)),
        inherent_now: counts(now.levels.values().map(|(level, _)| level)),
        residual_now: counts(now.levels.values().map(|(_, residual)| residual)),
        devices_up,
        devices_down,
        risks,
    }
}
