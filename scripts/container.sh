#!/usr/bin/env bash
# The container under attack (RELIABILITY.md): builds the image offline from a
# static release binary (Containerfile.scratch, FROM scratch: no registry), runs
# it at the Deployment's memory limit (deploy/deployment.yaml), replays the
# hostile-input attacks (scripts/attacks.py) and checks after each one that the
# container was not OOM-killed and that a normal Score call succeeds.
#
#   bash scripts/container.sh [--binary PATH] [--port N] [--keep] [--no-podman]
#                             [-- ATTACKS.PY OPTIONS, e.g. --rounds 50 --only 1,2]
#
# Needs: Linux with a cgroup memory controller, podman + runc (installed with
# apt-get when missing and run as root), python3 with venv (grpcio, grpcio-tools,
# h2, zstandard and googleapis-common-protos are installed from PyPI into a cache venv), the Rust toolchain
# unless --binary is given. Exit status: 0 when no attack got the container
# OOM-killed and every normal call succeeded; 1 when one did; 2 when it could not
# run the test at all.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=""
port=""
keep=0
use_podman=1
attack_args=()
while (($#)); do
    case "$1" in
        --binary) binary=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --no-podman) use_podman=0; shift ;;
        --) shift; attack_args=("$@"); break ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "container.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { printf '==> %s\n' "$*"; }
die() { printf 'container.sh: error: %s\n' "$*" >&2; exit 2; }
loud() {
    printf '\n%s\n' "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
    printf '!!! %s\n' "$@" >&2
    printf '%s\n\n' "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
}
started=$SECONDS
cd "$repo"

# --- the memory limit the Deployment sets -----------------------------------
limit=$(awk '/^[[:space:]]*limits:/ {in_limits=1; next}
             in_limits && /^[[:space:]]*memory:/ {gsub(/["'\'']/, "", $2); print $2; exit}
             in_limits && /^[[:space:]]*[a-zA-Z]+:[[:space:]]*$/ {in_limits=0}' deploy/deployment.yaml)
[[ -n $limit ]] || die "no resources.limits.memory in deploy/deployment.yaml"
case "$limit" in
    *Gi) limit_bytes=$(( ${limit%Gi} * 1024 * 1024 * 1024 )) ;;
    *Mi) limit_bytes=$(( ${limit%Mi} * 1024 * 1024 )) ;;
    *Ki) limit_bytes=$(( ${limit%Ki} * 1024 )) ;;
    *G) limit_bytes=$(( ${limit%G} * 1000000000 )) ;;
    *M) limit_bytes=$(( ${limit%M} * 1000000 )) ;;
    *[0-9]) limit_bytes=$limit ;;
    *) die "cannot read the memory limit '$limit'" ;;
esac
say "memory limit from deploy/deployment.yaml: $limit ($limit_bytes bytes)"

# --- the static binary ----------------------------------------------------------
if [[ -z $binary ]]; then
    target_dir=${CARGO_TARGET_DIR:-$repo/target}
    say "building the static release binary (CARGO_TARGET_DIR=$target_dir)"
    CARGO_TARGET_DIR=$target_dir CARGO_INCREMENTAL=0 CARGO_PROFILE_RELEASE_STRIP=symbols \
        RUSTFLAGS="-C target-feature=+crt-static" \
        cargo build --release --locked -p indikator --target x86_64-unknown-linux-gnu
    binary=$target_dir/x86_64-unknown-linux-gnu/release/indikator
fi
[[ -x $binary ]] || die "no executable binary at $binary"
if readelf -d "$binary" | grep -q NEEDED; then
    die "$binary is dynamically linked (readelf -d lists NEEDED); build it with RUSTFLAGS='-C target-feature=+crt-static' --target x86_64-unknown-linux-gnu"
fi
say "binary: $binary ($(du -h "$binary" | cut -f1), static)"

# --- a free port ------------------------------------------------------------
if [[ -z $port ]]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi

# --- the attack client: a venv and the stubs --------------------------------
venv=${INDIKATOR_ATTACK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/indikator-container/venv}
if ! "$venv/bin/python" -c 'import grpc, grpc_tools, h2, zstandard, google.api.annotations_pb2' 2>/dev/null; then
    say "installing the attack client's packages into $venv (grpcio grpcio-tools h2 zstandard googleapis-common-protos, from PyPI)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check grpcio grpcio-tools h2 zstandard googleapis-common-protos
