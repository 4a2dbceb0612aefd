//! `devicerisk import kev|csaf`, `matches` and `decide` as a user runs them: the real binary,
//! a real database, the real KEV and ICSMA fixtures of the intel crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../intel/tests/fixtures")
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_devicerisk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DEVICERISK_DB")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn import_match_and_decide_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    stdout(&run(&db, &["demo", "--devices", "30"]));
    let folder = fixtures().join("csaf/icsma");
    let text = stdout(&run(&db, &["import", "csaf", folder.to_str().unwrap()]));
    assert!(text.contains("Imported 30 advisories"), "{text}");
    assert!(text.contains("ICSMA-23-194-01"), "{text}");

    // JSON: exactly one document.
    let json: Value = serde_json::from_str(&stdout(&run(
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
    )))
    .unwrap();
    assert_eq!(json["catalog_version"], "2025.08.25");
    assert_eq!(json["compared"], false);

    let matches: Value =
        serde_json::from_str(&stdout(&run(&db, &["matches", "--format", "json"]))).unwrap();
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
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Justification"));
    stdout(&run(
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
    ));
    let csv = stdout(&run(&db, &["matches", "--format", "csv"]));
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
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("bad.json"));
}
