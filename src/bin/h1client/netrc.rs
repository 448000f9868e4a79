//! `-n`/`--netrc`, `--netrc-optional`, `--netrc-file`: credentials from a `.netrc` file, read
//! as curl reads it.
//!
//! ```text
//! # a comment line
//! machine example.com login alice password "s3cret word"
//! macdef init
//! (a macro: skipped up to the next empty line)
//!
//! default login anonymous password guest
//! ```
//!
//! Tokens are separated by blanks and newlines; a value may be a double-quoted string with
//! `\"`, `\\`, `\n`, `\r`, `\t` escapes. The first entry for the host (compared without case,
//! without the port) that has a login or a password wins; `default` matches any host. When the
//! URL names a user, only an entry with that login and a password, or one with a password and
//! no login, is used. `account` is read and ignored, anything unknown skipped.
//!
//! Where the file is: `--netrc-file`, else `$NETRC`, else `$HOME/.netrc`.

use std::path::PathBuf;

/// A login and password found for a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

/// The file to read: `--netrc-file`, `$NETRC` or `~/.netrc`.
pub fn path(netrc_file: Option<&str>) -> Option<PathBuf> {
    if let Some(f) = netrc_file {
        return Some(PathBuf::from(f));
    }
    if let Some(f) = std::env::var_os("NETRC").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(f));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".netrc"))
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    /// A quoted string: never a keyword.
    Quoted(String),
}

/// Splits the file into tokens (comment lines dropped, `macdef` bodies skipped).
fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let lines = text.lines().filter(|l| !l.trim_start().starts_with('#'));
    let mut skipping_macro = false;
    for line in lines {
        if skipping_macro {
            skipping_macro = !line.trim().is_empty();
            continue;
        }
        let mut chars = line.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if c == '"' {
                chars.next();
                let mut v = String::new();
                loop {
                    match chars.next() {
                        None => return Err("an unterminated quoted string".into()),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => v.push('\n'),
                            Some('r') => v.push('\r'),
                            Some('t') => v.push('\t'),
                            Some(e) => v.push(e),
                            None => return Err("an unterminated quoted string".into()),
                        },
                        Some(c) => v.push(c),
                    }
                }
                out.push(Token::Quoted(v));
            } else {
                let mut w = String::new();
                while let Some(&c) = chars.peek().filter(|c| !c.is_whitespace()) {
                    w.push(c);
                    chars.next();
                }
                // a macro definition runs to the next empty line
                let is_macdef = w.eq_ignore_ascii_case("macdef");
                out.push(Token::Word(w));
                if is_macdef {
                    skipping_macro = true;
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// The credentials for `host` in the netrc text (for `user`, when the URL names one).
pub fn lookup(text: &str, host: &str, user: Option<&str>) -> Result<Option<Credentials>, String> {
    let tokens = tokens(text)?;
    let keyword = |t: &Token, k: &str| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case(k));
    let value = |t: Option<&Token>| match t {
        Some(Token::Word(w) | Token::Quoted(w)) => Some(w.clone()),
        None => None,
    };
    let mut i = 0;
    while i < tokens.len() {
        let matches = if keyword(&tokens[i], "machine") {
            i += 1;
            let m = value(tokens.get(i)).is_some_and(|m| m.eq_ignore_ascii_case(host));
            i += 1;
            m
        } else if keyword(&tokens[i], "default") {
            i += 1;
            true
        } else {
            i += 1;
            continue;
        };
        let (mut login, mut password) = (None, None);
        while i < tokens.len() && !["machine", "default", "macdef"].iter().any(|k| keyword(&tokens[i], k)) {
            if keyword(&tokens[i], "login") {
                login = value(tokens.get(i + 1));
                i += 2;
            } else if keyword(&tokens[i], "password") {
                password = value(tokens.get(i + 1));
                i += 2;
            } else if keyword(&tokens[i], "account") {
                i += 2;
            } else {
                i += 1;
            }
        }
        if !matches {
            continue;
        }
        let found = match (user, &login, &password) {
            (Some(u), Some(l), Some(_)) => u == l,
            (Some(_), Some(_), None) => false,
            (_, Some(_), _) | (_, None, Some(_)) => true,
            (_, None, None) => false,
        };
        if found {
            return Ok(Some(Credentials {
                login: user.map(str::to_string).or(login).unwrap_or_default(),
                password: password.unwrap_or_default(),
            }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(login: &str, password: &str) -> Option<Credentials> {
        Some(Credentials {
            login: login.into(),
            password: password.into(),
        })
    }

    const FILE: &str = "\
# comment machine evil.example login x password y
macdef init
machine a.example login mallory password macro
  cd /

machine a.example login alice password one
machine B.Example
  login bob
  password \"two words \\\"q\\\"\"
  account ignored
machine c.example password onlypass
default login anon password guest
";

    #[test]
    fn entries_as_curl_reads_them() {
        assert_eq!(lookup(FILE, "a.example", None), Ok(creds("alice", "one")));
        assert_eq!(lookup(FILE, "b.example", None), Ok(creds("bob", "two words \"q\"")));
        assert_eq!(lookup(FILE, "c.example", None), Ok(creds("", "onlypass")));
        assert_eq!(lookup(FILE, "c.example", Some("carol")), Ok(creds("carol", "onlypass")));
        assert_eq!(lookup(FILE, "a.example", Some("alice")), Ok(creds("alice", "one")));
        // a user no entry names: nothing (not even `default`, whose login differs)
        assert_eq!(lookup(FILE, "a.example", Some("zed")), Ok(None));
        assert_eq!(lookup(FILE, "other.example", None), Ok(creds("anon", "guest")));
        assert_eq!(lookup(FILE, "evil.example", None), Ok(creds("anon", "guest")));
        assert_eq!(
            lookup("machine x login \"open", "x", None),
            Err("an unterminated quoted string".into())
        );
        assert_eq!(lookup("machine x", "x", None), Ok(None));
    }
}
