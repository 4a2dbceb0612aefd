//! Turning mapped table rows into validated [`DeviceFields`].
//!
//! Owns the interpretation of cell values (vocabulary words, dates, the combined
//! "Manufacturer / Model", "Encryption" and "PHI handling" columns) and the translation of
//! every problem into a [`CellIssue`] that names the row and column the user sees.
//! An empty cell, and words such as "Unknown", "?" or "N/A", mean "not known": never an error.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use devicerisk_core::vocab::{self, squash};
use devicerisk_core::{parse_date, DeviceFields};

use super::mapping::{ColumnMapping, ImportTarget};
use super::read::{SourceFormat, Table};
use super::write::un_neutralize;

/// One problem with one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct CellIssue {
    /// Spreadsheet row number (header = 1).
    pub row: u32,
    /// The column's header text as in the file.
    pub column: String,
    /// The `DeviceFields` key concerned, or "site"/"zone".
    pub field: String,
    /// A full sentence, e.g. "\"zz\" is not a MAC address: …".
    pub message: String,
}

impl std::fmt::Display for CellIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column '{}': {}",
            self.row, self.column, self.message
        )
    }
}

/// A converted row, ready for the store to match and save.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedRow {
    pub row_number: usize,
    /// Normalised fields; `site_id`/`zone_id` are left empty for the store to resolve
    /// from `site_name`/`zone_name`.
    pub fields: DeviceFields,
    pub site_name: Option<String>,
    pub zone_name: Option<String>,
    /// Empty when the row can be imported as is.
    pub issues: Vec<CellIssue>,
}

/// Converts every row of `table` through `mapping`. Mappings of columns the table does not
/// have are ignored. Rows with problems are returned with their issues, never dropped.
pub fn convert_rows(
    table: &Table,
    mapping: &[ColumnMapping],
    today: NaiveDate,
) -> Vec<ImportedRow> {
    let columns: Vec<(usize, ImportTarget, &str)> = mapping
        .iter()
        .filter(|m| m.target != ImportTarget::Ignore && (m.column as usize) < table.headers.len())
        .map(|m| {
            let index = m.column as usize;
            (index, m.target, table.headers[index].as_str())
        })
        .collect();
    let context = Context::new(&columns);
    let mut memo = Memo::default();
    let from_text_file = table.format == SourceFormat::Csv;
    table
        .rows
        .iter()
        .map(|raw| {
            let row = raw.row_number as u32;
            let mut fields = DeviceFields::default();
            let mut site_name = None;
            let mut zone_name = None;
            let mut issues = Vec::new();
            for &(index, target, header) in &columns {
                let cell = raw.cells.get(index).map_or("", String::as_str);
                let text = if from_text_file {
                    un_neutralize(cell)
                } else {
                    cell
                };
                if text.is_empty() {
                    continue;
                }
                let mut place = Place {
                    fields: &mut fields,
                    site_name: &mut site_name,
                    zone_name: &mut zone_name,
                    memo: &mut memo,
                };
                if let Err((field, message)) = apply(target, text, &mut place) {
                    issues.push(CellIssue {
                        row,
                        column: header.to_string(),
                        field: field.to_string(),
                        message,
                    });
                }
            }
            context.infer(&mut fields);
            for issue in fields.normalize_and_validate(today) {
                issues.push(context.cell_issue(row, issue.field, issue.message));
            }
            for (field, value) in [("site", &site_name), ("zone", &zone_name)] {
                if let Some(name) = value {
                    let len = name.chars().count();
                    if len > devicerisk_core::validate::MAX_SHORT_TEXT {
                        issues.push(context.cell_issue(
                            row,
                            field.to_string(),
                            format!(
                                "is {len} characters long; at most {} are allowed",
                                devicerisk_core::validate::MAX_SHORT_TEXT
                            ),
                        ));
                    }
                }
            }
            ImportedRow {
                row_number: raw.row_number,
                fields,
                site_name,
                zone_name,
                issues,
            }
        })
        .collect()
}

/// What is known about the mapping as a whole, shared by every row.
struct Context<'a> {
    columns: &'a [(usize, ImportTarget, &'a str)],
    has_name: bool,
    has_default_credentials: bool,
}

