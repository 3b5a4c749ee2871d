//! The stores as the kill-switch view's source of truth.

use layer_killswitch::{SwitchSet, SwitchSource, Target};

use crate::{KeyRecordId, KeyStore, OrgId, store::StoreResult};

impl From<OrgId> for layer_killswitch::OrgId {
    fn from(id: OrgId) -> Self {
        Self::from_uuid(id.as_uuid())
    }
}

impl From<KeyRecordId> for layer_killswitch::KeyRecordId {
    fn from(id: KeyRecordId) -> Self {
        Self::from_uuid(id.as_uuid())
    }
}

/// Reads every switch from `store` into a [`SwitchSet`].
pub(crate) async fn load_switch_set<S: KeyStore>(store: &S) -> StoreResult<SwitchSet> {
    let state = store.switch_state().await?;
    let mut set = SwitchSet::with_capacity(state.revoked_orgs.len(), state.killed_keys.len());
    if state.global {
        set.kill(Target::Global);
    }
    for org in state.revoked_orgs {
        set.kill(Target::Org(org.into()));
    }
    for key in state.killed_keys {
        set.kill(Target::Key(key.into()));
    }
    Ok(set)
}

/// A [`KeyStore`] seen as a kill-switch [`SwitchSource`]: what
/// [`Authenticator::refresh_switches`](crate::Authenticator::refresh_switches) loads from.
#[derive(Debug)]
pub struct StoreSwitches<'a, S>(pub &'a S);

impl<S: KeyStore> SwitchSource for StoreSwitches<'_, S> {
    async fn load(&self) -> layer_killswitch::Result<SwitchSet> {
        load_switch_set(self.0)
            .await
            .map_err(layer_killswitch::Error::load)
    }
}
