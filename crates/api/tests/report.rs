//! The audit packet against a real database: a small fixture clinic (Unicode names, a retired
//! device, a formula-like name, two assessments, evidence) written as PDF and XLSX, then read
//! back with pdftotext/pdfinfo (poppler-utils), lopdf and calamine; a golden snapshot of the
//! model (regenerate with UPDATE_GOLDEN=1).

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use devicerisk_api::core::lifecycle::{PlanAction, PlanFields, PlanOrigin, PlanStatus};
use devicerisk_api::core::questionnaire::*;
use devicerisk_api::core::*;
use devicerisk_api::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// A generation time after every audit entry the fixture writes (entries use the clock).
fn generated_at() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::hours(1)
}

const DEVICE_NAMES: [&str; 6] = [
    "Dräger Evita V500",
    "Infusion pump São Paulo",
    "Monitor Müller",
    "ECG cart",
    "Old PC",
    "=SUM(1,2) spare pump",
];

struct Fixture {
    _dir: tempfile::TempDir,
    api: Api,
    previous: AssessmentId,
    current: AssessmentId,
    dir: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut api = Api::open(&dir.path().join("clinic.sqlite3")).unwrap();
    api.set_today(today());
    api.save_clinic(ClinicProfile {
        name: "Klinik Müller São Paulo".into(),
        legal_name: Some("Praxis Müller GmbH".into()),
        security_officer: Some("Jürgen Müller".into()),
        contact_email: Some("it@klinik.example".into()),
        fiscal_year_start_month: 1,
        ..ClinicProfile::default()
    })
    .unwrap();
    let main = api
        .save_site(SiteInput {
            id: None,
            name: "São Paulo Praxis".into(),
            address: None,
            notes: None,
        })
        .unwrap();
    let medical = api
        .save_zone(ZoneInput {
            id: None,
            site_id: Some(main.id),
            name: "Medical devices".into(),
            vlan_id: Some(30),
            purpose: ZonePurpose::MedicalDevices,
            notes: None,
        })
        .unwrap();
    let office = api
        .save_zone(ZoneInput {
            id: None,
            site_id: Some(main.id),
            name: "Office".into(),
            vlan_id: Some(10),
            purpose: ZonePurpose::Corporate,
            notes: None,
        })
        .unwrap();
    let drager = api
        .save_vendor(VendorInput {
            id: None,
            fields: VendorFields {
                name: "Dräger".into(),
                security_contact: Some("psirt@draeger.example".into()),
                sbom_on_file: TriState::Yes,
                ..VendorFields::default()
            },
        })
        .unwrap();
    let device = |name: &str, category, connectivity: Vec<Connectivity>, zone: Option<ZoneId>| {
        DeviceFields {
            asset_tag: None,
            name: name.into(),
            category,
            connectivity,
            site_id: Some(main.id),
            zone_id: zone,
            ..DeviceFields::default()
        }
    };
    let mut vent = device(
        DEVICE_NAMES[0],
        DeviceCategory::Ventilator,
        vec![Connectivity::Wired],
        Some(medical.id),
    );
    vent.vendor_id = Some(drager.id);
    vent.vendor_support = VendorSupport::Ended;
    vent.clinical_function = ClinicalFunction::LifeSustaining;
    vent.os_name = Some("Windows CE".into());
    vent.os_version = Some("6.0".into());
    vent.asset_tag = Some("KM-001".into());
    let vent = api.create_device(vent).unwrap();
    api.create_plan(PlanFields {
        device_id: vent.id,
        action: PlanAction::Replace,
        target_date: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
        cost_cents: Some(1_250_000),
        owner: Some("Jürgen Müller".into()),
        status: PlanStatus::Planned,
        origin: PlanOrigin::User,
        with_monitoring: false,
        note: None,
    })
    .unwrap();
    let mut pump = device(
        DEVICE_NAMES[1],
        DeviceCategory::InfusionPump,
        vec![Connectivity::Wifi],
        Some(office.id),
    );
    pump.asset_tag = Some("KM-002".into());
    pump.clinical_function = ClinicalFunction::Therapeutic;
    api.create_device(pump).unwrap();
    let mut monitor = device(
        DEVICE_NAMES[2],
        DeviceCategory::PatientMonitor,
        vec![Connectivity::Wired],
        None,
    );
    monitor.asset_tag = Some("KM-003".into());
    api.create_device(monitor).unwrap();
    let mut ecg = device(
        DEVICE_NAMES[3],
        DeviceCategory::Ecg,
        vec![Connectivity::Bluetooth],
        None,
    );
    ecg.asset_tag = Some("KM-004".into());
    api.create_device(ecg).unwrap();
    let mut pc = device(
        DEVICE_NAMES[4],
        DeviceCategory::ClinicalWorkstation,
        vec![Connectivity::Wired],
        Some(office.id),
    );
    pc.asset_tag = Some("KM-005".into());
    let pc = api.create_device(pc).unwrap();
    api.decommission_device(pc.id, Some("replaced".into()))
        .unwrap();
    let mut spare = device(DEVICE_NAMES[5], DeviceCategory::InfusionPump, vec![], None);
    spare.asset_tag = Some("KM-006".into());
    spare.status = DeviceStatus::InStorage;
    api.create_device(spare).unwrap();

