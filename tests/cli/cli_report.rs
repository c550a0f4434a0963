//! The command line's reports for people and programs: `capacity`, `preview --output
//! summary|table`. Output is pinned byte for byte; the summary's lists are also checked
//! against the plan in the JSON response.

use crate::support;

use support::{failure, stdout_of};

#[test]
fn capacity_prints_the_figures_for_people() {
    let text = stdout_of(
        &[
            "capacity",
            "--desktops",
            "3",
            "--users",
            "4",
            "--max-user-per-desktop",
            "1",
            "--max-desktop-per-user",
            "2",
            "--strategy",
            "CENTRAL",
        ],
        "",
    );
    assert_eq!(
        text,
        "\
desktops                  3
users                     4
MaxUserPerDesktop         1
MaxDesktopPerUser         2
Strategy                  CENTRAL
assignments               3
users fully served        1
users partly served       1
users without a desktop   2
desktops with users       3
desktops without users    0
users per desktop         1
desktops per user         0 to 2
desktops needed           8 (for every user to get 2 desktops)
bound by                  MaxUserPerDesktop
"
    );
}

#[test]
fn capacity_json_has_exactly_the_spec_keys() {
    let text = stdout_of(
        &[
            "capacity",
            "--desktops",
            "4294967295",
            "--users",
            "4294967295",
            "--json",
        ],
        "",
    );
    assert_eq!(
        text,
        "{\"desktops\":4294967295,\"users\":4294967295,\"assignments\":18446744065119617025,\
         \"users_full\":4294967295,\"users_partial\":0,\"users_unserved\":0,\
         \"desktops_used\":4294967295,\"desktops_idle\":0,\"min_users_per_desktop\":4294967295,\
         \"max_users_per_desktop\":4294967295,\"min_desktops_per_user\":4294967295,\
         \"max_desktops_per_user\":4294967295,\"desktops_needed\":1}\n"
    );
}

#[test]
fn capacity_rejects_bad_limits_and_strategies() {
    assert_eq!(
        failure(
            &[
                "capacity",
                "--desktops",
                "3",
                "--users",
                "4",
                "--max-desktop-per-user",
                "501"
            ],
            "",
            2
        ),
        "eds-entitlement: parameter 'MaxDesktopPerUser' is 501, which is above the API's \
         maximum of 500: it must be a whole number from 0 to 500"
    );
    assert_eq!(
        failure(
            &[
                "capacity",
                "--desktops",
                "3",
                "--users",
                "4",
                "--strategy",
                "average"
            ],
            "",
            2
        ),
        "eds-entitlement: parameter 'Strategy' is \"average\", which is not a strategy: valid \
         values are AVERAGE and CENTRAL"
    );
}

/// 5 desktops, 6 users, 1 user per desktop, at most 2 desktops per user, CENTRAL: quotas
/// [2, 2, 1, 0, 0, 0], so three users are left out and no desktop is.
const SHORT_OF_DESKTOPS: &str = r#"{"RegionId":"cn-hangzhou","DesktopId":["d1","d2","d3","d4","d5"],"EndUserId":["A","B","C","D","E","F"],"MaxUserPerDesktop":1,"MaxDesktopPerUser":2,"Strategy":"CENTRAL","Preview":true}"#;

/// 4 desktops, 1 user at most 2 desktops: two desktops are left without users.
const SHORT_OF_USERS: &str = r#"{"RegionId":"cn-hangzhou","DesktopId":["d1","d2","d3","d4"],"EndUserId":["A"],"MaxDesktopPerUser":2,"Preview":true}"#;

#[test]
fn summary_lists_who_is_left_out() {
    assert_eq!(
        stdout_of(&["preview", "--output", "summary", "-"], SHORT_OF_DESKTOPS),
        "\
desktops                  5
users                     6
MaxUserPerDesktop         1
MaxDesktopPerUser         2
Strategy                  CENTRAL
assignments               5
users fully served        2
users partly served       1
users without a desktop   3
desktops with users       5
desktops without users    0
users per desktop         1
desktops per user         0 to 2
desktops needed           12 (for every user to get 2 desktops)
bound by                  MaxUserPerDesktop
users without a desktop:
  D
  E
  F
desktops without users:
  (none)
"
    );
    assert_eq!(
        stdout_of(&["preview", "--output", "summary", "-"], SHORT_OF_USERS),
        "\
desktops                  4
users                     1
MaxUserPerDesktop         no limit
MaxDesktopPerUser         2
Strategy                  AVERAGE
assignments               2
users fully served        1
users partly served       0
users without a desktop   0
desktops with users       2
desktops without users    2
users per desktop         0 to 1
desktops per user         2
desktops needed           2 (for every user to get 2 desktops)
bound by                  MaxDesktopPerUser
users without a desktop:
  (none)
desktops without users:
  d3
  d4
"
    );
}

