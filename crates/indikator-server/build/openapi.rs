//! The OpenAPI 3.1 document of the JSON/HTTP API, from the descriptors: the
//! paths from the `google.api.http` bindings, the schemas from the messages
//! as proto3 JSON writes them (lowerCamelCase names, enum names as strings,
//! 64-bit integers as strings, bytes as base64, defaults omitted).

use std::collections::BTreeMap;

use prost_reflect::{EnumDescriptor, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value, json};

use super::annotations::{Binding, comments};

const STATUS: &str = "google.rpc.Status";

pub fn generate(bindings: &[Binding]) -> Result<String, String> {
    let mut schemas = Schemas::default();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for b in bindings {
        let path = b.template.clone();
        let operation = operation(b, &mut schemas);
        paths.entry(path).or_default().insert(b.verb.to_lowercase(), operation);
    }
    let mut components: Map<String, Value> = schemas.done.into_iter().collect();
    components.insert(STATUS.into(), status_schema());
    components.insert(
        "google.protobuf.Any".into(),
        json!({
            "type": "object",
            "description": "A message of the type its `@type` names, in proto3 JSON.",
            "properties": {"@type": {"type": "string"}},
            "required": ["@type"],
            "additionalProperties": true
        }),
    );
    let document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "indikator",
            "version": "v1",
            "summary": "Norwegian municipal digitalisation indicators from survey responses.",
            "description": "The JSON/HTTP form of the gRPC service indikator.v1.IndicatorService, \
                generated from the google.api.http annotations of its protos. Bodies are proto3 JSON. \
                Streaming methods take and give JSON Lines (application/x-ndjson), one message per line. \
                Errors are a google.rpc.Status in JSON, with the HTTP status of the gRPC code \
                (INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, \
                RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, …); a body over the \
                server's message limit is 413.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "paths": paths,
        "components": {"schemas": components},
    });
    serde_json::to_string_pretty(&document)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| e.to_string())
}

