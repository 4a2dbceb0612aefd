//! Closed vocabularies of the domain (category, connectivity, ...).
//!
//! Every vocabulary has a stable snake_case key (stored in SQLite and sent to the UI),
//! a plain-language label, and synonyms that spreadsheet imports recognise.
//! `Unknown` is a legal value wherever a fact may not be known; it is reported as a gap.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Lower-cases and keeps only letters and digits, so "In-Transit Only" == "in transit only".
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident default $default:ident {
        $($variant:ident => $key:literal, $label:literal, [$($syn:literal),*];)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
        pub enum $name {
            $(#[serde(rename = $key)] $variant,)+
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable key stored in the database.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            /// The plain-language label shown to users and written to exports.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Exact key lookup (database values).
            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some($name::$variant),)+ _ => None }
            }

            /// Forgiving lookup for imported text: key, label or a known synonym,
            /// ignoring case, spaces and punctuation.
            pub fn parse_loose(text: &str) -> Option<Self> {
                let wanted = squash(text);
                if wanted.is_empty() {
                    return None;
                }
                $(
                    if squash($key) == wanted || squash($label) == wanted $(|| squash($syn) == wanted)* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocab! {
    /// What kind of device this is.
    DeviceCategory default Unknown {
        InfusionPump => "infusion_pump", "Infusion pump", ["pump", "syringe pump", "pca pump"];
        PatientMonitor => "patient_monitor", "Patient monitor", ["monitor", "vital signs monitor", "bedside monitor"];
        Ventilator => "ventilator", "Ventilator", ["respirator", "anesthesia machine", "anaesthesia machine"];
        Imaging => "imaging", "Imaging (CT, MRI, X-ray)", ["ct", "mri", "x-ray", "xray", "ct scanner", "radiology", "mammography", "c-arm"];
        Ultrasound => "ultrasound", "Ultrasound", ["sonography", "echo"];
        Ecg => "ecg", "ECG / EKG", ["ekg", "electrocardiograph", "holter"];
        LabAnalyzer => "lab_analyzer", "Laboratory analyzer", ["lab analyser", "analyzer", "analyser", "blood gas analyzer", "point of care"];
        NurseCall => "nurse_call", "Nurse call", ["nurse call system"];
        PacsWorkstation => "pacs_workstation", "PACS / imaging workstation", ["pacs", "pacs imaging", "pacs server", "imaging workstation", "ris"];
        TelemetryWearable => "telemetry_wearable", "Telemetry / wearable", ["wearable", "wearable sensor", "telemetry", "cgm", "glucose monitor"];
        SmartBed => "smart_bed", "Smart bed", ["bed", "hospital bed"];
        MedicationDispensing => "medication_dispensing", "Medication dispensing", ["dispensing cabinet", "pharmacy dispensing", "automated dispensing"];
        SurgicalSystem => "surgical_system", "Surgical system", ["surgical robot", "robot", "endoscopy", "electrosurgical"];
        Defibrillator => "defibrillator", "Defibrillator", ["aed", "defib"];
        Dialysis => "dialysis", "Dialysis", ["hemodialysis", "dialysis machine"];
        ClinicalWorkstation => "clinical_workstation", "Clinical workstation / server", ["workstation", "server", "ehr workstation", "pc"];
        BuildingSystem => "building_system", "Building system (HVAC, access)", ["building automation", "hvac", "access control", "bms", "elevator"];
        Other => "other", "Other", ["custom", "misc", "miscellaneous"];
        Unknown => "unknown", "Unknown", ["?", "n/k", "not known", "tbd"];
    }
}

vocab! {
    /// How a device talks to the world. A device may have several.
    Connectivity default None {
        Wired => "wired", "Wired Ethernet", ["ethernet", "lan", "cable", "rj45"];
        Wifi => "wifi", "Wi-Fi", ["wireless", "wlan", "802.11"];
        Bluetooth => "bluetooth", "Bluetooth", ["ble", "bt"];
        Cellular => "cellular", "Cellular", ["lte", "4g", "5g", "3g", "gsm", "modem"];
        Serial => "serial", "Serial / USB only", ["usb", "rs232", "rs-232"];
        None => "none", "Not connected", ["standalone", "offline", "air gapped", "air-gapped", "no network"];
    }
}

vocab! {
    /// The clinical role of a device; it drives the patient-safety impact.
    ClinicalFunction default Unknown {
        LifeSustaining => "life_sustaining", "Life-sustaining", ["life support", "life critical", "critical"];
        Therapeutic => "therapeutic", "Therapeutic", ["therapy", "treatment", "therapy delivery"];
        Diagnostic => "diagnostic", "Diagnostic", ["diagnosis"];
        Monitoring => "monitoring", "Monitoring", ["patient monitoring"];
        Administrative => "administrative", "Administrative / support", ["support", "non clinical", "non-clinical", "business", "facility"];
        Unknown => "unknown", "Unknown", ["?"];
    }
}

vocab! {
    /// A yes/no fact that may not be known.
    TriState default Unknown {
        Yes => "yes", "Yes", ["y", "true", "1", "x", "on", "enabled", "covered"];
        No => "no", "No", ["n", "false", "0", "off", "disabled", "not covered"];
        Unknown => "unknown", "Unknown", ["?", "unk", "n/k", "not known", "dont know", "don't know", "tbd"];
    }
}

vocab! {
    /// Where the device stands on security updates.
    PatchStatus default Unknown {
        Current => "current", "Up to date", ["up to date", "patched", "latest", "current"];
        Behind => "behind", "Updates pending", ["pending", "outdated", "out of date", "missing patches", "unpatched"];
        Patchable => "patchable", "Patchable (status not recorded)", ["yes", "patchable"];
        VendorOnly => "vendor_only", "Patched by vendor only", ["vendor-only", "vendor only", "vendor managed", "vendor"];
        Unpatchable => "unpatchable", "Cannot be patched", ["no", "not patchable", "never", "cannot patch"];
        Unknown => "unknown", "Unknown", ["?"];
    }
}

vocab! {
    /// How users and services authenticate to the device.
    Authentication default Unknown {
        None => "none", "No authentication", ["no auth", "open", "none"];
        DefaultCredentials => "default_credentials", "Default / shared vendor password", ["default creds", "default password", "factory default", "shared password"];
        Local => "local", "Local accounts", ["local auth", "local accounts", "password", "local"];
        Centralized => "centralized", "Central directory (AD/LDAP)", ["ad", "ldap", "ad/ldap", "active directory", "domain", "sso"];
        Mfa => "mfa", "Multi-factor", ["2fa", "multi factor", "multifactor", "mfa"];
        Unknown => "unknown", "Unknown", ["?"];
    }
}

vocab! {
    /// Whether and how the vendor reaches the device remotely.
    RemoteAccess default Unknown {
        None => "none", "No remote vendor access", ["no", "disabled", "none"];
        OnRequest => "on_request", "Enabled on request, supervised", ["on demand", "supervised", "controlled", "jump host", "vpn on request"];
        AlwaysOn => "always_on", "Always on", ["yes", "always", "permanent", "vpn", "cloud", "unrestricted"];
        Unknown => "unknown", "Unknown", ["?"];
    }
}

vocab! {
    /// What the vendor says about support for this model.
    VendorSupport default Unknown {
        Supported => "supported", "Supported", ["active", "yes", "in support"];
        Limited => "limited", "Limited support", ["limited", "extended", "security fixes only"];
        Ended => "ended", "End of support", ["end of life", "eol", "eos", "unsupported", "end of support", "no"];
        Unknown => "unknown", "Unknown", ["?"];
    }
}

vocab! {
    /// US FDA device class, when the device is regulated.
    FdaClass default Unknown {
        ClassI => "class_i", "Class I", ["i", "1", "class 1"];
        ClassII => "class_ii", "Class II", ["ii", "2", "class 2"];
        ClassIII => "class_iii", "Class III", ["iii", "3", "class 3"];
        NotRegulated => "not_regulated", "Not a regulated device", ["n/a", "na", "none", "not a medical device"];
        Unknown => "unknown", "Unknown", ["?"];
    }
}

vocab! {
    /// Life-cycle state of a device record. Decommissioned devices stay in history.
    DeviceStatus default Active {
        Active => "active", "Active", ["in use", "in service", "deployed"];
        InStorage => "in_storage", "In storage", ["storage", "spare", "stored", "inactive"];
        Decommissioned => "decommissioned", "Decommissioned", ["retired", "disposed", "removed"];
    }
}

vocab! {
    /// What a network zone is for. Medical devices on flat or guest zones are findings.
    ZonePurpose default FlatUnknown {
        MedicalDevices => "medical_devices", "Medical devices", ["medical", "biomed", "clinical vlan", "medical vlan", "iomt"];
        ClinicalIt => "clinical_it", "Clinical IT", ["clinical", "ehr", "clinical network"];
        Corporate => "corporate", "Corporate / office", ["office", "business", "admin", "corp"];
        Guest => "guest", "Guest", ["guest wifi", "guest wi-fi", "public", "patient wifi"];
        BuildingSystems => "building_systems", "Building systems", ["building", "bms", "hvac", "facilities", "iot"];
        Dmz => "dmz", "DMZ / internet-facing", ["internet facing", "internet-facing", "perimeter", "external"];
        Isolated => "isolated", "Isolated (air-gapped)", ["air gapped", "air-gapped", "offline", "standalone"];
        FlatUnknown => "flat_unknown", "Flat / unknown", ["flat", "flat network", "shared", "unknown", "default"];
    }
}

vocab! {
    /// How the clinic deals with a risk (HIPAA risk management, NIST SP 800-30 responses).
    RiskTreatment default Undecided {
        Undecided => "undecided", "Not decided", ["", "tbd", "none"];
        Mitigate => "mitigate", "Mitigate", ["reduce", "remediate", "fix"];
        Accept => "accept", "Accept", ["accepted", "retain", "tolerate"];
        Transfer => "transfer", "Transfer", ["share", "insure", "insurance"];
        Avoid => "avoid", "Avoid", ["eliminate", "retire", "stop"];
    }
}

vocab! {
    /// Where the work on a risk stands. `Accepted` is never stored: it is computed from a
    /// valid (unexpired) acceptance, so an expired acceptance shows the risk as open again.
    RiskStatus default Open {
        Open => "open", "Open", ["new", "to do", "todo"];
        InProgress => "in_progress", "In progress", ["in progress", "doing", "started"];
        Accepted => "accepted", "Accepted", ["risk accepted"];
        Closed => "closed", "Closed", ["done", "resolved", "mitigated", "complete"];
    }
}
