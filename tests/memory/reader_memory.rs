//! The readers' memory, measured by a counting allocator: reading a CSV file or a JSON
//! request of many short IDs, then checking it, holds at most `wire::reading_bytes_for`, three
//! times the input; and a
//! reader (or the check) that cannot have its memory says so with
//! [`Error::OutOfMemory`], instead of aborting the process.
//!
//! The allocator counts every byte allocated in this test binary. A reallocation that
//! grows a block is counted as the old block and the new one held at once (it may copy);
//! one that shrinks is counted as done in place (glibc shrinks in place or remaps, never
//! copies). The tests take [`LOCK`] so that no other test of this binary allocates
//! meanwhile.

use eds_entitlement::{wire, CheckOptions, Error, Field, Request};

use crate::counting::*;

/// `n` distinct IDs as short as they come: `0` to `9`, `a` to `z`, `A` to `Z`, then two
/// characters of those, and so on (as a spreadsheet of short codes, the worst case for
/// memory per byte of input).
fn short_ids(n: usize) -> Vec<String> {
    const DIGITS: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..n)
        .map(|mut i| {
            let mut id = Vec::new();
            loop {
                id.push(DIGITS[i % 62]);
                i /= 62;
                if i == 0 {
                    break;
                }
                i -= 1;
            }
            String::from_utf8(id).expect("ASCII")
        })
        .collect()
}

fn csv_of(ids: &[String]) -> Vec<u8> {
    let mut csv = String::new();
    for id in ids {
        csv.push_str(id);
        csv.push('\n');
    }
    csv.into_bytes()
}

fn json_of(ids: &[String]) -> Vec<u8> {
    // Written into one buffer: a `format!` and a `String` per ID were a tenth of the
    // two-million-ID test's time.
    let mut json = String::from(r#"{"RegionId":"cn-hangzhou","DesktopId":["#);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('"');
        json.push_str(id);
        json.push('"');
    }
    json.push_str(r#"],"EndUserId":["u1"],"Preview":true}"#);
    json.into_bytes()
}

#[test]
fn short_ids_are_distinct_and_short() {
    // Its 300,000 IDs would count in the peak of any test measuring meanwhile.
    let _lock = lock();
    let ids = short_ids(300_000);
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
    let bytes: usize = ids.iter().map(String::len).sum();
    assert!(bytes < 4 * ids.len(), "{bytes} bytes");
}

#[test]
fn reading_and_checking_short_ids_holds_at_most_the_readers_figure() {
    let _lock = lock();
    let ids = short_ids(2_000_000);

    // CSV: the file is held while it is read and its repeats are looked for, as the
    // command line holds it; then the request is checked.
    let csv = csv_of(&ids);
    let len = csv.len();
    let (checked, peak) = peak_of(len, move || {
        let desktops = wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId).expect("read");
        drop(csv);
        Request::from_id_lists("cn-hangzhou", desktops, ["u1"].into_iter().collect())
            .check()
            .expect("valid")
    });
    assert_eq!(checked.desktop_ids().len(), ids.len());
    eprintln!("CSV: {:.3}x", peak as f64 / len as f64);
    assert!(
        peak as u64 <= wire::reading_bytes_for(len as u64),
        "CSV: {peak} bytes held for {len} bytes of input ({:.2}x)",
        peak as f64 / len as f64
    );
    drop(checked);

    let json = json_of(&ids);
    let len = json.len();
    let (checked, peak) = peak_of(len, move || {
        let request = wire::from_json(&json).expect("read");
        drop(json);
        request.check().expect("valid")
    });
    assert_eq!(checked.desktop_ids().len(), ids.len());
    eprintln!("JSON: {:.3}x", peak as f64 / len as f64);
    assert!(
        peak as u64 <= wire::reading_bytes_for(len as u64),
        "JSON: {peak} bytes held for {len} bytes of input ({:.2}x)",
        peak as f64 / len as f64
    );
}

#[test]
fn readers_that_cannot_have_their_memory_say_so() {
    let _lock = lock();
    let ids = short_ids(200_000);
    let csv = csv_of(&ids);
    let json = json_of(&ids);
    // The same IDs, each with an escape: read item by item, the list grows as it goes.
    let escaped: Vec<String> = ids.iter().map(|id| format!("{id}\\u0041")).collect();
    let escaped = json_of(&escaped);

    let e = limited(64 << 10, || {
        wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId)
    })
    .unwrap_err();
    assert!(matches!(e, Error::OutOfMemory { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "desktops.csv does not fit in memory: reading and checking its DesktopId list needs \
         more memory than can be had"
    );
    assert_eq!(e.field(), Some(Field::DesktopId));
    assert_eq!((e.position(), e.value()), (None, None));

    // Room to read the list, not to look for its repeats.
    let text = ids.iter().map(String::len).sum::<usize>();
    let e = limited(text + 4 * ids.len() + (8 << 10), || {
        wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId)
    })
    .unwrap_err();
    assert!(matches!(e, Error::OutOfMemory { .. }), "{e:?}");

    for json in [&json, &escaped] {
        let e = limited(64 << 10, || wire::from_json(json)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the request does not fit in memory: reading and checking its DesktopId list needs \
             more memory than can be had"
        );
        assert_eq!(e.field(), Some(Field::DesktopId));
    }

    // Read with room enough, checked without it.
    let request = wire::from_json(&json).expect("read");
    let e = limited(1 << 10, || request.check_ref(&CheckOptions::new())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the request does not fit in memory: reading and checking its DesktopId list needs \
         more memory than can be had"
    );
    assert_eq!(e.field(), Some(Field::DesktopId));

    // With the memory, the same inputs read and check.
    let desktops = wire::ids_from_csv(&csv, "desktops.csv", Field::DesktopId).expect("read");
    assert_eq!(desktops.len(), ids.len());
    assert!(request.check_ref(&CheckOptions::new()).is_ok());
    assert!(wire::from_json(&escaped).expect("read").check().is_ok());
}
