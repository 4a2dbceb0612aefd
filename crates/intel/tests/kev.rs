//! The CISA KEV catalog: the trimmed real JSON catalog and a real CSV excerpt (see
//! tests/fixtures/kev/PROVENANCE.md), the diff between them, and broken catalogs that must be
//! refused whole with a message naming the file and the entry.

use std::path::PathBuf;

use chrono::NaiveDate;
use devicerisk_intel::kev::*;
use devicerisk_intel::IntelError;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kev")
        .join(name)
}

fn json_catalog() -> KevCatalog {
    read_kev(&fixture("kev_2025.08.25_trimmed.json")).unwrap()
}

fn csv_catalog() -> KevCatalog {
    read_kev(&fixture("kev_2025.02.05_head.csv")).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn reads_the_json_catalog() {
    let catalog = json_catalog();
    assert_eq!(catalog.format, KevFormat::Json);
    assert_eq!(catalog.file_name, "kev_2025.08.25_trimmed.json");
    assert_eq!(catalog.catalog_version.as_deref(), Some("2025.08.25"));
    assert_eq!(
        catalog.title.as_deref(),
        Some("CISA Catalog of Known Exploited Vulnerabilities")
    );
    assert_eq!(
        catalog.date_released.unwrap().to_rfc3339(),
        "2025-08-25T17:04:19.979600+00:00"
    );
    assert_eq!(catalog.entries.len(), 33);

    let git = &catalog.entries[0];
    assert_eq!(git.cve_id, "CVE-2025-48384");
    assert_eq!(git.vendor_project, "Git");
    assert_eq!(git.product, "Git");
    assert_eq!(git.vulnerability_name, "Git Link Following Vulnerability");
    assert_eq!(git.date_added, date(2025, 8, 25));
    assert_eq!(git.due_date, date(2025, 9, 15));
    assert_eq!(git.known_ransomware_campaign_use, RansomwareUse::Unknown);
    assert_eq!(git.cwes, vec!["CWE-59", "CWE-436"]);
    assert!(git.short_description.contains("carriage return"));
    assert!(git
        .notes
        .contains("https://nvd.nist.gov/vuln/detail/CVE-2025-48384"));

    let bluekeep = catalog.find("cve-2019-0708").unwrap();
    assert_eq!(bluekeep.product, "Remote Desktop Services");
    assert_eq!(bluekeep.known_ransomware_campaign_use, RansomwareUse::Known);

    let known = catalog
        .entries
        .iter()
        .filter(|e| e.known_ransomware_campaign_use == RansomwareUse::Known)
        .count();
    assert_eq!(known, 8);
    assert_eq!(
        catalog.entries.iter().filter(|e| e.cwes.is_empty()).count(),
        5
    );
    assert!(catalog.entries.iter().any(|e| e.cwes.len() == 3));
}

#[test]
fn reads_the_csv_form() {
    let catalog = csv_catalog();
    assert_eq!(catalog.format, KevFormat::Csv);
    assert_eq!(catalog.catalog_version, None);
    assert_eq!(catalog.entries.len(), 12);
    assert_eq!(catalog.newest_date_added(), Some(date(2025, 2, 5)));
    let prtg = catalog.find("CVE-2018-19410").unwrap();
    assert_eq!(prtg.vendor_project, "Paessler");
    assert_eq!(prtg.product, "PTRG Network Monitor");
    assert!(prtg.cwes.is_empty());
    assert!(prtg
        .short_description
        .contains("remote, unauthenticated attacker"));
    let jquery = catalog.find("CVE-2020-11023").unwrap();
    assert_eq!(jquery.cwes, vec!["CWE-79"]);
    assert_eq!(jquery.due_date, date(2025, 2, 13));
}

#[test]
fn csv_and_json_of_the_same_entry_agree() {
    let csv = csv_catalog();
    let json = json_catalog();
    let a = csv.find("CVE-2018-9276").unwrap();
    let b = json.find("CVE-2018-9276").unwrap();
    assert_eq!(a, b);
}

#[test]
fn diff_of_the_february_csv_and_the_august_json() {
    let diff = diff_kev(&csv_catalog().entries, &json_catalog().entries);
    assert!(!diff.is_empty());
    assert_eq!(diff.added.len(), 33 - 12);
    assert_eq!(diff.added[0].cve_id, "CVE-2025-48384");
    assert!(diff.removed.is_empty());
    assert_eq!(diff.unchanged, 8);

    let changed: Vec<(&str, Vec<&str>)> = diff
        .changed
        .iter()
        .map(|c| {
            (
                c.cve_id.as_str(),
                c.changes.iter().map(|f| f.field.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            ("CVE-2024-53104", vec!["notes"]),
            ("CVE-2018-19410", vec!["product"]),
            ("CVE-2024-45195", vec!["notes"]),
            ("CVE-2025-23006", vec!["knownRansomwareCampaignUse"]),
        ]
    );
    let product = &diff.changed[1].changes[0];
    assert_eq!(product.old, "PTRG Network Monitor");
    assert_eq!(product.new, "PRTG Network Monitor");
    let ransomware = &diff.changed[3].changes[0];
    assert_eq!(
        (ransomware.old.as_str(), ransomware.new.as_str()),
        ("Unknown", "Known")
    );
}

#[test]
fn diff_going_backwards_reports_removals() {
    let diff = diff_kev(&json_catalog().entries, &csv_catalog().entries);
    assert!(diff.added.is_empty());
    assert_eq!(diff.removed.len(), 21);
    assert_eq!(diff.changed.len(), 4);
    let same = diff_kev(&json_catalog().entries, &json_catalog().entries);
    assert!(same.is_empty());
    assert_eq!(same.unchanged, 33);
}

// ---- broken catalogs -------------------------------------------------------------------

fn real_json() -> String {
    std::fs::read_to_string(fixture("kev_2025.08.25_trimmed.json")).unwrap()
}

fn refused(name: &str, bytes: impl AsRef<[u8]>) -> (IntelError, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    match read_kev(&path) {
        Ok(catalog) => panic!("{name} was accepted with {} entries", catalog.entries.len()),
        Err(error) => {
            let message = error.to_string();
            assert!(
                message.contains(&format!("'{name}'")),
                "names the file: {message}"
            );
            (error, message)
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

#[test]
fn truncated_json_is_refused_with_its_position() {
    let json = real_json();
    let (error, message) = refused("cut.json", &json[..json.len() / 2]);
    assert!(matches!(error, IntelError::Syntax { .. }), "{error:?}");
    assert_mentions(&message, &["JSON", "line", "truncated"]);
}

#[test]
fn a_bad_date_names_the_entry_and_field() {
    let json = real_json().replacen(
        "\"dueDate\": \"2025-09-15\"",
        "\"dueDate\": \"2025-09-31\"",
        1,
    );
    let (error, message) = refused("bad-date.json", json);
    assert!(
        matches!(error, IntelError::InvalidEntry { .. }),
        "{error:?}"
    );
    assert_mentions(
        &message,
        &[
            "vulnerabilities[0] (CVE-2025-48384)",
            "dueDate",
            "2025-09-31",
            "YYYY-MM-DD",
        ],
    );
}

#[test]
fn a_missing_required_field_names_the_entry() {
    let json = real_json().replacen("\"requiredAction\":", "\"requiredActionX\":", 3);
    let (_, message) = refused("missing.json", json);
    assert_mentions(
        &message,
        &[
            "vulnerabilities[0] (CVE-2025-48384)",
            "'requiredAction' is missing",
        ],
    );
}

#[test]
fn a_malformed_cve_id_is_refused() {
    let json = real_json().replacen("\"CVE-2024-8068\"", "\"CVE-24-8068\"", 1);
    let (_, message) = refused("bad-id.json", json);
    assert_mentions(
        &message,
        &["vulnerabilities[1] (CVE-24-8068)", "not a CVE id"],
    );
}

#[test]
fn a_wrong_type_is_refused() {
    let json = real_json().replacen("\"cwes\": [", "\"cwes\": [17, ", 1);
    let (_, message) = refused("types.json", json);
    assert_mentions(
        &message,
        &[
            "vulnerabilities[0]",
            "'cwes[0]' should be text but is a number",
        ],
    );
}

#[test]
fn a_duplicate_entry_is_refused() {
    let json = real_json().replacen("\"CVE-2024-8068\"", "\"CVE-2025-48384\"", 1);
    let (_, message) = refused("dupe.json", json);
    assert_mentions(
        &message,
        &[
            "vulnerabilities[1] (CVE-2025-48384)",
            "listed twice",
            "vulnerabilities[0]",
        ],
    );
}

#[test]
fn a_count_that_disagrees_is_refused() {
    let json = real_json().replacen("\"count\": 33", "\"count\": 1404", 1);
    let (_, message) = refused("count.json", json);
    assert_mentions(&message, &["count", "1404", "33"]);
}

#[test]
fn other_documents_are_named_for_what_they_are() {
    // A CSAF file has a 'vulnerabilities' key too; when it is not a list, that is said.
    let (error, message) = refused(
        "advisory.json",
        r#"{"document": {"csaf_version": "2.0"}, "vulnerabilities": null}"#,
    );
    assert!(
        matches!(error, IntelError::InvalidEntry { .. }),
        "{error:?}"
    );
    assert_mentions(&message, &["vulnerabilities", "should be a list"]);

    let (error, message) = refused("advisory2.json", r#"{"document": {"csaf_version": "2.0"}}"#);
    assert!(
        matches!(error, IntelError::WrongDocument { .. }),
        "{error:?}"
    );
    assert_mentions(&message, &["not a CISA KEV catalog", "CSAF advisory"]);

    let (_, message) = refused("inventory.csv", "Device Name,Manufacturer\nPump,BD\n");
    assert_mentions(&message, &["not a CISA KEV catalog", "cveID"]);

    let (error, _) = refused("empty.json", "  \n");
    assert!(matches!(error, IntelError::Empty { .. }), "{error:?}");
}

#[test]
fn broken_csv_rows_are_named_by_row() {
    let csv = std::fs::read_to_string(fixture("kev_2025.02.05_head.csv")).unwrap();
    let broken = csv.replacen(",2025-02-25,", ",25/02/2025,", 1);
    let (_, message) = refused("bad.csv", broken);
    assert_mentions(
        &message,
        &["row 3 (CVE-2018-19410)", "dueDate", "25/02/2025"],
    );

    let ragged = format!("{csv}CVE-2025-0001,Acme,Widget,extra,value\n");
    let (_, message) = refused("ragged.csv", ragged);
    assert_mentions(&message, &["row 14", "5 values", "11 columns"]);

    let no_due = csv.replacen(",dueDate,", ",due,", 1);
    let (_, message) = refused("columns.csv", no_due);
    assert_mentions(&message, &["'dueDate' is missing"]);
}
