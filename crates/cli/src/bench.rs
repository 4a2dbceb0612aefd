//! `devicerisk bench import`: how long importing a large inventory CSV into a fresh database and
//! exporting it again takes, next to `sqlite3 .import` of the same file, the floor of what a
//! CSV-to-SQLite load can cost. Every step goes through the same `Api` calls the app uses.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use devicerisk_api::{Api, DemoOptions, ExportFormat, ImportRequest};

use crate::{CliResult, Failure};

/// The targets for 10,000 devices: at most a second, at most 3× sqlite3's own import.
const GOAL: Duration = Duration::from_secs(1);
const GOAL_RATIO: f64 = 3.0;

pub fn import(out: &mut impl Write, devices: u32, runs: u32) -> CliResult {
    if runs == 0 || devices == 0 {
        return Err(Failure::User(
            "--devices and --runs must be at least 1".into(),
        ));
    }
    let dir = tempfile::tempdir()
        .map_err(|e| Failure::Internal(format!("cannot create a temporary directory: {e}")))?;
    let csv = dir.path().join("inventory.csv");

    writeln!(
        out,
        "Generating a {devices}-device demo clinic and exporting it to CSV..."
    )?;
    out.flush()?;
    let source = Api::open(&dir.path().join("source.sqlite3"))?;
    source.load_demo(DemoOptions { devices, seed: 1 })?;
    source.export_inventory(&csv, ExportFormat::Csv)?;
    drop(source);
    let csv_bytes = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);

    let mut imports = Vec::new();
    let mut totals = Vec::new();
    for run in 0..runs {
        let db = dir.path().join(format!("import-{run}.sqlite3"));
        let export = dir.path().join(format!("export-{run}.csv"));
        let started = Instant::now();
        let api = Api::open(&db)?;
        let report = api.apply_import(ImportRequest {
            path: csv.to_string_lossy().into_owned(),
            mapping: None,
        })?;
        let imported = started.elapsed();
        let exported = api.export_inventory(&export, ExportFormat::Csv)?;
        totals.push(started.elapsed());
        imports.push(imported);
        if report.created != devices || exported.rows != devices {
            return Err(Failure::Internal(format!(
                "benchmark run {run}: expected {devices} devices, created {} and exported {}",
                report.created, exported.rows
            )));
        }
    }
    let sqlite = sqlite3_imports(dir.path(), &csv, devices, runs)?;

    let total = median(&mut totals);
    let import = median(&mut imports);
    writeln!(
        out,
        "\nImport + export of a {devices}-device inventory CSV ({:.1} MB), median of {runs} runs",
        csv_bytes as f64 / 1e6
    )?;
    writeln!(out, "Machine: {}", machine())?;
    if cfg!(debug_assertions) {
        writeln!(
            out,
            "Build:   debug (measure with: cargo run --release -p devicerisk-cli -- bench import)"
        )?;
    } else {
        writeln!(out, "Build:   release")?;
    }
    writeln!(
        out,
        "  devicerisk import into a fresh database  {}",
        seconds(import)
    )?;
    writeln!(
        out,
        "  devicerisk export                        {}",
        seconds(total - import)
    )?;
    writeln!(
        out,
        "  devicerisk import + export               {}",
        seconds(total)
    )?;
    let ratio = match sqlite {
        Some(mut times) => {
            let sqlite = median(&mut times);
            writeln!(
                out,
                "  sqlite3 .import of the same file         {}",
                seconds(sqlite)
            )?;
            let ratio = total.as_secs_f64() / sqlite.as_secs_f64();
            writeln!(
                out,
                "  ratio (import + export) / sqlite3        {ratio:.2}×"
            )?;
            Some(ratio)
        }
        None => {
            writeln!(
                out,
                "  sqlite3 .import of the same file         not available (no sqlite3 command)"
            )?;
            None
        }
    };
    let fast_enough = total <= GOAL;
    let close_enough = ratio.is_none_or(|r| r <= GOAL_RATIO);
    writeln!(
        out,
        "Goal: ≤ {} s and ≤ {GOAL_RATIO}× sqlite3: {}",
        GOAL.as_secs(),
        if fast_enough && close_enough {
            "met"
        } else {
            "NOT met"
        }
    )?;
    Ok(())
}

/// Times `sqlite3 NEWDB ".import --csv FILE devices"` (which makes a table from the header row),
/// then checks the row count outside the timing. `None` when there is no sqlite3 command.
fn sqlite3_imports(
    dir: &Path,
    csv: &Path,
    devices: u32,
    runs: u32,
) -> Result<Option<Vec<Duration>>, Failure> {
    if Command::new("sqlite3").arg("-version").output().is_err() {
        return Ok(None);
    }
    let mut times = Vec::new();
    for run in 0..runs {
        let db = dir.join(format!("sqlite3-{run}.sqlite3"));
        let started = Instant::now();
        let import = Command::new("sqlite3")
            .arg(&db)
            .arg(format!(".import --csv '{}' devices", csv.display()))
            .output()
            .map_err(|e| Failure::Internal(format!("cannot run sqlite3: {e}")))?;
        times.push(started.elapsed());
        let count = Command::new("sqlite3")
            .arg(&db)
            .arg("SELECT count(*) FROM devices")
            .output()
            .map_err(|e| Failure::Internal(format!("cannot run sqlite3: {e}")))?;
        let counted = String::from_utf8_lossy(&count.stdout).trim().to_string();
        if !import.status.success() || counted != devices.to_string() {
            return Err(Failure::Internal(format!(
                "sqlite3 .import loaded {counted:?} rows instead of {devices}: {}",
                String::from_utf8_lossy(&import.stderr).trim()
            )));
        }
    }
    Ok(Some(times))
}

/// The start of the `bench report` and `bench risk` runs: checks the counts, then makes a
/// `devices`-device demo clinic in a temporary directory that lives as long as the `TempDir`.
pub(crate) fn demo_clinic(
    out: &mut impl Write,
    devices: u32,
    runs: u32,
) -> Result<(tempfile::TempDir, Api), Failure> {
    if runs == 0 || devices == 0 {
        return Err(Failure::User(
            "--devices and --runs must be at least 1".into(),
        ));
    }
    let dir = tempfile::tempdir()
        .map_err(|e| Failure::Internal(format!("cannot create a temporary directory: {e}")))?;
    writeln!(out, "Generating a {devices}-device demo clinic...")?;
    out.flush()?;
    let api = Api::open(&dir.path().join("bench.sqlite3"))?;
    api.load_demo(DemoOptions { devices, seed: 1 })?;
    Ok((dir, api))
}

pub(crate) fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    let middle = times.len() / 2;
    if times.len().is_multiple_of(2) {
        (times[middle - 1] + times[middle]) / 2
    } else {
        times[middle]
    }
}

pub(crate) fn seconds(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

pub(crate) fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| cpu_model(&info))
        .unwrap_or_else(|| "CPU model unknown".into());
    format!("{cores} cores (nproc), {cpu}")
}

/// The first "model name" line of /proc/cpuinfo (x86; other architectures may lack it).
fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&mut [ms(30), ms(10), ms(20)]), ms(20));
        assert_eq!(median(&mut [ms(40), ms(10), ms(20), ms(30)]), ms(25));
    }

    #[test]
    fn cpu_model_is_read_from_cpuinfo() {
        let info = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n";
        assert_eq!(
            cpu_model(info).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(cpu_model("processor : 0\n"), None);
    }
}
