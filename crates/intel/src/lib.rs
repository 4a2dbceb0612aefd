//! DeviceRisk readers and writers of outside formats.
//!
//! The device inventory as CSV/TSV/XLSX ([`inventory`]), the KEV catalog ([`kev`]), CSAF
//! advisories ([`csaf`]), matching them to devices ([`matching`]), SBOMs and VEX ([`sbom`]). No database access: callers pass and receive domain types.

pub mod csaf;
mod document;
mod error;
pub mod inventory;
pub mod kev;
pub mod matching;
pub mod sbom;

pub use document::MAX_DOCUMENT_BYTES;
pub use error::IntelError;
