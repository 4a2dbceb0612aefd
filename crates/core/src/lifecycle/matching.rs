//! Matching a device's free-text operating system ("Win 7 Embedded SP1", "RHEL 7.9") to a row of
//! the end-of-support table, with a confidence and the reason in words.
//!
//! Every release has names: derived from its platform and cycle ("windows 10 enterprise ltsc
//! 2019", "ubuntu 18.04", "ubuntu bionic") and listed in the table ("xp embedded"). Text and
//! names are reduced to words (lower case, common spellings unified: "Win" → "windows", "XPe" →
//! "xp embedded", "LTSB" → "ltsc"). A name fits when every one of its words is in the text
//! (version numbers fit by prefix, so "7" fits "7.9" and "18.04" fits "18.04.6"); among the names
//! that fit, the longest and most precise wins. Windows edition words ("embedded", "iot",
//! "server", "ltsc", "r2", ...) must not be ignored: "Windows 7 Embedded" is never read as plain
//! Windows 7.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::table::{OsRelease, OsTable, Platform, PlatformScheme, SupportEnd};

/// Whether a name is the release's own or an assumption made when the text lacks a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum AliasKind {
    Name,
    /// A name also used for another product ("Windows 7 Embedded").
    Ambiguous,
    /// "Windows 10" with no feature update: the newest general release is assumed.
    Assumed,
}

/// How sure a match is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchConfidence {
    /// Nothing in the table fits.
    None,
    /// A release was assumed (the text names the platform and major version only).
    Low,
    /// A release fits, but some words were not used or another release fits equally.
    Medium,
    /// Every meaningful word of the text is explained by the release.
    High,
    /// The user chose the release.
    Confirmed,
}

/// The result of matching one free-text OS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct OsMatch {
    pub input: String,
    /// The table row (`platform/cycle`), if one fits.
    pub release_id: Option<String>,
    pub release_label: Option<String>,
    pub confidence: MatchConfidence,
    /// Why, in words.
    pub reason: String,
    /// Other releases that fit equally well (ids), so the user can pick.
    pub alternatives: Vec<String>,
}

/// Edition words of Windows: present in the text, they must be in the name that matches.
const EDITION_WORDS: &[&str] = &[
    "embedded", "iot", "server", "ltsc", "ce", "compact", "posready", "industry", "r2", "wepos",
];

/// Words that say nothing about which release it is.
const NOISE_WORDS: &[&str] = &[
    "microsoft",
    "apple",
    "google",
    "gnu",
    "linux",
    "service",
    "pack",
    "professional",
    "pro",
    "home",
    "enterprise",
    "education",
    "ultimate",
    "standard",
    "datacenter",
    "essentials",
    "workstation",
    "desktop",
    "server",
    "x86",
    "x64",
    "amd64",
    "arm64",
    "i386",
    "32",
    "64",
    "bit",
    "version",
    "ver",
    "edition",
    "build",
    "release",
    "update",
    "lts",
    "os",
    "operating",
    "system",
    "the",
    "and",
    "with",
    "for",
    "systems",
];

/// Phrases rewritten before splitting into words (on lower-cased, space-separated text).
const PHRASES: &[(&str, &str)] = &[
    ("red hat enterprise linux", "rhel"),
    ("redhat enterprise linux", "rhel"),
    ("red hat", "rhel"),
    ("mac os x", "macos"),
    ("mac os", "macos"),
    ("os x", "macos"),
    ("long term servicing channel", "ltsc"),
    ("long term servicing branch", "ltsc"),
    ("pos ready", "posready"),
    ("point of service", "wepos"),
    ("service pack ", "sp"),
];

/// Single words rewritten to one or more words.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("win", &["windows"]),
    ("winxp", &["windows", "xp"]),
    ("winvista", &["windows", "vista"]),
    ("wince", &["windows", "ce"]),
    ("xpe", &["xp", "embedded"]),
    ("xpembedded", &["xp", "embedded"]),
    ("ltsb", &["ltsc"]),
    ("wes", &["windows", "embedded", "standard"]),
    ("wec", &["windows", "embedded", "compact"]),
    ("osx", &["macos"]),
    ("redhat", &["rhel"]),
    ("ent", &["enterprise"]),
];

