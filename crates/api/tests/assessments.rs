//! Assessment use cases against a real SQLite file: conditions, carry-forward, finalize
//! immutability, revision history, answers linked to device fields, evidence.

use devicerisk_api::core::questionnaire::*;
use devicerisk_api::core::*;
use devicerisk_api::*;

mod common;
use common::*;

fn new(api: &Api, title: &str, from: Option<AssessmentId>) -> AssessmentId {
    api.create_assessment(NewAssessment {
        title: title.into(),
        carry_forward_from: from,
    })
    .unwrap()
    .assessment
    .id
}

fn save(
    api: &Api,
    id: AssessmentId,
    subject: AnswerSubject,
    question: &str,
    answer: Option<Answer>,
) -> ApiResult<QuestionnairePage> {
    api.save_answer(SaveAnswerRequest {
        assessment_id: id,
        input: AnswerInput {
            subject,
            question_id: question.into(),
            answer,
        },
    })
}

fn yes() -> Option<Answer> {
    Some(Answer::new(AnswerValue::Yes))
}

fn finalize(api: &Api, id: AssessmentId) -> ApiResult<AssessmentSummary> {
    api.finalize_assessment(FinalizeRequest {
        assessment_id: id,
        name: "Ana Diaz".into(),
        role: "COO".into(),
        signed_on: None,
    })
}

fn question<'p>(page: &'p QuestionnairePage, id: &str) -> Option<&'p PageQuestion> {
    page.sections
        .iter()
        .flat_map(|s| s.questions.iter())
        .find(|q| q.question.id == id)
}

fn pump(api: &Api) -> Device {
    api.create_device(DeviceFields {
        name: "Pump 1".into(),
        category: DeviceCategory::InfusionPump,
        connectivity: vec![Connectivity::Wired],
        ..DeviceFields::default()
    })
    .unwrap()
}

#[test]
fn answers_survive_reopening_and_drive_progress_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("devicerisk.sqlite3");
    let api = open_at(&path);
    assert_eq!(home_step(&api, "questionnaires").state, StepState::Todo);
    let id = new(&api, " 2026 annual ", None);
    let page = save(
        &api,
        id,
        AnswerSubject::Clinic,
        "clinic.inv.01",
        Some(Answer::new(AnswerValue::No)),
    )
    .unwrap();
    assert_eq!(page.overall.answered, 1);
    assert_eq!(page.findings.len(), 1);
    assert_eq!(page.findings[0].question_id, "clinic.inv.01");
    assert_eq!(page.findings[0].severity, Severity::Critical);
    assert!(!page.findings[0].action.is_empty());
    assert!(!page.findings[0].csf.is_empty());
    save(
        &api,
        id,
        AnswerSubject::Clinic,
        "clinic.inv.02",
        Some(Answer::new(AnswerValue::Unknown)),
    )
    .unwrap();
    drop(api);

    let api = open_at(&path);
    let page = api
        .questionnaire_page(PageRequest {
            assessment_id: id,
            subject: AnswerSubject::Clinic,
        })
        .unwrap();
    assert_eq!(page.assessment.assessment.title, "2026 annual");
    assert!(page.assessment.assessment.assessor.is_some());
    assert_eq!(page.overall.answered, 2);
    assert_eq!(page.overall.unknown_ids, ["clinic.inv.02"]);
    assert_eq!(
        page.overall.unanswered_ids.first().map(String::as_str),
        Some("clinic.inv.03")
    );
    assert_eq!(
        question(&page, "clinic.inv.01").unwrap().source,
        Some(AnswerSource::Own)
    );
    assert_eq!(
        home_step(&api, "questionnaires").state,
        StepState::InProgress
    );

    // Wrong kind of answer, N/A without reason, unknown question: refused, nothing written.
    let err = save(
        &api,
        id,
        AnswerSubject::Clinic,
        "clinic.inv.01",
        Some(Answer::new(AnswerValue::Number(3.0))),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let err = save(
        &api,
        id,
        AnswerSubject::Clinic,
        "clinic.inv.01",
        Some(Answer::new(AnswerValue::NotApplicable)),
    )
    .unwrap_err();
    assert_eq!(err.field_issues[0].field, "clinic.inv.01");
    let err = save(&api, id, AnswerSubject::Clinic, "device.acc.01", yes()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(api.get_assessment(id).unwrap().answers, 2);
}

#[test]
fn conditions_show_follow_up_questions_and_device_facts_hide_others() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("devicerisk.sqlite3"));
    let device = pump(&api);
    let id = new(&api, "2026 annual", None);
    let subject = AnswerSubject::Device(device.id);
    let page = api
        .questionnaire_page(PageRequest {
            assessment_id: id,
            subject: subject.clone(),
        })
        .unwrap();
    assert!(
        question(&page, "device.rem.02").is_none(),
        "follow-up hidden before the answer"
    );
    // Category-only question: an infusion pump is not an imaging system.
    assert!(question(&page, "device.hard.03").is_none());
    let page = save(
        &api,
        id,
        subject.clone(),
        "device.rem.01",
        Some(Answer::new(AnswerValue::Choice("always_on".into()))),
    )
    .unwrap();
    assert!(question(&page, "device.rem.02").is_some());
    assert!(page
        .findings
        .iter()
        .any(|f| f.question_id == "device.rem.01"));
}

