//! VEX documents: what a manufacturer says about vulnerabilities in the components of its
//! products. CycloneDX VEX (a BOM whose `vulnerabilities[].affects[].ref` point into another
//! BOM: a BOM-link `urn:cdx:serial/version#bom-ref`, a bom-ref or a purl) and CSAF VEX
//! (`csaf_vex` documents: product status lists with flags and impact statements, products
//! named by purl, CPE or vendor/name/version in the product tree).
//!
//! Reading gives statements with a [`VexTarget`] each; [`resolve_vex`] finds the components
//! of attached SBOMs each statement is about. It is pure, so the api can apply statements
//! when it reads (a re-imported SBOM keeps its VEX; a deleted VEX stops counting).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

use super::cyclonedx::{bom_link, header, vulnerabilities};
use super::{purl_key, xml, Sbom, SbomComponent, VexState, Walker, MAX_SBOM_BYTES};
use crate::csaf::{read_csaf_bytes, AdvisoryProduct, ProductState};
use crate::document::{check_size_up_to, first_significant_byte, parse_json, read_document_up_to};
use crate::matching::parse_version_spec;
use crate::IntelError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum VexFormat {
    Cyclonedx,
    Csaf,
}

impl VexFormat {
    pub fn key(self) -> &'static str {
        match self {
            VexFormat::Cyclonedx => "cyclonedx",
            VexFormat::Csaf => "csaf",
        }
    }

    pub fn from_key(key: &str) -> Option<VexFormat> {
        match key {
            "cyclonedx" => Some(VexFormat::Cyclonedx),
            "csaf" => Some(VexFormat::Csaf),
            _ => None,
        }
    }
}

/// What a statement is about. Any of the identifiers may be present; see [`resolve_vex`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct VexTarget {
    /// From a BOM-link: the SBOM's serial number ("urn:uuid:…").
    pub bom_serial: Option<String>,
    /// A bom-ref (from a BOM-link, or a plain `ref`).
    pub bom_ref: Option<String>,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    /// CSAF: the product name branch, else the full product name.
    pub product_name: Option<String>,
    /// CSAF: the version or version range branch, as written.
    pub version: Option<String>,
    /// For messages: "ref 'urn:cdx:…#…'", "product CSAFPID-0001 (Example Company ABC 4.2)".
    pub described: String,
}

/// One statement: a vulnerability's state for one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VexStatement {
    /// Where in the file ("/vulnerabilities/0/affects/0", "vulnerabilities[0] (CVE-…) product CSAFPID-0001").
    pub place: String,
    pub vulnerability: String,
    pub cve: Option<String>,
    pub state: VexState,
    pub justification: Option<String>,
    pub detail: Option<String>,
    pub target: VexTarget,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct VexDocument {
    pub file_name: String,
    pub format: VexFormat,
    /// CycloneDX serial number or CSAF tracking id.
    pub document_id: Option<String>,
    pub statements: Vec<VexStatement>,
}

pub fn read_vex(path: &Path) -> Result<VexDocument, IntelError> {
    let (file, bytes) = read_document_up_to(path, MAX_SBOM_BYTES)?;
    read_vex_bytes(&file, &bytes)
}

pub fn read_vex_bytes(file: &str, bytes: &[u8]) -> Result<VexDocument, IntelError> {
    check_size_up_to(file, bytes, MAX_SBOM_BYTES)?;
    let not_vex = |detail: &str| IntelError::WrongDocument {
        file: file.to_string(),
        expected: "a VEX document (CycloneDX VEX or CSAF VEX)".to_string(),
        detail: detail.to_string(),
    };
    let document = match first_significant_byte(bytes) {
        Some(b'<') => {
            let (value, lines) = xml::cyclonedx_to_json(file, bytes)?;
            cyclonedx(&Walker::new(file, Some(&lines)), &value)?
        }
        Some(b'{') => {
            let value = parse_json(file, bytes)?;
            if value
                .get("document")
                .and_then(|d| d.get("csaf_version"))
                .is_some()
            {
                csaf(file, bytes)?
            } else if value.get("bomFormat").is_some() {
                cyclonedx(&Walker::new(file, None), &value)?
            } else {
                return Err(not_vex(
                    "it is JSON but neither CycloneDX ('bomFormat') nor CSAF ('document.csaf_version')",
                ));
            }
        }
        _ => return Err(not_vex("it is neither JSON nor XML")),
    };
    if document.statements.is_empty() {
        return Err(not_vex(
            "it holds no statement: no vulnerability names a component or product it is about",
        ));
    }
    Ok(document)
}

