-- Vulnerability intelligence: the imported KEV catalog and CSAF advisories, what the
-- matching engine found on the inventory, and the user's decisions on those matches.
-- Imported documents are kept whole as JSON (the parsed form the engine reads) beside the
-- columns that lists and look-ups need. Decisions are keyed by device and advisory id or
-- CVE, not by a match row, so they survive re-imports and re-runs of the matching.

-- The one KEV catalog in use (an import replaces it).
CREATE TABLE kev_catalog (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    file_name TEXT NOT NULL,
    catalog_version TEXT,
    date_released TEXT,
    entry_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE kev_entries (
    cve_id TEXT PRIMARY KEY NOT NULL,
    vendor_project TEXT NOT NULL,
    product TEXT NOT NULL,
    vulnerability_name TEXT NOT NULL,
    date_added TEXT NOT NULL,
    due_date TEXT NOT NULL,
    -- The whole entry as read (devicerisk_intel::kev::KevEntry).
    entry_json TEXT NOT NULL
);

CREATE TABLE advisories (
    tracking_id TEXT PRIMARY KEY NOT NULL,
    revision TEXT,
    title TEXT NOT NULL,
    publisher TEXT,
    current_release_date TEXT,
    file_name TEXT NOT NULL,
    -- CVE ids, space separated; the highest CVSS base score of the document.
    cves TEXT NOT NULL,
    max_cvss REAL,
    -- The whole advisory as read (devicerisk_intel::csaf::Advisory): product tree with
    -- version ranges as text and parsed, vulnerabilities, scores, remediations.
    document_json TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

-- The affected products of each advisory, for lists and search.
CREATE TABLE advisory_products (
    tracking_id TEXT NOT NULL REFERENCES advisories (tracking_id) ON DELETE CASCADE,
    product_id TEXT NOT NULL,
    name TEXT NOT NULL,
    vendor TEXT,
    version_text TEXT NOT NULL,
    PRIMARY KEY (tracking_id, product_id)
);

-- The latest run of the matching engine (a run replaces every row).
CREATE TABLE intel_matches (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('advisory', 'kev')),
    -- Advisory tracking id or CVE id.
    source_id TEXT NOT NULL,
    confidence TEXT NOT NULL CHECK (confidence IN ('low', 'medium', 'high')),
    version_verdict TEXT NOT NULL,
    -- JSON arrays of strings.
    reasons_json TEXT NOT NULL,
    products_json TEXT NOT NULL,
    cves_json TEXT NOT NULL,
    known_exploited_json TEXT NOT NULL,
    max_cvss REAL,
    matched_at TEXT NOT NULL,
    PRIMARY KEY (device_id, source_kind, source_id)
);
CREATE INDEX intel_matches_source ON intel_matches (source_kind, source_id);

-- The user's word on a device and an advisory or CVE.
CREATE TABLE intel_decisions (
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('advisory', 'kev')),
    source_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('affected', 'not_affected', 'mitigated')),
    -- VEX justification key, required for not_affected.
    justification TEXT CHECK ((status = 'not_affected') = (justification IS NOT NULL)),
    -- The compensating control, required for mitigated.
    control TEXT CHECK ((status = 'mitigated') = (control IS NOT NULL)),
    note TEXT,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    PRIMARY KEY (device_id, source_kind, source_id)
);
