//! The risk method as data: the types of `assets/risk/method.toml`, its parsing and validation.
//!
//! The engine knows each likelihood factor, impact rule and action by a stable id (the enums
//! below); the file gives their numbers and words. Validation refuses a file that is incomplete
//! (a missing id, scale step or matrix cell) or that would break the method's invariants (a
//! weakness with negative points, a matrix that falls as risk rises), so a bad edit to the method
//! is caught when it is loaded, not in an auditor's packet.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use specta::Type;

use super::text::Text;

/// The method shipped with the app. Embedded, so the crate stays free of I/O.
const BUILTIN_TOML: &str = include_str!("../../../../assets/risk/method.toml");

macro_rules! engine_ids {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $key:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const COUNT: usize = Self::ALL.len();

            /// The id used in the method file and in results.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

engine_ids! {
    /// A likelihood factor whose condition the engine evaluates.
    LikelihoodFactorId {
        NotConnected => "not_connected",
        SerialOnly => "serial_only",
        ConnectivityUnknown => "connectivity_unknown",
        ConnectivityWired => "connectivity_wired",
        ConnectivityWireless => "connectivity_wireless",
        ZoneUnassigned => "zone_unassigned",
        ZoneFlat => "zone_flat",
        ZoneGuest => "zone_guest",
        ZoneShared => "zone_shared",
        ZoneInternet => "zone_internet",
        ZoneMedical => "zone_medical",
        ZoneIsolated => "zone_isolated",
        RemoteAlwaysOn => "remote_always_on",
        RemoteOnRequest => "remote_on_request",
        RemoteUnknown => "remote_unknown",
        SupportEnded => "support_ended",
        SupportLimited => "support_limited",
        SupportUnknown => "support_unknown",
        PatchUnpatchable => "patch_unpatchable",
        PatchBehind => "patch_behind",
        PatchUnknown => "patch_unknown",
        DefaultCredentialsUnchanged => "default_credentials_unchanged",
        DefaultCredentialsUnknown => "default_credentials_unknown",
        AuthenticationNone => "authentication_none",
        AuthenticationSharedDefault => "authentication_shared_default",
        EncryptionInTransitMissing => "encryption_in_transit_missing",
        QuestionnaireGapsSome => "questionnaire_gaps_some",
        QuestionnaireGapsMany => "questionnaire_gaps_many",
        KnownExploitedVulnerability => "known_exploited_vulnerability",
        AdvisedVulnerability => "advised_vulnerability",
        MonitoringCovered => "monitoring_covered",
        MonitoringMissing => "monitoring_missing",
        MonitoringUnknown => "monitoring_unknown",
    }
}

engine_ids! {
    /// An impact rule: sets one impact dimension to a level when its condition holds.
    ImpactRuleId {
        SafetyLifeSustaining => "safety_life_sustaining",
        SafetyTherapeutic => "safety_therapeutic",
        SafetyDiagnostic => "safety_diagnostic",
        SafetyMonitoring => "safety_monitoring",
        SafetyAdministrative => "safety_administrative",
        SafetyUnknown => "safety_unknown",
        PhiBulkStore => "phi_bulk_store",
        PhiHandled => "phi_handled",
        PhiUnknown => "phi_unknown",
        PhiNone => "phi_none",
        SecretsSharedPassword => "secrets_shared_password",
        IntegrityLifeSustaining => "integrity_life_sustaining",
        IntegrityTherapeutic => "integrity_therapeutic",
        IntegrityDiagnostic => "integrity_diagnostic",
        IntegrityMonitoring => "integrity_monitoring",
        IntegrityAdministrative => "integrity_administrative",
        IntegrityUnknown => "integrity_unknown",
        AvailabilityLifeSustaining => "availability_life_sustaining",
        AvailabilityTherapeutic => "availability_therapeutic",
        AvailabilityDiagnostic => "availability_diagnostic",
        AvailabilityMonitoring => "availability_monitoring",
        AvailabilityAdministrative => "availability_administrative",
        AvailabilityUnknown => "availability_unknown",
    }
}

engine_ids! {
    /// A change to a device that "what would lower it" tries.
    ActionId {
        MoveToMedicalZone => "move_to_medical_zone",
        ChangeDefaultCredentials => "change_default_credentials",
        ReplaceWithSupportedModel => "replace_with_supported_model",
        InstallPatches => "install_patches",
        RemediateVulnerabilities => "remediate_vulnerabilities",
        DisableRemoteAccess => "disable_remote_access",
        RequireAuthentication => "require_authentication",
        EnableEncryption => "enable_encryption",
        EnableMonitoring => "enable_monitoring",
        AnswerOpenQuestions => "answer_open_questions",
        AddControl => "add_control",
    }
}

// Applied factors and control offsets are kept as u64 bit sets in the hot path.
const _: () = assert!(LikelihoodFactorId::COUNT <= 64);
const _: () = assert!(ImpactRuleId::COUNT <= 64);

impl LikelihoodFactorId {
    /// The group the engine's condition belongs to; the file must agree.
    pub fn group(self) -> FactorGroup {
        use LikelihoodFactorId::*;
        match self {
            NotConnected | SerialOnly | ConnectivityUnknown | ConnectivityWired
            | ConnectivityWireless | ZoneUnassigned | ZoneFlat | ZoneGuest | ZoneShared
            | ZoneInternet | ZoneMedical | ZoneIsolated | RemoteAlwaysOn | RemoteOnRequest
            | RemoteUnknown => FactorGroup::Exposure,
            MonitoringCovered | MonitoringMissing | MonitoringUnknown => FactorGroup::Detection,
            _ => FactorGroup::Weakness,
        }
    }

    /// Factors that apply from a count (gaps, vulnerabilities) need `min_count`.
    pub fn is_counted(self) -> bool {
        use LikelihoodFactorId::*;
        matches!(
            self,
            QuestionnaireGapsSome
                | QuestionnaireGapsMany
                | KnownExploitedVulnerability
                | AdvisedVulnerability
        )
    }
}

impl ImpactRuleId {
    pub fn dimension(self) -> ImpactDimension {
        use ImpactRuleId::*;
        match self {
            SafetyLifeSustaining | SafetyTherapeutic | SafetyDiagnostic | SafetyMonitoring
            | SafetyAdministrative | SafetyUnknown => ImpactDimension::PatientSafety,
            PhiBulkStore | PhiHandled | PhiUnknown | PhiNone | SecretsSharedPassword => {
                ImpactDimension::Confidentiality
            }
            IntegrityLifeSustaining
            | IntegrityTherapeutic
            | IntegrityDiagnostic
            | IntegrityMonitoring
            | IntegrityAdministrative
            | IntegrityUnknown => ImpactDimension::Integrity,
            _ => ImpactDimension::Availability,
        }
    }
}

/// Risk level, from the matrix. Ordered: `Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 4] = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Critical,
    ];

    /// 0 for Low up to 3 for Critical: how many steps above Low.
    pub fn rank(self) -> i32 {
        self as i32
    }
}