    // Last year's assessment, final; this year's carries it forward.
    let first = api
        .create_assessment(NewAssessment {
            title: "2025 annual".into(),
            carry_forward_from: None,
        })
        .unwrap()
        .assessment
        .id;
    let answer = |id, q: &str, value: AnswerValue, note: Option<&str>| {
        api.save_answer(SaveAnswerRequest {
            assessment_id: id,
            input: AnswerInput {
                subject: AnswerSubject::Clinic,
                question_id: q.into(),
                answer: Some(Answer {
                    note: note.map(str::to_string),
                    ..Answer::new(value)
                }),
            },
        })
        .unwrap();
    };
    answer(first, "clinic.inv.01", AnswerValue::Unknown, None);
    answer(first, "clinic.inv.02", AnswerValue::Unknown, None);
    api.finalize_assessment(FinalizeRequest {
        assessment_id: first,
        name: "Jürgen Müller".into(),
        role: "COO".into(),
        signed_on: None,
    })
    .unwrap();
    let current = api
        .create_assessment(NewAssessment {
            title: "2026 annual".into(),
            carry_forward_from: Some(first),
        })
        .unwrap()
        .assessment
        .id;
    answer(
        current,
        "clinic.inv.01",
        AnswerValue::Yes,
        Some("Checked by Müller"),
    );
    answer(current, "clinic.inv.02", AnswerValue::Unknown, None);
    let evidence = dir.path().join("inventory-sign-off.txt");
    std::fs::write(&evidence, "Inventory reviewed by Jürgen Müller").unwrap();
    api.attach_evidence(AttachEvidence {
        assessment_id: current,
        subject: AnswerSubject::Clinic,
        question_id: "clinic.inv.01".into(),
        path: evidence.to_string_lossy().into_owned(),
    })
    .unwrap();
    let path = dir.path().to_path_buf();
    Fixture {
        _dir: dir,
        api,
        previous: first,
        current,
        dir: path,
    }
}

fn write(
    f: &Fixture,
    format: ReportFormat,
    paper: Paper,
    name: &str,
    at: DateTime<Utc>,
) -> (PathBuf, ReportResult) {
    let path = f.dir.join(name);
    let result = f
        .api
        .write_report(
            &ReportRequest {
                format,
                paper,
                assessment_id: Some(f.current),
                path: path.to_string_lossy().into_owned(),
            },
            at,
            &mut |_| {},
        )
        .unwrap();
    (path, result)
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The value printed to the right of a label on the same line.
fn value_after<'t>(text: &'t str, label: &str) -> &'t str {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .unwrap_or_else(|| panic!("no line starts with {label:?}"))
        .trim()
}

