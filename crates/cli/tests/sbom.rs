//! `devicerisk import sbom|vex` and `devicerisk sbom list|remove|vex` as a user runs them: the
//! real binary, a real database, the SBOM fixtures of the intel crate (provenance there).

use std::path::{Path, PathBuf};

mod common;
use common::{ok, ok_json, run};

fn sbom(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../intel/tests/fixtures/sbom")
        .join(name);
    path.to_str().unwrap().to_string()
}

#[test]
fn attach_list_vex_and_detach_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    ok(&db, &["demo", "--devices", "30"]);
    let devices = ok_json(&db, &["devices", "list", "--format", "json"]);
    let first = &devices["rows"][0]["device"];
    let tag = first["fields"]["asset_tag"].as_str().unwrap().to_string();
    let manufacturer = first["fields"]["manufacturer"]
        .as_str()
        .unwrap()
        .to_string();
    let model = first["fields"]["model"].as_str().unwrap().to_string();

    // By asset tag, the contract of the issue: `import sbom --device ID FILE`.
    let text = ok(
        &db,
        &[
            "import",
            "sbom",
            "--device",
            &tag,
            &sbom("spdx-2.3_acme.spdx.json"),
        ],
    );
    assert!(
        text.contains("Attached spdx-2.3_acme.spdx.json (SPDX 2.3 JSON)"),
        "{text}"
    );
    assert!(text.contains("3 components"), "{text}");

    // To the model, as JSON: exactly one document.
    let report = ok_json(
        &db,
        &[
            "import",
            "sbom",
            "--model",
            &format!("{}|{}", manufacturer.to_uppercase(), model),
            &sbom("cdx-1.4_laravel-7.12.0.bom.xml"),
            "--format",
            "json",
        ],
    );
    assert_eq!(report["sbom"]["format"], "cyclonedx_xml");
    assert_eq!(report["sbom"]["components"], 62);
    assert!(report["sbom"]["devices"].as_u64().unwrap() >= 1);

    // The device sees both: 4 ACME packages (with the product) + 63 Laravel ones.
    let seen = ok_json(&db, &["sbom", "list", "--device", &tag, "--format", "json"]);
    assert_eq!(seen["sboms"].as_array().unwrap().len(), 2);
    assert_eq!(seen["components"].as_array().unwrap().len(), 4 + 63);
    let csv = ok(&db, &["sbom", "list", "--device", &tag, "--format", "csv"]);
    assert_eq!(csv.lines().count(), 1 + 4 + 63, "{csv}");
    assert!(csv.contains("pkg:npm/elliptic@6.5.2"), "{csv}");
    let table = ok(&db, &["sbom", "list", "--device", &tag]);
    assert!(table.contains("CVE-2020-28498: not analysed"), "{table}");

    // CSAF VEX: elliptic not affected.
    let vex = ok(
        &db,
        &[
            "import",
            "vex",
            &sbom("synthetic/acme-elliptic.csaf-vex.json"),
        ],
    );
    assert!(
        vex.contains("CVE-2020-28498  not affected  elliptic 6.5.2"),
        "{vex}"
    );
    let table = ok(&db, &["sbom", "list", "--device", &tag]);
    assert!(table.contains("CVE-2020-28498: not affected"), "{table}");
    let docs = ok_json(&db, &["sbom", "vex", "--format", "json"]);
    assert_eq!(docs[0]["document_id"], "ACME-VEX-2026-001");

    // Detach the model's SBOM.
    let id = report["sbom"]["id"].as_str().unwrap().to_string();
    ok(&db, &["sbom", "remove", &id]);
    let seen = ok_json(&db, &["sbom", "list", "--device", &tag, "--format", "json"]);
    assert_eq!(seen["components"].as_array().unwrap().len(), 4);
    let all = ok_json(&db, &["sbom", "list", "--format", "json"]);
    assert_eq!(all.as_array().unwrap().len(), 1);
}

#[test]
fn bad_input_exits_1_naming_the_file_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("clinic.sqlite3");
    ok(&db, &["demo", "--devices", "5"]);
    let refused = run(
        &db,
        &[
            "import",
            "sbom",
            "--model",
            "A|B",
            &sbom("broken/duplicate-bom-ref.cdx.json"),
        ],
    )
    .expect_code(1);
    assert!(
        refused
            .stderr
            .contains("'duplicate-bom-ref.cdx.json', /components/2/bom-ref"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty());

    let json = run(
        &db,
        &[
            "import",
            "sbom",
            "--model",
            "A|B",
            &sbom("broken/bad-namespace.cdx.xml"),
            "--format",
            "json",
        ],
    )
    .expect_code(1);
    assert!(
        json.stdout.is_empty(),
        "no JSON on failure: {}",
        json.stdout
    );
    assert!(json.stderr.contains("line 2, <bom>"), "{}", json.stderr);

    let unknown = run(
        &db,
        &[
            "import",
            "sbom",
            "--device",
            "NOPE-1",
            &sbom("spdx-2.3_acme.spdx.json"),
        ],
    )
    .expect_code(1);
    assert!(unknown.stderr.contains("NOPE-1"), "{}", unknown.stderr);
    run(&db, &["import", "sbom", &sbom("spdx-2.3_acme.spdx.json")]).expect_code(1);
    let model = run(
        &db,
        &[
            "import",
            "sbom",
            "--model",
            "BD Alaris",
            &sbom("spdx-2.3_acme.spdx.json"),
        ],
    )
    .expect_code(1);
    assert!(
        model.stderr.contains("MANUFACTURER|MODEL"),
        "{}",
        model.stderr
    );
    let missing = run(
        &db,
        &["import", "sbom", "--model", "A|B", "/no/such/file.json"],
    )
    .expect_code(1);
    assert!(missing.stderr.contains("file.json"), "{}", missing.stderr);

    let nothing = run(
        &db,
        &["import", "vex", &sbom("cdx-1.4_vex-example.vex.json")],
    )
    .expect_code(1);
    assert!(
        nothing.stderr.contains("refers to nothing attached"),
        "{}",
        nothing.stderr
    );
    let remove = run(&db, &["sbom", "remove", "no-such-id"]).expect_code(1);
    assert!(remove.stderr.contains("no-such-id"), "{}", remove.stderr);
    assert!(ok_json(&db, &["sbom", "list", "--format", "json"])
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn the_sbom_benchmark_runs_on_a_small_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.sqlite3");
    let text = ok(
        &db,
        &[
            "bench",
            "sbom",
            "--devices",
            "30",
            "--components",
            "300",
            "--vulnerabilities",
            "20",
            "--runs",
            "1",
        ],
    );
    assert!(text.contains("SBOM of 300 components"), "{text}");
    // The VEX rules out half: 10 of the 20 stay open.
    assert!(
        text.contains("Open vulnerabilities after VEX: 10 of 20"),
        "{text}"
    );
    let refused = run(
        &db,
        &[
            "bench",
            "sbom",
            "--components",
            "5",
            "--vulnerabilities",
            "6",
        ],
    )
    .expect_code(1);
    assert!(
        refused.stderr.contains("--vulnerabilities"),
        "{}",
        refused.stderr
    );
}
