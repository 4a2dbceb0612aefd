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
