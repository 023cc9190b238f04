//! Reduction of OpenAPI objects to structural facts.
//!
//! Each object kind keeps an allow-list of keywords, so prose (descriptions,
//! summaries, examples, docs links, vendor annotations) is dropped however
//! upstream spells it, while names that merely look like prose survive: a
//! property *called* `description` is a key of `properties`, not a keyword.

use serde_json::{Map, Value};

/// The OpenAPI object kinds the fragment keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Schema Object.
    Schema,
    /// A Parameter Object.
    Parameter,
    /// A Request Body Object.
    RequestBody,
    /// A Response Object.
    Response,
    /// A Header Object.
    Header,
    /// A Media Type Object.
    MediaType,
    /// A Security Scheme Object.
    SecurityScheme,
}

impl Kind {
    /// The kind stored under `#/components/<section>`.
    pub fn of_component_section(section: &str) -> Option<Self> {
        Some(match section {
            "schemas" => Self::Schema,
            "parameters" => Self::Parameter,
            "requestBodies" => Self::RequestBody,
            "responses" => Self::Response,
            "headers" => Self::Header,
            "securitySchemes" => Self::SecurityScheme,
            _ => return None,
        })
    }

    fn keeps(self) -> &'static [&'static str] {
        match self {
            // And every `VALUE_CONSTRAINTS` keyword.
            Self::Schema => &[
                "type",
                "format",
                "enum",
                "default",
                "nullable",
                "readOnly",
                "writeOnly",
                "required",
                "deprecated",
                "discriminator",
            ],
            Self::Parameter => &[
                "name",
                "in",
                "required",
                "deprecated",
                "allowEmptyValue",
                "style",
                "explode",
                "allowReserved",
            ],
            Self::RequestBody => &["required"],
            Self::Response => &[],
            Self::Header => &["required", "deprecated", "style", "explode"],
            Self::MediaType => &["x-xgen-version", "x-sunset"],
            Self::SecurityScheme => &[
                "type",
                "scheme",
                "bearerFormat",
                "in",
                "name",
                "openIdConnectUrl",
            ],
        }
    }
}

/// Schema keywords that constrain values: kept by import (they are facts the
/// validation crate enforces), dropped by codegen (typify would make a
/// newtype of every constrained field).
pub const VALUE_CONSTRAINTS: &[&str] = &[
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// `value` reduced to the facts its kind keeps. A `$ref` stands alone, as
/// OpenAPI 3.0 ignores its siblings.
pub fn of_kind(kind: Kind, value: &Value) -> Value {
    let Value::Object(src) = value else {
        return value.clone(); // `additionalProperties: true` and the like.
    };
    if let Some(r) = src.get("$ref") {
        return Value::Object(Map::from_iter([("$ref".to_owned(), r.clone())]));
    }
    let mut out = Map::new();
    let constraints: &[&str] = if kind == Kind::Schema {
        VALUE_CONSTRAINTS
    } else {
        &[]
    };
    for key in kind.keeps().iter().chain(constraints) {
        if let Some(v) = src.get(*key) {
            out.insert((*key).to_owned(), v.clone());
        }
    }
    let mut child = |key: &str, f: &dyn Fn(&Value) -> Value| {
        if let Some(v) = src.get(key) {
            out.insert(key.to_owned(), f(v));
        }
    };
    match kind {
        Kind::Schema => {
            for key in ["items", "not", "additionalProperties"] {
                child(key, &|v| of_kind(Kind::Schema, v));
            }
            child("properties", &|v| map_of(Kind::Schema, v));
            for key in ["allOf", "oneOf", "anyOf"] {
                child(key, &|v| list_of(Kind::Schema, v));
            }
        }
        Kind::Parameter | Kind::Header => {
            child("schema", &|v| of_kind(Kind::Schema, v));
            child("content", &|v| map_of(Kind::MediaType, v));
        }
        Kind::RequestBody => child("content", &|v| map_of(Kind::MediaType, v)),
        Kind::Response => {
            child("content", &|v| map_of(Kind::MediaType, v));
            child("headers", &|v| map_of(Kind::Header, v));
        }
        Kind::MediaType => child("schema", &|v| of_kind(Kind::Schema, v)),
        Kind::SecurityScheme => child("flows", &oauth_flows),
    }
    Value::Object(out)
}

fn map_of(kind: Kind, value: &Value) -> Value {
    match value {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), of_kind(kind, v)))
            .collect::<Map<_, _>>()
            .into(),
        other => other.clone(),
    }
}

fn list_of(kind: Kind, value: &Value) -> Value {
    match value {
        Value::Array(items) => items.iter().map(|v| of_kind(kind, v)).collect(),
        other => other.clone(),
    }
}

/// OAuth flows keep their URLs and scope names; scope descriptions are prose.
fn oauth_flows(value: &Value) -> Value {
    let Value::Object(flows) = value else {
        return Value::Object(Map::new());
    };
    let mut out = Map::new();
    for (name, flow) in flows {
        let mut f = Map::new();
        for key in ["authorizationUrl", "tokenUrl", "refreshUrl"] {
            if let Some(v) = flow.get(key) {
                f.insert(key.to_owned(), v.clone());
            }
        }
        let scopes: Map<String, Value> = flow
            .get("scopes")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| (k.clone(), Value::String(String::new())))
            .collect();
        f.insert("scopes".into(), Value::Object(scopes));
        out.insert(name.clone(), Value::Object(f));
    }
    Value::Object(out)
}

/// A list of parameters as facts.
pub fn parameters(value: &Value) -> Value {
    list_of(Kind::Parameter, value)
}

/// An operation as facts; its operationId is set by the caller.
pub fn operation(value: &Value) -> Value {
    let mut out = Map::new();
    if let Some(v) = value.get("deprecated") {
        out.insert("deprecated".into(), v.clone());
    }
    if let Some(v) = value.get("security") {
        out.insert("security".into(), v.clone());
    }
    if let Some(v) = value.get("parameters") {
        out.insert("parameters".into(), parameters(v));
    }
    if let Some(v) = value.get("requestBody") {
        out.insert("requestBody".into(), of_kind(Kind::RequestBody, v));
    }
    if let Some(Value::Object(responses)) = value.get("responses") {
        let responses: Map<String, Value> = responses
            .iter()
            .map(|(status, r)| {
                (
                    status.clone(),
                    with_description(of_kind(Kind::Response, r), status),
                )
            })
            .collect();
        out.insert("responses".into(), Value::Object(responses));
    }
    Value::Object(out)
}

/// OpenAPI 3.0 requires a description on every response object; the fragment
/// uses the HTTP reason phrase (or the component name), never upstream text.
pub fn with_description(mut response: Value, status_or_name: &str) -> Value {
    if let Value::Object(map) = &mut response
        && !map.contains_key("$ref")
    {
        let text = reason_phrase(status_or_name).unwrap_or(status_or_name);
        map.insert("description".into(), Value::String(text.to_owned()));
    }
    response
}

fn reason_phrase(status: &str) -> Option<&'static str> {
    Some(match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No Content",
        "400" => "Bad Request",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "Not Found",
        "406" => "Not Acceptable",
        "409" => "Conflict",
        "410" => "Gone",
        "429" => "Too Many Requests",
        "500" => "Internal Server Error",
        "502" => "Bad Gateway",
        "503" => "Service Unavailable",
        "504" => "Gateway Timeout",
        "default" => "Any other status",
        _ => return None,
    })
}

/// The scheme names a list of security requirements uses, sorted.
pub fn security_scheme_names(security: &Value) -> Vec<String> {
    let mut names: Vec<String> = security
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|req| req.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}
