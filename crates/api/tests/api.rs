//! The api's use cases against a real SQLite file in a temporary directory.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use devicerisk_api::core::lifecycle::{DeadlineKind, DeadlineWindow};
use devicerisk_api::core::questionnaire::AssessmentStatus;
use devicerisk_api::core::*;
use devicerisk_api::*;

mod common;
use common::*;

struct Fixture {
    api: Api,
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let api = open_at(&dir.path().join("devicerisk.sqlite3"));
        Fixture { api, dir }
    }

    /// Writes a CSV file into the test's directory.
    fn csv(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn device(name: &str) -> DeviceFields {
    DeviceFields {
        name: name.to_string(),
        ..DeviceFields::default()
    }
}

fn request(path: &Path) -> ImportRequest {
    ImportRequest {
        path: path.display().to_string(),
        mapping: None,
    }
}

fn names(list: &DeviceList) -> Vec<&str> {
    list.rows
        .iter()
        .map(|r| r.device.fields.name.as_str())
        .collect()
}

#[test]
fn clinic_sites_zones_and_vendors() {
    let f = Fixture::new();
    let api = &f.api;
    assert_eq!(api.get_clinic().unwrap().fiscal_year_start_month, 1);
    let err = api
        .save_clinic(ClinicProfile {
            name: " ".into(),
            contact_email: Some("not-an-address".into()),
            fiscal_year_start_month: 13,
            ..ClinicProfile::default()
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let fields: Vec<&str> = err.field_issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["name", "contact_email", "fiscal_year_start_month"]);
    assert!(err.message.contains("Contact email"), "{}", err.message);
    api.save_clinic(ClinicProfile {
        name: "Riverside".into(),
        fiscal_year_start_month: 7,
        ..ClinicProfile::default()
    })
    .unwrap();
    assert_eq!(api.get_clinic().unwrap().name, "Riverside");

    let main = api
        .save_site(SiteInput {
            name: " Main ".into(),
            ..SiteInput::default()
        })
        .unwrap();
    assert_eq!(main.name, "Main");
    let dup = api
        .save_site(SiteInput {
            name: "MAIN".into(),
            ..SiteInput::default()
        })
        .unwrap_err();
    assert_eq!(dup.code, ErrorCode::Conflict);
    let renamed = api
        .save_site(SiteInput {
            id: Some(main.id),
            name: "Main building".into(),
            address: Some("1 River Rd".into()),
            notes: None,
        })
        .unwrap();
    assert_eq!(api.list_sites().unwrap(), vec![renamed.clone()]);

    let bad_zone = api
        .save_zone(ZoneInput {
            site_id: Some(main.id),
            name: "Medical".into(),
            vlan_id: Some(5000),
            ..ZoneInput::default()
        })
        .unwrap_err();
    assert_eq!(bad_zone.field_issues[0].field, "vlan_id");
    let zone = api
        .save_zone(ZoneInput {
            site_id: Some(main.id),
            name: "Medical VLAN 30".into(),
            vlan_id: Some(30),
            purpose: ZonePurpose::MedicalDevices,
            ..ZoneInput::default()
        })
        .unwrap();
    let vendor = api
        .save_vendor(VendorInput {
            id: None,
            fields: VendorFields {
                name: "BD".into(),
                ..VendorFields::default()
            },
        })
        .unwrap();
    let pump = api
        .create_device(DeviceFields {
            site_id: Some(main.id),
            zone_id: Some(zone.id),
            vendor_id: Some(vendor.id),
            ..device("Pump 1")
        })
        .unwrap();

    let zones = api.list_zones().unwrap();
    assert_eq!(zones[0].site_name.as_deref(), Some("Main building"));
    assert_eq!(zones[0].device_count, 1);
    assert_eq!(api.list_vendors().unwrap()[0].device_count, 1);
    for err in [
        api.delete_site(main.id).unwrap_err(),
        api.delete_zone(zone.id).unwrap_err(),
        api.delete_vendor(vendor.id).unwrap_err(),
    ] {
        assert_eq!(err.code, ErrorCode::InUse, "{err:?}");
    }
    assert!(api
        .delete_site(main.id)
        .unwrap_err()
        .message
        .contains("1 device and 1 network zone"));

    api.update_device(
        pump.id,
        DeviceFields {
            zone_id: None,
            vendor_id: None,
            ..pump.fields.clone()
        },
    )
    .unwrap();
    api.delete_vendor(vendor.id).unwrap();
    api.delete_zone(zone.id).unwrap();
    assert!(api.list_zones().unwrap().is_empty());
    assert_eq!(
        api.delete_zone(zone.id).unwrap_err().code,
        ErrorCode::NotFound
    );

    let log = api.audit_log(100).unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "delete" && e.entity == "vendor"));
    assert!(log.iter().all(|e| !e.actor.is_empty()));
}

