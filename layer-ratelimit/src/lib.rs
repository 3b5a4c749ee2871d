#![doc = include_str!("../README.md")]

mod backend;
mod bucket;
mod class;
mod clock;
mod daily;
mod decision;
mod error;
mod headers;
mod jobs;
mod key;
mod limiter;
mod quota;
mod rate_limited;
mod request;
mod table;
mod tier;
mod tier_table;

pub use backend::Backend;
pub use bucket::{Bucket, BucketOutcome};
pub use class::EndpointClass;
pub use clock::{Clock, FakeClock, Nanos, StdClock};
pub use daily::DailyStatus;
pub use decision::{BucketStatus, Decision, Denial};
pub use error::{Error, Result};
pub use headers::DAILY_POLICY;
pub use jobs::{JobPermit, JobSlots, JobsFull};
pub use key::BucketKey;
pub use limiter::{DefaultHashBuilder, KeyedLimiter, KeyedLimiterBuilder};
pub use quota::Quota;
pub use rate_limited::RateLimitedDetails;
pub use request::Request;
pub use tier::{CustomTier, Tier};
pub use tier_table::{ClassLimits, SharedTierTable, TierLimits, TierTable};
