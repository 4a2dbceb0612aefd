//! Support status of a device on a given day, from its operating system's end of security
//! support and the vendor's end of support for its model: the earlier date wins.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::table::{OsRelease, SupportEnd};

/// "Ending soon" means within this many months of today.
pub const ENDING_SOON_MONTHS: u32 = 12;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum SupportStatus {
    Supported,
    /// Support ends within 12 months.
    EndingSoon,
    Unsupported,
    /// Neither the operating system nor the vendor's date is known.
    Unknown,
}

impl SupportStatus {
    pub fn label(self) -> &'static str {
        match self {
            SupportStatus::Supported => "Supported",
            SupportStatus::EndingSoon => "Ending within 12 months",
            SupportStatus::Unsupported => "Unsupported",
            SupportStatus::Unknown => "Unknown",
        }
    }
}

/// Which date decided the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SupportBasis {
    OperatingSystem,
    Vendor,
    /// Both give the same day.
    Both,
    Neither,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SupportAssessment {
    pub status: SupportStatus,
    /// The day support ends (the earlier of the two), if known.
    pub end_date: Option<NaiveDate>,
    pub decided_by: SupportBasis,
    /// Days from today to `end_date` (negative once it has passed).
    pub days_left: Option<i32>,
    /// The operating system's end of security support, as the table gives it.
    pub os_end: Option<SupportEnd>,
    pub vendor_end: Option<NaiveDate>,
    /// Paid extended security updates, if the operating system offers them.
    pub extended_support_end: Option<NaiveDate>,
    pub reason: String,
}

fn status_on(end: NaiveDate, today: NaiveDate) -> SupportStatus {
    let soon = today
        .checked_add_months(Months::new(ENDING_SOON_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if end < today {
        SupportStatus::Unsupported
    } else if end <= soon {
        SupportStatus::EndingSoon
    } else {
        SupportStatus::Supported
    }
}

fn phrase(status: SupportStatus, what: &str, end: NaiveDate) -> String {
    match status {
        SupportStatus::Unsupported => format!("{what} ended on {end}"),
        SupportStatus::EndingSoon => format!("{what} ends on {end}, within 12 months"),
        _ => format!("{what} runs until {end}"),
    }
}

/// The support status on `today` of a device running `os` (if matched) whose model the vendor
/// supports until `vendor_end` (if known). Support lasts through the end date inclusive.
pub fn support_status(
    os: Option<&OsRelease>,
    vendor_end: Option<NaiveDate>,
    today: NaiveDate,
) -> SupportAssessment {
    let os_end = os.map(|r| r.security_support_end);
    let extended_support_end = os
        .and_then(|r| r.extended_support_end)
        .and_then(SupportEnd::date);
    let os_what = os
        .map(|r| format!("Security support for {}", r.label))
        .unwrap_or_default();
    let vendor_what = "The vendor's support for this model";

    let (status, end_date, decided_by, mut reason) = match (os_end, vendor_end) {
        (Some(SupportEnd::Ended), _) => (
            SupportStatus::Unsupported,
            None,
            SupportBasis::OperatingSystem,
            format!("{os_what} has ended (the day was not published)."),
        ),
        (Some(SupportEnd::On(os_date)), Some(vendor_date)) => {
            let end = os_date.min(vendor_date);
            let status = status_on(end, today);
            if os_date == vendor_date {
                (
                    status,
                    Some(end),
                    SupportBasis::Both,
                    format!(
                        "{} (the vendor gives the same day).",
                        phrase(status, &os_what, end)
                    ),
                )
            } else if vendor_date < os_date {
                (
                    status,
                    Some(end),
                    SupportBasis::Vendor,
                    format!(
                        "{}, before the operating system's {os_date}: the vendor's date counts.",
                        phrase(status, vendor_what, end)
                    ),
                )
            } else {
                (
                    status,
                    Some(end),
                    SupportBasis::OperatingSystem,
                    format!(
                        "{}, before the vendor's {vendor_date} for this model: the operating \
                         system's date counts.",
                        phrase(status, &os_what, end)
                    ),
                )
            }
        }
        (Some(SupportEnd::On(os_date)), None) => {
            let status = status_on(os_date, today);
            (
                status,
                Some(os_date),
                SupportBasis::OperatingSystem,
                format!(
                    "{} (no vendor end-of-support date is recorded for this model).",
                    phrase(status, &os_what, os_date)
                ),
            )
        }
        (Some(SupportEnd::NotAnnounced), Some(vendor_date)) => {
            let status = status_on(vendor_date, today);
            (
                status,
                Some(vendor_date),
                SupportBasis::Vendor,
                format!(
                    "{}; no end is announced for {}.",
                    phrase(status, vendor_what, vendor_date),
                    os.map(|r| r.label.as_str()).unwrap_or_default()
                ),
            )
        }
        (Some(SupportEnd::NotAnnounced), None) => (
            SupportStatus::Supported,
            None,
            SupportBasis::OperatingSystem,
            format!(
                "No end of security support is announced for {}, and no vendor date is recorded.",
                os.map(|r| r.label.as_str()).unwrap_or_default()
            ),
        ),
        (None, Some(vendor_date)) => {
            let status = status_on(vendor_date, today);
            (
                status,
                Some(vendor_date),
                SupportBasis::Vendor,
                format!(
                    "{} (the operating system is not matched to the table).",
                    phrase(status, vendor_what, vendor_date)
                ),
            )
        }
        (None, None) => (
            SupportStatus::Unknown,
            None,
            SupportBasis::Neither,
            "Unknown: the operating system is not matched to the table and no vendor \
             end-of-support date is recorded for this model."
                .to_string(),
        ),
    };
    if let Some(esu) = extended_support_end {
        if status == SupportStatus::Unsupported
            && esu >= today
            && decided_by != SupportBasis::Vendor
        {
            reason.push_str(&format!(
                " Paid extended security updates are offered until {esu}; a device enrolled in \
                 them still receives security fixes until then."
            ));
        }
    }
    SupportAssessment {
        status,
        end_date,
        decided_by,
        days_left: end_date.map(|end| (end - today).num_days() as i32),
        os_end,
        vendor_end,
        extended_support_end,
        reason,
    }
}
