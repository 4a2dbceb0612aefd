//! The engine: one device's facts in, likelihood, impact, levels and their reasons out.
//!
//! [`score`] is the hot path (a register recompute over thousands of devices): it allocates
//! nothing and records which factors applied as bit sets. [`assess`] runs the same evaluation and
//! attaches the reasons: the method's sentences, built once when it was loaded and shared here.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::method::{
    ControlScope, FactorGroup, ImpactDimension, ImpactRuleId, LikelihoodFactorId, Method, RiskLevel,
};
use super::text::Text;
use crate::model::DeviceFields;
use crate::vocab::*;

/// Vulnerabilities matched to the device by the intelligence features (KEV, advisories).
/// Counts only those still open: not mitigated, not ruled out by a human decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct KnownVulnerabilities {
    /// Matches in CISA's Known Exploited Vulnerabilities catalog.
    pub known_exploited: i32,
    /// Published advisories (e.g. CISA ICSMA) affecting the device, not yet mitigated.
    pub advisories: i32,
}

/// Everything the method reads about one device.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct RiskInput {
    pub category: DeviceCategory,
    /// Empty means not known.
    pub connectivity: Vec<Connectivity>,
    /// Purpose of the device's zone; `None` when no zone is assigned.
    pub zone_purpose: Option<ZonePurpose>,
    pub clinical_function: ClinicalFunction,
    pub handles_phi: TriState,
    pub patch_status: PatchStatus,
    pub default_credentials_changed: TriState,
    pub authentication: Authentication,
    pub encryption_in_transit: TriState,
    pub remote_vendor_access: RemoteAccess,
    pub monitoring_coverage: TriState,
    pub vendor_support: VendorSupport,
    /// Open gaps in the device's questionnaire (unanswered or answered as a gap).
    pub questionnaire_gaps: i32,
    pub vulnerabilities: KnownVulnerabilities,
    /// Ids of the library controls assigned to the device.
    pub controls: Vec<String>,
}

impl RiskInput {
    /// The facts of a device record, with what the device record does not hold itself.
    pub fn from_device(
        device: &DeviceFields,
        zone_purpose: Option<ZonePurpose>,
        questionnaire_gaps: i32,
        vulnerabilities: KnownVulnerabilities,
        controls: Vec<String>,
    ) -> RiskInput {
        RiskInput {
            category: device.category,
            connectivity: device.connectivity.clone(),
            zone_purpose,
            clinical_function: device.clinical_function,
            handles_phi: device.handles_phi,
            patch_status: device.patch_status,
            default_credentials_changed: device.default_credentials_changed,
            authentication: device.authentication,
            encryption_in_transit: device.encryption_in_transit,
            remote_vendor_access: device.remote_vendor_access,
            monitoring_coverage: device.monitoring_coverage,
            vendor_support: device.vendor_support,
            questionnaire_gaps,
            vulnerabilities,
            controls,
        }
    }
}

/// The numbers of one assessment, without the explanation. `Copy`, so thousands are cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Score {
    /// Likelihood points before controls.
    pub points: i32,
    /// 1-5.
    pub likelihood: u8,
    /// 1-5.
    pub impact: u8,
    /// Inherent level: before compensating controls.
    pub level: RiskLevel,
    /// Likelihood points after controls offset some factors.
    pub residual_points: i32,
    pub residual_likelihood: u8,
    pub residual_impact: u8,
    /// Residual level: after compensating controls.
    pub residual_level: RiskLevel,
}

/// What kind of reason a factor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    Exposure,
    Weakness,
    Detection,
    Impact,
}

impl From<FactorGroup> for FactorKind {
    fn from(group: FactorGroup) -> Self {
        match group {
            FactorGroup::Exposure => FactorKind::Exposure,
            FactorGroup::Weakness => FactorKind::Weakness,
            FactorGroup::Detection => FactorKind::Detection,
        }
    }
}

