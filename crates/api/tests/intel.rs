//! Vulnerability intelligence use cases on a real database, with the real KEV and ICSMA
//! fixtures of the intel crate (crates/intel/tests/fixtures, provenance there).

use std::path::{Path, PathBuf};

use devicerisk_api::core::*;
use devicerisk_api::*;

mod common;
use common::*;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../intel/tests/fixtures")
}

fn open(dir: &Path) -> Api {
    open_at(&dir.join("devicerisk.sqlite3"))
}

fn add(api: &Api, name: &str, manufacturer: &str, model: &str, version: Option<&str>) -> DeviceId {
    api.create_device(DeviceFields {
        name: name.into(),
        category: DeviceCategory::InfusionPump,
        manufacturer: Some(manufacturer.into()),
        model: Some(model.into()),
        software_version: version.map(str::to_string),
        ..DeviceFields::default()
    })
    .unwrap()
    .id
}

/// A folder with three real advisories copied from the fixtures.
fn csaf_folder(dir: &Path) -> PathBuf {
    let folder = dir.join("csaf");
    std::fs::create_dir_all(&folder).unwrap();
    for name in [
        "icsma-17-017-02.json",
        "icsma-23-194-01.json",
        "icsma-20-023-01.json",
    ] {
        std::fs::copy(fixtures().join("csaf/icsma").join(name), folder.join(name)).unwrap();
    }
    folder
}

fn find<'a>(matches: &'a [IntelMatch], device: DeviceId, source: &str) -> &'a IntelMatch {
    matches
        .iter()
        .find(|m| m.device_id == device && m.source_id == source)
        .unwrap_or_else(|| panic!("no match {source}"))
}

#[test]
fn csaf_folder_import_matches_the_inventory_and_reports_failures() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let pump = add(&api, "ER pump", "BD", "Alaris 8015", None);
    let monitor = add(&api, "ICU monitor", "GE Healthcare", "CARESCAPE B850", None);
    let other = add(&api, "Vent", "Hamilton Medical", "C6", None);
    let folder = csaf_folder(dir.path());
    std::fs::write(folder.join("broken.json"), "{\"document\": 3}").unwrap();
    std::fs::write(folder.join("notes.txt"), "not an advisory").unwrap();

    let report = api.import_csaf(&folder).unwrap();
    assert_eq!(report.imported.len(), 3);
    assert_eq!(report.failed.len(), 1);
    assert!(
        report.failed[0].message.contains("broken.json"),
        "{:?}",
        report.failed
    );
    assert_eq!(report.ignored, 1);
    assert_eq!(report.matching.devices_checked, 3);
    assert_eq!(report.matching.high, 3);

    let matches = api.list_matches().unwrap();
    let alaris = find(&matches, pump, "ICSMA-23-194-01");
    assert_eq!(alaris.confidence, Confidence::High);
    assert!(alaris.title.contains("Alaris"), "{}", alaris.title);
    assert!(alaris.counts_in_risk, "high and undecided counts");
    assert!(alaris.reasons.iter().any(|r| r.contains("8015")));
    find(&matches, pump, "ICSMA-17-017-02");
    find(&matches, monitor, "ICSMA-20-023-01");
    assert!(!matches.iter().any(|m| m.device_id == other));

    // Per catalog: what each advisory matched.
    let catalogs = api.intel_catalogs().unwrap();
    assert_eq!(catalogs.advisories.len(), 3);
    let ge = catalogs
        .advisories
        .iter()
        .find(|a| a.tracking_id == "ICSMA-20-023-01")
        .unwrap();
    assert_eq!(ge.matched_devices, 1);
    assert!(ge.max_cvss.unwrap() >= 9.0);
    assert!(ge.products.iter().any(|p| p.contains("B850")));

    // The same folder again replaces each advisory with itself.
    let again = api.import_csaf(&folder).unwrap();
    assert!(again.imported.iter().all(|a| a.replaced_revision.is_some()));
    let audit = api.audit_log(10).unwrap();
    assert!(audit.iter().any(|e| e.action == "import_csaf"));
}

