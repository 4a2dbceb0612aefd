//! Manufacturer names as people write them: "GE Healthcare", "General Electric (GE)" and "GE
//! HealthCare" are one company; "Phillips" is Philips misspelt; Hillrom and Welch Allyn are
//! now Baxter; "Dräger" is also written "Draeger".
//!
//! [`normalize_vendor`] reduces a name to a key: accents folded, legal-form and generic words
//! ("Inc.", "AG", "Medical", "Healthcare") dropped, then looked up in [`FAMILIES`], the table
//! of known aliases and company families. [`relate_vendors`] says how two names relate, in
//! words, with a small edit distance catching misspellings the table does not list.

use serde::{Deserialize, Serialize};
use specta::Type;

/// A company and the other names it goes by. `note` explains a family link in words.
pub struct Family {
    /// Stable key ("ge", "philips"): the group of every alias.
    pub key: &'static str,
    /// The name shown to users.
    pub name: &'static str,
    /// (alias as people write it, why it belongs to the family when it is not obvious).
    pub aliases: &'static [(&'static str, Option<&'static str>)],
}

/// Known aliases, misspellings and company families of medical-device makers.
pub const FAMILIES: &[Family] = &[
    Family {
        key: "ge",
        name: "GE HealthCare",
        aliases: &[
            ("GE", None),
            ("General Electric", None),
            ("GE Healthcare", None),
            ("GE HealthCare", None),
            ("GE Medical Systems", None),
            ("GE Medical", None),
            (
                "Datex-Ohmeda",
                Some("Datex-Ohmeda is part of GE HealthCare"),
            ),
        ],
    },
    Family {
        key: "philips",
        name: "Philips",
        aliases: &[
            ("Philips", None),
            (
                "Phillips",
                Some("\"Phillips\" is a common misspelling of Philips"),
            ),
            ("Philips Healthcare", None),
            ("Philips Medical Systems", None),
            ("Koninklijke Philips", None),
            ("Royal Philips", None),
            ("Philips Respironics", None),
            ("Respironics", Some("Respironics is part of Philips")),
        ],
    },
    Family {
        key: "baxter",
        name: "Baxter",
        aliases: &[
            ("Baxter", None),
            ("Baxter Healthcare", None),
            ("Baxter International", None),
            (
                "Hillrom",
                Some("Hillrom (Hill-Rom) has been part of Baxter since 2021"),
            ),
            (
                "Hill-Rom",
                Some("Hill-Rom (Hillrom) has been part of Baxter since 2021"),
            ),
            (
                "Hill Rom",
                Some("Hill-Rom (Hillrom) has been part of Baxter since 2021"),
            ),
            (
                "Welch Allyn",
                Some("Welch Allyn is a Hillrom brand, part of Baxter since 2021"),
            ),
            (
                "Welch-Allyn",
                Some("Welch Allyn is a Hillrom brand, part of Baxter since 2021"),
            ),
        ],
    },
    Family {
        key: "bd",
        name: "BD (Becton, Dickinson and Company)",
        aliases: &[
            ("BD", None),
            ("Becton Dickinson", None),
            ("Becton, Dickinson and Company", None),
            (
                "CareFusion",
                Some("CareFusion (Alaris, Pyxis) has been part of BD since 2015"),
            ),
            (
                "Alaris Medical Systems",
                Some("Alaris is a BD brand (via CareFusion)"),
            ),
            ("C. R. Bard", Some("Bard has been part of BD since 2017")),
            ("Bard", Some("Bard has been part of BD since 2017")),
        ],
    },
    Family {
        key: "draeger",
        name: "Dräger",
        aliases: &[
            ("Dräger", None),
            ("Draeger", None),
            ("Drager", None),
            ("Drägerwerk", None),
            ("Draegerwerk", None),
            ("Dräger Medical", None),
        ],
    },
    Family {
        key: "siemens",
        name: "Siemens Healthineers",
        aliases: &[
            ("Siemens", None),
            ("Siemens Healthineers", None),
            ("Siemens Healthcare", None),
            ("Siemens Medical Solutions", None),
            ("Healthineers", None),
        ],
    },
    Family {
        key: "medtronic",
        name: "Medtronic",
        aliases: &[
            ("Medtronic", None),
            (
                "Covidien",
                Some("Covidien has been part of Medtronic since 2015"),
            ),
        ],
    },
    Family {
        key: "smiths",
        name: "Smiths Medical (ICU Medical)",
        aliases: &[
            ("Smiths Medical", None),
            ("Smiths", None),
            (
                "ICU Medical",
                Some("ICU Medical bought Smiths Medical in 2022"),
            ),
            (
                "Hospira",
                Some("Hospira's infusion business has been part of ICU Medical since 2017"),
            ),
        ],
    },
    Family {
        key: "fresenius",
        name: "Fresenius",
        aliases: &[
            ("Fresenius", None),
            ("Fresenius Kabi", None),
            ("Fresenius Medical Care", None),
        ],
    },
    Family {
        key: "bbraun",
        name: "B. Braun",
        aliases: &[
            ("B. Braun", None),
            ("B Braun", None),
            ("B. Braun Melsungen", None),
            ("Braun", None),
        ],
    },
    Family {
        key: "getinge",
        name: "Getinge",
        aliases: &[
            ("Getinge", None),
            ("Maquet", Some("Maquet is a Getinge brand")),
        ],
    },
    Family {
        key: "roche",
        name: "Roche",
        aliases: &[
            ("Roche", None),
            ("Roche Diagnostics", None),
            ("Hoffmann-La Roche", None),
        ],
    },
    Family {
        key: "canon",
        name: "Canon Medical",
        aliases: &[
            ("Canon", None),
            ("Canon Medical Systems", None),
            (
                "Toshiba Medical",
                Some("Toshiba Medical Systems became Canon Medical Systems in 2018"),
            ),
        ],
    },
    Family {
        key: "fujifilm",
        name: "Fujifilm",
        aliases: &[("Fujifilm", None), ("Fuji", None), ("Fuji Film", None)],
    },
    Family {
        key: "intuitive",
        name: "Intuitive Surgical",
        aliases: &[("Intuitive", None), ("Intuitive Surgical", None)],
    },
];

