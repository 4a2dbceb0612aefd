//! Deliberately broken or tricky inventory files. Each is written to a temporary directory
//! and read through `read_table` like a user's file; every refusal and every issue must name
//! the file, the row and the column a user would look at.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use devicerisk_core::*;
use devicerisk_intel::inventory::*;
use devicerisk_intel::IntelError;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Self {
        Files(tempfile::tempdir().unwrap())
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
}

fn read(name: &str, bytes: impl AsRef<[u8]>) -> Result<Table, IntelError> {
    let files = Files::new();
    read_table(&files.write(name, bytes))
}

fn read_err(name: &str, bytes: impl AsRef<[u8]>) -> String {
    match read(name, bytes) {
        Ok(table) => panic!("{name} was accepted: {table:?}"),
        Err(error) => {
            let message = error.to_string();
            assert!(message.contains(name), "message names the file: {message}");
            message
        }
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "{message:?} should mention {part:?}"
        );
    }
}

fn convert(table: &Table) -> Vec<ImportedRow> {
    let mapping = auto_mapping(&table.headers);
    check_mapping(&mapping).unwrap();
    convert_rows(table, &mapping, today())
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

/// Deterministic pseudo-random bytes (no external crate needed).
fn noise(len: usize, seed: u64, avoid_nul: bool) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let byte = (state >> 33) as u8;
            if avoid_nul && byte == 0 {
                1
            } else {
                byte
            }
        })
        .collect()
}

// --- encodings --------------------------------------------------------------------------

#[test]
fn windows_1252_is_detected_and_umlauts_survive() {
    let bytes =
        b"Device Name;Manufacturer;Owner\r\nBeatmungsger\xe4t 1;Dr\xe4ger;J\xfcrgen M\xfcller\r\n";
    let table = read("ansi.csv", bytes).unwrap();
    assert_eq!(table.encoding, "Windows-1252");
    assert_eq!(table.delimiter, Some(';'));
    let rows = convert(&table);
    assert_eq!(rows[0].fields.name, "Beatmungsgerät 1");
    assert_eq!(rows[0].fields.manufacturer.as_deref(), Some("Dräger"));
    assert_eq!(rows[0].fields.owner.as_deref(), Some("Jürgen Müller"));
}

#[test]
fn excel_unicode_text_utf16le_tab_delimited() {
    let text = "Name\tSite\tIP Address\r\nPompe São Paulo 🚑\tClínica Müller\t10.0.0.1\r\nMonitor 2\tClínica Müller\tfe80::1\r\n";
    let table = read("unicode.txt", utf16(text, false)).unwrap();
    assert_eq!(table.encoding, "UTF-16LE");
    assert_eq!(table.delimiter, Some('\t'));
    assert_eq!(table.headers, vec!["Name", "Site", "IP Address"]);
    let rows = convert(&table);
    assert_eq!(rows[0].fields.name, "Pompe São Paulo 🚑");
    assert_eq!(rows[0].site_name.as_deref(), Some("Clínica Müller"));
    assert_eq!(rows[1].row_number, 3);
    assert!(rows.iter().all(|r| r.issues.is_empty()));
}

#[test]
fn utf16_big_endian_with_bom() {
    let table = read("be.txt", utf16("Name\tSerial\r\nPump\tSN-1\r\n", true)).unwrap();
    assert_eq!(table.encoding, "UTF-16BE");
    assert_eq!(table.rows[0].cells, vec!["Pump", "SN-1"]);
}

#[test]
fn utf8_bom_is_not_part_of_the_first_header() {
    let table = read("bom.csv", "\u{FEFF}Name,Manufacturer\nIntelliVue,Philips\n").unwrap();
    assert_eq!(table.encoding, "UTF-8 (BOM)");
    assert_eq!(table.headers[0], "Name");
    assert_eq!(auto_mapping(&table.headers)[0].target, ImportTarget::Name);
}

#[test]
fn utf8_bom_followed_by_invalid_utf8_is_refused() {
    let message = read_err("broken-bom.csv", b"\xEF\xBB\xBFName\nPump \xe4\n");
    assert_mentions(&message, &["UTF-8", "byte"]);
}

// --- structure ---------------------------------------------------------------------------

#[test]
fn empty_file_is_refused() {
    let message = read_err("empty.csv", b"");
    assert_mentions(&message, &["empty"]);
}

#[test]
fn file_of_blank_lines_is_refused() {
    let message = read_err("blank.csv", "\r\n  \r\n,,,\r\n\r\n");
    assert_mentions(&message, &["empty"]);
}

#[test]
fn missing_header_row_is_refused_naming_the_row() {
    let message = read_err(
        "no-header.csv",
        "ICU pump 1,10.0.0.5,00:11:22:33:44:55,2024-01-02\nICU pump 2,10.0.0.6,00:11:22:33:44:56,2024-01-03\n",
    );
    assert_mentions(&message, &["no header row", "row 1", "10.0.0.5"]);
}

