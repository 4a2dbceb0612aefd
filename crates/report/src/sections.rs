//! The packet's sections as printable blocks: headings, paragraphs, tables and charts, in
//! reading order. The PDF renderer lays these out; the titles are the contents and bookmarks.

use devicerisk_core::risk::RiskLevel;

use crate::model::*;

/// Every section title, in order, as printed (without the number).
pub const SECTION_TITLES: &[&str] = &[
    "Executive summary",
    "Scope and method",
    "Inventory summary",
    "Full inventory",
    "Network segmentation",
    "Clinic questionnaire results",
    "Risk register",
    "Remediation plan",
    "Lifecycle roadmap and budget",
    "Unsupported and unpatchable devices",
    "Vulnerability and advisory findings",
    "Vendors and procurement",
    "Evidence index",
    "Audit trail summary",
    "Method appendix",
    "Mapping to HIPAA, HICP and NIST CSF",
    "Sign-off",
];

pub(crate) struct Column {
    pub title: String,
    /// Relative width.
    pub weight: f32,
}

pub(crate) struct Cell {
    pub text: String,
    pub bold: bool,
    /// Paint the cell in the level's colour.
    pub level: Option<RiskLevel>,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            text,
            bold: false,
            level: None,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_string())
    }
}

fn level_cell(level: RiskLevel) -> Cell {
    Cell {
        text: level_label(level).to_string(),
        bold: true,
        level: Some(level),
    }
}

fn bold(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        bold: true,
        level: None,
    }
}

pub(crate) struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub size: f32,
    /// Printed instead of an empty table.
    pub empty: String,
}

fn table(columns: &[(&str, f32)], rows: Vec<Vec<Cell>>, empty: &str) -> Block {
    Block::Table(Table {
        columns: columns
            .iter()
            .map(|(title, weight)| Column {
                title: title.to_string(),
                weight: *weight,
            })
            .collect(),
        rows,
        size: 7.5,
        empty: empty.to_string(),
    })
}

pub(crate) enum Block {
    Heading(String),
    Paragraph(String),
    Note(String),
    KeyValues(Vec<(String, String)>),
    Table(Table),
    HeatMap {
        counts: [[u32; 5]; 5],
        matrix: Vec<Vec<RiskLevel>>,
    },
    /// Label, value, colour by level (accent colour when `None`).
    Bars(Vec<(String, u32, Option<RiskLevel>)>),
    Signatures(Vec<String>),
}

fn date(d: &Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// "$12,500.00"
fn money(dollars: f64) -> String {
    let cents = (dollars * 100.0).round() as i64;
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("${grouped}.{:02}", cents % 100)
}

fn counts_table(title: &str, rows: &[CountRow], total: u32) -> Block {
    let rows = rows
        .iter()
        .map(|r| {
            let share = if total > 0 {
                format!("{:.0}%", 100.0 * r.count as f64 / total as f64)
            } else {
                String::new()
            };
            vec![
                Cell::from(r.label.clone()),
                r.count.to_string().into(),
                share.into(),
            ]
        })
        .collect();
    table(
        &[(title, 5.0), ("Devices", 1.5), ("Share", 1.5)],
        rows,
        "None.",
    )
}

fn level_bars(counts: &LevelCounts) -> Block {
    Block::Bars(
        RiskLevel::ALL
            .iter()
            .rev()
            .map(|&l| (level_label(l).to_string(), counts.get(l), Some(l)))
            .collect(),
    )
}

fn risk_rows(risks: &[RiskRow], with_reasons: bool) -> Vec<Vec<Cell>> {
    risks
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::from(r.asset_tag.clone()),
                bold(r.device.clone()),
                r.category.clone().into(),
                r.site.clone().into(),
                format!("L{} × I{}", r.likelihood, r.impact).into(),
                level_cell(r.inherent),
                format!("L{} × I{}", r.residual_likelihood, r.residual_impact).into(),
                level_cell(r.residual),
            ];
            if with_reasons {
                row.push(r.reasons.join("; ").into());
                row.push(r.best_action.clone().into());
            } else {
                row.push(r.best_action.clone().into());
            }
            row
        })
        .collect()
}

