//! A file the library mirror knows to be on the server: no bulk check, no upload.

use super::*;

#[test]
fn a_file_the_mirror_knows_is_a_duplicate_without_a_check() {
    let mut engine = started(2);
    let known = Input::Hashed {
        id: "f0".into(),
        result: Ok(sum(0)),
        on_server: Some("remote-0".into()),
    };
    engine.handle_input(known, NOW);
    // f1 was hashed beside it
    let unknown = Input::Hashed {
        id: "f1".into(),
        result: Ok(sum(1)),
        on_server: None,
    };
    engine.handle_input(unknown, NOW);
    let outputs = run_to_end(&mut engine, |_| Ok(()));
    let persisted = outputs.iter().find_map(|o| match o {
        Output::Persist(rows) => rows.iter().find(|row| row.id == "f0").cloned(),
        _ => None,
    });
    let row = persisted.expect("the row is written");
    assert_eq!(row.state, ItemState::Duplicate);
    assert_eq!(row.remote_id.as_deref(), Some("remote-0"));
    for output in &outputs {
        match output {
            Output::Check(request) => assert!(!request.ids.contains(&"f0".to_owned())),
            Output::Upload(request) => assert_eq!(request.id, "f1", "only the unknown file"),
            _ => {}
        }
    }
    assert!(upload(&outputs).is_some(), "the unknown file is sent");
}
