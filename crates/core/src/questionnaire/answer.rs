//! Answers: their values, the checks a saved answer must pass, carrying answers into next
//! year's assessment, and the difference between two revisions.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::content::{AnswerType, Question, Questionnaire, NA_KEY, UNKNOWN_KEY};
use crate::model::{DeviceId, VendorId};
use crate::validate::MAX_NOTES;
use crate::vocab::DeviceCategory;

/// The value of one answer. Which variants a question accepts follows its `AnswerType`;
/// `Unknown` and `NotApplicable` fit every question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    Yes,
    No,
    Partial,
    /// The id of one option.
    Choice(String),
    /// The ids of the chosen options.
    Choices(Vec<String>),
    Number(f64),
    Date(NaiveDate),
    Text(String),
    /// "I don't know": always allowed, always a gap.
    Unknown,
    /// Does not apply here; the answer's `na_reason` must say why.
    NotApplicable,
}

impl AnswerValue {
    /// The keys a condition compares against: "yes", an option id, "unknown", "na".
    /// Numbers, dates and text have none.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            AnswerValue::Yes => vec!["yes"],
            AnswerValue::No => vec!["no"],
            AnswerValue::Partial => vec!["partial"],
            AnswerValue::Choice(id) => vec![id.as_str()],
            AnswerValue::Choices(ids) => ids.iter().map(String::as_str).collect(),
            AnswerValue::Unknown => vec![UNKNOWN_KEY],
            AnswerValue::NotApplicable => vec![NA_KEY],
            AnswerValue::Number(_) | AnswerValue::Date(_) | AnswerValue::Text(_) => vec![],
        }
    }
}

/// One answer to one question, with what the assessor added to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Answer {
    pub value: AnswerValue,
    /// Free note shown in the packet beside the answer.
    #[serde(default)]
    pub note: Option<String>,
    /// Why the question does not apply; required with `NotApplicable`.
    #[serde(default)]
    pub na_reason: Option<String>,
    /// Carried forward from an earlier assessment and not yet confirmed by anyone this time.
    #[serde(default)]
    pub to_confirm: bool,
}

impl Answer {
    pub fn new(value: AnswerValue) -> Self {
        Answer {
            value,
            note: None,
            na_reason: None,
            to_confirm: false,
        }
    }

    pub fn not_applicable(reason: impl Into<String>) -> Self {
        Answer {
            na_reason: Some(reason.into()),
            ..Answer::new(AnswerValue::NotApplicable)
        }
    }

    /// N/A given without saying why: reported like "unknown" until a reason is written.
    pub fn is_unjustified_na(&self) -> bool {
        self.value == AnswerValue::NotApplicable
            && self
                .na_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
    }
}

/// The answers of one subject (the clinic, one device, one vendor ...), keyed by question id.
pub type Answers = BTreeMap<String, Answer>;

/// What a group of answers is about; the store keys answers by assessment and subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum AnswerSubject {
    Clinic,
    Device(DeviceId),
    /// Answered once for every device of a category; a device's own answers override these.
    Category(DeviceCategory),
    Vendor(VendorId),
    /// A purchase being considered, before any vendor record exists; named by the user.
    Purchase(String),
}

/// The answers that apply to one device: its category's answers, overridden question by
/// question by the device's own.
pub fn merge_category_answers(category: &Answers, device: &Answers) -> Answers {
    let mut merged = category.clone();
    merged.extend(device.iter().map(|(id, a)| (id.clone(), a.clone())));
    merged
}

/// Why an answer cannot be saved or an assessment cannot be finalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AnswerProblemCode {
    UnknownQuestion,
    WrongType,
    UnknownOption,
    EmptyValue,
    InvalidNumber,
    NaWithoutReason,
    TooLong,
}

/// One problem with one answer, in words the user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, thiserror::Error)]
#[error("{question_id}: {message}")]
pub struct AnswerProblem {
    pub question_id: String,
    pub code: AnswerProblemCode,
    pub message: String,
}

impl AnswerProblem {
    fn new(question: &str, code: AnswerProblemCode, message: impl Into<String>) -> Self {
        AnswerProblem {
            question_id: question.to_string(),
            code,
            message: message.into(),
        }
    }
}

