//! DeviceRisk readers and writers of outside formats.
//!
//! Today: the device inventory as CSV/TSV/XLSX ([`inventory`]). Later issues add KEV,
//! CSAF advisories and SBOMs here. No database access: callers pass and receive domain types.

pub mod csaf;
mod document;
mod error;
pub mod inventory;
pub mod kev;
pub mod matching;

pub use document::MAX_DOCUMENT_BYTES;
pub use error::IntelError;
