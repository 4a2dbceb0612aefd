//! The CISA Known Exploited Vulnerabilities (KEV) catalog: readers for its JSON and CSV forms
//! and the difference between two catalogs (what a newer catalog added, changed or dropped).
//!
//! A catalog is read whole or refused whole: any invalid entry is an error that names the
//! file and the entry (`vulnerabilities[3] (CVE-…)` in JSON, the spreadsheet row in CSV), so
//! an import never keeps half a catalog.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;

use crate::document::{
    check_size, first_significant_byte, opt_text, parse_json, read_document, strip_bom, text_list,
};
use crate::IntelError;

const EXPECTED: &str = "a CISA KEV catalog";

/// Which form of the catalog a file held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum KevFormat {
    Json,
    Csv,
}

/// Whether CISA knows of ransomware campaigns using the vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum RansomwareUse {
    Known,
    Unknown,
}

impl RansomwareUse {
    /// The catalog's own word.
    pub fn as_str(self) -> &'static str {
        match self {
            RansomwareUse::Known => "Known",
            RansomwareUse::Unknown => "Unknown",
        }
    }
}

/// One catalog entry. Texts are trimmed; `notes` is empty and `cwes` is empty when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct KevEntry {
    pub cve_id: String,
    pub vendor_project: String,
    pub product: String,
    pub vulnerability_name: String,
    pub date_added: NaiveDate,
    pub short_description: String,
    pub required_action: String,
    pub due_date: NaiveDate,
    pub known_ransomware_campaign_use: RansomwareUse,
    pub notes: String,
    pub cwes: Vec<String>,
}

/// A whole catalog as read from one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct KevCatalog {
    /// File name only; it appears in every message.
    pub file_name: String,
    pub format: KevFormat,
    /// The JSON form's `title`; the CSV form has none.
    pub title: Option<String>,
    /// "2025.08.25"; the CSV form has none.
    pub catalog_version: Option<String>,
    pub date_released: Option<DateTime<Utc>>,
    /// In the file's order (CISA lists the newest first).
    pub entries: Vec<KevEntry>,
}

impl KevCatalog {
    /// The entry for a CVE id (exact, case-insensitive).
    pub fn find(&self, cve_id: &str) -> Option<&KevEntry> {
        self.entries
            .iter()
            .find(|e| e.cve_id.eq_ignore_ascii_case(cve_id.trim()))
    }

    /// The newest `dateAdded`, which dates a CSV catalog that carries no version.
    pub fn newest_date_added(&self) -> Option<NaiveDate> {
        self.entries.iter().map(|e| e.date_added).max()
    }
}

/// Reads a KEV catalog in its JSON or CSV form (decided by the content, not the extension).
pub fn read_kev(path: &Path) -> Result<KevCatalog, IntelError> {
    let (file, bytes) = read_document(path)?;
    read_kev_bytes(&file, &bytes)
}

/// Reads a catalog held in memory; `file_name` is used in messages only.
pub fn read_kev_bytes(file_name: &str, bytes: &[u8]) -> Result<KevCatalog, IntelError> {
    check_size(file_name, bytes)?;
    match first_significant_byte(bytes) {
        Some(b'{') | Some(b'[') => read_json(file_name, bytes),
        _ => read_csv(file_name, bytes),
    }
}

fn wrong(file: &str, detail: impl Into<String>) -> IntelError {
    IntelError::WrongDocument {
        file: file.to_string(),
        expected: EXPECTED.to_string(),
        detail: detail.into(),
    }
}

fn invalid(file: &str, at: impl Into<String>, detail: impl Into<String>) -> IntelError {
    IntelError::InvalidEntry {
        file: file.to_string(),
        at: at.into(),
        detail: detail.into(),
    }
}

