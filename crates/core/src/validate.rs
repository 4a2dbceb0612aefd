//! Field validation and normalisation, and the list of gaps (unknown facts) of a device.
//!
//! Validation never rejects "unknown": it rejects values that are present but wrong
//! (a MAC with 5 octets, an IP with 300 in it, a purchase date in the future).

use std::net::IpAddr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::model::{DeviceFields, VendorFields, Zone};
use crate::vocab::*;

/// One problem with one field, in words a clinic administrator understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldIssue {
    /// The field's key, as in `DeviceFields` (e.g. "mac_address").
    pub field: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldIssue {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Longest text accepted in a short field (names, serials, versions).
pub const MAX_SHORT_TEXT: usize = 200;
/// Longest text accepted in notes.
pub const MAX_NOTES: usize = 10_000;

/// Normalises a MAC address to `AA:BB:CC:DD:EE:FF`.
/// Accepts `:`/`-` separated, Cisco dotted (`aabb.ccdd.eeff`) and bare hex.
pub fn normalize_mac(raw: &str) -> Result<String, String> {
    let hex: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.' | ' '))
        .collect();
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "\"{}\" is not a MAC address: expected 6 pairs of hex digits such as 00:1A:2B:3C:4D:5E",
            shorten(raw)
        ));
    }
    let upper = hex.to_ascii_uppercase();
    let pairs: Vec<&str> = (0..6).map(|i| &upper[i * 2..i * 2 + 2]).collect();
    Ok(pairs.join(":"))
}

/// Normalises an IPv4 or IPv6 address to its canonical text form.
pub fn normalize_ip(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    // A scanner export may carry a prefix length ("10.1.2.3/24"); the address is what we keep.
    let addr = text.split('/').next().unwrap_or(text);
    addr.parse::<IpAddr>().map(|ip| ip.to_string()).map_err(|_| {
        format!(
            "\"{}\" is not an IP address: expected IPv4 such as 10.20.30.40 or IPv6 such as fe80::1",
            shorten(raw)
        )
    })
}

/// A date as ISO `2024-03-15`, the form stored and exported. Written by hand: chrono's
/// `format` parses its pattern on every call, which shows in a 10,000-device import or export.
pub fn iso_date(day: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// Parses the date spellings found in clinic spreadsheets: ISO `2024-03-15`,
/// `2024/03/15`, US `03/15/2024`, and day-first `15.03.2024`.
pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let text = raw.trim();
    // Spreadsheet cells sometimes carry a time part ("2024-03-15 00:00:00").
    let day_part = text.split([' ', 'T']).next().unwrap_or(text);
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(day_part, format) {
            if (1950..=2200).contains(&chrono::Datelike::year(&date)) {
                return Ok(date);
            }
        }
    }
    Err(format!(
        "\"{}\" is not a date: expected YYYY-MM-DD such as 2024-03-15",
        shorten(raw)
    ))
}

