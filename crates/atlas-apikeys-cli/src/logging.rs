//! What `-v` means: warnings only by default; `-v` one line per HTTP
//! exchange; `-vv` the same with (redacted) headers; `-vvv` everything,
//! the HTTP stack included. Secrets are never logged at any level, and each
//! line passes the rule for everything printed (`echo`).

/// Installs the stderr logger for `verbose` (the count of `-v`).
pub fn init(verbose: u8) {
    let filter = match verbose {
        0 => "atlas_apikeys=warn,atlas_apikeys_client=warn".to_owned(),
        // The exchange lines only: retries and challenges are in them.
        1 => "atlas_apikeys=warn,atlas_apikeys_client=warn,atlas_apikeys::http=info".to_owned(),
        2 => "atlas_apikeys=warn,atlas_apikeys_client=warn,atlas_apikeys::http=debug".to_owned(),
        _ => "trace".to_owned(),
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(crate::echo::LogLine::default)
        .with_ansi(false)
        .with_target(verbose >= 3)
        .without_time()
        .init();
}
