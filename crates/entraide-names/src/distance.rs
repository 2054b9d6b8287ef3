//! Bounded Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
//! substitutions and transpositions of neighbours each cost 1), on the ASCII words of
//! `normalize`.

/// The distance between `a` and `b` if it is at most `bound`, else `None`. Stops as soon as a
/// whole row of the table exceeds the bound, so a far pair costs little.
pub(crate) fn within(a: &[u8], b: &[u8], bound: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    if a == b {
        return Some(0);
    }
    let width = b.len() + 1;
    // Three rows: the one before last (for transpositions), the last, and the current.
    let mut before: Vec<usize> = vec![0; width];
    let mut last: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut cost = (last[j] + 1)
                .min(current[j - 1] + 1)
                .min(last[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cost = cost.min(before[j - 2] + 1);
            }
            current[j] = cost;
            row_min = row_min.min(cost);
        }
        if row_min > bound {
            return None;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut current);
    }
    let distance = last[b.len()];
    (distance <= bound).then_some(distance)
}

/// How many edits a word of `len` letters may carry and still be recognised: none for one or
/// two letters, one up to seven, two from eight.
pub(crate) fn allowed_edits(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=7 => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> Option<usize> {
        within(a.as_bytes(), b.as_bytes(), 3)
    }

    #[test]
    fn each_kind_of_edit_costs_one() {
        assert_eq!(d("dupont", "dupont"), Some(0));
        assert_eq!(d("dupont", "dupond"), Some(1)); // substitution
        assert_eq!(d("dupont", "duppont"), Some(1)); // insertion
        assert_eq!(d("dupont", "dupnt"), Some(1)); // deletion
        assert_eq!(d("dupont", "dupotn"), Some(1)); // transposition
        assert_eq!(d("martin", "mratni"), Some(2));
        assert_eq!(d("", "abc"), Some(3));
    }

    #[test]
    fn beyond_the_bound_is_none() {
        assert_eq!(within(b"dupont", b"durand", 2), None);
        assert_eq!(within(b"marie", b"mariette", 2), None); // length alone rules it out
        assert_eq!(within(b"abcdef", b"badcfe", 2), None);
        assert_eq!(within(b"abcdef", b"badcfe", 3), Some(3));
    }

    #[test]
    fn allowed_edits_grow_with_length() {
        assert_eq!(allowed_edits(2), 0);
        assert_eq!(allowed_edits(5), 1);
        assert_eq!(allowed_edits(9), 2);
    }
}
