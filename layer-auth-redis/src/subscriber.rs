//! [`Subscription`]: applies changes from the channel to an authenticator.

use std::time::Duration;

use futures_util::StreamExt;
use layer_auth::{Authenticator, Change, KeyStore};
use layer_ratelimit::{Backend, BucketKey};
use tokio::{sync::watch, task::JoinHandle};

use crate::Error;

/// A running subscription; dropping it stops the task.
#[derive(Debug)]
pub struct Subscription {
    task: JoinHandle<()>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Subscription {
    pub(crate) async fn start<S, B>(
        client: redis::Client,
        channel: String,
        auth: Authenticator<S, B>,
        timeout: Duration,
    ) -> Result<Self, Error>
    where
        S: KeyStore,
        B: Backend<BucketKey> + 'static,
    {
        let (subscribed, mut ready) = watch::channel(false);
        let task = tokio::spawn(listen(client, channel, auth, subscribed));
        let subscription = Self { task };
        match tokio::time::timeout(timeout, ready.wait_for(|&ok| ok)).await {
            Ok(Ok(_)) => Ok(subscription),
            _ => Err(Error::SubscribeTimeout),
        }
    }
}

/// Subscribes, applies every message, and on any error waits and starts over. After each
/// (re)subscription it reloads the switches from the store, since messages published while
/// it was away are lost.
async fn listen<S, B>(
    client: redis::Client,
    channel: String,
    auth: Authenticator<S, B>,
    subscribed: watch::Sender<bool>,
) where
    S: KeyStore,
    B: Backend<BucketKey> + 'static,
{
    let mut backoff = Duration::from_millis(50);
    loop {
        if let Ok(mut pubsub) = client.get_async_pubsub().await
            && pubsub.subscribe(&channel).await.is_ok()
        {
            backoff = Duration::from_millis(50);
            let _ = subscribed.send(true);
            let _ = auth.refresh_switches().await;
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                // Payloads that are not changes (another program on the channel) are ignored.
                if let Some(change) = message
                    .get_payload::<String>()
                    .ok()
                    .and_then(|text| text.parse::<Change>().ok())
                {
                    auth.apply_change(change);
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}
