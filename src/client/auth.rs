//! Credentials in headers: HTTP Basic authentication (RFC 7617).
//!
//! `Authorization: Basic base64(user ":" password)`. The user name may not contain a colon
//! (the first colon separates it from the password); the password may. Base64 (RFC 4648 §4) is
//! the only encoding needed, so it is written here in a few lines rather than pulled in as a
//! dependency.

/// The `Authorization` value for Basic authentication. The user may not contain a colon, and
/// neither may contain control characters (RFC 7617 §2).
pub fn basic(user: &str, password: &str) -> Result<String, String> {
    if user.contains(':') {
        return Err("a Basic auth user name cannot contain ':' (RFC 7617 §2)".to_string());
    }
    if user.chars().chain(password.chars()).any(char::is_control) {
        return Err("Basic auth credentials cannot contain control characters (RFC 7617 §2)".to_string());
    }
    let mut raw = Vec::with_capacity(user.len().saturating_add(1).saturating_add(password.len()));
    raw.extend_from_slice(user.as_bytes());
    raw.push(b':');
    raw.extend_from_slice(password.as_bytes());
    Ok(format!("Basic {}", base64(&raw)))
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3).saturating_mul(4));
    for group in input.chunks(3) {
        let byte = |i: usize| group.get(i).copied().unwrap_or(0);
        let b = [byte(0), byte(1), byte(2)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= group.len() {
                // six bits index a 64-entry alphabet
                out.push(char::from(
                    ALPHABET.get((n >> shift & 63) as usize).copied().unwrap_or(b'='),
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rfc4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (raw, encoded) in vectors {
            assert_eq!(base64(raw.as_bytes()), encoded, "{raw}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn basic_auth_value() {
        // RFC 7617 §2 example
        assert_eq!(
            basic("Aladdin", "open sesame").unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(
            basic("user", "pa:ss").unwrap(),
            format!("Basic {}", base64(b"user:pa:ss"))
        );
        assert!(basic("us:er", "p").is_err());
        assert!(basic("user\r\n", "p").is_err());
        assert!(basic("user", "p\0").is_err());
    }
}
