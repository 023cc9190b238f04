//! [`ApiKeys`]: the three operations (and an idempotent assign) with typed,
//! validated inputs, over the generated client of the chosen version.

use std::sync::LazyLock;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_apikeys_client::{
    ApiVersion, CallRecord, ClientConfig, Credentials, RateLimit, RetryPolicy, observe,
};
use progenitor_client::{Error as RawError, ResponseValue};

use crate::error::{ApiError, Error, ErrorCode, FieldViolation, TransportError};
use crate::ids::{ApiKeyId, OrgId, ProjectId};
use crate::request::{OrgKeyUpdate, ProjectKeyUpdate, ProjectRoles};
use crate::response::{self, ApiKey};

/// The generated Atlas client every supported version shares.
type AtlasClient = atlas_apikeys_client::v2025_02_19::Client;
type AtlasTypes = atlas_apikeys_client::v2025_02_19::types::ApiError;
type MakeClient = fn(ClientConfig) -> Result<AtlasClient, atlas_apikeys_client::BuildError>;

/// Every generated Atlas version with its constructor. A version whose
/// generated client differs in shape fails to compile here, which is where
/// this crate must learn to speak it.
static ATLAS: LazyLock<Vec<(&'static ApiVersion, MakeClient)>> = LazyLock::new(|| {
    let mut versions: Vec<(&'static ApiVersion, MakeClient)> = Vec::new();
    macro_rules! register {
        ($v:ident) => {
            versions.push((
                &atlas_apikeys_client::$v::API_VERSION,
                atlas_apikeys_client::$v::connect,
            ));
        };
    }
    atlas_apikeys_client::for_each_atlas_version!(register);
    versions
});

/// The Atlas API versions this crate drives, oldest first.
pub fn atlas_versions() -> impl Iterator<Item = &'static ApiVersion> {
    ATLAS.iter().map(|(v, _)| *v)
}

/// The newest Atlas API version this crate drives.
pub fn latest_atlas_version() -> &'static ApiVersion {
    ATLAS
        .last()
        .map(|(v, _)| *v)
        .unwrap_or(&atlas_apikeys_client::v2025_02_19::API_VERSION)
}

/// The outcome of [`ApiKeys::ensure_project_roles`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Ensured {
    /// The key was not in the project; it is now, with these roles.
    Assigned,
    /// The key was already in the project; its roles there were replaced.
    Updated(ApiKey),
}

/// Configures an [`ApiKeys`] client.
#[derive(Debug, Clone)]
pub struct ApiKeysBuilder {
    version: &'static ApiVersion,
    config: ClientConfig,
    envelope: bool,
    pretty: bool,
}

impl ApiKeysBuilder {
    /// Pins an Atlas API version, such as
    /// `&atlas_apikeys::client::v2025_02_19::API_VERSION`.
    pub fn atlas(mut self, version: &'static ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// The API's base URL (default: the version's documented one,
    /// `https://cloud.mongodb.com` for Atlas).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config = self.config.base_url(url);
        self
    }

    /// Authenticates with a programmatic API key (HTTP Digest). The private
    /// key is held as a secret and never printed.
    pub fn api_key(
        mut self,
        public_key: impl Into<String>,
        private_key: impl Into<String>,
    ) -> Self {
        self.config = self
            .config
            .credentials(Credentials::api_key(public_key, private_key));
        self
    }

    /// Authenticates as a service account (OAuth 2.0 client credentials);
    /// tokens are cached and refreshed by one task at a time.
    pub fn service_account(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.config = self
            .config
            .credentials(Credentials::service_account(client_id, client_secret));
        self
    }

    /// Authenticates with an access token obtained elsewhere.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.config = self.config.credentials(Credentials::bearer(token));
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config = self.config.credentials(credentials);
        self
    }

