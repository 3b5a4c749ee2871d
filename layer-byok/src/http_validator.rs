//! Validation over HTTP against each provider's real API.

use std::{fmt, time::Duration};

use reqwest::{
    Method, RequestBuilder,
    header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER},
};
use zeroize::Zeroizing;

use crate::{Provider, ProviderKey, ProviderOutcome, Validator, classify};

const ANTHROPIC_VERSION: &str = "2023-06-01";
const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
const ANTHROPIC_VERSION_HEADER: HeaderName = HeaderName::from_static("anthropic-version");
const X_GOOG_API_KEY: HeaderName = HeaderName::from_static("x-goog-api-key");

/// A [`Validator`] that makes each provider's cheapest authenticated call over HTTP.
///
/// | provider | call | key sent in |
/// |---|---|---|
/// | OpenAI | `GET {base}/models` | `Authorization: Bearer …` |
/// | Anthropic | `POST {base}/messages`, `max_tokens: 1`, one user message `ping` | `x-api-key` (with `anthropic-version: 2023-06-01`) |
/// | Google | `POST {base}/models/{model}:generateContent`, `maxOutputTokens: 1` | `x-goog-api-key` |
/// | Mistral | `GET {base}/models` | `Authorization: Bearer …` |
///
/// The answer is classified by [`classify`](crate::classify()); a timeout, a refused
/// connection or any other transport failure is [`ProviderOutcome::Unavailable`].
///
/// The same call is the cheapest real provider call there is, so a resolution test can make
/// "the provider call" through this type with whichever key resolution picked, and read back
/// which key the [fake provider](crate#fake-provider) saw.
///
/// Each call is logged with `tracing`: the outcome at `debug`, a transport failure's cause at
/// `warn`, both with the masked key only.
///
/// # Security
/// The key travels only in a request header, marked sensitive so `http`'s `Debug` hides it;
/// never in the URL (which ends up in proxy logs and in `reqwest`'s error messages). Redirects
/// are not followed by the client [`HttpValidator::new`] builds, so a key sent in a custom
/// header (`x-api-key`, `x-goog-api-key`) cannot be carried to another host; a 3xx is
/// [`ProviderOutcome::Unexpected`]. `Debug` shows the configuration only: this type never holds
/// a key.
#[derive(Clone)]
pub struct HttpValidator {
    client: reqwest::Client,
    base_urls: [String; 4],
    timeout: Duration,
    anthropic_model: String,
    google_model: String,
}

impl HttpValidator {
    /// How long a validation call may take, connection included, unless changed with
    /// [`HttpValidator::with_timeout`].
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    /// A cheap Anthropic model for the minimal message.
    pub const DEFAULT_ANTHROPIC_MODEL: &'static str = "claude-haiku-4-5";
    /// A cheap Gemini model for the minimal content generation.
    pub const DEFAULT_GOOGLE_MODEL: &'static str = "gemini-2.5-flash-lite";

