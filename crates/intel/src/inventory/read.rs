//! Reading an inventory file into a plain [`Table`] of trimmed text cells.
//!
//! Owns format detection (XLSX/ODS/XLS by content, text otherwise), text decoding
//! (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 fallback), delimiter sniffing,
//! spreadsheet row numbering and the refusals for files that cannot be an inventory.
//! It knows nothing about devices: that is `mapping` and `convert`.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, DataRef, Reader};

use crate::IntelError;

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// Data rows (not counting the header and blank rows) accepted in one file.
pub const MAX_ROWS: usize = 200_000;
/// Excel's own limit on the characters in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The kind of file a table was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Delimited text: CSV, TSV, Excel "Unicode text".
    Csv,
    /// Office Open XML workbook.
    Xlsx,
    /// Legacy Excel 97-2003 workbook.
    Xls,
    /// OpenDocument spreadsheet (LibreOffice).
    Ods,
}

impl SourceFormat {
    /// Short name shown to users ("CSV", "XLSX").
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Csv => "CSV",
            SourceFormat::Xlsx => "XLSX",
            SourceFormat::Xls => "XLS",
            SourceFormat::Ods => "ODS",
        }
    }
}

impl std::fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A sheet of text: a header row and the non-blank rows below it.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File name only (no directories): it appears in every message.
    pub file_name: String,
    pub format: SourceFormat,
    /// "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE", "Windows-1252"; for workbooks the
    /// format's own encoding ("XLSX").
    pub encoding: String,
    /// The delimiter of a text file; `None` for workbooks.
    pub delimiter: Option<char>,
    /// Column names, trimmed, unique and non-blank.
    pub headers: Vec<String>,
    /// Rows that hold at least one value; each has exactly `headers.len()` cells.
    pub rows: Vec<RawRow>,
}

/// One spreadsheet row.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// The 1-based row number a user sees in a spreadsheet program (the header is row 1
    /// when it is the first line). A value with a line break inside quotes stays one row.
    pub row_number: usize,
    /// Trimmed cell texts, one per header.
    pub cells: Vec<String>,
}