    /// The retry policy (default: 4 attempts, 250 ms to 8 s full-jitter
    /// backoff, `Retry-After` up to 60 s, 90 s deadline).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.config = self.config.retry(policy);
        self
    }

    /// Connect and per-request timeouts (default 10 s and 60 s).
    pub fn timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.config = self.config.timeouts(connect, request);
        self
    }

    /// Allows plain `http://` to hosts other than loopback (refused by
    /// default: digest over plain HTTP can be sniffed, a bearer token stolen).
    pub fn allow_insecure_http(mut self) -> Self {
        self.config = self.config.allow_insecure_http();
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxies, timeouts, TLS roots).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.config = self.config.http_client(http);
        self
    }

    /// Asks the server to wrap results as `{status, content}`; the client
    /// unwraps them, so results look the same either way.
    pub fn envelope(mut self, on: bool) -> Self {
        self.envelope = on;
        self
    }

    /// Asks the server to indent its JSON.
    pub fn pretty(mut self, on: bool) -> Self {
        self.pretty = on;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<ApiKeys, Error> {
        let Some((version, make)) = ATLAS
            .iter()
            .find(|(v, _)| std::ptr::eq(*v, self.version) || **v == *self.version)
        else {
            return Err(Error::Config(format!(
                "{} {} is not a version this crate drives (it drives: {})",
                self.version.system,
                self.version.version,
                atlas_versions()
                    .map(|v| v.version)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        Ok(ApiKeys {
            client: make(self.config)?,
            version,
            envelope: self.envelope,
            pretty: self.pretty,
            rate_limit: Arc::default(),
        })
    }
}

/// Programmatic API key management with validated inputs.
///
/// ```no_run
/// # async fn demo() -> Result<(), atlas_apikeys::Error> {
/// use atlas_apikeys::{ApiKeyId, ApiKeys, Description, OrgId, OrgKeyUpdate, OrgRole, ProjectId, ProjectRole, ProjectRoles};
///
/// let keys = ApiKeys::builder().build()?; // newest Atlas version, cloud.mongodb.com
/// let org: OrgId = "32b6e34b3d91647abb20e7b8".parse()?;
/// let project: ProjectId = "5e2211c17a3e5a48f5497de3".parse()?;
/// let key: ApiKeyId = "5d1113b25a115342acc2d1aa".parse()?;
///
/// keys.update_org_key(&org, &key, &OrgKeyUpdate::new()
///     .description(Description::new("deploy bot")?)
///     .roles([OrgRole::OrgMember])).await?;
/// keys.ensure_project_roles(&project, &key, &ProjectRoles::new([ProjectRole::GroupReadOnly])).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ApiKeys {
    client: AtlasClient,
    version: &'static ApiVersion,
    envelope: bool,
    pretty: bool,
    rate_limit: Arc<Mutex<Option<RateLimit>>>,
}

impl ApiKeys {
    /// A builder set to the newest Atlas version.
    pub fn builder() -> ApiKeysBuilder {
        ApiKeysBuilder {
            version: latest_atlas_version(),
            config: ClientConfig::new(),
            envelope: false,
            pretty: false,
        }
    }

    /// The API version this client speaks.
    pub fn version(&self) -> &'static ApiVersion {
        self.version
    }

    /// The `RateLimit-Limit` / `RateLimit-Remaining` headers of the last
    /// response that had them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Revokes the cached service-account token (`POST /api/oauth/revoke`);
    /// a no-op for other credentials.
    pub async fn revoke_token(&self) -> Result<(), Error> {
        use progenitor_client::ClientInfo;
        self.client
            .inner()
            .revoke_token(self.client.client())
            .await
            .map_err(Error::Auth)
    }

    async fn send<T>(
        &self,
        call: impl std::future::Future<Output = Result<ResponseValue<T>, RawError<AtlasTypes>>>,
    ) -> Result<T, Error> {
        let (result, record) = observe(call).await;
        if let Some(limit) = record.rate_limit {
            *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner()) = Some(limit);
        }
        if let Some(auth) = record.auth_error.clone() {
            return Err(Error::Auth(auth));
        }
        match result {
            Ok(value) => Ok(value.into_inner()),
            Err(e) => Err(match from_raw(e, &record).await {
                Error::Api(api)
                    if api.status == 410 && api.code == Some(ErrorCode::VersionGone) =>
                {
                    Error::VersionGone {
                        system: self.version.system,
                        version: self.version.version,
                        detail: api.detail.clone(),
                    }
                }
                other => other,
            }),
        }
    }

    fn flags(&self) -> (Option<bool>, Option<bool>) {
        (self.envelope.then_some(true), self.pretty.then_some(true))
    }

    /// Updates an organization API key's description and/or organization
    /// roles. Needs the Organization Owner role.
    pub async fn update_org_key(
        &self,
        org: &OrgId,
        key: &ApiKeyId,
        update: &OrgKeyUpdate,
    ) -> Result<ApiKey, Error> {
        update.validate(self.version)?;
        let body = atlas_apikeys_client::v2025_02_19::types::UpdateAtlasOrganizationApiKey {
            desc: update.desc.as_ref().map(|d| d.as_str().to_owned()),
            roles: update.roles.clone().unwrap_or_default(),
        };
        let (envelope, pretty) = self.flags();
        self.send(self.client.update_org_api_key(
            org.as_str(),
            key.as_str(),
            envelope,
            pretty,
            &body,
        ))
        .await
        .and_then(response::api_key)
    }

    /// Assigns an organization API key to a project with these project roles
    /// (the server answers 204). Needs the Project Owner role.
    ///
    /// Assigning a key that is already in the project fails with
    /// `API_KEY_ALREADY_IN_GROUP`; [`Self::ensure_project_roles`] handles it.
    pub async fn assign_to_project(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        roles: &ProjectRoles,
    ) -> Result<(), Error> {
        roles.validate(self.version)?;
        self.send_assign(project, key, roles).await
    }

    async fn send_assign(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        roles: &ProjectRoles,
    ) -> Result<(), Error> {
        let body = vec![
            atlas_apikeys_client::v2025_02_19::types::UserAccessRoleAssignment {
                roles: roles.roles.clone(),
                user_id: None,
            },
        ];
        let (envelope, pretty) = self.flags();
        self.send(self.client.add_group_api_key(
            project.as_str(),
            key.as_str(),
            envelope,
            pretty,
            &body,
        ))
        .await
        .map(|_| ())
    }

    /// Replaces an organization API key's roles in a project, and/or its
    /// description. Needs the Project Owner role.
    pub async fn update_project_roles(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        update: &ProjectKeyUpdate,
    ) -> Result<ApiKey, Error> {
        update.validate(self.version)?;
        self.send_project_update(project, key, update).await
    }

    async fn send_project_update(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        update: &ProjectKeyUpdate,
    ) -> Result<ApiKey, Error> {
        let body = atlas_apikeys_client::v2025_02_19::types::UpdateAtlasProjectApiKey {
            desc: update.desc.as_ref().map(|d| d.as_str().to_owned()),
            roles: update.roles.clone().unwrap_or_default(),
        };
        let (envelope, pretty) = self.flags();
        self.send(self.client.update_group_api_key_roles(
            project.as_str(),
            key.as_str(),
            envelope,
            None,
            None,
            None,
            pretty,
            &body,
        ))
        .await
        .and_then(response::api_key)
    }

    /// Makes the key have exactly `roles` in the project, whether or not it
    /// was assigned before: assigns it, and when the server answers that it
    /// is already there (409 `API_KEY_ALREADY_IN_GROUP`), replaces its roles.
    /// Safe to repeat.
    pub async fn ensure_project_roles(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        roles: &ProjectRoles,
    ) -> Result<Ensured, Error> {
        roles.validate(self.version)?;
        match self.send_assign(project, key, roles).await {
            Ok(()) => Ok(Ensured::Assigned),
            Err(e) if e.status() == Some(409) && e.is_code("API_KEY_ALREADY_IN_GROUP") => {
                let update = ProjectKeyUpdate::from(roles);
                self.send_project_update(project, key, &update)
                    .await
                    .map(Ensured::Updated)
            }
            Err(e) => Err(e),
        }
    }
}

/// Converts the generated client's error. Async because an undocumented
/// status still has its body to read.
async fn from_raw(e: RawError<AtlasTypes>, record: &CallRecord) -> Error {
    match e {
        RawError::ErrorResponse(value) => {
            let status = value.status().as_u16();
            let raw = value.into_inner();
            let fields = raw.bad_request_detail.map(|d| d.fields).unwrap_or_default();
            api_error(
                status,
                Some(raw.error_code),
                raw.reason,
                raw.detail,
                raw.parameters,
                fields.into_iter().map(|f| (f.field, f.description)),
            )
        }
        RawError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(body) => error_body(status, &body),
                Err(e) => Error::Transport(TransportError::Http(e)),
            }
        }
        RawError::InvalidResponsePayload(body, why) => {
            let status = record.status.map_or(0, |s| s.as_u16());
            if status >= 400 {
                error_body(status, &body)
            } else {
                Error::InvalidResponse {
                    status,
                    reason: why.to_string(),
                    excerpt: excerpt(&body),
                }
            }
        }
        RawError::CommunicationError(e)
        | RawError::ResponseBodyError(e)
        | RawError::InvalidUpgrade(e) => Error::Transport(TransportError::Http(e)),
        RawError::InvalidRequest(message) | RawError::Custom(message) => {
            Error::Transport(TransportError::Request(message))
        }
    }
}

