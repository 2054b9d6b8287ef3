//! Length of a punycode-encoded label (RFC 3492), without building it.
//!
//! twitter-text drops a link whose host has a label longer than 63 characters once IDNA-encoded
//! (the DNS limit), so `http://ああ…あ.com` with a huge label is not a URL, and a hashtag after it
//! is not hidden by it. Only the length is needed, so this follows the encoder's steps and counts
//! output digits.

const BASE: u64 = 36;
const T_MIN: u64 = 1;
const T_MAX: u64 = 26;
const SKEW: u64 = 38;
const DAMP: u64 = 700;
const INITIAL_BIAS: u64 = 72;
const INITIAL_N: u64 = 0x80;

/// Encoded length of `label` (without the `xn--` prefix), or `None` once it would exceed `limit`
/// (the counting stops there, which also bounds the work on hostile input).
pub(crate) fn encoded_len(label: &str, limit: usize) -> Option<usize> {
    let total = label.chars().count() as u64;
    let basic = label.chars().filter(char::is_ascii).count() as u64;
    let limit = limit as u64;
    let mut out = basic + u64::from(basic > 0);
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u64, INITIAL_BIAS, basic);
    while handled < total {
        if out > limit {
            return None;
        }
        // Non-basic code points are handled in increasing order; `total > handled` ensures one.
        let m = label.chars().map(u64::from).filter(|&c| c >= n).min()?;
        delta += (m - n) * (handled + 1);
        n = m;
        for c in label.chars().map(u64::from) {
            if c < n {
                delta += 1;
            } else if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out += 1;
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    (out <= limit).then_some(out as usize)
}

fn adapt(delta: u64, points: u64, first: bool) -> u64 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + ((BASE - T_MIN + 1) * delta) / (delta + SKEW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_of_known_encodings() {
        // RFC 3492 and registry facts: münchen → mnchen-3ya, 例え → r8jz45g, ☃ → n3h.
        assert_eq!(encoded_len("münchen", 63), Some("mnchen-3ya".len()));
        assert_eq!(encoded_len("例え", 63), Some("r8jz45g".len()));
        assert_eq!(encoded_len("☃", 63), Some("n3h".len()));
        assert_eq!(encoded_len(&"あ".repeat(200), 63), None);
    }
}