/// Checks that an answer fits its question: right kind of value, real options, a reason with
/// N/A. Unknown is always accepted.
pub fn check_answer(question: &Question, answer: &Answer) -> Result<(), AnswerProblem> {
    use AnswerProblemCode::*;
    let id = question.id.as_str();
    let problem = |code, message: String| Err(AnswerProblem::new(id, code, message));
    for (what, text) in [("note", &answer.note), ("N/A reason", &answer.na_reason)] {
        if text.as_ref().is_some_and(|t| t.chars().count() > MAX_NOTES) {
            return problem(
                TooLong,
                format!("the {what} is longer than {MAX_NOTES} characters"),
            );
        }
    }
    let expected = question.answer;
    match &answer.value {
        AnswerValue::Unknown => Ok(()),
        AnswerValue::NotApplicable if answer.is_unjustified_na() => problem(
            NaWithoutReason,
            "\"Not applicable\" needs a short reason, so a reader knows it was considered".into(),
        ),
        AnswerValue::NotApplicable => Ok(()),
        AnswerValue::Yes | AnswerValue::No
            if matches!(expected, AnswerType::YesNo | AnswerType::YesNoPartial) =>
        {
            Ok(())
        }
        AnswerValue::Partial if expected == AnswerType::YesNoPartial => Ok(()),
        AnswerValue::Choice(option) if expected == AnswerType::SingleChoice => {
            if question.option(option).is_some() {
                Ok(())
            } else {
                problem(
                    UnknownOption,
                    format!("\"{option}\" is not one of the choices"),
                )
            }
        }
        AnswerValue::Choices(options) if expected == AnswerType::MultiChoice => {
            if options.is_empty() {
                return problem(EmptyValue, "choose at least one option".into());
            }
            if let Some(bad) = options.iter().find(|o| question.option(o).is_none()) {
                return problem(
                    UnknownOption,
                    format!("\"{bad}\" is not one of the choices"),
                );
            }
            let mut unique = options.clone();
            unique.sort();
            unique.dedup();
            if unique.len() != options.len() {
                return problem(WrongType, "an option is chosen twice".into());
            }
            Ok(())
        }
        AnswerValue::Number(n) if expected == AnswerType::Number => {
            if n.is_finite() && *n >= 0.0 {
                Ok(())
            } else {
                problem(
                    InvalidNumber,
                    format!("{n} is not a count, a number of days or a percentage"),
                )
            }
        }
        AnswerValue::Date(_) if expected == AnswerType::Date => Ok(()),
        AnswerValue::Text(text) if expected == AnswerType::Text => {
            if text.trim().is_empty() {
                problem(
                    EmptyValue,
                    "the answer is empty; choose \"unknown\" if nobody knows".into(),
                )
            } else if text.chars().count() > MAX_NOTES {
                problem(
                    TooLong,
                    format!("the answer is longer than {MAX_NOTES} characters"),
                )
            } else {
                Ok(())
            }
        }
        other => problem(
            WrongType,
            format!(
                "a {} answer does not fit a {expected:?} question",
                kind_name(other)
            ),
        ),
    }
}

fn kind_name(value: &AnswerValue) -> &'static str {
    match value {
        AnswerValue::Yes | AnswerValue::No => "yes/no",
        AnswerValue::Partial => "\"partly\"",
        AnswerValue::Choice(_) => "single-choice",
        AnswerValue::Choices(_) => "multi-choice",
        AnswerValue::Number(_) => "number",
        AnswerValue::Date(_) => "date",
        AnswerValue::Text(_) => "text",
        AnswerValue::Unknown => "unknown",
        AnswerValue::NotApplicable => "N/A",
    }
}

/// Every problem in a subject's answers, including answers to questions that no longer exist.
/// An assessment with problems cannot be finalized.
pub fn answer_problems(questionnaire: &Questionnaire, answers: &Answers) -> Vec<AnswerProblem> {
    answers
        .iter()
        .filter_map(|(id, answer)| match questionnaire.question(id) {
            None => Some(AnswerProblem::new(
                id,
                AnswerProblemCode::UnknownQuestion,
                "no such question in the current questionnaire",
            )),
            Some(question) => check_answer(question, answer).err(),
        })
        .collect()
}

/// Starts next period's answers from the last ones: each marked "to confirm", so the assessor
/// reviews rather than retypes. Answers that no longer fit the current content (question
/// removed, option withdrawn) are dropped: they must be answered afresh.
pub fn carry_forward(questionnaire: &Questionnaire, previous: &Answers) -> Answers {
    previous
        .iter()
        .filter(|(id, answer)| {
            questionnaire
                .question(id)
                .is_some_and(|q| check_answer(q, answer).is_ok())
        })
        .map(|(id, answer)| {
            let carried = Answer {
                to_confirm: true,
                ..answer.clone()
            };
            (id.clone(), carried)
        })
        .collect()
}

/// One difference between two revisions of a subject's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AnswerChange {
    pub question_id: String,
    /// `None`: the question was not answered before.
    pub before: Option<Answer>,
    /// `None`: the answer was removed.
    pub after: Option<Answer>,
}

/// What changed from `old` to `new`, in question id order: added, removed and changed answers,
/// including a note edited or a carried answer confirmed.
pub fn diff_answers(old: &Answers, new: &Answers) -> Vec<AnswerChange> {
    let mut ids: Vec<&String> = old.keys().chain(new.keys()).collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let (before, after) = (old.get(id), new.get(id));
            (before != after).then(|| AnswerChange {
                question_id: id.clone(),
                before: before.cloned(),
                after: after.cloned(),
            })
        })
        .collect()
}