fn read_json(file: &str, bytes: &[u8]) -> Result<KevCatalog, IntelError> {
    let value = parse_json(file, bytes)?;
    let Value::Object(top) = value else {
        return Err(wrong(file, "the file holds a list, not a catalog object"));
    };
    let Some(list) = top.get("vulnerabilities") else {
        let hint = if top.contains_key("document") {
            "it has no 'vulnerabilities' list (it looks like a CSAF advisory: import it as an advisory)"
        } else if top.contains_key("bomFormat") || top.contains_key("spdxVersion") {
            "it has no 'vulnerabilities' list (it looks like an SBOM)"
        } else {
            "it has no 'vulnerabilities' list"
        };
        return Err(wrong(file, hint));
    };
    let Value::Array(items) = list else {
        return Err(invalid(
            file,
            "vulnerabilities",
            format!("should be a list but is {}", crate::document::kind(list)),
        ));
    };
    let header = |key: &str| opt_text(&top, key).map_err(|detail| invalid(file, key, detail));
    let title = header("title")?.map(str::to_string);
    let catalog_version = header("catalogVersion")?.map(str::to_string);
    let date_released = match header("dateReleased")? {
        None => None,
        Some(text) => Some(parse_timestamp(text).ok_or_else(|| {
            invalid(
                file,
                "dateReleased",
                format!("\"{text}\" is not a date and time (YYYY-MM-DDTHH:MM:SSZ)"),
            )
        })?),
    };

    let mut entries = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Value::Object(object) = item else {
            return Err(invalid(
                file,
                format!("vulnerabilities[{index}]"),
                format!("should be an object but is {}", crate::document::kind(item)),
            ));
        };
        let at = |object: &Map<String, Value>| match object.get("cveID") {
            Some(Value::String(id)) => format!("vulnerabilities[{index}] ({})", id.trim()),
            _ => format!("vulnerabilities[{index}]"),
        };
        let get = |key: &str| opt_text(object, key).map(|v| v.map(str::to_string));
        let cwes = text_list(object, "cwes").map_err(|d| invalid(file, at(object), d))?;
        let entry = build_entry(get, cwes).map_err(|d| invalid(file, at(object), d))?;
        entries.push(entry);
    }
    check_duplicates(file, &entries, |i| format!("vulnerabilities[{i}]"))?;

    if let Some(count) = top.get("count") {
        let stated = count.as_u64().ok_or_else(|| {
            invalid(
                file,
                "count",
                format!("should be a whole number but is {count}"),
            )
        })?;
        if stated != entries.len() as u64 {
            return Err(invalid(
                file,
                "count",
                format!(
                    "the catalog says it holds {stated} vulnerabilities but lists {}; the file was probably cut or edited",
                    entries.len()
                ),
            ));
        }
    }

    Ok(KevCatalog {
        file_name: file.to_string(),
        format: KevFormat::Json,
        title,
        catalog_version,
        date_released,
        entries,
    })
}

/// The columns of CISA's CSV form, which are also the JSON keys.
const COLUMNS: [&str; 11] = [
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
    "knownRansomwareCampaignUse",
    "notes",
    "cwes",
];
const REQUIRED: [&str; 8] = [
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
];

fn read_csv(file: &str, bytes: &[u8]) -> Result<KevCatalog, IntelError> {
    let text = std::str::from_utf8(strip_bom(bytes)).map_err(|e| {
        wrong(
            file,
            format!(
                "it is neither JSON nor UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| wrong(file, format!("its first line cannot be read: {e}")))?
        .clone();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, header) in headers.iter().enumerate() {
        if let Some(column) = COLUMNS
            .iter()
            .find(|c| c.eq_ignore_ascii_case(header.trim()))
        {
            index.entry(column).or_insert(i);
        }
    }
    if !index.contains_key("cveID") {
        return Err(wrong(
            file,
            "it is not JSON and its first line has no 'cveID' column (CISA's CSV starts with cveID,vendorProject,product,…)",
        ));
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !index.contains_key(*c)) {
        return Err(wrong(
            file,
            format!("the column '{missing}' is missing from the first line"),
        ));
    }

    let mut entries = Vec::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let row = e
                .position()
                .map(|p| p.line().to_string())
                .unwrap_or_else(|| "?".into());
            let detail = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "{len} values but the first line names {expected_len} columns (a comma inside a value must be quoted)"
                ),
                _ => e.to_string(),
            };
            invalid(file, format!("row {row}"), detail)
        })?;
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let get = |key: &str| -> Result<Option<String>, String> {
            Ok(index
                .get(key)
                .and_then(|&i| record.get(i))
                .map(str::to_string))
        };
        let at = match get("cveID") {
            Ok(Some(id)) if !id.trim().is_empty() => format!("row {row} ({})", id.trim()),
            _ => format!("row {row}"),
        };
        let cwes = index
            .get("cwes")
            .and_then(|&i| record.get(i))
            .map(split_cwes)
            .unwrap_or_default();
        entries.push(build_entry(get, cwes).map_err(|d| invalid(file, at, d))?);
        rows.push(row);
    }
    check_duplicates(file, &entries, |i| format!("row {}", rows[i]))?;

    Ok(KevCatalog {
        file_name: file.to_string(),
        format: KevFormat::Csv,
        title: None,
        catalog_version: None,
        date_released: None,
        entries,
    })
}