/// Spreadsheet column letters: 0 → "A", 26 → "AA".
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Reads a CSV/TSV/TXT or XLSX/XLS/ODS inventory. The format is decided by the content,
/// not the extension, so a workbook renamed to `.csv` still reads.
pub fn read_table(path: &Path) -> Result<Table, IntelError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let io_error = |source| IntelError::Io {
        file: file_name.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(&file_name, size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows while we read it.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    read_table_bytes(&file_name, &bytes)
}

/// Reads an inventory held in memory; `file_name` is used in messages only.
pub fn read_table_bytes(file_name: &str, bytes: &[u8]) -> Result<Table, IntelError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file_name, bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(IntelError::Empty {
            file: file_name.to_string(),
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return read_zip_workbook(file_name, bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return read_xls(file_name, bytes);
    }
    refuse_known_binary(file_name, bytes)?;
    let (text, encoding) = decode_text(file_name, bytes)?;
    read_delimited(file_name, &text, encoding)
}

fn too_large(file_name: &str, size: u64) -> IntelError {
    IntelError::TooLarge {
        file: file_name.to_string(),
        megabytes: size as f64 / (1024.0 * 1024.0),
        limit_mb: (MAX_FILE_BYTES / (1024 * 1024)) as u32,
        hint: "split the inventory or remove embedded pictures".to_string(),
    }
}

/// Common binary formats people pick by mistake get a message that says what they are.
fn refuse_known_binary(file_name: &str, bytes: &[u8]) -> Result<(), IntelError> {
    let kinds: [(&[u8], &str); 7] = [
        (
            b"%PDF",
            "it is a PDF document; export the inventory as CSV or XLSX",
        ),
        (b"\x89PNG", "it is a PNG image"),
        (b"\xFF\xD8\xFF", "it is a JPEG image"),
        (b"GIF8", "it is a GIF image"),
        (b"\x1F\x8B", "it is gzip-compressed; unpack it first"),
        (b"\x7FELF", "it is a program, not a spreadsheet"),
        (b"MZ", "it is a Windows program, not a spreadsheet"),
    ];
    for (magic, what) in kinds {
        // "MZ" is also a plausible first header letter pair, so require binary bytes too.
        if bytes.starts_with(magic) && (magic != b"MZ" || bytes.contains(&0)) {
            return Err(IntelError::NotATable {
                file: file_name.to_string(),
                detail: what.to_string(),
            });
        }
    }
    Ok(())
}

/// Decodes text, naming the encoding it used.
fn decode_text<'a>(
    file_name: &str,
    bytes: &'a [u8],
) -> Result<(std::borrow::Cow<'a, str>, &'static str), IntelError> {
    let not_text = |detail: String| IntelError::NotATable {
        file: file_name.to_string(),
        detail,
    };
    let (text, encoding): (std::borrow::Cow<'a, str>, &'static str) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            let text = std::str::from_utf8(rest).map_err(|e| {
                not_text(format!(
                    "it starts with a UTF-8 marker but byte {} is not UTF-8",
                    e.valid_up_to() + 3
                ))
            })?;
            (text.into(), "UTF-8 (BOM)")
        } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            let (encoding, label) = if bytes[0] == 0xFF {
                (encoding_rs::UTF_16LE, "UTF-16LE")
            } else {
                (encoding_rs::UTF_16BE, "UTF-16BE")
            };
            let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
            if had_errors {
                return Err(not_text(format!(
                    "it starts with a {label} marker but is not valid {label} text"
                )));
            }
            (text, label)
        } else if let Some((encoding, label)) = utf16_without_bom(bytes) {
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(not_text(format!(
                    "it looks like {label} text without a byte-order mark but does not decode"
                )));
            }
            (text, label)
        } else if let Some(offset) = bytes.iter().position(|&b| b == 0) {
            return Err(not_text(format!(
                "it contains binary data (a NUL byte at offset {offset}); save it as CSV or XLSX"
            )));
        } else if let Ok(text) = std::str::from_utf8(bytes) {
            (text.into(), "UTF-8")
        } else {
            // Excel's "CSV" on Windows writes the ANSI code page; for Western clinics that is 1252.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text, "Windows-1252")
        };
    if let Some(offset) = text.find('\0') {
        return Err(not_text(format!(
            "it contains binary data (a NUL character at position {offset})"
        )));
    }
    // Random bytes decode as Windows-1252 without error; control characters give them away.
    let sample: &str = match text.char_indices().nth(65_536) {
        Some((end, _)) => &text[..end],
        None => &text,
    };
    let mut chars = 0usize;
    let mut controls = 0usize;
    for c in sample.chars() {
        chars += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}') {
            controls += 1;
        }
    }
    if controls > 0 && controls * 100 > chars {
        return Err(not_text(format!(
            "it looks like binary data ({controls} control characters in the first {chars}); save it as CSV or XLSX"
        )));
    }
    // Web applications often "export to Excel" as an HTML or XML page with an .xls name.
    let start: String = text
        .trim_start()
        .chars()
        .take(16)
        .flat_map(char::to_lowercase)
        .collect();
    if ["<!doctype html", "<html", "<table", "<?xml"]
        .iter()
        .any(|tag| start.starts_with(tag))
    {
        return Err(not_text(
            "it is a web page or XML document, not a table; open it in Excel or LibreOffice and save it as XLSX or CSV".to_string(),
        ));
    }
    Ok((text, encoding))
}

/// Some tools write UTF-16 without a byte-order mark. Latin text then has a NUL in every
/// other byte, which no CSV or binary format shows so regularly.
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zeros = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zeros = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_zeros * 10 >= pairs * 9 && even_zeros == 0 {
        Some((encoding_rs::UTF_16LE, "UTF-16LE"))
    } else if even_zeros * 10 >= pairs * 9 && odd_zeros == 0 {
        Some((encoding_rs::UTF_16BE, "UTF-16BE"))
    } else {
        None
    }
}

/// Line breaks in `bytes[from..to]`: LF, CRLF and a lone CR each count once.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> usize {
    bytes[from..to]
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(from + i + 1) != Some(&b'\n')))
        .count()
}

