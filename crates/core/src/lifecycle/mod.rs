//! Lifecycle planning (issue 5, DESIGN.md practices 4 and 7): the rules that need no I/O.
//!
//! - [`table`]: the operating-system / platform end-of-support table
//!   (`assets/lifecycle/os-support.toml`, built from endoflife.date data, MIT), validated.
//! - [`endoflife`]: reading a newer endoflife.date release file and merging it into the table,
//!   with a report of what changed.
//! - [`matching`]: a device's free-text OS ("Win 7 Embedded SP1") → a table row, with a
//!   confidence and the reason in words; the user can confirm another row.
//! - [`support`]: support status on a day (supported, ending within 12 months, unsupported,
//!   unknown) from the OS row and the vendor's end-of-support date for the model (earlier wins).
//! - [`fiscal`]: fiscal years for any start month.
//! - [`plan`]: "suggest plan" rules and the patch-cadence overdue check.
//! - [`records`]: planned actions, patch log entries and the decommission checklist.
//! - [`deadlines`]: upcoming deadlines within 30, 90 or 365 days.
//!
//! Nothing here reads a clock: callers pass "today".

pub mod deadlines;
pub mod endoflife;
pub mod fiscal;
pub mod matching;
pub mod plan;
pub mod records;
pub mod support;
pub mod table;

pub use deadlines::{
    upcoming_deadlines, DatedItem, DeadlineKind, DeadlineWindow, UpcomingDeadline, Urgency,
};
pub use endoflife::{
    parse_endoflife, EndoflifeFile, EndoflifeRelease, EolImportReport, ReleaseChange,
};
pub use fiscal::{FiscalCalendar, FiscalYear};
pub use matching::{normalize, MatchConfidence, OsMatch};
pub use plan::{
    patch_cadence, suggest_plan, PatchCadenceCheck, PatchCadenceStatus, PlanAction, PlanInput,
    PlanSuggestion, URGENT_DAYS,
};
pub use records::{
    DecommissionStepKind, DecommissionStepRecord, PatchEntry, PlanFields, PlanOrigin, PlanStatus,
    PlannedAction, StoredFile,
};
pub use support::{
    support_status, SupportAssessment, SupportBasis, SupportStatus, ENDING_SOON_MONTHS,
};
pub use table::{
    OsRelease, OsTable, Platform, PlatformScheme, SupportEnd, TableError, TABLE_FORMAT,
};

#[cfg(test)]
mod tests;
