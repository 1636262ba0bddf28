//! The JSON/HTTP form of the service: the route table generated from the
//! methods' `google.api.http` annotations, proto3 JSON ⇄ protobuf for each
//! route's messages, bounds on JSON bodies (the same element limits the wire
//! codec enforces, checked before anything is built), and the OpenAPI
//! document generated from the same descriptors.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use indikator_app::proto::wire::{MAX_ELEMENTS, MAX_LIST};

/// The OpenAPI 3.1 document of the JSON/HTTP API (also `docs/openapi.json`).
pub(crate) const OPENAPI_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.json"));

include!(concat!(env!("OUT_DIR"), "/http_routes.rs"));

/// Names and values from a path's variables and a query, for a request's fields.
pub(crate) type Params<'a> = [(Cow<'a, str>, Cow<'a, str>)];

/// Proto3 JSON (and [`Params`]) to a request message's protobuf encoding.
pub(crate) type RequestFn = fn(&[u8], &Params<'_>) -> Result<Vec<u8>, JsonError>;

/// A response message's protobuf encoding to proto3 JSON.
pub(crate) type ResponseFn = fn(&[u8]) -> Result<Vec<u8>, JsonError>;

/// One HTTP binding of an RPC method.
#[derive(Debug)]
pub(crate) struct Route {
    /// `GET`, `POST`, …
    pub verb: &'static str,
    /// The path template: literal segments and `{field}` variables.
    pub template: &'static str,
    /// Whether the body is the request message (or, for streams, JSON Lines of them).
    pub body: bool,
    /// The gRPC method's path, `/package.Service/Method`.
    pub grpc_path: &'static str,
    pub request_stream: bool,
    pub response_stream: bool,
    /// Proto3 JSON (and the path's variables, and the query's fields) to the
    /// request message's protobuf encoding.
    pub request: RequestFn,
    /// A response message's protobuf encoding to proto3 JSON.
    pub response: ResponseFn,
}

/// What a request's method and path resolve to.
#[derive(Debug)]
pub(crate) enum Resolved<'p> {
    /// The route, with the path's variables (percent-decoded).
    Route(&'static Route, Vec<(Cow<'static, str>, Cow<'p, str>)>),
    /// The path exists for these other verbs.
    WrongVerb(Vec<&'static str>),
    NotFound,
}

/// The route for `verb` and `path`.
pub(crate) fn resolve<'p>(verb: &str, path: &'p str) -> Resolved<'p> {
    let mut verbs = Vec::new();
    for route in ROUTES {
        let Some(variables) = matches(route.template, path) else { continue };
        if route.verb == verb {
            return Resolved::Route(route, variables);
        }
        if !verbs.contains(&route.verb) {
            verbs.push(route.verb);
        }
    }
    if verbs.is_empty() { Resolved::NotFound } else { Resolved::WrongVerb(verbs) }
}

fn matches<'p>(template: &'static str, path: &'p str) -> Option<Vec<(Cow<'static, str>, Cow<'p, str>)>> {
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    let mut variables = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(variables),
            (Some(w), Some(g)) => match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) if !g.is_empty() => variables.push((Cow::Borrowed(name), percent_decode(g)?)),
                Some(_) => return None,
                None if w == g => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// `%XX` escapes decoded; `None` when they do not make UTF-8.
pub(crate) fn percent_decode(segment: &str) -> Option<Cow<'_, str>> {
    if !segment.contains('%') {
        return Some(Cow::Borrowed(segment));
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// A JSON body the route cannot turn into its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    /// Where: a JSON path (`$.response.ssb2018`) or `body`.
    pub field: String,
    pub description: String,
}

impl JsonError {
    /// An error about the body as a whole; `description` may quote the body
    /// (a parser's message does) and is cut to short escaped excerpts.
    fn body(description: impl fmt::Display) -> Self {
        Self { field: "body".into(), description: indikator_app::safe_text::bounded_message(&description.to_string()) }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.description)
    }
}