    /// A validator against the providers' public APIs with its own HTTPS client that does not
    /// follow redirects.
    ///
    /// # Panics
    /// When the TLS backend cannot be initialised, exactly as `reqwest::Client::new` does; use
    /// [`HttpValidator::with_client`] to build the client yourself.
    #[must_use]
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the TLS backend initialises");
        Self::with_client(client)
    }

    /// A validator that sends through `client`, for a shared connection pool or proxy settings.
    /// The timeout is still set per request. Configure the client not to follow redirects
    /// (see the type's `# Security`).
    #[must_use]
    pub fn with_client(client: reqwest::Client) -> Self {
        Self {
            client,
            base_urls: Provider::ALL.map(|p| Self::default_base_url(p).to_owned()),
            timeout: Self::DEFAULT_TIMEOUT,
            anthropic_model: Self::DEFAULT_ANTHROPIC_MODEL.to_owned(),
            google_model: Self::DEFAULT_GOOGLE_MODEL.to_owned(),
        }
    }

    /// The public API root of `provider`: `https://api.openai.com/v1`,
    /// `https://api.anthropic.com/v1`, `https://generativelanguage.googleapis.com/v1beta`,
    /// `https://api.mistral.ai/v1`.
    #[must_use]
    pub const fn default_base_url(provider: Provider) -> &'static str {
        match provider {
            Provider::OpenAi => "https://api.openai.com/v1",
            Provider::Anthropic => "https://api.anthropic.com/v1",
            Provider::Google => "https://generativelanguage.googleapis.com/v1beta",
            Provider::Mistral => "https://api.mistral.ai/v1",
        }
    }

    /// Sends `provider`'s calls under `base_url` instead (a trailing `/` is ignored), for a
    /// gateway, a regional endpoint or the fake provider.
    #[must_use]
    pub fn with_base_url(mut self, provider: Provider, base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        self.base_urls[slot(provider)] = base_url;
        self
    }

    /// Gives up on a call after `timeout` (connecting, sending and reading the answer), which
    /// then counts as [`ProviderOutcome::Unavailable`].
    #[must_use]
    pub const fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The model named in Anthropic's minimal message.
    #[must_use]
    pub fn with_anthropic_model(mut self, model: impl Into<String>) -> Self {
        self.anthropic_model = model.into();
        self
    }

    /// The model whose `generateContent` Google's call uses.
    #[must_use]
    pub fn with_google_model(mut self, model: impl Into<String>) -> Self {
        self.google_model = model.into();
        self
    }

    /// Where `provider`'s calls go.
    #[must_use]
    pub fn base_url(&self, provider: Provider) -> &str {
        &self.base_urls[slot(provider)]
    }

    /// The per-call timeout.
    #[must_use]
    pub const fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The request for `key`'s provider, or `None` if the key cannot be put in a header (never
    /// for a shape-checked key).
    fn request(&self, key: &ProviderKey) -> Option<RequestBuilder> {
        let base = self.base_url(key.provider());
        let request = match key.provider() {
            Provider::OpenAi | Provider::Mistral => {
                let bearer = Zeroizing::new(format!("Bearer {}", key.expose_secret()));
                self.client
                    .request(Method::GET, format!("{base}/models"))
                    .header(AUTHORIZATION, sensitive(&bearer)?)
            }
            Provider::Anthropic => {
                let body = serde_json::json!({
                    "model": self.anthropic_model,
                    "max_tokens": 1,
                    "messages": [{"role": "user", "content": "ping"}],
                });
                self.client
                    .request(Method::POST, format!("{base}/messages"))
                    .header(X_API_KEY, sensitive(key.expose_secret())?)
                    .header(
                        ANTHROPIC_VERSION_HEADER,
                        HeaderValue::from_static(ANTHROPIC_VERSION),
                    )
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(body.to_string())
            }
            Provider::Google => {
                let body = serde_json::json!({
                    "contents": [{"role": "user", "parts": [{"text": "ping"}]}],
                    "generationConfig": {"maxOutputTokens": 1},
                });
                self.client
                    .request(
                        Method::POST,
                        format!("{base}/models/{}:generateContent", self.google_model),
                    )
                    .header(X_GOOG_API_KEY, sensitive(key.expose_secret())?)
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(body.to_string())
            }
        };
        Some(request.timeout(self.timeout))
    }

    async fn call(&self, key: &ProviderKey) -> ProviderOutcome {
        let provider = key.provider();
        let Some(request) = self.request(key) else {
            return ProviderOutcome::Unavailable;
        };
        // A transport error (timeout, refused connection, TLS) says nothing about the key.
        // Its message names the URL, which never holds the key.
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                tracing::warn!(
                    %provider,
                    key = %key.masked(),
                    timeout = error.is_timeout(),
                    connect = error.is_connect(),
                    %error,
                    "provider unreachable, key validity unknown"
                );
                return ProviderOutcome::Unavailable;
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Only Google's 400 needs the body to tell a bad key from a bad request.
        let body = if provider == Provider::Google && status == 400 {
            response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let outcome = classify(provider, status, retry_after.as_deref(), &body);
        tracing::debug!(%provider, key = %key.masked(), status, ?outcome, "key validated");
        outcome
    }
}

impl Default for HttpValidator {
    fn default() -> Self {
        Self::new()
    }
}

impl Validator for HttpValidator {
    fn validate(
        &self,
        key: &ProviderKey,
    ) -> impl std::future::Future<Output = ProviderOutcome> + Send {
        self.call(key)
    }
}

impl fmt::Debug for HttpValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpValidator")
            .field(
                "base_urls",
                &Provider::ALL.map(|p| (p.as_str(), self.base_url(p))),
            )
            .field("timeout", &self.timeout)
            .field("anthropic_model", &self.anthropic_model)
            .field("google_model", &self.google_model)
            .finish_non_exhaustive()
    }
}

/// A header value `Debug` will not print.
fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// `provider`'s index in [`Provider::ALL`].
const fn slot(provider: Provider) -> usize {
    match provider {
        Provider::OpenAi => 0,
        Provider::Anthropic => 1,
        Provider::Google => 2,
        Provider::Mistral => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_all() {
        for (i, p) in Provider::ALL.into_iter().enumerate() {
            assert_eq!(slot(p), i);
        }
    }

    #[test]
    fn base_urls_are_configurable() {
        let v = HttpValidator::new()
            .with_base_url(Provider::Mistral, "http://127.0.0.1:9/mistral/v1//")
            .with_timeout(Duration::from_millis(250));
        assert_eq!(
            v.base_url(Provider::Mistral),
            "http://127.0.0.1:9/mistral/v1"
        );
        assert_eq!(v.base_url(Provider::OpenAi), "https://api.openai.com/v1");
        assert_eq!(v.timeout(), Duration::from_millis(250));
        let shown = format!("{v:?}");
        assert!(shown.contains("127.0.0.1:9"), "{shown}");
    }
}
