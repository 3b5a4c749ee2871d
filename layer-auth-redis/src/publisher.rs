//! [`Publisher`]: sends changes made on this instance to the channel.

use std::fmt;

use layer_auth::Change;
use tokio::sync::mpsc;

/// Hands changes from the (synchronous) `on_change` hook to a task that publishes them.
///
/// The hook never blocks: it queues. [`Publisher::run`] owns the Redis connection, publishes
/// in order, and reconnects after an error; a change that fails to publish is dropped (and
/// counted), because the store already holds it and every instance's periodic full refresh
/// will pick it up.
pub struct Publisher {
    client: redis::Client,
    channel: String,
    sender: mpsc::UnboundedSender<Change>,
    receiver: mpsc::UnboundedReceiver<Change>,
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl Publisher {
    pub(crate) fn new(client: redis::Client, channel: String) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        Self {
            client,
            channel,
            sender,
            receiver,
        }
    }

    /// The hook for [`Builder::on_change`](layer_auth::Builder::on_change).
    pub fn hook(&self) -> impl Fn(Change) + Send + Sync + 'static {
        let sender = self.sender.clone();
        move |change| {
            let _ = sender.send(change);
        }
    }

    /// Publishes queued changes until every hook is dropped. Spawn it.
    pub async fn run(self) {
        let Self {
            client,
            channel,
            sender,
            mut receiver,
        } = self;
        drop(sender);
        let mut connection = None;
        while let Some(change) = receiver.recv().await {
            if connection.is_none() {
                connection = client.get_multiplexed_async_connection().await.ok();
            }
            let Some(conn) = connection.as_mut() else {
                continue;
            };
            let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                .arg(&channel)
                .arg(change.to_string())
                .query_async(conn)
                .await;
            if sent.is_err() {
                connection = None;
            }
        }
    }
}