#[test]
fn device_validation_names_the_field_and_the_problem() {
    let f = Fixture::new();
    let err = f
        .api
        .create_device(DeviceFields {
            mac_address: Some("00:11:22:33:44".into()),
            ip_address: Some("10.0.0.300".into()),
            purchase_date: NaiveDate::from_ymd_opt(2026, 7, 1),
            ..device("Pump")
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(err.is_user_error());
    let fields: Vec<&str> = err.field_issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["mac_address", "ip_address", "purchase_date"]);
    assert!(err.message.contains("MAC address"), "{}", err.message);
    assert!(
        err.message.contains("2026-07-01 is in the future"),
        "{}",
        err.message
    );

    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "validation");

    let missing_zone = f
        .api
        .create_device(DeviceFields {
            zone_id: Some(ZoneId::new()),
            ..device("Pump")
        })
        .unwrap_err();
    assert_eq!(missing_zone.field_issues[0].field, "zone_id");

    let first = f
        .api
        .create_device(DeviceFields {
            asset_tag: Some("A-1".into()),
            mac_address: Some("001122334455".into()),
            ..device("Pump 1")
        })
        .unwrap();
    assert_eq!(
        first.fields.mac_address.as_deref(),
        Some("00:11:22:33:44:55")
    );
    let taken = f
        .api
        .create_device(DeviceFields {
            asset_tag: Some("a-1".into()),
            ..device("Pump 2")
        })
        .unwrap_err();
    assert_eq!(taken.field_issues[0].field, "asset_tag");
    assert!(taken.message.contains("Pump 1"), "{}", taken.message);
    // Saving a device with its own tag is fine.
    f.api
        .update_device(
            first.id,
            DeviceFields {
                owner: Some("Biomed".into()),
                ..first.fields.clone()
            },
        )
        .unwrap();
}

