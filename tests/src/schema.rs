//! Checks JSON values against the OpenAPI 3.0 schemas of a fragment: the
//! subset the fragments use ($ref, type, properties, required, items, enum,
//! nullable, string lengths). Enough to hold the emulator to the contract
//! the SDK is generated from.

use serde_json::Value;

/// A fragment to check against.
pub struct Fragment(Value);

impl Fragment {
    /// Reads `openapi/<name>` from the workspace.
    pub fn load(name: &str) -> Self {
        let path = crate::workspace_root().join("openapi").join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Self(serde_json::from_str(&text).expect("fragment is JSON"))
    }

    /// The schema of `method path`'s response `status` (`application/json`
    /// or a versioned type), or of `ApiError` for error statuses.
    pub fn response_schema(&self, method: &str, path: &str, status: u16) -> Option<Value> {
        let op = &self.0["paths"][path][method.to_ascii_lowercase()];
        let response = &op["responses"][status.to_string()];
        let response = self.resolve(response);
        let content = response.get("content")?.as_object()?;
        content.values().find_map(|m| m.get("schema").cloned())
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r.trim_start_matches('#');
                self.0.pointer(pointer).map_or(value, |v| self.resolve(v))
            }
            None => value,
        }
    }

    /// Every way `value` breaks `schema`, as JSON-pointer-ish messages.
    pub fn violations(&self, value: &Value, schema: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.check(value, schema, "$", &mut out);
        out
    }

    fn check(&self, value: &Value, schema: &Value, at: &str, out: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                out.push(format!("{at}: null where the schema is not nullable"));
            }
            return;
        }
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            let ok = match t {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                _ => true,
            };
            if !ok {
                out.push(format!("{at}: expected {t}, got {value}"));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            out.push(format!("{at}: {value} is not one of {options:?}"));
        }
        if let Some(s) = value.as_str() {
            let n = s.chars().count() as u64;
            if schema
                .get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| n < m)
                || schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| n > m)
            {
                out.push(format!("{at}: length {n} outside the schema's bounds"));
            }
        }
        if let (Some(obj), Some(props)) = (
            value.as_object(),
            schema.get("properties").and_then(Value::as_object),
        ) {
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(name) = name.as_str()
                    && !obj.contains_key(name)
                {
                    out.push(format!("{at}: missing required {name}"));
                }
            }
            for (k, v) in obj {
                if let Some(s) = props.get(k) {
                    self.check(v, s, &format!("{at}.{k}"), out);
                }
            }
        }
        if let (Some(items), Some(schema)) = (value.as_array(), schema.get("items")) {
            for (i, v) in items.iter().enumerate() {
                self.check(v, schema, &format!("{at}[{i}]"), out);
            }
        }
    }
}
