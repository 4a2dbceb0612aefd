//! `devicerisk lifecycle` with the real binary on a real SQLite file; "today" is fixed with
//! --as-of so the results do not depend on the clock.

mod common;
use common::*;

const AS_OF: &str = "2026-06-01";

#[test]
fn status_plan_budget_and_deadlines_of_the_demo_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    assert_eq!(run(&db, &["demo"]).code, 0);

    let status = ok_json(
        &db,
        &["lifecycle", "status", "--format", "json", "--as-of", AS_OF],
    );
    assert_eq!(status["today"], AS_OF);
    let devices = status["devices"].as_array().unwrap();
    assert!(!devices.is_empty());
    let xp = devices
        .iter()
        .find(|d| d["os_text"] == "Windows XP Embedded SP3")
        .expect("the demo has a Windows XP Embedded device");
    assert_eq!(xp["support"]["status"], "unsupported");
    assert_eq!(xp["os_match"]["confidence"], "high");
    let unsupported = status["counts"]["unsupported"].as_u64().unwrap();
    assert!(unsupported >= 1);

    let csv = run(
        &db,
        &["lifecycle", "status", "--format", "csv", "--as-of", AS_OF],
    );
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    assert_eq!(reader.records().count(), devices.len());

    // Suggestions, then accept them all: the plan and the budget fill.
    let proposals = ok_json(
        &db,
        &[
            "lifecycle",
            "plan",
            "--suggest",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
    );
    let proposals = proposals.as_array().unwrap();
    assert!(proposals.iter().all(|p| p["already_planned"] == false));
    let replace = proposals
        .iter()
        .filter(|p| p["suggestion"]["action"] == "replace")
        .count() as u64;
    assert!(replace >= unsupported.min(1));
    ok_json(
        &db,
        &[
            "lifecycle",
            "plan",
            "--accept-all",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
    );
    let plans = ok_json(&db, &["lifecycle", "plan", "--format", "json"]);
    assert_eq!(plans.as_array().unwrap().len(), proposals.len());
    assert!(plans
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["plan"]["fields"]["origin"] == "suggested"));
    let again = ok_json(
        &db,
        &[
            "lifecycle",
            "plan",
            "--suggest",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
    );
    assert!(again
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["already_planned"] == true));

    let budget = ok_json(
        &db,
        &["lifecycle", "budget", "--format", "json", "--as-of", AS_OF],
    );
    let planned: usize = budget["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["plans"].as_array().unwrap().len())
        .sum();
    assert_eq!(planned, proposals.len());
    let table = run(&db, &["lifecycle", "budget", "--as-of", AS_OF]);
    assert!(table.stdout.contains("fiscal year"), "{}", table.stdout);

    let deadlines = ok_json(
        &db,
        &[
            "lifecycle",
            "deadlines",
            "--days",
            "365",
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ],
    );
    assert!(deadlines
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["days_left"].as_i64().unwrap() <= 365));
    let bad = run(&db, &["lifecycle", "deadlines", "--days", "45"]);
    assert_eq!(bad.code, 1);
}

#[test]
fn import_eol_reports_changes_and_refuses_a_wrong_file_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    let shipped = include_str!("../../../assets/lifecycle/endoflife/debian.md");
    let newer = shipped.replacen("    eol: 2026-07-11", "    eol: 2027-12-31", 1);
    let file = dir.path().join("debian.md");
    std::fs::write(&file, newer).unwrap();
    let report = ok_json(
        &db,
        &[
            "lifecycle",
            "import-eol",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(report["platform_id"], "debian");
    assert_eq!(report["changed"][0]["after"], "2027-12-31");

    let text = dir.path().join("notes.md");
    std::fs::write(&text, "not an endoflife.date file\n").unwrap();
    let bad = run(&db, &["lifecycle", "import-eol", text.to_str().unwrap()]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("notes.md"), "{}", bad.stderr);
    assert!(bad.stdout.is_empty());
}
