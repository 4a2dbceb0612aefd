//! A plausible small clinic for first launch, demonstrations and benchmarks.
//!
//! Deterministic: the same seed makes the same clinic (ids included), so screenshots, tests
//! and benchmark files are reproducible. Facts are left unknown on purpose, as they are in
//! real inventories, and several devices run operating systems that are out of support.

use chrono::{Days, NaiveDate};
use devicerisk_core::*;
use uuid::Uuid;

use crate::{Api, ApiError, ApiResult, DemoOptions, DemoReport, ErrorCode};

/// splitmix64: tiny, fast and good enough for made-up data.
struct Rng(u64);

impl Rng {
    fn new(seed: u32) -> Rng {
        Rng(0x5EED_0FDE_71CE_0000 ^ u64::from(seed))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// Which kind of network a device belongs on at the segmented site.
#[derive(Clone, Copy, PartialEq)]
enum Home {
    Medical,
    ClinicalIt,
}

struct Template {
    category: DeviceCategory,
    name: &'static str,
    vendor: usize,
    manufacturer: &'static str,
    model: &'static str,
    serial_prefix: &'static str,
    versions: &'static [&'static str],
    /// (OS name, version); empty for devices whose OS is not documented.
    os: &'static [(&'static str, &'static str)],
    connectivity: &'static [Connectivity],
    function: ClinicalFunction,
    fda: FdaClass,
    phi: TriState,
    home: Home,
    departments: &'static [&'static str],
}

const VENDORS: &[(&str, &str, TriState, &str)] = &[
    (
        "BD",
        "productsecurity@bd.com",
        TriState::Yes,
        "Quarterly security bulletins",
    ),
    (
        "Baxter",
        "productsecurity@baxter.com",
        TriState::Yes,
        "As needed, via field service",
    ),
    (
        "GE HealthCare",
        "productsecurity@gehealthcare.com",
        TriState::Yes,
        "Monthly validated patches",
    ),
    (
        "Philips",
        "productsecurity@philips.com",
        TriState::Yes,
        "Quarterly",
    ),
    (
        "Dräger",
        "productsecurity@draeger.com",
        TriState::Yes,
        "Twice a year",
    ),
    (
        "Hillrom / Welch Allyn",
        "productsecurity@hillrom.com",
        TriState::Unknown,
        "Not stated",
    ),
    (
        "Mindray",
        "security@mindray.com",
        TriState::Unknown,
        "Not stated",
    ),
    (
        "Siemens Healthineers",
        "productcert@siemens-healthineers.com",
        TriState::Yes,
        "Monthly for Windows-based systems",
    ),
];

use Connectivity::{Bluetooth, Serial, Wifi, Wired};