/// Picks the delimiter that splits the first records most consistently.
/// Counting happens outside quotes, so commas inside quoted values do not vote.
fn sniff_delimiter(text: &str) -> char {
    const CANDIDATES: [char; 4] = [',', ';', '\t', '|'];
    const SAMPLE_RECORDS: usize = 50;
    let mut counts: Vec<[usize; 4]> = Vec::new();
    let mut current = [0usize; 4];
    let mut in_quotes = false;
    // As in the csv crate, a quote opens a quoted value only at the start of a field;
    // elsewhere (`15" monitor`) it is an ordinary character.
    let mut field_start = true;
    let mut has_content = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '"' if field_start => {
                in_quotes = true;
                has_content = true;
                field_start = false;
            }
            '\n' | '\r' => {
                if has_content {
                    counts.push(current);
                    if counts.len() == SAMPLE_RECORDS {
                        break;
                    }
                }
                current = [0; 4];
                has_content = false;
                field_start = true;
            }
            _ => {
                if let Some(i) = CANDIDATES.iter().position(|&d| d == c) {
                    current[i] += 1;
                    field_start = true;
                } else {
                    field_start = false;
                }
                if !c.is_whitespace() {
                    has_content = true;
                }
            }
        }
    }
    if has_content && counts.len() < SAMPLE_RECORDS {
        counts.push(current);
    }
    let Some(header) = counts.first() else {
        return ',';
    };
    let mut best = (',', 0usize, 0usize);
    for (i, &delimiter) in CANDIDATES.iter().enumerate() {
        if header[i] == 0 {
            continue;
        }
        // Rows agreeing with the header's count; ragged or decimal-comma rows do not agree.
        let agreeing = counts.iter().filter(|row| row[i] == header[i]).count();
        if (agreeing, header[i]) > (best.1, best.2) {
            best = (delimiter, agreeing, header[i]);
        }
    }
    best.0
}

fn read_delimited(file_name: &str, text: &str, encoding: &str) -> Result<Table, IntelError> {
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter as u8)
        .from_reader(text.as_bytes());
    let mut builder = TableBuilder::new(file_name);
    let mut record = csv::StringRecord::new();
    let bytes = text.as_bytes();
    // The csv crate's line numbers miss line breaks inside quotes and the blank lines it
    // skips, so rows are counted here: a spreadsheet row starts at every line break that
    // is not inside a quoted value, blank lines included.
    let mut consumed = 0usize;
    let mut breaks_before = 0usize;
    let mut quoted_breaks = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                let row = error
                    .position()
                    .map(|p| 1 + line_breaks(bytes, 0, p.byte() as usize) as u32)
                    .unwrap_or_default();
                return Err(IntelError::Malformed {
                    file: file_name.to_string(),
                    row,
                    detail: format!("cannot be read as delimited text: {error}"),
                });
            }
        }
        let end = (reader.position().byte() as usize).min(bytes.len());
        let mut content_start = consumed;
        while content_start < end && matches!(bytes[content_start], b'\r' | b'\n') {
            content_start += 1;
        }
        breaks_before += line_breaks(bytes, consumed, content_start);
        let row_number = 1 + breaks_before - quoted_breaks;
        quoted_breaks += record
            .iter()
            .map(|field| line_breaks(field.as_bytes(), 0, field.len()))
            .sum::<usize>();
        breaks_before += line_breaks(bytes, content_start, end);
        consumed = end;
        builder.push(row_number, record.iter())?;
    }
    let mut table = builder.finish()?;
    table.format = SourceFormat::Csv;
    table.encoding = encoding.to_string();
    table.delimiter = Some(delimiter);
    Ok(table)
}

fn read_zip_workbook(file_name: &str, bytes: &[u8]) -> Result<Table, IntelError> {
    let xlsx_error =
        match calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(bytes)) {
            Ok(mut workbook) => return read_xlsx(file_name, &mut workbook),
            Err(error) => error,
        };
    // LibreOffice files are zips too; try them before blaming the file.
    if let Ok(mut workbook) =
        calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(Cursor::new(bytes))
    {
        return read_workbook_range(file_name, &mut workbook, SourceFormat::Ods);
    }
    Err(IntelError::Workbook {
        file: file_name.to_string(),
        detail: format!(
            "it is a zip archive but not a readable XLSX or ODS workbook (damaged or truncated?): {xlsx_error}"
        ),
    })
}

fn read_xls(file_name: &str, bytes: &[u8]) -> Result<Table, IntelError> {
    match calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(Cursor::new(bytes)) {
        Ok(mut workbook) => read_workbook_range(file_name, &mut workbook, SourceFormat::Xls),
        Err(error) => Err(IntelError::Workbook {
            file: file_name.to_string(),
            detail: format!("it looks like an Excel 97-2003 file but cannot be read: {error}"),
        }),
    }
}

/// The first visible worksheet: what a user sees on opening the file.
fn first_sheet<RS, R>(file_name: &str, workbook: &R) -> Result<String, IntelError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
{
    let sheets = workbook.sheets_metadata();
    sheets
        .iter()
        .find(|s| {
            s.typ == calamine::SheetType::WorkSheet && s.visible == calamine::SheetVisible::Visible
        })
        .or_else(|| sheets.first())
        .map(|s| s.name.clone())
        .ok_or_else(|| IntelError::Workbook {
            file: file_name.to_string(),
            detail: "it contains no sheets".to_string(),
        })
}

