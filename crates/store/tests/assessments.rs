//! Assessments, answers, history and evidence against a real SQLite file.

use chrono::{NaiveDate, TimeZone, Utc};
use devicerisk_core::questionnaire::*;
use devicerisk_core::{DeviceCategory, DeviceId};
use devicerisk_store::{EvidenceRecord, Store, StoreError};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 10, 30, 0).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 4).unwrap()
}

fn draft(store: &Store) -> Assessment {
    let a = Assessment::new_draft(
        "2026 annual",
        day(),
        vec![(Scope::Clinic, 1), (Scope::Device, 1)],
    )
    .unwrap();
    store
        .transaction(|db| db.insert_assessment(&a, at()))
        .unwrap();
    a
}

#[test]
fn assessment_round_trips_and_finalize_is_permanent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let store = Store::open(&path).unwrap();
    let mut a = draft(&store);
    let stored = store.db().assessment(a.id).unwrap().unwrap();
    assert_eq!(stored.assessment, a);
    assert_eq!(stored.created_at, at());
    assert_eq!(stored.finalized_at, None);

    a.finalize(
        SignOff {
            name: "Ana Diaz".into(),
            role: "COO".into(),
            signed_on: day(),
        },
        vec![],
    )
    .unwrap();
    assert!(store
        .transaction(|db| db.finalize_assessment(&a, at()))
        .unwrap());
    drop(store);

    let store = Store::open(&path).unwrap();
    let stored = store.db().assessment(a.id).unwrap().unwrap();
    assert_eq!(stored.assessment.status, AssessmentStatus::Final);
    assert_eq!(
        stored.assessment.sign_off.as_ref().unwrap().name,
        "Ana Diaz"
    );
    assert_eq!(stored.finalized_at, Some(at()));

    // The database itself refuses to change a final assessment or its answers.
    let err = store
        .transaction(|db| db.finalize_assessment(&a, at()))
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    let err = store
        .transaction(|db| {
            db.put_answer(
                a.id,
                &AnswerSubject::Clinic,
                "clinic.inv.01",
                Some(&Answer::new(AnswerValue::Yes)),
                at(),
            )
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
}

#[test]
fn answers_are_kept_per_subject_and_replaced_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let a = draft(&store);
    let device = AnswerSubject::Device(DeviceId::new());
    let category = AnswerSubject::Category(DeviceCategory::InfusionPump);
    let purchase = AnswerSubject::Purchase("New MRI, 2027".into());
    let noted = Answer {
        note: Some("checked with biomed".into()),
        ..Answer::new(AnswerValue::Choices(vec!["wired".into(), "wifi".into()]))
    };
    store
        .transaction(|db| {
            db.put_answer(
                a.id,
                &AnswerSubject::Clinic,
                "clinic.a",
                Some(&Answer::new(AnswerValue::Yes)),
                at(),
            )?;
            db.put_answer(a.id, &device, "device.a", Some(&noted), at())?;
            db.put_answer(
                a.id,
                &category,
                "device.a",
                Some(&Answer::not_applicable("no network")),
                at(),
            )?;
            db.put_answer(
                a.id,
                &purchase,
                "procurement.a",
                Some(&Answer::new(AnswerValue::Date(day()))),
                at(),
            )?;
            db.put_answer(
                a.id,
                &AnswerSubject::Clinic,
                "clinic.b",
                Some(&Answer::new(AnswerValue::Number(3.5))),
                at(),
            )
        })
        .unwrap();
    let grouped = store.db().answers_by_subject(a.id).unwrap();
    assert_eq!(grouped.len(), 4);
    assert_eq!(grouped[&device]["device.a"], noted);
    assert_eq!(
        grouped[&category]["device.a"].na_reason.as_deref(),
        Some("no network")
    );
    assert_eq!(
        grouped[&AnswerSubject::Clinic]["clinic.b"].value,
        AnswerValue::Number(3.5)
    );
    assert_eq!(
        grouped[&purchase]["procurement.a"].value,
        AnswerValue::Date(day())
    );

    store
        .transaction(|db| {
            db.put_answer(
                a.id,
                &AnswerSubject::Clinic,
                "clinic.a",
                Some(&Answer::new(AnswerValue::No)),
                at(),
            )?;
            db.put_answer(a.id, &AnswerSubject::Clinic, "clinic.b", None, at())
        })
        .unwrap();
    let clinic = store
        .db()
        .subject_answers(a.id, &AnswerSubject::Clinic)
        .unwrap();
    assert_eq!(clinic.len(), 1);
    assert_eq!(clinic["clinic.a"].value, AnswerValue::No);
}

