//! [`KeyLayout`]: the Redis key names of a bucket and of a daily counter.

use layer_ratelimit::{BucketKey, EndpointClass};

/// How bucket state is named in Redis: `<prefix>{<32 hex digits of the key>}:<class>` for a
/// bucket and `<prefix>{<32 hex digits>}:daily` for the daily `write-light` counter.
///
/// The braces are a Redis Cluster hash tag: all of a key's buckets and its counter hash to
/// the same slot, so one script may touch them together.
///
/// ```
/// use layer_ratelimit::{BucketKey, EndpointClass};
/// use layer_ratelimit_redis::KeyLayout;
///
/// let layout = KeyLayout::new("rl:");
/// let key = BucketKey::new([0xab; 16]);
/// let hex = "ab".repeat(16);
/// assert_eq!(layout.bucket(&key, EndpointClass::WriteLight), format!("rl:{{{hex}}}:write-light"));
/// assert_eq!(layout.daily(&key), format!("rl:{{{hex}}}:daily"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyLayout {
    prefix: String,
}

impl KeyLayout {
    /// The default prefix.
    pub const DEFAULT_PREFIX: &'static str = "layer-ratelimit:";

    /// Keys starting with `prefix`.
    #[must_use]
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    /// The prefix.
    #[must_use]
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The key of `key`'s bucket for `class`.
    #[must_use]
    pub fn bucket(&self, key: &BucketKey, class: EndpointClass) -> String {
        let mut out = self.tagged(key);
        out.push(':');
        out.push_str(class.as_str());
        out
    }

    /// The key of `key`'s daily `write-light` counter.
    #[must_use]
    pub fn daily(&self, key: &BucketKey) -> String {
        let mut out = self.tagged(key);
        out.push_str(":daily");
        out
    }

    fn tagged(&self, key: &BucketKey) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(self.prefix.len() + 48);
        out.push_str(&self.prefix);
        out.push('{');
        for b in key.as_bytes() {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        out.push('}');
        out
    }
}

impl Default for KeyLayout {
    fn default() -> Self {
        Self::new(Self::DEFAULT_PREFIX)
    }
}