/// An error status's body: an `ApiError` if it reads as one (leniently),
/// otherwise the status with an excerpt.
fn error_body(status: u16, body: &[u8]) -> Error {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Lenient {
        error_code: Option<String>,
        reason: Option<String>,
        detail: Option<String>,
        #[serde(default)]
        parameters: Vec<serde_json::Value>,
        bad_request_detail: Option<LenientDetail>,
    }
    #[derive(serde::Deserialize)]
    struct LenientDetail {
        #[serde(default)]
        fields: Vec<LenientField>,
    }
    #[derive(serde::Deserialize)]
    struct LenientField {
        #[serde(default)]
        field: String,
        #[serde(default)]
        description: String,
    }
    let parsed = serde_json::from_slice::<Lenient>(body)
        .ok()
        .filter(|l| l.error_code.is_some() || l.detail.is_some());
    match parsed {
        Some(l) => {
            let fields = l.bad_request_detail.map(|d| d.fields).unwrap_or_default();
            api_error(
                status,
                l.error_code,
                l.reason,
                l.detail,
                l.parameters,
                fields.into_iter().map(|f| (f.field, f.description)),
            )
        }
        None => Error::Api(Box::new(ApiError {
            status,
            code: None,
            error_code: None,
            reason: None,
            detail: None,
            parameters: Vec::new(),
            bad_request_detail: Vec::new(),
            excerpt: Some(excerpt(body)),
        })),
    }
}