/// XLSX cells are streamed rather than loaded as one rectangle: a single stray value in a
/// far corner (XFD1048576) would otherwise allocate billions of empty cells.
fn read_xlsx(
    file_name: &str,
    workbook: &mut calamine::Xlsx<Cursor<&[u8]>>,
) -> Result<Table, IntelError> {
    let sheet = first_sheet(file_name, workbook)?;
    let sheet_error = |error: calamine::XlsxError| IntelError::Workbook {
        file: file_name.to_string(),
        detail: format!("sheet '{sheet}' cannot be read: {error}"),
    };
    let mut collector = SheetCollector::new(file_name);
    {
        let mut cells = workbook
            .worksheet_cells_reader(&sheet)
            .map_err(sheet_error)?;
        while let Some(cell) = cells.next_cell().map_err(sheet_error)? {
            let (row, col) = cell.get_position();
            let text = data_ref_text(cell.get_value());
            collector.cell(row, col, text)?;
        }
    }
    collector.finish(&sheet, SourceFormat::Xlsx)
}

/// ODS and XLS through calamine's rectangular range (their readers have no cell stream).
fn read_workbook_range<RS, R>(
    file_name: &str,
    workbook: &mut R,
    format: SourceFormat,
) -> Result<Table, IntelError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let sheet = first_sheet(file_name, workbook)?;
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|error| IntelError::Workbook {
            file: file_name.to_string(),
            detail: format!("sheet '{sheet}' cannot be read: {error}"),
        })?;
    let mut collector = SheetCollector::new(file_name);
    if let Some((first_row, first_col)) = range.start() {
        for (row, col, value) in range.used_cells() {
            collector.cell(
                first_row + row as u32,
                first_col + col as u32,
                data_text(value),
            )?;
        }
    }
    collector.finish(&sheet, format)
}

/// Gathers the cells of a sheet, row by row in sheet order, into a [`TableBuilder`].
/// Columns are counted from the header row's first value, so a table that starts at C3
/// has "C" as its first column.
struct SheetCollector<'a> {
    builder: TableBuilder<'a>,
    row: Option<u32>,
    cells: Vec<(u32, String)>,
    dense: Vec<String>,
}

impl<'a> SheetCollector<'a> {
    fn new(file_name: &'a str) -> Self {
        SheetCollector {
            builder: TableBuilder::new(file_name),
            row: None,
            cells: Vec::new(),
            dense: Vec::new(),
        }
    }

    fn cell(&mut self, row: u32, col: u32, text: String) -> Result<(), IntelError> {
        if text.trim().is_empty() {
            return Ok(());
        }
        match self.row {
            Some(current) if current == row => {}
            Some(current) if row < current => {
                return Err(IntelError::Workbook {
                    file: self.builder.file_name.to_string(),
                    detail: format!(
                        "row {} is stored after row {}; open and save it again in Excel",
                        row + 1,
                        current + 1
                    ),
                });
            }
            _ => {
                self.flush()?;
                self.row = Some(row);
            }
        }
        self.cells.push((col, text));
        Ok(())
    }

    fn flush(&mut self) -> Result<(), IntelError> {
        let Some(row) = self.row else {
            return Ok(());
        };
        if self.cells.is_empty() {
            return Ok(());
        }
        self.cells.sort_by_key(|c| c.0);
        let first = self.cells[0].0 as usize;
        if self.builder.header_row == 0 {
            self.builder.column_offset = first;
        }
        let offset = self.builder.column_offset;
        if first < offset {
            return Err(self
                .builder
                .blank_header(row as usize + 1, first, &self.cells[0].1));
        }
        let last = self.cells[self.cells.len() - 1].0 as usize;
        self.dense.clear();
        self.dense.resize(last - offset + 1, String::new());
        for (col, text) in self.cells.drain(..) {
            self.dense[col as usize - offset] = text;
        }
        self.builder
            .push(row as usize + 1, self.dense.iter().map(String::as_str))
    }

    fn finish(mut self, sheet: &str, format: SourceFormat) -> Result<Table, IntelError> {
        self.flush()?;
        let mut table = self.builder.finish().map_err(|error| match error {
            IntelError::Empty { file } => IntelError::EmptySheet {
                file,
                sheet: sheet.to_string(),
            },
            other => other,
        })?;
        table.format = format;
        table.encoding = format.label().to_string();
        table.delimiter = None;
        Ok(table)
    }
}

