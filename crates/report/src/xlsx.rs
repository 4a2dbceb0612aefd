//! The Excel renderer: the report model as a workbook of real Excel tables (autofilter, frozen
//! header row, fitted column widths, date formats), risk levels coloured by conditional
//! formatting, status columns with drop-down validation, and a native chart on the summary.
//!
//! Text cells pass through `neutralize_formula`, so a device named "=HYPERLINK(...)" stays
//! text when the sheet is saved again as CSV.

use chrono::{Datelike, NaiveDate};
use devicerisk_core::risk::RiskLevel;
use devicerisk_intel::inventory::neutralize_formula;
use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormatText, ConditionalFormatTextRule, DataValidation,
    DocProperties, ExcelDateTime, Format, FormatBorder, Table, TableColumn, TableStyle, Workbook,
    Worksheet,
};

use crate::model::*;
use crate::pdf::level_rgb;
use crate::ReportError;

/// The sheets, in order.
pub const SHEET_NAMES: &[&str] = &[
    "Summary",
    "Inventory",
    "Risk register",
    "Remediation plan",
    "Lifecycle budget",
    "Device risks",
    "Segmentation",
    "Unsupported devices",
    "Questionnaire",
    "Vulnerabilities",
    "Vendors",
    "Evidence",
    "Audit trail",
    "Mapping",
    "Method",
];

enum V {
    S(String),
    N(f64),
    D(Option<NaiveDate>),
    /// Dollars, in the currency format; empty when not estimated.
    Money(Option<f64>),
    Level(RiskLevel),
}

fn s(text: &str) -> V {
    V::S(text.to_string())
}

/// One table sheet. Columns holding risk levels (`V::Level`) are coloured by conditional
/// formatting; status columns get their drop-down list by header name, so inserting a column
/// cannot move a list onto the wrong one.
struct Sheet<'a> {
    name: &'a str,
    headers: &'a [&'a str],
    rows: Vec<Vec<V>>,
    /// Drop-down lists on status columns: (header, allowed values).
    choices: Vec<(&'a str, Vec<String>)>,
}

impl<'a> Sheet<'a> {
    fn new(name: &'a str, headers: &'a [&'a str], rows: Vec<Vec<V>>) -> Sheet<'a> {
        Sheet {
            name,
            headers,
            rows,
            choices: Vec::new(),
        }
    }

    fn choices(mut self, header: &'a str, values: Vec<String>) -> Sheet<'a> {
        self.choices.push((header, values));
        self
    }
}

struct Formats {
    date: Format,
    money: Format,
    bold: Format,
    title: Format,
    levels: Vec<(RiskLevel, Format)>,
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, ReportError> {
    Ok(ExcelDateTime::from_ymd(
        d.year() as u16,
        d.month() as u8,
        d.day() as u8,
    )?)
}

fn rgb_hex((r, g, b): (u8, u8, u8)) -> u32 {
    ((r as u32) << 16) | ((g as u32) << 8) | b as u32
}

fn write_table_sheet(
    workbook: &mut Workbook,
    formats: &Formats,
    sheet: Sheet<'_>,
) -> Result<(), ReportError> {
    let ws = workbook.add_worksheet();
    ws.set_name(sheet.name)?;
    let columns = sheet.headers.len() as u16;
    let mut widths: Vec<usize> = sheet
        .headers
        .iter()
        .map(|h| h.chars().count() + 4)
        .collect();
    let mut level_columns = vec![false; sheet.headers.len()];
    for (r, row) in sheet.rows.iter().enumerate() {
        let row_num = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let col = c as u16;
            match value {
                V::S(text) => {
                    if !text.is_empty() {
                        ws.write_string(row_num, col, neutralize_formula(text))?;
                    }
                    widths[c] = widths[c].max(text.chars().count().min(60));
                }
                V::Level(level) => {
                    ws.write_string(row_num, col, level_label(*level))?;
                    widths[c] = widths[c].max(9);
                    level_columns[c] = true;
                }
                V::N(n) => {
                    ws.write_number(row_num, col, *n)?;
                    widths[c] = widths[c].max(format!("{n}").len());
                }
                V::D(Some(d)) => {
                    ws.write_date_with_format(row_num, col, excel_date(*d)?, &formats.date)?;
                    widths[c] = widths[c].max(11);
                }
                V::D(None) | V::Money(None) => {}
                V::Money(Some(amount)) => {
                    ws.write_number_with_format(row_num, col, *amount, &formats.money)?;
                    widths[c] = widths[c].max(12);
                }
            }
        }
    }
    let last_row = sheet.rows.len().max(1) as u32;
    let table = Table::new()
        .set_style(TableStyle::Medium2)
        .set_autofilter(true)
        .set_columns(
            &sheet
                .headers
                .iter()
                .map(|h| TableColumn::new().set_header(*h))
                .collect::<Vec<_>>(),
        );
    ws.add_table(0, 0, last_row, columns - 1, &table)?;
    ws.set_freeze_panes(1, 0)?;
    for (c, width) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*width as f64 + 2.0).min(62.0))?;
    }
    for (col, _) in level_columns
        .iter()
        .enumerate()
        .filter(|(_, level)| **level)
    {
        add_level_formats(ws, formats, 1, col as u16, last_row, col as u16)?;
    }
    for (header, values) in &sheet.choices {
        let col = sheet
            .headers
            .iter()
            .position(|h| h == header)
            .ok_or_else(|| {
                ReportError::Render(format!("the {} sheet has no {header} column", sheet.name))
            })?;
        let validation = DataValidation::new()
            .allow_list_strings(values)?
            .set_error_title("Not a status")?
            .set_error_message("Choose one of the listed values.")?;
        ws.add_data_validation(1, col as u16, last_row, col as u16, &validation)?;
    }
    Ok(())
}