#[test]
fn device_field_answers_live_on_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("devicerisk.sqlite3"));
    let device = pump(&api);
    let id = new(&api, "2026 annual", None);
    let subject = AnswerSubject::Device(device.id);
    save(
        &api,
        id,
        subject.clone(),
        "device.acc.01",
        Some(Answer::new(AnswerValue::No)),
    )
    .unwrap();
    let stored = api.get_device(device.id).unwrap().row.device;
    assert_eq!(stored.fields.default_credentials_changed, TriState::No);
    assert!(api
        .get_device(device.id)
        .unwrap()
        .history
        .iter()
        .any(|h| h.summary.contains("device.acc.01")));

    // Editing the device in the inventory changes the answer the questionnaire shows.
    let mut fields = stored.fields.clone();
    fields.default_credentials_changed = TriState::Yes;
    api.update_device(device.id, fields).unwrap();
    let page = api
        .questionnaire_page(PageRequest {
            assessment_id: id,
            subject,
        })
        .unwrap();
    let q = question(&page, "device.acc.01").unwrap();
    assert_eq!(q.answer.as_ref().unwrap().value, AnswerValue::Yes);
    assert_eq!(q.source, Some(AnswerSource::Inventory));
}

#[test]
fn category_answers_apply_to_devices_unless_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("devicerisk.sqlite3"));
    let one = pump(&api);
    let two = pump(&api);
    let id = new(&api, "2026 annual", None);
    save(
        &api,
        id,
        AnswerSubject::Category(DeviceCategory::InfusionPump),
        "device.acc.03",
        yes(),
    )
    .unwrap();
    save(
        &api,
        id,
        AnswerSubject::Device(two.id),
        "device.acc.03",
        Some(Answer::new(AnswerValue::No)),
    )
    .unwrap();
    let page_one = api
        .questionnaire_page(PageRequest {
            assessment_id: id,
            subject: AnswerSubject::Device(one.id),
        })
        .unwrap();
    let page_two = api
        .questionnaire_page(PageRequest {
            assessment_id: id,
            subject: AnswerSubject::Device(two.id),
        })
        .unwrap();
    let q1 = question(&page_one, "device.acc.03").unwrap();
    assert_eq!(q1.answer.as_ref().unwrap().value, AnswerValue::Yes);
    assert_eq!(q1.source, Some(AnswerSource::Category));
    let q2 = question(&page_two, "device.acc.03").unwrap();
    assert_eq!(q2.answer.as_ref().unwrap().value, AnswerValue::No);
    assert_eq!(q2.source, Some(AnswerSource::Own));
    let overview = api.assessment_overview(id).unwrap();
    assert!(overview
        .subjects
        .iter()
        .any(|s| s.subject == AnswerSubject::Category(DeviceCategory::InfusionPump)));
    assert_eq!(
        overview
            .subjects
            .iter()
            .filter(|s| s.scope == Scope::Device)
            .count(),
        3
    );
    assert!(overview.overall.total > 100);
}

