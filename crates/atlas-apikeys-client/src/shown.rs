//! How text from users, files and servers appears in messages: quoted,
//! truncated, and never a secret. A secret is recognised by its shape, so
//! one pasted into the wrong place (an id, a role, a file) is withheld
//! wherever it lands:
//!
//! - a private key: a UUID (`8-4-4-4-12` hexadecimal digits);
//! - a service account's client secret: `mdb_sa_sk_` and what follows;
//! - an OAuth access token: a JSON Web Token (`eyJ…`).
//!
//! ```
//! use atlas_apikeys_client::shown::{holds_secret, withhold_secrets};
//! let pasted = "key a0b1c2d3-e4f5-a6b7-c8d9-e0f1a2b3c4d5 and mdb_sa_sk_Zx9_q";
//! assert!(holds_secret(pasted));
//! assert_eq!(withhold_secrets(pasted), "key [withheld] and [withheld]");
//! ```

use std::borrow::Cow;
use std::ops::Range;

/// What stands in a message where a secret was.
pub const WITHHELD: &str = "[withheld]";

/// The start of a service account's client secret.
const CLIENT_SECRET_PREFIX: &str = "mdb_sa_sk_";

/// The start of a JSON Web Token: base64url of `{"`.
const TOKEN_PREFIX: &str = "eyJ";

/// The shortest run after [`TOKEN_PREFIX`] taken for a token: shorter ones
/// are ordinary words.
const TOKEN_MIN: usize = 16;

/// Whether `text` holds anything shaped like a secret, anywhere: a private
/// key pasted with a newline, in quotes or inside other text counts.
pub fn holds_secret(text: &str) -> bool {
    next_secret(text.as_bytes(), 0).is_some()
}

/// `text` with every secret-shaped run replaced by [`WITHHELD`]; borrowed
/// when there is none.
pub fn withhold_secrets(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let Some(mut found) = next_secret(bytes, 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    loop {
        out.push_str(&text[copied..found.start]);
        out.push_str(WITHHELD);
        copied = found.end;
        match next_secret(bytes, copied) {
            Some(next) => found = next,
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The first secret-shaped run at or after `from`. Every run found is ASCII,
/// so its bounds are character boundaries.
fn next_secret(bytes: &[u8], from: usize) -> Option<Range<usize>> {
    (from..bytes.len()).find_map(|at| secret_at(bytes, at))
}

/// The secret that starts at `at`, if one does.
fn secret_at(bytes: &[u8], at: usize) -> Option<Range<usize>> {
    let rest = &bytes[at..];
    if is_uuid(rest) {
        return Some(at..at + 36);
    }
    // A prefix glued to other text counts too: a secret pasted next to a
    // word is still a secret.
    if rest.starts_with(CLIENT_SECRET_PREFIX.as_bytes()) {
        let len = CLIENT_SECRET_PREFIX.len() + word_len(&rest[CLIENT_SECRET_PREFIX.len()..]);
        return Some(at..at + len);
    }
    if rest.starts_with(TOKEN_PREFIX.as_bytes()) {
        let tail = token_len(&rest[TOKEN_PREFIX.len()..]);
        return (tail >= TOKEN_MIN).then(|| at..at + TOKEN_PREFIX.len() + tail);
    }
    None
}

fn is_uuid(b: &[u8]) -> bool {
    b.len() >= 36
        && b[..36].iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn word_len(b: &[u8]) -> usize {
    b.iter().take_while(|c| is_word(**c)).count()
}

/// A token's base64url segments and the dots between them.
fn token_len(b: &[u8]) -> usize {
    b.iter().take_while(|c| is_word(**c) || **c == b'.').count()
}

/// A short, quoted rendering of user input for error messages: truncated
/// when long, withheld whole when it holds a secret.
#[doc(hidden)]
pub fn show(input: &str) -> String {
    const MAX: usize = 40;
    if holds_secret(input) {
        return "(withheld: it holds something shaped like a secret)".to_owned();
    }
    let mut chars = input.chars();
    let head: String = chars.by_ref().take(MAX).collect();
    if chars.next().is_some() {
        format!("{head:?}… ({} characters)", input.chars().count())
    } else {
        format!("{head:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_shape_is_found_wherever_it_stands() {
        for (text, expected) in [
            ("a0b1c2d3-e4f5-a6b7-c8d9-e0f1a2b3c4d5", "[withheld]"),
            (
                "\"A0B1C2D3-E4F5-A6B7-C8D9-E0F1A2B3C4D5\"\n",
                "\"[withheld]\"\n",
            ),
            ("x=mdb_sa_sk_abc-DEF_123 y", "x=[withheld] y"),
            ("xmdb_sa_sk_abc\u{1b}", "x[withheld]\u{1b}"),
            (
                "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
                "Bearer [withheld]",
            ),
            ("é a0b1c2d3-e4f5-a6b7-c8d9-e0f1a2b3c4d5é", "é [withheld]é"),
        ] {
            assert_eq!(withhold_secrets(text), expected, "{text:?}");
            assert!(holds_secret(text));
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "5d1113b25a115342acc2d1aa",
            "GROUP_READ_ONLY",
            "mdb_sa_id_0123",
            "eyJ short",
            "a0b1c2d3-e4f5-a6b7-c8d9-e0f1a2b3c4d",
            "",
        ] {
            assert!(
                matches!(withhold_secrets(text), Cow::Borrowed(_)),
                "{text:?}"
            );
            assert!(!holds_secret(text), "{text:?}");
        }
    }
}
