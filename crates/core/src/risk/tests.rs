//! Tests of the risk method and engine: golden devices, properties over many generated device
//! profiles (a seeded PRNG, no extra dependency), "what would lower it" ranking, and validation
//! of broken method files.

use std::collections::BTreeSet;

use super::*;
use crate::model::DeviceFields;
use crate::vocab::*;

const BUILTIN: &str = include_str!("../../../../assets/risk/method.toml");

fn method() -> &'static Method {
    Method::builtin()
}

/// SplitMix64: tiny, seeded, good enough to spread device profiles over the vocabularies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn random_input(rng: &mut Rng) -> RiskInput {
    let connectivity = Connectivity::ALL
        .iter()
        .copied()
        .filter(|_| rng.below(3) == 0)
        .collect();
    let zone_purpose = if rng.below(9) == 0 {
        None
    } else {
        Some(rng.pick(ZonePurpose::ALL))
    };
    let mut controls: Vec<String> = method()
        .controls()
        .iter()
        .filter(|_| rng.below(4) == 0)
        .map(|c| c.id.clone())
        .collect();
    if rng.below(20) == 0 {
        controls.push("retired_control".to_string());
    }
    RiskInput {
        category: rng.pick(DeviceCategory::ALL),
        connectivity,
        zone_purpose,
        clinical_function: rng.pick(ClinicalFunction::ALL),
        handles_phi: rng.pick(TriState::ALL),
        patch_status: rng.pick(PatchStatus::ALL),
        default_credentials_changed: rng.pick(TriState::ALL),
        authentication: rng.pick(Authentication::ALL),
        encryption_in_transit: rng.pick(TriState::ALL),
        remote_vendor_access: rng.pick(RemoteAccess::ALL),
        monitoring_coverage: rng.pick(TriState::ALL),
        vendor_support: rng.pick(VendorSupport::ALL),
        questionnaire_gaps: rng.below(9) as i32,
        vulnerabilities: KnownVulnerabilities {
            known_exploited: rng.below(3) as i32,
            advisories: rng.below(3) as i32,
        },
        controls,
    }
}

fn profiles(count: usize, seed: u64) -> Vec<RiskInput> {
    let mut rng = Rng(seed);
    (0..count).map(|_| random_input(&mut rng)).collect()
}

/// Each change makes the device strictly worse on one fact (a weakness or an exposure).
fn worsenings(input: &RiskInput) -> Vec<(&'static str, RiskInput)> {
    let mut out = Vec::new();
    let mut push = |name: &'static str, change: &dyn Fn(&mut RiskInput)| {
        let mut worse = input.clone();
        change(&mut worse);
        if worse != *input {
            out.push((name, worse));
        }
    };
    use Authentication as A;
    use PatchStatus as P;
    use VendorSupport as S;
    match input.vendor_support {
        S::Supported => {
            push("support limited", &|i| i.vendor_support = S::Limited);
            push("support unknown", &|i| i.vendor_support = S::Unknown);
            push("support ended", &|i| i.vendor_support = S::Ended);
        }
        S::Limited => push("support ended", &|i| i.vendor_support = S::Ended),
        S::Ended | S::Unknown => {}
    }
    match input.patch_status {
        P::Current | P::Patchable | P::VendorOnly => {
            push("patch behind", &|i| i.patch_status = P::Behind);
            push("patch unknown", &|i| i.patch_status = P::Unknown);
            push("unpatchable", &|i| i.patch_status = P::Unpatchable);
        }
        P::Behind => push("unpatchable", &|i| i.patch_status = P::Unpatchable),
        P::Unpatchable | P::Unknown => {}
    }
    match input.default_credentials_changed {
        TriState::Yes => {
            push("creds unknown", &|i| {
                i.default_credentials_changed = TriState::Unknown
            });
            push("creds unchanged", &|i| {
                i.default_credentials_changed = TriState::No
            });
        }
        TriState::Unknown => push("creds unchanged", &|i| {
            i.default_credentials_changed = TriState::No
        }),
        TriState::No => {}
    }
    match input.authentication {
        A::Mfa | A::Centralized | A::Local | A::Unknown => {
            push("shared password", &|i| {
                i.authentication = A::DefaultCredentials
            });
            push("no authentication", &|i| i.authentication = A::None);
        }
        A::DefaultCredentials => push("no authentication", &|i| i.authentication = A::None),
        A::None => {}
    }
    if input.encryption_in_transit != TriState::No {
        push("no encryption", &|i| i.encryption_in_transit = TriState::No);
    }
    match input.remote_vendor_access {
        RemoteAccess::None => {
            push("remote unknown", &|i| {
                i.remote_vendor_access = RemoteAccess::Unknown
            });
            push("remote on request", &|i| {
                i.remote_vendor_access = RemoteAccess::OnRequest
            });
            push("remote always", &|i| {
                i.remote_vendor_access = RemoteAccess::AlwaysOn
            });
        }
        RemoteAccess::OnRequest => push("remote always", &|i| {
            i.remote_vendor_access = RemoteAccess::AlwaysOn
        }),
        RemoteAccess::AlwaysOn | RemoteAccess::Unknown => {}
    }
    if input.monitoring_coverage == TriState::Yes {
        push("monitoring unknown", &|i| {
            i.monitoring_coverage = TriState::Unknown
        });
        push("monitoring missing", &|i| {
            i.monitoring_coverage = TriState::No
        });
    }
    push("twice the gaps, plus one", &|i| {
        i.questionnaire_gaps = 2 * i.questionnaire_gaps + 1
    });
    push("a KEV match", &|i| i.vulnerabilities.known_exploited += 1);
    push("an advisory", &|i| i.vulnerabilities.advisories += 1);
    // Zones, from the most to the least protected; a zone's successors are worse.
    let zone_order: &[(ZonePurpose, &[Option<ZonePurpose>])] = &[
        (ZonePurpose::Isolated, &[Some(ZonePurpose::MedicalDevices)]),
        (
            ZonePurpose::MedicalDevices,
            &[
                Some(ZonePurpose::Corporate),
                Some(ZonePurpose::ClinicalIt),
                Some(ZonePurpose::BuildingSystems),
                Some(ZonePurpose::Dmz),
                None,
            ],
        ),
        (ZonePurpose::Corporate, &[Some(ZonePurpose::FlatUnknown)]),
        (ZonePurpose::ClinicalIt, &[Some(ZonePurpose::FlatUnknown)]),
        (ZonePurpose::FlatUnknown, &[Some(ZonePurpose::Guest)]),
    ];
    for (from, worse_zones) in zone_order {
        if input.zone_purpose == Some(*from) {
            for worse in *worse_zones {
                push("worse zone", &|i| i.zone_purpose = *worse);
            }
        }
    }
    out
}

