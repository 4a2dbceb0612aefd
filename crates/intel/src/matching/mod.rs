//! Matching vulnerability intelligence (CSAF advisories, KEV entries) to devices, with a
//! confidence and its reasons in words. Pure rules: no I/O, no clock, no database.
//!
//! - `version`: versions and the free-text version ranges of advisories.
//! - `vendor`: manufacturer names, aliases, company families and misspellings.
//! - `tokens`: product and model names cut into comparable tokens.
//! - `engine`: [`match_devices`], which puts the three together.

mod engine;
mod tokens;
mod vendor;
mod version;

pub use engine::{match_devices, Confidence, DeviceFacts, Match, MatchSource, VersionVerdict};
pub use tokens::{category_kinds, tokenize, Tokens};
pub use vendor::{
    normalize_vendor, relate_vendors, split_vendors, Family, NormalizedVendor, VendorRelation,
    FAMILIES,
};
pub use version::{
    is_model_number, parse_version_spec, Bound, SpecKind, Version, VersionItem, VersionPart,
    VersionSpec,
};