/// One reason behind a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FactorContribution {
    /// The factor's or impact rule's id in the method.
    pub factor: Text,
    pub kind: FactorKind,
    /// For impact reasons: the dimension this rule decided.
    pub dimension: Option<ImpactDimension>,
    pub label: Text,
    /// Likelihood reasons: the signed points added. Impact reasons: the dimension's level (1-5).
    pub contribution: i32,
    /// The assigned control that cancels this factor in the residual risk, if any.
    pub offset_by: Option<Text>,
    /// Plain words, e.g. "Sits on a flat network shared with office PCs, ...: +2 likelihood points".
    pub explanation: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// Counted in the residual risk.
    Applied,
    /// In the library, but not for this kind of device (e.g. physical security on a networked one).
    NotApplicable,
    /// Not in this version of the method: it has no effect until it is added back.
    NotInMethod,
}

/// An assigned control and what it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ControlContribution {
    pub control: Text,
    pub label: Text,
    pub status: ControlStatus,
    /// The documented effect, in plain words.
    pub effect: Text,
}

/// A full, explained assessment of one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DeviceRiskResult {
    /// The version of the method that produced this result.
    pub method_version: Text,
    pub points: i32,
    pub likelihood: u8,
    pub impact: u8,
    pub level: RiskLevel,
    pub residual_points: i32,
    pub residual_likelihood: u8,
    pub residual_impact: u8,
    pub residual_level: RiskLevel,
    /// Likelihood reasons, biggest first, then one impact reason per dimension.
    pub factors: Vec<FactorContribution>,
    pub controls: Vec<ControlContribution>,
}

impl DeviceRiskResult {
    /// Names the vulnerabilities behind the known-exploited and advisory factors, e.g.
    /// "… (CVE-2023-30563 in BD Alaris PCU): +3 likelihood points". `RiskInput` only counts
    /// them (it is `Copy`-cheap for the register); the caller that built the counts knows the
    /// names and adds them to the one explanation a person reads.
    pub fn name_vulnerabilities(&mut self, known_exploited: &[String], advisories: &[String]) {
        for factor in &mut self.factors {
            let names = match factor.factor.as_str() {
                "known_exploited_vulnerability" => known_exploited,
                "advised_vulnerability" => advisories,
                _ => continue,
            };
            if names.is_empty() {
                continue;
            }
            let sentence = factor.explanation.as_str();
            let (head, tail) = sentence
                .rfind(": ")
                .map_or((sentence, ""), |at| sentence.split_at(at));
            factor.explanation = format!("{head} ({}){tail}", names.join("; "))
                .as_str()
                .into();
        }
    }

    pub fn score(&self) -> Score {
        Score {
            points: self.points,
            likelihood: self.likelihood,
            impact: self.impact,
            level: self.level,
            residual_points: self.residual_points,
            residual_likelihood: self.residual_likelihood,
            residual_impact: self.residual_impact,
            residual_level: self.residual_level,
        }
    }
}

/// The widest link a device has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    NotConnected,
    SerialOnly,
    Unknown,
    Wired,
    Wireless,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Reach {
    link: Link,
    /// On an IP network (wired, Wi-Fi, cellular) or not known: zone and monitoring count.
    ip: bool,
}

impl Reach {
    pub(crate) fn of(connectivity: &[Connectivity]) -> Reach {
        if connectivity.is_empty() {
            // Unknown connectivity is treated as the worst case an auditor would assume.
            return Reach {
                link: Link::Unknown,
                ip: true,
            };
        }
        let has = |c: Connectivity| connectivity.contains(&c);
        let link = if has(Connectivity::Wifi)
            || has(Connectivity::Bluetooth)
            || has(Connectivity::Cellular)
        {
            Link::Wireless
        } else if has(Connectivity::Wired) {
            Link::Wired
        } else if has(Connectivity::Serial) {
            Link::SerialOnly
        } else {
            Link::NotConnected
        };
        Reach {
            link,
            ip: has(Connectivity::Wired) || has(Connectivity::Wifi) || has(Connectivity::Cellular),
        }
    }

    /// Reachable without standing at the device: remote access and encryption count.
    pub(crate) fn networked(self) -> bool {
        matches!(self.link, Link::Unknown | Link::Wired | Link::Wireless)
    }
}

