//! Evaluating a subject's answers against content: which questions are shown, which answers
//! are gaps (findings), and how far along each section is.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::answer::{Answer, AnswerValue, Answers};
use super::content::{Condition, Question, QuestionSet, Scope, Severity, Topic};
use super::device_field::device_prefill;
use crate::model::DeviceFields;
use crate::vocab::{DeviceCategory, DeviceStatus};

/// The answer that counts for a question. For a linked device question the inventory wins
/// (it is the one place the fact is kept; it may have been edited since the answer was given),
/// keeping the note and evidence of the stored answer.
pub fn effective_answer(
    question: &Question,
    answers: &Answers,
    device: Option<&DeviceFields>,
) -> Option<Answer> {
    let stored = answers.get(&question.id);
    match device.and_then(|d| device_prefill(question, d)) {
        Some(value) => Some(match stored {
            Some(answer) if answer.value == value => answer.clone(),
            Some(answer) => Answer {
                value,
                to_confirm: false,
                na_reason: None,
                ..answer.clone()
            },
            None => Answer::new(value),
        }),
        None => stored.cloned(),
    }
}

fn device_condition_holds(condition: &Condition, device: Option<&DeviceFields>) -> bool {
    let Some(device) = device else {
        return true;
    };
    let category_ok = condition.category_in.is_empty()
        || device.category == DeviceCategory::Unknown
        || condition.category_in.contains(&device.category);
    let connectivity_ok = condition.connectivity_any.is_empty()
        || device.connectivity.is_empty()
        || device
            .connectivity
            .iter()
            .any(|c| condition.connectivity_any.contains(c));
    category_ok && connectivity_ok
}

/// The questions of a set shown for these answers, in content order. `device` is the device a
/// device-scope set is answered for; when answering for a whole category pass a `DeviceFields`
/// holding just that category (its unknown connectivity hides nothing).
/// A question hidden by a condition also hides the questions that depend on it.
pub fn visible_questions<'a>(
    set: &'a QuestionSet,
    answers: &Answers,
    device: Option<&DeviceFields>,
) -> Vec<&'a Question> {
    let mut visible: Vec<&Question> = Vec::new();
    for question in set.questions() {
        let shown = match &question.show_if {
            None => true,
            Some(condition) => {
                let answer_ok = match &condition.question {
                    None => true,
                    Some(parent_id) => visible
                        .iter()
                        .find(|q| &q.id == parent_id)
                        .and_then(|parent| effective_answer(parent, answers, device))
                        .is_some_and(|a| {
                            a.value
                                .keys()
                                .iter()
                                .any(|k| condition.answer_in.iter().any(|want| want == k))
                        }),
                };
                answer_ok && device_condition_holds(condition, device)
            }
        };
        if shown {
            visible.push(question);
        }
    }
    visible
}

/// Why an answer is a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FindingReason {
    /// The answer (or one of the chosen options) is listed as a gap.
    GapAnswer {
        keys: Vec<String>,
    },
    /// Nobody knows: the clinic cannot show the control is in place.
    Unknown,
    /// "Not applicable" without a reason is treated as not known.
    NaWithoutReason,
    NumberAbove {
        limit: f64,
    },
    NumberBelow {
        limit: f64,
    },
    /// The date is before `limit` (too long ago, or too soon to come).
    DateBefore {
        limit: NaiveDate,
    },
}

/// A gap found in an answer, with what to do about it and where it maps in the frameworks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Finding {
    pub question_id: String,
    pub section_id: String,
    pub scope: Scope,
    pub question: String,
    pub answer: AnswerValue,
    pub reason: FindingReason,
    pub severity: Severity,
    pub action: String,
    pub practice: u8,
    pub topic: Option<Topic>,
    pub hicp: String,
    pub csf: Vec<String>,
    pub hipaa: Vec<String>,
    /// The assessor's note on the answer, printed beside the finding.
    pub note: Option<String>,
}

/// Judges one answer: `Some((severity, reason))` when it is a gap.
pub fn judge(
    question: &Question,
    answer: &Answer,
    today: NaiveDate,
) -> Option<(Severity, FindingReason)> {
    if answer.is_unjustified_na() {
        return Some((
            question.severity_of_unknown(),
            FindingReason::NaWithoutReason,
        ));
    }
    match &answer.value {
        AnswerValue::Unknown => Some((question.severity_of_unknown(), FindingReason::Unknown)),
        AnswerValue::NotApplicable => None,
        AnswerValue::Number(n) => {
            let above = question
                .gap_above
                .filter(|g| *n > g.value)
                .map(|g| (g.severity, FindingReason::NumberAbove { limit: g.value }));
            let below = question
                .gap_below
                .filter(|g| *n < g.value)
                .map(|g| (g.severity, FindingReason::NumberBelow { limit: g.value }));
            above.or(below)
        }
        AnswerValue::Date(date) => question.gap_before.and_then(|g| {
            let limit = today + Duration::days(i64::from(g.days_from_today));
            (*date < limit).then_some((g.severity, FindingReason::DateBefore { limit }))
        }),
        value => {
            let hits: Vec<(&str, Severity)> = value
                .keys()
                .into_iter()
                .filter_map(|k| question.gaps.get(k).map(|s| (k, *s)))
                .collect();
            let worst = hits.iter().map(|(_, s)| *s).max()?;
            let keys = hits.into_iter().map(|(k, _)| k.to_string()).collect();
            Some((worst, FindingReason::GapAnswer { keys }))
        }
    }
}

