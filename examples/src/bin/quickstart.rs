//! A tour of the key lifecycle, start to finish, in one process.
//!
//! ```text
//! cargo run -p layer-examples --bin quickstart
//! ```
//!
//! It mints a test key and shows it once (as a real server would, at creation), then shows
//! what is safe to keep and log: the masked form, the checksum verdict and the cost-12 bcrypt
//! hash. It verifies the key against that hash, and finally prints the exact HTTP response a
//! client with a mistyped key would get.

use std::time::Instant;

use http::{HeaderMap, HeaderValue};
use layer_errors::{ApiError, RequestId};
use layer_keys::{Env, Hasher, PartnerKey, X_API_KEY, extract_key};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Mint. The key id is time-ordered, the secret is 28 bytes from the OS CSPRNG plus a
    //    CRC-32C checksum. This is the only time the whole key is ever shown.
    let key = PartnerKey::generate(Env::Test)?;
    println!("New test key (shown once, store it in your secret manager):");
    println!("  {}", key.expose_secret());
    println!();

    // 2. What the server keeps and logs. `Display` is the masked form; the key id alone is
    //    log-safe.
    println!("Masked form:   {key}");
    println!("Key id:        {}", key.key_id());
    println!("Checksum:      {:?}", key.checksum());

    // 3. Hash at the production cost, 12. Only this string is stored.
    let hasher = Hasher::new();
    let started = Instant::now();
    let hash = hasher.hash(&key)?;
    println!(
        "bcrypt hash:   {hash}  ({} ms)",
        started.elapsed().as_millis()
    );

    // 4. A request arrives with the key in `X-Api-Key`: extract, parse, verify.
    let mut headers = HeaderMap::new();
    headers.insert(X_API_KEY, HeaderValue::from_str(key.expose_secret())?);
    let presented = extract_key(&headers)?;
    let layer_keys::ApiKey::Partner(presented) = presented else {
        return Err("expected a partner key".into());
    };
    let started = Instant::now();
    hasher.verify(&presented, &hash)?;
    println!("Verified:      yes ({} ms)", started.elapsed().as_millis());
    println!();

    // 5. The same request with one character mistyped. Parsing catches it before any lookup
    //    or bcrypt work, and the client gets the standard error envelope, with no key in it.
    let mut mistyped = key.expose_secret().to_owned();
    mistyped.replace_range(30..31, "*");
    let mut headers = HeaderMap::new();
    headers.insert(X_API_KEY, HeaderValue::from_str(&mistyped)?);
    let error = match extract_key(&headers) {
        Ok(_) => return Err("a mistyped key must not parse".into()),
        Err(error) => ApiError::from(error).with_request_id(RequestId::generate()),
    };
    let response = error.into_http_response();
    println!("A mistyped key gets:");
    println!("  HTTP {}", response.status());
    for (name, value) in response.headers() {
        println!("  {name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    println!("  {}", String::from_utf8_lossy(response.body()));
    Ok(())
}
