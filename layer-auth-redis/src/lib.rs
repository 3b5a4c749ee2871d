#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod publisher;
mod subscriber;

pub use publisher::Publisher;
pub use subscriber::Subscription;

use layer_auth::{Authenticator, KeyStore};
use layer_ratelimit::{Backend, BucketKey};

/// Why propagation could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Redis URL is invalid.
    #[error("invalid Redis URL: {0}")]
    Url(#[source] redis::RedisError),
    /// The first subscription did not succeed within the given time.
    #[error("could not subscribe to Redis within the startup timeout")]
    SubscribeTimeout,
}

/// Kill switches and revocations over one Redis pub/sub channel.
///
/// Every instance installs [`RedisPropagation::publisher`]'s hook with
/// [`Builder::on_change`](layer_auth::Builder::on_change) and runs
/// [`RedisPropagation::subscribe`]. A change made on one instance is written to the store of
/// record, applied locally, published, and applied by every subscriber on its next request.
/// An instance also receives its own changes; applying them twice is harmless.
#[derive(Debug, Clone)]
pub struct RedisPropagation {
    client: redis::Client,
    channel: String,
}

impl RedisPropagation {
    /// Propagation through `channel` on the Redis at `url`. Connects lazily.
    ///
    /// # Errors
    ///
    /// [`Error::Url`] if `url` is not a Redis URL.
    pub fn new(url: &str, channel: impl Into<String>) -> Result<Self, Error> {
        Ok(Self {
            client: redis::Client::open(url).map_err(Error::Url)?,
            channel: channel.into(),
        })
    }

    /// The channel name.
    #[must_use]
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// A publisher: its [`Publisher::hook`] goes into `Builder::on_change`, and its task must
    /// be spawned (it owns the connection and sends queued changes in order).
    #[must_use]
    pub fn publisher(&self) -> Publisher {
        Publisher::new(self.client.clone(), self.channel.clone())
    }

    /// Subscribes `auth` to the channel on a spawned task and waits (at most `timeout`) for
    /// the first subscription, so no change published afterwards is missed.
    ///
    /// # Errors
    ///
    /// [`Error::SubscribeTimeout`] if Redis could not be subscribed to in time; the task is
    /// stopped, so nothing is left running.
    pub async fn subscribe<S, B>(
        &self,
        auth: Authenticator<S, B>,
        timeout: std::time::Duration,
    ) -> Result<Subscription, Error>
    where
        S: KeyStore,
        B: Backend<BucketKey> + 'static,
    {
        Subscription::start(self.client.clone(), self.channel.clone(), auth, timeout).await
    }
}
