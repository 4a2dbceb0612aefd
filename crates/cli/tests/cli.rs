//! The real `devicerisk` binary against a real SQLite file in a temporary directory.

use std::path::{Path, PathBuf};

mod common;
use common::{run, run_with_env_db, Run};

/// The public 25-device sample (see tests/fixtures/inventory/PROVENANCE.md).
fn sample_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/inventory/iomt-risk-scorer_sample_devices.csv")
}

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("clinic.sqlite3")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Runs `devicerisk --db <db> ARGS` with DEVICERISK_DB unset, so only --db decides.
    fn run(&self, args: &[&str]) -> Run {
        run(&self.db(), args)
    }

    fn device_names(&self) -> Vec<String> {
        let list = self
            .run(&["devices", "list", "--format", "json"])
            .ok()
            .json();
        list["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row["device"]["fields"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }
}

#[test]
fn init_creates_the_database_and_is_repeatable() {
    let ws = Workspace::new();
    let first = ws.run(&["init"]).ok();
    assert!(ws.db().exists());
    assert!(first.stdout.contains("0 devices"), "{}", first.stdout);
    ws.run(&["init"]).ok();
    assert_eq!(ws.device_names(), Vec::<String>::new());
}

#[test]
fn database_path_comes_from_the_environment_without_db() {
    let ws = Workspace::new();
    let db = ws.path("from-env.sqlite3");
    let run = run_with_env_db(&db, &["db-path"]).ok();
    assert_eq!(run.stdout.trim(), db.to_str().unwrap());

    run_with_env_db(&db, &["init"]).ok();
    assert!(db.exists());
}

#[test]
fn demo_makes_a_small_clinic_listed_as_json_table_and_csv() {
    let ws = Workspace::new();
    ws.run(&["demo"]).ok();

    let list = ws.run(&["devices", "list", "--format", "json"]).ok().json();
    let rows = list["rows"].as_array().unwrap();
    assert!(
        (20..=40).contains(&rows.len()),
        "about 30 demo devices, got {}",
        rows.len()
    );
    assert_eq!(list["shown"].as_u64().unwrap() as usize, rows.len());
    let names = ws.device_names();

    let table = ws.run(&["devices", "list"]).ok().stdout;
    assert!(table.lines().next().unwrap().starts_with("Name"), "{table}");
    assert!(
        table.contains(&format!("{} devices shown", rows.len())),
        "{table}"
    );

    let csv_text = ws.run(&["devices", "list", "--format", "csv"]).ok().stdout;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let name_column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "name")
        .unwrap();
    let csv_names: Vec<String> = reader
        .records()
        .map(|record| record.unwrap()[name_column].to_string())
        .collect();
    assert_eq!(csv_names, names);
}

#[test]
fn demo_refuses_a_database_that_has_devices() {
    let ws = Workspace::new();
    ws.run(&["demo", "--devices", "5"]).ok();
    let again = ws.run(&["demo"]).expect_code(1);
    assert!(!again.stderr.is_empty());
    assert_eq!(ws.device_names().len(), 5);
}

#[test]
fn the_same_seed_makes_the_same_clinic() {
    let (a, b) = (Workspace::new(), Workspace::new());
    a.run(&["demo", "--devices", "12", "--seed", "7"]).ok();
    b.run(&["demo", "--devices", "12", "--seed", "7"]).ok();
    let mut names_a = a.device_names();
    let mut names_b = b.device_names();
    names_a.sort();
    names_b.sort();
    assert_eq!(names_a, names_b);
}

