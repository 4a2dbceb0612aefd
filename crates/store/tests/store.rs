//! The store against real SQLite files in a temporary directory.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use devicerisk_core::*;
use devicerisk_store::{Migration, NewAuditEntry, Store, StoreError, MIGRATIONS};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 10, 30, 0).unwrap()
}

fn site(name: &str) -> Site {
    Site {
        id: SiteId::new(),
        name: name.to_string(),
        address: Some("1 Main St".to_string()),
        notes: None,
    }
}

fn full_device(site: &Site, zone: &Zone, vendor: &Vendor) -> Device {
    let day = |d| NaiveDate::from_ymd_opt(2024, 3, d);
    Device {
        id: DeviceId::new(),
        fields: DeviceFields {
            asset_tag: Some("A-100".into()),
            name: "ICU pump 3".into(),
            category: DeviceCategory::InfusionPump,
            manufacturer: Some("BD".into()),
            model: Some("Alaris 8015".into()),
            serial: Some("800123".into()),
            software_version: Some("12.1.2".into()),
            os_name: Some("Windows CE".into()),
            os_version: Some("6.0".into()),
            connectivity: vec![Connectivity::Wired, Connectivity::Wifi],
            ip_address: Some("10.30.0.5".into()),
            mac_address: Some("00:1A:2B:3C:4D:5E".into()),
            hostname: Some("pump-3".into()),
            site_id: Some(site.id),
            zone_id: Some(zone.id),
            department: Some("ICU".into()),
            vendor_id: Some(vendor.id),
            clinical_function: ClinicalFunction::Therapeutic,
            fda_class: FdaClass::ClassII,
            handles_phi: TriState::Yes,
            patch_status: PatchStatus::Behind,
            last_patch_date: day(10),
            default_credentials_changed: TriState::No,
            authentication: Authentication::Local,
            encryption_in_transit: TriState::Yes,
            encryption_at_rest: TriState::Unknown,
            remote_vendor_access: RemoteAccess::OnRequest,
            monitoring_coverage: TriState::No,
            last_vulnerability_scan: day(11),
            purchase_date: day(1),
            vendor_support: VendorSupport::Limited,
            vendor_end_of_support: NaiveDate::from_ymd_opt(2027, 12, 31),
            owner: Some("Biomed".into()),
            status: DeviceStatus::Active,
            notes: Some("line one\nline two, with a comma".into()),
        },
        created_at: at(),
        updated_at: at(),
        decommissioned_at: None,
    }
}

/// A site, a zone in it and a vendor, saved.
fn places(store: &Store) -> (Site, Zone, Vendor) {
    let site = site("Main");
    let zone = Zone {
        id: ZoneId::new(),
        site_id: Some(site.id),
        name: "Medical VLAN 30".into(),
        vlan_id: Some(30),
        purpose: ZonePurpose::MedicalDevices,
        notes: None,
    };
    let vendor = Vendor {
        id: VendorId::new(),
        fields: VendorFields {
            name: "BD".into(),
            sbom_on_file: TriState::Yes,
            ..VendorFields::default()
        },
    };
    store
        .transaction(|db| {
            db.insert_site(&site, at())?;
            db.insert_zone(&zone, at())?;
            db.insert_vendor(&vendor, at())?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    (site, zone, vendor)
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".backup-before-v"))
        .collect();
    found.sort();
    found
}

#[test]
fn open_creates_folders_and_applies_every_migration_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/devicerisk.sqlite3");
    let store = Store::open(&path).unwrap();
    assert!(path.exists());
    assert_eq!(
        store.schema_version().unwrap(),
        MIGRATIONS.last().unwrap().version
    );
    drop(store);

    let raw = rusqlite::Connection::open(&path).unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // A fresh database has nothing to back up.
    assert!(backups(path.parent().unwrap()).is_empty());
}

#[test]
fn device_with_every_field_round_trips_and_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let device = {
        let store = Store::open(&path).unwrap();
        let (site, zone, vendor) = places(&store);
        let device = full_device(&site, &zone, &vendor);
        store.transaction(|db| db.insert_device(&device)).unwrap();
        device
    };
    let store = Store::open(&path).unwrap();
    let db = store.db();
    assert_eq!(db.device(device.id).unwrap(), Some(device.clone()));
    assert_eq!(db.devices().unwrap(), vec![device.clone()]);
    assert_eq!(db.device_count().unwrap(), 1);
    assert_eq!(db.asset_tag_owner("a-100").unwrap(), Some(device.id));
    assert_eq!(db.sites().unwrap().len(), 1);
    assert_eq!(db.zones().unwrap()[0].vlan_id, Some(30));
    assert_eq!(db.vendors().unwrap()[0].fields.sbom_on_file, TriState::Yes);
    // Reopening an up-to-date database takes no backup.
    assert!(backups(dir.path()).is_empty());
}

