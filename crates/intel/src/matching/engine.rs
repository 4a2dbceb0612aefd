//! The matching engine: which devices an advisory or a KEV entry may concern, how sure that
//! is, and why, in words.
//!
//! For each device and each affected product of an advisory (or each KEV entry) it weighs
//! three things:
//! 1. **Manufacturer** — the same company (legal forms aside), a known alias or company
//!    family ([`super::vendor::FAMILIES`]), or a likely misspelling (one confidence level
//!    less). Unrelated manufacturers never match; a device without a manufacturer is only
//!    considered when one of its model numbers appears in the product (one level less).
//! 2. **Product and model** — model numbers ("8015", "B850", "MX800", "MX400-550") and name
//!    words ("Alaris", "IntelliVue"). A shared model number with no contradicting name is
//!    high; the same name without model numbers is high, a name contained in the product's
//!    name medium; a shared word only, or the same kind of device from the same maker with a
//!    different model number ("C6" vs "T1 Ventilator"), is low.
//! 3. **Version** — when the device's software version is known and the advisory's range is
//!    understood: inside keeps the level, outside makes it low ("probably not affected").
//!    An unknown version or a range kept as text changes nothing, and the reason says so.
//!
//! For each device and source the best product wins; the result lists every product at that
//! level, the CVEs that affect them, the highest CVSS score and the CVEs that are in KEV.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use specta::Type;

use devicerisk_core::{DeviceCategory, DeviceFields};

use super::tokens::{category_kinds, tokenize, Tokens};
use super::vendor::{
    normalize_vendor, relate_vendors, split_vendors, NormalizedVendor, VendorRelation,
};
use super::version::{SpecKind, VersionSpec};
use crate::csaf::Advisory;
use crate::kev::KevEntry;

/// How sure a match is. Ordered: `Low < Medium < High`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
pub enum Confidence {
    #[serde(rename = "low")]
    Low,
    #[serde(rename = "medium")]
    Medium,
    #[serde(rename = "high")]
    High,
}

impl Confidence {
    fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// What the engine needs to know about a device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DeviceFacts {
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    /// The device's software or firmware version.
    pub version: Option<String>,
    pub category: DeviceCategory,
}

impl DeviceFacts {
    pub fn from_fields(fields: &DeviceFields) -> DeviceFacts {
        DeviceFacts {
            manufacturer: fields.manufacturer.clone(),
            model: fields.model.clone(),
            version: fields.software_version.clone(),
            category: fields.category,
        }
    }
}

/// Where a match comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
pub enum MatchSource {
    Advisory { tracking_id: String },
    Kev { cve_id: String },
}

/// How the device's version stands against the advisory's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum VersionVerdict {
    /// The advisory covers every version (or the source names none, as KEV).
    AnyVersion,
    Within,
    Outside,
    /// The device's version is not recorded.
    DeviceVersionUnknown,
    /// The advisory's version text, or the device's, could not be compared.
    NotComparable,
}

/// One device possibly concerned by one advisory or KEV entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Match {
    /// Index of the device in the slice given to [`match_devices`].
    pub device: u32,
    pub source: MatchSource,
    pub confidence: Confidence,
    /// Full sentences: manufacturer, product, version, known exploitation.
    pub reasons: Vec<String>,
    /// The advisory products at the best confidence (empty for KEV).
    pub product_ids: Vec<String>,
    /// Their full names, for display.
    pub products: Vec<String>,
    pub version: VersionVerdict,
    /// The CVEs that affect those products (the entry's CVE for KEV).
    pub cves: Vec<String>,
    /// Those of `cves` that are in the KEV catalog given to the engine.
    pub known_exploited: Vec<String>,
    /// The highest CVSS base score among those CVEs.
    pub max_cvss: Option<f64>,
}

struct Target<'a> {
    source: usize,
    product_id: Option<&'a str>,
    label: &'a str,
    vendors: Vec<NormalizedVendor>,
    tokens: Tokens,
    spec: Option<&'a VersionSpec>,
}