/// Letters glued to a version that are split off ("win7" → "win 7", "rhel7.9" → "rhel 7.9").
const GLUED_PREFIXES: &[&str] = &[
    "windows", "win", "wince", "ce", "xp", "wes", "wec", "posready", "server", "rhel", "centos",
    "debian", "ubuntu", "android", "ios", "ipados", "macos", "osx", "linux", "kernel", "v",
];

fn is_version(token: &str) -> bool {
    !token.is_empty()
        && token
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

fn split_glued(token: &str, out: &mut Vec<String>) {
    // "2008r2" → "2008", "r2"; "7sp1" → "7", "sp1".
    for suffix in ["r2", "sp1", "sp2", "sp3", "sp4"] {
        if let Some(head) = token.strip_suffix(suffix) {
            if is_version(head) {
                out.push(head.to_string());
                out.push(suffix.to_string());
                return;
            }
        }
    }
    let letters: String = token
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let rest = &token[letters.len()..];
    if !letters.is_empty() && is_version(rest) && GLUED_PREFIXES.contains(&letters.as_str()) {
        if letters != "v" {
            out.push(letters);
        }
        out.push(rest.to_string());
        return;
    }
    out.push(token.to_string());
}

/// Reduces free text to the words the matcher compares.
pub fn normalize(text: &str) -> Vec<String> {
    let lowered: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut spaced = format!(
        " {} ",
        lowered.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    for (from, to) in PHRASES {
        spaced = spaced.replace(&format!(" {from} "), &format!(" {to} "));
        if from.ends_with(' ') {
            // "service pack 3" → "sp3": the phrase ends in a space, so it glues the number.
            spaced = spaced.replace(&format!(" {from}"), &format!(" {to}"));
        }
    }
    let mut split = Vec::new();
    for raw in spaced.split_whitespace() {
        let token = raw.trim_matches('.');
        if !token.is_empty() {
            split_glued(token, &mut split);
        }
    }
    let mut words = Vec::new();
    let mut i = 0;
    while i < split.len() {
        let token = split[i].as_str();
        // "sp 3" → "sp3"
        if token == "sp" && i + 1 < split.len() && is_version(&split[i + 1]) {
            words.push(format!("sp{}", split[i + 1]));
            i += 2;
            continue;
        }
        match SYNONYMS.iter().find(|(from, _)| *from == token) {
            Some((_, to)) => words.extend(to.iter().map(|w| w.to_string())),
            None => words.push(token.to_string()),
        }
        i += 1;
    }
    words
}

/// How precisely one word of a name fits one word of the text: `None` if it does not, else the
/// number of version parts that agree (1 for a plain word).
fn word_fit(name_word: &str, text_word: &str) -> Option<i32> {
    if is_version(name_word) && is_version(text_word) {
        let name: Vec<&str> = name_word.split('.').collect();
        let text: Vec<&str> = text_word.split('.').collect();
        let same = |a: &str, b: &str| a.parse::<u64>().ok() == b.parse::<u64>().ok();
        if name.len() <= text.len() {
            // "7" fits "7.9"; "18.04" fits "18.04.6".
            if name.iter().zip(&text).all(|(a, b)| same(a, b)) {
                return Some(name.len() as i32);
            }
        } else if name.iter().zip(&text).all(|(a, b)| same(a, b))
            && name[text.len()..]
                .iter()
                .all(|p| p.bytes().all(|b| b == b'0'))
        {
            // "8" fits "8.0"; "6.0" (CE) fits "6".
            return Some(text.len() as i32);
        }
        return None;
    }
    (name_word == text_word).then_some(1)
}

/// The precision with which every word of `name` is found in `text`, or `None`.
fn name_fit(name: &[String], text: &[String]) -> Option<i32> {
    let mut total = 0;
    for word in name {
        total += text.iter().filter_map(|t| word_fit(word, t)).max()?;
    }
    Some(total)
}

fn uses_word(names: &[&[String]], text_word: &str) -> bool {
    names
        .iter()
        .any(|name| name.iter().any(|w| word_fit(w, text_word).is_some()))
}

/// The names every release is matched by, derived from its platform and cycle.
pub(crate) fn derived_aliases(
    platform: &Platform,
    release: &OsRelease,
    all: &[OsRelease],
) -> std::vec::IntoIter<(String, AliasKind)> {
    let mut names = Vec::new();
    let name = |names: &mut Vec<(String, AliasKind)>, text: String| {
        names.push((text, AliasKind::Name));
    };
    match platform.scheme {
        PlatformScheme::Windows => windows_aliases(release, all, &mut names),
        PlatformScheme::WindowsServer => {
            let parts: Vec<&str> = release
                .cycle
                .split('-')
                .filter(|p| !matches!(*p, "ac" | "sac"))
                .collect();
            name(&mut names, format!("windows server {}", parts.join(" ")));
            if parts.len() > 1 && parts.last().is_some_and(|p| p.starts_with("sp")) {
                let without_sp = &parts[..parts.len() - 1];
                name(
                    &mut names,
                    format!("windows server {}", without_sp.join(" ")),
                );
            }
        }
        PlatformScheme::Listed => {}
        PlatformScheme::Numbered => {
            for alias in &platform.aliases {
                name(&mut names, format!("{alias} {}", release.cycle));
                if let Some(codename) = &release.codename {
                    name(&mut names, format!("{alias} {codename}"));
                    let first = codename.split_whitespace().next().unwrap_or_default();
                    let shared = all.iter().any(|other| {
                        other.platform == release.platform
                            && other.id != release.id
                            && other
                                .codename
                                .as_deref()
                                .is_some_and(|c| c.split_whitespace().next() == Some(first))
                    });
                    if first != codename && !shared {
                        name(&mut names, format!("{alias} {first}"));
                    }
                }
            }
        }
    }
    names.into_iter()
}

/// The year of a Windows LTSC release, as editions are sold ("LTSC 2019" is 1809).
fn ltsc_year(major: &str, feature_update: &str) -> Option<&'static str> {
    match (major, feature_update) {
        ("10", "1507") => Some("2015"),
        ("10", "1607") => Some("2016"),
        ("10", "1809") => Some("2019"),
        ("10", "21h2") => Some("2021"),
        ("11", "24h2") => Some("2024"),
        _ => None,
    }
}

struct WindowsCycle<'a> {
    major: &'a str,
    feature_update: Option<&'a str>,
    service_pack: Option<&'a str>,
    flags: Vec<&'a str>,
}

