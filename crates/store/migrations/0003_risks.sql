-- The risk register (issue 4): compensating controls assigned to devices, and the user's
-- decisions about risks. Computed levels are NOT stored: they are recomputed from the device
-- facts with the method version in force, so they can never go stale.

-- A library control (assets/risk/method.toml `[[control]]` id) in place for one device.
-- One control may be assigned to many devices; a device may have several controls.
CREATE TABLE device_controls (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    control_id TEXT NOT NULL CHECK (length(control_id) > 0),
    note TEXT,
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (device_id, control_id)
) WITHOUT ROWID;
CREATE INDEX device_controls_by_control ON device_controls(control_id);

-- One row per risk the user has touched, keyed by its stable grouping key:
--   'factor:<factor id>'  a risk grouped from device facts (words and levels are computed);
--   'question:<id>'       a risk grouped from a device-questionnaire gap (likewise computed);
--   'manual:<uuid>'       a risk the user added by hand (words and levels are stored here).
-- A finding risk without a row is shown with default decisions; its row survives every
-- recomputation because the key does not depend on which devices currently have the finding.
CREATE TABLE risks (
    key TEXT PRIMARY KEY NOT NULL
        CHECK (key LIKE 'factor:%' OR key LIKE 'question:%' OR key LIKE 'manual:%'),
    title TEXT,
    threat TEXT,
    vulnerability TEXT,
    likelihood INTEGER CHECK (likelihood BETWEEN 1 AND 5),
    impact INTEGER CHECK (impact BETWEEN 1 AND 5),
    treatment TEXT NOT NULL DEFAULT 'undecided'
        CHECK (treatment IN ('undecided', 'mitigate', 'accept', 'transfer', 'avoid')),
    owner TEXT,
    due_date TEXT,
    review_date TEXT,
    -- 'accepted' is never stored: it is computed from an unexpired acceptance.
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'closed')),
    notes TEXT,
    accepted_by TEXT,
    acceptance_reason TEXT,
    accepted_on TEXT,
    acceptance_expires TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (key NOT LIKE 'manual:%'
           OR (title IS NOT NULL AND likelihood IS NOT NULL AND impact IS NOT NULL)),
    -- An acceptance is whole or absent.
    CHECK ((accepted_by IS NULL) = (acceptance_reason IS NULL)
           AND (accepted_by IS NULL) = (accepted_on IS NULL)
           AND (accepted_by IS NULL) = (acceptance_expires IS NULL))
);

-- Devices a manual risk concerns (finding risks compute theirs).
CREATE TABLE risk_devices (
    risk_key TEXT NOT NULL REFERENCES risks(key) ON DELETE CASCADE,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    PRIMARY KEY (risk_key, device_id)
) WITHOUT ROWID;
