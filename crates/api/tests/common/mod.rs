//! What the api test files share: the "today" every test injects, and an `Api` opened with it.
// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::Path;

use chrono::NaiveDate;
use devicerisk_api::{Api, ChecklistStep};

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The injected "today" of the api tests (never the wall clock).
pub fn today() -> NaiveDate {
    day(2026, 6, 1)
}

/// Opens (creating or migrating) the database at `path`, with `today()` injected.
pub fn open_at(path: &Path) -> Api {
    let mut api = Api::open(path).unwrap();
    api.set_today(today());
    api
}

/// The home checklist's step `key` ("questionnaires", "risks", ...) as the app shows it now.
pub fn home_step(api: &Api, key: &str) -> ChecklistStep {
    api.status()
        .unwrap()
        .steps
        .into_iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no home step {key}"))
}