#[test]
fn update_keeps_created_at_and_reports_missing_rows() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let (site, zone, vendor) = places(&store);
    let mut device = full_device(&site, &zone, &vendor);
    store.transaction(|db| db.insert_device(&device)).unwrap();
    let created = device.created_at;
    device.fields.name = "Renamed".into();
    device.fields.connectivity.clear();
    device.created_at = Utc::now();
    device.updated_at = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
    assert!(store.transaction(|db| db.update_device(&device)).unwrap());
    let stored = store.db().device(device.id).unwrap().unwrap();
    assert_eq!(stored.fields.name, "Renamed");
    assert!(stored.fields.connectivity.is_empty());
    assert_eq!(stored.created_at, created);
    assert_eq!(stored.updated_at, device.updated_at);

    let ghost = Device {
        id: DeviceId::new(),
        ..device
    };
    assert!(!store.transaction(|db| db.update_device(&ghost)).unwrap());
}

#[test]
fn foreign_keys_and_unique_asset_tags_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let (site, zone, vendor) = places(&store);
    let mut orphan = full_device(&site, &zone, &vendor);
    orphan.fields.zone_id = Some(ZoneId::new());
    let err = store
        .transaction(|db| db.insert_device(&orphan))
        .unwrap_err();
    assert!(matches!(err, StoreError::Reference(_)), "{err:?}");

    let device = full_device(&site, &zone, &vendor);
    store.transaction(|db| db.insert_device(&device)).unwrap();
    let err = store.transaction(|db| db.delete_site(site.id)).unwrap_err();
    assert!(matches!(err, StoreError::Reference(_)), "{err:?}");
    let usage = store.db().site_usage(site.id).unwrap();
    assert_eq!((usage.devices, usage.zones), (1, 1));

    let mut twin = full_device(&site, &zone, &vendor);
    twin.fields.asset_tag = Some("a-100".into());
    let err = store.transaction(|db| db.insert_device(&twin)).unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.db().device_count().unwrap(), 1);
}

#[test]
fn failed_work_rolls_back_the_whole_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let result = store.transaction(|db| {
        db.insert_site(&site("First"), at())?;
        db.insert_site(&site("first"), at())
    });
    assert!(matches!(result, Err(StoreError::Duplicate(_))));
    assert!(store.db().sites().unwrap().is_empty());
}

#[test]
fn audit_log_is_append_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let store = Store::open(&path).unwrap();
    for summary in ["first", "second"] {
        store
            .transaction(|db| {
                db.append_audit(&NewAuditEntry {
                    at: at(),
                    actor: "dana",
                    action: "create",
                    entity: "device",
                    entity_id: "d1",
                    summary,
                })
            })
            .unwrap();
    }
    let recent = store.db().recent_audit(1).unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].summary, "second");
    let history = store.db().audit_for("device", "d1").unwrap();
    assert_eq!(
        history
            .iter()
            .map(|e| e.summary.as_str())
            .collect::<Vec<_>>(),
        ["first", "second"]
    );
    assert_eq!(history[0].at, at());

    let raw = rusqlite::Connection::open(&path).unwrap();
    let update = raw.execute("UPDATE audit_log SET summary = 'forged'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = raw.execute("DELETE FROM audit_log", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

const EXTRA: Migration = Migration {
    version: 2,
    name: "test_extra",
    sql: "CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT NOT NULL);",
};

#[test]
fn upgrading_an_existing_database_backs_it_up_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.sqlite3");
    {
        // "An older version of the app": only the first migration.
        let old = Store::open_with_migrations(&path, &MIGRATIONS[..1]).unwrap();
        old.transaction(|db| db.insert_site(&site("Kept in backup"), at()))
            .unwrap();
        // The connection stays open, so the row may still be in the WAL only.
        let newer: Vec<Migration> = MIGRATIONS[..1].iter().copied().chain([EXTRA]).collect();
        let upgraded = Store::open_with_migrations(&path, &newer).unwrap();
        assert_eq!(upgraded.schema_version().unwrap(), 2);
    }
    let found = backups(dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    let name = found[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("clinic.sqlite3.backup-before-v2-"),
        "{name}"
    );

    let backup = rusqlite::Connection::open(&found[0]).unwrap();
    let site_name: String = backup
        .query_row("SELECT name FROM sites", [], |r| r.get(0))
        .unwrap();
    assert_eq!(site_name, "Kept in backup");
    let version: u32 = backup
        .query_row("SELECT max(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(version, 1);
    let extra_in_backup: i64 = backup
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'extra'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(extra_in_backup, 0);

    let live = rusqlite::Connection::open(&path).unwrap();
    live.execute("INSERT INTO extra (note) VALUES ('ok')", [])
        .unwrap();
}

#[test]
fn a_failing_migration_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    drop(Store::open_with_migrations(&path, &MIGRATIONS[..1]).unwrap());
    let broken = Migration {
        version: 2,
        name: "broken",
        sql: "CREATE TABLE half_done (id INTEGER); THIS IS NOT SQL;",
    };
    let migrations: Vec<Migration> = MIGRATIONS[..1].iter().copied().chain([broken]).collect();
    let err = Store::open_with_migrations(&path, &migrations).unwrap_err();
    assert!(
        matches!(err, StoreError::Migration { version: 2, .. }),
        "{err:?}"
    );
    let store = Store::open_with_migrations(&path, &MIGRATIONS[..1]).unwrap();
    assert_eq!(store.schema_version().unwrap(), 1);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let half: i64 = raw
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(half, 0);
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let newer: Vec<Migration> = MIGRATIONS
        .iter()
        .copied()
        .chain([Migration {
            version: MIGRATIONS.last().unwrap().version + 1,
            ..EXTRA
        }])
        .collect();
    drop(Store::open_with_migrations(&path, &newer).unwrap());
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { .. }), "{err:?}");
}

