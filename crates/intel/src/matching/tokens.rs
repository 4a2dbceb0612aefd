//! Product and model names cut into comparable tokens.
//!
//! "IntelliVue Patient Monitors MP Series (includingMP2/X2/MP30/MP70/MX700/800)" gives the
//! name word `intellivue`, the kind word `monitor` and the model numbers `mp2`, `x2`, `mp30`,
//! `mp70`, `mx700`, `mx800` (a slash list lends its letters to bare numbers); "MX400-550" is a
//! model range; "MMT-1710" is the model `mmt1710`. Words that say nothing about identity
//! ("system", "version", "unit") are dropped; words that say what kind of device it is
//! ("pump", "ventilator") are kept apart, as a weak hint.

use devicerisk_core::DeviceCategory;

use super::vendor::fold;

/// The tokens of a product or model name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Name words: "alaris", "intellivue", "spectrum".
    pub words: Vec<String>,
    /// Model numbers (a digit and something more): "8015", "b850", "mx800", "t1".
    pub models: Vec<String>,
    /// Model ranges "MX400-550": (letters, low, high).
    pub ranges: Vec<(String, u64, u64)>,
    /// Kind-of-device words, singular: "pump", "ventilator", "monitor".
    pub kinds: Vec<String>,
}

const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "the",
    "of",
    "for",
    "with",
    "without",
    "in",
    "on",
    "by",
    "to",
    "from",
    "version",
    "versions",
    "ver",
    "model",
    "models",
    "series",
    "system",
    "systems",
    "unit",
    "units",
    "device",
    "devices",
    "software",
    "firmware",
    "including",
    "include",
    "includes",
    "only",
    "all",
    "prior",
    "rev",
    "revision",
    "release",
    "update",
    "new",
    "based",
    "option",
    "options",
    "edition",
    "module",
    "modules",
    "application",
    "app",
    "patient",
    "medical",
    "clinical",
    "product",
    "products",
    "family",
    "type",
    "platform",
    "solution",
    "suite",
    "control",
    "operating",
    "manager",
    "management",
    "integrated",
    "wireless",
    "wifi",
    "wlan",
    "point",
    "care",
];

const KIND_WORDS: &[&str] = &[
    "ventilator",
    "respirator",
    "anesthesia",
    "anaesthesia",
    "pump",
    "infusion",
    "syringe",
    "monitor",
    "bed",
    "analyzer",
    "analyser",
    "sequencer",
    "scanner",
    "ct",
    "mri",
    "xray",
    "ray",
    "ultrasound",
    "telemetry",
    "defibrillator",
    "aed",
    "dialysis",
    "hemodialysis",
    "glucose",
    "insulin",
    "cgm",
    "ecg",
    "ekg",
    "electrocardiograph",
    "imaging",
    "pacs",
    "dicom",
    "workstation",
    "viewer",
    "server",
    "programmer",
    "nurse",
    "camera",
    "robot",
    "robotic",
    "surgical",
    "laboratory",
    "dispensing",
    "cabinet",
    "radiography",
    "spect",
    "pet",
    "hvac",
];

/// The kind words of an inventory category.
pub fn category_kinds(category: DeviceCategory) -> &'static [&'static str] {
    match category {
        DeviceCategory::InfusionPump => &["pump", "infusion", "syringe"],
        DeviceCategory::PatientMonitor => &["monitor", "telemetry"],
        DeviceCategory::Ventilator => &["ventilator", "respirator", "anesthesia", "anaesthesia"],
        DeviceCategory::Imaging => &[
            "imaging",
            "ct",
            "mri",
            "xray",
            "ray",
            "scanner",
            "radiography",
            "spect",
            "pet",
        ],
        DeviceCategory::Ultrasound => &["ultrasound"],
        DeviceCategory::Ecg => &["ecg", "ekg", "electrocardiograph"],
        DeviceCategory::LabAnalyzer => &["analyzer", "analyser", "laboratory", "sequencer"],
        DeviceCategory::NurseCall => &["nurse"],
        DeviceCategory::PacsWorkstation => &["pacs", "dicom", "viewer", "workstation", "imaging"],
        DeviceCategory::TelemetryWearable => &["telemetry", "glucose", "cgm", "insulin"],
        DeviceCategory::SmartBed => &["bed"],
        DeviceCategory::MedicationDispensing => &["dispensing", "cabinet"],
        DeviceCategory::SurgicalSystem => &["surgical", "robot", "robotic"],
        DeviceCategory::Defibrillator => &["defibrillator", "aed"],
        DeviceCategory::Dialysis => &["dialysis", "hemodialysis"],
        DeviceCategory::ClinicalWorkstation => &["workstation", "server"],
        DeviceCategory::BuildingSystem => &["hvac"],
        DeviceCategory::Other | DeviceCategory::Unknown => &[],
    }
}

