//! `devicerisk assessment` and `devicerisk questionnaire` with the real binary on a real
//! SQLite file.

use std::path::{Path, PathBuf};

mod common;
use common::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn new_answer_list_finalize_then_answers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    let created = ok_json(
        &db,
        &[
            "assessment",
            "new",
            "--title",
            "2026 annual",
            "--format",
            "json",
        ],
    );
    let id = created["assessment"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["assessment"]["status"], "draft");

    let answers = write(
        dir.path(),
        "answers.json",
        r#"{"answers": [
            {"subject": {"kind": "clinic"}, "question_id": "clinic.inv.01",
             "answer": {"value": {"kind": "partial"}, "note": "printers missing"}},
            {"subject": {"kind": "clinic"}, "question_id": "clinic.inv.02",
             "answer": {"value": {"kind": "number", "value": 42}}},
            {"subject": {"kind": "purchase", "id": "New infusion pumps"}, "question_id": "procurement.tr.01",
             "answer": {"value": {"kind": "unknown"}}}
        ]}"#,
    );
    let path = answers.to_str().unwrap();
    let report = ok_json(
        &db,
        &[
            "assessment",
            "answer",
            &id,
            "--file",
            path,
            "--format",
            "json",
        ],
    );
    assert_eq!(report["saved"], 3);

    let list = ok_json(&db, &["assessment", "list", "--format", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["answers"], 3);

    // One bad answer: nothing is saved, exit 1 naming the answer.
    let bad = write(
        dir.path(),
        "bad.json",
        r#"{"answers": [
            {"subject": {"kind": "clinic"}, "question_id": "clinic.inv.03", "answer": {"value": {"kind": "yes"}}},
            {"subject": {"kind": "clinic"}, "question_id": "clinic.inv.01", "answer": {"value": {"kind": "not_applicable"}}}
        ]}"#,
    );
    let r = run(
        &db,
        &["assessment", "answer", &id, "--file", bad.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("Answer 2"), "{}", r.stderr);
    let list = ok_json(&db, &["assessment", "list", "--format", "json"]);
    assert_eq!(list[0]["answers"], 3);

    let r = run(
        &db,
        &[
            "assessment",
            "finalize",
            &id,
            "--name",
            "Ana Diaz",
            "--role",
            "COO",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("final, signed by Ana Diaz (COO)"),
        "{}",
        r.stdout
    );

    let r = run(&db, &["assessment", "answer", &id, "--file", path]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("finalized by Ana Diaz"), "{}", r.stderr);

    // Next year's starts from these answers, to confirm.
    let next = ok_json(
        &db,
        &[
            "assessment",
            "new",
            "--title",
            "2027 annual",
            "--carry-forward",
            &id,
            "--format",
            "json",
        ],
    );
    assert_eq!(next["to_confirm"], 3);

    let r = run(
        &db,
        &[
            "assessment",
            "finalize",
            "not-an-id",
            "--name",
            "A",
            "--role",
            "B",
        ],
    );
    assert_eq!(r.code, 1);
    let r = run(
        &db,
        &[
            "assessment",
            "answer",
            &id,
            "--file",
            "/no/such/answers.json",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("/no/such/answers.json"), "{}", r.stderr);
}

#[test]
fn questionnaire_validate_checks_built_ins_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.sqlite3");
    let r = run(&db, &["questionnaire", "validate"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("built-in"), "{}", r.stdout);

    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/questionnaires");
    let device = repo.join("device.toml");
    let check = ok_json(
        &db,
        &[
            "questionnaire",
            "validate",
            device.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(check["questions"].as_u64().unwrap() >= 20);

    let broken = std::fs::read_to_string(&device).unwrap().replace(
        "device_field = \"connectivity\"",
        "device_field = \"wifi_ssid\"",
    );
    let broken = write(dir.path(), "device.toml", &broken);
    let r = run(
        &db,
        &["questionnaire", "validate", broken.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("wifi_ssid"), "{}", r.stdout);
    assert!(
        !db.exists(),
        "validating content does not create a database"
    );
}
