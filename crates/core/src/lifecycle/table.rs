//! The operating-system / platform end-of-support table (`assets/lifecycle/os-support.toml`):
//! its types, parsing and validation.
//!
//! Dates are kept as written in the file (ISO `YYYY-MM-DD`). An end of support is a date, `true`
//! (ended, day not published) or `false` (no end announced), as in endoflife.date.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use specta::Type;

use super::matching::{derived_aliases, normalize, AliasKind};

/// The table shipped with the app. Embedded, so the crate stays free of I/O.
const BUILTIN_TOML: &str = include_str!("../../../../assets/lifecycle/os-support.toml");

/// The format version this code reads.
pub const TABLE_FORMAT: i32 = 1;

/// How the matcher recognises a platform's releases from free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PlatformScheme {
    /// Windows client: cycles like `10-22h2`, `10-1809-e-lts`, `11-24h2-iot-lts`, `7-sp1`.
    Windows,
    /// Windows Server: cycles like `2019`, `2012-r2`, `2008-r2-sp1`, `1809-sac`.
    WindowsServer,
    /// Products known only by the aliases listed on each release (Windows Embedded, CE).
    Listed,
    /// Numbered releases (`18.04`, `7`, `10.15`), optionally with a codename.
    Numbered,
}

impl PlatformScheme {
    /// Windows editions differ by a word ("embedded", "iot", "server"...): a name that has such a
    /// word must not be read as a release whose name lacks it.
    pub fn uses_edition_words(self) -> bool {
        !matches!(self, PlatformScheme::Numbered)
    }
}

/// The end of a kind of support, as endoflife.date states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(tag = "kind", content = "date", rename_all = "snake_case")]
pub enum SupportEnd {
    /// Supported up to and including this day.
    On(NaiveDate),
    /// Ended; the day was not published.
    Ended,
    /// No end has been announced.
    NotAnnounced,
}

impl SupportEnd {
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            SupportEnd::On(date) => Some(date),
            _ => None,
        }
    }

    /// In words, for reasons and change reports.
    pub fn describe(self) -> String {
        match self {
            SupportEnd::On(date) => date.to_string(),
            SupportEnd::Ended => "ended (day not published)".to_string(),
            SupportEnd::NotAnnounced => "no end announced".to_string(),
        }
    }
}

/// A date or a boolean, as the file and endoflife.date write them.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateOrBool {
    Bool(bool),
    Text(String),
}

pub(crate) fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn support_end_from(value: DateOrBool) -> Result<SupportEnd, String> {
    match value {
        DateOrBool::Bool(true) => Ok(SupportEnd::Ended),
        DateOrBool::Bool(false) => Ok(SupportEnd::NotAnnounced),
        DateOrBool::Text(text) => parse_iso_date(&text)
            .map(SupportEnd::On)
            .ok_or_else(|| format!("'{text}' is not a date (YYYY-MM-DD), true or false")),
    }
}

fn de_support_end<'de, D: Deserializer<'de>>(d: D) -> Result<SupportEnd, D::Error> {
    support_end_from(DateOrBool::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn de_opt_support_end<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SupportEnd>, D::Error> {
    match Option::<DateOrBool>::deserialize(d)? {
        None => Ok(None),
        Some(value) => support_end_from(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse_iso_date(&text).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!("'{text}' is not a date (YYYY-MM-DD)"))
        }),
    }
}

/// A platform: a product whose releases the table lists (Windows, Ubuntu...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    /// Stable id, e.g. `windows-server`.
    pub id: String,
    pub name: String,
    pub scheme: PlatformScheme,
    /// Names of the platform in free text ("windows server"), used to build release names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// How release labels start; the first is prepended to an imported label that lacks all.
    pub label_prefixes: Vec<String>,
    /// The product's page at endoflife.date (`/windows`), to recognise an imported file.
    #[serde(default)]
    pub endoflife_permalink: Option<String>,
    /// Matched only when no other platform's release fits (a distribution's name wins over the
    /// kernel version that often follows it).
    #[serde(default)]
    pub fallback: bool,
}

