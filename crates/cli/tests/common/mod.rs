//! Running the real `devicerisk` binary on a database, shared by the command-line test files.
// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `devicerisk --db DB ARGS...`, with DEVICERISK_DB removed so only `--db` counts.
pub fn run(db: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_devicerisk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DEVICERISK_DB")
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs, expects exit code 0, returns standard output.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let r = run(db, args);
    assert_eq!(r.code, 0, "{args:?}\n{}\n{}", r.stdout, r.stderr);
    r.stdout
}

/// Runs, expects exit code 0 and one JSON document on standard output.
pub fn ok_json(db: &Path, args: &[&str]) -> Value {
    let r = run(db, args);
    assert_eq!(r.code, 0, "{args:?}\n{}\n{}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", r.stdout))
}
