//! The UI compiles against `ui/src/lib/bindings.ts`, generated from the Rust commands and
//! types. This test fails when that file is stale, so a changed api cannot ship with a UI
//! that still calls the old shapes. `UPDATE_BINDINGS=1` rewrites the file instead.

use std::path::PathBuf;

fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts")
}

#[test]
fn typescript_bindings_are_current() {
    let generated =
        devicerisk_app::typescript_bindings().expect("the bindings could not be generated");
    assert!(
        generated.contains("async status()"),
        "the generated bindings lack the status command"
    );
    let path = bindings_path();
    if std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("could not write ui/src/lib/bindings.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is stale: the Rust commands or types changed.\n\
         Run `UPDATE_BINDINGS=1 cargo test -p devicerisk-app` to refresh it, then commit it."
    );
}