#[test]
fn header_without_any_known_column_fails_the_mapping_check() {
    let table = read("strange.csv", "Foo,Bar\n1x,2y\n").unwrap();
    let mapping = auto_mapping(&table.headers);
    assert!(mapping.iter().all(|m| m.target == ImportTarget::Ignore));
    let message = check_mapping(&mapping).unwrap_err().to_string();
    assert_mentions(&message, &["Name", "Asset tag"]);
}

#[test]
fn duplicate_columns_are_named() {
    let message = read_err(
        "dupes.csv",
        "Name,IP Address,Serial,ip address\nPump,10.0.0.1,S1,10.0.0.2\n",
    );
    assert_mentions(
        &message,
        &["row 1", "'ip address'", "A", "B ('IP Address')", "D"],
    );
}

#[test]
fn blank_header_between_columns_is_named() {
    let message = read_err("blank-header.csv", "Name,,Serial\nPump,x,S1\n");
    assert_mentions(&message, &["row 1", "column B", "no name"]);
}

#[test]
fn trailing_empty_columns_from_excel_are_tolerated() {
    let table = read("trailing.csv", "Name,Serial,,\nPump,S1,,\nMonitor,S2\n").unwrap();
    assert_eq!(table.headers, vec!["Name", "Serial"]);
    assert_eq!(table.rows[1].cells, vec!["Monitor", "S2"]);
}

#[test]
fn value_under_a_trailing_blank_header_is_refused() {
    let message = read_err("orphan.csv", "Name,Serial,\nPump,S1,\nMonitor,S2,oops\n");
    assert_mentions(&message, &["column C", "row 3", "oops"]);
}

#[test]
fn ragged_row_is_named() {
    let message = read_err(
        "ragged.csv",
        "Name,IP Address\nPump,10.0.0.1\nMonitor,10.0.0.2,Ward 3\n",
    );
    assert_mentions(
        &message,
        &["row 3", "3 cells", "2 column names", "Ward 3", "column C"],
    );
}

#[test]
fn short_rows_are_padded_and_blank_rows_skipped() {
    let table = read(
        "short.csv",
        "Name,Serial,Owner\nPump\n\n,,\nMonitor,S2,Ann\n",
    )
    .unwrap();
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].cells, vec!["Pump", "", ""]);
    assert_eq!(table.rows[1].row_number, 5);
}

#[test]
fn quotes_and_newlines_inside_cells_keep_row_numbers_right() {
    let csv = "Name,Notes,MAC Address\r\n\
               \"Pump \"\"A\"\", bay 2\",\"first line\r\nsecond line\",zz\r\n\
               Pump B,,00:11:22:33:44:55\r\n\
               \r\n\
               \r\n\
               Pump C,\"a, b; c\",00-11-22-33-44-5G\r\n";
    let table = read("quoted.csv", csv).unwrap();
    assert_eq!(table.delimiter, Some(','));
    let numbers: Vec<usize> = table.rows.iter().map(|r| r.row_number).collect();
    // The line break inside row 2 does not shift rows; the two blank lines still count.
    assert_eq!(numbers, vec![2, 3, 6]);
    assert_eq!(table.rows[0].cells[0], "Pump \"A\", bay 2");
    assert_eq!(table.rows[0].cells[1], "first line\r\nsecond line");
    let rows = convert(&table);
    assert_eq!(
        rows[1].fields.mac_address.as_deref(),
        Some("00:11:22:33:44:55")
    );
    let issues: Vec<String> = rows
        .iter()
        .flat_map(|r| r.issues.iter().map(ToString::to_string))
        .collect();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(
        issues[0].starts_with("row 2, column 'MAC Address': \"zz\" is not a MAC address"),
        "{}",
        issues[0]
    );
    assert!(
        issues[1].starts_with("row 6, column 'MAC Address'"),
        "{}",
        issues[1]
    );
}

#[test]
fn semicolons_with_decimal_commas() {
    let table = read(
        "german.csv",
        "Gerätename;Preis;IP-Adresse;Anschaffung\nInfusomat;1.234,50;10.0.0.1;15.03.2024\nPerfusor;99,5;10.0.0.2;01.02.2023\n",
    )
    .unwrap();
    assert_eq!(table.delimiter, Some(';'));
    assert_eq!(table.headers.len(), 4);
    assert_eq!(table.rows[0].cells[1], "1.234,50");
    let mapping = auto_mapping(&table.headers);
    assert_eq!(mapping[2].target, ImportTarget::IpAddress);
    assert_eq!(mapping[0].target, ImportTarget::Name);
    assert_eq!(mapping[1].target, ImportTarget::Ignore);
    assert_eq!(mapping[3].target, ImportTarget::Ignore);
}

