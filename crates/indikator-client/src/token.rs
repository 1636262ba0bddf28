//! `--token-file`: an OAuth2 access token sent as `authorization: Bearer …`.
//! The file is read for each run, so a token refreshed on disk (by a sidecar
//! that fetches Maskinporten tokens, say) is picked up.

use std::path::{Path, PathBuf};

use tonic::metadata::{Ascii, MetadataValue};

/// Why a token file gave no token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: no token in the file", path.display())]
    Empty { path: PathBuf },
    #[error("{}: the token has characters a token cannot have", path.display())]
    Invalid { path: PathBuf },
}

/// The `authorization` value for the token in `path` (surrounding whitespace
/// trimmed).
pub(crate) fn bearer(path: &Path) -> Result<MetadataValue<Ascii>, TokenError> {
    let text = std::fs::read_to_string(path).map_err(|source| TokenError::Read { path: path.to_owned(), source })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(TokenError::Empty { path: path.to_owned() });
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(TokenError::Invalid { path: path.to_owned() });
    }
    format!("Bearer {token}").parse().map_err(|_| TokenError::Invalid { path: path.to_owned() })
}

/// `message` as a request carrying the token from `path`, if any.
pub(crate) fn request<T>(message: T, path: Option<&Path>) -> Result<tonic::Request<T>, TokenError> {
    let mut request = tonic::Request::new(message);
    if let Some(path) = path {
        request.metadata_mut().insert("authorization", bearer(path)?);
    }
    Ok(request)
}
