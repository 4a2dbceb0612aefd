-- SBOMs attached to a device or to a model (manufacturer + model, compared without case as
-- model_support in 0004 does, so every device of the model shares it), their components and
-- the vulnerabilities each document lists itself; VEX documents and their statements, kept
-- as read and applied to components when they are read (so a re-imported SBOM keeps its VEX).

CREATE TABLE sboms (
    id TEXT PRIMARY KEY NOT NULL,
    device_id TEXT REFERENCES devices (id) ON DELETE CASCADE,
    manufacturer TEXT COLLATE NOCASE,
    model TEXT COLLATE NOCASE,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    -- 'cyclonedx_json', 'cyclonedx_xml', 'spdx_json', 'spdx_tag_value'.
    format TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    -- CycloneDX serialNumber or SPDX documentNamespace.
    serial TEXT,
    bom_version INTEGER,
    document_name TEXT,
    subject_name TEXT,
    subject_version TEXT,
    component_count INTEGER NOT NULL,
    vulnerability_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    CHECK ((device_id IS NULL) <> (manufacturer IS NULL)),
    CHECK ((manufacturer IS NULL) = (model IS NULL))
);
CREATE INDEX sboms_device ON sboms (device_id);
CREATE INDEX sboms_model ON sboms (manufacturer, model);

-- Components in document order; the subject (the product the SBOM describes) is one of them.
CREATE TABLE sbom_components (
    sbom_id TEXT NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    bom_ref TEXT NOT NULL,
    is_subject INTEGER NOT NULL CHECK (is_subject IN (0, 1)),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    grp TEXT,
    version TEXT,
    supplier TEXT,
    purl TEXT,
    cpe TEXT,
    -- JSON arrays: licence texts; {algorithm, value} hashes.
    licenses_json TEXT NOT NULL,
    hashes_json TEXT NOT NULL,
    parent_ref TEXT,
    PRIMARY KEY (sbom_id, position),
    UNIQUE (sbom_id, bom_ref)
);

-- Vulnerabilities the SBOM itself lists, one row per affected component.
CREATE TABLE sbom_vulnerabilities (
    sbom_id TEXT NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
    bom_ref TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    cve TEXT,
    source TEXT,
    description TEXT,
    cvss REAL,
    severity TEXT,
    state TEXT NOT NULL CHECK (state IN ('affected', 'under_investigation', 'fixed', 'not_affected', 'unknown')),
    justification TEXT,
    detail TEXT,
    PRIMARY KEY (sbom_id, bom_ref, vulnerability),
    FOREIGN KEY (sbom_id, bom_ref) REFERENCES sbom_components (sbom_id, bom_ref) ON DELETE CASCADE
);

CREATE TABLE vex_documents (
    id TEXT PRIMARY KEY NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    -- 'cyclonedx' or 'csaf'.
    format TEXT NOT NULL,
    -- CycloneDX serial number or CSAF tracking id.
    document_id TEXT,
    statement_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

-- Statements as read, each with what it is about (devicerisk_intel::sbom::VexTarget as JSON).
CREATE TABLE vex_statements (
    vex_id TEXT NOT NULL REFERENCES vex_documents (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    place TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    cve TEXT,
    state TEXT NOT NULL CHECK (state IN ('affected', 'under_investigation', 'fixed', 'not_affected', 'unknown')),
    justification TEXT,
    detail TEXT,
    target_json TEXT NOT NULL,
    PRIMARY KEY (vex_id, position)
);