fi
work=$(mktemp -d -t indikator-container.XXXXXX)
mkdir -p "$work/pb"
"$venv/bin/python" -m grpc_tools.protoc -Iproto --python_out="$work/pb" proto/indikator/v1/*.proto

name=indikator-attack-$$
server_pid=""
cg_dir=""
cleanup() {
    local rc=$?
    if ((use_podman)) && [[ -n ${podman:-} ]]; then
        if ((rc != 0)); then
            say "last lines of the container's log (control characters shown by cat -v):"
            $podman logs --tail 15 "$name" 2>&1 | cut -c1-300 | cat -v || true
        fi
        if ((keep)); then
            say "kept: $podman ps -a --filter name=$name (TLS files in $work are removed)"
        else
            $podman rm -f -i -t 2 "$name" "$name-tls" >/dev/null 2>&1 || true
        fi
    fi
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
    fi
    if [[ -f $work/pid ]]; then
        kill "$(cat "$work/pid")" 2>/dev/null || true
    fi
    [[ -n $cg_dir ]] && { sleep 1; rmdir "$cg_dir" 2>/dev/null || true; }
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT

# --- podman: install, build, run ----------------------------------------------
podman=""
if ((use_podman)); then
    if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
            say "podman or runc is missing: installing them (apt-get install -y podman runc)"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null \
                || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null; }
        else
            die "podman and runc are needed (apt-get install podman runc, as root)"
        fi
    fi
    # vfs: no overlay or fuse needed; runc: the OCI runtime Debian ships that
    # handles cgroup v1 and v2.
    podman="podman --storage-driver vfs --runtime runc"
    revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    version=$(awk -F'"' '/^version *=/ {print $2; exit}' Cargo.toml)
    ctx=$work/image
    mkdir -p "$ctx"
    install -m 0555 "$binary" "$ctx/indikator"
    echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > "$ctx/passwd"
    echo 'nonroot:x:65532:' > "$ctx/group"
    say "building the image offline: $podman build -f Containerfile.scratch (FROM scratch)"
    $podman build --quiet --pull=never -f Containerfile.scratch -t localhost/indikator:scratch \
        --build-arg VERSION="$version" --build-arg REVISION="$revision" "$ctx" >/dev/null
    size=$($podman image inspect --format '{{.Size}}' localhost/indikator:scratch)
    say "image localhost/indikator:scratch: $size bytes ($(numfmt --to=iec-i --suffix=B "$size")), revision $revision"

    mem=$(( limit_bytes / 1024 / 1024 ))m
    say "starting the container: --memory $mem --read-only --user 65532 on 127.0.0.1:$port"
    # conmon runs in podman's working directory and may leave a file there (an
    # `oom` marker on a kill): run podman from the scratch directory.
    cd "$work"
    if ! $podman run -d --name "$name" --network=host --read-only \
            --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
            --memory "$mem" --memory-swap "$mem" \
            --cap-drop ALL --security-opt no-new-privileges \
            -e INDIKATOR_LISTEN="127.0.0.1:$port" -e INDIKATOR_LOG=info \
            localhost/indikator:scratch >"$work/run.out" 2>&1; then
        cat "$work/run.out" >&2
        $podman rm -f "$name" >/dev/null 2>&1 || true
        loud "podman cannot run containers on this machine (see the error above)." \
             "Falling back to the same static binary in a memory cgroup of $limit, NOT in a container."
        use_podman=0
    else
        sleep 1
        pid=$($podman inspect --format '{{.State.Pid}}' "$name")
        if [[ $pid == 0 ]]; then
            $podman logs "$name" >&2 || true
            die "the container exited at once"
        fi
        cg_line=$(grep -E '(^|,)memory(,|:)|^0::' "/proc/$pid/cgroup" | head -1)
        cg_path=${cg_line##*:}
        if [[ -f /sys/fs/cgroup/memory$cg_path/memory.limit_in_bytes ]]; then
            applied=$(cat "/sys/fs/cgroup/memory$cg_path/memory.limit_in_bytes")
        elif [[ -f /sys/fs/cgroup$cg_path/memory.max ]]; then
            applied=$(cat "/sys/fs/cgroup$cg_path/memory.max")
        else
            applied=unknown
        fi
        if [[ $applied != "$limit_bytes" ]]; then
            loud "the container's memory cgroup limit is '$applied', not $limit_bytes:" \
                 "podman could not apply --memory here; the results would not be at the Deployment's limit."
            exit 2
        fi
        say "container $name: pid $pid, memory cgroup $cg_path, limit $applied bytes (enforced by the kernel)"
        user=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
        say "running as uid $user, read-only root filesystem, nofile 1024"

        # A second container with TLS on, for the silent-ClientHello attack (10).
        if command -v openssl >/dev/null; then
            tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
            mkdir -p "$work/tls"
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
                -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
                -keyout "$work/tls/tls.key" -out "$work/tls/tls.crt" >/dev/null 2>&1
            chmod 0755 "$work/tls"; chmod 0644 "$work/tls/tls.key" "$work/tls/tls.crt"
            say "starting a second container with TLS on (same limits) on 127.0.0.1:$tls_port"
            $podman run -d --name "$name-tls" --network=host --read-only \
                --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
                --memory "$mem" --memory-swap "$mem" \
                --cap-drop ALL --security-opt no-new-privileges \
                -v "$work/tls:/tls:ro" -e INDIKATOR_TLS_CERT=/tls/tls.crt -e INDIKATOR_TLS_KEY=/tls/tls.key \
                -e INDIKATOR_LISTEN="127.0.0.1:$tls_port" -e INDIKATOR_LOG=info \
                localhost/indikator:scratch >/dev/null
        else
            say "no openssl: attack 10 (TLS) is skipped"
        fi
    fi
fi

cd "$repo"

# --- fallback: the binary in a memory cgroup, not a container -------------------
restart_cmd=""
if ((!use_podman)); then
    v1=/sys/fs/cgroup/memory
    if [[ -w $v1 && -f $v1/memory.limit_in_bytes ]]; then
        cg_dir=$v1/indikator-attack-$$
        mkdir -p "$cg_dir"
        echo "$limit_bytes" > "$cg_dir/memory.limit_in_bytes"
        [[ -f $cg_dir/memory.memsw.limit_in_bytes ]] && echo "$limit_bytes" > "$cg_dir/memory.memsw.limit_in_bytes" 2>/dev/null || true
    elif [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null \
            && [[ -w /sys/fs/cgroup ]]; then
        cg_dir=/sys/fs/cgroup/indikator-attack-$$
        mkdir -p "$cg_dir"
        echo "$limit_bytes" > "$cg_dir/memory.max"
        echo 0 > "$cg_dir/memory.swap.max" 2>/dev/null || true
    else
        loud "no writable cgroup memory controller either: the memory limit cannot be enforced." \
             "(prlimit --as limits address space, not memory: the server's thread stacks and" \
             "allocator arenas reserve far more than they use, so it would not be the same test.)"
        exit 2
    fi
    loud "MODE: bare process in cgroup $cg_dir with a $limit limit (not a container)."
    cat > "$work/start.sh" <<EOF
#!/usr/bin/env bash
# Starts the server in the memory cgroup (and again after a kill).
cd /
( echo \$BASHPID > "$cg_dir/cgroup.procs"
  INDIKATOR_LISTEN=127.0.0.1:$port INDIKATOR_LOG=info exec "$binary" serve >>"$work/server.log" 2>&1 ) &
echo \$! > "$work/pid"
EOF
    bash "$work/start.sh"
    server_pid=$(cat "$work/pid")
    restart_cmd="bash $work/start.sh"
fi

# --- the attacks ----------------------------------------------------------------
say "replaying the attacks (scripts/attacks.py ${attack_args[*]:-})"
args=(--port "$port" --pb "$work/pb" --repo "$repo" --json "$work/results.json")
if ((use_podman)); then
    args+=(--podman "$podman" --container "$name")
    [[ -n ${tls_port:-} ]] && args+=(--tls-port "$tls_port" --tls-container "$name-tls" --tls-ca "$work/tls/tls.crt")
else
    args+=(--pid-file "$work/pid" --cgroup "$cg_dir" --restart-cmd "$restart_cmd" --server-log "$work/server.log")
fi
set +e
"$venv/bin/python" scripts/attacks.py "${args[@]}" "${attack_args[@]}"
rc=$?
set -e
[[ -n ${INDIKATOR_ATTACK_RESULTS:-} && -f $work/results.json ]] && cp "$work/results.json" "$INDIKATOR_ATTACK_RESULTS"
say "done in $((SECONDS - started)) s (exit $rc)"
exit "$rc"