#[test]
fn builtin_method_is_valid_and_versioned() {
    let method = Method::from_toml(BUILTIN).expect("the shipped method validates");
    assert_eq!(method.version(), "2026.1");
    assert_eq!(method.doc().likelihood_scale.len(), 5);
    assert_eq!(method.doc().impact_scale.len(), 5);
    assert_eq!(method.doc().matrix.rows.len(), 5);
    assert!(
        method.controls().len() >= 8,
        "the control library is complete"
    );
    for control in [
        "isolation_vlan",
        "acl_firewall_rule",
        "network_monitoring",
        "remote_access_disabled",
        "physical_security",
        "vendor_managed",
        "application_allow_listing",
        "offline_backup_device",
    ] {
        assert!(
            method.control_index(control).is_some(),
            "{control} in the library"
        );
    }
    assert_eq!(Method::builtin().version(), method.version());
}

#[test]
fn likelihood_bands_follow_thresholds() {
    let method = method();
    // thresholds [1, 4, 7, 10]
    for (points, expected) in [
        (-5, 1),
        (0, 1),
        (1, 2),
        (3, 2),
        (4, 3),
        (6, 3),
        (7, 4),
        (9, 4),
        (10, 5),
        (30, 5),
    ] {
        assert_eq!(
            method.likelihood_for_points(points),
            expected,
            "{points} points"
        );
    }
    assert_eq!(method.level(1, 1), RiskLevel::Low);
    assert_eq!(method.level(5, 5), RiskLevel::Critical);
    assert_eq!(method.level(1, 5), RiskLevel::Medium);
}

// ------------------------------------------------------------------------------------------
// Golden devices

struct Golden {
    name: &'static str,
    input: RiskInput,
    likelihood: u8,
    impact: u8,
    level: RiskLevel,
    residual_level: RiskLevel,
    /// Exactly the likelihood factors expected, in any order.
    factors: &'static [&'static str],
    /// The deciding impact rules, one per dimension.
    impact_rules: &'static [&'static str],
}