fn request_json<M>(body: &[u8], params: &Params<'_>) -> Result<Vec<u8>, JsonError>
where
    M: prost::Message + serde::de::DeserializeOwned,
{
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let shape = walk(body, params)?;
    let message: M = if params.is_empty() {
        serde_json::from_slice(body).map_err(JsonError::body)?
    } else {
        serde_json::from_slice(&with_params(body, params, shape.top_keys)).map_err(JsonError::body)?
    };
    Ok(message.encode_to_vec())
}

/// The body's object with the path's variables and the query's fields put
/// first, as JSON strings: `{"name": "value", <the body's members>}`. The
/// body was walked: it is one object, and names none of the parameters.
fn with_params(body: &[u8], params: &Params<'_>, top_keys: usize) -> Vec<u8> {
    let open = body.iter().position(|&b| b == b'{').expect("the walk found an object");
    let extra: usize = params.iter().map(|(k, v)| k.len() + v.len() + 8).sum();
    let mut spliced = Vec::with_capacity(body.len() + extra);
    spliced.extend_from_slice(&body[..=open]);
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            spliced.push(b',');
        }
        serde_json::to_writer(&mut spliced, name.as_ref()).expect("a string writes to a Vec");
        spliced.push(b':');
        serde_json::to_writer(&mut spliced, value.as_ref()).expect("a string writes to a Vec");
    }
    if top_keys > 0 {
        spliced.push(b',');
    }
    spliced.extend_from_slice(&body[open + 1..]);
    spliced
}

fn response_json<M>(bytes: &[u8]) -> Result<Vec<u8>, JsonError>
where
    M: prost::Message + Default + serde::Serialize,
{
    let message = M::decode(bytes).map_err(JsonError::body)?;
    serde_json::to_vec(&message).map_err(JsonError::body)
}

/// Rejects a JSON body with a list of more than [`MAX_LIST`] elements, an
/// object of more than [`MAX_LIST`] keys, or more than [`MAX_ELEMENTS`] list
/// elements and keys in all, naming the list or object: the bounds the wire
/// codec puts on protobuf requests, checked here by walking the text without
/// building anything, so that a small body cannot decode into a large message.
/// (The server walks bodies with their parameters, `with_params`; this is
/// the same walk without any, for the tests of the bounds.)
#[cfg(test)]
fn check_bounds(json: &[u8]) -> Result<(), JsonError> {
    walk(json, &[]).map(|_| ())
}

/// What walking a body found out about its top level.
struct Shape {
    /// Keys of the top-level object.
    top_keys: usize,
}

/// Walks `json` with the limits above; with `params`, the body must
/// be one object that names none of them.
fn walk(json: &[u8], params: &Params<'_>) -> Result<Shape, JsonError> {
    let mut walk = Walk { path: Vec::new(), elements: 0, top_keys: 0, top_object: false, params, exceeded: None };
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let walked = (&mut walk).deserialize(&mut deserializer).and_then(|()| deserializer.end());
    match (walk.exceeded, walked) {
        (Some(exceeded), _) => Err(exceeded),
        (None, Err(e)) => Err(JsonError::body(e)),
        (None, Ok(())) if !params.is_empty() && !walk.top_object => Err(JsonError::body("expected a JSON object")),
        (None, Ok(())) => Ok(Shape { top_keys: walk.top_keys }),
    }
}

/// An object's key, borrowed from the text unless it has escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

/// One step down a JSON document: an object's key or a list's index.
enum Step<'de> {
    Key(Cow<'de, str>),
    Index(usize),
}

struct Walk<'de, 'p> {
    /// The keys and indices down to the value being walked (kept for the
    /// error's path; keys are borrowed from the text where they can be).
    path: Vec<Step<'de>>,
    /// List elements and object keys so far.
    elements: usize,
    top_keys: usize,
    top_object: bool,
    /// Names the body must not give (the path's variables and the query's fields).
    params: &'p Params<'p>,
    exceeded: Option<JsonError>,
}