/// "12 (KM-007 Pump 3, KM-008 Pump 4 and 10 more)".
fn count_with_names(count: u32, names: &[String]) -> String {
    if names.is_empty() {
        return count.to_string();
    }
    let more = count as usize - names.len().min(count as usize);
    let mut text = format!("{count}: {}", names.join(", "));
    if more > 0 {
        text.push_str(&format!(" and {more} more (see the full inventory)"));
    }
    text
}

/// Devices changed since, and what the audit log cannot say about imports.
pub(crate) fn devices_changed(c: &ChangeSincePrevious) -> String {
    let mut text = format!(
        "{} (devices recorded before, changed since, by the audit log)",
        c.devices_changed
    );
    if c.inventory_imports > 0 {
        text.push_str(&format!(
            "; and {} inventory {} since, whose updates to existing devices the log records \
             per file, not per device",
            c.inventory_imports,
            if c.inventory_imports == 1 {
                "import"
            } else {
                "imports"
            }
        ));
    }
    text
}

/// The executive summary's comparison with the previous assessment.
fn change_blocks(c: &ChangeSincePrevious, blocks: &mut Vec<Block>) {
    blocks.push(Block::KeyValues(vec![
        (
            "Previous assessment".into(),
            format!("{} (started {})", c.previous_title, c.previous_started_on),
        ),
        ("Compared from when".into(), c.since.clone()),
        ("Findings then".into(), c.previous_findings.to_string()),
        ("Findings now".into(), c.findings_now.to_string()),
        ("Resolved since".into(), c.resolved.to_string()),
        ("New since".into(), c.new.to_string()),
        ("Answers changed".into(), c.answers_changed.to_string()),
        (
            "Devices added since".into(),
            count_with_names(c.devices_added, &c.devices_added_names),
        ),
        (
            "Devices retired since".into(),
            count_with_names(c.devices_retired, &c.devices_retired_names),
        ),
        ("Device records changed".into(), devices_changed(c)),
    ]));
    let Some(l) = &c.levels else {
        blocks.push(Block::KeyValues(vec![(
            "Risk levels then".into(),
            c.levels_not_recorded.clone(),
        )]));
        return;
    };
    blocks.push(Block::Note(format!(
        "Levels then were kept when the previous assessment was finalized (risk method version \
         {}); levels now are computed from today's facts.",
        l.method_then
    )));
    blocks.push(table(
        &[
            ("Devices by level", 2.0),
            ("Inherent then", 1.0),
            ("Inherent now", 1.0),
            ("Residual then", 1.0),
            ("Residual now", 1.0),
        ],
        RiskLevel::ALL
            .iter()
            .rev()
            .map(|&level| {
                vec![
                    level_cell(level),
                    l.inherent_then.get(level).to_string().into(),
                    l.inherent_now.get(level).to_string().into(),
                    l.residual_then.get(level).to_string().into(),
                    l.residual_now.get(level).to_string().into(),
                ]
            })
            .collect(),
        "",
    ));
    let kinds = |kind: RiskChangeKind| l.risks.iter().filter(|r| r.change == kind).count();
    blocks.push(Block::KeyValues(vec![
        (
            "Devices whose residual level".into(),
            format!("went up: {}; went down: {}", l.devices_up, l.devices_down),
        ),
        (
            "Register risks".into(),
            format!(
                "{} higher, {} new, {} lower, {} closed, {} no longer found",
                kinds(RiskChangeKind::Higher),
                kinds(RiskChangeKind::New),
                kinds(RiskChangeKind::Lower),
                kinds(RiskChangeKind::Closed),
                kinds(RiskChangeKind::NoLongerFound),
            ),
        ),
    ]));
    let level_or_dash = |level: Option<RiskLevel>| match level {
        Some(level) => level_cell(level),
        None => Cell::from("—"),
    };
    blocks.push(table(
        &[
            ("Register risk", 4.0),
            ("Change", 1.2),
            ("Residual then", 1.0),
            ("Residual now", 1.0),
        ],
        l.risks
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.title.clone()),
                    bold(r.change.label()),
                    level_or_dash(r.then),
                    level_or_dash(r.now),
                ]
            })
            .collect(),
        "No register risk changed level, appeared or closed.",
    ));
}

