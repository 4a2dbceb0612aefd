//! `devicerisk report pdf|xlsx` with the real binary on a real SQLite file.

use serde_json::Value;

mod common;
use common::*;

#[test]
fn report_pdf_and_xlsx_write_the_files_and_print_one_json_document() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    assert_eq!(run(&db, &["demo", "--devices", "12"]).code, 0);
    let pdf = dir.path().join("packet.pdf");
    let r = run(
        &db,
        &[
            "report",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
            "--paper",
            "a4",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let result: Value = serde_json::from_str(&r.stdout).expect("exactly one JSON document");
    assert_eq!(result["format"], "pdf");
    assert_eq!(result["devices"], 12);
    assert!(result["pages"].as_u64().unwrap() >= 16);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    let xlsx = dir.path().join("packet.xlsx");
    let r = run(&db, &["report", "xlsx", "--out", xlsx.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Excel workbook"), "{}", r.stdout);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
}

#[test]
fn a_bad_assessment_id_or_unwritable_path_is_a_user_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    let out = dir.path().join("x.pdf");
    let r = run(
        &db,
        &[
            "report",
            "pdf",
            "--out",
            out.to_str().unwrap(),
            "--assessment",
            "nope",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("\"nope\" is not an assessment id"),
        "{}",
        r.stderr
    );
    let missing = dir.path().join("missing-folder").join("x.pdf");
    let r = run(&db, &["report", "xlsx", "--out", missing.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("missing-folder"), "{}", r.stderr);
}
