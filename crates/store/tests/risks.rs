//! The risk register tables: controls per device, risk rows keyed by grouping key.

use chrono::{NaiveDate, TimeZone, Utc};
use devicerisk_core::*;
use devicerisk_store::{
    AssignedControl, ManualRiskText, Store, StoreError, StoredAcceptance, StoredRisk,
};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 10, 30, 0).unwrap()
}

fn device(store: &Store, tag: &str) -> DeviceId {
    let device = Device {
        id: DeviceId::new(),
        fields: DeviceFields {
            asset_tag: Some(tag.into()),
            name: format!("Pump {tag}"),
            ..DeviceFields::default()
        },
        created_at: at(),
        updated_at: at(),
        decommissioned_at: None,
    };
    store.transaction(|db| db.insert_device(&device)).unwrap();
    device.id
}

fn control(device_id: DeviceId, id: &str) -> AssignedControl {
    AssignedControl {
        device_id,
        control_id: id.into(),
        note: Some("VLAN 40".into()),
        assigned_by: "ana".into(),
        assigned_at: at(),
    }
}

fn finding_row(key: &str) -> StoredRisk {
    StoredRisk {
        key: key.into(),
        manual: None,
        treatment: RiskTreatment::Mitigate,
        owner: Some("Biomed".into()),
        due_date: NaiveDate::from_ymd_opt(2026, 9, 1),
        review_date: None,
        status: RiskStatus::InProgress,
        notes: None,
        acceptance: None,
        device_ids: Vec::new(),
        created_at: at(),
        updated_at: at(),
    }
}

#[test]
fn one_control_is_assigned_to_many_devices_and_removed_from_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let a = device(&store, "A");
    let b = device(&store, "B");
    store
        .transaction(|db| {
            db.assign_control(&control(a, "isolation_vlan"))?;
            db.assign_control(&control(b, "isolation_vlan"))?;
            db.assign_control(&control(a, "network_monitoring"))?;
            // Assigning again re-notes instead of failing.
            db.assign_control(&AssignedControl {
                note: Some("moved to VLAN 41".into()),
                ..control(a, "isolation_vlan")
            })
        })
        .unwrap();
    let by_device = store.db().controls_by_device().unwrap();
    assert_eq!(by_device[&a], vec!["isolation_vlan", "network_monitoring"]);
    assert_eq!(by_device[&b], vec!["isolation_vlan"]);
    let all = store.db().assigned_controls().unwrap();
    assert_eq!(all.len(), 3);
    assert!(all
        .iter()
        .any(|c| c.device_id == a && c.note.as_deref() == Some("moved to VLAN 41")));

    assert!(store
        .transaction(|db| db.remove_control(b, "isolation_vlan"))
        .unwrap());
    assert!(!store
        .transaction(|db| db.remove_control(b, "isolation_vlan"))
        .unwrap());
    assert!(!store.db().controls_by_device().unwrap().contains_key(&b));

    let err = store
        .transaction(|db| db.assign_control(&control(DeviceId::new(), "isolation_vlan")))
        .unwrap_err();
    assert!(matches!(err, StoreError::Reference(_)), "{err:?}");
}

#[test]
fn a_risk_row_round_trips_and_keeps_its_creation_time() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let a = device(&store, "A");
    let key = "factor:default_credentials_unchanged";
    store
        .transaction(|db| db.put_risk(&finding_row(key)))
        .unwrap();
    let later = at() + chrono::Duration::days(3);
    let accepted = StoredRisk {
        treatment: RiskTreatment::Accept,
        acceptance: Some(StoredAcceptance {
            approver: "Dr. Lee".into(),
            reason: "Vendor fix due in Q3".into(),
            accepted_on: NaiveDate::from_ymd_opt(2026, 5, 7).unwrap(),
            expires: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        }),
        created_at: later,
        updated_at: later,
        ..finding_row(key)
    };
    store.transaction(|db| db.put_risk(&accepted)).unwrap();
    let stored = store.db().stored_risk(key).unwrap().unwrap();
    assert_eq!(stored.created_at, at());
    assert_eq!(stored.updated_at, later);
    assert_eq!(stored.acceptance, accepted.acceptance);
    assert_eq!(stored.status, RiskStatus::InProgress);

    let manual = StoredRisk {
        key: "manual:1".into(),
        manual: Some(ManualRiskText {
            title: "Shared laptop at reception".into(),
            threat: Some("Theft".into()),
            vulnerability: None,
            likelihood: 3,
            impact: 4,
        }),
        device_ids: vec![a],
        ..finding_row("manual:1")
    };
    store.transaction(|db| db.put_risk(&manual)).unwrap();
    let all = store.db().stored_risks().unwrap();
    assert_eq!(all.len(), 2);
    let read = all.iter().find(|r| r.key == "manual:1").unwrap();
    assert_eq!(read.manual, manual.manual);
    assert_eq!(read.device_ids, vec![a]);
    assert!(store.transaction(|db| db.delete_risk("manual:1")).unwrap());
    assert_eq!(store.db().stored_risks().unwrap().len(), 1);
}

#[test]
fn the_schema_refuses_half_acceptances_and_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let bad_key = finding_row("something:else");
    assert!(store.transaction(|db| db.put_risk(&bad_key)).is_err());
    // A manual key without its words is refused by the table's CHECK.
    assert!(store
        .transaction(|db| db.put_risk(&finding_row("manual:2")))
        .is_err());
    assert!(store.db().stored_risks().unwrap().is_empty());
}
