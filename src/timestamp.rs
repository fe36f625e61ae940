//! Timestamps as IAM's Date operators and `--now` read them: W3C ISO-8601 or epoch seconds
//! (semantics R3.9).

use time::format_description::well_known::{Iso8601, Rfc3339};
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Nanoseconds since the Unix epoch.
pub type Nanos = i128;

/// Parse RFC 3339 / ISO-8601 (with or without seconds or offset; a bare date is midnight UTC)
/// or decimal epoch seconds. Times outside years 0001 to 9999 are refused: RFC 3339 cannot
/// write them.
pub fn parse(text: &str) -> Option<Nanos> {
    parse_any(text).filter(|n| {
        OffsetDateTime::from_unix_timestamp_nanos(*n)
            .is_ok_and(|dt| (1..=9999).contains(&dt.year()))
    })
}

fn parse_any(text: &str) -> Option<Nanos> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if t.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && !t.contains("--")
    {
        if let Some(n) = epoch(t) {
            return Some(n);
        }
    }
    if let Ok(dt) = OffsetDateTime::parse(t, &Rfc3339) {
        return Some(dt.unix_timestamp_nanos());
    }
    if let Ok(dt) = OffsetDateTime::parse(t, &Iso8601::DEFAULT) {
        return Some(dt.unix_timestamp_nanos());
    }
    if let Ok(dt) = PrimitiveDateTime::parse(t, &Iso8601::DEFAULT) {
        return Some(dt.assume_utc().unix_timestamp_nanos());
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    if let Ok(dt) = PrimitiveDateTime::parse(t, minutes) {
        return Some(dt.assume_utc().unix_timestamp_nanos());
    }
    let day = format_description!("[year]-[month]-[day]");
    if let Ok(d) = Date::parse(t, day) {
        return Some(d.midnight().assume_utc().unix_timestamp_nanos());
    }
    None
}

fn epoch(t: &str) -> Option<Nanos> {
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let secs: i128 = whole.parse().ok()?;
    let mut nanos: i128 = 0;
    for (i, c) in frac.chars().take(9).enumerate() {
        let digit = i128::from(c.to_digit(10)?);
        nanos += digit * 10i128.pow(8 - u32::try_from(i).ok()?);
    }
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    secs.checked_mul(1_000_000_000)?.checked_add(sign * nanos)
}

/// Whole seconds since the epoch.
pub fn seconds(n: Nanos) -> i64 {
    let s = n.div_euclid(1_000_000_000);
    i64::try_from(s).unwrap_or(if s < 0 { i64::MIN } else { i64::MAX })
}

/// RFC 3339 text, as `aws:CurrentTime` carries it.
pub fn rfc3339(n: Nanos) -> String {
    OffsetDateTime::from_unix_timestamp(seconds(n))
        .ok()
        .and_then(|dt| dt.format(&Rfc3339).ok())
        .unwrap_or_else(|| seconds(n).to_string())
}

/// The real clock.
pub fn now() -> Nanos {
    OffsetDateTime::now_utc().unix_timestamp_nanos()
}