#[test]
fn pipe_delimited_with_commas_in_values() {
    let table = read(
        "pipes.txt",
        "Name|Notes\nPump|spare, in cupboard\nMonitor|ok\n",
    )
    .unwrap();
    assert_eq!(table.delimiter, Some('|'));
    assert_eq!(table.rows[0].cells[1], "spare, in cupboard");
}

// --- limits ------------------------------------------------------------------------------

#[test]
fn one_megabyte_cell_is_refused_naming_row_and_column() {
    let mut csv = String::from("Name,Notes\nPump,short\nMonitor,\"");
    csv.push_str(&"ä".repeat(1_000_000));
    csv.push_str("\"\n");
    let message = read_err("huge-cell.csv", csv);
    assert_mentions(
        &message,
        &["row 3", "column B ('Notes')", "1000000 characters", "32767"],
    );
}

#[test]
fn cell_of_exactly_the_excel_limit_is_accepted() {
    let mut csv = String::from("Name,Notes\nPump,");
    csv.push_str(&"x".repeat(MAX_CELL_CHARS));
    csv.push('\n');
    let table = read("limit.csv", csv).unwrap();
    assert_eq!(table.rows[0].cells[1].len(), MAX_CELL_CHARS);
}

#[test]
fn hundred_thousand_rows_read_and_convert() {
    let mut csv = String::with_capacity(4_000_000);
    csv.push_str("Asset Tag,Device Name,IP Address,Purchase Date\n");
    for i in 0..100_000u32 {
        csv.push_str(&format!(
            "A{i},Pump {i},10.{}.{}.{},2020-01-01\n",
            i >> 16,
            (i >> 8) & 255,
            i & 255
        ));
    }
    let started = std::time::Instant::now();
    let table = read("big.csv", csv).unwrap();
    assert_eq!(table.rows.len(), 100_000);
    assert_eq!(table.rows[99_999].row_number, 100_001);
    let rows = convert(&table);
    assert!(rows.iter().all(|r| r.issues.is_empty()));
    assert_eq!(
        rows[99_999].fields.ip_address.as_deref(),
        Some("10.1.134.159")
    );
    let limit = if cfg!(debug_assertions) { 20.0 } else { 2.0 };
    assert!(
        started.elapsed().as_secs_f64() < limit,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn more_than_200000_rows_are_refused() {
    let mut csv = String::with_capacity(3_000_000);
    csv.push_str("Name\n");
    for i in 0..=MAX_ROWS {
        csv.push_str(&format!("d{i}\n"));
    }
    let error = read_table_bytes("too-many.csv", csv.as_bytes()).unwrap_err();
    assert!(matches!(error, IntelError::TooManyRows { .. }));
    assert_mentions(&error.to_string(), &["too-many.csv", "200000 rows"]);

    // Exactly the limit is fine.
    let exact = csv
        .lines()
        .take(MAX_ROWS + 1)
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        read_table_bytes("limit.csv", exact.as_bytes())
            .unwrap()
            .rows
            .len(),
        MAX_ROWS
    );
}

#[test]
fn file_over_50_mb_is_refused_before_reading() {
    let files = Files::new();
    let path = files.path("enormous.csv");
    let file = std::fs::File::create(&path).unwrap();
    // A sparse file: the size check must happen before any byte is read.
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let message = read_table(&path).unwrap_err().to_string();
    assert_mentions(&message, &["enormous.csv", "50 MB"]);
}

// --- not an inventory at all --------------------------------------------------------------

#[test]
fn binary_garbage_is_refused() {
    let message = read_err("garbage.csv", noise(4096, 7, false));
    assert_mentions(&message, &["binary"]);
}

#[test]
fn binary_garbage_without_nul_bytes_is_refused() {
    let message = read_err("garbage2.csv", noise(4096, 11, true));
    assert_mentions(&message, &["binary", "control characters"]);
}

#[test]
fn nul_bytes_in_text_are_refused_with_their_offset() {
    let message = read_err("nul.csv", b"Name,Serial\nPump\0,S1\n");
    assert_mentions(&message, &["NUL", "offset 16"]);
}

#[test]
fn pdf_renamed_to_csv_is_refused_by_kind() {
    let message = read_err("inventory.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n");
    assert_mentions(&message, &["PDF"]);
}

#[test]
fn missing_file_names_the_file() {
    let files = Files::new();
    let message = read_table(&files.path("absent.csv"))
        .unwrap_err()
        .to_string();
    assert_mentions(&message, &["absent.csv"]);
}

// --- values --------------------------------------------------------------------------------

#[test]
fn bad_mac_ip_and_date_values_name_row_column_and_field() {
    let table = read(
        "values.csv",
        "Device Name,MAC,IP,Purchase Date,Last Patch Date,Device Type,Patch Status\n\
         Pump 1,00:11:22:33:44:55,10.0.0.1,2024-03-15,2025-01-01,Infusion pump,Up to date\n\
         Pump 2,zz,300.1.1.1,2024-02-30,2030-01-01,toaster,sometimes\n\
         Pump 3,?,N/A,unknown,,Unknown,?\n",
    )
    .unwrap();
    let rows = convert(&table);
    assert!(rows[0].issues.is_empty(), "{:?}", rows[0].issues);
    assert!(
        rows[2].issues.is_empty(),
        "unknown words are not errors: {:?}",
        rows[2].issues
    );
    assert_eq!(rows[2].fields.mac_address, None);
    assert_eq!(rows[2].fields.category, DeviceCategory::Unknown);

    let issues = &rows[1].issues;
    let find = |column: &str| {
        issues
            .iter()
            .find(|i| i.column == column)
            .unwrap_or_else(|| panic!("no issue for {column}: {issues:#?}"))
    };
    assert!(issues.iter().all(|i| i.row == 3));
    assert_eq!(find("MAC").field, "mac_address");
    assert_mentions(&find("MAC").message, &["\"zz\" is not a MAC address"]);
    assert_eq!(find("IP").field, "ip_address");
    assert_mentions(&find("IP").message, &["\"300.1.1.1\" is not an IP address"]);
    assert_eq!(find("Purchase Date").field, "purchase_date");
    assert_mentions(
        &find("Purchase Date").message,
        &["\"2024-02-30\" is not a date"],
    );
    assert_eq!(find("Last Patch Date").field, "last_patch_date");
    assert_mentions(
        &find("Last Patch Date").message,
        &["2030-01-01 is in the future"],
    );
    assert_mentions(
        &find("Device Type").message,
        &["\"toaster\" is not a device category", "Infusion pump"],
    );
    assert_mentions(
        &find("Patch Status").message,
        &["\"sometimes\"", "Up to date"],
    );
    assert_eq!(issues.len(), 6, "{issues:#?}");
    assert_eq!(
        find("MAC").to_string(),
        format!("row 3, column 'MAC': {}", find("MAC").message)
    );
}

#[test]
fn required_name_issue_names_the_name_column() {
    let table = read("noname.csv", "Device Name,Serial\n,S1\n").unwrap();
    let rows = convert(&table);
    assert_eq!(rows[0].issues.len(), 1);
    let issue = &rows[0].issues[0];
    assert_eq!(
        (issue.row, issue.column.as_str(), issue.field.as_str()),
        (2, "Device Name", "name")
    );
    assert!(
        issue.message.starts_with("Name is required"),
        "{}",
        issue.message
    );
}

#[test]
fn without_a_name_column_the_name_is_built_from_make_model_and_tag() {
    let table = read(
        "tags.csv",
        "Asset #,Make/Model\nBIO-0042,B. Braun Infusomat Space\nBIO-0043,\n",
    )
    .unwrap();
    let mapping = auto_mapping(&table.headers);
    check_mapping(&mapping).unwrap();
    let rows = convert_rows(&table, &mapping, today());
    assert_eq!(rows[0].fields.name, "B. Braun Infusomat Space BIO-0042");
    assert_eq!(rows[0].fields.manufacturer.as_deref(), Some("B. Braun"));
    assert_eq!(rows[1].fields.name, "BIO-0043");
}

#[test]
fn combined_columns_and_vocabulary_variants() {
    let table = read(
        "combined.csv",
        "Name,OS and version,Encryption,Connectivity,PHI,Default Password Changed,Authentication,Remote Access,Monitoring,Status,FDA Class\n\
         A,Windows 10 21H2,At-Rest Only,\"Wired, Wi-Fi\",Stores,no,Default Creds,always,Y,retired,2\n\
         B,VxWorks 6.9,both,Not connected,None,Yes,AD/LDAP,No,n,in storage,N/A\n",
    )
    .unwrap();
    let rows = convert(&table);
    for row in &rows {
        assert!(row.issues.is_empty(), "{:?}", row.issues);
    }
    let a = &rows[0].fields;
    assert_eq!(a.os_name.as_deref(), Some("Windows 10"));
    assert_eq!(a.os_version.as_deref(), Some("21H2"));
    assert_eq!(
        (a.encryption_in_transit, a.encryption_at_rest),
        (TriState::No, TriState::Yes)
    );
    assert_eq!(
        a.connectivity,
        vec![Connectivity::Wired, Connectivity::Wifi]
    );
    assert_eq!(a.handles_phi, TriState::Yes);
    assert_eq!(a.default_credentials_changed, TriState::No);
    assert_eq!(a.remote_vendor_access, RemoteAccess::AlwaysOn);
    assert_eq!(a.monitoring_coverage, TriState::Yes);
    assert_eq!(a.status, DeviceStatus::Decommissioned);
    assert_eq!(a.fda_class, FdaClass::ClassII);
    let b = &rows[1].fields;
    assert_eq!(b.os_version.as_deref(), Some("6.9"));
    assert_eq!(
        (b.encryption_in_transit, b.encryption_at_rest),
        (TriState::Yes, TriState::Yes)
    );
    assert_eq!(b.connectivity, vec![Connectivity::None]);
    assert_eq!(b.handles_phi, TriState::No);
    // An explicit column wins over what "Authentication" implies.
    assert_eq!(b.default_credentials_changed, TriState::Yes);
    assert_eq!(b.status, DeviceStatus::InStorage);
    assert_eq!(b.fda_class, FdaClass::NotRegulated);
}

#[test]
fn mapping_conflicts_are_refused() {
    let headers: Vec<String> = ["Name", "Device", "Manufacturer", "Make/Model"]
        .map(String::from)
        .to_vec();
    // Auto mapping never produces a conflict: the second claimant is ignored.
    let auto = auto_mapping(&headers);
    check_mapping(&auto).unwrap();
    assert_eq!(auto[1].target, ImportTarget::Ignore);
    assert_eq!(auto[3].target, ImportTarget::Ignore);

    let edited = |targets: [ImportTarget; 4]| -> Vec<ColumnMapping> {
        headers
            .iter()
            .zip(targets)
            .enumerate()
            .map(|(i, (h, target))| ColumnMapping {
                column: i as u32,
                header: h.clone(),
                target,
            })
            .collect()
    };
    use ImportTarget::*;
    let message = check_mapping(&edited([Name, Name, Ignore, Ignore]))
        .unwrap_err()
        .to_string();
    assert_mentions(&message, &["'Name'", "'Device'", "both go to 'Name'"]);
    let message = check_mapping(&edited([Name, Ignore, Manufacturer, ManufacturerAndModel]))
        .unwrap_err()
        .to_string();
    assert_mentions(
        &message,
        &["'Manufacturer'", "'Make/Model'", "manufacturer"],
    );
    check_mapping(&edited([Name, Ignore, Manufacturer, Model])).unwrap();
    let message = check_mapping(&edited([Ignore, Ignore, Manufacturer, Ignore]))
        .unwrap_err()
        .to_string();
    assert_mentions(&message, &["name"]);
}

#[test]
fn mapping_beyond_the_table_is_ignored() {
    let table = read("small.csv", "Name\nPump\n").unwrap();
    let mapping = vec![
        ColumnMapping {
            column: 0,
            header: "Name".into(),
            target: ImportTarget::Name,
        },
        ColumnMapping {
            column: 5,
            header: "Ghost".into(),
            target: ImportTarget::Serial,
        },
    ];
    let rows = convert_rows(&table, &mapping, today());
    assert_eq!(rows[0].fields.name, "Pump");
    assert_eq!(rows[0].fields.serial, None);
}

// --- formulas -------------------------------------------------------------------------------

const FORMULA: &str = "=HYPERLINK(\"http://evil.example/x\",\"Click me\")";

#[test]
fn formula_strings_import_as_text_and_are_neutralised_on_export() {
    let csv = format!(
        "Name,Notes,Owner,Department,Serial\n\"{}\",+1+2,@SUM(A1),-cmd,'=x\n",
        FORMULA.replace('"', "\"\"")
    );
    let table = read("formulas.csv", csv).unwrap();
    let rows = convert(&table);
    assert!(rows[0].issues.is_empty(), "{:?}", rows[0].issues);
    assert_eq!(rows[0].fields.name, FORMULA);
    assert_eq!(rows[0].fields.notes.as_deref(), Some("+1+2"));
    // A CSV apostrophe before a formula character is an exporter's guard, not data.
    assert_eq!(rows[0].fields.serial.as_deref(), Some("=x"));

    assert_eq!(neutralize_formula(FORMULA), format!("'{FORMULA}"));
    assert_eq!(neutralize_formula("\tx"), "'\tx");
    assert_eq!(neutralize_formula("\rx"), "'\rx");
    assert_eq!(neutralize_formula("Pump = 3"), "Pump = 3");
    assert_eq!(neutralize_formula("'=already quoted"), "''=already quoted");
    assert_eq!(neutralize_formula("'plain"), "'plain");

    let device = stored(rows[0].fields.clone());
    let export = [ExportRow {
        device: &device,
        site_name: Some("=1+1"),
        zone_name: None,
    }];
    let files = Files::new();

    let csv_path = files.path("out.csv");
    write_csv(&csv_path, &export).unwrap();
    let written = std::fs::read_to_string(&csv_path).unwrap();
    assert!(
        written.contains("\"'=HYPERLINK(\"\"http://evil.example/x\"\",\"\"Click me\"\")\""),
        "{written}"
    );
    assert!(
        written.contains(",'+1+2\r\n") || written.contains(",'+1+2,"),
        "{written}"
    );
    assert!(written.contains(",'=1+1,"), "{written}");
    assert!(written.contains(",'@SUM(A1),"), "{written}");
    assert!(written.contains(",'-cmd,"), "{written}");
    // Re-import restores the original text.
    let back = convert(&read_table(&csv_path).unwrap());
    assert_eq!(back[0].fields.name, FORMULA);
    assert_eq!(back[0].site_name.as_deref(), Some("=1+1"));

    let xlsx_path = files.path("out.xlsx");
    write_xlsx(&xlsx_path, &export).unwrap();
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    let formulas = workbook.worksheet_formula("Devices").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    let values = workbook.worksheet_range("Devices").unwrap();
    assert_eq!(
        values.get_value((1, 1)),
        Some(&calamine::Data::String(FORMULA.to_string()))
    );
    let back = convert(&read_table(&xlsx_path).unwrap());
    assert_eq!(back[0].fields.name, FORMULA);
}

fn stored(fields: DeviceFields) -> Device {
    let now = chrono::Utc::now();
    Device {
        id: DeviceId::new(),
        fields,
        created_at: now,
        updated_at: now,
        decommissioned_at: None,
    }
}

// --- workbooks ------------------------------------------------------------------------------

fn sample_workbook(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    // Start at C3: row numbers must be the sheet's, not the range's.
    for (col, header) in [
        "Asset Tag",
        "Device Name",
        "Purchase Date",
        "Last Scan",
        "Site",
        "Notes",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, 2 + col as u16, *header).unwrap();
    }
    sheet.write_number(3, 2, 1001).unwrap();
    sheet.write_string(3, 3, "Perfusor® São Paulo 🚑").unwrap();
    let when = ExcelDateTime::from_ymd(2024, 3, 15).unwrap();
    sheet
        .write_datetime_with_format(3, 4, &when, &date)
        .unwrap();
    // A date typed without date formatting: only its serial number is stored.
    sheet.write_number(3, 5, 45366).unwrap();
    sheet.write_string(3, 6, "Klinik Müller").unwrap();
    sheet.write_string(3, 7, "line 1\nline 2").unwrap();
    // Row 5 left blank; row 6 holds the next device.
    sheet.write_string(5, 2, "1002").unwrap();
    sheet.write_string(5, 3, "Monitor").unwrap();
    sheet.write_number(5, 7, 2.5).unwrap();
    workbook.save(path).unwrap();
}

