//! How generated code grows with a system's versions: the number the
//! codegen command prints and a test keeps under 1.2x.

use super::{CodegenError, Fragment, generate};

/// How generated code grows with one system's versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    /// The system.
    pub system: String,
    /// How many versions it has.
    pub versions: usize,
    /// Lines generated for all of them.
    pub together: usize,
    /// Lines generated for the newest alone.
    pub alone: usize,
}

impl Growth {
    /// `together / alone`.
    pub fn ratio(&self) -> f64 {
        self.together as f64 / self.alone as f64
    }
}

/// For every system with two or more versions: the lines its versions
/// generate together against the newest alone.
pub fn growth(fragments: &[Fragment]) -> Result<Vec<Growth>, CodegenError> {
    let mut systems: Vec<&str> = fragments.iter().map(|f| f.system.as_str()).collect();
    systems.dedup();
    let mut out = Vec::new();
    for system in systems {
        let of: Vec<Fragment> = fragments
            .iter()
            .filter(|f| f.system == system)
            .cloned()
            .collect();
        let Some(newest) = of.last().cloned() else {
            continue;
        };
        if of.len() < 2 {
            continue;
        }
        out.push(Growth {
            system: system.to_owned(),
            versions: of.len(),
            together: generate(of)?.total_lines(),
            alone: generate(vec![newest])?.total_lines(),
        });
    }
    Ok(out)
}
