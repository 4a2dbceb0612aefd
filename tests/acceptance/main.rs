//! Acceptance tests: whole use cases through `devicerisk_api::Api` on real SQLite files,
//! crossing core, store and intel the way the app and the CLI do.

mod inventory_roundtrip;