fn cyclonedx(w: &Walker<'_>, value: &Value) -> Result<VexDocument, IntelError> {
    let (head, top) = header(w, value)?;
    // A VEX BOM may list the components it speaks of; a plain ref to one of them is
    // resolved to that component's purl (and name/version) so it can be found elsewhere.
    let own: Vec<SbomComponent> = super::cyclonedx::read(
        w,
        &strip_vulnerabilities(value),
        super::SbomFormat::CyclonedxJson,
    )?
    .all_components()
    .cloned()
    .collect();
    let mut statements = Vec::new();
    for (i, (v, refs)) in vulnerabilities(w, top)?.into_iter().enumerate() {
        for (j, reference) in refs.into_iter().enumerate() {
            let mut target = VexTarget {
                described: format!("ref '{reference}'"),
                ..VexTarget::default()
            };
            match bom_link(&reference) {
                Some((serial, _, fragment)) => {
                    target.bom_serial = Some(serial);
                    target.bom_ref = Some(fragment);
                }
                None => match own.iter().find(|c| c.bom_ref == reference) {
                    Some(c) => {
                        target.purl = c.purl.clone();
                        target.cpe = c.cpe.clone();
                        if c.purl.is_none() && c.cpe.is_none() {
                            target.product_name = Some(c.name.clone());
                            target.version = c.version.clone();
                        }
                    }
                    None => target.bom_ref = Some(reference.clone()),
                },
            }
            statements.push(VexStatement {
                place: w.place(&format!("/vulnerabilities/{i}/affects/{j}")),
                vulnerability: v.id.clone(),
                cve: v.cve.clone(),
                state: v.state,
                justification: v.justification.clone(),
                detail: v.detail.clone(),
                target,
            });
        }
    }
    Ok(VexDocument {
        file_name: w.file.to_string(),
        format: VexFormat::Cyclonedx,
        document_id: head.serial,
        statements,
    })
}

fn strip_vulnerabilities(value: &Value) -> Value {
    let mut copy = value.clone();
    if let Value::Object(o) = &mut copy {
        o.remove("vulnerabilities");
    }
    copy
}

fn csaf(file: &str, bytes: &[u8]) -> Result<VexDocument, IntelError> {
    let advisory = read_csaf_bytes(file, bytes)?;
    if advisory.category != "csaf_vex" {
        return Err(IntelError::WrongDocument {
            file: file.to_string(),
            expected: "a CSAF VEX document".to_string(),
            detail: format!(
                "its category is \"{}\", not \"csaf_vex\"; import security advisories under advisories (import csaf)",
                advisory.category
            ),
        });
    }
    let mut statements = Vec::new();
    for (i, v) in advisory.vulnerabilities.iter().enumerate() {
        let name = v
            .cve
            .clone()
            .unwrap_or_else(|| format!("vulnerabilities[{i}]"));
        for product in &advisory.products {
            let Some(state) = v.product_status.state_of(&product.product_id) else {
                continue;
            };
            let state = match state {
                ProductState::Affected => VexState::Affected,
                ProductState::UnderInvestigation => VexState::UnderInvestigation,
                ProductState::Fixed => VexState::Fixed,
                ProductState::NotAffected => VexState::NotAffected,
            };
            let has = |ids: &[String]| ids.iter().any(|id| id == &product.product_id);
            let justification = v
                .flags
                .iter()
                .find(|f| has(&f.product_ids))
                .map(|f| f.label.clone());
            let detail = match state {
                VexState::NotAffected => v
                    .threats
                    .iter()
                    .find(|t| t.category == "impact" && has(&t.product_ids))
                    .map(|t| t.details.clone()),
                _ => v
                    .remediations
                    .iter()
                    .find(|r| has(&r.product_ids))
                    .map(|r| format!("{}: {}", r.category.replace('_', " "), r.details)),
            };
            statements.push(VexStatement {
                place: format!(
                    "vulnerabilities[{i}] ({name}), product {}",
                    product.product_id
                ),
                vulnerability: name.clone(),
                cve: v.cve.clone(),
                state,
                justification,
                detail,
                target: csaf_target(product),
            });
        }
    }
    Ok(VexDocument {
        file_name: file.to_string(),
        format: VexFormat::Csaf,
        document_id: Some(advisory.tracking_id),
        statements,
    })
}

