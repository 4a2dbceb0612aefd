//! The lifecycle records a clinic keeps: planned actions, patch log entries and the
//! decommission checklist. The store saves them; the rules above read them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::plan::PlanAction;
use crate::{DeviceId, PatchId, PlanId};

/// Where a planned action is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 4] = [
        PlanStatus::Planned,
        PlanStatus::InProgress,
        PlanStatus::Done,
        PlanStatus::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PlanStatus::Planned => "planned",
            PlanStatus::InProgress => "in_progress",
            PlanStatus::Done => "done",
            PlanStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Planned => "Planned",
            PlanStatus::InProgress => "In progress",
            PlanStatus::Done => "Done",
            PlanStatus::Cancelled => "Cancelled",
        }
    }

    /// Still to do: counts in budgets and deadlines.
    pub fn is_open(self) -> bool {
        matches!(self, PlanStatus::Planned | PlanStatus::InProgress)
    }
}

/// Whether the user wrote the action or accepted a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PlanOrigin {
    Suggested,
    User,
}

impl PlanOrigin {
    pub fn key(self) -> &'static str {
        match self {
            PlanOrigin::Suggested => "suggested",
            PlanOrigin::User => "user",
        }
    }

    pub fn from_key(key: &str) -> Option<PlanOrigin> {
        match key {
            "suggested" => Some(PlanOrigin::Suggested),
            "user" => Some(PlanOrigin::User),
            _ => None,
        }
    }
}

/// What the user enters for a planned action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanFields {
    pub device_id: DeviceId,
    pub action: PlanAction,
    pub target_date: NaiveDate,
    /// Estimated cost in cents (whole dollars × 100); `None` when not estimated.
    pub cost_cents: Option<i32>,
    pub owner: Option<String>,
    pub status: PlanStatus,
    pub origin: PlanOrigin,
    pub with_monitoring: bool,
    pub note: Option<String>,
}

/// A stored planned action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlannedAction {
    pub id: PlanId,
    pub fields: PlanFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One patch applied to a device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PatchEntry {
    pub id: PatchId,
    pub device_id: DeviceId,
    pub patched_on: NaiveDate,
    pub from_version: Option<String>,
    pub to_version: String,
    /// Who tested the device after the patch.
    pub tested_by: Option<String>,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// The steps of taking a device out of service (DESIGN.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DecommissionStepKind {
    DataWiped,
    AccountsRemoved,
    NetworkRemoved,
    MonitoringRemoved,
    CertificateAttached,
}

impl DecommissionStepKind {
    pub const ALL: [DecommissionStepKind; 5] = [
        DecommissionStepKind::DataWiped,
        DecommissionStepKind::AccountsRemoved,
        DecommissionStepKind::NetworkRemoved,
        DecommissionStepKind::MonitoringRemoved,
        DecommissionStepKind::CertificateAttached,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DecommissionStepKind::DataWiped => "data_wiped",
            DecommissionStepKind::AccountsRemoved => "accounts_removed",
            DecommissionStepKind::NetworkRemoved => "network_removed",
            DecommissionStepKind::MonitoringRemoved => "monitoring_removed",
            DecommissionStepKind::CertificateAttached => "certificate_attached",
        }
    }

    pub fn from_key(key: &str) -> Option<DecommissionStepKind> {
        DecommissionStepKind::ALL
            .into_iter()
            .find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            DecommissionStepKind::DataWiped => "Patient and clinic data wiped",
            DecommissionStepKind::AccountsRemoved => "Accounts and credentials removed",
            DecommissionStepKind::NetworkRemoved => "Removed from the network",
            DecommissionStepKind::MonitoringRemoved => "Removed from monitoring",
            DecommissionStepKind::CertificateAttached => "Disposal certificate attached",
        }
    }
}

/// A file kept as evidence: copied into the data folder, with its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct StoredFile {
    pub file_name: String,
    /// Relative to the data folder.
    pub stored_path: String,
    pub sha256: String,
    pub size: u32,
}

/// One done step of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DecommissionStepRecord {
    pub device_id: DeviceId,
    pub step: DecommissionStepKind,
    pub done_by: String,
    pub done_on: NaiveDate,
    pub note: Option<String>,
    /// The disposal certificate (only for that step).
    pub file: Option<StoredFile>,
    pub recorded_at: DateTime<Utc>,
}
