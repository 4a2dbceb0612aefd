//! The shape of questionnaire content: what a TOML file under `assets/questionnaires/` holds,
//! and the `Questionnaire` that gathers the three scopes.
//!
//! Unknown keys in a file are rejected (`deny_unknown_fields`) so a misspelt "hlep" fails loudly
//! instead of leaving a question without help.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::vocab::{Connectivity, DeviceCategory};

/// Who or what a set of questions is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Once for the whole clinic.
    Clinic,
    /// Once per device, or once per device category with per-device overrides.
    Device,
    /// Once per vendor or planned purchase.
    Procurement,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Clinic, Scope::Device, Scope::Procurement];

    /// The prefix every question id of this scope carries ("clinic.inv.01").
    pub fn id_prefix(self) -> &'static str {
        match self {
            Scope::Clinic => "clinic.",
            Scope::Device => "device.",
            Scope::Procurement => "procurement.",
        }
    }
}

/// How severe a gap is; ordered so the worst sorts last.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// The kinds of answer a question takes. "Unknown" and "not applicable" are accepted by every
/// kind on top of the values listed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    /// Yes, no or partly.
    YesNoPartial,
    /// Yes or no, for facts where "partly" means nothing (does the device hold patient data?).
    YesNo,
    /// Exactly one of `options`.
    SingleChoice,
    /// Any non-empty set of `options`.
    MultiChoice,
    /// A count, a number of days or a percentage; never negative.
    Number,
    Date,
    Text,
}

impl AnswerType {
    /// The answer keys a condition or a gap rule may name for this kind, besides options.
    pub fn fixed_keys(self) -> &'static [&'static str] {
        match self {
            AnswerType::YesNoPartial => &["yes", "no", "partial"],
            AnswerType::YesNo => &["yes", "no"],
            _ => &[],
        }
    }

    pub fn has_options(self) -> bool {
        matches!(self, AnswerType::SingleChoice | AnswerType::MultiChoice)
    }
}

/// Key of the "unknown" answer in conditions and gap tables.
pub const UNKNOWN_KEY: &str = "unknown";
/// Key of the "not applicable" answer in conditions.
pub const NA_KEY: &str = "na";

/// Governance, incident response and backup/recovery questions sit outside the seven device
/// practices (practice 0) and say which of the three they serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Governance,
    IncidentResponse,
    BackupRecovery,
}

/// One choice of a single- or multi-choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// Stable key stored in answers; never reuse a key for a different meaning.
    pub id: String,
    pub label: String,
}

/// A number answer beyond `value` is a gap of `severity`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct NumberGap {
    pub value: f64,
    pub severity: Severity,
}

/// A date answer earlier than today plus `days_from_today` is a gap: -365 means "more than a
/// year ago", +730 means "less than two years from now" (a support end date coming soon).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct DateGap {
    pub days_from_today: i32,
    pub severity: Severity,
}

/// When a question is shown. Every part that is present must hold.
/// Device parts hold when the device's fact is not known: better one question too many than a
/// question hidden because the inventory is incomplete.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// An earlier question of the same scope whose answer must be one of `answer_in`.
    pub question: Option<String>,
    #[serde(default)]
    pub answer_in: Vec<String>,
    /// Device scope: the device's category is one of these.
    #[serde(default)]
    pub category_in: Vec<DeviceCategory>,
    /// Device scope: the device has at least one of these connections.
    #[serde(default)]
    pub connectivity_any: Vec<Connectivity>,
}

/// One question with everything needed to ask it, judge the answer and cite it in a packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id, `<scope>.<section>.<nn>`; answers are stored under it, so it never changes.
    pub id: String,
    /// The question in plain words.
    pub text: String,
    /// Why it matters and where to find the answer.
    pub help: String,
    pub answer: AnswerType,
    #[serde(default)]
    pub options: Vec<ChoiceOption>,
    /// Unit shown after a number ("days", "%").
    pub unit: Option<String>,
    /// Answers (yes/no/partial or option ids) that are gaps, with their severity.
    #[serde(default)]
    pub gaps: BTreeMap<String, Severity>,
    pub gap_above: Option<NumberGap>,
    pub gap_below: Option<NumberGap>,
    pub gap_before: Option<DateGap>,
    /// Severity of an "unknown" answer; by default the worst declared gap, since not knowing
    /// may hide the worst case.
    pub unknown_severity: Option<Severity>,
    /// What to do when the answer is a gap.
    pub action: String,
    /// DESIGN.md practice 1-7, or 0 with a `topic`.
    pub practice: u8,
    pub topic: Option<Topic>,
    /// HHS 405(d) HICP practice or sub-practice ("9.M.A").
    pub hicp: String,
    /// NIST CSF 2.0 subcategories ("ID.AM-01").
    pub csf: Vec<String>,
    /// HIPAA Security Rule citations ("164.308(a)(1)(ii)(A)").
    pub hipaa: Vec<String>,
    pub show_if: Option<Condition>,
    /// Device scope: the `DeviceFields` field that holds this answer, read from and written to
    /// the inventory so the question is never asked twice.
    pub device_field: Option<String>,
}

