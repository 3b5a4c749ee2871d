//! Where an instance's view comes from.

use std::future::Future;

use crate::{Result, SwitchSet};

/// A store of kill switches (SQLite or PostgreSQL tables, a Redis hash, …) that an instance
/// refreshes its view from with [`KillSwitch::refresh`](crate::KillSwitch::refresh).
///
/// `load` returns the full state: every killed organization and key and the global switch.
/// The trait stays runtime-agnostic: implement it with `async fn` on any runtime (the returned
/// future must be `Send`).
///
/// Incremental updates (for example Redis pub/sub) need no trait of their own: a subscriber
/// calls [`KillSwitch::apply`](crate::KillSwitch::apply) with each [`Change`](crate::Change)
/// as it arrives, and full loads keep bounding staleness.
///
/// ```
/// use layer_killswitch::{Error, SwitchSet, SwitchSource, Target};
///
/// /// A store that is always unreachable, as a stand-in for a real one.
/// struct Unreachable;
///
/// impl SwitchSource for Unreachable {
///     async fn load(&self) -> Result<SwitchSet, Error> {
///         Err(Error::load("connection refused"))
///     }
/// }
/// ```
pub trait SwitchSource: Send + Sync {
    /// Loads the full state of every switch.
    ///
    /// # Errors
    ///
    /// [`Error::Load`](crate::Error::Load) with the cause when the store cannot answer.
    fn load(&self) -> impl Future<Output = Result<SwitchSet>> + Send;
}

impl<S: SwitchSource> SwitchSource for &S {
    fn load(&self) -> impl Future<Output = Result<SwitchSet>> + Send {
        (**self).load()
    }
}

impl<S: SwitchSource> SwitchSource for std::sync::Arc<S> {
    fn load(&self) -> impl Future<Output = Result<SwitchSet>> + Send {
        (**self).load()
    }
}