fn golden_cases() -> Vec<Golden> {
    use ClinicalFunction as C;
    vec![
        Golden {
            name:
                "unsupported Windows XP Embedded infusion pump on a flat network, default password",
            input: RiskInput {
                category: DeviceCategory::InfusionPump,
                connectivity: vec![Connectivity::Wired, Connectivity::Wifi],
                zone_purpose: Some(ZonePurpose::FlatUnknown),
                clinical_function: C::Therapeutic,
                handles_phi: TriState::Yes,
                patch_status: PatchStatus::Unpatchable,
                default_credentials_changed: TriState::No,
                authentication: Authentication::DefaultCredentials,
                encryption_in_transit: TriState::No,
                remote_vendor_access: RemoteAccess::Unknown,
                monitoring_coverage: TriState::No,
                vendor_support: VendorSupport::Ended,
                questionnaire_gaps: 6,
                vulnerabilities: KnownVulnerabilities {
                    known_exploited: 1,
                    advisories: 0,
                },
                controls: vec![],
            },
            likelihood: 5,
            impact: 4,
            level: RiskLevel::Critical,
            residual_level: RiskLevel::Critical,
            factors: &[
                "connectivity_wireless",
                "zone_flat",
                "monitoring_missing",
                "remote_unknown",
                "encryption_in_transit_missing",
                "support_ended",
                "patch_unpatchable",
                "default_credentials_unchanged",
                "authentication_shared_default",
                "questionnaire_gaps_many",
                "known_exploited_vulnerability",
            ],
            impact_rules: &[
                "safety_therapeutic",
                "phi_handled",
                "integrity_therapeutic",
                "availability_therapeutic",
            ],
        },
        Golden {
            name: "segmented, monitored, patched patient monitor",
            input: RiskInput {
                category: DeviceCategory::PatientMonitor,
                connectivity: vec![Connectivity::Wired],
                zone_purpose: Some(ZonePurpose::MedicalDevices),
                clinical_function: C::Monitoring,
                handles_phi: TriState::Yes,
                patch_status: PatchStatus::Current,
                default_credentials_changed: TriState::Yes,
                authentication: Authentication::Local,
                encryption_in_transit: TriState::Yes,
                remote_vendor_access: RemoteAccess::OnRequest,
                monitoring_coverage: TriState::Yes,
                vendor_support: VendorSupport::Supported,
                ..Default::default()
            },
            likelihood: 1,
            impact: 3,
            level: RiskLevel::Low,
            residual_level: RiskLevel::Low,
            factors: &[
                "connectivity_wired",
                "zone_medical",
                "monitoring_covered",
                "remote_on_request",
            ],
            impact_rules: &[
                "safety_monitoring",
                "phi_handled",
                "integrity_monitoring",
                "availability_monitoring",
            ],
        },
        Golden {
            name: "lab analyzer on an isolated network, limited support, patches pending",
            input: RiskInput {
                category: DeviceCategory::LabAnalyzer,
                connectivity: vec![Connectivity::Wired],
                zone_purpose: Some(ZonePurpose::Isolated),
                clinical_function: C::Diagnostic,
                handles_phi: TriState::Yes,
                patch_status: PatchStatus::Behind,
                default_credentials_changed: TriState::Yes,
                authentication: Authentication::Local,
                encryption_in_transit: TriState::No,
                remote_vendor_access: RemoteAccess::None,
                monitoring_coverage: TriState::No,
                vendor_support: VendorSupport::Limited,
                questionnaire_gaps: 2,
                ..Default::default()
            },
            likelihood: 3,
            impact: 3,
            level: RiskLevel::Medium,
            residual_level: RiskLevel::Medium,
            factors: &[
                "connectivity_wired",
                "zone_isolated",
                "monitoring_missing",
                "encryption_in_transit_missing",
                "support_limited",
                "patch_behind",
                "questionnaire_gaps_some",
            ],
            impact_rules: &[
                "safety_diagnostic",
                "phi_handled",
                "integrity_diagnostic",
                "availability_diagnostic",
            ],
        },
        Golden {
            name: "wearable on guest Wi-Fi with an always-on cloud link and no login",
            input: RiskInput {
                category: DeviceCategory::TelemetryWearable,
                connectivity: vec![Connectivity::Wifi, Connectivity::Bluetooth],
                zone_purpose: Some(ZonePurpose::Guest),
                clinical_function: C::Monitoring,
                handles_phi: TriState::Yes,
                patch_status: PatchStatus::Unknown,
                default_credentials_changed: TriState::Unknown,
                authentication: Authentication::None,
                encryption_in_transit: TriState::Unknown,
                remote_vendor_access: RemoteAccess::AlwaysOn,
                monitoring_coverage: TriState::No,
                vendor_support: VendorSupport::Supported,
                questionnaire_gaps: 3,
                ..Default::default()
            },
            likelihood: 5,
            impact: 3,
            level: RiskLevel::High,
            residual_level: RiskLevel::High,
            factors: &[
                "connectivity_wireless",
                "zone_guest",
                "monitoring_missing",
                "remote_always_on",
                "patch_unknown",
                "default_credentials_unknown",
                "authentication_none",
                "questionnaire_gaps_some",
            ],
            impact_rules: &[
                "safety_monitoring",
                "phi_handled",
                "integrity_monitoring",
                "availability_monitoring",
            ],
        },
        Golden {
            name: "PACS workstation on the office network, updates pending",
            input: RiskInput {
                category: DeviceCategory::PacsWorkstation,
                connectivity: vec![Connectivity::Wired],
                zone_purpose: Some(ZonePurpose::Corporate),
                clinical_function: C::Diagnostic,
                handles_phi: TriState::Yes,
                patch_status: PatchStatus::Behind,
                default_credentials_changed: TriState::Yes,
                authentication: Authentication::Centralized,
                encryption_in_transit: TriState::Yes,
                remote_vendor_access: RemoteAccess::OnRequest,
                monitoring_coverage: TriState::Yes,
                vendor_support: VendorSupport::Supported,
                questionnaire_gaps: 1,
                ..Default::default()
            },
            likelihood: 3,
            impact: 4,
            level: RiskLevel::High,
            residual_level: RiskLevel::High,
            factors: &[
                "connectivity_wired",
                "zone_shared",
                "monitoring_covered",
                "remote_on_request",
                "patch_behind",
                "questionnaire_gaps_some",
            ],
            impact_rules: &[
                "safety_diagnostic",
                "phi_bulk_store",
                "integrity_diagnostic",
                "availability_diagnostic",
            ],
        },
        Golden {
            name: "stand-alone ventilator with no login",
            input: RiskInput {
                category: DeviceCategory::Ventilator,
                connectivity: vec![Connectivity::None],
                zone_purpose: None,
                clinical_function: C::LifeSustaining,
                handles_phi: TriState::No,
                patch_status: PatchStatus::VendorOnly,
                default_credentials_changed: TriState::Unknown,
                authentication: Authentication::None,
                encryption_in_transit: TriState::Unknown,
                remote_vendor_access: RemoteAccess::None,
                monitoring_coverage: TriState::Unknown,
                vendor_support: VendorSupport::Supported,
                controls: vec!["physical_security".into()],
                ..Default::default()
            },
            likelihood: 1,
            impact: 5,
            level: RiskLevel::Medium,
            residual_level: RiskLevel::Medium,
            factors: &[
                "not_connected",
                "default_credentials_unknown",
                "authentication_none",
            ],
            impact_rules: &[
                "safety_life_sustaining",
                "phi_none",
                "integrity_life_sustaining",
                "availability_life_sustaining",
            ],
        },
        Golden {
            name: "nurse call nobody has documented, vendor VPN always on",
            input: RiskInput {
                category: DeviceCategory::NurseCall,
                connectivity: vec![Connectivity::Wired],
                zone_purpose: Some(ZonePurpose::BuildingSystems),
                remote_vendor_access: RemoteAccess::AlwaysOn,
                questionnaire_gaps: 8,
                ..Default::default()
            },
            likelihood: 5,
            impact: 4,
            level: RiskLevel::Critical,
            residual_level: RiskLevel::Critical,
            factors: &[
                "connectivity_wired",
                "zone_shared",
                "monitoring_unknown",
                "remote_always_on",
                "support_unknown",
                "patch_unknown",
                "default_credentials_unknown",
                "questionnaire_gaps_many",
            ],
            impact_rules: &[
                "safety_unknown",
                "phi_unknown",
                "integrity_unknown",
                "availability_unknown",
            ],
        },
        Golden {
            name: "unsupported Wi-Fi ultrasound with compensating controls",
            input: RiskInput {
                category: DeviceCategory::Ultrasound,
                connectivity: vec![Connectivity::Wifi],
                zone_purpose: Some(ZonePurpose::ClinicalIt),
                clinical_function: C::Diagnostic,
                handles_phi: TriState::Yes,
                patch_status: PatchStatus::Unpatchable,
                default_credentials_changed: TriState::Yes,
                authentication: Authentication::Local,
                encryption_in_transit: TriState::No,
                remote_vendor_access: RemoteAccess::OnRequest,
                monitoring_coverage: TriState::No,
                vendor_support: VendorSupport::Ended,
                controls: vec![
                    "isolation_vlan".into(),
                    "network_monitoring".into(),
                    "encrypted_tunnel".into(),
                    "application_allow_listing".into(),
                ],
                ..Default::default()
            },
            likelihood: 5,
            impact: 3,
            level: RiskLevel::High,
            residual_level: RiskLevel::Medium,
            factors: &[
                "connectivity_wireless",
                "zone_shared",
                "monitoring_missing",
                "remote_on_request",
                "encryption_in_transit_missing",
                "support_ended",
                "patch_unpatchable",
            ],
            impact_rules: &[
                "safety_diagnostic",
                "phi_handled",
                "integrity_diagnostic",
                "availability_diagnostic",
            ],
        },
        Golden {
            name: "front-desk workstation, patched, MFA, no PHI",
            input: RiskInput {
                category: DeviceCategory::ClinicalWorkstation,
                connectivity: vec![Connectivity::Wired],
                zone_purpose: Some(ZonePurpose::Corporate),
                clinical_function: C::Administrative,
                handles_phi: TriState::No,
                patch_status: PatchStatus::Current,
                default_credentials_changed: TriState::Yes,
                authentication: Authentication::Mfa,
                encryption_in_transit: TriState::Yes,
                remote_vendor_access: RemoteAccess::None,
                monitoring_coverage: TriState::Yes,
                vendor_support: VendorSupport::Supported,
                ..Default::default()
            },
            likelihood: 2,
            impact: 2,
            level: RiskLevel::Low,
            residual_level: RiskLevel::Low,
            factors: &["connectivity_wired", "zone_shared", "monitoring_covered"],
            impact_rules: &[
                "safety_administrative",
                "phi_none",
                "integrity_administrative",
                "availability_administrative",
            ],
        },
    ]
}

