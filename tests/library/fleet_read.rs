//! Reading `DescribeDesktops` snapshots (the contract, §6): what is read, what is skipped,
//! and one test per bad snapshot, with its message pinned.

use eds_entitlement::wire::{fleet_from_json, FleetReader};
use eds_entitlement::{Eligibility, Error, Origin, SnapshotProblem};

fn read(page: &str) -> Result<eds_entitlement::Fleet, Error> {
    fleet_from_json([("snap.json", page)])
}

fn message(page: &str) -> String {
    read(page).expect_err("a bad snapshot").to_string()
}

/// A body with `desktops` in `Desktops` (a page of a listing whose `TotalCount` it does
/// not give: pages that give one are counted, §6.2).
fn body(desktops: &str) -> String {
    format!(r#"{{"RequestId":"r","NextToken":"t","Desktops":[{desktops}]}}"#)
}

const OK: &str = r#"{"DesktopId":"ecd-ok","DesktopStatus":"Running"}"#;

#[test]
fn reads_what_section_6_names_and_skips_the_rest() {
    let fleet = read(&body(
        r#"{"Cpu":4,"DesktopId":"ecd-a","Disks":[{"DiskId":"x","Nested":{"a":[1,2,{"b":null}]}}],"DesktopStatus":"Running","ManagementFlag":"NoFlag","ManagementFlags":["Updating"],"EndUserIds":["Alice","Bob"],"Tags":null},
           {"DesktopId":"ecd-b","DesktopStatus":"stopped","EndUserIds":null,"ManagementFlags":null,"ManagementFlag":null},
           {"DesktopId":"ecd-c","DesktopStatus":"RUNNING","ManagementFlag":"assigning"}"#,
    ))
    .unwrap();
    assert_eq!(fleet.len(), 3);
    let a = fleet.get("ecd-a").unwrap();
    assert_eq!(a.status(), "Running");
    assert_eq!(a.flags(), ["Updating", "NoFlag"]);
    assert_eq!(a.end_user_ids(), ["Alice", "Bob"]);
    assert_eq!(a.eligibility(), Eligibility::Eligible);
    assert_eq!(
        a.origin_in_snapshot(),
        Origin {
            page: 0,
            position: 1
        }
    );
    let b = fleet.get("ecd-b").unwrap();
    assert!(b.end_user_ids().is_empty() && b.flags().is_empty());
    assert_eq!(b.eligibility(), Eligibility::NotRunning);
    assert_eq!(
        fleet.get("ecd-c").unwrap().eligibility(),
        Eligibility::Assigning
    );
    let ids: Vec<&str> = fleet.iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["ecd-a", "ecd-b", "ecd-c"]);
}

