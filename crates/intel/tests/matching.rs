//! The matching engine on the public 25-device sample (tests/fixtures/PROVENANCE.md) and the
//! 30 real ICSMA advisories (tests/fixtures/csaf/), read with the crate's own readers.

use std::path::PathBuf;

use chrono::NaiveDate;
use devicerisk_intel::csaf::{read_csaf, Advisory};
use devicerisk_intel::inventory::{auto_mapping, convert_rows, read_table};
use devicerisk_intel::kev::{read_kev, KevEntry};
use devicerisk_intel::matching::*;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn sample_devices() -> Vec<(String, DeviceFacts)> {
    let table = read_table(&fixtures().join("iomt-risk-scorer_sample_devices.csv")).unwrap();
    let rows = convert_rows(
        &table,
        &auto_mapping(&table.headers),
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    );
    rows.iter()
        .map(|r| (r.fields.name.clone(), DeviceFacts::from_fields(&r.fields)))
        .collect()
}

fn advisories(folder: &str) -> Vec<Advisory> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("csaf").join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files.iter().map(|p| read_csaf(p).unwrap()).collect()
}

fn kev() -> Vec<KevEntry> {
    read_kev(&fixtures().join("kev/kev_2025.08.25_trimmed.json"))
        .unwrap()
        .entries
}

fn facts(manufacturer: &str, model: &str, version: Option<&str>) -> DeviceFacts {
    DeviceFacts {
        manufacturer: Some(manufacturer.to_string()),
        model: Some(model.to_string()),
        version: version.map(str::to_string),
        ..DeviceFacts::default()
    }
}

fn tracking(m: &Match) -> &str {
    match &m.source {
        MatchSource::Advisory { tracking_id } => tracking_id,
        MatchSource::Kev { cve_id } => cve_id,
    }
}

/// The sample's matches as (device name, advisory, confidence).
fn sample_matches() -> (Vec<(String, DeviceFacts)>, Vec<Match>) {
    let devices = sample_devices();
    let facts: Vec<DeviceFacts> = devices.iter().map(|d| d.1.clone()).collect();
    let matches = match_devices(&facts, &advisories("icsma"), &kev());
    (devices, matches)
}

fn find<'a>(
    devices: &[(String, DeviceFacts)],
    matches: &'a [Match],
    device: &str,
    advisory: &str,
) -> Option<&'a Match> {
    matches
        .iter()
        .find(|m| devices[m.device as usize].0 == device && tracking(m) == advisory)
}

#[test]
fn expected_matches_on_the_public_sample() {
    let (devices, matches) = sample_matches();
    for (device, advisory, product) in [
        ("ER Infusion Pump #1", "ICSMA-17-017-02", "Alaris 8015"),
        ("ER Infusion Pump #1", "ICSMA-23-194-01", "Model 8015"),
        ("ER Infusion Pump #2", "ICSMA-20-170-04", "Sigma Spectrum"),
        ("ICU Patient Monitor #2", "ICSMA-20-023-01", "B850"),
        ("ICU Patient Monitor #1", "ICSMA-18-156-01", "IntelliVue"),
    ] {
        let m = find(&devices, &matches, device, advisory)
            .unwrap_or_else(|| panic!("{device} should match {advisory}"));
        assert_eq!(
            m.confidence,
            Confidence::High,
            "{device} ↔ {advisory}: {:?}",
            m.reasons
        );
        assert!(
            !m.products.is_empty() && m.products.iter().all(|p| p.contains(product)),
            "{:?}",
            m.products
        );
        assert!(!m.cves.is_empty() && m.cves.iter().all(|c| c.starts_with("CVE-")));
        assert!(m.max_cvss.is_some());
        // Reasons in words: manufacturer, product, version.
        assert_eq!(m.reasons.len(), 3, "{:?}", m.reasons);
        assert!(m.reasons.iter().all(|r| r.ends_with('.')));
        assert_eq!(m.version, VersionVerdict::DeviceVersionUnknown);
        assert!(m.reasons[2].contains("not recorded"), "{:?}", m.reasons);
    }
    let b850 = find(
        &devices,
        &matches,
        "ICU Patient Monitor #2",
        "ICSMA-20-023-01",
    )
    .unwrap();
    assert!(b850.reasons[0].contains("GE"), "{:?}", b850.reasons);
    assert!(b850.reasons[1].contains("b850"), "{:?}", b850.reasons);
    // Only the B850 products, not the CARESCAPE Telemetry Server sharing the line's name.
    assert_eq!(b850.product_ids.len(), 2, "{:?}", b850.products);
    let mx800 = find(
        &devices,
        &matches,
        "ICU Patient Monitor #1",
        "ICSMA-18-156-01",
    )
    .unwrap();
    assert!(mx800.reasons[1].contains("mx800"), "{:?}", mx800.reasons);
}