#[test]
fn golden_devices_have_expected_levels_and_reasons() {
    let method = method();
    for case in golden_cases() {
        let result = assess(method, &case.input);
        let name = case.name;
        assert_eq!(
            result.likelihood, case.likelihood,
            "{name}: likelihood ({} points)",
            result.points
        );
        assert_eq!(result.impact, case.impact, "{name}: impact");
        assert_eq!(result.level, case.level, "{name}: inherent level");
        assert_eq!(
            result.residual_level, case.residual_level,
            "{name}: residual level"
        );
        assert_eq!(result.method_version, "2026.1");
        let likelihood_ids: BTreeSet<&str> = result
            .factors
            .iter()
            .filter(|f| f.kind != FactorKind::Impact)
            .map(|f| f.factor.as_str())
            .collect();
        let expected: BTreeSet<&str> = case.factors.iter().copied().collect();
        assert_eq!(likelihood_ids, expected, "{name}: likelihood factors");
        let impact_ids: Vec<&str> = result
            .factors
            .iter()
            .filter(|f| f.kind == FactorKind::Impact)
            .map(|f| f.factor.as_str())
            .collect();
        assert_eq!(impact_ids, case.impact_rules, "{name}: impact rules");
        let total: i32 = result
            .factors
            .iter()
            .filter(|f| f.kind != FactorKind::Impact)
            .map(|f| f.contribution)
            .sum();
        assert_eq!(
            total, result.points,
            "{name}: the reasons add up to the points"
        );
    }
}

#[test]
fn explanations_are_plain_sentences_from_the_method() {
    let method = method();
    let pump = &golden_cases()[0].input;
    let result = assess(method, pump);
    let flat = result
        .factors
        .iter()
        .find(|f| f.factor == "zone_flat")
        .unwrap();
    assert_eq!(
        flat.explanation,
        "Sits on a flat network shared with office PCs, so any infected computer can reach it: +2 likelihood points"
    );
    assert_eq!(flat.kind, FactorKind::Exposure);
    // Biggest reasons first.
    assert_eq!(result.factors[0].factor, "known_exploited_vulnerability");
    let safety = result
        .factors
        .iter()
        .find(|f| f.dimension == Some(ImpactDimension::PatientSafety))
        .unwrap();
    assert_eq!(
        safety.explanation,
        "Delivers therapy: wrong or missing therapy could harm a patient: Patient safety impact 4 (Major)"
    );
    let monitor = assess(method, &golden_cases()[1].input);
    let segmented = monitor
        .factors
        .iter()
        .find(|f| f.factor == "zone_medical")
        .unwrap();
    assert!(
        segmented.explanation.ends_with(": -1 likelihood point"),
        "{}",
        segmented.explanation
    );
    assert_eq!(segmented.contribution, -1);
}

#[test]
fn controls_are_reported_with_their_effect() {
    let method = method();
    let ultrasound = &golden_cases()[7].input;
    let result = assess(method, ultrasound);
    assert_eq!(
        result.residual_likelihood, 3,
        "10 points, 3 offset, then allow-listing: one step"
    );
    let offset: Vec<(&str, Option<&str>)> = result
        .factors
        .iter()
        .filter(|f| f.offset_by.is_some())
        .map(|f| (f.factor.as_str(), f.offset_by.as_deref()))
        .collect();
    assert_eq!(
        offset,
        vec![
            ("zone_shared", Some("isolation_vlan")),
            ("encryption_in_transit_missing", Some("encrypted_tunnel")),
            ("monitoring_missing", Some("network_monitoring")),
        ]
    );
    assert!(result
        .controls
        .iter()
        .all(|c| c.status == ControlStatus::Applied));

    // Physical security helps a device nobody can reach over a network, not a networked one.
    let mut networked = ultrasound.clone();
    networked.controls = vec!["physical_security".into(), "retired_control".into()];
    let statuses: Vec<ControlStatus> = assess(method, &networked)
        .controls
        .iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(
        statuses,
        vec![ControlStatus::NotApplicable, ControlStatus::NotInMethod]
    );
    let ventilator = &golden_cases()[5].input;
    assert_eq!(
        assess(method, ventilator).controls[0].status,
        ControlStatus::Applied
    );

    // The offline backup lowers availability only: a therapeutic pump's safety impact stays.
    let mut pump = golden_cases()[0].input.clone();
    pump.controls = vec!["offline_backup_device".into()];
    let with_backup = score(method, &pump);
    assert_eq!(with_backup.residual_impact, 4);
    pump.clinical_function = ClinicalFunction::Administrative;
    pump.handles_phi = TriState::No;
    pump.default_credentials_changed = TriState::Yes;
    pump.authentication = Authentication::Local;
    let admin = score(method, &pump);
    assert_eq!(
        (admin.impact, admin.residual_impact),
        (2, 2),
        "integrity stays at 2"
    );
}

