//! CSAF 2.0 advisories: every real ICSMA fixture (tests/fixtures/csaf/, see PROVENANCE.md),
//! the OASIS reference examples (fixed, CPE, VEX), a folder import that keeps the good files
//! and lists the bad ones, and broken advisories refused with the file and place named.

use std::path::{Path, PathBuf};

use devicerisk_intel::csaf::*;
use devicerisk_intel::matching::SpecKind;
use devicerisk_intel::IntelError;

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csaf")
        .join(name)
}

fn json_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn icsma(name: &str) -> Advisory {
    read_csaf(&dir("icsma").join(name)).unwrap()
}

#[test]
fn every_icsma_fixture_reads_completely() {
    let mut count = 0;
    for folder in ["icsma", "bulk"] {
        for path in json_files(&dir(folder)) {
            let advisory = read_csaf(&path).unwrap_or_else(|e| panic!("{e}"));
            let stem = path.file_stem().unwrap().to_string_lossy().to_uppercase();
            assert_eq!(advisory.tracking_id, stem, "{}", path.display());
            assert_eq!(advisory.category, "csaf_security_advisory");
            assert_eq!(advisory.publisher.as_deref(), Some("CISA"));
            assert_eq!(advisory.tlp.as_deref(), Some("WHITE"));
            assert!(advisory.current_release_date >= advisory.initial_release_date);
            assert!(advisory.initial_release_date.is_some());
            assert!(!advisory.products.is_empty(), "{stem} has products");
            for product in &advisory.products {
                assert!(product.vendor.is_some(), "{stem} {product:?}");
                assert!(product.product_name.is_some(), "{stem} {product:?}");
                assert!(!product.version.text.is_empty(), "{stem} {product:?}");
                assert!(product.product_id.starts_with("CSAFPID-"));
            }
            assert!(!advisory.vulnerabilities.is_empty());
            for v in &advisory.vulnerabilities {
                assert!(
                    v.cve.is_some(),
                    "{stem}: every ICSMA vulnerability has a CVE"
                );
                assert!(!v.product_status.known_affected.is_empty());
                for id in &v.product_status.known_affected {
                    assert!(advisory.product(id).is_some());
                }
                for score in &v.scores {
                    assert!(score.vector.starts_with("CVSS:3"), "{}", score.vector);
                    assert!((0.0..=10.0).contains(&score.base_score));
                }
            }
            assert!(advisory.affected_products().count() > 0);
            count += 1;
        }
    }
    assert_eq!(count, 30 + 21);
}

