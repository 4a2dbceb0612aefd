//! CycloneDX 1.2 to 1.7, in its JSON shape (XML documents arrive here converted).

use std::collections::HashMap;

use serde_json::Value;

use super::{
    find_cve, ComponentHash, Obj, Sbom, SbomComponent, SbomFormat, SbomVulnerability, VexState,
    Walker, MAX_NESTING,
};
use crate::IntelError;

/// The spec versions this reader knows (JSON exists from 1.2 on).
pub(crate) const SPEC_VERSIONS: [&str; 6] = ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

/// The top of a CycloneDX document: format, version and identity checked.
pub(crate) struct Header {
    pub spec_version: String,
    pub serial: Option<String>,
    pub bom_version: Option<i32>,
}

pub(crate) fn header<'v>(
    w: &Walker<'_>,
    value: &'v Value,
) -> Result<(Header, &'v Obj), IntelError> {
    let Value::Object(top) = value else {
        return Err(IntelError::WrongDocument {
            file: w.file.to_string(),
            expected: "a CycloneDX BOM".to_string(),
            detail: "the document is not a JSON object".to_string(),
        });
    };
    match top.get("bomFormat") {
        Some(Value::String(f)) if f == "CycloneDX" => {}
        Some(Value::String(f)) => {
            return Err(w.invalid(
                "/bomFormat",
                format!("'bomFormat' is \"{f}\"; a CycloneDX BOM says \"CycloneDX\""),
            ))
        }
        Some(_) => {
            return Err(w.invalid("/bomFormat", "'bomFormat' should be the text \"CycloneDX\""))
        }
        None => return Err(w.invalid("/bomFormat", "'bomFormat' is required but missing")),
    }
    let spec_version = w.required_text(top, "specVersion", "")?;
    if !SPEC_VERSIONS.contains(&spec_version.as_str()) {
        return Err(w.invalid(
            "/specVersion",
            format!(
                "spec version \"{spec_version}\" is not supported (CycloneDX {} are)",
                SPEC_VERSIONS.join(", ")
            ),
        ));
    }
    let serial = w.text(top, "serialNumber", "")?;
    let bom_version = match w.number(top, "version", "")? {
        Some(n) if n.fract() == 0.0 && n >= 1.0 && n <= i32::MAX as f64 => Some(n as i32),
        Some(n) => {
            return Err(w.invalid(
                "/version",
                format!("'version' should be a whole number from 1 but is {n}"),
            ))
        }
        None => None,
    };
    Ok((
        Header {
            spec_version,
            serial,
            bom_version,
        },
        top,
    ))
}

pub(crate) fn read(w: &Walker<'_>, value: &Value, format: SbomFormat) -> Result<Sbom, IntelError> {
    let (header, top) = header(w, value)?;
    let mut reader = Components {
        w,
        list: Vec::new(),
        seen: HashMap::new(),
    };
    let mut subject = None;
    let metadata = w.object(top.get("metadata"), "/metadata")?;
    if let Some(metadata) = metadata {
        if let Some(component) = w.object(metadata.get("component"), "/metadata/component")? {
            let mut c = reader.component(component, "/metadata/component", None)?;
            if c.supplier.is_none() {
                c.supplier = organization(w, metadata, "manufacturer", "/metadata")?
                    .or(organization(w, metadata, "supplier", "/metadata")?);
            }
            let parent = c.bom_ref.clone();
            subject = Some(c);
            reader.children(component, "/metadata/component", &parent, 1)?;
        }
    }
    for (i, item) in w
        .array(top.get("components"), "/components")?
        .iter()
        .enumerate()
    {
        let at = format!("/components/{i}");
        let Some(component) = w.object(Some(item), &at)? else {
            return Err(w.invalid(&at, "should be a component but is null"));
        };
        let c = reader.component(component, &at, None)?;
        let parent = c.bom_ref.clone();
        reader.list.push(c);
        reader.children(component, &at, &parent, 1)?;
    }
    let known: HashMap<String, ()> = subject
        .iter()
        .chain(reader.list.iter())
        .map(|c| (c.bom_ref.clone(), ()))
        .collect();
    let vulnerabilities = vulnerabilities(w, top)?;
    // In an SBOM every vulnerability must be about one of its own components; a BOM-link
    // ("urn:cdx:serial/version#ref") to this very document counts as its own.
    let mut resolved = Vec::with_capacity(vulnerabilities.len());
    for (i, (mut v, refs)) in vulnerabilities.into_iter().enumerate() {
        for (j, reference) in refs.iter().enumerate() {
            let local = match bom_link(reference) {
                Some((serial, _, fragment))
                    if header.serial.as_deref() == Some(serial.as_str()) =>
                {
                    fragment
                }
                _ => reference.clone(),
            };
            if !known.contains_key(&local) {
                return Err(w.invalid(
                    &format!("/vulnerabilities/{i}/affects/{j}/ref"),
                    format!(
                        "{} refers to '{reference}', which no component of this SBOM has (import a VEX document that refers to another SBOM with 'import vex')",
                        v.id
                    ),
                ));
            }
            v.affects.push(local);
        }
        resolved.push(v);
    }
    Ok(Sbom {
        file_name: w.file.to_string(),
        format,
        spec_version: header.spec_version,
        serial: header.serial,
        bom_version: header.bom_version,
        document_name: None,
        subject,
        components: reader.list,
        vulnerabilities: resolved,
    })
}