/// The three families of likelihood factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FactorGroup {
    Exposure,
    Weakness,
    Detection,
}

/// The impact dimensions, after MITRE's rubric for medical devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImpactDimension {
    PatientSafety,
    Confidentiality,
    Integrity,
    Availability,
}

impl ImpactDimension {
    pub const ALL: [ImpactDimension; 4] = [
        ImpactDimension::PatientSafety,
        ImpactDimension::Confidentiality,
        ImpactDimension::Integrity,
        ImpactDimension::Availability,
    ];
}

/// Which devices a control can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ControlScope {
    #[default]
    Any,
    /// Devices with a network link (or unknown connectivity).
    Networked,
    /// Devices that are not connected or serial/USB only.
    NotNetworked,
}

/// One step of a 1-5 scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ScaleStep {
    pub level: u8,
    pub label: String,
    pub meaning: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodBanding {
    pub explanation: String,
    /// Points at which the likelihood reaches 2, 3, 4 and 5.
    pub thresholds: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ImpactCombination {
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct RiskLevelDef {
    pub id: RiskLevel,
    pub label: String,
    pub meaning: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct MatrixDef {
    /// `rows[likelihood - 1][impact - 1]`.
    pub rows: Vec<Vec<RiskLevel>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub id: FactorGroup,
    pub label: String,
    pub explanation: String,
}

/// A likelihood factor: its points and its words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct FactorDef {
    pub id: String,
    pub group: FactorGroup,
    pub label: String,
    /// Likelihood points added (negative: removed) when the factor applies.
    pub points: i32,
    /// For counted factors: the count from which the factor applies.
    #[serde(default)]
    pub min_count: Option<i32>,
    /// The engine's condition, in words, for the methodology appendix.
    pub applies_when: String,
    /// Plain words shown to the user when the factor applies.
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ImpactDimensionDef {
    pub id: ImpactDimension,
    pub label: String,
    /// The categories of MITRE's rubric this dimension covers.
    pub mitre_categories: Vec<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ImpactRuleDef {
    pub id: String,
    pub dimension: ImpactDimension,
    pub level: u8,
    pub label: String,
    pub applies_when: String,
    pub explanation: String,
}

/// A compensating control of the library, with its documented effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ControlDef {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub applies_to: ControlScope,
    /// Likelihood factors whose (positive) points stop counting in the residual risk.
    #[serde(default)]
    pub offsets: Vec<String>,
    /// Steps the banded likelihood drops.
    #[serde(default)]
    pub reduce_likelihood: u8,
    /// Highest residual likelihood with the control in place.
    #[serde(default)]
    pub cap_likelihood: Option<u8>,
    /// Steps the availability impact drops.
    #[serde(default)]
    pub reduce_availability: u8,
    /// The effect in plain words.
    pub effect: String,
    /// Why the effect is justified.
    pub rationale: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    pub id: String,
    /// For `add_control`, `{control}` is replaced by the control's label.
    pub label: String,
    pub explanation: String,
}

/// The method file, as written. Serialisable so the UI and the packet's methodology appendix
/// print exactly what the engine used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(deny_unknown_fields)]
pub struct MethodDoc {
    pub version: String,
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub likelihood: LikelihoodBanding,
    pub likelihood_scale: Vec<ScaleStep>,
    pub impact: ImpactCombination,
    pub impact_scale: Vec<ScaleStep>,
    #[serde(rename = "risk_level")]
    pub risk_levels: Vec<RiskLevelDef>,
    pub matrix: MatrixDef,
    #[serde(rename = "group")]
    pub groups: Vec<GroupDef>,
    #[serde(rename = "factor")]
    pub factors: Vec<FactorDef>,
    #[serde(rename = "impact_dimension")]
    pub impact_dimensions: Vec<ImpactDimensionDef>,
    #[serde(rename = "impact_rule")]
    pub impact_rules: Vec<ImpactRuleDef>,
    #[serde(rename = "control")]
    pub controls: Vec<ControlDef>,
    #[serde(rename = "action")]
    pub actions: Vec<ActionDef>,
}

/// Why a method file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MethodError {
    #[error("the risk method file is not valid TOML for a method: {0}")]
    Parse(String),
    #[error("the risk method file has {} problem(s): {}", .0.len(), .0.join("; "))]
    Invalid(Vec<String>),
}

/// A control's effect, resolved for the engine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ControlEffect {
    pub scope: ControlScope,
    /// Bit set over `LikelihoodFactorId as usize`.
    pub offsets: u64,
    pub reduce_likelihood: u8,
    pub cap_likelihood: u8,
    pub reduce_availability: u8,
}

/// The words of one reason, built once per method and shared by every result.
#[derive(Debug, Clone)]
pub(crate) struct ReasonText {
    pub id: Text,
    pub label: Text,
    /// A likelihood factor's or impact rule's full sentence; a control's effect.
    pub sentence: Text,
}

/// A validated method, with lookup tables so the engine never searches by string.
#[derive(Debug, Clone)]
pub struct Method {
    doc: MethodDoc,
    pub(crate) version: Text,
    /// By `LikelihoodFactorId`.
    pub(crate) factor_text: Vec<ReasonText>,
    /// By `ImpactRuleId`.
    pub(crate) rule_text: Vec<ReasonText>,
    /// Parallel to `doc.controls`.
    pub(crate) control_text: Vec<ReasonText>,
    pub(crate) points: [i32; LikelihoodFactorId::COUNT],
    /// Bit set of the factors with positive points: the only ones a control may cancel.
    pub(crate) positive_points: u64,
    pub(crate) min_count: [i32; LikelihoodFactorId::COUNT],
    pub(crate) factor_pos: [usize; LikelihoodFactorId::COUNT],
    pub(crate) rule_level: [u8; ImpactRuleId::COUNT],
    pub(crate) rule_pos: [usize; ImpactRuleId::COUNT],
    pub(crate) action_pos: [usize; ActionId::COUNT],
    pub(crate) thresholds: [i32; 4],
    pub(crate) matrix: [[RiskLevel; 5]; 5],
    /// Parallel to `doc.controls`.
    pub(crate) control_effects: Vec<ControlEffect>,
}

/// Chains of likelihood factors whose points must not decrease along the chain: each later
/// factor describes a device that is at least as exposed, weak or unwatched as the earlier one.
const LIKELIHOOD_ORDER: &[&[LikelihoodFactorId]] = {
    use LikelihoodFactorId::*;
    &[
        &[
            NotConnected,
            SerialOnly,
            ConnectivityWired,
            ConnectivityWireless,
        ],
        &[ConnectivityWired, ConnectivityUnknown],
        &[ZoneIsolated, ZoneMedical, ZoneShared, ZoneFlat, ZoneGuest],
        &[ZoneMedical, ZoneUnassigned],
        &[ZoneMedical, ZoneInternet],
        &[RemoteOnRequest, RemoteAlwaysOn],
        &[SupportLimited, SupportEnded],
        &[PatchBehind, PatchUnpatchable],
        &[DefaultCredentialsUnknown, DefaultCredentialsUnchanged],
        &[AuthenticationSharedDefault, AuthenticationNone],
        &[QuestionnaireGapsSome, QuestionnaireGapsMany],
        &[MonitoringCovered, MonitoringMissing],
        &[MonitoringCovered, MonitoringUnknown],
    ]
};

/// Chains of impact rules whose levels must not decrease: a more critical clinical function
/// (administrative < diagnostic/monitoring < therapeutic < life-sustaining), more PHI.
const IMPACT_ORDER: &[&[ImpactRuleId]] = {
    use ImpactRuleId::*;
    &[
        &[
            SafetyAdministrative,
            SafetyDiagnostic,
            SafetyTherapeutic,
            SafetyLifeSustaining,
        ],
        &[SafetyAdministrative, SafetyMonitoring, SafetyTherapeutic],
        &[
            IntegrityAdministrative,
            IntegrityDiagnostic,
            IntegrityTherapeutic,
            IntegrityLifeSustaining,
        ],
        &[
            IntegrityAdministrative,
            IntegrityMonitoring,
            IntegrityTherapeutic,
        ],
        &[
            AvailabilityAdministrative,
            AvailabilityDiagnostic,
            AvailabilityTherapeutic,
            AvailabilityLifeSustaining,
        ],
        &[
            AvailabilityAdministrative,
            AvailabilityMonitoring,
            AvailabilityTherapeutic,
        ],
        &[PhiNone, PhiHandled, PhiBulkStore],
        &[PhiNone, PhiUnknown],
    ]
};

/// The only likelihood factors that may carry negative points: facts in the device's favour.
/// Every other factor describes something worse than its absence, so it can only add points.
const MAY_LOWER: &[LikelihoodFactorId] = {
    use LikelihoodFactorId::*;
    &[
        NotConnected,
        SerialOnly,
        ZoneMedical,
        ZoneIsolated,
        MonitoringCovered,
    ]
};

/// Largest number of likelihood points one factor may carry: beyond it a single fact would
/// swamp every other reason, which the explanation could no longer defend.
const MAX_FACTOR_POINTS: i32 = 5;

impl Method {
    /// The method shipped with this version of the app, parsed once.
    pub fn builtin() -> &'static Method {
        static BUILTIN: OnceLock<Method> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded file is validated by the crate's tests, so this cannot fail in a
            // build that passed them.
            Method::from_toml(BUILTIN_TOML).expect("the embedded risk method is valid")
        })
    }

    /// Parses and validates a method file.
    pub fn from_toml(text: &str) -> Result<Method, MethodError> {
        let doc: MethodDoc = toml::from_str(text).map_err(|e| MethodError::Parse(e.to_string()))?;
        Method::from_doc(doc)
    }

    /// Validates a method document and builds the engine's lookup tables.
    pub fn from_doc(doc: MethodDoc) -> Result<Method, MethodError> {
        let mut problems = Vec::new();
        if doc.version.trim().is_empty() {
            problems.push("version is empty".to_string());
        }
        check_scale(&mut problems, "likelihood_scale", &doc.likelihood_scale);
        check_scale(&mut problems, "impact_scale", &doc.impact_scale);
        for level in RiskLevel::ALL {
            let count = doc.risk_levels.iter().filter(|d| d.id == level).count();
            if count != 1 {
                problems.push(format!(
                    "risk_level {level:?} is defined {count} times; expected once"
                ));
            }
        }
        let thresholds = check_thresholds(&mut problems, &doc.likelihood.thresholds);
        let matrix = check_matrix(&mut problems, &doc.matrix);
        for group in [
            FactorGroup::Exposure,
            FactorGroup::Weakness,
            FactorGroup::Detection,
        ] {
            let count = doc.groups.iter().filter(|g| g.id == group).count();
            if count != 1 {
                problems.push(format!(
                    "group {group:?} is defined {count} times; expected once"
                ));
            }
        }
        let (points, min_count, factor_pos) = check_factors(&mut problems, &doc.factors);
        for dimension in ImpactDimension::ALL {
            let count = doc
                .impact_dimensions
                .iter()
                .filter(|d| d.id == dimension)
                .count();
            if count != 1 {
                problems.push(format!(
                    "impact_dimension {dimension:?} is defined {count} times; expected once"
                ));
            }
        }
        let (rule_level, rule_pos) = check_impact_rules(&mut problems, &doc.impact_rules);
        let control_effects = check_controls(&mut problems, &doc.controls);
        let action_pos = check_actions(&mut problems, &doc.actions);
        if !problems.is_empty() {
            return Err(MethodError::Invalid(problems));
        }
        let positive_points = LikelihoodFactorId::ALL
            .iter()
            .filter(|id| points[**id as usize] > 0)
            .fold(0, |set, id| set | 1 << *id as u32);
        let factor_text = LikelihoodFactorId::ALL
            .iter()
            .map(|id| {
                let def = &doc.factors[factor_pos[*id as usize]];
                ReasonText {
                    id: def.id.as_str().into(),
                    label: def.label.as_str().into(),
                    sentence: likelihood_sentence(&def.explanation, def.points).into(),
                }
            })
            .collect();
        let rule_text = ImpactRuleId::ALL
            .iter()
            .map(|id| {
                let def = &doc.impact_rules[rule_pos[*id as usize]];
                let dimension = doc
                    .impact_dimensions
                    .iter()
                    .find(|d| d.id == def.dimension)
                    .map_or("", |d| d.label.as_str());
                ReasonText {
                    id: def.id.as_str().into(),
                    label: def.label.as_str().into(),
                    sentence: impact_sentence(
                        &def.explanation,
                        dimension,
                        def.level,
                        scale_label(&doc.impact_scale, def.level),
                    )
                    .into(),
                }
            })
            .collect();
        let control_text = doc
            .controls
            .iter()
            .map(|c| ReasonText {
                id: c.id.as_str().into(),
                label: c.label.as_str().into(),
                sentence: c.effect.as_str().into(),
            })
            .collect();
        Ok(Method {
            version: doc.version.as_str().into(),
            factor_text,
            rule_text,
            control_text,
            doc,
            points,
            positive_points,
            min_count,
            factor_pos,
            rule_level,
            rule_pos,
            action_pos,
            thresholds,
            matrix,
            control_effects,
        })
    }

    /// The method as written, for display and the methodology appendix.
    pub fn doc(&self) -> &MethodDoc {
        &self.doc
    }

    pub fn version(&self) -> &str {
        &self.doc.version
    }

    pub fn factor(&self, id: LikelihoodFactorId) -> &FactorDef {
        &self.doc.factors[self.factor_pos[id as usize]]
    }

    pub fn impact_rule(&self, id: ImpactRuleId) -> &ImpactRuleDef {
        &self.doc.impact_rules[self.rule_pos[id as usize]]
    }

    pub fn action(&self, id: ActionId) -> &ActionDef {
        &self.doc.actions[self.action_pos[id as usize]]
    }

    /// The library's controls, in the file's order.
    pub fn controls(&self) -> &[ControlDef] {
        &self.doc.controls
    }

    /// Position of a control in [`Method::controls`].
    pub fn control_index(&self, id: &str) -> Option<usize> {
        self.doc.controls.iter().position(|c| c.id == id)
    }

    /// Likelihood (1-5) for a number of likelihood points.
    pub fn likelihood_for_points(&self, points: i32) -> u8 {
        1 + self.thresholds.iter().filter(|&&t| points >= t).count() as u8
    }

    /// The matrix cell for likelihood and impact, each 1-5 (clamped).
    pub fn level(&self, likelihood: u8, impact: u8) -> RiskLevel {
        let row = likelihood.clamp(1, 5) as usize - 1;
        let column = impact.clamp(1, 5) as usize - 1;
        self.matrix[row][column]
    }

    pub fn likelihood_label(&self, level: u8) -> &str {
        scale_label(&self.doc.likelihood_scale, level)
    }

    pub fn impact_label(&self, level: u8) -> &str {
        scale_label(&self.doc.impact_scale, level)
    }

    pub fn level_label(&self, level: RiskLevel) -> &str {
        self.doc
            .risk_levels
            .iter()
            .find(|d| d.id == level)
            .map_or("", |d| d.label.as_str())
    }

    pub fn dimension_label(&self, dimension: ImpactDimension) -> &str {
        self.doc
            .impact_dimensions
            .iter()
            .find(|d| d.id == dimension)
            .map_or("", |d| d.label.as_str())
    }
}

