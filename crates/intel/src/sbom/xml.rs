//! CycloneDX XML turned into the JSON shape of CycloneDX, so one walker reads both.
//!
//! The document is parsed into a small element tree (quick-xml), its root must be `<bom>` in
//! a CycloneDX namespace (`http://cyclonedx.org/schema/bom/1.N`, which gives the spec
//! version), and each element becomes what the JSON form would hold: list containers
//! (`<components>`, `<hashes>`, `<licenses>`, `<vulnerabilities>`…) become arrays, elements
//! with only text become text, attributes become members. Every converted element records
//! its line, so messages can point into the XML.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};

use super::cyclonedx::SPEC_VERSIONS;
use super::Lines;
use crate::document::strip_bom;
use crate::IntelError;

const NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";
/// Elements deeper than this are refused before conversion (nested components are checked
/// again, more strictly, by the walker).
const MAX_ELEMENT_DEPTH: usize = 256;

/// Elements whose children form a list in the JSON form.
const LISTS: [&str; 14] = [
    "components",
    "hashes",
    "licenses",
    "vulnerabilities",
    "references",
    "ratings",
    "affects",
    "versions",
    "tools",
    "externalReferences",
    "dependencies",
    "properties",
    "cwes",
    "advisories",
];

struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
    line: u32,
}

fn line_of(bytes: &[u8], offset: u64) -> u32 {
    let end = (offset as usize).min(bytes.len());
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u32 + 1
}

fn syntax(file: &str, bytes: &[u8], offset: u64, detail: String) -> IntelError {
    let line = line_of(bytes, offset);
    let start = bytes[..(offset as usize).min(bytes.len())]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    IntelError::Syntax {
        file: file.to_string(),
        format: "XML".to_string(),
        line,
        column: (offset as usize).saturating_sub(start) as u32 + 1,
        detail,
    }
}

fn parse(file: &str, bytes: &[u8]) -> Result<Element, IntelError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        syntax(
            file,
            bytes,
            e.valid_up_to() as u64,
            "the file is not UTF-8 text".to_string(),
        )
    })?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            let detail = e.to_string();
            let detail = if detail.contains("Unexpected EOF") || detail.contains("unclosed") {
                format!("{detail} (the file ends in the middle of the document: is it truncated?)")
            } else {
                detail
            };
            syntax(file, bytes, reader.error_position(), detail)
        })?;
        let start = |e: &quick_xml::events::BytesStart<'_>| -> Result<Element, IntelError> {
            let mut attributes = Vec::new();
            for a in e.attributes() {
                let a = a.map_err(|err| syntax(file, bytes, position, err.to_string()))?;
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| syntax(file, bytes, position, err.to_string()))?;
                attributes.push((a.key.as_ref().to_string(), value.trim().to_string()));
            }
            Ok(Element {
                name: e.local_name().as_ref().to_string(),
                attributes,
                text: String::new(),
                children: Vec::new(),
                line: line_of(bytes, position),
            })
        };
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_ELEMENT_DEPTH {
                    return Err(syntax(
                        file,
                        bytes,
                        position,
                        format!("elements are nested more than {MAX_ELEMENT_DEPTH} deep"),
                    ));
                }
                stack.push(start(&e)?);
            }
            Event::Empty(e) => {
                let element = start(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().expect("quick-xml checks end names");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match r.xml10_content().as_ref() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => {
                            return Err(syntax(
                                file,
                                bytes,
                                position,
                                format!("unknown entity '&{other};'"),
                            ))
                        }
                    },
                    Err(e) => return Err(syntax(file, bytes, position, e.to_string())),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(syntax(
            file,
            bytes,
            bytes.len() as u64,
            format!(
                "the element <{}> opened on line {} is never closed (is the file truncated?)",
                open.name, open.line
            ),
        ));
    }
    root.ok_or_else(|| {
        syntax(
            file,
            bytes,
            0,
            "the document has no root element".to_string(),
        )
    })
}