/// "urn:cdx:3e671687-…/1#pkg:maven/…" → ("urn:uuid:3e671687-…", Some(1), "pkg:maven/…").
pub(crate) fn bom_link(reference: &str) -> Option<(String, Option<i32>, String)> {
    let rest = reference.strip_prefix("urn:cdx:")?;
    let (document, fragment) = rest.split_once('#')?;
    let (uuid, version) = match document.split_once('/') {
        Some((uuid, version)) => (uuid, version.parse().ok()),
        None => (document, None),
    };
    let fragment = percent_decode(fragment);
    Some((format!("urn:uuid:{uuid}"), version, fragment))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `{ "name": … }` organisations (supplier, manufacturer).
fn organization(
    w: &Walker<'_>,
    object: &Obj,
    key: &str,
    at: &str,
) -> Result<Option<String>, IntelError> {
    match object.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(value @ Value::Object(_)) => {
            let here = format!("{at}/{key}");
            let o = w.object(Some(value), &here)?.expect("an object");
            w.text(o, "name", &here)
        }
        _ => Ok(None),
    }
}

struct Components<'w, 'a> {
    w: &'w Walker<'a>,
    list: Vec<SbomComponent>,
    /// bom-ref → pointer of its first use, for duplicate messages.
    seen: HashMap<String, String>,
}

impl Components<'_, '_> {
    fn children(
        &mut self,
        component: &Obj,
        at: &str,
        parent: &str,
        depth: usize,
    ) -> Result<(), IntelError> {
        let items = self
            .w
            .array(component.get("components"), &format!("{at}/components"))?;
        if !items.is_empty() && depth > MAX_NESTING {
            return Err(self.w.invalid(
                &format!("{at}/components"),
                format!("components are nested more than {MAX_NESTING} deep"),
            ));
        }
        for (i, item) in items.iter().enumerate() {
            let here = format!("{at}/components/{i}");
            let Some(child) = self.w.object(Some(item), &here)? else {
                return Err(self.w.invalid(&here, "should be a component but is null"));
            };
            let c = self.component(child, &here, Some(parent))?;
            let own = c.bom_ref.clone();
            self.list.push(c);
            self.children(child, &here, &own, depth + 1)?;
        }
        Ok(())
    }

    fn component(
        &mut self,
        c: &Obj,
        at: &str,
        parent: Option<&str>,
    ) -> Result<SbomComponent, IntelError> {
        let w = self.w;
        let name = w.required_text(c, "name", at)?;
        let kind = w.required_text(c, "type", at)?;
        let bom_ref = match w.text(c, "bom-ref", at)? {
            Some(r) => r,
            None => format!("#{at}"),
        };
        if let Some(first) = self.seen.insert(bom_ref.clone(), at.to_string()) {
            return Err(w.invalid(
                &format!("{at}/bom-ref"),
                format!("the bom-ref '{bom_ref}' is used twice (also at {}); each component needs its own", w.place(&first)),
            ));
        }
        let supplier = match organization(w, c, "supplier", at)? {
            Some(s) => Some(s),
            None => match organization(w, c, "manufacturer", at)? {
                Some(m) => Some(m),
                None => match w.text(c, "publisher", at)? {
                    Some(p) => Some(p),
                    None => w.text(c, "author", at)?,
                },
            },
        };
        let mut licenses = Vec::new();
        for (i, item) in w
            .array(c.get("licenses"), &format!("{at}/licenses"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}/licenses/{i}");
            let Some(entry) = w.object(Some(item), &here)? else {
                continue;
            };
            if let Some(expression) = w.text(entry, "expression", &here)? {
                licenses.push(expression);
            } else if let Some(license) =
                w.object(entry.get("license"), &format!("{here}/license"))?
            {
                let inner = format!("{here}/license");
                match w.text(license, "id", &inner)? {
                    Some(id) => licenses.push(id),
                    None => {
                        if let Some(name) = w.text(license, "name", &inner)? {
                            licenses.push(name)
                        }
                    }
                }
            }
        }
        let mut hashes = Vec::new();
        for (i, item) in w
            .array(c.get("hashes"), &format!("{at}/hashes"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}/hashes/{i}");
            if let Some(h) = w.object(Some(item), &here)? {
                hashes.push(ComponentHash {
                    algorithm: w.required_text(h, "alg", &here)?,
                    value: w.required_text(h, "content", &here)?,
                });
            }
        }
        Ok(SbomComponent {
            bom_ref,
            kind,
            name,
            group: w.text(c, "group", at)?,
            version: w.text(c, "version", at)?,
            supplier,
            purl: w.text(c, "purl", at)?,
            cpe: w.text(c, "cpe", at)?,
            licenses,
            hashes,
            parent: parent.map(str::to_string),
        })
    }
}

