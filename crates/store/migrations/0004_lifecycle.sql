-- Lifecycle planning (issue 5): end-of-support facts the user adds, patch log, vendor patch
-- cadence, planned actions, imported endoflife.date files and the decommission checklist.
-- The fiscal-year start month is the clinic profile's. Dates are ISO 'YYYY-MM-DD', timestamps
-- RFC 3339 UTC.

-- Per device: the user's correction of the OS match (valid while the device's OS text is
-- still os_text) and whether the device can be replaced.
CREATE TABLE device_lifecycle (
    device_id TEXT PRIMARY KEY NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    os_text TEXT,
    os_release_id TEXT,
    replaceable INTEGER NOT NULL DEFAULT 1 CHECK (replaceable IN (0, 1)),
    updated_at TEXT NOT NULL,
    CHECK ((os_text IS NULL) = (os_release_id IS NULL))
);

-- The vendor's end of support for a model, entered once and shared by all its devices.
CREATE TABLE model_support (
    manufacturer TEXT NOT NULL COLLATE NOCASE,
    model TEXT NOT NULL COLLATE NOCASE,
    end_of_support TEXT NOT NULL,
    note TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (manufacturer, model)
);

-- How often a vendor publishes patches, in days.
CREATE TABLE vendor_patch_cadence (
    vendor_id TEXT PRIMARY KEY NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    cadence_days INTEGER NOT NULL CHECK (cadence_days > 0)
);

CREATE TABLE patch_log (
    id TEXT PRIMARY KEY NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    patched_on TEXT NOT NULL,
    from_version TEXT,
    to_version TEXT NOT NULL,
    tested_by TEXT,
    note TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX patch_log_device ON patch_log(device_id, patched_on);

CREATE TABLE lifecycle_plans (
    id TEXT PRIMARY KEY NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('patch', 'isolate', 'replace', 'retire')),
    target_date TEXT NOT NULL,
    cost_cents INTEGER CHECK (cost_cents IS NULL OR cost_cents >= 0),
    owner TEXT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    origin TEXT NOT NULL CHECK (origin IN ('suggested', 'user')),
    with_monitoring INTEGER NOT NULL DEFAULT 0 CHECK (with_monitoring IN (0, 1)),
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX lifecycle_plans_device ON lifecycle_plans(device_id);
CREATE INDEX lifecycle_plans_target ON lifecycle_plans(target_date);

-- endoflife.date files the user imported, replayed over the shipped table in order on every
-- start, so an update survives restarts and upgrades of the shipped table.
CREATE TABLE eol_imports (
    platform_id TEXT PRIMARY KEY NOT NULL,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    summary TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- The decommission checklist: each step done by whom, on which day; the disposal certificate
-- step carries the file copied into the data folder.
CREATE TABLE decommission_steps (
    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    step TEXT NOT NULL CHECK (step IN ('data_wiped', 'accounts_removed', 'network_removed',
        'monitoring_removed', 'certificate_attached')),
    done_by TEXT NOT NULL,
    done_on TEXT NOT NULL,
    note TEXT,
    file_name TEXT,
    stored_path TEXT,
    sha256 TEXT,
    size INTEGER,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (device_id, step),
    CHECK ((step = 'certificate_attached') = (sha256 IS NOT NULL))
);
