//! Questionnaires: the content (TOML under `assets/questionnaires/`, embedded at build time)
//! and the engine that turns answers into visibility, findings, progress and revisions.
//!
//! Code map:
//! - `content`: the shape of a question set and `load_builtin`.
//! - `check`: content validation (`validate`), the test every content change must pass.
//! - `reference`: the real NIST CSF 2.0, HIPAA and HICP identifiers content may cite.
//! - `answer`: answer values, per-answer checks, carry-forward, revision diff.
//! - `device_field`: device questions read from and written to the inventory.
//! - `engine`: conditions, findings, progress.
//! - `assessment`: draft → final lifecycle and revisions.
//!
//! Invariant: question ids never change meaning once shipped; answers are stored under them.
//!
//! How the layers above use it (all I/O stays there):
//! - At start: `load_builtin()` once, keep the `Questionnaire`; `validate` must be empty (the
//!   content test guarantees it for the built-in files).
//! - New assessment: `Assessment::new_draft(title, date, questionnaire.versions())`; for next
//!   year's, `carry_forward` the last final assessment's answers of each subject and set
//!   `carried_from`.
//! - Saving an answer: `assessment.ensure_editable()`, then `check_answer`; for a device
//!   question with `device_field`, also `apply_to_device` and save the device in the same
//!   transaction. Answers are stored per `AnswerSubject`; a device's answers are
//!   `merge_category_answers(category, device)`.
//! - Showing a page: `visible_questions` and `effective_answer` (the inventory's value wins for
//!   linked questions), `progress` for the section bars and "next unanswered/unknown".
//! - Findings: `findings(set, answers, device, today)` per subject.
//! - Finalizing: gather `answer_problems` over all subjects, `assessment.finalize(sign_off,
//!   problems)`. A later change is `new_revision()`; its history is `diff_answers`.

mod answer;
mod assessment;
mod check;
mod content;
mod device_field;
mod engine;
pub mod reference;

pub use answer::*;
pub use assessment::*;
pub use check::*;
pub use content::*;
pub use device_field::*;
pub use engine::*;

#[cfg(test)]
mod tests;