/// The findings of one subject's answers: one per visible question whose answer is a gap,
/// worst first. Unanswered questions are not findings; `progress` counts them.
/// A decommissioned device yields none: it is kept for history, not assessed.
pub fn findings(
    set: &QuestionSet,
    answers: &Answers,
    device: Option<&DeviceFields>,
    today: NaiveDate,
) -> Vec<Finding> {
    if device.is_some_and(|d| d.status == DeviceStatus::Decommissioned) {
        return Vec::new();
    }
    let mut found: Vec<Finding> = visible_questions(set, answers, device)
        .into_iter()
        .filter_map(|question| {
            let answer = effective_answer(question, answers, device)?;
            let (severity, reason) = judge(question, &answer, today)?;
            let section_id = set
                .section_of(&question.id)
                .map(|s| s.id.clone())
                .unwrap_or_default();
            Some(Finding {
                question_id: question.id.clone(),
                section_id,
                scope: set.scope,
                question: question.text.clone(),
                answer: answer.value,
                reason,
                severity,
                action: question.action.clone(),
                practice: question.practice,
                topic: question.topic,
                hicp: question.hicp.clone(),
                csf: question.csf.clone(),
                hipaa: question.hipaa.clone(),
                note: answer.note,
            })
        })
        .collect();
    // Stable sort: equal severities stay in questionnaire order.
    found.sort_by_key(|f| std::cmp::Reverse(f.severity));
    found
}

/// Counts for a section or a whole set. Only visible questions count.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct ProgressCounts {
    /// Questions shown.
    pub total: u32,
    /// Answered with anything, "unknown" included.
    pub answered: u32,
    /// Answered "unknown" (or N/A without a reason): to find out.
    pub unknown: u32,
    /// Carried forward and not yet confirmed.
    pub to_confirm: u32,
    /// Question ids still without an answer, in order: where "next unanswered" jumps.
    pub unanswered_ids: Vec<String>,
    /// Question ids answered "unknown", in order: where "next unknown" jumps.
    pub unknown_ids: Vec<String>,
}

impl ProgressCounts {
    /// Whole percent answered, for a progress bar; an empty section is complete.
    pub fn percent(&self) -> u32 {
        (self.answered * 100).checked_div(self.total).unwrap_or(100)
    }

    fn add(&mut self, question: &Question, answer: Option<&Answer>) {
        self.total += 1;
        match answer {
            None => self.unanswered_ids.push(question.id.clone()),
            Some(answer) => {
                self.answered += 1;
                if answer.value == AnswerValue::Unknown || answer.is_unjustified_na() {
                    self.unknown += 1;
                    self.unknown_ids.push(question.id.clone());
                }
                if answer.to_confirm {
                    self.to_confirm += 1;
                }
            }
        }
    }

    fn absorb(&mut self, other: &ProgressCounts) {
        self.total += other.total;
        self.answered += other.answered;
        self.unknown += other.unknown;
        self.to_confirm += other.to_confirm;
        self.unanswered_ids
            .extend(other.unanswered_ids.iter().cloned());
        self.unknown_ids.extend(other.unknown_ids.iter().cloned());
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SectionProgress {
    pub section_id: String,
    pub title: String,
    pub counts: ProgressCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Progress {
    pub sections: Vec<SectionProgress>,
    pub overall: ProgressCounts,
}

/// Progress per section and overall for one subject.
pub fn progress(set: &QuestionSet, answers: &Answers, device: Option<&DeviceFields>) -> Progress {
    let visible = visible_questions(set, answers, device);
    let mut overall = ProgressCounts::default();
    let sections = set
        .sections
        .iter()
        .map(|section| {
            let mut counts = ProgressCounts::default();
            for question in section
                .questions
                .iter()
                .filter(|q| visible.iter().any(|v| v.id == q.id))
            {
                counts.add(
                    question,
                    effective_answer(question, answers, device).as_ref(),
                );
            }
            overall.absorb(&counts);
            SectionProgress {
                section_id: section.id.clone(),
                title: section.title.clone(),
                counts,
            }
        })
        .collect();
    Progress { sections, overall }
}