#[test]
fn expected_non_matches_on_the_public_sample() {
    let (devices, matches) = sample_matches();
    // Hamilton C6 is not the T1: at most a low-confidence suggestion that says why.
    let c6 = find(&devices, &matches, "ICU Ventilator #1", "ICSMA-21-047-01").unwrap();
    assert_eq!(c6.confidence, Confidence::Low);
    assert!(
        c6.reasons[1].contains("probably a different model"),
        "{:?}",
        c6.reasons
    );
    // Same product line, other model: low.
    let mx40 = find(
        &devices,
        &matches,
        "ICU Patient Monitor #1",
        "ICSMA-17-255-01",
    )
    .unwrap();
    assert_eq!(mx40.confidence, Confidence::Low);
    // Devices whose makers publish no advisory in the fixtures match nothing.
    for device in [
        "ICU Ventilator #2",
        "Radiology PACS Server",
        "Building HVAC Controller",
        "Surgical Robot Interface",
        "Wearable Glucose Monitor",
    ] {
        assert!(
            !matches
                .iter()
                .any(|m| devices[m.device as usize].0 == device),
            "{device} matched something"
        );
    }
    // Nothing but the five expected pairs is high.
    let high: Vec<(String, &str)> = matches
        .iter()
        .filter(|m| m.confidence == Confidence::High)
        .map(|m| (devices[m.device as usize].0.clone(), tracking(m)))
        .collect();
    assert_eq!(high.len(), 5, "{high:?}");
}

#[test]
fn vendor_aliases_and_misspellings() {
    let advisories = advisories("icsma");
    let devices = vec![
        facts("GE Healthcare", "CARESCAPE B850", None),
        facts("General Electric (GE)", "B850", None),
        facts("Phillips", "IntelliVue MX800", None),
        facts("Becton Dickinson", "Alaris 8015", Some("9.33")),
        facts("Medtronic", "Alaris 8015", None),
    ];
    let matches = match_devices(&devices, &advisories, &[]);
    let of = |device: u32, advisory: &str| {
        matches
            .iter()
            .find(|m| m.device == device && tracking(m) == advisory)
            .cloned()
    };
    assert_eq!(
        of(0, "ICSMA-20-023-01").unwrap().confidence,
        Confidence::High
    );
    assert_eq!(
        of(1, "ICSMA-20-023-01").unwrap().confidence,
        Confidence::High
    );
    let phillips = of(2, "ICSMA-18-156-01").unwrap();
    // A known misspelling is in the alias table: same company, and the reason says so.
    assert_eq!(phillips.confidence, Confidence::High);
    assert!(
        phillips.reasons[0].contains("misspelling"),
        "{:?}",
        phillips.reasons
    );
    // A known version inside the range keeps the level and says so.
    let alaris = of(3, "ICSMA-17-017-02").unwrap();
    assert_eq!(alaris.confidence, Confidence::High);
    assert_eq!(alaris.version, VersionVerdict::Within);
    assert!(
        alaris.reasons.iter().any(|r| r.contains("9.33 is within")),
        "{:?}",
        alaris.reasons
    );
    // An unrelated maker never matches, whatever the model.
    assert!(!matches.iter().any(|m| m.device == 4));
    // An unknown misspelling ("Philps") costs one level.
    let typo = match_devices(
        &[facts("Philps", "IntelliVue MX800", None)],
        &advisories,
        &[],
    );
    let m = typo
        .iter()
        .find(|m| tracking(m) == "ICSMA-18-156-01")
        .unwrap();
    assert_eq!(m.confidence, Confidence::Medium, "{:?}", m.reasons);
}

