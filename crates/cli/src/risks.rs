//! `devicerisk risks`, `devicerisk device explain ID` and `devicerisk bench risk`: glue over the
//! api's risk register and device risk page.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};
use devicerisk_api::core::risk::{self, RiskLevel};
use devicerisk_api::core::{RiskStatus, RiskTreatment};
use devicerisk_api::{Api, DeviceRisk, RegisterFilter, RegisterRisk};

use crate::bench::{demo_clinic, machine, median};
use crate::output::{json, TextTable};
use crate::{CliResult, Failure};

/// The goal: recomputing 10,000 devices in at most 100 ms (release build).
const GOAL: Duration = Duration::from_millis(100);

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum RegisterFormat {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExplainFormat {
    Text,
    Json,
}

/// `devicerisk risks`: the register.
#[derive(Args)]
pub(crate) struct RisksArgs {
    #[arg(long, value_enum, default_value_t = RegisterFormat::Table)]
    format: RegisterFormat,
    /// Only risks at this residual level (low, medium, high, critical).
    #[arg(long)]
    level: Option<String>,
    /// Only risks with this status (open, in_progress, accepted, closed).
    #[arg(long)]
    status: Option<String>,
    /// Only risks with this treatment (undecided, mitigate, accept, transfer, avoid).
    #[arg(long)]
    treatment: Option<String>,
    /// Only risks whose owner contains TEXT.
    #[arg(long, value_name = "TEXT")]
    owner: Option<String>,
    /// Only risks whose title, threat, notes or devices contain TEXT.
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum DeviceCommand {
    /// Why a device has its risk level: factors with their contribution, controls, and the
    /// actions that would lower it, ranked.
    Explain {
        /// Device id (UUID) or asset tag.
        id: String,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
    },
}

fn parse_level(text: &str) -> Result<RiskLevel, Failure> {
    RiskLevel::ALL
        .into_iter()
        .find(|l| {
            serde_json::to_value(l)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                == Some(text.trim().to_ascii_lowercase())
        })
        .ok_or_else(|| {
            Failure::User(format!(
                "--level {text:?} is not a level: use low, medium, high or critical"
            ))
        })
}

fn level_word(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "Low",
        RiskLevel::Medium => "Medium",
        RiskLevel::High => "High",
        RiskLevel::Critical => "Critical",
    }
}

pub(crate) fn register(db: &Path, out: &mut impl Write, args: RisksArgs) -> CliResult {
    let filter = RegisterFilter {
        level: args.level.as_deref().map(parse_level).transpose()?,
        status: args
            .status
            .as_deref()
            .map(|s| {
                RiskStatus::parse_loose(s).ok_or_else(|| {
                    Failure::User(format!(
                        "--status {s:?} is not a status: use open, in_progress, accepted or closed"
                    ))
                })
            })
            .transpose()?,
        treatment: args
            .treatment
            .as_deref()
            .map(|t| {
                RiskTreatment::parse_loose(t).ok_or_else(|| {
                    Failure::User(format!(
                        "--treatment {t:?} is not a treatment: use undecided, mitigate, accept, transfer or avoid"
                    ))
                })
            })
            .transpose()?,
        owner: args.owner,
        text: args.search,
        cell: None,
    };
    let api = Api::open(db)?;
    let risks = api.risk_register(filter)?;
    match args.format {
        RegisterFormat::Json => json(out, &risks)?,
        RegisterFormat::Csv => register_csv(out, &risks)?,
        RegisterFormat::Table => register_table(out, &risks)?,
    }
    Ok(())
}

fn register_table(out: &mut impl Write, risks: &[RegisterRisk]) -> CliResult {
    let mut table = TextTable::new(vec![
        "Residual",
        "Inherent",
        "Devices",
        "Risk",
        "Treatment",
        "Owner",
        "Due",
        "Status",
    ]);
    for r in risks {
        table.push(vec![
            level_word(r.residual_level).to_string(),
            level_word(r.level).to_string(),
            r.devices.len().to_string(),
            r.title.clone(),
            r.treatment.label().to_string(),
            r.owner.clone().unwrap_or_default(),
            r.due_date.map(|d| d.to_string()).unwrap_or_default(),
            if r.overdue {
                format!("{} (overdue)", r.status.label())
            } else {
                r.status.label().to_string()
            },
        ]);
    }
    table.write(out)?;
    let open = risks
        .iter()
        .filter(|r| matches!(r.status, RiskStatus::Open | RiskStatus::InProgress))
        .count();
    writeln!(
        out,
        "\n{} risks shown, {open} open. Method {}. Details: --format json; a device: devicerisk device explain TAG",
        risks.len(),
        risks
            .first()
            .map(|r| r.method_version.as_str())
            .unwrap_or(risk::Method::builtin().version())
    )?;
    Ok(())
}

fn csv_cell(text: &str) -> String {
    // Neutralised like the inventory export: a spreadsheet must not run a cell as a formula.
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn register_csv(out: &mut impl Write, risks: &[RegisterRisk]) -> CliResult {
    writeln!(
        out,
        "key,title,threat,devices,likelihood,impact,inherent_level,residual_likelihood,residual_impact,residual_level,treatment,owner,due_date,review_date,status,accepted_by,acceptance_expires,method_version"
    )?;
    for r in risks {
        let devices: Vec<String> = r
            .devices
            .iter()
            .map(|d| d.asset_tag.clone().unwrap_or_else(|| d.name.clone()))
            .collect();
        let cells = [
            r.key.clone(),
            r.title.clone(),
            r.threat.clone(),
            devices.join("; "),
            r.likelihood.to_string(),
            r.impact.to_string(),
            level_word(r.level).to_string(),
            r.residual_likelihood.to_string(),
            r.residual_impact.to_string(),
            level_word(r.residual_level).to_string(),
            r.treatment.key().to_string(),
            r.owner.clone().unwrap_or_default(),
            r.due_date.map(|d| d.to_string()).unwrap_or_default(),
            r.review_date.map(|d| d.to_string()).unwrap_or_default(),
            r.status.key().to_string(),
            r.acceptance
                .as_ref()
                .map(|a| a.approver.clone())
                .unwrap_or_default(),
            r.acceptance
                .as_ref()
                .map(|a| a.expires.to_string())
                .unwrap_or_default(),
            r.method_version.clone(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        writeln!(out, "{}", line.join(","))?;
    }
    Ok(())
}

pub(crate) fn device(db: &Path, out: &mut impl Write, command: DeviceCommand) -> CliResult {
    let DeviceCommand::Explain { id, format } = command;
    let api = Api::open(db)?;
    let device_id = api.resolve_device(&id)?;
    let page = api.device_risk(device_id)?;
    match format {
        ExplainFormat::Json => json(out, &page)?,
        ExplainFormat::Text => explain_text(out, &page)?,
    }
    Ok(())
}

fn explain_text(out: &mut impl Write, page: &DeviceRisk) -> CliResult {
    let r = &page.result;
    let method = risk::Method::builtin();
    let tag = page
        .asset_tag
        .as_deref()
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    writeln!(out, "{}{tag} — {}", page.name, page.category.label())?;
    writeln!(
        out,
        "Inherent risk: {} (likelihood {} {}, impact {} {})",
        level_word(r.level),
        r.likelihood,
        method.likelihood_label(r.likelihood),
        r.impact,
        method.impact_label(r.impact)
    )?;
    writeln!(
        out,
        "Residual risk: {} (likelihood {} {}, impact {} {}) after compensating controls",
        level_word(r.residual_level),
        r.residual_likelihood,
        method.likelihood_label(r.residual_likelihood),
        r.residual_impact,
        method.impact_label(r.residual_impact)
    )?;
    writeln!(out, "Method: {}", r.method_version)?;
    writeln!(out, "\nLikelihood: {} points from these factors", r.points)?;
    for f in r
        .factors
        .iter()
        .filter(|f| f.kind != risk::FactorKind::Impact)
    {
        let offset = f
            .offset_by
            .as_ref()
            .map(|c| format!(" [cancelled by control {c}]"))
            .unwrap_or_default();
        // The explanation ends with the points ("...: +2 likelihood points").
        writeln!(
            out,
            "  {}: {}{offset}",
            f.label,
            f.explanation.as_str().trim()
        )?;
    }
    writeln!(out, "\nImpact: the highest of these dimensions")?;
    for f in r
        .factors
        .iter()
        .filter(|f| f.kind == risk::FactorKind::Impact)
    {
        writeln!(out, "  {}: {}", f.label, f.explanation.as_str().trim())?;
    }
    writeln!(out, "\nCompensating controls:")?;
    if r.controls.is_empty() {
        writeln!(out, "  none recorded")?;
    }
    for c in &r.controls {
        writeln!(
            out,
            "  {} ({:?}): {}",
            c.label,
            c.status,
            c.effect.as_str().trim()
        )?;
    }
    if page.questionnaire_gaps > 0 {
        writeln!(
            out,
            "\nQuestionnaire gaps: {} in {}",
            page.questionnaire_gaps,
            page.assessment_title
                .as_deref()
                .unwrap_or("the latest assessment")
        )?;
    }
    writeln!(out, "\nWhat would lower it (best first):")?;
    if page.lower.is_empty() {
        writeln!(out, "  nothing the method knows of would lower it further")?;
    }
    for (rank, a) in page.lower.iter().enumerate() {
        writeln!(
            out,
            "  {}. {}: {} → {} (likelihood {} → {}, impact {} → {})",
            rank + 1,
            a.label,
            level_word(a.from_level),
            level_word(a.to_level),
            a.from_likelihood,
            a.to_likelihood,
            a.from_impact,
            a.to_impact
        )?;
    }
    if !page.risks.is_empty() {
        writeln!(out, "\nIn the risk register:")?;
        for risk in &page.risks {
            writeln!(
                out,
                "  [{}] {} ({})",
                level_word(risk.residual_level),
                risk.title,
                risk.status.label()
            )?;
        }
    }
    Ok(())
}

/// `devicerisk bench risk`: recomputing every device of a demo clinic.
pub(crate) fn bench(out: &mut impl Write, devices: u32, runs: u32) -> CliResult {
    let (_dir, api) = demo_clinic(out, devices, runs)?;
    let method = risk::Method::builtin();
    let inputs = api.risk_inputs()?;

    let (mut engine, mut levels, mut register) = (Vec::new(), Vec::new(), Vec::new());
    let mut checksum = 0i64;
    for _ in 0..runs {
        let started = Instant::now();
        for (_, input) in &inputs {
            checksum += i64::from(risk::score(method, input).residual_level.rank());
        }
        engine.push(started.elapsed());
        let started = Instant::now();
        let computed = api.device_risk_levels()?;
        levels.push(started.elapsed());
        let started = Instant::now();
        let risks = api.risk_register(RegisterFilter::default())?;
        register.push(started.elapsed());
        if computed.len() != inputs.len() || risks.is_empty() {
            return Err(Failure::Internal(format!(
                "benchmark: {} devices scored of {}, {} risks",
                computed.len(),
                inputs.len(),
                risks.len()
            )));
        }
    }
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let engine = median(&mut engine);
    writeln!(
        out,
        "\nRecomputing the risk of {} devices in use ({devices} generated), median of {runs} runs",
        inputs.len()
    )?;
    writeln!(out, "Machine: {}", machine())?;
    writeln!(
        out,
        "Build:   {}",
        if cfg!(debug_assertions) {
            "debug (measure with: cargo run --release -p devicerisk-cli -- bench risk)"
        } else {
            "release"
        }
    )?;
    writeln!(
        out,
        "Engine, every device (method only):        {}  goal ≤ {} for 10,000: {}",
        ms(engine),
        ms(GOAL),
        if engine <= GOAL { "met" } else { "NOT met" }
    )?;
    writeln!(
        out,
        "Levels per device (database read + method): {}",
        ms(median(&mut levels))
    )?;
    writeln!(
        out,
        "Whole register (read, method, grouping):    {}",
        ms(median(&mut register))
    )?;
    // Printed so the optimiser cannot drop the engine loop.
    writeln!(out, "(checksum {checksum})")?;
    Ok(())
}
