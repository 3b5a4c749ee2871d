//! [`Limiter`]: the rate-limit backend chosen at start-up.

use layer_ratelimit::{Backend, BucketKey, Decision, KeyedLimiter, Request};
use layer_ratelimit_redis::RedisLimiter;

use super::BackendArgs;

/// Buckets in this process, or in Redis shared by every instance.
#[derive(Debug)]
pub enum Limiter {
    /// The in-process limiter: each instance counts alone.
    Local(KeyedLimiter),
    /// One bucket per key and class in Redis, whichever instance serves the request.
    Redis(Box<RedisLimiter>),
}

impl Limiter {
    /// The Redis limiter if `--redis-url` is set, with `--redis-prefix` and
    /// `--rate-limit-failure`; else the in-process one.
    ///
    /// # Errors
    ///
    /// An invalid Redis URL, or no Tokio runtime. Redis itself is not contacted yet: a check
    /// made while it is unreachable follows the failure policy.
    pub fn from_args(args: &BackendArgs) -> Result<Self, layer_ratelimit_redis::Error> {
        let Some(url) = &args.redis_url else {
            return Ok(Self::Local(KeyedLimiter::new()));
        };
        let client = redis::Client::open(url.as_str())?;
        Ok(Self::Redis(Box::new(
            RedisLimiter::builder(client)
                .prefix(args.redis_prefix.clone())
                .failure_policy(args.rate_limit_failure.policy())
                .build()?,
        )))
    }
}

impl Backend<BucketKey> for Limiter {
    type Error = layer_ratelimit_redis::Error;

    async fn check(&self, request: Request<BucketKey>) -> Result<Decision, Self::Error> {
        match self {
            Self::Local(limiter) => Ok(limiter.check(&request)),
            Self::Redis(limiter) => limiter.check(request).await,
        }
    }
}
