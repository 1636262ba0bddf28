#!/usr/bin/env python3
"""The batch job's `ssb-2018` work done with polars, as a reference for BENCHMARKS.md.

Reads a CSV round file (docs/batch-formats.md), computes every respondent's
`ssb-2018` counts, scores and grades under the published calibration
(docs/method.md §1) and the round's tables (each score's and grade's
distribution, overall and by county), and writes one CSV row of scores per
respondent and the tables as JSON:

    python3 tools/polars_reference.py ROUND.csv --out-dir DIR

With `--check REPORT.json` (the report `indikator batch ROUND.csv --out
REPORT.json` writes) it also compares every respondent's scores and grades and
the overall distributions with indikator's, and exits 1 on any difference. The
report is read whole with Python's json module, so check on a file of some
tens of thousands of rows, not a million.

It assumes what the batch job validates: every row valid (keys in lower case,
no repeated key in a list), a municipality, and the round's survey year; rows
the server would refuse are not modelled. polars is not a dependency of the
project: `python3 -m venv VENV && VENV/bin/pip install polars`.
"""

import argparse
import json
import os
import sys

import polars as pl

# (column prefix or list column, cut points: lowest count of score 1, 2, 3, 4)
STRATEGY_CUTS = (1, 6, 10, 12)
PROJECTS_CUTS = (1, 5, 7, 9)
INTERNAL_CUTS = (1, 5, 8, 11)
CLOUD_CUTS = (1, 4, 7, 10)
PROCUREMENT_CUTS = (1, 4, 6, 8)
SERVICE_CUTS = (1, 2, 4, 7)

SOURCING = [
    "security_testing", "web_development", "operate_line_of_business_systems",
    "manage_line_of_business_systems", "security_monitoring", "digitalisation_project_management",
    "operate_servers", "user_training", "procurement_project_management", "user_support",
    "strategy_development", "operate_pc_environment",
]
PROCUREMENT = [
    "planning", "receiving_tenders", "evaluation_and_award", "order_handling", "structured_orders",
    "receiving_invoices", "invoice_validation", "contract_follow_up",
]
# Service modes: (key, points for «some», points for about half, most or all).
SERVICE = [("open_access", 1, 3), ("simple_individual", 1, 3), ("complex_individual", 2, 4), ("self_activated", 2, 4)]

SCORES = ["strategy", "projects", "internal_capacity", "cloud", "procurement", "service_offer"]
GRADES = ["digital_priority", "use", "digital_activity"]


def cell(name):
    return pl.col(name).fill_null("").str.strip_chars()


def distinct_items(name):
    """Distinct non-empty keys in a `;` list cell."""
    items = cell(name).str.split(";").list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
    return items.list.unique().list.len().fill_null(0)


def band(count, cuts):
    return sum((count >= c).cast(pl.Int8) for c in cuts)


def any_filled(names):
    return pl.any_horizontal([cell(n) != "" for n in names])


def answered_count(names, yes):
    return sum(cell(n).is_in(yes).cast(pl.Int16) for n in names)


def activity_rule(a, b):
    """The activity composites' rule (docs/method.md §1.3)."""
    lo, hi = pl.min_horizontal(a, b), pl.max_horizontal(a, b)
    return (
        pl.when((a >= 3) & (b >= 3)).then(4)
        .when(a >= 3).then(2)
        .when(b >= 3).then(3)
        .when((hi == 0) | ((lo == 0) & (hi == 1))).then(0)
        .otherwise(1)
    )


def scores(frame):
    sourcing_cols = [f"sourcing_{f}" for f in SOURCING]
    procurement_cols = [f"procurement_{a}" for a in PROCUREMENT]
    service_cols = [f"service_{m}" for m, _, _ in SERVICE]
    points = sum(
        pl.when(cell(f"service_{m}") == "some").then(some)
        .when(cell(f"service_{m}").is_in(["about_half", "most", "all"])).then(more)
        .otherwise(0)
        for m, some, more in SERVICE
    )
    strategy_count = pl.when(cell("has_strategy") == "yes").then(distinct_items("strategy_areas")).otherwise(0)
    projects_count = pl.when(cell("has_projects") == "yes").then(distinct_items("project_areas")).otherwise(0)
    cloud_count = pl.when(cell("uses_cloud") == "yes").then(distinct_items("cloud_areas")).otherwise(0)
    internal_count = answered_count(sourcing_cols, ["exclusively_internal", "mainly_internal"])
    procurement_count = answered_count(procurement_cols, ["yes_fully", "yes_partly"])
    present = {
        "strategy": cell("has_strategy") != "",
        "projects": cell("has_projects") != "",
        "internal_capacity": any_filled(sourcing_cols),
        "cloud": cell("uses_cloud") != "",
        "procurement": any_filled(procurement_cols),
        "service_offer": any_filled(service_cols),
    }
    counts = {
        "strategy": (strategy_count, STRATEGY_CUTS),
        "projects": (projects_count, PROJECTS_CUTS),
        "internal_capacity": (internal_count, INTERNAL_CUTS),
        "cloud": (cloud_count, CLOUD_CUTS),
        "procurement": (procurement_count, PROCUREMENT_CUTS),
        "service_offer": (points, SERVICE_CUTS),
    }
    tried = cell("tried_to_recruit")
    hindrance = cell("hindrance")
    frame = frame.select(
        cell("record_id").alias("record_id"),
        cell("municipality_number").str.slice(0, 2).alias("county"),
        *[pl.when(present[k]).then(c).alias(f"{k}_count") for k, (c, _) in counts.items()],
        *[pl.when(present[k]).then(band(c, cuts)).alias(k) for k, (c, cuts) in counts.items()],
        pl.when(tried == "no").then(pl.lit("NOT_TRIED"))
        .when((tried == "yes") & (distinct_items("recruitment_difficulties") == 0)).then(pl.lit("RECRUITED_WITHOUT_PROBLEMS"))
        .when(tried == "yes").then(pl.lit("STRUGGLED"))
        .alias("recruitment_status"),
        pl.when(hindrance.is_in(["very_small", "fairly_small"])).then(pl.lit("LOW"))
        .when(hindrance == "neither").then(pl.lit("NEITHER"))
        .when(hindrance.is_in(["fairly_large", "very_large"])).then(pl.lit("HIGH"))
        .when(hindrance == "dont_know").then(pl.lit("UNKNOWN"))
        .alias("hindrance_group"),
    )
    s, p = pl.col("strategy"), pl.col("projects")
    frame = frame.with_columns(
        pl.when((s == 0) & (p == 0)).then(0)
        .when((s >= 3) & (p >= 3)).then(4)
        .when(s >= 3).then(2)
        .when(p >= 3).then(3)
        .otherwise(1)
        .alias("digital_priority"),
        activity_rule(pl.col("cloud"), pl.col("procurement")).alias("use"),
        pl.when(pl.col("internal_capacity") >= 3).then(pl.lit("INTERNAL"))
        .when(pl.col("internal_capacity").is_not_null()).then(pl.lit("EXTERNAL"))
        .alias("sourcing_group"),
    )
    return frame.with_columns(activity_rule(pl.col("use"), pl.col("service_offer")).alias("digital_activity"))