/// "<explanation>: +2 likelihood points".
fn likelihood_sentence(explanation: &str, points: i32) -> String {
    let unit = if points.abs() == 1 { "point" } else { "points" };
    format!("{explanation}: {points:+} likelihood {unit}")
}

/// "<explanation>: Patient safety impact 4 (Major)".
fn impact_sentence(explanation: &str, dimension: &str, level: u8, level_label: &str) -> String {
    if level_label.is_empty() {
        format!("{explanation}: {dimension} impact {level}")
    } else {
        format!("{explanation}: {dimension} impact {level} ({level_label})")
    }
}

fn scale_label(scale: &[ScaleStep], level: u8) -> &str {
    scale
        .iter()
        .find(|s| s.level == level)
        .map_or("", |s| s.label.as_str())
}

fn check_scale(problems: &mut Vec<String>, name: &str, scale: &[ScaleStep]) {
    for level in 1..=5u8 {
        let count = scale.iter().filter(|s| s.level == level).count();
        if count != 1 {
            problems.push(format!(
                "{name} has {count} step(s) for level {level}; expected exactly one"
            ));
        }
    }
    for step in scale {
        if !(1..=5).contains(&step.level) {
            problems.push(format!(
                "{name} has level {}; levels are 1 to 5",
                step.level
            ));
        }
        if step.label.trim().is_empty() || step.meaning.trim().is_empty() {
            problems.push(format!(
                "{name} level {} needs a label and a meaning",
                step.level
            ));
        }
    }
}