fn api_error(
    status: u16,
    error_code: Option<String>,
    reason: Option<String>,
    detail: Option<String>,
    parameters: Vec<serde_json::Value>,
    fields: impl Iterator<Item = (String, String)>,
) -> Error {
    Error::Api(Box::new(ApiError {
        status,
        code: error_code.as_deref().map(ErrorCode::from_raw),
        error_code,
        reason,
        detail,
        parameters,
        bad_request_detail: fields
            .map(|(field, description)| FieldViolation { field, description })
            .collect(),
        excerpt: None,
    }))
}

/// The first 160 printable characters of a body, whitespace folded. JSON
/// bodies have secret-looking fields redacted first: an excerpt ends up in
/// error messages and logs.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 160;
    let redacted;
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value);
            redacted = value.to_string();
            std::borrow::Cow::Borrowed(redacted.as_str())
        }
        Err(_) => String::from_utf8_lossy(body),
    };
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control() || (c == ' ' && last_space) {
            continue;
        }
        last_space = c == ' ';
        if count == MAX {
            out.push('…');
            break;
        }
        out.push(c);
        count += 1;
    }
    if out.is_empty() {
        "(empty body)".to_owned()
    } else {
        format!("{:?}", out.trim_end())
    }
}

/// Replaces the values of fields whose names suggest a credential.
fn redact(value: &mut serde_json::Value) {
    const SECRET_NAMES: [&str; 6] = [
        "privatekey",
        "secret",
        "token",
        "password",
        "authorization",
        "credential",
    ];
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let name = k.to_ascii_lowercase().replace(['_', '-'], "");
                if SECRET_NAMES.iter().any(|s| name.contains(s)) {
                    *v = serde_json::Value::String("[REDACTED]".into());
                } else {
                    redact(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}
