//! Plan suggestions ("suggest plan") and the patch-cadence check: pure rules over a device's
//! facts, each with its reason in words. The user accepts or edits a suggestion.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::fiscal::{FiscalCalendar, FiscalYear};
use super::support::SupportStatus;
use crate::risk::RiskLevel;
use crate::{DeviceStatus, PatchStatus};

/// Days within which urgent work (patching, isolating) is suggested.
pub const URGENT_DAYS: u64 = 30;

/// A planned action for a device (DESIGN.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PlanAction {
    Patch,
    /// Move to an isolated network segment with monitoring.
    Isolate,
    Replace,
    Retire,
}

impl PlanAction {
    pub const ALL: [PlanAction; 4] = [
        PlanAction::Patch,
        PlanAction::Isolate,
        PlanAction::Replace,
        PlanAction::Retire,
    ];

    /// The stable key stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            PlanAction::Patch => "patch",
            PlanAction::Isolate => "isolate",
            PlanAction::Replace => "replace",
            PlanAction::Retire => "retire",
        }
    }

    pub fn from_key(key: &str) -> Option<PlanAction> {
        PlanAction::ALL.into_iter().find(|a| a.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanAction::Patch => "Patch",
            PlanAction::Isolate => "Isolate with monitoring",
            PlanAction::Replace => "Replace",
            PlanAction::Retire => "Retire",
        }
    }
}

/// The facts a suggestion reads.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    pub device_status: DeviceStatus,
    pub support: SupportStatus,
    /// The day support ends, if known (used when it ends within 12 months).
    pub support_end: Option<NaiveDate>,
    /// Residual risk level; `None` when not assessed yet.
    pub residual: Option<RiskLevel>,
    pub patch: PatchStatus,
    /// Whether the device can be replaced (a replacement exists and the clinic can change it).
    pub replaceable: bool,
    pub today: NaiveDate,
    pub fiscal: FiscalCalendar,
}

/// A proposed plan, or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PlanSuggestion {
    /// `None`: nothing to plan.
    pub action: Option<PlanAction>,
    pub target_date: Option<NaiveDate>,
    /// The fiscal year the work (and its budget) falls in.
    pub fiscal_year: Option<FiscalYear>,
    /// Isolation or continued operation should be watched by network monitoring.
    pub with_monitoring: bool,
    pub reason: String,
}

fn none(reason: impl Into<String>) -> PlanSuggestion {
    PlanSuggestion {
        action: None,
        target_date: None,
        fiscal_year: None,
        with_monitoring: false,
        reason: reason.into(),
    }
}

fn within_urgent_days(input: &PlanInput) -> NaiveDate {
    input
        .today
        .checked_add_days(Days::new(URGENT_DAYS))
        .unwrap_or(input.today)
}

fn act(
    input: &PlanInput,
    action: PlanAction,
    target: NaiveDate,
    with_monitoring: bool,
    reason: String,
) -> PlanSuggestion {
    PlanSuggestion {
        action: Some(action),
        target_date: Some(target),
        fiscal_year: Some(input.fiscal.year_of(target)),
        with_monitoring,
        reason,
    }
}

fn isolate_now(input: &PlanInput, why: &str) -> PlanSuggestion {
    act(
        input,
        PlanAction::Isolate,
        within_urgent_days(input),
        true,
        format!(
            "{why}: isolate it on its own network segment with monitoring within {URGENT_DAYS} \
             days."
        ),
    )
}

fn fy_words(fy: &FiscalYear) -> String {
    format!("{} ({} to {})", fy.label, fy.start, fy.end)
}

