//! Reads the `google.api.http` annotations of a package's methods, and the
//! comments of any descriptor (for the OpenAPI document).

use prost_reflect::{DescriptorPool, DynamicMessage, FileDescriptor, MessageDescriptor, Value};

/// One HTTP binding of an RPC method.
pub struct Binding {
    /// `GET`, `POST`, …
    pub verb: String,
    /// The path template, e.g. `/v1/methodologies/{methodology_id}`.
    pub template: String,
    /// `*` (the whole request is the body) or empty (no body).
    pub body: String,
    /// `indikator.v1.IndicatorService`
    pub service: String,
    /// `Score`
    pub method: String,
    pub input: MessageDescriptor,
    pub output: MessageDescriptor,
    pub client_streaming: bool,
    pub server_streaming: bool,
    /// The method's leading comments.
    pub description: String,
}

impl Binding {
    /// The names of the template's variables (`{name}` segments).
    pub fn variables(&self) -> Vec<&str> {
        self.template
            .split('/')
            .filter_map(|segment| segment.split(':').next()?.strip_prefix('{')?.strip_suffix('}'))
            .collect()
    }
}

/// Every binding of the package's methods, in declaration order.
pub fn http_bindings(pool: &DescriptorPool, package: &str) -> Result<Vec<Binding>, String> {
    let http = pool.get_extension_by_name("google.api.http").ok_or("google/api/annotations.proto is not imported")?;
    let mut bindings = Vec::new();
    for service in pool.services().filter(|s| s.package_name() == package) {
        for method in service.methods() {
            let options = method.options();
            if !options.has_extension(&http) {
                continue;
            }
            let Value::Message(rule) = options.get_extension(&http).into_owned() else {
                return Err(format!("{}: google.api.http is not a message", method.full_name()));
            };
            let mut rules = vec![rule.clone()];
            if let Some(Value::List(more)) = rule.get_field_by_name("additional_bindings").map(|v| v.into_owned()) {
                rules.extend(more.into_iter().filter_map(|v| match v {
                    Value::Message(m) => Some(m),
                    _ => None,
                }));
            }
            for rule in rules {
                let (verb, template) =
                    pattern(&rule).ok_or_else(|| format!("{}: an HTTP rule without a pattern", method.full_name()))?;
                let body = string_field(&rule, "body");
                let binding = Binding {
                    verb,
                    template,
                    body,
                    service: service.full_name().to_owned(),
                    method: method.name().to_owned(),
                    input: method.input(),
                    output: method.output(),
                    client_streaming: method.is_client_streaming(),
                    server_streaming: method.is_server_streaming(),
                    description: comments(&method.parent_file(), method.path()),
                };
                check(&binding)?;
                bindings.push(binding);
            }
        }
    }
    Ok(bindings)
}

fn pattern(rule: &DynamicMessage) -> Option<(String, String)> {
    for verb in ["get", "put", "post", "delete", "patch"] {
        if rule.has_field_by_name(verb) {
            return Some((verb.to_uppercase(), string_field(rule, verb)));
        }
    }
    None
}

fn string_field(message: &DynamicMessage, name: &str) -> String {
    match message.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// What the transcoder supports: whole-message bodies (or none, for GET),
/// variables naming top-level string fields, streams only with a whole body.
fn check(binding: &Binding) -> Result<(), String> {
    let name = format!("{}/{} ({} {})", binding.service, binding.method, binding.verb, binding.template);
    if !binding.template.starts_with('/') {
        return Err(format!("{name}: the path template must start with /"));
    }
    match (binding.verb.as_str(), binding.body.as_str()) {
        ("GET" | "DELETE", "") => {}
        ("GET" | "DELETE", _) => return Err(format!("{name}: GET and DELETE take no body")),
        (_, "*") => {}
        _ => return Err(format!("{name}: only body \"*\" is supported")),
    }
    if binding.client_streaming && binding.body != "*" {
        return Err(format!("{name}: a client stream needs body \"*\""));
    }
    for variable in binding.variables() {
        let field =
            binding.input.get_field_by_name(variable).ok_or_else(|| format!("{name}: no request field {variable}"))?;
        if !matches!(field.kind(), prost_reflect::Kind::String) || field.is_list() {
            return Err(format!("{name}: {variable} is not a string field"));
        }
    }
    Ok(())
}

/// The leading comments of the descriptor at `path` in `file`, trimmed.
pub fn comments(file: &FileDescriptor, path: &[i32]) -> String {
    let proto = file.file_descriptor_proto();
    let Some(info) = &proto.source_code_info else { return String::new() };
    info.location
        .iter()
        .find(|l| l.path == path)
        .and_then(|l| l.leading_comments.as_deref())
        .map(|c| c.lines().map(str::trim).collect::<Vec<_>>().join(" ").trim().to_owned())
        .unwrap_or_default()
}
