//! Bad scenario files and bad command lines: each gives a clear error naming the file (and the
//! line, column and key where one exists), exits with status 2 and never panics.

use crate::common::{orgsim, orgsim_ok, stderr};

const VALID: &str = r#"name = "t"
seed = 1
replications = 4
horizon_days = 50
[queue]
arrival_rate = 1.0
service_rate = 2.0
servers = 1
"#;

/// Writes `text` as `file` in a fresh folder, runs `orgsim validate` and `orgsim run` on it,
/// checks both exit with 2 without a panic, and returns the error text of `validate`.
fn rejected(file: &str, text: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    if let Some(text) = text {
        std::fs::write(dir.path().join(file), text).unwrap();
    }
    let mut messages = Vec::new();
    for command in ["validate", "run"] {
        let output = orgsim(dir.path(), &[command, file]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{command} {file}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
        assert!(err.starts_with("error: "), "{err}");
        assert_eq!(err.lines().count(), 1, "one line of error: {err}");
        assert!(err.contains(file), "names the file: {err}");
        messages.push(err);
    }
    assert!(
        !dir.path().join("output").exists(),
        "a rejected run writes nothing"
    );
    messages.swap_remove(0)
}

#[test]
fn unknown_key_is_located_and_suggests_the_nearest() {
    let err = rejected("f.toml", Some(&VALID.replace("servers = 1", "servrs = 1")));
    assert!(err.contains("f.toml:8:1:"), "{err}");
    assert!(err.contains("key `queue.servrs`"), "{err}");
    assert!(err.contains("did you mean `servers`?"), "{err}");
}

#[test]
fn unknown_key_in_a_policy_table() {
    let text = format!("{VALID}\n[[policies]]\nname = \"a\"\nqueu = 3\n");
    let err = rejected("f.toml", Some(&text));
    assert!(err.contains("f.toml:12:1:"), "{err}");
    assert!(err.contains("policies[0].queu"), "{err}");
    assert!(err.contains("did you mean `queue`?"), "{err}");
}

#[test]
fn wrong_type_names_what_was_expected() {
    let err = rejected("f.toml", Some(&VALID.replace("seed = 1", "seed = \"one\"")));
    assert!(err.contains("f.toml:2:8:"), "{err}");
    assert!(err.contains("key `seed`: wrong type"), "{err}");
    assert!(err.contains("expected a whole number"), "{err}");
}

#[test]
fn out_of_range_values_are_rejected() {
    let err = rejected(
        "f.toml",
        Some(&VALID.replace("service_rate = 2.0", "service_rate = -2.0")),
    );
    assert!(err.contains("f.toml:7:1:"), "{err}");
    assert!(err.contains("queue.service_rate"), "{err}");
    assert!(err.contains("expected a number above 0"), "{err}");

    let err = rejected(
        "f.toml",
        Some(&VALID.replace("replications = 4", "replications = 0")),
    );
    assert!(
        err.contains("f.toml:3:1:") && err.contains("replications"),
        "{err}"
    );

    let text = format!("{VALID}\n[[policies]]\nname = \"a\"\n[policies.queue]\nservers = 0\n");
    let err = rejected("f.toml", Some(&text));
    assert!(
        err.contains("f.toml:13:1:") && err.contains("policies[0].queue.servers"),
        "{err}"
    );

    let org = "name = \"t\"\nseed = 1\nreplications = 4\nhorizon_days = 50\n\
               [organization]\nteams = 2\n[disturbances]\nmanager_quit_factor = 11\n\
               [[policies]]\nname = \"b\"\n";
    let err = rejected("f.toml", Some(org));
    assert!(
        err.contains("f.toml:8:1:") && err.contains("disturbances.manager_quit_factor"),
        "{err}"
    );
}

#[test]
fn absurd_sizes_are_rejected_before_running() {
    let text = VALID
        .replace("horizon_days = 50", "horizon_days = 90000")
        .replace("arrival_rate = 1.0", "arrival_rate = 900000.0");
    let err = rejected("f.toml", Some(&text));
    assert!(err.contains("events per replication"), "{err}");
}

#[test]
fn nan_and_infinity_are_rejected() {
    let err = rejected(
        "f.toml",
        Some(&VALID.replace("arrival_rate = 1.0", "arrival_rate = nan")),
    );
    assert!(
        err.contains("f.toml:6:1:") && err.contains("not a finite number"),
        "{err}"
    );
    let err = rejected(
        "f.toml",
        Some(&VALID.replace("horizon_days = 50", "horizon_days = inf")),
    );
    assert!(
        err.contains("f.toml:4:1:") && err.contains("horizon_days"),
        "{err}"
    );
}

#[test]
fn missing_required_key() {
    let err = rejected("f.toml", Some(&VALID.replace("seed = 1\n", "")));
    assert!(err.contains("key `seed`: required key is missing"), "{err}");
    let err = rejected("f.toml", Some(&VALID.replace("servers = 1\n", "")));
    assert!(
        err.contains("queue.servers") && err.contains("missing"),
        "{err}"
    );
    assert!(
        err.contains("f.toml:5:"),
        "points at the [queue] table: {err}"
    );
}

#[test]
fn invalid_toml_is_located() {
    let err = rejected(
        "f.toml",
        Some(&VALID.replace("servers = 1", "servers = = 1")),
    );
    assert!(err.contains("f.toml:8:11:"), "{err}");
}

#[test]
fn empty_file() {
    let err = rejected("f.toml", Some(""));
    assert!(err.contains("the file is empty"), "{err}");
    let err = rejected("f.toml", Some("# only a comment\n\n"));
    assert!(err.contains("the file is empty"), "{err}");
}

#[test]
fn missing_file() {
    let err = rejected("nowhere.toml", None);
    assert!(err.contains("no such file"), "{err}");
}

#[test]
fn directory_instead_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("d.toml")).unwrap();
    let output = orgsim(dir.path(), &["run", "d.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("it is a directory"),
        "{}",
        stderr(&output)
    );
}

