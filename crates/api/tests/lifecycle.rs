//! Lifecycle use cases against a real SQLite file with "today" fixed: support status from the
//! OS table and per-model vendor dates, OS match corrections, patch log and cadence, plans
//! with suggestions, budget and roadmap per fiscal year, deadlines, endoflife.date import that
//! survives reopening, and the decommission checklist.

use chrono::NaiveDate;
use devicerisk_api::core::lifecycle::*;
use devicerisk_api::core::*;
use devicerisk_api::*;

mod common;
use common::*;

fn device(api: &Api, name: &str, os: Option<(&str, &str)>, model: Option<(&str, &str)>) -> Device {
    api.create_device(DeviceFields {
        name: name.into(),
        category: DeviceCategory::PatientMonitor,
        os_name: os.map(|o| o.0.to_string()),
        os_version: os.map(|o| o.1.to_string()).filter(|v| !v.is_empty()),
        manufacturer: model.map(|m| m.0.to_string()),
        model: model.map(|m| m.1.to_string()),
        ..DeviceFields::default()
    })
    .unwrap()
}

fn support_of(api: &Api, id: DeviceId) -> DeviceSupport {
    api.lifecycle_status()
        .unwrap()
        .devices
        .into_iter()
        .find(|d| d.device_id == id)
        .unwrap()
}

#[test]
fn support_status_from_the_os_table_and_the_model_date_shared_by_its_devices() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("db.sqlite3"));
    let xp = device(
        &api,
        "Old monitor",
        Some(("Windows XP Embedded", "SP3")),
        None,
    );
    let deb = device(
        &api,
        "Lab PC",
        Some(("Debian", "12")),
        Some(("Acme", "LX-1")),
    );
    let deb2 = device(
        &api,
        "Lab PC 2",
        Some(("Debian", "13")),
        Some(("ACME", "lx-1")),
    );
    let none = device(&api, "Pump", None, None);

    let s = support_of(&api, xp.id);
    assert_eq!(
        s.support.status,
        SupportStatus::Unsupported,
        "{}",
        s.support.reason
    );
    assert!(s.os_match.release_id.is_some());
    let s = support_of(&api, deb.id);
    // Debian 12 security support ends 2026-07-11: within 12 months of 2026-06-01.
    assert_eq!(
        s.support.status,
        SupportStatus::EndingSoon,
        "{}",
        s.support.reason
    );
    assert_eq!(s.support.end_date, Some(day(2026, 7, 11)));
    assert_eq!(
        support_of(&api, deb2.id).support.status,
        SupportStatus::Supported
    );
    let s = support_of(&api, none.id);
    assert_eq!(s.support.status, SupportStatus::Unknown);
    assert_eq!(s.os_match.confidence, MatchConfidence::None);

    let status = api.lifecycle_status().unwrap();
    assert_eq!(status.counts.unsupported, 1);
    assert_eq!(status.counts.ending_soon, 1);
    assert_eq!(status.counts.supported, 1);
    assert_eq!(status.counts.unknown, 1);
    assert_eq!(status.counts.unplanned_at_risk, 2);

    // The vendor's date for the model, entered once, applies to both devices of the model
    // (manufacturer and model compared without case).
    let models = api
        .set_model_support(ModelSupportInput {
            manufacturer: "Acme".into(),
            model: "LX-1".into(),
            end_of_support: Some(day(2026, 3, 31)),
            note: Some("letter from Acme".into()),
        })
        .unwrap();
    let lx = models.iter().find(|m| m.model == "LX-1").unwrap();
    assert_eq!(lx.device_count, 2);
    for id in [deb.id, deb2.id] {
        let s = support_of(&api, id);
        assert_eq!(s.support.status, SupportStatus::Unsupported);
        assert_eq!(s.support.decided_by, SupportBasis::Vendor);
        assert!(s.vendor_end_from_model);
    }
    // Removing it goes back to the OS dates.
    api.set_model_support(ModelSupportInput {
        manufacturer: "acme".into(),
        model: "lx-1".into(),
        end_of_support: None,
        note: None,
    })
    .unwrap();
    assert_eq!(
        support_of(&api, deb2.id).support.status,
        SupportStatus::Supported
    );

    // Support status moves with "today".
    let mut later = open_at(&dir.path().join("db.sqlite3"));
    later.set_today(day(2026, 7, 12));
    assert_eq!(
        support_of(&later, deb.id).support.status,
        SupportStatus::Unsupported
    );
    later.set_today(day(2025, 6, 1));
    assert_eq!(
        support_of(&later, deb.id).support.status,
        SupportStatus::Supported
    );

    let err = api
        .set_model_support(ModelSupportInput {
            manufacturer: " ".into(),
            model: "X".into(),
            end_of_support: Some(today()),
            note: None,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(err.field_issues[0].field, "manufacturer");
}

#[test]
fn the_users_os_match_is_kept_until_the_os_text_changes() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("db.sqlite3"));
    let d = device(&api, "Cart", Some(("Debian", "12")), None);
    let s = api.set_os_match(d.id, Some("debian/13".into())).unwrap();
    assert_eq!(s.os_match.confidence, MatchConfidence::Confirmed);
    assert_eq!(s.os_match.release_id.as_deref(), Some("debian/13"));
    assert_eq!(s.support.status, SupportStatus::Supported);

    let err = api
        .set_os_match(d.id, Some("debian/99".into()))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(api
        .os_releases()
        .unwrap()
        .iter()
        .any(|r| r.id == "debian/12"));

    // The OS is edited: the correction no longer fits, the new text is matched anew.
    let mut fields = d.fields.clone();
    fields.os_version = Some("11".into());
    api.update_device(d.id, fields).unwrap();
    let s = support_of(&api, d.id);
    assert_ne!(s.os_match.confidence, MatchConfidence::Confirmed);
    assert_eq!(s.os_match.release_id.as_deref(), Some("debian/11"));

    let s = api.set_os_match(d.id, Some("debian/12".into())).unwrap();
    assert_eq!(s.os_match.confidence, MatchConfidence::Confirmed);
    let s = api.set_os_match(d.id, None).unwrap();
    assert_eq!(s.os_match.release_id.as_deref(), Some("debian/11"));

    let pump = device(&api, "Pump", None, None);
    assert_eq!(
        api.set_os_match(pump.id, Some("debian/12".into()))
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
}

