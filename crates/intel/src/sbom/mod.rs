//! Software bills of materials and VEX statements.
//!
//! Readers for CycloneDX (JSON and XML, spec versions 1.2 to 1.7) and SPDX (2.2 and 2.3,
//! JSON and tag-value) that all give one normalised [`Sbom`]: the product the document
//! describes (`subject`), its components (nested CycloneDX components flattened, each with
//! its parent), and the vulnerabilities the document itself carries with their analysis
//! state. [`read_vex`] reads VEX documents (CycloneDX VEX, CSAF VEX) into statements, and
//! [`resolve_vex`] says which attached components each statement is about.
//!
//! A document is read whole or refused whole: bad JSON/XML, a wrong `bomFormat`, an unknown
//! spec version, a missing required field, two components with one `bom-ref`, a
//! vulnerability about a component the document does not have… are one error naming the
//! file and the place (a JSON pointer such as `/components/3/name`; for XML and tag-value
//! the line and element or tag).
//!
//! XML and tag-value documents are first turned into the JSON shape of their format (with a
//! map from JSON pointer to source line for messages), so each format has one walker.

mod cyclonedx;
mod spdx;
mod vex;
mod xml;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;

use crate::document::{
    check_size_up_to, first_significant_byte, kind, parse_json, read_document_up_to, strip_bom,
};
use crate::IntelError;

pub use vex::{
    read_vex, read_vex_bytes, resolve_vex, VexDocument, VexFormat, VexStatement, VexTarget,
};

/// SBOMs of a whole device image can be large (tens of MB); files over this are refused
/// before they are read.
pub const MAX_SBOM_BYTES: u64 = 100 * 1024 * 1024;

/// Components nested deeper than this are refused (real SBOMs nest 2 or 3 levels).
pub const MAX_NESTING: usize = 32;

/// Which format and encoding a document was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    CyclonedxJson,
    CyclonedxXml,
    SpdxJson,
    SpdxTagValue,
}

impl SbomFormat {
    pub fn key(self) -> &'static str {
        match self {
            SbomFormat::CyclonedxJson => "cyclonedx_json",
            SbomFormat::CyclonedxXml => "cyclonedx_xml",
            SbomFormat::SpdxJson => "spdx_json",
            SbomFormat::SpdxTagValue => "spdx_tag_value",
        }
    }

    pub fn from_key(key: &str) -> Option<SbomFormat> {
        [
            SbomFormat::CyclonedxJson,
            SbomFormat::CyclonedxXml,
            SbomFormat::SpdxJson,
            SbomFormat::SpdxTagValue,
        ]
        .into_iter()
        .find(|f| f.key() == key)
    }

    /// "CycloneDX JSON", "SPDX tag-value".
    pub fn label(self) -> &'static str {
        match self {
            SbomFormat::CyclonedxJson => "CycloneDX JSON",
            SbomFormat::CyclonedxXml => "CycloneDX XML",
            SbomFormat::SpdxJson => "SPDX JSON",
            SbomFormat::SpdxTagValue => "SPDX tag-value",
        }
    }
}

/// What a document (an SBOM's own analysis or a VEX statement) says about one component and
/// one vulnerability. CycloneDX's analysis states and CSAF's product status map onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum VexState {
    Affected,
    UnderInvestigation,
    Fixed,
    NotAffected,
    /// Listed without an analysis (an SPDX advisory reference, a CycloneDX vulnerability
    /// without `analysis.state`).
    Unknown,
}

impl VexState {
    pub fn key(self) -> &'static str {
        match self {
            VexState::Affected => "affected",
            VexState::UnderInvestigation => "under_investigation",
            VexState::Fixed => "fixed",
            VexState::NotAffected => "not_affected",
            VexState::Unknown => "unknown",
        }
    }

    pub fn from_key(key: &str) -> Option<VexState> {
        [
            VexState::Affected,
            VexState::UnderInvestigation,
            VexState::Fixed,
            VexState::NotAffected,
            VexState::Unknown,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }

    /// Whether the vulnerability still counts against the component: everything except
    /// what a document ruled out (not affected) or resolved (fixed).
    pub fn is_open(self) -> bool {
        !matches!(self, VexState::NotAffected | VexState::Fixed)
    }

    /// CycloneDX `analysis.state`.
    pub fn from_cyclonedx(state: &str) -> Option<VexState> {
        Some(match state {
            "exploitable" => VexState::Affected,
            "in_triage" => VexState::UnderInvestigation,
            "resolved" | "resolved_with_pedigree" => VexState::Fixed,
            "false_positive" | "not_affected" => VexState::NotAffected,
            _ => return None,
        })
    }
}

