//! CSAF 2.0 advisories (CISA's ICSMA medical advisories are the main case): one file, or a
//! whole folder.
//!
//! A file is read whole or refused whole: invalid JSON, a `csaf_version` other than 2.0, a
//! missing `document.tracking.id`, a product id that the product tree does not define… are
//! errors naming the file and the place (`document.tracking.id`,
//! `vulnerabilities[2] (CVE-…)`). A **folder** import keeps every good file and lists each
//! bad one with its error ([`CsafFolder::failures`]): one broken advisory among 150 should
//! not hold back the other 149, and the user sees exactly which file to fix. When two files
//! carry the same tracking id, the newer revision is kept and the other is reported.
//!
//! The product tree is walked branch by branch (vendor → product_family → product_name →
//! product_version / product_version_range, and the other branch categories), so each
//! product id gets its vendor, product name and version text; version texts are read with
//! [`parse_version_spec`] and kept as written when they are prose.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;

use crate::document::{check_size, kind, opt_text, parse_json, read_document, text_list};
use crate::kev::is_cve_id;
use crate::matching::{parse_version_spec, VersionSpec};
use crate::IntelError;

const EXPECTED: &str = "a CSAF 2.0 advisory";
/// Branches nested deeper than this are refused (real trees are 3 to 5 levels deep).
const MAX_DEPTH: usize = 32;

/// One product of an advisory, with the context of the branches above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AdvisoryProduct {
    /// "CSAFPID-0001": what `product_status` and scores refer to.
    pub product_id: String,
    /// The full product name ("Alaris 8015 PC unit: Version 9.7").
    pub name: String,
    pub vendor: Option<String>,
    pub product_family: Option<String>,
    pub product_name: Option<String>,
    /// The version or version range branch, read where possible (an absent one means every
    /// version).
    pub version: VersionSpec,
    pub cpe: Option<String>,
    pub purl: Option<String>,
    /// For products defined by a relationship ("telnet as a component of RHEL 7.6").
    pub relationship: Option<ProductRelationship>,
}

/// `product_tree.relationships[]`: a product made of two others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProductRelationship {
    /// "default_component_of", "installed_on", …
    pub category: String,
    pub product_reference: String,
    pub relates_to_product_reference: String,
}

/// A CVSS score of a vulnerability for some products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CvssScore {
    /// "3.1", "3.0", "2.0".
    pub version: String,
    pub base_score: f64,
    pub vector: String,
    /// "CRITICAL", "HIGH", … (CVSS 3 only).
    pub severity: Option<String>,
    pub products: Vec<String>,
}

/// `vulnerabilities[].product_status`: product ids by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ProductStatus {
    pub first_affected: Vec<String>,
    pub known_affected: Vec<String>,
    pub last_affected: Vec<String>,
    pub under_investigation: Vec<String>,
    pub first_fixed: Vec<String>,
    pub fixed: Vec<String>,
    pub recommended: Vec<String>,
    pub known_not_affected: Vec<String>,
}

/// What an advisory says about one product for one vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum ProductState {
    Affected,
    UnderInvestigation,
    Fixed,
    NotAffected,
}

impl ProductStatus {
    const FIELDS: [&'static str; 8] = [
        "first_affected",
        "known_affected",
        "last_affected",
        "under_investigation",
        "first_fixed",
        "fixed",
        "recommended",
        "known_not_affected",
    ];

    fn list_mut(&mut self, field: &str) -> &mut Vec<String> {
        match field {
            "first_affected" => &mut self.first_affected,
            "known_affected" => &mut self.known_affected,
            "last_affected" => &mut self.last_affected,
            "under_investigation" => &mut self.under_investigation,
            "first_fixed" => &mut self.first_fixed,
            "fixed" => &mut self.fixed,
            "recommended" => &mut self.recommended,
            _ => &mut self.known_not_affected,
        }
    }

    fn all(&self) -> impl Iterator<Item = (&'static str, &String)> {
        [
            ("first_affected", &self.first_affected),
            ("known_affected", &self.known_affected),
            ("last_affected", &self.last_affected),
            ("under_investigation", &self.under_investigation),
            ("first_fixed", &self.first_fixed),
            ("fixed", &self.fixed),
            ("recommended", &self.recommended),
            ("known_not_affected", &self.known_not_affected),
        ]
        .into_iter()
        .flat_map(|(name, ids)| ids.iter().map(move |id| (name, id)))
    }

