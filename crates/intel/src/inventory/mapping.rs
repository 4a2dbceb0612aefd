//! Which column of an imported table feeds which device field.
//!
//! Owns the import targets (with their labels, which are also the export headers), the
//! header synonyms behind [`auto_mapping`], and the rules of a usable mapping
//! ([`check_mapping`]).

use serde::{Deserialize, Serialize};
use specta::Type;

use devicerisk_core::vocab::squash;

use crate::IntelError;

macro_rules! targets {
    ($($variant:ident => $label:literal, [$($field:literal),*], [$($syn:literal),*];)+) => {
        /// A destination for one imported column.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
        pub enum ImportTarget {
            $($variant,)+
        }

        impl ImportTarget {
            pub const ALL: &'static [ImportTarget] = &[$(ImportTarget::$variant),+];

            /// Plain-language name; also the column header our exports write, so
            /// [`auto_mapping`] recognises every exported column.
            pub fn label(self) -> &'static str {
                match self { $(ImportTarget::$variant => $label),+ }
            }

            /// The `DeviceFields` keys this target sets ("site"/"zone" for the names that
            /// the store resolves to ids). Empty for `Ignore`.
            pub fn fields(self) -> &'static [&'static str] {
                match self { $(ImportTarget::$variant => &[$($field),*]),+ }
            }

            /// Header spellings recognised besides the label, compared after
            /// [`squash`] (case, spaces and punctuation ignored).
            fn synonyms(self) -> &'static [&'static str] {
                match self { $(ImportTarget::$variant => &[$($syn),*]),+ }
            }
        }
    };
}

targets! {
    Ignore => "(ignore this column)", [], ["ignore"];
    AssetTag => "Asset tag", ["asset_tag"], ["asset #", "asset", "tag", "asset no", "asset number", "asset id", "tag number", "inventory number", "inventory no", "inventory #", "inventory id", "equipment id", "equipment number", "control number", "inventarnummer", "inventar nr"];
    Name => "Name", ["name"], ["device name", "asset name", "device", "equipment name", "equipment", "device description", "gerätename", "bezeichnung", "gerätebezeichnung"];
    Category => "Category", ["category"], ["device type", "type", "device category", "equipment type", "equipment category", "asset type", "kind", "gerätetyp", "kategorie", "geräteart"];
    Manufacturer => "Manufacturer", ["manufacturer"], ["make", "mfr", "mfg", "brand", "vendor", "manufacturer name", "vendor name", "hersteller"];
    Model => "Model", ["model"], ["model name", "model number", "model no", "product", "model #", "modell", "modellbezeichnung"];
    ManufacturerAndModel => "Manufacturer and model", ["manufacturer", "model"], ["manufacturer / model", "make/model", "make and model", "make & model", "vendor / model", "vendor and model", "manufacturer model", "brand / model"];
    Serial => "Serial number", ["serial"], ["serial", "s/n", "sn", "serial no", "serial #", "serial num", "serialnumber", "seriennummer", "serien nr"];
    SoftwareVersion => "Software / firmware version", ["software_version"], ["firmware", "software version", "sw version", "firmware version", "fw version", "software", "version", "fw", "sw", "software/firmware"];
    OsName => "Operating system", ["os_name"], ["os/firmware", "os", "os name", "operating system name", "platform"];
    OsVersion => "Operating system version", ["os_version"], ["os version", "os release", "os build"];
    OsAndVersion => "Operating system and version", ["os_name", "os_version"], ["os and version", "os with version", "operating system and version", "os incl version"];
    Connectivity => "Connectivity", ["connectivity"], ["connection", "connections", "connection type", "network connection", "network interface", "interfaces", "network type"];
    IpAddress => "IP address", ["ip_address"], ["ip", "ip addr", "ipv4", "ipv4 address", "ipv6", "ipv6 address", "ip address(es)", "ip-adresse"];
    MacAddress => "MAC address", ["mac_address"], ["mac", "mac addr", "hardware address", "physical address", "ethernet address", "mac-adresse"];
    Hostname => "Host name", ["hostname"], ["hostname", "host", "dns name", "fqdn", "computer name", "network name"];
    Site => "Site", ["site"], ["location", "building", "facility", "campus", "clinic", "site name", "standort"];
    Zone => "Network zone", ["zone"], ["network segment", "vlan", "zone", "network", "segment", "subnet", "vlan name", "network vlan"];
    Department => "Department", ["department"], ["dept", "unit", "ward", "clinical department", "department/unit", "abteilung", "station"];
    ClinicalFunction => "Clinical function", ["clinical_function"], ["function", "clinical use", "clinical role", "device function", "intended use"];
    FdaClass => "FDA class", ["fda_class"], ["fda classification", "device class", "regulatory class", "class", "risk class"];
    HandlesPhi => "Handles PHI", ["handles_phi"], ["phi handling", "phi", "stores phi", "ephi", "stores/transmits phi", "stores or transmits phi", "transmits phi", "patient data", "contains phi"];
    PatchStatus => "Patch status", ["patch_status"], ["patchable", "patching", "patch level", "patch state", "patch"];
    LastPatchDate => "Last patch date", ["last_patch_date"], ["last patched", "last patch", "patch date", "last update", "last updated", "date last patched"];
    DefaultCredentialsChanged => "Default password changed", ["default_credentials_changed"], ["default credentials changed", "default creds changed", "default passwords changed", "default pw changed", "password changed"];
    Authentication => "Authentication", ["authentication"], ["auth", "login", "authentication method", "auth method", "access control method"];
    Encryption => "Encryption", ["encryption_in_transit", "encryption_at_rest"], ["encrypted", "encryption status"];
    EncryptionInTransit => "Encryption in transit", ["encryption_in_transit"], ["encrypted in transit", "in transit encryption", "transport encryption", "tls"];
    EncryptionAtRest => "Encryption at rest", ["encryption_at_rest"], ["encrypted at rest", "at rest encryption", "disk encryption", "storage encryption"];
    RemoteVendorAccess => "Remote vendor access", ["remote_vendor_access"], ["remote access", "vendor remote access", "remote support", "vendor access", "remote service"];
    MonitoringCoverage => "Monitoring coverage", ["monitoring_coverage"], ["monitoring", "monitored", "network monitoring", "ids coverage", "security monitoring"];
    LastVulnerabilityScan => "Last vulnerability scan", ["last_vulnerability_scan"], ["last scan", "last scanned", "vulnerability scan", "last vuln scan", "scan date", "last scan date", "vulnerability scan date"];
    PurchaseDate => "Purchase date", ["purchase_date"], ["purchased", "date purchased", "acquisition date", "acquired", "install date", "installation date", "in service date", "date installed", "kaufdatum", "anschaffungsdatum"];
    VendorSupport => "Vendor support status", ["vendor_support"], ["support status", "vendor support", "support", "manufacturer support", "support state"];
    VendorEndOfSupport => "Vendor end of support", ["vendor_end_of_support"], ["end of support", "end of support date", "eos", "eos date", "end of life", "eol", "eol date", "end of life date", "support end date", "support ends", "end of service"];
    Owner => "Owner", ["owner"], ["responsible", "responsible person", "custodian", "contact", "owner name", "device owner", "verantwortlich", "verantwortliche person"];
    Status => "Status", ["status"], ["device status", "state", "lifecycle status", "operational status", "asset status"];
    Notes => "Notes", ["notes"], ["note", "comments", "comment", "remarks", "description", "additional information", "bemerkung", "bemerkungen", "kommentar"];
}

