//! Request and response types of the risk use cases (issue 4).

use chrono::{DateTime, NaiveDate, Utc};
use devicerisk_core::risk::{Action, ControlScope, DeviceRiskResult, RiskLevel};
use devicerisk_core::*;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Where a register risk comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RiskOrigin {
    /// Grouped from a device fact (`factor:<id>` key).
    DeviceFact,
    /// Grouped from a device-questionnaire gap (`question:<id>` key).
    Questionnaire,
    /// Added by hand (`manual:<uuid>` key).
    Manual,
}

/// A device a risk concerns, with that device's own levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AffectedDevice {
    pub id: DeviceId,
    pub asset_tag: Option<String>,
    pub name: String,
    pub level: RiskLevel,
    pub residual_level: RiskLevel,
}

/// A compensating control in place on some of a risk's devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RiskControl {
    pub id: String,
    pub label: String,
    /// How many of the risk's devices have it.
    pub devices: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Acceptance {
    pub approver: String,
    pub reason: String,
    pub accepted_on: NaiveDate,
    pub expires: NaiveDate,
    /// The expiry is before today: the risk is open again.
    pub expired: bool,
}

/// One risk of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RegisterRisk {
    /// Stable grouping key: `factor:<id>`, `question:<id>` or `manual:<uuid>`.
    pub key: String,
    pub origin: RiskOrigin,
    /// "14 devices still use the manufacturer's default credentials".
    pub title: String,
    pub threat: String,
    pub vulnerability: String,
    pub devices: Vec<AffectedDevice>,
    /// Inherent likelihood, impact and level: those of the worst affected device.
    pub likelihood: u8,
    pub impact: u8,
    pub level: RiskLevel,
    pub residual_likelihood: u8,
    pub residual_impact: u8,
    pub residual_level: RiskLevel,
    /// Why the levels are what they are, in plain words.
    pub level_reason: String,
    pub controls: Vec<RiskControl>,
    pub treatment: RiskTreatment,
    pub owner: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    /// Computed: `accepted` while an acceptance is valid; a finding no device has any more
    /// is `closed`.
    pub status: RiskStatus,
    pub notes: Option<String>,
    pub acceptance: Option<Acceptance>,
    /// The review or due date has passed and the risk is not closed or accepted.
    pub overdue: bool,
    pub method_version: String,
}

/// Filters of the register; every field narrows, `None` does not filter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct RegisterFilter {
    /// Residual level.
    pub level: Option<RiskLevel>,
    pub status: Option<RiskStatus>,
    pub treatment: Option<RiskTreatment>,
    /// Case-insensitive substring of the owner.
    pub owner: Option<String>,
    /// Case-insensitive substring of title, threat, vulnerability, notes or a device.
    pub text: Option<String>,
    /// A heat-map cell.
    pub cell: Option<HeatCell>,
}

/// One cell of the 5×5 heat map; `residual` says which of the two maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct HeatCell {
    pub likelihood: u8,
    pub impact: u8,
    pub residual: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct LevelCount {
    pub level: RiskLevel,
    pub label: String,
    /// Risks at this level, inherent and residual.
    pub risks: u32,
    pub residual_risks: u32,
    /// Devices at this level, inherent and residual.
    pub devices: u32,
    pub residual_devices: u32,
}

/// The dashboard: heat maps and counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RiskOverview {
    pub method_version: String,
    /// `inherent[likelihood - 1][impact - 1]`: open risks (not closed) in that cell.
    pub inherent: Vec<Vec<u32>>,
    pub residual: Vec<Vec<u32>>,
    /// The level of each cell, `levels[likelihood - 1][impact - 1]`, for colouring.
    pub levels: Vec<Vec<RiskLevel>>,
    pub by_level: Vec<LevelCount>,
    /// Devices assessed (not decommissioned).
    pub devices: u32,
    pub risks: u32,
    pub open_risks: u32,
    /// Risks without a treatment decision.
    pub undecided: u32,
    pub accepted: u32,
    pub overdue: u32,
}

/// A control assigned to one device, with what it does for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceControl {
    pub id: String,
    pub label: String,
    pub effect: String,
    pub note: Option<String>,
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
}

/// A register risk a device is part of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RiskRef {
    pub key: String,
    pub title: String,
    pub residual_level: RiskLevel,
    pub status: RiskStatus,
}

/// The device risk page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceRisk {
    pub device_id: DeviceId,
    pub asset_tag: Option<String>,
    pub name: String,
    pub category: DeviceCategory,
    /// Levels with every factor's contribution in plain words; carries the method version.
    pub result: DeviceRiskResult,
    /// Actions ranked by how far each lowers the residual level (re-running the method).
    pub lower: Vec<Action>,
    pub controls: Vec<DeviceControl>,
    pub risks: Vec<RiskRef>,
    /// Open gaps in the device questionnaire of the latest assessment, if any.
    pub questionnaire_gaps: u32,
    pub assessment_title: Option<String>,
}

/// One device's levels, for other parts (lifecycle plan, audit packet).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct DeviceRiskLevel {
    pub device_id: DeviceId,
    pub likelihood: u8,
    pub impact: u8,
    pub level: RiskLevel,
    pub residual_likelihood: u8,
    pub residual_impact: u8,
    pub residual_level: RiskLevel,
}

/// A control of the method's library and where it is in place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ControlInfo {
    pub id: String,
    pub label: String,
    pub applies_to: ControlScope,
    pub effect: String,
    pub rationale: String,
    pub devices: u32,
}

/// The user's decisions about a risk.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct RiskUpdate {
    pub key: String,
    pub treatment: RiskTreatment,
    pub owner: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    /// `accepted` is refused: accepting needs [`AcceptRisk`].
    pub status: RiskStatus,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct NewManualRisk {
    pub title: String,
    pub threat: Option<String>,
    pub vulnerability: Option<String>,
    /// 1-5, as on the method's scales.
    pub likelihood: u8,
    pub impact: u8,
    pub device_ids: Vec<DeviceId>,
    pub owner: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// New words, rating and devices of a risk added by hand; its decisions are kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct ManualRiskEdit {
    pub key: String,
    pub title: String,
    pub threat: Option<String>,
    pub vulnerability: Option<String>,
    /// 1-5, as on the method's scales.
    pub likelihood: u8,
    pub impact: u8,
    pub device_ids: Vec<DeviceId>,
}

/// Accepting a risk: all three are required; accepted on "today".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct AcceptRisk {
    pub key: String,
    pub approver: String,
    pub reason: String,
    pub expires: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct ControlAssignment {
    pub control_id: String,
    pub device_ids: Vec<DeviceId>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ControlChange {
    pub control_id: String,
    /// Devices whose assignment was added (or removed).
    pub changed: u32,
}