    /// The status of a product, affected first when a (faulty) document lists it twice.
    pub fn state_of(&self, product_id: &str) -> Option<ProductState> {
        let has = |ids: &[String]| ids.iter().any(|id| id == product_id);
        if has(&self.first_affected) || has(&self.known_affected) || has(&self.last_affected) {
            Some(ProductState::Affected)
        } else if has(&self.under_investigation) {
            Some(ProductState::UnderInvestigation)
        } else if has(&self.first_fixed) || has(&self.fixed) || has(&self.recommended) {
            Some(ProductState::Fixed)
        } else if has(&self.known_not_affected) {
            Some(ProductState::NotAffected)
        } else {
            None
        }
    }
}

/// A remediation, mitigation or workaround for some products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Remediation {
    /// "vendor_fix", "mitigation", "workaround", "no_fix_planned", "none_available".
    pub category: String,
    pub details: String,
    pub url: Option<String>,
    pub product_ids: Vec<String>,
}

/// A VEX flag: why products are not affected ("vulnerable_code_not_present", …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct VexFlag {
    pub label: String,
    pub product_ids: Vec<String>,
}

/// A threat statement; with category "impact" it is the VEX impact statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Threat {
    pub category: String,
    pub details: String,
    pub product_ids: Vec<String>,
}

/// One vulnerability of an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AdvisoryVulnerability {
    pub cve: Option<String>,
    pub title: Option<String>,
    /// "CWE-259".
    pub cwe: Option<String>,
    pub scores: Vec<CvssScore>,
    pub product_status: ProductStatus,
    pub remediations: Vec<Remediation>,
    pub flags: Vec<VexFlag>,
    pub threats: Vec<Threat>,
}

impl AdvisoryVulnerability {
    /// The highest base score given for a product (or for any product when none names it).
    pub fn score_for(&self, product_id: &str) -> Option<&CvssScore> {
        let highest = |a: &&CvssScore, b: &&CvssScore| a.base_score.total_cmp(&b.base_score);
        self.scores
            .iter()
            .filter(|s| s.products.iter().any(|p| p == product_id))
            .max_by(highest)
            .or_else(|| self.scores.iter().max_by(highest))
    }
}

/// A whole advisory as read from one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Advisory {
    /// File name only (or the path below the imported folder).
    pub file_name: String,
    /// "ICSMA-20-170-04": the advisory's identity across revisions.
    pub tracking_id: String,
    pub title: String,
    /// "csaf_security_advisory", "csaf_vex", "csaf_base".
    pub category: String,
    pub publisher: Option<String>,
    pub initial_release_date: Option<DateTime<Utc>>,
    pub current_release_date: Option<DateTime<Utc>>,
    /// `tracking.version` ("2").
    pub revision: Option<String>,
    /// "final", "interim", "draft".
    pub status: Option<String>,
    /// TLP label ("WHITE", "CLEAR").
    pub tlp: Option<String>,
    /// The text of the first `summary` note of the document, if any.
    pub summary: Option<String>,
    pub products: Vec<AdvisoryProduct>,
    pub vulnerabilities: Vec<AdvisoryVulnerability>,
}

impl Advisory {
    pub fn product(&self, product_id: &str) -> Option<&AdvisoryProduct> {
        self.products.iter().find(|p| p.product_id == product_id)
    }

    /// The CVE ids of the advisory, in its order, without repeats.
    pub fn cves(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.vulnerabilities
            .iter()
            .filter_map(|v| v.cve.as_deref())
            .filter(|c| seen.insert(*c))
            .collect()
    }

    /// The vulnerabilities that affect a product (affected, first/last affected).
    pub fn affecting<'a>(
        &'a self,
        product_id: &'a str,
    ) -> impl Iterator<Item = &'a AdvisoryVulnerability> + 'a {
        self.vulnerabilities
            .iter()
            .filter(move |v| v.product_status.state_of(product_id) == Some(ProductState::Affected))
    }

    /// Products that some vulnerability of the advisory affects or is investigating.
    pub fn affected_products(&self) -> impl Iterator<Item = &AdvisoryProduct> {
        self.products.iter().filter(|p| {
            self.vulnerabilities.iter().any(|v| {
                matches!(
                    v.product_status.state_of(&p.product_id),
                    Some(ProductState::Affected | ProductState::UnderInvestigation)
                )
            })
        })
    }
}