fn shorten(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

fn check_text(issues: &mut Vec<FieldIssue>, field: &str, value: &Option<String>, max: usize) {
    if let Some(text) = value {
        check_str(issues, field, text, max);
    }
}

fn check_str(issues: &mut Vec<FieldIssue>, field: &str, text: &str, max: usize) {
    let len = text.chars().count();
    if len > max {
        issues.push(FieldIssue::new(
            field,
            format!("is {len} characters long; at most {max} are allowed"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        issues.push(FieldIssue::new(
            field,
            "contains control characters (binary data?)",
        ));
    }
}

/// Serial numbers and asset tags: printable, no line breaks.
fn check_identifier(issues: &mut Vec<FieldIssue>, field: &str, value: &Option<String>) {
    if let Some(text) = value {
        check_str(issues, field, text, 100);
        if text.contains(['\n', '\r', '\t']) {
            issues.push(FieldIssue::new(field, "must be on one line"));
        }
    }
}

fn blank_to_none(value: &mut Option<String>) {
    if let Some(text) = value {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            *value = None;
        } else if trimmed.len() != text.len() {
            *value = Some(trimmed.to_string());
        }
    }
}

impl DeviceFields {
    /// Trims text, turns blank text into "not known", normalises MAC and IP,
    /// sorts connectivity. Returns the problems that remain; an empty list means valid.
    pub fn normalize_and_validate(&mut self, today: NaiveDate) -> Vec<FieldIssue> {
        let mut issues = Vec::new();
        self.name = self.name.trim().to_string();
        for value in [
            &mut self.asset_tag,
            &mut self.manufacturer,
            &mut self.model,
            &mut self.serial,
            &mut self.software_version,
            &mut self.os_name,
            &mut self.os_version,
            &mut self.ip_address,
            &mut self.mac_address,
            &mut self.hostname,
            &mut self.department,
            &mut self.owner,
            &mut self.notes,
        ] {
            blank_to_none(value);
        }
        if self.name.is_empty() {
            issues.push(FieldIssue::new(
                "name",
                "is required: give the device a name people recognise (e.g. \"ICU pump 3\")",
            ));
        }
        check_str(&mut issues, "name", &self.name, MAX_SHORT_TEXT);
        check_identifier(&mut issues, "asset_tag", &self.asset_tag);
        check_identifier(&mut issues, "serial", &self.serial);
        for (field, value) in [
            ("manufacturer", &self.manufacturer),
            ("model", &self.model),
            ("software_version", &self.software_version),
            ("os_name", &self.os_name),
            ("os_version", &self.os_version),
            ("department", &self.department),
            ("owner", &self.owner),
        ] {
            check_text(&mut issues, field, value, MAX_SHORT_TEXT);
        }
        check_text(&mut issues, "notes", &self.notes, MAX_NOTES);
        if let Some(mac) = &self.mac_address {
            match normalize_mac(mac) {
                Ok(normal) => self.mac_address = Some(normal),
                Err(message) => issues.push(FieldIssue::new("mac_address", message)),
            }
        }
        if let Some(ip) = &self.ip_address {
            match normalize_ip(ip) {
                Ok(normal) => self.ip_address = Some(normal),
                Err(message) => issues.push(FieldIssue::new("ip_address", message)),
            }
        }
        if let Some(host) = &self.hostname {
            let valid = host.len() <= 253
                && host.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                });
            if !valid {
                issues.push(FieldIssue::new(
                    "hostname",
                    format!(
                        "\"{}\" is not a host name: use letters, digits, '-' and '.' only",
                        shorten(host)
                    ),
                ));
            }
        }
        for (field, date) in [
            ("purchase_date", self.purchase_date),
            ("last_patch_date", self.last_patch_date),
            ("last_vulnerability_scan", self.last_vulnerability_scan),
        ] {
            if let Some(date) = date {
                if date > today {
                    issues.push(FieldIssue::new(
                        field,
                        format!("{date} is in the future; today is {today}"),
                    ));
                }
            }
        }
        if let (Some(purchase), Some(patch)) = (self.purchase_date, self.last_patch_date) {
            if patch < purchase {
                issues.push(FieldIssue::new(
                    "last_patch_date",
                    format!("{patch} is before the purchase date {purchase}"),
                ));
            }
        }
        self.connectivity.sort();
        self.connectivity.dedup();
        if self.connectivity.contains(&Connectivity::None) && self.connectivity.len() > 1 {
            issues.push(FieldIssue::new(
                "connectivity",
                "\"Not connected\" cannot be combined with a network connection",
            ));
        }
        issues
    }

    /// Facts that are not known. Each is a finding: the clinic should find out.
    pub fn gaps(&self) -> Vec<&'static str> {
        let mut gaps = Vec::new();
        let mut missing = |present: bool, field: &'static str| {
            if !present {
                gaps.push(field);
            }
        };
        missing(self.category != DeviceCategory::Unknown, "category");
        missing(self.manufacturer.is_some(), "manufacturer");
        missing(self.model.is_some(), "model");
        missing(self.serial.is_some(), "serial");
        missing(self.software_version.is_some(), "software_version");
        missing(self.os_name.is_some(), "os_name");
        missing(!self.connectivity.is_empty(), "connectivity");
        let networked = !matches!(self.connectivity.as_slice(), [Connectivity::None]);
        if networked {
            missing(self.zone_id.is_some(), "zone_id");
            missing(
                self.ip_address.is_some() || self.mac_address.is_some() || self.hostname.is_some(),
                "ip_address",
            );
        }
        missing(self.site_id.is_some(), "site_id");
        missing(
            self.clinical_function != ClinicalFunction::Unknown,
            "clinical_function",
        );
        missing(self.handles_phi != TriState::Unknown, "handles_phi");
        missing(self.patch_status != PatchStatus::Unknown, "patch_status");
        missing(
            self.default_credentials_changed != TriState::Unknown,
            "default_credentials_changed",
        );
        missing(
            self.authentication != Authentication::Unknown,
            "authentication",
        );
        missing(
            self.encryption_in_transit != TriState::Unknown,
            "encryption_in_transit",
        );
        missing(
            self.encryption_at_rest != TriState::Unknown,
            "encryption_at_rest",
        );
        missing(
            self.remote_vendor_access != RemoteAccess::Unknown,
            "remote_vendor_access",
        );
        missing(
            self.monitoring_coverage != TriState::Unknown,
            "monitoring_coverage",
        );
        missing(
            self.vendor_support != VendorSupport::Unknown,
            "vendor_support",
        );
        missing(self.owner.is_some(), "owner");
        gaps
    }
}

impl VendorFields {
    pub fn normalize_and_validate(&mut self) -> Vec<FieldIssue> {
        let mut issues = Vec::new();
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            issues.push(FieldIssue::new("name", "is required"));
        }
        check_str(&mut issues, "name", &self.name, MAX_SHORT_TEXT);
        for value in [
            &mut self.contact_name,
            &mut self.contact_email,
            &mut self.contact_phone,
            &mut self.security_contact,
            &mut self.patch_cadence,
            &mut self.support_lifecycle,
            &mut self.notes,
        ] {
            blank_to_none(value);
        }
        if let Some(email) = &self.contact_email {
            if !looks_like_email(email) {
                issues.push(FieldIssue::new(
                    "contact_email",
                    format!("\"{}\" is not an e-mail address", shorten(email)),
                ));
            }
        }
        check_text(&mut issues, "notes", &self.notes, MAX_NOTES);
        issues
    }
}

