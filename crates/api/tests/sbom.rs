//! SBOM and VEX use cases on a real database with the real and synthetic fixtures of the
//! intel crate (crates/intel/tests/fixtures/sbom, provenance there).

use std::path::{Path, PathBuf};

use devicerisk_api::core::*;
use devicerisk_api::*;

mod common;
use common::open_at;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../intel/tests/fixtures")
        .join(name)
}

fn sbom(name: &str) -> PathBuf {
    fixture("sbom").join(name)
}

fn open(dir: &Path) -> Api {
    open_at(&dir.join("devicerisk.sqlite3"))
}

fn add(api: &Api, name: &str, manufacturer: &str, model: &str) -> DeviceId {
    api.create_device(DeviceFields {
        name: name.into(),
        category: DeviceCategory::InfusionPump,
        manufacturer: Some(manufacturer.into()),
        model: Some(model.into()),
        ..DeviceFields::default()
    })
    .unwrap()
    .id
}

fn model(manufacturer: &str, model: &str) -> SbomTarget {
    SbomTarget::Model {
        manufacturer: manufacturer.into(),
        model: model.into(),
    }
}

fn vulnerability<'a>(
    components: &'a DeviceSboms,
    component: &str,
    id: &str,
) -> &'a ComponentVulnerability {
    components
        .components
        .iter()
        .find(|c| c.name == component)
        .unwrap_or_else(|| panic!("no component {component}"))
        .vulnerabilities
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no {id} on {component}"))
}

fn factor<'a>(risk: &'a DeviceRisk, id: &str) -> Option<&'a str> {
    risk.result
        .factors
        .iter()
        .find(|f| f.factor.as_str() == id)
        .map(|f| f.explanation.as_str())
}

#[test]
fn a_model_sbom_is_shared_by_every_device_of_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let a = add(&api, "Pump A", "Example Company", "ABC");
    let b = add(&api, "Pump B", "example company ", "abc");
    let other = add(&api, "Monitor", "Example Company", "ABC Monitor");
    let report = api
        .import_sbom(
            &sbom("synthetic/abc-infusion-pump-4.2.cdx.json"),
            model("Example Company", "ABC"),
        )
        .unwrap();
    assert_eq!(report.sbom.devices, 2);
    assert_eq!(report.sbom.components, 6);
    assert_eq!(report.sbom.format_label, "CycloneDX 1.5 JSON");
    assert_eq!(report.sbom.title, "ABC 4.2");
    assert_eq!(report.sbom.attached_to, "model Example Company ABC");
    assert_eq!(report.replaced, None);
    for device in [a, b] {
        let seen = api.device_sboms(device).unwrap();
        assert_eq!(seen.sboms.len(), 1);
        // The subject and its six components.
        assert_eq!(seen.components.len(), 7);
        let log4j = seen
            .components
            .iter()
            .find(|c| c.name == "log4j-core")
            .unwrap();
        assert_eq!(log4j.part_of.as_deref(), Some("abc-service-gateway"));
        assert!(log4j.from_model);
    }
    assert!(api.device_sboms(other).unwrap().components.is_empty());

    // The device's own SBOM comes first, then its model's.
    api.import_sbom(
        &sbom("spdx-2.3_acme.spdx.json"),
        SbomTarget::Device { device_id: a },
    )
    .unwrap();
    let files: Vec<String> = api
        .device_sboms(a)
        .unwrap()
        .sboms
        .into_iter()
        .map(|s| s.file_name)
        .collect();
    assert_eq!(
        files,
        vec!["spdx-2.3_acme.spdx.json", "abc-infusion-pump-4.2.cdx.json"]
    );
    assert_eq!(api.device_sboms(b).unwrap().sboms.len(), 1);
}

