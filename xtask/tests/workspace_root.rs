//! The xtask binary finds its workspace at run time: built once and run in
//! another checkout (one `CARGO_TARGET_DIR` shared by two checkouts), it
//! reads and writes that checkout, never the one it was built from.

use std::path::Path;
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    xtask::output::copy_tree(from, to).unwrap();
}

#[test]
fn the_binary_works_on_the_checkout_it_runs_in() {
    let built_from = xtask::workspace_root();
    let generated = built_from
        .join(xtask::codegen::GENERATED_DIR)
        .join("mod.rs");
    let before = std::fs::read(&generated).unwrap();

    // A second checkout: its own fragments, one version fewer.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("Cargo.toml"),
        "[workspace]\nmembers = []\n",
    )
    .unwrap();
    copy_tree(&built_from.join("openapi"), &other.path().join("openapi"));
    let dropped = std::fs::read_dir(other.path().join("openapi"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .max()
        .unwrap();
    std::fs::remove_file(&dropped).unwrap();
    let nested = other.path().join("openapi/roles");

    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .current_dir(&nested)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(
        other
            .path()
            .join(xtask::codegen::GENERATED_DIR)
            .join("mod.rs"),
    )
    .expect("codegen wrote into the checkout it ran in");
    let module = dropped
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .replace(['-', '.'], "_");
    let module = module
        .strip_prefix("atlas_")
        .map(|d| format!("v{d}"))
        .unwrap_or(module);
    assert!(
        !written.contains(&format!("pub mod {module};")),
        "{written}"
    );
    assert_eq!(
        std::fs::read(&generated).unwrap(),
        before,
        "the checkout the binary was built from is untouched"
    );
}
