//! Risk use cases against a real SQLite file: the register groups findings, user decisions
//! survive recomputation, acceptance expires by the injected "today", controls lower residual
//! risk, and a device's explanation says why.

use devicerisk_api::core::risk::RiskLevel;
use devicerisk_api::core::*;
use devicerisk_api::*;

mod common;
use common::*;

fn open() -> (Api, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (open_at(&dir.path().join("devicerisk.sqlite3")), dir)
}

/// A wired device whose facts are all good except the ones a test changes.
fn pump(tag: &str, function: ClinicalFunction) -> DeviceFields {
    DeviceFields {
        asset_tag: Some(tag.to_string()),
        name: format!("Pump {tag}"),
        category: DeviceCategory::InfusionPump,
        connectivity: vec![Connectivity::Wired],
        clinical_function: function,
        handles_phi: TriState::No,
        patch_status: PatchStatus::Current,
        default_credentials_changed: TriState::Yes,
        authentication: Authentication::Local,
        encryption_in_transit: TriState::Yes,
        remote_vendor_access: RemoteAccess::None,
        monitoring_coverage: TriState::Yes,
        vendor_support: VendorSupport::Supported,
        ..DeviceFields::default()
    }
}

const DEFAULT_CREDS: &str = "factor:default_credentials_unchanged";

fn risk(api: &Api, key: &str) -> RegisterRisk {
    api.get_risk(key.to_string()).unwrap()
}

#[test]
fn devices_with_one_finding_make_one_risk_rated_by_the_worst_device() {
    let (api, _dir) = open();
    let mut ids = Vec::new();
    for (tag, function) in [
        ("P-1", ClinicalFunction::Administrative),
        ("P-2", ClinicalFunction::LifeSustaining),
        ("P-3", ClinicalFunction::Monitoring),
    ] {
        let device = api
            .create_device(DeviceFields {
                default_credentials_changed: TriState::No,
                ..pump(tag, function)
            })
            .unwrap();
        ids.push(device.id);
    }
    let register = api.risk_register(RegisterFilter::default()).unwrap();
    let creds: Vec<_> = register.iter().filter(|r| r.key == DEFAULT_CREDS).collect();
    assert_eq!(
        creds.len(),
        1,
        "one risk for the finding, not one per device"
    );
    let creds = creds[0];
    assert_eq!(
        creds.title,
        "3 devices still use the manufacturer's default credentials"
    );
    assert_eq!(creds.devices.len(), 3);
    let levels = api.device_risk_levels().unwrap();
    let worst = levels.iter().map(|l| l.level).max().unwrap();
    assert_eq!(creds.level, worst);
    let life = levels.iter().find(|l| l.device_id == ids[1]).unwrap();
    assert_eq!(life.level, worst, "the life-sustaining pump is the worst");
    assert!(
        creds.level_reason.contains("Pump P-2 (P-2)"),
        "{}",
        creds.level_reason
    );
    assert_eq!(creds.status, RiskStatus::Open);
    assert_eq!(creds.treatment, RiskTreatment::Undecided);
    assert_eq!(creds.method_version, "2026.1");
    // Every risk of the register is a finding of its devices; the filters narrow.
    let open_high: Vec<_> = api
        .risk_register(RegisterFilter {
            level: Some(creds.residual_level),
            text: Some("DEFAULT cred".into()),
            ..RegisterFilter::default()
        })
        .unwrap();
    assert_eq!(open_high.len(), 1);
    assert!(api
        .risk_register(RegisterFilter {
            owner: Some("nobody".into()),
            ..RegisterFilter::default()
        })
        .unwrap()
        .is_empty());
}