/// Which factors, rules and controls applied: bit sets, so the hot path allocates nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trace {
    /// Bits by `LikelihoodFactorId`.
    pub factors: u64,
    /// Factors whose points the applied controls cancel (only those that applied and added).
    pub offset: u64,
    /// The rule that decided each dimension, in `ImpactDimension::ALL` order.
    pub dimension_rule: [ImpactRuleId; 4],
    pub dimension_level: [u8; 4],
    /// Bits by control position in the library.
    pub controls_applied: u64,
}

/// The likelihood, impact and levels of one device, inherent and residual.
pub fn score(method: &Method, input: &RiskInput) -> Score {
    evaluate(method, input).0
}

pub(crate) fn evaluate(method: &Method, input: &RiskInput) -> (Score, Trace) {
    use LikelihoodFactorId as F;
    let reach = Reach::of(&input.connectivity);
    let mut factors = 0u64;
    let mut add = |factor: F| factors |= 1 << factor as u32;

    add(match reach.link {
        Link::NotConnected => F::NotConnected,
        Link::SerialOnly => F::SerialOnly,
        Link::Unknown => F::ConnectivityUnknown,
        Link::Wired => F::ConnectivityWired,
        Link::Wireless => F::ConnectivityWireless,
    });
    if reach.ip {
        add(match input.zone_purpose {
            None => F::ZoneUnassigned,
            Some(ZonePurpose::FlatUnknown) => F::ZoneFlat,
            Some(ZonePurpose::Guest) => F::ZoneGuest,
            Some(
                ZonePurpose::Corporate | ZonePurpose::ClinicalIt | ZonePurpose::BuildingSystems,
            ) => F::ZoneShared,
            Some(ZonePurpose::Dmz) => F::ZoneInternet,
            Some(ZonePurpose::MedicalDevices) => F::ZoneMedical,
            Some(ZonePurpose::Isolated) => F::ZoneIsolated,
        });
        add(match input.monitoring_coverage {
            TriState::Yes => F::MonitoringCovered,
            TriState::No => F::MonitoringMissing,
            TriState::Unknown => F::MonitoringUnknown,
        });
    }
    if reach.networked() {
        match input.remote_vendor_access {
            RemoteAccess::AlwaysOn => add(F::RemoteAlwaysOn),
            RemoteAccess::OnRequest => add(F::RemoteOnRequest),
            RemoteAccess::Unknown => add(F::RemoteUnknown),
            RemoteAccess::None => {}
        }
        if input.encryption_in_transit == TriState::No {
            add(F::EncryptionInTransitMissing);
        }
    }
    match input.vendor_support {
        VendorSupport::Ended => add(F::SupportEnded),
        VendorSupport::Limited => add(F::SupportLimited),
        VendorSupport::Unknown => add(F::SupportUnknown),
        VendorSupport::Supported => {}
    }
    match input.patch_status {
        PatchStatus::Unpatchable => add(F::PatchUnpatchable),
        PatchStatus::Behind => add(F::PatchBehind),
        // "Patchable" says the device could be patched, not that it is: its status is unknown.
        PatchStatus::Unknown | PatchStatus::Patchable => add(F::PatchUnknown),
        PatchStatus::Current | PatchStatus::VendorOnly => {}
    }
    match input.default_credentials_changed {
        TriState::No => add(F::DefaultCredentialsUnchanged),
        TriState::Unknown => add(F::DefaultCredentialsUnknown),
        TriState::Yes => {}
    }
    match input.authentication {
        Authentication::None => add(F::AuthenticationNone),
        Authentication::DefaultCredentials => add(F::AuthenticationSharedDefault),
        _ => {}
    }
    let min = |factor: F| method.min_count[factor as usize];
    if input.questionnaire_gaps >= min(F::QuestionnaireGapsMany) {
        add(F::QuestionnaireGapsMany);
    } else if input.questionnaire_gaps >= min(F::QuestionnaireGapsSome) {
        add(F::QuestionnaireGapsSome);
    }
    if input.vulnerabilities.known_exploited >= min(F::KnownExploitedVulnerability) {
        add(F::KnownExploitedVulnerability);
    }
    if input.vulnerabilities.advisories >= min(F::AdvisedVulnerability) {
        add(F::AdvisedVulnerability);
    }

    let points = sum_points(method, factors);
    let likelihood = method.likelihood_for_points(points);
    let (dimension_rule, dimension_level) = impact_rules(method, input);
    let impact = dimension_level.iter().copied().max().unwrap_or(1);

    // Compensating controls: each library control counts once, and only for devices it can help.
    let mut offsets = 0u64;
    let mut reduce_likelihood = 0u8;
    let mut cap_likelihood = 5u8;
    let mut reduce_availability = 0u8;
    let mut controls_applied = 0u64;
    let mut controls_not_applicable = 0u64;
    for id in &input.controls {
        let Some(index) = method.control_index(id) else {
            continue;
        };
        let bit = 1u64 << index;
        if (controls_applied | controls_not_applicable) & bit != 0 {
            continue;
        }
        let effect = method.control_effects[index];
        let fits = match effect.scope {
            ControlScope::Any => true,
            ControlScope::Networked => reach.networked(),
            ControlScope::NotNetworked => !reach.networked(),
        };
        if !fits {
            controls_not_applicable |= bit;
            continue;
        }
        controls_applied |= bit;
        offsets |= effect.offsets;
        reduce_likelihood = reduce_likelihood.saturating_add(effect.reduce_likelihood);
        cap_likelihood = cap_likelihood.min(effect.cap_likelihood);
        reduce_availability = reduce_availability.saturating_add(effect.reduce_availability);
    }
    // A control cancels points that count against the device, never points in its favour.
    let offset = factors & offsets & method.positive_points;
    let residual_points = points - sum_points(method, offset);
    let residual_likelihood = method
        .likelihood_for_points(residual_points)
        .saturating_sub(reduce_likelihood)
        .clamp(1, cap_likelihood);
    let availability = ImpactDimension::Availability as usize;
    let mut residual_levels = dimension_level;
    residual_levels[availability] = residual_levels[availability]
        .saturating_sub(reduce_availability)
        .max(1);
    let residual_impact = residual_levels.iter().copied().max().unwrap_or(1);

    let score = Score {
        points,
        likelihood,
        impact,
        level: method.level(likelihood, impact),
        residual_points,
        residual_likelihood,
        residual_impact,
        residual_level: method.level(residual_likelihood, residual_impact),
    };
    let trace = Trace {
        factors,
        offset,
        dimension_rule,
        dimension_level,
        controls_applied,
    };
    (score, trace)
}

