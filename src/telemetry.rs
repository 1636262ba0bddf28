//! Logging set-up: `tracing` with an EnvFilter, text or JSON lines on stderr.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::configuration::{LogArgs, LogFormat};

/// Chatty transport crates stay at `warn` unless the filter names them:
/// TRACE from them costs far more than the scoring itself.
const QUIET: [&str; 5] = ["h2", "hyper", "hyper_util", "tower", "tonic::transport"];

/// The filter for a user-given directive string.
pub fn filter(directives: &str) -> Result<EnvFilter, tracing_subscriber::filter::ParseError> {
    let mut filter = EnvFilter::builder().parse(directives)?;
    for target in QUIET {
        if !directives.split(',').any(|d| d.trim().starts_with(target)) {
            filter = filter.add_directive(format!("{target}=warn").parse()?);
        }
    }
    Ok(filter)
}

/// Installs the global subscriber. Call once, from the binary.
pub fn init(args: &LogArgs) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let filter = filter(&args.log_level)?;
    let registry = tracing_subscriber::registry().with(filter);
    match args.log_format {
        LogFormat::Text => registry.with(fmt::layer().with_writer(std::io::stderr)).try_init()?,
        LogFormat::Json => registry.with(fmt::layer().json().with_writer(std::io::stderr)).try_init()?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_crates_are_kept_at_warn_unless_named() {
        let f = filter("trace").unwrap().to_string();
        assert!(f.contains("h2=warn") && f.contains("hyper=warn") && f.contains("tower=warn"), "{f}");
        let f = filter("info,h2=debug").unwrap().to_string();
        assert!(f.contains("h2=debug") && !f.contains("h2=warn"), "{f}");
    }

    #[test]
    fn a_bad_filter_is_an_error() {
        assert!(filter("info,=[").is_err());
    }
}