fn add_level_formats(
    ws: &mut Worksheet,
    formats: &Formats,
    first_row: u32,
    first_col: u16,
    last_row: u32,
    last_col: u16,
) -> Result<(), ReportError> {
    for (level, format) in &formats.levels {
        let rule = ConditionalFormatText::new()
            .set_rule(ConditionalFormatTextRule::BeginsWith(
                level_label(*level).to_string(),
            ))
            .set_format(format);
        ws.add_conditional_format(first_row, first_col, last_row, last_col, &rule)?;
    }
    Ok(())
}

fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|&v| label(v).to_string()).collect()
}

/// Renders the workbook as XLSX bytes.
pub fn render_xlsx(model: &ReportModel) -> Result<Vec<u8>, ReportError> {
    use devicerisk_core::{DeviceStatus, PatchStatus, TriState};

    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(model.meta.generated_at.timestamp())?;
    let properties = DocProperties::new()
        .set_title(format!("{} — {}", model.meta.title, model.meta.clinic_name))
        .set_subject("HIPAA risk analysis audit packet")
        .set_author(
            model
                .meta
                .security_officer
                .clone()
                .unwrap_or_else(|| model.meta.clinic_name.clone()),
        )
        .set_company(model.meta.clinic_name.clone())
        .set_comment(model.meta.generator.clone())
        .set_creation_datetime(&created);
    workbook.set_properties(&properties);

    let formats = Formats {
        date: Format::new().set_num_format("yyyy-mm-dd"),
        money: Format::new().set_num_format("$#,##0.00"),
        bold: Format::new().set_bold(),
        title: Format::new().set_bold().set_font_size(16),
        levels: RiskLevel::ALL
            .iter()
            .map(|&l| {
                (
                    l,
                    Format::new()
                        .set_background_color(rgb_hex(level_rgb(l)))
                        .set_bold(),
                )
            })
            .collect(),
    };

    summary_sheet(&mut workbook, &formats, model)?;

    let inv = &model.inventory;
    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Inventory",
            &[
                "Asset tag",
                "Name",
                "Category",
                "Manufacturer",
                "Model",
                "Serial",
                "Software version",
                "Operating system",
                "Connectivity",
                "IP address",
                "Site",
                "Zone",
                "Department",
                "Vendor",
                "Clinical function",
                "Handles PHI",
                "Patch status",
                "Last patch",
                "Vendor support",
                "End of support",
                "Purchased",
                "Owner",
                "Status",
                "Unknown facts",
            ],
            inv.devices
                .iter()
                .map(|d| {
                    vec![
                        s(&d.asset_tag),
                        s(&d.name),
                        s(&d.category),
                        s(&d.manufacturer),
                        s(&d.model),
                        s(&d.serial),
                        s(&d.software_version),
                        s(&d.operating_system),
                        s(&d.connectivity),
                        s(&d.ip_address),
                        s(&d.site),
                        s(&d.zone),
                        s(&d.department),
                        s(&d.vendor),
                        s(&d.clinical_function),
                        s(&d.handles_phi),
                        s(&d.patch_status),
                        V::D(d.last_patch_date),
                        s(&d.vendor_support),
                        V::D(d.vendor_end_of_support),
                        V::D(d.purchase_date),
                        s(&d.owner),
                        s(&d.status),
                        V::N(d.unknown_facts as f64),
                    ]
                })
                .collect(),
        )
        .choices("Patch status", labels(PatchStatus::ALL, PatchStatus::label))
        .choices("Status", labels(DeviceStatus::ALL, DeviceStatus::label)),
    )?;

    let risk_statuses = labels(
        devicerisk_core::RiskStatus::ALL,
        devicerisk_core::RiskStatus::label,
    );
    let register_rows = |entries: &[RegisterEntry]| -> Vec<Vec<V>> {
        entries
            .iter()
            .map(|r| {
                vec![
                    s(&r.title),
                    V::N(r.devices as f64),
                    V::Level(r.inherent),
                    V::Level(r.residual),
                    s(&r.treatment),
                    s(&r.owner),
                    V::D(r.due_date),
                    V::D(r.review_date),
                    s(&r.status),
                    s(if r.overdue { "Overdue" } else { "" }),
                    s(&r.controls),
                ]
            })
            .collect()
    };
    let register_headers: &[&str] = &[
        "Risk",
        "Devices",
        "Inherent level",
        "Residual level",
        "Treatment",
        "Owner",
        "Due",
        "Review",
        "Status",
        "Overdue",
        "Controls in place",
    ];
    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Risk register",
            register_headers,
            register_rows(&model.register.entries),
        )
        .choices("Status", risk_statuses.clone()),
    )?;
    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Remediation plan",
            register_headers,
            register_rows(&model.remediation),
        )
        .choices("Status", risk_statuses),
    )?;
    let plan_statuses = labels(
        &devicerisk_core::lifecycle::PlanStatus::ALL,
        devicerisk_core::lifecycle::PlanStatus::label,
    );
    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Lifecycle budget",
            &[
                "Fiscal year",
                "Year starts",
                "Year ends",
                "Device",
                "Action",
                "Target date",
                "Cost",
                "Owner",
                "Status",
            ],
            model
                .roadmap
                .iter()
                .flat_map(|y| {
                    y.actions.iter().map(move |a| {
                        vec![
                            s(&y.label),
                            V::D(Some(y.start)),
                            V::D(Some(y.end)),
                            s(&a.device),
                            s(&a.action),
                            V::D(Some(a.target_date)),
                            V::Money(a.cost),
                            s(&a.owner),
                            s(&a.status),
                        ]
                    })
                })
                .collect(),
        )
        .choices("Status", plan_statuses),
    )?;
    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Device risks",
            &[
                "Asset tag",
                "Device",
                "Category",
                "Site",
                "Owner",
                "Likelihood",
                "Impact",
                "Inherent level",
                "Residual likelihood",
                "Residual impact",
                "Residual level",
                "Main reasons",
                "What would lower it most",
            ],
            model
                .register
                .risks
                .iter()
                .map(|r| {
                    vec![
                        s(&r.asset_tag),
                        s(&r.device),
                        s(&r.category),
                        s(&r.site),
                        s(&r.owner),
                        V::N(r.likelihood as f64),
                        V::N(r.impact as f64),
                        V::Level(r.inherent),
                        V::N(r.residual_likelihood as f64),
                        V::N(r.residual_impact as f64),
                        V::Level(r.residual),
                        V::S(r.reasons.join("; ")),
                        s(&r.best_action),
                    ]
                })
                .collect(),
        ),
    )?;

    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Segmentation",
            &["Asset tag", "Device", "Site", "Zone", "Issue", "Severity"],
            model
                .segmentation
                .findings
                .iter()
                .map(|f| {
                    vec![
                        s(&f.asset_tag),
                        s(&f.device),
                        s(&f.site),
                        s(&f.zone),
                        s(&f.issue),
                        V::Level(f.severity),
                    ]
                })
                .collect(),
        ),
    )?;

    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Unsupported devices",
            &[
                "Asset tag",
                "Device",
                "Operating system",
                "Vendor support",
                "End of support",
                "Patch status",
                "Residual level",
                "Compensating measures recorded",
            ],
            model
                .unsupported
                .iter()
                .map(|d| {
                    vec![
                        s(&d.asset_tag),
                        s(&d.device),
                        s(&d.operating_system),
                        s(&d.vendor_support),
                        V::D(d.vendor_end_of_support),
                        s(&d.patch_status),
                        V::Level(d.residual),
                        s(&d.compensating_controls),
                    ]
                })
                .collect(),
        ),
    )?;

    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Questionnaire",
            &[
                "Severity",
                "Practice",
                "Subject",
                "Question id",
                "Question",
                "Answer",
                "Note",
                "Action",
                "HICP",
                "NIST CSF 2.0",
                "HIPAA",
            ],
            model
                .questionnaire
                .gaps
                .iter()
                .map(|g| {
                    vec![
                        V::Level(g.severity),
                        V::N(g.practice as f64),
                        s(&g.subject),
                        s(&g.question_id),
                        s(&g.question),
                        s(&g.answer),
                        s(&g.note),
                        s(&g.action),
                        s(&g.hicp),
                        s(&g.csf),
                        s(&g.hipaa),
                    ]
                })
                .collect(),
        ),
    )?;

    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Vulnerabilities",
            &[
                "Device",
                "Advisory / CVE",
                "Title",
                "Confidence",
                "CVEs",
                "Known exploited",
                "Max CVSS",
                "Decision",
                "Counts in risk",
            ],
            model
                .vulnerabilities
                .iter()
                .map(|v| {
                    vec![
                        s(&v.device),
                        s(&v.source),
                        s(&v.title),
                        s(&v.confidence),
                        s(&v.cves),
                        s(if v.known_exploited { "Yes" } else { "No" }),
                        v.max_cvss.map_or(V::D(None), V::N),
                        s(&v.decision),
                        s(if v.counted { "Yes" } else { "No" }),
                    ]
                })
                .collect(),
        ),
    )?;

    let tri = labels(TriState::ALL, TriState::label);
    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Vendors",
            &[
                "Vendor",
                "Devices",
                "Security contact",
                "Disclosure policy",
                "Patch cadence",
                "Support lifecycle",
                "SBOM on file",
                "MDS2 on file",
                "BAA signed",
                "Still to obtain",
            ],
            model
                .vendors
                .iter()
                .map(|v| {
                    vec![
                        s(&v.name),
                        V::N(v.devices as f64),
                        s(&v.security_contact),
                        s(&v.disclosure_policy),
                        s(&v.patch_cadence),
                        s(&v.support_lifecycle),
                        s(&v.sbom_on_file),
                        s(&v.mds2_on_file),
                        s(&v.baa_signed),
                        s(&v.missing),
                    ]
                })
                .collect(),
        )
        .choices("Disclosure policy", tri.clone())
        .choices("SBOM on file", tri.clone())
        .choices("MDS2 on file", tri.clone())
        .choices("BAA signed", tri),
    )?;

    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Evidence",
            &[
                "File",
                "SHA-256",
                "Size (bytes)",
                "Subject",
                "Question id",
                "Supports",
                "Added",
            ],
            model
                .evidence
                .iter()
                .map(|e| {
                    vec![
                        s(&e.file_name),
                        s(&e.sha256),
                        V::N(e.size_bytes),
                        s(&e.subject),
                        s(&e.question_id),
                        s(&e.supports),
                        V::D(Some(e.added_at.date_naive())),
                    ]
                })
                .collect(),
        ),
    )?;

    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Audit trail",
            &["When (UTC)", "Who", "Action", "Entity", "What"],
            model
                .audit
                .entries
                .iter()
                .map(|a| {
                    vec![
                        V::S(a.at.format("%Y-%m-%d %H:%M:%S").to_string()),
                        s(&a.actor),
                        s(&a.action),
                        s(&a.entity),
                        s(&a.summary),
                    ]
                })
                .collect(),
        ),
    )?;

    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Mapping",
            &[
                "Finding",
                "Subject",
                "Severity",
                "HIPAA",
                "HICP",
                "NIST CSF 2.0",
            ],
            model
                .mapping
                .iter()
                .map(|m| {
                    vec![
                        s(&m.finding),
                        s(&m.subject),
                        V::Level(m.severity),
                        s(&m.hipaa),
                        s(&m.hicp),
                        s(&m.csf),
                    ]
                })
                .collect(),
        ),
    )?;

    let md = &model.method;
    let mut rows = Vec::new();
    for f in &md.factors {
        rows.push(vec![
            s("Likelihood factor"),
            s(&f.id),
            s(&f.label),
            V::N(f.points as f64),
            s(&f.applies_when),
        ]);
    }
    for r in &md.impact_rules {
        rows.push(vec![
            s("Impact rule"),
            s(&r.id),
            s(&r.label),
            V::N(r.level as f64),
            s(&r.applies_when),
        ]);
    }
    for c in &md.controls {
        rows.push(vec![
            s("Compensating control"),
            s(&c.id),
            s(&c.label),
            V::D(None),
            s(&c.effect),
        ]);
    }
    for step in &md.likelihood_scale {
        rows.push(vec![
            s("Likelihood scale"),
            V::S(step.level.to_string()),
            s(&step.label),
            V::N(step.level as f64),
            s(&step.meaning),
        ]);
    }
    for step in &md.impact_scale {
        rows.push(vec![
            s("Impact scale"),
            V::S(step.level.to_string()),
            s(&step.label),
            V::N(step.level as f64),
            s(&step.meaning),
        ]);
    }
    write_table_sheet(
        &mut workbook,
        &formats,
        Sheet::new(
            "Method",
            &[
                "Kind",
                "Id",
                "Label",
                "Points / level",
                "Applies when / effect",
            ],
            rows,
        ),
    )?;

    Ok(workbook.save_to_buffer()?)
}

