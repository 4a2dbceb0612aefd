//! How command results look on stdout: aligned text tables for people, JSON and CSV for scripts.

use std::io::{self, Write};

use devicerisk_api::{
    CellIssue, DemoHistoryReport, DemoReport, DeviceList, ImportPreview, ImportReport, TargetInfo,
};
use serde::Serialize;

/// Longest cell shown in a text table; longer text is cut with an ellipsis so rows stay one
/// line in an ordinary terminal (the JSON and CSV formats carry the full text).
const MAX_CELL_CHARS: usize = 32;

/// A text table with a header row, columns padded to their widest cell.
pub struct TextTable {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl TextTable {
    pub fn new(headers: Vec<&'static str>) -> Self {
        TextTable {
            headers,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.headers.len());
        self.rows
            .push(row.into_iter().map(|cell| fit(&cell)).collect());
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let headers: Vec<String> = self.headers.iter().map(|h| h.to_string()).collect();
        write_line(out, &headers, &widths)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        write_line(out, &rule, &widths)?;
        for row in &self.rows {
            write_line(out, row, &widths)?;
        }
        Ok(())
    }
}

fn write_line(out: &mut impl Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    let mut line = String::new();
    for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if index > 0 {
            line.push_str("  ");
        }
        line.push_str(cell);
        if index + 1 < cells.len() {
            line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
        }
    }
    writeln!(out, "{line}")
}

