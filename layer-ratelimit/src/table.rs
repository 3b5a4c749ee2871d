//! The bucket table: one shard's open-addressing hash table of packed entries.
//!
//! Each entry is a key, and one `u64` word: a 3-bit tag naming what the entry is (a bucket of
//! one endpoint class, or the key's daily counter) and a 61-bit value (the bucket's TAT in
//! nanoseconds, about 73 years of range, or a packed daily counter). A zero word is an empty
//! slot. For a 16-byte key an entry is 24 bytes, with no control bytes beside it.
//!
//! Linear probing from a position chosen by multiply-shift (so the capacity need not be a power
//! of two), at most 80 % full. Entries are never deleted one by one: idle entries (a full
//! bucket, a counter of a past day) are dropped in bulk when the table is rebuilt, which happens
//! when it would grow and when it is swept. A rebuild sizes the table at 1/1.625 full, so its
//! footprint stays between 24/0.8 = 30 and 24 × 1.625 = 39 bytes per live entry (plus the
//! minimum size of a non-empty shard).

use core::mem;

/// Tags 1 to 3 are the endpoint classes' buckets, tag 4 the daily counter; 0 marks an empty slot.
pub(crate) const DAILY_TAG: u8 = 4;
const TAG_SHIFT: u32 = 61;
/// The largest storable value.
pub(crate) const VALUE_MAX: u64 = (1 << TAG_SHIFT) - 1;

/// The smallest non-empty table.
const MIN_CAPACITY: usize = 8;

/// The tag of an endpoint class's bucket.
pub(crate) const fn bucket_tag(class_index: usize) -> u8 {
    class_index as u8 + 1
}

#[derive(Debug, Clone, Copy)]
struct Slot<K> {
    key: K,
    word: u64,
}

/// Where an entry lives, when it exists.
pub(crate) type Found = Option<usize>;

/// What makes an entry idle at a given moment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Idleness {
    /// Monotonic now, in nanoseconds.
    pub(crate) now: u64,
    /// Today's UTC day number.
    pub(crate) today: u32,
    /// Monotonic nanoseconds at which today ends.
    pub(crate) midnight: u64,
}

impl Idleness {
    fn is_idle(&self, tag: u8, value: u64) -> bool {
        if tag == DAILY_TAG {
            crate::daily::DailyCounter::unpack(value).day < self.today
        } else {
            value <= self.now
        }
    }

    /// The earliest monotonic instant at which this entry can become idle.
    fn idle_at(&self, tag: u8, value: u64) -> u64 {
        if tag == DAILY_TAG {
            self.midnight
        } else {
            value
        }
    }
}

/// The cap on live entries is reached and nothing is idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full {
    /// The earliest monotonic instant at which an entry can become idle.
    pub(crate) until: u64,
}

/// One shard's table.
#[derive(Debug)]
pub(crate) struct Table<K> {
    slots: Box<[Slot<K>]>,
    len: usize,
    max_len: usize,
    /// While `Idleness::now` is before this, a full table stays full: skip the scan.
    full_until: u64,
}

impl<K: Copy + Eq> Table<K> {
    /// An empty table that will hold at most `max_len` entries.
    pub(crate) fn new(max_len: usize) -> Self {
        Self {
            slots: Box::new([]),
            len: 0,
            max_len,
            full_until: 0,
        }
    }