/// One release of a platform and its end-of-support dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct OsRelease {
    /// `platform/cycle`, e.g. `windows/10-22h2`. Stable: stored with a device's match.
    pub id: String,
    pub platform: String,
    /// The release cycle as endoflife.date names it (`10-22h2`, `18.04`).
    pub cycle: String,
    pub label: String,
    #[serde(default)]
    pub codename: Option<String>,
    #[serde(default, deserialize_with = "de_opt_date")]
    pub release_date: Option<NaiveDate>,
    /// End of active (mainstream) support: bug fixes and features.
    #[serde(default, deserialize_with = "de_opt_support_end")]
    pub active_support_end: Option<SupportEnd>,
    /// End of security updates: what "supported" means in DeviceRisk.
    #[serde(deserialize_with = "de_support_end")]
    pub security_support_end: SupportEnd,
    /// End of paid extended security updates (ESU, ESM), if offered.
    #[serde(default, deserialize_with = "de_opt_support_end")]
    pub extended_support_end: Option<SupportEnd>,
    #[serde(default)]
    pub lts: bool,
    #[serde(default)]
    pub link: Option<String>,
    /// Where the dates come from, in words.
    pub source: String,
    /// Extra names a device record may use for this release (beyond the derived ones); a name
    /// starting with `?` is also used for another product and matches with medium confidence.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Releases often confused with this one; a match names them.
    #[serde(default)]
    pub see_also: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableDoc {
    format: i32,
    attribution: String,
    snapshot: String,
    #[serde(default)]
    platform: Vec<Platform>,
    #[serde(default)]
    release: Vec<OsRelease>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("the end-of-support table is not valid TOML for the table: {0}")]
    Parse(String),
    #[error("the end-of-support table has {} problem(s): {}", .0.len(), .0.join("; "))]
    Invalid(Vec<String>),
    #[error("the endoflife.date file could not be read: {0}")]
    Import(String),
}

/// One way to name a release, tokenised for matching.
#[derive(Debug, Clone)]
pub(crate) struct Alias {
    pub release: usize,
    pub text: String,
    pub tokens: Vec<String>,
    pub kind: AliasKind,
}

/// The validated table with its matching index.
#[derive(Debug, Clone)]
pub struct OsTable {
    pub attribution: String,
    pub snapshot: String,
    platforms: Vec<Platform>,
    releases: Vec<OsRelease>,
    by_id: HashMap<String, usize>,
    pub(crate) aliases: Vec<Alias>,
}

impl OsTable {
    /// The table shipped with this version of the app, parsed once.
    pub fn builtin() -> &'static OsTable {
        static BUILTIN: OnceLock<OsTable> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded file is validated by the crate's tests, so this cannot fail in a
            // build that passed them.
            OsTable::from_toml(BUILTIN_TOML).expect("the embedded end-of-support table is valid")
        })
    }

    pub fn from_toml(text: &str) -> Result<OsTable, TableError> {
        let doc: TableDoc = toml::from_str(text).map_err(|e| TableError::Parse(e.to_string()))?;
        if doc.format != TABLE_FORMAT {
            return Err(TableError::Invalid(vec![format!(
                "format {} is not supported; this version reads format {TABLE_FORMAT}",
                doc.format
            )]));
        }
        OsTable::new(doc.attribution, doc.snapshot, doc.platform, doc.release)
    }

    /// Validates platforms and releases and builds the alias index.
    pub fn new(
        attribution: String,
        snapshot: String,
        platforms: Vec<Platform>,
        releases: Vec<OsRelease>,
    ) -> Result<OsTable, TableError> {
        let problems = validate(&platforms, &releases);
        if !problems.is_empty() {
            return Err(TableError::Invalid(problems));
        }
        let by_id = releases
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let mut table = OsTable {
            attribution,
            snapshot,
            platforms,
            releases,
            by_id,
            aliases: Vec::new(),
        };
        table.aliases = build_aliases(&table);
        Ok(table)
    }

    pub fn platforms(&self) -> &[Platform] {
        &self.platforms
    }

    pub fn releases(&self) -> &[OsRelease] {
        &self.releases
    }

    pub fn platform(&self, id: &str) -> Option<&Platform> {
        self.platforms.iter().find(|p| p.id == id)
    }

    pub fn release(&self, id: &str) -> Option<&OsRelease> {
        self.by_id.get(id).map(|&i| &self.releases[i])
    }

    pub(crate) fn release_at(&self, index: usize) -> &OsRelease {
        &self.releases[index]
    }

    /// The names a release is matched by (derived and listed), for showing and for tests.
    pub fn names_of(&self, release_id: &str) -> Vec<String> {
        let Some(&index) = self.by_id.get(release_id) else {
            return Vec::new();
        };
        self.aliases
            .iter()
            .filter(|a| a.release == index)
            .map(|a| a.text.clone())
            .collect()
    }
}

