//! `devicerisk lifecycle status|plan|budget|deadlines|import-eol`: glue over the api's
//! lifecycle use cases.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use devicerisk_api::core::lifecycle::{DeadlineWindow, PlanFields, PlanOrigin, PlanStatus};
use devicerisk_api::{Api, PlanRow};

use crate::{output, CliResult};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Window {
    #[value(name = "30")]
    D30,
    #[value(name = "90")]
    D90,
    #[value(name = "365")]
    D365,
}

#[derive(Subcommand)]
pub(crate) enum LifecycleCommand {
    /// Support status of every device in use: OS match, end of support, patch cadence.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Judge as of this day (YYYY-MM-DD) instead of today.
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// The planned actions; with --suggest, the proposals of "suggest plan".
    Plan {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Show what "suggest plan" proposes instead of the saved plan.
        #[arg(long)]
        suggest: bool,
        /// Save every proposal not yet planned (origin "suggested"); implies --suggest.
        #[arg(long)]
        accept_all: bool,
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// Budget per fiscal year of the open planned actions (the roadmap).
    Budget {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// Deadlines within 30, 90 or 365 days (overdue ones always listed).
    Deadlines {
        /// 30, 90 or 365.
        #[arg(long, value_enum, default_value_t = Window::D90)]
        days: Window,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// Import a newer endoflife.date product file (products/<name>.md) into the OS table.
    ImportEol {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn money(cents: f64) -> String {
    let dollars = (cents / 100.0).round() as i64;
    let digits = dollars.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}${grouped}", if dollars < 0 { "-" } else { "" })
}

fn plan_rows(rows: &[PlanRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            let f = &r.plan.fields;
            vec![
                r.plan.id.to_string(),
                r.device_name.clone(),
                f.action.label().to_string(),
                f.target_date.to_string(),
                r.fiscal_year.label.clone(),
                f.cost_cents
                    .map(|c| money(f64::from(c)))
                    .unwrap_or_default(),
                f.owner.clone().unwrap_or_default(),
                f.status.label().to_string(),
            ]
        })
        .collect()
}

const PLAN_HEADERS: [&str; 8] = [
    "id",
    "device",
    "action",
    "target",
    "fiscal year",
    "cost",
    "owner",
    "status",
];

pub(crate) fn run(db_path: &Path, out: &mut impl Write, command: LifecycleCommand) -> CliResult {
    let mut api = Api::open(db_path)?;
    let as_of = |api: &mut Api, day: Option<NaiveDate>| {
        if let Some(day) = day {
            api.set_today(day);
        }
    };
    match command {
        LifecycleCommand::Status { format, as_of: day } => {
            as_of(&mut api, day);
            let status = api.lifecycle_status()?;
            let headers = [
                "device",
                "os",
                "matched release",
                "confidence",
                "status",
                "support ends",
                "patch",
            ];
            let rows: Vec<Vec<String>> = status
                .devices
                .iter()
                .map(|d| {
                    vec![
                        d.name.clone(),
                        d.os_text.clone().unwrap_or_default(),
                        d.os_match.release_label.clone().unwrap_or_default(),
                        format!("{:?}", d.os_match.confidence).to_lowercase(),
                        d.support.status.label().to_string(),
                        d.support
                            .end_date
                            .map(|e| e.to_string())
                            .unwrap_or_default(),
                        match d.patch.due_date {
                            Some(due) if d.patch.days_overdue > 0 => {
                                format!("overdue since {due}")
                            }
                            Some(due) => format!("due {due}"),
                            None => String::new(),
                        },
                    ]
                })
                .collect();
            match format {
                Format::Json => output::json(out, &status)?,
                Format::Csv => output::csv_out(out, &headers, rows)?,
                Format::Table => {
                    output::table_out(out, &headers, rows)?;
                    let c = &status.counts;
                    writeln!(
                        out,
                        "\n{} supported, {} ending within 12 months, {} unsupported, {} unknown; \
                         {} overdue for a patch; {} at risk without a plan (as of {}).",
                        c.supported,
                        c.ending_soon,
                        c.unsupported,
                        c.unknown,
                        c.patch_overdue,
                        c.unplanned_at_risk,
                        status.today
                    )?;
                }
            }
        }
        LifecycleCommand::Plan {
            format,
            suggest,
            accept_all,
            as_of: day,
        } => {
            as_of(&mut api, day);
            if suggest || accept_all {
                let proposals = api.suggest_plans()?;
                if accept_all {
                    for p in proposals.iter().filter(|p| !p.already_planned) {
                        let (Some(action), Some(target_date)) =
                            (p.suggestion.action, p.suggestion.target_date)
                        else {
                            continue;
                        };
                        api.create_plan(PlanFields {
                            device_id: p.device_id,
                            action,
                            target_date,
                            cost_cents: None,
                            owner: None,
                            status: PlanStatus::Planned,
                            origin: PlanOrigin::Suggested,
                            with_monitoring: p.suggestion.with_monitoring,
                            note: Some(p.suggestion.reason.clone()),
                        })?;
                    }
                }
                let headers = [
                    "device",
                    "action",
                    "target",
                    "fiscal year",
                    "planned",
                    "reason",
                ];
                let rows = proposals
                    .iter()
                    .map(|p| {
                        vec![
                            p.device_name.clone(),
                            p.suggestion
                                .action
                                .map(|a| a.label().to_string())
                                .unwrap_or_default(),
                            p.suggestion
                                .target_date
                                .map(|d| d.to_string())
                                .unwrap_or_default(),
                            p.suggestion
                                .fiscal_year
                                .as_ref()
                                .map(|f| f.label.clone())
                                .unwrap_or_default(),
                            if p.already_planned || accept_all {
                                "yes"
                            } else {
                                "no"
                            }
                            .to_string(),
                            p.suggestion.reason.clone(),
                        ]
                    })
                    .collect();
                match format {
                    Format::Json => output::json(out, &proposals)?,
                    Format::Csv => output::csv_out(out, &headers, rows)?,
                    Format::Table => output::table_out(out, &headers, rows)?,
                }
            } else {
                let plans = api.list_plans()?;
                match format {
                    Format::Json => output::json(out, &plans)?,
                    Format::Csv => output::csv_out(out, &PLAN_HEADERS, plan_rows(&plans))?,
                    Format::Table => output::table_out(out, &PLAN_HEADERS, plan_rows(&plans))?,
                }
            }
        }
        LifecycleCommand::Budget { format, as_of: day } => {
            as_of(&mut api, day);
            let roadmap = api.lifecycle_roadmap()?;
            let headers = [
                "fiscal year",
                "from",
                "to",
                "actions",
                "budget",
                "without estimate",
            ];
            let rows = roadmap
                .years
                .iter()
                .map(|y| {
                    vec![
                        y.fiscal_year.label.clone(),
                        y.fiscal_year.start.to_string(),
                        y.fiscal_year.end.to_string(),
                        y.plans.len().to_string(),
                        money(y.total_cents),
                        y.unestimated.to_string(),
                    ]
                })
                .collect();
            match format {
                Format::Json => output::json(out, &roadmap)?,
                Format::Csv => output::csv_out(out, &headers, rows)?,
                Format::Table => {
                    output::table_out(out, &headers, rows)?;
                    if !roadmap.overdue.is_empty() {
                        writeln!(
                            out,
                            "\n{} open action(s) are past their target date:",
                            roadmap.overdue.len()
                        )?;
                        output::table_out(out, &PLAN_HEADERS, plan_rows(&roadmap.overdue))?;
                    }
                }
            }
        }
        LifecycleCommand::Deadlines {
            days,
            format,
            as_of: day,
        } => {
            as_of(&mut api, day);
            let window = match days {
                Window::D30 => DeadlineWindow::Days30,
                Window::D90 => DeadlineWindow::Days90,
                Window::D365 => DeadlineWindow::Days365,
            };
            let list = api.lifecycle_deadlines(window)?;
            let headers = ["date", "days left", "kind", "what"];
            let rows = list
                .iter()
                .map(|d| {
                    vec![
                        d.item.date.to_string(),
                        d.days_left.to_string(),
                        d.item.kind.label().to_string(),
                        d.item.title.clone(),
                    ]
                })
                .collect();
            match format {
                Format::Json => output::json(out, &list)?,
                Format::Csv => output::csv_out(out, &headers, rows)?,
                Format::Table => output::table_out(out, &headers, rows)?,
            }
        }
        LifecycleCommand::ImportEol { file, format } => {
            let report = api.import_endoflife(&file.display().to_string())?;
            match format {
                Format::Json => output::json(out, &report)?,
                Format::Csv => output::csv_out(
                    out,
                    &["release", "field", "before", "after"],
                    report
                        .changed
                        .iter()
                        .map(|c| {
                            vec![
                                c.release_id.clone(),
                                c.field.clone(),
                                c.before.clone(),
                                c.after.clone(),
                            ]
                        })
                        .chain(report.added.iter().map(|id| {
                            vec![id.clone(), "added".into(), String::new(), String::new()]
                        }))
                        .collect(),
                )?,
                Format::Table => {
                    writeln!(out, "{}", report.summary)?;
                    for c in &report.changed {
                        writeln!(out, "  {} {}: {} → {}", c.label, c.field, c.before, c.after)?;
                    }
                    for id in &report.added {
                        writeln!(out, "  added {id}")?;
                    }
                }
            }
        }
    }
    Ok(())
}
