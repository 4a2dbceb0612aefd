-- DeviceRisk schema, version 2: dated assessments, their answers, the append-only history of
-- every answer change, and evidence files.
-- Answers are keyed by subject: kind 'clinic' (id ''), 'device' (device UUID), 'category'
-- (category key), 'vendor' (vendor UUID), 'purchase' (the name the user gave it).
-- Values are the JSON of devicerisk_core::questionnaire::AnswerValue.

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    started_on TEXT NOT NULL,
    assessor TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    signed_by_name TEXT,
    signed_by_role TEXT,
    signed_on TEXT,
    revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    revises TEXT REFERENCES assessments (id),
    carried_from TEXT REFERENCES assessments (id),
    -- JSON list of [scope, version] pairs: which wording of the questions was answered.
    content_versions TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finalized_at TEXT,
    CHECK (status = 'draft' OR (signed_by_name IS NOT NULL AND signed_by_role IS NOT NULL
        AND signed_on IS NOT NULL AND finalized_at IS NOT NULL))
);
CREATE INDEX assessments_revises ON assessments (revises);

-- A final assessment is evidence: neither it nor anything attached to it changes again.
CREATE TRIGGER assessments_final_no_update BEFORE UPDATE ON assessments
WHEN OLD.status = 'final'
BEGIN
    SELECT RAISE(ABORT, 'assessment is final');
END;
CREATE TRIGGER assessments_final_no_delete BEFORE DELETE ON assessments
WHEN OLD.status = 'final'
BEGIN
    SELECT RAISE(ABORT, 'assessment is final');
END;

CREATE TABLE answers (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    subject_kind TEXT NOT NULL
        CHECK (subject_kind IN ('clinic', 'device', 'category', 'vendor', 'purchase')),
    subject_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT,
    na_reason TEXT,
    to_confirm INTEGER NOT NULL DEFAULT 0 CHECK (to_confirm IN (0, 1)),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, subject_kind, subject_id, question_id)
);

CREATE TRIGGER answers_final_no_insert BEFORE INSERT ON answers
WHEN (SELECT status FROM assessments WHERE id = NEW.assessment_id) = 'final'
BEGIN
    SELECT RAISE(ABORT, 'assessment is final');
END;
CREATE TRIGGER answers_final_no_update BEFORE UPDATE ON answers
WHEN (SELECT status FROM assessments WHERE id = OLD.assessment_id) = 'final'
BEGIN
    SELECT RAISE(ABORT, 'assessment is final');
END;
CREATE TRIGGER answers_final_no_delete BEFORE DELETE ON answers
WHEN (SELECT status FROM assessments WHERE id = OLD.assessment_id) = 'final'
BEGIN
    SELECT RAISE(ABORT, 'assessment is final');
END;

-- Every change to an answer, oldest first; 'before'/'after' are the JSON of the whole answer
-- (NULL: not answered). Append-only.
CREATE TABLE answer_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    actor TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX answer_history_assessment ON answer_history (assessment_id, id);
CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history
BEGIN
    SELECT RAISE(ABORT, 'answer history is append-only');
END;
CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history
BEGIN
    SELECT RAISE(ABORT, 'answer history is append-only');
END;

-- Files attached to an answer, copied into the data folder beside the database.
-- stored_path is relative to the database's folder.
CREATE TABLE evidence (
    id TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    added_at TEXT NOT NULL
);
CREATE INDEX evidence_assessment ON evidence (assessment_id);
CREATE TRIGGER evidence_final_no_insert BEFORE INSERT ON evidence
WHEN (SELECT status FROM assessments WHERE id = NEW.assessment_id) = 'final'
BEGIN
    SELECT RAISE(ABORT, 'assessment is final');
END;
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
BEGIN
    SELECT RAISE(ABORT, 'evidence records do not change');
END;
CREATE TRIGGER evidence_final_no_delete BEFORE DELETE ON evidence
WHEN (SELECT status FROM assessments WHERE id = OLD.assessment_id) = 'final'
BEGIN
    SELECT RAISE(ABORT, 'assessment is final');
END;
