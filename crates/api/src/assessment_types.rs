//! Request and response types of the assessment use cases (see `assessments.rs`).

use chrono::{DateTime, NaiveDate, Utc};
use devicerisk_core::questionnaire::{
    Answer, AnswerSubject, Assessment, AssessmentId, Finding, ProgressCounts, Question, Scope,
};
use serde::{Deserialize, Serialize};
use specta::Type;

/// An assessment as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AssessmentSummary {
    pub assessment: Assessment,
    pub created_at: DateTime<Utc>,
    pub finalized_at: Option<DateTime<Utc>>,
    /// Answers stored, over every subject.
    pub answers: u32,
    /// Carried forward and not yet confirmed.
    pub to_confirm: u32,
    pub evidence_files: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct NewAssessment {
    /// "2026 annual".
    pub title: String,
    /// An earlier assessment whose answers start this one, each marked "to confirm".
    pub carry_forward_from: Option<AssessmentId>,
}

/// One page of questions: the questionnaire of one subject in one assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PageRequest {
    pub assessment_id: AssessmentId,
    pub subject: AnswerSubject,
}

/// Where the answer shown for a question comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    /// Given for this subject.
    Own,
    /// Given once for the device's category; answering here overrides it for this device.
    Category,
    /// Read from the device record in the inventory (linked question).
    Inventory,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PageQuestion {
    pub question: Question,
    /// The answer that counts (the inventory's value for a linked question).
    pub answer: Option<Answer>,
    pub source: Option<AnswerSource>,
    pub evidence: Vec<EvidenceFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PageSection {
    pub id: String,
    pub title: String,
    pub intro: String,
    pub counts: ProgressCounts,
    /// Only the questions shown for the current answers and device.
    pub questions: Vec<PageQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct QuestionnairePage {
    pub assessment: AssessmentSummary,
    pub subject: AnswerSubject,
    pub subject_label: String,
    pub scope: Scope,
    /// The assessment is final: show, never edit.
    pub read_only: bool,
    pub sections: Vec<PageSection>,
    pub overall: ProgressCounts,
    pub findings: Vec<Finding>,
}

/// One answer to save; `answer: None` removes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AnswerInput {
    pub subject: AnswerSubject,
    pub question_id: String,
    pub answer: Option<Answer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SaveAnswerRequest {
    pub assessment_id: AssessmentId,
    pub input: AnswerInput,
}

/// The shape of `devicerisk assessment answer ID --file answers.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AnswersFile {
    pub answers: Vec<AnswerInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AnswerBatchReport {
    /// Answers written (unchanged ones are not counted).
    pub saved: u32,
    pub removed: u32,
    /// Device records changed by linked questions.
    pub devices_updated: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SubjectOverview {
    pub subject: AnswerSubject,
    pub label: String,
    pub scope: Scope,
    pub counts: ProgressCounts,
    pub findings: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SubjectFinding {
    pub subject: AnswerSubject,
    pub label: String,
    pub finding: Finding,
}

/// Progress and findings of a whole assessment: the clinic, every device in use, and every
/// category, vendor and purchase that has answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AssessmentOverview {
    pub summary: AssessmentSummary,
    pub subjects: Vec<SubjectOverview>,
    pub overall: ProgressCounts,
    /// Worst first.
    pub findings: Vec<SubjectFinding>,
}

/// A file attached to an answer, copied into the data folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct EvidenceFile {
    pub id: String,
    pub subject: AnswerSubject,
    pub question_id: String,
    pub file_name: String,
    /// Where the copy is, as an absolute path.
    pub stored_path: String,
    pub sha256: String,
    pub size_bytes: f64,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AttachEvidence {
    pub assessment_id: AssessmentId,
    pub subject: AnswerSubject,
    pub question_id: String,
    /// The file chosen by the user; it is copied, never moved.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FinalizeRequest {
    pub assessment_id: AssessmentId,
    pub name: String,
    pub role: String,
    /// Default: today.
    pub signed_on: Option<NaiveDate>,
}

/// One answer that differs between two revisions, or one change in the answer log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AnswerChangeRow {
    pub subject: AnswerSubject,
    pub subject_label: String,
    pub question_id: String,
    pub question: String,
    pub before: Option<Answer>,
    pub after: Option<Answer>,
    /// Log entries only: who and when.
    pub actor: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AssessmentHistory {
    /// This assessment's revisions, first to this one.
    pub revisions: Vec<AssessmentSummary>,
    /// Answers that differ from the revision this one revises (empty for a first version).
    pub changes_since_previous: Vec<AnswerChangeRow>,
    /// Every answer change made in this assessment, oldest first.
    pub log: Vec<AnswerChangeRow>,
}

/// The result of checking questionnaire content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct QuestionnaireCheck {
    /// The files checked; empty for the built-in content.
    pub files: Vec<String>,
    pub questions: u32,
    pub problems: Vec<String>,
}
