//! Assessments: dated, lockable runs of the questionnaires (issue 3).
//!
//! Rules come from `devicerisk_core::questionnaire`; this module gathers the answers of a
//! subject from the store, asks the engine, and writes back in one transaction. Answers to
//! linked device questions (`device_field`) are written to the device record in the same
//! transaction, so the inventory and the questionnaire never disagree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use devicerisk_core::lifecycle::{DatedItem, DeadlineKind};
use devicerisk_core::questionnaire::{
    self as q, Answer, AnswerSubject, Answers, Assessment, AssessmentError, AssessmentId,
    AssessmentStatus, ProgressCounts, QuestionSet, Questionnaire, Scope, SignOff,
};
use devicerisk_core::{Device, DeviceFields, DeviceStatus, FieldIssue};
use devicerisk_store::{Db, EvidenceRecord, StoredAssessment};
use sha2::{Digest, Sha256};

use crate::places::clean;
use crate::{
    AnswerBatchReport, AnswerChangeRow, AnswerInput, AnswerSource, Api, ApiError, ApiResult,
    AssessmentHistory, AssessmentOverview, AssessmentSummary, AttachEvidence, ErrorCode,
    EvidenceFile, FinalizeRequest, NewAssessment, PageQuestion, PageRequest, PageSection,
    QuestionnaireCheck, QuestionnairePage, SaveAnswerRequest, StepState, SubjectFinding,
    SubjectOverview,
};

/// The built-in questionnaire, parsed once.
pub fn questionnaire() -> ApiResult<&'static Questionnaire> {
    static LOADED: OnceLock<Result<Questionnaire, String>> = OnceLock::new();
    LOADED
        .get_or_init(|| q::load_builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.clone()))
}

/// Which question set a subject answers.
pub fn scope_of(subject: &AnswerSubject) -> Scope {
    match subject {
        AnswerSubject::Clinic => Scope::Clinic,
        AnswerSubject::Device(_) | AnswerSubject::Category(_) => Scope::Device,
        AnswerSubject::Vendor(_) | AnswerSubject::Purchase(_) => Scope::Procurement,
    }
}

pub(crate) fn set_for(subject: &AnswerSubject) -> ApiResult<&'static QuestionSet> {
    let scope = scope_of(subject);
    questionnaire()?.set(scope).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Internal,
            format!("the built-in questionnaire has no {scope:?} questions"),
        )
    })
}

fn lifecycle_error(err: AssessmentError) -> ApiError {
    let code = match &err {
        AssessmentError::Finalized { .. } | AssessmentError::NotFinal => ErrorCode::Conflict,
        _ => ErrorCode::Validation,
    };
    let mut error = ApiError::new(code, format!("{err}."));
    if let AssessmentError::AnswerProblems(problems) = &err {
        error.field_issues = problems
            .iter()
            .map(|p| FieldIssue::new(&p.question_id, p.message.clone()))
            .collect();
    }
    error
}

fn answer_problem(problem: q::AnswerProblem) -> ApiError {
    let mut error = ApiError::new(
        ErrorCode::Validation,
        format!(
            "The answer to {} cannot be saved: {}.",
            problem.question_id, problem.message
        ),
    );
    error.field_issues = vec![FieldIssue::new(&problem.question_id, problem.message)];
    error
}

fn load(db: &Db<'_>, id: AssessmentId) -> ApiResult<StoredAssessment> {
    db.assessment(id)?
        .ok_or_else(|| ApiError::not_found("assessment", id))
}

fn summary(db: &Db<'_>, stored: StoredAssessment) -> ApiResult<AssessmentSummary> {
    let answers = db.answers(stored.assessment.id)?;
    let evidence = db.evidence(stored.assessment.id)?;
    Ok(AssessmentSummary {
        answers: answers.len() as u32,
        to_confirm: answers.iter().filter(|a| a.answer.to_confirm).count() as u32,
        evidence_files: evidence.len() as u32,
        assessment: stored.assessment,
        created_at: stored.created_at,
        finalized_at: stored.finalized_at,
    })
}

