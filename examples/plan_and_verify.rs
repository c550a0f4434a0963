//! Plan a request as a service would: read it, check it, plan it, verify the plan, write the
//! API's response body, then read that body back and verify the plan it describes.
//!
//! ```sh
//! cargo run --example plan_and_verify                      # examples/request.json
//! cargo run --example plan_and_verify -- request.json      # any request in JSON
//! ```
//!
//! Needs the `serde` feature (a default) for the JSON.

use std::error::Error;
use std::{env, fs};

use eds_entitlement::{plan, verify, wire, Plan, Response};

fn main() -> Result<(), Box<dyn Error>> {
    let path = env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/examples/request.json").into());
    let bytes = fs::read(&path).map_err(|e| format!("{path}: {e}"))?;

    // Bad input is an `Error` whose message names the parameter, the value and the position.
    let request = wire::from_json(&bytes)?.check()?;
    let ours = plan(&request);
    verify(&request, &ours)?;
    println!(
        "{} desktops, {} users: {} assignments",
        request.desktop_ids().len(),
        request.end_user_ids().len(),
        ours.assignments()
    );
    for (desktop, users) in ours.by_id(&request) {
        let users: Vec<&str> = users.collect();
        println!("  {desktop}: {users:?}");
    }

    // The API's response body, byte for byte what `eds-entitlement preview` prints.
    let body = wire::to_json_string(&Response::new(&request, &ours));
    println!("{body}");

    // Read back: a response body (this crate's, the live API's, another tool's) becomes a
    // plan of the request again, which `verify` checks without trusting who made it.
    let read_back = wire::plan_from_json(body.as_bytes())?;
    let theirs = Plan::from_ids(
        &request,
        read_back.desktops().iter().map(|d| {
            (
                d.desktop_id.as_str(),
                d.end_user_ids.iter().map(String::as_str),
            )
        }),
    )?;
    verify(&request, &theirs)?;
    assert_eq!(theirs, ours, "the body read back is the plan written");
    println!("read back: the same plan, and it meets the seven guarantees");
    Ok(())
}
