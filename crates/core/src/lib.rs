//! DeviceRisk domain: the types of DESIGN.md section 4 and the rules that need no I/O
//! (validation, normalisation, gaps). Everything above this crate speaks these types.

pub mod lifecycle;
pub mod model;
pub mod questionnaire;
pub mod risk;
pub mod validate;
pub mod vocab;

pub use model::*;
pub use validate::{normalize_ip, normalize_mac, parse_date, FieldIssue};
pub use vocab::*;