#[test]
fn bd_alaris_8015_advisory() {
    let a = icsma("icsma-17-017-02.json");
    assert_eq!(a.tracking_id, "ICSMA-17-017-02");
    assert_eq!(a.title, "BD Alaris 8015 PC Unit (Update B)");
    assert_eq!(a.revision.as_deref(), Some("4"));
    assert_eq!(
        a.current_release_date.unwrap().to_rfc3339(),
        "2021-03-16T00:00:00+00:00"
    );
    assert_eq!(a.cves(), vec!["CVE-2016-8375", "CVE-2016-9355"]);
    assert_eq!(a.products.len(), 3);
    let p = a.product("CSAFPID-0002").unwrap();
    assert_eq!(
        p.vendor.as_deref(),
        Some("Becton, Dickinson and Company (BD)")
    );
    assert_eq!(p.product_name.as_deref(), Some("Alaris 8015 PC unit"));
    assert_eq!(p.name, "Alaris 8015 PC unit: Versions 9.33 and prior");
    assert_eq!(p.version.text, "<= 9.33");
    assert_eq!(p.version.contains("9.5"), Some(true));
    assert_eq!(p.version.contains("10.0"), Some(false));
    assert_eq!(
        a.product("CSAFPID-0001").unwrap().version.contains("9.7"),
        Some(true)
    );
    assert_eq!(
        a.product("CSAFPID-0001").unwrap().version.contains("9.8"),
        Some(false)
    );

    let v = &a.vulnerabilities[1];
    assert_eq!(v.cwe.as_deref(), Some("CWE-284"));
    let score = v.score_for("CSAFPID-0003").unwrap();
    assert_eq!(score.base_score, 6.8);
    assert_eq!(score.vector, "CVSS:3.0/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(a.affecting("CSAFPID-0001").count(), 2);
    assert_eq!(
        v.product_status.state_of("CSAFPID-0001"),
        Some(ProductState::Affected)
    );
    assert!(v.remediations.iter().all(|r| !r.product_ids.is_empty()));
}

#[test]
fn baxter_spectrum_models_and_prose_ranges() {
    let a = icsma("icsma-20-170-04.json");
    let by_id = |id: &str| a.product(id).unwrap();
    let sigma = by_id("CSAFPID-0003");
    assert_eq!(sigma.product_name.as_deref(), Some("Sigma Spectrum"));
    assert_eq!(sigma.version.models, vec!["35700BAX"]);
    assert_eq!(sigma.version.contains("6.1"), Some(true));
    assert_eq!(sigma.version.contains("8.0"), Some(false));
    let lvp = by_id("CSAFPID-0002");
    assert_eq!(lvp.version.kind, SpecKind::Unparsed);
    assert!(lvp.version.text.contains("Wireless Battery Modules v9"));
}

#[test]
fn version_texts_across_the_fixtures() {
    let mut all = 0;
    let mut parsed = 0;
    let mut unparsed = Vec::new();
    for folder in ["icsma", "bulk"] {
        for path in json_files(&dir(folder)) {
            for p in read_csaf(&path).unwrap().products {
                match &p.version.kind {
                    SpecKind::All => all += 1,
                    SpecKind::Versions(items) => {
                        assert!(!items.is_empty());
                        parsed += 1
                    }
                    SpecKind::Unparsed => unparsed.push(p.version.text.clone()),
                }
                if p.version.text == "vers:all/*" {
                    assert_eq!(p.version.kind, SpecKind::All);
                }
                // "<= X" and "< X" with a one-word version are always understood.
                let t = p.version.text.trim();
                if (t.starts_with("<=") || t.starts_with('<'))
                    && t.trim_start_matches(['<', '=', ' '])
                        .split_whitespace()
                        .count()
                        == 1
                    && !t.contains('|')
                {
                    assert!(
                        matches!(p.version.kind, SpecKind::Versions(_)),
                        "{t:?} should be read"
                    );
                }
            }
        }
    }
    println!(
        "version texts: {all} any-version, {parsed} read, {} kept as text: {unparsed:?}",
        unparsed.len()
    );
    assert!(all > 0 && parsed > 0);
    assert!(
        parsed + all > 2 * unparsed.len(),
        "most version texts are understood ({parsed} + {all} vs {})",
        unparsed.len()
    );
}

#[test]
fn oasis_reference_examples_fixed_cpe_and_vex() {
    let bsi = read_csaf(&dir("reference").join("bsi-2022-0001.json")).unwrap();
    assert_eq!(bsi.tracking_id, "BSI-2022-0001");
    let p1 = bsi.product("CSAFPID-0001").unwrap();
    assert_eq!(
        p1.cpe.as_deref(),
        Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha")
    );
    assert_eq!(p1.vendor.as_deref(), Some("CSAF Tools"));
    let v = &bsi.vulnerabilities[0];
    assert_eq!(v.cve.as_deref(), Some("CVE-2022-27193"));
    assert_eq!(
        v.product_status.state_of("CSAFPID-0006"),
        Some(ProductState::Fixed)
    );
    assert_eq!(
        v.product_status.state_of("CSAFPID-0001"),
        Some(ProductState::Affected)
    );
    assert_eq!(v.score_for("CSAFPID-0001").unwrap().version, "3.1");

    let vex = read_csaf(&dir("reference").join("csaf-vex_2022-evd-uc-01-na-001.json")).unwrap();
    assert_eq!(vex.category, "csaf_vex");
    let v = &vex.vulnerabilities[0];
    assert_eq!(v.cve.as_deref(), Some("CVE-2021-44228"));
    assert_eq!(
        v.product_status.state_of("CSAFPID-0001"),
        Some(ProductState::NotAffected)
    );
    assert_eq!(v.threats[0].category, "impact");
    assert_eq!(
        v.threats[0].details,
        "Class with vulnerable code was removed before shipping."
    );
    assert_eq!(vex.affected_products().count(), 0);
}

// ---- broken advisories and folder import ------------------------------------------------

fn original(name: &str) -> String {
    std::fs::read_to_string(dir("icsma").join(name)).unwrap()
}

fn refused(name: &str, text: &str) -> (IntelError, String) {
    match read_csaf_bytes(name, text.as_bytes()) {
        Ok(a) => panic!("{name} was accepted: {}", a.tracking_id),
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains(&format!("'{name}'")),
                "names the file: {message}"
            );
            (e, message)
        }
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "{message:?} should mention {part:?}"
        );
    }
}

fn truncated() -> String {
    let text = original("icsma-21-047-01.json");
    text[..text.len() * 2 / 3].to_string()
}

fn wrong_version() -> String {
    original("icsma-21-047-01.json").replacen(
        "\"csaf_version\": \"2.0\"",
        "\"csaf_version\": \"1.2\"",
        1,
    )
}