/// The name a person reads for a subject.
fn subject_label(db: &Db<'_>, subject: &AnswerSubject) -> ApiResult<String> {
    Ok(match subject {
        AnswerSubject::Clinic => db
            .clinic()?
            .map(|c| c.name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "The clinic".to_string()),
        AnswerSubject::Device(id) => db
            .device(*id)?
            .map(|d| d.fields.name)
            .unwrap_or_else(|| format!("Removed device {id}")),
        AnswerSubject::Category(category) => {
            format!("Category: {} (every device)", category.label())
        }
        AnswerSubject::Vendor(id) => db
            .vendor(*id)?
            .map(|v| v.fields.name)
            .unwrap_or_else(|| format!("Removed vendor {id}")),
        AnswerSubject::Purchase(name) => format!("Planned purchase: {name}"),
    })
}

/// A subject's answers as the engine sees them, where each came from, and the device facts.
struct SubjectAnswers {
    merged: Answers,
    own: Answers,
    device: Option<DeviceFields>,
}

fn subject_answers(
    db: &Db<'_>,
    id: AssessmentId,
    subject: &AnswerSubject,
) -> ApiResult<SubjectAnswers> {
    let own = db.subject_answers(id, subject)?;
    Ok(match subject {
        AnswerSubject::Device(device_id) => {
            let device = db
                .device(*device_id)?
                .ok_or_else(|| ApiError::not_found("device", device_id))?;
            let category =
                db.subject_answers(id, &AnswerSubject::Category(device.fields.category))?;
            SubjectAnswers {
                merged: q::merge_category_answers(&category, &own),
                own,
                device: Some(device.fields),
            }
        }
        AnswerSubject::Category(category) => SubjectAnswers {
            merged: own.clone(),
            own,
            device: Some(DeviceFields {
                category: *category,
                ..DeviceFields::default()
            }),
        },
        _ => SubjectAnswers {
            merged: own.clone(),
            own,
            device: None,
        },
    })
}

fn check_subject(db: &Db<'_>, subject: &AnswerSubject) -> ApiResult<()> {
    match subject {
        AnswerSubject::Device(id) if db.device(*id)?.is_none() => {
            Err(ApiError::not_found("device", id))
        }
        AnswerSubject::Vendor(id) if db.vendor(*id)?.is_none() => {
            Err(ApiError::not_found("vendor", id))
        }
        AnswerSubject::Purchase(name) if name.trim().is_empty() => Err(ApiError::new(
            ErrorCode::Validation,
            "A planned purchase needs a name, such as \"Infusion pumps 2027\".",
        )),
        _ => Ok(()),
    }
}

