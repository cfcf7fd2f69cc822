//! The shipped scenarios: each is valid, opens with a comment a facilitator can read, and is
//! listed in the README.

use crate::common::{orgsim_ok, root};

#[test]
fn every_shipped_scenario_is_valid_commented_and_listed() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    let mut args = vec!["validate".to_string()];
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        let comment = text.lines().take_while(|l| l.starts_with('#')).count();
        assert!(
            comment >= 3,
            "{name} opens with a comment of 3 lines or more"
        );
        assert!(
            readme.contains(&format!("`scenarios/{name}`")),
            "README lists {name}"
        );
        args.push(file.to_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = orgsim_ok(&root(), &args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches(": ok:").count(), files.len(), "{stdout}");
}
