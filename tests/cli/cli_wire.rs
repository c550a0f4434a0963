//! `eds-entitlement preview` and the wire forms: form detection, `--format`, `--api-limits`,
//! and requests built from CSV files.

use crate::support;

use eds_entitlement::{wire, Request, Strategy};
use support::{arg, run, temp_file};

/// Runs `preview` with `args`, expecting success; its stdout.
fn preview_ok(args: &[&str], stdin: &[u8]) -> String {
    let mut all = vec!["preview"];
    all.extend_from_slice(args);
    support::stdout_of(&all, stdin)
}

/// Runs `preview` with `args`, expecting bad input; its one stderr line.
fn preview_bad(args: &[&str], stdin: &[u8]) -> String {
    let mut all = vec!["preview"];
    all.extend_from_slice(args);
    let run = run(&all, stdin);
    assert_eq!(run.status, 2, "{args:?}: {}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "{args:?}");
    run.stderr
}

const JSON: &str = r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a","ecd-b"],"EndUserId":["Alice"],"MaxUserPerDesktop":1,"Preview":true}"#;
const QUERY: &str = "RegionId=cn-hangzhou&DesktopId.1=ecd-a&DesktopId.2=ecd-b&EndUserId.1=Alice&MaxUserPerDesktop=1&Preview=true";

#[test]
fn the_form_is_detected_from_the_first_non_blank_byte() {
    let json = preview_ok(&[], format!(" \n\t{JSON}\n").as_bytes());
    let query = preview_ok(&[], format!("{QUERY}\n").as_bytes());
    assert_eq!(json, query);
    assert!(json.contains(r#""AssignModels":[{"DesktopId":"ecd-a","InnerStatus":"FINISHED","EndUserIds":["Alice"]},{"DesktopId":"ecd-b","InnerStatus":"FINISHED","EndUserIds":["Alice"]}]"#), "{json}");
    // From files too, and with a byte order mark.
    let path = temp_file("request.txt", format!("\u{feff}{QUERY}\n").as_bytes());
    assert_eq!(preview_ok(&[arg(&path)], b""), json);
    let path = temp_file("request.json", format!("\u{feff}{JSON}").as_bytes());
    assert_eq!(preview_ok(&[arg(&path)], b""), json);
    // Query errors come out as one line, exit status 2.
    assert_eq!(
        preview_bad(&[], b"RegionId=cn-hangzhou&DesktopId=ecd-a&Preview=true"),
        "eds-entitlement: parameter 'DesktopId' needs an item number: a list is sent as 'DesktopId.1', 'DesktopId.2', …\n"
    );
}

#[test]
fn format_forces_the_form() {
    assert_eq!(
        preview_ok(&["--format", "query"], QUERY.as_bytes()),
        preview_ok(&["--format", "json"], JSON.as_bytes())
    );
    assert_eq!(
        preview_bad(&["--format", "json"], QUERY.as_bytes()),
        "eds-entitlement: malformed JSON at line 1, column 1: expected value\n"
    );
    assert_eq!(
        preview_bad(&["--format", "query"], JSON.as_bytes()),
        "eds-entitlement: malformed query at byte 1, in parameter \"{\\\"RegionId\\\":\\\"cn-hangzhou\\\",\\\"DesktopId\\\":[\\\"ecd-a\\\",\\\"ecd-b\\\"],\\\"EndUse…\": it has no '=' and no value\n"
    );
    let run = run(&["preview", "--format", "xml"], QUERY.as_bytes());
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .contains("invalid value 'xml' for '--format <FORMAT>'"),
        "{}",
        run.stderr
    );
}

#[test]
fn json_and_query_forms_give_the_same_bytes() {
    let requests = [
        Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-c"], ["Alice", "Bob"])
            .max_user_per_desktop(1)
            .strategy(Strategy::Central),
        Request::new(
            "ap-southeast-1",
            ["ecd a&b", "ecd=c%d", "漢+字.x"],
            ["Zoë", "O'Brien"],
        )
        .max_desktop_per_user(2)
        .max_user_per_desktop(0)
        .preview(false),
        Request::new("cn-shanghai", ["d1", "d2"], [] as [&str; 0]),
    ];
    for request in requests {
        let query = wire::to_query(&request);
        let json = to_json(&request);
        let from_query = preview_ok(&[], query.as_bytes());
        assert_eq!(preview_ok(&[], json.as_bytes()), from_query, "{query}");
        assert_eq!(
            preview_ok(&["--pretty"], json.as_bytes()),
            preview_ok(&["--pretty"], query.as_bytes())
        );
        // The Python SDK's booleans, and the common parameters of a signed call.
        let python = query
            .replace("Preview=true", "Preview=True")
            .replace("Preview=false", "Preview=False");
        let signed = format!(
            "Action=BatchModifyEntitlement&Version=2020-09-30&Format=json&SignatureNonce=1&{python}"
        );
        assert_eq!(preview_ok(&[], signed.as_bytes()), from_query);
    }
}

/// The request's JSON, as the SDKs' `to_map()` writes it.
fn to_json(request: &Request) -> String {
    let mut map = serde_json::Map::new();
    map.insert("RegionId".into(), request.region_id.clone().into());
    let list = |ids: &eds_entitlement::IdList| ids.iter().map(|id| id.into()).collect();
    map.insert(
        "DesktopId".into(),
        serde_json::Value::Array(list(&request.desktop_ids)),
    );
    map.insert(
        "EndUserId".into(),
        serde_json::Value::Array(list(&request.end_user_ids)),
    );
    if let Some(k) = request.max_user_per_desktop {
        map.insert("MaxUserPerDesktop".into(), k.into());
    }
    if let Some(m) = request.max_desktop_per_user {
        map.insert("MaxDesktopPerUser".into(), m.into());
    }
    map.insert("Strategy".into(), request.strategy.as_str().into());
    map.insert("Preview".into(), request.preview.into());
    serde_json::Value::Object(map).to_string()
}

#[test]
fn api_limits_reject_what_the_live_api_would() {
    fn ids(n: usize, prefix: &'static str) -> impl Iterator<Item = String> {
        (1..=n).map(move |i| format!("{prefix}{i}"))
    }
    let at_most = wire::to_query(&Request::new("cn-hangzhou", ids(500, "d"), ids(500, "u")));
    let out = preview_ok(&["--api-limits"], at_most.as_bytes());
    assert!(out.contains(r#""DesktopId":"d500""#));

    let desktops = wire::to_query(&Request::new("cn-hangzhou", ids(501, "d"), ids(3, "u")));
    assert_eq!(
        preview_bad(&["--api-limits"], desktops.as_bytes()),
        "eds-entitlement: parameter 'DesktopId' lists 501 IDs, but the API takes at most 500 in one call\n"
    );
    let users = wire::to_query(&Request::new("cn-hangzhou", ids(3, "d"), ids(501, "u")));
    assert_eq!(
        preview_bad(&["--api-limits"], users.as_bytes()),
        "eds-entitlement: parameter 'EndUserId' lists 501 IDs, but the API takes at most 500 in one call\n"
    );
    // Without the option, whole fleets are planned.
    assert!(preview_ok(&[], desktops.as_bytes()).contains(r#""DesktopId":"d501""#));
    // In CSV mode too.
    let path = temp_file(
        "501.csv",
        ids(501, "d").collect::<Vec<_>>().join("\n").as_bytes(),
    );
    assert_eq!(
        preview_bad(&["--api-limits", "--desktops", arg(&path), "--region", "r"], b""),
        "eds-entitlement: parameter 'DesktopId' lists 501 IDs, but the API takes at most 500 in one call\n"
    );
}

#[test]
fn csv_files_build_the_same_request() {
    let desktops = temp_file(
        "desktops.csv",
        b"\xEF\xBB\xBFName,DesktopId\r\nfirst,ecd-a\r\n,\r\nsecond,ecd-b\r\nthird,ecd-c\r\n",
    );
    let users = temp_file("users.csv", b"Alice\n\nBob\n");
    let out = preview_ok(
        &[
            "--desktops",
            arg(&desktops),
            "--users",
            arg(&users),
            "--region",
            "cn-hangzhou",
            "--max-user-per-desktop",
            "1",
            "--strategy",
            "CENTRAL",
            "--no-preview",
        ],
        b"",
    );
    let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-c"], ["Alice", "Bob"])
        .max_user_per_desktop(1)
        .strategy(Strategy::Central)
        .preview(false);
    assert_eq!(out, preview_ok(&[], to_json(&request).as_bytes()));
    assert!(out.contains(r#""Status":"NOT_STARTED""#), "{out}");

    // No --users: no users, every desktop planned to have none.
    let out = preview_ok(
        &["--desktops", arg(&desktops), "--region", "cn-hangzhou"],
        b"",
    );
    let request = Request::new("cn-hangzhou", ["ecd-a", "ecd-b", "ecd-c"], [] as [&str; 0]);
    assert_eq!(out, preview_ok(&[], wire::to_query(&request).as_bytes()));
    assert!(out.contains(r#"{"DesktopId":"ecd-c","InnerStatus":"FINISHED","EndUserIds":[]}"#));
}

#[test]
fn csv_errors_name_the_file_and_the_line() {
    let desktops = temp_file("dup-desktops.csv", b"DesktopId\necd-a\n\necd-b\necd-a\n");
    let path = arg(&desktops);
    assert_eq!(
        preview_bad(&["--desktops", path, "--region", "r"], b""),
        format!("eds-entitlement: {path}, line 5: DesktopId \"ecd-a\" repeats line 2: IDs must be unique\n")
    );
    let good = temp_file("good-desktops.csv", b"ecd-a\n");
    let users = temp_file("bad-users.csv", b"EndUserId,Note\nAlice,x\n,y\n");
    let upath = arg(&users);
    assert_eq!(
        preview_bad(&["--desktops", arg(&good), "--users", upath, "--region", "r"], b""),
        format!("eds-entitlement: {upath}, line 3: the EndUserId cell is empty, but IDs must not be empty\n")
    );
    let swapped = temp_file("swapped.csv", b"EndUserId\nAlice\n");
    let spath = arg(&swapped);
    assert_eq!(
        preview_bad(&["--desktops", spath, "--region", "r"], b""),
        format!("eds-entitlement: {spath}, line 1: the header names the EndUserId column but no DesktopId column: are the files swapped?\n")
    );
    // Request-level problems keep the library's wording.
    let empty = temp_file("empty.csv", b"DesktopId\n");
    assert_eq!(
        preview_bad(&["--desktops", arg(&empty), "--region", "r"], b""),
        "eds-entitlement: parameter 'DesktopId' is empty, but it must list at least one ID\n"
    );
    assert_eq!(
        preview_bad(&["--desktops", arg(&good), "--region", "cn_hangzhou"], b""),
        "eds-entitlement: parameter 'RegionId' is \"cn_hangzhou\", which is not a region ID: it must be 1 to 64 lowercase ASCII letters, digits and '-'\n"
    );
    assert_eq!(
        preview_bad(&["--desktops", arg(&good), "--region", "r", "--max-user-per-desktop", "501"], b""),
        "eds-entitlement: parameter 'MaxUserPerDesktop' is 501, which is above the API's maximum of 500: it must be a whole number from 0 to 500\n"
    );
    // A missing file is an I/O failure: exit status 1.
    let missing = run(
        &[
            "preview",
            "--desktops",
            "/nonexistent/d.csv",
            "--region",
            "r",
        ],
        b"",
    );
    assert_eq!(missing.status, 1);
    assert!(
        missing
            .stderr
            .starts_with("eds-entitlement: cannot read /nonexistent/d.csv: "),
        "{}",
        missing.stderr
    );
}

#[test]
fn csv_mode_and_a_request_file_conflict() {
    let desktops = temp_file("conflict.csv", b"ecd-a\n");
    let path = arg(&desktops);
    for args in [
        vec![
            "preview",
            "--desktops",
            path,
            "--region",
            "r",
            "request.json",
        ],
        vec![
            "preview",
            "--desktops",
            path,
            "--region",
            "r",
            "--format",
            "json",
        ],
    ] {
        let run = run(&args, b"");
        assert_eq!(run.status, 2, "{args:?}");
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    }
    // The CSV options need --desktops, and --desktops needs --region. (The request's
    // parameters, --no-preview and the like, replace a request FILE's: cli_snapshot.rs.)
    let task = run(&["preview", "--no-preview"], QUERY.as_bytes());
    assert_eq!(task.status, 0, "{}", task.stderr);
    assert!(task.stdout.contains("\"NOT_STARTED\""), "{}", task.stdout);
    for args in [
        vec!["preview", "--region", "r"],
        vec!["preview", "--users", path],
        vec!["preview", "--desktops", path],
    ] {
        let run = run(&args, QUERY.as_bytes());
        assert_eq!(run.status, 2, "{args:?}");
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr
                .contains("the following required arguments were not provided"),
            "{}",
            run.stderr
        );
    }
    let run = run(
        &[
            "preview",
            "--desktops",
            path,
            "--region",
            "r",
            "--strategy",
            "average",
        ],
        b"",
    );
    assert_eq!(run.status, 2);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr,
        "eds-entitlement: parameter 'Strategy' is \"average\", which is not a strategy: valid values are AVERAGE and CENTRAL\n"
    );
}
