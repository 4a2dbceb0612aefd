//! `devicerisk assessment ...` and `devicerisk questionnaire validate`: glue over the api's
//! assessment use cases.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use devicerisk_api::core::questionnaire::{AssessmentId, AssessmentStatus};
use devicerisk_api::{
    check_questionnaire_files, AnswersFile, Api, AssessmentSummary, FinalizeRequest, NewAssessment,
};

use crate::{output, CliResult, Failure};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
pub(crate) enum AssessmentCommand {
    /// Start a draft assessment, e.g. "2026 annual".
    New {
        #[arg(long)]
        title: String,
        /// Start from this assessment's answers, each marked "to confirm".
        #[arg(long, value_name = "ID")]
        carry_forward: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List assessments, newest first.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Save the answers of a JSON file (see README, "answers.json"); all or none.
    Answer {
        id: String,
        #[arg(long)]
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Sign the assessment off: it becomes read-only.
    Finalize {
        id: String,
        /// Who accepts the assessment.
        #[arg(long)]
        name: String,
        /// Their role, e.g. "COO".
        #[arg(long)]
        role: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand)]
pub(crate) enum QuestionnaireCommand {
    /// Check questionnaire content: the built-in questions, or the given TOML files.
    Validate {
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// An assessment id as typed after `--assessment`, `--carry-forward` or as an argument.
pub(crate) fn parse_id(text: &str) -> Result<AssessmentId, Failure> {
    text.trim().parse().map(AssessmentId).map_err(|_| {
        Failure::User(format!(
            "\"{text}\" is not an assessment id; `devicerisk assessment list` shows them"
        ))
    })
}

fn status_text(summary: &AssessmentSummary) -> String {
    let a = &summary.assessment;
    match (&a.status, &a.sign_off) {
        (AssessmentStatus::Final, Some(s)) => {
            format!(
                "final, signed by {} ({}) on {}",
                s.name, s.role, s.signed_on
            )
        }
        _ => "draft".to_string(),
    }
}

fn summary_line(out: &mut impl Write, summary: &AssessmentSummary) -> std::io::Result<()> {
    let a = &summary.assessment;
    writeln!(
        out,
        "{}  {} (revision {}, started {}): {}; {} answers, {} to confirm, {} evidence files",
        a.id,
        a.title,
        a.revision,
        a.started_on,
        status_text(summary),
        summary.answers,
        summary.to_confirm,
        summary.evidence_files
    )
}

fn print_summary(out: &mut impl Write, summary: &AssessmentSummary, format: Format) -> CliResult {
    match format {
        Format::Json => output::json(out, summary)?,
        Format::Table => summary_line(out, summary)?,
    }
    Ok(())
}

fn read_answers(file: &Path) -> Result<AnswersFile, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::User(format!("{}: cannot read: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::User(format!(
            "{}: not an answers file ({e}); see README, \"answers.json\"",
            file.display()
        ))
    })
}

pub(crate) fn run(db_path: &Path, out: &mut impl Write, command: AssessmentCommand) -> CliResult {
    let api = Api::open(db_path)?;
    match command {
        AssessmentCommand::New {
            title,
            carry_forward,
            format,
        } => {
            let carry_forward_from = carry_forward.as_deref().map(parse_id).transpose()?;
            let summary = api.create_assessment(NewAssessment {
                title,
                carry_forward_from,
            })?;
            print_summary(out, &summary, format)?;
        }
        AssessmentCommand::List { format } => {
            let list = api.list_assessments()?;
            match format {
                Format::Json => output::json(out, &list)?,
                Format::Table if list.is_empty() => writeln!(out, "No assessments yet.")?,
                Format::Table => {
                    for summary in &list {
                        summary_line(out, summary)?;
                    }
                }
            }
        }
        AssessmentCommand::Answer { id, file, format } => {
            let id = parse_id(&id)?;
            let answers = read_answers(&file)?;
            let report = api.save_answers(id, answers.answers)?;
            match format {
                Format::Json => output::json(out, &report)?,
                Format::Table => writeln!(
                    out,
                    "Saved {} answers, removed {}, updated {} devices.",
                    report.saved, report.removed, report.devices_updated
                )?,
            }
        }
        AssessmentCommand::Finalize {
            id,
            name,
            role,
            format,
        } => {
            let summary = api.finalize_assessment(FinalizeRequest {
                assessment_id: parse_id(&id)?,
                name,
                role,
                signed_on: None,
            })?;
            print_summary(out, &summary, format)?;
        }
    }
    Ok(())
}

pub(crate) fn questionnaire(out: &mut impl Write, command: QuestionnaireCommand) -> CliResult {
    let QuestionnaireCommand::Validate { files, format } = command;
    let check = check_questionnaire_files(&files);
    match format {
        Format::Json => output::json(out, &check)?,
        Format::Table => {
            let what = if check.files.is_empty() {
                "the built-in questionnaires".to_string()
            } else {
                check.files.join(", ")
            };
            writeln!(out, "Checked {what}: {} questions.", check.questions)?;
            for problem in &check.problems {
                writeln!(out, "  {problem}")?;
            }
        }
    }
    if check.problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::User(format!(
            "{} problem(s) in the questionnaire content",
            check.problems.len()
        )))
    }
}
