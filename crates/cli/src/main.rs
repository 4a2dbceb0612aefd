//! `devicerisk`: the command line over `devicerisk_api::Api`.
//!
//! This binary is glue: it parses arguments, calls one `Api` function per command and prints the
//! result. Anything a front end could need lives in the api crate, so the desktop app and the
//! command line cannot drift apart.
//!
//! Exit codes: 0 ok, 1 user error (bad input file, unknown id, non-empty database...), 2 internal
//! error (database or I/O failure that the user's input did not cause).

mod assessment;
mod bench;
mod intel;
mod lifecycle;
mod output;
mod report;
mod risks;
mod sbom;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use devicerisk_api::{
    Api, ApiError, DemoOptions, DeviceList, DeviceQuery, ErrorCode, ExportFormat, ImportPreview,
    ImportRequest,
};

#[derive(Parser)]
#[command(
    name = "devicerisk",
    version,
    about = "DeviceRisk: inventory and risk of a clinic's connected medical devices",
    after_help = "Exit codes: 0 ok, 1 user error (the message names the file, row and field), 2 internal error."
)]
struct Cli {
    /// SQLite database file [default: the OS data directory, e.g. ~/.local/share/devicerisk/]
    #[arg(long, global = true, env = "DEVICERISK_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database (or bring an existing one up to date) and say where it is.
    Init,
    /// Print the database path that would be used, without opening it.
    DbPath,
    /// Fill an empty database with a plausible demo clinic.
    Demo {
        /// Number of devices (about 30 is a small clinic; 10000 makes a benchmark-sized one).
        #[arg(long, default_value_t = 30)]
        devices: u32,
        /// Seed of the generator: the same seed gives the same clinic.
        #[arg(long, default_value_t = 1)]
        seed: u32,
        /// Add a year of records on top: last year's signed-off assessment and this year's
        /// draft, controls, risk decisions, patch log and a lifecycle plan with its budget.
        #[arg(long)]
        history: bool,
    },
    /// Import data from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Work with the device inventory.
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// Measure how fast things are.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Advisories and KEV entries matched to devices, with confidence and decision.
    Matches {
        #[arg(long, value_enum, default_value_t = intel::MatchFormat::Table)]
        format: intel::MatchFormat,
        /// Include low-confidence suggestions.
        #[arg(long)]
        all: bool,
    },
    /// Decide a match: affected, not affected (with a VEX justification), mitigated (by a
    /// control), or undecided again.
    Decide(intel::DecideArgs),
    /// Dated risk assessments: start, list, answer from a file, finalize.
    #[command(subcommand)]
    Assessment(assessment::AssessmentCommand),
    /// Lifecycle planning: support status, planned actions, budget, deadlines, OS table update.
    #[command(subcommand)]
    Lifecycle(lifecycle::LifecycleCommand),
    /// Questionnaire content.
    #[command(subcommand)]
    Questionnaire(assessment::QuestionnaireCommand),
    /// The audit packet: a PDF or an Excel workbook for an assessment.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// The risk register: grouped risks with levels, treatment, owner, dates and status.
    Risks(risks::RisksArgs),
    /// One device's risk: `device explain ID`.
    #[command(subcommand)]
    Device(risks::DeviceCommand),
    /// SBOMs attached to devices and models, their components, and VEX documents.
    #[command(subcommand)]
    Sbom(sbom::SbomCommand),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a device inventory from CSV or XLSX; all rows or none.
    Inventory {
        /// CSV, TSV/TXT or XLSX file; columns are mapped by their headers.
        file: PathBuf,
        /// Show what would be created and updated and every problem, and write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Import the CISA Known Exploited Vulnerabilities catalog (JSON or CSV form); the whole
    /// file or nothing. Says what was added and changed since the previous one.
    Kev {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = intel::Format::Table)]
        format: intel::Format,
    },
    /// Import CSAF 2.0 advisories: one .json file, or every .json file below a folder
    /// (bad files are listed with their reason, good ones kept).
    Csaf {
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = intel::Format::Table)]
        format: intel::Format,
    },
    /// Attach an SBOM (CycloneDX JSON/XML 1.2-1.7, SPDX 2.2/2.3 JSON or tag-value) to a
    /// device (--device ID or asset tag) or to every device of a model (--model "MANUFACTURER|MODEL").
    /// The same document attached again replaces the earlier one.
    Sbom(sbom::ImportSbomArgs),
    /// Import a VEX document (CycloneDX VEX or CSAF VEX): it sets the status of component
    /// vulnerabilities in attached SBOMs.
    Vex {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = sbom::Format::Table)]
        format: sbom::Format,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Export the device inventory; the format follows the extension (.csv or .xlsx).
    Inventory {
        file: PathBuf,
        /// Overrides the extension.
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
    },
}

