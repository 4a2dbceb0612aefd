//! `devicerisk report pdf|xlsx` and `devicerisk bench report`: glue over the api's audit packet.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{SubsecRound, Utc};
use clap::{Subcommand, ValueEnum};
use devicerisk_api::{Api, Paper, ReportFormat, ReportRequest, ReportResult};

use crate::assessment::parse_id;
use crate::bench::{demo_clinic, machine, median, seconds};
use crate::{output, CliResult};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum PaperArg {
    Letter,
    A4,
}

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// Write the audit packet as a PDF.
    Pdf {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The assessment to report on [default: the newest].
        #[arg(long, value_name = "ID")]
        assessment: Option<String>,
        #[arg(long, value_enum, default_value_t = PaperArg::Letter)]
        paper: PaperArg,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write the audit packet as an Excel workbook.
    Xlsx {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The assessment to report on [default: the newest].
        #[arg(long, value_name = "ID")]
        assessment: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn paper(arg: PaperArg) -> Paper {
    match arg {
        PaperArg::Letter => Paper::Letter,
        PaperArg::A4 => Paper::A4,
    }
}

pub(crate) fn run(db_path: &Path, out: &mut impl Write, command: ReportCommand) -> CliResult {
    let api = Api::open(db_path)?;
    let (request, format) = match command {
        ReportCommand::Pdf {
            out: file,
            assessment,
            paper: p,
            format,
        } => (
            ReportRequest {
                format: ReportFormat::Pdf,
                paper: paper(p),
                assessment_id: assessment.as_deref().map(parse_id).transpose()?,
                path: file.to_string_lossy().into_owned(),
            },
            format,
        ),
        ReportCommand::Xlsx {
            out: file,
            assessment,
            format,
        } => (
            ReportRequest {
                format: ReportFormat::Xlsx,
                paper: Paper::Letter,
                assessment_id: assessment.as_deref().map(parse_id).transpose()?,
                path: file.to_string_lossy().into_owned(),
            },
            format,
        ),
    };
    let result = api.write_report(&request, Utc::now().trunc_subsecs(0), &mut |_| {})?;
    match format {
        Format::Json => output::json(out, &result)?,
        Format::Table => summary(out, &result)?,
    }
    Ok(())
}

fn summary(out: &mut impl Write, r: &ReportResult) -> std::io::Result<()> {
    let what = match r.format {
        ReportFormat::Pdf => format!("PDF, {} pages", r.pages.unwrap_or(0)),
        ReportFormat::Xlsx => "Excel workbook".to_string(),
    };
    writeln!(
        out,
        "Wrote the audit packet ({what}, {:.0} KB) for {} ({} devices in use) to {}",
        r.size_bytes / 1024.0,
        r.assessment_title
            .as_deref()
            .unwrap_or("the inventory, no assessment yet"),
        r.devices,
        r.path
    )
}

/// The goals on a 10,000-device demo clinic (release build).
const PDF_GOAL: Duration = Duration::from_secs(3);
const XLSX_GOAL: Duration = Duration::from_secs(2);

/// `devicerisk bench report`: PDF and XLSX of a demo clinic, median of `runs`.
pub(crate) fn bench(out: &mut impl Write, devices: u32, runs: u32) -> CliResult {
    let (dir, api) = demo_clinic(out, devices, runs)?;
    let at = Utc::now().trunc_subsecs(0);
    let mut pdf_times = Vec::new();
    let mut xlsx_times = Vec::new();
    let mut pages = 0;
    let mut sizes = (0.0, 0.0);
    for run in 0..runs {
        let pdf = dir.path().join(format!("packet-{run}.pdf"));
        let xlsx = dir.path().join(format!("packet-{run}.xlsx"));
        let started = Instant::now();
        let r = api.write_report(
            &ReportRequest {
                format: ReportFormat::Pdf,
                paper: Paper::Letter,
                assessment_id: None,
                path: pdf.to_string_lossy().into_owned(),
            },
            at,
            &mut |_| {},
        )?;
        pdf_times.push(started.elapsed());
        pages = r.pages.unwrap_or(0);
        sizes.0 = r.size_bytes;
        let started = Instant::now();
        let r = api.write_report(
            &ReportRequest {
                format: ReportFormat::Xlsx,
                paper: Paper::Letter,
                assessment_id: None,
                path: xlsx.to_string_lossy().into_owned(),
            },
            at,
            &mut |_| {},
        )?;
        xlsx_times.push(started.elapsed());
        sizes.1 = r.size_bytes;
    }
    // The model alone (database reads, risk method over every device, register, roadmap):
    // the part both formats share, so the figures above split into model + rendering.
    let mut model_times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        api.report_model(None, at)?;
        model_times.push(started.elapsed());
    }
    let model = median(&mut model_times);
    let pdf = median(&mut pdf_times);
    let xlsx = median(&mut xlsx_times);
    writeln!(
        out,
        "\nAudit packet of a {devices}-device demo clinic, median of {runs} runs"
    )?;
    writeln!(out, "Machine: {}", machine())?;
    if cfg!(debug_assertions) {
        writeln!(
            out,
            "Build:   debug (measure with: cargo run --release -p devicerisk-cli -- bench report)"
        )?;
    } else {
        writeln!(out, "Build:   release")?;
    }
    writeln!(out, "Model (shared by both formats): {}", seconds(model))?;
    let verdict = |d: Duration, goal: Duration| if d <= goal { "met" } else { "NOT met" };
    writeln!(
        out,
        "PDF:  {} ({pages} pages, {:.1} MB; goal ≤ {}: {})",
        seconds(pdf),
        sizes.0 / 1e6,
        seconds(PDF_GOAL),
        verdict(pdf, PDF_GOAL)
    )?;
    writeln!(
        out,
        "XLSX: {} ({:.1} MB; goal ≤ {}: {})",
        seconds(xlsx),
        sizes.1 / 1e6,
        seconds(XLSX_GOAL),
        verdict(xlsx, XLSX_GOAL)
    )?;
    Ok(())
}
