//! Everything the command line writes, and the one rule for text it did not
//! write itself (arguments, files, the environment, servers): control
//! characters are escaped, not obeyed, and secrets are withheld, whether
//! they are known by shape ([`atlas_apikeys::shown`]), because they were
//! read from a secret source ([`remember`]), or as a URL's userinfo.
//!
//! Writing never panics: a reader that went away (`| head`) ends the output
//! quietly and the exit code stays the command's; any other failure is
//! [`Unwritten`], which the command reports with exit code 5.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use atlas_apikeys::shown::{WITHHELD, withhold_secrets};

/// Secrets read this run (environment, profile, files, stdin), withheld
/// wherever they appear, whatever their shape.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Set once stdout's reader has gone: later output is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// The shortest secret withheld by value: a shorter one would blank out
/// ordinary words. (Real private keys are 36 characters, client secrets
/// longer.)
const MIN_REMEMBERED: usize = 8;

/// Withholds `secret` from everything printed from now on: as it is, and as
/// JSON, Rust's `Debug` and a message's 40-character excerpt would show it.
pub fn remember(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_REMEMBERED {
        return;
    }
    let debug = format!("{secret:?}");
    let json = serde_json::Value::from(secret).to_string();
    let excerpt: String = secret.chars().take(40).collect();
    let excerpt = format!("{excerpt:?}");
    let mut known = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    for form in [
        secret,
        &debug[1..debug.len() - 1],
        &json[1..json.len() - 1],
        &excerpt[1..excerpt.len() - 1],
    ] {
        if form.len() >= MIN_REMEMBERED && !known.iter().any(|k| k == form) {
            known.push(form.to_owned());
        }
    }
    // Longest first: a form that holds another is replaced whole.
    known.sort_by_key(|k| std::cmp::Reverse(k.len()));
}