#[test]
fn patch_log_and_vendor_cadence_show_overdue_devices() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("db.sqlite3"));
    let vendor = api
        .save_vendor(VendorInput {
            id: None,
            fields: VendorFields {
                name: "Acme Medical".into(),
                ..VendorFields::default()
            },
        })
        .unwrap();
    let d = api
        .create_device(DeviceFields {
            name: "Monitor".into(),
            vendor_id: Some(vendor.id),
            last_patch_date: Some(day(2026, 3, 1)),
            software_version: Some("4.1".into()),
            ..DeviceFields::default()
        })
        .unwrap();
    assert_eq!(
        support_of(&api, d.id).patch.status,
        PatchCadenceStatus::NotTracked
    );
    api.set_patch_cadence(vendor.id, Some(30)).unwrap();
    let s = support_of(&api, d.id);
    assert_eq!(s.patch.status, PatchCadenceStatus::Overdue);
    assert_eq!(s.patch.due_date, Some(day(2026, 3, 31)));
    assert_eq!(api.lifecycle_status().unwrap().counts.patch_overdue, 1);
    assert_eq!(
        api.set_patch_cadence(vendor.id, Some(0)).unwrap_err().code,
        ErrorCode::Validation
    );

    let entry = api
        .add_patch(NewPatch {
            device_id: d.id,
            patched_on: day(2026, 5, 20),
            from_version: Some("4.1".into()),
            to_version: "4.2".into(),
            tested_by: Some("J. Biomed".into()),
            note: None,
        })
        .unwrap();
    let s = support_of(&api, d.id);
    assert_eq!(s.patch.status, PatchCadenceStatus::OnTime);
    assert_eq!(s.last_patch, Some(day(2026, 5, 20)));
    let detail = api.get_device(d.id).unwrap();
    assert_eq!(
        detail.row.device.fields.last_patch_date,
        Some(day(2026, 5, 20))
    );
    assert_eq!(
        detail.row.device.fields.software_version.as_deref(),
        Some("4.2")
    );

    // An older patch entered late is logged but does not move the device back.
    api.add_patch(NewPatch {
        device_id: d.id,
        patched_on: day(2026, 1, 5),
        from_version: None,
        to_version: "4.0".into(),
        tested_by: None,
        note: Some("entered from the paper log".into()),
    })
    .unwrap();
    let log = api.patch_log(d.id).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0], entry, "newest first");
    assert_eq!(
        api.get_device(d.id)
            .unwrap()
            .row
            .device
            .fields
            .software_version
            .as_deref(),
        Some("4.2")
    );

    let err = api
        .add_patch(NewPatch {
            device_id: d.id,
            patched_on: day(2026, 6, 2),
            from_version: None,
            to_version: " ".into(),
            tested_by: None,
            note: None,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let fields: Vec<&str> = err.field_issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["to_version", "patched_on"]);
}