#[derive(Subcommand)]
enum DevicesCommand {
    /// List devices (decommissioned ones only with --all).
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// Only devices whose name, manufacturer, model, tag, serial, address... contain TEXT.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Include decommissioned devices.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Time importing a demo inventory CSV into a fresh database and exporting it again,
    /// against `sqlite3 .import` of the same file.
    Import {
        #[arg(long, default_value_t = 10_000)]
        devices: u32,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Time matching advisories (the .json files of --csaf, repeated to --advisories)
    /// against a demo clinic.
    Matching {
        #[arg(long, default_value_t = 10_000)]
        devices: u32,
        #[arg(long, default_value_t = 150)]
        advisories: u32,
        #[arg(
            long,
            default_value = "crates/intel/tests/fixtures/csaf/icsma",
            value_name = "FOLDER"
        )]
        csaf: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Time attaching a generated SBOM (and its VEX) to a model of a demo clinic, reading a
    /// device's components and computing every device's risk with it.
    Sbom {
        #[arg(long, default_value_t = 10_000)]
        devices: u32,
        #[arg(long, default_value_t = 10_000)]
        components: u32,
        #[arg(long, default_value_t = 500)]
        vulnerabilities: u32,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Time recomputing the risk of every device of a demo clinic.
    Risk {
        #[arg(long, default_value_t = 10_000)]
        devices: u32,
        #[arg(long, default_value_t = 5)]
        runs: u32,
    },
    /// Time writing the audit packet (PDF and XLSX) of a demo clinic.
    Report {
        #[arg(long, default_value_t = 10_000)]
        devices: u32,
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum FileFormat {
    Csv,
    Xlsx,
}

/// Why a command failed, already sorted into the two non-zero exit codes.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Exit 1: the user can fix it (the message says what and where).
    User(String),
    /// Exit 2: something went wrong that the input did not cause.
    Internal(String),
    /// Exit 0 quietly: stdout was closed by its reader (a pipe into `head`).
    OutputClosed,
}

impl From<ApiError> for Failure {
    // The message already spells out the field issues (they are there for forms to highlight).
    fn from(error: ApiError) -> Self {
        if error.is_user_error() {
            Failure::User(error.message)
        } else {
            Failure::Internal(error.message)
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            // `devicerisk devices list | head`: the reader has all it wanted.
            Failure::OutputClosed
        } else {
            Failure::Internal(format!("cannot write the output: {error}"))
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(error: serde_json::Error) -> Self {
        Failure::Internal(format!("cannot write JSON: {error}"))
    }
}

pub(crate) type CliResult = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // --help and --version are not errors; a mistyped command is the user's to fix: 1,
            // not clap's default 2, which this tool keeps for internal errors.
            return if error.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(()) | Err(Failure::OutputClosed) => ExitCode::SUCCESS,
        Err(Failure::User(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Internal(message)) => {
            eprintln!("internal error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> CliResult {
    let db_path = match &cli.db {
        Some(path) => path.clone(),
        None => devicerisk_api::default_db_path()?,
    };
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Init => {
            let api = Api::open(&db_path)?;
            let status = api.status()?;
            writeln!(
                out,
                "Database ready: {} ({} devices)",
                status.db_path, status.device_count
            )?;
        }
        Command::DbPath => writeln!(out, "{}", db_path.display())?,
        Command::Demo {
            devices,
            seed,
            history,
        } => {
            let api = Api::open(&db_path)?;
            let report = api.load_demo(DemoOptions { devices, seed })?;
            output::demo_report(&mut out, &report)?;
            if history {
                let added = api.load_demo_history()?;
                output::demo_history(&mut out, &added)?;
            }
            writeln!(out, "Database: {}", db_path.display())?;
        }
        Command::Import(ImportCommand::Inventory {
            file,
            dry_run,
            format,
        }) => {
            let api = Api::open(&db_path)?;
            import_inventory(&api, &mut out, &file, dry_run, format)?;
        }
        Command::Export(ExportCommand::Inventory { file, format }) => {
            let api = Api::open(&db_path)?;
            let format = match format {
                Some(FileFormat::Csv) => ExportFormat::Csv,
                Some(FileFormat::Xlsx) => ExportFormat::Xlsx,
                None => export_format_from_extension(&file)?,
            };
            let report = api.export_inventory(&file, format)?;
            writeln!(out, "Exported {} devices to {}", report.rows, report.path)?;
        }
        Command::Devices(DevicesCommand::List {
            format,
            search,
            all,
        }) => {
            let api = Api::open(&db_path)?;
            let list = api.list_devices(DeviceQuery {
                search,
                include_decommissioned: all,
                ..DeviceQuery::default()
            })?;
            list_devices(&mut out, &list, format)?;
        }
        Command::Bench(BenchCommand::Import { devices, runs }) => {
            bench::import(&mut out, devices, runs)?;
        }
        Command::Bench(BenchCommand::Risk { devices, runs }) => {
            risks::bench(&mut out, devices, runs)?;
        }
        Command::Bench(BenchCommand::Report { devices, runs }) => {
            report::bench(&mut out, devices, runs)?;
        }
        Command::Import(ImportCommand::Kev { file, format }) => {
            intel::import_kev(&db_path, &mut out, &file, format)?
        }
        Command::Import(ImportCommand::Csaf { path, format }) => {
            intel::import_csaf(&db_path, &mut out, &path, format)?
        }
        Command::Matches { format, all } => intel::matches(&db_path, &mut out, format, all)?,
        Command::Decide(args) => intel::decide(&db_path, &mut out, args)?,
        Command::Bench(BenchCommand::Matching {
            devices,
            advisories,
            csaf,
            runs,
        }) => intel::bench(&mut out, &csaf, advisories, devices, runs)?,
        Command::Assessment(command) => assessment::run(&db_path, &mut out, command)?,
        Command::Report(command) => report::run(&db_path, &mut out, command)?,
        Command::Lifecycle(command) => lifecycle::run(&db_path, &mut out, command)?,
        Command::Risks(args) => risks::register(&db_path, &mut out, args)?,
        Command::Device(command) => risks::device(&db_path, &mut out, command)?,
        Command::Import(ImportCommand::Sbom(args)) => sbom::import_sbom(&db_path, &mut out, args)?,
        Command::Import(ImportCommand::Vex { file, format }) => {
            sbom::import_vex(&db_path, &mut out, &file, format)?
        }
        Command::Sbom(command) => sbom::run(&db_path, &mut out, command)?,
        Command::Bench(BenchCommand::Sbom {
            devices,
            components,
            vulnerabilities,
            runs,
        }) => sbom::bench(&mut out, devices, components, vulnerabilities, runs)?,
        Command::Questionnaire(command) => assessment::questionnaire(&mut out, command)?,
    }
    out.flush()?;
    Ok(())
}

fn export_format_from_extension(file: &Path) -> Result<ExportFormat, Failure> {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => Ok(ExportFormat::Csv),
        Some("xlsx") => Ok(ExportFormat::Xlsx),
        _ => Err(Failure::User(format!(
            "{}: cannot tell the format from the extension; use .csv or .xlsx, or --format",
            file.display()
        ))),
    }
}

fn import_request(file: &Path) -> ImportRequest {
    ImportRequest {
        path: file.to_string_lossy().into_owned(),
        mapping: None,
    }
}

fn import_inventory(
    api: &Api,
    out: &mut impl Write,
    file: &Path,
    dry_run: bool,
    format: ReportFormat,
) -> CliResult {
    if dry_run {
        let preview = api.preview_import(import_request(file))?;
        match format {
            ReportFormat::Json => output::json(out, &preview)?,
            ReportFormat::Table => output::import_preview(out, &preview, &api.import_targets())?,
        }
        // The preview is printed either way; the exit code tells a script whether applying
        // this file would succeed.
        if preview.summary.with_errors > 0 {
            return Err(Failure::User(format!(
                "'{}': {} of {} rows have problems; nothing would be imported.",
                preview.file_name, preview.summary.with_errors, preview.summary.rows
            )));
        }
        return Ok(());
    }
    let report = match api.apply_import(import_request(file)) {
        Ok(report) => report,
        Err(error) if error.code == ErrorCode::ImportHasErrors => {
            // The api's message lists the first few problems; the preview has every one, in
            // the same words as --dry-run.
            let preview = api.preview_import(import_request(file))?;
            return Err(Failure::User(problems_message(&preview)));
        }
        Err(error) => return Err(error.into()),
    };
    match format {
        ReportFormat::Json => output::json(out, &report)?,
        ReportFormat::Table => output::import_report(out, &report)?,
    }
    Ok(())
}

fn problems_message(preview: &ImportPreview) -> String {
    let mut message = format!(
        "'{}': nothing was imported because {} of {} rows have problems:",
        preview.file_name, preview.summary.with_errors, preview.summary.rows
    );
    for issue in &preview.issues {
        message.push_str("\n  ");
        message.push_str(&output::issue_line(issue));
    }
    message
}

fn list_devices(out: &mut impl Write, list: &DeviceList, format: ListFormat) -> CliResult {
    match format {
        ListFormat::Json => output::json(out, list)?,
        ListFormat::Table => output::device_table(out, list)?,
        ListFormat::Csv => output::device_csv(out, list)?,
    }
    Ok(())
}
