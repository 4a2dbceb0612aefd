//! The closed vocabularies of the domain with their plain-language labels, for the UI's
//! selects and tables. Labels come from `devicerisk_core` so the screens, the exports and the
//! command line all say the same words; the UI never keeps its own copy.

use devicerisk_api::core::{
    Authentication, ClinicalFunction, Connectivity, DeviceCategory, DeviceStatus, FdaClass,
    PatchStatus, RemoteAccess, RiskStatus, RiskTreatment, TriState, VendorSupport, ZonePurpose,
};
use serde::Serialize;
use specta::Type;

/// One value of a vocabulary and how to show it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Choice<T> {
    pub value: T,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Vocabularies {
    pub category: Vec<Choice<DeviceCategory>>,
    pub connectivity: Vec<Choice<Connectivity>>,
    pub clinical_function: Vec<Choice<ClinicalFunction>>,
    pub tri_state: Vec<Choice<TriState>>,
    pub patch_status: Vec<Choice<PatchStatus>>,
    pub authentication: Vec<Choice<Authentication>>,
    pub remote_access: Vec<Choice<RemoteAccess>>,
    pub vendor_support: Vec<Choice<VendorSupport>>,
    pub fda_class: Vec<Choice<FdaClass>>,
    pub device_status: Vec<Choice<DeviceStatus>>,
    pub zone_purpose: Vec<Choice<ZonePurpose>>,
    pub risk_treatment: Vec<Choice<RiskTreatment>>,
    pub risk_status: Vec<Choice<RiskStatus>>,
}

fn choices<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<Choice<T>> {
    all.iter()
        .map(|&value| Choice {
            value,
            label: label(value).to_string(),
        })
        .collect()
}

/// Every vocabulary in declaration order (the order the domain lists them, Unknown last).
#[tauri::command]
#[specta::specta]
pub fn vocabularies() -> Vocabularies {
    Vocabularies {
        category: choices(DeviceCategory::ALL, DeviceCategory::label),
        connectivity: choices(Connectivity::ALL, Connectivity::label),
        clinical_function: choices(ClinicalFunction::ALL, ClinicalFunction::label),
        tri_state: choices(TriState::ALL, TriState::label),
        patch_status: choices(PatchStatus::ALL, PatchStatus::label),
        authentication: choices(Authentication::ALL, Authentication::label),
        remote_access: choices(RemoteAccess::ALL, RemoteAccess::label),
        vendor_support: choices(VendorSupport::ALL, VendorSupport::label),
        fda_class: choices(FdaClass::ALL, FdaClass::label),
        device_status: choices(DeviceStatus::ALL, DeviceStatus::label),
        zone_purpose: choices(ZonePurpose::ALL, ZonePurpose::label),
        risk_treatment: choices(RiskTreatment::ALL, RiskTreatment::label),
        risk_status: choices(RiskStatus::ALL, RiskStatus::label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_a_label_and_unknown_is_offered() {
        let vocab = vocabularies();
        assert_eq!(vocab.category.len(), DeviceCategory::ALL.len());
        assert!(vocab.category.iter().all(|c| !c.label.is_empty()));
        assert!(vocab.tri_state.iter().any(|c| c.value == TriState::Unknown));
        assert!(vocab
            .patch_status
            .iter()
            .any(|c| c.value == PatchStatus::Unknown && c.label == "Unknown"));
    }
}
