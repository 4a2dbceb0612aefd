//! `devicerisk import sbom`, `devicerisk import vex` and `devicerisk sbom list|remove|vex`:
//! glue over the api's SBOM and VEX use cases.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use devicerisk_api::{
    Api, ComponentVulnerability, DeviceComponent, SbomImportReport, SbomSummary, SbomTarget,
    VexImportReport, VexState,
};

use crate::output::TextTable;
use crate::{output, CliResult, Failure};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(clap::Args)]
pub(crate) struct ImportSbomArgs {
    /// Attach to one device: its id or asset tag.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "model",
        conflicts_with = "model"
    )]
    device: Option<String>,
    /// Attach to every device of a model: "MANUFACTURER|MODEL" (compared without case).
    #[arg(long, value_name = "MANUFACTURER|MODEL")]
    model: Option<String>,
    /// CycloneDX (JSON or XML, 1.2 to 1.7) or SPDX (2.2/2.3, JSON or tag-value) file.
    file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Subcommand)]
pub(crate) enum SbomCommand {
    /// Attached SBOMs; with --device, that device's components (its own SBOMs and its
    /// model's) with their vulnerabilities after VEX.
    List {
        /// Device id or asset tag.
        #[arg(long, value_name = "ID")]
        device: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Detach an SBOM (its id from `sbom list`).
    Remove {
        id: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Imported VEX documents.
    Vex {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

fn target(api: &Api, device: Option<&str>, model: Option<&str>) -> Result<SbomTarget, Failure> {
    if let Some(device) = device {
        return Ok(SbomTarget::Device {
            device_id: api.resolve_device(device)?,
        });
    }
    let text = model.unwrap_or_default();
    let Some((manufacturer, model)) = text.split_once('|') else {
        return Err(Failure::User(format!(
            "--model \"{text}\" should be \"MANUFACTURER|MODEL\", e.g. --model \"BD|Alaris 8015\""
        )));
    };
    Ok(SbomTarget::Model {
        manufacturer: manufacturer.trim().to_string(),
        model: model.trim().to_string(),
    })
}

pub(crate) fn import_sbom(db: &Path, out: &mut impl Write, args: ImportSbomArgs) -> CliResult {
    let api = Api::open(db)?;
    let target = target(&api, args.device.as_deref(), args.model.as_deref())?;
    let report = api.import_sbom(&args.file, target)?;
    match args.format {
        Format::Json => output::json(out, &report)?,
        Format::Table => sbom_report(out, &report)?,
    }
    Ok(())
}

fn sbom_report(out: &mut impl Write, r: &SbomImportReport) -> std::io::Result<()> {
    let s = &r.sbom;
    match &r.replaced {
        Some(old) => writeln!(
            out,
            "Replaced {old} with {} ({})",
            s.file_name, s.format_label
        )?,
        None => writeln!(out, "Attached {} ({})", s.file_name, s.format_label)?,
    }
    writeln!(out, "Product: {}", s.title)?;
    writeln!(
        out,
        "Attached to {} ({} active device{})",
        s.attached_to,
        s.devices,
        if s.devices == 1 { "" } else { "s" }
    )?;
    writeln!(
        out,
        "{} components, {} vulnerabilities listed ({} open)",
        s.components, s.vulnerabilities, s.open_vulnerabilities
    )?;
    writeln!(out, "SBOM id: {}", s.id)
}

pub(crate) fn import_vex(
    db: &Path,
    out: &mut impl Write,
    file: &Path,
    format: Format,
) -> CliResult {
    let api = Api::open(db)?;
    let report = api.import_vex(file)?;
    match format {
        Format::Json => output::json(out, &report)?,
        Format::Table => vex_report(out, &report)?,
    }
    Ok(())
}

fn vex_report(out: &mut impl Write, r: &VexImportReport) -> std::io::Result<()> {
    if let Some(old) = &r.replaced {
        writeln!(out, "Replaced the earlier import of {old}")?;
    }
    writeln!(
        out,
        "Imported VEX {} ({}): {}, applied to {}",
        r.vex.file_name,
        r.vex.document_id.as_deref().unwrap_or("no document id"),
        counted(r.vex.statements, "statement"),
        counted(r.vex.applied_components, "component")
    )?;
    for a in &r.applied {
        writeln!(
            out,
            "  {}  {}  {}  ({})",
            a.vulnerability,
            state_label(a.state),
            a.component,
            a.sbom_file
        )?;
    }
    if !r.unmatched.is_empty() {
        writeln!(
            out,
            "{} statements name nothing attached (kept; they apply once such an SBOM is attached):",
            r.unmatched.len()
        )?;
        for u in &r.unmatched {
            writeln!(out, "  {} at {}: {}", u.vulnerability, u.place, u.target)?;
        }
    }
    Ok(())
}

/// "1 statement", "3 statements".
fn counted(n: u32, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn state_label(state: VexState) -> &'static str {
    match state {
        VexState::Affected => "affected",
        VexState::UnderInvestigation => "under investigation",
        VexState::Fixed => "fixed",
        VexState::NotAffected => "not affected",
        VexState::Unknown => "not analysed",
    }
}

fn vulnerability_cell(list: &[ComponentVulnerability]) -> String {
    list.iter()
        .map(|v| format!("{}: {}", v.id, state_label(v.state)))
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn run(db: &Path, out: &mut impl Write, command: SbomCommand) -> CliResult {
    let api = Api::open(db)?;
    match command {
        SbomCommand::List {
            device: Some(device),
            format,
        } => {
            let id = api.resolve_device(&device)?;
            let seen = api.device_sboms(id)?;
            match format {
                ListFormat::Json => output::json(out, &seen)?,
                ListFormat::Csv => component_csv(out, &seen.components)?,
                ListFormat::Table => {
                    if seen.sboms.is_empty() {
                        writeln!(out, "No SBOM is attached to this device or its model.")?;
                        return Ok(());
                    }
                    let mut table = TextTable::new(vec![
                        "Component",
                        "Version",
                        "Supplier",
                        "purl",
                        "Licence",
                        "Vulnerabilities",
                        "SBOM",
                    ]);
                    for c in &seen.components {
                        table.push(vec![
                            if c.is_subject {
                                format!("{} (product)", c.name)
                            } else {
                                c.name.clone()
                            },
                            c.version.clone().unwrap_or_default(),
                            c.supplier.clone().unwrap_or_default(),
                            c.purl.clone().unwrap_or_default(),
                            c.licenses.join(", "),
                            vulnerability_cell(&c.vulnerabilities),
                            c.sbom_file.clone(),
                        ]);
                    }
                    table.write(out)?;
                    writeln!(
                        out,
                        "{} components in {} SBOM(s); {} open vulnerabilities count in the device's risk.",
                        seen.components.len(),
                        seen.sboms.len(),
                        seen.open.len()
                    )?;
                }
            }
        }
        SbomCommand::List {
            device: None,
            format,
        } => {
            let list = api.list_sboms()?;
            match format {
                ListFormat::Json => output::json(out, &list)?,
                ListFormat::Csv => sbom_csv(out, &list)?,
                ListFormat::Table => {
                    let mut table = TextTable::new(vec![
                        "File",
                        "Format",
                        "Product",
                        "Attached to",
                        "Devices",
                        "Components",
                        "Open vulns",
                        "Id",
                    ]);
                    for s in &list {
                        table.push(vec![
                            s.file_name.clone(),
                            s.format_label.clone(),
                            s.title.clone(),
                            s.attached_to.clone(),
                            s.devices.to_string(),
                            s.components.to_string(),
                            s.open_vulnerabilities.to_string(),
                            s.id.clone(),
                        ]);
                    }
                    table.write(out)?;
                }
            }
        }
        SbomCommand::Remove { id, format } => {
            api.delete_sbom(id.trim())?;
            match format {
                Format::Json => output::json(out, &serde_json::json!({ "removed": id.trim() }))?,
                Format::Table => writeln!(out, "Detached SBOM {}", id.trim())?,
            }
        }
        SbomCommand::Vex { format } => {
            let list = api.list_vex()?;
            match format {
                Format::Json => output::json(out, &list)?,
                Format::Table => {
                    let mut table = TextTable::new(vec![
                        "File",
                        "Format",
                        "Document id",
                        "Statements",
                        "Applied to",
                        "Id",
                    ]);
                    for v in &list {
                        table.push(vec![
                            v.file_name.clone(),
                            v.format.key().to_string(),
                            v.document_id.clone().unwrap_or_default(),
                            v.statements.to_string(),
                            format!("{} components", v.applied_components),
                            v.id.clone(),
                        ]);
                    }
                    table.write(out)?;
                }
            }
        }
    }
    Ok(())
}

fn component_csv(out: &mut impl Write, list: &[DeviceComponent]) -> CliResult {
    let rows = list
        .iter()
        .map(|c| {
            let open: Vec<&str> = c
                .vulnerabilities
                .iter()
                .filter(|v| v.open)
                .map(|v| v.id.as_str())
                .collect();
            vec![
                c.sbom_file.clone(),
                c.from_model.to_string(),
                c.is_subject.to_string(),
                c.kind.clone(),
                c.name.clone(),
                c.group.clone().unwrap_or_default(),
                c.version.clone().unwrap_or_default(),
                c.supplier.clone().unwrap_or_default(),
                c.purl.clone().unwrap_or_default(),
                c.cpe.clone().unwrap_or_default(),
                c.licenses.join(" | "),
                c.part_of.clone().unwrap_or_default(),
                vulnerability_cell(&c.vulnerabilities),
                open.join(" "),
            ]
        })
        .collect();
    output::csv_out(
        out,
        &[
            "sbom_file",
            "from_model",
            "is_product",
            "kind",
            "name",
            "group",
            "version",
            "supplier",
            "purl",
            "cpe",
            "licenses",
            "part_of",
            "vulnerabilities",
            "open_vulnerabilities",
        ],
        rows,
    )
}

fn sbom_csv(out: &mut impl Write, list: &[SbomSummary]) -> CliResult {
    let rows = list
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                s.file_name.clone(),
                s.format_label.clone(),
                s.title.clone(),
                s.attached_to.clone(),
                s.devices.to_string(),
                s.components.to_string(),
                s.vulnerabilities.to_string(),
                s.open_vulnerabilities.to_string(),
                s.sha256.clone(),
                s.imported_at.to_rfc3339(),
            ]
        })
        .collect();
    output::csv_out(
        out,
        &[
            "id",
            "file",
            "format",
            "product",
            "attached_to",
            "devices",
            "components",
            "vulnerabilities",
            "open_vulnerabilities",
            "sha256",
            "imported_at",
        ],
        rows,
    )
}

/// `devicerisk bench sbom`: a generated CycloneDX SBOM of `components` components (nested
/// two levels, each with a purl, licence and hash) listing `vulnerabilities` vulnerabilities,
/// and a CycloneDX VEX ruling half of them out, attached to one model of a demo clinic.
/// Times (medians): reading + attaching the SBOM (a re-attach replaces it), importing the VEX,
/// one device's components after VEX, and every device's risk levels with the SBOM counted.
pub(crate) fn bench(
    out: &mut impl Write,
    devices: u32,
    components: u32,
    vulnerabilities: u32,
    runs: u32,
) -> CliResult {
    use crate::bench::{demo_clinic, machine, median, seconds};
    use std::time::Instant;

    if components == 0 || vulnerabilities > components {
        return Err(Failure::User(
            "--components must be at least 1 and --vulnerabilities at most --components".into(),
        ));
    }
    let (dir, api) = demo_clinic(out, devices, runs)?;
    let (sbom_path, vex_path) = write_bench_documents(dir.path(), components, vulnerabilities)?;
    let size = std::fs::metadata(&sbom_path).map(|m| m.len()).unwrap_or(0);
    // The model with the most devices of the demo clinic.
    let list = api.list_sboms()?;
    debug_assert!(list.is_empty());
    let rows = api
        .list_devices(devicerisk_api::DeviceQuery {
            search: None,
            category: None,
            site_id: None,
            zone_id: None,
            status: None,
            include_decommissioned: false,
            sort: devicerisk_api::DeviceSort::Name,
            descending: false,
        })?
        .rows;
    let mut counts: std::collections::HashMap<(String, String), u32> = Default::default();
    for r in &rows {
        if let (Some(m), Some(n)) = (&r.device.fields.manufacturer, &r.device.fields.model) {
            *counts.entry((m.clone(), n.clone())).or_default() += 1;
        }
    }
    let ((manufacturer, model), _) = counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .ok_or_else(|| Failure::User("the demo clinic has no device with a model".into()))?;
    let device = rows
        .iter()
        .find(|r| r.device.fields.model.as_deref() == Some(model.as_str()))
        .map(|r| r.device.id)
        .expect("a device of the model");
    let target = SbomTarget::Model {
        manufacturer: manufacturer.clone(),
        model: model.clone(),
    };
    let (mut attach, mut vex, mut view, mut levels) = (vec![], vec![], vec![], vec![]);
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(api.import_sbom(&sbom_path, target.clone())?);
        attach.push(started.elapsed());
        let started = Instant::now();
        api.import_vex(&vex_path)?;
        vex.push(started.elapsed());
        let started = Instant::now();
        let seen = api.device_sboms(device)?;
        view.push(started.elapsed());
        if seen.components.len() != components as usize + 1 {
            return Err(Failure::Internal(format!(
                "the device shows {} components, not {}",
                seen.components.len(),
                components + 1
            )));
        }
        let started = Instant::now();
        api.device_risk_levels()?;
        levels.push(started.elapsed());
    }
    let attached = last.expect("at least one run").sbom;
    let summary = api
        .list_sboms()?
        .into_iter()
        .find(|s| s.id == attached.id)
        .unwrap_or(attached);
    writeln!(
        out,
        "\nSBOM of {components} components ({:.1} MB CycloneDX JSON), {vulnerabilities} vulnerabilities, VEX ruling out {}; attached to model {manufacturer} {model} ({} of {devices} devices); median of {runs} runs",
        size as f64 / 1_048_576.0,
        vulnerabilities / 2,
        summary.devices
    )?;
    writeln!(out, "Machine: {}", machine())?;
    if cfg!(debug_assertions) {
        writeln!(
            out,
            "Build:   debug (measure with: cargo run --release -p devicerisk-cli -- bench sbom)"
        )?;
    } else {
        writeln!(out, "Build:   release")?;
    }
    writeln!(
        out,
        "Read and attach the SBOM (replacing it):   {}",
        seconds(median(&mut attach))
    )?;
    writeln!(
        out,
        "Import the VEX (replacing it):             {}",
        seconds(median(&mut vex))
    )?;
    writeln!(
        out,
        "One device's components after VEX:         {}",
        seconds(median(&mut view))
    )?;
    writeln!(
        out,
        "Risk levels of every device, SBOM counted: {}",
        seconds(median(&mut levels))
    )?;
    writeln!(
        out,
        "Open vulnerabilities after VEX: {} of {}",
        summary.open_vulnerabilities, summary.vulnerabilities
    )?;
    drop(dir);
    Ok(())
}

fn write_bench_documents(
    dir: &Path,
    components: u32,
    vulnerabilities: u32,
) -> Result<(PathBuf, PathBuf), Failure> {
    use serde_json::json;
    let per_parent = 100u32;
    let mut top = Vec::new();
    let mut made = 0u32;
    let component = |i: u32| {
        json!({
            "type": "library",
            "bom-ref": format!("c{i}"),
            "name": format!("lib{i}"),
            "version": format!("1.{}.{}", i % 50, i % 7),
            "purl": format!("pkg:generic/lib{i}@1.{}.{}", i % 50, i % 7),
            "licenses": [{ "license": { "id": "MIT" } }],
            "hashes": [{ "alg": "SHA-256", "content": format!("{i:064x}") }],
        })
    };
    while made < components {
        let mut parent = component(made);
        made += 1;
        let mut children = Vec::new();
        while made < components && children.len() < per_parent as usize - 1 {
            children.push(component(made));
            made += 1;
        }
        parent["components"] = json!(children);
        top.push(parent);
    }
    let step = (components / vulnerabilities.max(1)).max(1);
    let vulns: Vec<_> = (0..vulnerabilities)
        .map(|v| {
            json!({
                "id": format!("CVE-2099-{:05}", v + 10000),
                "ratings": [{ "score": 5.0 + (v % 50) as f64 / 10.0, "method": "CVSSv31" }],
                "affects": [{ "ref": format!("c{}", (v * step) % components) }],
            })
        })
        .collect();
    let serial = "urn:uuid:00000000-0000-4000-8000-00000000b0b0";
    let sbom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial,
        "version": 1,
        "metadata": { "component": { "type": "device", "bom-ref": "product", "name": "Bench device", "version": "1.0" } },
        "components": top,
        "vulnerabilities": vulns,
    });
    let statements: Vec<_> = (0..vulnerabilities / 2)
        .map(|v| {
            json!({
                "id": format!("CVE-2099-{:05}", v + 10000),
                "analysis": { "state": "not_affected", "justification": "code_not_reachable" },
                "affects": [{ "ref": format!("urn:cdx:00000000-0000-4000-8000-00000000b0b0/1#c{}", (v * step) % components) }],
            })
        })
        .collect();
    let vex = json!({ "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "vulnerabilities": statements });
    let write = |name: &str, value: &serde_json::Value| -> Result<PathBuf, Failure> {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec(value)?)
            .map_err(|e| Failure::Internal(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    };
    Ok((
        write("bench.cdx.json", &sbom)?,
        write("bench.vex.json", &vex)?,
    ))
}
