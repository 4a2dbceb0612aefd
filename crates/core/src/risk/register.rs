//! Findings for the risk register: which facts of a device are risks a clinic must treat, and
//! the words of each grouped risk ("14 devices still use default credentials").
//!
//! A finding is a likelihood factor that counts against the device (positive points), except
//! the kind of link itself (being wired is not a weakness to treat) and the questionnaire-gap
//! count (the register groups those by question instead, which says more). Its grouping key is
//! `factor:<factor id>`: a factor id never changes meaning once shipped, so user edits stored
//! against the key survive every recomputation.

use super::engine::{evaluate, RiskInput, Score};
use super::method::{LikelihoodFactorId, Method};

/// The words of one kind of grouped risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingText {
    /// The threat (who or what could exploit it), in plain words.
    pub threat: &'static str,
    /// Predicate for one device: "still uses the manufacturer's default password".
    pub one: &'static str,
    /// Predicate for several devices: "still use the manufacturer's default password".
    pub many: &'static str,
}

impl FindingText {
    /// "14 devices still use ..." / "1 device still uses ...".
    pub fn title(&self, devices: usize) -> String {
        match devices {
            1 => format!("1 device {}", self.one),
            n => format!("{n} devices {}", self.many),
        }
    }
}

/// The grouping key of a factor finding.
pub fn finding_key(factor: LikelihoodFactorId) -> String {
    format!("factor:{}", factor.key())
}

/// The factor a `factor:` grouping key stands for.
pub fn factor_of_key(key: &str) -> Option<LikelihoodFactorId> {
    key.strip_prefix("factor:")
        .and_then(LikelihoodFactorId::from_key)
        .filter(|f| finding_text(*f).is_some())
}

/// The register words of a factor, or `None` when the factor is not a register finding.
pub fn finding_text(factor: LikelihoodFactorId) -> Option<FindingText> {
    use LikelihoodFactorId::*;
    let (threat, one, many) = match factor {
        NotConnected
        | SerialOnly
        | ConnectivityWired
        | ConnectivityWireless
        | ZoneMedical
        | ZoneIsolated
        | MonitoringCovered
        | QuestionnaireGapsSome
        | QuestionnaireGapsMany => return None,
        ConnectivityUnknown => (
            "An unknown network path lets an attacker reach the device unnoticed.",
            "has no recorded connectivity",
            "have no recorded connectivity",
        ),
        ZoneUnassigned => (
            "Malware or an intruder on whatever network the device is on can reach it.",
            "is not assigned to a network zone",
            "are not assigned to a network zone",
        ),
        ZoneFlat => (
            "Ransomware spreading from an office PC reaches the device directly.",
            "sits on a flat network shared with office computers",
            "sit on a flat network shared with office computers",
        ),
        ZoneGuest => (
            "Anyone on the guest Wi-Fi can reach the device.",
            "is on the guest network",
            "are on the guest network",
        ),
        ZoneShared => (
            "A compromised computer in the same zone can reach the device.",
            "shares a network zone with non-medical systems",
            "share a network zone with non-medical systems",
        ),
        ZoneInternet => (
            "Attackers on the internet can find and probe the device.",
            "is reachable from the internet",
            "are reachable from the internet",
        ),
        RemoteAlwaysOn => (
            "A stolen vendor account or a breach at the vendor opens a path into the clinic.",
            "has always-on remote vendor access",
            "have always-on remote vendor access",
        ),
        RemoteOnRequest => (
            "A vendor remote session could be misused or left open.",
            "allows remote vendor access on request",
            "allow remote vendor access on request",
        ),
        RemoteUnknown => (
            "Remote access nobody knows about cannot be controlled.",
            "has unknown remote vendor access",
            "have unknown remote vendor access",
        ),
        SupportEnded => (
            "New weaknesses are never fixed once the vendor stops supporting the device.",
            "is no longer supported by its vendor",
            "are no longer supported by their vendors",
        ),
        SupportLimited => (
            "Only some weaknesses are still fixed under limited support.",
            "has only limited vendor support",
            "have only limited vendor support",
        ),
        SupportUnknown => (
            "If support has ended unnoticed, weaknesses stay open.",
            "has an unknown vendor support status",
            "have an unknown vendor support status",
        ),
        PatchUnpatchable => (
            "Published weaknesses can be exploited and cannot be fixed by patching.",
            "cannot be patched",
            "cannot be patched",
        ),
        PatchBehind => (
            "Published weaknesses with available fixes can be exploited.",
            "is behind on patches",
            "are behind on patches",
        ),
        PatchUnknown => (
            "Missing patches nobody knows about leave published weaknesses open.",
            "has an unknown patch status",
            "have an unknown patch status",
        ),
        DefaultCredentialsUnchanged => (
            "Anyone who reads the manufacturer's manual can log in.",
            "still uses the manufacturer's default credentials",
            "still use the manufacturer's default credentials",
        ),
        DefaultCredentialsUnknown => (
            "Default passwords nobody checked may still work.",
            "may still use default credentials (not checked)",
            "may still use default credentials (not checked)",
        ),
        AuthenticationNone => (
            "Anyone who can reach the device can use or change it.",
            "requires no login",
            "require no login",
        ),
        AuthenticationSharedDefault => (
            "A shared default login cannot tell users apart or be revoked for one person.",
            "uses a shared default login",
            "use a shared default login",
        ),
        EncryptionInTransitMissing => (
            "Someone on the network can read or alter patient data in transit.",
            "sends data unencrypted",
            "send data unencrypted",
        ),
        KnownExploitedVulnerability => (
            "Attackers are known to exploit this weakness in the wild (CISA KEV).",
            "has a known exploited vulnerability",
            "have a known exploited vulnerability",
        ),
        AdvisedVulnerability => (
            "A published advisory describes how the device can be attacked.",
            "is affected by a published security advisory",
            "are affected by published security advisories",
        ),
        MonitoringMissing => (
            "An attack on the device would go unnoticed.",
            "is not covered by network monitoring",
            "are not covered by network monitoring",
        ),
        MonitoringUnknown => (
            "Without known monitoring, an attack may go unnoticed.",
            "has unknown monitoring coverage",
            "have unknown monitoring coverage",
        ),
    };
    Some(FindingText { threat, one, many })
}

