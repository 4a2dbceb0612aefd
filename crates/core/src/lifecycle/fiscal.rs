//! Fiscal years: a clinic's budget year starts on the first day of a chosen month.
//!
//! A fiscal year is named after the calendar year in which it ends: with a 1 October start,
//! FY2027 runs from 2026-10-01 to 2027-09-30; with a 1 January start it is the calendar year.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

/// The clinic's fiscal calendar: the month (1-12) its fiscal year starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub struct FiscalCalendar {
    start_month: u32,
}

/// One fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub struct FiscalYear {
    /// The calendar year in which it ends.
    pub year: i32,
    /// "FY2027".
    pub label: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

impl FiscalCalendar {
    /// `start_month` is 1 (January) to 12 (December).
    pub fn new(start_month: u32) -> Result<FiscalCalendar, String> {
        if (1..=12).contains(&start_month) {
            Ok(FiscalCalendar { start_month })
        } else {
            Err(format!(
                "the fiscal year start month must be 1 to 12, not {start_month}"
            ))
        }
    }

    pub fn start_month(self) -> u32 {
        self.start_month
    }

    /// The fiscal year that ends in calendar year `year`.
    pub fn year(self, year: i32) -> FiscalYear {
        let start_year = if self.start_month == 1 {
            year
        } else {
            year - 1
        };
        let start = NaiveDate::from_ymd_opt(start_year, self.start_month, 1)
            .expect("the first day of a month 1-12 exists");
        let end = start
            .checked_add_months(Months::new(12))
            .and_then(|next| next.pred_opt())
            .expect("a fiscal year ends within the calendar");
        FiscalYear {
            year,
            label: format!("FY{year}"),
            start,
            end,
        }
    }

    /// The fiscal year `date` falls in.
    pub fn year_of(self, date: NaiveDate) -> FiscalYear {
        let year = if self.start_month != 1 && date.month() >= self.start_month {
            date.year() + 1
        } else {
            date.year()
        };
        self.year(year)
    }

    /// The fiscal year after the one `date` falls in.
    pub fn next_year_after(self, date: NaiveDate) -> FiscalYear {
        self.year(self.year_of(date).year + 1)
    }
}

impl Default for FiscalCalendar {
    fn default() -> Self {
        FiscalCalendar { start_month: 1 }
    }
}
