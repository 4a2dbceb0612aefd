//! `devicerisk risks` and `devicerisk device explain` with the real binary on a real SQLite file.

use serde_json::Value;

mod common;
use common::*;

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    ok(&db, &["demo", "--devices", "30"]);
    (dir, db)
}

#[test]
fn risks_lists_the_grouped_register_as_table_json_and_csv() {
    let (_dir, db) = demo();
    let risks: Value = serde_json::from_str(&ok(&db, &["risks", "--format", "json"])).unwrap();
    let risks = risks.as_array().unwrap();
    assert!(risks.len() >= 5);
    let grouped = risks
        .iter()
        .find(|r| r["devices"].as_array().unwrap().len() > 1)
        .expect("a risk shared by several devices");
    let n = grouped["devices"].as_array().unwrap().len();
    assert!(
        grouped["title"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{n} devices ")),
        "{}",
        grouped["title"]
    );
    assert_eq!(grouped["method_version"], "2026.1");

    let table = ok(&db, &["risks"]);
    assert!(
        table.contains(&format!("{} risks shown", risks.len())),
        "{table}"
    );

    let csv = ok(&db, &["risks", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("key,title,threat,devices,"));
    assert_eq!(lines.len(), risks.len() + 1);

    let high = ok(&db, &["risks", "--level", "high", "--format", "json"]);
    let high: Value = serde_json::from_str(&high).unwrap();
    assert!(high
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["residual_level"] == "high"));

    let bad = run(&db, &["risks", "--status", "sleeping"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("--status"), "{}", bad.stderr);
}

#[test]
fn device_explain_gives_levels_reasons_and_ranked_actions_by_tag_or_id() {
    let (_dir, db) = demo();
    let text = ok(&db, &["device", "explain", "rfc-00001"]);
    assert!(text.contains("Inherent risk: "), "{text}");
    assert!(text.contains("Residual risk: "), "{text}");
    assert!(text.contains("likelihood point"), "{text}");
    assert!(text.contains("Method: 2026.1"), "{text}");
    assert!(text.contains("What would lower it"), "{text}");

    let page: Value = serde_json::from_str(&ok(
        &db,
        &["device", "explain", "RFC-00001", "--format", "json"],
    ))
    .unwrap();
    let id = page["device_id"].as_str().unwrap().to_string();
    assert!(!page["result"]["factors"].as_array().unwrap().is_empty());
    let by_id: Value =
        serde_json::from_str(&ok(&db, &["device", "explain", &id, "--format", "json"])).unwrap();
    assert_eq!(by_id["result"], page["result"]);

    let missing = run(&db, &["device", "explain", "NO-SUCH-TAG"]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("NO-SUCH-TAG"), "{}", missing.stderr);
    assert!(missing.stdout.is_empty());
}
