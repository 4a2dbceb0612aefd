//! SPDX 2.2 and 2.3: JSON, and tag-value turned into the JSON shape first.
//!
//! Packages are the components; the package the document DESCRIBES (`documentDescribes` or
//! a `DESCRIBES` relationship) is the subject. `SECURITY` external references of type
//! `advisory` (or `url`) become the package's vulnerabilities, with no analysis (state
//! unknown) until a VEX document says more.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{
    find_cve, ComponentHash, Lines, Sbom, SbomComponent, SbomFormat, SbomVulnerability, VexState,
    Walker,
};
use crate::IntelError;

const SPEC_VERSIONS: [&str; 2] = ["SPDX-2.2", "SPDX-2.3"];

/// "NOASSERTION" and "NONE" are SPDX's words for "not said".
fn said(text: Option<String>) -> Option<String> {
    text.filter(|t| t != "NOASSERTION" && t != "NONE")
}

/// "Organization: ACME Inc. (contact@acme.example)" → "ACME Inc.".
fn party(text: &str) -> String {
    let t = text
        .strip_prefix("Organization:")
        .or_else(|| text.strip_prefix("Person:"))
        .or_else(|| text.strip_prefix("Tool:"))
        .unwrap_or(text)
        .trim();
    match t.rfind(" (") {
        Some(at) if t.ends_with(')') => t[..at].trim().to_string(),
        _ => t.to_string(),
    }
}

pub(crate) fn read(w: &Walker<'_>, value: &Value, format: SbomFormat) -> Result<Sbom, IntelError> {
    let Value::Object(top) = value else {
        return Err(IntelError::WrongDocument {
            file: w.file.to_string(),
            expected: "an SPDX document".to_string(),
            detail: "the document is not a JSON object".to_string(),
        });
    };
    let version = w.required_text(top, "spdxVersion", "")?;
    if !SPEC_VERSIONS.contains(&version.as_str()) {
        return Err(w.invalid(
            "/spdxVersion",
            format!("\"{version}\" is not supported (SPDX-2.2 and SPDX-2.3 are)"),
        ));
    }
    let namespace = w.required_text(top, "documentNamespace", "")?;
    let document_name = w.required_text(top, "name", "")?;
    let mut components: Vec<SbomComponent> = Vec::new();
    let mut vulnerabilities: Vec<SbomVulnerability> = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (i, item) in w
        .array(top.get("packages"), "/packages")?
        .iter()
        .enumerate()
    {
        let at = format!("/packages/{i}");
        let Some(p) = w.object(Some(item), &at)? else {
            return Err(w.invalid(&at, "should be a package but is null"));
        };
        let id = w.required_text(p, "SPDXID", &at)?;
        let name = w.required_text(p, "name", &at)?;
        if let Some(first) = seen.insert(id.clone(), at.clone()) {
            return Err(w.invalid(
                &format!("{at}/SPDXID"),
                format!(
                    "the SPDXID '{id}' is used twice (also at {}); each package needs its own",
                    w.place(&first)
                ),
            ));
        }
        let supplier = said(w.text(p, "supplier", &at)?)
            .or(said(w.text(p, "originator", &at)?))
            .map(|s| party(&s));
        let mut licenses = Vec::new();
        for key in ["licenseConcluded", "licenseDeclared"] {
            if let Some(l) = said(w.text(p, key, &at)?) {
                if !licenses.contains(&l) {
                    licenses.push(l);
                }
            }
        }
        let mut hashes = Vec::new();
        for (j, c) in w
            .array(p.get("checksums"), &format!("{at}/checksums"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}/checksums/{j}");
            if let Some(c) = w.object(Some(c), &here)? {
                hashes.push(ComponentHash {
                    algorithm: w.required_text(c, "algorithm", &here)?,
                    value: w.required_text(c, "checksumValue", &here)?,
                });
            }
        }
        let (mut purl, mut cpe) = (None, None);
        for (j, r) in w
            .array(p.get("externalRefs"), &format!("{at}/externalRefs"))?
            .iter()
            .enumerate()
        {
            let here = format!("{at}/externalRefs/{j}");
            let Some(r) = w.object(Some(r), &here)? else {
                continue;
            };
            let category = w.required_text(r, "referenceCategory", &here)?;
            let kind = w.required_text(r, "referenceType", &here)?;
            let locator = w.required_text(r, "referenceLocator", &here)?;
            match kind.as_str() {
                "purl" if purl.is_none() => purl = Some(locator),
                "cpe23Type" | "cpe22Type" if cpe.is_none() => cpe = Some(locator),
                // A SECURITY "fix" reference points to a patch, not to a vulnerability.
                "advisory" | "url" if category.replace('_', "-") == "SECURITY" => {
                    let cve = find_cve(&locator);
                    vulnerabilities.push(SbomVulnerability {
                        id: cve.clone().unwrap_or_else(|| locator.clone()),
                        cve,
                        source: None,
                        description: w.text(r, "comment", &here)?,
                        cvss: None,
                        severity: None,
                        state: VexState::Unknown,
                        justification: None,
                        detail: None,
                        affects: vec![id.clone()],
                    });
                }
                _ => {}
            }
        }
        components.push(SbomComponent {
            bom_ref: id,
            kind: w
                .text(p, "primaryPackagePurpose", &at)?
                .map(|k| k.to_ascii_lowercase().replace('_', "-"))
                .unwrap_or_else(|| "package".to_string()),
            name,
            group: None,
            version: said(w.text(p, "versionInfo", &at)?),
            supplier,
            purl,
            cpe,
            licenses,
            hashes,
            parent: None,
        });
    }
    // What the document describes: documentDescribes, else DESCRIBES / DESCRIBED_BY.
    let mut described: Vec<String> = Vec::new();
    for (i, d) in w
        .array(top.get("documentDescribes"), "/documentDescribes")?
        .iter()
        .enumerate()
    {
        match d {
            Value::String(s) => described.push(s.trim().to_string()),
            _ => return Err(w.invalid(&format!("/documentDescribes/{i}"), "should be an SPDXID")),
        }
    }
    let mut contains: Vec<(String, String)> = Vec::new();
    for (i, r) in w
        .array(top.get("relationships"), "/relationships")?
        .iter()
        .enumerate()
    {
        let at = format!("/relationships/{i}");
        let Some(r) = w.object(Some(r), &at)? else {
            continue;
        };
        let from = w.required_text(r, "spdxElementId", &at)?;
        let kind = w.required_text(r, "relationshipType", &at)?;
        let to = w.required_text(r, "relatedSpdxElement", &at)?;
        match kind.as_str() {
            "DESCRIBES" if from == "SPDXRef-DOCUMENT" => described.push(to),
            "DESCRIBED_BY" if to == "SPDXRef-DOCUMENT" => described.push(from),
            "CONTAINS" => contains.push((from, to)),
            "CONTAINED_BY" => contains.push((to, from)),
            _ => {}
        }
    }
    let subject_at = described
        .iter()
        .find_map(|id| components.iter().position(|c| &c.bom_ref == id));
    let subject = subject_at.map(|at| components.remove(at));
    // A package inside another (CONTAINS) shows under it, as nested CycloneDX components do.
    for (outer, inner) in contains {
        if subject.as_ref().is_some_and(|s| s.bom_ref == outer) {
            continue;
        }
        if components.iter().any(|c| c.bom_ref == outer) {
            if let Some(c) = components.iter_mut().find(|c| c.bom_ref == inner) {
                c.parent.get_or_insert(outer);
            }
        }
    }
    Ok(Sbom {
        file_name: w.file.to_string(),
        format,
        spec_version: version.trim_start_matches("SPDX-").to_string(),
        serial: Some(namespace),
        bom_version: None,
        document_name: Some(document_name),
        subject,
        components,
        vulnerabilities,
    })
}