#[test]
fn input_is_built_from_a_device_record() {
    let device = DeviceFields {
        name: "ICU pump 3".into(),
        category: DeviceCategory::InfusionPump,
        connectivity: vec![Connectivity::Wifi],
        clinical_function: ClinicalFunction::Therapeutic,
        patch_status: PatchStatus::Behind,
        vendor_support: VendorSupport::Limited,
        default_credentials_changed: TriState::No,
        ..Default::default()
    };
    let input = RiskInput::from_device(
        &device,
        Some(ZonePurpose::Guest),
        2,
        KnownVulnerabilities {
            known_exploited: 0,
            advisories: 1,
        },
        vec!["network_monitoring".into()],
    );
    assert_eq!(input.category, DeviceCategory::InfusionPump);
    assert_eq!(input.connectivity, vec![Connectivity::Wifi]);
    assert_eq!(input.zone_purpose, Some(ZonePurpose::Guest));
    assert_eq!(input.patch_status, PatchStatus::Behind);
    assert_eq!(input.vendor_support, VendorSupport::Limited);
    assert_eq!(input.default_credentials_changed, TriState::No);
    assert_eq!(input.questionnaire_gaps, 2);
    assert_eq!(input.vulnerabilities.advisories, 1);
    let ids: Vec<Text> = assess(method(), &input)
        .factors
        .into_iter()
        .map(|f| f.factor)
        .collect();
    for expected in [
        "zone_guest",
        "advised_vulnerability",
        "patch_behind",
        "support_limited",
        "default_credentials_unchanged",
    ] {
        assert!(ids.iter().any(|id| id == expected), "{expected} in {ids:?}");
    }
}

// ------------------------------------------------------------------------------------------
// Properties over generated device profiles