fn singular(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem) if stem.len() >= 3 && !word.ends_with("ss") => stem,
        _ => word,
    }
}

/// Inserts a space where a lower-case run meets an upper-case run that carries a digit:
/// "includingMP2" → "including MP2" ("IntelliVue" stays whole).
fn split_glued(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && chars[i - 1].is_lowercase() && c.is_uppercase() {
            let rest = chars[i..].iter().take_while(|c| c.is_alphanumeric());
            if rest.clone().any(|c| c.is_ascii_digit()) {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

fn letters_digits(token: &str) -> Option<(&str, &str)> {
    let letters = token
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let rest = &token[letters..];
    (!rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
        .then(|| (&token[..letters], rest))
}

/// Cuts a name into tokens; `ignore` lists words to drop (the vendor's own words).
pub fn tokenize(text: &str, ignore: &[String]) -> Tokens {
    let mut tokens = Tokens::default();
    let glued = split_glued(text);
    let folded = fold(&glued);
    for chunk in folded.split(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | ':' | '|' | '[' | ']')
    }) {
        let chunk = chunk.trim_matches(|c: char| !c.is_alphanumeric());
        if chunk.is_empty() {
            continue;
        }
        // "mx700/800", "fm20/fm30/fm40": a slash list; bare numbers borrow the letters.
        let mut prefix = String::new();
        for piece in chunk.split('/') {
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if piece.is_empty() {
                continue;
            }
            let piece = if piece.chars().all(|c| c.is_ascii_digit()) && !prefix.is_empty() {
                format!("{prefix}{piece}")
            } else {
                if let Some((letters, _)) = letters_digits(piece) {
                    prefix = letters.to_string();
                }
                piece.to_string()
            };
            add_piece(&piece, ignore, &mut tokens);
        }
    }
    for list in [&mut tokens.words, &mut tokens.models, &mut tokens.kinds] {
        list.sort();
        list.dedup();
    }
    tokens
}

fn add_piece(piece: &str, ignore: &[String], tokens: &mut Tokens) {
    // "mx400-550": a model range; "mmt-1710": one model; "point-of-care": words.
    if let Some((left, right)) = piece.split_once('-') {
        if let (Some((letters, low)), true) = (
            letters_digits(left),
            !right.is_empty() && right.chars().all(|c| c.is_ascii_digit()),
        ) {
            if !letters.is_empty() {
                if let (Ok(low), Ok(high)) = (low.parse::<u64>(), right.parse::<u64>()) {
                    if low < high {
                        tokens.ranges.push((letters.to_string(), low, high));
                        add_word(&format!("{letters}{low}"), ignore, tokens);
                        add_word(&format!("{letters}{high}"), ignore, tokens);
                        return;
                    }
                }
            }
        }
        if left.chars().all(|c| c.is_ascii_alphabetic())
            && right.chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            add_word(&format!("{left}{right}"), ignore, tokens);
            return;
        }
        for part in piece.split(['-', '.', '_', '+', '&', '\'', '/']) {
            add_word(part, ignore, tokens);
        }
        return;
    }
    for part in piece.split(['.', '_', '+', '&', '\'']) {
        add_word(part, ignore, tokens);
    }
}

fn add_word(word: &str, ignore: &[String], tokens: &mut Tokens) {
    let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
    if word.is_empty() || ignore.contains(&word) {
        return;
    }
    let has_digit = word.chars().any(|c| c.is_ascii_digit());
    let all_digits = word.chars().all(|c| c.is_ascii_digit());
    if has_digit {
        // "16" in "Gemini 16 Slice" or "2" of a version says nothing; "8015" and "t1" do.
        if !(all_digits && word.len() <= 2) {
            tokens.models.push(word);
        }
        return;
    }
    let single = singular(&word).to_string();
    if KIND_WORDS.contains(&single.as_str()) || KIND_WORDS.contains(&word.as_str()) {
        tokens.kinds.push(single);
    } else if word.len() >= 2 && !STOP_WORDS.contains(&word.as_str()) {
        tokens.words.push(word);
    }
}

impl Tokens {
    /// Whether a model number of `self` is one of `other`'s, or inside one of its ranges.
    pub fn matching_models<'a>(&'a self, other: &Tokens) -> Vec<&'a str> {
        self.models
            .iter()
            .filter(|m| {
                other.models.contains(m)
                    || letters_digits(m).is_some_and(|(letters, digits)| {
                        digits.parse::<u64>().is_ok_and(|n| {
                            other
                                .ranges
                                .iter()
                                .any(|(l, low, high)| l == letters && (*low..=*high).contains(&n))
                        })
                    })
            })
            .map(String::as_str)
            .collect()
    }

    pub fn matching_words<'a>(&'a self, other: &Tokens) -> Vec<&'a str> {
        self.words
            .iter()
            .filter(|w| other.words.contains(w))
            .map(String::as_str)
            .collect()
    }

    pub fn matching_kinds<'a>(&'a self, other: &Tokens) -> Vec<&'a str> {
        self.kinds
            .iter()
            .filter(|w| other.kinds.contains(w))
            .map(String::as_str)
            .collect()
    }

    /// Adds another name's tokens (a version text, a family name).
    pub fn extend(&mut self, other: Tokens) {
        self.words.extend(other.words);
        self.models.extend(other.models);
        self.ranges.extend(other.ranges);
        self.kinds.extend(other.kinds);
        for list in [&mut self.words, &mut self.models, &mut self.kinds] {
            list.sort();
            list.dedup();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Tokens {
        tokenize(text, &[])
    }

    #[test]
    fn philips_model_lists() {
        let tokens = t(
            "IntelliVue Patient Monitors MP Series (includingMP2/X2/MP30/MP50/MP70/NP90/MX700/800)",
        );
        assert_eq!(tokens.words, vec!["intellivue", "mp"]);
        assert_eq!(tokens.kinds, vec!["monitor"]);
        assert_eq!(
            tokens.models,
            vec!["mp2", "mp30", "mp50", "mp70", "mx700", "mx800", "np90", "x2"]
        );
        let device = t("IntelliVue MX800");
        assert_eq!(device.matching_models(&tokens), vec!["mx800"]);
        assert_eq!(device.matching_words(&tokens), vec!["intellivue"]);
    }

    #[test]
    fn ranges_and_hyphens() {
        let tokens = t("IntelliVue Patient Monitors MX (MX400-550)");
        assert_eq!(tokens.ranges, vec![("mx".to_string(), 400, 550)]);
        assert_eq!(
            t("IntelliVue MX450").matching_models(&tokens),
            vec!["mx450"]
        );
        assert!(t("IntelliVue MX800").matching_models(&tokens).is_empty());
        assert_eq!(t("MiniMed MMT-1710").models, vec!["mmt1710"]);
        assert_eq!(
            t("BD Alaris Point-of-Care Unit (PCU) Model 8015").models,
            vec!["8015"]
        );
        assert_eq!(
            t("BD Alaris Point-of-Care Unit (PCU) Model 8015").words,
            vec!["alaris", "bd", "pcu"]
        );
    }

    #[test]
    fn vendor_words_are_ignored_and_kinds_kept_apart() {
        let tokens = tokenize("BD Alaris Guardrails Editor", &["bd".to_string()]);
        assert_eq!(tokens.words, vec!["alaris", "editor", "guardrails"]);
        let tokens = t("T1 Ventilator");
        assert_eq!(tokens.models, vec!["t1"]);
        assert_eq!(tokens.kinds, vec!["ventilator"]);
        assert!(tokens.words.is_empty());
        assert_eq!(
            t("Dräger Infinity Delta XL").words,
            vec!["delta", "drager", "infinity", "xl"]
        );
        assert!(t("Gemini 16 Slice").models.is_empty());
    }
}