/// `text` with secrets withheld: remembered ones first (a shape rule could
/// otherwise rewrite part of one, and the rest would no longer match), then
/// anything shaped like one, then a URL's userinfo.
pub fn withhold(text: &str) -> Cow<'_, str> {
    let mut text = Cow::Borrowed(text);
    {
        let known = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
        for secret in known.iter() {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), WITHHELD));
            }
        }
    }
    let text = match text {
        Cow::Borrowed(t) => withhold_secrets(t),
        Cow::Owned(t) => Cow::Owned(withhold_secrets(&t).into_owned()),
    };
    match withhold_userinfo(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

/// Replaces what stands before the last `@` of every `scheme://…@host`, and
/// of a bare `user:password@host`: a password may hold `/`, `?` or `#`, so
/// the authority is taken to run to the next white space or quote.
fn withhold_userinfo(text: &str) -> Cow<'_, str> {
    let text = withhold_authorities(text);
    if !text.contains('@') {
        return text;
    }
    // A word with `:` before its last `@` and no scheme: `alice:pw@host`.
    let bare = |word: &str| {
        !word.contains("://")
            && word
                .rfind('@')
                .is_some_and(|at| word[..at].contains(':') && at + 1 < word.len())
    };
    if !text.split(is_boundary).any(bare) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match word.rfind('@') {
            Some(at) if bare(word) => {
                out.push_str(WITHHELD);
                out.push_str(&word[at..]);
            }
            _ => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if is_boundary(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    Cow::Owned(out)
}

/// Where a URL ends in running text.
fn is_boundary(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '`')
}

/// The `scheme://…@` part of [`withhold_userinfo`].
fn withhold_authorities(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail.find(is_boundary).unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(userinfo_end) => {
                out.push_str(WITHHELD);
                out.push_str(&authority[userinfo_end..]);
                changed = true;
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// One value from outside, for a table cell or a message: every control
/// character escaped (a newline too, so it cannot fake a line), secrets
/// withheld.
pub fn field(text: &str) -> Cow<'_, str> {
    match withhold(text) {
        Cow::Borrowed(t) => escape(t, |_| true),
        Cow::Owned(t) => Cow::Owned(escape(&t, |_| true).into_owned()),
    }
}

/// Whole output: control characters other than newline and tab escaped,
/// secrets withheld.
pub fn lines(text: &str) -> Cow<'_, str> {
    let layout = |c: char| c != '\n' && c != '\t';
    match withhold(text) {
        Cow::Borrowed(t) => escape(t, layout),
        Cow::Owned(t) => Cow::Owned(escape(&t, layout).into_owned()),
    }
}

/// Characters that reorder or hide text on a terminal without being
/// control characters: bidirectional overrides and isolates, and the marks.
fn reorders(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with the control characters `which` selects, and characters that
/// reorder text, shown escaped.
fn escape(text: &str, which: impl Fn(char) -> bool) -> Cow<'_, str> {
    let bad = |c: char| (c.is_control() && which(c)) || reorders(c);
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Output that could not be written (not a closed pipe, which ends the
/// output quietly): a full disk, a closed file.
#[derive(Debug)]
pub struct Unwritten(
    /// What writing said.
    pub std::io::Error,
);

/// Prints `text` and a newline on stdout, by the rule above.
pub fn out(text: &str) -> Result<(), Unwritten> {
    raw_out(lines(text).as_bytes())
}

/// Prints JSON on stdout: secrets withheld, and the characters JSON leaves
/// raw that a terminal obeys (DEL, C1 controls, reordering marks), which can
/// only stand inside its strings, escaped as JSON does (`\u007f`), so the
/// output stays JSON.
pub fn out_json(json: &str) -> Result<(), Unwritten> {
    raw_out(json_text(json).as_bytes())
}

/// `json` by the rule [`out_json`] prints it by.
pub fn json_text(json: &str) -> Cow<'_, str> {
    let text = withhold(json);
    let bad = |c: char| (c.is_control() && c != '\n') || reorders(c);
    if !text.chars().any(bad) {
        return text;
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if bad(c) {
            escaped.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// Whether stdout's reader has gone.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Writes `bytes` to stdout as they are (text this program made, such as
/// shell completions). A closed pipe ends the output quietly.
pub fn raw_out(bytes: &[u8]) -> Result<(), Unwritten> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(bytes)
        .and_then(|()| {
            if bytes.ends_with(b"\n") {
                Ok(())
            } else {
                stdout.write_all(b"\n")
            }
        })
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Unwritten(e)),
    }
}

/// Prints `text` and a newline on stderr, by the rule above. Best effort:
/// there is nowhere left to report a failure to write the report.
pub fn err(text: &str) {
    let text = lines(text);
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.write_all(b"\n"));
}

/// A writer for the log: each event is held and written whole by [`err`],
/// so logs follow the same rule as everything else.
#[derive(Default)]
pub struct LogLine(Vec<u8>);

impl Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        if !text.is_empty() {
            err(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_escape_every_control_character_and_withhold_secrets() {
        assert_eq!(field("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(field("plain é"), "plain é");
        assert_eq!(
            field("http://alice:s3cretpass@127.0.0.1:8080/api?x=1"),
            "http://[withheld]@127.0.0.1:8080/api?x=1"
        );
        assert_eq!(
            lines("one\ttwo\nthree\r mdb_sa_sk_x1"),
            "one\ttwo\nthree\\r [withheld]"
        );
    }

    #[test]
    fn remembered_secrets_are_withheld_whatever_their_shape_and_escaping() {
        remember("hunter2-but-longer");
        remember("short");
        assert_eq!(
            withhold("key hunter2-but-longer, short"),
            "key [withheld], short"
        );
        // Part of it shaped like a client secret: the whole goes.
        remember("mdb_sa_sk_abc+def/ghi");
        assert_eq!(withhold("got mdb_sa_sk_abc+def/ghi!"), "got [withheld]!");
        remember("pass\"word\\with-quotes");
        assert_eq!(
            withhold(r#"{"v":"pass\"word\\with-quotes"}"#),
            r#"{"v":"[withheld]"}"#
        );
    }

    #[test]
    fn userinfo_is_withheld_whatever_its_password_holds() {
        for (text, shown) in [
            ("https://alice:pa/ss@host/x", "https://[withheld]@host/x"),
            (
                "base URL \"alice:S3cretPw@cloud.example\" has no scheme",
                "base URL \"[withheld]@cloud.example\" has no scheme",
            ),
            ("mail me at bob@example.com", "mail me at bob@example.com"),
        ] {
            assert_eq!(withhold(text), shown);
        }
    }

    #[test]
    fn reordering_marks_are_escaped_and_json_stays_json() {
        assert_eq!(field("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(lines("x\u{7f}"), "x\\u{7f}");
    }
}
