#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod change;
mod clock;
mod error;
mod id;
#[cfg(feature = "errors")]
mod into_api_error;
mod kill_switch;
mod level;
mod source;
mod switch_set;
mod verdict;

pub use change::{Change, Target};
pub use clock::{Clock, FakeClock, MonotonicClock};
pub use error::{Error, Result};
pub use id::{KeyRecordId, OrgId};
pub use kill_switch::{Builder, KillSwitch, RefreshTicket, Refreshed, StalePolicy};
pub use level::Level;
pub use source::SwitchSource;
pub use switch_set::SwitchSet;
pub use verdict::Verdict;
