//! The assessment lifecycle rules that need no storage: a draft takes answers; finalizing it
//! with a sign-off makes it read-only evidence; a change after that is a new revision.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::answer::AnswerProblem;

/// Stable id of an assessment (UUID, so databases can later be merged).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(transparent)]
pub struct AssessmentId(pub Uuid);

impl AssessmentId {
    pub fn new() -> Self {
        AssessmentId(Uuid::new_v4())
    }
}

impl Default for AssessmentId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for AssessmentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    /// Being answered; every answer may change.
    Draft,
    /// Signed off; immutable evidence.
    Final,
}

/// Who accepted the assessment as the clinic's risk analysis, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SignOff {
    pub name: String,
    pub role: String,
    pub signed_on: NaiveDate,
}

/// A dated run of the questionnaires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Assessment {
    pub id: AssessmentId,
    /// "2026 annual".
    pub title: String,
    pub started_on: NaiveDate,
    pub assessor: Option<String>,
    pub status: AssessmentStatus,
    pub sign_off: Option<SignOff>,
    /// 1 for the first version; a revision of a final assessment counts up.
    pub revision: u32,
    /// The final assessment this one revises.
    pub revises: Option<AssessmentId>,
    /// The earlier assessment whose answers were carried forward into this one.
    pub carried_from: Option<AssessmentId>,
    /// `QuestionSet::version` of each scope when the assessment started, e.g. [clinic, device,
    /// procurement], so a reader knows which wording was answered.
    pub content_versions: Vec<(super::content::Scope, u32)>,
}

/// Why a lifecycle step was refused. `code()` is what the UI branches on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("the assessment needs a title, such as \"2026 annual\"")]
    EmptyTitle,
    #[error(
        "the assessment was finalized by {name} on {signed_on}; start a new revision to change it"
    )]
    Finalized { name: String, signed_on: NaiveDate },
    #[error("only a finalized assessment can be revised; this one is still a draft")]
    NotFinal,
    #[error("the sign-off needs the name and role of the person accepting the assessment")]
    IncompleteSignOff,
    #[error("the sign-off date {signed_on} is before the assessment started ({started_on})")]
    SignOffBeforeStart {
        signed_on: NaiveDate,
        started_on: NaiveDate,
    },
    #[error("{} answer(s) must be fixed before finalizing; first: {}", .0.len(), first_problem(.0))]
    AnswerProblems(Vec<AnswerProblem>),
}

fn first_problem(problems: &[AnswerProblem]) -> String {
    problems.first().map(|p| p.to_string()).unwrap_or_default()
}

impl AssessmentError {
    pub fn code(&self) -> &'static str {
        match self {
            AssessmentError::EmptyTitle => "empty_title",
            AssessmentError::Finalized { .. } => "assessment_final",
            AssessmentError::NotFinal => "assessment_not_final",
            AssessmentError::IncompleteSignOff => "incomplete_sign_off",
            AssessmentError::SignOffBeforeStart { .. } => "sign_off_before_start",
            AssessmentError::AnswerProblems(_) => "answer_problems",
        }
    }
}

impl Assessment {
    pub fn new_draft(
        title: &str,
        started_on: NaiveDate,
        content_versions: Vec<(super::content::Scope, u32)>,
    ) -> Result<Assessment, AssessmentError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(AssessmentError::EmptyTitle);
        }
        Ok(Assessment {
            id: AssessmentId::new(),
            title: title.to_string(),
            started_on,
            assessor: None,
            status: AssessmentStatus::Draft,
            sign_off: None,
            revision: 1,
            revises: None,
            carried_from: None,
            content_versions,
        })
    }

    /// Every write to an assessment or its answers goes through this check first.
    pub fn ensure_editable(&self) -> Result<(), AssessmentError> {
        match (&self.status, &self.sign_off) {
            (AssessmentStatus::Draft, _) => Ok(()),
            (AssessmentStatus::Final, Some(s)) => Err(AssessmentError::Finalized {
                name: s.name.clone(),
                signed_on: s.signed_on,
            }),
            // A final assessment always has a sign-off; refuse all the same if data says otherwise.
            (AssessmentStatus::Final, None) => Err(AssessmentError::Finalized {
                name: String::new(),
                signed_on: self.started_on,
            }),
        }
    }

    /// Makes the draft final. `problems` are the answer problems of all its subjects
    /// (`answer_problems`); an N/A without a reason, for one, must be fixed first.
    /// Unknown and unanswered questions do not block: they are findings an auditor should see.
    pub fn finalize(
        &mut self,
        sign_off: SignOff,
        problems: Vec<AnswerProblem>,
    ) -> Result<(), AssessmentError> {
        self.ensure_editable()?;
        if sign_off.name.trim().is_empty() || sign_off.role.trim().is_empty() {
            return Err(AssessmentError::IncompleteSignOff);
        }
        if sign_off.signed_on < self.started_on {
            return Err(AssessmentError::SignOffBeforeStart {
                signed_on: sign_off.signed_on,
                started_on: self.started_on,
            });
        }
        if !problems.is_empty() {
            return Err(AssessmentError::AnswerProblems(problems));
        }
        self.sign_off = Some(SignOff {
            name: sign_off.name.trim().to_string(),
            role: sign_off.role.trim().to_string(),
            signed_on: sign_off.signed_on,
        });
        self.status = AssessmentStatus::Final;
        Ok(())
    }

    /// A new draft that revises this final assessment; the store copies the answers and the
    /// history is the `diff_answers` between the two.
    pub fn new_revision(&self) -> Result<Assessment, AssessmentError> {
        if self.status != AssessmentStatus::Final {
            return Err(AssessmentError::NotFinal);
        }
        Ok(Assessment {
            id: AssessmentId::new(),
            status: AssessmentStatus::Draft,
            sign_off: None,
            revision: self.revision + 1,
            revises: Some(self.id),
            ..self.clone()
        })
    }
}
