//! Exit codes and error messages in the command line's own terms.

use std::process::ExitCode;

use atlas_apikeys::Error;

/// Usage or validation: nothing was sent.
pub const USAGE: u8 = 2;
/// The API answered with an error.
pub const API: u8 = 3;
/// Transport or authentication.
pub const TRANSPORT: u8 = 4;

/// A failure to report.
#[derive(Debug)]
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

    /// Prints the message and returns the exit code.
    pub fn report(self) -> ExitCode {
        eprintln!("error: {}", self.message);
        ExitCode::from(self.code)
    }
}

/// The flag or argument a request field came from.
fn flag(field: &str) -> &str {
    match field.split('[').next().unwrap_or(field) {
        "desc" => "--desc",
        "roles" => "--role",
        "orgId" => "ORG_ID",
        "groupId" => "PROJECT_ID",
        "apiUserId" => "KEY_ID",
        "body" => "--desc/--role",
        other => other,
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match &e {
            Error::Validation(v) => {
                let mut message = format!("{}: {} (got {})", flag(&v.field), v.rule, v.value);
                if matches!(v.rule, atlas_apikeys::Rule::NotDocumented { .. }) {
                    message.push_str(
                        "
hint: pass --allow-unlisted-roles to send a role this build does not know",
                    );
                }
                Failure::usage(message)
            }
            Error::Api(api) => {
                let mut message = api.to_string();
                if let Some(code) = &api.error_code {
                    message.push_str(&format!("\nerrorCode: {code}"));
                }
                Failure { code: API, message }
            }
            Error::VersionGone { .. } => Failure {
                code: API,
                message: e.to_string(),
            },
            Error::Build(_) | Error::Config(_) => Failure::usage(e.to_string()),
            _ => Failure::transport(e.to_string()),
        }
    }
}