/// A checksum of a component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ComponentHash {
    /// "SHA-256", "SHA1" as the document writes it.
    pub algorithm: String,
    pub value: String,
}

/// One component (CycloneDX) or package (SPDX).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SbomComponent {
    /// CycloneDX `bom-ref` or SPDX `SPDXID`; a component without one gets its JSON pointer
    /// ("#/components/4"), so every component has a reference unique in its document.
    pub bom_ref: String,
    /// CycloneDX `type` ("library", "firmware", "device", "operating-system"…), SPDX
    /// `primaryPackagePurpose` in lower case, or "package".
    pub kind: String,
    pub name: String,
    pub group: Option<String>,
    pub version: Option<String>,
    /// Supplier, else manufacturer, publisher or author (CycloneDX); supplier, else
    /// originator, without the "Organization:" prefix (SPDX).
    pub supplier: Option<String>,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    /// License ids, names or expressions as written.
    pub licenses: Vec<String>,
    pub hashes: Vec<ComponentHash>,
    /// The `bom_ref` of the component this one is nested in.
    pub parent: Option<String>,
}

impl SbomComponent {
    /// "jackson-databind 2.10.0" (with its group when it has one: "com.fasterxml…/jackson-databind").
    pub fn display(&self) -> String {
        let name = match &self.group {
            Some(g) if !g.is_empty() => format!("{g}/{}", self.name),
            _ => self.name.clone(),
        };
        match &self.version {
            Some(v) if !v.is_empty() => format!("{name} {v}"),
            _ => name,
        }
    }
}

/// A vulnerability the SBOM itself lists, with its own analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SbomVulnerability {
    /// As the document names it: "CVE-2020-25649", "SNYK-JAVA-…", an advisory URL.
    pub id: String,
    /// The CVE id: `id` itself, or the first CVE among its references.
    pub cve: Option<String>,
    /// "NVD", "Snyk".
    pub source: Option<String>,
    pub description: Option<String>,
    /// The highest CVSS score given, with its severity word.
    pub cvss: Option<f64>,
    pub severity: Option<String>,
    pub state: VexState,
    /// As written ("code_not_reachable", "vulnerable_code_not_present").
    pub justification: Option<String>,
    pub detail: Option<String>,
    /// The `bom_ref`s of the components it is about.
    pub affects: Vec<String>,
}

/// One SBOM in the normalised form every reader gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Sbom {
    pub file_name: String,
    pub format: SbomFormat,
    /// "1.4", "2.3".
    pub spec_version: String,
    /// CycloneDX `serialNumber` ("urn:uuid:…") or SPDX `documentNamespace`: the document's
    /// identity across re-imports.
    pub serial: Option<String>,
    /// CycloneDX `version` (the BOM's revision).
    pub bom_version: Option<i32>,
    /// SPDX `name`.
    pub document_name: Option<String>,
    /// CycloneDX `metadata.component`, SPDX's described package.
    pub subject: Option<SbomComponent>,
    pub components: Vec<SbomComponent>,
    pub vulnerabilities: Vec<SbomVulnerability>,
}

impl Sbom {
    /// The subject (if any) and then every component.
    pub fn all_components(&self) -> impl Iterator<Item = &SbomComponent> {
        self.subject.iter().chain(self.components.iter())
    }

    /// "Acme Application 9.1.1", else the document name, else the file name.
    pub fn title(&self) -> String {
        self.subject
            .as_ref()
            .map(SbomComponent::display)
            .or_else(|| self.document_name.clone())
            .unwrap_or_else(|| self.file_name.clone())
    }
}

/// Reads a file whole with the SBOM size guard, for callers that also hash the bytes; give
/// them to [`read_sbom_bytes`] or [`read_vex_bytes`]. Returns the file name for messages.
pub fn read_file(path: &Path) -> Result<(String, Vec<u8>), IntelError> {
    read_document_up_to(path, MAX_SBOM_BYTES)
}

/// Reads an SBOM file of any supported format (told apart by content, not by name).
pub fn read_sbom(path: &Path) -> Result<Sbom, IntelError> {
    let (file, bytes) = read_document_up_to(path, MAX_SBOM_BYTES)?;
    read_sbom_bytes(&file, &bytes)
}