/// The IDs after a heading of the summary, up to the next heading.
fn listed<'a>(summary: &'a str, heading: &str) -> Vec<&'a str> {
    summary
        .lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(str::trim)
        .filter(|id| *id != "(none)")
        .collect()
}

#[test]
fn summary_lists_agree_with_the_plan() {
    for request in [SHORT_OF_DESKTOPS, SHORT_OF_USERS] {
        for strategy in ["AVERAGE", "CENTRAL"] {
            let request = request
                .replace("\"CENTRAL\"", "\"AVERAGE\"")
                .replace("\"AVERAGE\"", &format!("\"{strategy}\""));
            let summary = stdout_of(&["preview", "--output", "summary", "-"], &request);
            let response: serde_json::Value =
                serde_json::from_str(&stdout_of(&["preview", "-"], &request)).expect("JSON");
            let models = response["Entitlements"]["AssignModels"]
                .as_array()
                .expect("AssignModels");
            let idle: Vec<&str> = models
                .iter()
                .filter(|m| m["EndUserIds"].as_array().is_some_and(Vec::is_empty))
                .map(|m| m["DesktopId"].as_str().expect("an ID"))
                .collect();
            let request: serde_json::Value = serde_json::from_str(&request).expect("JSON");
            let served: Vec<&str> = models
                .iter()
                .flat_map(|m| m["EndUserIds"].as_array().expect("a list"))
                .map(|id| id.as_str().expect("an ID"))
                .collect();
            let unserved: Vec<&str> = request["EndUserId"]
                .as_array()
                .expect("users")
                .iter()
                .map(|id| id.as_str().expect("an ID"))
                .filter(|id| !served.contains(id))
                .collect();
            assert_eq!(listed(&summary, "desktops without users:"), idle);
            assert_eq!(listed(&summary, "users without a desktop:"), unserved);
        }
    }
}

#[test]
fn table_aligns_the_plan() {
    let request = r#"{"RegionId":"cn-hangzhou","DesktopId":["d1","ecd-long-name","d3","d4","d5","d6","d7","d8","d9","d10"],"EndUserId":["Alice","Bob","Carol"],"MaxDesktopPerUser":4,"Preview":true}"#;
    // Quotas [4, 4, 4]: Alice d1-d4, Bob d5-d8, Carol d9, d10, then d1, d2.
    assert_eq!(
        stdout_of(&["preview", "--output", "table", "-"], request),
        "\
#  DesktopId     Users EndUserIds
 1 d1                2 Alice, Carol
 2 ecd-long-name     2 Alice, Carol
 3 d3                1 Alice
 4 d4                1 Alice
 5 d5                1 Bob
 6 d6                1 Bob
 7 d7                1 Bob
 8 d8                1 Bob
 9 d9                1 Carol
10 d10               1 Carol
"
    );
}

#[test]
fn control_characters_never_reach_the_table() {
    // IDs hold no control character, whatever the output: the table stays one row a desktop.
    let request =
        r#"{"RegionId":"cn-hangzhou","DesktopId":["d1"],"EndUserId":["A\tB"],"Preview":true}"#;
    for output in ["json", "summary", "table"] {
        assert_eq!(
            failure(&["preview", "--output", output, "-"], request, 2),
            "eds-entitlement: parameter 'EndUserId' item 1 is \"A\\tB\", which holds the control \
             character U+0009: IDs must be printable text"
        );
    }
}

#[test]
fn bad_requests_print_nothing_whatever_the_output() {
    let request = r#"{"RegionId":"cn-hangzhou","DesktopId":["d1","d1"],"Preview":true}"#;
    for output in ["json", "summary", "table"] {
        assert_eq!(
            failure(&["preview", "--output", output, "-"], request, 2),
            "eds-entitlement: parameter 'DesktopId' item 2 is \"d1\", which repeats item 1: \
             IDs must be unique"
        );
    }
}

#[test]
fn desktops_needed_without_a_desktop_limit_says_it_is_for_average() {
    // ⌈5 users · 1 desktop / 2 users per desktop⌉ = 3; under CENTRAL with no
    // MaxDesktopPerUser the first users would take them all, so the label names AVERAGE.
    let text = stdout_of(
        &[
            "capacity",
            "--desktops",
            "3",
            "--users",
            "5",
            "--max-user-per-desktop",
            "2",
            "--strategy",
            "CENTRAL",
        ],
        "",
    );
    let line = text
        .lines()
        .find(|l| l.starts_with("desktops needed"))
        .expect("the line");
    assert_eq!(
        line,
        "desktops needed           3 (for every user to get a desktop under AVERAGE)"
    );
}