#[test]
fn hillrom_welch_allyn_and_baxter_are_one_family() {
    let hillrom = normalize_vendor("Hill-Rom");
    let baxter = normalize_vendor("Baxter Healthcare Corporation");
    let welch = normalize_vendor("Welch Allyn");
    for (a, b) in [(&hillrom, &baxter), (&welch, &baxter), (&welch, &hillrom)] {
        let (relation, why) = relate_vendors(a, b);
        assert_ne!(relation, VendorRelation::Different, "{why}");
        assert!(why.contains("Baxter"), "{why}");
    }
    let (relation, _) = relate_vendors(&normalize_vendor("Stryker"), &baxter);
    assert_eq!(relation, VendorRelation::Different);
}

#[test]
fn an_abbreviated_name_does_not_contradict_the_model_number() {
    // The demo clinic's pump: "PC Unit" is the "Point-of-Care Unit (PCU)" of the advisory.
    let devices = vec![facts("BD", "Alaris 8015 PC Unit", Some("12.1.2"))];
    let matches = match_devices(&devices, &advisories("icsma"), &[]);
    let m = matches
        .iter()
        .find(|m| tracking(m) == "ICSMA-23-194-01")
        .unwrap();
    assert_eq!(m.confidence, Confidence::High, "{:?}", m.reasons);
    assert_eq!(m.version, VersionVerdict::Within);
    // A different name with the same number still costs a level.
    let devices = vec![facts("BD", "Pyxis 8015 Cabinet", None)];
    let matches = match_devices(&devices, &advisories("icsma"), &[]);
    let m = matches
        .iter()
        .find(|m| tracking(m) == "ICSMA-23-194-01")
        .unwrap();
    assert_eq!(m.confidence, Confidence::Medium, "{:?}", m.reasons);
}

#[test]
fn version_outside_the_range_is_low() {
    let devices = vec![facts("BD", "Alaris 8015", Some("12.3.0"))];
    let matches = match_devices(&devices, &advisories("icsma"), &[]);
    let m = matches
        .iter()
        .find(|m| tracking(m) == "ICSMA-23-194-01")
        .unwrap();
    assert_eq!(m.confidence, Confidence::Low);
    assert_eq!(m.version, VersionVerdict::Outside);
    assert!(m.reasons.last().unwrap().contains("probably not affected"));
}

#[test]
fn kev_entries_match_by_vendor_and_product() {
    let kev = kev();
    // "Git" by Git: a product named only by its maker's name still matches.
    for entry in [kev[0].clone(), kev[1].clone()] {
        kev_entry_matches(&kev, entry);
    }
}

fn kev_entry_matches(kev: &[KevEntry], entry: KevEntry) {
    let devices = vec![
        facts(&entry.vendor_project, &entry.product, None),
        facts("Nobody Inc", &entry.product, None),
    ];
    let matches = match_devices(&devices, &[], kev);
    let m = matches
        .iter()
        .find(|m| m.device == 0 && tracking(m) == entry.cve_id)
        .unwrap_or_else(|| panic!("{} {} should match", entry.vendor_project, entry.product));
    assert_eq!(m.known_exploited, vec![entry.cve_id.clone()]);
    assert!(m.reasons.iter().any(|r| r.contains("Known Exploited")));
    assert!(!matches.iter().any(|m| m.device == 1));
}

#[test]
fn matching_is_deterministic() {
    let (_, a) = sample_matches();
    let (_, b) = sample_matches();
    assert_eq!(a, b);
}

#[test]
fn devices_with_the_same_facts_get_the_same_matches() {
    let sample: Vec<DeviceFacts> = sample_devices().into_iter().map(|(_, f)| f).collect();
    // The sample twice over, interleaved: every device has a twin at the next index.
    let doubled: Vec<DeviceFacts> = sample.iter().flat_map(|f| [f.clone(), f.clone()]).collect();
    let advisories = advisories("icsma");
    let kev = kev();
    let single = match_devices(&sample, &advisories, &kev);
    let twice = match_devices(&doubled, &advisories, &kev);
    assert!(!single.is_empty());
    assert_eq!(twice.len(), 2 * single.len());
    for m in &single {
        for twin in [2 * m.device, 2 * m.device + 1] {
            let copy = twice
                .iter()
                .find(|t| t.device == twin && t.source == m.source)
                .unwrap_or_else(|| panic!("device {twin} lacks {:?}", m.source));
            assert_eq!(
                Match {
                    device: m.device,
                    ..copy.clone()
                },
                *m
            );
        }
    }
}