#[test]
fn pdf_text_has_every_section_device_and_the_right_counts() {
    let f = fixture();
    let (path, result) = write(
        &f,
        ReportFormat::Pdf,
        Paper::Letter,
        "packet.pdf",
        generated_at(),
    );
    let text = pdftotext(&path);
    for (i, title) in devicerisk_report_titles().iter().enumerate() {
        let numbered = format!("{}. {title}", i + 1);
        assert!(text.contains(&numbered), "missing section {numbered:?}");
    }
    for name in DEVICE_NAMES {
        assert!(
            text.contains(name.trim_start_matches('=')),
            "missing device {name:?}"
        );
    }
    for word in ["Dräger", "Müller", "São Paulo", "Jürgen"] {
        assert!(text.contains(word), "{word} does not print right");
    }
    assert_eq!(value_after(&text, "Devices recorded"), "6");
    assert_eq!(value_after(&text, "In use (active or in storage)"), "5");
    let pages = result.pages.unwrap();
    assert!(
        pages >= 19,
        "cover, contents and 17 sections: {pages} pages"
    );
    // The lifecycle plan and its budget.
    let roadmap = section(&text, "9. Lifecycle roadmap and budget", "10. Unsupported");
    assert!(roadmap.contains("$12,500.00"), "{roadmap}");
    assert!(roadmap.contains("Dräger Evita V500"));
    // The register's grouped risks and what is left to mitigate.
    let remediation = section(&text, "8. Remediation plan", "9. Lifecycle");
    assert!(remediation.contains("Not assigned"), "{remediation}");
    assert!(text.contains(&format!("Page 1 of {pages}")));
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    // Segmentation: the Wi-Fi pump on the office network and the wired monitor with no zone;
    // not the Bluetooth ECG, not the ventilator on the medical VLAN.
    let seg = section(
        &text,
        "5. Network segmentation",
        "6. Clinic questionnaire results",
    );
    assert!(seg.contains("Shares the office network"));
    assert!(seg.contains("No network zone recorded"));
    assert!(!seg.contains("ECG cart"));
    // The carried-forward comparison and the signed-off previous assessment.
    assert_eq!(
        value_after(&text, "Previous assessment"),
        "2025 annual (started 2026-06-01)"
    );
    assert_eq!(value_after(&text, "Resolved since"), "1");
    // Evidence with its hash.
    let sha = sha256_hex(b"Inventory reviewed by J\xc3\xbcrgen M\xc3\xbcller");
    assert!(
        text.replace([' ', '\n'], "").contains(&sha),
        "evidence SHA-256 printed"
    );
    // The unsupported ventilator and its measure.
    let unsupported = section(
        &text,
        "10. Unsupported and unpatchable devices",
        "11. Vulnerability",
    );
    assert!(unsupported.contains("Dräger Evita V500"));
    assert!(unsupported.contains("segmented"));
}

fn section<'t>(text: &'t str, from: &str, to: &str) -> &'t str {
    // Skip the contents page: take the last occurrence of the heading.
    let start = text.rfind(from).unwrap_or_else(|| panic!("no {from:?}"));
    let end = text[start..].find(to).map_or(text.len(), |e| start + e);
    &text[start..end]
}

fn devicerisk_report_titles() -> Vec<&'static str> {
    vec![
        "Executive summary",
        "Scope and method",
        "Inventory summary",
        "Full inventory",
        "Network segmentation",
        "Clinic questionnaire results",
        "Risk register",
        "Remediation plan",
        "Lifecycle roadmap and budget",
        "Unsupported and unpatchable devices",
        "Vulnerability and advisory findings",
        "Vendors and procurement",
        "Evidence index",
        "Audit trail summary",
        "Method appendix",
        "Mapping to HIPAA, HICP and NIST CSF",
        "Sign-off",
    ]
}

