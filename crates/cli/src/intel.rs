//! `devicerisk import kev|csaf`, `devicerisk matches`, `devicerisk decide` and
//! `devicerisk bench matching`: glue over the api's vulnerability intelligence.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;
use devicerisk_api::core::DeviceId;
use devicerisk_api::{
    Api, CsafImportReport, DecideMatch, DecisionStatus, DemoOptions, IntelMatch, KevImportReport,
    SourceKind, VexJustification,
};

use crate::bench::{machine, median, seconds};
use crate::output::TextTable;
use crate::{output, CliResult, Failure};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum MatchFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StatusArg {
    Affected,
    NotAffected,
    Mitigated,
    /// Withdraw the decision.
    Undecided,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum JustificationArg {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

#[derive(clap::Args)]
pub(crate) struct DecideArgs {
    /// The device's id (`devicerisk matches` shows it).
    #[arg(long, value_name = "ID")]
    device: String,
    /// The advisory tracking id (ICSMA-23-194-01) or, for a KEV entry, the CVE id.
    #[arg(long, value_name = "ID")]
    source: String,
    #[arg(long, value_enum)]
    status: StatusArg,
    /// Required with not-affected.
    #[arg(long, value_enum)]
    justification: Option<JustificationArg>,
    /// Required with mitigated: the control, e.g. "pump VLAN without internet".
    #[arg(long)]
    control: Option<String>,
    #[arg(long)]
    note: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(crate) fn import_kev(
    db: &Path,
    out: &mut impl Write,
    file: &Path,
    format: Format,
) -> CliResult {
    let api = Api::open(db)?;
    let report = api.import_kev(file)?;
    match format {
        Format::Json => output::json(out, &report)?,
        Format::Table => kev_report(out, &report)?,
    }
    Ok(())
}

fn kev_report(out: &mut impl Write, r: &KevImportReport) -> std::io::Result<()> {
    writeln!(
        out,
        "Imported KEV catalog {} (version {}): {} entries",
        r.file_name,
        r.catalog_version.as_deref().unwrap_or("not stated"),
        r.entries
    )?;
    if r.compared {
        writeln!(
            out,
            "Since the previous catalog ({}): {} added, {} changed, {} removed",
            r.previous_version
                .as_deref()
                .unwrap_or("version not stated"),
            r.added.len(),
            r.changed.len(),
            r.removed.len()
        )?;
        for cve in &r.added {
            writeln!(out, "  added    {cve}")?;
        }
        for change in &r.changed {
            let fields: Vec<&str> = change.changes.iter().map(|c| c.field.as_str()).collect();
            writeln!(out, "  changed  {} ({})", change.cve_id, fields.join(", "))?;
        }
        for cve in &r.removed {
            writeln!(out, "  removed  {cve}")?;
        }
    } else {
        writeln!(out, "First catalog: nothing to compare with.")?;
    }
    summary(out, &r.matching)
}

fn summary(out: &mut impl Write, m: &devicerisk_api::MatchSummary) -> std::io::Result<()> {
    writeln!(
        out,
        "Matching: {} devices against {} advisories and {} KEV entries: {} high, {} medium, {} low (see `devicerisk matches`)",
        m.devices_checked, m.advisories, m.kev_entries, m.high, m.medium, m.low
    )
}

pub(crate) fn import_csaf(
    db: &Path,
    out: &mut impl Write,
    path: &Path,
    format: Format,
) -> CliResult {
    let api = Api::open(db)?;
    let report = api.import_csaf(path)?;
    match format {
        Format::Json => output::json(out, &report)?,
        Format::Table => csaf_report(out, &report)?,
    }
    Ok(())
}

fn csaf_report(out: &mut impl Write, r: &CsafImportReport) -> std::io::Result<()> {
    writeln!(out, "Imported {} advisories", r.imported.len())?;
    for a in &r.imported {
        let replaced = a
            .replaced_revision
            .as_deref()
            .map(|rev| format!(" (replaces revision {rev})"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} rev {}  {}{replaced}",
            a.tracking_id,
            a.revision.as_deref().unwrap_or("?"),
            a.title
        )?;
    }
    if !r.failed.is_empty() {
        writeln!(out, "Not imported ({}):", r.failed.len())?;
        for f in &r.failed {
            writeln!(out, "  {}", f.message)?;
        }
    }
    for s in r.superseded.iter().chain(&r.older_than_stored) {
        writeln!(
            out,
            "  skipped {} ({}): kept {}",
            s.file, s.tracking_id, s.kept
        )?;
    }
    if r.ignored > 0 {
        writeln!(out, "{} files that are not .json were not read", r.ignored)?;
    }
    summary(out, &r.matching)
}

pub(crate) fn matches(
    db: &Path,
    out: &mut impl Write,
    format: MatchFormat,
    all: bool,
) -> CliResult {
    let api = Api::open(db)?;
    let list: Vec<IntelMatch> = api
        .list_matches()?
        .into_iter()
        .filter(|m| all || m.confidence != devicerisk_api::Confidence::Low)
        .collect();
    match format {
        MatchFormat::Json => output::json(out, &list)?,
        MatchFormat::Csv => {
            let rows = list
                .iter()
                .map(|m| {
                    vec![
                        m.device_id.to_string(),
                        m.device_name.clone(),
                        source_label(m.source_kind).to_string(),
                        m.source_id.clone(),
                        m.confidence.label().to_string(),
                        decision_label(m),
                        m.counts_in_risk.to_string(),
                        m.cves.join(" "),
                        m.known_exploited.join(" "),
                        m.max_cvss.map(|s| format!("{s:.1}")).unwrap_or_default(),
                        m.reasons.join(" "),
                    ]
                })
                .collect();
            output::csv_out(
                out,
                &[
                    "device_id",
                    "device",
                    "source",
                    "id",
                    "confidence",
                    "decision",
                    "counts_in_risk",
                    "cves",
                    "known_exploited",
                    "max_cvss",
                    "reasons",
                ],
                rows,
            )?;
        }
        MatchFormat::Table => {
            let mut table = TextTable::new(vec![
                "Device",
                "Source",
                "Confidence",
                "CVSS",
                "KEV",
                "Decision",
                "Device id",
            ]);
            for m in &list {
                table.push(vec![
                    m.device_name.clone(),
                    m.source_id.clone(),
                    m.confidence.label().to_string(),
                    m.max_cvss.map(|s| format!("{s:.1}")).unwrap_or_default(),
                    m.known_exploited.len().to_string(),
                    decision_label(m),
                    // Enough to tell devices apart; `decide --device` takes it.
                    m.device_id.to_string()[..8].to_string(),
                ]);
            }
            table.write(out)?;
            let hidden = if all {
                ""
            } else {
                " (low-confidence suggestions hidden; --all shows them)"
            };
            writeln!(out, "{} matches{hidden}", list.len())?;
        }
    }
    Ok(())
}

fn source_label(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Advisory => "advisory",
        SourceKind::Kev => "kev",
    }
}

fn decision_label(m: &IntelMatch) -> String {
    match &m.decision {
        None => "undecided".into(),
        Some(d) => match d.status {
            DecisionStatus::Affected => "affected".into(),
            DecisionStatus::NotAffected => format!(
                "not affected: {}",
                d.justification
                    .map(|j| j.key())
                    .unwrap_or("")
                    .replace('_', " ")
            ),
            DecisionStatus::Mitigated => {
                format!("mitigated: {}", d.control.as_deref().unwrap_or(""))
            }
        },
    }
}

/// A full device id, or the start of one (the table shows 8 characters) if only one
/// matched device has it.
fn resolve_device(api: &Api, text: &str) -> Result<DeviceId, Failure> {
    if let Ok(id) = text.parse::<DeviceId>() {
        return Ok(id);
    }
    let mut ids: Vec<DeviceId> = api
        .list_matches()?
        .into_iter()
        .map(|m| m.device_id)
        .filter(|id| text.len() >= 4 && id.to_string().starts_with(&text.to_ascii_lowercase()))
        .collect();
    ids.sort_by_key(|id| id.to_string());
    ids.dedup();
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(Failure::User(format!(
            "\"{text}\" is not the id (or the start of the id) of a matched device; `devicerisk matches` shows them"
        ))),
        _ => Err(Failure::User(format!(
            "\"{text}\" is the start of {} device ids; give more characters",
            ids.len()
        ))),
    }
}

pub(crate) fn decide(db: &Path, out: &mut impl Write, args: DecideArgs) -> CliResult {
    let api = Api::open(db)?;
    let device_id = resolve_device(&api, args.device.trim())?;
    let source = args.source.trim().to_string();
    let source_kind = if source.to_ascii_uppercase().starts_with("CVE-") {
        SourceKind::Kev
    } else {
        SourceKind::Advisory
    };
    let decision = api.decide_match(DecideMatch {
        device_id,
        source_kind,
        source_id: source.clone(),
        status: match args.status {
            StatusArg::Affected => Some(DecisionStatus::Affected),
            StatusArg::NotAffected => Some(DecisionStatus::NotAffected),
            StatusArg::Mitigated => Some(DecisionStatus::Mitigated),
            StatusArg::Undecided => None,
        },
        justification: args.justification.map(|j| match j {
            JustificationArg::ComponentNotPresent => VexJustification::ComponentNotPresent,
            JustificationArg::VulnerableCodeNotPresent => {
                VexJustification::VulnerableCodeNotPresent
            }
            JustificationArg::VulnerableCodeNotInExecutePath => {
                VexJustification::VulnerableCodeNotInExecutePath
            }
            JustificationArg::VulnerableCodeCannotBeControlledByAdversary => {
                VexJustification::VulnerableCodeCannotBeControlledByAdversary
            }
            JustificationArg::InlineMitigationsAlreadyExist => {
                VexJustification::InlineMitigationsAlreadyExist
            }
        }),
        control: args.control,
        note: args.note,
    })?;
    match args.format {
        Format::Json => output::json(out, &decision)?,
        Format::Table => match decision {
            Some(_) => writeln!(out, "Decision recorded for {source}")?,
            None => writeln!(out, "Decision on {source} withdrawn")?,
        },
    }
    Ok(())
}

/// Times matching `advisories` CSAF advisories (the files of `csaf`, repeated under new
/// tracking ids until there are enough) against a `devices`-device demo clinic: the api's
/// `run_matching`, i.e. reading the stored documents, the engine, and writing the matches.
pub(crate) fn bench(
    out: &mut impl Write,
    csaf: &Path,
    advisories: u32,
    devices: u32,
    runs: u32,
) -> CliResult {
    if runs == 0 || devices == 0 || advisories == 0 {
        return Err(Failure::User(
            "--devices, --advisories and --runs must be at least 1".into(),
        ));
    }
    let dir = tempfile::tempdir()
        .map_err(|e| Failure::Internal(format!("cannot create a temporary directory: {e}")))?;
    let folder = dir.path().join("csaf");
    let written = replicate_advisories(csaf, &folder, advisories)?;
    writeln!(
        out,
        "Generating a {devices}-device demo clinic and importing {written} advisories..."
    )?;
    out.flush()?;
    let api = Api::open(&dir.path().join("bench.sqlite3"))?;
    api.load_demo(DemoOptions { devices, seed: 1 })?;
    let report = api.import_csaf(&folder)?;
    if !report.failed.is_empty() {
        return Err(Failure::User(format!(
            "{} advisories of {} could not be read: {}",
            report.failed.len(),
            csaf.display(),
            report.failed[0].message
        )));
    }
    let mut times = Vec::new();
    let mut last = report.matching;
    for _ in 0..runs {
        let started = Instant::now();
        last = api.run_matching()?;
        times.push(started.elapsed());
    }
    let time = median(&mut times);
    writeln!(
        out,
        "\nMatching {} advisories against {} devices, median of {runs} runs",
        last.advisories, last.devices_checked
    )?;
    writeln!(out, "Machine: {}", machine())?;
    if cfg!(debug_assertions) {
        writeln!(
            out,
            "Build:   debug (measure with: cargo run --release -p devicerisk-cli -- bench matching)"
        )?;
    } else {
        writeln!(out, "Build:   release")?;
    }
    writeln!(
        out,
        "Run matching (read stored documents, match, write matches): {}  (target ≤ 2 s)",
        seconds(time)
    )?;
    writeln!(
        out,
        "Matches: {} high, {} medium, {} low",
        last.high, last.medium, last.low
    )?;
    Ok(())
}

/// Copies the advisories of `from` into `to`, giving the n-th copy the tracking id
/// "<id>-B<n>", until `count` files are written. Returns how many were written.
fn replicate_advisories(from: &Path, to: &Path, count: u32) -> Result<u32, Failure> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(from)
        .map_err(|e| Failure::User(format!("cannot read the folder {}: {e}", from.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    sources.sort();
    if sources.is_empty() {
        return Err(Failure::User(format!(
            "{} holds no .json advisory",
            from.display()
        )));
    }
    std::fs::create_dir_all(to)
        .map_err(|e| Failure::Internal(format!("cannot create {}: {e}", to.display())))?;
    let mut documents = Vec::new();
    for path in &sources {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::User(format!("cannot read {}: {e}", path.display())))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Failure::User(format!("{} is not JSON: {e}", path.display())))?;
        documents.push(value);
    }
    for n in 0..count {
        let mut doc = documents[n as usize % documents.len()].clone();
        let round = n as usize / documents.len();
        if round > 0 {
            if let Some(id) = doc.pointer_mut("/document/tracking/id") {
                *id = serde_json::Value::String(format!("{}-B{round}", id.as_str().unwrap_or("X")));
            }
        }
        let file = to.join(format!("advisory-{n:04}.json"));
        std::fs::write(&file, serde_json::to_vec(&doc)?)
            .map_err(|e| Failure::Internal(format!("cannot write {}: {e}", file.display())))?;
    }
    Ok(count)
}
