//! Sealing and opening a provider key through the vault, next to the raw `aes-gcm` calls of the
//! same plaintext length and associated-data length.
//!
//! The raw baseline draws its nonce from the same CSPRNG (`getrandom::fill`) for every encryption,
//! as the vault does, so the comparison measures only what the vault adds: building the
//! associated data and the `Sealed` record on seal; on open the associated data, the UTF-8 and
//! shape re-parse into a `ProviderKey`, and (on the "then drop" lines) the zeroizing of the
//! returned key when it is dropped, which the raw `Vec` does not do.

use std::hint::black_box;

use aes_gcm::{
    Aes256Gcm, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use criterion::{BenchmarkId, Criterion, Throughput};
use layer_byok::{
    MasterKey, MasterKeyVersion, MasterKeys, NONCE_LEN, OrgId, Provider, ProviderKey, Vault,
};

/// An OpenAI project key of the usual length: `sk-proj-` and 156 characters, 164 bytes.
fn provider_key() -> ProviderKey {
    let body: String = (0..156)
        .map(|i| {
            char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[i % 62])
        })
        .collect();
    ProviderKey::parse(Provider::OpenAi, &format!("sk-proj-{body}")).expect("a valid key")
}

pub fn bench(c: &mut Criterion) {
    let master = [0x42; 32];
    let keys = MasterKeys::new([
        (MasterKeyVersion::new(1), MasterKey::from_bytes([0x41; 32])),
        (MasterKeyVersion::new(2), MasterKey::from_bytes(master)),
    ])
    .expect("two distinct versions");
    let vault = Vault::new(&keys);
    let org = OrgId::from_uuid(uuid::Uuid::from_bytes([7; 16]));
    let key = provider_key();
    let sealed = vault.seal(org, &key).expect("seal");

    let raw = Aes256Gcm::new((&master).into());
    // Same length as the vault's associated data (label 13 + org 16 + provider 1 + version 4).
    let aad = [0x5a_u8; 34];
    let plaintext = key.expose_secret().as_bytes();
    let raw_nonce = [9_u8; NONCE_LEN];
    let raw_ciphertext = raw
        .encrypt(
            Nonce::from_slice(&raw_nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .expect("encrypt");

    let mut group = c.benchmark_group("byok_seal");
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        BenchmarkId::new("layer-byok", "Vault::seal (164 B key)"),
        |b| b.iter(|| black_box(vault.seal(black_box(org), black_box(&key)).expect("seal"))),
    );
    group.bench_function(
        BenchmarkId::new("aes-gcm", "getrandom nonce + encrypt (164 B, 34 B aad)"),
        |b| {
            b.iter(|| {
                let mut nonce = [0_u8; NONCE_LEN];
                getrandom::fill(&mut nonce).expect("OS randomness");
                let payload = Payload {
                    msg: black_box(plaintext),
                    aad: &aad,
                };
                black_box(
                    raw.encrypt(Nonce::from_slice(&nonce), payload)
                        .expect("encrypt"),
                )
            })
        },
    );
    group.finish();

    // The first two lines drop the opened key outside the timing (`iter_with_large_drop`): a
    // `ProviderKey` zeroizes its buffer when the caller drops it, a cost of holding a secret
    // rather than of opening it. The "then drop" lines include it, and the re-parse line shows
    // what `ProviderKey::parse` and its drop cost alone.
    let mut group = c.benchmark_group("byok_open");
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        BenchmarkId::new("layer-byok", "Vault::open (164 B key)"),
        |b| {
            b.iter_with_large_drop(|| {
                vault
                    .open(black_box(org), Provider::OpenAi, black_box(&sealed))
                    .expect("open")
            })
        },
    );
    group.bench_function(
        BenchmarkId::new("aes-gcm", "decrypt (164 B, 34 B aad)"),
        |b| {
            b.iter_with_large_drop(|| {
                let payload = Payload {
                    msg: black_box(&raw_ciphertext[..]),
                    aad: &aad,
                };
                raw.decrypt(Nonce::from_slice(&raw_nonce), payload)
                    .expect("decrypt")
            })
        },
    );
    group.bench_function(BenchmarkId::new("aes-gcm", "decrypt then drop"), |b| {
        b.iter(|| {
            let payload = Payload {
                msg: black_box(&raw_ciphertext[..]),
                aad: &aad,
            };
            drop(
                raw.decrypt(Nonce::from_slice(&raw_nonce), payload)
                    .expect("decrypt"),
            )
        })
    });
    group.bench_function(
        BenchmarkId::new(
            "layer-byok",
            "ProviderKey::parse then drop (the re-parse alone)",
        ),
        |b| {
            b.iter(|| {
                drop(
                    ProviderKey::parse(Provider::OpenAi, black_box(key.expose_secret()))
                        .expect("valid"),
                )
            })
        },
    );
    group.bench_function(
        BenchmarkId::new("layer-byok", "Vault::open then drop (zeroize) the key"),
        |b| {
            b.iter(|| {
                drop(
                    vault
                        .open(black_box(org), Provider::OpenAi, black_box(&sealed))
                        .expect("open"),
                )
            })
        },
    );
    group.finish();
}