/// The sections, titled "N. Title", each with its blocks.
pub(crate) fn section_blocks(m: &ReportModel) -> Vec<(String, Vec<Block>)> {
    let mut out: Vec<(String, Vec<Block>)> = Vec::new();
    let mut push = |blocks: Vec<Block>| {
        let n = out.len();
        out.push((format!("{}. {}", n + 1, SECTION_TITLES[n]), blocks));
    };
    let e = &m.executive;

    // 1. Executive summary
    let mut blocks = vec![
        Block::Paragraph(e.posture.clone()),
        Block::Heading("Devices by residual risk level".into()),
        level_bars(&e.residual),
        table(
            &[
                ("Level", 2.0),
                ("Inherent (before controls)", 2.0),
                ("Residual (after controls)", 2.0),
            ],
            RiskLevel::ALL
                .iter()
                .rev()
                .map(|&l| {
                    vec![
                        level_cell(l),
                        e.inherent.get(l).to_string().into(),
                        e.residual.get(l).to_string().into(),
                    ]
                })
                .collect(),
            "",
        ),
        Block::Heading("Heat map of residual risk (devices per cell)".into()),
        Block::HeatMap {
            counts: e.heat_map,
            matrix: e.matrix.clone(),
        },
        Block::Heading("Top 10 risks".into()),
        table(
            &[
                ("Asset tag", 1.4),
                ("Device", 2.2),
                ("Category", 1.6),
                ("Site", 1.4),
                ("Inherent L×I", 1.0),
                ("Inherent", 1.0),
                ("Residual L×I", 1.0),
                ("Residual", 1.0),
                ("What would lower it most", 3.0),
            ],
            risk_rows(&e.top_risks, false),
            "No devices in use.",
        ),
        Block::Heading("Change since the previous assessment".into()),
    ];
    match &e.change {
        Some(c) => change_blocks(c, &mut blocks),
        None => blocks.push(Block::Paragraph(
            "This is the first assessment recorded: there is no earlier one to compare with."
                .into(),
        )),
    }
    push(blocks);

    // 2. Scope and method
    push(vec![
        Block::Paragraph(m.scope.scope.clone()),
        Block::Paragraph(m.scope.method.clone()),
        Block::Heading("OCR's nine elements of a risk analysis".into()),
        table(
            &[
                ("Element", 1.6),
                ("How this analysis meets it", 4.0),
                ("Shown in", 2.0),
            ],
            m.scope
                .elements
                .iter()
                .map(|r| {
                    vec![
                        bold(r.element.clone()),
                        r.how_met.clone().into(),
                        r.sections.clone().into(),
                    ]
                })
                .collect(),
            "",
        ),
    ]);

    // 3. Inventory summary
    let inv = &m.inventory;
    push(vec![
        Block::KeyValues(vec![
            ("Devices recorded".into(), inv.total.to_string()),
            (
                "In use (active or in storage)".into(),
                inv.in_use.to_string(),
            ),
        ]),
        Block::Heading("By category".into()),
        Block::Bars(
            inv.by_category
                .iter()
                .map(|r| (r.label.clone(), r.count, None))
                .collect(),
        ),
        counts_table("Category", &inv.by_category, inv.in_use),
        Block::Heading("By site".into()),
        counts_table("Site", &inv.by_site, inv.in_use),
        Block::Heading("By network zone".into()),
        counts_table("Zone", &inv.by_zone, inv.in_use),
        Block::Heading("By vendor support status".into()),
        counts_table("Support status", &inv.by_support, inv.in_use),
    ]);

    // 4. Full inventory
    push(vec![
        Block::Note(
            "Every device recorded, in use first. \"Unknown facts\" counts the facts not known \
             for the device; each is a gap in the analysis."
                .into(),
        ),
        table(
            &[
                ("Asset tag", 1.3),
                ("Name", 2.0),
                ("Category", 1.5),
                ("Manufacturer / model", 2.0),
                ("Software / OS", 1.8),
                ("Site / zone", 1.8),
                ("PHI", 0.7),
                ("Patch status", 1.2),
                ("Support", 1.1),
                ("Status", 0.9),
                ("Unknown facts", 0.8),
            ],
            inv.devices
                .iter()
                .map(|d| {
                    let mm = [d.manufacturer.as_str(), d.model.as_str()]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" ");
                    let sw = [d.software_version.as_str(), d.operating_system.as_str()]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" / ");
                    vec![
                        Cell::from(d.asset_tag.clone()),
                        bold(d.name.clone()),
                        d.category.clone().into(),
                        mm.into(),
                        sw.into(),
                        format!("{} / {}", d.site, d.zone).into(),
                        d.handles_phi.clone().into(),
                        d.patch_status.clone().into(),
                        d.vendor_support.clone().into(),
                        d.status.clone().into(),
                        d.unknown_facts.to_string().into(),
                    ]
                })
                .collect(),
            "No devices recorded.",
        ),
    ]);

    // 5. Segmentation
    let seg = &m.segmentation;
    push(vec![
        Block::Paragraph(format!(
            "{} of the devices in use sit on a network zone that is not a dedicated medical-device \
             or isolated segment, or on no recorded zone.",
            seg.findings.len()
        )),
        Block::Heading("Devices in use by zone purpose".into()),
        counts_table("Zone purpose", &seg.by_purpose, inv.in_use),
        Block::Heading("Findings".into()),
        table(
            &[("Asset tag", 1.3), ("Device", 2.0), ("Site", 1.4), ("Zone", 1.6), ("Issue", 4.0), ("Severity", 1.0)],
            seg.findings
                .iter()
                .map(|f| {
                    vec![
                        Cell::from(f.asset_tag.clone()),
                        bold(f.device.clone()),
                        f.site.clone().into(),
                        f.zone.clone().into(),
                        f.issue.clone().into(),
                        level_cell(f.severity),
                    ]
                })
                .collect(),
            "No segmentation findings: every device in use is on a medical-device or isolated zone.",
        ),
    ]);

    // 6. Questionnaire
    let q = &m.questionnaire;
    let mut blocks = Vec::new();
    match q.questions_shown {
        Some(total) => blocks.push(Block::KeyValues(vec![
            ("Questions shown".into(), total.to_string()),
            ("Answered".into(), q.answered.to_string()),
            ("Answered \"unknown\"".into(), q.unknown.to_string()),
            ("Findings (gaps)".into(), q.gaps.len().to_string()),
        ])),
        None => blocks.push(Block::Paragraph(
            "No assessment has been recorded yet, so there are no questionnaire answers.".into(),
        )),
    }
    blocks.push(Block::Heading("Findings by practice".into()));
    blocks.push(table(
        &[
            ("Practice", 4.0),
            ("Critical", 1.0),
            ("High", 1.0),
            ("Medium", 1.0),
            ("Low", 1.0),
        ],
        q.practices
            .iter()
            .map(|p| {
                vec![
                    bold(format!("{}. {}", p.practice, p.name)),
                    p.findings.critical.to_string().into(),
                    p.findings.high.to_string().into(),
                    p.findings.medium.to_string().into(),
                    p.findings.low.to_string().into(),
                ]
            })
            .collect(),
        "",
    ));
    blocks.push(Block::Heading("Gaps, worst first".into()));
    blocks.push(table(
        &[
            ("Severity", 0.9),
            ("Practice", 0.7),
            ("Subject", 1.6),
            ("Question", 3.0),
            ("Answer", 1.4),
            ("Action", 3.0),
        ],
        q.gaps
            .iter()
            .map(|g| {
                let answer = if g.note.is_empty() {
                    g.answer.clone()
                } else {
                    format!("{} (note: {})", g.answer, g.note)
                };
                vec![
                    level_cell(g.severity),
                    g.practice.to_string().into(),
                    g.subject.clone().into(),
                    g.question.clone().into(),
                    answer.into(),
                    g.action.clone().into(),
                ]
            })
            .collect(),
        "No gaps found.",
    ));
    push(blocks);

    // 7. Risk register
    push(vec![
        Block::Note(
            "The register groups the devices' risks by finding, highest residual level first, with \
             the treatment decided, the owner and the status."
                .into(),
        ),
        table(
            &[
                ("Risk", 3.4),
                ("Devices", 0.9),
                ("Inherent", 0.9),
                ("Residual", 0.9),
                ("Treatment", 1.0),
                ("Owner", 1.2),
                ("Status", 0.9),
                ("Controls in place", 2.0),
            ],
            m.register
                .entries
                .iter()
                .map(|r| {
                    vec![
                        bold(r.title.clone()),
                        r.devices.to_string().into(),
                        level_cell(r.inherent),
                        level_cell(r.residual),
                        r.treatment.clone().into(),
                        r.owner.clone().into(),
                        r.status.clone().into(),
                        r.controls.clone().into(),
                    ]
                })
                .collect(),
            "The register is empty.",
        ),
        Block::Heading("Levels per device".into()),
        Block::Note(
            "One row per device in use, highest residual level first. L×I is likelihood × \
             impact on the method's 1-5 scales; residual is after compensating controls."
                .into(),
        ),
        table(
            &[
                ("Asset tag", 1.3),
                ("Device", 1.7),
                ("Category", 1.3),
                ("Site", 1.1),
                ("Inherent L×I", 0.9),
                ("Inherent", 1.1),
                ("Residual L×I", 0.9),
                ("Residual", 1.1),
                ("Main reasons", 3.2),
                ("What would lower it most", 2.4),
            ],
            risk_rows(&m.register.risks, true),
            "No devices in use.",
        ),
    ]);

    // 8. Remediation plan
    let total_open = m.remediation.len();
    let overdue = m.remediation.iter().filter(|r| r.overdue).count();
    push(vec![
        Block::Paragraph(format!(
            "{total_open} open risks are to be mitigated; {overdue} of them are past their due or \
             review date. Each needs an owner and a due date."
        )),
        table(
            &[
                ("Risk", 3.6),
                ("Devices", 0.9),
                ("Residual", 0.9),
                ("Owner", 1.4),
                ("Due", 1.0),
                ("Status", 1.0),
                ("Overdue", 0.8),
            ],
            m.remediation
                .iter()
                .map(|r| {
                    vec![
                        bold(r.title.clone()),
                        r.devices.to_string().into(),
                        level_cell(r.residual),
                        if r.owner.is_empty() {
                            "Not assigned".to_string()
                        } else {
                            r.owner.clone()
                        }
                        .into(),
                        date(&r.due_date).into(),
                        r.status.clone().into(),
                        if r.overdue { "Overdue" } else { "" }.into(),
                    ]
                })
                .collect(),
            "Nothing left to mitigate: every risk is closed, accepted, transferred or avoided.",
        ),
    ]);

    // 9. Lifecycle roadmap
    let mut blocks = vec![Block::Bars(
        m.roadmap
            .iter()
            .map(|y| {
                (
                    format!("{} (${:.0})", y.label, y.total),
                    y.total.round() as u32,
                    None,
                )
            })
            .collect(),
    )];
    blocks.push(table(
        &[
            ("Fiscal year", 1.2),
            ("From", 1.0),
            ("To", 1.0),
            ("Actions", 0.8),
            ("Budget", 1.2),
            ("Not estimated", 1.0),
        ],
        m.roadmap
            .iter()
            .map(|y| {
                vec![
                    bold(y.label.clone()),
                    y.start.to_string().into(),
                    y.end.to_string().into(),
                    y.actions.len().to_string().into(),
                    money(y.total).into(),
                    y.unestimated.to_string().into(),
                ]
            })
            .collect(),
        "No replacement, isolation, patch or retirement is planned yet.",
    ));
    for y in &m.roadmap {
        blocks.push(Block::Heading(format!(
            "{} ({} to {}): {}",
            y.label,
            y.start,
            y.end,
            money(y.total)
        )));
        blocks.push(table(
            &[
                ("Device", 2.4),
                ("Action", 1.0),
                ("Target date", 1.0),
                ("Cost", 1.0),
                ("Owner", 1.4),
                ("Status", 1.0),
            ],
            y.actions
                .iter()
                .map(|a| {
                    vec![
                        bold(a.device.clone()),
                        a.action.clone().into(),
                        a.target_date.to_string().into(),
                        a.cost
                            .map(money)
                            .unwrap_or_else(|| "Not estimated".into())
                            .into(),
                        a.owner.clone().into(),
                        a.status.clone().into(),
                    ]
                })
                .collect(),
            "No open action in this year.",
        ));
    }
    push(blocks);

    // 10. Unsupported and unpatchable
    push(vec![
        Block::Paragraph(
            "Devices whose vendor no longer supports them, or that cannot be patched, stay in \
             service only behind compensating measures; this table lists them with what is \
             recorded."
                .into(),
        ),
        table(
            &[
                ("Asset tag", 1.3),
                ("Device", 1.8),
                ("Operating system", 1.6),
                ("Vendor support", 1.2),
                ("End of support", 1.0),
                ("Patch status", 1.3),
                ("Residual", 0.9),
                ("Compensating measures recorded", 3.2),
            ],
            m.unsupported
                .iter()
                .map(|d| {
                    vec![
                        Cell::from(d.asset_tag.clone()),
                        bold(d.device.clone()),
                        d.operating_system.clone().into(),
                        d.vendor_support.clone().into(),
                        date(&d.vendor_end_of_support).into(),
                        d.patch_status.clone().into(),
                        level_cell(d.residual),
                        d.compensating_controls.clone().into(),
                    ]
                })
                .collect(),
            "No device in use is unsupported or unpatchable.",
        ),
    ]);

    // 11. Vulnerabilities
    let counted = m.vulnerabilities.iter().filter(|v| v.counted).count();
    // SBOM rows are named by their file ("SBOM pump.cdx.json"); the rest are catalog matches.
    let from_sbom = m
        .vulnerabilities
        .iter()
        .filter(|v| v.source.starts_with("SBOM "))
        .count();
    push(vec![
        Block::Paragraph(format!(
            "{} of imported advisories (CISA ICSMA, CSAF) and known exploited \
             vulnerabilities (CISA KEV) to the clinic's devices, and {} of the \
             components of attached SBOMs (source \"SBOM\", with their VEX status); {counted} \
             count in the devices' risk (decided affected, a high-confidence match not yet \
             decided, or an SBOM vulnerability not ruled out or fixed).",
            count_of(m.vulnerabilities.len() - from_sbom, "match", "matches"),
            count_of(from_sbom, "vulnerability", "vulnerabilities"),
        )),
        table(
            &[
                ("Device", 1.6),
                ("Advisory / CVE", 1.4),
                ("Title", 2.4),
                ("Confidence", 0.9),
                ("Exploited", 0.8),
                ("CVSS", 0.6),
                ("Decision", 2.2),
            ],
            m.vulnerabilities
                .iter()
                .map(|v| {
                    vec![
                        bold(v.device.clone()),
                        v.source.clone().into(),
                        v.title.clone().into(),
                        v.confidence.clone().into(),
                        if v.known_exploited { "Yes (KEV)" } else { "" }.into(),
                        v.max_cvss
                            .map(|c| format!("{c:.1}"))
                            .unwrap_or_default()
                            .into(),
                        v.decision.clone().into(),
                    ]
                })
                .collect(),
            "No advisory or KEV entry matches a device (or none has been imported yet).",
        ),
    ]);

    // 12. Vendors
    push(vec![table(
        &[
            ("Vendor", 1.6),
            ("Devices", 0.7),
            ("Security contact", 1.6),
            ("Disclosure policy", 1.0),
            ("Patch cadence", 1.1),
            ("SBOM", 0.9),
            ("MDS2", 0.9),
            ("BAA", 0.9),
            ("Still to obtain", 2.2),
        ],
        m.vendors
            .iter()
            .map(|v| {
                vec![
                    bold(v.name.clone()),
                    v.devices.to_string().into(),
                    v.security_contact.clone().into(),
                    v.disclosure_policy.clone().into(),
                    v.patch_cadence.clone().into(),
                    v.sbom_on_file.clone().into(),
                    v.mds2_on_file.clone().into(),
                    v.baa_signed.clone().into(),
                    v.missing.clone().into(),
                ]
            })
            .collect(),
        "No vendors recorded.",
    )]);

    // 10. Evidence
    push(vec![
        Block::Note(
            "Each file was copied into the clinic's data folder when attached; the SHA-256 lets \
             a reader check that the file shown is the file recorded."
                .into(),
        ),
        table(
            &[
                ("File", 1.8),
                ("SHA-256", 3.4),
                ("Supports", 3.0),
                ("Added", 1.1),
            ],
            m.evidence
                .iter()
                .map(|e| {
                    vec![
                        bold(e.file_name.clone()),
                        e.sha256.clone().into(),
                        format!("{}: {}", e.subject, e.supports).into(),
                        e.added_at.format("%Y-%m-%d").to_string().into(),
                    ]
                })
                .collect(),
            "No evidence files attached to this assessment.",
        ),
    ]);

    // 11. Audit trail
    let a = &m.audit;
    let shown: Vec<&AuditRow> = a.entries.iter().take(200).collect();
    push(vec![
        Block::KeyValues(vec![
            ("Entries".into(), a.total.to_string()),
            (
                "First".into(),
                a.first_at
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
            ),
            (
                "Latest".into(),
                a.last_at
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
            ),
        ]),
        Block::Heading("Changes by kind".into()),
        counts_table("Action", &a.by_action, a.total),
        Block::Heading("Changes by person".into()),
        counts_table("Person", &a.by_actor, a.total),
        Block::Heading(format!(
            "Latest {} entries (the workbook has all)",
            shown.len()
        )),
        table(
            &[
                ("When (UTC)", 1.3),
                ("Who", 1.0),
                ("Action", 1.1),
                ("What", 4.5),
            ],
            shown
                .iter()
                .map(|r| {
                    vec![
                        Cell::from(r.at.format("%Y-%m-%d %H:%M").to_string()),
                        r.actor.clone().into(),
                        r.action.clone().into(),
                        r.summary.clone().into(),
                    ]
                })
                .collect(),
            "The audit log is empty.",
        ),
    ]);

    // 12. Method appendix
    let md = &m.method;
    let mut blocks = vec![
        Block::KeyValues(vec![
            ("Method".into(), md.name.clone()),
            ("Version".into(), md.version.clone()),
        ]),
        Block::Paragraph(md.summary.clone()),
        Block::Heading("References".into()),
        Block::Paragraph(md.references.join("\n")),
        Block::Heading("Likelihood".into()),
        Block::Paragraph(format!(
            "{} Thresholds (points for likelihood 2, 3, 4, 5): {}.",
            md.likelihood.explanation,
            md.likelihood
                .thresholds
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        table(
            &[("Level", 0.6), ("Likelihood", 1.2), ("Meaning", 5.0)],
            md.likelihood_scale
                .iter()
                .map(|s| {
                    vec![
                        Cell::from(s.level.to_string()),
                        bold(s.label.clone()),
                        s.meaning.clone().into(),
                    ]
                })
                .collect(),
            "",
        ),
        Block::Heading("Likelihood factors and weights".into()),
        table(
            &[
                ("Factor", 2.0),
                ("Group", 0.9),
                ("Points", 0.6),
                ("Applies when", 4.0),
            ],
            md.factors
                .iter()
                .map(|f| {
                    vec![
                        bold(f.label.clone()),
                        format!("{:?}", f.group).to_lowercase().into(),
                        format!("{:+}", f.points).into(),
                        f.applies_when.clone().into(),
                    ]
                })
                .collect(),
            "",
        ),
        Block::Heading("Impact".into()),
        Block::Paragraph(md.impact.explanation.clone()),
        table(
            &[("Level", 0.6), ("Impact", 1.2), ("Meaning", 5.0)],
            md.impact_scale
                .iter()
                .map(|s| {
                    vec![
                        Cell::from(s.level.to_string()),
                        bold(s.label.clone()),
                        s.meaning.clone().into(),
                    ]
                })
                .collect(),
            "",
        ),
        table(
            &[
                ("Impact rule", 2.0),
                ("Dimension", 1.1),
                ("Level", 0.5),
                ("Applies when", 4.0),
            ],
            md.impact_rules
                .iter()
                .map(|r| {
                    vec![
                        bold(r.label.clone()),
                        format!("{:?}", r.dimension).into(),
                        r.level.to_string().into(),
                        r.applies_when.clone().into(),
                    ]
                })
                .collect(),
            "",
        ),
        Block::Heading("Risk levels and the 5×5 matrix".into()),
        table(
            &[("Level", 1.0), ("Meaning", 5.0)],
            md.risk_levels
                .iter()
                .map(|l| vec![level_cell(l.id), l.meaning.clone().into()])
                .collect(),
            "",
        ),
    ];
    let mut matrix_rows = Vec::new();
    for (i, row) in md.matrix.rows.iter().enumerate().rev() {
        let mut cells = vec![bold(format!("Likelihood {}", i + 1))];
        cells.extend(row.iter().map(|&l| level_cell(l)));
        matrix_rows.push(cells);
    }
    blocks.push(table(
        &[
            ("", 1.4),
            ("Impact 1", 1.0),
            ("Impact 2", 1.0),
            ("Impact 3", 1.0),
            ("Impact 4", 1.0),
            ("Impact 5", 1.0),
        ],
        matrix_rows,
        "",
    ));
    blocks.push(Block::Heading("Compensating controls".into()));
    blocks.push(table(
        &[("Control", 1.8), ("Effect", 2.6), ("Why", 3.0)],
        md.controls
            .iter()
            .map(|c| {
                vec![
                    bold(c.label.clone()),
                    c.effect.clone().into(),
                    c.rationale.clone().into(),
                ]
            })
            .collect(),
        "",
    ));
    push(blocks);

    // 13. Mapping
    push(vec![
        Block::Note(
            "Every finding of this packet (questionnaire gaps and segmentation findings) with the \
             HIPAA Security Rule citation, the HHS 405(d) HICP practice and the NIST CSF 2.0 \
             subcategories it relates to."
                .into(),
        ),
        table(
            &[
                ("Finding", 3.2),
                ("Subject", 1.5),
                ("Severity", 0.9),
                ("HIPAA", 1.7),
                ("HICP", 1.0),
                ("NIST CSF 2.0", 1.3),
            ],
            m.mapping
                .iter()
                .map(|r| {
                    vec![
                        Cell::from(r.finding.clone()),
                        r.subject.clone().into(),
                        level_cell(r.severity),
                        r.hipaa.clone().into(),
                        r.hicp.clone().into(),
                        r.csf.clone().into(),
                    ]
                })
                .collect(),
            "No findings to map.",
        ),
    ]);

    // 14. Sign-off
    let mut blocks = vec![Block::Paragraph(m.sign_off.statement.clone())];
    match &m.sign_off.signed {
        Some((name, role, on)) => blocks.push(Block::KeyValues(vec![
            ("Signed off by".into(), name.clone()),
            ("Role".into(), role.clone()),
            ("On".into(), on.to_string()),
        ])),
        None => blocks.push(Block::Note(
            "The assessment is not finalized yet: sign below, or finalize it in DeviceRisk to \
             record the sign-off."
                .into(),
        )),
    }
    blocks.push(Block::Signatures(vec![
        "Security officer: name, signature, date".into(),
        "Clinic leadership (COO / administrator): name, signature, date".into(),
    ]));
    push(blocks);
    out
}

/// "1 match", "3 matches": a count with its noun.
fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