impl Zone {
    pub fn validate(&self) -> Vec<FieldIssue> {
        let mut issues = Vec::new();
        if self.name.trim().is_empty() {
            issues.push(FieldIssue::new("name", "is required"));
        }
        check_str(&mut issues, "name", &self.name, MAX_SHORT_TEXT);
        if let Some(vlan) = self.vlan_id {
            if !(1..=4094).contains(&vlan) {
                issues.push(FieldIssue::new(
                    "vlan_id",
                    format!("{vlan} is not a VLAN id: use 1 to 4094"),
                ));
            }
        }
        issues
    }
}

/// A light check: one '@', something on both sides, a dot in the domain.
pub fn looks_like_email(text: &str) -> bool {
    let mut parts = text.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(user), Some(domain), None) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !text.contains(' ')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    #[test]
    fn mac_forms_normalise() {
        for raw in [
            "00:1a:2b:3c:4d:5e",
            "00-1A-2B-3C-4D-5E",
            "001a.2b3c.4d5e",
            "001A2B3C4D5E",
        ] {
            assert_eq!(normalize_mac(raw).unwrap(), "00:1A:2B:3C:4D:5E", "{raw}");
        }
        for bad in ["00:1a:2b:3c:4d", "00:1a:2b:3c:4d:5g", "", "hello"] {
            assert!(normalize_mac(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ip_forms() {
        assert_eq!(normalize_ip(" 10.1.2.3 ").unwrap(), "10.1.2.3");
        assert_eq!(normalize_ip("10.1.2.3/24").unwrap(), "10.1.2.3");
        assert_eq!(normalize_ip("FE80::0001").unwrap(), "fe80::1");
        assert!(normalize_ip("10.1.2.300").is_err());
        assert!(normalize_ip("10.1.2").is_err());
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        for raw in [
            "2024-03-15",
            "2024/03/15",
            "03/15/2024",
            "15.03.2024",
            "2024-03-15 00:00:00",
        ] {
            assert_eq!(parse_date(raw).unwrap(), d, "{raw}");
        }
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn device_validation_names_fields() {
        let mut device = DeviceFields {
            name: "  ".into(),
            mac_address: Some("zz".into()),
            ip_address: Some("1.2.3.4.5".into()),
            purchase_date: NaiveDate::from_ymd_opt(2030, 1, 1),
            serial: Some("A\nB".into()),
            ..Default::default()
        };
        let fields: Vec<String> = device
            .normalize_and_validate(today())
            .into_iter()
            .map(|i| i.field)
            .collect();
        for expected in [
            "name",
            "mac_address",
            "ip_address",
            "purchase_date",
            "serial",
        ] {
            assert!(
                fields.iter().any(|f| f == expected),
                "{expected} in {fields:?}"
            );
        }
    }

    #[test]
    fn valid_device_normalises() {
        let mut device = DeviceFields {
            name: " Pump 1 ".into(),
            mac_address: Some("001a2b3c4d5e".into()),
            manufacturer: Some("   ".into()),
            connectivity: vec![Connectivity::Wifi, Connectivity::Wired, Connectivity::Wifi],
            ..Default::default()
        };
        assert!(device.normalize_and_validate(today()).is_empty());
        assert_eq!(device.name, "Pump 1");
        assert_eq!(device.mac_address.as_deref(), Some("00:1A:2B:3C:4D:5E"));
        assert_eq!(device.manufacturer, None);
        assert_eq!(
            device.connectivity,
            vec![Connectivity::Wired, Connectivity::Wifi]
        );
    }

    #[test]
    fn unknowns_are_gaps() {
        let device = DeviceFields {
            name: "x".into(),
            ..Default::default()
        };
        let gaps = device.gaps();
        assert!(gaps.contains(&"default_credentials_changed"));
        assert!(gaps.contains(&"manufacturer"));
        let known = DeviceFields {
            default_credentials_changed: TriState::Yes,
            ..device
        };
        assert!(!known.gaps().contains(&"default_credentials_changed"));
    }

    #[test]
    fn vocab_loose_parsing() {
        assert_eq!(
            PatchStatus::parse_loose("Vendor-Only"),
            Some(PatchStatus::VendorOnly)
        );
        assert_eq!(
            Authentication::parse_loose("AD/LDAP"),
            Some(Authentication::Centralized)
        );
        assert_eq!(
            ZonePurpose::parse_loose("Guest WiFi"),
            Some(ZonePurpose::Guest)
        );
        assert_eq!(
            DeviceCategory::parse_loose("Infusion Pump"),
            Some(DeviceCategory::InfusionPump)
        );
        assert_eq!(DeviceCategory::parse_loose("toaster"), None);
        for category in DeviceCategory::ALL {
            assert_eq!(DeviceCategory::from_key(category.key()), Some(*category));
        }
    }
}
