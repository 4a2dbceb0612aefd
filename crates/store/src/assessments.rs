//! Assessments: dated runs of the questionnaires, their answers per subject, the append-only
//! history of answer changes and evidence files.
//!
//! Triggers (migration 0002) refuse any change to a final assessment, its answers and its
//! evidence; the api checks first and says why in words, the triggers are the backstop.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use devicerisk_core::questionnaire::{
    Answer, AnswerSubject, AnswerValue, Answers, Assessment, AssessmentId, AssessmentStatus, Scope,
    SignOff,
};
use devicerisk_core::DeviceCategory;
use rusqlite::{params, OptionalExtension, Row};

use crate::sql::{date, ts, Reader};
use crate::{classify, Db, Result, StoreError};

/// An assessment with the times the store keeps beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAssessment {
    pub assessment: Assessment,
    pub created_at: DateTime<Utc>,
    pub finalized_at: Option<DateTime<Utc>>,
}

/// One stored answer with its subject and time.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAnswer {
    pub subject: AnswerSubject,
    pub question_id: String,
    pub answer: Answer,
    pub answered_at: DateTime<Utc>,
}

/// One entry of the answer history: `before`/`after` are `None` when not answered.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerHistoryEntry {
    pub id: i64,
    pub subject: AnswerSubject,
    pub question_id: String,
    pub before: Option<Answer>,
    pub after: Option<Answer>,
    pub actor: String,
    pub changed_at: DateTime<Utc>,
}

/// A file attached to an answer. `stored_path` is relative to the database's folder.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRecord {
    pub id: uuid::Uuid,
    pub assessment_id: AssessmentId,
    pub subject: AnswerSubject,
    pub question_id: String,
    pub file_name: String,
    pub stored_path: String,
    pub sha256: String,
    pub size: u64,
    pub added_at: DateTime<Utc>,
}

/// The stored (kind, id) of a subject.
pub fn subject_key(subject: &AnswerSubject) -> (&'static str, String) {
    match subject {
        AnswerSubject::Clinic => ("clinic", String::new()),
        AnswerSubject::Device(id) => ("device", id.to_string()),
        AnswerSubject::Category(category) => ("category", category.key().to_string()),
        AnswerSubject::Vendor(id) => ("vendor", id.to_string()),
        AnswerSubject::Purchase(name) => ("purchase", name.clone()),
    }
}

fn bad(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unreadable {what}: {value:?}").into(),
    )
}

fn parse_subject(kind: &str, id: &str) -> rusqlite::Result<AnswerSubject> {
    let subject = match kind {
        "clinic" => Some(AnswerSubject::Clinic),
        "device" => id.parse().ok().map(AnswerSubject::Device),
        "category" => DeviceCategory::from_key(id).map(AnswerSubject::Category),
        "vendor" => id.parse().ok().map(AnswerSubject::Vendor),
        "purchase" => Some(AnswerSubject::Purchase(id.to_string())),
        _ => None,
    };
    subject.ok_or_else(|| bad("answer subject", &format!("{kind}:{id}")))
}

fn assessment_id(value: &str) -> rusqlite::Result<AssessmentId> {
    value
        .parse()
        .map(AssessmentId)
        .map_err(|_| bad("assessment id", value))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(e.into())))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|_| bad("JSON", text))
}

const ASSESSMENT_COLUMNS: &str = "id, title, started_on, assessor, status, signed_by_name,
    signed_by_role, signed_on, revision, revises, carried_from, content_versions, created_at,
    finalized_at";

fn read_assessment(row: &Row<'_>) -> rusqlite::Result<StoredAssessment> {
    let mut r = Reader::new(row);
    let id = assessment_id(&r.text()?)?;
    let title = r.text()?;
    let started_on = r.opt_date()?.ok_or_else(|| bad("date", ""))?;
    let assessor = r.opt_text()?;
    let status = match r.text()?.as_str() {
        "draft" => AssessmentStatus::Draft,
        "final" => AssessmentStatus::Final,
        other => return Err(bad("assessment status", other)),
    };
    let name = r.opt_text()?;
    let role = r.opt_text()?;
    let signed_on: Option<NaiveDate> = r.opt_date()?;
    let sign_off = match (name, role, signed_on) {
        (Some(name), Some(role), Some(signed_on)) => Some(SignOff {
            name,
            role,
            signed_on,
        }),
        _ => None,
    };
    let revision: u32 = r.int()?;
    let revises = r.opt_text()?.map(|v| assessment_id(&v)).transpose()?;
    let carried_from = r.opt_text()?.map(|v| assessment_id(&v)).transpose()?;
    let content_versions: Vec<(Scope, u32)> = from_json(&r.text()?)?;
    Ok(StoredAssessment {
        assessment: Assessment {
            id,
            title,
            started_on,
            assessor,
            status,
            sign_off,
            revision,
            revises,
            carried_from,
            content_versions,
        },
        created_at: r.ts()?,
        finalized_at: r.opt_ts()?,
    })
}