#[test]
fn decisions_survive_recomputation_and_a_fixed_finding_closes() {
    let (api, _dir) = open();
    let a = api
        .create_device(DeviceFields {
            default_credentials_changed: TriState::No,
            ..pump("A", ClinicalFunction::Therapeutic)
        })
        .unwrap();
    let b = api
        .create_device(DeviceFields {
            default_credentials_changed: TriState::No,
            ..pump("B", ClinicalFunction::Therapeutic)
        })
        .unwrap();
    let saved = api
        .save_risk(RiskUpdate {
            key: DEFAULT_CREDS.into(),
            treatment: RiskTreatment::Mitigate,
            owner: Some(" Biomed (Sam) ".into()),
            due_date: Some(day(2026, 9, 30)),
            review_date: Some(day(2026, 12, 1)),
            status: RiskStatus::InProgress,
            notes: Some("Vendor visit booked".into()),
        })
        .unwrap();
    assert_eq!(saved.owner.as_deref(), Some("Biomed (Sam)"));

    // One device fixed: the same risk, one device, the decisions kept.
    api.update_device(
        a.id,
        DeviceFields {
            default_credentials_changed: TriState::Yes,
            ..a.fields.clone()
        },
    )
    .unwrap();
    let after = risk(&api, DEFAULT_CREDS);
    assert_eq!(after.devices.len(), 1);
    assert_eq!(after.devices[0].id, b.id);
    assert_eq!(
        after.title,
        "1 device still uses the manufacturer's default credentials"
    );
    assert_eq!(after.owner.as_deref(), Some("Biomed (Sam)"));
    assert_eq!(after.treatment, RiskTreatment::Mitigate);
    assert_eq!(after.status, RiskStatus::InProgress);

    // All fixed: still listed with its history, now closed.
    api.update_device(
        b.id,
        DeviceFields {
            default_credentials_changed: TriState::Yes,
            ..b.fields.clone()
        },
    )
    .unwrap();
    let closed = risk(&api, DEFAULT_CREDS);
    assert!(closed.devices.is_empty());
    assert_eq!(closed.status, RiskStatus::Closed);
    assert_eq!(closed.notes.as_deref(), Some("Vendor visit booked"));

    let err = api
        .save_risk(RiskUpdate {
            key: "factor:no_such_factor".into(),
            ..RiskUpdate::default()
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = api
        .save_risk(RiskUpdate {
            key: DEFAULT_CREDS.into(),
            status: RiskStatus::Accepted,
            ..RiskUpdate::default()
        })
        .unwrap_err();
    assert_eq!(err.field_issues[0].field, "status");
}

#[test]
fn an_acceptance_needs_approver_reason_and_expiry_and_expires_back_to_open() {
    let (mut api, _dir) = open();
    api.create_device(DeviceFields {
        default_credentials_changed: TriState::No,
        ..pump("A", ClinicalFunction::Therapeutic)
    })
    .unwrap();
    let err = api
        .accept_risk(AcceptRisk {
            key: DEFAULT_CREDS.into(),
            approver: " ".into(),
            reason: String::new(),
            expires: Some(day(2026, 6, 1)),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let fields: Vec<_> = err.field_issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["approver", "reason", "expires"]);
    assert!(
        err.message.contains("after today (2026-06-01)"),
        "{}",
        err.message
    );
    assert_eq!(risk(&api, DEFAULT_CREDS).status, RiskStatus::Open);

    let accepted = api
        .accept_risk(AcceptRisk {
            key: DEFAULT_CREDS.into(),
            approver: "Dr. Rivera, COO".into(),
            reason: "Vendor firmware with password change due in Q4".into(),
            expires: Some(day(2026, 12, 31)),
        })
        .unwrap();
    assert_eq!(accepted.status, RiskStatus::Accepted);
    assert_eq!(accepted.treatment, RiskTreatment::Accept);
    let acceptance = accepted.acceptance.clone().unwrap();
    assert_eq!(acceptance.accepted_on, day(2026, 6, 1));
    assert!(!acceptance.expired);
    let listed = api
        .risk_register(RegisterFilter {
            status: Some(RiskStatus::Accepted),
            ..RegisterFilter::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, DEFAULT_CREDS);
    let log = api.audit_log(5).unwrap();
    assert!(
        log[0].summary.contains("accepted by Dr. Rivera"),
        "{:?}",
        log[0]
    );

    // The last day of the acceptance still counts; the day after, the risk is open again.
    api.set_today(day(2026, 12, 31));
    assert_eq!(risk(&api, DEFAULT_CREDS).status, RiskStatus::Accepted);
    api.set_today(day(2027, 1, 1));
    let expired = risk(&api, DEFAULT_CREDS);
    assert_eq!(expired.status, RiskStatus::Open);
    assert!(expired.acceptance.unwrap().expired);
}

#[test]
fn a_control_assigned_to_many_devices_never_raises_residual_risk_and_is_removable() {
    let (api, _dir) = open();
    let mut ids = Vec::new();
    for tag in ["A", "B", "C"] {
        let d = api
            .create_device(DeviceFields {
                zone_id: None,
                monitoring_coverage: TriState::No,
                patch_status: PatchStatus::Unpatchable,
                vendor_support: VendorSupport::Ended,
                ..pump(tag, ClinicalFunction::LifeSustaining)
            })
            .unwrap();
        ids.push(d.id);
    }
    let before = api.device_risk_levels().unwrap();
    let library = api.risk_controls().unwrap();
    assert!(library.len() >= 6, "the method's control library");
    let control = library
        .iter()
        .find(|c| c.id == "network_monitoring")
        .expect("network monitoring is in the library");

    let change = api
        .assign_control(ControlAssignment {
            control_id: control.id.clone(),
            device_ids: ids[..2].to_vec(),
            note: Some("Sensor on VLAN 40".into()),
        })
        .unwrap();
    assert_eq!(change.changed, 2);
    let after = api.device_risk_levels().unwrap();
    for (b, a) in before.iter().zip(&after) {
        assert!(a.residual_level <= b.residual_level);
        assert_eq!(a.level, b.level, "controls never change the inherent level");
    }
    let page = api.device_risk(ids[0]).unwrap();
    assert_eq!(page.controls.len(), 1);
    assert_eq!(page.controls[0].note.as_deref(), Some("Sensor on VLAN 40"));
    assert_eq!(
        api.risk_controls()
            .unwrap()
            .iter()
            .find(|c| c.id == "network_monitoring")
            .unwrap()
            .devices,
        2
    );
    let monitoring = risk(&api, "factor:monitoring_missing");
    assert_eq!(monitoring.controls.len(), 1);
    assert_eq!(monitoring.controls[0].devices, 2);

    let removed = api
        .remove_control(ControlAssignment {
            control_id: "network_monitoring".into(),
            device_ids: ids.clone(),
            note: None,
        })
        .unwrap();
    assert_eq!(removed.changed, 2, "the third device never had it");
    assert_eq!(api.device_risk_levels().unwrap(), before);

    let err = api
        .assign_control(ControlAssignment {
            control_id: "magic_shield".into(),
            device_ids: vec![],
            note: None,
        })
        .unwrap_err();
    let fields: Vec<_> = err.field_issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["control_id", "device_ids"]);
}

#[test]
fn a_device_page_explains_its_levels_and_what_would_lower_them() {
    let (api, _dir) = open();
    let device = api
        .create_device(DeviceFields {
            default_credentials_changed: TriState::No,
            monitoring_coverage: TriState::No,
            ..pump("ICU-7", ClinicalFunction::LifeSustaining)
        })
        .unwrap();
    assert_eq!(api.resolve_device("icu-7").unwrap(), device.id);
    assert_eq!(
        api.resolve_device(&device.id.to_string()).unwrap(),
        device.id
    );
    assert_eq!(
        api.resolve_device("nope").unwrap_err().code,
        ErrorCode::NotFound
    );
    let page = api.device_risk(device.id).unwrap();
    assert_eq!(page.result.method_version.as_str(), "2026.1");
    let factors: Vec<&str> = page
        .result
        .factors
        .iter()
        .map(|f| f.factor.as_str())
        .collect();
    assert!(
        factors.contains(&"default_credentials_unchanged"),
        "{factors:?}"
    );
    assert!(factors.contains(&"safety_life_sustaining"), "{factors:?}");
    assert!(page
        .result
        .factors
        .iter()
        .all(|f| !f.explanation.as_str().is_empty()));
    assert!(!page.lower.is_empty());
    // Ranked: the first action lowers at least as much as any other.
    let first = &page.lower[0];
    assert!(page.lower.iter().all(|a| a.to_level >= first.to_level));
    assert!(page
        .lower
        .iter()
        .any(|a| a.id == "change_default_credentials"));
    let keys: Vec<_> = page.risks.iter().map(|r| r.key.as_str()).collect();
    assert!(keys.contains(&DEFAULT_CREDS), "{keys:?}");
    assert!(keys.contains(&"factor:monitoring_missing"), "{keys:?}");
}

#[test]
fn manual_risks_are_rated_by_hand_and_overview_counts_every_open_risk() {
    let (api, _dir) = open();
    let device = api
        .create_device(DeviceFields {
            default_credentials_changed: TriState::No,
            ..pump("A", ClinicalFunction::Diagnostic)
        })
        .unwrap();
    let err = api
        .add_manual_risk(NewManualRisk {
            title: " ".into(),
            likelihood: 0,
            impact: 6,
            ..NewManualRisk::default()
        })
        .unwrap_err();
    assert_eq!(err.field_issues.len(), 3);
    let manual = api
        .add_manual_risk(NewManualRisk {
            title: "Reception PC shared by all staff".into(),
            threat: Some("A visitor uses the unlocked PC".into()),
            likelihood: 4,
            impact: 3,
            device_ids: vec![device.id],
            ..NewManualRisk::default()
        })
        .unwrap();
    assert_eq!(manual.origin, RiskOrigin::Manual);
    assert!(manual.key.starts_with("manual:"));
    assert_eq!(manual.devices.len(), 1);
    assert!(manual.level_reason.starts_with("Rated by hand"));

    let overview = api.risk_overview().unwrap();
    let register = api.risk_register(RegisterFilter::default()).unwrap();
    let open = register
        .iter()
        .filter(|r| r.status != RiskStatus::Closed)
        .count() as u32;
    let cells: u32 = overview.inherent.iter().flatten().sum();
    let residual_cells: u32 = overview.residual.iter().flatten().sum();
    assert_eq!(cells, open);
    assert_eq!(residual_cells, open);
    assert_eq!(overview.risks, register.len() as u32);
    assert_eq!(
        overview.inherent[3][2], 1,
        "the manual risk at likelihood 4, impact 3"
    );
    assert_eq!(overview.levels[4][4], RiskLevel::Critical);
    let in_cell = api
        .risk_register(RegisterFilter {
            cell: Some(HeatCell {
                likelihood: 4,
                impact: 3,
                residual: false,
            }),
            ..RegisterFilter::default()
        })
        .unwrap();
    assert!(in_cell.iter().any(|r| r.key == manual.key));
    assert!(in_cell.iter().all(|r| (r.likelihood, r.impact) == (4, 3)));
    let devices: u32 = overview.by_level.iter().map(|l| l.devices).sum();
    assert_eq!(devices, 1);

    // Editing keeps the decisions and moves the risk on the heat map.
    api.save_risk(RiskUpdate {
        key: manual.key.clone(),
        treatment: RiskTreatment::Mitigate,
        owner: Some("Front desk lead".into()),
        ..RiskUpdate::default()
    })
    .unwrap();
    let edit = |likelihood, impact, title: &str| ManualRiskEdit {
        key: manual.key.clone(),
        title: title.into(),
        threat: Some("A visitor uses the unlocked PC".into()),
        vulnerability: Some("No screen lock".into()),
        likelihood,
        impact,
        device_ids: vec![],
    };
    let err = api.edit_manual_risk(edit(0, 3, "")).unwrap_err();
    let fields: Vec<_> = err.field_issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["title", "likelihood"]);
    assert_eq!(risk(&api, &manual.key).likelihood, 4, "nothing saved");
    let edited = api
        .edit_manual_risk(edit(2, 5, "Reception PC without a screen lock"))
        .unwrap();
    assert_eq!((edited.likelihood, edited.impact), (2, 5));
    assert_eq!(edited.title, "Reception PC without a screen lock");
    assert_eq!(edited.vulnerability, "No screen lock");
    assert!(edited.devices.is_empty());
    assert_eq!(edited.treatment, RiskTreatment::Mitigate);
    assert_eq!(edited.owner.as_deref(), Some("Front desk lead"));
    assert_eq!(api.risk_overview().unwrap().inherent[1][4], 1);
    let log = api.audit_log(5).unwrap();
    assert!(
        log.iter()
            .any(|e| e.entity_id == manual.key && e.summary.contains("rated 2×5 (was 4×3)")),
        "{log:?}"
    );
    let finding = api
        .edit_manual_risk(ManualRiskEdit {
            key: DEFAULT_CREDS.into(),
            ..edit(3, 3, "x")
        })
        .unwrap_err();
    assert_eq!(finding.code, ErrorCode::Validation);

    api.delete_manual_risk(manual.key.clone()).unwrap();
    assert_eq!(
        api.get_risk(manual.key).unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[test]
fn the_home_step_counts_risks_without_a_treatment() {
    let (api, _dir) = open();
    let step = |api: &Api| home_step(api, "risks");
    assert_eq!(step(&api).state, StepState::Todo);
    api.create_device(DeviceFields {
        default_credentials_changed: TriState::No,
        ..pump("A", ClinicalFunction::Diagnostic)
    })
    .unwrap();
    let total = api.risk_register(RegisterFilter::default()).unwrap().len();
    assert!(total >= 1);
    api.save_risk(RiskUpdate {
        key: DEFAULT_CREDS.into(),
        treatment: RiskTreatment::Mitigate,
        ..RiskUpdate::default()
    })
    .unwrap();
    let s = step(&api);
    if total == 1 {
        assert_eq!(s.state, StepState::Done, "{}", s.detail);
    } else {
        assert_eq!(s.state, StepState::InProgress, "{}", s.detail);
        assert!(s.detail.contains("without a treatment"), "{}", s.detail);
    }
}

#[test]
fn the_demo_clinic_has_a_readable_register() {
    let (api, _dir) = open();
    api.load_demo(DemoOptions::default()).unwrap();
    let register = api.risk_register(RegisterFilter::default()).unwrap();
    let devices = api.device_risk_levels().unwrap().len();
    assert!(register.len() >= 5, "{}", register.len());
    assert!(
        register.len() < devices * 3,
        "grouping keeps the register shorter than the device list times three"
    );
    assert!(register.iter().any(|r| r.devices.len() > 1));
    for r in &register {
        assert!(!r.title.is_empty() && !r.threat.is_empty(), "{r:?}");
        assert!(r.residual_level <= r.level, "{}", r.key);
    }
}
