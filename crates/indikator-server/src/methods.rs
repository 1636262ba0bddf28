//! The server's own gRPC methods by path, read once from the descriptors of
//! the services it serves (indicators, health, reflection): what spans,
//! metrics and the audit log name a call by (never the raw path), and whether
//! a method's request is a stream.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Value of `rpc.service` / `rpc.method` for names the server does not have.
pub(crate) const OTHER: &str = "_OTHER";

/// A call's method as spans, metrics and logs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MethodName {
    /// `rpc.service`: a service of the server's, or [`OTHER`].
    pub service: &'static str,
    /// `rpc.method`: a method of that service, or [`OTHER`].
    pub method: &'static str,
    /// Whether the client sends a stream (false for unknown methods).
    pub client_streaming: bool,
}

impl MethodName {
    /// `service/method`, as the audit log writes it.
    pub(crate) fn route(&self) -> String {
        format!("{}/{}", self.service, self.method)
    }
}

/// The [`MethodName`] of a request path.
pub(crate) fn method_name(path: &str) -> MethodName {
    static KNOWN: LazyLock<HashMap<&'static str, Vec<(&'static str, bool)>>> = LazyLock::new(|| {
        use prost::Message as _;
        let sets = [
            indikator_app::proto::FILE_DESCRIPTOR_SET,
            tonic_health::pb::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
            tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
        ];
        let mut known = HashMap::new();
        for set in sets {
            let set = prost_types::FileDescriptorSet::decode(set).expect("built-in descriptors decode");
            for file in set.file {
                for service in &file.service {
                    let name = match file.package() {
                        "" => service.name().to_owned(),
                        package => format!("{package}.{}", service.name()),
                    };
                    let methods = service
                        .method
                        .iter()
                        .map(|m| (&*Box::leak(m.name().to_owned().into_boxed_str()), m.client_streaming()));
                    known.insert(&*Box::leak(name.into_boxed_str()), methods.collect());
                }
            }
        }
        known
    });
    let (service, method) = split_path(path);
    match KNOWN.get_key_value(service) {
        Some((service, methods)) => match methods.iter().find(|(m, _)| *m == method) {
            Some(&(method, client_streaming)) => MethodName { service, method, client_streaming },
            None => MethodName { service, method: OTHER, client_streaming: false },
        },
        None => MethodName { service: OTHER, method: OTHER, client_streaming: false },
    }
}

fn split_path(path: &str) -> (&str, &str) {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    (parts.next().unwrap_or_default(), parts.next().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_are_only_the_servers_own_services_and_methods() {
        let score = method_name("/indikator.v1.IndicatorService/Score");
        assert_eq!(
            (score.service, score.method, score.client_streaming),
            ("indikator.v1.IndicatorService", "Score", false)
        );
        assert!(method_name("/indikator.v1.IndicatorService/ScoreRound").client_streaming);
        assert_eq!(method_name("/indikator.v1.IndicatorService/Nope").method, OTHER);
        let raw = format!("/{}\u{202e}/x", "a".repeat(65_000));
        assert_eq!(method_name(&raw).route(), "_OTHER/_OTHER");
        assert_eq!(method_name("/grpc.health.v1.Health/Check").route(), "grpc.health.v1.Health/Check");
    }

    fn names(path: &str) -> (&'static str, &'static str) {
        let name = method_name(path);
        (name.service, name.method)
    }

    #[test]
    fn rpc_attributes_name_only_the_servers_own_services_and_methods() {
        assert_eq!(names("/indikator.v1.IndicatorService/Score"), ("indikator.v1.IndicatorService", "Score"));
        assert_eq!(names("/grpc.health.v1.Health/Watch"), ("grpc.health.v1.Health", "Watch"));
        assert_eq!(
            names("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
            ("grpc.reflection.v1alpha.ServerReflection", "ServerReflectionInfo")
        );
        assert_eq!(names("/indikator.v1.IndicatorService/Score-0301"), ("indikator.v1.IndicatorService", OTHER));
        assert_eq!(names("/municipality.0301/Score"), (OTHER, OTHER));
        assert_eq!(names("/"), (OTHER, OTHER));
    }

    #[test]
    fn paths_split_into_service_and_method() {
        assert_eq!(split_path("/indikator.v1.IndicatorService/Score"), ("indikator.v1.IndicatorService", "Score"));
    }
}