fn read_answer(row: &Row<'_>) -> rusqlite::Result<StoredAnswer> {
    let mut r = Reader::new(row);
    let kind = r.text()?;
    let id = r.text()?;
    let subject = parse_subject(&kind, &id)?;
    let question_id = r.text()?;
    let value: AnswerValue = from_json(&r.text()?)?;
    let note = r.opt_text()?;
    let na_reason = r.opt_text()?;
    let to_confirm: bool = r.int()?;
    Ok(StoredAnswer {
        subject,
        question_id,
        answer: Answer {
            value,
            note,
            na_reason,
            to_confirm,
        },
        answered_at: r.ts()?,
    })
}

impl Db<'_> {
    /// All assessments, newest start first (then newest revision first).
    pub fn assessments(&self) -> Result<Vec<StoredAssessment>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments
             ORDER BY started_on DESC, created_at DESC, revision DESC"
        ))?;
        let rows = stmt
            .query_map([], read_assessment)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn assessment(&self, id: AssessmentId) -> Result<Option<StoredAssessment>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = ?1"
        ))?;
        Ok(stmt
            .query_row([id.to_string()], read_assessment)
            .optional()?)
    }

    pub fn insert_assessment(&self, a: &Assessment, created_at: DateTime<Utc>) -> Result<()> {
        let sign = a.sign_off.as_ref();
        self.conn
            .execute(
                &format!(
                    "INSERT INTO assessments ({ASSESSMENT_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL)"
                ),
                params![
                    a.id.to_string(),
                    a.title,
                    date(Some(a.started_on)),
                    a.assessor,
                    status_key(a.status),
                    sign.map(|s| s.name.as_str()),
                    sign.map(|s| s.role.as_str()),
                    date(sign.map(|s| s.signed_on)),
                    a.revision,
                    a.revises.map(|id| id.to_string()),
                    a.carried_from.map(|id| id.to_string()),
                    json(&a.content_versions)?,
                    ts(created_at),
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    /// Writes the status and sign-off of a draft that has just been finalized. Returns false
    /// when no such assessment exists; a final one is refused by the database.
    pub fn finalize_assessment(&self, a: &Assessment, finalized_at: DateTime<Utc>) -> Result<bool> {
        let sign = a.sign_off.as_ref();
        let changed = self
            .conn
            .execute(
                "UPDATE assessments SET status = ?2, signed_by_name = ?3, signed_by_role = ?4,
                    signed_on = ?5, finalized_at = ?6
                 WHERE id = ?1",
                params![
                    a.id.to_string(),
                    status_key(a.status),
                    sign.map(|s| s.name.as_str()),
                    sign.map(|s| s.role.as_str()),
                    date(sign.map(|s| s.signed_on)),
                    ts(finalized_at),
                ],
            )
            .map_err(classify)?;
        Ok(changed > 0)
    }

    /// Every answer of an assessment, by subject then question id.
    pub fn answers(&self, id: AssessmentId) -> Result<Vec<StoredAnswer>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT subject_kind, subject_id, question_id, value, note, na_reason, to_confirm,
                answered_at
             FROM answers WHERE assessment_id = ?1
             ORDER BY subject_kind, subject_id, question_id",
        )?;
        let rows = stmt
            .query_map([id.to_string()], read_answer)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The answers of an assessment grouped by subject.
    pub fn answers_by_subject(&self, id: AssessmentId) -> Result<BTreeMap<AnswerSubject, Answers>> {
        let mut grouped: BTreeMap<AnswerSubject, Answers> = BTreeMap::new();
        for stored in self.answers(id)? {
            grouped
                .entry(stored.subject)
                .or_default()
                .insert(stored.question_id, stored.answer);
        }
        Ok(grouped)
    }

    /// The answers of one subject.
    pub fn subject_answers(&self, id: AssessmentId, subject: &AnswerSubject) -> Result<Answers> {
        let (kind, subject_id) = subject_key(subject);
        let mut stmt = self.conn.prepare_cached(
            "SELECT subject_kind, subject_id, question_id, value, note, na_reason, to_confirm,
                answered_at
             FROM answers WHERE assessment_id = ?1 AND subject_kind = ?2 AND subject_id = ?3
             ORDER BY question_id",
        )?;
        let rows = stmt
            .query_map(params![id.to_string(), kind, subject_id], read_answer)?
            .map(|r| r.map(|a| (a.question_id, a.answer)))
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Saves (`Some`) or removes (`None`) one answer.
    pub fn put_answer(
        &self,
        id: AssessmentId,
        subject: &AnswerSubject,
        question_id: &str,
        answer: Option<&Answer>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (kind, subject_id) = subject_key(subject);
        match answer {
            Some(answer) => {
                let mut stmt = self.conn.prepare_cached(
                    "INSERT INTO answers (assessment_id, subject_kind, subject_id, question_id,
                        value, note, na_reason, to_confirm, answered_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (assessment_id, subject_kind, subject_id, question_id)
                     DO UPDATE SET value = excluded.value, note = excluded.note,
                        na_reason = excluded.na_reason, to_confirm = excluded.to_confirm,
                        answered_at = excluded.answered_at",
                )?;
                stmt.execute(params![
                    id.to_string(),
                    kind,
                    subject_id,
                    question_id,
                    json(&answer.value)?,
                    answer.note,
                    answer.na_reason,
                    answer.to_confirm,
                    ts(at),
                ])
                .map_err(classify)?;
            }
            None => {
                self.conn
                    .execute(
                        "DELETE FROM answers WHERE assessment_id = ?1 AND subject_kind = ?2
                            AND subject_id = ?3 AND question_id = ?4",
                        params![id.to_string(), kind, subject_id, question_id],
                    )
                    .map_err(classify)?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn append_answer_history(
        &self,
        id: AssessmentId,
        subject: &AnswerSubject,
        question_id: &str,
        before: Option<&Answer>,
        after: Option<&Answer>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (kind, subject_id) = subject_key(subject);
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO answer_history (assessment_id, subject_kind, subject_id, question_id,
                before, after, actor, changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        stmt.execute(params![
            id.to_string(),
            kind,
            subject_id,
            question_id,
            before.map(json).transpose()?,
            after.map(json).transpose()?,
            actor,
            ts(at),
        ])
        .map_err(classify)?;
        Ok(())
    }

    /// The history of an assessment's answers, oldest first.
    pub fn answer_history(&self, id: AssessmentId) -> Result<Vec<AnswerHistoryEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, subject_kind, subject_id, question_id, before, after, actor, changed_at
             FROM answer_history WHERE assessment_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id.to_string()], |row| {
                let mut r = Reader::new(row);
                let entry_id: i64 = r.int()?;
                let kind = r.text()?;
                let subject_id = r.text()?;
                Ok(AnswerHistoryEntry {
                    id: entry_id,
                    subject: parse_subject(&kind, &subject_id)?,
                    question_id: r.text()?,
                    before: r.opt_text()?.map(|t| from_json(&t)).transpose()?,
                    after: r.opt_text()?.map(|t| from_json(&t)).transpose()?,
                    actor: r.text()?,
                    changed_at: r.ts()?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn insert_evidence(&self, e: &EvidenceRecord) -> Result<()> {
        let (kind, subject_id) = subject_key(&e.subject);
        self.conn
            .execute(
                "INSERT INTO evidence (id, assessment_id, subject_kind, subject_id, question_id,
                    file_name, stored_path, sha256, size, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    e.id.to_string(),
                    e.assessment_id.to_string(),
                    kind,
                    subject_id,
                    e.question_id,
                    e.file_name,
                    e.stored_path,
                    e.sha256,
                    i64::try_from(e.size).unwrap_or(i64::MAX),
                    ts(e.added_at),
                ],
            )
            .map_err(classify)?;
        Ok(())
    }

    /// The evidence files of an assessment, in the order they were added.
    pub fn evidence(&self, id: AssessmentId) -> Result<Vec<EvidenceRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, assessment_id, subject_kind, subject_id, question_id, file_name,
                stored_path, sha256, size, added_at
             FROM evidence WHERE assessment_id = ?1 ORDER BY added_at, file_name",
        )?;
        let rows = stmt
            .query_map([id.to_string()], |row| {
                let mut r = Reader::new(row);
                let evidence_id: String = r.text()?;
                let assessment = r.text()?;
                let kind = r.text()?;
                let subject_id = r.text()?;
                Ok(EvidenceRecord {
                    id: evidence_id
                        .parse()
                        .map_err(|_| bad("evidence id", &evidence_id))?,
                    assessment_id: assessment_id(&assessment)?,
                    subject: parse_subject(&kind, &subject_id)?,
                    question_id: r.text()?,
                    file_name: r.text()?,
                    stored_path: r.text()?,
                    sha256: r.text()?,
                    size: u64::try_from(r.int::<i64>()?).unwrap_or(0),
                    added_at: r.ts()?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

fn status_key(status: AssessmentStatus) -> &'static str {
    match status {
        AssessmentStatus::Draft => "draft",
        AssessmentStatus::Final => "final",
    }
}