    /// Live entries (including idle ones not yet swept).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Bytes of slot storage allocated.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.len() * mem::size_of::<Slot<K>>()
    }

    #[inline]
    fn home(hash: u64, tag: u8, capacity: usize) -> usize {
        let mixed = (hash ^ u64::from(tag).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_mul(0xD6E8_FEB8_6659_FD93);
        ((u128::from(mixed) * capacity as u128) >> 64) as usize
    }

    /// Finds the entry `(key, tag)`; `hash` is the key's hash.
    #[inline]
    pub(crate) fn find(&self, key: &K, tag: u8, hash: u64) -> Found {
        let home = Self::home(hash, tag, self.slots.len());
        let (head, tail) = self.slots.split_at_checked(home)?;
        // Probe from home to the end, then wrap to the start. At most 80 % full, so an empty
        // slot ends every probe.
        for (i, slot) in tail.iter().enumerate() {
            if slot.word >> TAG_SHIFT == u64::from(tag) && slot.key == *key {
                return Some(home + i);
            }
            if slot.word == 0 {
                return None;
            }
        }
        Self::find_wrapped(head, key, tag)
    }

    #[cold]
    fn find_wrapped(head: &[Slot<K>], key: &K, tag: u8) -> Found {
        for (i, slot) in head.iter().enumerate() {
            if slot.word >> TAG_SHIFT == u64::from(tag) && slot.key == *key {
                return Some(i);
            }
            if slot.word == 0 {
                return None;
            }
        }
        None
    }

    /// The value of the entry at `index` (from [`Table::find`]).
    #[inline]
    pub(crate) fn value(&self, index: usize) -> u64 {
        self.slots.get(index).map_or(0, |s| s.word & VALUE_MAX)
    }

    /// Overwrites the value of the entry at `index` (from [`Table::find`]).
    #[inline]
    pub(crate) fn set(&mut self, index: usize, value: u64) {
        if let Some(slot) = self.slots.get_mut(index) {
            slot.word = (slot.word & !VALUE_MAX) | value.min(VALUE_MAX);
        }
    }

    /// Inserts `(key, tag)`, known to be absent, after [`Table::reserve`] made room.
    /// Returns `false` (and changes nothing) if there was no room.
    pub(crate) fn insert(&mut self, key: K, tag: u8, hash: u64, value: u64) -> bool {
        let capacity = self.slots.len();
        if self.len + 1 >= capacity {
            return false;
        }
        let word = (u64::from(tag) << TAG_SHIFT) | value.min(VALUE_MAX);
        let mut i = Self::home(hash, tag, capacity);
        loop {
            let Some(slot) = self.slots.get_mut(i) else {
                return false;
            };
            if slot.word == 0 {
                *slot = Slot { key, word };
                self.len += 1;
                return true;
            }
            i += 1;
            if i == capacity {
                i = 0;
            }
        }
    }

    /// Makes room for `additional` new entries, dropping idle ones and growing if needed.
    /// Returns whether the table was rebuilt (which moves entries, so found indices are stale).
    ///
    /// # Errors
    ///
    /// [`Full`] when the entry cap leaves no room even without idle entries.
    pub(crate) fn reserve(
        &mut self,
        additional: usize,
        idle: &Idleness,
        filler: K,
        hash: impl Fn(&K) -> u64,
    ) -> Result<bool, Full> {
        let grow_at = self.slots.len() / 5 * 4;
        let wanted = self.len + additional;
        if wanted <= grow_at && wanted <= self.max_len {
            return Ok(false);
        }
        if idle.now < self.full_until {
            return Err(Full {
                until: self.full_until,
            });
        }
        let kept = self.live(idle);
        if kept + additional > self.max_len {
            let until = self
                .slots
                .iter()
                .filter(|s| s.word != 0)
                .map(|s| idle.idle_at((s.word >> TAG_SHIFT) as u8, s.word & VALUE_MAX))
                .min()
                .unwrap_or(idle.now)
                .max(idle.now.saturating_add(1));
            self.full_until = until;
            return Err(Full { until });
        }
        self.rebuild(kept + additional, idle, filler, hash);
        Ok(true)
    }

    /// Drops idle entries and shrinks to fit the rest. Returns how many were dropped.
    pub(crate) fn sweep(&mut self, idle: &Idleness, hash: impl Fn(&K) -> u64) -> usize {
        self.full_until = 0;
        let kept = self.live(idle);
        let dropped = self.len - kept;
        if dropped == 0 {
            return 0;
        }
        match self.slots.first() {
            Some(first) if kept > 0 => {
                let filler = first.key;
                self.rebuild(kept, idle, filler, hash);
            }
            _ => {
                self.slots = Box::new([]);
                self.len = 0;
            }
        }
        dropped
    }

    fn live(&self, idle: &Idleness) -> usize {
        self.slots
            .iter()
            .filter(|s| {
                s.word != 0 && !idle.is_idle((s.word >> TAG_SHIFT) as u8, s.word & VALUE_MAX)
            })
            .count()
    }

    /// Rehashes the live entries into a table sized for `target` entries at 1/1.625 load.
    fn rebuild(&mut self, target: usize, idle: &Idleness, filler: K, hash: impl Fn(&K) -> u64) {
        let capacity = target.saturating_mul(13).div_ceil(8).max(MIN_CAPACITY);
        let empty = Slot {
            key: filler,
            word: 0,
        };
        let old = mem::replace(&mut self.slots, vec![empty; capacity].into_boxed_slice());
        self.len = 0;
        for slot in old.iter().filter(|s| s.word != 0) {
            let tag = (slot.word >> TAG_SHIFT) as u8;
            let value = slot.word & VALUE_MAX;
            if !idle.is_idle(tag, value) {
                self.insert(slot.key, tag, hash(&slot.key), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(k: &u64) -> u64 {
        k.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn at(now: u64) -> Idleness {
        Idleness {
            now,
            today: 0,
            midnight: u64::MAX,
        }
    }

    fn put(t: &mut Table<u64>, key: u64, tag: u8, value: u64, now: u64) -> Result<(), Full> {
        t.reserve(1, &at(now), key, hash)?;
        assert!(t.insert(key, tag, hash(&key), value));
        Ok(())
    }

    #[test]
    fn entries_are_found_by_key_and_tag() {
        let mut t = Table::new(usize::MAX);
        for k in 0..1_000 {
            put(&mut t, k, 1, k + 10, 0).unwrap();
            put(&mut t, k, DAILY_TAG, k + 20, 0).unwrap();
        }
        assert_eq!(t.len(), 2_000);
        for k in 0..1_000 {
            let i = t.find(&k, 1, hash(&k)).unwrap();
            assert_eq!(t.value(i), k + 10);
            let j = t.find(&k, DAILY_TAG, hash(&k)).unwrap();
            assert_eq!(t.value(j), k + 20);
            assert_eq!(t.find(&k, 2, hash(&k)), None);
        }
        assert_eq!(t.find(&5_000, 1, hash(&5_000)), None);
    }

    #[test]
    fn values_saturate_and_keep_their_tag() {
        let mut t = Table::new(10);
        put(&mut t, 7, 3, u64::MAX, 0).unwrap();
        let i = t.find(&7, 3, hash(&7)).unwrap();
        assert_eq!(t.value(i), VALUE_MAX);
        t.set(i, 5);
        assert_eq!(t.find(&7, 3, hash(&7)), Some(i));
        assert_eq!(t.value(i), 5);
    }

    #[test]
    fn sweep_drops_idle_entries_and_shrinks() {
        let mut t = Table::new(usize::MAX);
        for k in 0..10_000 {
            put(&mut t, k, 1, if k < 10 { 1_000 } else { 50 }, 0).unwrap();
        }
        let big = t.heap_bytes();
        assert_eq!(t.sweep(&at(100), hash), 9_990);
        assert_eq!(t.len(), 10);
        assert!(t.heap_bytes() < big / 100);
        for k in 0..10 {
            assert!(t.find(&k, 1, hash(&k)).is_some());
        }
        assert_eq!(t.sweep(&at(1_000), hash), 10);
        assert_eq!(t.heap_bytes(), 0);
    }

    #[test]
    fn footprint_stays_within_bounds_while_growing() {
        let mut t = Table::new(usize::MAX);
        for k in 0..100_000u64 {
            put(&mut t, k, 1, 1, 0).unwrap();
            if k > 1_000 {
                let slot = mem::size_of::<Slot<u64>>();
                // Right after a rebuild for one more entry: 1.625 slots per entry, rounded up.
                let most = slot * (t.len() + 1).saturating_mul(13).div_ceil(8);
                assert!(t.heap_bytes() <= most, "{} > {most}", t.heap_bytes());
                // Never fuller than 80 %.
                assert!(t.heap_bytes() * 4 >= slot * t.len() * 5);
            }
        }
    }

    #[test]
    fn cap_is_enforced_until_an_entry_can_go_idle() {
        let mut t = Table::new(3);
        for k in 0..3 {
            put(&mut t, k, 1, 100 + k, 0).unwrap();
        }
        assert_eq!(put(&mut t, 9, 1, 5, 0), Err(Full { until: 100 }));
        // Remembered: no rescan before then.
        assert_eq!(put(&mut t, 9, 1, 5, 50), Err(Full { until: 100 }));
        // At 100 key 0's bucket is full again, so it is dropped to make room.
        put(&mut t, 9, 1, 5, 100).unwrap();
        assert_eq!(t.find(&0, 1, hash(&0)), None);
        assert_eq!(t.len(), 3);
    }
}
