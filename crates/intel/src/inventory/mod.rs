//! Device inventory import and export.
//!
//! The import pipeline is `read_table` (file → [`Table`] of text) → `auto_mapping` /
//! `check_mapping` (columns → [`ImportTarget`]s) → `convert_rows` (rows → validated
//! `DeviceFields` with [`CellIssue`]s). Export is `write_csv` / `write_xlsx`, whose headers
//! `auto_mapping` recognises, so an export imports back unchanged.

mod convert;
mod mapping;
mod read;
mod write;

pub use convert::{
    convert_rows, split_manufacturer_model, split_os_version, CellIssue, ImportedRow,
};
pub use mapping::{auto_mapping, check_mapping, target_for_header, ColumnMapping, ImportTarget};
pub use read::{
    column_letter, read_table, read_table_bytes, RawRow, SourceFormat, Table, MAX_CELL_CHARS,
    MAX_FILE_BYTES, MAX_ROWS,
};
pub use write::{neutralize_formula, write_csv, write_xlsx, ExportRow, EXPORT_COLUMNS};
