//! Secrets come from the environment, files or stdin, and are never echoed.

use super::*;

#[test]
fn secrets_come_from_files_or_stdin_and_are_never_echoed() {
    let (owner, sa) = (defaults::OWNER, defaults::SERVICE_ACCOUNT);
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("private-key");
    std::fs::write(&file, format!("{}\n", owner.private_key)).unwrap();
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", owner.public_key);
    // Temporary paths hold no spaces, so the line splits where it should.
    let out = sh(
        c,
        &format!(
            "--api-version {} --private-key-file {} org-key update {ORG} {KEY} --desc x",
            newest(),
            file.display()
        ),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_CLIENT_ID", sa.client_id);
    c.write_stdin(sa.client_secret);
    let out = sh(
        c,
        &format!(
            "--api-version {} --client-secret-file - org-key update {ORG} {KEY} --desc x",
            newest()
        ),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Everything a user can see, at the most verbose, on success and failure.
    let mut seen = String::new();
    for (private, secret) in [
        (owner.private_key, sa.client_secret),
        ("wrong-9e0f1a2b3c4d", "mdb_sa_sk_wrong"),
    ] {
        for use_sa in [false, true] {
            for format in ["json", "table"] {
                let mut c = cli();
                c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
                if use_sa {
                    c.env("MONGODB_ATLAS_CLIENT_ID", sa.client_id)
                        .env("MONGODB_ATLAS_CLIENT_SECRET", secret);
                } else {
                    c.env("MONGODB_ATLAS_PUBLIC_API_KEY", owner.public_key)
                        .env("MONGODB_ATLAS_PRIVATE_API_KEY", private);
                }
                let out = run(
                    c,
                    &[
                        "-vvv",
                        "--output",
                        format,
                        "project-key",
                        "assign",
                        PROJECT,
                        KEY,
                        "--role",
                        "GROUP_READ_ONLY",
                    ],
                );
                seen.push_str(&out.stdout);
                seen.push_str(&out.stderr);
            }
        }
    }
    assert!(
        seen.contains("atlas_apikeys.call"),
        "verbose logging ran: {seen}"
    );
    for secret in [
        owner.private_key,
        "9e0f1a2b3c4d",
        sa.client_secret,
        "mdb_sa_sk_wrong",
        "eyJhbGciOiJub25lIn0",
        "Digest username",
        "Basic ",
    ] {
        assert!(!seen.contains(secret), "{secret:?} was shown:\n{seen}");
    }
}
