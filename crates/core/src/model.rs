//! The nouns of DESIGN.md section 4: clinic, sites, network zones, vendors, devices.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::vocab::*;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new() -> Self {
                $name(Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map($name)
            }
        }
    )+};
}

id_type! {
    /// Stable id of a site (UUID, so databases can later be merged).
    SiteId;
    /// Stable id of a network zone.
    ZoneId;
    /// Stable id of a vendor.
    VendorId;
    /// Stable id of a device.
    DeviceId;
    /// Stable id of a planned lifecycle action.
    PlanId;
    /// Stable id of a patch log entry.
    PatchId;
}

/// The clinic's own profile; one per database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct ClinicProfile {
    pub name: String,
    pub legal_name: Option<String>,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// Who answers for security (often the COO in a small clinic).
    pub security_officer: Option<String>,
    /// First month (1-12) of the clinic's fiscal year.
    pub fiscal_year_start_month: u8,
}

/// A physical location of the clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// A network segment (VLAN) at a site, or clinic-wide when `site_id` is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Zone {
    pub id: ZoneId,
    pub site_id: Option<SiteId>,
    pub name: String,
    /// 802.1Q VLAN id, 1-4094, when the zone is a VLAN.
    pub vlan_id: Option<u16>,
    pub purpose: ZonePurpose,
    pub notes: Option<String>,
}

/// A manufacturer or service company.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct VendorFields {
    pub name: String,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub security_contact: Option<String>,
    /// Does the vendor publish a coordinated vulnerability disclosure policy?
    pub disclosure_policy: TriState,
    /// How often the vendor ships security patches, in plain words ("quarterly").
    pub patch_cadence: Option<String>,
    /// What the vendor commits to on support life ("7 years from sale").
    pub support_lifecycle: Option<String>,
    pub sbom_on_file: TriState,
    pub mds2_on_file: TriState,
    /// Business associate agreement signed (HIPAA), when the vendor touches PHI.
    pub baa_signed: TriState,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Vendor {
    pub id: VendorId,
    pub fields: VendorFields,
}

/// Every editable fact about a device (DESIGN.md section 4).
/// Empty text and `Unknown` are legal and are reported as gaps, never rejected.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct DeviceFields {
    pub asset_tag: Option<String>,
    pub name: String,
    pub category: DeviceCategory,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    /// Software or firmware version of the device itself.
    pub software_version: Option<String>,
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    /// Empty means not known.
    pub connectivity: Vec<Connectivity>,
    pub ip_address: Option<String>,
    pub mac_address: Option<String>,
    pub hostname: Option<String>,
    pub site_id: Option<SiteId>,
    pub zone_id: Option<ZoneId>,
    pub department: Option<String>,
    /// Manufacturer or service company record, when the vendor is tracked.
    pub vendor_id: Option<VendorId>,
    pub clinical_function: ClinicalFunction,
    pub fda_class: FdaClass,
    pub handles_phi: TriState,
    pub patch_status: PatchStatus,
    pub last_patch_date: Option<NaiveDate>,
    pub default_credentials_changed: TriState,
    pub authentication: Authentication,
    pub encryption_in_transit: TriState,
    pub encryption_at_rest: TriState,
    pub remote_vendor_access: RemoteAccess,
    pub monitoring_coverage: TriState,
    pub last_vulnerability_scan: Option<NaiveDate>,
    pub purchase_date: Option<NaiveDate>,
    pub vendor_support: VendorSupport,
    pub vendor_end_of_support: Option<NaiveDate>,
    pub owner: Option<String>,
    pub status: DeviceStatus,
    pub notes: Option<String>,
}

/// A stored device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Device {
    pub id: DeviceId,
    pub fields: DeviceFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the device was decommissioned; the record is kept for history.
    pub decommissioned_at: Option<DateTime<Utc>>,
}

impl Device {
    /// The device with `fields` saved at `now`. `decommissioned_at` is the first time it was
    /// decommissioned, kept while it stays so, and cleared when it is put back in use.
    pub fn with_fields(self, fields: DeviceFields, now: DateTime<Utc>) -> Device {
        let decommissioned_at = match fields.status {
            DeviceStatus::Decommissioned => self.decommissioned_at.or(Some(now)),
            _ => None,
        };
        Device {
            fields,
            updated_at: now,
            decommissioned_at,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn decommissioned_at_is_set_once_kept_and_cleared_on_return_to_use() {
        let at = |h| Utc.with_ymd_and_hms(2026, 6, 1, h, 0, 0).unwrap();
        let fields = |status| DeviceFields {
            name: "Pump 1".into(),
            status,
            ..DeviceFields::default()
        };
        let created = Device {
            id: DeviceId::new(),
            fields: fields(DeviceStatus::Active),
            created_at: at(8),
            updated_at: at(8),
            decommissioned_at: None,
        };

        let retired = created
            .clone()
            .with_fields(fields(DeviceStatus::Decommissioned), at(9));
        assert_eq!(retired.decommissioned_at, Some(at(9)));
        assert_eq!((retired.created_at, retired.updated_at), (at(8), at(9)));
        assert_eq!(retired.id, created.id);

        let edited = retired.with_fields(fields(DeviceStatus::Decommissioned), at(10));
        assert_eq!(
            edited.decommissioned_at,
            Some(at(9)),
            "the first date is kept"
        );
        assert_eq!(edited.updated_at, at(10));

        let back = edited.with_fields(fields(DeviceStatus::Active), at(11));
        assert_eq!(back.decommissioned_at, None);
        assert_eq!(back.fields.status, DeviceStatus::Active);
    }
}