/// Reads one CSAF 2.0 file.
pub fn read_csaf(path: &Path) -> Result<Advisory, IntelError> {
    let (file, bytes) = read_document(path)?;
    read_csaf_bytes(&file, &bytes)
}

/// Reads an advisory held in memory; `file_name` is used in messages only.
pub fn read_csaf_bytes(file_name: &str, bytes: &[u8]) -> Result<Advisory, IntelError> {
    check_size(file_name, bytes)?;
    let value = parse_json(file_name, bytes)?;
    Reader { file: file_name }.advisory(&value)
}

/// A failed file of a folder import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FileFailure {
    /// The path below the imported folder ("2021/icsma-21-047-01.json").
    pub file: String,
    /// The full message, naming the file and the place in it.
    pub message: String,
}

/// An advisory that was read but not kept because another file has a newer revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SupersededFile {
    pub file: String,
    pub tracking_id: String,
    /// The file whose revision was kept.
    pub kept: String,
}

/// The result of importing a folder: the good advisories and what happened to the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CsafFolder {
    /// Sorted by file path.
    pub advisories: Vec<Advisory>,
    pub failures: Vec<FileFailure>,
    pub superseded: Vec<SupersededFile>,
    /// Files that are not `.json` (signatures `.asc`, hashes `.sha512`, notes) were not read.
    pub ignored: u32,
}

/// Reads every `*.json` file below `folder` (sub-folders included, in path order). Files
/// that fail are listed in `failures` with their message; the others are kept. Only a
/// folder that cannot be listed, or that holds no JSON file at all, is an error.
pub fn read_csaf_folder(folder: &Path) -> Result<CsafFolder, IntelError> {
    let mut files = Vec::new();
    let mut ignored = 0u32;
    collect_files(folder, folder, 0, &mut files, &mut ignored)?;
    if files.is_empty() {
        return Err(IntelError::WrongDocument {
            file: crate::document::display_name(folder),
            expected: "a folder of CSAF advisories".to_string(),
            detail: "it holds no .json file".to_string(),
        });
    }
    files.sort();
    let mut result = CsafFolder {
        advisories: Vec::new(),
        failures: Vec::new(),
        superseded: Vec::new(),
        ignored,
    };
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (relative, path) in files {
        let read = read_document(&path).and_then(|(_, bytes)| read_csaf_bytes(&relative, &bytes));
        let advisory = match read {
            Ok(advisory) => advisory,
            Err(error) => {
                result.failures.push(FileFailure {
                    file: relative,
                    message: error.to_string(),
                });
                continue;
            }
        };
        let key = advisory.tracking_id.to_ascii_uppercase();
        match by_id.get(&key) {
            None => {
                by_id.insert(key, result.advisories.len());
                result.advisories.push(advisory);
            }
            Some(&index) => {
                let existing = &result.advisories[index];
                let (kept, dropped) = if is_newer(&advisory, existing) {
                    let old = std::mem::replace(&mut result.advisories[index], advisory);
                    (result.advisories[index].file_name.clone(), old)
                } else {
                    (existing.file_name.clone(), advisory)
                };
                result.superseded.push(SupersededFile {
                    file: dropped.file_name,
                    tracking_id: dropped.tracking_id,
                    kept,
                });
            }
        }
    }
    Ok(result)
}

fn is_newer(a: &Advisory, b: &Advisory) -> bool {
    match (a.current_release_date, b.current_release_date) {
        (Some(x), Some(y)) if x != y => x > y,
        _ => {
            let number = |r: &Option<String>| {
                r.as_deref()
                    .and_then(|t| t.split('.').next())
                    .and_then(|t| t.parse::<u64>().ok())
            };
            number(&a.revision) > number(&b.revision)
        }
    }
}

fn collect_files(
    root: &Path,
    dir: &Path,
    depth: usize,
    files: &mut Vec<(String, PathBuf)>,
    ignored: &mut u32,
) -> Result<(), IntelError> {
    let io_error = |source| IntelError::Io {
        file: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io_error)?;
        if kind.is_dir() {
            if depth < 8 {
                collect_files(root, &path, depth + 1, files, ignored)?;
            }
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, path));
        } else {
            *ignored += 1;
        }
    }
    Ok(())
}