impl Walk<'_, '_> {
    /// The JSON path to the value being walked, its keys escaped and the
    /// whole cut to an excerpt.
    fn here(&self) -> String {
        use std::fmt::Write as _;
        let mut path = String::from("$");
        for step in &self.path {
            match step {
                Step::Key(key) => {
                    let _ = write!(path, ".{}", indikator_app::safe_text::LogSafe(key));
                }
                Step::Index(index) => {
                    let _ = write!(path, "[{index}]");
                }
            }
        }
        indikator_app::safe_text::clip(&path, indikator_app::safe_text::MAX_EXCERPT_BYTES)
    }

    fn count<E: de::Error>(&mut self, within: usize, what: &str) -> Result<(), E> {
        self.elements += 1;
        if within > MAX_LIST {
            return Err(self.exceed(format!("{what} may hold at most {MAX_LIST} elements")));
        }
        if self.elements > MAX_ELEMENTS {
            return Err(self.exceed(format!("a request may hold at most {MAX_ELEMENTS} list elements and keys in all")));
        }
        Ok(())
    }

    fn exceed<E: de::Error>(&mut self, description: String) -> E {
        let error = JsonError { field: self.here(), description };
        let message = error.to_string();
        self.exceeded = Some(error);
        E::custom(message)
    }
}