fn no_tracking_id() -> String {
    original("icsma-21-047-01.json").replacen(
        "\"id\": \"ICSMA-21-047-01\"",
        "\"idx\": \"ICSMA-21-047-01\"",
        1,
    )
}

#[test]
fn broken_advisories_are_refused_whole() {
    let (e, m) = refused("cut.json", &truncated());
    assert!(matches!(e, IntelError::Syntax { .. }), "{e:?}");
    assert_mentions(&m, &["JSON", "line", "truncated"]);

    let (_, m) = refused("old.json", &wrong_version());
    assert_mentions(&m, &["document.csaf_version", "\"1.2\"", "2.0"]);

    let (_, m) = refused("noid.json", &no_tracking_id());
    assert_mentions(&m, &["document.tracking.id", "missing"]);

    let undefined =
        original("icsma-21-047-01.json").replacen("\"CSAFPID-0001\"\n", "\"CSAFPID-0099\"\n", 1);
    // The tree now defines CSAFPID-0099 instead of CSAFPID-0001, which the CVEs still name.
    assert_ne!(undefined, original("icsma-21-047-01.json"));
    let (_, m) = refused("undefined.json", &undefined);
    assert_mentions(
        &m,
        &[
            "vulnerabilities[0] (CVE-2020-27278)",
            "'CSAFPID-0001'",
            "does not define",
        ],
    );

    let bad_cve =
        original("icsma-21-047-01.json").replacen("\"cve\": \"CVE-", "\"cve\": \"CVE-X", 1);
    let (_, m) = refused("badcve.json", &bad_cve);
    assert_mentions(&m, &["vulnerabilities[0]", "not a CVE id"]);

    let (e, m) = refused(
        "kev.json",
        r#"{"catalogVersion": "2025.08.25", "vulnerabilities": []}"#,
    );
    assert!(matches!(e, IntelError::WrongDocument { .. }), "{e:?}");
    assert_mentions(&m, &["not a CSAF 2.0 advisory", "KEV"]);

    let (_, m) = refused("list.json", "[1, 2]");
    assert_mentions(&m, &["not a CSAF 2.0 advisory", "a list"]);
}

#[test]
fn folder_import_keeps_good_files_and_lists_bad_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for (folder, target) in [("icsma", "2017-2024"), ("bulk", "more/bulk")] {
        let target = root.join(target);
        std::fs::create_dir_all(&target).unwrap();
        for path in json_files(&dir(folder)) {
            std::fs::copy(&path, target.join(path.file_name().unwrap())).unwrap();
        }
    }
    let broken = root.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("cut.json"), truncated()).unwrap();
    std::fs::write(broken.join("old.json"), wrong_version()).unwrap();
    std::fs::write(broken.join("noid.json"), no_tracking_id()).unwrap();
    std::fs::write(
        broken.join("icsma-21-047-01.json.asc"),
        "-----BEGIN PGP SIGNATURE-----",
    )
    .unwrap();
    // An older revision of ICSMA-17-017-02 under another name: the newer one is kept.
    let older = original("icsma-17-017-02.json").replacen(
        "\"current_release_date\": \"2021-03-16T00:00:00.000000Z\"",
        "\"current_release_date\": \"2017-01-17T00:00:00.000000Z\"",
        1,
    );
    assert_ne!(older, original("icsma-17-017-02.json"));
    std::fs::write(root.join("zz-older-17-017-02.json"), older).unwrap();

    let result = read_csaf_folder(root).unwrap();
    assert_eq!(result.advisories.len(), 51);
    assert_eq!(result.ignored, 1);
    let failed: Vec<&str> = result.failures.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        failed,
        vec!["broken/cut.json", "broken/noid.json", "broken/old.json"]
    );
    for failure in &result.failures {
        assert!(failure.message.contains(&failure.file), "{failure:?}");
    }
    assert_mentions(&result.failures[1].message, &["document.tracking.id"]);
    assert_eq!(result.superseded.len(), 1);
    assert_eq!(result.superseded[0].file, "zz-older-17-017-02.json");
    assert_eq!(result.superseded[0].kept, "2017-2024/icsma-17-017-02.json");
    let alaris = result
        .advisories
        .iter()
        .find(|a| a.tracking_id == "ICSMA-17-017-02")
        .unwrap();
    assert_eq!(alaris.file_name, "2017-2024/icsma-17-017-02.json");
}

#[test]
fn folder_without_json_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("readme.txt"), "nothing here").unwrap();
    let error = read_csaf_folder(tmp.path()).unwrap_err();
    assert!(error.to_string().contains("no .json file"), "{error}");
}