#[test]
fn suggestions_accepted_or_edited_make_the_budget_roadmap_and_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("db.sqlite3"));
    api.save_clinic(ClinicProfile {
        name: "Clinic".into(),
        fiscal_year_start_month: 7,
        ..ClinicProfile::default()
    })
    .unwrap();
    let xp = device(&api, "XP monitor", Some(("Windows XP Embedded", "")), None);
    let deb = device(&api, "Lab PC", Some(("Debian", "12")), None);
    let stuck = device(&api, "MRI console", Some(("Windows 7", "SP1")), None);
    api.set_replaceable(stuck.id, false).unwrap();
    let fine = device(&api, "New PC", Some(("Debian", "13")), None);

    let proposals = api.suggest_plans().unwrap();
    let of = |id: DeviceId| proposals.iter().find(|p| p.device_id == id);
    // Unsupported, risk not assessed: replace at the start of the next fiscal year (FY2027
    // starts 2026-07-01 with a July start).
    let p = of(xp.id).unwrap();
    assert_eq!(p.suggestion.action, Some(PlanAction::Replace));
    assert_eq!(p.suggestion.target_date, Some(day(2026, 7, 1)));
    assert_eq!(p.suggestion.fiscal_year.as_ref().unwrap().label, "FY2027");
    // Ending soon and replaceable: replace by the end date.
    let p = of(deb.id).unwrap();
    assert_eq!(p.suggestion.action, Some(PlanAction::Replace));
    assert_eq!(p.suggestion.target_date, Some(day(2026, 7, 11)));
    // Unsupported and not replaceable: isolate within 30 days.
    let p = of(stuck.id).unwrap();
    assert_eq!(p.suggestion.action, Some(PlanAction::Isolate));
    assert_eq!(p.suggestion.target_date, Some(day(2026, 7, 1)));
    assert!(
        of(fine.id).is_none(),
        "nothing to plan for a supported, patched device"
    );

    // Accept one as is, edit another (cost, date, owner).
    let accept = |p: &PlanProposal, cost: Option<i32>, date: Option<NaiveDate>| {
        api.create_plan(PlanFields {
            device_id: p.device_id,
            action: p.suggestion.action.unwrap(),
            target_date: date.unwrap_or(p.suggestion.target_date.unwrap()),
            cost_cents: cost,
            owner: Some("COO".into()),
            status: PlanStatus::Planned,
            origin: PlanOrigin::Suggested,
            with_monitoring: p.suggestion.with_monitoring,
            note: Some(p.suggestion.reason.clone()),
        })
        .unwrap()
    };
    accept(of(xp.id).unwrap(), Some(1_250_000), None);
    let edited = accept(of(deb.id).unwrap(), None, Some(day(2027, 8, 15)));
    accept(of(stuck.id).unwrap(), Some(80_000), None);
    let again = api.suggest_plans().unwrap();
    assert!(again.iter().all(|p| p.already_planned));

    let roadmap = api.lifecycle_roadmap().unwrap();
    assert_eq!(roadmap.current.label, "FY2026");
    let labels: Vec<&str> = roadmap
        .years
        .iter()
        .map(|y| y.fiscal_year.label.as_str())
        .collect();
    assert_eq!(labels, ["FY2026", "FY2027", "FY2028"]);
    let fy27 = &roadmap.years[1];
    assert_eq!(fy27.total_cents, 1_330_000.0);
    assert_eq!(fy27.plans.len(), 2);
    let fy28 = &roadmap.years[2];
    assert_eq!(fy28.unestimated, 1);
    assert_eq!(fy28.plans[0].plan.id, edited.id);
    assert!(roadmap.overdue.is_empty());

    // Deadlines: 30 days sees the two actions due 2026-07-01; 90 days adds Debian's end of
    // support on 2026-07-11; the edited replacement in August 2027 is beyond 365 days.
    let d30 = api.lifecycle_deadlines(DeadlineWindow::Days30).unwrap();
    let kinds = |list: &[UpcomingDeadline]| {
        list.iter()
            .map(|d| (d.item.kind, d.item.date))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(&d30),
        [
            (DeadlineKind::PlannedAction, day(2026, 7, 1)),
            (DeadlineKind::PlannedAction, day(2026, 7, 1)),
        ]
    );
    let d90 = api.lifecycle_deadlines(DeadlineWindow::Days90).unwrap();
    assert!(kinds(&d90).contains(&(DeadlineKind::EndOfSupport, day(2026, 7, 11))));
    let d365 = api.lifecycle_deadlines(DeadlineWindow::Days365).unwrap();
    assert!(!kinds(&d365).contains(&(DeadlineKind::PlannedAction, day(2027, 8, 15))));

    // Home: every at-risk device is planned.
    let step = home_step(&api, "lifecycle");
    assert_eq!(step.state, StepState::Done, "{}", step.detail);

    // Done actions leave the budget; a later "today" makes an open one overdue.
    let mut fields = edited.fields.clone();
    fields.status = PlanStatus::Done;
    api.update_plan(edited.id, fields).unwrap();
    let roadmap = api.lifecycle_roadmap().unwrap();
    assert_eq!(roadmap.years.len(), 2);
    let mut later = open_at(&dir.path().join("db.sqlite3"));
    later.set_today(day(2026, 7, 2));
    assert_eq!(later.lifecycle_roadmap().unwrap().overdue.len(), 2);

    let err = api
        .create_plan(PlanFields {
            device_id: fine.id,
            action: PlanAction::Patch,
            target_date: today(),
            cost_cents: Some(-5),
            owner: None,
            status: PlanStatus::Planned,
            origin: PlanOrigin::User,
            with_monitoring: false,
            note: None,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(err.field_issues[0].field, "cost_cents");
}

#[test]
fn an_endoflife_import_changes_status_reports_the_changes_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let api = open_at(&db);
    let deb = device(&api, "Lab PC", Some(("Debian", "12")), None);
    assert_eq!(
        support_of(&api, deb.id).support.status,
        SupportStatus::EndingSoon
    );

    // The real endoflife.date Debian file, as a newer edition would state it: Debian 12's
    // security support extended, and a new release 14.
    let shipped = include_str!("../../../assets/lifecycle/endoflife/debian.md");
    let newer = shipped
        .replacen("    eol: 2026-07-11", "    eol: 2027-12-31", 1)
        .replacen(
            "releases:\n",
            "releases:\n  - releaseCycle: \"14\"\n    codename: \"Forky\"\n    releaseDate: 2027-06-01\n    eol: 2030-06-01\n\n",
            1,
        );
    assert_ne!(newer, shipped);
    let path = dir.path().join("debian.md");
    std::fs::write(&path, &newer).unwrap();
    let report = api.import_endoflife(&path.display().to_string()).unwrap();
    assert_eq!(report.platform_id, "debian");
    assert_eq!(report.added, ["debian/14"]);
    assert!(report
        .changed
        .iter()
        .any(|c| c.release_id == "debian/12" && c.after == "2027-12-31"));
    assert_eq!(
        support_of(&api, deb.id).support.status,
        SupportStatus::Supported
    );
    drop(api);

    let api = open_at(&db);
    assert_eq!(
        support_of(&api, deb.id).support.status,
        SupportStatus::Supported
    );
    let status = api.lifecycle_status().unwrap();
    assert_eq!(status.imports.len(), 1);
    assert_eq!(status.imports[0].file_name, "debian.md");
    assert!(api
        .os_releases()
        .unwrap()
        .iter()
        .any(|r| r.id == "debian/14"));

    let bad = dir.path().join("notes.md");
    std::fs::write(&bad, "just some notes\n").unwrap();
    let err = api
        .import_endoflife(&bad.display().to_string())
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.message.contains("notes.md"), "{}", err.message);
    let missing = api
        .import_endoflife(&dir.path().join("nope.md").display().to_string())
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::BadFile);
}

