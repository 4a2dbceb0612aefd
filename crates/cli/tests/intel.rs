//! `devicerisk import kev|csaf`, `matches` and `decide` as a user runs them: the real binary,
//! a real database, the real KEV and ICSMA fixtures of the intel crate.

use std::path::{Path, PathBuf};

mod common;
use common::{ok, ok_json, run};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../intel/tests/fixtures")
}

#[test]
fn import_match_and_decide_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    ok(&db, &["demo", "--devices", "30"]);
    let folder = fixtures().join("csaf/icsma");
    let text = ok(&db, &["import", "csaf", folder.to_str().unwrap()]);
    assert!(text.contains("Imported 30 advisories"), "{text}");
    assert!(text.contains("ICSMA-23-194-01"), "{text}");

    // JSON: exactly one document.
    let json = ok_json(
        &db,
        &[
            "import",
            "kev",
            fixtures()
                .join("kev/kev_2025.08.25_trimmed.json")
                .to_str()
                .unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(json["catalog_version"], "2025.08.25");
    assert_eq!(json["compared"], false);

    let matches = ok_json(&db, &["matches", "--format", "json"]);
    let list = matches.as_array().unwrap();
    let alaris = list
        .iter()
        .find(|m| m["source_id"] == "ICSMA-23-194-01")
        .expect("the demo's Alaris 8015 pump matches ICSMA-23-194-01");
    assert_eq!(alaris["confidence"], "high");
    assert!(
        list.iter().all(|m| m["confidence"] != "low"),
        "low hidden without --all"
    );
    let device = alaris["device_id"].as_str().unwrap();

    // A not-affected decision without a justification is a user error (exit 1).
    let refused = run(
        &db,
        &[
            "decide",
            "--device",
            &device[..8],
            "--source",
            "ICSMA-23-194-01",
            "--status",
            "not-affected",
        ],
    );
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("Justification"));
    ok(
        &db,
        &[
            "decide",
            "--device",
            &device[..8],
            "--source",
            "ICSMA-23-194-01",
            "--status",
            "not-affected",
            "--justification",
            "vulnerable-code-not-present",
        ],
    );
    let csv = ok(&db, &["matches", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let row = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[3] == "ICSMA-23-194-01")
        .unwrap();
    assert_eq!(&row[5], "not affected: vulnerable code not present");
    assert_eq!(&row[6], "false");

    // A file that is not an advisory: exit 1 and the file named.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    let failed = run(&db, &["import", "csaf", bad.to_str().unwrap()]);
    assert_eq!(failed.code, 1);
    assert!(failed.stderr.contains("bad.json"));
}
