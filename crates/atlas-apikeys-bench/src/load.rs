//! Comparison 6: the emulator under load; and where the release binary of
//! the command line is, for comparison 7.

use std::sync::{Arc, Mutex};

use atlas_apikeys::ApiKeys;
use atlas_apikeys_emulator::defaults;

use crate::measure::compare;
use crate::report::*;
use crate::sides::*;

pub(crate) async fn emulator_load(s: &Settings) -> Result<Section, String> {
    let mut body = String::from("## 6. The emulator under load (64 concurrent callers)\n\n");
    let out = &mut body;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let base = minimal_server(seen).await;
    let emu = emulator(crate::sides::unlimited()).await?;
    let baseline = no_retry(ApiKeys::builder().anonymous().base_url(&base))?;
    let bearer = no_retry(ApiKeys::builder().base_url(emu.url()).service_account(
        defaults::SERVICE_ACCOUNT.client_id,
        defaults::SERVICE_ACCOUNT.client_secret,
    ))?;
    let digest = no_retry(
        ApiKeys::builder()
            .base_url(emu.url())
            .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key),
    )?;
    assert!(baseline().await && bearer().await && digest().await);
    let r = compare(&[&baseline, &bearer, &digest], s.rounds, s.calls, 64).await;
    out.push_str(HEADER);
    row(
        out,
        "minimal loopback server (fixed JSON, no auth)",
        &r[0],
        &r[0],
    );
    row(out, "emulator, service-account token", &r[1], &r[0]);
    row(out, "emulator, digest (nonce reused)", &r[2], &r[0]);
    out.push('\n');
    Ok(Section::new(body))
}

/// The command-line tool built beside this benchmark (`cargo xtask bench`
/// builds both).
pub(crate) fn cli_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let cli = exe.with_file_name(format!("atlas-apikeys{}", std::env::consts::EXE_SUFFIX));
    cli.is_file().then_some(cli)
}