fn parse_windows_cycle(cycle: &str) -> WindowsCycle<'_> {
    let mut parts = cycle.split('-');
    let major = parts.next().unwrap_or_default();
    let mut parsed = WindowsCycle {
        major,
        feature_update: None,
        service_pack: None,
        flags: Vec::new(),
    };
    for part in parts {
        if part.starts_with("sp") {
            parsed.service_pack = Some(part);
        } else if parsed.feature_update.is_none()
            && part.bytes().next().is_some_and(|b| b.is_ascii_digit())
        {
            parsed.feature_update = Some(part);
        } else {
            parsed.flags.push(part);
        }
    }
    parsed
}

/// A general-availability Windows release (not Enterprise-only, IoT or LTSC).
fn is_general_windows(cycle: &WindowsCycle) -> bool {
    cycle.feature_update.is_some() && cycle.flags.iter().all(|f| *f == "w")
}

fn windows_aliases(release: &OsRelease, all: &[OsRelease], names: &mut Vec<(String, AliasKind)>) {
    let c = parse_windows_cycle(&release.cycle);
    let mut add = |text: String| names.push((text, AliasKind::Name));
    let product = match c.major {
        "5" => Some("xp"),
        "6" => Some("vista"),
        _ => None,
    };
    if let Some(product) = product {
        add(format!("windows {product}"));
        add(product.to_string());
        if let Some(sp) = c.service_pack {
            add(format!("windows {product} {sp}"));
        }
        return;
    }
    let major = c.major;
    let Some(fu) = c.feature_update else {
        add(format!("windows {major}"));
        if let Some(sp) = c.service_pack {
            add(format!("windows {major} {sp}"));
        }
        return;
    };
    let lts = c.flags.contains(&"lts");
    let iot = c.flags.contains(&"iot");
    let enterprise = c.flags.contains(&"e");
    let edition = if iot {
        "iot enterprise"
    } else if enterprise {
        "enterprise"
    } else {
        ""
    };
    if lts {
        let mut versions = vec![fu];
        versions.extend(ltsc_year(major, fu));
        for v in versions {
            add(format!("windows {major} {edition} ltsc {v}"));
            if iot {
                add(format!("windows {major} iot ltsc {v}"));
            } else {
                add(format!("windows {major} ltsc {v}"));
            }
        }
    } else if iot {
        add(format!("windows {major} iot {fu}"));
        add(format!("windows {major} iot enterprise {fu}"));
    } else if enterprise {
        add(format!("windows {major} enterprise {fu}"));
        add(format!("windows {major} education {fu}"));
    } else {
        add(format!("windows {major} {fu}"));
    }
    // "Windows 10" alone: assume the newest general release of that major version.
    if is_general_windows(&c) {
        let newest = all
            .iter()
            .filter(|r| r.platform == release.platform)
            .filter(|r| {
                let other = parse_windows_cycle(&r.cycle);
                other.major == major && is_general_windows(&other)
            })
            .max_by_key(|r| r.release_date);
        if newest.is_some_and(|r| r.id == release.id) {
            names.push((format!("windows {major}"), AliasKind::Assumed));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    /// Not a fallback platform (a distribution wins over its kernel).
    primary: bool,
    named: bool,
    words: usize,
    precision: i32,
}

struct Candidate {
    release: usize,
    alias: usize,
    score: Score,
}

fn end_key(release: &OsRelease) -> (i32, Option<chrono::NaiveDate>) {
    match release.security_support_end {
        SupportEnd::NotAnnounced => (2, None),
        SupportEnd::On(date) => (1, Some(date)),
        SupportEnd::Ended => (0, None),
    }
}

impl OsTable {
    /// Matches a free-text operating system to a release of the table.
    pub fn match_os(&self, text: &str) -> OsMatch {
        let words = normalize(text);
        let no_match = |reason: String| OsMatch {
            input: text.to_string(),
            release_id: None,
            release_label: None,
            confidence: MatchConfidence::None,
            reason,
            alternatives: Vec::new(),
        };
        if words.is_empty() {
            return no_match("No operating system is recorded.".to_string());
        }
        let edition_words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| EDITION_WORDS.contains(w))
            .collect();

        // The best-scoring name of each release that fits.
        let mut best: Vec<Candidate> = Vec::new();
        for (alias_index, alias) in self.aliases.iter().enumerate() {
            let release = self.release_at(alias.release);
            let Some(platform) = self.platform(&release.platform) else {
                continue;
            };
            let Some(precision) = name_fit(&alias.tokens, &words) else {
                continue;
            };
            if platform.scheme.uses_edition_words()
                && edition_words
                    .iter()
                    .any(|w| !alias.tokens.iter().any(|t| t == w))
            {
                continue;
            }
            let score = Score {
                primary: !platform.fallback,
                named: alias.kind != AliasKind::Assumed,
                words: alias.tokens.len(),
                precision,
            };
            match best.iter_mut().find(|c| c.release == alias.release) {
                Some(existing) if existing.score >= score => {}
                Some(existing) => {
                    existing.alias = alias_index;
                    existing.score = score;
                }
                None => best.push(Candidate {
                    release: alias.release,
                    alias: alias_index,
                    score,
                }),
            }
        }
        let Some(top_score) = best.iter().map(|c| c.score).max() else {
            return no_match(self.no_match_reason(text, &words));
        };
        let mut tied: Vec<&Candidate> = best.iter().filter(|c| c.score == top_score).collect();
        // Among equals, the one supported longest (Server 2003 → its last service pack).
        tied.sort_by_key(|c| std::cmp::Reverse(end_key(self.release_at(c.release))));
        let chosen = tied[0];
        let release = self.release_at(chosen.release);
        let alias = &self.aliases[chosen.alias];
        let alternatives: Vec<String> = tied[1..]
            .iter()
            .map(|c| self.release_at(c.release).id.clone())
            .collect();

        let own_names: Vec<&[String]> = self
            .aliases
            .iter()
            .filter(|a| a.release == chosen.release)
            .map(|a| a.tokens.as_slice())
            .collect();
        let mut unused: Vec<&str> = Vec::new();
        for word in &words {
            let noise = NOISE_WORDS.contains(&word.as_str())
                || (word.starts_with("sp") && is_version(&word[2..]));
            if !noise && !uses_word(&own_names, word) && !unused.contains(&word.as_str()) {
                unused.push(word);
            }
        }

        let mut reason = format!(
            "Read \"{}\" as {} (by the name \"{}\").",
            text.trim(),
            release.label,
            alias.text
        );
        let confidence = if alias.kind == AliasKind::Assumed {
            reason = format!(
                "\"{}\" names {} without a version; assumed the newest general release, {}. \
                 Correct the match if the device runs another version (LTSC and IoT editions \
                 are supported for longer).",
                text.trim(),
                alias.text,
                release.label
            );
            MatchConfidence::Low
        } else if !unused.is_empty()
            || !alternatives.is_empty()
            || alias.kind == AliasKind::Ambiguous
        {
            MatchConfidence::Medium
        } else {
            MatchConfidence::High
        };
        if !unused.is_empty() {
            reason.push_str(&format!(
                " These words were not used: {}.",
                unused
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !alternatives.is_empty() {
            let labels: Vec<&str> = alternatives
                .iter()
                .filter_map(|id| self.release(id))
                .map(|r| r.label.as_str())
                .collect();
            reason.push_str(&format!(
                " It fits {} equally; pick the one the device runs.",
                labels.join(", ")
            ));
        }
        if let Some(note) = &release.note {
            reason.push(' ');
            reason.push_str(note);
        }
        for other in release.see_also.iter().filter_map(|id| self.release(id)) {
            reason.push_str(&format!(
                " Not the same as {} (security support: {}); correct the match if that is what \
                 the device runs.",
                other.label,
                other.security_support_end.describe()
            ));
        }
        OsMatch {
            input: text.to_string(),
            release_id: Some(release.id.clone()),
            release_label: Some(release.label.clone()),
            confidence,
            reason,
            alternatives,
        }
    }

    /// The user's correction: `release_id` is what the device runs.
    pub fn confirm_match(&self, text: &str, release_id: &str) -> Option<OsMatch> {
        let release = self.release(release_id)?;
        Some(OsMatch {
            input: text.to_string(),
            release_id: Some(release.id.clone()),
            release_label: Some(release.label.clone()),
            confidence: MatchConfidence::Confirmed,
            reason: format!(
                "Chosen by the user: \"{}\" is {}.",
                text.trim(),
                release.label
            ),
            alternatives: Vec::new(),
        })
    }

    fn no_match_reason(&self, text: &str, words: &[String]) -> String {
        let known: HashSet<&str> = words.iter().map(String::as_str).collect();
        let platform = self.platforms().iter().find(|p| {
            p.aliases
                .iter()
                .any(|a| normalize(a).iter().all(|w| known.contains(w.as_str())))
        });
        match platform {
            Some(p) => format!(
                "\"{}\" looks like {}, but no release in the table fits; enter the version \
                 (for example the one the device's About screen shows) or pick the release.",
                text.trim(),
                p.name
            ),
            None => format!(
                "\"{}\" is not an operating system in the table (Windows, Windows Embedded and \
                 CE, macOS, iOS, iPadOS, Android, Debian, Ubuntu, RHEL, CentOS, Linux kernel); \
                 support status needs the vendor's end-of-support date.",
                text.trim()
            ),
        }
    }
}
