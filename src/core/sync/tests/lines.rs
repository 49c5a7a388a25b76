use super::super::{LineError, LineSplitter, MAX_LINE};
use super::FIRST;

fn split_all(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut splitter = LineSplitter::new();
    let mut lines = Vec::new();
    for chunk in chunks {
        lines.extend(splitter.push(chunk).expect("short lines"));
    }
    lines.extend(splitter.finish());
    lines
}

#[test]
fn lines_come_out_whole_whatever_the_chunks() {
    let whole = split_all(&[FIRST.as_bytes()]);
    assert_eq!(whole.len(), 25);
    let bytes = FIRST.as_bytes();
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(split_all(&[a, b]), whole, "cut at {cut}");
    }
    let singles: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(split_all(&singles), whole);
}

#[test]
fn crlf_and_blank_lines() {
    let lines = split_all(&[b"a\r\n\r\n\nb\n  \n", b"c\r"]);
    assert_eq!(lines, vec![b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
}

#[test]
fn the_last_line_may_lack_its_newline() {
    let mut splitter = LineSplitter::new();
    assert_eq!(splitter.push(b"one\ntw").unwrap(), vec![b"one".to_vec()]);
    assert_eq!(splitter.finish(), Some(b"tw".to_vec()));
    assert_eq!(splitter.finish(), None);
}

#[test]
fn a_line_longer_than_the_bound_is_an_error() {
    let mut splitter = LineSplitter::new();
    let big = vec![b'x'; MAX_LINE];
    assert!(splitter.push(&big).unwrap().is_empty());
    assert_eq!(splitter.push(b"x"), Err(LineError::TooLong));

    let mut splitter = LineSplitter::new();
    let mut line = vec![b'y'; MAX_LINE + 1];
    line.push(b'\n');
    assert_eq!(splitter.push(&line), Err(LineError::TooLong));

    let mut splitter = LineSplitter::new();
    let mut line = vec![b'z'; MAX_LINE];
    line.push(b'\n');
    assert_eq!(
        splitter.push(&line).unwrap().len(),
        1,
        "exactly the bound is fine"
    );
}
