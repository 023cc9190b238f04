//! Every README command block runs against the emulator.

use super::*;

#[test]
fn every_readme_command_block_runs_against_the_emulator() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it when running tests");
    let readme = std::path::Path::new(&manifest)
        .ancestors()
        .map(|d| d.join("README.md"))
        .find(|p| p.is_file() && p.parent().is_some_and(|d| d.join("openapi").is_dir()))
        .expect("the workspace README");
    let text = std::fs::read_to_string(readme).unwrap();
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let mut vars: Vec<(String, String)> = Vec::new();
    let (mut ran, mut lines) = (0, text.lines());
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            continue;
        };
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        if lang == "toml"
            && let Some(name) = block.first().and_then(|l| l.strip_prefix("# "))
        {
            std::fs::write(dir.path().join(name.trim()), block.join("\n")).unwrap();
            continue;
        }
        if lang != "sh" || !block.iter().any(|l| l.starts_with("atlas-apikeys ")) {
            continue;
        }
        for line in block {
            let w = words(line);
            match w.first().map(String::as_str) {
                Some("export") => {
                    for assignment in &w[1..] {
                        let (k, v) = assignment.split_once('=').expect("NAME=value");
                        let v = if k.ends_with("_URL") {
                            e.emulator.url()
                        } else {
                            v.to_owned()
                        };
                        vars.push((k.to_owned(), v));
                    }
                }
                Some("atlas-apikeys") => {
                    let mut c = cli();
                    c.current_dir(dir.path())
                        .envs(vars.iter().map(|(k, v)| (k, v)));
                    let args: Vec<&str> = w[1..].iter().map(String::as_str).collect();
                    let out = run(c, &args);
                    assert_eq!(out.code, 0, "README: {line}\n{}{}", out.stdout, out.stderr);
                    ran += 1;
                }
                _ => {}
            }
        }
    }
    assert!(
        ran >= 5,
        "the README's command blocks were found ({ran} commands)"
    );
}