#[test]
fn decisions_survive_reimports_and_feed_open_vulnerabilities() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let pump = add(&api, "ER pump", "BD", "Alaris 8015", None);
    let folder = csaf_folder(dir.path());
    api.import_csaf(&folder).unwrap();

    let open = api.device_intel(pump).unwrap().open;
    assert_eq!(open.counts.advisories, 2);
    assert!(open
        .advisories
        .iter()
        .any(|a| a.starts_with("ICSMA-23-194-01")));

    // Not affected needs a justification; mitigated needs a control.
    let mut decide = DecideMatch {
        device_id: pump,
        source_kind: SourceKind::Advisory,
        source_id: "ICSMA-17-017-02".into(),
        status: Some(DecisionStatus::NotAffected),
        justification: None,
        control: None,
        note: None,
    };
    let err = api.decide_match(decide.clone()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(err.field_issues[0].field, "justification");
    decide.justification = Some(VexJustification::VulnerableCodeNotPresent);
    api.decide_match(decide.clone()).unwrap();
    let err = api
        .decide_match(DecideMatch {
            source_id: "ICSMA-23-194-01".into(),
            status: Some(DecisionStatus::Mitigated),
            ..decide.clone()
        })
        .unwrap_err();
    assert_eq!(err.field_issues[0].field, "control");
    let mitigated = api
        .decide_match(DecideMatch {
            source_id: "ICSMA-23-194-01".into(),
            status: Some(DecisionStatus::Mitigated),
            control: Some("Pump VLAN without internet access".into()),
            ..decide.clone()
        })
        .unwrap()
        .unwrap();
    assert_eq!(
        mitigated.justification, None,
        "only not-affected keeps a justification"
    );

    let open = api.device_intel(pump).unwrap().open;
    assert_eq!(open.counts.advisories, 0);

    // Re-import and re-run: the decisions are still there.
    api.import_csaf(&folder.join("icsma-17-017-02.json"))
        .unwrap();
    api.run_matching().unwrap();
    let intel = api.device_intel(pump).unwrap();
    let decided = intel
        .advisories
        .iter()
        .find(|m| m.source_id == "ICSMA-17-017-02")
        .unwrap();
    let decision = decided.decision.as_ref().unwrap();
    assert_eq!(decision.status, DecisionStatus::NotAffected);
    assert_eq!(
        decision.justification,
        Some(VexJustification::VulnerableCodeNotPresent)
    );
    assert!(!decided.counts_in_risk);

    // Withdrawing a decision makes the match count again; deciding an unmatched pair fails.
    api.decide_match(DecideMatch {
        status: None,
        ..decide.clone()
    })
    .unwrap();
    assert_eq!(api.device_intel(pump).unwrap().open.counts.advisories, 1);
    let err = api
        .decide_match(DecideMatch {
            source_id: "ICSMA-99-999-99".into(),
            status: Some(DecisionStatus::Affected),
            ..decide
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(api
        .audit_log(20)
        .unwrap()
        .iter()
        .any(|e| e.action == "decide_match" && e.summary.contains("not affected")));
}

#[test]
fn kev_import_reports_changes_and_matches_entries() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let git = add(&api, "Build server", "Git", "Git", None);
    let first = api
        .import_kev(&fixtures().join("kev/kev_2025.02.05_head.csv"))
        .unwrap();
    assert!(!first.compared);
    assert!(first.entries > 0);
    let second = api
        .import_kev(&fixtures().join("kev/kev_2025.08.25_trimmed.json"))
        .unwrap();
    assert!(second.compared);
    assert!(!second.added.is_empty(), "a newer catalog adds entries");
    assert_eq!(second.catalog_version.as_deref(), Some("2025.08.25"));
    let intel = api.device_intel(git).unwrap();
    assert!(!intel.kev_entries.is_empty());
    assert!(intel.kev_entries[0].source_id.starts_with("CVE-"));
    assert!(intel.open.counts.known_exploited >= 1);
    let catalogs = api.intel_catalogs().unwrap();
    let kev = catalogs.kev.unwrap();
    assert_eq!(kev.matched_devices, 1);
    assert_eq!(kev.entries, second.entries);
}

#[test]
fn a_bad_kev_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let bad = dir.path().join("kev.json");
    std::fs::write(&bad, "{\"vulnerabilities\": [{\"cveID\": \"nope\"}]}").unwrap();
    let err = api.import_kev(&bad).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.message.contains("kev.json"), "{}", err.message);
    assert!(api.intel_catalogs().unwrap().kev.is_none());
}

