//! The Atlas CLI's spellings work alongside ours, and messages use the command line's words.

use super::*;

#[test]
fn atlas_cli_spellings_are_accepted() {
    let e = env(System::Atlas);
    let out = sh(
        atlas(&e),
        &format!("-o json org-key update {KEY} --orgId {ORG} --role ORG_MEMBER,ORG_READ_ONLY"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let roles: Vec<String> = json(&out)["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleName"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        roles.contains(&"ORG_MEMBER".into()) && roles.contains(&"ORG_READ_ONLY".into()),
        "{roles:?}"
    );
    // The organization from the environment, as the Atlas CLI reads it.
    let mut c = atlas(&e);
    c.env("MONGODB_ATLAS_ORG_ID", ORG);
    assert_eq!(
        sh(c, &format!("org-key update {KEY} --desc 'env org'")).code,
        0
    );
    let mut c = atlas(&e);
    c.env("MONGODB_ATLAS_PROJECT_ID", PROJECT);
    assert_eq!(
        sh(
            c,
            &format!("project-key assign {KEY} --role GROUP_READ_ONLY")
        )
        .code,
        0
    );
    // Swapped ids: the 404 says what may have happened.
    let out = sh(atlas(&e), &format!("org-key update {KEY} {ORG} --desc x"));
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("Were they swapped?"), "{}", out.stderr);
    // Both ways of naming the organization at once is refused before sending.
    let out = sh(
        atlas(&e),
        &format!("org-key update {ORG} {KEY} --orgId {ORG} --desc x"),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn messages_use_the_command_lines_words() {
    let e = env(System::Atlas);
    let cm = env(System::CloudManager);
    let run = |e: &Env, args: String| sh(atlas(e), &args);
    // The argument's name, not the wire's; no regex.
    let out = run(
        &e,
        format!("org-key update 32b6e34b3d91647abb20e7b {KEY} --desc x"),
    );
    says(&out.stderr, &["ORG_ID"], &["orgId", "a-f0-9]{24}"]);
    let out = run(&e, format!("org-key update {ORG} {KEY}"));
    says(
        &out.stderr,
        &["give --desc, --role, or both"],
        &["(got {})"],
    );
    let out = run(&e, format!("org-key update {ORG} {KEY} --role ORG_NOPE"));
    says(
        &out.stderr,
        &["is not an organization role", "--allow-unlisted-roles"],
        &[],
    );
    // The command to run instead, not the SDK's method.
    let mut c = cli();
    digest(&mut c, &cm);
    let out = sh(
        c,
        &format!(
            "--system cloud-manager project-key update-roles {PROJECT} {KEY} --desc x --role GROUP_READ_ONLY"
        ),
    );
    says(&out.stderr, &["org-key update"], &["update_org_key"]);
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "http://cloud.example.com")
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key);
    says(&update_x(c).stderr, &["--allow-insecure-http"], &[]);
}
