//! Versions and the free-text version ranges of advisories.
//!
//! CISA's CSAF files write versions as text: "vers:all/*", "<= 2.3.6", ">= 1.3.4 | < 1.5.3",
//! "vers:generic/>=1.3.4|<1.5.3", "2.X", "1.10 | 1.11", "Rev J-M", "2.3.6 and below", model
//! lists ("MMT-1711 | MMT-1712") or prose ("with wireless option (shipped between …)").
//! [`parse_version_spec`] turns what it can into a [`VersionSpec`] and keeps the rest as text
//! ([`SpecKind::Unparsed`]); nothing is guessed. A `|` list follows the `vers` rule: the
//! constraints are ordered by version and a lower bound followed by an upper bound is one
//! interval, so ">= 1.3.4 | < 1.5.3" is 1.3.4 ≤ v < 1.5.3 while "1.10 | 1.11" is either.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use specta::Type;

/// One part of a version: a number (kept as its digits without leading zeros, so any length
/// compares correctly) or a word, compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum VersionPart {
    Number(String),
    Word(String),
}

/// A version such as "9.33", "v20D29", "B.02", "2023.3_Build_9342" or the series "12.2.x".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Version {
    /// As written (trimmed).
    pub text: String,
    pub parts: Vec<VersionPart>,
    /// "2.X", "12.2.x.x", "5.x": every version that starts with `parts`.
    pub series: bool,
}

impl Version {
    /// Reads one version token. `None` for empty text, text with spaces or characters that
    /// do not occur in versions.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let body = strip_v_prefix(text);
        if body.is_empty()
            || !body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
        {
            return None;
        }
        let mut parts = Vec::new();
        for chunk in body.split(['.', '-', '_', '+']) {
            let mut current = String::new();
            let mut digits = false;
            for c in chunk.chars() {
                if !current.is_empty() && c.is_ascii_digit() != digits {
                    parts.push(part(&current, digits));
                    current.clear();
                }
                digits = c.is_ascii_digit();
                current.push(c);
            }
            if !current.is_empty() {
                parts.push(part(&current, digits));
            }
        }
        let mut series = false;
        while matches!(parts.last(), Some(VersionPart::Word(w)) if w == "x") && parts.len() > 1 {
            parts.pop();
            series = true;
        }
        if parts.is_empty() {
            return None;
        }
        Some(Version {
            text: text.to_string(),
            parts,
            series,
        })
    }

    /// Orders two versions part by part; a missing part counts as 0 against a number and
    /// as newer than a word ("1.0-rc1" < "1.0").
    pub fn compare(&self, other: &Version) -> Ordering {
        compare_parts(&self.parts, &other.parts, usize::MAX)
    }

    /// How `self` (a concrete version) stands against `bound`, which may be a series: within
    /// the series "12.x" counts as equal.
    fn against(&self, bound: &Version) -> Ordering {
        let limit = if bound.series {
            bound.parts.len()
        } else {
            usize::MAX
        };
        compare_parts(&self.parts, &bound.parts, limit)
    }
}

fn strip_v_prefix(text: &str) -> &str {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('v' | 'V'), Some(c)) if c.is_ascii_digit() => &text[1..],
        _ => text,
    }
}

fn part(text: &str, digits: bool) -> VersionPart {
    if digits {
        let trimmed = text.trim_start_matches('0');
        VersionPart::Number(if trimmed.is_empty() { "0" } else { trimmed }.to_string())
    } else {
        VersionPart::Word(text.to_ascii_lowercase())
    }
}