#[test]
fn update_duplicate_and_history() {
    let f = Fixture::new();
    let api = &f.api;
    let original = api
        .create_device(DeviceFields {
            asset_tag: Some("A-7".into()),
            serial: Some("S-7".into()),
            ip_address: Some("10.30.0.7".into()),
            mac_address: Some("00:11:22:33:44:07".into()),
            hostname: Some("pump-7".into()),
            manufacturer: Some("BD".into()),
            category: DeviceCategory::InfusionPump,
            ..device("Pump 7")
        })
        .unwrap();
    let copy = api.duplicate_device(original.id).unwrap();
    assert_ne!(copy.id, original.id);
    assert_eq!(copy.fields.name, "Pump 7 (copy)");
    assert_eq!(copy.fields.manufacturer.as_deref(), Some("BD"));
    assert_eq!(copy.fields.category, DeviceCategory::InfusionPump);
    for value in [
        &copy.fields.asset_tag,
        &copy.fields.serial,
        &copy.fields.ip_address,
        &copy.fields.mac_address,
        &copy.fields.hostname,
    ] {
        assert_eq!(value, &None);
    }

    let unchanged = api
        .update_device(original.id, original.fields.clone())
        .unwrap();
    assert_eq!(unchanged.updated_at, original.updated_at);
    let updated = api
        .update_device(
            original.id,
            DeviceFields {
                ip_address: Some("10.30.0.8".into()),
                ..original.fields.clone()
            },
        )
        .unwrap();
    assert_eq!(updated.created_at, original.created_at);
    let detail = api.get_device(original.id).unwrap();
    let actions: Vec<&str> = detail.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "update"]);
    assert!(detail.history[1].summary.contains("IP address"));
    assert_eq!(
        api.get_device(DeviceId::new()).unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[test]
fn bulk_edit_moves_a_selection_in_one_go() {
    let f = Fixture::new();
    let api = &f.api;
    let main = api
        .save_site(SiteInput {
            name: "Main".into(),
            ..SiteInput::default()
        })
        .unwrap();
    let medical = api
        .save_zone(ZoneInput {
            site_id: Some(main.id),
            name: "Medical".into(),
            purpose: ZonePurpose::MedicalDevices,
            ..ZoneInput::default()
        })
        .unwrap();
    let pumps: Vec<DeviceId> = (1..=12)
        .map(|n| api.create_device(device(&format!("Pump {n}"))).unwrap().id)
        .collect();
    let other = api.create_device(device("Monitor")).unwrap();

    let changed = api
        .bulk_edit(BulkEdit {
            ids: pumps.clone(),
            changes: vec![
                BulkChange::Zone(Some(medical.id)),
                BulkChange::Category(DeviceCategory::InfusionPump),
                BulkChange::Owner(Some("Biomed".into())),
            ],
        })
        .unwrap();
    assert_eq!(changed, 12);
    let in_zone = api
        .list_devices(DeviceQuery {
            zone_id: Some(medical.id),
            ..DeviceQuery::default()
        })
        .unwrap();
    assert_eq!(in_zone.shown, 12);
    for row in &in_zone.rows {
        // The zone's site comes along with the zone.
        assert_eq!(row.device.fields.site_id, Some(main.id));
        assert_eq!(row.zone_name.as_deref(), Some("Medical"));
        assert_eq!(row.device.fields.owner.as_deref(), Some("Biomed"));
    }
    assert_eq!(
        api.get_device(other.id).unwrap().row.device.fields.zone_id,
        None
    );
    // Repeating the same edit changes nothing.
    let again = api
        .bulk_edit(BulkEdit {
            ids: pumps.clone(),
            changes: vec![BulkChange::Zone(Some(medical.id))],
        })
        .unwrap();
    assert_eq!(again, 0);

    // One unknown id: nothing changes.
    let mut with_ghost = pumps.clone();
    with_ghost.push(DeviceId::new());
    let err = api
        .bulk_edit(BulkEdit {
            ids: with_ghost,
            changes: vec![BulkChange::Status(DeviceStatus::InStorage)],
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(
        api.list_devices(DeviceQuery::default())
            .unwrap()
            .counts
            .in_storage,
        0
    );

    let json = serde_json::to_value(BulkChange::Zone(Some(medical.id))).unwrap();
    assert_eq!(json["field"], "zone");
}

#[test]
fn decommissioning_keeps_the_record_and_its_history() {
    let f = Fixture::new();
    let api = &f.api;
    let pump = api.create_device(device("Old pump")).unwrap();
    api.create_device(device("New pump")).unwrap();
    let gone = api
        .decommission_device(pump.id, Some("Replaced by New pump".into()))
        .unwrap();
    assert_eq!(gone.fields.status, DeviceStatus::Decommissioned);
    assert!(gone.decommissioned_at.is_some());
    assert!(gone
        .fields
        .notes
        .as_deref()
        .unwrap()
        .contains("Decommissioned on 2026-06-01: Replaced by New pump"));

    let active = api.list_devices(DeviceQuery::default()).unwrap();
    assert_eq!(names(&active), ["New pump"]);
    assert_eq!(active.total, 1);
    assert_eq!(active.counts.decommissioned, 1);
    let all = api
        .list_devices(DeviceQuery {
            include_decommissioned: true,
            ..DeviceQuery::default()
        })
        .unwrap();
    assert_eq!(all.shown, 2);
    let detail = api.get_device(pump.id).unwrap();
    assert_eq!(detail.history.last().unwrap().action, "decommission");
    assert!(detail.history.last().unwrap().summary.contains("Replaced"));
    assert_eq!(
        api.decommission_device(pump.id, None).unwrap_err().code,
        ErrorCode::Conflict
    );
    assert_eq!(api.status().unwrap().device_count, 1);
}

#[test]
fn search_filters_sorts_and_counts() {
    let f = Fixture::new();
    let api = &f.api;
    let add = |name: &str, tag: &str, category, ip: &str, mac: &str, maker: &str| {
        api.create_device(DeviceFields {
            asset_tag: Some(tag.into()),
            category,
            ip_address: Some(ip.into()),
            mac_address: Some(mac.into()),
            manufacturer: Some(maker.into()),
            ..device(name)
        })
        .unwrap()
    };
    add(
        "ICU pump",
        "T-3",
        DeviceCategory::InfusionPump,
        "10.30.0.5",
        "00:1A:2B:00:00:01",
        "BD",
    );
    add(
        "Ward pump",
        "T-1",
        DeviceCategory::InfusionPump,
        "10.30.0.6",
        "00:1A:2B:00:00:02",
        "Baxter",
    );
    add(
        "Bedside monitor",
        "T-2",
        DeviceCategory::PatientMonitor,
        "10.30.0.7",
        "00:1A:2B:00:00:03",
        "Philips",
    );

    let search = |text: &str| {
        api.list_devices(DeviceQuery {
            search: Some(text.into()),
            ..DeviceQuery::default()
        })
        .unwrap()
    };
    assert_eq!(names(&search("PUMP")), ["ICU pump", "Ward pump"]);
    assert_eq!(names(&search("baxter")), ["Ward pump"]);
    assert_eq!(names(&search("10.30.0.7")), ["Bedside monitor"]);
    assert_eq!(names(&search("001a2b000001")), ["ICU pump"]);
    assert_eq!(names(&search("00:1a:2b:00:00:02")), ["Ward pump"]);
    assert_eq!(names(&search("pump t-3")), ["ICU pump"]);
    let none = search("dialysis");
    assert_eq!((none.total, none.shown), (3, 0));

    let pumps = api
        .list_devices(DeviceQuery {
            category: Some(DeviceCategory::InfusionPump),
            sort: DeviceSort::AssetTag,
            descending: true,
            ..DeviceQuery::default()
        })
        .unwrap();
    assert_eq!(names(&pumps), ["ICU pump", "Ward pump"]);
    let by_tag = api
        .list_devices(DeviceQuery {
            sort: DeviceSort::AssetTag,
            ..DeviceQuery::default()
        })
        .unwrap();
    assert_eq!(names(&by_tag), ["Ward pump", "Bedside monitor", "ICU pump"]);
    assert_eq!(
        by_tag.counts.by_category[0].category,
        DeviceCategory::InfusionPump
    );
    assert_eq!(by_tag.counts.by_category[0].count, 2);
    assert_eq!(by_tag.counts.active, 3);
    assert_eq!(by_tag.counts.with_gaps, 3);
    assert!(by_tag.rows[0].gaps.contains(&"serial".to_string()));
}

#[test]
fn status_walks_the_guided_path() {
    let f = Fixture::new();
    let empty = f.api.status().unwrap();
    assert!(empty.is_empty);
    let keys: Vec<&str> = empty.steps.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "clinic",
            "sites_zones",
            "vendors",
            "devices",
            "questionnaires",
            "risks",
            "lifecycle",
            "audit_packet"
        ]
    );
    // Every step is real now: an empty database has all of them to do.
    assert!(empty.steps.iter().all(|s| s.state == StepState::Todo));

    f.api
        .save_site(SiteInput {
            name: "Main".into(),
            ..SiteInput::default()
        })
        .unwrap();
    f.api.create_device(device("Pump")).unwrap();
    let started = f.api.status().unwrap();
    assert!(!started.is_empty);
    assert_eq!(started.steps[1].state, StepState::InProgress);
    assert_eq!(started.steps[1].detail, "1 site, no network zones yet.");
    assert_eq!(started.steps[3].state, StepState::InProgress);
    assert_eq!(started.steps[3].detail, "1 device, 1 with unknown facts.");
    assert_eq!(started.steps[6].state, StepState::Todo);
    assert_eq!(
        started.steps[6].detail,
        "0 unsupported or ending devices without a plan, 1 with unknown support."
    );

    let demo = Fixture::new();
    demo.api.load_demo(DemoOptions::default()).unwrap();
    let status = demo.api.status().unwrap();
    assert_eq!(status.steps[0].state, StepState::Done);
    assert_eq!(status.steps[1].state, StepState::Done);
    assert_eq!(status.steps[1].detail, "2 sites, 5 network zones.");
    assert_eq!(status.steps[2].detail, "8 vendors.");
    assert!(
        status.steps[3].detail.contains("with unknown facts"),
        "{}",
        status.steps[3].detail
    );
}

fn snapshot(api: &Api) -> Vec<(DeviceId, DeviceFields)> {
    api.list_devices(DeviceQuery {
        include_decommissioned: true,
        sort: DeviceSort::AssetTag,
        ..DeviceQuery::default()
    })
    .unwrap()
    .rows
    .into_iter()
    .map(|r| (r.device.id, r.device.fields))
    .collect()
}

#[test]
fn demo_clinic_is_deterministic_and_plausible() {
    let (a, b, c) = (Fixture::new(), Fixture::new(), Fixture::new());
    let report = a
        .api
        .load_demo(DemoOptions {
            devices: 30,
            seed: 7,
        })
        .unwrap();
    assert_eq!(
        (report.sites, report.zones, report.vendors, report.devices),
        (2, 5, 8, 30)
    );
    b.api
        .load_demo(DemoOptions {
            devices: 30,
            seed: 7,
        })
        .unwrap();
    c.api
        .load_demo(DemoOptions {
            devices: 30,
            seed: 8,
        })
        .unwrap();
    let devices = snapshot(&a.api);
    assert_eq!(devices.len(), 30);
    assert_eq!(devices, snapshot(&b.api));
    assert_ne!(devices, snapshot(&c.api));

    let fields: Vec<&DeviceFields> = devices.iter().map(|(_, f)| f).collect();
    let os: Vec<&str> = fields.iter().filter_map(|f| f.os_name.as_deref()).collect();
    assert!(
        os.iter()
            .any(|o| o.contains("XP") || o.contains("Windows 7") || o.contains("Windows CE")),
        "{os:?}"
    );
    let categories: std::collections::HashSet<_> = fields.iter().map(|f| f.category).collect();
    assert!(categories.len() >= 10);
    assert!(fields.iter().any(|f| !f.gaps().is_empty()));
    let zones = a.api.list_zones().unwrap();
    let flat = zones
        .iter()
        .find(|z| z.zone.purpose == ZonePurpose::FlatUnknown)
        .unwrap();
    assert_eq!(flat.zone.vlan_id, None);
    // Addresses fit their zone.
    for row in a.api.list_devices(DeviceQuery::default()).unwrap().rows {
        if let (Some(zone), Some(ip)) = (&row.zone_name, &row.device.fields.ip_address) {
            let prefix = match zone.as_str() {
                "Medical devices VLAN 30" => "10.30.",
                "Clinical IT VLAN 20" => "10.20.",
                "Corporate VLAN 10" => "10.10.",
                "Guest Wi-Fi VLAN 99" => "10.99.",
                _ => "192.168.",
            };
            assert!(ip.starts_with(prefix), "{ip} in {zone}");
        }
    }

    let again = a.api.load_demo(DemoOptions::default()).unwrap_err();
    assert_eq!(again.code, ErrorCode::NotEmpty);
}

#[test]
fn a_large_demo_clinic_for_benchmarks() {
    let f = Fixture::new();
    let report = f
        .api
        .load_demo(DemoOptions {
            devices: 10_000,
            seed: 1,
        })
        .unwrap();
    assert_eq!(report.devices, 10_000);
    let list = f
        .api
        .list_devices(DeviceQuery {
            include_decommissioned: true,
            ..DeviceQuery::default()
        })
        .unwrap();
    assert_eq!(list.total, 10_000);
    let ips: std::collections::HashSet<_> = list
        .rows
        .iter()
        .filter_map(|r| r.device.fields.ip_address.as_deref())
        .collect();
    let with_ip = list
        .rows
        .iter()
        .filter(|r| r.device.fields.ip_address.is_some())
        .count();
    assert_eq!(ips.len(), with_ip, "IP addresses are unique");
}

const FIRST_FILE: &str = "\
Asset Tag,Device Name,Category,Manufacturer,Model,Serial Number,IP Address,MAC Address,Site,Network Zone,Owner
A-1,ICU pump 1,Infusion pump,BD,Alaris 8015,S100,10.30.0.11,00:1A:2B:3C:4D:01,Main,Medical devices VLAN 30,Biomed
A-2,ICU pump 2,Infusion pump,BD,Alaris 8015,S101,10.30.0.12,00:1A:2B:3C:4D:02,main,Medical devices VLAN 30,Biomed
A-3,\"Monitor, bed 4\",Patient monitor,Philips,IntelliVue MX450,DE123,192.168.1.20,00-1A-2B-3C-4D-03,Northside,Flat,
";

#[test]
fn import_previews_then_applies_and_reimport_updates_instead_of_duplicating() {
    let f = Fixture::new();
    let api = &f.api;
    let path = f.csv("inventory.csv", FIRST_FILE);
    let preview = api.preview_import(request(&path)).unwrap();
    assert_eq!(preview.format, "CSV");
    assert_eq!(preview.delimiter.as_deref(), Some(","));
    assert!(preview.issues.is_empty(), "{:?}", preview.issues);
    assert_eq!(preview.summary.rows, 3);
    assert_eq!(preview.summary.create, 3);
    assert_eq!(preview.summary.new_sites, ["Main", "Northside"]);
    assert_eq!(
        preview.summary.new_zones,
        ["Medical devices VLAN 30", "Flat"]
    );
    assert_eq!(preview.rows[2].row, 4);
    assert_eq!(preview.rows[2].name, "Monitor, bed 4");
    assert_eq!(preview.rows[1].site.as_deref(), Some("Main"));
    // The preview wrote nothing.
    assert!(api.list_sites().unwrap().is_empty());
    assert_eq!(api.status().unwrap().device_count, 0);

    let report = api.apply_import(request(&path)).unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (3, 0, 0)
    );
    assert_eq!(report.created_sites, ["Main", "Northside"]);
    let zones = api.list_zones().unwrap();
    let medical = zones.iter().find(|z| z.zone.vlan_id == Some(30)).unwrap();
    assert_eq!(medical.zone.purpose, ZonePurpose::MedicalDevices);
    assert_eq!(medical.device_count, 2);
    assert_eq!(medical.site_name.as_deref(), Some("Main"));

    // A detail entered in the app, in a column the next file does not have.
    let pump = api
        .list_devices(DeviceQuery {
            search: Some("A-1".into()),
            ..DeviceQuery::default()
        })
        .unwrap()
        .rows
        .remove(0)
        .device;
    api.update_device(
        pump.id,
        DeviceFields {
            department: Some("ICU".into()),
            ..pump.fields.clone()
        },
    )
    .unwrap();

    // Updated file: pump 2 has a new IP, the monitor is matched by serial (no asset tag),
    // a new device appears.
    let second = f.csv(
        "inventory-v2.csv",
        "\
Asset Tag;Device Name;Category;Manufacturer;Model;Serial Number;IP Address;MAC Address;Site;Network Zone;Owner
A-1;ICU pump 1;Infusion pump;BD;Alaris 8015;S100;10.30.0.11;00:1A:2B:3C:4D:01;Main;Medical devices VLAN 30;Biomed
A-2;ICU pump 2;Infusion pump;BD;Alaris 8015;S101;10.30.0.99;00:1A:2B:3C:4D:02;Main;Medical devices VLAN 30;Biomed
;Monitor, bed 4;Patient monitor;Philips;IntelliVue MX450;DE123;192.168.1.20;00:1A:2B:3C:4D:03;Northside;Flat;
A-4;ICU pump 3;Infusion pump;BD;Alaris 8015;S102;10.30.0.13;;Main;Medical devices VLAN 30;Biomed
",
    );
    let preview = api.preview_import(request(&second)).unwrap();
    let actions: Vec<RowAction> = preview.rows.iter().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [
            RowAction::Unchanged,
            RowAction::Update,
            RowAction::Update,
            RowAction::Create
        ]
    );
    assert!(preview.summary.new_sites.is_empty());
    let report = api.apply_import(request(&second)).unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (1, 2, 1)
    );
    assert_eq!(api.status().unwrap().device_count, 4);

    let pump = api.get_device(pump.id).unwrap().row.device;
    assert_eq!(
        pump.fields.department.as_deref(),
        Some("ICU"),
        "unmapped column kept"
    );
    let monitor = api
        .list_devices(DeviceQuery {
            search: Some("DE123".into()),
            ..DeviceQuery::default()
        })
        .unwrap();
    assert_eq!(monitor.shown, 1);
    assert_eq!(monitor.rows[0].device.fields.asset_tag, None);

    let imports: Vec<AuditEntry> = api
        .audit_log(100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "import")
        .collect();
    assert_eq!(imports.len(), 2);
    assert!(
        imports[0]
            .summary
            .contains("1 created, 2 updated, 1 unchanged"),
        "{}",
        imports[0].summary
    );
}

