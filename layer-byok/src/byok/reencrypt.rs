//! Moving every record onto the vault's newest master key, so older ones can be dropped.

use std::collections::HashSet;

use super::{Byok, ByokResult};
use crate::{ByokKeyId, ByokStore, ByokStoreError};

/// What [`Byok::reencrypt`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reencrypted {
    /// Records moved onto the newest master key.
    pub moved: u64,
    /// Records skipped because they changed meanwhile: re-sealed by a concurrent re-encrypt
    /// (`Stale`), or replaced or purged (`NotFound`). Neither is left behind.
    pub skipped: u64,
    /// Records that did not open (altered, or not a key any more), left under their old
    /// version: while any is listed, that version cannot be dropped without losing them.
    pub unreadable: Vec<ByokKeyId>,
}

impl Reencrypted {
    /// Whether every record that was under an older version now is under the newest, so the
    /// older versions can be dropped from the keyring.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.unreadable.is_empty()
    }
}

impl<S: ByokStore> Byok<S> {
    /// Re-seals every record (deleted ones too, until purged) that is under an older master
    /// key than the vault's newest, `batch` records per store query.
    ///
    /// The rotation procedure: add the new master key to the keyring (every version keeps
    /// opening, new seals use the newest), restart with it, run this until
    /// [`Reencrypted::is_complete`], then drop the old version from the keyring.
    ///
    /// Safe to run while the application serves and while another re-encrypt runs: each
    /// re-seal is a compare-and-set on the version read, so nothing is overwritten. Records
    /// under a version the vault does not hold are not seen: keep a version in the keyring
    /// until the re-encrypt that moves its records is done.
    ///
    /// # Errors
    /// [`ByokError::Store`](super::ByokError::Store) for a failing store (what was moved
    /// before stays moved; run it again); [`ByokError::Vault`](super::ByokError::Vault) if
    /// sealing fails.
    pub async fn reencrypt(&self, batch: usize) -> ByokResult<Reencrypted> {
        let batch = batch.max(1);
        let current = self.vault.current_version();
        let old: Vec<_> = self.vault.versions().filter(|&v| v != current).collect();
        let mut report = Reencrypted::default();
        for version in old {
            let mut unreadable = HashSet::new();
            loop {
                // Records that did not open stay under `version` and come first again: ask
                // for enough to see past them.
                let records = self
                    .store
                    .sealed_with(version, batch + unreadable.len())
                    .await?;
                let todo: Vec<_> = records
                    .into_iter()
                    .filter(|r| !unreadable.contains(&r.id))
                    .collect();
                if todo.is_empty() {
                    break;
                }
                for record in todo {
                    let (org, provider) = (record.organization_id, record.provider);
                    let key = match self.vault.open(org, provider, &record.sealed) {
                        Ok(key) => key,
                        Err(reason) => {
                            self.unreadable(&record, reason);
                            unreadable.insert(record.id);
                            continue;
                        }
                    };
                    let sealed = self.vault.seal(org, &key)?;
                    drop(key);
                    match self
                        .store
                        .reseal(record.id, version, sealed, self.now())
                        .await
                    {
                        Ok(_) => report.moved += 1,
                        Err(ByokStoreError::Stale { .. } | ByokStoreError::NotFound(_)) => {
                            report.skipped += 1;
                        }
                        Err(error) => return Err(error.into()),
                    }
                }
            }
            report.unreadable.extend(unreadable);
        }
        tracing::info!(
            to = %current, moved = report.moved, skipped = report.skipped,
            unreadable = report.unreadable.len(), "byok keys re-encrypted"
        );
        Ok(report)
    }
}
