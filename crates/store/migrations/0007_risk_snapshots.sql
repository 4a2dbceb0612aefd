-- The risk levels as they were when an assessment was finalized (issue 7). Levels are
-- recomputed, never stored (0003), so without this copy a later packet could not say how they
-- changed since the previous assessment. Written once, in the transaction that finalizes the
-- assessment; like a final assessment, never changed or removed afterwards.
CREATE TABLE risk_snapshots (
    assessment_id TEXT PRIMARY KEY NOT NULL REFERENCES assessments (id),
    taken_at TEXT NOT NULL,
    method_version TEXT NOT NULL,
    -- JSON written and read by the api (devicerisk_api's RiskSnapshot): each device's
    -- inherent and residual level, and each register risk's key, title, levels, device count
    -- and status.
    snapshot TEXT NOT NULL
);

CREATE TRIGGER risk_snapshots_no_update BEFORE UPDATE ON risk_snapshots
BEGIN
    SELECT RAISE(ABORT, 'a risk snapshot is evidence: it is never changed');
END;
CREATE TRIGGER risk_snapshots_no_delete BEFORE DELETE ON risk_snapshots
BEGIN
    SELECT RAISE(ABORT, 'a risk snapshot is evidence: it is never removed');
END;