/// The text a user sees in a workbook cell; dates become ISO dates.
fn data_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => bool_text(*b),
        Data::DateTime(when) => datetime_text(when),
        Data::Error(error) => format!("#{error:?}"),
    }
}

fn data_ref_text(cell: &DataRef) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::SharedString(text) => text.to_string(),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            text.clone()
        }
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => bool_text(*b),
        DataRef::DateTime(when) => datetime_text(when),
        DataRef::Error(error) => format!("#{error:?}"),
    }
}

fn bool_text(value: bool) -> String {
    if value { "TRUE" } else { "FALSE" }.to_string()
}

fn datetime_text(when: &calamine::ExcelDateTime) -> String {
    if !when.is_datetime() {
        return float_text(when.as_f64());
    }
    let (y, m, d, hh, mm, ss, _) = when.to_ymd_hms_milli();
    if (hh, mm, ss) == (0, 0, 0) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
    }
}

/// Whole numbers without ".0": asset numbers and serials are often typed as numbers.
fn float_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Collects rows from either reader and applies the same rules to both:
/// header detection and checks, blank-row skipping, limits, ragged rows.
struct TableBuilder<'a> {
    file_name: &'a str,
    header_row: usize,
    /// Sheet column of the table's first column (0 = A); text files start at A.
    column_offset: usize,
    headers: Vec<String>,
    /// Trailing headerless columns are dropped when they hold nothing.
    header_width: usize,
    rows: Vec<RawRow>,
}

impl<'a> TableBuilder<'a> {
    fn new(file_name: &'a str) -> Self {
        TableBuilder {
            file_name,
            header_row: 0,
            column_offset: 0,
            headers: Vec::new(),
            header_width: 0,
            rows: Vec::new(),
        }
    }

