//! Duplicate and empty IDs are reported where a reader scanning the list would first see
//! them, whatever the hashing inside: the checker against an obvious quadratic reference.

use eds_entitlement::{Error, Field, Request};
use proptest::prelude::*;

/// The first problem in list order: an empty ID, or an ID that repeats an earlier one.
fn naive(field: Field, ids: &[String]) -> Option<Error> {
    ids.iter().enumerate().find_map(|(second, id)| {
        if id.is_empty() {
            return Some(Error::EmptyId {
                field,
                position: second + 1,
            });
        }
        let first = ids[..second].iter().position(|earlier| earlier == id)?;
        Some(Error::DuplicateId {
            field,
            value: id.clone(),
            first: first + 1,
            second: second + 1,
        })
    })
}

/// IDs from a small alphabet, so that repeats and empty IDs are common; lists long enough
/// to span many of the checker's buckets.
fn ids(max: usize) -> impl Strategy<Value = Vec<String>> {
    // One ID in 32 from 16 short ones ("" among them), so that the first problem lies
    // hundreds of IDs in; the others almost surely distinct.
    prop::collection::vec(any::<u32>(), 1..max).prop_map(|picks| {
        picks
            .into_iter()
            .map(|p| match p % 32 {
                0 => [
                    "", "a", "b", "ab", "ba", "aa", "bb", "aab", "aba", "abb", "baa", "bab", "bba",
                    "bbb", "aaa", "é",
                ][(p as usize / 32) % 16]
                    .to_owned(),
                _ => format!("id{p:x}"),
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn the_first_problem_in_list_order_is_reported(desktops in ids(1500), users in ids(1500)) {
        let expected = naive(Field::DesktopId, &desktops).or_else(|| naive(Field::EndUserId, &users));
        let got = Request::new("cn-hangzhou", &desktops, &users).check().err();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn distinct_ids_pass(n in 1..5000usize, salt in any::<u32>()) {
        let ids: Vec<String> = (0..n).map(|i| format!("ecd-{salt:x}-{i}")).collect();
        prop_assert!(Request::new("cn-hangzhou", &ids, &ids).check().is_ok());
    }
}

#[test]
fn a_late_repeat_in_a_long_list_names_both_positions() {
    let mut users: Vec<String> = (0..1_000_000).map(|j| format!("user{j:07}")).collect();
    users[999_999] = "user0000042".to_owned();
    users[700_000] = String::new();
    users[654_321] = "user0654320".to_owned();
    let error = Request::new("cn-hangzhou", ["d1"], &users)
        .check()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "parameter 'EndUserId' item 654322 is \"user0654320\", which repeats item 654321: IDs \
         must be unique"
    );
}

#[test]
fn two_long_lists_report_the_desktops_first() {
    // Both lists long enough to be checked on two threads.
    let n = 100_000;
    let mut desktops: Vec<String> = (0..n).map(|i| format!("ecd-{i}")).collect();
    let mut users: Vec<String> = (0..n).map(|j| format!("user{j}")).collect();
    users[5] = String::new();
    desktops[n - 1] = "ecd-17".to_owned();
    let both = Request::new("cn-hangzhou", &desktops, &users)
        .check()
        .unwrap_err();
    assert_eq!(
        both,
        Error::DuplicateId {
            field: Field::DesktopId,
            value: "ecd-17".to_owned(),
            first: 18,
            second: n,
        }
    );
    desktops[n - 1] = "ecd-last".to_owned();
    let users_only = Request::new("cn-hangzhou", &desktops, &users)
        .check()
        .unwrap_err();
    assert_eq!(
        users_only.to_string(),
        "parameter 'EndUserId' item 6 is an empty string, but IDs must not be empty"
    );
    users[5] = "user-five".to_owned();
    assert!(Request::new("cn-hangzhou", &desktops, &users)
        .check()
        .is_ok());
}