impl<'de> DeserializeSeed<'de> for &mut Walk<'de, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Walk<'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            self.path.push(Step::Index(index));
            let more = seq.next_element_seed(&mut *self)?;
            self.path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
            self.count(index, "a list")?;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let top = self.path.is_empty();
        self.top_object |= top;
        let mut keys = 0usize;
        while let Some(key) = map.next_key_seed(Key)? {
            keys += 1;
            if top {
                self.top_keys += 1;
                if self.params.iter().any(|(name, _)| *name == key) {
                    let error = JsonError {
                        field: indikator_app::safe_text::LogSafe(&key).to_string(),
                        description: "is given twice".into(),
                    };
                    let message = error.to_string();
                    self.exceeded = Some(error);
                    return Err(de::Error::custom(message));
                }
            }
            self.path.push(Step::Key(key));
            self.count(keys, "an object")?;
            map.next_value_seed(&mut *self)?;
            self.path.pop();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_literal_segments_and_variables() {
        let Resolved::Route(route, vars) = resolve("GET", "/v1/methodologies/ks-2018") else { panic!("a route") };
        assert_eq!(route.template, "/v1/methodologies/{methodology_id}");
        assert_eq!(vars, [(Cow::Borrowed("methodology_id"), Cow::Borrowed("ks-2018"))]);
        assert!(
            matches!(resolve("GET", "/v1/methodologies"), Resolved::Route(r, v) if v.is_empty() && r.template == "/v1/methodologies")
        );
        assert!(matches!(resolve("POST", "/v1/rounds:score"), Resolved::Route(r, _) if r.response_stream));
        assert!(matches!(resolve("GET", "/v1/score"), Resolved::WrongVerb(v) if v == ["POST"]));
        assert!(matches!(resolve("GET", "/v1/methodologies/"), Resolved::NotFound));
        assert!(matches!(resolve("GET", "/v1/methodologies/a/b"), Resolved::NotFound));
        assert!(matches!(resolve("GET", "/v2/score"), Resolved::NotFound));
    }

    #[test]
    fn path_variables_are_percent_decoded_and_bad_escapes_match_nothing() {
        let Resolved::Route(_, vars) = resolve("GET", "/v1/methodologies/ks%2D2018") else { panic!("a route") };
        assert_eq!(vars[0].1, "ks-2018");
        assert!(matches!(resolve("GET", "/v1/methodologies/%ZZ"), Resolved::NotFound));
        assert!(matches!(resolve("GET", "/v1/methodologies/%FF"), Resolved::NotFound));
    }

    #[test]
    fn a_list_longer_than_the_wire_limit_is_named_by_its_path() {
        let json = format!(r#"{{"a": {{"b": [{}]}}}}"#, vec!["1"; MAX_LIST + 1].join(","));
        let error = check_bounds(json.as_bytes()).unwrap_err();
        assert_eq!(error.field, "$.a.b");
        // A key with escapes is named unescaped.
        let escaped = format!(r#"{{"a\u0062": [{}]}}"#, vec!["1"; MAX_LIST + 1].join(","));
        assert_eq!(check_bounds(escaped.as_bytes()).unwrap_err().field, "$.ab");
        assert!(error.description.contains("at most 1024"), "{error}");
        let at_limit = format!(r#"{{"a": [{}]}}"#, vec!["{}"; MAX_LIST].join(","));
        check_bounds(at_limit.as_bytes()).unwrap();
    }

    #[test]
    fn many_short_lists_are_bounded_in_all() {
        let list = format!("[{}]", vec!["0"; 1000].join(","));
        let json = format!("[{}]", [list.as_str(); 5].join(","));
        let error = check_bounds(json.as_bytes()).unwrap_err();
        assert!(error.description.contains("in all"), "{error}");
    }

    #[test]
    fn objects_of_more_keys_than_a_list_may_hold_are_refused_by_their_path() {
        let keys: Vec<String> = (0..=MAX_LIST).map(|i| format!("\"k{i}\": 0")).collect();
        let json = format!(r#"{{"response": {{{}}}}}"#, keys.join(","));
        let error = check_bounds(json.as_bytes()).unwrap_err();
        assert_eq!(error.field, "$.response.k1024");
        assert!(error.description.contains("an object may hold at most 1024"), "{error}");
    }

    #[test]
    fn parameters_join_the_body_without_a_tree_and_a_body_naming_one_is_refused() {
        let params: Vec<(Cow<'_, str>, Cow<'_, str>)> = vec![("methodology_id".into(), "ks-2018".into())];
        let spliced = with_params(br#" { "x": [1, 2] } "#, &params, 1);
        assert_eq!(String::from_utf8(spliced).unwrap(), r#" {"methodology_id":"ks-2018", "x": [1, 2] } "#);
        let spliced = with_params(b"{ }", &params, 0);
        assert_eq!(String::from_utf8(spliced).unwrap(), r#"{"methodology_id":"ks-2018" }"#);
        let error = walk(br#"{"methodology_id": "x"}"#, &params).err().unwrap();
        assert_eq!((error.field.as_str(), error.description.as_str()), ("methodology_id", "is given twice"));
        let error = walk(b"[1]", &params).err().unwrap();
        assert_eq!(error.description, "expected a JSON object");
        // Nested keys of the same name are the body's own.
        assert_eq!(walk(br#"{"a": {"methodology_id": 1}}"#, &params).ok().unwrap().top_keys, 1);
    }

    #[test]
    fn a_parser_error_quotes_a_megabyte_string_as_a_short_excerpt() {
        let json = format!(r#"{{"a": "{}"#, "x".repeat(1 << 20));
        let error = check_bounds(json.as_bytes()).unwrap_err();
        assert!(error.description.len() < 400, "{}", error.description.len());
    }

    #[test]
    fn malformed_json_is_reported_with_its_position() {
        let error = check_bounds(b"{\"a\": }").unwrap_err();
        assert_eq!(error.field, "body");
        assert!(error.description.contains("line 1 column 7"), "{error}");
        assert!(check_bounds(b"{} {}").is_err());
    }

    #[test]
    fn every_route_names_a_method_of_the_service() {
        for route in ROUTES {
            assert!(route.grpc_path.starts_with("/indikator.v1.IndicatorService/"), "{route:?}");
        }
        let document: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        assert_eq!(document["openapi"], "3.1.0");
        for route in ROUTES {
            assert!(document["paths"][route.template][route.verb.to_lowercase()].is_object(), "{route:?}");
        }
    }
}
