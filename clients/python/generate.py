"""Generates the Python stubs of indikator.v1 from the repository's protos.

The stubs are not committed: every run of example.py writes them afresh into
build/ beside this file (or into the directory given as the first argument),
so they always match proto/indikator/v1/.

    python generate.py [OUT_DIR]
"""

import sys
from pathlib import Path

from grpc_tools import protoc

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parent.parent / "proto"
DEFAULT_OUT = HERE / "build"


def generate(out_dir: Path = DEFAULT_OUT) -> Path:
    """Writes *_pb2.py and *_pb2_grpc.py for every proto under proto/ into
    out_dir (the packages indikator.v1 and the vendored google.api that its
    HTTP annotations import) and returns out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))
    # grpc_tools ships the well-known types (google/protobuf/*.proto).
    well_known = Path(protoc.__file__).resolve().parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise RuntimeError(f"protoc failed on {PROTO_ROOT}")
    return out_dir


if __name__ == "__main__":
    out = generate(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
    print(f"stubs written to {out}")