fn sum_points(method: &Method, mut set: u64) -> i32 {
    let mut total = 0;
    while set != 0 {
        let index = set.trailing_zeros() as usize;
        total += method.points[index];
        set &= set - 1;
    }
    total
}

/// The deciding rule and level of each impact dimension.
fn impact_rules(method: &Method, input: &RiskInput) -> ([ImpactRuleId; 4], [u8; 4]) {
    use ImpactRuleId as R;
    let by_function =
        |life, therapeutic, diagnostic, monitoring, administrative, unknown| match input
            .clinical_function
        {
            ClinicalFunction::LifeSustaining => life,
            ClinicalFunction::Therapeutic => therapeutic,
            ClinicalFunction::Diagnostic => diagnostic,
            ClinicalFunction::Monitoring => monitoring,
            ClinicalFunction::Administrative => administrative,
            ClinicalFunction::Unknown => unknown,
        };
    let safety = by_function(
        R::SafetyLifeSustaining,
        R::SafetyTherapeutic,
        R::SafetyDiagnostic,
        R::SafetyMonitoring,
        R::SafetyAdministrative,
        R::SafetyUnknown,
    );
    let integrity = by_function(
        R::IntegrityLifeSustaining,
        R::IntegrityTherapeutic,
        R::IntegrityDiagnostic,
        R::IntegrityMonitoring,
        R::IntegrityAdministrative,
        R::IntegrityUnknown,
    );
    let availability = by_function(
        R::AvailabilityLifeSustaining,
        R::AvailabilityTherapeutic,
        R::AvailabilityDiagnostic,
        R::AvailabilityMonitoring,
        R::AvailabilityAdministrative,
        R::AvailabilityUnknown,
    );
    let level = |rule: R| method.rule_level[rule as usize];
    // Confidentiality is the highest of the PHI rules and the shared-secret rule that apply.
    let mut confidentiality = match input.handles_phi {
        TriState::Yes => R::PhiHandled,
        TriState::Unknown => R::PhiUnknown,
        TriState::No => R::PhiNone,
    };
    let bulk_store = matches!(
        input.category,
        DeviceCategory::PacsWorkstation | DeviceCategory::ClinicalWorkstation
    );
    let mut consider = |rule: R| {
        if level(rule) > level(confidentiality) {
            confidentiality = rule;
        }
    };
    if bulk_store && input.handles_phi != TriState::No {
        consider(R::PhiBulkStore);
    }
    if input.default_credentials_changed == TriState::No
        || input.authentication == Authentication::DefaultCredentials
    {
        consider(R::SecretsSharedPassword);
    }
    let rules = [safety, confidentiality, integrity, availability];
    (rules, rules.map(level))
}

