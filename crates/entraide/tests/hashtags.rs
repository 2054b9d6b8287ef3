//! `entraide hashtags` through the real binary: same answers as the library, one line out
//! per line in, bad lines reported without stopping the stream.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], input: &str) -> (bool, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entraide"))
        .arg("hashtags")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.success(),
        lines,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// What the library says, in the command's format.
fn expected(text: &str) -> Value {
    let found: Vec<Value> = entraide_text::hashtags(text)
        .iter()
        .map(|h| json!({"tag": h.tag, "start": h.start, "end": h.end}))
        .collect();
    json!(found)
}

#[test]
fn plain_lines_give_the_librarys_hashtags_with_code_point_indices() {
    let texts = [
        "Abri dispo 11e #PorteOuverte #Paris",
        "é #RechercheParis",
        "pas de tag ici",
        "voir https://example.fr/#ancre #ＰｏｒｔｅＯｕｖｅｒｔｅ",
    ];
    let (ok, lines, _) = run(&[], &texts.join("\n"));
    assert!(ok);
    assert_eq!(lines.len(), texts.len(), "one line out per line in");
    for (text, line) in texts.iter().zip(&lines) {
        assert_eq!(line, &expected(text), "{text}");
    }
    assert_eq!(
        lines[1][0]["start"], 2,
        "indices count code points, not bytes"
    );
    assert_eq!(lines[2], json!([]));
}

#[test]
fn json_lines_may_hold_newlines_and_a_bad_line_does_not_stop_the_stream() {
    let input = [
        json!("ligne 1\n#PorteOuverte").to_string(),
        "{not json".to_string(),
        json!("#PrayForParis").to_string(),
    ]
    .join("\n");
    let (ok, lines, stderr) = run(&["--json"], &input);
    assert!(!ok, "a bad line makes the command fail, at the end");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], expected("ligne 1\n#PorteOuverte"));
    assert_eq!(lines[1], Value::Null);
    assert_eq!(lines[2], expected("#PrayForParis"));
    assert!(stderr.contains("line 2"), "{stderr}");
}