#[test]
fn a_file_with_one_bad_row_imports_nothing() {
    let f = Fixture::new();
    let path = f.csv(
        "bad.csv",
        "\
Asset Tag,Device Name,MAC Address,Site
A-1,Pump 1,00:1A:2B:3C:4D:01,Main
A-2,Pump 2,00:1A:2B:3C:4D,Main
A-3,Pump 3,00:1A:2B:3C:4D:03,Annex
",
    );
    let preview = f.api.preview_import(request(&path)).unwrap();
    assert_eq!(preview.summary.with_errors, 1);
    assert_eq!(preview.rows[1].action, RowAction::Error);
    assert_eq!(preview.issues.len(), 1);
    let issue = &preview.issues[0];
    assert_eq!(
        (issue.row, issue.column.as_str(), issue.field.as_str()),
        (3, "MAC Address", "mac_address")
    );

    let err = f.api.apply_import(request(&path)).unwrap_err();
    assert_eq!(err.code, ErrorCode::ImportHasErrors);
    assert!(err.is_user_error());
    for part in ["bad.csv", "row 3", "MAC Address", "not a MAC address"] {
        assert!(err.message.contains(part), "{part} in {}", err.message);
    }
    assert_eq!(f.api.status().unwrap().device_count, 0);
    assert!(f.api.list_sites().unwrap().is_empty());
    assert!(f.api.audit_log(10).unwrap().is_empty());
}

