//! Content validation: everything a questionnaire must satisfy before a user sees it. Run by
//! the content test on the built-in files and by `devicerisk questionnaire validate`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use specta::Type;

use super::content::{
    AnswerType, Condition, Question, QuestionSet, Questionnaire, Scope, NA_KEY, UNKNOWN_KEY,
};
use super::device_field::{field_shape, fits};
use super::reference::{is_csf_subcategory, is_hicp_reference, is_hipaa_citation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ContentProblemCode {
    /// A scope has no file, or two files share a scope.
    ScopeMissing,
    DuplicateScope,
    DuplicateId,
    /// A question id does not start with its scope ("device." in device.toml).
    BadId,
    EmptyText,
    EmptySection,
    /// Practice, CSF or HIPAA mapping absent.
    Unmapped,
    BadPractice,
    BadHicp,
    BadCsf,
    BadHipaa,
    MissingOptions,
    UnexpectedOptions,
    DuplicateOption,
    /// A gap rule names an answer the question cannot take, or does not fit the answer type.
    BadGap,
    ConditionUnknownQuestion,
    /// A condition points at a later question (or itself): the user could not have answered it.
    ConditionForwardReference,
    ConditionBadAnswer,
    /// A device condition or device field outside the device scope.
    WrongScope,
    UnknownDeviceField,
    DeviceFieldMismatch,
}

/// One problem in content, located by file scope and question or section id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ContentProblem {
    pub scope: Scope,
    /// The question or section id; empty for a problem with the whole file.
    pub location: String,
    pub code: ContentProblemCode,
    pub message: String,
}

impl std::fmt::Display for ContentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {}: {}", self.scope, self.location, self.message)
    }
}

struct Report {
    scope: Scope,
    problems: Vec<ContentProblem>,
}

impl Report {
    fn push(&mut self, location: &str, code: ContentProblemCode, message: impl Into<String>) {
        self.problems.push(ContentProblem {
            scope: self.scope,
            location: location.to_string(),
            code,
            message: message.into(),
        });
    }
}

/// Every problem in the questionnaire; an empty list means it can be shipped.
/// Question ids must be unique across all scopes, since findings and evidence cite them alone.
pub fn validate(questionnaire: &Questionnaire) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    for scope in Scope::ALL {
        let count = questionnaire
            .sets
            .iter()
            .filter(|s| s.scope == scope)
            .count();
        let code = match count {
            1 => continue,
            0 => ContentProblemCode::ScopeMissing,
            _ => ContentProblemCode::DuplicateScope,
        };
        problems.push(ContentProblem {
            scope,
            location: String::new(),
            code,
            message: format!("expected exactly one {scope:?} question set, found {count}"),
        });
    }
    let mut seen: BTreeMap<&str, Scope> = BTreeMap::new();
    for set in &questionnaire.sets {
        for question in set.questions() {
            if let Some(first) = seen.insert(question.id.as_str(), set.scope) {
                problems.push(ContentProblem {
                    scope: set.scope,
                    location: question.id.clone(),
                    code: ContentProblemCode::DuplicateId,
                    message: format!("the id is already used in the {first:?} questions"),
                });
            }
        }
        problems.extend(validate_set(set));
    }
    problems
}

/// Problems within one set (ids unique within the set, mappings, conditions, device links).
pub fn validate_set(set: &QuestionSet) -> Vec<ContentProblem> {
    use ContentProblemCode::*;
    let mut report = Report {
        scope: set.scope,
        problems: Vec::new(),
    };
    if set.title.trim().is_empty() {
        report.push("", EmptyText, "the questionnaire has no title");
    }
    let set_ids: BTreeSet<&str> = set.questions().map(|q| q.id.as_str()).collect();
    let mut section_ids = BTreeSet::new();
    let mut earlier: Vec<&Question> = Vec::new();
    for section in &set.sections {
        if !section_ids.insert(section.id.as_str()) {
            report.push(&section.id, DuplicateId, "two sections share this id");
        }
        for (what, text) in [
            ("id", &section.id),
            ("title", &section.title),
            ("intro", &section.intro),
        ] {
            if text.trim().is_empty() {
                report.push(
                    &section.id,
                    EmptyText,
                    format!("the section {what} is empty"),
                );
            }
        }
        if section.questions.is_empty() {
            report.push(&section.id, EmptySection, "the section has no questions");
        }
        for question in &section.questions {
            if earlier.iter().any(|q| q.id == question.id) {
                report.push(&question.id, DuplicateId, "two questions share this id");
            }
            check_question(&mut report, set.scope, question, &earlier, &set_ids);
            earlier.push(question);
        }
    }
    report.problems
}