    fn push<'c>(
        &mut self,
        row_number: usize,
        cells: impl Iterator<Item = &'c str>,
    ) -> Result<(), IntelError> {
        if self.header_row == 0 {
            let headers: Vec<String> = cells.map(|c| c.trim().to_string()).collect();
            if headers.iter().all(|h| h.is_empty()) {
                return Ok(());
            }
            self.header_row = row_number;
            self.set_headers(headers)?;
            return Ok(());
        }
        let mut values: Vec<String> = Vec::with_capacity(self.headers.len());
        let mut blank = true;
        for (index, cell) in cells.enumerate() {
            let value = cell.trim();
            if value.is_empty() {
                if index < self.headers.len() {
                    values.push(String::new());
                }
                continue;
            }
            if index >= self.headers.len() {
                return Err(self.ragged(row_number, index, value));
            }
            if value.len() > MAX_CELL_CHARS {
                let chars = value.chars().count();
                if chars > MAX_CELL_CHARS {
                    return Err(IntelError::CellTooLong {
                        file: self.file_name.to_string(),
                        row: row_number as u32,
                        column: self.column_name(index),
                        chars: chars as u32,
                        limit: MAX_CELL_CHARS as u32,
                    });
                }
            }
            blank = false;
            values.push(value.to_string());
        }
        if blank {
            return Ok(());
        }
        if self.rows.len() == MAX_ROWS {
            return Err(IntelError::TooManyRows {
                file: self.file_name.to_string(),
                limit: MAX_ROWS as u32,
            });
        }
        values.resize(self.headers.len(), String::new());
        self.rows.push(RawRow {
            row_number,
            cells: values,
        });
        Ok(())
    }

    fn set_headers(&mut self, mut headers: Vec<String>) -> Result<(), IntelError> {
        let row = self.header_row as u32;
        self.header_width = headers.len();
        while headers.last().is_some_and(|h| h.is_empty()) {
            headers.pop();
        }
        if let Some(cell) = headers
            .iter()
            .find(|h| looks_like_data(h))
            .filter(|_| headers.iter().filter(|h| looks_like_data(h)).count() * 2 >= headers.len())
        {
            return Err(IntelError::NoHeader {
                file: self.file_name.to_string(),
                detail: format!(
                    "row {row} holds values such as \"{cell}\", not column names; add a first row naming the columns (e.g. Name, Asset Tag, IP Address)"
                ),
            });
        }
        for (index, header) in headers.iter().enumerate() {
            if header.is_empty() {
                return Err(IntelError::BlankHeader {
                    file: self.file_name.to_string(),
                    row,
                    column: self.letter(index),
                });
            }
            if header.chars().count() > 200 {
                return Err(IntelError::NoHeader {
                    file: self.file_name.to_string(),
                    detail: format!(
                        "row {row}, column {} is {} characters long, which is not a column name",
                        self.letter(index),
                        header.chars().count()
                    ),
                });
            }
            let key = header_key(header);
            if let Some(first) = headers[..index]
                .iter()
                .position(|earlier| header_key(earlier) == key)
            {
                return Err(IntelError::DuplicateHeader {
                    file: self.file_name.to_string(),
                    row,
                    header: header.clone(),
                    first: format!("{} ('{}')", self.letter(first), headers[first]),
                    second: self.letter(index),
                });
            }
        }
        self.headers = headers;
        Ok(())
    }

    fn ragged(&self, row_number: usize, index: usize, value: &str) -> IntelError {
        // A value under a header cell that was blank: the header is missing, not the data.
        if index < self.header_width {
            return self.blank_header(row_number, self.column_offset + index, value);
        }
        // Reports often start with a title line above the real column names.
        if self.rows.is_empty() && self.headers.len() == 1 {
            return IntelError::NoHeader {
                file: self.file_name.to_string(),
                detail: format!(
                    "row {} holds only \"{}\" but row {row_number} has more columns; delete title lines above the column names",
                    self.header_row,
                    shorten(&self.headers[0])
                ),
            };
        }
        IntelError::RaggedRow {
            file: self.file_name.to_string(),
            row: row_number as u32,
            cells: index as u32 + 1,
            headers: self.headers.len() as u32,
            column: self.letter(index),
            extra: shorten(value),
        }
    }

    /// A value in a column whose header is empty; `sheet_column` counts from column A.
    fn blank_header(&self, row_number: usize, sheet_column: usize, value: &str) -> IntelError {
        IntelError::BlankHeader {
            file: self.file_name.to_string(),
            row: self.header_row as u32,
            column: format!(
                "{} (row {row_number} has \"{}\" there)",
                column_letter(sheet_column),
                shorten(value)
            ),
        }
    }

    fn letter(&self, index: usize) -> String {
        column_letter(self.column_offset + index)
    }

    fn column_name(&self, index: usize) -> String {
        format!("{} ('{}')", self.letter(index), self.headers[index])
    }

    fn finish(self) -> Result<Table, IntelError> {
        if self.header_row == 0 {
            return Err(IntelError::Empty {
                file: self.file_name.to_string(),
            });
        }
        Ok(Table {
            file_name: self.file_name.to_string(),
            format: SourceFormat::Csv,
            encoding: String::new(),
            delimiter: None,
            headers: self.headers,
            rows: self.rows,
        })
    }
}

/// Two headers that differ only in case, spaces or punctuation are the same column to us.
fn header_key(header: &str) -> String {
    let squashed = devicerisk_core::vocab::squash(header);
    if squashed.is_empty() {
        header.to_string()
    } else {
        squashed
    }
}

/// A header cell that is an address, a date or a number is data: the file has no header.
fn looks_like_data(cell: &str) -> bool {
    !cell.is_empty()
        && (cell.parse::<f64>().is_ok()
            || cell.parse::<std::net::IpAddr>().is_ok()
            || devicerisk_core::normalize_mac(cell).is_ok() && cell.contains([':', '-', '.'])
            || devicerisk_core::parse_date(cell).is_ok())
}

fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        for (index, letters) in [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (701, "ZZ"),
            (702, "AAA"),
            (16_383, "XFD"),
        ] {
            assert_eq!(column_letter(index), letters);
        }
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), ',');
        assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3\n4;5,5;6\n"), ';');
        assert_eq!(sniff_delimiter("a\tb\n\"x,y,z\"\t1\n"), '\t');
        assert_eq!(sniff_delimiter("a|b\nc|d\n"), '|');
        // Commas inside quotes do not vote, even across a quoted line break.
        assert_eq!(sniff_delimiter("a;b\n\"1,2,3\n4,5\";x\n"), ';');
        assert_eq!(sniff_delimiter("single column\nvalue\n"), ',');
    }

    #[test]
    fn line_break_counting() {
        assert_eq!(line_breaks(b"a\r\nb\nc\rd", 0, 8), 3);
        // A CR at the end of a slice followed by LF in the text counts once, at the LF.
        assert_eq!(
            line_breaks(b"a\r\nb", 0, 2) + line_breaks(b"a\r\nb", 2, 4),
            1
        );
    }
}