/// Words that say what kind of company it is, not which one.
const GENERIC_WORDS: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "ag",
    "gmbh",
    "co",
    "corp",
    "corporation",
    "company",
    "plc",
    "sa",
    "se",
    "nv",
    "bv",
    "kg",
    "kgaa",
    "spa",
    "srl",
    "oy",
    "ab",
    "as",
    "the",
    "and",
    "medical",
    "healthcare",
    "health",
    "systems",
    "system",
    "diagnostics",
    "international",
    "group",
    "technologies",
    "technology",
    "solutions",
    "devices",
];

/// A vendor name reduced for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedVendor {
    /// As written.
    pub raw: String,
    /// The family key for known companies, else the reduced name ("hamilton").
    pub key: String,
    /// The reduced name itself ("hamilton", "welchallyn").
    pub reduced: String,
    /// Index into [`FAMILIES`] when the name is a known alias.
    pub family: Option<usize>,
    /// The words of the name and of its family's aliases ("welch", "allyn", "hillrom"…),
    /// to be ignored in product names ("BD Alaris", "Welch Allyn Connex").
    pub words: Vec<String>,
}

/// Folds accents and case: "Dräger" → "drager".
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let base = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                'a'
            }
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
                'o'
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' | 'Ñ' => 'n',
            'ß' => 's',
            other => other,
        };
        out.extend(base.to_lowercase());
    }
    out
}

/// Lower-case alphanumeric words of a name, accents folded.
pub(crate) fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The name without legal-form and generic words, squashed: "Hamilton Medical AG" →
/// "hamilton", "Becton, Dickinson and Company" → "bectondickinson", "Hill-Rom" → "hillrom".
fn reduce(text: &str) -> String {
    let all = words(text);
    let kept: Vec<&String> = all
        .iter()
        .filter(|w| !GENERIC_WORDS.contains(&w.as_str()))
        .collect();
    if kept.is_empty() {
        all.concat()
    } else {
        kept.into_iter().map(String::as_str).collect()
    }
}

struct AliasIndex {
    /// (reduced alias, family index, alias index)
    entries: Vec<(String, usize, usize)>,
}

fn alias_index() -> &'static AliasIndex {
    static INDEX: std::sync::OnceLock<AliasIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut entries = Vec::new();
        for (f, family) in FAMILIES.iter().enumerate() {
            for (a, (alias, _)) in family.aliases.iter().enumerate() {
                entries.push((reduce(alias), f, a));
                let squashed: String = words(alias).concat();
                if squashed != reduce(alias) {
                    entries.push((squashed, f, a));
                }
            }
        }
        AliasIndex { entries }
    })
}

fn lookup(reduced: &str) -> Option<(usize, usize)> {
    alias_index()
        .entries
        .iter()
        .find(|(r, _, _)| r == reduced)
        .map(|&(_, f, a)| (f, a))
}