impl<'a> Context<'a> {
    fn new(columns: &'a [(usize, ImportTarget, &'a str)]) -> Self {
        let has = |t: ImportTarget| columns.iter().any(|c| c.1 == t);
        Context {
            columns,
            has_name: has(ImportTarget::Name),
            has_default_credentials: has(ImportTarget::DefaultCredentialsChanged),
        }
    }

    /// Facts that follow from other columns when their own column is absent.
    fn infer(&self, fields: &mut DeviceFields) {
        if !self.has_name {
            // See `check_mapping`: without a Name column the name is built from what is known.
            fields.name = [&fields.manufacturer, &fields.model, &fields.asset_tag]
                .into_iter()
                .flatten()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
        }
        // "Authentication: Default Creds" says the default password was not changed.
        if !self.has_default_credentials
            && fields.authentication == vocab::Authentication::DefaultCredentials
        {
            fields.default_credentials_changed = vocab::TriState::No;
        }
    }

    fn header_for(&self, field: &str) -> Option<&'a str> {
        let direct = self
            .columns
            .iter()
            .find(|c| c.1.fields().contains(&field))
            .map(|c| c.2);
        direct.or_else(|| {
            // A built name comes from the asset tag column (and manufacturer/model).
            (field == "name")
                .then(|| self.columns.iter().find(|c| c.1 == ImportTarget::AssetTag))
                .flatten()
                .map(|c| c.2)
        })
    }

    fn cell_issue(&self, row: u32, field: String, message: String) -> CellIssue {
        let label = field_label(&field);
        // Validation messages read "is required", "must be on one line": give them a subject.
        let message = if message.starts_with(char::is_lowercase) {
            format!("{label} {message}")
        } else {
            message
        };
        CellIssue {
            row,
            column: self.header_for(&field).unwrap_or(label).to_string(),
            field,
            message,
        }
    }
}

/// The plain-language name of a `DeviceFields` key.
fn field_label(field: &str) -> &'static str {
    ImportTarget::ALL
        .iter()
        .find(|t| t.fields() == [field])
        .map_or("Value", |t| t.label())
}

struct Place<'p> {
    fields: &'p mut DeviceFields,
    site_name: &'p mut Option<String>,
    zone_name: &'p mut Option<String>,
    memo: &'p mut Memo,
}

/// Parsed vocabulary words per field. Core's `parse_loose` compares against every
/// synonym; inventories repeat a handful of words thousands of times, so each distinct
/// word is parsed once. Bounded, so a column of unique junk cannot grow it without limit.
#[derive(Default)]
struct Memo {
    fields: HashMap<&'static str, HashMap<String, Result<usize, CellError>>>,
    entries: usize,
}

const MEMO_LIMIT: usize = 10_000;

/// Looks `text` up for `field`, computing and remembering the answer on a miss. Values are
/// stored as their index in `all`, so one map serves every vocabulary type.
fn memoized<T: Copy + PartialEq>(
    memo: &mut Memo,
    field: &'static str,
    text: &str,
    all: &[T],
    compute: impl FnOnce() -> Result<T, CellError>,
) -> Result<T, CellError> {
    let known = memo.fields.entry(field).or_default();
    if let Some(answer) = known.get(text) {
        return match answer {
            Ok(index) => Ok(all[*index]),
            Err(error) => Err(error.clone()),
        };
    }
    let answer = compute();
    if memo.entries < MEMO_LIMIT {
        let stored = match &answer {
            Ok(value) => Ok(all.iter().position(|v| v == value).unwrap_or_default()),
            Err(error) => Err(error.clone()),
        };
        known.insert(text.to_string(), stored);
        memo.entries += 1;
    }
    answer
}