impl std::fmt::Display for ImportTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// One column of the table and where its values go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ColumnMapping {
    /// 0-based index into `Table::headers`.
    pub column: u32,
    /// The header text, for display.
    pub header: String,
    pub target: ImportTarget,
}

/// The target a header names, if any.
pub fn target_for_header(header: &str) -> Option<ImportTarget> {
    let wanted = squash(header);
    if wanted.is_empty() {
        return None;
    }
    ImportTarget::ALL.iter().copied().find(|target| {
        *target != ImportTarget::Ignore
            && (squash(target.label()) == wanted
                || target.synonyms().iter().any(|syn| squash(syn) == wanted))
    })
}

/// Guesses a mapping from header names. Unrecognised headers, and a second column
/// naming a target already taken, map to `Ignore` so the result always passes the
/// duplicate rule of [`check_mapping`].
pub fn auto_mapping(headers: &[String]) -> Vec<ColumnMapping> {
    let mut taken: Vec<&'static str> = Vec::new();
    headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let target = match target_for_header(header) {
                Some(target) if !target.fields().iter().any(|f| taken.contains(f)) => {
                    taken.extend_from_slice(target.fields());
                    target
                }
                _ => ImportTarget::Ignore,
            };
            ColumnMapping {
                column: index as u32,
                header: header.clone(),
                target,
            }
        })
        .collect()
}

/// Refuses a mapping that would set one field from two columns, or that gives the
/// devices no name.
///
/// Naming rule: a `Name` column is required, except when an `AssetTag` column is mapped;
/// then rows get the name "<manufacturer> <model> <asset tag>" (the parts that are known).
pub fn check_mapping(mapping: &[ColumnMapping]) -> Result<(), IntelError> {
    for (index, later) in mapping.iter().enumerate() {
        if later.target == ImportTarget::Ignore {
            continue;
        }
        for earlier in &mapping[..index] {
            if earlier.column == later.column {
                return Err(IntelError::Mapping(format!(
                    "column '{}' is listed twice",
                    later.header
                )));
            }
            let shared = later
                .target
                .fields()
                .iter()
                .find(|f| earlier.target.fields().contains(f));
            if let Some(field) = shared {
                let what = if earlier.target == later.target {
                    format!("both go to '{}'", later.target.label())
                } else {
                    format!(
                        "'{}' and '{}' both set the {}",
                        earlier.target.label(),
                        later.target.label(),
                        field.replace('_', " ")
                    )
                };
                return Err(IntelError::Mapping(format!(
                    "columns '{}' and '{}' {what}; set one of them to '{}'",
                    earlier.header,
                    later.header,
                    ImportTarget::Ignore.label()
                )));
            }
        }
    }
    let has = |target: ImportTarget| mapping.iter().any(|m| m.target == target);
    if !has(ImportTarget::Name) && !has(ImportTarget::AssetTag) {
        return Err(IntelError::Mapping(
            "no column gives the device name; map a column to 'Name' (or at least to 'Asset tag', and names become \"<manufacturer> <model> <asset tag>\")"
                .to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_synonyms_are_unambiguous() {
        let mut seen: std::collections::HashMap<String, ImportTarget> = Default::default();
        for &target in ImportTarget::ALL {
            for spelling in std::iter::once(target.label()).chain(target.synonyms().iter().copied())
            {
                let key = squash(spelling);
                if let Some(other) = seen.insert(key.clone(), target) {
                    assert_eq!(other, target, "'{spelling}' ({key}) names two targets");
                }
            }
        }
    }

    #[test]
    fn every_label_maps_back() {
        for &target in ImportTarget::ALL {
            if target != ImportTarget::Ignore {
                assert_eq!(target_for_header(target.label()), Some(target));
            }
        }
    }
}