#[test]
fn desktops_null_or_empty_is_a_page_without_desktops() {
    assert!(read(r#"{"Desktops":null}"#).unwrap().is_empty());
    assert!(read(r#"{"Desktops":[]}"#).unwrap().is_empty());
    assert!(read(r#"{"RequestId":"r","TotalCount":0,"Desktops":[]}"#)
        .unwrap()
        .is_empty());
}

/// §6.2: a body without `Desktops` (a request, a plan, another operation's page) is not a
/// snapshot, on every path (whole, streamed, chunked).
#[test]
fn a_body_without_desktops_is_not_a_snapshot() {
    let want = "snap.json: the body has no 'Desktops' key, so it is not a DescribeDesktops \
                response (a request, a plan or another operation's body?): a snapshot is the \
                body DescribeDesktops returns, one per page or the pages merged";
    for page in [
        r#"{"RequestId":"r","TotalCount":0}"#,
        r#"{"RegionId":"cn-hangzhou","DesktopId":["ecd-a"],"EndUserId":["Alice"]}"#,
        r#"{"RequestId":"r","Entitlements":{"Status":"FINISHED","AssignModels":[]}}"#,
        r#"{}"#,
    ] {
        assert_eq!(message(page), want, "{page}");
        let mut reader = FleetReader::new();
        let streamed = reader.read_page_from("snap.json", page.as_bytes()).unwrap();
        assert_eq!(streamed.unwrap_err().to_string(), want);
        let mut reader = FleetReader::new();
        let chunked = reader
            .read_page_seekable("snap.json", std::io::Cursor::new(page))
            .unwrap();
        assert!(matches!(
            chunked,
            Err(Error::Snapshot {
                problem: SnapshotProblem::NoDesktops,
                desktop: None,
                ..
            })
        ));
    }
}

/// §6.2: `TotalCount`, where given, is a whole number of 0 or more (`null` is as absent).
#[test]
fn total_count_must_be_a_whole_number() {
    for (value, found) in [
        ("-1", "the number -1"),
        ("2.5", "the number 2.5"),
        (r#""2""#, r#"the string "2""#),
        ("true", "true"),
        ("[2]", "an array"),
    ] {
        let page = format!(r#"{{"TotalCount":{value},"Desktops":[{OK}]}}"#);
        assert_eq!(
            message(&page),
            format!(
                "snap.json: field 'TotalCount' must be a whole number of 0 or more, but it is {found}"
            ),
            "{value}"
        );
    }
    for value in ["1", "1.0", "1e0", "null"] {
        let page = format!(r#"{{"TotalCount":{value},"Desktops":[{OK}]}}"#);
        assert_eq!(read(&page).unwrap().len(), 1, "{value}");
    }
    assert_eq!(
        message(&format!(
            r#"{{"TotalCount":1,"Desktops":[{OK}],"TotalCount":1}}"#
        )),
        "snap.json: field 'TotalCount' is given more than once"
    );
}

fn desktops(from: usize, to: usize) -> String {
    (from..to)
        .map(|i| format!(r#"{{"DesktopId":"ecd-{i}","DesktopStatus":"Running"}}"#))
        .collect::<Vec<_>>()
        .join(",")
}

/// A page of a listing of `total` desktops, holding desktops `from..to`.
fn page_of(total: usize, from: usize, to: usize) -> String {
    format!(
        r#"{{"RequestId":"r","TotalCount":{total},"Desktops":[{}]}}"#,
        desktops(from, to)
    )
}

/// §6.2: the pages that give one `TotalCount` are one listing and hold exactly that many
/// desktops; a page holding its own `TotalCount` is complete by itself; pages without it are
/// not counted.
#[test]
fn pages_of_a_listing_must_hold_its_total_count() {
    let pages =
        |list: &[(&str, String)]| fleet_from_json(list.iter().map(|(l, p)| (*l, p.as_str())));
    // Whole: three pages of 5; and a query by ID (complete by itself) beside them; and
    // the aliyun body, without TotalCount.
    let whole = [
        ("p1.json", page_of(5, 0, 2)),
        ("p2.json", page_of(5, 2, 4)),
        ("p3.json", page_of(5, 4, 5)),
        ("byid.json", page_of(1, 10, 11)),
        (
            "aliyun.json",
            format!(r#"{{"Desktops":[{}]}}"#, desktops(20, 23)),
        ),
    ];
    assert_eq!(pages(&whole).unwrap().len(), 9);
    // A page missing.
    let missing = [("p1.json", page_of(5, 0, 2)), ("p3.json", page_of(5, 4, 5))];
    assert_eq!(
        pages(&missing).unwrap_err().to_string(),
        "p1.json and 1 other page give TotalCount 5 but hold 3 desktops: 2 are missing (a \
         page not given, or the fleet changed while it was listed); give every page of one \
         listing"
    );
    // Pages of two listings of the same size (or the same page given under two names
    // would be a repeated desktop): more desktops than the count.
    let mixed = [
        ("a1.json", page_of(3, 0, 2)),
        ("a2.json", page_of(3, 2, 3)),
        ("b1.json", page_of(3, 10, 12)),
    ];
    let error = pages(&mixed).unwrap_err();
    assert_eq!(
        error.to_string(),
        "a1.json and 2 other pages give TotalCount 3 but hold 5 desktops, 2 more: pages of \
         different listings (or of a fleet that changed while it was listed); give the pages \
         of one listing"
    );
    assert!(matches!(
        error,
        Error::SnapshotCount {
            pages: 3,
            total_count: 3,
            desktops: 5,
            ..
        }
    ));
    // One page with fewer desktops than its count, and one with more.
    assert_eq!(
        message(&page_of(4, 0, 1)),
        "snap.json gives TotalCount 4 but holds 1 desktop: 3 are missing (a page not given, \
         or the fleet changed while it was listed); give every page of one listing"
    );
    assert_eq!(
        message(&format!(
            r#"{{"TotalCount":0,"Desktops":[{OK}, {}]}}"#,
            desktops(0, 1)
        )),
        "snap.json gives TotalCount 0 but holds 2 desktops, 2 more: pages of different \
         listings (or of a fleet that changed while it was listed); give the pages of one \
         listing"
    );
}

/// `--allow-partial-snapshot`'s library side: fewer is returned, more is still refused.
#[test]
fn a_partial_listing_is_returned_only_when_allowed() {
    let mut reader = FleetReader::new();
    for (label, page) in [
        ("p1.json", page_of(5, 0, 2)),
        ("q1.json", page_of(7, 10, 13)),
    ] {
        reader.read_page(label, page.as_bytes()).unwrap();
    }
    assert!(reader.check_counts(false).is_err());
    let short = reader.check_counts(true).unwrap();
    assert_eq!(short.len(), 2);
    assert_eq!((short[0].total_count, short[0].desktops), (5, 2));
    assert_eq!(short[0].pages, ["p1.json"]);
    assert_eq!((short[1].total_count, short[1].desktops), (7, 3));
    reader
        .read_page("p9.json", page_of(5, 20, 24).as_bytes())
        .unwrap();
    assert!(matches!(
        reader.check_counts(true),
        Err(Error::SnapshotCount {
            total_count: 5,
            desktops: 6,
            ..
        })
    ));
}

/// §6.2: a UTF-8 byte order mark is skipped, on every path, and counted in the bytes that
/// messages name.
#[test]
fn a_byte_order_mark_is_skipped() {
    let page = format!("\u{feff}{}", page_of(2, 0, 2));
    assert_eq!(read(&page).unwrap().len(), 2);
    let mut reader = FleetReader::new();
    reader
        .read_page_from("s.json", page.as_bytes())
        .unwrap()
        .unwrap();
    assert_eq!(reader.finish().len(), 2);
    let mut reader = FleetReader::new();
    reader
        .read_page_seekable("s.json", std::io::Cursor::new(page.as_bytes()))
        .unwrap()
        .unwrap();
    assert_eq!(reader.finish().len(), 2);
    // The third byte after the mark is the sixth of the file.
    assert_eq!(
        message("\u{feff}{\"x"),
        "snap.json: malformed JSON at byte 6: EOF while parsing a string"
    );
}

/// A snapshot cut short after its last desktop names that desktop, not the next one; cut
/// before any, it names none.
#[test]
fn a_snapshot_cut_short_names_the_last_desktop_read() {
    let whole = page_of(2, 0, 2);
    let cut = &whole[..whole.len() - 2];
    assert!(cut.ends_with('}'));
    assert_eq!(
        message(cut),
        format!(
            "snap.json: malformed JSON at byte {}, after desktop 2: EOF while parsing a list",
            cut.len()
        )
    );
    assert_eq!(
        message(r#"{"Desktops":["#),
        "snap.json: malformed JSON at byte 13: EOF while parsing a list"
    );
    // After a comma, no third desktop was begun: still after desktop 2. Inside one, it is
    // that one.
    let comma = format!("{cut},");
    assert_eq!(
        message(&comma),
        format!(
            "snap.json: malformed JSON at byte {}, after desktop 2: EOF while parsing a value",
            comma.len()
        )
    );
    let begun = format!("{cut},{{");
    assert_eq!(
        message(&begun),
        format!(
            "snap.json: malformed JSON at byte {}, in desktop 3: EOF while parsing an object",
            begun.len()
        )
    );
}

#[test]
fn escaped_keys_and_values_are_read_as_json_means_them() {
    let fleet = read(&body(
        r#"{"Desktop\u0049d":"ecd-\u00e9","DesktopStatus":"Run\u006eing","EndUserIds":["A\"b"]}"#,
    ))
    .unwrap();
    assert_eq!(fleet.get("ecd-é").unwrap().end_user_ids(), ["A\"b"]);
}

#[test]
fn pages_are_one_snapshot_and_a_desktop_in_two_pages_names_both() {
    let mut reader = FleetReader::new();
    reader.read_page("p1.json", body(OK).as_bytes()).unwrap();
    reader
        .read_page(
            "p2.json",
            body(r#"{"DesktopId":"ecd-2","DesktopStatus":"Running"}"#).as_bytes(),
        )
        .unwrap();
    assert_eq!(reader.files(), ["p1.json", "p2.json"]);
    let error = reader
        .read_page("p3.json", body(&format!("{OK},{OK}")).as_bytes())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"p3.json, desktop 1: DesktopId "ecd-ok" repeats desktop 1 of p1.json: a snapshot lists each desktop once"#
    );
}

#[test]
fn a_desktop_twice_in_one_page_names_both_positions() {
    assert_eq!(
        message(&body(&format!(
            r#"{OK},{{"DesktopId":"x","DesktopStatus":"Running"}},{OK}"#
        ))),
        r#"snap.json, desktop 3: DesktopId "ecd-ok" repeats desktop 1 of snap.json: a snapshot lists each desktop once"#
    );
}

#[test]
fn malformed_json_names_the_byte_and_the_desktop() {
    let page = body(&format!(
        r#"{OK},{{"DesktopId":"ecd-x" "DesktopStatus":"Running"}}"#
    ));
    let byte = page.find(r#" "DesktopStatus":"Running"}]"#).unwrap() + 2;
    assert_eq!(
        message(&page),
        format!("snap.json: malformed JSON at byte {byte}, in desktop 2: expected `,` or `}}`")
    );
    // On a later line: the byte counts from the start of the file.
    let page = "{\n  \"Desktops\": [\n    {\"DesktopId\": tru}\n  ]\n}\n";
    assert_eq!(
        message(page),
        "snap.json: malformed JSON at byte 40, in desktop 1: expected ident"
    );
    assert_eq!(
        message(r#"{"RequestId":"r",}"#),
        "snap.json: malformed JSON at byte 18: trailing comma"
    );
    assert_eq!(
        message(""),
        "snap.json: malformed JSON at byte 1: EOF while parsing a value"
    );
    assert_eq!(
        message(r#"{"Desktops":[]} {}"#),
        "snap.json: malformed JSON at byte 17: trailing characters"
    );
}

#[test]
fn a_missing_desktop_id_or_status_is_named() {
    assert_eq!(
        message(&body(&format!(r#"{OK},{{"DesktopStatus":"Running"}}"#))),
        "snap.json, desktop 2: missing required field 'DesktopId'"
    );
    assert_eq!(
        message(&body(r#"{"DesktopId":"ecd-a","Status":"Running"}"#)),
        "snap.json, desktop 1: missing required field 'DesktopStatus'"
    );
}

#[test]
fn a_desktop_id_or_status_that_is_not_a_string_is_named() {
    assert_eq!(
        message(&body(r#"{"DesktopId":42,"DesktopStatus":"Running"}"#)),
        "snap.json, desktop 1: field 'DesktopId' must be a string, but it is the number 42"
    );
    assert_eq!(
        message(&body(r#"{"DesktopId":null,"DesktopStatus":"Running"}"#)),
        "snap.json, desktop 1: field 'DesktopId' must be a string, but it is null"
    );
    assert_eq!(
        message(&body(
            r#"{"DesktopId":"ecd-a","DesktopStatus":["Running"]}"#
        )),
        "snap.json, desktop 1: field 'DesktopStatus' must be a string, but it is an array"
    );
    assert_eq!(
        message(&body(
            r#"{"DesktopId":"ecd-a","DesktopStatus":"Running","ManagementFlag":{}}"#
        )),
        "snap.json, desktop 1: field 'ManagementFlag' must be a string, but it is an object"
    );
}

#[test]
fn end_user_ids_must_be_an_array_of_non_empty_strings() {
    assert_eq!(
        message(&body(
            r#"{"DesktopId":"d","DesktopStatus":"Running","EndUserIds":"Alice"}"#
        )),
        r#"snap.json, desktop 1: field 'EndUserIds' must be an array of strings, but it is the string "Alice""#
    );
    assert_eq!(
        message(&body(
            r#"{"DesktopId":"d","DesktopStatus":"Running","EndUserIds":["Alice",7]}"#
        )),
        "snap.json, desktop 1: field 'EndUserIds' item 2 must be a string, but it is the number 7"
    );
    assert_eq!(
        message(&body(r#"{"DesktopId":"d","DesktopStatus":"Running","EndUserIds":["Alice",""]}"#)),
        "snap.json, desktop 1: field 'EndUserIds' item 2 is an empty string, but IDs must not be empty"
    );
    assert_eq!(
        message(&body(
            r#"{"DesktopId":"d","DesktopStatus":"Running","ManagementFlags":[true]}"#
        )),
        "snap.json, desktop 1: field 'ManagementFlags' item 1 must be a string, but it is true"
    );
}

#[test]
fn a_user_twice_on_one_desktop_names_both_positions() {
    assert_eq!(
        message(&body(
            r#"{"DesktopId":"d","DesktopStatus":"Running","EndUserIds":["A","B","C","B"]}"#
        )),
        r#"snap.json, desktop 1: field 'EndUserIds' item 4 is "B", which repeats item 2: a desktop lists each user once"#
    );
    // A long list goes through a map: the same answer.
    let users: Vec<String> = (0..100).map(|i| format!("\"u{}\"", i % 70)).collect();
    assert_eq!(
        message(&body(&format!(
            r#"{{"DesktopId":"d","DesktopStatus":"Running","EndUserIds":[{}]}}"#,
            users.join(",")
        ))),
        r#"snap.json, desktop 1: field 'EndUserIds' item 71 is "u0", which repeats item 1: a desktop lists each user once"#
    );
}

#[test]
fn a_key_read_twice_is_an_error_not_a_choice() {
    assert_eq!(
        message(&body(
            r#"{"DesktopId":"a","DesktopStatus":"Running","DesktopId":"b"}"#
        )),
        "snap.json, desktop 1: field 'DesktopId' is given more than once"
    );
    assert_eq!(
        message(r#"{"Desktops":[],"Desktops":null}"#),
        "snap.json: field 'Desktops' is given more than once"
    );
}

#[test]
fn a_body_or_desktop_of_the_wrong_shape_is_named() {
    assert_eq!(
        message(r#"[{"DesktopId":"a","DesktopStatus":"Running"}]"#),
        "snap.json: the body must be a JSON object (a DescribeDesktops response), but it is an array"
    );
    assert_eq!(
        message(r#""Desktops""#),
        r#"snap.json: the body must be a JSON object (a DescribeDesktops response), but it is the string "Desktops""#
    );
    assert_eq!(
        message(r#"{"Desktops":{"DesktopId":"a"}}"#),
        "snap.json: field 'Desktops' must be an array of desktops or null, but it is an object"
    );
    assert_eq!(
        message(&body(&format!(r#"{OK},"ecd-b""#))),
        r#"snap.json, desktop 2: the desktop must be a JSON object, but it is the string "ecd-b""#
    );
}

#[test]
fn long_and_multiline_values_are_shortened_and_kept_on_one_line() {
    let long = "x".repeat(100);
    let text = message(&body(&format!(
        r#"{{"DesktopId":"{long}","DesktopStatus":"Running"}},{{"DesktopId":"{long}","DesktopStatus":"Running"}}"#
    )));
    assert!(text.contains(&format!("\"{}…\"", "x".repeat(63))), "{text}");
    let text = fleet_from_json([("two\nlines.json", "[]")])
        .unwrap_err()
        .to_string();
    assert_eq!(
        text,
        r"two\nlines.json: the body must be a JSON object (a DescribeDesktops response), but it is an array"
    );
}

#[test]
fn streaming_reads_the_same_and_says_the_same() {
    let good = body(&format!(
        r#"{OK},{{"DesktopId":"b","DesktopStatus":"Stopped","EndUserIds":["A"]}}"#
    ));
    let mut reader = FleetReader::new();
    reader
        .read_page_from("s.json", good.as_bytes())
        .unwrap()
        .unwrap();
    let streamed = reader.finish();
    let whole = read(&good).unwrap();
    assert_eq!(
        streamed.iter().collect::<Vec<_>>(),
        whole.iter().collect::<Vec<_>>()
    );
    for bad in [
        "{\n  \"Desktops\": [\n    {\"DesktopId\": tru}\n  ]\n}\n".to_owned(),
        body(&format!(
            r#"{OK},{{"DesktopId":"ecd-x" "DesktopStatus":"Running"}}"#
        )),
        body(r#"{"DesktopId":"d","DesktopStatus":"Running","EndUserIds":["A","A"]}"#),
        r#"{"RequestId":"r",}"#.to_owned(),
    ] {
        let mut reader = FleetReader::new();
        let streamed = reader.read_page_from("snap.json", bad.as_bytes()).unwrap();
        assert_eq!(streamed.unwrap_err().to_string(), message(&bad), "{bad}");
    }
}

#[test]
fn problems_are_typed() {
    let error = read(&body(r#"{"DesktopId":"d"}"#)).unwrap_err();
    assert!(matches!(
        error,
        Error::Snapshot {
            desktop: Some(1),
            problem: SnapshotProblem::Missing {
                key: "DesktopStatus"
            },
            ..
        }
    ));
}

#[test]
fn streaming_names_the_same_byte_far_into_a_long_pretty_file() {
    let desktop = "    {\n      \"DesktopId\": \"ecd-N\",\n      \"DesktopStatus\": \"Running\",\n      \"Cpu\": 4\n    }";
    let mut desktops: Vec<String> = (0..20_000)
        .map(|i| desktop.replace('N', &i.to_string()))
        .collect();
    desktops[19_990] = desktops[19_990].replace("\"Cpu\": 4", "\"Cpu\": 4,");
    let page = format!("{{\n  \"Desktops\": [\n{}\n  ]\n}}\n", desktops.join(",\n"));
    assert!(page.len() > 1 << 20);
    let whole = message(&page);
    assert!(
        whole.starts_with("snap.json: malformed JSON at byte "),
        "{whole}"
    );
    assert!(
        whole.ends_with(", in desktop 19991: trailing comma"),
        "{whole}"
    );
    let mut reader = FleetReader::new();
    let streamed = reader.read_page_from("snap.json", page.as_bytes()).unwrap();
    assert_eq!(streamed.unwrap_err().to_string(), whole);
}

/// An empty last page (the pages ran out just as a `NextToken` was given) beside a page that
/// holds the whole listing is that listing's end, not a listing of its own with every
/// desktop missing; alone, it is one.
#[test]
fn an_empty_last_page_ends_a_whole_listing() {
    let full = page_of(2, 0, 2);
    let empty = page_of(2, 0, 0);
    let fleet = fleet_from_json([("p1.json", full.as_str()), ("p2.json", empty.as_str())]);
    assert_eq!(fleet.unwrap().len(), 2);
    assert_eq!(
        fleet_from_json([("p2.json", empty.as_str())])
            .unwrap_err()
            .to_string(),
        "p2.json gives TotalCount 2 but holds 0 desktops: 2 are missing (a page not given, or \
         the fleet changed while it was listed); give every page of one listing"
    );
}
