//! Asking before what cannot be undone (`org-key delete`, `project-key
//! unassign`, `org-key access-list delete`): `--force`, or a yes typed at a
//! terminal. Anything else sends nothing.

use std::io::{BufRead, IsTerminal, Read};

use crate::exit::Failure;
use crate::limits::ANSWER_BYTES;

/// Goes ahead with `--force`, or when the person at the terminal answers
/// yes to `action`; otherwise a usage failure that says why nothing was
/// sent.
pub fn confirm(force: bool, action: &str) -> Result<(), Failure> {
    if force {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Failure::usage(format!(
            "{action} cannot be undone, and there is no terminal to ask: pass --force to go ahead; nothing was sent"
        )));
    }
    crate::echo::err(&format!("{action}? It cannot be undone. [y/N]"));
    let mut answer = String::new();
    // A line at most this long: a pasted page is not an answer.
    let read = stdin.lock().take(ANSWER_BYTES).read_line(&mut answer);
    match (read, answer.trim().to_ascii_lowercase().as_str()) {
        (Ok(_), "y" | "yes") => Ok(()),
        _ => Err(Failure::usage(format!(
            "{action}: not confirmed, so nothing was sent"
        ))),
    }
}
