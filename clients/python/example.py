"""Calls indikator over plain gRPC (grpcio): scores one response, then streams
a whole survey round through ScoreRound.

    python example.py [--server localhost:50051]

The stubs are generated from ../../proto into build/ first (generate.py).
"""

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

import grpc
from google.protobuf import json_format

from generate import generate

sys.path.insert(0, str(generate()))
from indikator.v1 import indikator_service_pb2 as pb  # noqa: E402
from indikator.v1 import indikator_service_pb2_grpc as pb_grpc  # noqa: E402
from indikator.v1 import results_pb2, round_pb2  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def score_one(stub: pb_grpc.IndicatorServiceStub) -> None:
    """Score: examples/score-request.json, parsed from proto3 JSON."""
    request = json_format.Parse((EXAMPLES / "score-request.json").read_text(encoding="utf-8"), pb.ScoreRequest())
    results = stub.Score(request, timeout=30).results

    who = results.respondent
    print(f"Score: {who.name} ({who.municipality_number}, {who.county_name}, {who.region})")
    ssb = results.ssb_2018
    print(f"  ssb-2018 digital priority: grade {ssb.digital_priority.grade} ({ssb.digital_priority.label_en})")
    print(f"  ssb-2018 digital activity: grade {ssb.digital_activity.grade} ({ssb.digital_activity.label_en})")
    print(f"  ssb-2018 competence profile: {ssb.competence_profile.code}")
    scored = [a for a in results.ks_2018.areas if a.HasField("score")]
    print(f"  ks-2018 areas scored: {len(scored)} of {len(results.ks_2018.areas)}"
          + "".join(f"; {a.area_id} {a.score:.2f}" for a in scored))
    overall = results.riksrevisjonen_2015.overall
    print(f"  riksrevisjonen-2015: {overall.reported} of {overall.total} services reported,"
          f" {overall.share_at_least_1:.1%} offered as online self-service (level >= 1)")
    print(f"  flags: {', '.join(results_pb2.FlagCode.Name(f.code) for f in results.flags) or 'none'}")


def read_round(path: Path):
    """Each line of the JSON Lines file is one ScoreRoundRequest: the header, then the records."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json_format.Parse(line, round_pb2.ScoreRoundRequest())


def score_round(stub: pb_grpc.IndicatorServiceStub) -> None:
    """ScoreRound: the client streams the round, the server streams score cards,
    rejections, then the summary."""
    path = EXAMPLES / "round-2018.jsonl"
    kinds = Counter()
    summary = None
    for message in stub.ScoreRound(read_round(path), timeout=120):
        kind = message.WhichOneof("item")
        kinds[kind] += 1
        if kind == "summary":
            summary = message.summary

    print(f"ScoreRound: {path.name}: {kinds['score_card']} score cards, {kinds['rejection']} rejections, "
          f"{kinds['summary']} summary")
    acc = summary.accounting
    print(f"  round {summary.round_id} ({summary.survey_year}): received {acc.received},"
          f" scored {acc.scored}, rejected {acc.rejected}")
    print(f"  calibration: {round_pb2.Calibration.Name(summary.calibration.used)}")
    overall = next(g for g in summary.groups if g.dimension == round_pb2.GROUP_DIMENSION_OVERALL)
    priority = next(c for c in overall.composites if c.indicator == "ssb-2018/digital_priority")
    print(f"  {len(summary.groups)} groups; overall n = {overall.n};"
          f" digital priority by grade 0-4: {list(priority.per_grade)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("INDIKATOR_SERVER", "localhost:50051"),
                        help="the plain-text gRPC server, host:port or http://host:port"
                        " (default: $INDIKATOR_SERVER or localhost:50051)")
    args = parser.parse_args()
    # grpcio wants host:port; accept the http://host:port form the other clients use.
    target = args.server.removeprefix("http://")
    # The round summary can be several megabytes; the server's default limit is higher than grpcio's 4 MiB.
    options = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    with grpc.insecure_channel(target, options=options) as channel:
        stub = pb_grpc.IndicatorServiceStub(channel)
        score_one(stub)
        score_round(stub)


if __name__ == "__main__":
    main()