/// A cell's problem: the `DeviceFields` key and the message.
type CellError = (&'static str, String);

type ApplyResult = Result<(), CellError>;

/// Puts one non-empty cell into the row's fields.
fn apply(target: ImportTarget, text: &str, place: &mut Place) -> ApplyResult {
    let Place {
        fields: f,
        site_name,
        zone_name,
        memo,
    } = place;
    match target {
        ImportTarget::Ignore => {}
        ImportTarget::Name => f.name = text.to_string(),
        ImportTarget::Notes => f.notes = Some(text.to_string()),
        ImportTarget::Owner => f.owner = Some(text.to_string()),
        ImportTarget::Department => f.department = known_text(text),
        ImportTarget::AssetTag => f.asset_tag = known_text(text),
        ImportTarget::Manufacturer => f.manufacturer = known_text(text),
        ImportTarget::Model => f.model = known_text(text),
        ImportTarget::ManufacturerAndModel => {
            if let Some(text) = known_text(text) {
                let (manufacturer, model) = split_manufacturer_model(&text);
                f.manufacturer = Some(manufacturer.to_string());
                f.model = model.map(str::to_string);
            }
        }
        ImportTarget::Serial => f.serial = known_text(text),
        ImportTarget::SoftwareVersion => f.software_version = known_text(text),
        ImportTarget::OsName => f.os_name = known_text(text),
        ImportTarget::OsVersion => f.os_version = known_text(text),
        ImportTarget::OsAndVersion => {
            if let Some(text) = known_text(text) {
                let (name, version) = split_os_version(&text);
                f.os_name = Some(name.to_string());
                f.os_version = version.map(str::to_string);
            }
        }
        ImportTarget::IpAddress => f.ip_address = known_text(text),
        ImportTarget::MacAddress => f.mac_address = known_text(text),
        ImportTarget::Hostname => f.hostname = known_text(text),
        ImportTarget::Site => **site_name = known_text(text),
        ImportTarget::Zone => **zone_name = known_text(text),
        ImportTarget::Connectivity => f.connectivity = parse_connectivity(text)?,
        ImportTarget::Category => {
            f.category = vocab_value(
                memo,
                text,
                "category",
                "a device category",
                vocab::DeviceCategory::parse_loose,
                vocab::DeviceCategory::ALL,
                vocab::DeviceCategory::label,
                Some(vocab::DeviceCategory::Unknown),
            )?
        }
        ImportTarget::ClinicalFunction => {
            f.clinical_function = vocab_value(
                memo,
                text,
                "clinical_function",
                "a clinical function",
                vocab::ClinicalFunction::parse_loose,
                vocab::ClinicalFunction::ALL,
                vocab::ClinicalFunction::label,
                Some(vocab::ClinicalFunction::Unknown),
            )?
        }
        ImportTarget::FdaClass => {
            f.fda_class = vocab_value(
                memo,
                text,
                "fda_class",
                "an FDA class",
                vocab::FdaClass::parse_loose,
                vocab::FdaClass::ALL,
                vocab::FdaClass::label,
                Some(vocab::FdaClass::Unknown),
            )?
        }
        ImportTarget::HandlesPhi => {
            f.handles_phi = memoized(memo, "handles_phi", text, vocab::TriState::ALL, || {
                parse_phi(text)
            })?
        }
        ImportTarget::PatchStatus => {
            f.patch_status = vocab_value(
                memo,
                text,
                "patch_status",
                "a patch status",
                vocab::PatchStatus::parse_loose,
                vocab::PatchStatus::ALL,
                vocab::PatchStatus::label,
                Some(vocab::PatchStatus::Unknown),
            )?
        }
        ImportTarget::DefaultCredentialsChanged => {
            f.default_credentials_changed = tri_state(memo, text, "default_credentials_changed")?
        }
        ImportTarget::Authentication => {
            f.authentication = vocab_value(
                memo,
                text,
                "authentication",
                "an authentication method",
                vocab::Authentication::parse_loose,
                vocab::Authentication::ALL,
                vocab::Authentication::label,
                Some(vocab::Authentication::Unknown),
            )?
        }
        ImportTarget::Encryption => {
            let (in_transit, at_rest) = parse_encryption(text)?;
            f.encryption_in_transit = in_transit;
            f.encryption_at_rest = at_rest;
        }
        ImportTarget::EncryptionInTransit => {
            f.encryption_in_transit = tri_state(memo, text, "encryption_in_transit")?
        }
        ImportTarget::EncryptionAtRest => {
            f.encryption_at_rest = tri_state(memo, text, "encryption_at_rest")?
        }
        ImportTarget::RemoteVendorAccess => {
            f.remote_vendor_access = vocab_value(
                memo,
                text,
                "remote_vendor_access",
                "a remote access setting",
                vocab::RemoteAccess::parse_loose,
                vocab::RemoteAccess::ALL,
                vocab::RemoteAccess::label,
                Some(vocab::RemoteAccess::Unknown),
            )?
        }
        ImportTarget::MonitoringCoverage => {
            f.monitoring_coverage = tri_state(memo, text, "monitoring_coverage")?
        }
        ImportTarget::VendorSupport => {
            f.vendor_support = vocab_value(
                memo,
                text,
                "vendor_support",
                "a vendor support status",
                vocab::VendorSupport::parse_loose,
                vocab::VendorSupport::ALL,
                vocab::VendorSupport::label,
                Some(vocab::VendorSupport::Unknown),
            )?
        }
        ImportTarget::Status => {
            f.status = vocab_value(
                memo,
                text,
                "status",
                "a device status",
                vocab::DeviceStatus::parse_loose,
                vocab::DeviceStatus::ALL,
                vocab::DeviceStatus::label,
                None,
            )?
        }
        ImportTarget::LastPatchDate => f.last_patch_date = date(text, "last_patch_date")?,
        ImportTarget::LastVulnerabilityScan => {
            f.last_vulnerability_scan = date(text, "last_vulnerability_scan")?
        }
        ImportTarget::PurchaseDate => f.purchase_date = date(text, "purchase_date")?,
        ImportTarget::VendorEndOfSupport => {
            f.vendor_end_of_support = date(text, "vendor_end_of_support")?
        }
    }
    Ok(())
}

/// Words that mean "not known" in inventories.
fn is_unknown_word(text: &str) -> bool {
    // The longest such word ("not applicable") is short; skip the allocation for real values.
    if text.len() > 16 {
        return false;
    }
    if text
        .chars()
        .all(|c| matches!(c, '?' | '-' | '–' | '—' | '/' | '.' | ' '))
    {
        return true;
    }
    matches!(
        squash(text).as_str(),
        "unknown"
            | "unk"
            | "na"
            | "nk"
            | "notknown"
            | "tbd"
            | "tbc"
            | "dontknow"
            | "notapplicable"
            | "nodata"
            | "notavailable"
    )
}

/// Text of an identifying field; "N/A" in a serial column is not a serial.
fn known_text(text: &str) -> Option<String> {
    (!is_unknown_word(text)).then(|| text.to_string())
}

#[allow(clippy::too_many_arguments)]
fn vocab_value<T: Copy + PartialEq>(
    memo: &mut Memo,
    text: &str,
    field: &'static str,
    what: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    label: fn(T) -> &'static str,
    unknown: Option<T>,
) -> Result<T, CellError> {
    memoized(memo, field, text, all, || {
        parse_vocab(text, field, what, parse, all, label, unknown)
    })
}

fn parse_vocab<T: Copy + PartialEq>(
    text: &str,
    field: &'static str,
    what: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    label: fn(T) -> &'static str,
    unknown: Option<T>,
) -> Result<T, CellError> {
    if let Some(value) = parse(text) {
        return Ok(value);
    }
    if is_unknown_word(text) {
        if let Some(unknown) = unknown {
            return Ok(unknown);
        }
        // Status has no "unknown": a device on the list is taken to be in use.
        if let Some(&first) = all.first() {
            return Ok(first);
        }
    }
    let choices: Vec<&str> = all
        .iter()
        .copied()
        .filter(|v| Some(*v) != unknown)
        .map(label)
        .collect();
    Err((
        field,
        format!(
            "\"{}\" is not {what}; use one of: {} (or leave it empty if not known)",
            shorten(text),
            choices.join(", ")
        ),
    ))
}

fn tri_state(
    memo: &mut Memo,
    text: &str,
    field: &'static str,
) -> Result<vocab::TriState, CellError> {
    vocab_value(
        memo,
        text,
        field,
        "yes or no",
        vocab::TriState::parse_loose,
        vocab::TriState::ALL,
        vocab::TriState::label,
        Some(vocab::TriState::Unknown),
    )
}

/// PHI columns often say how PHI is handled ("Read-Only", "Transmit") rather than yes/no.
fn parse_phi(text: &str) -> Result<vocab::TriState, CellError> {
    if let Some(value) = vocab::TriState::parse_loose(text) {
        return Ok(value);
    }
    match squash(text).as_str() {
        "none" | "nophi" | "noephi" | "nopatientdata" | "notapplicable" => Ok(vocab::TriState::No),
        "readonly" | "readwrite" | "read" | "write" | "view" | "display" | "displays"
        | "transmit" | "transmits" | "send" | "sends" | "receive" | "receives" | "store"
        | "stores" | "storeandtransmit" | "storestransmits" | "storesandtransmits"
        | "transmitonly" | "storeonly" | "process" | "processes" => Ok(vocab::TriState::Yes),
        _ if is_unknown_word(text) => Ok(vocab::TriState::Unknown),
        _ => Err((
            "handles_phi",
            format!(
                "\"{}\" does not say whether the device handles PHI; use Yes, No, None, Read-Only, Read-Write or Transmit",
                shorten(text)
            ),
        )),
    }
}

/// One "Encryption" column for both facts: "Both", "In-Transit Only", "At-Rest Only", "None".
fn parse_encryption(text: &str) -> Result<(vocab::TriState, vocab::TriState), CellError> {
    use vocab::TriState::{No, Unknown, Yes};
    match squash(text).as_str() {
        "both" | "full" | "intransitandatrest" | "atrestandintransit" | "transitandrest"
        | "restandtransit" => Ok((Yes, Yes)),
        "intransitonly" | "intransit" | "transitonly" | "transit" | "tls" | "tlsonly" => {
            Ok((Yes, No))
        }
        "atrestonly" | "atrest" | "restonly" | "rest" => Ok((No, Yes)),
        "none" | "no" | "unencrypted" | "notencrypted" | "plaintext" | "cleartext" => {
            Ok((No, No))
        }
        _ if is_unknown_word(text) => Ok((Unknown, Unknown)),
        _ => Err((
            "encryption_in_transit",
            format!(
                "\"{}\" is not an encryption setting; use Both, In-Transit Only, At-Rest Only or None (or map the column to 'Encryption in transit' / 'Encryption at rest')",
                shorten(text)
            ),
        )),
    }
}

/// "Wired Ethernet, Wi-Fi" → both. Slash separates too ("Wired/Wi-Fi"), except inside a
/// label that contains one ("Serial / USB only").
fn parse_connectivity(text: &str) -> Result<Vec<vocab::Connectivity>, CellError> {
    let mut found = Vec::new();
    for part in text.split([',', ';', '|', '+', '\n', '&']) {
        let part = part.trim();
        if part.is_empty() || is_unknown_word(part) {
            continue;
        }
        if let Some(value) = parse_one_connectivity(part) {
            found.push(value);
            continue;
        }
        for piece in part.split('/').map(str::trim).filter(|p| !p.is_empty()) {
            match parse_one_connectivity(piece) {
                Some(value) => found.push(value),
                None => {
                    let labels: Vec<&str> =
                        vocab::Connectivity::ALL.iter().map(|c| c.label()).collect();
                    return Err((
                        "connectivity",
                        format!(
                            "\"{}\" is not a kind of connection; use {} (several separated by commas)",
                            shorten(piece),
                            labels.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    Ok(found)
}

fn parse_one_connectivity(text: &str) -> Option<vocab::Connectivity> {
    vocab::Connectivity::parse_loose(text).or_else(|| {
        matches!(squash(text).as_str(), "no" | "none").then_some(vocab::Connectivity::None)
    })
}

fn date(text: &str, field: &'static str) -> Result<Option<NaiveDate>, CellError> {
    match parse_date(text) {
        Ok(date) => Ok(Some(date)),
        Err(_) if is_unknown_word(text) => Ok(None),
        Err(message) => excel_serial_date(text).map(Some).ok_or((field, message)),
    }
}

/// A date typed into Excel and saved without date formatting shows as its serial number.
fn excel_serial_date(text: &str) -> Option<NaiveDate> {
    let serial: i64 = text.parse().ok()?;
    // 1950-01-01 .. 2199-12-31, the range `parse_date` accepts.
    if !(18_264..=109_572).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

/// Manufacturers whose names have more than one word, so "Hamilton Medical C6" splits
/// after "Medical". Without a match the first word is the manufacturer.
const MULTI_WORD_MANUFACTURERS: &[&str] = &[
    "Abbott Laboratories",
    "Agfa HealthCare",
    "B. Braun",
    "B Braun",
    "Beckman Coulter",
    "Becton Dickinson",
    "Boston Scientific",
    "Canon Medical Systems",
    "Canon Medical",
    "Cardinal Health",
    "Carestream Health",
    "Drägerwerk AG",
    "Edwards Lifesciences",
    "Fresenius Kabi",
    "Fresenius Medical Care",
    "GE Healthcare",
    "GE Medical Systems",
    "Hamilton Medical",
    "Honeywell Building Technologies",
    "ICU Medical",
    "Intuitive Surgical",
    "Johnson & Johnson",
    "Johnson Controls",
    "Karl Storz",
    "Konica Minolta",
    "Mortara Instrument",
    "Natus Medical",
    "Nihon Kohden",
    "Nonin Medical",
    "Olympus Medical",
    "Ortho Clinical Diagnostics",
    "Philips Healthcare",
    "Philips Medical Systems",
    "Roche Diagnostics",
    "Schneider Electric",
    "Siemens Healthcare",
    "Siemens Healthineers",
    "Smiths Medical",
    "Spacelabs Healthcare",
    "Thermo Fisher Scientific",
    "Thermo Fisher",
    "Varian Medical Systems",
    "Vyaire Medical",
    "Welch Allyn",
    "Zoll Medical",
];

/// Splits "BD Alaris 8015" into ("BD", Some("Alaris 8015")).
pub fn split_manufacturer_model(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    let known = MULTI_WORD_MANUFACTURERS
        .iter()
        .filter(|name| {
            text.len() >= name.len()
                && text.is_char_boundary(name.len())
                && text[..name.len()].eq_ignore_ascii_case(name)
                && text[name.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_whitespace() || c == ',' || c == '/')
        })
        .map(|name| name.len())
        .max();
    let split_at = known.or_else(|| text.find(char::is_whitespace));
    match split_at {
        Some(at) => {
            let model =
                text[at..].trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '/');
            let model = model.trim();
            (&text[..at], (!model.is_empty()).then_some(model))
        }
        None => (text, None),
    }
}

/// Splits "Windows 10 21H2" into ("Windows 10", Some("21H2")): the trailing words that look
/// like versions ("6.9", "21H2", "SP3", "v2") are the version.
pub fn split_os_version(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    let looks_like_version = |word: &str| {
        let has_digit = word.chars().any(|c| c.is_ascii_digit());
        let has_letter = word.chars().any(|c| c.is_alphabetic());
        has_digit && (word.contains('.') || has_letter)
    };
    let mut split = text.len();
    for (start, word) in word_starts(text).into_iter().rev() {
        if start == 0 || !looks_like_version(word) {
            break;
        }
        split = start;
    }
    if split == text.len() {
        (text, None)
    } else {
        (text[..split].trim_end(), Some(&text[split..]))
    }
}

fn word_starts(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, &text[s..]));
    }
    words
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manufacturer_split() {
        assert_eq!(
            split_manufacturer_model("BD Alaris 8015"),
            ("BD", Some("Alaris 8015"))
        );
        assert_eq!(
            split_manufacturer_model("Hamilton Medical C6"),
            ("Hamilton Medical", Some("C6"))
        );
        assert_eq!(
            split_manufacturer_model("hamilton medical"),
            ("hamilton medical", None)
        );
        assert_eq!(
            split_manufacturer_model("Hamilton Medicalx C6"),
            ("Hamilton", Some("Medicalx C6"))
        );
        assert_eq!(
            split_manufacturer_model("B. Braun Space"),
            ("B. Braun", Some("Space"))
        );
        assert_eq!(split_manufacturer_model("Omnicell"), ("Omnicell", None));
        assert_eq!(
            split_manufacturer_model("Dräger Evita V800"),
            ("Dräger", Some("Evita V800"))
        );
    }

    #[test]
    fn os_split() {
        assert_eq!(
            split_os_version("Windows 10 21H2"),
            ("Windows 10", Some("21H2"))
        );
        assert_eq!(split_os_version("Windows 10"), ("Windows 10", None));
        assert_eq!(split_os_version("VxWorks 6.9"), ("VxWorks", Some("6.9")));
        assert_eq!(
            split_os_version("Windows XP SP3"),
            ("Windows XP", Some("SP3"))
        );
        assert_eq!(split_os_version("4.19"), ("4.19", None));
    }

    #[test]
    fn unknown_words() {
        for word in ["Unknown", "?", "N/A", "n/k", "-", "TBD"] {
            assert!(is_unknown_word(word), "{word}");
        }
        assert!(!is_unknown_word("None"));
        assert_eq!(
            excel_serial_date("45366"),
            NaiveDate::from_ymd_opt(2024, 3, 15)
        );
        assert_eq!(excel_serial_date("12"), None);
    }

    #[test]
    fn connectivity_lists() {
        use vocab::Connectivity::*;
        assert_eq!(
            parse_connectivity("Wired Ethernet, Wi-Fi").unwrap(),
            vec![Wired, Wifi]
        );
        assert_eq!(parse_connectivity("Wired/WiFi").unwrap(), vec![Wired, Wifi]);
        assert_eq!(
            parse_connectivity("Serial / USB only").unwrap(),
            vec![Serial]
        );
        assert!(parse_connectivity("carrier pigeon").is_err());
    }
}
