//! A capacity sweep: for a fixed number of users and limits, how many desktops does the
//! fleet need, and what does each size give? Every figure is computed in `O(1)`, without IDs
//! (the contract, §5), so a sweep over thousands of sizes is instant.
//!
//! ```sh
//! cargo run --example capacity_sweep
//! ```
//!
//! Needs no feature: `capacity` is part of the `no_std` core.

use eds_entitlement::{capacity, Limit, Shape, Strategy};

fn main() {
    let users = 1_200;
    let k = Limit::new(2).expect("a limit within 0..=500");
    let m = Limit::new(3).expect("a limit within 0..=500");
    println!("{users} users, MaxUserPerDesktop {k}, MaxDesktopPerUser {m}");
    println!(
        "{:>8} {:>9} {:>11} {:>10} {:>9} {:>9}  bound by",
        "desktops", "strategy", "assignments", "full", "partial", "unserved"
    );
    for desktops in (200..=2_000).step_by(200) {
        for strategy in [Strategy::Average, Strategy::Central] {
            let shape = Shape::new(desktops, users, k, m, strategy);
            let figures = capacity(&shape);
            println!(
                "{desktops:>8} {:>9} {:>11} {:>10} {:>9} {:>9}  {}",
                strategy.as_str(),
                figures.assignments,
                figures.users_full,
                figures.users_partial,
                figures.users_unserved,
                shape.binding(),
            );
        }
    }
    // `desktops_needed` depends on the users and the limits only, not on the desktops.
    let needed = capacity(&Shape::new(1, users, k, m, Strategy::Average)).desktops_needed;
    println!("desktops needed for every user to get {m}: {needed}");
    let enough = Shape::new(needed as u32, users, k, m, Strategy::Central);
    assert_eq!(capacity(&enough).users_full, u64::from(users));
}