fn check_thresholds(problems: &mut Vec<String>, thresholds: &[i32]) -> [i32; 4] {
    let mut out = [0; 4];
    if thresholds.len() != 4 {
        problems.push(format!(
            "likelihood.thresholds has {} values; expected 4 (the points for likelihood 2, 3, 4, 5)",
            thresholds.len()
        ));
        return out;
    }
    if thresholds.windows(2).any(|w| w[0] >= w[1]) {
        problems.push(format!(
            "likelihood.thresholds {thresholds:?} must rise strictly"
        ));
    }
    out.copy_from_slice(thresholds);
    out
}

fn check_matrix(problems: &mut Vec<String>, matrix: &MatrixDef) -> [[RiskLevel; 5]; 5] {
    let mut out = [[RiskLevel::Low; 5]; 5];
    let complete = matrix.rows.len() == 5 && matrix.rows.iter().all(|row| row.len() == 5);
    if !complete {
        let shape: Vec<usize> = matrix.rows.iter().map(Vec::len).collect();
        problems.push(format!(
            "matrix must have 5 rows (likelihood 1-5) of 5 cells (impact 1-5); found rows of {shape:?}"
        ));
        return out;
    }
    for (l, row) in matrix.rows.iter().enumerate() {
        for (i, &cell) in row.iter().enumerate() {
            out[l][i] = cell;
        }
    }
    for l in 0..5 {
        for i in 0..5 {
            if i > 0 && out[l][i] < out[l][i - 1] {
                problems.push(format!(
                    "matrix falls from impact {} to {} at likelihood {}",
                    i,
                    i + 1,
                    l + 1
                ));
            }
            if l > 0 && out[l][i] < out[l - 1][i] {
                problems.push(format!(
                    "matrix falls from likelihood {} to {} at impact {}",
                    l,
                    l + 1,
                    i + 1
                ));
            }
        }
    }
    out
}