fn validate(platforms: &[Platform], releases: &[OsRelease]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut platform_ids = HashSet::new();
    for p in platforms {
        if p.id.trim().is_empty() {
            problems.push(format!("platform '{}' has an empty id", p.name));
        }
        if !platform_ids.insert(p.id.as_str()) {
            problems.push(format!("platform id '{}' is used twice", p.id));
        }
        if p.label_prefixes.is_empty() {
            problems.push(format!("platform '{}' has no label_prefixes", p.id));
        }
        if p.scheme != PlatformScheme::Listed && p.aliases.is_empty() {
            problems.push(format!(
                "platform '{}' has no aliases, so none of its releases can be matched",
                p.id
            ));
        }
    }
    let mut ids = HashSet::new();
    for r in releases {
        let at = format!("release '{}'", r.id);
        if !ids.insert(r.id.as_str()) {
            problems.push(format!("{at}: the id is used twice"));
        }
        if !platform_ids.contains(r.platform.as_str()) {
            problems.push(format!("{at}: unknown platform '{}'", r.platform));
        }
        if r.id != format!("{}/{}", r.platform, r.cycle) {
            problems.push(format!(
                "{at}: the id must be platform/cycle ('{}/{}')",
                r.platform, r.cycle
            ));
        }
        if r.label.trim().is_empty() {
            problems.push(format!("{at}: the label is empty"));
        }
        if r.source.trim().is_empty() {
            problems.push(format!("{at}: no source is cited"));
        }
        if let Some(released) = r.release_date {
            for (what, end) in [
                ("active_support_end", r.active_support_end),
                ("security_support_end", Some(r.security_support_end)),
                ("extended_support_end", r.extended_support_end),
            ] {
                if let Some(SupportEnd::On(end)) = end {
                    if end < released {
                        problems.push(format!(
                            "{at}: {what} {end} is before the release date {released}"
                        ));
                    }
                }
            }
        }
        if let (Some(SupportEnd::On(active)), SupportEnd::On(security)) =
            (r.active_support_end, r.security_support_end)
        {
            if security < active {
                problems.push(format!(
                    "{at}: security_support_end {security} is before active_support_end {active}"
                ));
            }
        }
        if let (SupportEnd::On(security), Some(SupportEnd::On(extended))) =
            (r.security_support_end, r.extended_support_end)
        {
            if extended < security {
                problems.push(format!(
                    "{at}: extended_support_end {extended} is before security_support_end {security}"
                ));
            }
        }
        for alias in &r.aliases {
            if normalize(alias).is_empty() {
                problems.push(format!("{at}: alias '{alias}' has no words"));
            }
        }
    }
    for r in releases {
        for other in &r.see_also {
            if !ids.contains(other.as_str()) {
                problems.push(format!(
                    "release '{}': see_also names unknown release '{other}'",
                    r.id
                ));
            }
        }
    }
    problems
}

fn build_aliases(table: &OsTable) -> Vec<Alias> {
    let mut aliases = Vec::new();
    let mut seen: HashSet<(usize, Vec<String>)> = HashSet::new();
    for (index, release) in table.releases.iter().enumerate() {
        let Some(platform) = table.platform(&release.platform) else {
            continue;
        };
        // A listed name starting with '?' is shared with another product: a match by it is
        // never more than medium confidence.
        let listed = release.aliases.iter().map(|a| match a.strip_prefix('?') {
            Some(name) => (name.to_string(), AliasKind::Ambiguous),
            None => (a.clone(), AliasKind::Name),
        });
        for (text, kind) in derived_aliases(platform, release, &table.releases).chain(listed) {
            let tokens = normalize(&text);
            if tokens.is_empty() || !seen.insert((index, tokens.clone())) {
                continue;
            }
            aliases.push(Alias {
                release: index,
                text,
                tokens,
                kind,
            });
        }
    }
    aliases
}