#[test]
fn clinic_profile_is_a_single_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    assert_eq!(store.db().clinic().unwrap(), None);
    let mut profile = ClinicProfile {
        name: "Riverside".into(),
        fiscal_year_start_month: 7,
        ..ClinicProfile::default()
    };
    store
        .transaction(|db| db.save_clinic(&profile, at()))
        .unwrap();
    profile.name = "Riverside Family Clinic".into();
    store
        .transaction(|db| db.save_clinic(&profile, at()))
        .unwrap();
    assert_eq!(store.db().clinic().unwrap(), Some(profile));
}

#[test]
fn a_file_that_is_not_a_database_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.csv");
    std::fs::write(&path, "Asset Tag,Name\nA-1,Pump\n".repeat(200)).unwrap();
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains("inventory.csv"), "{err}");
}

fn device_indexes(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    let sql = stmt.query_map([], |row| row.get(0)).unwrap();
    sql.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn a_large_insert_keeps_every_index_and_still_refuses_a_duplicate_asset_tag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let store = Store::open(&path).unwrap();
    let (site, zone, vendor) = places(&store);
    let before = device_indexes(&path);
    assert!(before.len() >= 5, "{before:?}");
    let batch = |count: usize| -> Vec<Device> {
        (0..count)
            .map(|n| {
                let mut device = full_device(&site, &zone, &vendor);
                device.fields.asset_tag = Some(format!("BULK-{n}"));
                device
            })
            .collect()
    };

    // Large enough for the bulk path, with the last row repeating the first row's tag.
    let mut failing = batch(2_500);
    failing[2_499].fields.asset_tag = Some("bulk-0".into());
    let err = store
        .transaction(|db| db.insert_devices(&failing))
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err:?}");
    assert_eq!(store.db().device_count().unwrap(), 0);
    assert_eq!(device_indexes(&path), before);

    let devices = batch(2_500);
    store.transaction(|db| db.insert_devices(&devices)).unwrap();
    assert_eq!(store.db().device_count().unwrap(), 2_500);
    assert_eq!(device_indexes(&path), before);
}

#[test]
fn a_migration_that_lands_after_a_higher_number_is_still_applied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clinic.sqlite3");
    let later = |version, name, sql| Migration { version, name, sql };
    let four = later(90, "four", "CREATE TABLE four (id INTEGER PRIMARY KEY);");
    let three = later(89, "three", "CREATE TABLE three (id INTEGER PRIMARY KEY);");
    {
        let with_four: Vec<Migration> = MIGRATIONS.iter().copied().chain([four]).collect();
        let store = Store::open_with_migrations(&path, &with_four).unwrap();
        assert_eq!(store.schema_version().unwrap(), 90);
    }
    let both: Vec<Migration> = MIGRATIONS.iter().copied().chain([three, four]).collect();
    let store = Store::open_with_migrations(&path, &both).unwrap();
    assert_eq!(store.schema_version().unwrap(), 90);
    drop(store);
    let raw = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = raw
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('three', 'four')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 2);
}

#[test]
fn lifecycle_tables_refuse_what_the_rules_forbid() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    drop(store);
    let raw = rusqlite::Connection::open(dir.path().join("db.sqlite3")).unwrap();
    raw.pragma_update(None, "foreign_keys", "ON").unwrap();
    // A plan needs an existing device, a known action and a non-negative cost.
    let plan = raw.execute(
        "INSERT INTO lifecycle_plans (id, device_id, action, target_date, status, origin,
            created_at, updated_at)
         VALUES ('p', 'missing', 'replace', '2027-01-01', 'planned', 'user', 'x', 'x')",
        [],
    );
    assert!(plan.unwrap_err().to_string().contains("FOREIGN KEY"));
    let cadence = raw.execute(
        "INSERT INTO vendor_patch_cadence (vendor_id, cadence_days) VALUES ('v', 0)",
        [],
    );
    assert!(cadence.unwrap_err().to_string().contains("CHECK"));
}
