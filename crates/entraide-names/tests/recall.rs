//! Quality on the benchmark set: the record a query was derived from is among the first ten
//! results for at least 98 % of queries (typos, dropped accents, swapped order, nicknames,
//! half-typed names, alternate names, other scripts).

use entraide_names::benchset;

#[test]
fn recall_at_10_on_20_000_records_is_at_least_98_percent() {
    let records = benchset::records(2015, 20_000);
    let index = benchset::index(&records);
    assert_eq!(index.len(), 20_000);
    let queries = benchset::queries(2015, &records, 2_000);
    let recall = benchset::recall_among(&index, &records, &queries, 10);
    println!("{recall}");
    assert!(recall.ratio() >= 0.98, "{recall}");
    // No kind of mistake is left behind by the others' success.
    for (kind, found, total) in &recall.by_kind {
        assert!(
            *found as f64 / *total as f64 >= 0.9,
            "{kind:?}: {found}/{total}\n{recall}"
        );
    }
}