type FactorTables = (
    [i32; LikelihoodFactorId::COUNT],
    [i32; LikelihoodFactorId::COUNT],
    [usize; LikelihoodFactorId::COUNT],
);

fn check_factors(problems: &mut Vec<String>, factors: &[FactorDef]) -> FactorTables {
    let mut points = [0; LikelihoodFactorId::COUNT];
    let mut min_count = [0; LikelihoodFactorId::COUNT];
    let mut pos = [usize::MAX; LikelihoodFactorId::COUNT];
    for (index, factor) in factors.iter().enumerate() {
        let Some(id) = LikelihoodFactorId::from_key(&factor.id) else {
            problems.push(format!(
                "factor \"{}\" is not known to the engine",
                factor.id
            ));
            continue;
        };
        if pos[id as usize] != usize::MAX {
            problems.push(format!("factor \"{}\" is defined twice", factor.id));
        }
        pos[id as usize] = index;
        points[id as usize] = factor.points;
        if factor.group != id.group() {
            problems.push(format!(
                "factor \"{}\" belongs to group {:?}, not {:?}",
                factor.id,
                id.group(),
                factor.group
            ));
        }
        if factor.points.abs() > MAX_FACTOR_POINTS {
            problems.push(format!(
                "factor \"{}\" has {} points; at most {MAX_FACTOR_POINTS} either way",
                factor.id, factor.points
            ));
        }
        if factor.points < 0 && !MAY_LOWER.contains(&id) {
            problems.push(format!(
                "factor \"{}\" has negative points, but it describes a weakness or exposure: it must never lower likelihood",
                factor.id
            ));
        }
        match (id.is_counted(), factor.min_count) {
            (true, Some(count)) if count >= 1 => min_count[id as usize] = count,
            (true, _) => problems.push(format!(
                "factor \"{}\" needs min_count of at least 1",
                factor.id
            )),
            (false, Some(_)) => problems.push(format!(
                "factor \"{}\" does not count anything; remove min_count",
                factor.id
            )),
            (false, None) => {}
        }
        if factor.label.trim().is_empty()
            || factor.explanation.trim().is_empty()
            || factor.applies_when.trim().is_empty()
        {
            problems.push(format!(
                "factor \"{}\" needs a label, applies_when and an explanation",
                factor.id
            ));
        }
    }
    for id in LikelihoodFactorId::ALL {
        if pos[*id as usize] == usize::MAX {
            problems.push(format!("factor \"{}\" is missing", id.key()));
        }
    }
    for chain in LIKELIHOOD_ORDER {
        for pair in chain.windows(2) {
            if points[pair[0] as usize] > points[pair[1] as usize] {
                problems.push(format!(
                    "factor \"{}\" ({} points) must not count more than \"{}\" ({} points)",
                    pair[0].key(),
                    points[pair[0] as usize],
                    pair[1].key(),
                    points[pair[1] as usize]
                ));
            }
        }
    }
    let some = LikelihoodFactorId::QuestionnaireGapsSome as usize;
    let many = LikelihoodFactorId::QuestionnaireGapsMany as usize;
    if min_count[many] <= min_count[some] {
        problems.push(
            "questionnaire_gaps_many needs a higher min_count than questionnaire_gaps_some"
                .to_string(),
        );
    }
    (points, min_count, pos)
}

