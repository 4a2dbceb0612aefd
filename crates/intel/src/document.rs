//! Reading a whole outside document (KEV catalog, CSAF advisory, SBOM) into memory, and
//! turning JSON syntax errors into messages that name the file, line and column.
//! Shared by the `kev`, `csaf` and `sbom` readers; the inventory has its own reader.

use std::io::Read;
use std::path::Path;

use serde_json::{Map, Value};

use crate::IntelError;

/// Documents larger than this are refused before they are read (the whole KEV catalog is
/// about 1.3 MB, the largest ICSMA advisory about 0.2 MB).
pub const MAX_DOCUMENT_BYTES: u64 = 50 * 1024 * 1024;

/// The name shown in messages: the file name only, without directories.
pub(crate) fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a whole file, refusing files over [`MAX_DOCUMENT_BYTES`] and empty ones.
pub(crate) fn read_document(path: &Path) -> Result<(String, Vec<u8>), IntelError> {
    read_document_up_to(path, MAX_DOCUMENT_BYTES)
}

/// Reads a whole file, refusing files over `limit` bytes (checked before reading) and empty ones.
pub(crate) fn read_document_up_to(
    path: &Path,
    limit: u64,
) -> Result<(String, Vec<u8>), IntelError> {
    let file = display_name(path);
    let io_error = |source| IntelError::Io {
        file: file.clone(),
        source,
    };
    let handle = std::fs::File::open(path).map_err(io_error)?;
    let size = handle.metadata().map_err(io_error)?.len();
    if size > limit {
        return Err(too_large(&file, size, limit));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    handle
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    check_size_up_to(&file, &bytes, limit)?;
    Ok((file, bytes))
}

/// Refuses empty and oversized documents held in memory.
pub(crate) fn check_size(file: &str, bytes: &[u8]) -> Result<(), IntelError> {
    check_size_up_to(file, bytes, MAX_DOCUMENT_BYTES)
}

/// Refuses empty documents and those over `limit` bytes.
pub(crate) fn check_size_up_to(file: &str, bytes: &[u8], limit: u64) -> Result<(), IntelError> {
    if bytes.len() as u64 > limit {
        return Err(too_large(file, bytes.len() as u64, limit));
    }
    if strip_bom(bytes).iter().all(u8::is_ascii_whitespace) {
        return Err(IntelError::Empty {
            file: file.to_string(),
        });
    }
    Ok(())
}

fn too_large(file: &str, size: u64, limit: u64) -> IntelError {
    IntelError::TooLarge {
        file: file.to_string(),
        megabytes: size as f64 / (1024.0 * 1024.0),
        limit_mb: (limit / (1024 * 1024)) as u32,
        hint: "is it the right file? catalogs, advisories and SBOMs of one product are far smaller"
            .to_string(),
    }
}

/// Drops a UTF-8 byte order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The first byte that is not white space (after a BOM), to tell JSON from CSV or XML.
pub(crate) fn first_significant_byte(bytes: &[u8]) -> Option<u8> {
    strip_bom(bytes)
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// Parses JSON; a syntax error names the file, line and column, and a file that stops in the
/// middle says so (the usual sign of an interrupted download or copy).
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> Result<Value, IntelError> {
    serde_json::from_slice(strip_bom(bytes)).map_err(|error| {
        let detail = match error.classify() {
            serde_json::error::Category::Eof => {
                "the file ends in the middle of the document (is it truncated?)".to_string()
            }
            _ => strip_position(&error.to_string()),
        };
        IntelError::Syntax {
            file: file.to_string(),
            format: "JSON".to_string(),
            line: error.line() as u32,
            column: error.column() as u32,
            detail,
        }
    })
}

/// serde_json appends " at line L column C"; the message carries those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// The JSON type of a value in words, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A text member of an object: `Ok(None)` when absent or null, an error naming the field
/// when it is there but not text.
pub(crate) fn opt_text<'a>(
    object: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!("'{key}' should be text but is {}", kind(other))),
    }
}

/// A list of texts: absent means empty.
pub(crate) fn text_list(object: &Map<String, Value>, key: &str) -> Result<Vec<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "'{key}[{i}]' should be text but is {}",
                    kind(other)
                )),
            })
            .collect(),
        Some(other) => Err(format!("'{key}' should be a list but is {}", kind(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_json_says_so_with_position() {
        let error = parse_json("a.json", b"{\n  \"x\": [1, 2").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("'a.json'"), "{message}");
        assert!(message.contains("line 2"), "{message}");
        assert!(message.contains("truncated"), "{message}");
    }

    #[test]
    fn syntax_error_keeps_serde_detail_without_repeating_position() {
        let message = parse_json("b.json", b"{\"x\": tru}")
            .unwrap_err()
            .to_string();
        assert!(message.contains("line 1, column"), "{message}");
        assert_eq!(message.matches("line").count(), 1, "{message}");
    }

    #[test]
    fn bom_and_blank_documents() {
        assert!(parse_json("c.json", b"\xEF\xBB\xBF{}").is_ok());
        assert!(matches!(
            check_size("d.json", b"\xEF\xBB\xBF \n"),
            Err(IntelError::Empty { .. })
        ));
        assert_eq!(first_significant_byte(b"\xEF\xBB\xBF  <x/>"), Some(b'<'));
    }
}