#[test]
fn reimporting_the_same_document_replaces_it_and_a_bad_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let pump = add(&api, "Pump", "Example Company", "ABC");
    let target = SbomTarget::Device { device_id: pump };
    let first = api
        .import_sbom(&sbom("cdx-1.6_spec-valid-bom.json"), target.clone())
        .unwrap();
    // Same serial number, another file: a new revision of the same document.
    let second = api
        .import_sbom(
            &sbom("cdx-1.6_spec-valid-vulnerability.json"),
            target.clone(),
        )
        .unwrap();
    assert_eq!(
        second.replaced.as_deref(),
        Some("cdx-1.6_spec-valid-bom.json")
    );
    assert_eq!(second.sbom.id, first.sbom.id);
    let list = api.list_sboms().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].components, 1);

    for broken in [
        "broken/truncated-laravel.cdx.json",
        "broken/duplicate-bom-ref.cdx.json",
        "broken/bad-namespace.cdx.xml",
        "broken/bad-line.tagvalue.spdx",
        "cdx-1.6_spec-INVALID-bomformat.json",
    ] {
        let error = api.import_sbom(&sbom(broken), target.clone()).unwrap_err();
        assert_eq!(
            error.code,
            ErrorCode::BadFile,
            "{broken}: {}",
            error.message
        );
        let file = broken.rsplit('/').next().unwrap();
        assert!(error.message.contains(file), "{}", error.message);
    }
    let still = api.list_sboms().unwrap();
    assert_eq!(still.len(), 1);
    assert_eq!(still[0].file_name, "cdx-1.6_spec-valid-vulnerability.json");

    let missing = api
        .import_sbom(&sbom("spdx-2.3_acme.spdx.json"), model(" ", "ABC"))
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::Validation);
    assert_eq!(missing.field_issues[0].field, "manufacturer");
    let nobody = api
        .import_sbom(
            &sbom("spdx-2.3_acme.spdx.json"),
            SbomTarget::Device {
                device_id: DeviceId::new(),
            },
        )
        .unwrap_err();
    assert_eq!(nobody.code, ErrorCode::NotFound);

    api.delete_sbom(&first.sbom.id).unwrap();
    assert!(api.list_sboms().unwrap().is_empty());
    assert!(api.device_sboms(pump).unwrap().components.is_empty());
    let log: Vec<String> = api
        .audit_log(10)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(log.contains(&"delete_sbom".to_string()), "{log:?}");
    assert!(log.contains(&"replace_sbom".to_string()), "{log:?}");
    assert!(log.contains(&"import_sbom".to_string()), "{log:?}");
}