#[test]
fn xlsx_written_by_rust_xlsxwriter_reads_back_with_dates() {
    let files = Files::new();
    let path = files.path("inventory.xlsx");
    sample_workbook(&path);
    let table = read_table(&path).unwrap();
    assert_eq!(table.format, SourceFormat::Xlsx);
    assert_eq!(table.delimiter, None);
    assert_eq!(
        table.headers,
        vec![
            "Asset Tag",
            "Device Name",
            "Purchase Date",
            "Last Scan",
            "Site",
            "Notes"
        ]
    );
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].row_number, 4);
    assert_eq!(table.rows[1].row_number, 6);
    assert_eq!(table.rows[0].cells[0], "1001");
    assert_eq!(table.rows[0].cells[2], "2024-03-15");
    assert_eq!(table.rows[1].cells[5], "2.5");
    let rows = convert(&table);
    assert!(rows[0].issues.is_empty(), "{:?}", rows[0].issues);
    let pump = &rows[0].fields;
    assert_eq!(pump.asset_tag.as_deref(), Some("1001"));
    assert_eq!(pump.name, "Perfusor® São Paulo 🚑");
    assert_eq!(pump.purchase_date, NaiveDate::from_ymd_opt(2024, 3, 15));
    assert_eq!(
        pump.last_vulnerability_scan,
        NaiveDate::from_ymd_opt(2024, 3, 15)
    );
    assert_eq!(rows[0].site_name.as_deref(), Some("Klinik Müller"));
    assert_eq!(pump.notes.as_deref(), Some("line 1\nline 2"));
}