def tables(frame):
    """Each score's and grade's distribution, overall and by county."""
    out = {}
    for name in SCORES + GRADES:
        overall = frame.group_by(name).len().drop_nulls(name).sort(name)
        by_county = frame.group_by("county", name).len().drop_nulls(name).sort("county", name)
        out[name] = {
            "overall": {str(k): n for k, n in overall.iter_rows()},
            "by_county": {},
        }
        for county, k, n in by_county.iter_rows():
            out[name]["by_county"].setdefault(county, {})[str(k)] = n
    return out


def check(per_record, tables_json, report_path):
    """Compares with indikator's report; returns the differences found."""
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    ours = {r["record_id"]: r for r in per_record.iter_rows(named=True)}
    problems = []
    overall = {name: {} for name in SCORES + GRADES}
    for card in report["scoreCards"]:
        ssb = card["results"].get("ssb2018", {})
        theirs = {
            "strategy": ssb.get("strategy"),
            "projects": ssb.get("projects"),
            "internal_capacity": ssb.get("internalCapacity"),
            "cloud": ssb.get("cloud"),
            "procurement": ssb.get("procurement"),
            "service_offer": ssb.get("serviceOffer"),
            "digital_priority": ssb.get("digitalPriority"),
            "use": ssb.get("digitalUse"),
            "digital_activity": ssb.get("digitalActivity"),
        }
        mine = ours.get(card.get("recordId", ""))
        if mine is None:
            problems.append(f"{card.get('recordId')}: not in the polars result")
            continue
        for name, value in theirs.items():
            if value is None:
                if mine[name] is not None:
                    problems.append(f"{card['recordId']} {name}: indikator none, polars {mine[name]}")
                continue
            score = value.get("score", value.get("grade", 0))
            overall[name][str(score)] = overall[name].get(str(score), 0) + 1
            if mine[name] != score:
                problems.append(f"{card['recordId']} {name}: indikator {score}, polars {mine[name]}")
            if name in SCORES and mine[f"{name}_count"] != value.get("count", 0):
                problems.append(f"{card['recordId']} {name} count: indikator {value.get('count', 0)}, polars {mine[f'{name}_count']}")
        categories = {
            "recruitment_status": ssb.get("recruitmentStatus", "").removeprefix("RECRUITMENT_STATUS_") or None,
            "hindrance_group": ssb.get("hindranceGroup", "").removeprefix("HINDRANCE_GROUP_") or None,
            "sourcing_group": ssb.get("competenceProfile", {}).get("sourcingGroup", "").removeprefix("SOURCING_GROUP_")
            or None,
        }
        for name, value in categories.items():
            if mine[name] != value:
                problems.append(f"{card['recordId']} {name}: indikator {value}, polars {mine[name]}")
    for name in SCORES + GRADES:
        if overall[name] != tables_json[name]["overall"]:
            problems.append(f"{name} distribution: indikator {overall[name]}, polars {tables_json[name]['overall']}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("round_csv")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--check", metavar="REPORT_JSON")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    frame = pl.scan_csv(args.round_csv, infer_schema=False)
    per_record = scores(frame).collect()
    per_record.write_csv(os.path.join(args.out_dir, "scores.csv"))
    tables_json = tables(per_record)
    with open(os.path.join(args.out_dir, "tables.json"), "w", encoding="utf-8") as f:
        json.dump(tables_json, f, indent=1, sort_keys=True)
    print(f"{per_record.height} respondents", file=sys.stderr)
    if args.check:
        problems = check(per_record, tables_json, args.check)
        for p in problems[:20]:
            print(p, file=sys.stderr)
        print(f"check against {args.check}: {len(problems)} differences", file=sys.stderr)
        sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