#[test]
fn vex_documents_set_component_status_and_survive_sbom_reimports() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let app = add(&api, "Lab app server", "Example", "App");
    let target = SbomTarget::Device { device_id: app };

    // Nothing attached yet: a VEX refers to nothing and is refused.
    let refused = api
        .import_vex(&sbom("cdx-1.4_vex-example.vex.json"))
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::BadFile);
    assert!(
        refused.message.contains("refers to nothing attached"),
        "{}",
        refused.message
    );
    assert!(api.list_vex().unwrap().is_empty());

    api.import_sbom(&sbom("cdx-1.3_vex-example.bom.json"), target.clone())
        .unwrap();
    let report = api
        .import_vex(&sbom("cdx-1.4_vex-example.vex.json"))
        .unwrap();
    assert_eq!(report.applied.len(), 1);
    assert_eq!(
        report.applied[0].component,
        "com.fasterxml.jackson.core/jackson-databind 2.10.0"
    );
    assert!(report.unmatched.is_empty());
    let seen = api.device_sboms(app).unwrap();
    let v = vulnerability(&seen, "jackson-databind", "CVE-2020-25649");
    assert_eq!(v.state, VexState::NotAffected);
    assert_eq!(v.justification.as_deref(), Some("code_not_reachable"));
    assert_eq!(v.source, "VEX cdx-1.4_vex-example.vex.json");
    assert!(!v.open);

    // Re-attaching the SBOM keeps the VEX statement.
    api.import_sbom(&sbom("cdx-1.3_vex-example.bom.json"), target.clone())
        .unwrap();
    let again = api.device_sboms(app).unwrap();
    assert_eq!(
        vulnerability(&again, "jackson-databind", "CVE-2020-25649").state,
        VexState::NotAffected
    );

    // A VEX that names only something unattached is refused, and nothing is stored.
    let nothing = api
        .import_vex(&sbom("broken/refers-to-nothing.vex.json"))
        .unwrap_err();
    assert!(
        nothing.message.contains("refers-to-nothing.vex.json"),
        "{}",
        nothing.message
    );
    assert_eq!(api.list_vex().unwrap().len(), 1);

    // CSAF VEX: one statement applies (elliptic by purl), one names nothing attached.
    let acme = add(&api, "ACME box", "ACME", "Box");
    api.import_sbom(
        &sbom("spdx-2.3_acme.spdx.json"),
        SbomTarget::Device { device_id: acme },
    )
    .unwrap();
    let before = api.device_sboms(acme).unwrap();
    assert_eq!(
        vulnerability(&before, "elliptic", "CVE-2020-28498").state,
        VexState::Unknown
    );
    assert!(vulnerability(&before, "elliptic", "CVE-2020-28498").open);
    let csaf = api
        .import_vex(&sbom("synthetic/acme-elliptic.csaf-vex.json"))
        .unwrap();
    assert_eq!(csaf.vex.format, VexFormat::Csaf);
    assert_eq!(csaf.vex.applied_components, 2);
    let after = api.device_sboms(acme).unwrap();
    let elliptic = vulnerability(&after, "elliptic", "CVE-2020-28498");
    assert_eq!(elliptic.state, VexState::NotAffected);
    assert_eq!(
        elliptic.justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert_eq!(
        vulnerability(&after, "OpenSSL", "CVE-2022-2274").state,
        VexState::Affected
    );
    assert_eq!(
        after.open,
        vec!["CVE-2022-2274 in OpenSSL 3.0.4 (SBOM spdx-2.3_acme.spdx.json)".to_string()]
    );

    // Removing the VEX takes its statements away.
    api.delete_vex(&csaf.vex.id).unwrap();
    let removed = api.device_sboms(acme).unwrap();
    assert_eq!(
        vulnerability(&removed, "elliptic", "CVE-2020-28498").state,
        VexState::Unknown
    );
}

#[test]
fn a_product_level_csaf_vex_rules_the_cve_out_for_every_component() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let pump = add(&api, "Pump", "Example Company", "ABC");
    api.import_sbom(
        &sbom("synthetic/abc-infusion-pump-4.2.cdx.json"),
        model("Example Company", "ABC"),
    )
    .unwrap();
    let before = api.device_sboms(pump).unwrap();
    assert!(vulnerability(&before, "log4j-core", "CVE-2021-44228").open);
    // The OASIS example says product "ABC" 4.2 is not affected by CVE-2021-44228.
    api.import_vex(&sbom("csaf-vex_2022-evd-uc-01-na-001.json"))
        .unwrap();
    let after = api.device_sboms(pump).unwrap();
    let log4j = vulnerability(&after, "log4j-core", "CVE-2021-44228");
    assert_eq!(log4j.state, VexState::NotAffected);
    assert_eq!(
        log4j.detail.as_deref(),
        Some("Class with vulnerable code was removed before shipping.")
    );
    assert!(!log4j.open);
}

