//! The one error type of this crate. Every message names the file and, where it applies,
//! the spreadsheet row and column (inventories) or the entry and field (catalogs, advisories,
//! SBOMs), so a clinic administrator can find and fix the cause.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum IntelError {
    #[error("cannot read '{file}': {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write '{file}': {source}")]
    WriteIo {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("'{file}' is empty: it holds no header row and no devices")]
    Empty { file: String },
    #[error("'{file}' is {megabytes:.1} MB; files over {limit_mb} MB are refused ({hint})")]
    TooLarge {
        file: String,
        megabytes: f64,
        limit_mb: u32,
        /// What to do about it, for this kind of file.
        hint: String,
    },
    #[error("'{file}' is not a spreadsheet or text inventory: {detail}")]
    NotATable { file: String, detail: String },
    #[error("'{file}' has no header row: {detail}")]
    NoHeader { file: String, detail: String },
    #[error("'{file}', row {row}: column {column} has no name; give every column a header (or delete the empty column)")]
    BlankHeader {
        file: String,
        row: u32,
        column: String,
    },
    #[error("'{file}', row {row}: the column name '{header}' appears twice (columns {first} and {second}); rename one of them")]
    DuplicateHeader {
        file: String,
        row: u32,
        header: String,
        first: String,
        second: String,
    },
    #[error("'{file}', row {row}: {cells} cells but only {headers} column names (extra value \"{extra}\" in column {column}); a delimiter inside a value must be quoted")]
    RaggedRow {
        file: String,
        row: u32,
        cells: u32,
        headers: u32,
        column: String,
        extra: String,
    },
    #[error("'{file}' has more than {limit} rows; split it into smaller files")]
    TooManyRows { file: String, limit: u32 },
    #[error("'{file}', row {row}, column {column}: the cell is {chars} characters long; at most {limit} are allowed (Excel's limit)")]
    CellTooLong {
        file: String,
        row: u32,
        column: String,
        chars: u32,
        limit: u32,
    },
    #[error("'{file}', row {row}: {detail}")]
    Malformed {
        file: String,
        row: u32,
        detail: String,
    },
    #[error("'{file}' is not a readable workbook: {detail}")]
    Workbook { file: String, detail: String },
    #[error("'{file}': the first sheet '{sheet}' is empty")]
    EmptySheet { file: String, sheet: String },
    #[error("column mapping: {0}")]
    Mapping(String),
    #[error("cannot write '{file}': {detail}")]
    Write { file: String, detail: String },
    #[error("'{file}' is not valid {format} (line {line}, column {column}): {detail}")]
    Syntax {
        file: String,
        /// "JSON", "XML".
        format: String,
        line: u32,
        column: u32,
        detail: String,
    },
    #[error("'{file}' is not {expected}: {detail}")]
    WrongDocument {
        file: String,
        /// What the reader wanted, with its article: "a CISA KEV catalog", "a CSAF 2.0 advisory".
        expected: String,
        detail: String,
    },
    #[error("'{file}', {at}: {detail}")]
    InvalidEntry {
        file: String,
        /// Where in the document: "vulnerabilities[3] (CVE-2024-1234)", "row 5", "document.tracking.id".
        at: String,
        detail: String,
    },
}
