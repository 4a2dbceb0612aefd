//! Matching vulnerability intelligence to devices. Pure rules: no I/O, no clock.

mod version;

pub use version::{
    is_model_number, parse_version_spec, Bound, SpecKind, Version, VersionItem, VersionPart,
    VersionSpec,
};