fn csaf_target(product: &AdvisoryProduct) -> VexTarget {
    VexTarget {
        bom_serial: None,
        bom_ref: None,
        purl: product.purl.clone(),
        cpe: product.cpe.clone(),
        product_name: product
            .product_name
            .clone()
            .or_else(|| Some(product.name.clone())),
        version: (!product.version.text.is_empty()).then(|| product.version.text.clone()),
        described: format!("product {} ({})", product.product_id, product.name),
    }
}

/// Whether a statement's target is this component of this SBOM. `serial_attached` says
/// whether some attached SBOM carries the target's BOM-link serial: then only that SBOM is
/// searched; otherwise the bom-ref is looked for in every attached SBOM (VEX files are often
/// written against another copy of the same BOM).
fn targets(
    target: &VexTarget,
    sbom: &Sbom,
    component: &SbomComponent,
    serial_attached: bool,
) -> bool {
    if let Some(reference) = &target.bom_ref {
        if serial_attached && target.bom_serial.is_some() && sbom.serial != target.bom_serial {
            return false;
        }
        if &component.bom_ref == reference
            || component
                .purl
                .as_deref()
                .is_some_and(|p| purl_key(p) == purl_key(reference))
        {
            return true;
        }
        if target.bom_serial.is_some() {
            return false;
        }
    }
    if let (Some(a), Some(b)) = (&target.purl, &component.purl) {
        return purl_key(a) == purl_key(b);
    }
    if let (Some(a), Some(b)) = (&target.cpe, &component.cpe) {
        if a.eq_ignore_ascii_case(b) {
            return true;
        }
    }
    if let Some(name) = &target.product_name {
        let own = component.name.trim();
        let full = component.display();
        let named = own.eq_ignore_ascii_case(name.trim()) || full.eq_ignore_ascii_case(name.trim());
        if !named {
            return false;
        }
        return match (&target.version, &component.version) {
            (None, _) => true,
            (Some(range), Some(version)) => {
                range.trim() == version.trim()
                    || parse_version_spec(range).contains(version) == Some(true)
            }
            (Some(_), None) => false,
        };
    }
    false
}

/// For each statement (by index), the (SBOM index, component bom-ref) pairs it is about.
/// SBOM subjects count as components (a CSAF VEX usually names the product itself).
pub fn resolve_vex(statements: &[VexStatement], sboms: &[&Sbom]) -> Vec<Vec<(usize, String)>> {
    // Indexes by bom-ref and purl, so a VEX of thousands of statements against SBOMs of
    // thousands of components does not compare every pair; CPE and name targets (CSAF
    // products, few) are still compared with every component.
    struct Index<'a> {
        by_ref: HashMap<&'a str, &'a SbomComponent>,
        by_purl: HashMap<String, Vec<&'a SbomComponent>>,
    }
    let indexes: Vec<Index<'_>> = sboms
        .iter()
        .map(|sbom| {
            let mut index = Index {
                by_ref: HashMap::new(),
                by_purl: HashMap::new(),
            };
            for c in sbom.all_components() {
                index.by_ref.insert(c.bom_ref.as_str(), c);
                if let Some(p) = &c.purl {
                    index.by_purl.entry(purl_key(p)).or_default().push(c);
                }
            }
            index
        })
        .collect();
    statements
        .iter()
        .map(|s| {
            let target = &s.target;
            let serial_attached = target
                .bom_serial
                .as_ref()
                .is_some_and(|serial| sboms.iter().any(|b| b.serial.as_ref() == Some(serial)));
            let scan_all = target.cpe.is_some() || target.product_name.is_some();
            let mut found = Vec::new();
            for (i, (sbom, index)) in sboms.iter().zip(&indexes).enumerate() {
                let mut candidates: Vec<&SbomComponent> = Vec::new();
                if scan_all {
                    candidates.extend(sbom.all_components());
                } else {
                    if let Some(r) = &target.bom_ref {
                        candidates.extend(index.by_ref.get(r.as_str()).copied());
                        candidates.extend(index.by_purl.get(&purl_key(r)).into_iter().flatten());
                    }
                    if let Some(p) = &target.purl {
                        candidates.extend(index.by_purl.get(&purl_key(p)).into_iter().flatten());
                    }
                }
                let mut seen = HashSet::new();
                for component in candidates {
                    if seen.insert(component.bom_ref.as_str())
                        && targets(target, sbom, component, serial_attached)
                    {
                        found.push((i, component.bom_ref.clone()));
                    }
                }
            }
            found
        })
        .collect()
}