struct Reader<'a> {
    file: &'a str,
}

type Obj = Map<String, Value>;

impl Reader<'_> {
    fn wrong(&self, detail: impl Into<String>) -> IntelError {
        IntelError::WrongDocument {
            file: self.file.to_string(),
            expected: EXPECTED.to_string(),
            detail: detail.into(),
        }
    }

    fn invalid(&self, at: impl Into<String>, detail: impl Into<String>) -> IntelError {
        IntelError::InvalidEntry {
            file: self.file.to_string(),
            at: at.into(),
            detail: detail.into(),
        }
    }

    fn object<'v>(
        &self,
        value: Option<&'v Value>,
        at: &str,
    ) -> Result<Option<&'v Obj>, IntelError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(other) => {
                Err(self.invalid(at, format!("should be an object but is {}", kind(other))))
            }
        }
    }

    fn array<'v>(&self, value: Option<&'v Value>, at: &str) -> Result<&'v [Value], IntelError> {
        match value {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => {
                Err(self.invalid(at, format!("should be a list but is {}", kind(other))))
            }
        }
    }

    fn text<'v>(
        &self,
        object: &'v Obj,
        key: &str,
        at: &str,
    ) -> Result<Option<&'v str>, IntelError> {
        opt_text(object, key).map_err(|d| self.invalid(at, d))
    }

    fn required_text<'v>(
        &self,
        object: &'v Obj,
        key: &str,
        at: &str,
    ) -> Result<&'v str, IntelError> {
        match self.text(object, key, at)? {
            Some(t) if !t.trim().is_empty() => Ok(t.trim()),
            _ => Err(self.invalid(
                format!("{at}.{key}"),
                "is missing or empty; every CSAF document must have it",
            )),
        }
    }

    fn ids(&self, object: &Obj, key: &str, at: &str) -> Result<Vec<String>, IntelError> {
        text_list(object, key).map_err(|d| self.invalid(at, d))
    }

    fn date(&self, object: &Obj, key: &str, at: &str) -> Result<Option<DateTime<Utc>>, IntelError> {
        match self.text(object, key, at)? {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(text.trim())
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|_| {
                    self.invalid(
                        format!("{at}.{key}"),
                        format!("\"{text}\" is not a date and time (YYYY-MM-DDTHH:MM:SSZ)"),
                    )
                }),
        }
    }

    fn advisory(&self, value: &Value) -> Result<Advisory, IntelError> {
        let Value::Object(top) = value else {
            return Err(self.wrong(format!("the file holds {}, not an object", kind(value))));
        };
        let Some(document) = self.object(top.get("document"), "document")? else {
            let detail = if top.contains_key("catalogVersion") {
                "it has no 'document' section (it looks like the CISA KEV catalog: import it as KEV)"
            } else if top.contains_key("bomFormat") || top.contains_key("spdxVersion") {
                "it has no 'document' section (it looks like an SBOM)"
            } else {
                "it has no 'document' section"
            };
            return Err(self.wrong(detail));
        };
        match document.get("csaf_version") {
            Some(Value::String(v)) if v.trim() == "2.0" => {}
            Some(Value::String(v)) => {
                return Err(self.invalid(
                    "document.csaf_version",
                    format!("is \"{v}\"; only CSAF 2.0 documents can be read"),
                ))
            }
            Some(other) => {
                return Err(self.invalid(
                    "document.csaf_version",
                    format!("should be the text \"2.0\" but is {}", kind(other)),
                ))
            }
            None => {
                return Err(self.wrong(
                    "'document.csaf_version' is missing (a CSAF 2.0 advisory says \"2.0\" there)",
                ))
            }
        }
        let category = self
            .required_text(document, "category", "document")?
            .to_string();
        let title = self
            .required_text(document, "title", "document")?
            .to_string();
        let Some(tracking) = self.object(document.get("tracking"), "document.tracking")? else {
            return Err(self.invalid(
                "document.tracking",
                "is missing; every CSAF document must have it (with its id)",
            ));
        };
        let tracking_id = self
            .required_text(tracking, "id", "document.tracking")?
            .to_string();
        let publisher = match self.object(document.get("publisher"), "document.publisher")? {
            Some(p) => self
                .text(p, "name", "document.publisher")?
                .map(str::to_string),
            None => None,
        };
        let tlp = match self.object(document.get("distribution"), "document.distribution")? {
            Some(d) => match self.object(d.get("tlp"), "document.distribution.tlp")? {
                Some(t) => self
                    .text(t, "label", "document.distribution.tlp")?
                    .map(str::to_string),
                None => None,
            },
            None => None,
        };
        let mut summary = None;
        for (i, note) in self
            .array(document.get("notes"), "document.notes")?
            .iter()
            .enumerate()
        {
            let at = format!("document.notes[{i}]");
            if let Some(note) = self.object(Some(note), &at)? {
                if self.text(note, "category", &at)? == Some("summary") && summary.is_none() {
                    summary = self.text(note, "text", &at)?.map(str::to_string);
                }
            }
        }

        let mut products = Vec::new();
        if let Some(tree) = self.object(top.get("product_tree"), "product_tree")? {
            self.branches(
                self.array(tree.get("branches"), "product_tree.branches")?,
                "product_tree.branches",
                &Context::default(),
                0,
                &mut products,
            )?;
            for (i, item) in self
                .array(
                    tree.get("full_product_names"),
                    "product_tree.full_product_names",
                )?
                .iter()
                .enumerate()
            {
                let at = format!("product_tree.full_product_names[{i}]");
                products.push(self.full_product(item, &at, &Context::default())?);
            }
            for (i, item) in self
                .array(tree.get("relationships"), "product_tree.relationships")?
                .iter()
                .enumerate()
            {
                let at = format!("product_tree.relationships[{i}]");
                products.push(self.relationship(item, &at, &products)?);
            }
        }
        let mut defined: HashMap<&str, usize> = HashMap::new();
        for (i, product) in products.iter().enumerate() {
            if let Some(first) = defined.insert(product.product_id.as_str(), i) {
                return Err(self.invalid(
                    "product_tree",
                    format!(
                        "the product id '{}' is defined twice (\"{}\" and \"{}\")",
                        product.product_id, products[first].name, product.name
                    ),
                ));
            }
        }

        let mut vulnerabilities = Vec::new();
        for (i, item) in self
            .array(top.get("vulnerabilities"), "vulnerabilities")?
            .iter()
            .enumerate()
        {
            let vulnerability = self.vulnerability(item, i)?;
            let at = vulnerability_at(i, &vulnerability);
            let check = |field: &str, id: &String| -> Result<(), IntelError> {
                if defined.contains_key(id.as_str()) {
                    Ok(())
                } else {
                    Err(self.invalid(
                        at.clone(),
                        format!("{field} names the product id '{id}', which the product tree does not define"),
                    ))
                }
            };
            for (field, id) in vulnerability.product_status.all() {
                check(&format!("product_status.{field}"), id)?;
            }
            for score in &vulnerability.scores {
                for id in &score.products {
                    check("scores.products", id)?;
                }
            }
            for remediation in &vulnerability.remediations {
                for id in &remediation.product_ids {
                    check("remediations.product_ids", id)?;
                }
            }
            vulnerabilities.push(vulnerability);
        }

        Ok(Advisory {
            file_name: self.file.to_string(),
            tracking_id,
            title,
            category,
            publisher,
            initial_release_date: self.date(
                tracking,
                "initial_release_date",
                "document.tracking",
            )?,
            current_release_date: self.date(
                tracking,
                "current_release_date",
                "document.tracking",
            )?,
            revision: self
                .text(tracking, "version", "document.tracking")?
                .map(str::to_string),
            status: self
                .text(tracking, "status", "document.tracking")?
                .map(str::to_string),
            tlp,
            summary,
            products,
            vulnerabilities,
        })
    }

    fn branches(
        &self,
        branches: &[Value],
        at: &str,
        context: &Context,
        depth: usize,
        products: &mut Vec<AdvisoryProduct>,
    ) -> Result<(), IntelError> {
        if depth > MAX_DEPTH {
            return Err(self.invalid(
                at,
                format!("branches are nested more than {MAX_DEPTH} deep"),
            ));
        }
        for (i, branch) in branches.iter().enumerate() {
            let at = format!("{at}[{i}]");
            let Some(branch) = self.object(Some(branch), &at)? else {
                return Err(self.invalid(at, "should be an object but is null"));
            };
            let category = self.required_text(branch, "category", &at)?;
            let name = self.required_text(branch, "name", &at)?;
            let mut inner = context.clone();
            match category {
                "vendor" => inner.vendor = Some(name.to_string()),
                "product_family" => inner.family = Some(name.to_string()),
                "product_name" => inner.product_name = Some(name.to_string()),
                "product_version" | "product_version_range" => {
                    inner.version = Some(name.to_string())
                }
                _ => {}
            }
            if let Some(product) = branch.get("product") {
                products.push(self.full_product(product, &format!("{at}.product"), &inner)?);
            }
            let children = self.array(branch.get("branches"), &format!("{at}.branches"))?;
            self.branches(
                children,
                &format!("{at}.branches"),
                &inner,
                depth + 1,
                products,
            )?;
        }
        Ok(())
    }

    fn full_product(
        &self,
        value: &Value,
        at: &str,
        context: &Context,
    ) -> Result<AdvisoryProduct, IntelError> {
        let Some(product) = self.object(Some(value), at)? else {
            return Err(self.invalid(at, "should be an object but is null"));
        };
        let product_id = self.required_text(product, "product_id", at)?.to_string();
        let name = self.required_text(product, "name", at)?.to_string();
        let (cpe, purl) = match self.object(
            product.get("product_identification_helper"),
            &format!("{at}.product_identification_helper"),
        )? {
            Some(helper) => {
                let here = format!("{at}.product_identification_helper");
                (
                    self.text(helper, "cpe", &here)?.map(str::to_string),
                    self.text(helper, "purl", &here)?.map(str::to_string),
                )
            }
            None => (None, None),
        };
        Ok(AdvisoryProduct {
            product_id,
            name,
            vendor: context.vendor.clone(),
            product_family: context.family.clone(),
            product_name: context.product_name.clone(),
            version: context
                .version
                .as_deref()
                .map(parse_version_spec)
                .unwrap_or_else(VersionSpec::all),
            cpe,
            purl,
            relationship: None,
        })
    }

    fn relationship(
        &self,
        value: &Value,
        at: &str,
        known: &[AdvisoryProduct],
    ) -> Result<AdvisoryProduct, IntelError> {
        let Some(relation) = self.object(Some(value), at)? else {
            return Err(self.invalid(at, "should be an object but is null"));
        };
        let category = self.required_text(relation, "category", at)?.to_string();
        let component = self
            .required_text(relation, "product_reference", at)?
            .to_string();
        let platform = self
            .required_text(relation, "relates_to_product_reference", at)?
            .to_string();
        for id in [&component, &platform] {
            if !known.iter().any(|p| &p.product_id == id) {
                return Err(self.invalid(
                    at,
                    format!(
                        "refers to the product id '{id}', which the product tree does not define"
                    ),
                ));
            }
        }
        let base = known.iter().find(|p| p.product_id == component);
        let context = Context {
            vendor: base.and_then(|b| b.vendor.clone()),
            family: base.and_then(|b| b.product_family.clone()),
            product_name: base.and_then(|b| b.product_name.clone()),
            version: None,
        };
        let mut product = self.full_product(
            relation.get("full_product_name").unwrap_or(&Value::Null),
            &format!("{at}.full_product_name"),
            &context,
        )?;
        if let Some(base) = base {
            product.version = base.version.clone();
        }
        product.relationship = Some(ProductRelationship {
            category,
            product_reference: component,
            relates_to_product_reference: platform,
        });
        Ok(product)
    }

    fn vulnerability(
        &self,
        value: &Value,
        index: usize,
    ) -> Result<AdvisoryVulnerability, IntelError> {
        let plain_at = format!("vulnerabilities[{index}]");
        let Some(v) = self.object(Some(value), &plain_at)? else {
            return Err(self.invalid(plain_at, "should be an object but is null"));
        };
        let cve = self
            .text(v, "cve", &plain_at)?
            .map(|c| c.trim().to_string());
        let at = match &cve {
            Some(c) => format!("{plain_at} ({c})"),
            None => plain_at.clone(),
        };
        if let Some(c) = &cve {
            if !is_cve_id(c) {
                return Err(
                    self.invalid(at, format!("'cve' \"{c}\" is not a CVE id (CVE-YYYY-NNNN)"))
                );
            }
        }
        let cwe = match self.object(v.get("cwe"), &format!("{at}.cwe"))? {
            Some(cwe) => self.text(cwe, "id", &at)?.map(str::to_string),
            None => None,
        };
        let mut product_status = ProductStatus::default();
        if let Some(status) =
            self.object(v.get("product_status"), &format!("{at}.product_status"))?
        {
            for field in ProductStatus::FIELDS {
                *product_status.list_mut(field) =
                    self.ids(status, field, &format!("{at}.product_status"))?;
            }
        }
        let mut scores = Vec::new();
        for (i, score) in self
            .array(v.get("scores"), &format!("{at}.scores"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}.scores[{i}]");
            let Some(score) = self.object(Some(score), &here)? else {
                continue;
            };
            let products = self.ids(score, "products", &here)?;
            for key in ["cvss_v3", "cvss_v2"] {
                if let Some(cvss) = self.object(score.get(key), &format!("{here}.{key}"))? {
                    scores.push(self.cvss(cvss, &format!("{here}.{key}"), products.clone())?);
                }
            }
        }
        let mut remediations = Vec::new();
        for (i, r) in self
            .array(v.get("remediations"), &format!("{at}.remediations"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}.remediations[{i}]");
            let Some(r) = self.object(Some(r), &here)? else {
                continue;
            };
            remediations.push(Remediation {
                category: self.required_text(r, "category", &here)?.to_string(),
                details: self
                    .text(r, "details", &here)?
                    .unwrap_or_default()
                    .to_string(),
                url: self.text(r, "url", &here)?.map(str::to_string),
                product_ids: self.ids(r, "product_ids", &here)?,
            });
        }
        let mut flags = Vec::new();
        for (i, f) in self
            .array(v.get("flags"), &format!("{at}.flags"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}.flags[{i}]");
            if let Some(f) = self.object(Some(f), &here)? {
                flags.push(VexFlag {
                    label: self.required_text(f, "label", &here)?.to_string(),
                    product_ids: self.ids(f, "product_ids", &here)?,
                });
            }
        }
        let mut threats = Vec::new();
        for (i, t) in self
            .array(v.get("threats"), &format!("{at}.threats"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}.threats[{i}]");
            if let Some(t) = self.object(Some(t), &here)? {
                threats.push(Threat {
                    category: self.required_text(t, "category", &here)?.to_string(),
                    details: self
                        .text(t, "details", &here)?
                        .unwrap_or_default()
                        .to_string(),
                    product_ids: self.ids(t, "product_ids", &here)?,
                });
            }
        }
        Ok(AdvisoryVulnerability {
            cve,
            title: self.text(v, "title", &at)?.map(str::to_string),
            cwe,
            scores,
            product_status,
            remediations,
            flags,
            threats,
        })
    }

    fn cvss(&self, cvss: &Obj, at: &str, products: Vec<String>) -> Result<CvssScore, IntelError> {
        let base_score = match cvss.get("baseScore") {
            Some(Value::Number(n)) => n.as_f64().unwrap_or(-1.0),
            Some(other) => {
                return Err(self.invalid(
                    at,
                    format!("'baseScore' should be a number but is {}", kind(other)),
                ))
            }
            None => return Err(self.invalid(at, "'baseScore' is missing")),
        };
        if !(0.0..=10.0).contains(&base_score) {
            return Err(self.invalid(
                at,
                format!("'baseScore' {base_score} is not between 0 and 10"),
            ));
        }
        Ok(CvssScore {
            version: self
                .text(cvss, "version", at)?
                .unwrap_or_default()
                .to_string(),
            base_score,
            vector: self.required_text(cvss, "vectorString", at)?.to_string(),
            severity: self.text(cvss, "baseSeverity", at)?.map(str::to_string),
            products,
        })
    }
}

fn vulnerability_at(index: usize, v: &AdvisoryVulnerability) -> String {
    match &v.cve {
        Some(c) => format!("vulnerabilities[{index}] ({c})"),
        None => format!("vulnerabilities[{index}]"),
    }
}

#[derive(Debug, Clone, Default)]
struct Context {
    vendor: Option<String>,
    family: Option<String>,
    product_name: Option<String>,
    version: Option<String>,
}