/// Reads an SBOM held in memory; `file_name` is used in messages only.
pub fn read_sbom_bytes(file_name: &str, bytes: &[u8]) -> Result<Sbom, IntelError> {
    check_size_up_to(file_name, bytes, MAX_SBOM_BYTES)?;
    match first_significant_byte(bytes) {
        Some(b'<') => {
            let (value, lines) = xml::cyclonedx_to_json(file_name, bytes)?;
            let walker = Walker::new(file_name, Some(&lines));
            cyclonedx::read(&walker, &value, SbomFormat::CyclonedxXml)
        }
        Some(b'{') => {
            let value = parse_json(file_name, bytes)?;
            let walker = Walker::new(file_name, None);
            match json_kind(&value) {
                JsonKind::CycloneDx => cyclonedx::read(&walker, &value, SbomFormat::CyclonedxJson),
                JsonKind::Spdx => spdx::read(&walker, &value, SbomFormat::SpdxJson),
                JsonKind::Csaf => Err(not_sbom(
                    file_name,
                    "it is a CSAF document; import it as an advisory or as VEX",
                )),
                JsonKind::Other => Err(not_sbom(
                    file_name,
                    "it is JSON but has neither 'bomFormat' (CycloneDX) nor 'spdxVersion' (SPDX)",
                )),
            }
        }
        _ => {
            let text = std::str::from_utf8(strip_bom(bytes)).map_err(|e| {
                not_sbom(
                    file_name,
                    format!(
                        "it is not JSON, XML or UTF-8 text (byte {} is not UTF-8)",
                        e.valid_up_to()
                    ),
                )
            })?;
            if !spdx::looks_like_tag_value(text) {
                return Err(not_sbom(
                    file_name,
                    "it is not JSON, XML or SPDX tag-value (which starts with 'SPDXVersion:')",
                ));
            }
            let (value, lines) = spdx::tag_value_to_json(file_name, text)?;
            let walker = Walker::new(file_name, Some(&lines));
            spdx::read(&walker, &value, SbomFormat::SpdxTagValue)
        }
    }
}

enum JsonKind {
    CycloneDx,
    Spdx,
    Csaf,
    Other,
}

fn json_kind(value: &Value) -> JsonKind {
    let Value::Object(top) = value else {
        return JsonKind::Other;
    };
    if top.contains_key("bomFormat") || top.contains_key("specVersion") {
        JsonKind::CycloneDx
    } else if top.contains_key("spdxVersion") {
        JsonKind::Spdx
    } else if top
        .get("document")
        .and_then(|d| d.get("csaf_version"))
        .is_some()
    {
        JsonKind::Csaf
    } else {
        JsonKind::Other
    }
}

fn not_sbom(file: &str, detail: impl Into<String>) -> IntelError {
    IntelError::WrongDocument {
        file: file.to_string(),
        expected: "an SBOM (CycloneDX or SPDX)".to_string(),
        detail: detail.into(),
    }
}

/// Where a place in a converted document came from: JSON pointer → (line, what was there).
pub(crate) type Lines = BTreeMap<String, (u32, String)>;

type Obj = Map<String, Value>;