fn summary_sheet(
    workbook: &mut Workbook,
    formats: &Formats,
    model: &ReportModel,
) -> Result<(), ReportError> {
    let ws = workbook.add_worksheet();
    ws.set_name("Summary")?;
    let meta = &model.meta;
    ws.write_string_with_format(0, 0, neutralize_formula(&meta.clinic_name), &formats.title)?;
    ws.write_string(1, 0, &meta.title)?;
    let mut row = 3;
    let mut pair = |ws: &mut Worksheet, key: &str, value: &str| -> Result<(), ReportError> {
        ws.write_string_with_format(row, 0, key, &formats.bold)?;
        ws.write_string(row, 1, neutralize_formula(value))?;
        row += 1;
        Ok(())
    };
    if let Some(a) = &meta.assessment {
        pair(ws, "Assessment", &a.title)?;
        pair(ws, "Period", &a.period)?;
        pair(
            ws,
            "Status",
            &format!("{}, revision {}", a.status, a.revision),
        )?;
    } else {
        pair(ws, "Assessment", "None recorded yet")?;
    }
    pair(ws, "Facts as of", &meta.as_of.to_string())?;
    pair(
        ws,
        "Generated",
        &meta.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    )?;
    pair(
        ws,
        "Risk method",
        &format!("{} version {}", meta.method_name, meta.method_version),
    )?;
    pair(
        ws,
        "Devices in scope",
        &model.executive.devices_in_scope.to_string(),
    )?;
    pair(ws, "Overall posture", &model.executive.posture)?;

    // Levels table, the chart's data.
    let top = row + 1;
    ws.write_string_with_format(top, 0, "Level", &formats.bold)?;
    ws.write_string_with_format(top, 1, "Inherent", &formats.bold)?;
    ws.write_string_with_format(top, 2, "Residual", &formats.bold)?;
    for (i, level) in RiskLevel::ALL.iter().rev().enumerate() {
        let r = top + 1 + i as u32;
        ws.write_string(r, 0, level_label(*level))?;
        ws.write_number(r, 1, model.executive.inherent.get(*level) as f64)?;
        ws.write_number(r, 2, model.executive.residual.get(*level) as f64)?;
    }
    add_level_formats(ws, formats, top + 1, 0, top + 4, 0)?;
    let mut chart = Chart::new(ChartType::Column);
    chart.title().set_name("Devices by risk level");
    chart
        .add_series()
        .set_name("Inherent")
        .set_categories(("Summary", top + 1, 0, top + 4, 0))
        .set_values(("Summary", top + 1, 1, top + 4, 1));
    chart
        .add_series()
        .set_name("Residual")
        .set_categories(("Summary", top + 1, 0, top + 4, 0))
        .set_values(("Summary", top + 1, 2, top + 4, 2));
    ws.insert_chart(top, 4, &chart)?;

    // Heat map: likelihood 5 at the top, impact 1-5 across.
    let hm = top + 7;
    ws.write_string_with_format(hm, 0, "Residual heat map (devices)", &formats.bold)?;
    for impact in 1..=5u16 {
        ws.write_string_with_format(hm + 1, impact, format!("Impact {impact}"), &formats.bold)?;
    }
    for (i, likelihood) in (1..=5usize).rev().enumerate() {
        let r = hm + 2 + i as u32;
        ws.write_string_with_format(r, 0, format!("Likelihood {likelihood}"), &formats.bold)?;
        for impact in 1..=5usize {
            let level = model
                .executive
                .matrix
                .get(likelihood - 1)
                .and_then(|row| row.get(impact - 1))
                .copied()
                .unwrap_or(RiskLevel::Low);
            let format = Format::new()
                .set_background_color(rgb_hex(level_rgb(level)))
                .set_border(FormatBorder::Thin);
            ws.write_number_with_format(
                r,
                impact as u16,
                model.executive.heat_map[likelihood - 1][impact - 1] as f64,
                &format,
            )?;
        }
    }
    change_rows(ws, formats, hm + 8, model.executive.change.as_ref())?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 60)?;
    Ok(())
}

