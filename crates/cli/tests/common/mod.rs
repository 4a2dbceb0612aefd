//! Running the real `devicerisk` binary on a database, shared by the command-line test files.
// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// One finished run of the binary; its arguments are kept to name it in failure messages.
pub struct Run {
    pub args: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the command and both outputs when it differs.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "devicerisk {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.stdout, self.stderr
        );
        self
    }

    pub fn ok(self) -> Self {
        self.expect_code(0)
    }

    /// Standard output must be exactly one JSON document (the CLI's `--format json` contract).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "devicerisk {}: stdout is not one JSON document ({e}):\n{}",
                self.args, self.stdout
            )
        })
    }
}

fn finish(args: &[&str], command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        args: args.join(" "),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `devicerisk --db DB ARGS...`, with DEVICERISK_DB removed so only `--db` counts.
pub fn run(db: &Path, args: &[&str]) -> Run {
    finish(
        args,
        Command::new(env!("CARGO_BIN_EXE_devicerisk"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env_remove("DEVICERISK_DB"),
    )
}

/// `devicerisk ARGS...` without `--db`, the database named by DEVICERISK_DB instead.
pub fn run_with_env_db(db: &Path, args: &[&str]) -> Run {
    finish(
        args,
        Command::new(env!("CARGO_BIN_EXE_devicerisk"))
            .args(args)
            .env("DEVICERISK_DB", db),
    )
}

/// Runs, expects exit code 0, returns standard output.
pub fn ok(db: &Path, args: &[&str]) -> String {
    run(db, args).ok().stdout
}

/// Runs, expects exit code 0 and one JSON document on standard output.
pub fn ok_json(db: &Path, args: &[&str]) -> Value {
    run(db, args).ok().json()
}