/// Long tables go on over many pages: each of those pages repeats the table's header, every
/// page says "Page X of Y", and the contents give the page each section starts on.
#[test]
fn long_tables_repeat_their_header_and_every_page_is_numbered() {
    let dir = tempfile::tempdir().unwrap();
    let mut api = Api::open(&dir.path().join("clinic.sqlite3")).unwrap();
    api.set_today(today());
    api.load_demo(DemoOptions {
        devices: 250,
        seed: 7,
    })
    .unwrap();
    let path = dir.path().join("long.pdf");
    let result = api
        .write_report(
            &ReportRequest {
                format: ReportFormat::Pdf,
                paper: Paper::A4,
                assessment_id: None,
                path: path.to_string_lossy().into_owned(),
            },
            generated_at(),
            &mut |_| {},
        )
        .unwrap();
    let total = result.pages.unwrap() as usize;
    let text = pdftotext(&path);
    // pdftotext ends every page with a form feed.
    let pages: Vec<&str> = text.split('\u{c}').take(total).collect();
    assert_eq!(pages.len(), total);
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {total}", i + 1)),
            "page {} has no footer",
            i + 1
        );
    }
    let starts_on = |title: &str| -> usize {
        let line = pages[1]
            .lines()
            .find(|l| l.trim_start().starts_with(title))
            .unwrap_or_else(|| panic!("{title} is not in the contents"));
        line.split_whitespace().last().unwrap().parse().unwrap()
    };
    let (from, to) = (
        starts_on("4. Full inventory"),
        starts_on("5. Network segmentation"),
    );
    assert!(to - from >= 5, "the inventory takes pages {from} to {to}");
    assert!(pages[from - 1].contains("4. Full inventory"));
    for page in from..to {
        let text = pages[page - 1];
        assert!(
            text.contains("Asset tag") && text.contains("Category") && text.contains("Patch"),
            "page {page} of the inventory has no header:\n{text}"
        );
    }
    // Every device is listed once in the inventory, whichever page it falls on.
    let inventory = pages[from - 1..to - 1].join("\n");
    for n in 1..=250 {
        let tag = format!("RFC-{n:05}");
        assert_eq!(inventory.matches(&tag).count(), 1, "{tag}");
    }
}

#[test]
fn pdf_reparses_with_metadata_bookmarks_and_both_paper_sizes() {
    let f = fixture();
    let at = generated_at();
    let (letter, result) = write(&f, ReportFormat::Pdf, Paper::Letter, "letter.pdf", at);
    let (a4, _) = write(&f, ReportFormat::Pdf, Paper::A4, "a4.pdf", at);
    let doc = lopdf::Document::load(&letter).expect("the PDF re-parses");
    assert_eq!(doc.get_pages().len() as u32, result.pages.unwrap());
    let info_ref = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_dictionary(info_ref).unwrap();
    let text = |key: &[u8]| {
        let bytes = info.get(key).unwrap().as_str().unwrap().to_vec();
        // UTF-16BE with a BOM, as printpdf writes it.
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    };
    assert!(text(b"Title").contains("Klinik Müller São Paulo"));
    assert_eq!(text(b"Author"), "Jürgen Müller");
    assert!(text(b"Subject").contains("2026 annual"));
    // Bookmarks: cover, contents and one per section.
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(outlines.get(b"Count").unwrap().as_i64().unwrap(), 19);
    let media = |path: &Path| {
        let doc = lopdf::Document::load(path).unwrap();
        let (_, page) = doc.get_pages().into_iter().next().unwrap();
        let page = doc.get_dictionary(page).unwrap();
        let mb = page.get(b"MediaBox").unwrap().as_array().unwrap().clone();
        mb.iter()
            .map(|o| o.as_float().unwrap().round())
            .collect::<Vec<_>>()
    };
    assert_eq!(media(&letter), vec![0.0, 0.0, 612.0, 792.0]);
    assert_eq!(media(&a4), vec![0.0, 0.0, 595.0, 842.0]);
    let info = Command::new("pdfinfo").arg(&a4).output().unwrap();
    assert!(info.status.success());
    assert!(String::from_utf8_lossy(&info.stdout).contains("(A4)"));
    // Both faces embedded, as subsets named with their tag ("ABCDEF+DejaVuSansCondensed").
    let fonts = Command::new("pdffonts").arg(&letter).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let faces: Vec<Vec<&str>> = fonts
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(faces.len(), 2, "{fonts}");
    for face in &faces {
        let (tag, name) = face[0].split_once('+').expect("a subset tag");
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()));
        assert!(name.starts_with("DejaVuSansCondensed"), "{fonts}");
        // emb, sub, uni
        assert_eq!(face[face.len() - 5..face.len() - 2], ["yes", "yes", "yes"]);
    }
}