#[test]
fn conflicting_rows_are_errors_on_the_row() {
    let f = Fixture::new();
    let api = &f.api;
    api.create_device(DeviceFields {
        asset_tag: Some("A-1".into()),
        ..device("Pump 1")
    })
    .unwrap();
    api.create_device(DeviceFields {
        asset_tag: Some("A-2".into()),
        serial: Some("S-2".into()),
        ..device("Pump 2")
    })
    .unwrap();
    let path = f.csv(
        "conflicts.csv",
        "\
Asset Tag,Name,Serial
A-1,Pump 1,S-2
A-9,Pump 9,
a-9,Pump 9 again,
",
    );
    let preview = api.preview_import(request(&path)).unwrap();
    let actions: Vec<RowAction> = preview.rows.iter().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [RowAction::Error, RowAction::Create, RowAction::Error]
    );
    assert!(
        preview.issues[0].message.contains("two different devices"),
        "{:?}",
        preview.issues
    );
    assert!(
        preview.issues[1].message.contains("row 3"),
        "{:?}",
        preview.issues
    );
    assert_eq!(preview.issues[1].column, "Asset Tag");

    let twice = f.csv(
        "twice.csv",
        "Asset Tag,Name,Serial\nA-2,Pump 2,\n,Pump 2 by serial,S-2\n",
    );
    let preview = api.preview_import(request(&twice)).unwrap();
    assert_eq!(preview.rows[1].action, RowAction::Error);
    assert!(
        preview.issues[0].message.contains("same device as row 2"),
        "{:?}",
        preview.issues
    );

    for name in ["Twin A", "Twin B"] {
        api.create_device(DeviceFields {
            mac_address: Some("00:AA:BB:CC:DD:EE".into()),
            ..device(name)
        })
        .unwrap();
    }
    let by_mac = f.csv("mac.csv", "Name,MAC\nTwin,00-aa-bb-cc-dd-ee\n");
    let preview = api.preview_import(request(&by_mac)).unwrap();
    assert_eq!(preview.rows[0].action, RowAction::Error);
    assert_eq!(preview.issues[0].field, "mac_address");
    assert!(
        preview.issues[0].message.contains("2 existing devices"),
        "{:?}",
        preview.issues
    );

    // Without any identifier a row is matched by name, and two devices of that name are
    // ambiguous.
    for _ in 0..2 {
        api.create_device(device("Spare pump")).unwrap();
    }
    api.create_device(device("Lone monitor")).unwrap();
    let by_name = f.csv(
        "names.csv",
        "Name,Owner\nSpare pump,Biomed\nLone monitor,Biomed\n",
    );
    let preview = api.preview_import(request(&by_name)).unwrap();
    assert_eq!(preview.rows[0].action, RowAction::Error);
    assert_eq!(preview.issues[0].field, "name");
    assert_eq!(preview.rows[1].action, RowAction::Update);
}