#[test]
fn the_decommission_checklist_records_who_and_when_and_keeps_the_device_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("db.sqlite3"));
    let d = device(&api, "Old pump", None, None);
    api.create_plan(PlanFields {
        device_id: d.id,
        action: PlanAction::Retire,
        target_date: day(2026, 6, 30),
        cost_cents: None,
        owner: None,
        status: PlanStatus::Planned,
        origin: PlanOrigin::User,
        with_monitoring: false,
        note: None,
    })
    .unwrap();
    let list = api.decommission_checklist(d.id).unwrap();
    assert_eq!(list.steps.len(), 5);
    assert!(!list.complete);

    let step = |kind, path: Option<String>| {
        api.record_decommission_step(DecommissionStepInput {
            device_id: d.id,
            step: kind,
            done_by: "R. Tech".into(),
            done_on: day(2026, 5, 30),
            note: None,
            certificate_path: path,
        })
    };
    for kind in [
        DecommissionStepKind::DataWiped,
        DecommissionStepKind::AccountsRemoved,
        DecommissionStepKind::NetworkRemoved,
        DecommissionStepKind::MonitoringRemoved,
    ] {
        step(kind, None).unwrap();
    }
    let err = api.finish_decommission(d.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(
        err.message.contains("Disposal certificate"),
        "{}",
        err.message
    );
    let err = step(DecommissionStepKind::CertificateAttached, None).unwrap_err();
    assert_eq!(err.field_issues[0].field, "certificate_path");
    // A certificate that cannot be read is the user's file problem, named, and records nothing.
    let missing = dir.path().join("no such certificate.pdf");
    let err = step(
        DecommissionStepKind::CertificateAttached,
        Some(missing.display().to_string()),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(
        err.message.contains("no such certificate.pdf"),
        "{}",
        err.message
    );
    assert!(api.decommission_checklist(d.id).unwrap().steps[4]
        .done
        .is_none());

    let cert = dir.path().join("disposal certificate.pdf");
    std::fs::write(&cert, b"%PDF-1.4 certificate of destruction").unwrap();
    let list = step(
        DecommissionStepKind::CertificateAttached,
        Some(cert.display().to_string()),
    )
    .unwrap();
    assert!(list.complete);
    let view = &list.steps[4];
    let file = view.done.as_ref().unwrap().file.as_ref().unwrap();
    assert_eq!(
        file.sha256,
        sha256_hex(b"%PDF-1.4 certificate of destruction")
    );
    let copy = std::path::PathBuf::from(view.file_path.as_ref().unwrap());
    assert!(copy.starts_with(dir.path().join("evidence")));
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        b"%PDF-1.4 certificate of destruction"
    );
    assert_eq!(list.steps[0].done.as_ref().unwrap().done_by, "R. Tech");

    let gone = api.finish_decommission(d.id).unwrap();
    assert_eq!(gone.fields.status, DeviceStatus::Decommissioned);
    // Kept in history, left out of the lifecycle status, its open plan cancelled.
    let all = api
        .list_devices(DeviceQuery {
            include_decommissioned: true,
            ..DeviceQuery::default()
        })
        .unwrap();
    assert!(all.rows.iter().any(|r| r.device.id == d.id));
    assert!(api.lifecycle_status().unwrap().devices.is_empty());
    let plans = api.list_plans().unwrap();
    assert_eq!(plans[0].plan.fields.status, PlanStatus::Cancelled);
    assert!(api.decommission_checklist(d.id).unwrap().complete);
    assert_eq!(
        step(DecommissionStepKind::DataWiped, None)
            .unwrap_err()
            .code,
        ErrorCode::Conflict
    );
    let history = api.get_device(d.id).unwrap().history;
    assert!(history
        .iter()
        .any(|h| h.summary.contains("Disposal certificate attached")));
}