fn check_impact_rules(
    problems: &mut Vec<String>,
    rules: &[ImpactRuleDef],
) -> ([u8; ImpactRuleId::COUNT], [usize; ImpactRuleId::COUNT]) {
    let mut level = [1; ImpactRuleId::COUNT];
    let mut pos = [usize::MAX; ImpactRuleId::COUNT];
    for (index, rule) in rules.iter().enumerate() {
        let Some(id) = ImpactRuleId::from_key(&rule.id) else {
            problems.push(format!(
                "impact_rule \"{}\" is not known to the engine",
                rule.id
            ));
            continue;
        };
        if pos[id as usize] != usize::MAX {
            problems.push(format!("impact_rule \"{}\" is defined twice", rule.id));
        }
        pos[id as usize] = index;
        level[id as usize] = rule.level;
        if rule.dimension != id.dimension() {
            problems.push(format!(
                "impact_rule \"{}\" sets {:?}, not {:?}",
                rule.id,
                id.dimension(),
                rule.dimension
            ));
        }
        if !(1..=5).contains(&rule.level) {
            problems.push(format!(
                "impact_rule \"{}\" has level {}; levels are 1 to 5",
                rule.id, rule.level
            ));
        }
        if rule.label.trim().is_empty() || rule.explanation.trim().is_empty() {
            problems.push(format!(
                "impact_rule \"{}\" needs a label and an explanation",
                rule.id
            ));
        }
    }
    for id in ImpactRuleId::ALL {
        if pos[*id as usize] == usize::MAX {
            problems.push(format!("impact_rule \"{}\" is missing", id.key()));
        }
    }
    for chain in IMPACT_ORDER {
        for pair in chain.windows(2) {
            if level[pair[0] as usize] > level[pair[1] as usize] {
                problems.push(format!(
                    "impact_rule \"{}\" (level {}) must not be above \"{}\" (level {})",
                    pair[0].key(),
                    level[pair[0] as usize],
                    pair[1].key(),
                    level[pair[1] as usize]
                ));
            }
        }
    }
    (level, pos)
}