#[test]
fn a_bad_mapping_or_file_is_a_user_error() {
    let f = Fixture::new();
    let path = f.csv("inv.csv", "Asset Tag,Device Name\nA-1,Pump\n");
    let err = f
        .api
        .preview_import(ImportRequest {
            path: path.display().to_string(),
            mapping: Some(vec![
                ColumnMapping {
                    column: 0,
                    header: "Asset Tag".into(),
                    target: ImportTarget::Name,
                },
                ColumnMapping {
                    column: 1,
                    header: "Device Name".into(),
                    target: ImportTarget::Name,
                },
            ]),
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    let missing = f
        .api
        .preview_import(request(&f.dir.path().join("nope.csv")))
        .unwrap_err();
    assert!(missing.is_user_error(), "{missing:?}");
    assert!(missing.message.contains("nope.csv"));
    assert!(f
        .api
        .import_targets()
        .iter()
        .any(|t| t.target == ImportTarget::MacAddress));
}

#[test]
fn export_then_import_round_trips() {
    let source = Fixture::new();
    source.api.load_demo(DemoOptions::default()).unwrap();
    for (name, format) in [
        ("inventory.csv", ExportFormat::Csv),
        ("inventory.xlsx", ExportFormat::Xlsx),
    ] {
        let path = source.dir.path().join(name);
        assert_eq!(ExportFormat::from_path(&path), format);
        let exported = source.api.export_inventory(&path, format).unwrap();
        assert_eq!(exported.rows, 30);

        // Into the same database: every row matches its device and nothing changes.
        let preview = source.api.preview_import(request(&path)).unwrap();
        assert!(preview.issues.is_empty(), "{name}: {:?}", preview.issues);
        assert_eq!(
            preview.summary.unchanged, 30,
            "{name}: {:?}",
            preview.summary
        );

        // Into an empty database: the same inventory, sites and zones by name.
        let target = Fixture::new();
        let report = target.api.apply_import(request(&path)).unwrap();
        assert_eq!(report.created, 30, "{name}");
        assert_eq!(report.created_sites.len(), 2, "{name}");
        let original = source
            .api
            .list_devices(DeviceQuery {
                include_decommissioned: true,
                sort: DeviceSort::AssetTag,
                ..DeviceQuery::default()
            })
            .unwrap();
        let copy = target
            .api
            .list_devices(DeviceQuery {
                include_decommissioned: true,
                sort: DeviceSort::AssetTag,
                ..DeviceQuery::default()
            })
            .unwrap();
        for (a, b) in original.rows.iter().zip(&copy.rows) {
            let strip = |f: &DeviceFields| DeviceFields {
                site_id: None,
                zone_id: None,
                vendor_id: None,
                ..f.clone()
            };
            assert_eq!(strip(&a.device.fields), strip(&b.device.fields), "{name}");
            assert_eq!(
                (&a.site_name, &a.zone_name),
                (&b.site_name, &b.zone_name),
                "{name}"
            );
        }
    }
}

#[test]
fn the_public_sample_inventory_imports_and_reimports_unchanged() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/inventory/iomt-risk-scorer_sample_devices.csv");
    let f = Fixture::new();
    let preview = f.api.preview_import(request(&sample)).unwrap();
    assert!(preview.issues.is_empty(), "{:?}", preview.issues);
    assert_eq!(preview.summary.create, 25);
    let first = f.api.apply_import(request(&sample)).unwrap();
    assert_eq!(first.created, 25);
    let again = f.api.apply_import(request(&sample)).unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 25));
    assert_eq!(f.api.status().unwrap().device_count, 25);
}

