//! A deterministic corpus of realistic text (logs, code, JSON) with a few keys planted in it.

use layer_keys::{Env, KeyId, LegacyKey, PartnerKey};

const LINES: &[&str] = &[
    "2026-11-23T12:00:01.532Z INFO  request completed method=GET path=/v1/projects status=200 latency_ms=12 request_id=req_01HXZ9G7KMV2QX8Y1S5RJW3B7T",
    "2026-11-23T12:00:01.611Z WARN  upstream slow provider=openai model=gpt-4o latency_ms=2841 retry=1",
    "    let layer_norm = LayerNorm::new(hidden_size, eps);  // help_text: normalise before attention",
    "    def player_score(self, help_level: int) -> float: return self.lp_solve(help_level) * 0.5",
    "{\"id\":\"c2037bb9-354d-4662-96b7-97a28ad6b6e1\",\"name\":\"Production\",\"prefix\":\"lp_live_01HX9Y6K7EJ4T2AB\",\"lastUsedAt\":null}",
    "diff --git a/config/settings.yaml b/config/settings.yaml  index 3f1c2a9..8b7e4d1 100644",
    "-  timeout_seconds: 30\n+  timeout_seconds: 45\n   retries: 3   # see layer_ docs for the backoff policy",
    "The quick brown fox jumps over the lazy dog; sphinx of black quartz, judge my vow.",
    "SELECT id, key_id, env FROM api_keys WHERE organization_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC;",
    "export PATH=\"$HOME/.cargo/bin:$PATH\"  # lp_ prefixed tokens are scanned by the pre-commit hook",
];

/// About `len` bytes of text with `keys` partner keys and `keys` legacy keys spread through
/// it, deterministic for a given `len` and `keys`. Returns the text and the number of keys
/// planted.
#[must_use]
pub fn corpus(len: usize, keys: usize) -> (Vec<u8>, usize) {
    let mut text = Vec::with_capacity(len + 4096);
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let every = (len / (2 * keys.max(1))).max(1);
    let mut next_key_at = every;
    let mut planted = 0;
    while text.len() < len {
        // xorshift64: a fixed, fast, dependency-free line picker.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let index = usize::try_from(state % LINES.len() as u64).unwrap_or(0);
        text.extend_from_slice(LINES[index].as_bytes());
        text.push(b'\n');
        if planted < 2 * keys && text.len() >= next_key_at {
            let seed = u32::try_from(planted).unwrap_or(u32::MAX);
            if planted % 2 == 0 {
                let id = KeyId::from_time_and_random(1_700_000_000_000 + u64::from(seed), seed);
                let key = PartnerKey::from_random(Env::Live, id, &[seed as u8; 28]);
                text.extend_from_slice(b"LAYERS_API_KEY=");
                text.extend_from_slice(key.expose_secret().as_bytes());
            } else if let Ok(key) =
                format!("layer_{}", format!("{state:016x}").repeat(4)).parse::<LegacyKey>()
            {
                text.extend_from_slice(b"legacy: \"");
                text.extend_from_slice(key.expose_secret().as_bytes());
                text.push(b'"');
            }
            text.push(b'\n');
            planted += 1;
            next_key_at += every;
        }
    }
    (text, planted)
}