/// Reduces one vendor name and finds its family. "Becton, Dickinson and Company (BD)" is
/// tried whole, without the parentheses and as the abbreviation inside them.
pub fn normalize_vendor(raw: &str) -> NormalizedVendor {
    let raw_trimmed = raw.trim();
    let without_parens = strip_parenthetical(raw_trimmed);
    let inside = parenthetical(raw_trimmed);
    let mut candidates = vec![reduce(raw_trimmed), reduce(&without_parens)];
    if let Some(inside) = inside {
        candidates.push(reduce(inside));
    }
    let found = candidates
        .iter()
        .find_map(|c| lookup(c).map(|hit| (c, hit)));
    let reduced = reduce(&without_parens);
    let (key, family) = match found {
        Some((_, (f, _))) => (FAMILIES[f].key.to_string(), Some(f)),
        None => (reduced.clone(), None),
    };
    let mut vendor_words = words(raw_trimmed);
    if let Some(f) = family {
        for (alias, _) in FAMILIES[f].aliases {
            vendor_words.extend(words(alias));
            vendor_words.push(words(alias).concat());
        }
    }
    vendor_words.retain(|w| !GENERIC_WORDS.contains(&w.as_str()));
    vendor_words.sort();
    vendor_words.dedup();
    NormalizedVendor {
        raw: raw_trimmed.to_string(),
        key,
        reduced,
        family,
        words: vendor_words,
    }
}

/// An advisory's vendor field may name several companies: "ENEA, Green Hills Software, ITRON,
/// IP Infusion, and Wind River". A known name with a comma ("Becton, Dickinson and Company")
/// stays whole.
pub fn split_vendors(raw: &str) -> Vec<NormalizedVendor> {
    let whole = normalize_vendor(raw);
    if whole.family.is_some() || !raw.contains(',') {
        return vec![whole];
    }
    let parts: Vec<NormalizedVendor> = raw
        .split(',')
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().trim_start_matches("and ").trim())
        .filter(|p| !p.is_empty())
        .map(normalize_vendor)
        .collect();
    if parts.len() > 1 {
        parts
    } else {
        vec![whole]
    }
}

fn strip_parenthetical(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

fn parenthetical(text: &str) -> Option<&str> {
    let open = text.find('(')?;
    let close = text[open..].find(')')? + open;
    Some(text[open + 1..close].trim()).filter(|t| !t.is_empty())
}

/// How a device's manufacturer relates to an advisory's vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum VendorRelation {
    /// The same name once legal forms, case and accents are set aside.
    Same,
    /// Known aliases of one company or one company family.
    Family,
    /// Probably a misspelling (a small edit distance).
    Spelling,
    /// Unrelated.
    Different,
}

/// Relates two vendor names and says why, in words.
pub fn relate_vendors(
    device: &NormalizedVendor,
    advisory: &NormalizedVendor,
) -> (VendorRelation, String) {
    let (d, a) = (&device.raw, &advisory.raw);
    if device.reduced == advisory.reduced && !device.reduced.is_empty() {
        return if d.eq_ignore_ascii_case(a) {
            (
                VendorRelation::Same,
                format!("manufacturer '{d}' is the advisory's vendor"),
            )
        } else {
            (
                VendorRelation::Same,
                format!("manufacturer '{d}' is the advisory's vendor '{a}'"),
            )
        };
    }
    if device.family.is_some() && device.family == advisory.family {
        let family = &FAMILIES[device.family.unwrap_or(0)];
        let note = [device, advisory]
            .iter()
            .find_map(|v| alias_note(family, &v.raw))
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        return (
            VendorRelation::Family,
            format!(
                "manufacturer '{d}' and vendor '{a}' are both {}{note}",
                family.name
            ),
        );
    }
    if similar(&device.reduced, &advisory.reduced)
        || advisory.family.is_some_and(|f| {
            FAMILIES[f]
                .aliases
                .iter()
                .any(|(alias, _)| similar(&device.reduced, &reduce(alias)))
        })
    {
        return (
            VendorRelation::Spelling,
            format!("manufacturer '{d}' looks like a misspelling of vendor '{a}'"),
        );
    }
    (
        VendorRelation::Different,
        format!("manufacturer '{d}' is not vendor '{a}'"),
    )
}

fn alias_note(family: &Family, raw: &str) -> Option<&'static str> {
    let reduced = reduce(&strip_parenthetical(raw));
    family
        .aliases
        .iter()
        .find(|(alias, _)| reduce(alias) == reduced)
        .and_then(|(_, note)| *note)
}