/// Proposes an action for one device. The rules, first match wins:
/// 1. decommissioned → nothing;
/// 2. unsupported and not replaceable → isolate with monitoring within 30 days;
/// 3. unsupported, High or Critical residual risk (or not assessed) → replace in the next fiscal
///    year; unsupported with Low or Medium residual risk → replace in the fiscal year after;
/// 4. support ends within 12 months → replace by that day (isolate if not replaceable);
/// 5. updates pending → patch within 30 days; cannot be patched → isolate with monitoring;
/// 6. otherwise nothing (with what is missing, if something is).
pub fn suggest_plan(input: &PlanInput) -> PlanSuggestion {
    if input.device_status == DeviceStatus::Decommissioned {
        return none("Decommissioned: nothing to plan; the device stays in history.");
    }
    match input.support {
        SupportStatus::Unsupported => {
            if !input.replaceable {
                return isolate_now(input, "Unsupported and cannot be replaced");
            }
            let (fy, why) = match input.residual {
                Some(level @ (RiskLevel::High | RiskLevel::Critical)) => (
                    input.fiscal.next_year_after(input.today),
                    format!("Unsupported with {level:?} residual risk"),
                ),
                None => (
                    input.fiscal.next_year_after(input.today),
                    "Unsupported, and its residual risk is not assessed yet (treated as high \
                     until it is)"
                        .to_string(),
                ),
                Some(level) => (
                    input
                        .fiscal
                        .year(input.fiscal.year_of(input.today).year + 2),
                    format!("Unsupported with {level:?} residual risk"),
                ),
            };
            let target = fy.start;
            let reason = format!(
                "{why}: replace it in {}, and keep it isolated and monitored until then.",
                fy_words(&fy)
            );
            PlanSuggestion {
                action: Some(PlanAction::Replace),
                target_date: Some(target),
                fiscal_year: Some(fy),
                // Until the replacement arrives it runs unsupported: watch it.
                with_monitoring: true,
                reason,
            }
        }
        SupportStatus::EndingSoon => {
            let end = input.support_end.unwrap_or(input.today);
            if input.replaceable {
                let fy = input.fiscal.year_of(end);
                act(
                    input,
                    PlanAction::Replace,
                    end,
                    false,
                    format!(
                        "Support ends on {end}, within 12 months: replace it by then (budget in {}).",
                        fy_words(&fy)
                    ),
                )
            } else {
                act(
                    input,
                    PlanAction::Isolate,
                    end,
                    true,
                    format!(
                        "Support ends on {end}, within 12 months, and it cannot be replaced: \
                         isolate it with monitoring by then."
                    ),
                )
            }
        }
        SupportStatus::Supported | SupportStatus::Unknown => {
            let support_gap = if input.support == SupportStatus::Unknown {
                " Its support status is unknown: record the vendor's end-of-support date."
            } else {
                ""
            };
            match input.patch {
                PatchStatus::Behind => act(
                    input,
                    PlanAction::Patch,
                    within_urgent_days(input),
                    false,
                    format!(
                        "Updates are pending: patch it within {URGENT_DAYS} days.{support_gap}"
                    ),
                ),
                PatchStatus::Unpatchable => {
                    let mut s = isolate_now(input, "It cannot be patched");
                    s.reason.push_str(support_gap);
                    s
                }
                PatchStatus::Unknown => none(format!(
                    "Nothing to plan yet: its patch status is unknown; record it.{support_gap}"
                )),
                PatchStatus::Current | PatchStatus::Patchable | PatchStatus::VendorOnly => {
                    if input.support == SupportStatus::Supported {
                        none("Supported and patched: nothing to plan.")
                    } else {
                        none(format!("Nothing to plan from its patches.{support_gap}"))
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PatchCadenceStatus {
    /// No cadence is set for the vendor.
    NotTracked,
    /// A cadence is set but no patch date is recorded.
    NoPatchRecorded,
    OnTime,
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PatchCadenceCheck {
    pub status: PatchCadenceStatus,
    /// Last patch + cadence: the day the next patch is due.
    pub due_date: Option<NaiveDate>,
    /// Days past the due date (0 unless overdue).
    pub days_overdue: i32,
    pub reason: String,
}

/// A device is overdue when its last patch date plus the vendor's cadence (days) is before
/// today; on the due date itself it is still on time.
pub fn patch_cadence(
    last_patch: Option<NaiveDate>,
    cadence_days: Option<i32>,
    today: NaiveDate,
) -> PatchCadenceCheck {
    let cadence = match cadence_days {
        Some(days) if days > 0 => days,
        _ => {
            return PatchCadenceCheck {
                status: PatchCadenceStatus::NotTracked,
                due_date: None,
                days_overdue: 0,
                reason: "No patch cadence is set for the vendor.".to_string(),
            }
        }
    };
    let Some(last) = last_patch else {
        return PatchCadenceCheck {
            status: PatchCadenceStatus::NoPatchRecorded,
            due_date: None,
            days_overdue: 0,
            reason: format!(
                "The vendor patches every {cadence} days, but no patch is recorded for this device."
            ),
        };
    };
    let due = last
        .checked_add_days(Days::new(cadence as u64))
        .unwrap_or(NaiveDate::MAX);
    if due < today {
        let late = (today - due).num_days() as i32;
        PatchCadenceCheck {
            status: PatchCadenceStatus::Overdue,
            due_date: Some(due),
            days_overdue: late,
            reason: format!(
                "Last patched on {last}; with a {cadence}-day cadence the next patch was due on \
                 {due}, {late} day(s) ago."
            ),
        }
    } else {
        PatchCadenceCheck {
            status: PatchCadenceStatus::OnTime,
            due_date: Some(due),
            days_overdue: 0,
            reason: format!(
                "Last patched on {last}; with a {cadence}-day cadence the next patch is due on {due}."
            ),
        }
    }
}
