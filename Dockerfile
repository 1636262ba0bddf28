# syntax=docker/dockerfile:1
#
# indikator: a static release binary on distroless, non-root, no shell.
#
#   podman build -t indikator .        (or: docker build -t indikator .)
#   podman run --rm -p 50051:50051 indikator
#
# Lint: .ci/lint-deploy.sh (hadolint). See deploy/README.md.

# ---------------------------------------------------------------------------
# Builder: Rust 1.95 on Debian bookworm (gcc + libc6-dev, so glibc's static
# libc.a is there for +crt-static; ring and zstd's C code are built by cc).
# ---------------------------------------------------------------------------
FROM docker.io/library/rust:1.95.0-slim-bookworm AS builder

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# The target triple is explicit so that RUSTFLAGS (crt-static) applies to the
# binary only, never to build scripts or proc macros. Build natively on arm64
# with --build-arg RUST_TARGET=aarch64-unknown-linux-gnu.
ARG RUST_TARGET=x86_64-unknown-linux-gnu
# Symbols are stripped from the shipped binary only (15.1 → 12.1 MB); local
# release builds keep them for perf and callgrind.
ENV CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0 \
    CARGO_PROFILE_RELEASE_STRIP=symbols \
    RUSTFLAGS="-C target-feature=+crt-static"

WORKDIR /build

# 1. Dependencies only: this layer is rebuilt when a manifest or Cargo.lock
#    changes, not when the sources do. Stub targets stand in for each
#    workspace crate's own (lib, build script, bin, and the [[test]] and
#    [[bench]] targets the root manifest names); the crates' own fingerprints
#    are then dropped so that step 2 always rebuilds them from the real
#    sources, whatever their timestamps. Only the binary and what it depends
#    on is built (`-p indikator`): not the test-only crate, not the load tool.
COPY Cargo.toml Cargo.lock ./
COPY crates/indikator-core/Cargo.toml ./crates/indikator-core/
COPY crates/indikator-app/Cargo.toml ./crates/indikator-app/
COPY crates/indikator-server/Cargo.toml ./crates/indikator-server/
COPY crates/indikator-client/Cargo.toml ./crates/indikator-client/
COPY crates/indikator-testing/Cargo.toml ./crates/indikator-testing/
COPY tools/loadtest/Cargo.toml ./tools/loadtest/
RUN mkdir -p src/bin/indikator tests/api benches tools/loadtest/src \
    && for crate in core app server client testing; do \
           mkdir -p "crates/indikator-${crate}/src" && : > "crates/indikator-${crate}/src/lib.rs"; \
       done \
    && for crate in app server client; do echo 'fn main() {}' > "crates/indikator-${crate}/build.rs"; done \
    && echo 'fn main() {}' > tools/loadtest/src/main.rs \
    && echo 'fn main() {}' > src/bin/indikator/main.rs \
    && echo 'fn main() {}' > tests/api/main.rs \
    && echo 'fn main() {}' > benches/scoring.rs \
    && echo 'fn main() {}' > benches/batch_csv.rs \
    && cargo build --release --locked -p indikator --target "${RUST_TARGET}" \
    && rm -rf src crates tests benches \
        "target/${RUST_TARGET}/release/.fingerprint/indikator-"* \
        "target/${RUST_TARGET}/release/build/indikator-"* \
        "target/${RUST_TARGET}/release/deps/indikator-"* \
        "target/${RUST_TARGET}/release/deps/libindikator_"* \
        "target/${RUST_TARGET}/release/indikator"

# 2. The crates themselves: only what the release binary is built from
#    (the build scripts compile proto/; the core embeds data/ and catalogues/).
COPY crates ./crates
COPY proto ./proto
COPY data ./data
COPY catalogues ./catalogues
COPY src ./src
RUN cargo build --release --locked -p indikator --target "${RUST_TARGET}" \
    && bin="target/${RUST_TARGET}/release/indikator" \
    && if readelf -d "${bin}" | grep -q 'NEEDED'; then \
           echo "error: ${bin} is dynamically linked" >&2; exit 1; \
       fi \
    && install -D -m 0555 "${bin}" /out/indikator

# ---------------------------------------------------------------------------
# Runtime: distroless static (CA certificates, /etc/passwd with nonroot
# 65532, tzdata; no shell, no package manager) plus the one binary.
# ---------------------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="indikator" \
      org.opencontainers.image.description="gRPC service computing Norwegian municipal digitalisation indicators from survey responses" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot"

COPY --from=builder /out/indikator /indikator

USER 65532:65532
EXPOSE 50051

# grpc.health.v1.Health/Check on 127.0.0.1:50051; exit 0 when SERVING.
# (Docker honours this; podman only with --format docker; Kubernetes ignores
# it and uses the probes in deploy/deployment.yaml.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/indikator", "health"]

ENTRYPOINT ["/indikator"]
CMD ["serve"]