fn operation(b: &Binding, schemas: &mut Schemas) -> Value {
    let media = if b.client_streaming || b.server_streaming { "application/x-ndjson" } else { "application/json" };
    let input = schemas.message(&b.input);
    let output = schemas.message(&b.output);
    let mut op = Map::new();
    op.insert("operationId".into(), json!(format!("{}_{}{}", short(&b.service), b.method, suffix(b))));
    op.insert("tags".into(), json!([short(&b.service)]));
    op.insert("summary".into(), json!(b.method));
    let mut description = b.description.clone();
    if b.client_streaming || b.server_streaming {
        description.push_str(" JSON Lines: one message per line");
        if b.server_streaming {
            description.push_str("; an error after the first line is a last line {\"@error\": google.rpc.Status}");
        }
        description.push('.');
    }
    op.insert("description".into(), json!(description.trim()));
    op.insert("x-grpc-method".into(), json!(format!("/{}/{}", b.service, b.method)));
    let variables = b.variables();
    let mut parameters: Vec<Value> = variables
        .iter()
        .map(|v| json!({"name": v, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}))
        .collect();
    if b.body.is_empty() {
        // The request's other scalar fields may be given in the query.
        for field in b.input.fields().filter(|f| !variables.contains(&f.name()) && !f.is_list() && !f.is_map()) {
            if matches!(field.kind(), Kind::Message(_)) {
                continue;
            }
            let schema = schemas.value(&field);
            parameters.push(json!({
                "name": field.json_name(),
                "in": "query",
                "required": false,
                "description": comments(&field.parent_file(), field.path()),
                "schema": schema,
            }));
        }
    } else {
        // An empty JSON Lines body is an empty stream; a unary body is required.
        let required = !b.client_streaming;
        op.insert("requestBody".into(), json!({"required": required, "content": {media: {"schema": input}}}));
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    let error = |what: &str| json!({"description": what, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{STATUS}")}}}});
    let mut responses = Map::new();
    responses.insert("200".into(), json!({"description": "OK", "content": {media: {"schema": output}}}));
    responses.insert(
        "400".into(),
        error("INVALID_ARGUMENT: the request is malformed or invalid; BadRequest details name the fields"),
    );
    responses.insert("401".into(), error("UNAUTHENTICATED: a bearer token is needed, or the one given is not valid"));
    responses.insert("403".into(), error("PERMISSION_DENIED: the caller lacks the scope the method needs"));
    responses.insert("404".into(), error("NOT_FOUND"));
    responses.insert("413".into(), error("The body is larger than the server's message limit"));
    responses.insert("429".into(), error("RESOURCE_EXHAUSTED: the server is at a limit; retry with backoff"));
    responses.insert("default".into(), error("Any other error: the gRPC status in JSON"));
    op.insert("responses".into(), Value::Object(responses));
    Value::Object(op)
}

fn short(service: &str) -> &str {
    service.rsplit('.').next().unwrap_or(service)
}

/// Distinguishes a method's additional bindings in operation ids.
fn suffix(b: &Binding) -> String {
    b.variables().iter().map(|v| format!("_by_{v}")).collect()
}

/// The component schemas, built on demand.
#[derive(Default)]
struct Schemas {
    done: BTreeMap<String, Value>,
}

impl Schemas {
    /// A `$ref` to the message's schema, adding it (and what it uses).
    fn message(&mut self, message: &MessageDescriptor) -> Value {
        let name = message.full_name().to_owned();
        if let Some(special) = well_known(&name) {
            return special;
        }
        if !self.done.contains_key(&name) {
            self.done.insert(name.clone(), Value::Null);
            let mut properties = Map::new();
            for field in message.fields() {
                let schema = nullable(self.field(&field));
                properties.insert(field.json_name().to_owned(), schema);
            }
            let mut schema = Map::new();
            schema.insert("type".into(), json!("object"));
            let description = comments(&message.parent_file(), message.path());
            if !description.is_empty() {
                schema.insert("description".into(), json!(description));
            }
            schema.insert("properties".into(), Value::Object(properties));
            schema.insert("additionalProperties".into(), json!(false));
            self.done.insert(name.clone(), Value::Object(schema));
        }
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    fn field(&mut self, field: &FieldDescriptor) -> Value {
        let mut schema = if field.is_map() {
            let Kind::Message(entry) = field.kind() else { unreachable!("a map field is a message") };
            let value = entry.map_entry_value_field();
            json!({"type": "object", "additionalProperties": self.value(&value)})
        } else if field.is_list() {
            json!({"type": "array", "items": self.value(field)})
        } else {
            self.value(field)
        };
        let description = comments(&field.parent_file(), field.path());
        // A $ref with siblings is allowed in 3.1.
        if !description.is_empty()
            && let Value::Object(s) = &mut schema
        {
            s.insert("description".into(), json!(description));
        }
        schema
    }

    /// The schema of one value of the field (an element, for lists and maps).
    fn value(&mut self, field: &FieldDescriptor) -> Value {
        match field.kind() {
            Kind::Double | Kind::Float => json!({"type": "number"}),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
                json!({"type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX})
            }
            Kind::Uint32 | Kind::Fixed32 => {
                json!({"type": "integer", "format": "uint32", "minimum": 0, "maximum": u32::MAX})
            }
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
                json!({"type": "string", "format": "int64", "pattern": "^-?[0-9]{1,18}$"})
            }
            Kind::Uint64 | Kind::Fixed64 => json!({"type": "string", "format": "uint64", "pattern": "^[0-9]{1,19}$"}),
            Kind::Bool => json!({"type": "boolean"}),
            Kind::String => json!({"type": "string"}),
            Kind::Bytes => json!({"type": "string", "contentEncoding": "base64"}),
            Kind::Enum(e) => enum_schema(&e),
            Kind::Message(m) => self.message(&m),
        }
    }
}

/// Proto3 JSON reads `null` as a field's default: the field's schema, or null.
fn nullable(schema: Value) -> Value {
    match schema {
        Value::Object(mut s) if s.contains_key("type") => {
            let kind = s["type"].clone();
            s.insert("type".into(), json!([kind, "null"]));
            if let Some(Value::Array(values)) = s.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(s)
        }
        Value::Object(mut s) => {
            let description = s.remove("description");
            let mut any = json!({"anyOf": [Value::Object(s), {"type": "null"}]});
            if let Some(d) = description {
                any["description"] = d;
            }
            any
        }
        other => other,
    }
}

fn enum_schema(e: &EnumDescriptor) -> Value {
    let names: Vec<String> = e.values().map(|v| v.name().to_owned()).collect();
    json!({"type": "string", "enum": names})
}

/// Well-known types with a JSON form of their own.
fn well_known(name: &str) -> Option<Value> {
    Some(match name {
        "google.protobuf.Timestamp" => json!({"type": "string", "format": "date-time"}),
        "google.protobuf.Duration" => json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?s$"}),
        "google.protobuf.Struct" => json!({"type": "object"}),
        "google.protobuf.Value" => json!({}),
        "google.protobuf.Empty" => json!({"type": "object", "additionalProperties": false}),
        _ => return None,
    })
}

fn status_schema() -> Value {
    json!({
        "type": "object",
        "description": "An error: the gRPC status code, a message, and google.rpc error details \
            (BadRequest with field violations, ErrorInfo, RetryInfo, …) in proto3 JSON.",
        "properties": {
            "code": {"type": "integer", "format": "int32", "description": "The gRPC status code."},
            "message": {"type": "string"},
            "details": {"type": "array", "items": {"$ref": "#/components/schemas/google.protobuf.Any"}}
        },
        "required": ["code", "message"]
    })
}