/// The numbers of [`score`], with every reason in plain words.
pub fn assess(method: &Method, input: &RiskInput) -> DeviceRiskResult {
    let (score, trace) = evaluate(method, input);
    let mut factors = Vec::with_capacity(trace.factors.count_ones() as usize + 4);
    for &id in LikelihoodFactorId::ALL {
        let bit = 1u64 << id as u32;
        if trace.factors & bit == 0 {
            continue;
        }
        let text = &method.factor_text[id as usize];
        let offset_by = if trace.offset & bit != 0 {
            offsetting_control(method, &trace, bit)
        } else {
            None
        };
        factors.push(FactorContribution {
            factor: text.id.clone(),
            kind: id.group().into(),
            dimension: None,
            label: text.label.clone(),
            contribution: method.points[id as usize],
            offset_by,
            explanation: text.sentence.clone(),
        });
    }
    // Biggest reasons first; the sort is stable, so ties keep the method's order.
    factors.sort_by_key(|f| -f.contribution);
    for (slot, dimension) in ImpactDimension::ALL.into_iter().enumerate() {
        let text = &method.rule_text[trace.dimension_rule[slot] as usize];
        factors.push(FactorContribution {
            factor: text.id.clone(),
            kind: FactorKind::Impact,
            dimension: Some(dimension),
            label: text.label.clone(),
            contribution: i32::from(trace.dimension_level[slot]),
            offset_by: None,
            explanation: text.sentence.clone(),
        });
    }
    let controls = input
        .controls
        .iter()
        .map(|id| match method.control_index(id) {
            Some(index) => {
                let text = &method.control_text[index];
                let status = if trace.controls_applied & (1 << index) != 0 {
                    ControlStatus::Applied
                } else {
                    ControlStatus::NotApplicable
                };
                ControlContribution {
                    control: text.id.clone(),
                    label: text.label.clone(),
                    status,
                    effect: text.sentence.clone(),
                }
            }
            None => ControlContribution {
                control: id.as_str().into(),
                label: id.as_str().into(),
                status: ControlStatus::NotInMethod,
                effect: "Not in this version of the method: no effect".into(),
            },
        })
        .collect();
    DeviceRiskResult {
        method_version: method.version.clone(),
        points: score.points,
        likelihood: score.likelihood,
        impact: score.impact,
        level: score.level,
        residual_points: score.residual_points,
        residual_likelihood: score.residual_likelihood,
        residual_impact: score.residual_impact,
        residual_level: score.residual_level,
        factors,
        controls,
    }
}

/// The first applied control (in library order) whose offsets include the factor bit.
fn offsetting_control(method: &Method, trace: &Trace, bit: u64) -> Option<Text> {
    method
        .control_effects
        .iter()
        .enumerate()
        .find(|(index, effect)| {
            trace.controls_applied & (1 << index) != 0 && effect.offsets & bit != 0
        })
        .map(|(index, _)| method.control_text[index].id.clone())
}
