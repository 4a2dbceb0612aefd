-- DeviceRisk schema, version 1: clinic profile, sites, network zones, vendors, devices, audit log.
-- Ids are UUID text; enum values are the stable snake_case keys of devicerisk_core::vocab;
-- dates are ISO 8601 (YYYY-MM-DD); timestamps are UTC RFC 3339.

CREATE TABLE clinic (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    legal_name TEXT,
    address TEXT,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    security_officer TEXT,
    fiscal_year_start_month INTEGER NOT NULL DEFAULT 1
        CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    updated_at TEXT NOT NULL
);

CREATE TABLE sites (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    address TEXT,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sites_name ON sites (name COLLATE NOCASE);

CREATE TABLE zones (
    id TEXT PRIMARY KEY NOT NULL,
    site_id TEXT REFERENCES sites (id),
    name TEXT NOT NULL,
    vlan_id INTEGER CHECK (vlan_id BETWEEN 1 AND 4094),
    purpose TEXT NOT NULL,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX zones_site ON zones (site_id);
-- A zone name is unique within its site (clinic-wide zones count as one site).
CREATE UNIQUE INDEX zones_site_name ON zones (coalesce(site_id, ''), name COLLATE NOCASE);

CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    security_contact TEXT,
    disclosure_policy TEXT NOT NULL,
    patch_cadence TEXT,
    support_lifecycle TEXT,
    sbom_on_file TEXT NOT NULL,
    mds2_on_file TEXT NOT NULL,
    baa_signed TEXT NOT NULL,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX vendors_name ON vendors (name COLLATE NOCASE);

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    asset_tag TEXT,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    manufacturer TEXT,
    model TEXT,
    serial TEXT,
    software_version TEXT,
    os_name TEXT,
    os_version TEXT,
    -- Comma-separated connectivity keys ("wired,wifi"); empty means not known.
    connectivity TEXT NOT NULL,
    ip_address TEXT,
    mac_address TEXT,
    hostname TEXT,
    site_id TEXT REFERENCES sites (id),
    zone_id TEXT REFERENCES zones (id),
    department TEXT,
    vendor_id TEXT REFERENCES vendors (id),
    clinical_function TEXT NOT NULL,
    fda_class TEXT NOT NULL,
    handles_phi TEXT NOT NULL,
    patch_status TEXT NOT NULL,
    last_patch_date TEXT,
    default_credentials_changed TEXT NOT NULL,
    authentication TEXT NOT NULL,
    encryption_in_transit TEXT NOT NULL,
    encryption_at_rest TEXT NOT NULL,
    remote_vendor_access TEXT NOT NULL,
    monitoring_coverage TEXT NOT NULL,
    last_vulnerability_scan TEXT,
    purchase_date TEXT,
    vendor_support TEXT NOT NULL,
    vendor_end_of_support TEXT,
    owner TEXT,
    status TEXT NOT NULL,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    decommissioned_at TEXT
);
-- Asset tags identify a device for re-imports, so two devices may not share one.
CREATE UNIQUE INDEX devices_asset_tag ON devices (asset_tag COLLATE NOCASE)
    WHERE asset_tag IS NOT NULL;
CREATE INDEX devices_serial ON devices (serial COLLATE NOCASE);
CREATE INDEX devices_mac_address ON devices (mac_address);
CREATE INDEX devices_zone ON devices (zone_id);
CREATE INDEX devices_site ON devices (site_id);
CREATE INDEX devices_vendor ON devices (vendor_id);
CREATE INDEX devices_category ON devices (category);
CREATE INDEX devices_status ON devices (status);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- The audit log is evidence: rows are only ever appended.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