/// The `vulnerabilities[]` of a BOM, each with the references of its `affects[]` as written.
pub(crate) fn vulnerabilities(
    w: &Walker<'_>,
    top: &Obj,
) -> Result<Vec<(SbomVulnerability, Vec<String>)>, IntelError> {
    let mut out = Vec::new();
    for (i, item) in w
        .array(top.get("vulnerabilities"), "/vulnerabilities")?
        .iter()
        .enumerate()
    {
        let at = format!("/vulnerabilities/{i}");
        let Some(v) = w.object(Some(item), &at)? else {
            return Err(w.invalid(&at, "should be a vulnerability but is null"));
        };
        let id = w.required_text(v, "id", &at)?;
        let mut cve = find_cve(&id).filter(|c| c.eq_ignore_ascii_case(&id));
        for (j, r) in w
            .array(v.get("references"), &format!("{at}/references"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}/references/{j}");
            if let Some(r) = w.object(Some(r), &here)? {
                if cve.is_none() {
                    cve = w.text(r, "id", &here)?.and_then(|t| find_cve(&t));
                }
            }
        }
        let source = match w.object(v.get("source"), &format!("{at}/source"))? {
            Some(s) => w.text(s, "name", &format!("{at}/source"))?,
            None => None,
        };
        let mut cvss: Option<f64> = None;
        let mut severity = None;
        for (j, r) in w
            .array(v.get("ratings"), &format!("{at}/ratings"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}/ratings/{j}");
            let Some(r) = w.object(Some(r), &here)? else {
                continue;
            };
            let method = w.text(r, "method", &here)?.unwrap_or_default();
            let score = w.number(r, "score", &here)?;
            if let Some(score) = score {
                if !(0.0..=10.0).contains(&score) {
                    return Err(w.invalid(
                        &format!("{here}/score"),
                        format!("score {score} is not between 0 and 10"),
                    ));
                }
                if method.to_ascii_uppercase().starts_with("CVSS") && cvss.is_none_or(|c| score > c)
                {
                    cvss = Some(score);
                    severity = w.text(r, "severity", &here)?;
                }
            }
        }
        let (state, justification, detail) = match w
            .object(v.get("analysis"), &format!("{at}/analysis"))?
        {
            Some(a) => {
                let here = format!("{at}/analysis");
                let state = match w.text(a, "state", &here)? {
                    Some(s) => VexState::from_cyclonedx(&s).ok_or_else(|| {
                        w.invalid(
                            &format!("{here}/state"),
                            format!("analysis state \"{s}\" is not a CycloneDX state (resolved, resolved_with_pedigree, exploitable, in_triage, false_positive, not_affected)"),
                        )
                    })?,
                    None => VexState::Unknown,
                };
                (
                    state,
                    w.text(a, "justification", &here)?,
                    w.text(a, "detail", &here)?,
                )
            }
            None => (VexState::Unknown, None, None),
        };
        let mut refs = Vec::new();
        for (j, item) in w
            .array(v.get("affects"), &format!("{at}/affects"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}/affects/{j}");
            let Some(target) = w.object(Some(item), &here)? else {
                continue;
            };
            refs.push(w.required_text(target, "ref", &here)?);
        }
        out.push((
            SbomVulnerability {
                id,
                cve,
                source,
                description: w.text(v, "description", &at)?,
                cvss,
                severity,
                state,
                justification,
                detail,
                affects: Vec::new(),
            },
            refs,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_links_split_into_serial_version_and_ref() {
        assert_eq!(
            bom_link("urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/a/b@1%3Ftype=jar"),
            Some((
                "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".to_string(),
                Some(1),
                "pkg:maven/a/b@1?type=jar".to_string()
            ))
        );
        assert_eq!(bom_link("pkg:npm/a@1"), None);
    }
}