fn evidence_file(dir: &Path, record: EvidenceRecord) -> EvidenceFile {
    EvidenceFile {
        id: record.id.to_string(),
        subject: record.subject,
        question_id: record.question_id,
        file_name: record.file_name,
        stored_path: dir.join(&record.stored_path).display().to_string(),
        sha256: record.sha256,
        size_bytes: record.size as f64,
        added_at: record.added_at,
    }
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Per subject (in order), the answers that differ between two assessments.
fn answer_diffs(
    db: &Db<'_>,
    before: AssessmentId,
    after: AssessmentId,
) -> ApiResult<Vec<(AnswerSubject, Vec<q::AnswerChange>)>> {
    let old = db.answers_by_subject(before)?;
    let new = db.answers_by_subject(after)?;
    let empty = Answers::new();
    let mut subjects: Vec<&AnswerSubject> = old.keys().chain(new.keys()).collect();
    subjects.sort();
    subjects.dedup();
    Ok(subjects
        .into_iter()
        .map(|s| {
            let changes =
                q::diff_answers(old.get(s).unwrap_or(&empty), new.get(s).unwrap_or(&empty));
            (s.clone(), changes)
        })
        .collect())
}

/// How many answers differ between two assessments (any subject), whatever links them
/// (a revision, a carry-forward, or last year's and this year's). "To confirm" is not a
/// difference: a carried-forward answer says the same until someone changes it.
pub(crate) fn answers_changed_between(
    db: &Db<'_>,
    before: AssessmentId,
    after: AssessmentId,
) -> ApiResult<u32> {
    let settled = |answer: &Option<Answer>| {
        answer.clone().map(|a| Answer {
            to_confirm: false,
            ..a
        })
    };
    Ok(answer_diffs(db, before, after)?
        .iter()
        .flat_map(|(_, changes)| changes)
        .filter(|c| settled(&c.before) != settled(&c.after))
        .count() as u32)
}

/// The next yearly risk assessment: a year after the latest final assessment was signed
/// off (HIPAA's periodic review; DESIGN.md practice 7). None before the first one is final:
/// the home checklist asks for that one.
pub(crate) fn annual_review_item(db: &Db<'_>) -> ApiResult<Option<DatedItem>> {
    let latest = db
        .assessments()?
        .into_iter()
        .filter(|a| a.assessment.status == AssessmentStatus::Final)
        .max_by_key(|a| (a.finalized_at, a.assessment.started_on));
    Ok(latest.map(|a| {
        let done = a
            .assessment
            .sign_off
            .as_ref()
            .map(|s| s.signed_on)
            .unwrap_or(a.assessment.started_on);
        DatedItem {
            kind: DeadlineKind::Review,
            // 29 February signs off to 28 February next year.
            date: done
                .checked_add_months(chrono::Months::new(12))
                .unwrap_or(done),
            title: format!(
                "Annual risk assessment due (last: \"{}\", {done})",
                a.assessment.title
            ),
            subject_id: Some(a.assessment.id.to_string()),
        }
    }))
}

/// A file name safe to create inside the evidence folder: no folders, no control characters.
pub(crate) fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "evidence".to_string()
    } else {
        cleaned
    }
}

/// A file the user named (an answer's evidence, a disposal certificate), read whole and named
/// for the evidence folder of the data directory: `evidence/<12 hex of its SHA-256>/<name>`.
pub(crate) struct EvidenceCopy {
    pub file_name: String,
    pub sha256: String,
    /// Relative to the data directory.
    pub stored_path: String,
    pub bytes: Vec<u8>,
}

impl EvidenceCopy {
    pub(crate) fn read(source: &Path) -> ApiResult<Self> {
        let bytes = std::fs::read(source).map_err(|e| {
            let code = match e.kind() {
                std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                    ErrorCode::BadFile
                }
                _ if source.is_dir() => ErrorCode::BadFile,
                _ => ErrorCode::Io,
            };
            ApiError::new(code, format!("Cannot read {}: {e}.", source.display()))
        })?;
        let file_name = safe_file_name(
            &source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        let sha256 = sha256_hex(&bytes);
        Ok(EvidenceCopy {
            stored_path: format!("evidence/{}/{}", &sha256[..12], file_name),
            file_name,
            sha256,
            bytes,
        })
    }

    /// Writes the copy below `data_dir`; `what` names it in the error ("evidence", ...).
    pub(crate) fn write_into(&self, data_dir: &Path, what: &str) -> ApiResult<()> {
        let target = data_dir.join(&self.stored_path);
        let io = |e: std::io::Error| {
            ApiError::new(
                ErrorCode::Io,
                format!("Cannot copy the {what} to {}: {e}.", target.display()),
            )
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&target, &self.bytes).map_err(io)
    }
}