#[test]
fn history_is_append_only_and_evidence_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let a = draft(&store);
    let yes = Answer::new(AnswerValue::Yes);
    store
        .transaction(|db| {
            db.append_answer_history(
                a.id,
                &AnswerSubject::Clinic,
                "clinic.a",
                None,
                Some(&yes),
                "ana",
                at(),
            )?;
            db.append_answer_history(
                a.id,
                &AnswerSubject::Clinic,
                "clinic.a",
                Some(&yes),
                None,
                "ana",
                at(),
            )
        })
        .unwrap();
    let history = store.db().answer_history(a.id).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].after.as_ref(), Some(&yes));
    assert_eq!(history[1].before.as_ref(), Some(&yes));
    assert_eq!(history[1].after, None);
    assert_eq!(history[1].actor, "ana");

    let evidence = EvidenceRecord {
        id: uuid::Uuid::new_v4(),
        assessment_id: a.id,
        subject: AnswerSubject::Clinic,
        question_id: "clinic.a".into(),
        file_name: "policy.pdf".into(),
        stored_path: "evidence/abcdef012345/policy.pdf".into(),
        sha256: "a".repeat(64),
        size: 1234,
        added_at: at(),
    };
    store
        .transaction(|db| db.insert_evidence(&evidence))
        .unwrap();
    assert_eq!(store.db().evidence(a.id).unwrap(), vec![evidence]);
}

/// The triggers hold against any writer, not only through the store's functions.
#[test]
fn triggers_refuse_direct_sql_on_history_and_final_assessments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let store = Store::open(&path).unwrap();
    let mut a = draft(&store);
    let yes = Answer::new(AnswerValue::Yes);
    store
        .transaction(|db| {
            db.put_answer(a.id, &AnswerSubject::Clinic, "clinic.a", Some(&yes), at())?;
            db.append_answer_history(
                a.id,
                &AnswerSubject::Clinic,
                "clinic.a",
                None,
                Some(&yes),
                "ana",
                at(),
            )
        })
        .unwrap();
    a.finalize(
        SignOff {
            name: "Ana Diaz".into(),
            role: "COO".into(),
            signed_on: day(),
        },
        vec![],
    )
    .unwrap();
    store
        .transaction(|db| db.finalize_assessment(&a, at()))
        .unwrap();
    drop(store);

    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE answer_history SET actor = 'mallory'",
        "DELETE FROM answer_history",
        "UPDATE answers SET value = '{\"kind\":\"no\"}'",
        "DELETE FROM answers",
        "UPDATE assessments SET title = 'changed'",
        "DELETE FROM assessments",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("final") || err.to_string().contains("append-only"),
            "{sql}: {err}"
        );
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.db().answers(a.id).unwrap().len(), 1);
    assert_eq!(store.db().answer_history(a.id).unwrap()[0].actor, "ana");
}

#[test]
fn a_version_1_database_is_upgraded_with_assessment_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let old = Store::open_with_migrations(&path, &devicerisk_store::MIGRATIONS[..1]).unwrap();
    assert_eq!(old.schema_version().unwrap(), 1);
    drop(old);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        devicerisk_store::MIGRATIONS.last().unwrap().version
    );
    let a = draft(&store);
    assert_eq!(store.db().assessments().unwrap()[0].assessment.id, a.id);
}

#[test]
fn a_risk_snapshot_is_kept_once_and_never_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let store = Store::open(&path).unwrap();
    let a = draft(&store);
    assert_eq!(store.db().risk_snapshot(a.id).unwrap(), None);
    let record = devicerisk_store::RiskSnapshotRecord {
        assessment_id: a.id,
        taken_at: at(),
        method_version: "2026.1".into(),
        snapshot: r#"{"devices":[]}"#.into(),
    };
    store
        .transaction(|db| db.save_risk_snapshot(&record))
        .unwrap();
    let again = store
        .transaction(|db| db.save_risk_snapshot(&record))
        .unwrap_err();
    assert!(matches!(again, StoreError::Duplicate(_)), "{again:?}");
    drop(store);

    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE risk_snapshots SET snapshot = '{}'",
        "DELETE FROM risk_snapshots",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("evidence"), "{sql}: {err}");
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.db().risk_snapshot(a.id).unwrap(), Some(record));
}
