//! Writing the inventory to CSV and XLSX for people and for re-import.
//!
//! Owns the export columns (headers are the import target labels, so an export maps back
//! automatically), the value spellings (vocabulary labels, ISO dates) and the defence against
//! formula injection: spreadsheet programs run a cell beginning with = + - @ as a formula.

use std::borrow::Cow;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use devicerisk_core::{Connectivity, Device};

use super::mapping::ImportTarget;
use crate::IntelError;

/// One device as exported, with the names of its site and zone.
#[derive(Debug, Clone, Copy)]
pub struct ExportRow<'a> {
    pub device: &'a Device,
    pub site_name: Option<&'a str>,
    pub zone_name: Option<&'a str>,
}

/// The exported columns, in order.
pub const EXPORT_COLUMNS: &[ImportTarget] = &[
    ImportTarget::AssetTag,
    ImportTarget::Name,
    ImportTarget::Category,
    ImportTarget::Manufacturer,
    ImportTarget::Model,
    ImportTarget::Serial,
    ImportTarget::SoftwareVersion,
    ImportTarget::OsName,
    ImportTarget::OsVersion,
    ImportTarget::Connectivity,
    ImportTarget::IpAddress,
    ImportTarget::MacAddress,
    ImportTarget::Hostname,
    ImportTarget::Site,
    ImportTarget::Zone,
    ImportTarget::Department,
    ImportTarget::ClinicalFunction,
    ImportTarget::FdaClass,
    ImportTarget::HandlesPhi,
    ImportTarget::PatchStatus,
    ImportTarget::LastPatchDate,
    ImportTarget::DefaultCredentialsChanged,
    ImportTarget::Authentication,
    ImportTarget::EncryptionInTransit,
    ImportTarget::EncryptionAtRest,
    ImportTarget::RemoteVendorAccess,
    ImportTarget::MonitoringCoverage,
    ImportTarget::LastVulnerabilityScan,
    ImportTarget::PurchaseDate,
    ImportTarget::VendorSupport,
    ImportTarget::VendorEndOfSupport,
    ImportTarget::Owner,
    ImportTarget::Status,
    ImportTarget::Notes,
];

enum Cell<'a> {
    Text(Cow<'a, str>),
    Date(Option<NaiveDate>),
}

fn text(value: &Option<String>) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(value.as_deref().unwrap_or("")))
}

fn label(value: &'static str) -> Cell<'static> {
    Cell::Text(Cow::Borrowed(value))
}

fn cell<'a>(row: &ExportRow<'a>, column: ImportTarget) -> Cell<'a> {
    let f = &row.device.fields;
    match column {
        ImportTarget::AssetTag => text(&f.asset_tag),
        ImportTarget::Name => Cell::Text(Cow::Borrowed(&f.name)),
        ImportTarget::Category => label(f.category.label()),
        ImportTarget::Manufacturer => text(&f.manufacturer),
        ImportTarget::Model => text(&f.model),
        ImportTarget::Serial => text(&f.serial),
        ImportTarget::SoftwareVersion => text(&f.software_version),
        ImportTarget::OsName => text(&f.os_name),
        ImportTarget::OsVersion => text(&f.os_version),
        ImportTarget::Connectivity => Cell::Text(Cow::Owned(
            f.connectivity
                .iter()
                .map(|c| Connectivity::label(*c))
                .collect::<Vec<_>>()
                .join(", "),
        )),
        ImportTarget::IpAddress => text(&f.ip_address),
        ImportTarget::MacAddress => text(&f.mac_address),
        ImportTarget::Hostname => text(&f.hostname),
        ImportTarget::Site => Cell::Text(Cow::Borrowed(row.site_name.unwrap_or(""))),
        ImportTarget::Zone => Cell::Text(Cow::Borrowed(row.zone_name.unwrap_or(""))),
        ImportTarget::Department => text(&f.department),
        ImportTarget::ClinicalFunction => label(f.clinical_function.label()),
        ImportTarget::FdaClass => label(f.fda_class.label()),
        ImportTarget::HandlesPhi => label(f.handles_phi.label()),
        ImportTarget::PatchStatus => label(f.patch_status.label()),
        ImportTarget::LastPatchDate => Cell::Date(f.last_patch_date),
        ImportTarget::DefaultCredentialsChanged => label(f.default_credentials_changed.label()),
        ImportTarget::Authentication => label(f.authentication.label()),
        ImportTarget::EncryptionInTransit => label(f.encryption_in_transit.label()),
        ImportTarget::EncryptionAtRest => label(f.encryption_at_rest.label()),
        ImportTarget::RemoteVendorAccess => label(f.remote_vendor_access.label()),
        ImportTarget::MonitoringCoverage => label(f.monitoring_coverage.label()),
        ImportTarget::LastVulnerabilityScan => Cell::Date(f.last_vulnerability_scan),
        ImportTarget::PurchaseDate => Cell::Date(f.purchase_date),
        ImportTarget::VendorSupport => label(f.vendor_support.label()),
        ImportTarget::VendorEndOfSupport => Cell::Date(f.vendor_end_of_support),
        ImportTarget::Owner => text(&f.owner),
        ImportTarget::Status => label(f.status.label()),
        ImportTarget::Notes => text(&f.notes),
        // Combined and ignored targets are import-only.
        ImportTarget::Ignore
        | ImportTarget::ManufacturerAndModel
        | ImportTarget::OsAndVersion
        | ImportTarget::Encryption => label(""),
    }
}