/// Reads a document in its JSON shape, naming places by JSON pointer (and by source line for
/// documents converted from XML or tag-value).
pub(crate) struct Walker<'a> {
    pub file: &'a str,
    lines: Option<&'a Lines>,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(file: &'a str, lines: Option<&'a Lines>) -> Self {
        Walker { file, lines }
    }

    /// "/components/3/name", or "line 40, <component> (/components/3/name)".
    pub(crate) fn place(&self, pointer: &str) -> String {
        let pointer = if pointer.is_empty() { "/" } else { pointer };
        let Some(lines) = self.lines else {
            return pointer.to_string();
        };
        // The nearest converted element at or above the pointer.
        let mut probe = pointer.to_string();
        loop {
            if let Some((line, what)) = lines.get(&probe) {
                return format!("line {line}, {what} ({pointer})");
            }
            match probe.rfind('/') {
                Some(0) | None => {
                    return match lines.get("") {
                        Some((line, what)) => format!("line {line}, {what} ({pointer})"),
                        None => pointer.to_string(),
                    }
                }
                Some(at) => probe.truncate(at),
            }
        }
    }

    pub(crate) fn invalid(&self, pointer: &str, detail: impl Into<String>) -> IntelError {
        IntelError::InvalidEntry {
            file: self.file.to_string(),
            at: self.place(pointer),
            detail: detail.into(),
        }
    }

    pub(crate) fn object<'v>(
        &self,
        value: Option<&'v Value>,
        pointer: &str,
    ) -> Result<Option<&'v Obj>, IntelError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(other) => Err(self.invalid(
                pointer,
                format!("should be an object but is {}", kind(other)),
            )),
        }
    }

    pub(crate) fn array<'v>(
        &self,
        value: Option<&'v Value>,
        pointer: &str,
    ) -> Result<&'v [Value], IntelError> {
        match value {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => {
                Err(self.invalid(pointer, format!("should be a list but is {}", kind(other))))
            }
        }
    }

    /// A text member, trimmed; empty text counts as absent.
    pub(crate) fn text(
        &self,
        object: &Obj,
        key: &str,
        pointer: &str,
    ) -> Result<Option<String>, IntelError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                let t = s.trim();
                Ok((!t.is_empty()).then(|| t.to_string()))
            }
            Some(other) => Err(self.invalid(
                &format!("{pointer}/{key}"),
                format!("should be text but is {}", kind(other)),
            )),
        }
    }

    pub(crate) fn required_text(
        &self,
        object: &Obj,
        key: &str,
        pointer: &str,
    ) -> Result<String, IntelError> {
        self.text(object, key, pointer)?.ok_or_else(|| {
            self.invalid(
                &format!("{pointer}/{key}"),
                format!("'{key}' is required but missing or empty"),
            )
        })
    }

    /// A number, or text holding one (XML and tag-value give text).
    pub(crate) fn number(
        &self,
        object: &Obj,
        key: &str,
        pointer: &str,
    ) -> Result<Option<f64>, IntelError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) if s.trim().parse::<f64>().is_ok() => {
                Ok(s.trim().parse::<f64>().ok())
            }
            Some(other) => Err(self.invalid(
                &format!("{pointer}/{key}"),
                format!("should be a number but is {}", kind(other)),
            )),
        }
    }
}

/// The CVE id inside a text ("https://nvd.nist.gov/vuln/detail/CVE-2020-28498" → the id).
pub(crate) fn find_cve(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CVE-") {
        let start = from + at;
        let rest = &upper[start..];
        let end = rest
            .char_indices()
            .skip(4)
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '-'))
            .map_or(rest.len(), |(i, _)| i);
        let candidate = rest[..end].trim_end_matches('-');
        if crate::kev::is_cve_id(candidate) {
            return Some(candidate.to_string());
        }
        from = start + 4;
    }
    None
}

/// A purl without qualifiers and subpath, for comparing references ("pkg:maven/a/b@1?type=jar"
/// and "pkg:maven/a/b@1" are one package).
pub fn purl_key(purl: &str) -> String {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    purl[..end].trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_found_inside_urls_and_texts() {
        assert_eq!(
            find_cve("https://nvd.nist.gov/vuln/detail/CVE-2020-28498").as_deref(),
            Some("CVE-2020-28498")
        );
        assert_eq!(
            find_cve("cve-2021-44228 log4shell").as_deref(),
            Some("CVE-2021-44228")
        );
        assert_eq!(find_cve("SNYK-JAVA-123"), None);
        assert_eq!(find_cve("CVE-20-1"), None);
    }

    #[test]
    fn purl_keys_drop_qualifiers() {
        assert_eq!(
            purl_key("pkg:maven/com.a/b@2.10.0?type=jar"),
            purl_key("pkg:maven/com.a/b@2.10.0")
        );
        assert_ne!(purl_key("pkg:npm/a@1"), purl_key("pkg:npm/a@2"));
    }

    #[test]
    fn places_name_lines_of_converted_documents() {
        let mut lines = Lines::new();
        lines.insert(String::new(), (1, "<bom>".into()));
        lines.insert("/components/0".into(), (7, "<component>".into()));
        let walker = Walker::new("a.xml", Some(&lines));
        assert_eq!(
            walker.place("/components/0/name"),
            "line 7, <component> (/components/0/name)"
        );
        assert_eq!(walker.place("/metadata"), "line 1, <bom> (/metadata)");
        assert_eq!(Walker::new("a.json", None).place(""), "/");
    }
}
