//! Export → import keeps every fact of every device; re-importing an edited export updates
//! exactly the edited device.

use std::path::Path;

use chrono::NaiveDate;
use devicerisk_api::core::DeviceFields;
use devicerisk_api::{Api, DemoOptions, DeviceQuery, ExportFormat, ImportRequest};

/// A fixed "today" so date validation and the demo data do not depend on the clock.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn open(path: &Path) -> Api {
    let mut api = Api::open(path).unwrap();
    api.set_today(today());
    api
}

fn import(api: &Api, file: &Path) -> devicerisk_api::ImportReport {
    api.apply_import(ImportRequest {
        path: file.to_string_lossy().into_owned(),
        mapping: None,
    })
    .unwrap_or_else(|e| panic!("import of {} failed: {e:?}", file.display()))
}

/// Every device as (facts, site name, zone name), keyed by asset tag. Ids of sites, zones and
/// vendors differ between databases, so they are replaced by the names that files carry.
fn inventory(api: &Api) -> Vec<(String, DeviceFields, Option<String>, Option<String>)> {
    let list = api
        .list_devices(DeviceQuery {
            include_decommissioned: true,
            ..DeviceQuery::default()
        })
        .unwrap();
    let mut devices: Vec<_> = list
        .rows
        .into_iter()
        .map(|row| {
            let mut fields = row.device.fields;
            fields.site_id = None;
            fields.zone_id = None;
            fields.vendor_id = None;
            let tag = fields
                .asset_tag
                .clone()
                .expect("demo devices have asset tags");
            (tag, fields, row.site_name, row.zone_name)
        })
        .collect();
    devices.sort_by(|a, b| a.0.cmp(&b.0));
    devices
}

fn assert_same_inventory(
    expected: &[(String, DeviceFields, Option<String>, Option<String>)],
    actual: &[(String, DeviceFields, Option<String>, Option<String>)],
) {
    assert_eq!(expected.len(), actual.len());
    for (want, got) in expected.iter().zip(actual) {
        assert_eq!(want, got, "device {} differs after export → import", want.0);
    }
}

#[test]
fn csv_and_xlsx_exports_import_into_a_fresh_database_with_every_fact() {
    let dir = tempfile::tempdir().unwrap();
    let source = open(&dir.path().join("source.sqlite3"));
    source
        .load_demo(DemoOptions {
            devices: 40,
            seed: 3,
        })
        .unwrap();
    let expected = inventory(&source);
    assert_eq!(expected.len(), 40);

    for (format, name) in [
        (ExportFormat::Csv, "inventory.csv"),
        (ExportFormat::Xlsx, "inventory.xlsx"),
    ] {
        let file = dir.path().join(name);
        let exported = source.export_inventory(&file, format).unwrap();
        assert_eq!(exported.rows, 40);

        let target = open(&dir.path().join(format!("from-{name}.sqlite3")));
        let report = import(&target, &file);
        assert_eq!(
            (report.created, report.updated, report.unchanged),
            (40, 0, 0),
            "{name}"
        );
        assert_same_inventory(&expected, &inventory(&target));
    }
}

#[test]
fn reimporting_an_edited_export_updates_only_the_edited_device() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(&dir.path().join("clinic.sqlite3"));
    api.load_demo(DemoOptions {
        devices: 30,
        seed: 1,
    })
    .unwrap();
    let before = inventory(&api);
    let file = dir.path().join("inventory.csv");
    api.export_inventory(&file, ExportFormat::Csv).unwrap();

    let unchanged = import(&api, &file);
    assert_eq!(
        (unchanged.created, unchanged.updated, unchanged.unchanged),
        (0, 0, 30)
    );

    // Edit one cell the way a spreadsheet user would: the notes of the first device.
    let edited_tag = set_cell(&file, "Notes", "Moved to ward 3 on 2026-11-20");
    let report = import(&api, &file);
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 1, 29)
    );

    let after = inventory(&api);
    for (old, new) in before.iter().zip(&after) {
        if old.0 == edited_tag {
            assert_eq!(
                new.1.notes.as_deref(),
                Some("Moved to ward 3 on 2026-11-20")
            );
            let mut expected = old.1.clone();
            expected.notes = new.1.notes.clone();
            assert_eq!(expected, new.1, "only the notes of {} change", old.0);
        } else {
            assert_eq!(old, new);
        }
    }
}

/// Sets `column` of the first data row of the CSV at `path` to `value`; returns that row's
/// asset tag. The export starts with a UTF-8 byte-order mark, which is kept.
fn set_cell(path: &Path, column: &str, value: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let body = text
        .strip_prefix('\u{feff}')
        .expect("exports start with a BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    let mut records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let header = records[0].clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no '{name}' column in the export: {header:?}"))
    };
    let (target, tag_column) = (find(column), find("Asset tag"));
    let mut row: Vec<String> = records[1].iter().map(str::to_string).collect();
    row[target] = value.to_string();
    let tag = row[tag_column].clone();
    records[1] = csv::StringRecord::from(row);

    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in &records {
        writer.write_record(record).unwrap();
    }
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(writer.into_inner().unwrap());
    std::fs::write(path, bytes).unwrap();
    tag
}