#[test]
fn a_weakness_never_lowers_likelihood() {
    let method = method();
    let mut checked = 0;
    for input in profiles(3_000, 0x5EED_0001) {
        let before = score(method, &input);
        for (change, worse) in worsenings(&input) {
            let after = score(method, &worse);
            assert!(
                after.points >= before.points,
                "{change}: points {before:?} -> {after:?} for {input:?}"
            );
            assert!(after.likelihood >= before.likelihood, "{change}: {input:?}");
            assert!(after.level >= before.level, "{change}: {input:?}");
            assert!(
                after.residual_likelihood >= before.residual_likelihood,
                "{change}: residual, {input:?}"
            );
            assert!(
                after.residual_level >= before.residual_level,
                "{change}: residual, {input:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 15_000, "only {checked} worsenings were checked");
}

#[test]
fn a_control_never_raises_residual_risk() {
    let method = method();
    let mut lowered = 0;
    for input in profiles(3_000, 0x5EED_0002) {
        let before = score(method, &input);
        assert!(before.residual_likelihood <= before.likelihood, "{input:?}");
        assert!(before.residual_impact <= before.impact, "{input:?}");
        assert!(before.residual_level <= before.level, "{input:?}");
        for control in method.controls() {
            let mut more = input.clone();
            more.controls.push(control.id.clone());
            let after = score(method, &more);
            assert_eq!(
                (after.points, after.likelihood, after.impact, after.level),
                (
                    before.points,
                    before.likelihood,
                    before.impact,
                    before.level
                ),
                "a control changes only the residual risk"
            );
            assert!(
                after.residual_points <= before.residual_points,
                "{}: {input:?}",
                control.id
            );
            assert!(
                after.residual_likelihood <= before.residual_likelihood,
                "{}: {input:?}",
                control.id
            );
            assert!(
                after.residual_impact <= before.residual_impact,
                "{}: {input:?}",
                control.id
            );
            assert!(
                after.residual_level <= before.residual_level,
                "{}: {input:?}",
                control.id
            );
            if after.residual_level < before.residual_level {
                lowered += 1;
            }
        }
    }
    assert!(
        lowered > 100,
        "controls should lower some levels; lowered {lowered}"
    );
}

#[test]
fn raising_clinical_criticality_never_lowers_impact() {
    use ClinicalFunction as C;
    let method = method();
    let rank = |f: C| match f {
        C::Administrative => 0,
        C::Diagnostic | C::Monitoring => 1,
        C::Therapeutic => 2,
        C::LifeSustaining => 3,
        C::Unknown => unreachable!("unknown is checked separately"),
    };
    let known = [
        C::Administrative,
        C::Diagnostic,
        C::Monitoring,
        C::Therapeutic,
        C::LifeSustaining,
    ];
    for input in profiles(2_000, 0x5EED_0003) {
        let with = |function: C| {
            let mut changed = input.clone();
            changed.clinical_function = function;
            score(method, &changed)
        };
        for lower in known {
            for higher in known {
                if rank(lower) < rank(higher) {
                    let (a, b) = (with(lower), with(higher));
                    assert!(b.impact >= a.impact, "{lower:?} -> {higher:?}: {input:?}");
                    assert!(b.level >= a.level, "{lower:?} -> {higher:?}: {input:?}");
                    assert!(
                        b.residual_impact >= a.residual_impact,
                        "{lower:?} -> {higher:?}"
                    );
                    assert!(
                        b.residual_level >= a.residual_level,
                        "{lower:?} -> {higher:?}"
                    );
                }
            }
        }
        // Unknown is treated conservatively: as if the device delivered therapy.
        assert!(with(C::Unknown).impact >= with(C::Therapeutic).impact);
    }
}

#[test]
fn score_and_assessment_agree_on_every_profile() {
    let method = method();
    for input in profiles(1_000, 0x5EED_0004) {
        let quick = score(method, &input);
        let full = assess(method, &input);
        assert_eq!(full.score(), quick);
        assert_eq!(quick.level, method.level(quick.likelihood, quick.impact));
        assert_eq!(
            quick.residual_level,
            method.level(quick.residual_likelihood, quick.residual_impact)
        );
        let likelihood: Vec<&FactorContribution> = full
            .factors
            .iter()
            .filter(|f| f.kind != FactorKind::Impact)
            .collect();
        assert_eq!(
            likelihood.iter().map(|f| f.contribution).sum::<i32>(),
            quick.points
        );
        let offset: i32 = likelihood
            .iter()
            .filter(|f| f.offset_by.is_some())
            .map(|f| f.contribution)
            .sum();
        assert_eq!(quick.points - offset, quick.residual_points);
        let impact_levels: Vec<i32> = full
            .factors
            .iter()
            .filter(|f| f.kind == FactorKind::Impact)
            .map(|f| f.contribution)
            .collect();
        assert_eq!(impact_levels.len(), 4);
        assert_eq!(
            impact_levels.iter().max().copied(),
            Some(i32::from(quick.impact))
        );
        assert!(
            (1..=5).contains(&quick.likelihood) && (1..=5).contains(&quick.residual_likelihood)
        );
    }
}

// ------------------------------------------------------------------------------------------
// What would lower it

fn flat_network_pump() -> RiskInput {
    RiskInput {
        category: DeviceCategory::InfusionPump,
        connectivity: vec![Connectivity::Wired],
        zone_purpose: Some(ZonePurpose::FlatUnknown),
        clinical_function: ClinicalFunction::Therapeutic,
        handles_phi: TriState::Yes,
        patch_status: PatchStatus::Current,
        default_credentials_changed: TriState::Yes,
        authentication: Authentication::Local,
        encryption_in_transit: TriState::No,
        remote_vendor_access: RemoteAccess::OnRequest,
        monitoring_coverage: TriState::No,
        vendor_support: VendorSupport::Supported,
        ..Default::default()
    }
}

#[test]
fn moving_a_flat_network_pump_to_the_medical_zone_ranks_first() {
    let method = method();
    let pump = flat_network_pump();
    let before = score(method, &pump);
    assert_eq!(
        (before.likelihood, before.impact, before.level),
        (3, 4, RiskLevel::High)
    );
    let actions = what_would_lower(method, &pump);
    let ids: Vec<&str> = actions
        .iter()
        .map(|a| a.control.as_deref().unwrap_or(&a.id))
        .collect();
    assert_eq!(ids[0], "move_to_medical_zone", "{ids:?}");
    let best = &actions[0];
    assert_eq!(
        (best.from_level, best.to_level),
        (RiskLevel::High, RiskLevel::Medium)
    );
    assert_eq!((best.likelihood_delta, best.points_delta), (-1, -3));
    let position = |id: &str| {
        ids.iter()
            .position(|x| *x == id)
            .unwrap_or_else(|| panic!("{id} in {ids:?}"))
    };
    for lesser in [
        "enable_monitoring",
        "disable_remote_access",
        "enable_encryption",
        "isolation_vlan",
    ] {
        assert!(
            position("move_to_medical_zone") < position(lesser),
            "{ids:?}"
        );
        assert_eq!(
            actions[position(lesser)].to_level,
            RiskLevel::High,
            "{lesser} alone keeps it High"
        );
    }
    // Already done, or not applicable to this device: not offered.
    for absent in [
        "change_default_credentials",
        "install_patches",
        "replace_with_supported_model",
        "physical_security",
    ] {
        assert!(!ids.contains(&absent), "{absent} in {ids:?}");
    }
    let labels: Vec<&str> = actions.iter().map(|a| a.label.as_str()).collect();
    assert!(
        labels.contains(&"Add the compensating control: Network monitoring"),
        "{labels:?}"
    );
}

#[test]
fn every_offered_action_lowers_and_matches_a_rerun() {
    let method = method();
    let mut offered = 0;
    for input in profiles(500, 0x5EED_0005) {
        let before = score(method, &input);
        let actions = what_would_lower(method, &input);
        for pair in actions.windows(2) {
            let drop = |a: &Action| a.to_level.rank() - a.from_level.rank();
            assert!(
                drop(&pair[0]) <= drop(&pair[1]),
                "ranked by level drop first"
            );
        }
        for action in &actions {
            offered += 1;
            assert_eq!(action.from_level, before.residual_level);
            assert!(action.to_level <= action.from_level, "{action:?}");
            assert!(
                action.likelihood_delta <= 0
                    && action.impact_delta <= 0
                    && action.points_delta <= 0
            );
            assert!(
                action.to_level < action.from_level
                    || action.likelihood_delta < 0
                    || action.impact_delta < 0
                    || action.points_delta < 0,
                "an action that changes nothing is not offered: {action:?}"
            );
            let after = action.apply_to(&input).expect("offered actions apply");
            assert_eq!(score(method, &after).residual_level, action.to_level);
        }
    }
    assert!(offered > 1_000, "only {offered} actions offered");
}

#[test]
fn the_critical_pump_has_its_biggest_fixes_first() {
    let method = method();
    let pump = &golden_cases()[0].input;
    let actions = what_would_lower(method, pump);
    let ids: Vec<&str> = actions
        .iter()
        .map(|a| a.control.as_deref().unwrap_or(&a.id))
        .collect();
    // At 19 points the likelihood is far past 5: no single fix of a fact crosses a band, so
    // only the controls that lower likelihood by a step change the level now...
    assert_eq!(
        ids[..2],
        ["acl_firewall_rule", "application_allow_listing"],
        "{ids:?}"
    );
    assert!(actions[..2]
        .iter()
        .all(|a| (a.from_level, a.to_level) == (RiskLevel::Critical, RiskLevel::High)));
    assert!(actions[2..]
        .iter()
        .all(|a| a.to_level == RiskLevel::Critical));
    // ...and the points rank the fixes: replacing the unsupported pump removes the most.
    let fixes: Vec<&str> = actions
        .iter()
        .filter(|a| a.control.is_none())
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(fixes[0], "replace_with_supported_model", "{fixes:?}");
    let position = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    assert!(position("move_to_medical_zone") < position("enable_monitoring"));
    assert!(position("change_default_credentials") < position("enable_encryption"));
}

#[test]
fn a_plan_brings_the_critical_pump_down_step_by_step() {
    let method = method();
    let pump = &golden_cases()[0].input;
    let plan = plan_to_reach(method, pump, RiskLevel::Medium);
    assert!(plan.reaches_target, "{plan:?}");
    assert!(plan.final_level <= RiskLevel::Medium);
    let mut device = pump.clone();
    let mut level = RiskLevel::Critical;
    for step in &plan.steps {
        assert_eq!(
            step.from_level, level,
            "each step starts where the last ended"
        );
        assert!(step.to_level <= step.from_level);
        device = step.apply_to(&device).unwrap();
        level = score(method, &device).residual_level;
        assert_eq!(level, step.to_level, "the plan's levels are re-run results");
    }
    assert_eq!(level, plan.final_level);
    let ids: Vec<&str> = plan
        .steps
        .iter()
        .map(|a| a.control.as_deref().unwrap_or(&a.id))
        .collect();
    assert!(ids.contains(&"replace_with_supported_model"), "{ids:?}");

    // A device already at the target needs no plan; one whose every action is done stops.
    let monitor = &golden_cases()[1].input;
    let none = plan_to_reach(method, monitor, RiskLevel::Low);
    assert!(none.steps.is_empty() && none.reaches_target);
    let ventilator = &golden_cases()[5].input;
    let stuck = plan_to_reach(method, ventilator, RiskLevel::Low);
    assert!(
        !stuck.reaches_target,
        "a life-sustaining device stays at least Medium: {stuck:?}"
    );
    assert_eq!(stuck.final_level, RiskLevel::Medium);
}

#[test]
fn plans_reach_low_or_stop_where_nothing_helps() {
    let method = method();
    for input in profiles(300, 0x5EED_0007) {
        let plan = plan_to_reach(method, &input, RiskLevel::Low);
        if !plan.reaches_target {
            let mut device = input.clone();
            for step in &plan.steps {
                device = step.apply_to(&device).unwrap();
            }
            assert!(
                what_would_lower(method, &device).is_empty(),
                "a plan stops only when nothing more would help: {input:?}"
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// Validation of broken method files

fn builtin_doc() -> MethodDoc {
    toml::from_str(BUILTIN).unwrap()
}

fn problems_of(doc: MethodDoc) -> Vec<String> {
    match Method::from_doc(doc) {
        Err(MethodError::Invalid(problems)) => problems,
        Err(other) => panic!("expected validation problems, got {other}"),
        Ok(_) => panic!("a broken method was accepted"),
    }
}

fn assert_problem(doc: MethodDoc, needle: &str) {
    let problems = problems_of(doc);
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "\"{needle}\" not in {problems:?}"
    );
}

#[test]
fn validation_catches_broken_method_files() {
    let mut doc = builtin_doc();
    doc.matrix.rows.pop();
    assert_problem(doc, "matrix must have 5 rows");

    let mut doc = builtin_doc();
    doc.matrix.rows[2].push(RiskLevel::High);
    assert_problem(doc, "matrix must have 5 rows");

    let mut doc = builtin_doc();
    doc.matrix.rows[4][4] = RiskLevel::Low;
    assert_problem(doc, "matrix falls");

    let mut doc = builtin_doc();
    doc.likelihood_scale.retain(|s| s.level != 3);
    assert_problem(doc, "likelihood_scale has 0 step(s) for level 3");

    let mut doc = builtin_doc();
    doc.impact_scale[0].level = 6;
    assert_problem(doc, "impact_scale has level 6");

    let mut doc = builtin_doc();
    doc.likelihood.thresholds = vec![1, 4, 4, 10];
    assert_problem(doc, "must rise strictly");

    let mut doc = builtin_doc();
    doc.likelihood.thresholds = vec![1, 4, 7];
    assert_problem(doc, "expected 4");

    let set_points = |doc: &mut MethodDoc, id: &str, points: i32| {
        doc.factors.iter_mut().find(|f| f.id == id).unwrap().points = points;
    };
    let mut doc = builtin_doc();
    set_points(&mut doc, "support_ended", -2);
    assert_problem(doc, "\"support_ended\" has negative points");

    let mut doc = builtin_doc();
    set_points(&mut doc, "zone_guest", 9);
    assert_problem(doc, "at most 5 either way");

    let mut doc = builtin_doc();
    set_points(&mut doc, "patch_behind", 3);
    assert_problem(
        doc,
        "\"patch_behind\" (3 points) must not count more than \"patch_unpatchable\"",
    );

    let mut doc = builtin_doc();
    doc.factors
        .iter_mut()
        .find(|f| f.id == "zone_guest")
        .unwrap()
        .id = "zone_guests".into();
    let problems = problems_of(doc);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"zone_guests\" is not known")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"zone_guest\" is missing")),
        "{problems:?}"
    );

    let mut doc = builtin_doc();
    let copy = doc.factors[3].clone();
    doc.factors.push(copy);
    assert_problem(doc, "is defined twice");

    let mut doc = builtin_doc();
    doc.factors
        .iter_mut()
        .find(|f| f.id == "zone_flat")
        .unwrap()
        .group = FactorGroup::Weakness;
    assert_problem(doc, "\"zone_flat\" belongs to group Exposure");

    let mut doc = builtin_doc();
    doc.factors
        .iter_mut()
        .find(|f| f.id == "known_exploited_vulnerability")
        .unwrap()
        .min_count = None;
    assert_problem(doc, "needs min_count");

    let mut doc = builtin_doc();
    doc.impact_rules
        .iter_mut()
        .find(|r| r.id == "safety_life_sustaining")
        .unwrap()
        .level = 2;
    assert_problem(
        doc,
        "\"safety_therapeutic\" (level 4) must not be above \"safety_life_sustaining\"",
    );

    let mut doc = builtin_doc();
    doc.impact_rules.retain(|r| r.id != "phi_none");
    assert_problem(doc, "impact_rule \"phi_none\" is missing");

    let mut doc = builtin_doc();
    doc.controls[0].offsets.push("firewall_magic".into());
    assert_problem(doc, "offsets \"firewall_magic\", which is not a factor");

    let mut doc = builtin_doc();
    let control = &mut doc.controls[0];
    control.offsets.clear();
    control.reduce_likelihood = 0;
    assert_problem(doc, "has no effect");

    let mut doc = builtin_doc();
    doc.controls[1].cap_likelihood = Some(0);
    assert_problem(doc, "caps likelihood at 0");

    let mut doc = builtin_doc();
    doc.actions.retain(|a| a.id != "move_to_medical_zone");
    assert_problem(doc, "action \"move_to_medical_zone\" is missing");

    let mut doc = builtin_doc();
    doc.risk_levels.pop();
    assert_problem(doc, "risk_level Critical is defined 0 times");
}

#[test]
fn unreadable_method_text_is_a_parse_error() {
    assert!(matches!(
        Method::from_toml("version = "),
        Err(MethodError::Parse(_))
    ));
    // A misspelt key is refused rather than silently ignored.
    let typo = BUILTIN.replacen("points = 2", "pionts = 2", 1);
    let error = Method::from_toml(&typo).unwrap_err();
    assert!(
        matches!(&error, MethodError::Parse(text) if text.contains("pionts")),
        "{error}"
    );
    let no_matrix = BUILTIN.replace("[matrix]", "[matrix_old]");
    assert!(matches!(
        Method::from_toml(&no_matrix),
        Err(MethodError::Parse(_))
    ));
}

#[test]
fn results_serialise_for_the_ui() {
    let result = assess(method(), &golden_cases()[0].input);
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["level"], "critical");
    assert_eq!(json["method_version"], "2026.1");
    assert_eq!(json["factors"][0]["kind"], "weakness");
    let actions = serde_json::to_value(what_would_lower(method(), &flat_network_pump())).unwrap();
    assert_eq!(actions[0]["id"], "move_to_medical_zone");
    assert_eq!(actions[0]["to_level"], "medium");
    let doc = serde_json::to_value(method().doc()).unwrap();
    assert_eq!(doc["version"], "2026.1");
}

// ------------------------------------------------------------------------------------------
// Timing (printed, not asserted: the figure depends on the machine and the build profile).
// Run: cargo test --release -p devicerisk-core risk::tests::timing -- --nocapture

#[test]
fn timing_ten_thousand_devices() {
    let method = method();
    let inputs = profiles(10_000, 0x5EED_0006);
    let started = std::time::Instant::now();
    let scores: Vec<Score> = inputs.iter().map(|input| score(method, input)).collect();
    let score_time = started.elapsed();
    let started = std::time::Instant::now();
    let assessments: Vec<DeviceRiskResult> =
        inputs.iter().map(|input| assess(method, input)).collect();
    let assess_time = started.elapsed();
    let started = std::time::Instant::now();
    let actions: usize = inputs
        .iter()
        .take(1_000)
        .map(|input| what_would_lower(method, input).len())
        .sum();
    let actions_time = started.elapsed();
    println!(
        "10,000 devices: score {score_time:?}, assess with explanations {assess_time:?}; \
         what_would_lower for 1,000 devices {actions_time:?} ({actions} actions)"
    );
    assert_eq!(scores.len(), assessments.len());
    assert!(scores
        .iter()
        .zip(&assessments)
        .all(|(s, a)| a.score() == *s));
    let critical = scores
        .iter()
        .filter(|s| s.level == RiskLevel::Critical)
        .count();
    let low = scores.iter().filter(|s| s.level == RiskLevel::Low).count();
    assert!(
        critical > 0 && low > 0,
        "random profiles span the matrix: {critical} critical, {low} low"
    );
}

#[test]
fn shared_text_reaches_the_ui_as_a_plain_string() {
    use specta::datatype::{DataType, PrimitiveType};
    let mut types = specta::TypeCollection::default();
    let shape = <Text as specta::Type>::inline(&mut types, specta::Generics::Definition);
    assert!(
        matches!(shape, DataType::Primitive(PrimitiveType::String)),
        "{shape:?}"
    );
    let text = Text::from("Segmented");
    assert_eq!(serde_json::to_value(&text).unwrap(), "Segmented");
    let back: Text = serde_json::from_str("\"Segmented\"").unwrap();
    assert_eq!(back, text);
}

#[test]
fn vulnerability_reasons_name_the_vulnerabilities() {
    let input = RiskInput {
        vulnerabilities: KnownVulnerabilities {
            known_exploited: 1,
            advisories: 2,
        },
        ..RiskInput::default()
    };
    let mut assessment = assess(method(), &input);
    let before = assessment.clone();
    assessment.name_vulnerabilities(
        &["CVE-2023-30563".into()],
        &["ICSMA-23-194-01".into(), "ICSMA-17-017-02".into()],
    );
    let text = |a: &DeviceRiskResult, id: &str| {
        a.factors
            .iter()
            .find(|f| f.factor.as_str() == id)
            .unwrap()
            .explanation
            .to_string()
    };
    let kev = text(&assessment, "known_exploited_vulnerability");
    assert!(kev.contains("(CVE-2023-30563): +"), "{kev}");
    let advised = text(&assessment, "advised_vulnerability");
    assert!(
        advised.contains("(ICSMA-23-194-01; ICSMA-17-017-02): +"),
        "{advised}"
    );
    // Only the explanation changes: the numbers and the other reasons stay.
    assert_eq!(assessment.score(), before.score());
    for (a, b) in assessment.factors.iter().zip(&before.factors) {
        if !a.factor.contains("vulnerability") {
            assert_eq!(a, b);
        }
    }
}