/// The device's score and the register findings that apply to it, in the method's order.
pub fn device_findings(method: &Method, input: &RiskInput) -> (Score, Vec<LikelihoodFactorId>) {
    let (score, trace) = evaluate(method, input);
    let findings = LikelihoodFactorId::ALL
        .iter()
        .copied()
        .filter(|&f| {
            trace.factors & (1u64 << f as u32) != 0
                && method.points[f as usize] > 0
                && finding_text(f).is_some()
        })
        .collect();
    (score, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::*;

    #[test]
    fn default_credentials_are_one_finding_with_a_stable_key() {
        let method = Method::builtin();
        let input = RiskInput {
            connectivity: vec![Connectivity::Wired],
            zone_purpose: Some(ZonePurpose::MedicalDevices),
            default_credentials_changed: TriState::No,
            monitoring_coverage: TriState::Yes,
            vendor_support: VendorSupport::Supported,
            patch_status: PatchStatus::Current,
            remote_vendor_access: RemoteAccess::None,
            encryption_in_transit: TriState::Yes,
            authentication: Authentication::Local,
            ..RiskInput::default()
        };
        let (_, findings) = device_findings(method, &input);
        assert_eq!(
            findings,
            vec![LikelihoodFactorId::DefaultCredentialsUnchanged]
        );
        let key = finding_key(findings[0]);
        assert_eq!(key, "factor:default_credentials_unchanged");
        assert_eq!(factor_of_key(&key), Some(findings[0]));
        let text = finding_text(findings[0]).unwrap();
        assert_eq!(
            text.title(14),
            "14 devices still use the manufacturer's default credentials"
        );
        assert_eq!(
            text.title(1),
            "1 device still uses the manufacturer's default credentials"
        );
    }

    #[test]
    fn favourable_and_connectivity_factors_are_never_findings() {
        assert_eq!(factor_of_key("factor:zone_medical"), None);
        assert_eq!(factor_of_key("factor:connectivity_wired"), None);
        assert_eq!(factor_of_key("factor:no_such_factor"), None);
        assert_eq!(factor_of_key("manual:x"), None);
        let method = Method::builtin();
        for &factor in LikelihoodFactorId::ALL {
            if finding_text(factor).is_some() {
                assert!(
                    method.points[factor as usize] > 0,
                    "{} is a finding but does not count against the device",
                    factor.key()
                );
            }
        }
    }
}