#[test]
fn same_data_and_generation_time_give_the_same_bytes() {
    let f = fixture();
    let at = generated_at();
    let one = f.api.report_model(Some(f.current), at).unwrap();
    let two = f.api.report_model(Some(f.current), at).unwrap();
    assert!(
        one == two,
        "the model depends only on the data and the time"
    );
    let pdf = |m: &packet::ReportModel| {
        packet::render_pdf(m, Paper::Letter, &mut |_, _| {})
            .unwrap()
            .bytes
    };
    assert!(pdf(&one) == pdf(&two), "same PDF bytes");
    let xlsx = |m: &packet::ReportModel| packet::render_xlsx(m).unwrap();
    assert!(xlsx(&one) == xlsx(&two), "same XLSX bytes");
    // A different generation time is a different packet.
    let later = f
        .api
        .report_model(Some(f.current), at + chrono::Duration::minutes(1))
        .unwrap();
    assert!(pdf(&one) != pdf(&later));
    // Generating is itself audited: the next packet (generated later) lists it.
    write(&f, ReportFormat::Pdf, Paper::Letter, "one.pdf", at);
    let after = f
        .api
        .report_model(Some(f.current), at + chrono::Duration::hours(1))
        .unwrap();
    assert_eq!(after.audit.total, one.audit.total + 1);
}

#[test]
fn workbook_reads_back_with_sheets_headers_rows_and_safe_text() {
    let f = fixture();
    let (path, result) = write(
        &f,
        ReportFormat::Xlsx,
        Paper::Letter,
        "packet.xlsx",
        generated_at(),
    );
    assert_eq!(result.devices, 5);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Inventory",
            "Risk register",
            "Remediation plan",
            "Lifecycle budget",
            "Device risks",
            "Segmentation",
            "Unsupported devices",
            "Questionnaire",
            "Vulnerabilities",
            "Vendors",
            "Evidence",
            "Audit trail",
            "Mapping",
            "Method",
        ]
    );
    let inventory = book.worksheet_range("Inventory").unwrap();
    let rows: Vec<Vec<String>> = inventory
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][..3], ["Asset tag", "Name", "Category"]);
    assert_eq!(rows.len(), 7, "header and six devices");
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(names.contains(&"Dräger Evita V500"));
    assert!(
        names.contains(&"'=SUM(1,2) spare pump"),
        "formula-like text is neutralised: {names:?}"
    );
    let budget = book.worksheet_range("Lifecycle budget").unwrap();
    let plan: Vec<String> = budget
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(plan[3], "Dräger Evita V500");
    assert_eq!(
        plan[6], "12500",
        "the cost is a number (currency format), not text"
    );
    let register = book.worksheet_range("Device risks").unwrap();
    assert_eq!(
        register.rows().count(),
        6,
        "header and the five devices in use"
    );
    let header: Vec<String> = register
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(header.contains(&"Residual level".to_string()));
    let evidence = book.worksheet_range("Evidence").unwrap();
    let row: Vec<String> = evidence
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[0], "inventory-sign-off.txt");
    assert_eq!(row[1].len(), 64);
    let vendors = book.worksheet_range("Vendors").unwrap();
    assert_eq!(vendors.rows().nth(1).unwrap()[0].to_string(), "Dräger");
}