struct Prepared {
    vendor: Option<NormalizedVendor>,
    tokens: Tokens,
}

struct Evaluation {
    confidence: Confidence,
    verdict: VersionVerdict,
    strength: usize,
    reasons: Vec<String>,
}

/// Matches every device against every affected product of `advisories` and every entry of
/// `kev`. `kev` also marks advisory CVEs as known exploited. Pure: same input, same output.
pub fn match_devices(
    devices: &[DeviceFacts],
    advisories: &[Advisory],
    kev: &[KevEntry],
) -> Vec<Match> {
    let mut sources: Vec<MatchSource> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    for advisory in advisories {
        let source = sources.len();
        sources.push(MatchSource::Advisory {
            tracking_id: advisory.tracking_id.clone(),
        });
        for product in advisory.affected_products() {
            let vendors = product
                .vendor
                .as_deref()
                .map(split_vendors)
                .unwrap_or_default();
            let ignore: Vec<String> = vendors.iter().flat_map(|v| v.words.clone()).collect();
            let mut tokens = tokenize_product(
                product.product_name.as_deref().unwrap_or(&product.name),
                &ignore,
            );
            if let Some(family) = &product.product_family {
                tokens.extend(tokenize(family, &ignore));
            }
            if product.version.kind == SpecKind::Unparsed {
                let mut extra = tokenize(&product.version.text, &ignore);
                extra.models.retain(|m| !looks_like_version(m));
                tokens.extend(extra);
            }
            for model in &product.version.models {
                tokens.extend(tokenize(model, &[]));
            }
            targets.push(Target {
                source,
                product_id: Some(&product.product_id),
                label: &product.name,
                vendors,
                tokens,
                spec: Some(&product.version),
            });
        }
    }
    for entry in kev {
        let source = sources.len();
        sources.push(MatchSource::Kev {
            cve_id: entry.cve_id.clone(),
        });
        let vendors = split_vendors(&entry.vendor_project);
        let ignore: Vec<String> = vendors.iter().flat_map(|v| v.words.clone()).collect();
        targets.push(Target {
            source,
            product_id: None,
            label: &entry.product,
            tokens: tokenize_product(&entry.product, &ignore),
            vendors,
            spec: None,
        });
    }

    let kev_ids: HashSet<&str> = kev.iter().map(|e| e.cve_id.as_str()).collect();
    let mut by_vendor: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut vendor_samples: HashMap<&str, &NormalizedVendor> = HashMap::new();
    let mut by_model: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, target) in targets.iter().enumerate() {
        for vendor in &target.vendors {
            by_vendor.entry(vendor.key.as_str()).or_default().push(i);
            vendor_samples.entry(vendor.key.as_str()).or_insert(vendor);
        }
        for model in &target.tokens.models {
            if model.len() >= 3 {
                by_model.entry(model.as_str()).or_default().push(i);
            }
        }
    }
    let mut misspelt: HashMap<String, Vec<&str>> = HashMap::new();

    let mut matches: Vec<Match> = Vec::new();
    // Devices with the same facts get the same matches: a clinic has many of one model, and
    // preparing and evaluating a device is the costly part.
    let mut matched_like: HashMap<&DeviceFacts, (usize, usize)> = HashMap::new();
    for (index, device) in devices.iter().enumerate() {
        if let Some(&(start, end)) = matched_like.get(device) {
            for k in start..end {
                let mut copy = matches[k].clone();
                copy.device = index as u32;
                matches.push(copy);
            }
            continue;
        }
        let start = matches.len();
        let prepared = prepare(device);
        let candidates: Vec<usize> = match &prepared.vendor {
            Some(vendor) => {
                let related = misspelt.entry(vendor.key.clone()).or_insert_with(|| {
                    vendor_samples
                        .iter()
                        .filter(|(key, sample)| {
                            **key != vendor.key
                                && relate_vendors(vendor, sample).0 == VendorRelation::Spelling
                        })
                        .map(|(key, _)| *key)
                        .collect()
                });
                let mut list: Vec<usize> = by_vendor
                    .get(vendor.key.as_str())
                    .cloned()
                    .unwrap_or_default();
                for key in related.iter() {
                    list.extend(by_vendor.get(key).into_iter().flatten());
                }
                list
            }
            None => prepared
                .tokens
                .models
                .iter()
                .filter_map(|m| by_model.get(m.as_str()))
                .flatten()
                .copied()
                .collect(),
        };
        if candidates.is_empty() {
            matched_like.insert(device, (start, start));
            continue;
        }
        let mut best: HashMap<usize, (Evaluation, Vec<usize>)> = HashMap::new();
        let mut seen = HashSet::new();
        for t in candidates {
            if !seen.insert(t) {
                continue;
            }
            let target = &targets[t];
            let Some(evaluation) = evaluate(device, &prepared, target) else {
                continue;
            };
            match best.get_mut(&target.source) {
                None => {
                    best.insert(target.source, (evaluation, vec![t]));
                }
                Some((current, list)) => {
                    let key = |e: &Evaluation| (e.confidence, verdict_rank(e.verdict), e.strength);
                    if key(&evaluation) > key(current) {
                        if evaluation.confidence > current.confidence {
                            list.clear();
                        } else {
                            list.retain(|&other| other != t);
                        }
                        *current = evaluation;
                        list.insert(0, t);
                    } else if evaluation.confidence == current.confidence {
                        list.push(t);
                    }
                }
            }
        }
        for (source, (evaluation, list)) in best {
            matches.push(build_match(
                index,
                &sources[source],
                evaluation,
                &list,
                &targets,
                advisories,
                kev,
                &kev_ids,
            ));
        }
        matched_like.insert(device, (start, matches.len()));
    }
    matches.sort_by(|a, b| {
        a.device
            .cmp(&b.device)
            .then(b.confidence.cmp(&a.confidence))
            .then_with(|| source_key(&a.source).cmp(source_key(&b.source)))
    });
    matches
}

