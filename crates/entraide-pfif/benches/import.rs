//! Parse rate of the PFIF reader on 200,000 generated PFIF 1.4 person records.
//! The product's import target is 50,000 records/s including storage.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use entraide_pfif::{Person, Reader, Record, Writer, format_time};

const RECORDS: u64 = 200_000;

/// Realistic-looking records, every other one with a note, written by the crate's own
/// writer so the input is exactly what an entraide export looks like.
fn document() -> Vec<u8> {
    let given = [
        "Marie", "Jean", "Hélène", "Karim", "Mariam", "Лев", "Yūko", "Nathan",
    ];
    let family = [
        "Dupont",
        "Martin",
        "Benali",
        "Nguyen",
        "Leroy",
        "Фёдоров",
        "Sato",
        "Diallo",
    ];
    let start = chrono::DateTime::from_timestamp(1_447_446_000, 0).expect("valid time");
    let mut writer = Writer::as_of(Vec::with_capacity(200 << 20), start);
    for i in 0..RECORDS {
        let g = given[(i % 8) as usize];
        let f = family[(i / 8 % 8) as usize];
        let time = format_time(start + chrono::TimeDelta::seconds(i as i64));
        let mut person = Person {
            person_record_id: format!("entraide.example.org/person.{i}"),
            entry_date: Some(time.clone()),
            expiry_date: Some(format_time(start + chrono::TimeDelta::days(365))),
            author_name: Some(format!("Reporter {i}")),
            author_email: Some(format!("reporter{i}@example.org")),
            source_name: Some("entraide".into()),
            source_date: Some(time.clone()),
            source_url: Some(format!("https://entraide.example.org/missing/{i}")),
            full_name: Some(format!("{g} {f}")),
            given_name: Some(g.into()),
            family_name: Some(f.into()),
            alternate_names: vec![format!("{} {}", f.to_uppercase(), g)],
            description: Some(
                "Last seen near the Bataclan, wearing a dark coat & a red scarf.".into(),
            ),
            sex: Some(if i % 2 == 0 { "female" } else { "male" }.into()),
            age: Some(format!("{}-{}", 20 + i % 40, 25 + i % 40)),
            home_city: Some("Paris".into()),
            home_postal_code: Some(format!("750{:02}", 1 + i % 20)),
            home_country: Some("FR".into()),
            ..Person::default()
        };
        if i % 2 == 0 {
            person.notes.push(entraide_pfif::Note {
                note_record_id: format!("entraide.example.org/note.{i}"),
                person_record_id: person.person_record_id.clone(),
                entry_date: Some(time.clone()),
                author_name: Some("A witness".into()),
                source_date: Some(time),
                status: Some(entraide_pfif::Status::InformationSought),
                text: Some("I saw them leave by the side door at 22:10.".into()),
                ..entraide_pfif::Note::default()
            });
        }
        writer.write_person(&person).expect("writing to memory");
    }
    writer.finish().expect("writing to memory")
}

fn parse(c: &mut Criterion) {
    let input = document();
    let persons = Reader::new(input.as_slice())
        .filter(|item| matches!(item, Ok(Record::Person(_))))
        .count() as u64;
    assert_eq!(persons, RECORDS, "every generated record parses");

    let mut group = c.benchmark_group("pfif_import");
    group.sample_size(10);
    group.throughput(Throughput::Elements(RECORDS));
    group.bench_function("parse_200k_persons_1_4", |b| {
        b.iter(|| Reader::new(black_box(input.as_slice())).count())
    });
    group.finish();
    println!(
        "input: {} MiB for {RECORDS} person records",
        input.len() >> 20
    );
}

criterion_group!(benches, parse);
criterion_main!(benches);