/// Each bad command line names what is wrong; `x.toml` is a valid scenario, so the bad
/// option, not a missing file, is what is rejected.
#[test]
fn bad_usage_exits_with_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.toml"), VALID).unwrap();
    for (args, named) in [
        (&["frobnicate"][..], "frobnicate"),
        (&["run"], "<FILE>"),
        (&["run", "x.toml", "--threads", "0"], "--threads"),
        (&["run", "x.toml", "--seed", "-1"], "-1"),
        (
            &[
                "run",
                "x.toml",
                "--first-replication",
                "18446744073709551615",
            ],
            "--first-replication",
        ),
    ] {
        let output = orgsim(dir.path(), args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(!text.contains("panicked"));
        assert!(
            text.contains(named),
            "{args:?} does not name {named}: {text}"
        );
    }
}

#[test]
fn earlier_results_are_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), VALID).unwrap();
    orgsim_ok(dir.path(), &["run", "s.toml", "--quiet"]);
    let summary = dir.path().join("output/t/summary.json");
    let before = std::fs::read(&summary).unwrap();

    let second = orgsim(dir.path(), &["run", "s.toml", "--quiet", "--seed", "2"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(stderr(&second).contains("--force"), "{}", stderr(&second));
    assert_eq!(std::fs::read(&summary).unwrap(), before, "untouched");

    orgsim_ok(
        dir.path(),
        &["run", "s.toml", "--quiet", "--seed", "2", "--force"],
    );
    assert_ne!(
        std::fs::read(&summary).unwrap(),
        before,
        "replaced on request"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("t")],
        "no staging folders left"
    );
}

#[test]
fn blends_between_presets_are_checked() {
    let org = "name = \"t\"\nseed = 1\nreplications = 4\nhorizon_days = 50\n\
               [organization]\nteams = 2\nteam_size = 3\n[[policies]]\nname = \"mid\"\n\
               preset = \"balanced\"\n";
    let err = rejected(
        "f.toml",
        Some(&format!("{org}toward = \"kpi-hevy\"\nweight = 0.5\n")),
    );
    assert!(err.contains("f.toml:11:1:"), "{err}");
    assert!(err.contains("policies[0].toward"), "{err}");
    assert!(err.contains("did you mean \"kpi-heavy\"?"), "{err}");

    let err = rejected(
        "f.toml",
        Some(&format!("{org}toward = \"kpi-heavy\"\nweight = 1.5\n")),
    );
    assert!(err.contains("f.toml:12:1:"), "{err}");
    assert!(err.contains("policies[0].weight"), "{err}");

    let err = rejected("f.toml", Some(&format!("{org}toward = \"kpi-heavy\"\n")));
    assert!(err.contains("policies[0].weight"), "{err}");
    assert!(err.contains("`toward` needs a `weight`"), "{err}");

    let err = rejected("f.toml", Some(&format!("{org}weight = 0.5\n")));
    assert!(
        err.contains("f.toml:11:1:") && err.contains("without `toward`"),
        "{err}"
    );
}

