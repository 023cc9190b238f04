//! Exit codes and error messages in the command line's own terms: flags and
//! argument names rather than API fields, and the cause of a network error
//! rather than only its outermost line.

use std::process::ExitCode;

use atlas_apikeys::{Error, Rule};

/// Usage or validation: nothing was sent.
pub const USAGE: u8 = 2;
/// The API answered with an error.
pub const API: u8 = 3;
/// Transport or authentication.
pub const TRANSPORT: u8 = 4;
/// The command ran, but its result could not be written (a full disk, a
/// closed file): what it did stands, and the message says so.
pub const OUTPUT: u8 = 5;
/// `plan`: the live state differs from the file; changes are pending.
/// Not a failure: the plan was read and printed.
pub const PENDING: u8 = 6;
/// Interrupted (Ctrl-C): what finished was reported.
pub const INTERRUPTED: u8 = 130;

/// A failure to report.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What to print after `error: `.
    pub message: String,
}

impl Failure {
    /// A usage problem.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: USAGE,
            message: message.into(),
        }
    }

    /// A transport or authentication problem.
    pub fn transport(message: impl Into<String>) -> Self {
        Self {
            code: TRANSPORT,
            message: message.into(),
        }
    }

    /// Adds a line of advice.
    pub fn hint(mut self, hint: &str) -> Self {
        self.message.push_str("\nhint: ");
        self.message.push_str(hint);
        self
    }

    /// Prints the message and returns the exit code.
    pub fn report(self) -> ExitCode {
        crate::echo::err(&format!("error: {}", self.message));
        ExitCode::from(self.code)
    }
}

/// The flag or argument a request field came from.
pub fn flag(field: &str) -> &str {
    match field.split('[').next().unwrap_or(field) {
        "desc" => "--desc",
        "roles" => "--role",
        "orgId" => "ORG_ID",
        "groupId" => "PROJECT_ID",
        "apiUserId" => "KEY_ID",
        "pageNum" => "--page",
        "itemsPerPage" => "--limit",
        "body" => "--desc/--role",
        other => other,
    }
}

/// A rule in the command line's words.
pub fn rule(rule: &Rule) -> String {
    match rule {
        Rule::NotDocumented { .. } => format!(
            "{}; `atlas-apikeys roles` lists them, and --allow-unlisted-roles sends a role this build does not know",
            rule.finding()
        ),
        Rule::NotAccepted { target } => format!(
            "is not accepted by {target}'s project endpoint: change the description with `atlas-apikeys org-key update KEY_ID --orgId ORG_ID --desc TEXT`"
        ),
        Rule::NothingToUpdate => {
            "give --desc, --role, or both: an empty update changes nothing".into()
        }
        other => other.to_string(),
    }
}

/// Every cause under `e`, outermost first, without repeats.
pub fn causes(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !text.is_empty() && !out.iter().any(|seen| seen.contains(&text)) {
            out.push(text);
        }
        next = cause.source();
    }
    out
}

/// `e` and its causes, a line each; each line's text escaped, since a
/// server's words may be among them.
fn with_causes(e: &Error) -> String {
    let mut message = e.to_string();
    for cause in causes(e) {
        if !message.contains(&cause) {
            message.push_str("\ncaused by: ");
            message.push_str(&cause);
        }
    }
    message
        .split('\n')
        .map(|line| crate::echo::field(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

impl From<crate::echo::Unwritten> for Failure {
    fn from(crate::echo::Unwritten(e): crate::echo::Unwritten) -> Self {
        Self {
            code: OUTPUT,
            message: format!("the command ran, but its result could not be written to stdout: {e}"),
        }
    }
}

impl From<atlas_apikeys::ValidationError> for Failure {
    fn from(e: atlas_apikeys::ValidationError) -> Self {
        Failure::from(Error::from(e))
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match &e {
            Error::Validation(v) => {
                let message = if matches!(v.rule, Rule::NothingToUpdate) {
                    rule(&v.rule)
                } else {
                    format!("{}: {} (got {})", flag(&v.field), rule(&v.rule), v.value)
                };
                Failure::usage(message)
            }
            // The server's words (its detail, its errorCode) may hold
            // anything: each is one escaped line.
            Error::Api(api) => {
                let mut message = crate::echo::field(&api.to_string()).into_owned();
                if let Some(code) = &api.error_code {
                    message.push_str(&format!("\nerrorCode: {}", crate::echo::field(code)));
                }
                Failure { code: API, message }
            }
            Error::VersionGone { .. } | Error::RateLimited { .. } | Error::ListTooLong { .. } => {
                Failure {
                    code: API,
                    message: crate::echo::field(&e.to_string()).into_owned(),
                }
            }
            // The SDK's advice names its builder call; the command line
            // has a flag for it.
            Error::ClientSetup(atlas_apikeys::client::BuildError::InsecureHttp { url }) => {
                Failure::usage(format!(
                    "base URL {url:?} is plain http to a non-loopback host: credentials could be sniffed; use https, or pass --allow-insecure-http"
                ))
            }
            Error::ClientSetup(atlas_apikeys::client::BuildError::SkipVerification { url }) => {
                Failure::usage(format!(
                    "base URL {url:?}: the profile's ops_manager_skip_verify skips TLS verification to loopback hosts only; trust the server's CA instead: --ca-cert FILE, {} or the profile's ops_manager_ca_certificate",
                    atlas_apikeys::settings::vars::CA_CERTIFICATE
                ))
            }
            Error::ClientSetup(_) | Error::Config(_) => Failure::usage(with_causes(&e)),
            // The certificate's complaint is in the causes; what fixes it is
            // said here.
            Error::Transport(atlas_apikeys::TransportError::Tls(_)) => Failure::transport(format!(
                "{}\nhint: if the server's certificate comes from a private CA (Ops Manager on premises), trust it: --ca-cert FILE, {} or the profile's ops_manager_ca_certificate",
                with_causes(&e),
                atlas_apikeys::settings::vars::CA_CERTIFICATE
            )),
            _ => Failure::transport(with_causes(&e)),
        }
    }
}