#[test]
fn workbook_renamed_to_csv_is_still_read_as_a_workbook() {
    let files = Files::new();
    let path = files.path("really-a-workbook.csv");
    sample_workbook(&path);
    assert_eq!(read_table(&path).unwrap().format, SourceFormat::Xlsx);
}

#[test]
fn truncated_xlsx_is_refused() {
    let files = Files::new();
    let path = files.path("whole.xlsx");
    sample_workbook(&path);
    let bytes = std::fs::read(&path).unwrap();
    let message = read_err("truncated.xlsx", &bytes[..bytes.len() / 2]);
    assert_mentions(
        &message,
        &["not a readable workbook", "damaged or truncated"],
    );
}

#[test]
fn zip_magic_followed_by_garbage_is_refused() {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend(noise(2000, 3, false));
    let message = read_err("fake.xlsx", bytes);
    assert_mentions(&message, &["not a readable workbook"]);
}

#[test]
fn xlsx_with_an_empty_first_sheet_is_refused() {
    let files = Files::new();
    let path = files.path("empty-sheet.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().set_name("Geräte").unwrap();
    workbook.save(&path).unwrap();
    let message = read_table(&path).unwrap_err().to_string();
    assert_mentions(&message, &["empty-sheet.xlsx", "'Geräte'", "empty"]);
}

#[test]
fn xlsx_with_duplicate_headers_names_the_columns() {
    let files = Files::new();
    let path = files.path("dupes.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in ["Name", "Serial", "Serial #"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "Pump").unwrap();
    workbook.save(&path).unwrap();
    // "Serial" and "Serial #" differ only in punctuation: the same column to the mapper.
    let message = read_table(&path).unwrap_err().to_string();
    assert_mentions(
        &message,
        &["dupes.xlsx", "row 1", "'Serial #'", "B ('Serial')", "C"],
    );
}

// --- export round trip of every field --------------------------------------------------------

#[test]
fn every_field_survives_export_and_import() {
    let fields = DeviceFields {
        asset_tag: Some("BIO-0042".into()),
        name: "Infusomat Space — Station 3 🚑".into(),
        category: DeviceCategory::InfusionPump,
        manufacturer: Some("B. Braun".into()),
        model: Some("Infusomat Space".into()),
        serial: Some("SN 12/34-ß".into()),
        software_version: Some("688F".into()),
        os_name: Some("Windows CE".into()),
        os_version: Some("6.0 R3".into()),
        connectivity: vec![
            Connectivity::Wired,
            Connectivity::Wifi,
            Connectivity::Serial,
        ],
        ip_address: Some("fe80::1".into()),
        mac_address: Some("00:1A:2B:3C:4D:5E".into()),
        hostname: Some("pump-42.clinic.local".into()),
        site_id: None,
        zone_id: None,
        department: Some("Intensivstation".into()),
        vendor_id: None,
        clinical_function: ClinicalFunction::LifeSustaining,
        fda_class: FdaClass::ClassII,
        handles_phi: TriState::Yes,
        patch_status: PatchStatus::Patchable,
        last_patch_date: NaiveDate::from_ymd_opt(2025, 5, 1),
        default_credentials_changed: TriState::No,
        authentication: Authentication::Centralized,
        encryption_in_transit: TriState::Yes,
        encryption_at_rest: TriState::Unknown,
        remote_vendor_access: RemoteAccess::OnRequest,
        monitoring_coverage: TriState::No,
        last_vulnerability_scan: NaiveDate::from_ymd_opt(2026, 1, 20),
        purchase_date: NaiveDate::from_ymd_opt(2019, 7, 1),
        vendor_support: VendorSupport::Limited,
        vendor_end_of_support: NaiveDate::from_ymd_opt(2028, 12, 31),
        owner: Some("Dr. Müller".into()),
        status: DeviceStatus::InStorage,
        notes: Some("Ersatzgerät; \"spare\"\nsecond line, with comma".into()),
    };
    let sparse = DeviceFields {
        name: "Bare minimum".into(),
        ..Default::default()
    };
    let devices = [stored(fields), stored(sparse)];
    let export = [
        ExportRow {
            device: &devices[0],
            site_name: Some("São Paulo"),
            zone_name: Some("Medical VLAN 20"),
        },
        ExportRow {
            device: &devices[1],
            site_name: None,
            zone_name: None,
        },
    ];
    let files = Files::new();
    for name in ["all.csv", "all.xlsx"] {
        let path = files.path(name);
        if name.ends_with("csv") {
            write_csv(&path, &export).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                bytes.starts_with(b"\xEF\xBB\xBFAsset tag,Name,"),
                "BOM then headers"
            );
            assert!(
                bytes.windows(2).filter(|w| w == b"\r\n").count() >= 3,
                "CRLF line ends"
            );
            assert!(String::from_utf8_lossy(&bytes)
                .contains("\"Wired Ethernet, Wi-Fi, Serial / USB only\""));
        } else {
            write_xlsx(&path, &export).unwrap();
        }
        let table = read_table(&path).unwrap();
        assert_eq!(table.headers.len(), EXPORT_COLUMNS.len());
        let mapping = auto_mapping(&table.headers);
        for (m, expected) in mapping.iter().zip(EXPORT_COLUMNS) {
            assert_eq!(m.target, *expected, "{name}: header '{}'", m.header);
        }
        let rows = convert(&table);
        assert_eq!(rows.len(), 2);
        for (row, device) in rows.iter().zip(&devices) {
            assert!(row.issues.is_empty(), "{name}: {:?}", row.issues);
            assert_eq!(row.fields, device.fields, "{name}");
        }
        assert_eq!(rows[0].site_name.as_deref(), Some("São Paulo"));
        assert_eq!(rows[0].zone_name.as_deref(), Some("Medical VLAN 20"));
        assert_eq!(rows[1].site_name, None);
    }
}

#[test]
fn xlsx_export_has_real_dates_and_a_frozen_filtered_header() {
    let fields = DeviceFields {
        name: "Pump".into(),
        purchase_date: NaiveDate::from_ymd_opt(2024, 3, 15),
        ..Default::default()
    };
    let device = stored(fields);
    let files = Files::new();
    let path = files.path("dates.xlsx");
    write_xlsx(
        &path,
        &[ExportRow {
            device: &device,
            site_name: None,
            zone_name: None,
        }],
    )
    .unwrap();
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let range = workbook.worksheet_range("Devices").unwrap();
    let column = EXPORT_COLUMNS
        .iter()
        .position(|c| *c == ImportTarget::PurchaseDate)
        .unwrap();
    match range.get_value((1, column as u32)) {
        Some(calamine::Data::DateTime(when)) => {
            assert!(when.is_datetime());
            assert_eq!(when.as_f64(), 45366.0);
        }
        other => panic!("purchase date should be an Excel date, got {other:?}"),
    }
    assert_eq!(
        range.get_value((0, 0)),
        Some(&calamine::Data::String("Asset tag".into()))
    );
}

#[test]
fn export_to_a_missing_directory_names_the_file() {
    let files = Files::new();
    let path = files.path("no/such/dir/out.csv");
    let message = write_csv(&path, &[]).unwrap_err().to_string();
    assert_mentions(&message, &["out.csv"]);
}

#[test]
fn old_mac_line_ends_and_inch_marks() {
    let table = read(
        "cr.csv",
        "Name;Notes\rMonitor 15\" screen; a, b\r\rPump;\"x; \"\"y\"\"\"\r",
    )
    .unwrap();
    assert_eq!(table.delimiter, Some(';'));
    let numbers: Vec<usize> = table.rows.iter().map(|r| r.row_number).collect();
    assert_eq!(numbers, vec![2, 4]);
    assert_eq!(table.rows[0].cells, vec!["Monitor 15\" screen", "a, b"]);
    assert_eq!(table.rows[1].cells, vec!["Pump", "x; \"y\""]);
}

#[test]
fn xlsx_stray_value_in_the_far_corner_is_reported_not_allocated() {
    let files = Files::new();
    let path = files.path("stray.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Name").unwrap();
    sheet.write_string(1, 0, "Pump").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    workbook.save(&path).unwrap();
    let message = read_table(&path).unwrap_err().to_string();
    assert_mentions(&message, &["stray.xlsx", "row 1048576", "column XFD"]);
}

#[test]
fn xlsx_value_left_of_the_header_is_named() {
    let files = Files::new();
    let path = files.path("left.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(1, 1, "Name").unwrap();
    sheet.write_string(1, 2, "Serial").unwrap();
    sheet.write_string(2, 1, "Pump").unwrap();
    sheet.write_string(3, 0, "note to self").unwrap();
    workbook.save(&path).unwrap();
    let message = read_table(&path).unwrap_err().to_string();
    assert_mentions(
        &message,
        &[
            "left.xlsx",
            "row 2",
            "column A (row 4 has \"note to self\" there)",
        ],
    );
}

#[test]
fn utf16le_without_bom_is_recognised() {
    let bytes = utf16("Name\tSerial\r\nPump Müller\tS1\r\n", false);
    let table = read("nobom.txt", &bytes[2..]).unwrap();
    assert_eq!(table.encoding, "UTF-16LE");
    assert_eq!(table.rows[0].cells, vec!["Pump Müller", "S1"]);
}

#[test]
fn leading_apostrophes_survive_both_export_formats() {
    let fields = DeviceFields {
        name: "-40 °C freezer".into(),
        owner: Some("'=not a formula".into()),
        notes: Some("'quoted".into()),
        ..Default::default()
    };
    let device = stored(fields);
    let files = Files::new();
    for name in ["apostrophes.csv", "apostrophes.xlsx"] {
        let path = files.path(name);
        let export = [ExportRow {
            device: &device,
            site_name: None,
            zone_name: None,
        }];
        if name.ends_with("csv") {
            write_csv(&path, &export).unwrap();
        } else {
            write_xlsx(&path, &export).unwrap();
        }
        let rows = convert(&read_table(&path).unwrap());
        assert_eq!(rows[0].fields, device.fields, "{name}");
    }
}

#[test]
fn title_line_above_the_column_names_is_explained() {
    let message = read_err(
        "report.csv",
        "Medical device inventory (March 2024)\n\nName,Serial,IP Address\nPump,S1,10.0.0.1\n",
    );
    assert_mentions(
        &message,
        &[
            "no header row",
            "row 1",
            "Medical device inventory",
            "row 3",
            "title",
        ],
    );
}

#[test]
fn html_saved_as_xls_is_refused_with_advice() {
    let message = read_err(
        "export.xls",
        "\u{FEFF}  <HTML><body><table><tr><td>Name</td></tr><tr><td>Pump</td></tr></table></body></HTML>",
    );
    assert_mentions(&message, &["web page", "save it as XLSX or CSV"]);
}
