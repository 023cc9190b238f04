//! `plan --out FILE`: what was reviewed is what is done. A saved plan is
//! applied as saved, refused (sending reads only) once the live state has
//! moved, and not saved at all when keys could not be read.

use super::*;

#[test]
fn a_saved_plan_is_applied_as_reviewed_and_refused_once_the_live_state_moved() {
    let e = env(System::Atlas);
    let (dir, file) = hostile::plan_file(
        "keys.yaml",
        &format!(
            "keys:\n- id: {KEY}\n  org: {ORG}\n  desc: reviewed\n  projects:\n  - {{id: {PROJECT}, roles: [GROUP_READ_ONLY]}}\n"
        ),
    );
    let saved = dir.path().join("plan.json");
    let saved = saved.to_str().unwrap();
    let out = sh(atlas(&e), &format!("-o json plan {file} --out {saved}"));
    assert_eq!(out.code, 6, "{}", out.stderr);
    let text = std::fs::read_to_string(saved).unwrap();
    says(&text, &["savedPlan", "reviewed", KEY], &[]);
    // Never over a file that exists.
    let again = sh(atlas(&e), &format!("-o json plan {file} --out {saved}"));
    expect_failure(&again, 2, "must not exist");

    // Someone changes the key meanwhile: the saved plan is refused, unsent.
    let out = sh(
        atlas(&e),
        &format!("org-key update {ORG} {KEY} --desc meanwhile"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    e.emulator.take_seen();
    let out = sh(atlas(&e), &format!("-o json apply {saved}"));
    expect_failure(&out, 2, "changed since the plan was saved");
    assert!(
        e.emulator
            .take_seen()
            .iter()
            .filter(|s| s.authenticated)
            .all(|s| s.method == "GET"),
        "nothing but reads"
    );
    assert_eq!(e.emulator.api_key(KEY).unwrap().description, "meanwhile");

    // Planned again, unmoved: applied as reviewed.
    let fresh = dir.path().join("fresh.json");
    let fresh = fresh.to_str().unwrap();
    let out = sh(atlas(&e), &format!("-o json plan {file} --out {fresh}"));
    assert_eq!(out.code, 6, "{}", out.stderr);
    let out = sh(atlas(&e), &format!("-o json apply {fresh}"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(e.emulator.api_key(KEY).unwrap().description, "reviewed");
    let out = sh(atlas(&e), &format!("-o json plan {file}"));
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn a_plan_of_keys_that_could_not_be_read_is_not_saved_and_says_so() {
    let e = env(System::Atlas);
    // The key's read is refused.
    e.emulator.inject(
        Some(&format!("GET /api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}")),
        atlas_apikeys_emulator::Fault::Status(400),
    );
    let (dir, file) = hostile::plan_file(
        "keys.toml",
        &format!("[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\ndesc = \"x\"\n"),
    );
    let saved = dir.path().join("plan.json");
    let out = sh(
        atlas(&e),
        &format!("-o json plan {file} --out {}", saved.display()),
    );
    assert_eq!(out.code, 3, "{}", out.stdout);
    says(&out.stderr, &["not saved"], &[]);
    assert!(!saved.exists());
}