fn source_key(source: &MatchSource) -> &str {
    match source {
        MatchSource::Advisory { tracking_id } => tracking_id,
        MatchSource::Kev { cve_id } => cve_id,
    }
}

fn verdict_rank(verdict: VersionVerdict) -> u8 {
    match verdict {
        VersionVerdict::Within => 4,
        VersionVerdict::AnyVersion => 3,
        VersionVerdict::DeviceVersionUnknown => 2,
        VersionVerdict::NotComparable => 1,
        VersionVerdict::Outside => 0,
    }
}

/// Tokens of a product name without the maker's own words ("BD Alaris" → "alaris"), unless
/// the name is only the maker's ("Git" by Git, "Kernel" by Linux is kept either way).
fn tokenize_product(text: &str, ignore: &[String]) -> Tokens {
    let tokens = tokenize(text, ignore);
    if tokens.words.is_empty() && tokens.models.is_empty() && tokens.ranges.is_empty() {
        tokenize(text, &[])
    } else {
        tokens
    }
}

/// "v9", "v20d29": version numbers inside prose, not model numbers.
fn looks_like_version(token: &str) -> bool {
    token.starts_with('v') && token[1..].starts_with(|c: char| c.is_ascii_digit())
}

fn prepare(device: &DeviceFacts) -> Prepared {
    let vendor = device
        .manufacturer
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(normalize_vendor);
    let ignore = vendor.as_ref().map(|v| v.words.clone()).unwrap_or_default();
    let mut tokens = tokenize_product(device.model.as_deref().unwrap_or(""), &ignore);
    tokens.kinds.extend(
        category_kinds(device.category)
            .iter()
            .map(|k| k.to_string()),
    );
    tokens.kinds.sort();
    tokens.kinds.dedup();
    Prepared { vendor, tokens }
}

fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn evaluate(device: &DeviceFacts, prepared: &Prepared, target: &Target) -> Option<Evaluation> {
    let mut reasons = Vec::new();
    let vendor_relation = match &prepared.vendor {
        Some(vendor) => {
            let (relation, why) = target
                .vendors
                .iter()
                .map(|tv| relate_vendors(vendor, tv))
                .min_by_key(|(r, _)| match r {
                    VendorRelation::Same => 0,
                    VendorRelation::Family => 1,
                    VendorRelation::Spelling => 2,
                    VendorRelation::Different => 3,
                })?;
            if relation == VendorRelation::Different {
                return None;
            }
            reasons.push(sentence(&why));
            Some(relation)
        }
        None => {
            reasons.push("The device's manufacturer is not recorded.".to_string());
            None
        }
    };

    let d = &prepared.tokens;
    let t = &target.tokens;
    let models = d.matching_models(t);
    let words = d.matching_words(t);
    let kinds = d.matching_kinds(t);
    let model_conflict =
        models.is_empty() && !d.models.is_empty() && !(t.models.is_empty() && t.ranges.is_empty());
    // A name conflicts only through a word of some length that no product word starts with
    // or abbreviates: "PC Unit" does not contradict "Point-of-Care Unit (PCU)".
    let word_conflict = words.is_empty()
        && !t.words.is_empty()
        && d.words.iter().any(|dw| {
            dw.len() >= 3
                && !t
                    .words
                    .iter()
                    .any(|tw| tw.starts_with(dw.as_str()) || dw.starts_with(tw.as_str()))
        });
    let device_words_covered = !d.words.is_empty() && words.len() == d.words.len();
    let same_name = device_words_covered && words.len() == t.words.len();
    let product = target.label;

    let (mut confidence, product_reason) = if !models.is_empty() {
        if word_conflict {
            (
                Confidence::Medium,
                format!(
                    "model number {} appears in '{product}', but its name differs from the device's model '{}'",
                    models.join(", "),
                    device.model.as_deref().unwrap_or_default()
                ),
            )
        } else if words.is_empty() {
            (
                Confidence::High,
                format!("model number {} appears in '{product}'", models.join(", ")),
            )
        } else {
            (
                Confidence::High,
                format!(
                    "model number {} and name {} appear in '{product}'",
                    models.join(", "),
                    quoted(&words)
                ),
            )
        }
    } else if model_conflict {
        if words.is_empty() && kinds.is_empty() {
            return None;
        }
        let shared = if words.is_empty() {
            format!("same kind of device ({})", kinds.join(", "))
        } else {
            format!("same product line ({})", quoted(&words))
        };
        (
            Confidence::Low,
            format!(
                "{shared}, but the advisory names '{product}' and the device's model is '{}': probably a different model",
                device.model.as_deref().unwrap_or_default()
            ),
        )
    } else if same_name && !d.models.is_empty() {
        // "CARESCAPE B850" against "CARESCAPE Telemetry Server": the line's name alone, and
        // the product names no model number the device could share.
        (
            Confidence::Medium,
            format!(
                "the product '{product}' has the name of the device's model '{}' but not its model number {}",
                device.model.as_deref().unwrap_or_default(),
                d.models.join(", ")
            ),
        )
    } else if same_name {
        (
            Confidence::High,
            format!("the device's model is the product '{product}'"),
        )
    } else if device_words_covered {
        (
            Confidence::Medium,
            format!(
                "the device's model {} is part of the product name '{product}'",
                quoted(&words)
            ),
        )
    } else if !words.is_empty() {
        (
            Confidence::Low,
            format!(
                "the product '{product}' shares only {} with the device's model",
                quoted(&words)
            ),
        )
    } else if !kinds.is_empty() && d.models.is_empty() && d.words.is_empty() {
        (
            Confidence::Low,
            format!("the device's model is not recorded; the product '{product}' is the same kind of device ({})", kinds.join(", ")),
        )
    } else {
        return None;
    };
    reasons.push(sentence(&product_reason));
    match vendor_relation {
        Some(VendorRelation::Spelling) | None => confidence = confidence.lower(),
        _ => {}
    }

    let verdict = match target.spec {
        None => {
            reasons.push("The KEV catalog names no versions.".to_string());
            VersionVerdict::AnyVersion
        }
        Some(spec) => {
            let version = device
                .version
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty());
            match (&spec.kind, version) {
                (SpecKind::All, _) => {
                    reasons.push("The advisory covers every version.".to_string());
                    VersionVerdict::AnyVersion
                }
                (_, None) => {
                    reasons.push(format!(
                        "The device's software version is not recorded; the advisory covers {}.",
                        spec.describe()
                    ));
                    VersionVerdict::DeviceVersionUnknown
                }
                (_, Some(version)) => match spec.contains(version) {
                    Some(true) => {
                        reasons.push(format!("Version {version} is within {}.", spec.describe()));
                        VersionVerdict::Within
                    }
                    Some(false) => {
                        confidence = Confidence::Low;
                        reasons.push(format!(
                            "Version {version} is outside {}: probably not affected.",
                            spec.describe()
                        ));
                        VersionVerdict::Outside
                    }
                    None => {
                        reasons.push(format!(
                            "Version {version} cannot be compared with the advisory's {}; check it by hand.",
                            spec.describe()
                        ));
                        VersionVerdict::NotComparable
                    }
                },
            }
        }
    };
    Some(Evaluation {
        confidence,
        verdict,
        strength: models.len() * 2 + words.len(),
        reasons,
    })
}

fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn build_match(
    device: usize,
    source: &MatchSource,
    evaluation: Evaluation,
    list: &[usize],
    targets: &[Target],
    advisories: &[Advisory],
    kev: &[KevEntry],
    kev_ids: &HashSet<&str>,
) -> Match {
    let mut reasons = evaluation.reasons;
    let mut cves: Vec<String> = Vec::new();
    let mut max_cvss: Option<f64> = None;
    let mut product_ids = Vec::new();
    let mut products = Vec::new();
    match source {
        MatchSource::Advisory { tracking_id } => {
            let advisory = advisories.iter().find(|a| &a.tracking_id == tracking_id);
            for &t in list {
                let Some(id) = targets[t].product_id else {
                    continue;
                };
                product_ids.push(id.to_string());
                products.push(targets[t].label.to_string());
                if let Some(advisory) = advisory {
                    for v in advisory.affecting(id) {
                        if let Some(cve) = &v.cve {
                            if !cves.contains(cve) {
                                cves.push(cve.clone());
                            }
                        }
                        if let Some(score) = v.score_for(id) {
                            max_cvss = Some(
                                max_cvss.map_or(score.base_score, |m: f64| m.max(score.base_score)),
                            );
                        }
                    }
                }
            }
        }
        MatchSource::Kev { cve_id } => {
            cves.push(cve_id.clone());
            if let Some(entry) = kev.iter().find(|e| &e.cve_id == cve_id) {
                reasons.push(format!(
                    "{cve_id} ({}) is in CISA's Known Exploited Vulnerabilities catalog since {}.",
                    entry.vulnerability_name, entry.date_added
                ));
            }
        }
    }
    let known_exploited: Vec<String> = cves
        .iter()
        .filter(|c| kev_ids.contains(c.as_str()))
        .cloned()
        .collect();
    if matches!(source, MatchSource::Advisory { .. }) && !known_exploited.is_empty() {
        reasons.push(format!(
            "{} {} in CISA's Known Exploited Vulnerabilities catalog.",
            known_exploited.join(", "),
            if known_exploited.len() == 1 {
                "is"
            } else {
                "are"
            }
        ));
    }
    Match {
        device: device as u32,
        source: source.clone(),
        confidence: evaluation.confidence,
        reasons,
        product_ids,
        products,
        version: evaluation.verdict,
        cves,
        known_exploited,
        max_cvss,
    }
}