fn compare_parts(a: &[VersionPart], b: &[VersionPart], limit: usize) -> Ordering {
    let len = a.len().max(b.len()).min(limit);
    for i in 0..len {
        let ordering = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => compare_part(x, y),
            (Some(VersionPart::Number(n)), None) => compare_numbers(n, "0"),
            (None, Some(VersionPart::Number(n))) => compare_numbers("0", n),
            (Some(VersionPart::Word(_)), None) => Ordering::Less,
            (None, Some(VersionPart::Word(_))) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

fn compare_part(a: &VersionPart, b: &VersionPart) -> Ordering {
    match (a, b) {
        (VersionPart::Number(x), VersionPart::Number(y)) => compare_numbers(x, y),
        (VersionPart::Word(x), VersionPart::Word(y)) => x.cmp(y),
        (VersionPart::Word(_), VersionPart::Number(_)) => Ordering::Less,
        (VersionPart::Number(_), VersionPart::Word(_)) => Ordering::Greater,
    }
}

fn compare_numbers(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// One end of an interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Bound {
    pub version: Version,
    pub inclusive: bool,
}

/// A set of versions: one version (or series), or an interval open at either end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum VersionItem {
    Exact(Version),
    Range {
        lower: Option<Bound>,
        upper: Option<Bound>,
    },
}

impl VersionItem {
    pub fn contains(&self, version: &Version) -> bool {
        match self {
            VersionItem::Exact(exact) => version.against(exact) == Ordering::Equal,
            VersionItem::Range { lower, upper } => {
                let above = lower
                    .as_ref()
                    .is_none_or(|b| match version.against(&b.version) {
                        Ordering::Greater => true,
                        Ordering::Equal => b.inclusive,
                        Ordering::Less => false,
                    });
                let below = upper
                    .as_ref()
                    .is_none_or(|b| match version.against(&b.version) {
                        Ordering::Less => true,
                        Ordering::Equal => b.inclusive,
                        Ordering::Greater => false,
                    });
                above && below
            }
        }
    }

    /// In words: "9.33 or earlier", "1.3.4 up to (not including) 1.5.3", "2.x".
    pub fn describe(&self) -> String {
        let show = |v: &Version| {
            if v.series {
                format!("{}.x", parts_text(&v.parts))
            } else {
                v.text.clone()
            }
        };
        match self {
            VersionItem::Exact(v) => show(v),
            VersionItem::Range { lower, upper } => match (lower, upper) {
                (None, None) => "any version".to_string(),
                (None, Some(u)) if u.inclusive => format!("{} or earlier", show(&u.version)),
                (None, Some(u)) => format!("before {}", show(&u.version)),
                (Some(l), None) if l.inclusive => format!("{} or later", show(&l.version)),
                (Some(l), None) => format!("after {}", show(&l.version)),
                (Some(l), Some(u)) => format!(
                    "{} {} {}{}",
                    if l.inclusive { "from" } else { "after" },
                    show(&l.version),
                    if u.inclusive {
                        "to "
                    } else {
                        "up to (not including) "
                    },
                    show(&u.version)
                ),
            },
        }
    }
}

fn parts_text(parts: &[VersionPart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            VersionPart::Number(n) => n.as_str(),
            VersionPart::Word(w) => w.as_str(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// What an advisory's version text says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum SpecKind {
    /// Every version ("vers:all/*", "*"), or no version stated (a bare model list).
    All,
    /// Any of these versions or intervals.
    Versions(Vec<VersionItem>),
    /// Text that is not a version range; kept as written in `VersionSpec::text`.
    Unparsed,
}

/// An advisory's version text and what could be read from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct VersionSpec {
    /// As written in the advisory.
    pub text: String,
    pub kind: SpecKind,
    /// Model numbers named in the text ("v6.x model 35700BAX", "MMT-1711 | MMT-1712").
    pub models: Vec<String>,
}

impl VersionSpec {
    /// No version text at all: every version.
    pub fn all() -> VersionSpec {
        VersionSpec {
            text: String::new(),
            kind: SpecKind::All,
            models: Vec::new(),
        }
    }

    /// "any version", "9.33 or earlier; 9.5", or the original text when not understood.
    pub fn describe(&self) -> String {
        match &self.kind {
            SpecKind::All => "any version".to_string(),
            SpecKind::Versions(items) => items
                .iter()
                .map(VersionItem::describe)
                .collect::<Vec<_>>()
                .join("; "),
            SpecKind::Unparsed => format!("\"{}\"", self.text),
        }
    }

    /// Whether a device's version falls in the range. `None` when the range is text that
    /// cannot be compared or the device's version is not a version.
    pub fn contains(&self, version: &str) -> Option<bool> {
        match &self.kind {
            SpecKind::All => Some(true),
            SpecKind::Unparsed => None,
            SpecKind::Versions(items) => {
                let version = Version::parse(strip_version_word(version))?;
                Some(items.iter().any(|item| item.contains(&version)))
            }
        }
    }
}

fn strip_version_word(text: &str) -> &str {
    let t = text.trim();
    for prefix in [
        "version ",
        "versions ",
        "ver. ",
        "ver ",
        "rev. ",
        "rev ",
        "release ",
    ] {
        if t.len() > prefix.len() && t[..prefix.len()].eq_ignore_ascii_case(prefix) {
            return t[prefix.len()..].trim();
        }
    }
    t
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// Reads an advisory's version text. Never fails: what cannot be read is `Unparsed`.
pub fn parse_version_spec(text: &str) -> VersionSpec {
    let original = text.trim().to_string();
    let unparsed = || VersionSpec {
        text: original.clone(),
        kind: SpecKind::Unparsed,
        models: Vec::new(),
    };
    let mut t: String = original.split_whitespace().collect::<Vec<_>>().join(" ");
    // A trailing remark in parentheses: "<= 1.54 (integrated into GE MobileLink)". A
    // condition ("(with Wireless Battery Modules v9 | …)") is not a remark: it stays, and
    // the text is then not understood.
    if t.ends_with(')') {
        if let Some(open) = t.rfind(" (") {
            let remark = t[open + 2..].to_ascii_lowercase();
            let condition = remark.starts_with("with") || remark.contains(['|', '<', '>']);
            if !t[..open].contains('(') && !condition {
                t.truncate(open);
            }
        }
    }
    // "Rev J-M", "Rev B-M": an inclusive range of revision letters.
    if let Some(rest) = t.to_ascii_lowercase().strip_prefix("rev ") {
        if let Some((a, b)) = rest.split_once('-') {
            if let (Some(a), Some(b)) = (Version::parse(a), Version::parse(b)) {
                return VersionSpec {
                    text: original,
                    kind: SpecKind::Versions(vec![VersionItem::Range {
                        lower: Some(Bound {
                            version: a,
                            inclusive: true,
                        }),
                        upper: Some(Bound {
                            version: b,
                            inclusive: true,
                        }),
                    }]),
                    models: Vec::new(),
                };
            }
        }
    }
    let t = strip_version_word(&t).to_string();
    let lower = t.to_ascii_lowercase();
    if t.is_empty() || matches!(lower.as_str(), "*" | "vers:all/*" | "all" | "all versions") {
        return VersionSpec {
            text: original,
            kind: SpecKind::All,
            models: Vec::new(),
        };
    }
    let body = match lower.strip_prefix("vers:") {
        Some(rest) => match rest.split_once('/') {
            Some((_, constraints)) if constraints.trim() == "*" => {
                return VersionSpec {
                    text: original,
                    kind: SpecKind::All,
                    models: Vec::new(),
                }
            }
            Some(_) => t[t.find('/').map_or(0, |i| i + 1)..].to_string(),
            None => return unparsed(),
        },
        None => t.clone(),
    };

    // "2.3.6 and below", "4.0.1 and later".
    for (suffix, op) in [
        (" and below", Op::Le),
        (" and prior", Op::Le),
        (" and earlier", Op::Le),
        (" and older", Op::Le),
        (" or earlier", Op::Le),
        (" and later", Op::Ge),
        (" and above", Op::Ge),
        (" and newer", Op::Ge),
        (" or later", Op::Ge),
    ] {
        if let Some(head) = lower.strip_suffix(suffix) {
            return match Version::parse(&t[..head.len()]) {
                Some(v) => VersionSpec {
                    text: original,
                    kind: SpecKind::Versions(build_items(vec![(op, v)])),
                    models: Vec::new(),
                },
                None => unparsed(),
            };
        }
    }

    let mut constraints = Vec::new();
    let mut models = Vec::new();
    let pieces: Vec<&str> = body
        .split('|')
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.is_empty() {
        return unparsed();
    }
    for piece in pieces {
        // "v6.x model 35700BAX"
        let (piece, model) = match piece.to_ascii_lowercase().find(" model ") {
            Some(at) => (&piece[..at], Some(piece[at + 7..].trim())),
            None => (piece, None),
        };
        if let Some(model) = model {
            if !is_model_number(model) {
                return unparsed();
            }
            models.push(model.to_string());
        }
        match parse_constraint(piece) {
            Some(Piece::Constraint(op, v)) => constraints.push((op, v)),
            Some(Piece::Model(m)) => models.push(m),
            None => return unparsed(),
        }
    }
    let kind = if constraints.is_empty() {
        SpecKind::All
    } else {
        SpecKind::Versions(build_items(constraints))
    };
    VersionSpec {
        text: original,
        kind,
        models,
    }
}

enum Piece {
    Constraint(Op, Version),
    Model(String),
}

fn parse_constraint(piece: &str) -> Option<Piece> {
    let piece = piece.trim();
    let ops = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ];
    for (symbol, op) in ops {
        if let Some(rest) = piece.strip_prefix(symbol) {
            return Version::parse(rest).map(|v| Piece::Constraint(op, v));
        }
    }
    if is_model_number(piece) {
        return Some(Piece::Model(piece.to_string()));
    }
    let version = Version::parse(piece)?;
    // A bare word ("IGS", "base") is not a version; single revision letters ("K") and
    // anything with a digit are.
    let has_digit = piece.chars().any(|c| c.is_ascii_digit());
    if !(has_digit || piece.len() == 1 || version.series) {
        return None;
    }
    Some(Piece::Constraint(Op::Eq, version))
}

/// A model or catalogue number rather than a version: "MMT-1710", "35700BAX", "2490C",
/// "24950", "650c" — three or more digits, at most a short letter prefix, no dots.
pub fn is_model_number(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.contains('.') || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return false;
    }
    let letters = t.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let rest = t[letters..].trim_start_matches('-');
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    letters <= 5 && digits >= 3 && rest[digits..].chars().all(|c| c.is_ascii_alphanumeric())
}

/// Orders constraints by version and pairs each lower bound with the next upper bound, as
/// the `vers` specification does; an equality is a point of its own.
fn build_items(mut constraints: Vec<(Op, Version)>) -> Vec<VersionItem> {
    constraints.sort_by(|a, b| a.1.compare(&b.1));
    let mut items = Vec::new();
    let mut open: Option<Bound> = None;
    for (op, version) in constraints {
        match op {
            Op::Eq => {
                if open.is_none() {
                    items.push(VersionItem::Exact(version));
                }
            }
            Op::Gt | Op::Ge => {
                if open.is_none() {
                    open = Some(Bound {
                        version,
                        inclusive: op == Op::Ge,
                    });
                }
            }
            Op::Lt | Op::Le => items.push(VersionItem::Range {
                lower: open.take(),
                upper: Some(Bound {
                    version,
                    inclusive: op == Op::Le,
                }),
            }),
        }
    }
    if let Some(lower) = open {
        items.push(VersionItem::Range {
            lower: Some(lower),
            upper: None,
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn spec(text: &str) -> VersionSpec {
        parse_version_spec(text)
    }

    fn yes(spec_text: &str, version: &str) {
        assert_eq!(
            spec(spec_text).contains(version),
            Some(true),
            "{version} should be in {spec_text:?} ({:?})",
            spec(spec_text)
        );
    }

    fn no(spec_text: &str, version: &str) {
        assert_eq!(
            spec(spec_text).contains(version),
            Some(false),
            "{version} should not be in {spec_text:?} ({:?})",
            spec(spec_text)
        );
    }

    #[test]
    fn version_order() {
        assert_eq!(v("9.5").compare(&v("9.33")), Ordering::Less);
        assert_eq!(v("1.10").compare(&v("1.9")), Ordering::Greater);
        assert_eq!(v("1.0").compare(&v("1.0.0")), Ordering::Equal);
        assert_eq!(v("v2.0").compare(&v("2.0")), Ordering::Equal);
        assert_eq!(v("1.0-rc1").compare(&v("1.0")), Ordering::Less);
        assert_eq!(v("B.02").compare(&v("C.00.04")), Ordering::Less);
        assert_eq!(v("v20D29").compare(&v("v20D32")), Ordering::Less);
        assert_eq!(v("053L000091").compare(&v("53L91")), Ordering::Equal);
        assert_eq!(
            v("12345678901234567890123").compare(&v("9")),
            Ordering::Greater
        );
        assert!(Version::parse("3.0 D15").is_none());
        assert!(Version::parse("").is_none());
        assert!(v("12.2.x.x").series);
    }

    #[test]
    fn all_versions() {
        for text in [
            "vers:all/*",
            "*",
            "",
            "All versions",
            "* (end-of-life 2011)",
        ] {
            assert_eq!(spec(text).kind, SpecKind::All, "{text}");
        }
        assert_eq!(spec("vers:all/*").contains("anything at all"), Some(true));
    }

    #[test]
    fn upper_bounds() {
        yes("<= 2.3.6", "2.3.6");
        yes("<= 2.3.6", "2.3");
        no("<= 2.3.6", "2.3.7");
        yes("<=1.52", "1.5");
        no("< 1.52", "1.52");
        yes("<= 9.33", "9.5");
        no("<= 9.5", "9.7");
        yes("2.3.6 and  below", "1.0");
        no("2.3.6 and below", "2.4");
        yes("<= 1.54 (integrated into GE MobileLink)", "1.54");
        yes("<=2023.3_Build_9342", "2023.3_Build_9000");
        no("<=2023.3_Build_9342", "2023.4");
        yes("<= K", "J");
        no("<= K", "L");
    }

    #[test]
    fn intervals_and_lists() {
        for text in [">= 1.3.4 | < 1.5.3", "vers:generic/>=1.3.4|<1.5.3"] {
            yes(text, "1.3.4");
            yes(text, "1.5.2");
            no(text, "1.5.3");
            no(text, "1.3.3");
        }
        yes(">= 2.0", "2.1");
        no(">= 2.0", "1.9");
        yes("1.10 | 1.11 | 1.13 | 1.14", "1.13");
        no("1.10 | 1.11 | 1.13 | 1.14", "1.12");
        yes("4.X | 5.X", "5.2.1");
        no("4.X | 5.X", "6.0");
        yes("2.X", "2.7");
        no("< 3.x", "3.1");
        yes("< 3.x", "2.99");
        yes("<= 11.x", "11.4");
        yes("Rev J-M", "K");
        no("Rev J-M", "N");
        yes("2131 and 2141", "anything");
    }

    #[test]
    fn models_are_not_versions() {
        let s = spec("MMT-1711 | MMT-1712 | MMT-1751 | MMT-1752");
        assert_eq!(s.kind, SpecKind::All);
        assert_eq!(
            s.models,
            vec!["MMT-1711", "MMT-1712", "MMT-1751", "MMT-1752"]
        );
        let s = spec("v6.x model 35700BAX");
        assert_eq!(s.models, vec!["35700BAX"]);
        assert_eq!(s.contains("6.2"), Some(true));
        assert_eq!(s.contains("8.0"), Some(false));
        assert!(is_model_number("2490C"));
        assert!(!is_model_number("9.7"));
        assert!(!is_model_number("12"));
    }

    #[test]
    fn prose_is_kept_as_text() {
        for text in [
            "with wireless option (shipped between 2016-August 2018)",
            "distributed  < april 1, 2018",
            "A.01 <= C.0x | 4.0",
            "Accu-Chek Inform II",
            "<= 3.0 D15",
            "v6.x (with Wireless Battery Modules v9 | v11 | >= v20D29 | <= v20D32)",
        ] {
            let s = spec(text);
            assert_eq!(s.kind, SpecKind::Unparsed, "{text}: {s:?}");
            assert_eq!(s.text, text.trim());
            assert_eq!(s.contains("1.0"), None);
        }
    }

    #[test]
    fn descriptions() {
        assert_eq!(spec("<= 9.33").describe(), "9.33 or earlier");
        assert_eq!(
            spec(">= 1.3.4 | < 1.5.3").describe(),
            "from 1.3.4 up to (not including) 1.5.3"
        );
        assert_eq!(spec("2.X").describe(), "2.x");
        assert_eq!(spec("vers:all/*").describe(), "any version");
        assert_eq!(spec("IGS").describe(), "\"IGS\"");
    }
}