#[test]
fn open_component_vulnerabilities_raise_the_device_risk_and_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    let pump = add(&api, "Pump", "Example Company", "ABC");
    let before = api.device_risk(pump).unwrap();
    assert!(factor(&before, "advised_vulnerability").is_none());

    api.import_kev(&fixture("kev/kev_2025.08.25_trimmed.json"))
        .unwrap();
    api.import_sbom(
        &sbom("synthetic/abc-infusion-pump-4.2.cdx.json"),
        model("Example Company", "ABC"),
    )
    .unwrap();
    let after = api.device_risk(pump).unwrap();
    let advised =
        factor(&after, "advised_vulnerability").expect("open component vulnerabilities count");
    // Named with the component and the SBOM; the one ruled out (busybox) is not.
    assert!(
        advised.contains(
            "CVE-2021-44228 in log4j-core 2.14.1 (SBOM abc-infusion-pump-4.2.cdx.json, CVSS 10.0)"
        ),
        "{advised}"
    );
    assert!(
        advised.contains("CVE-2022-0778 in openssl 1.0.2k"),
        "{advised}"
    );
    assert!(!advised.contains("CVE-2021-42374"), "{advised}");
    // Log4Shell is in the KEV catalog: known exploited, named with its component.
    let exploited =
        factor(&after, "known_exploited_vulnerability").expect("a KEV CVE in a component");
    assert!(
        exploited.contains("CVE-2021-44228 in log4j-core"),
        "{exploited}"
    );
    assert!(after.result.points > before.result.points);
    let seen = api.device_sboms(pump).unwrap();
    assert!(vulnerability(&seen, "log4j-core", "CVE-2021-44228").known_exploited);

    // The manufacturer's VEX rules Log4Shell out for the product: no longer known exploited.
    api.import_vex(&sbom("csaf-vex_2022-evd-uc-01-na-001.json"))
        .unwrap();
    let vexed = api.device_risk(pump).unwrap();
    assert!(factor(&vexed, "known_exploited_vulnerability").is_none());
    let advised = factor(&vexed, "advised_vulnerability").expect("openssl is still open");
    assert!(advised.contains("CVE-2022-0778"), "{advised}");
    assert!(!advised.contains("CVE-2021-44228"), "{advised}");
    assert!(vexed.result.points < after.result.points);

    // Detaching the SBOM brings the device back to where it was.
    let id = api.list_sboms().unwrap()[0].id.clone();
    api.delete_sbom(&id).unwrap();
    assert_eq!(
        api.device_risk(pump).unwrap().result.points,
        before.result.points
    );
}

#[test]
fn the_audit_packet_lists_sbom_vulnerabilities_once_per_sbom() {
    let dir = tempfile::tempdir().unwrap();
    let api = open(dir.path());
    for name in ["Pump A", "Pump B", "Pump C"] {
        add(&api, name, "Example Company", "ABC");
    }
    api.import_sbom(
        &sbom("synthetic/abc-infusion-pump-4.2.cdx.json"),
        model("Example Company", "ABC"),
    )
    .unwrap();
    api.import_vex(&sbom("csaf-vex_2022-evd-uc-01-na-001.json"))
        .unwrap();
    let at = chrono::Utc::now();
    let report = api.report_model(None, at).unwrap();
    let rows: Vec<_> = report
        .vulnerabilities
        .iter()
        .filter(|v| v.source == "SBOM abc-infusion-pump-4.2.cdx.json")
        .collect();
    // Three vulnerabilities, one row each, not one per pump.
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(rows
        .iter()
        .all(|r| r.device == "model Example Company ABC (3 devices)"));
    let openssl = rows
        .iter()
        .find(|r| r.title == "CVE-2022-0778 in openssl 1.0.2k")
        .unwrap();
    assert!(openssl.counted);
    assert_eq!(
        openssl.decision,
        "Affected (SBOM abc-infusion-pump-4.2.cdx.json)"
    );
    let log4j = rows.iter().find(|r| r.cves == "CVE-2021-44228").unwrap();
    // On the product and on log4j-core, ruled out by the VEX for both.
    assert_eq!(log4j.title, "CVE-2021-44228 in ABC 4.2; log4j-core 2.14.1");
    assert!(!log4j.counted);
    assert!(
        log4j.decision.starts_with("Not affected")
            && log4j
                .decision
                .ends_with("(VEX csaf-vex_2022-evd-uc-01-na-001.json)"),
        "{}",
        log4j.decision
    );
}
