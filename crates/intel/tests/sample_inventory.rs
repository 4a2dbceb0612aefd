//! The public 25-device sample inventory (see tests/fixtures/PROVENANCE.md) end to end:
//! read, auto mapping, conversion, and export → import round trip.

use std::path::PathBuf;

use chrono::{NaiveDate, Utc};
use devicerisk_core::*;
use devicerisk_intel::inventory::*;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/iomt-risk-scorer_sample_devices.csv")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn import(table: &Table) -> Vec<ImportedRow> {
    let mapping = auto_mapping(&table.headers);
    check_mapping(&mapping).expect("auto mapping is usable");
    convert_rows(table, &mapping, today())
}

#[test]
fn reads_all_rows_with_spreadsheet_row_numbers() {
    let table = read_table(&fixture()).unwrap();
    assert_eq!(table.file_name, "iomt-risk-scorer_sample_devices.csv");
    assert_eq!(table.format, SourceFormat::Csv);
    assert_eq!(table.encoding, "UTF-8");
    assert_eq!(table.delimiter, Some(','));
    assert_eq!(table.headers.len(), 12);
    assert_eq!(table.rows.len(), 25);
    assert_eq!(table.rows[0].row_number, 2);
    assert_eq!(table.rows[24].row_number, 26);
    assert!(table.rows.iter().all(|r| r.cells.len() == 12));
}

#[test]
fn maps_every_column() {
    let table = read_table(&fixture()).unwrap();
    let targets: Vec<ImportTarget> = auto_mapping(&table.headers)
        .iter()
        .map(|m| m.target)
        .collect();
    assert_eq!(
        targets,
        vec![
            ImportTarget::Name,
            ImportTarget::Category,
            ImportTarget::ManufacturerAndModel,
            ImportTarget::Zone,
            ImportTarget::OsName,
            ImportTarget::PatchStatus,
            ImportTarget::VendorSupport,
            ImportTarget::HandlesPhi,
            ImportTarget::FdaClass,
            ImportTarget::LastVulnerabilityScan,
            ImportTarget::Authentication,
            ImportTarget::Encryption,
        ]
    );
}

