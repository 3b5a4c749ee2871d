//! Reading a tier table from a flag or an environment variable.
//!
//! A server's tier table is configuration, so `partner-api` takes it as text:
//!
//! ```text
//! --tiers standard=120/60/20/5,bench=unlimited/60/20
//! ```
//!
//! Each entry is `NAME=READ/WRITE/LONG[/JOBS]`: the per-minute limits of the `read-light`,
//! `write-light` and `long-running` classes, then optionally the organization's concurrent-job
//! slots. `unlimited` lifts a limit. Tiers not mentioned keep SPEC 3.1's limits, and a
//! mentioned tier keeps its daily write cap.

use std::num::NonZeroU32;

use layer_ratelimit::{EndpointClass, Quota, Tier, TierTable};

/// Why a tier specification was refused. The message names the entry, never guesses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierSpecError(String);

impl std::fmt::Display for TierSpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TierSpecError {}

/// SPEC 3.1's table with every entry of `spec` (comma-separated, see the
/// [module](self) docs) applied on top. An empty `spec` is the default table.
///
/// # Errors
///
/// [`TierSpecError`] naming the first entry that does not parse.
pub fn parse_tier_table(spec: &str) -> Result<TierTable, TierSpecError> {
    let mut table = TierTable::new();
    for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (tier, limits) = parse_entry(entry, &table)?;
        table.set(tier, limits);
    }
    Ok(table)
}

fn parse_entry(
    entry: &str,
    table: &TierTable,
) -> Result<(Tier, layer_ratelimit::TierLimits), TierSpecError> {
    let bad = |why: &str| TierSpecError(format!("tier entry `{entry}`: {why}"));
    let (name, numbers) = entry
        .split_once('=')
        .ok_or_else(|| bad("expected NAME=READ/WRITE/LONG[/JOBS]"))?;
    let tier: Tier = name.trim().parse().map_err(|_| bad("invalid tier name"))?;
    let parts: Vec<&str> = numbers.split('/').map(str::trim).collect();
    if !(3..=4).contains(&parts.len()) {
        return Err(bad("expected three or four numbers separated by `/`"));
    }
    let mut limits = table.limits(&tier);
    let classes = [
        EndpointClass::ReadLight,
        EndpointClass::WriteLight,
        EndpointClass::LongRunning,
    ];
    for (class, part) in classes.into_iter().zip(&parts) {
        let quota = limit(part).map_err(bad)?.map(Quota::per_minute);
        limits = limits.with_quota(class, quota);
    }
    if let Some(jobs) = parts.get(3) {
        limits = limits.with_concurrent_jobs(limit(jobs).map_err(bad)?);
    }
    Ok((tier, limits))
}

/// `unlimited` is `None`; otherwise a positive whole number.
fn limit(text: &str) -> Result<Option<NonZeroU32>, &'static str> {
    if text == "unlimited" {
        return Ok(None);
    }
    text.parse::<NonZeroU32>()
        .map(Some)
        .map_err(|_| "each limit is a whole number from 1, or `unlimited`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(n: u32) -> Option<NonZeroU32> {
        NonZeroU32::new(n)
    }

    #[test]
    fn entries_replace_only_what_they_name() {
        let table = parse_tier_table("standard=5/6/7/2, bench=unlimited/60/20").unwrap();
        let standard = table.limits(&Tier::Standard);
        assert_eq!(
            standard.quota(EndpointClass::ReadLight),
            Some(Quota::per_minute(NonZeroU32::MIN.saturating_add(4)))
        );
        assert_eq!(standard.concurrent_jobs(), nz(2));
        assert_eq!(standard.daily_write_cap(), nz(10_000), "daily cap kept");
        let bench = table.get(&"bench".parse().unwrap()).unwrap();
        assert_eq!(bench.quota(EndpointClass::ReadLight), None);
        assert_eq!(
            table.limits(&Tier::Pilot),
            TierTable::new().limits(&Tier::Pilot)
        );
    }

    #[test]
    fn empty_is_the_spec_table() {
        assert_eq!(parse_tier_table("").unwrap(), TierTable::new());
    }

    #[test]
    fn bad_entries_are_named() {
        for spec in [
            "standard",
            "standard=1/2",
            "standard=1/2/3/4/5",
            "standard=0/2/3",
            "standard=a/2/3",
            "Not A Tier=1/2/3",
        ] {
            let error = parse_tier_table(spec).unwrap_err();
            assert!(error.to_string().contains(spec), "{error}");
        }
    }
}