impl Api {
    /// The folder of the database file, where copied evidence files live.
    pub(crate) fn data_dir(&self) -> PathBuf {
        self.db_path()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// All assessments, newest first.
    pub fn list_assessments(&self) -> ApiResult<Vec<AssessmentSummary>> {
        let db = self.store.db();
        db.assessments()?
            .into_iter()
            .map(|a| summary(&db, a))
            .collect()
    }

    pub fn get_assessment(&self, id: AssessmentId) -> ApiResult<AssessmentSummary> {
        let db = self.store.db();
        summary(&db, load(&db, id)?)
    }

    /// Starts a draft; with `carry_forward_from`, its answers (those that still fit the
    /// questions) start this one, each marked "to confirm".
    pub fn create_assessment(&self, request: NewAssessment) -> ApiResult<AssessmentSummary> {
        let questionnaire = questionnaire()?;
        let mut assessment =
            Assessment::new_draft(&request.title, self.today(), questionnaire.versions())
                .map_err(lifecycle_error)?;
        assessment.carried_from = request.carry_forward_from;
        // Who ran it: the same OS user the audit log names.
        assessment.assessor = Some(self.actor.clone());
        self.store.transaction(|db| {
            let now = self.now();
            let carried = match request.carry_forward_from {
                Some(from) => {
                    load(db, from)?;
                    db.answers_by_subject(from)?
                }
                None => BTreeMap::new(),
            };
            db.insert_assessment(&assessment, now)?;
            let mut count = 0;
            for (subject, answers) in &carried {
                for (question_id, answer) in q::carry_forward(questionnaire, answers) {
                    db.put_answer(assessment.id, subject, &question_id, Some(&answer), now)?;
                    count += 1;
                }
            }
            let mut text = format!("Assessment \"{}\" started", assessment.title);
            if let Some(from) = request.carry_forward_from {
                text.push_str(&format!(
                    ", {count} answers carried forward from {from} to confirm"
                ));
            }
            self.audit(
                db,
                "create",
                "assessment",
                &assessment.id.to_string(),
                &text,
            )?;
            summary(db, load(db, assessment.id)?)
        })
    }

    /// The visible questions of one subject with their answers, progress and findings.
    pub fn questionnaire_page(&self, request: PageRequest) -> ApiResult<QuestionnairePage> {
        let db = self.store.db();
        self.page(&db, request.assessment_id, request.subject)
    }

    fn page(
        &self,
        db: &Db<'_>,
        id: AssessmentId,
        subject: AnswerSubject,
    ) -> ApiResult<QuestionnairePage> {
        let stored = load(db, id)?;
        check_subject(db, &subject)?;
        let set = set_for(&subject)?;
        let answers = subject_answers(db, id, &subject)?;
        let device = answers.device.as_ref();
        let visible = q::visible_questions(set, &answers.merged, device);
        let progress = q::progress(set, &answers.merged, device);
        let dir = self.data_dir();
        let evidence: Vec<EvidenceFile> = db
            .evidence(id)?
            .into_iter()
            .filter(|e| e.subject == subject)
            .map(|e| evidence_file(&dir, e))
            .collect();
        let sections = set
            .sections
            .iter()
            .zip(progress.sections)
            .map(|(section, section_progress)| PageSection {
                id: section.id.clone(),
                title: section.title.clone(),
                intro: section.intro.clone(),
                counts: section_progress.counts,
                questions: section
                    .questions
                    .iter()
                    .filter(|question| visible.iter().any(|v| v.id == question.id))
                    .map(|question| {
                        let answer = q::effective_answer(question, &answers.merged, device);
                        let source = if device
                            .and_then(|d| q::device_prefill(question, d))
                            .is_some()
                        {
                            Some(AnswerSource::Inventory)
                        } else if answers.own.contains_key(&question.id) {
                            Some(AnswerSource::Own)
                        } else if answer.is_some() {
                            Some(AnswerSource::Category)
                        } else {
                            None
                        };
                        PageQuestion {
                            question: question.clone(),
                            answer,
                            source,
                            evidence: evidence
                                .iter()
                                .filter(|e| e.question_id == question.id)
                                .cloned()
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(QuestionnairePage {
            read_only: stored.assessment.status == AssessmentStatus::Final,
            subject_label: subject_label(db, &subject)?,
            scope: set.scope,
            findings: q::findings(set, &answers.merged, device, self.today()),
            overall: progress.overall,
            sections,
            subject,
            assessment: summary(db, stored)?,
        })
    }

    /// Saves (or with `answer: None` removes) one answer and returns the page again, with its
    /// progress and findings. Autosave calls this on every change.
    pub fn save_answer(&self, request: SaveAnswerRequest) -> ApiResult<QuestionnairePage> {
        let id = request.assessment_id;
        let subject = request.input.subject.clone();
        self.store.transaction(|db| {
            self.write_answer(db, id, request.input)?;
            self.page(db, id, subject)
        })
    }

    /// Saves many answers at once, all or none (the CLI's `--file answers.json`).
    pub fn save_answers(
        &self,
        id: AssessmentId,
        inputs: Vec<AnswerInput>,
    ) -> ApiResult<AnswerBatchReport> {
        self.store.transaction(|db| {
            let mut report = AnswerBatchReport {
                saved: 0,
                removed: 0,
                devices_updated: 0,
            };
            for (index, input) in inputs.into_iter().enumerate() {
                let removing = input.answer.is_none();
                let outcome = self.write_answer(db, id, input).map_err(|mut e| {
                    e.message = format!("Answer {}: {}", index + 1, e.message);
                    e
                })?;
                if outcome.changed {
                    if removing {
                        report.removed += 1;
                    } else {
                        report.saved += 1;
                    }
                }
                if outcome.device_updated {
                    report.devices_updated += 1;
                }
            }
            Ok(report)
        })
    }

    fn write_answer(
        &self,
        db: &Db<'_>,
        id: AssessmentId,
        input: AnswerInput,
    ) -> ApiResult<WriteOutcome> {
        let stored = load(db, id)?;
        stored
            .assessment
            .ensure_editable()
            .map_err(lifecycle_error)?;
        check_subject(db, &input.subject)?;
        let set = set_for(&input.subject)?;
        let question = set.question(&input.question_id).ok_or_else(|| {
            ApiError::new(
                ErrorCode::Validation,
                format!(
                    "\"{}\" is not one of the {:?} questions.",
                    input.question_id, set.scope
                ),
            )
        })?;
        let answer = input.answer.map(|a| Answer {
            note: clean(a.note),
            na_reason: clean(a.na_reason),
            // Saving is confirming: a carried answer the user saves again is theirs now.
            to_confirm: false,
            value: a.value,
        });
        if let Some(answer) = &answer {
            q::check_answer(question, answer).map_err(answer_problem)?;
        }
        let now = self.now();
        let mut device_updated = false;
        if let (AnswerSubject::Device(device_id), Some(answer)) = (&input.subject, &answer) {
            let old = db
                .device(*device_id)?
                .ok_or_else(|| ApiError::not_found("device", device_id))?;
            let mut fields = old.fields.clone();
            q::apply_to_device(question, &answer.value, &mut fields)
                .map_err(|e| ApiError::new(ErrorCode::Validation, format!("{e}.")))?;
            if fields != old.fields {
                let issues = fields.normalize_and_validate(self.today());
                if !issues.is_empty() {
                    return Err(ApiError::validation("device", issues));
                }
                let changed = crate::devices::changed_fields(&old.fields, &fields);
                let device = Device {
                    fields,
                    updated_at: now,
                    decommissioned_at: old.decommissioned_at,
                    ..old
                };
                db.update_device(&device)?;
                let labels: Vec<String> = changed.iter().map(|k| crate::field_label(k)).collect();
                self.audit(
                    db,
                    "update",
                    "device",
                    &device_id.to_string(),
                    &format!(
                        "Device \"{}\" changed by the answer to {}: {}",
                        device.fields.name,
                        question.id,
                        labels.join(", ")
                    ),
                )?;
                device_updated = true;
            }
        }
        let before = db.subject_answers(id, &input.subject)?.remove(&question.id);
        let changed = before != answer;
        if changed {
            db.put_answer(id, &input.subject, &question.id, answer.as_ref(), now)?;
            db.append_answer_history(
                id,
                &input.subject,
                &question.id,
                before.as_ref(),
                answer.as_ref(),
                &self.actor,
                now,
            )?;
        }
        Ok(WriteOutcome {
            changed,
            device_updated,
        })
    }

    /// Progress and findings over every subject of an assessment.
    pub fn assessment_overview(&self, id: AssessmentId) -> ApiResult<AssessmentOverview> {
        let db = self.store.db();
        let stored = load(&db, id)?;
        let grouped = db.answers_by_subject(id)?;
        let mut subjects: Vec<AnswerSubject> = vec![AnswerSubject::Clinic];
        subjects.extend(
            db.devices()?
                .into_iter()
                .filter(|d| d.fields.status != DeviceStatus::Decommissioned)
                .map(|d| AnswerSubject::Device(d.id)),
        );
        for subject in grouped.keys() {
            let extra = matches!(
                subject,
                AnswerSubject::Category(_) | AnswerSubject::Vendor(_) | AnswerSubject::Purchase(_)
            );
            if extra && !subjects.contains(subject) {
                subjects.push(subject.clone());
            }
        }
        let today = self.today();
        let mut overall = ProgressCounts::default();
        let mut rows = Vec::new();
        let mut all_findings = Vec::new();
        for subject in subjects {
            if matches!(&subject, AnswerSubject::Vendor(v) if db.vendor(*v)?.is_none()) {
                continue;
            }
            let set = set_for(&subject)?;
            let answers = subject_answers(&db, id, &subject)?;
            let device = answers.device.as_ref();
            let counts = q::progress(set, &answers.merged, device).overall;
            let label = subject_label(&db, &subject)?;
            // Category answers are counted through the devices they apply to.
            let findings = if matches!(subject, AnswerSubject::Category(_)) {
                Vec::new()
            } else {
                add_counts(&mut overall, &counts);
                q::findings(set, &answers.merged, device, today)
            };
            rows.push(SubjectOverview {
                subject: subject.clone(),
                label: label.clone(),
                scope: set.scope,
                counts,
                findings: findings.len() as u32,
            });
            all_findings.extend(findings.into_iter().map(|finding| SubjectFinding {
                subject: subject.clone(),
                label: label.clone(),
                finding,
            }));
        }
        all_findings.sort_by_key(|f| std::cmp::Reverse(f.finding.severity));
        Ok(AssessmentOverview {
            summary: summary(&db, stored)?,
            subjects: rows,
            overall,
            findings: all_findings,
        })
    }

    /// Copies a file into `<data folder>/evidence/<first 12 hex of its SHA-256>/<name>` and
    /// records it with its hash against one answer.
    pub fn attach_evidence(&self, request: AttachEvidence) -> ApiResult<EvidenceFile> {
        let copy = EvidenceCopy::read(Path::new(request.path.trim()))?;
        let dir = self.data_dir();
        self.store.transaction(|db| {
            let stored = load(db, request.assessment_id)?;
            stored
                .assessment
                .ensure_editable()
                .map_err(lifecycle_error)?;
            check_subject(db, &request.subject)?;
            let set = set_for(&request.subject)?;
            if set.question(&request.question_id).is_none() {
                return Err(ApiError::new(
                    ErrorCode::Validation,
                    format!(
                        "\"{}\" is not one of the {:?} questions.",
                        request.question_id, set.scope
                    ),
                ));
            }
            copy.write_into(&dir, "evidence")?;
            let EvidenceCopy {
                file_name,
                sha256,
                stored_path,
                bytes,
            } = &copy;
            let record = EvidenceRecord {
                id: uuid::Uuid::new_v4(),
                assessment_id: request.assessment_id,
                subject: request.subject.clone(),
                question_id: request.question_id.clone(),
                file_name: file_name.clone(),
                stored_path: stored_path.clone(),
                sha256: sha256.clone(),
                size: bytes.len() as u64,
                added_at: self.now(),
            };
            db.insert_evidence(&record)?;
            self.audit(
                db,
                "attach",
                "assessment",
                &request.assessment_id.to_string(),
                &format!(
                    "Evidence \"{file_name}\" (SHA-256 {sha256}) attached to {}",
                    request.question_id
                ),
            )?;
            Ok(evidence_file(&dir, record))
        })
    }

    /// Every evidence file of an assessment, in the order added.
    pub fn list_evidence(&self, id: AssessmentId) -> ApiResult<Vec<EvidenceFile>> {
        let db = self.store.db();
        load(&db, id)?;
        let dir = self.data_dir();
        Ok(db
            .evidence(id)?
            .into_iter()
            .map(|e| evidence_file(&dir, e))
            .collect())
    }

    /// Signs the assessment off: from now on it is read-only evidence.
    pub fn finalize_assessment(&self, request: FinalizeRequest) -> ApiResult<AssessmentSummary> {
        let questionnaire = questionnaire()?;
        self.store.transaction(|db| {
            let mut assessment = load(db, request.assessment_id)?.assessment;
            let problems = db
                .answers_by_subject(assessment.id)?
                .values()
                .flat_map(|answers| q::answer_problems(questionnaire, answers))
                .collect();
            assessment
                .finalize(
                    SignOff {
                        name: request.name.clone(),
                        role: request.role.clone(),
                        signed_on: request.signed_on.unwrap_or_else(|| self.today()),
                    },
                    problems,
                )
                .map_err(lifecycle_error)?;
            db.finalize_assessment(&assessment, self.now())?;
            // Levels are recomputed, never stored: keep today's, for the next packet's
            // "change since the previous assessment".
            self.record_risk_snapshot(db, assessment.id)?;
            let sign = assessment
                .sign_off
                .as_ref()
                .expect("finalize sets the sign-off");
            self.audit(
                db,
                "finalize",
                "assessment",
                &assessment.id.to_string(),
                &format!(
                    "Assessment \"{}\" finalized by {} ({}) on {}",
                    assessment.title, sign.name, sign.role, sign.signed_on
                ),
            )?;
            summary(db, load(db, assessment.id)?)
        })
    }

    /// A new draft revision of a final assessment, starting from its answers and evidence.
    pub fn revise_assessment(&self, id: AssessmentId) -> ApiResult<AssessmentSummary> {
        self.store.transaction(|db| {
            let previous = load(db, id)?.assessment;
            if db
                .assessments()?
                .iter()
                .any(|a| a.assessment.revises == Some(id))
            {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "\"{}\" revision {} already has a newer revision; change that one.",
                        previous.title, previous.revision
                    ),
                ));
            }
            let revision = previous.new_revision().map_err(lifecycle_error)?;
            let now = self.now();
            db.insert_assessment(&revision, now)?;
            for stored in db.answers(id)? {
                db.put_answer(
                    revision.id,
                    &stored.subject,
                    &stored.question_id,
                    Some(&stored.answer),
                    stored.answered_at,
                )?;
            }
            for evidence in db.evidence(id)? {
                db.insert_evidence(&EvidenceRecord {
                    id: uuid::Uuid::new_v4(),
                    assessment_id: revision.id,
                    ..evidence
                })?;
            }
            self.audit(
                db,
                "revise",
                "assessment",
                &revision.id.to_string(),
                &format!(
                    "Revision {} of \"{}\" started",
                    revision.revision, revision.title
                ),
            )?;
            summary(db, load(db, revision.id)?)
        })
    }

    /// The revisions of an assessment, what changed since the previous one, and its log.
    pub fn assessment_history(&self, id: AssessmentId) -> ApiResult<AssessmentHistory> {
        let db = self.store.db();
        let questionnaire = questionnaire()?;
        let current = load(&db, id)?;
        let mut chain = vec![current.clone()];
        while let Some(previous) = chain.last().and_then(|a| a.assessment.revises) {
            chain.push(load(&db, previous)?);
        }
        chain.reverse();
        let text = |question_id: &str| {
            questionnaire
                .question(question_id)
                .map(|q| q.text.clone())
                .unwrap_or_else(|| "(question no longer asked)".to_string())
        };
        let mut changes = Vec::new();
        if let Some(previous) = current.assessment.revises {
            for (subject, subject_changes) in answer_diffs(&db, previous, id)? {
                let label = subject_label(&db, &subject)?;
                for change in subject_changes {
                    changes.push(AnswerChangeRow {
                        subject: subject.clone(),
                        subject_label: label.clone(),
                        question: text(&change.question_id),
                        question_id: change.question_id,
                        before: change.before,
                        after: change.after,
                        actor: None,
                        changed_at: None,
                    });
                }
            }
        }
        let mut log = Vec::new();
        for entry in db.answer_history(id)? {
            log.push(AnswerChangeRow {
                subject_label: subject_label(&db, &entry.subject)?,
                subject: entry.subject,
                question: text(&entry.question_id),
                question_id: entry.question_id,
                before: entry.before,
                after: entry.after,
                actor: Some(entry.actor),
                changed_at: Some(entry.changed_at),
            });
        }
        Ok(AssessmentHistory {
            revisions: chain
                .into_iter()
                .map(|a| summary(&db, a))
                .collect::<ApiResult<_>>()?,
            changes_since_previous: changes,
            log,
        })
    }

    /// The "Questionnaires" step of the home checklist.
    pub(crate) fn questionnaire_step(&self, db: &Db<'_>) -> ApiResult<(StepState, String)> {
        let Some(latest) = db.assessments()?.into_iter().next() else {
            return Ok((
                StepState::Todo,
                "No assessment yet: start one, such as \"2026 annual\".".to_string(),
            ));
        };
        let a = &latest.assessment;
        Ok(match (&a.status, &a.sign_off) {
            (AssessmentStatus::Final, Some(sign)) => (
                StepState::Done,
                format!(
                    "\"{}\" finalized by {} on {}.",
                    a.title, sign.name, sign.signed_on
                ),
            ),
            _ => {
                let answers = db.answers(a.id)?.len();
                (
                    StepState::InProgress,
                    format!("\"{}\" in progress: {answers} answers so far.", a.title),
                )
            }
        })
    }
}

struct WriteOutcome {
    changed: bool,
    device_updated: bool,
}

fn add_counts(total: &mut ProgressCounts, part: &ProgressCounts) {
    total.total += part.total;
    total.answered += part.answered;
    total.unknown += part.unknown;
    total.to_confirm += part.to_confirm;
    total
        .unanswered_ids
        .extend(part.unanswered_ids.iter().cloned());
    total.unknown_ids.extend(part.unknown_ids.iter().cloned());
}

/// Checks questionnaire content: the built-in files when `files` is empty, else the given
/// TOML files (all three scopes together are checked as a whole, fewer set by set).
pub fn check_questionnaire_files(files: &[PathBuf]) -> QuestionnaireCheck {
    let mut problems = Vec::new();
    let mut sets = Vec::new();
    if files.is_empty() {
        match q::load_builtin() {
            Ok(questionnaire) => sets = questionnaire.sets,
            Err(e) => problems.push(e.to_string()),
        }
    }
    for file in files {
        match std::fs::read_to_string(file) {
            Err(e) => problems.push(format!("{}: cannot read: {e}", file.display())),
            Ok(text) => match QuestionSet::from_toml(&text) {
                Err(e) => problems.push(format!("{}: {e}", file.display())),
                Ok(set) => sets.push(set),
            },
        }
    }
    let questions = sets.iter().map(|s| s.questions().count() as u32).sum();
    let all_scopes = Scope::ALL
        .iter()
        .all(|scope| sets.iter().any(|s| s.scope == *scope));
    if files.is_empty() || all_scopes {
        let questionnaire = Questionnaire { sets };
        problems.extend(q::validate(&questionnaire).iter().map(|p| p.to_string()));
    } else {
        for set in &sets {
            problems.extend(q::validate_set(set).iter().map(|p| p.to_string()));
        }
    }
    QuestionnaireCheck {
        files: files.iter().map(|f| f.display().to_string()).collect(),
        questions,
        problems,
    }
}