#[test]
fn coefficients_are_checked_and_located() {
    let org = "name = \"t\"\nseed = 1\nreplications = 4\nhorizon_days = 50\n\
               [organization]\nteams = 2\n[coefficients]\n";
    let policy = "[[policies]]\nname = \"b\"\n";

    let err = rejected(
        "f.toml",
        Some(&format!("{org}quit_engagement_gradiant = 2.0\n{policy}")),
    );
    assert!(err.contains("f.toml:8:1:"), "{err}");
    assert!(
        err.contains("key `coefficients.quit_engagement_gradiant`"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `quit_engagement_gradient`?"),
        "{err}"
    );

    let err = rejected(
        "f.toml",
        Some(&format!(
            "{org}goal_erosion = 0.3\nquit_base_hazard = 0.02\n{policy}"
        )),
    );
    assert!(err.contains("f.toml:9:1:"), "{err}");
    assert!(err.contains("coefficients.quit_base_hazard"), "{err}");
    assert!(
        err.contains("expected a number from 0.000001 to 0.01"),
        "{err}"
    );

    let err = rejected(
        "f.toml",
        Some(&format!("{org}pressure_tau_days = 0\n{policy}")),
    );
    assert!(
        err.contains("f.toml:8:1:") && err.contains("coefficients.pressure_tau_days"),
        "{err}"
    );

    // The queueing reference model has no behavioural coefficients.
    let err = rejected(
        "f.toml",
        Some(&format!("{VALID}[coefficients]\ngoal_erosion = 0.3\n")),
    );
    assert!(err.contains("f.toml:9:2:"), "{err}");
    assert!(err.contains("no `[coefficients]` with `[queue]`"), "{err}");
}

#[test]
fn management_keys_in_a_queue_scenario_are_rejected() {
    let text = format!("{VALID}\n[[policies]]\nname = \"a\"\ntoward = \"kpi-hevy\"\nweight = 7\n");
    let err = rejected("f.toml", Some(&text));
    assert!(err.contains("f.toml:12:1:"), "{err}");
    assert!(err.contains("policies[0].toward"), "{err}");
    assert!(err.contains("only to `[organization]`"), "{err}");
    let text = format!("{VALID}\n[[policies]]\nname = \"a\"\npreset = \"balanced\"\n");
    let err = rejected("f.toml", Some(&text));
    assert!(err.contains("policies[0].preset"), "{err}");
}

#[test]
fn team_tables_are_checked_and_located() {
    let head = "name = \"t\"\nseed = 1\nreplications = 4\nhorizon_days = 50\n[organization]\n";
    let policy = "[[policies]]\nname = \"b\"\n";

    // Both ways of giving the teams at once.
    let err = rejected(
        "f.toml",
        Some(&format!(
            "{head}teams = 3\n[[organization.team]]\nsize = 5\n{policy}"
        )),
    );
    assert!(
        err.contains("f.toml:6:1:") && err.contains("key `organization.teams`"),
        "{err}"
    );
    assert!(err.contains("either `teams = N`"), "{err}");

    // A misspelt key in the second table.
    let err = rejected(
        "f.toml",
        Some(&format!(
            "{head}[[organization.team]]\nname = \"a\"\n[[organization.team]]\ncompetence = 0.5\n{policy}"
        )),
    );
    assert!(
        err.contains("f.toml:9:1:") && err.contains("organization.team[1].competence"),
        "{err}"
    );
    assert!(err.contains("did you mean `competence_mean`?"), "{err}");

    // Out of range, located in its own table.
    let err = rejected(
        "f.toml",
        Some(&format!(
            "{head}[[organization.team]]\n[[organization.team]]\nname = \"b\"\nsize = 500\n{policy}"
        )),
    );
    assert!(
        err.contains("f.toml:9:1:") && err.contains("organization.team[1].size"),
        "{err}"
    );
    assert!(err.contains("a whole number from 1 to 100"), "{err}");

    // Names must be unique, counting those that `count` makes ("a 1", "a 2").
    let err = rejected(
        "f.toml",
        Some(&format!(
            "{head}[[organization.team]]\nname = \"a\"\ncount = 2\n\
             [[organization.team]]\nname = \"a 2\"\n{policy}"
        )),
    );
    assert!(err.contains("organization.team[1].name"), "{err}");
    assert!(
        err.contains("team \"a 2\" is defined twice (first by `organization.team[0]`)"),
        "{err}"
    );

    let err = rejected(
        "f.toml",
        Some(&format!(
            "{head}[[organization.team]]\nmanager_skill = 9\n{policy}"
        )),
    );
    assert!(err.contains("organization.team[0].manager_skill"), "{err}");
    assert!(err.contains("a number from -3 to 3"), "{err}");

    // Numbering by `count` must still fit in 60 characters, or the resolved file would not
    // parse.
    let long = "x".repeat(59);
    let err = rejected(
        "f.toml",
        Some(&format!(
            "{head}[[organization.team]]\nname = \"{long}\"\ncount = 2\n{policy}"
        )),
    );
    assert!(err.contains("organization.team[0].name"), "{err}");
    assert!(err.contains("a name of at most 58 characters"), "{err}");

    // Invisible characters would make two names look alike.
    let err = rejected(
        "f.toml",
        Some(&format!(
            "{head}[[organization.team]]\nname = \"\\u200B\"\n{policy}"
        )),
    );
    assert!(err.contains("cannot name a team"), "{err}");

    let err = rejected("f.toml", Some(&format!("{head}team = []\n{policy}")));
    assert!(
        err.contains("f.toml:6:1:") && err.contains("no teams"),
        "{err}"
    );
}

#[test]
fn an_output_path_that_is_a_file_is_refused_as_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), VALID).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
    for force in [false, true] {
        let mut args = vec!["run", "s.toml", "--quiet", "--out", "notes.txt"];
        if force {
            args.push("--force");
        }
        let output = orgsim(dir.path(), &args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(
            err.contains("notes.txt: exists and is not a folder"),
            "{err}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "keep me"
    );
}