/// Parses a CycloneDX XML document into its JSON shape and the line of each element.
pub(crate) fn cyclonedx_to_json(file: &str, bytes: &[u8]) -> Result<(Value, Lines), IntelError> {
    let bytes = strip_bom(bytes);
    let root = parse(file, bytes)?;
    let wrong = |detail: String| IntelError::WrongDocument {
        file: file.to_string(),
        expected: "a CycloneDX BOM".to_string(),
        detail,
    };
    if root.name != "bom" {
        return Err(wrong(format!(
            "the root element is <{}>, not <bom> (line {})",
            root.name, root.line
        )));
    }
    // The default namespace, or the one bound to the root's prefix.
    let namespace = root
        .attributes
        .iter()
        .find(|(k, _)| k == "xmlns" || k.starts_with("xmlns:"))
        .map(|(_, v)| v.clone());
    let Some(namespace) = namespace else {
        return Err(IntelError::InvalidEntry {
            file: file.to_string(),
            at: format!("line {}, <bom>", root.line),
            detail: format!(
                "the <bom> element has no namespace; CycloneDX XML declares xmlns=\"{NAMESPACE_PREFIX}1.N\""
            ),
        });
    };
    let spec_version = namespace
        .strip_prefix(NAMESPACE_PREFIX)
        .map(|v| v.trim_end_matches('/').to_string());
    let spec_version = match spec_version {
        Some(v) if SPEC_VERSIONS.contains(&v.as_str()) => v,
        _ => {
            return Err(IntelError::InvalidEntry {
                file: file.to_string(),
                at: format!("line {}, <bom>", root.line),
                detail: format!(
                    "the namespace \"{namespace}\" is not a supported CycloneDX namespace ({NAMESPACE_PREFIX}{} … {})",
                    SPEC_VERSIONS[0],
                    SPEC_VERSIONS[SPEC_VERSIONS.len() - 1]
                ),
            })
        }
    };
    let mut lines = Lines::new();
    let mut value = convert(&root, "", &mut lines);
    if let Value::Object(top) = &mut value {
        top.insert("bomFormat".into(), Value::String("CycloneDX".into()));
        top.insert("specVersion".into(), Value::String(spec_version));
    }
    Ok((value, lines))
}

fn convert(element: &Element, pointer: &str, lines: &mut Lines) -> Value {
    lines.insert(
        pointer.to_string(),
        (element.line, format!("<{}>", element.name)),
    );
    if LISTS.contains(&element.name.as_str()) {
        let items = element
            .children
            .iter()
            .enumerate()
            .map(|(i, child)| {
                let here = format!("{pointer}/{i}");
                match (element.name.as_str(), child.name.as_str()) {
                    // <licenses><license>…</license><expression>…</expression></licenses>
                    ("licenses", "license") => {
                        let inner = convert(child, &format!("{here}/license"), lines);
                        lines.insert(here.clone(), (child.line, "<license>".into()));
                        let mut o = Map::new();
                        o.insert("license".into(), inner);
                        Value::Object(o)
                    }
                    ("licenses", "expression") => {
                        lines.insert(here.clone(), (child.line, "<expression>".into()));
                        let mut o = Map::new();
                        o.insert("expression".into(), Value::String(child.text.trim().into()));
                        Value::Object(o)
                    }
                    _ => convert(child, &here, lines),
                }
            })
            .collect();
        return Value::Array(items);
    }
    if element.children.is_empty() && element.attributes.is_empty() {
        return Value::String(element.text.trim().to_string());
    }
    let mut object = Map::new();
    for (key, value) in &element.attributes {
        if key == "xmlns" || key.starts_with("xmlns:") || key.contains(':') {
            continue;
        }
        object.insert(key.clone(), Value::String(value.clone()));
    }
    for child in &element.children {
        let here = format!("{pointer}/{}", child.name);
        let value = convert(child, &here, lines);
        object.insert(child.name.clone(), value);
    }
    let text = element.text.trim();
    if !text.is_empty() && element.children.is_empty() {
        // <hash alg="SHA-256">…</hash>
        object.insert("content".into(), Value::String(text.to_string()));
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_text_and_attributes_take_their_json_shape() {
        let xml = br#"<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:1" version="2">
  <components>
    <component type="library" bom-ref="a">
      <name>x &amp; y</name>
      <hashes><hash alg="SHA-256">abc</hash></hashes>
      <licenses><license><id>MIT</id></license><expression>A OR B</expression></licenses>
    </component>
  </components>
</bom>"#;
        let (value, lines) = cyclonedx_to_json("a.xml", xml).unwrap();
        assert_eq!(value["specVersion"], "1.5");
        assert_eq!(value["version"], "2");
        let c = &value["components"][0];
        assert_eq!(c["name"], "x & y");
        assert_eq!(c["bom-ref"], "a");
        assert_eq!(c["hashes"][0]["content"], "abc");
        assert_eq!(c["licenses"][0]["license"]["id"], "MIT");
        assert_eq!(c["licenses"][1]["expression"], "A OR B");
        assert_eq!(lines["/components/0"].0, 4);
    }

    #[test]
    fn unclosed_documents_say_where() {
        let error = cyclonedx_to_json(
            "t.xml",
            b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n<components>\n<component>",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("'t.xml'"), "{error}");
        assert!(error.contains("XML"), "{error}");
        assert!(error.contains("truncated"), "{error}");
    }
}