#[test]
fn the_demo_history_gives_every_screen_a_year_of_records() {
    let f = Fixture::new();
    let err = f.api.load_demo_history().unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::Validation,
        "needs the demo clinic first"
    );
    f.api.load_demo(DemoOptions::default()).unwrap();
    let report = f.api.load_demo_history().unwrap();
    assert_eq!(report.assessments, 2);
    assert!(
        report.plans > 0 && report.controls > 0 && report.patches > 0,
        "{report:?}"
    );

    // Last year's assessment is final and signed off; this year's draft carries it forward.
    let list = f.api.list_assessments().unwrap();
    assert_eq!(list.len(), 2);
    let (draft, last) = (&list[0], &list[1]);
    assert_eq!(last.assessment.status, AssessmentStatus::Final);
    assert_eq!(last.assessment.started_on, day(2025, 6, 1));
    assert_eq!(
        last.assessment.sign_off.as_ref().unwrap().signed_on,
        day(2025, 6, 22)
    );
    assert_eq!(draft.assessment.status, AssessmentStatus::Draft);
    assert_eq!(draft.assessment.carried_from, Some(last.assessment.id));
    assert!(
        draft.to_confirm > 0 && draft.to_confirm < draft.answers,
        "{draft:?}"
    );

    // Decisions: one risk in progress with an owner, one accepted until a date.
    let register = f.api.risk_register(RegisterFilter::default()).unwrap();
    assert!(register
        .iter()
        .any(|r| r.status == RiskStatus::InProgress && r.owner.is_some()));
    let accepted: Vec<_> = register
        .iter()
        .filter(|r| r.status == RiskStatus::Accepted)
        .collect();
    assert_eq!(accepted.len(), 1);

    // Controls recorded on devices, a budget, and deadlines from all of it.
    let monitoring = f
        .api
        .risk_controls()
        .unwrap()
        .into_iter()
        .find(|c| c.id == "network_monitoring")
        .unwrap();
    assert!(monitoring.devices > 0);
    let roadmap = f.api.lifecycle_roadmap().unwrap();
    assert!(roadmap.years.iter().map(|y| y.total_cents).sum::<f64>() > 0.0);
    let kinds: Vec<_> = f
        .api
        .lifecycle_deadlines(DeadlineWindow::Days365)
        .unwrap()
        .into_iter()
        .map(|d| d.item.kind)
        .collect();
    for kind in [
        DeadlineKind::RiskAcceptanceExpiry,
        DeadlineKind::Review,
        DeadlineKind::PlannedAction,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }

    // The packet of this year's draft compares it with last year's.
    let model = f.api.report_model(None, chrono::Utc::now()).unwrap();
    // Levels then were kept when last year's was signed off, before this year's controls.
    let change = model.executive.change.expect("compared with last year");
    assert!(change.answers_changed > 0, "{change:?}");
    assert_eq!(
        change.devices_added, 0,
        "the inventory predates last year's"
    );
    let levels = change.levels.expect("levels kept at sign-off");
    assert!(
        levels.devices_down > 0,
        "this year's controls lowered some: {levels:?}"
    );

    let again = f.api.load_demo_history().unwrap_err();
    assert_eq!(again.code, ErrorCode::NotEmpty);
}