#[test]
fn demo_with_history_adds_a_year_of_records() {
    let ws = Workspace::new();
    let out = ws.run(&["demo", "--history"]).ok().stdout;
    assert!(out.contains("A year of history: 2 assessments"), "{out}");
    let list = ws
        .run(&["assessment", "list", "--format", "json"])
        .ok()
        .json();
    let statuses: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["assessment"]["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["draft", "final"]);
    let plans = ws
        .run(&["lifecycle", "plan", "--format", "json"])
        .ok()
        .json();
    assert!(!plans.as_array().unwrap().is_empty());
    // Only on top of a fresh demo clinic.
    let again = ws.run(&["demo", "--history"]).expect_code(1);
    assert!(again.stderr.contains("already"), "{}", again.stderr);
}

#[test]
fn importing_an_export_updates_or_leaves_devices_instead_of_creating() {
    let ws = Workspace::new();
    ws.run(&["demo"]).ok();
    let before = ws.device_names();
    let export = ws.path("inventory.csv");
    let exported = ws
        .run(&["export", "inventory", export.to_str().unwrap()])
        .ok();
    assert!(
        exported
            .stdout
            .contains(&format!("Exported {} devices", before.len())),
        "{}",
        exported.stdout
    );

    let preview = ws
        .run(&[
            "import",
            "inventory",
            export.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ])
        .ok()
        .json();
    let summary = &preview["summary"];
    assert_eq!(summary["rows"].as_u64().unwrap() as usize, before.len());
    assert_eq!(summary["create"].as_u64().unwrap(), 0, "{summary}");
    assert_eq!(
        summary["with_errors"].as_u64().unwrap(),
        0,
        "{}",
        preview["issues"]
    );

    let report = ws
        .run(&[
            "import",
            "inventory",
            export.to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(report["created"].as_u64().unwrap(), 0, "{report}");
    let kept = report["updated"].as_u64().unwrap() + report["unchanged"].as_u64().unwrap();
    assert_eq!(kept as usize, before.len(), "{report}");
    assert_eq!(ws.device_names().len(), before.len());
}

#[test]
fn xlsx_export_is_written() {
    let ws = Workspace::new();
    ws.run(&["demo", "--devices", "8"]).ok();
    let export = ws.path("inventory.xlsx");
    ws.run(&["export", "inventory", export.to_str().unwrap()])
        .ok();
    let bytes = std::fs::read(&export).unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    let unknown = ws
        .run(&[
            "export",
            "inventory",
            ws.path("inventory.pdf").to_str().unwrap(),
        ])
        .expect_code(1);
    assert!(
        unknown.stderr.contains("inventory.pdf"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn dry_run_previews_the_sample_and_writes_nothing_then_import_creates_it() {
    let ws = Workspace::new();
    ws.run(&["init"]).ok();
    let sample = sample_csv();
    let preview = ws
        .run(&["import", "inventory", sample.to_str().unwrap(), "--dry-run"])
        .ok()
        .stdout;
    assert!(preview.contains("Rows: 25"), "{preview}");
    assert!(preview.contains("Would create 25"), "{preview}");
    assert!(preview.contains("nothing has been written"), "{preview}");
    assert!(ws.device_names().is_empty(), "a dry run wrote devices");

    let applied = ws
        .run(&["import", "inventory", sample.to_str().unwrap()])
        .ok()
        .stdout;
    assert!(
        applied.contains("25 created, 0 updated, 0 unchanged"),
        "{applied}"
    );
    let names = ws.device_names();
    assert_eq!(names.len(), 25);
    assert!(names.contains(&"ER Infusion Pump #1".to_string()));

    let search = ws
        .run(&["devices", "list", "--search", "Alaris", "--format", "json"])
        .ok()
        .json();
    let found: Vec<&str> = search["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["device"]["fields"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["ER Infusion Pump #1"]);
    // Re-importing is covered with an export (which has asset tags): this sample has no asset
    // tag, serial or MAC column, so nothing in it can match an existing device.
}

/// Row 3 of the file (the second device) has a MAC address that is not one.
const BAD_INVENTORY: &str = "Asset Tag,Device Name,Manufacturer,MAC Address\n\
                             A-1,Bedside monitor 1,Philips,00:11:22:33:44:55\n\
                             A-2,Bedside monitor 2,Philips,not-a-mac\n";

#[test]
fn a_bad_file_fails_with_exit_1_naming_file_row_and_column_and_imports_nothing() {
    let ws = Workspace::new();
    ws.run(&["init"]).ok();
    let bad = ws.write("bad-inventory.csv", BAD_INVENTORY);

    let dry = ws
        .run(&["import", "inventory", bad.to_str().unwrap(), "--dry-run"])
        .expect_code(1);
    assert!(
        dry.stdout
            .contains("row 3, column 'MAC Address' (mac_address)"),
        "{}",
        dry.stdout
    );
    assert!(dry.stderr.contains("bad-inventory.csv"), "{}", dry.stderr);

    let dry_json = ws
        .run(&[
            "import",
            "inventory",
            bad.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ])
        .expect_code(1);
    let issues = dry_json.json()["issues"].as_array().unwrap().clone();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0]["row"], 3);
    assert_eq!(issues[0]["column"], "MAC Address");

    let applied = ws
        .run(&["import", "inventory", bad.to_str().unwrap()])
        .expect_code(1);
    assert!(
        applied.stderr.contains("bad-inventory.csv"),
        "{}",
        applied.stderr
    );
    assert!(applied.stderr.contains("row 3"), "{}", applied.stderr);
    assert!(applied.stderr.contains("MAC Address"), "{}", applied.stderr);
    assert!(
        ws.device_names().is_empty(),
        "all-or-nothing: the good row must not be imported"
    );
}

#[test]
fn a_missing_file_fails_with_exit_1_naming_it() {
    let ws = Workspace::new();
    ws.run(&["init"]).ok();
    let missing = ws.path("no-such-inventory.csv");
    for args in [
        vec!["import", "inventory", missing.to_str().unwrap()],
        vec![
            "import",
            "inventory",
            missing.to_str().unwrap(),
            "--dry-run",
        ],
    ] {
        let run = ws.run(&args).expect_code(1);
        assert!(
            run.stderr.contains("no-such-inventory.csv"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}

#[test]
fn usage_errors_are_user_errors_and_help_names_the_commands() {
    let ws = Workspace::new();
    let help = ws.run(&["--help"]).ok().stdout;
    for command in ["init", "demo", "import", "export", "devices", "bench"] {
        assert!(help.contains(command), "{help}");
    }
    let wrong = ws
        .run(&["devices", "list", "--format", "yaml"])
        .expect_code(1);
    assert!(wrong.stderr.contains("yaml"), "{}", wrong.stderr);
}
