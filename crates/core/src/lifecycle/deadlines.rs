//! Upcoming deadlines: which dated items (end of support, planned actions, patch due dates,
//! risk acceptances expiring, review dates) fall within 30, 90 or 365 days of today.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    EndOfSupport,
    PlannedAction,
    PatchDue,
    RiskAcceptanceExpiry,
    Review,
}

impl DeadlineKind {
    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::EndOfSupport => "End of support",
            DeadlineKind::PlannedAction => "Planned action",
            DeadlineKind::PatchDue => "Patch due",
            DeadlineKind::RiskAcceptanceExpiry => "Risk acceptance expires",
            DeadlineKind::Review => "Review",
        }
    }
}

/// Something that happens on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DatedItem {
    pub kind: DeadlineKind,
    pub date: NaiveDate,
    pub title: String,
    /// What it is about (a device, risk or plan id), for the UI to link to.
    pub subject_id: Option<String>,
}

/// The windows a user can look ahead by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineWindow {
    // Explicit keys: serde's snake_case ("days30") and the TypeScript generator's ("days_30")
    // disagree about digits.
    #[serde(rename = "days_30")]
    Days30,
    #[serde(rename = "days_90")]
    Days90,
    #[serde(rename = "days_365")]
    Days365,
}

impl DeadlineWindow {
    pub const ALL: [DeadlineWindow; 3] = [
        DeadlineWindow::Days30,
        DeadlineWindow::Days90,
        DeadlineWindow::Days365,
    ];

    pub fn days(self) -> i32 {
        match self {
            DeadlineWindow::Days30 => 30,
            DeadlineWindow::Days90 => 90,
            DeadlineWindow::Days365 => 365,
        }
    }
}

/// How close a deadline is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// The day has passed.
    Overdue,
    /// Today to 30 days ahead.
    #[serde(rename = "within_30_days")]
    Within30Days,
    #[serde(rename = "within_90_days")]
    Within90Days,
    #[serde(rename = "within_365_days")]
    Within365Days,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct UpcomingDeadline {
    pub item: DatedItem,
    /// Negative when overdue; 0 is today.
    pub days_left: i32,
    pub urgency: Urgency,
}

/// The items due within `window` of `today` (today counts as 0 days), plus every overdue one
/// (an overdue deadline does not leave the list by being late), soonest first; items further
/// ahead are left out.
pub fn upcoming_deadlines(
    items: &[DatedItem],
    today: NaiveDate,
    window: DeadlineWindow,
) -> Vec<UpcomingDeadline> {
    let mut upcoming: Vec<UpcomingDeadline> = items
        .iter()
        .filter_map(|item| {
            let days_left = (item.date - today).num_days();
            if days_left > i64::from(window.days()) {
                return None;
            }
            let urgency = match days_left {
                d if d < 0 => Urgency::Overdue,
                d if d <= 30 => Urgency::Within30Days,
                d if d <= 90 => Urgency::Within90Days,
                _ => Urgency::Within365Days,
            };
            Some(UpcomingDeadline {
                item: item.clone(),
                days_left: days_left as i32,
                urgency,
            })
        })
        .collect();
    upcoming.sort_by(|a, b| {
        (a.item.date, a.item.kind as u8, &a.item.title).cmp(&(
            b.item.date,
            b.item.kind as u8,
            &b.item.title,
        ))
    });
    upcoming
}