const TEMPLATES: &[Template] = &[
    Template {
        category: DeviceCategory::InfusionPump,
        name: "Infusion pump",
        vendor: 0,
        manufacturer: "BD",
        model: "Alaris 8015 PC Unit",
        serial_prefix: "80",
        versions: &["12.1.2", "12.3.0", "9.33.1"],
        os: &[],
        connectivity: &[Wifi],
        function: ClinicalFunction::Therapeutic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Infusion suite", "Urgent care"],
    },
    Template {
        category: DeviceCategory::InfusionPump,
        name: "Infusion pump",
        vendor: 1,
        manufacturer: "Baxter",
        model: "Sigma Spectrum",
        serial_prefix: "SSP",
        versions: &["8.00.01", "6.05.13"],
        os: &[],
        connectivity: &[Wifi],
        function: ClinicalFunction::Therapeutic,
        fda: FdaClass::ClassII,
        phi: TriState::No,
        home: Home::Medical,
        departments: &["Infusion suite"],
    },
    Template {
        category: DeviceCategory::PatientMonitor,
        name: "Patient monitor",
        vendor: 3,
        manufacturer: "Philips",
        model: "IntelliVue MX450",
        serial_prefix: "DE",
        versions: &["M.00.03", "L.01.22"],
        os: &[("Proprietary RTOS", "")],
        connectivity: &[Wired],
        function: ClinicalFunction::Monitoring,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Urgent care", "Procedure room"],
    },
    Template {
        category: DeviceCategory::PatientMonitor,
        name: "Patient monitor",
        vendor: 2,
        manufacturer: "GE HealthCare",
        model: "CARESCAPE B450",
        serial_prefix: "SGY",
        versions: &["2.0.5", "3.1"],
        os: &[("Embedded Linux", "3.10")],
        connectivity: &[Wired],
        function: ClinicalFunction::Monitoring,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Procedure room"],
    },
    Template {
        category: DeviceCategory::PatientMonitor,
        name: "Vital signs monitor",
        vendor: 5,
        manufacturer: "Welch Allyn",
        model: "Connex Spot Monitor",
        serial_prefix: "1007",
        versions: &["1.52.00", "2.10.02"],
        os: &[("Embedded Linux", "")],
        connectivity: &[Wifi],
        function: ClinicalFunction::Monitoring,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Exam rooms", "Triage"],
    },
    Template {
        category: DeviceCategory::PatientMonitor,
        name: "Patient monitor",
        vendor: 6,
        manufacturer: "Mindray",
        model: "BeneVision N12",
        serial_prefix: "FE",
        versions: &["04.02.00"],
        os: &[("Embedded Linux", "4.1")],
        connectivity: &[Wired, Wifi],
        function: ClinicalFunction::Monitoring,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Urgent care"],
    },
    Template {
        category: DeviceCategory::Ventilator,
        name: "Ventilator",
        vendor: 4,
        manufacturer: "Dräger",
        model: "Evita V300",
        serial_prefix: "ASDH",
        versions: &["2.51", "2.42"],
        os: &[("Windows CE", "6.0")],
        connectivity: &[Wired],
        function: ClinicalFunction::LifeSustaining,
        fda: FdaClass::ClassII,
        phi: TriState::No,
        home: Home::Medical,
        departments: &["Urgent care"],
    },
    Template {
        category: DeviceCategory::Imaging,
        name: "CT scanner",
        vendor: 7,
        manufacturer: "Siemens Healthineers",
        model: "SOMATOM go.Up",
        serial_prefix: "1",
        versions: &["syngo CT VA40A", "syngo CT VA30A"],
        os: &[
            ("Windows 10 IoT Enterprise LTSC", "2019"),
            ("Windows 7 Embedded", "SP1"),
        ],
        connectivity: &[Wired],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Radiology"],
    },
    Template {
        category: DeviceCategory::Imaging,
        name: "X-ray system",
        vendor: 2,
        manufacturer: "GE HealthCare",
        model: "Optima XR240amx",
        serial_prefix: "XR",
        versions: &["DR 2.1"],
        os: &[("Windows 7 Embedded", "SP1")],
        connectivity: &[Wired, Wifi],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Radiology"],
    },
    Template {
        category: DeviceCategory::Ultrasound,
        name: "Ultrasound",
        vendor: 2,
        manufacturer: "GE HealthCare",
        model: "LOGIQ E10",
        serial_prefix: "LE",
        versions: &["R3.2.1"],
        os: &[("Windows 10 IoT Enterprise LTSC", "2019")],
        connectivity: &[Wired, Wifi],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Women's health", "Radiology"],
    },
    Template {
        category: DeviceCategory::Ultrasound,
        name: "Ultrasound",
        vendor: 3,
        manufacturer: "Philips",
        model: "Affiniti 70",
        serial_prefix: "US",
        versions: &["VM6.0"],
        os: &[("Windows 7 Embedded", "SP1")],
        connectivity: &[Wired],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Women's health"],
    },
    Template {
        category: DeviceCategory::Ecg,
        name: "ECG cart",
        vendor: 2,
        manufacturer: "GE HealthCare",
        model: "MAC 5500 HD",
        serial_prefix: "SCD",
        versions: &["010C"],
        os: &[("Windows CE", "5.0")],
        connectivity: &[Wired],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Cardiology", "Exam rooms"],
    },
    Template {
        category: DeviceCategory::Ecg,
        name: "ECG cart",
        vendor: 3,
        manufacturer: "Philips",
        model: "PageWriter TC70",
        serial_prefix: "CN",
        versions: &["A.07.2"],
        os: &[("Windows XP Embedded", "SP3")],
        connectivity: &[Wired, Wifi],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Cardiology"],
    },
    Template {
        category: DeviceCategory::LabAnalyzer,
        name: "Blood gas analyzer",
        vendor: 7,
        manufacturer: "Siemens Healthineers",
        model: "RAPIDPoint 500e",
        serial_prefix: "RP",
        versions: &["5.1"],
        os: &[
            ("Windows XP Embedded", "SP3"),
            ("Windows 10 IoT Enterprise LTSC", "2019"),
        ],
        connectivity: &[Wired],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Laboratory"],
    },
    Template {
        category: DeviceCategory::TelemetryWearable,
        name: "Telemetry transceiver",
        vendor: 3,
        manufacturer: "Philips",
        model: "IntelliVue MX40",
        serial_prefix: "US5",
        versions: &["B.06.60"],
        os: &[],
        connectivity: &[Wifi],
        function: ClinicalFunction::Monitoring,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Cardiology"],
    },
    Template {
        category: DeviceCategory::SmartBed,
        name: "Smart bed",
        vendor: 5,
        manufacturer: "Hillrom",
        model: "Centrella Smart+ Bed",
        serial_prefix: "CTR",
        versions: &["3.4"],
        os: &[("Embedded Linux", "")],
        connectivity: &[Wifi],
        function: ClinicalFunction::Administrative,
        fda: FdaClass::ClassII,
        phi: TriState::No,
        home: Home::Medical,
        departments: &["Observation"],
    },
    Template {
        category: DeviceCategory::Defibrillator,
        name: "Defibrillator",
        vendor: 6,
        manufacturer: "Mindray",
        model: "BeneHeart D3",
        serial_prefix: "EJ",
        versions: &["01.06"],
        os: &[],
        connectivity: &[Serial],
        function: ClinicalFunction::LifeSustaining,
        fda: FdaClass::ClassIII,
        phi: TriState::No,
        home: Home::Medical,
        departments: &["Urgent care", "Exam rooms"],
    },
    Template {
        category: DeviceCategory::MedicationDispensing,
        name: "Medication cabinet",
        vendor: 0,
        manufacturer: "BD",
        model: "Pyxis MedStation ES",
        serial_prefix: "PX",
        versions: &["1.6.1"],
        os: &[("Windows 10 IoT Enterprise LTSC", "2019")],
        connectivity: &[Wired],
        function: ClinicalFunction::Administrative,
        fda: FdaClass::NotRegulated,
        phi: TriState::Yes,
        home: Home::ClinicalIt,
        departments: &["Pharmacy"],
    },
    Template {
        category: DeviceCategory::Dialysis,
        name: "CRRT system",
        vendor: 1,
        manufacturer: "Baxter",
        model: "PrisMax",
        serial_prefix: "PMX",
        versions: &["3.20"],
        os: &[("Embedded Linux", "")],
        connectivity: &[Wired, Wifi],
        function: ClinicalFunction::LifeSustaining,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Dialysis"],
    },
    Template {
        category: DeviceCategory::NurseCall,
        name: "Nurse call controller",
        vendor: 5,
        manufacturer: "Hillrom",
        model: "Voalte Nurse Call",
        serial_prefix: "NC",
        versions: &["5.2"],
        os: &[("Embedded Linux", "")],
        connectivity: &[Wired],
        function: ClinicalFunction::Administrative,
        fda: FdaClass::NotRegulated,
        phi: TriState::Unknown,
        home: Home::ClinicalIt,
        departments: &["Observation"],
    },
    Template {
        category: DeviceCategory::PacsWorkstation,
        name: "PACS workstation",
        vendor: 2,
        manufacturer: "GE HealthCare",
        model: "Centricity Universal Viewer",
        serial_prefix: "CUV",
        versions: &["7.0 SP0.0.4"],
        os: &[
            ("Windows 10 Enterprise LTSC", "2019"),
            ("Windows 7 Professional", "SP1"),
        ],
        connectivity: &[Wired],
        function: ClinicalFunction::Diagnostic,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::ClinicalIt,
        departments: &["Radiology"],
    },
    Template {
        category: DeviceCategory::TelemetryWearable,
        name: "Glucose monitor reader",
        vendor: 6,
        manufacturer: "Mindray",
        model: "BeneVision TMS60",
        serial_prefix: "TMS",
        versions: &["1.2"],
        os: &[],
        connectivity: &[Bluetooth, Wifi],
        function: ClinicalFunction::Monitoring,
        fda: FdaClass::ClassII,
        phi: TriState::Yes,
        home: Home::Medical,
        departments: &["Endocrinology"],
    },
];