/// Whether a text looks like SPDX tag-value: its first tag (after comments) is SPDXVersion.
pub(crate) fn looks_like_tag_value(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with("SPDXVersion:"))
}

/// Turns SPDX tag-value into the SPDX JSON shape (the fields this reader uses), with the
/// line of each tag for messages. A line that is neither `Tag: value`, a comment, blank, nor
/// inside `<text>…</text>` is refused with its number.
pub(crate) fn tag_value_to_json(file: &str, text: &str) -> Result<(Value, Lines), IntelError> {
    let mut lines = Lines::new();
    let mut top = Map::new();
    let mut packages: Vec<Map<String, Value>> = Vec::new();
    let mut relationships: Vec<Value> = Vec::new();
    // Which section the tags belong to: document, package, or something else (file, snippet,
    // license) whose tags this reader does not need.
    #[derive(PartialEq)]
    enum Section {
        Document,
        Package,
        Other,
    }
    let mut section = Section::Document;
    let mut numbered = text.lines().enumerate().map(|(i, l)| (i as u32 + 1, l));
    let bad = |line: u32, detail: String| IntelError::InvalidEntry {
        file: file.to_string(),
        at: format!("line {line}"),
        detail,
    };
    while let Some((number, raw)) = numbered.next() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = line.split_once(':') else {
            return Err(bad(
                number,
                format!("\"{}\" is not a 'Tag: value' line", shorten(line)),
            ));
        };
        let tag = tag.trim();
        if tag.is_empty() || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(
                number,
                format!("\"{}\" is not a 'Tag: value' line", shorten(line)),
            ));
        }
        let mut value = value.trim().to_string();
        if let Some(rest) = value.strip_prefix("<text>") {
            // Multi-line text up to </text>.
            let mut collected = rest.to_string();
            while !collected.contains("</text>") {
                match numbered.next() {
                    Some((_, more)) => {
                        collected.push('\n');
                        collected.push_str(more);
                    }
                    None => {
                        return Err(bad(
                            number,
                            format!("the <text> of {tag} is never closed with </text> (is the file truncated?)"),
                        ))
                    }
                }
            }
            let end = collected.find("</text>").expect("checked above");
            value = collected[..end].trim().to_string();
        }
        let here = |pointer: String, lines: &mut Lines| {
            lines.insert(pointer, (number, tag.to_string()));
        };
        match tag {
            "PackageName" => {
                section = Section::Package;
                let mut p = Map::new();
                p.insert("name".into(), Value::String(value));
                here(format!("/packages/{}", packages.len()), &mut lines);
                here(format!("/packages/{}/name", packages.len()), &mut lines);
                packages.push(p);
                continue;
            }
            "FileName" | "SnippetSPDXID" | "LicenseID" => {
                section = Section::Other;
                continue;
            }
            "Relationship" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                if parts.len() != 3 {
                    return Err(bad(
                        number,
                        format!(
                            "Relationship \"{}\" should be 'ELEMENT TYPE ELEMENT'",
                            shorten(&value)
                        ),
                    ));
                }
                here(
                    format!("/relationships/{}", relationships.len()),
                    &mut lines,
                );
                let mut r = Map::new();
                r.insert("spdxElementId".into(), Value::String(parts[0].into()));
                r.insert("relationshipType".into(), Value::String(parts[1].into()));
                r.insert("relatedSpdxElement".into(), Value::String(parts[2].into()));
                relationships.push(Value::Object(r));
                continue;
            }
            _ => {}
        }
        match section {
            Section::Document => {
                let key = match tag {
                    "SPDXVersion" => "spdxVersion",
                    "DocumentNamespace" => "documentNamespace",
                    "DocumentName" => "name",
                    "SPDXID" => "SPDXID",
                    "DataLicense" => "dataLicense",
                    _ => continue,
                };
                here(format!("/{key}"), &mut lines);
                top.insert(key.into(), Value::String(value));
            }
            Section::Package => {
                let index = packages.len() - 1;
                let p = packages
                    .last_mut()
                    .expect("a package section has a package");
                let key = match tag {
                    "SPDXID" => "SPDXID",
                    "PackageVersion" => "versionInfo",
                    "PackageSupplier" => "supplier",
                    "PackageOriginator" => "originator",
                    "PackageLicenseConcluded" => "licenseConcluded",
                    "PackageLicenseDeclared" => "licenseDeclared",
                    "PrimaryPackagePurpose" => "primaryPackagePurpose",
                    "PackageChecksum" => {
                        let Some((algorithm, checksum)) = value.split_once(':') else {
                            return Err(bad(
                                number,
                                format!(
                                    "PackageChecksum \"{}\" should be 'ALGORITHM: value'",
                                    shorten(&value)
                                ),
                            ));
                        };
                        let list = p
                            .entry("checksums")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        let Value::Array(list) = list else {
                            unreachable!()
                        };
                        here(
                            format!("/packages/{index}/checksums/{}", list.len()),
                            &mut lines,
                        );
                        let mut c = Map::new();
                        c.insert("algorithm".into(), Value::String(algorithm.trim().into()));
                        c.insert(
                            "checksumValue".into(),
                            Value::String(checksum.trim().into()),
                        );
                        list.push(Value::Object(c));
                        continue;
                    }
                    "ExternalRef" => {
                        let parts: Vec<&str> = value.split_whitespace().collect();
                        if parts.len() < 3 {
                            return Err(bad(
                                number,
                                format!(
                                    "ExternalRef \"{}\" should be 'CATEGORY TYPE LOCATOR'",
                                    shorten(&value)
                                ),
                            ));
                        }
                        let list = p
                            .entry("externalRefs")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        let Value::Array(list) = list else {
                            unreachable!()
                        };
                        here(
                            format!("/packages/{index}/externalRefs/{}", list.len()),
                            &mut lines,
                        );
                        let mut r = Map::new();
                        r.insert("referenceCategory".into(), Value::String(parts[0].into()));
                        r.insert("referenceType".into(), Value::String(parts[1].into()));
                        r.insert(
                            "referenceLocator".into(),
                            Value::String(parts[2..].join(" ")),
                        );
                        list.push(Value::Object(r));
                        continue;
                    }
                    _ => continue,
                };
                here(format!("/packages/{index}/{key}"), &mut lines);
                p.insert(key.into(), Value::String(value));
            }
            Section::Other => {}
        }
    }
    lines
        .entry(String::new())
        .or_insert((1, "SPDXVersion".into()));
    top.insert(
        "packages".into(),
        Value::Array(packages.into_iter().map(Value::Object).collect()),
    );
    top.insert("relationships".into(), Value::Array(relationships));
    Ok((Value::Object(top), lines))
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parties_lose_their_kind_and_contact() {
        assert_eq!(
            party("Organization: ExampleCodeInspect (contact@example.com)"),
            "ExampleCodeInspect"
        );
        assert_eq!(party("Person: Jane Doe ()"), "Jane Doe");
        assert_eq!(party("Organization: Webjar"), "Webjar");
    }

    #[test]
    fn a_line_without_a_tag_is_refused_with_its_number() {
        let text = "SPDXVersion: SPDX-2.2\nDocumentName: x\nthis line is wrong\n";
        let error = tag_value_to_json("t.spdx", text).unwrap_err().to_string();
        assert!(error.contains("'t.spdx', line 3"), "{error}");
        assert!(error.contains("this line is wrong"), "{error}");
    }
}
