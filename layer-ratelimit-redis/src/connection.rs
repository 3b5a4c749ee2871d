//! [`Connection`]: the one connection a limiter sends its script over, to a single Redis or
//! to a Redis Cluster.

use redis::{FromRedisValue, RedisResult, ScriptInvocation, aio::ConnectionManager};

/// Where the script runs.
///
/// Both are multiplexed and reconnect by themselves; clones share the connection.
#[derive(Clone)]
pub(crate) enum Connection {
    /// One server (a primary, or a proxy in front of a cluster).
    Single(ConnectionManager),
    /// A Redis Cluster: each call goes to the primary owning its keys' slot, following
    /// `MOVED` and `ASK` redirects. A bucket's keys share a hash tag, so one slot.
    #[cfg(feature = "cluster")]
    Cluster(cluster::LazyCluster),
}

impl Connection {
    /// Runs `invocation` (`EVALSHA`, loading the script on `NOSCRIPT`).
    pub(crate) async fn invoke<T: FromRedisValue>(
        &self,
        invocation: &ScriptInvocation<'_>,
    ) -> RedisResult<T> {
        match self {
            Self::Single(connection) => invocation.invoke_async(&mut connection.clone()).await,
            #[cfg(feature = "cluster")]
            Self::Cluster(cluster) => {
                invocation
                    .invoke_async(&mut cluster.connection().await?)
                    .await
            }
        }
    }
}

#[cfg(feature = "cluster")]
pub(crate) mod cluster {
    //! The cluster connection, made on first use.

    use std::sync::Arc;

    use redis::{RedisResult, cluster::ClusterClient, cluster_async::ClusterConnection};
    use tokio::sync::OnceCell;

    /// A cluster connection created on the first check (discovering the slots needs a round
    /// trip, and building a limiter must not); a failed attempt is retried by the next check.
    #[derive(Clone)]
    pub(crate) struct LazyCluster(Arc<(ClusterClient, OnceCell<ClusterConnection>)>);

    impl LazyCluster {
        pub(crate) fn new(client: ClusterClient) -> Self {
            Self(Arc::new((client, OnceCell::new())))
        }

        /// The connection, made now if this is the first successful call.
        pub(crate) async fn connection(&self) -> RedisResult<ClusterConnection> {
            let (client, connection) = &*self.0;
            connection
                .get_or_try_init(|| client.get_async_connection())
                .await
                .cloned()
        }
    }
}
