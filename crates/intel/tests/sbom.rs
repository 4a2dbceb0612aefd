//! SBOM and VEX readers on the real fixtures of `tests/fixtures/sbom` (see its PROVENANCE.md)
//! and on broken variants made from them.

use std::path::PathBuf;

use devicerisk_intel::sbom::{
    read_sbom, read_sbom_bytes, read_vex, resolve_vex, Sbom, SbomFormat, VexFormat, VexState,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sbom")
        .join(name)
}

fn sbom(name: &str) -> Sbom {
    read_sbom(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn error(name: &str) -> String {
    read_sbom(&fixture(name))
        .expect_err("a broken document is refused")
        .to_string()
}

#[test]
fn every_real_fixture_parses_with_its_components() {
    // (file, format, spec version, components without the subject, subject name)
    let cases = [
        (
            "cdx-1.2_cern-lhc-vdm-editor.bom.json",
            SbomFormat::CyclonedxJson,
            "1.2",
            43,
            Some("lhc-vdm-editor"),
        ),
        (
            "cdx-1.3_vex-example.bom.json",
            SbomFormat::CyclonedxJson,
            "1.3",
            3,
            Some("example-app"),
        ),
        (
            "cdx-1.4_hbom_pcie-sata-adapter-board.bom.json",
            SbomFormat::CyclonedxJson,
            "1.4",
            6,
            Some("pcie-sata-adaptor-board"),
        ),
        (
            "cdx-1.4_laravel-7.12.0.bom.json",
            SbomFormat::CyclonedxJson,
            "1.4",
            62,
            Some("cyclonedx-php-composer-demo"),
        ),
        (
            "cdx-1.4_laravel-7.12.0.bom.xml",
            SbomFormat::CyclonedxXml,
            "1.4",
            62,
            Some("cyclonedx-php-composer-demo"),
        ),
        (
            "cdx-1.6_spec-valid-bom.json",
            SbomFormat::CyclonedxJson,
            "1.6",
            3,
            Some("Acme Application"),
        ),
        (
            "cdx-1.6_spec-valid-component-types.json",
            SbomFormat::CyclonedxJson,
            "1.6",
            9,
            None,
        ),
        (
            "cdx-1.6_spec-valid-metadata-manufacturer.json",
            SbomFormat::CyclonedxJson,
            "1.6",
            0,
            None,
        ),
        (
            "cdx-1.6_spec-valid-vulnerability.json",
            SbomFormat::CyclonedxJson,
            "1.6",
            1,
            None,
        ),
        (
            "spdx-2.3_acme.spdx.json",
            SbomFormat::SpdxJson,
            "2.3",
            3,
            Some("Acme Applcation"),
        ),
        (
            "spdx-2.3_sbom-with-security.spdx.json",
            SbomFormat::SpdxJson,
            "2.3",
            1,
            Some("tools-java"),
        ),
        (
            "spdx-2.3_official-example.spdx.json",
            SbomFormat::SpdxJson,
            "2.3",
            3,
            Some("glibc"),
        ),
        (
            "spdx-2.2_example6-bin.tagvalue.spdx",
            SbomFormat::SpdxTagValue,
            "2.2",
            0,
            Some("hello-go-bin"),
        ),
        (
            "synthetic/abc-infusion-pump-4.2.cdx.json",
            SbomFormat::CyclonedxJson,
            "1.5",
            6,
            Some("ABC"),
        ),
        (
            "synthetic/abc-monitor-1.0.cdx.xml",
            SbomFormat::CyclonedxXml,
            "1.7",
            2,
            Some("ABC Monitor"),
        ),
    ];
    for (name, format, version, count, subject) in cases {
        let s = sbom(name);
        assert_eq!(s.format, format, "{name}");
        assert_eq!(s.spec_version, version, "{name}");
        assert_eq!(s.components.len(), count, "{name}");
        assert_eq!(
            s.subject.as_ref().map(|c| c.name.as_str()),
            subject,
            "{name}"
        );
    }
}

#[test]
fn json_and_xml_of_one_sbom_agree() {
    let json = sbom("cdx-1.4_laravel-7.12.0.bom.json");
    let xml = sbom("cdx-1.4_laravel-7.12.0.bom.xml");
    let purls = |s: &Sbom| {
        let mut p: Vec<String> = s.components.iter().filter_map(|c| c.purl.clone()).collect();
        p.sort();
        p
    };
    assert_eq!(purls(&json).len(), 62);
    assert_eq!(purls(&json), purls(&xml));
    assert!(purls(&json).contains(&"pkg:composer/laravel/framework@v7.30.6".to_string()));
    let framework = xml
        .components
        .iter()
        .find(|c| c.name == "framework")
        .expect("laravel/framework");
    assert_eq!(framework.group.as_deref(), Some("laravel"));
    assert_eq!(framework.licenses, vec!["MIT".to_string()]);
    assert_eq!(framework.supplier.as_deref(), Some("Taylor Otwell"));
    let monitor = sbom("synthetic/abc-monitor-1.0.cdx.xml");
    let zlib = monitor
        .components
        .iter()
        .find(|c| c.name == "zlib")
        .unwrap();
    assert_eq!(zlib.hashes[0].algorithm, "SHA-256");
    assert!(zlib.hashes[0].value.starts_with("c3e5e9fd"));
    assert_eq!(zlib.licenses, vec!["Zlib".to_string()]);
}

#[test]
fn component_facts_are_read() {
    let s = sbom("cdx-1.6_spec-valid-bom.json");
    assert_eq!(
        s.serial.as_deref(),
        Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
    );
    assert_eq!(s.bom_version, Some(1));
    let lib = s.components.iter().find(|c| c.name == "mylibrary").unwrap();
    assert_eq!(
        lib.cpe.as_deref(),
        Some("cpe:/a:example:myapplication:1.0.0")
    );
    assert_eq!(lib.kind, "library");
    // A component without a bom-ref gets its JSON pointer.
    assert!(s.components.iter().any(|c| c.bom_ref == "#/components/2"));

    let hw = sbom("cdx-1.4_hbom_pcie-sata-adapter-board.bom.json");
    assert!(hw.components.iter().all(|c| c.kind == "device"));

    let pump = sbom("synthetic/abc-infusion-pump-4.2.cdx.json");
    let log4j = pump
        .components
        .iter()
        .find(|c| c.name == "log4j-core")
        .unwrap();
    assert_eq!(log4j.parent.as_deref(), Some("abc-service"));
    assert_eq!(
        log4j.supplier.as_deref(),
        Some("The Apache Software Foundation")
    );
    let openssl = pump
        .components
        .iter()
        .find(|c| c.name == "openssl")
        .unwrap();
    assert_eq!(openssl.parent.as_deref(), Some("abc-firmware"));
    assert_eq!(openssl.licenses, vec!["OpenSSL License".to_string()]);
    assert_eq!(
        pump.subject.as_ref().unwrap().supplier.as_deref(),
        Some("Example Company")
    );

    let acme = sbom("spdx-2.3_acme.spdx.json");
    let elliptic = acme
        .components
        .iter()
        .find(|c| c.name == "elliptic")
        .unwrap();
    assert_eq!(elliptic.purl.as_deref(), Some("pkg:npm/elliptic@6.5.2"));
    assert_eq!(elliptic.licenses, vec!["MIT".to_string()]);
    assert_eq!(
        acme.subject.as_ref().unwrap().supplier.as_deref(),
        Some("Jane Doe")
    );
    let official = sbom("spdx-2.3_official-example.spdx.json");
    let glibc = official.subject.as_ref().unwrap();
    assert_eq!(
        glibc.cpe.as_deref(),
        Some("cpe:2.3:a:pivotal_software:spring_framework:4.1.0:*:*:*:*:*:*:*")
    );
    let tag = sbom("spdx-2.2_example6-bin.tagvalue.spdx");
    assert_eq!(
        tag.serial.as_deref(),
        Some("https://swinslow.net/spdx-examples/example6/hello-go-bin-v2")
    );
    assert_eq!(
        tag.subject.as_ref().unwrap().licenses,
        vec!["GPL-3.0-or-later AND LicenseRef-Golang-BSD-plus-Patents".to_string()]
    );
}

#[test]
fn embedded_vulnerabilities_keep_their_analysis() {
    let s = sbom("cdx-1.6_spec-valid-vulnerability.json");
    assert_eq!(s.vulnerabilities.len(), 1);
    let v = &s.vulnerabilities[0];
    assert_eq!(v.id, "SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111");
    assert_eq!(v.cve.as_deref(), Some("CVE-2018-7489"));
    assert_eq!(v.state, VexState::NotAffected);
    assert_eq!(v.justification.as_deref(), Some("code_not_reachable"));
    assert_eq!(v.cvss, Some(9.8));
    assert_eq!(
        v.affects,
        vec!["pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4".to_string()]
    );

    let pump = sbom("synthetic/abc-infusion-pump-4.2.cdx.json");
    let states: Vec<(&str, VexState)> = pump
        .vulnerabilities
        .iter()
        .map(|v| (v.id.as_str(), v.state))
        .collect();
    assert_eq!(
        states,
        vec![
            ("CVE-2021-44228", VexState::Unknown),
            ("CVE-2022-0778", VexState::Affected),
            ("CVE-2021-42374", VexState::NotAffected)
        ]
    );
    let monitor = sbom("synthetic/abc-monitor-1.0.cdx.xml");
    assert_eq!(
        monitor.vulnerabilities[0].state,
        VexState::UnderInvestigation
    );
    assert_eq!(monitor.vulnerabilities[0].cvss, Some(7.5));
    assert_eq!(monitor.bom_version, Some(2));

    // SPDX advisory references become vulnerabilities of their package.
    let acme = sbom("spdx-2.3_acme.spdx.json");
    let ids: Vec<(&str, &str)> = acme
        .vulnerabilities
        .iter()
        .map(|v| (v.id.as_str(), v.affects[0].as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("CVE-2020-28498", "SPDXRef-npm-elliptic"),
            ("CVE-2022-2274", "SPDXRef-openssl")
        ]
    );
    let security = sbom("spdx-2.3_sbom-with-security.spdx.json");
    assert_eq!(
        security.vulnerabilities[0].cve.as_deref(),
        Some("CVE-2021-32012")
    );
}

#[test]
fn broken_documents_are_refused_naming_the_place() {
    let cases = [
        (
            "cdx-1.6_spec-INVALID-bomformat.json",
            vec!["/bomFormat", "AnotherFormat"],
        ),
        (
            "broken/truncated-laravel.cdx.json",
            vec!["line", "truncated"],
        ),
        (
            "broken/unknown-specversion.cdx.json",
            vec!["/specVersion", "\"1.9\""],
        ),
        (
            "broken/duplicate-bom-ref.cdx.json",
            vec!["/components/2/bom-ref", "used twice", "/components/0"],
        ),
        (
            "broken/missing-name.cdx.json",
            vec!["/components/1/name", "required"],
        ),
        (
            "broken/dangling-affects.cdx.json",
            vec!["/vulnerabilities/0/affects/0/ref", "not-in-this-bom"],
        ),
        (
            "broken/bad-namespace.cdx.xml",
            vec!["line 2", "<bom>", "example.com/not-cyclonedx"],
        ),
        (
            "broken/bad-line.tagvalue.spdx",
            vec!["line 20", "PackageVersion 1.0 (colon missing)"],
        ),
    ];
    for (name, words) in cases {
        let message = error(name);
        let file = name.rsplit('/').next().unwrap();
        assert!(message.contains(&format!("'{file}'")), "{name}: {message}");
        for word in words {
            assert!(message.contains(word), "{name}: '{word}' not in: {message}");
        }
    }
}

#[test]
fn xml_errors_name_the_line_and_element() {
    let xml = br#"<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
  <components>
    <component type="library"><name>a</name></component>
    <component type="library">
      <version>1</version>
    </component>
  </components>
</bom>"#;
    let message = read_sbom_bytes("m.xml", xml).unwrap_err().to_string();
    assert!(
        message.contains("line 5, <component> (/components/1/name)"),
        "{message}"
    );
}

#[test]
fn nesting_and_size_are_guarded() {
    let mut doc = String::from(r#"{"name":"leaf","type":"library"}"#);
    for i in 0..40 {
        doc = format!(r#"{{"name":"c{i}","type":"library","components":[{doc}]}}"#);
    }
    let bom = format!(r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{doc}]}}"#);
    let message = read_sbom_bytes("deep.json", bom.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(message.contains("nested more than 32 deep"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.cdx.json");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(devicerisk_intel::sbom::MAX_SBOM_BYTES + 1)
        .unwrap();
    let message = read_sbom(&huge).unwrap_err().to_string();
    assert!(
        message.contains("files over 100 MB are refused"),
        "{message}"
    );
}

#[test]
fn other_documents_are_told_apart() {
    let csaf = read_sbom(&fixture("csaf-vex_2022-evd-uc-01-na-001.json"))
        .unwrap_err()
        .to_string();
    assert!(csaf.contains("CSAF"), "{csaf}");
    let text = read_sbom_bytes("notes.txt", b"hello")
        .unwrap_err()
        .to_string();
    assert!(text.contains("'notes.txt' is not an SBOM"), "{text}");
}

#[test]
fn cyclonedx_vex_applies_to_the_sbom_it_refers_to() {
    let bom = sbom("cdx-1.3_vex-example.bom.json");
    let vex = read_vex(&fixture("cdx-1.4_vex-example.vex.json")).unwrap();
    assert_eq!(vex.format, VexFormat::Cyclonedx);
    assert_eq!(vex.statements.len(), 1);
    let s = &vex.statements[0];
    assert_eq!(s.vulnerability, "CVE-2020-25649");
    assert_eq!(s.state, VexState::NotAffected);
    assert_eq!(s.justification.as_deref(), Some("code_not_reachable"));
    // The BOM-link's serial is not this SBOM's; the ref (a purl) still finds the component.
    let other = sbom("cdx-1.4_laravel-7.12.0.bom.json");
    let found = resolve_vex(&vex.statements, &[&other, &bom]);
    assert_eq!(
        found[0],
        vec![(
            1,
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar".to_string()
        )]
    );
    let nothing = read_vex(&fixture("broken/refers-to-nothing.vex.json")).unwrap();
    assert!(resolve_vex(&nothing.statements, &[&bom, &other])[0].is_empty());
}

#[test]
fn csaf_vex_applies_by_purl_and_by_name_and_version() {
    let vex = read_vex(&fixture("synthetic/acme-elliptic.csaf-vex.json")).unwrap();
    assert_eq!(vex.format, VexFormat::Csaf);
    assert_eq!(vex.document_id.as_deref(), Some("ACME-VEX-2026-001"));
    let acme = sbom("spdx-2.3_acme.spdx.json");
    let found = resolve_vex(&vex.statements, &[&acme]);
    let elliptic = vex
        .statements
        .iter()
        .position(|s| s.cve.as_deref() == Some("CVE-2020-28498"))
        .unwrap();
    assert_eq!(vex.statements[elliptic].state, VexState::NotAffected);
    assert_eq!(
        vex.statements[elliptic].justification.as_deref(),
        Some("vulnerable_code_not_in_execute_path")
    );
    assert_eq!(
        found[elliptic],
        vec![(0, "SPDXRef-npm-elliptic".to_string())]
    );
    // "OpenSSL >= 3.0.0 | < 3.0.5" has no purl: found by name and version range.
    let openssl = vex
        .statements
        .iter()
        .position(|s| s.cve.as_deref() == Some("CVE-2022-2274"))
        .unwrap();
    assert_eq!(vex.statements[openssl].state, VexState::Affected);
    assert_eq!(found[openssl], vec![(0, "SPDXRef-openssl".to_string())]);

    // The OASIS example names the product itself: "ABC" version 4.2 of Example Company.
    let oasis = read_vex(&fixture("csaf-vex_2022-evd-uc-01-na-001.json")).unwrap();
    assert_eq!(
        oasis.statements[0].detail.as_deref(),
        Some("Class with vulnerable code was removed before shipping.")
    );
    let pump = sbom("synthetic/abc-infusion-pump-4.2.cdx.json");
    assert_eq!(
        resolve_vex(&oasis.statements, &[&pump])[0],
        vec![(0, "abc-pump".to_string())]
    );
    let monitor = sbom("synthetic/abc-monitor-1.0.cdx.xml");
    assert!(resolve_vex(&oasis.statements, &[&monitor])[0].is_empty());
}

#[test]
fn documents_that_are_not_vex_are_refused() {
    let advisory = read_vex(&fixture("cdx-1.3_vex-example.bom.json"))
        .unwrap_err()
        .to_string();
    assert!(advisory.contains("holds no statement"), "{advisory}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("advisory.json");
    let text = std::fs::read_to_string(fixture("csaf-vex_2022-evd-uc-01-na-001.json"))
        .unwrap()
        .replace("\"csaf_vex\"", "\"csaf_security_advisory\"");
    std::fs::write(&path, text).unwrap();
    let message = read_vex(&path).unwrap_err().to_string();
    assert!(message.contains("not \"csaf_vex\""), "{message}");
}
