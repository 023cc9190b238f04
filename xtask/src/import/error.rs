//! Why an import failed: every variant names the input file, and what to
//! do where there is something to do.

use std::path::PathBuf;

use super::ApiDate;
use crate::output::OutputError;

/// Why an import failed. Every variant names the input file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The input file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The input file.
        file: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The input is neither valid JSON nor valid YAML.
    #[error("{file}: not valid {format}: {message}")]
    Parse {
        /// The input file.
        file: PathBuf,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's message, with its line and column.
        message: String,
    },
    /// The document is not OpenAPI 3.0.x.
    #[error("{file}: not an OpenAPI 3.0.x document ({found})")]
    NotOpenApi30 {
        /// The input file.
        file: PathBuf,
        /// What the document declares instead.
        found: String,
    },
    /// A covered operation is not in the document.
    #[error("{file}: operation {operation} not found (expected at {pointer})")]
    MissingOperation {
        /// The input file.
        file: PathBuf,
        /// `METHOD /path`.
        operation: String,
        /// Where it was looked for.
        pointer: String,
    },
    /// An optional operation has no dated media type.
    #[error("{file}: operation {operation} has no dated media type")]
    Undated {
        /// The input file.
        file: PathBuf,
        /// `METHOD /path`.
        operation: String,
    },
    /// No content version of an operation is on or before the target date.
    #[error(
        "{file}: operation {operation} has no content version on or before {date} (versions: {available})"
    )]
    NoContentForDate {
        /// The input file.
        file: PathBuf,
        /// `METHOD /path`.
        operation: String,
        /// The requested version date.
        date: ApiDate,
        /// The versions the operation does have.
        available: String,
    },
    /// A content map lacks the version its operation resolved to.
    #[error("{file}: {pointer} has no media type for version {version} (has: {available})")]
    InconsistentVersions {
        /// The input file.
        file: PathBuf,
        /// The content map.
        pointer: String,
        /// The version the operation resolved to.
        version: ApiDate,
        /// The versions the map offers.
        available: String,
    },
    /// A `$ref` points nowhere, or outside the document.
    #[error("{file}: {pointer}: unresolvable $ref {reference:?}")]
    BadRef {
        /// The input file.
        file: PathBuf,
        /// Where the reference stands.
        pointer: String,
        /// The reference.
        reference: String,
    },
    /// A value has the wrong JSON type for its place in the document.
    #[error("{file}: {pointer}: expected {expected}")]
    Shape {
        /// The input file.
        file: PathBuf,
        /// The offending value.
        pointer: String,
        /// What belongs there.
        expected: &'static str,
    },
    /// The target date is missing or malformed.
    #[error("{0}")]
    Date(String),
    /// The target date is a real date, but not a release the input declares.
    #[error(
        "{file}: declares no release {date}; the release dates it declares are: {declared} (pass one of them with --version)"
    )]
    UndeclaredVersion {
        /// The input file.
        file: PathBuf,
        /// The requested date.
        date: ApiDate,
        /// The dates the input declares (`x-xgen-version`, dated media types).
        declared: String,
    },
    /// A part every usable spec has is missing (a truncated or partial file).
    #[error("{file}: {what} is missing; the file may be cut off or not a full Atlas spec")]
    MissingPart {
        /// The input file.
        file: PathBuf,
        /// What is missing, as a JSON pointer and a name.
        what: String,
    },
    /// The role catalogue could not be read.
    #[error("{0}")]
    Catalogue(String),
    /// `--check`: upstream's role lists differ from the catalogue.
    #[error("{file}: upstream's roles differ from the role catalogue:\n  {}", .lines.join("\n  "))]
    RoleDrift {
        /// The input file.
        file: PathBuf,
        /// One line per scope that differs.
        lines: Vec<String>,
    },
    /// Writing or checking the fragment failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}