#[test]
fn an_operating_system_past_its_end_of_support_counts_in_the_risk_method() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("db.sqlite3"));
    let make = |name: &str, os: &str| {
        api.create_device(DeviceFields {
            name: name.into(),
            category: DeviceCategory::InfusionPump,
            os_name: Some(os.into()),
            // The record says the vendor supports it; the OS table knows better.
            vendor_support: VendorSupport::Supported,
            ..DeviceFields::default()
        })
        .unwrap()
    };
    let old = make("XP pump", "Windows XP Embedded");
    let new = make("Debian pump", "Debian 13");
    let old_risk = api.device_risk(old.id).unwrap().result;
    let new_risk = api.device_risk(new.id).unwrap().result;
    assert!(
        old_risk.points > new_risk.points,
        "{} vs {}",
        old_risk.points,
        new_risk.points
    );
    // The record is unchanged: only the method's input sees the ended support.
    assert_eq!(
        api.get_device(old.id)
            .unwrap()
            .row
            .device
            .fields
            .vendor_support,
        VendorSupport::Supported
    );
    // Correcting the match to a supported release removes the weakness.
    api.set_os_match(old.id, Some("debian/13".into())).unwrap();
    assert_eq!(
        api.device_risk(old.id).unwrap().result.points,
        new_risk.points
    );
}