#[test]
fn the_model_matches_its_golden_snapshot() {
    let f = fixture();
    let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    let model = f.api.report_model(Some(f.current), at).unwrap();
    let mut json = serde_json::to_value(&model).unwrap();
    // What the clock and the random ids decide is replaced; everything else must match.
    json["meta"]["assessment"]["id"] = "<id>".into();
    for entry in json["audit"]["entries"].as_array_mut().unwrap() {
        entry["at"] = "<time>".into();
    }
    json["audit"]["first_at"] = "<time>".into();
    json["audit"]["last_at"] = "<time>".into();
    for e in json["evidence"].as_array_mut().unwrap() {
        e["added_at"] = "<time>".into();
    }
    // The method is printed from assets/risk/method.toml; its own tests cover it.
    json["method"] = json["method"]["version"].clone();
    let actual = (serde_json::to_string_pretty(&json).unwrap() + "\n")
        .replace(&f.previous.to_string(), "<previous id>");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report_model.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&golden)
        .expect("golden file exists (create it with UPDATE_GOLDEN=1)");
    assert_eq!(
        actual, expected,
        "the report model changed; review and regenerate with UPDATE_GOLDEN=1"
    );
}

#[test]
fn generating_a_packet_is_audited_reported_as_progress_and_ticks_the_home_step() {
    let f = fixture();
    let step = |api: &Api| {
        api.status()
            .unwrap()
            .steps
            .into_iter()
            .find(|s| s.key == "audit_packet")
            .unwrap()
    };
    assert_eq!(step(&f.api).state, StepState::Todo);
    let mut fractions = Vec::new();
    let path = f.dir.join("progress.pdf");
    f.api
        .write_report(
            &ReportRequest {
                format: ReportFormat::Pdf,
                paper: Paper::A4,
                assessment_id: None,
                path: path.to_string_lossy().into_owned(),
            },
            generated_at(),
            &mut |p| fractions.push(p.fraction),
        )
        .unwrap();
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert_eq!(fractions.last(), Some(&1.0));
    assert_eq!(step(&f.api).state, StepState::Done);
    let log = f.api.audit_log(5).unwrap();
    assert_eq!(log[0].entity, "packet");
    assert!(
        log[0].summary.contains("2026 annual"),
        "the newest assessment is the default"
    );

    // A folder that does not exist is a validation error naming it.
    let bad = f.dir.join("no-such-dir").join("x.pdf");
    let error = f
        .api
        .write_report(
            &ReportRequest {
                format: ReportFormat::Pdf,
                paper: Paper::Letter,
                assessment_id: None,
                path: bad.to_string_lossy().into_owned(),
            },
            generated_at(),
            &mut |_| {},
        )
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Validation);
    assert!(error.message.contains("no-such-dir"));
    let error = f
        .api
        .write_report(
            &ReportRequest {
                format: ReportFormat::Xlsx,
                paper: Paper::Letter,
                assessment_id: Some(AssessmentId::new()),
                path: f.dir.join("y.xlsx").to_string_lossy().into_owned(),
            },
            generated_at(),
            &mut |_| {},
        )
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
}

fn networked(name: &str, tag: &str, category: DeviceCategory, zone: ZoneId) -> DeviceFields {
    DeviceFields {
        asset_tag: Some(tag.into()),
        name: name.into(),
        category,
        connectivity: vec![Connectivity::Wired],
        zone_id: Some(zone),
        clinical_function: ClinicalFunction::Therapeutic,
        ..DeviceFields::default()
    }
}