#[test]
fn an_affected_device_has_its_vulnerabilities_named_in_its_risk() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let pump = add(&api, "ER pump", "BD", "Alaris 8015", None);
    let before = api.device_risk(pump).unwrap();
    assert!(!before
        .result
        .factors
        .iter()
        .any(|f| f.factor.as_str() == "advised_vulnerability"));
    api.import_csaf(&csaf_folder(dir.path())).unwrap();
    let after = api.device_risk(pump).unwrap();
    let advised = after
        .result
        .factors
        .iter()
        .find(|f| f.factor.as_str() == "advised_vulnerability")
        .expect("a high-confidence undecided match counts");
    assert!(
        advised.explanation.contains("ICSMA-23-194-01"),
        "{}",
        advised.explanation
    );
    assert!(
        advised.explanation.contains("ICSMA-17-017-02"),
        "{}",
        advised.explanation
    );
    assert!(after.result.points > before.result.points);

    // Mitigating both takes them out of the risk.
    for source in ["ICSMA-23-194-01", "ICSMA-17-017-02"] {
        api.decide_match(DecideMatch {
            device_id: pump,
            source_kind: SourceKind::Advisory,
            source_id: source.into(),
            status: Some(DecisionStatus::Mitigated),
            justification: None,
            control: Some("Pump VLAN".into()),
            note: None,
        })
        .unwrap();
    }
    let mitigated = api.device_risk(pump).unwrap();
    assert_eq!(mitigated.result.points, before.result.points);
}

#[test]
fn adding_or_editing_a_device_matches_it_without_pressing_match_again() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    // Nothing stored yet: adding a device matches nothing and costs nothing.
    let early = add(&api, "Early pump", "BD", "Alaris 8015", None);
    assert!(api.list_matches().unwrap().is_empty());
    api.import_csaf(&csaf_folder(dir.path())).unwrap();
    assert!(api
        .list_matches()
        .unwrap()
        .iter()
        .any(|m| m.device_id == early));

    // Added after the import: matched at once.
    let pump = add(&api, "New pump", "BD", "Alaris 8015", None);
    let matches = api.list_matches().unwrap();
    assert_eq!(
        find(&matches, pump, "ICSMA-23-194-01").confidence,
        Confidence::High
    );

    // A decision survives the edit; changing the model to another manufacturer's drops the
    // match, changing it back finds it again, and the decision is still there.
    api.decide_match(DecideMatch {
        device_id: pump,
        source_kind: SourceKind::Advisory,
        source_id: "ICSMA-23-194-01".into(),
        status: Some(DecisionStatus::Affected),
        justification: None,
        control: None,
        note: None,
    })
    .unwrap();
    let mut fields = api.get_device(pump).unwrap().row.device.fields;
    fields.manufacturer = Some("GE Healthcare".into());
    fields.model = Some("CARESCAPE B850".into());
    api.update_device(pump, fields.clone()).unwrap();
    let matches = api.list_matches().unwrap();
    assert!(!matches
        .iter()
        .any(|m| m.device_id == pump && m.source_id == "ICSMA-23-194-01"));
    assert_eq!(
        find(&matches, pump, "ICSMA-20-023-01").confidence,
        Confidence::High
    );
    // The other devices' matches are untouched.
    assert!(matches.iter().any(|m| m.device_id == early));

    fields.manufacturer = Some("BD".into());
    fields.model = Some("Alaris 8015".into());
    api.update_device(pump, fields).unwrap();
    let matches = api.list_matches().unwrap();
    let back = find(&matches, pump, "ICSMA-23-194-01");
    assert_eq!(
        back.decision.as_ref().map(|d| d.status),
        Some(DecisionStatus::Affected)
    );

    // A decommissioned device is no longer matched.
    api.decommission_device(pump, None).unwrap();
    assert!(!api
        .list_matches()
        .unwrap()
        .iter()
        .any(|m| m.device_id == pump));
}