fn check_question(
    report: &mut Report,
    scope: Scope,
    q: &Question,
    earlier: &[&Question],
    set_ids: &BTreeSet<&str>,
) {
    use ContentProblemCode::*;
    let id = q.id.as_str();
    if !id.starts_with(scope.id_prefix()) || id.len() == scope.id_prefix().len() {
        report.push(
            id,
            BadId,
            format!("the id must start with \"{}\"", scope.id_prefix()),
        );
    }
    for (what, text) in [("text", &q.text), ("help", &q.help), ("action", &q.action)] {
        if text.trim().is_empty() {
            report.push(id, EmptyText, format!("the question {what} is empty"));
        }
    }
    check_mappings(report, q);
    check_options(report, q);
    check_gaps(report, q);
    if let Some(condition) = &q.show_if {
        check_condition(report, scope, id, condition, earlier, set_ids);
    }
    if let Some(field) = &q.device_field {
        if scope != Scope::Device {
            report.push(
                id,
                WrongScope,
                "only device questions can be linked to a device field",
            );
        }
        match field_shape(field) {
            None => report.push(
                id,
                UnknownDeviceField,
                format!("\"{field}\" is not a device field that a question can hold"),
            ),
            Some(shape) => {
                if let Err(why) = fits(shape, q) {
                    report.push(
                        id,
                        DeviceFieldMismatch,
                        format!("the device field {field} {why}"),
                    );
                }
            }
        }
    }
}

/// A condition may only look back at an earlier question of the same file, with answers that
/// question can take; device parts only make sense for device questions.
fn check_condition(
    report: &mut Report,
    scope: Scope,
    id: &str,
    condition: &Condition,
    earlier: &[&Question],
    set_ids: &BTreeSet<&str>,
) {
    use ContentProblemCode::*;
    let device_parts = !condition.category_in.is_empty() || !condition.connectivity_any.is_empty();
    if device_parts && scope != Scope::Device {
        report.push(
            id,
            WrongScope,
            "category and connectivity conditions apply only to device questions",
        );
    }
    match (&condition.question, condition.answer_in.is_empty()) {
        (None, true) => {
            if !device_parts {
                report.push(id, ConditionBadAnswer, "the condition is empty");
            }
        }
        (None, false) => {
            report.push(
                id,
                ConditionUnknownQuestion,
                "answer_in is given without a question",
            );
        }
        (Some(_), true) => {
            report.push(
                id,
                ConditionBadAnswer,
                "the condition names a question but no answers",
            );
        }
        (Some(parent_id), false) => match earlier.iter().find(|p| &p.id == parent_id) {
            Some(parent) => {
                if !parent.answer.has_options() && parent.answer.fixed_keys().is_empty() {
                    let kind = parent.answer;
                    let why = format!(
                        "{parent_id} is a {kind:?} question; conditions need yes/no or choices"
                    );
                    report.push(id, ConditionBadAnswer, why);
                }
                let keys = parent.answer_keys();
                for wanted in &condition.answer_in {
                    if !keys.contains(&wanted.as_str()) {
                        report.push(
                            id,
                            ConditionBadAnswer,
                            format!("{parent_id} cannot be answered \"{wanted}\""),
                        );
                    }
                }
            }
            None if set_ids.contains(parent_id.as_str()) => {
                let why =
                    format!("{parent_id} comes later: the user could not have answered it yet");
                report.push(id, ConditionForwardReference, why);
            }
            None => {
                report.push(
                    id,
                    ConditionUnknownQuestion,
                    format!("{parent_id} is not a question of this questionnaire"),
                );
            }
        },
    }
}