/// Between a finalized assessment and the next: a device added, one retired, one moved to the
/// medical-device network, a risk closed by hand. The packet's comparison says so, with the
/// levels kept at finalization; a draft predecessor's levels are "not recorded".
#[test]
fn change_since_the_previous_assessment_covers_devices_levels_and_risks() {
    let dir = tempfile::tempdir().unwrap();
    let mut api = Api::open(&dir.path().join("clinic.sqlite3")).unwrap();
    api.set_today(today());
    let zone = |name: &str, vlan, purpose| {
        api.save_zone(ZoneInput {
            id: None,
            site_id: None,
            name: name.into(),
            vlan_id: Some(vlan),
            purpose,
            notes: None,
        })
        .unwrap()
        .id
    };
    let medical = zone("Medical devices", 30, ZonePurpose::MedicalDevices);
    let office = zone("Office", 10, ZonePurpose::Corporate);
    let guest = zone("Guest Wi-Fi", 99, ZonePurpose::Guest);
    // Well kept apart from its network, so moving it lowers its level.
    let pump = api
        .create_device(DeviceFields {
            clinical_function: ClinicalFunction::Monitoring,
            handles_phi: TriState::No,
            patch_status: PatchStatus::Current,
            default_credentials_changed: TriState::Yes,
            authentication: Authentication::Centralized,
            encryption_in_transit: TriState::Yes,
            remote_vendor_access: RemoteAccess::None,
            monitoring_coverage: TriState::Yes,
            vendor_support: VendorSupport::Supported,
            ..networked(
                "Infusion pump 1",
                "CH-001",
                DeviceCategory::InfusionPump,
                office,
            )
        })
        .unwrap();
    api.create_device(networked(
        "Patient monitor 1",
        "CH-002",
        DeviceCategory::PatientMonitor,
        medical,
    ))
    .unwrap();
    let old_pc = api
        .create_device(networked(
            "Old PACS viewer",
            "CH-003",
            DeviceCategory::ClinicalWorkstation,
            office,
        ))
        .unwrap();
    let first = api
        .create_assessment(NewAssessment {
            title: "2025 annual".into(),
            carry_forward_from: None,
        })
        .unwrap()
        .assessment
        .id;
    api.finalize_assessment(FinalizeRequest {
        assessment_id: first,
        name: "Ana Díaz".into(),
        role: "COO".into(),
        signed_on: None,
    })
    .unwrap();
    let register_then = api.risk_register(RegisterFilter::default()).unwrap();

    // What happens during the year.
    api.create_device(networked(
        "Infusion pump 2",
        "CH-004",
        DeviceCategory::InfusionPump,
        guest,
    ))
    .unwrap();
    api.decommission_device(old_pc.id, Some("replaced".into()))
        .unwrap();
    let mut moved = pump.fields.clone();
    moved.zone_id = Some(medical);
    api.update_device(pump.id, moved).unwrap();
    let closed = register_then
        .iter()
        .find(|r| r.devices.len() > 1 && r.key.starts_with("factor:"))
        .expect("a risk shared by several devices");
    api.save_risk(RiskUpdate {
        key: closed.key.clone(),
        treatment: RiskTreatment::Mitigate,
        owner: Some("Ana Díaz".into()),
        due_date: None,
        review_date: None,
        status: RiskStatus::Closed,
        notes: Some("Fixed for every device".into()),
    })
    .unwrap();
    // An inventory file that updates a device: the log records the import, not the device.
    let csv = dir.path().join("update.csv");
    std::fs::write(
        &csv,
        "Asset tag,Name,Category,Department\nCH-002,Patient monitor 1,Patient monitor,ICU\n",
    )
    .unwrap();
    let imported = api
        .apply_import(ImportRequest {
            path: csv.display().to_string(),
            mapping: None,
        })
        .unwrap();
    assert_eq!((imported.created, imported.updated), (0, 1));
    let current = api
        .create_assessment(NewAssessment {
            title: "2026 annual".into(),
            carry_forward_from: Some(first),
        })
        .unwrap()
        .assessment
        .id;

    let model = api.report_model(Some(current), generated_at()).unwrap();
    let c = model.executive.change.clone().expect("compared with 2025");
    assert_eq!(c.previous_title, "2025 annual");
    assert_eq!(c.devices_added, 1);
    assert_eq!(c.devices_added_names, ["CH-004 Infusion pump 2"]);
    assert_eq!(c.devices_retired, 1);
    assert_eq!(c.devices_retired_names, ["CH-003 Old PACS viewer"]);
    assert_eq!(
        c.devices_changed, 1,
        "the pump moved; added and retired not again"
    );
    assert_eq!(c.inventory_imports, 1);
    let levels = c.levels.as_ref().expect("kept at finalization");
    assert_eq!(levels.residual_then.total(), 3);
    assert_eq!(levels.residual_now.total(), 3);
    assert_eq!(levels.residual_now, model.executive.residual);
    assert!(levels.devices_down >= 1, "{levels:?}");
    let kinds: Vec<_> = levels.risks.iter().map(|r| r.change).collect();
    assert!(
        kinds.contains(&packet::model::RiskChangeKind::Closed),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&packet::model::RiskChangeKind::New),
        "{kinds:?}"
    );
    assert!(levels
        .risks
        .iter()
        .any(|r| r.change == packet::model::RiskChangeKind::Closed && r.now.is_none()));

    // The PDF prints it.
    let path = dir.path().join("packet.pdf");
    api.write_report(
        &ReportRequest {
            format: ReportFormat::Pdf,
            paper: Paper::Letter,
            assessment_id: Some(current),
            path: path.to_string_lossy().into_owned(),
        },
        generated_at(),
        &mut |_| {},
    )
    .unwrap();
    let text = pdftotext(&path);
    assert!(value_after(&text, "Devices added since").starts_with("1: CH-004 Infusion pump 2"));
    assert!(value_after(&text, "Devices retired since").starts_with("1: CH-003 Old PACS"));
    assert!(value_after(&text, "Device records changed").starts_with("1 (devices recorded"));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("and 1 inventory import since"), "{words}");
    assert!(text.contains("Residual then"));
    assert!(text.contains("Closed"));

    // So does the workbook's Summary sheet.
    let xlsx = dir.path().join("packet.xlsx");
    api.write_report(
        &ReportRequest {
            format: ReportFormat::Xlsx,
            paper: Paper::Letter,
            assessment_id: Some(current),
            path: xlsx.to_string_lossy().into_owned(),
        },
        generated_at(),
        &mut |_| {},
    )
    .unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    let row_of = |label: &str| {
        summary
            .rows()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no {label:?} row"))
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row_of("Devices added since")[1],
        "1: CH-004 Infusion pump 2"
    );
    // The second "Medium" row: the first is the levels table above the chart.
    let medium: Vec<String> = summary
        .rows()
        .filter(|r| r[0] == "Medium")
        .nth(1)
        .expect("a then/now levels table")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(medium[1..5], ["1", "0", "1", "0"]);
    let closed = summary
        .rows()
        .find(|r| r[1] == "Closed")
        .expect("the closed risk is listed");
    assert_eq!(closed[2].to_string(), "High");

    // The golden snapshot of this part of the model.
    let actual = serde_json::to_string_pretty(&c).unwrap() + "\n";
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report_change.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&golden)
        .expect("golden file exists (create it with UPDATE_GOLDEN=1)");
    assert_eq!(
        actual, expected,
        "the change section changed; review and regenerate with UPDATE_GOLDEN=1"
    );

    // A draft predecessor: its levels were never kept.
    api.set_today(today() + chrono::Duration::days(30));
    let later = api
        .create_assessment(NewAssessment {
            title: "2026 follow-up".into(),
            carry_forward_from: None,
        })
        .unwrap()
        .assessment
        .id;
    let c = api
        .report_model(Some(later), generated_at())
        .unwrap()
        .executive
        .change
        .expect("compared with the 2026 draft");
    assert_eq!(c.previous_title, "2026 annual");
    assert_eq!(c.levels, None);
    assert!(c.levels_not_recorded.contains("still a draft"), "{c:?}");
    assert!(c.since.contains("still a draft"));
}