#[test]
fn deadlines_name_risk_acceptances_review_dates_and_the_next_annual_assessment() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("db.sqlite3"));
    let window = |w| {
        api.lifecycle_deadlines(w)
            .unwrap()
            .into_iter()
            .map(|d| {
                (
                    d.item.kind,
                    d.item.date,
                    d.item.subject_id.unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    api.create_device(DeviceFields {
        name: "Pump A".into(),
        category: DeviceCategory::InfusionPump,
        connectivity: vec![Connectivity::Wired],
        default_credentials_changed: TriState::No,
        ..DeviceFields::default()
    })
    .unwrap();
    const CREDS: &str = "factor:default_credentials_unchanged";
    assert!(
        window(DeadlineWindow::Days365)
            .iter()
            .all(|(kind, ..)| *kind != DeadlineKind::RiskAcceptanceExpiry),
        "nothing accepted yet"
    );

    api.accept_risk(AcceptRisk {
        key: CREDS.into(),
        approver: "Dr. Rivera, COO".into(),
        reason: "Vendor firmware with password change due in Q3".into(),
        expires: Some(day(2026, 8, 15)),
    })
    .unwrap();
    let manual = api
        .add_manual_risk(NewManualRisk {
            title: "Nurse-call server in a shared closet".into(),
            likelihood: 3,
            impact: 3,
            ..NewManualRisk::default()
        })
        .unwrap();
    let saved = api.get_risk(manual.key.clone()).unwrap();
    api.save_risk(RiskUpdate {
        key: manual.key.clone(),
        treatment: RiskTreatment::Mitigate,
        owner: Some("Facilities".into()),
        due_date: None,
        review_date: Some(day(2026, 6, 20)),
        status: saved.status,
        notes: None,
    })
    .unwrap();

    // 30 days: the review on 20 June; 90 days adds the acceptance expiring on 15 August.
    let d30 = window(DeadlineWindow::Days30);
    assert!(d30.contains(&(DeadlineKind::Review, day(2026, 6, 20), manual.key.clone())));
    assert!(!d30
        .iter()
        .any(|(k, ..)| *k == DeadlineKind::RiskAcceptanceExpiry));
    let d90 = window(DeadlineWindow::Days90);
    assert!(d90.contains(&(
        DeadlineKind::RiskAcceptanceExpiry,
        day(2026, 8, 15),
        CREDS.into()
    )));
    let expiry = api
        .lifecycle_deadlines(DeadlineWindow::Days90)
        .unwrap()
        .into_iter()
        .find(|d| d.item.kind == DeadlineKind::RiskAcceptanceExpiry)
        .unwrap();
    assert!(
        expiry.item.title.contains("Dr. Rivera"),
        "{}",
        expiry.item.title
    );

    // A final assessment signed on 1 June makes the next one due a year later.
    let assessment = api
        .create_assessment(NewAssessment {
            title: "2026 annual".into(),
            carry_forward_from: None,
        })
        .unwrap();
    api.finalize_assessment(FinalizeRequest {
        assessment_id: assessment.assessment.id,
        name: "Ana Diaz".into(),
        role: "COO".into(),
        signed_on: None,
    })
    .unwrap();
    assert!(!window(DeadlineWindow::Days90)
        .iter()
        .any(|(_, date, _)| *date == day(2027, 6, 1)));
    assert!(window(DeadlineWindow::Days365).contains(&(
        DeadlineKind::Review,
        day(2027, 6, 1),
        assessment.assessment.id.to_string()
    )));

    // Later: the expired acceptance stays listed, overdue, until someone decides again; a
    // closed risk's review is no longer a deadline.
    let mut later = Api::open(&dir.path().join("db.sqlite3")).unwrap();
    later.set_today(day(2026, 9, 1));
    let stored = later.get_risk(manual.key.clone()).unwrap();
    later
        .save_risk(RiskUpdate {
            key: manual.key.clone(),
            treatment: stored.treatment,
            owner: stored.owner.clone(),
            due_date: None,
            review_date: stored.review_date,
            status: RiskStatus::Closed,
            notes: None,
        })
        .unwrap();
    let list = later.lifecycle_deadlines(DeadlineWindow::Days30).unwrap();
    let expired = list
        .iter()
        .find(|d| d.item.kind == DeadlineKind::RiskAcceptanceExpiry)
        .unwrap();
    assert!(expired.days_left < 0);
    assert!(!list
        .iter()
        .any(|d| d.item.subject_id.as_deref() == Some(&manual.key)));
}