#[test]
fn converts_without_issues_and_understands_the_vocabulary() {
    let table = read_table(&fixture()).unwrap();
    let rows = import(&table);
    assert_eq!(rows.len(), 25);
    let issues: Vec<String> = rows
        .iter()
        .flat_map(|r| r.issues.iter().map(|i| i.to_string()))
        .collect();
    assert!(issues.is_empty(), "{issues:#?}");

    let by_name = |name: &str| {
        rows.iter()
            .find(|r| r.fields.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };

    let pump = by_name("ER Infusion Pump #1");
    assert_eq!(pump.row_number, 4);
    assert_eq!(pump.fields.manufacturer.as_deref(), Some("BD"));
    assert_eq!(pump.fields.model.as_deref(), Some("Alaris 8015"));
    assert_eq!(pump.fields.category, DeviceCategory::InfusionPump);
    assert_eq!(pump.zone_name.as_deref(), Some("Flat Network"));
    assert_eq!(pump.fields.os_name.as_deref(), Some("Windows CE/IoT"));
    assert_eq!(pump.fields.patch_status, PatchStatus::Unpatchable);
    assert_eq!(pump.fields.vendor_support, VendorSupport::Ended);
    assert_eq!(pump.fields.handles_phi, TriState::Yes);
    assert_eq!(pump.fields.fda_class, FdaClass::ClassII);
    assert_eq!(
        pump.fields.last_vulnerability_scan,
        NaiveDate::from_ymd_opt(2023, 3, 10)
    );
    assert_eq!(
        pump.fields.authentication,
        Authentication::DefaultCredentials
    );
    // "Default Creds" with no password column: the default password is still in use.
    assert_eq!(pump.fields.default_credentials_changed, TriState::No);
    assert_eq!(pump.fields.encryption_in_transit, TriState::No);
    assert_eq!(pump.fields.encryption_at_rest, TriState::No);

    let ventilator = by_name("ICU Ventilator #1");
    assert_eq!(
        ventilator.fields.manufacturer.as_deref(),
        Some("Hamilton Medical")
    );
    assert_eq!(ventilator.fields.model.as_deref(), Some("C6"));
    assert_eq!(ventilator.fields.patch_status, PatchStatus::VendorOnly);
    assert_eq!(ventilator.fields.fda_class, FdaClass::ClassIII);
    assert_eq!(ventilator.fields.authentication, Authentication::Local);
    assert_eq!(
        ventilator.fields.default_credentials_changed,
        TriState::Unknown
    );
    assert_eq!(ventilator.fields.encryption_in_transit, TriState::Yes);
    assert_eq!(ventilator.fields.encryption_at_rest, TriState::No);

    let legacy = by_name("Lab Analyzer #3 (Legacy)");
    assert_eq!(
        legacy.fields.manufacturer.as_deref(),
        Some("Beckman Coulter")
    );
    assert_eq!(legacy.fields.model.as_deref(), Some("DxC 700"));
    assert_eq!(legacy.fields.category, DeviceCategory::LabAnalyzer);
    assert_eq!(legacy.fields.last_vulnerability_scan, None);

    let hvac = by_name("Building HVAC Controller");
    assert_eq!(
        hvac.fields.manufacturer.as_deref(),
        Some("Johnson Controls")
    );
    assert_eq!(hvac.fields.category, DeviceCategory::BuildingSystem);
    assert_eq!(hvac.fields.handles_phi, TriState::No);
    assert_eq!(hvac.fields.fda_class, FdaClass::NotRegulated);

    let monitor = by_name("ICU Patient Monitor #1");
    assert_eq!(monitor.fields.authentication, Authentication::Centralized);
    assert_eq!(monitor.fields.encryption_in_transit, TriState::Yes);
    assert_eq!(monitor.fields.encryption_at_rest, TriState::Yes);

    let robot = by_name("Surgical Robot Interface");
    assert_eq!(robot.fields.manufacturer.as_deref(), Some("Intuitive"));
    assert_eq!(robot.fields.model.as_deref(), Some("da Vinci Xi"));
    assert_eq!(robot.fields.category, DeviceCategory::Other);
    assert_eq!(robot.fields.authentication, Authentication::Mfa);

    assert_eq!(
        by_name("Radiology PACS Server").fields.category,
        DeviceCategory::PacsWorkstation
    );
    assert_eq!(
        by_name("Wearable Telemetry #1").fields.category,
        DeviceCategory::TelemetryWearable
    );
    assert_eq!(
        by_name("Smart Bed Ward 3A #1")
            .fields
            .manufacturer
            .as_deref(),
        Some("Hill-Rom")
    );
}

fn stored(fields: DeviceFields) -> Device {
    let now = Utc::now();
    Device {
        id: DeviceId::new(),
        fields,
        created_at: now,
        updated_at: now,
        decommissioned_at: None,
    }
}

#[test]
fn export_then_import_gives_the_same_devices() {
    let table = read_table(&fixture()).unwrap();
    let rows = import(&table);
    let devices: Vec<Device> = rows.iter().map(|r| stored(r.fields.clone())).collect();
    let export_rows: Vec<ExportRow> = rows
        .iter()
        .zip(&devices)
        .map(|(row, device)| ExportRow {
            device,
            site_name: row.site_name.as_deref(),
            zone_name: row.zone_name.as_deref(),
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for name in ["export.csv", "export.xlsx"] {
        let path = dir.path().join(name);
        if name.ends_with(".csv") {
            write_csv(&path, &export_rows).unwrap();
        } else {
            write_xlsx(&path, &export_rows).unwrap();
        }
        let back = read_table(&path).unwrap();
        let mapping = auto_mapping(&back.headers);
        assert!(
            mapping.iter().all(|m| m.target != ImportTarget::Ignore),
            "{name}: every exported header maps back: {mapping:?}"
        );
        let again = import(&back);
        assert_eq!(again.len(), rows.len(), "{name}");
        for (original, reimported) in rows.iter().zip(&again) {
            assert_eq!(reimported.issues, vec![], "{name}");
            assert_eq!(reimported.fields, original.fields, "{name}");
            assert_eq!(reimported.zone_name, original.zone_name, "{name}");
            assert_eq!(reimported.site_name, original.site_name, "{name}");
        }
    }
}

/// Issue 2 asks for well under 200 ms (release) to read and convert 10,000 rows; debug
/// builds are about ten times slower, hence the looser bound there.
#[test]
fn ten_thousand_rows_read_and_convert_quickly() {
    let fixture = std::fs::read_to_string(fixture()).unwrap();
    let mut lines = fixture.lines();
    let header = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let mut csv = format!("{header},IP Address,MAC Address,Asset Tag\r\n");
    for i in 0..10_000usize {
        let (hi, lo) = (i / 256, i % 256);
        let row = body[i % body.len()];
        csv.push_str(&format!(
            "{row},10.0.{hi}.{lo},00:11:22:33:{hi:02x}:{lo:02x},T{i}\r\n"
        ));
    }
    let started = std::time::Instant::now();
    let table = read_table_bytes("10k.csv", csv.as_bytes()).unwrap();
    let rows = import(&table);
    let elapsed = started.elapsed();
    assert_eq!(rows.len(), 10_000);
    assert!(rows.iter().all(|r| r.issues.is_empty()));
    assert_eq!(
        rows[9_999].fields.mac_address.as_deref(),
        Some("00:11:22:33:27:0F")
    );
    let limit_ms = if cfg!(debug_assertions) { 4_000 } else { 200 };
    assert!(elapsed.as_millis() < limit_ms, "took {elapsed:?}");
}