/// The CSV form lists several CWEs in one cell: "CWE-20, CWE-287".
fn split_cwes(cell: &str) -> Vec<String> {
    cell.split([',', ';', ' ', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn build_entry(
    get: impl Fn(&str) -> Result<Option<String>, String>,
    cwes: Vec<String>,
) -> Result<KevEntry, String> {
    let required = |key: &str| -> Result<String, String> {
        get(key)?
            .map(|v| v.trim().to_string())
            .ok_or_else(|| format!("'{key}' is missing (every entry must have it)"))
    };
    let optional = |key: &str| -> Result<String, String> {
        Ok(get(key)?.map(|v| v.trim().to_string()).unwrap_or_default())
    };
    let cve_id = required("cveID")?;
    if !is_cve_id(&cve_id) {
        return Err(format!(
            "'cveID' \"{cve_id}\" is not a CVE id (CVE-YYYY-NNNN)"
        ));
    }
    let date = |key: &str| -> Result<NaiveDate, String> {
        let text = required(key)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| format!("'{key}' \"{text}\" is not a date in the form YYYY-MM-DD"))
    };
    let ransomware = optional("knownRansomwareCampaignUse")?;
    let known_ransomware_campaign_use = if ransomware.eq_ignore_ascii_case("known") {
        RansomwareUse::Known
    } else if ransomware.is_empty() || ransomware.eq_ignore_ascii_case("unknown") {
        RansomwareUse::Unknown
    } else {
        return Err(format!(
            "'knownRansomwareCampaignUse' \"{ransomware}\" should be Known or Unknown"
        ));
    };
    Ok(KevEntry {
        vendor_project: required("vendorProject")?,
        product: required("product")?,
        vulnerability_name: required("vulnerabilityName")?,
        date_added: date("dateAdded")?,
        short_description: required("shortDescription")?,
        required_action: required("requiredAction")?,
        due_date: date("dueDate")?,
        known_ransomware_campaign_use,
        notes: optional("notes")?,
        cwes: cwes.into_iter().map(|c| c.trim().to_string()).collect(),
        cve_id,
    })
}

/// CVE-YYYY-NNNN with 4 to 19 digits in the last part, as the catalog's schema says.
pub fn is_cve_id(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(prefix), Some(year), Some(number), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    prefix == "CVE"
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (4..=19).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

fn check_duplicates(
    file: &str,
    entries: &[KevEntry],
    position: impl Fn(usize) -> String,
) -> Result<(), IntelError> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        if let Some(first) = seen.insert(entry.cve_id.as_str(), i) {
            return Err(invalid(
                file,
                format!("{} ({})", position(i), entry.cve_id),
                format!(
                    "{} is listed twice (first at {})",
                    entry.cve_id,
                    position(first)
                ),
            ));
        }
    }
    Ok(())
}

fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// One field that differs between two versions of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldChange {
    /// The catalog's key: "product", "dueDate", "knownRansomwareCampaignUse"…
    pub field: String,
    pub old: String,
    pub new: String,
}

/// An entry present in both catalogs whose fields differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct KevChange {
    pub cve_id: String,
    pub changes: Vec<FieldChange>,
}

/// What a newer catalog says compared with an older one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct KevDiff {
    /// In the newer catalog only, in its order.
    pub added: Vec<KevEntry>,
    /// Present in both, with their changed fields, in the newer catalog's order.
    pub changed: Vec<KevChange>,
    /// In the older catalog only (CISA rarely withdraws an entry, but it happens).
    pub removed: Vec<KevEntry>,
    pub unchanged: u32,
}

impl KevDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Compares two catalogs entry by entry (by CVE id).
pub fn diff_kev(old: &[KevEntry], new: &[KevEntry]) -> KevDiff {
    let old_by_id: HashMap<&str, &KevEntry> = old.iter().map(|e| (e.cve_id.as_str(), e)).collect();
    let new_ids: std::collections::HashSet<&str> = new.iter().map(|e| e.cve_id.as_str()).collect();
    let mut diff = KevDiff {
        added: Vec::new(),
        changed: Vec::new(),
        removed: old
            .iter()
            .filter(|e| !new_ids.contains(e.cve_id.as_str()))
            .cloned()
            .collect(),
        unchanged: 0,
    };
    for entry in new {
        match old_by_id.get(entry.cve_id.as_str()) {
            None => diff.added.push(entry.clone()),
            Some(before) => {
                let changes = field_changes(before, entry);
                if changes.is_empty() {
                    diff.unchanged += 1;
                } else {
                    diff.changed.push(KevChange {
                        cve_id: entry.cve_id.clone(),
                        changes,
                    });
                }
            }
        }
    }
    diff
}

fn field_changes(old: &KevEntry, new: &KevEntry) -> Vec<FieldChange> {
    let fields = |e: &KevEntry| -> [(&'static str, String); 10] {
        [
            ("vendorProject", e.vendor_project.clone()),
            ("product", e.product.clone()),
            ("vulnerabilityName", e.vulnerability_name.clone()),
            ("dateAdded", e.date_added.to_string()),
            ("shortDescription", e.short_description.clone()),
            ("requiredAction", e.required_action.clone()),
            ("dueDate", e.due_date.to_string()),
            (
                "knownRansomwareCampaignUse",
                e.known_ransomware_campaign_use.as_str().to_string(),
            ),
            ("notes", e.notes.clone()),
            ("cwes", e.cwes.join(", ")),
        ]
    };
    fields(old)
        .into_iter()
        .zip(fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, old), (_, new))| FieldChange {
            field: field.to_string(),
            old,
            new,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids() {
        assert!(is_cve_id("CVE-2021-44228"));
        assert!(is_cve_id("CVE-2024-1234567"));
        assert!(!is_cve_id("CVE-21-44228"));
        assert!(!is_cve_id("cve-2021-44228"));
        assert!(!is_cve_id("CVE-2021-123"));
        assert!(!is_cve_id("CVE-2021-44228-1"));
    }

    #[test]
    fn csv_cwe_cells() {
        assert_eq!(split_cwes("CWE-20, CWE-287"), vec!["CWE-20", "CWE-287"]);
        assert!(split_cwes(" ").is_empty());
    }
}