impl Question {
    pub fn option(&self, id: &str) -> Option<&ChoiceOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// Severity of an unknown answer (or of N/A without a reason).
    pub fn severity_of_unknown(&self) -> Severity {
        self.unknown_severity.unwrap_or_else(|| {
            self.gaps
                .values()
                .copied()
                .chain(self.gap_above.map(|g| g.severity))
                .chain(self.gap_below.map(|g| g.severity))
                .chain(self.gap_before.map(|g| g.severity))
                .max()
                .unwrap_or(Severity::Low)
        })
    }

    /// Keys valid in `answer_in` of a condition on this question.
    pub fn answer_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.answer.fixed_keys().to_vec();
        keys.extend(self.options.iter().map(|o| o.id.as_str()));
        keys.push(UNKNOWN_KEY);
        keys.push(NA_KEY);
        keys
    }
}

/// A titled group of questions, shown as one page with its own progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    /// A few sentences telling the user what the section is about and who can answer it.
    pub intro: String,
    pub questions: Vec<Question>,
}

/// One file of content: every question of one scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct QuestionSet {
    /// Bumped whenever a question is added, removed or changes meaning; assessments record it.
    pub version: u32,
    pub title: String,
    pub scope: Scope,
    pub sections: Vec<Section>,
}

impl QuestionSet {
    /// Parses one content file. Shape errors (missing key, unknown key, wrong type) fail here;
    /// meaning errors are found by [`super::validate`].
    pub fn from_toml(text: &str) -> Result<QuestionSet, ContentError> {
        toml::from_str(text).map_err(|e| ContentError::Parse(e.to_string()))
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    pub fn section_of(&self, question_id: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.questions.iter().any(|q| q.id == question_id))
    }
}

/// All question sets the app knows, one per scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Questionnaire {
    pub sets: Vec<QuestionSet>,
}

impl Questionnaire {
    pub fn set(&self, scope: Scope) -> Option<&QuestionSet> {
        self.sets.iter().find(|s| s.scope == scope)
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sets.iter().flat_map(|s| s.questions())
    }

    /// A question by id, with its set and section.
    pub fn find(&self, id: &str) -> Option<(&QuestionSet, &Section, &Question)> {
        self.sets.iter().find_map(|set| {
            set.sections.iter().find_map(|section| {
                section
                    .questions
                    .iter()
                    .find(|q| q.id == id)
                    .map(|q| (set, section, q))
            })
        })
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.find(id).map(|(_, _, q)| q)
    }

    /// The content version of each scope, recorded on an assessment when it starts.
    pub fn versions(&self) -> Vec<(Scope, u32)> {
        self.sets.iter().map(|s| (s.scope, s.version)).collect()
    }
}

/// Content that cannot even be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("questionnaire file is not valid: {0}")]
    Parse(String),
}

const CLINIC_TOML: &str = include_str!("../../../../assets/questionnaires/clinic.toml");
const DEVICE_TOML: &str = include_str!("../../../../assets/questionnaires/device.toml");
const PROCUREMENT_TOML: &str = include_str!("../../../../assets/questionnaires/procurement.toml");

/// The questionnaires shipped with the app, embedded at build time so the app needs no files.
pub fn load_builtin() -> Result<Questionnaire, ContentError> {
    let mut sets = Vec::new();
    for (name, text) in [
        ("clinic.toml", CLINIC_TOML),
        ("device.toml", DEVICE_TOML),
        ("procurement.toml", PROCUREMENT_TOML),
    ] {
        let set = QuestionSet::from_toml(text)
            .map_err(|ContentError::Parse(e)| ContentError::Parse(format!("{name}: {e}")))?;
        sets.push(set);
    }
    Ok(Questionnaire { sets })
}