fn check_mappings(report: &mut Report, q: &Question) {
    use ContentProblemCode::*;
    let id = q.id.as_str();
    match (q.practice, q.topic) {
        (1..=7, None) | (0, Some(_)) => {}
        (0, None) => report.push(
            id,
            Unmapped,
            "practice 0 (outside the seven practices) needs a topic",
        ),
        (1..=7, Some(_)) => report.push(id, BadPractice, "a topic is only for practice 0"),
        (n, _) => report.push(
            id,
            BadPractice,
            format!("practice {n} does not exist: use 1-7, or 0 with a topic"),
        ),
    }
    if q.hicp.trim().is_empty() {
        report.push(id, Unmapped, "no HICP practice");
    } else if !is_hicp_reference(&q.hicp) {
        report.push(
            id,
            BadHicp,
            format!("\"{}\" is not a HICP practice such as 9 or 9.M.A", q.hicp),
        );
    }
    if q.csf.is_empty() {
        report.push(id, Unmapped, "no NIST CSF 2.0 subcategory");
    }
    for csf in q.csf.iter().filter(|c| !is_csf_subcategory(c)) {
        report.push(
            id,
            BadCsf,
            format!("\"{csf}\" is not a NIST CSF 2.0 subcategory"),
        );
    }
    if q.hipaa.is_empty() {
        report.push(id, Unmapped, "no HIPAA Security Rule citation");
    }
    for citation in q.hipaa.iter().filter(|c| !is_hipaa_citation(c)) {
        report.push(
            id,
            BadHipaa,
            format!("\"{citation}\" is not a HIPAA Security Rule citation"),
        );
    }
}

fn check_options(report: &mut Report, q: &Question) {
    use ContentProblemCode::*;
    let id = q.id.as_str();
    if q.answer.has_options() {
        if q.options.len() < 2 {
            report.push(
                id,
                MissingOptions,
                "a choice question needs at least two options",
            );
        }
        let mut ids = BTreeSet::new();
        for option in &q.options {
            if !ids.insert(option.id.as_str()) {
                report.push(
                    id,
                    DuplicateOption,
                    format!("the option \"{}\" appears twice", option.id),
                );
            }
            if option.id.trim().is_empty() || option.label.trim().is_empty() {
                report.push(id, EmptyText, "an option has an empty id or label");
            }
            if [UNKNOWN_KEY, NA_KEY].contains(&option.id.as_str()) {
                report.push(
                    id,
                    DuplicateOption,
                    format!("\"{}\" is always offered; it is not an option", option.id),
                );
            }
        }
    } else if !q.options.is_empty() {
        report.push(
            id,
            UnexpectedOptions,
            format!("a {:?} question has no options", q.answer),
        );
    }
}

fn check_gaps(report: &mut Report, q: &Question) {
    use ContentProblemCode::*;
    let id = q.id.as_str();
    let keys = q.answer_keys();
    for key in q.gaps.keys() {
        if key == UNKNOWN_KEY || key == NA_KEY {
            let why = format!(
                "\"{key}\" cannot be listed in gaps: unknown is always a gap \
                 (see unknown_severity) and N/A never is"
            );
            report.push(id, BadGap, why);
        } else if !keys.contains(&key.as_str()) {
            report.push(
                id,
                BadGap,
                format!("the gap answer \"{key}\" is not an answer of this question"),
            );
        }
    }
    let number_rules = q.gap_above.is_some() || q.gap_below.is_some();
    if number_rules && q.answer != AnswerType::Number {
        report.push(
            id,
            BadGap,
            "gap_above and gap_below apply only to number questions",
        );
    }
    if let (Some(above), Some(below)) = (q.gap_above, q.gap_below) {
        if below.value > above.value {
            report.push(
                id,
                BadGap,
                "gap_below is above gap_above: every number would be a gap",
            );
        }
    }
    if q.gap_before.is_some() && q.answer != AnswerType::Date {
        report.push(id, BadGap, "gap_before applies only to date questions");
    }
    if !q.gaps.is_empty()
        && matches!(
            q.answer,
            AnswerType::Number | AnswerType::Date | AnswerType::Text
        )
    {
        report.push(
            id,
            BadGap,
            "numbers, dates and text use gap_above, gap_below or gap_before",
        );
    }
    if q.unit.is_some() && q.answer != AnswerType::Number {
        report.push(id, BadGap, "a unit only makes sense on a number question");
    }
    // Every question states its gap semantics: which answers are gaps, or, for a question that
    // only gathers a fact (does the device hold patient data?), how bad not knowing it is.
    let declares_gaps = !q.gaps.is_empty() || number_rules || q.gap_before.is_some();
    if !declares_gaps && q.unknown_severity.is_none() {
        let why = "declare the answers that are gaps, \
                   or unknown_severity for a question that only gathers a fact";
        report.push(id, BadGap, why);
    }
}