#[test]
fn final_assessments_are_immutable_and_revisions_show_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("devicerisk.sqlite3"));
    let id = new(&api, "2026 annual", None);
    save(&api, id, AnswerSubject::Clinic, "clinic.inv.01", yes()).unwrap();
    let evidence_src = dir.path().join("inventory policy.txt");
    std::fs::write(&evidence_src, "Inventory kept by biomed").unwrap();
    let evidence = api
        .attach_evidence(AttachEvidence {
            assessment_id: id,
            subject: AnswerSubject::Clinic,
            question_id: "clinic.inv.01".into(),
            path: evidence_src.display().to_string(),
        })
        .unwrap();
    assert_eq!(evidence.sha256, sha256_hex(b"Inventory kept by biomed"));
    assert_eq!(evidence.size_bytes, 24.0);
    assert!(evidence.stored_path.contains(&format!(
        "evidence/{}/inventory policy.txt",
        &evidence.sha256[..12]
    )));
    assert_eq!(
        std::fs::read(&evidence.stored_path).unwrap(),
        b"Inventory kept by biomed"
    );

    let err = api
        .attach_evidence(AttachEvidence {
            assessment_id: id,
            subject: AnswerSubject::Clinic,
            question_id: "clinic.inv.01".into(),
            path: dir.path().join("missing.pdf").display().to_string(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.message.contains("missing.pdf"), "{}", err.message);
    assert_eq!(api.list_evidence(id).unwrap(), vec![evidence.clone()]);

    // A sign-off needs a name and role.
    let err = api
        .finalize_assessment(FinalizeRequest {
            assessment_id: id,
            name: " ".into(),
            role: "COO".into(),
            signed_on: None,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let done = finalize(&api, id).unwrap();
    assert_eq!(done.assessment.status, AssessmentStatus::Final);
    assert_eq!(
        done.assessment.sign_off.as_ref().unwrap().signed_on,
        today()
    );
    assert_eq!(home_step(&api, "questionnaires").state, StepState::Done);

    let err = save(
        &api,
        id,
        AnswerSubject::Clinic,
        "clinic.inv.01",
        Some(Answer::new(AnswerValue::No)),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(
        err.message.contains("finalized by Ana Diaz"),
        "{}",
        err.message
    );
    let err = api
        .attach_evidence(AttachEvidence {
            assessment_id: id,
            subject: AnswerSubject::Clinic,
            question_id: "clinic.inv.01".into(),
            path: evidence_src.display().to_string(),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(finalize(&api, id).unwrap_err().code, ErrorCode::Conflict);
    let page = api
        .questionnaire_page(PageRequest {
            assessment_id: id,
            subject: AnswerSubject::Clinic,
        })
        .unwrap();
    assert!(page.read_only);

    // A revision starts from the final answers; the history shows what changed.
    let revision = api.revise_assessment(id).unwrap();
    assert_eq!(revision.assessment.revision, 2);
    assert_eq!(revision.assessment.revises, Some(id));
    assert_eq!(revision.answers, 1);
    assert_eq!(revision.evidence_files, 1);
    assert_eq!(
        api.revise_assessment(id).unwrap_err().code,
        ErrorCode::Conflict
    );
    let rev = revision.assessment.id;
    assert_eq!(
        api.revise_assessment(rev).unwrap_err().code,
        ErrorCode::Conflict
    );
    save(
        &api,
        rev,
        AnswerSubject::Clinic,
        "clinic.inv.01",
        Some(Answer::new(AnswerValue::Partial)),
    )
    .unwrap();
    let history = api.assessment_history(rev).unwrap();
    assert_eq!(history.revisions.len(), 2);
    assert_eq!(history.changes_since_previous.len(), 1);
    let change = &history.changes_since_previous[0];
    assert_eq!(change.question_id, "clinic.inv.01");
    assert_eq!(change.before.as_ref().unwrap().value, AnswerValue::Yes);
    assert_eq!(change.after.as_ref().unwrap().value, AnswerValue::Partial);
    assert_eq!(history.log.len(), 1);
    // The original is untouched.
    let original = api
        .questionnaire_page(PageRequest {
            assessment_id: id,
            subject: AnswerSubject::Clinic,
        })
        .unwrap();
    assert_eq!(
        question(&original, "clinic.inv.01")
            .unwrap()
            .answer
            .as_ref()
            .unwrap()
            .value,
        AnswerValue::Yes
    );
}

#[test]
fn carry_forward_marks_answers_to_confirm() {
    let dir = tempfile::tempdir().unwrap();
    let api = open_at(&dir.path().join("devicerisk.sqlite3"));
    let last = new(&api, "2025 annual", None);
    save(
        &api,
        last,
        AnswerSubject::Clinic,
        "clinic.inv.01",
        Some(Answer::new(AnswerValue::Partial)),
    )
    .unwrap();
    save(
        &api,
        last,
        AnswerSubject::Purchase("New pumps".into()),
        "procurement.tr.01",
        Some(Answer::new(AnswerValue::Unknown)),
    )
    .unwrap();
    finalize(&api, last).unwrap();
    let next = api
        .create_assessment(NewAssessment {
            title: "2026 annual".into(),
            carry_forward_from: Some(last),
        })
        .unwrap();
    assert_eq!(next.assessment.carried_from, Some(last));
    assert_eq!(next.to_confirm, next.answers);
    assert_eq!(next.answers, 2);
    let page = api
        .questionnaire_page(PageRequest {
            assessment_id: next.assessment.id,
            subject: AnswerSubject::Clinic,
        })
        .unwrap();
    assert_eq!(page.overall.to_confirm, 1);
    let q = question(&page, "clinic.inv.01").unwrap();
    assert!(q.answer.as_ref().unwrap().to_confirm);
    // Saving the same answer confirms it.
    let page = save(
        &api,
        next.assessment.id,
        AnswerSubject::Clinic,
        "clinic.inv.01",
        Some(Answer::new(AnswerValue::Partial)),
    )
    .unwrap();
    assert_eq!(page.overall.to_confirm, 0);
    let err = api
        .create_assessment(NewAssessment {
            title: "x".into(),
            carry_forward_from: Some(AssessmentId::new()),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = api
        .create_assessment(NewAssessment {
            title: "  ".into(),
            carry_forward_from: None,
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
}

#[test]
fn built_in_questionnaire_checks_clean_and_a_broken_file_does_not() {
    let check = check_questionnaire_files(&[]);
    assert!(check.problems.is_empty(), "{:?}", check.problems);
    assert!(check.questions >= 85);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let content = r#"
version = 1
title = "Broken"
scope = "clinic"
[[sections]]
id = "s"
title = "S"
intro = "Intro"
[[sections.questions]]
id = "clinic.s.01"
text = "Is it done?"
help = ""
answer = "yes_no"
action = "Do it."
practice = 1
hicp = "1.S.A"
csf = ["ID.AM-01"]
hipaa = ["164.308(a)(1)(ii)(A)"]
show_if = { question = "clinic.s.09", answer_in = ["yes"] }
"#;
    std::fs::write(&bad, content).unwrap();
    let check = check_questionnaire_files(std::slice::from_ref(&bad));
    assert!(!check.problems.is_empty());
    std::fs::write(&bad, "not toml [").unwrap();
    let check = check_questionnaire_files(&[bad]);
    assert!(
        check.problems[0].contains("bad.toml"),
        "{:?}",
        check.problems
    );
}