/// The change since the previous assessment, below the heat map (as in the PDF's summary).
fn change_rows(
    ws: &mut Worksheet,
    formats: &Formats,
    mut row: u32,
    change: Option<&ChangeSincePrevious>,
) -> Result<(), ReportError> {
    ws.write_string_with_format(
        row,
        0,
        "Change since the previous assessment",
        &formats.bold,
    )?;
    row += 1;
    let Some(c) = change else {
        ws.write_string(
            row,
            0,
            "This is the first assessment recorded: there is no earlier one to compare with.",
        )?;
        return Ok(());
    };
    let names = |count: u32, names: &[String]| {
        if names.is_empty() {
            count.to_string()
        } else {
            format!("{count}: {}", names.join(", "))
        }
    };
    let pairs = [
        (
            "Previous assessment",
            format!("{} (started {})", c.previous_title, c.previous_started_on),
        ),
        ("Compared from when", c.since.clone()),
        ("Findings then", c.previous_findings.to_string()),
        ("Findings now", c.findings_now.to_string()),
        ("Resolved since", c.resolved.to_string()),
        ("New since", c.new.to_string()),
        ("Answers changed", c.answers_changed.to_string()),
        (
            "Devices added since",
            names(c.devices_added, &c.devices_added_names),
        ),
        (
            "Devices retired since",
            names(c.devices_retired, &c.devices_retired_names),
        ),
        (
            "Device records changed",
            crate::sections::devices_changed(c),
        ),
    ];
    for (key, value) in pairs {
        ws.write_string_with_format(row, 0, key, &formats.bold)?;
        ws.write_string(row, 1, neutralize_formula(&value))?;
        row += 1;
    }
    let Some(l) = &c.levels else {
        ws.write_string_with_format(row, 0, "Risk levels then", &formats.bold)?;
        ws.write_string(row, 1, &c.levels_not_recorded)?;
        return Ok(());
    };
    row += 1;
    let headers = [
        "Devices by level",
        "Inherent then",
        "Inherent now",
        "Residual then",
        "Residual now",
    ];
    for (col, header) in headers.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *header, &formats.bold)?;
    }
    for level in RiskLevel::ALL.iter().rev() {
        row += 1;
        ws.write_string(row, 0, level_label(*level))?;
        let counts = [
            l.inherent_then,
            l.inherent_now,
            l.residual_then,
            l.residual_now,
        ];
        for (col, counts) in counts.iter().enumerate() {
            ws.write_number(row, col as u16 + 1, counts.get(*level) as f64)?;
        }
    }
    add_level_formats(ws, formats, row - 3, 0, row, 0)?;
    row += 2;
    let headers = ["Register risk", "Change", "Residual then", "Residual now"];
    for (col, header) in headers.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *header, &formats.bold)?;
    }
    let first = row + 1;
    for r in &l.risks {
        row += 1;
        ws.write_string(row, 0, neutralize_formula(&r.title))?;
        ws.write_string(row, 1, r.change.label())?;
        for (col, level) in [(2, r.then), (3, r.now)] {
            ws.write_string(row, col, level.map_or("—", level_label))?;
        }
    }
    if row >= first {
        add_level_formats(ws, formats, first, 2, row, 3)?;
    }
    Ok(())
}