/// Makes a text cell inert in spreadsheet programs: a leading = + - @ TAB or CR would start
/// a formula (CSV injection), so such cells get a leading apostrophe, which Excel hides.
/// Text that already starts with apostrophes before such a character gets one more, so
/// that [`un_neutralize`] gives back exactly the original.
pub fn neutralize_formula(cell: &str) -> Cow<'_, str> {
    if starts_like_formula(cell.trim_start_matches('\'')) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn starts_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Undoes [`neutralize_formula`] when importing text files, so an exported cell comes back
/// unchanged. (Workbook cells never carry the apostrophe: Excel keeps it outside the value.)
pub(crate) fn un_neutralize(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

/// Writes UTF-8 CSV with a byte-order mark (so Excel detects UTF-8) and CRLF line ends.
/// The file is written beside the target and renamed, so a failure leaves no half file.
pub fn write_csv(path: &Path, rows: &[ExportRow]) -> Result<(), IntelError> {
    let mut buffer: Vec<u8> = Vec::with_capacity(64 + rows.len() * 256);
    buffer.extend_from_slice(b"\xEF\xBB\xBF");
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buffer);
        let write_error = |e: csv::Error| IntelError::Write {
            file: display_name(path),
            detail: e.to_string(),
        };
        writer
            .write_record(EXPORT_COLUMNS.iter().map(|c| c.label()))
            .map_err(write_error)?;
        let mut record: Vec<Cow<str>> = Vec::with_capacity(EXPORT_COLUMNS.len());
        for row in rows {
            record.clear();
            for &column in EXPORT_COLUMNS {
                record.push(match cell(row, column) {
                    Cell::Text(Cow::Borrowed(value)) => neutralize_formula(value),
                    Cell::Text(Cow::Owned(value)) => {
                        Cow::Owned(neutralize_formula(&value).into_owned())
                    }
                    Cell::Date(Some(date)) => Cow::Owned(devicerisk_core::validate::iso_date(date)),
                    Cell::Date(None) => Cow::Borrowed(""),
                });
            }
            writer
                .write_record(record.iter().map(|c| c.as_bytes()))
                .map_err(write_error)?;
        }
        writer.flush().map_err(|source| IntelError::WriteIo {
            file: display_name(path),
            source,
        })?;
    }
    replace_file(path, &buffer)
}

/// Writes an XLSX workbook: bold frozen header with an autofilter, readable column widths,
/// real Excel dates. Text is always written as a string, never as a formula.
pub fn write_xlsx(path: &Path, rows: &[ExportRow]) -> Result<(), IntelError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

    let xlsx_error = |e: rust_xlsxwriter::XlsxError| IntelError::Write {
        file: display_name(path),
        detail: e.to_string(),
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Devices").map_err(xlsx_error)?;
    let bold = Format::new().set_bold().set_align(FormatAlign::Top);
    let date_format = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_align(FormatAlign::Left);
    let mut widths: Vec<usize> = EXPORT_COLUMNS
        .iter()
        .map(|c| c.label().chars().count() + 3)
        .collect();
    for (col, column) in EXPORT_COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, column.label(), &bold)
            .map_err(xlsx_error)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let excel_row = index as u32 + 1;
        for (col, &column) in EXPORT_COLUMNS.iter().enumerate() {
            match cell(row, column) {
                Cell::Text(value) => {
                    if value.is_empty() {
                        continue;
                    }
                    let longest_line = value.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                    widths[col] = widths[col].max(longest_line + 1);
                    sheet
                        .write_string(excel_row, col as u16, value.as_ref())
                        .map_err(xlsx_error)?;
                }
                Cell::Date(Some(date)) => {
                    let when = ExcelDateTime::from_ymd(
                        date.year() as u16,
                        date.month() as u8,
                        date.day() as u8,
                    )
                    .map_err(xlsx_error)?;
                    widths[col] = widths[col].max(12);
                    sheet
                        .write_datetime_with_format(excel_row, col as u16, &when, &date_format)
                        .map_err(xlsx_error)?;
                }
                Cell::Date(None) => {}
            }
        }
    }
    for (col, width) in widths.iter().enumerate() {
        // Wide enough to read, narrow enough that notes do not push everything off screen.
        sheet
            .set_column_width(col as u16, (*width).clamp(8, 50) as f64)
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    sheet
        .autofilter(0, 0, rows.len() as u32, EXPORT_COLUMNS.len() as u16 - 1)
        .map_err(xlsx_error)?;
    let buffer = workbook.save_to_buffer().map_err(xlsx_error)?;
    replace_file(path, &buffer)
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), IntelError> {
    let io_error = |source| IntelError::WriteIo {
        file: display_name(path),
        source,
    };
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = std::path::PathBuf::from(temporary);
    std::fs::write(&temporary, bytes).map_err(io_error)?;
    std::fs::rename(&temporary, path).map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        io_error(source)
    })
}