fn check_controls(problems: &mut Vec<String>, controls: &[ControlDef]) -> Vec<ControlEffect> {
    // Applied controls are tracked as a u64 bit set per device.
    if controls.len() > 64 {
        problems.push(format!(
            "the control library has {} controls; at most 64",
            controls.len()
        ));
    }
    let mut effects = Vec::with_capacity(controls.len());
    for (index, control) in controls.iter().enumerate() {
        if control.id.trim().is_empty() {
            problems.push(format!("control number {} has no id", index + 1));
        }
        if controls[..index].iter().any(|c| c.id == control.id) {
            problems.push(format!("control \"{}\" is defined twice", control.id));
        }
        let mut offsets = 0u64;
        for factor in &control.offsets {
            match LikelihoodFactorId::from_key(factor) {
                Some(id) => offsets |= 1 << id as u32,
                None => problems.push(format!(
                    "control \"{}\" offsets \"{factor}\", which is not a factor",
                    control.id
                )),
            }
        }
        if control.reduce_likelihood > 4 || control.reduce_availability > 4 {
            problems.push(format!(
                "control \"{}\" reduces by more than 4 steps of a 1-5 scale",
                control.id
            ));
        }
        if let Some(cap) = control.cap_likelihood {
            if !(1..=5).contains(&cap) {
                problems.push(format!(
                    "control \"{}\" caps likelihood at {cap}; use 1 to 5",
                    control.id
                ));
            }
        }
        let has_effect = offsets != 0
            || control.reduce_likelihood > 0
            || control.reduce_availability > 0
            || control.cap_likelihood.is_some_and(|cap| cap < 5);
        if !has_effect {
            problems.push(format!(
                "control \"{}\" has no effect: give it offsets, reduce_likelihood, cap_likelihood or reduce_availability",
                control.id
            ));
        }
        if control.label.trim().is_empty()
            || control.effect.trim().is_empty()
            || control.rationale.trim().is_empty()
        {
            problems.push(format!(
                "control \"{}\" needs a label, an effect and a rationale",
                control.id
            ));
        }
        effects.push(ControlEffect {
            scope: control.applies_to,
            offsets,
            reduce_likelihood: control.reduce_likelihood,
            cap_likelihood: control.cap_likelihood.unwrap_or(5).clamp(1, 5),
            reduce_availability: control.reduce_availability,
        });
    }
    effects
}

fn check_actions(problems: &mut Vec<String>, actions: &[ActionDef]) -> [usize; ActionId::COUNT] {
    let mut pos = [usize::MAX; ActionId::COUNT];
    for (index, action) in actions.iter().enumerate() {
        let Some(id) = ActionId::from_key(&action.id) else {
            problems.push(format!(
                "action \"{}\" is not known to the engine",
                action.id
            ));
            continue;
        };
        if pos[id as usize] != usize::MAX {
            problems.push(format!("action \"{}\" is defined twice", action.id));
        }
        pos[id as usize] = index;
        if action.label.trim().is_empty() || action.explanation.trim().is_empty() {
            problems.push(format!(
                "action \"{}\" needs a label and an explanation",
                action.id
            ));
        }
        if id == ActionId::AddControl && !action.label.contains("{control}") {
            problems.push("action \"add_control\" label must contain {control}".to_string());
        }
    }
    for id in ActionId::ALL {
        if pos[*id as usize] == usize::MAX {
            problems.push(format!("action \"{}\" is missing", id.key()));
        }
    }
    pos
}
