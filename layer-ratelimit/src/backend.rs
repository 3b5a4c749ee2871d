//! [`Backend`]: where bucket state lives, in process or in a shared store.

use core::future::{Future, ready};
use core::hash::{BuildHasher, Hash};
use std::convert::Infallible;

use crate::{Clock, Decision, KeyedLimiter, Request};

/// A store of bucket state that decides one request at a time.
///
/// The request carries its resolved limits, so a remote implementation can run the whole
/// check (daily cap, then bucket, consuming from both or neither) as one atomic script in one
/// round trip. For a shared store, time should come from the store itself, so that instances
/// with skewed clocks agree.
///
/// The in-process [`KeyedLimiter`] implements it with an already-completed future and
/// [`Infallible`] errors.
pub trait Backend<K>: Send + Sync {
    /// Why a check could not be made (a lost connection, a script error). Never a refusal:
    /// refusals are [`Decision`]s.
    type Error: core::error::Error + Send + Sync + 'static;

    /// Decides `request`.
    fn check(
        &self,
        request: Request<K>,
    ) -> impl Future<Output = Result<Decision, Self::Error>> + Send;
}

impl<K, C, S> Backend<K> for KeyedLimiter<K, C, S>
where
    K: Copy + Eq + Hash + Send + Sync,
    C: Clock,
    S: BuildHasher + Send + Sync,
{
    type Error = Infallible;

    fn check(
        &self,
        request: Request<K>,
    ) -> impl Future<Output = Result<Decision, Infallible>> + Send {
        ready(Ok(KeyedLimiter::check(self, &request)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BucketKey, ClassLimits, EndpointClass, FakeClock, Quota, Tier};
    use core::num::NonZeroU32;
    use core::pin::pin;
    use core::task::{Context, Poll, Waker};

    fn poll_once<F: Future>(f: F) -> Option<F::Output> {
        let mut f = pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(out) => Some(out),
            Poll::Pending => None,
        }
    }

    async fn twice<B: Backend<BucketKey>>(backend: &B, request: Request<BucketKey>) -> Vec<bool> {
        let mut out = Vec::new();
        for _ in 0..2 {
            let decision = backend.check(request.clone()).await;
            out.push(decision.is_ok_and(|d| d.is_allowed()));
        }
        out
    }

    #[test]
    fn in_process_backend_completes_immediately() {
        let limiter = KeyedLimiter::builder().clock(FakeClock::new()).build();
        let quota = Quota::per_minute(NonZeroU32::MIN);
        let request = Request::new(
            BucketKey::default(),
            EndpointClass::ReadLight,
            Tier::Standard,
            ClassLimits::quota(quota),
        );
        assert_eq!(poll_once(twice(&limiter, request)), Some(vec![true, false]));
    }
}
