//! The one error type of the api: `{code, message}` for the UI, plus per-field problems.

use devicerisk_core::FieldIssue;
use devicerisk_intel::IntelError;
use devicerisk_store::StoreError;
use serde::{Deserialize, Serialize};
use specta::Type;

/// What kind of failure; front ends branch on this, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Validation,
    Conflict,
    InUse,
    NotEmpty,
    ImportHasErrors,
    BadFile,
    Io,
    Database,
    Internal,
}

/// An error as it reaches the user: a code, a sentence, and the fields concerned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For `Validation`: every problem, by field key.
    pub field_issues: Vec<FieldIssue>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field_issues: Vec::new(),
        }
    }

    /// A user can fix this (bad input, missing record, file problem); otherwise it is a
    /// fault of the program or machine. The CLI exits 1 for the first, 2 for the second.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self.code,
            ErrorCode::Io | ErrorCode::Database | ErrorCode::Internal
        )
    }

    pub(crate) fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::NotFound,
            format!("There is no {what} with id {id}."),
        )
    }

    /// `what` names the record ("device", "site") for the message.
    pub(crate) fn validation(what: &str, issues: Vec<FieldIssue>) -> Self {
        let listed: Vec<String> = issues
            .iter()
            .map(|issue| format!("{} {}", field_label(&issue.field), issue.message))
            .collect();
        let message = match listed.len() {
            1 => format!("The {what} cannot be saved: {}.", listed[0]),
            n => format!(
                "The {what} cannot be saved ({n} problems): {}.",
                listed.join("; ")
            ),
        };
        ApiError {
            code: ErrorCode::Validation,
            message,
            field_issues: issues,
        }
    }
}

/// "mac_address" → "MAC address", for messages.
pub fn field_label(key: &str) -> String {
    let words: Vec<String> = key
        .split('_')
        .map(|word| match word {
            "mac" | "ip" | "os" | "phi" | "fda" | "vlan" | "baa" | "sbom" | "mds2" => {
                word.to_ascii_uppercase()
            }
            _ => word.to_string(),
        })
        .collect();
    let mut text = words.join(" ");
    if text.ends_with(" id") {
        text.truncate(text.len() - 3);
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        let code = match &err {
            StoreError::Duplicate(_) => ErrorCode::Conflict,
            StoreError::Reference(_) => ErrorCode::InUse,
            StoreError::Io { .. } | StoreError::Backup { .. } => ErrorCode::Io,
            StoreError::TooNew { .. } => ErrorCode::Database,
            StoreError::NotADatabase { .. } => ErrorCode::BadFile,
            StoreError::Refused(_) => ErrorCode::Conflict,
            StoreError::Sqlite(_) | StoreError::Migration { .. } => ErrorCode::Database,
        };
        ApiError::new(code, err.to_string())
    }
}

impl From<IntelError> for ApiError {
    fn from(err: IntelError) -> Self {
        let code = match &err {
            // A missing or locked file is the user's to fix; other I/O failures are the machine's.
            IntelError::Io { source, .. } | IntelError::WriteIo { source, .. }
                if !matches!(
                    source.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                ErrorCode::Io
            }
            _ => ErrorCode::BadFile,
        };
        ApiError::new(code, err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_labels_read_as_words() {
        assert_eq!(field_label("mac_address"), "MAC address");
        assert_eq!(field_label("site_id"), "Site");
        assert_eq!(field_label("handles_phi"), "Handles PHI");
    }

    #[test]
    fn errors_serialise_with_snake_case_codes() {
        let err = ApiError::new(ErrorCode::ImportHasErrors, "row 3");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "import_has_errors");
        assert_eq!(json["message"], "row 3");
        assert!(err.is_user_error());
        assert!(!ApiError::new(ErrorCode::Database, "x").is_user_error());
    }
}