/// One line, at most `MAX_CELL_CHARS` characters: control characters (a quoted newline in an
/// imported cell) would break the table's rows.
fn fit(cell: &str) -> String {
    let flat: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= MAX_CELL_CHARS {
        flat
    } else {
        let mut cut: String = flat.chars().take(MAX_CELL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// Exactly one JSON document, pretty-printed, then a newline.
pub fn json(out: &mut impl Write, value: &impl Serialize) -> Result<(), crate::Failure> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn device_table(out: &mut impl Write, list: &DeviceList) -> io::Result<()> {
    let mut table = TextTable::new(vec![
        "Name",
        "Category",
        "Manufacturer",
        "Model",
        "Asset tag",
        "Site",
        "Zone",
        "Status",
        "Gaps",
    ]);
    for row in &list.rows {
        let fields = &row.device.fields;
        table.push(vec![
            fields.name.clone(),
            fields.category.label().to_string(),
            text(&fields.manufacturer),
            text(&fields.model),
            text(&fields.asset_tag),
            text(&row.site_name),
            text(&row.zone_name),
            fields.status.label().to_string(),
            row.gaps.len().to_string(),
        ]);
    }
    table.write(out)?;
    writeln!(
        out,
        "\n{} devices shown of {}; {} with gaps.",
        list.shown, list.total, list.counts.with_gaps
    )
}

/// Rows as CSV under a header line.
pub(crate) fn csv_out<W: Write>(
    out: &mut W,
    headers: &[&str],
    rows: Vec<Vec<String>>,
) -> crate::CliResult {
    let mut writer = csv::Writer::from_writer(out);
    let csv_error = |e: csv::Error| crate::Failure::Internal(format!("cannot write CSV: {e}"));
    writer.write_record(headers).map_err(csv_error)?;
    for row in rows {
        writer.write_record(row).map_err(csv_error)?;
    }
    writer.flush()?;
    Ok(())
}

/// Rows as an aligned text table under its headers.
pub(crate) fn table_out(
    out: &mut impl Write,
    headers: &[&'static str],
    rows: Vec<Vec<String>>,
) -> crate::CliResult {
    let mut table = TextTable::new(headers.to_vec());
    for row in rows {
        table.push(row);
    }
    table.write(out)?;
    Ok(())
}

/// The device list as CSV: one row per device with the identifying columns (the full record,
/// every field, is what `export inventory` writes).
pub fn device_csv(out: &mut impl Write, list: &DeviceList) -> Result<(), crate::Failure> {
    let mut writer = csv::Writer::from_writer(out);
    let csv_error = |e: csv::Error| crate::Failure::Internal(format!("cannot write CSV: {e}"));
    writer
        .write_record([
            "id",
            "asset_tag",
            "name",
            "category",
            "manufacturer",
            "model",
            "serial",
            "ip_address",
            "mac_address",
            "site",
            "zone",
            "status",
            "gaps",
        ])
        .map_err(csv_error)?;
    for row in &list.rows {
        let fields = &row.device.fields;
        writer
            .write_record([
                row.device.id.to_string(),
                text(&fields.asset_tag),
                fields.name.clone(),
                fields.category.label().to_string(),
                text(&fields.manufacturer),
                text(&fields.model),
                text(&fields.serial),
                text(&fields.ip_address),
                text(&fields.mac_address),
                text(&row.site_name),
                text(&row.zone_name),
                fields.status.label().to_string(),
                row.gaps.join("; "),
            ])
            .map_err(csv_error)?;
    }
    writer.flush()?;
    Ok(())
}

pub fn import_preview(
    out: &mut impl Write,
    preview: &ImportPreview,
    targets: &[TargetInfo],
) -> io::Result<()> {
    let delimiter = preview
        .delimiter
        .as_deref()
        .map(|d| format!(", delimiter '{d}'"))
        .unwrap_or_default();
    writeln!(
        out,
        "Preview of {} ({}, {}{delimiter}) — nothing has been written.",
        preview.file_name, preview.format, preview.encoding
    )?;
    writeln!(out, "\nColumns:")?;
    for mapping in &preview.mapping {
        let label = targets
            .iter()
            .find(|t| t.target == mapping.target)
            .map(|t| t.label.as_str())
            .unwrap_or("?");
        writeln!(out, "  {:<32} → {label}", format!("'{}'", mapping.header))?;
    }
    let summary = &preview.summary;
    writeln!(
        out,
        "\nRows: {}  valid: {}  with problems: {}",
        summary.rows, summary.valid, summary.with_errors
    )?;
    writeln!(
        out,
        "Would create {}, update {}, leave {} unchanged.",
        summary.create, summary.update, summary.unchanged
    )?;
    if !summary.new_sites.is_empty() {
        writeln!(out, "New sites: {}", summary.new_sites.join(", "))?;
    }
    if !summary.new_zones.is_empty() {
        writeln!(out, "New zones: {}", summary.new_zones.join(", "))?;
    }
    if preview.issues.is_empty() {
        writeln!(out, "\nNo problems found.")?;
    } else {
        writeln!(out, "\nProblems ({}):", preview.issues.len())?;
        for issue in &preview.issues {
            writeln!(out, "  {}", issue_line(issue))?;
        }
    }
    Ok(())
}

/// "row N, column 'X' (field): message", the one way problems are written.
pub fn issue_line(issue: &CellIssue) -> String {
    format!(
        "row {}, column '{}' ({}): {}",
        issue.row, issue.column, issue.field, issue.message
    )
}

pub fn import_report(out: &mut impl Write, report: &ImportReport) -> io::Result<()> {
    writeln!(
        out,
        "Imported {}: {} created, {} updated, {} unchanged.",
        report.file_name, report.created, report.updated, report.unchanged
    )?;
    if !report.created_sites.is_empty() {
        writeln!(out, "New sites: {}", report.created_sites.join(", "))?;
    }
    if !report.created_zones.is_empty() {
        writeln!(out, "New zones: {}", report.created_zones.join(", "))?;
    }
    Ok(())
}

pub fn demo_report(out: &mut impl Write, report: &DemoReport) -> io::Result<()> {
    writeln!(
        out,
        "Demo clinic \"{}\": {} sites, {} network zones, {} vendors, {} devices.",
        report.clinic, report.sites, report.zones, report.vendors, report.devices
    )
}

pub fn demo_history(out: &mut impl Write, report: &DemoHistoryReport) -> io::Result<()> {
    writeln!(
        out,
        "A year of history: {} assessments ({} answers), {} control assignments, {} risk decisions, {} planned actions, {} patches.",
        report.assessments,
        report.answers,
        report.controls,
        report.risk_decisions,
        report.plans,
        report.patches
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_columns_are_aligned_and_long_cells_cut() {
        let mut table = TextTable::new(vec!["Name", "Model"]);
        table.push(vec!["Pump".into(), "Alaris 8015".into()]);
        table.push(vec!["x".repeat(40), "line one\nline two".into()]);
        let mut bytes = Vec::new();
        table.write(&mut bytes).unwrap();
        let printed = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), 4, "{printed}");
        let model_column = lines[0].find("Model").unwrap();
        assert_eq!(lines[2].find("Alaris").unwrap(), model_column);
        assert_eq!(
            lines[3].chars().position(|c| c == 'l').unwrap(),
            model_column
        );
        assert!(lines[3].contains(&format!("{}…", "x".repeat(MAX_CELL_CHARS - 1))));
        assert!(lines[3].ends_with("line one line two"));
    }
}