/// Names of 5 or more letters one edit apart (two for 9 or more): "phillps" ~ "philips".
pub(crate) fn similar(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() || a == b {
        return false;
    }
    let shorter = a.chars().count().min(b.chars().count());
    let allowed = match shorter {
        0..=4 => return false,
        5..=8 => 1,
        _ => 2,
    };
    edit_distance(a, b, allowed) <= allowed
}

/// Optimal string alignment distance (Levenshtein plus transpositions), stopping early once
/// it exceeds `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (prev[j] + 1)
                .min(current[j - 1] + 1)
                .min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(prev2[j - 2] + 1);
            }
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut current);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> String {
        normalize_vendor(raw).key
    }

    fn relation(device: &str, advisory: &str) -> VendorRelation {
        relate_vendors(&normalize_vendor(device), &normalize_vendor(advisory)).0
    }

    #[test]
    fn families() {
        for name in [
            "GE Healthcare",
            "General Electric (GE)",
            "GE HealthCare",
            "GE",
            "ge medical systems",
        ] {
            assert_eq!(key(name), "ge", "{name}");
        }
        for name in [
            "Philips",
            "Phillips",
            "Philips Healthcare",
            "PHILIPS MEDICAL SYSTEMS",
        ] {
            assert_eq!(key(name), "philips", "{name}");
        }
        for name in [
            "Hillrom",
            "Hill-Rom",
            "Baxter",
            "Welch Allyn",
            "Baxter Healthcare Corporation",
        ] {
            assert_eq!(key(name), "baxter", "{name}");
        }
        for name in [
            "BD",
            "Becton Dickinson",
            "Becton, Dickinson and Company (BD)",
            "CareFusion",
        ] {
            assert_eq!(key(name), "bd", "{name}");
        }
        for name in ["Dräger", "Draeger", "Drägerwerk AG & Co. KGaA"] {
            assert_eq!(key(name), "draeger", "{name}");
        }
        for name in ["Siemens Healthineers", "Siemens", "Siemens Healthcare GmbH"] {
            assert_eq!(key(name), "siemens", "{name}");
        }
        assert_eq!(key("Hamilton Medical AG"), "hamilton");
        assert_eq!(key("Hamilton Medical"), "hamilton");
        assert_eq!(key("Nihon Kohden"), "nihonkohden");
    }

    #[test]
    fn relations_in_words() {
        assert_eq!(
            relation("Hamilton Medical", "Hamilton Medical AG"),
            VendorRelation::Same
        );
        assert_eq!(
            relation("GE", "General Electric (GE)"),
            VendorRelation::Family
        );
        let (r, why) = relate_vendors(
            &normalize_vendor("Welch Allyn"),
            &normalize_vendor("Baxter"),
        );
        assert_eq!(r, VendorRelation::Family);
        assert!(why.contains("part of Baxter since 2021"), "{why}");
        assert_eq!(relation("Phillps", "Philips"), VendorRelation::Spelling);
        assert_eq!(
            relation("Nihon Kohdan", "Nihon Kohden"),
            VendorRelation::Spelling
        );
        assert_eq!(
            relation("Stryker", "Hamilton Medical AG"),
            VendorRelation::Different
        );
        assert_eq!(relation("GE", "BD"), VendorRelation::Different);
        // Short names are never "misspellings" of each other.
        assert_eq!(relation("Zoll", "Roll"), VendorRelation::Different);
    }

    #[test]
    fn several_vendors_in_one_field() {
        let parts = split_vendors("ENEA, Green Hills Software, ITRON, IP Infusion, and Wind River");
        let keys: Vec<&str> = parts.iter().map(|v| v.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "enea",
                "greenhillssoftware",
                "itron",
                "ipinfusion",
                "windriver"
            ]
        );
        assert_eq!(split_vendors("Becton, Dickinson and Company (BD)").len(), 1);
    }

    #[test]
    fn vendor_words_cover_the_family() {
        let v = normalize_vendor("Hillrom");
        for w in ["welch", "allyn", "hillrom", "baxter"] {
            assert!(v.words.iter().any(|x| x == w), "{w} in {:?}", v.words);
        }
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("philips", "phillips", 3), 1);
        assert_eq!(edit_distance("draeger", "drager", 3), 1);
        assert_eq!(edit_distance("abcdef", "abdcef", 3), 1);
        assert!(edit_distance("siemens", "baxter", 2) > 2);
    }
}