/// Made-up MAC prefixes per manufacturer so a zone's devices look like a real scan.
fn mac_prefix(manufacturer: &str) -> [u8; 3] {
    let hash = manufacturer.bytes().fold(0x811C_9DC5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    // Clear the multicast bit; these are unicast addresses.
    [(hash as u8) & 0xFC, (hash >> 8) as u8, (hash >> 16) as u8]
}

struct DemoZone {
    zone: Zone,
    /// First two octets of its addresses; the zone is a /16 so 10,000 devices fit.
    prefix: &'static str,
    /// Third octet of the first address.
    first_block: u32,
    next_host: u32,
}

impl DemoZone {
    fn next_ip(&mut self) -> String {
        let n = self.next_host;
        self.next_host += 1;
        format!(
            "{}.{}.{}",
            self.prefix,
            self.first_block + n / 240,
            n % 240 + 10
        )
    }
}

impl Api {
    /// Fills an empty database with a demo clinic. Refuses (`NotEmpty`) once devices exist.
    pub fn load_demo(&self, options: DemoOptions) -> ApiResult<DemoReport> {
        let today = self.today();
        let mut rng = Rng::new(options.seed);
        self.store.transaction(|db| {
            let existing = db.device_count()?;
            if existing > 0 {
                return Err(ApiError::new(
                    ErrorCode::NotEmpty,
                    format!(
                        "The database already holds {existing} devices; the demo clinic goes into an empty database only (use a new --db file)."
                    ),
                ));
            }
            let now = self.now();
            let clinic = ClinicProfile {
                name: "Riverside Family Clinic".to_string(),
                legal_name: Some("Riverside Family Clinic, P.C.".to_string()),
                address: Some("1200 River Road, Springfield".to_string()),
                contact_name: Some("Dana Whitfield".to_string()),
                contact_email: Some("it@riverside-clinic.example".to_string()),
                contact_phone: Some("+1 555 0100".to_string()),
                security_officer: Some("Dana Whitfield (Chief Operating Officer)".to_string()),
                fiscal_year_start_month: 7,
            };
            db.save_clinic(&clinic, now)?;

            let main = Site {
                id: SiteId(rng.uuid()),
                name: "Main clinic".to_string(),
                address: Some("1200 River Road, Springfield".to_string()),
                notes: Some("Segmented network since the 2023 refresh.".to_string()),
            };
            let north = Site {
                id: SiteId(rng.uuid()),
                name: "Northside satellite".to_string(),
                address: Some("48 Elm Street, Springfield".to_string()),
                notes: Some("Small office router; one flat network for everything.".to_string()),
            };
            for site in [&main, &north] {
                db.insert_site(site, now)?;
            }
            let zone = |rng: &mut Rng, site: &Site, name: &str, vlan: Option<u16>, purpose, (prefix, first_block)| DemoZone {
                zone: Zone {
                    id: ZoneId(rng.uuid()),
                    site_id: Some(site.id),
                    name: name.to_string(),
                    vlan_id: vlan,
                    purpose,
                    notes: None,
                },
                prefix,
                first_block,
                next_host: 0,
            };
            let mut zones = [
                zone(&mut rng, &main, "Medical devices VLAN 30", Some(30), ZonePurpose::MedicalDevices, ("10.30", 0)),
                zone(&mut rng, &main, "Clinical IT VLAN 20", Some(20), ZonePurpose::ClinicalIt, ("10.20", 0)),
                zone(&mut rng, &main, "Corporate VLAN 10", Some(10), ZonePurpose::Corporate, ("10.10", 0)),
                zone(&mut rng, &main, "Guest Wi-Fi VLAN 99", Some(99), ZonePurpose::Guest, ("10.99", 0)),
                zone(&mut rng, &north, "Northside flat network", None, ZonePurpose::FlatUnknown, ("192.168", 1)),
            ];
            for z in &zones {
                db.insert_zone(&z.zone, now)?;
            }
            const MEDICAL: usize = 0;
            const CLINICAL_IT: usize = 1;
            const CORPORATE: usize = 2;
            const GUEST: usize = 3;
            const FLAT: usize = 4;

            let mut vendor_ids = Vec::new();
            for (name, email, disclosure, cadence) in VENDORS {
                let vendor = Vendor {
                    id: VendorId(rng.uuid()),
                    fields: VendorFields {
                        name: name.to_string(),
                        security_contact: Some(email.to_string()),
                        disclosure_policy: *disclosure,
                        patch_cadence: Some(cadence.to_string()),
                        support_lifecycle: Some("7 to 10 years from sale, per model".to_string()),
                        sbom_on_file: *rng.pick(&[TriState::Yes, TriState::No, TriState::Unknown]),
                        mds2_on_file: *rng.pick(&[TriState::Yes, TriState::Yes, TriState::Unknown]),
                        baa_signed: *rng.pick(&[TriState::Yes, TriState::No]),
                        ..VendorFields::default()
                    },
                };
                db.insert_vendor(&vendor, now)?;
                vendor_ids.push(vendor.id);
            }

            let mut name_counts = std::collections::HashMap::new();
            for index in 0..options.devices {
                // Walk the templates in order first, so even a small clinic has every kind.
                let template = if (index as usize) < TEMPLATES.len() {
                    &TEMPLATES[index as usize]
                } else {
                    rng.pick(TEMPLATES)
                };
                let at_north = rng.chance(25);
                let zone_index = if at_north {
                    FLAT
                } else if rng.chance(8) {
                    // Real networks have strays: a pump on the office VLAN, a monitor on guest Wi-Fi.
                    *rng.pick(&[CORPORATE, GUEST])
                } else if template.home == Home::ClinicalIt {
                    CLINICAL_IT
                } else {
                    MEDICAL
                };
                let site = if at_north { &north } else { &main };
                let number = name_counts.entry(template.name).or_insert(0u32);
                *number += 1;
                let (os_name, os_version) = match template.os {
                    [] => (None, None),
                    list => {
                        let (name, version) = rng.pick(list);
                        (Some(name.to_string()), Some(version.to_string()).filter(|v| !v.is_empty()))
                    }
                };
                let unsupported_os = os_name.as_deref().is_some_and(|os| {
                    os.contains("XP") || os.contains("Windows 7") || os.contains("Windows CE")
                });
                let purchase = today
                    .checked_sub_days(Days::new(200 + rng.below(3300)))
                    .unwrap_or(today);
                let age_days = (today - purchase).num_days().max(1) as u64;
                let networked = !matches!(template.connectivity, [Serial]);
                let knows_zone = networked && !rng.chance(10);
                let zone = &mut zones[zone_index];
                let ip = (knows_zone && !rng.chance(10)).then(|| zone.next_ip());
                let mac = (networked && !rng.chance(15)).then(|| {
                    let p = mac_prefix(template.manufacturer);
                    let n = rng.next();
                    format!(
                        "{:02X}:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
                        p[0], p[1], p[2], (index >> 8) as u8, index as u8, n as u8
                    )
                });
                let patch_status = if unsupported_os {
                    *rng.pick(&[PatchStatus::Unpatchable, PatchStatus::VendorOnly, PatchStatus::Unknown])
                } else {
                    *rng.pick(&[PatchStatus::Current, PatchStatus::Behind, PatchStatus::VendorOnly, PatchStatus::Unknown])
                };
                let mut fields = DeviceFields {
                    asset_tag: Some(format!("RFC-{:05}", index + 1)),
                    name: format!("{} {}", template.name, number),
                    category: template.category,
                    manufacturer: Some(template.manufacturer.to_string()),
                    model: Some(template.model.to_string()),
                    serial: (!rng.chance(10)).then(|| {
                        format!("{}{:07}", template.serial_prefix, 1_000_000 + index * 53 + rng.below(53) as u32)
                    }),
                    software_version: (!rng.chance(15)).then(|| rng.pick(template.versions).to_string()),
                    os_name,
                    os_version,
                    connectivity: if rng.chance(5) { Vec::new() } else { template.connectivity.to_vec() },
                    ip_address: ip,
                    mac_address: mac,
                    hostname: (template.home == Home::ClinicalIt || template.category == DeviceCategory::Imaging)
                        .then(|| format!("rfc-{}-{:03}", template.serial_prefix.to_lowercase(), index + 1)),
                    site_id: Some(site.id),
                    zone_id: knows_zone.then_some(zone.zone.id),
                    department: Some(rng.pick(template.departments).to_string()),
                    vendor_id: Some(vendor_ids[template.vendor]),
                    clinical_function: if rng.chance(10) { ClinicalFunction::Unknown } else { template.function },
                    fda_class: template.fda,
                    handles_phi: if rng.chance(10) { TriState::Unknown } else { template.phi },
                    patch_status,
                    last_patch_date: matches!(patch_status, PatchStatus::Current | PatchStatus::Behind)
                        .then(|| today.checked_sub_days(Days::new(rng.below(age_days.min(400)))))
                        .flatten(),
                    default_credentials_changed: *rng.pick(&[TriState::Yes, TriState::Yes, TriState::No, TriState::Unknown]),
                    authentication: *rng.pick(&[Authentication::Local, Authentication::DefaultCredentials, Authentication::Centralized, Authentication::None, Authentication::Unknown]),
                    encryption_in_transit: *rng.pick(&[TriState::Yes, TriState::No, TriState::Unknown]),
                    encryption_at_rest: *rng.pick(&[TriState::Yes, TriState::No, TriState::Unknown]),
                    remote_vendor_access: *rng.pick(&[RemoteAccess::OnRequest, RemoteAccess::AlwaysOn, RemoteAccess::None, RemoteAccess::Unknown]),
                    monitoring_coverage: *rng.pick(&[TriState::Yes, TriState::No, TriState::No, TriState::Unknown]),
                    last_vulnerability_scan: rng
                        .chance(40)
                        .then(|| today.checked_sub_days(Days::new(rng.below(180))))
                        .flatten(),
                    purchase_date: Some(purchase),
                    vendor_support: if unsupported_os {
                        *rng.pick(&[VendorSupport::Ended, VendorSupport::Limited])
                    } else {
                        *rng.pick(&[VendorSupport::Supported, VendorSupport::Supported, VendorSupport::Unknown])
                    },
                    vendor_end_of_support: unsupported_os
                        .then(|| end_of_support(&mut rng, today))
                        .flatten(),
                    owner: (!rng.chance(20)).then(|| rng.pick(&["Biomed: Sam Ortiz", "IT: Priya Natarajan", "Radiology lead: Dr. Chen", "Nursing: Maria Lopez"]).to_string()),
                    status: DeviceStatus::Active,
                    notes: None,
                };
                if fields.default_credentials_changed == TriState::Yes
                    && fields.authentication == Authentication::DefaultCredentials
                {
                    fields.default_credentials_changed = TriState::No;
                }
                let roll = rng.below(100);
                let mut decommissioned_at = None;
                if roll < 3 {
                    fields.status = DeviceStatus::Decommissioned;
                    fields.notes = Some("Replaced; awaiting secure disposal.".to_string());
                    decommissioned_at = Some(now);
                } else if roll < 8 {
                    fields.status = DeviceStatus::InStorage;
                    fields.notes = Some("Spare unit in the biomed room.".to_string());
                }
                let issues = fields.normalize_and_validate(today);
                if !issues.is_empty() {
                    return Err(ApiError::new(
                        ErrorCode::Internal,
                        format!("demo device {} is invalid: {issues:?}", fields.name),
                    ));
                }
                db.insert_device(&Device {
                    id: DeviceId(rng.uuid()),
                    fields,
                    created_at: now,
                    updated_at: now,
                    decommissioned_at,
                })?;
            }
            let report = DemoReport {
                clinic: clinic.name.clone(),
                sites: 2,
                zones: zones.len() as u32,
                vendors: vendor_ids.len() as u32,
                devices: options.devices,
            };
            self.audit(
                db,
                "demo",
                "inventory",
                "demo",
                &format!(
                    "Demo clinic \"{}\" loaded: {} sites, {} network zones, {} vendors, {} devices (seed {})",
                    report.clinic, report.sites, report.zones, report.vendors, report.devices, options.seed
                ),
            )?;
            Ok(report)
        })
    }
}

/// A past end-of-support date, within the last five years.
fn end_of_support(rng: &mut Rng, today: NaiveDate) -> Option<NaiveDate> {
    today.checked_sub_days(Days::new(30 + rng.below(1800)))
}
