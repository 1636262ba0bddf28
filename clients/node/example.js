// Calls indikator over gRPC-Web (HTTP/1.1) with Connect for Node.js:
// Score (unary) with ../../examples/score-request.json, GetMethodology (unary),
// and the health service's Check (unary) and Watch (server streaming).
//
//   npm ci && npx buf generate && node example.js [http://localhost:50051]
//
// Exits non-zero when a call fails.

import { readFileSync } from "node:fs";
import { fromJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

import { createIndikatorClients } from "./src/client.js";
import { ScoreRequestSchema } from "./src/gen/indikator/v1/indikator_service_pb.js";
import { FlagCode } from "./src/gen/indikator/v1/results_pb.js";
import { HealthCheckResponse_ServingStatus as ServingStatus } from "./src/gen/grpc/health/v1/health_pb.js";

const baseUrl = process.argv[2] ?? process.env.INDIKATOR_SERVER ?? "http://localhost:50051";
const { indicators, health } = createIndikatorClients(baseUrl);
console.log(`gRPC-Web (HTTP/1.1) to ${baseUrl}`);

async function score() {
  const json = JSON.parse(readFileSync(new URL("../../examples/score-request.json", import.meta.url), "utf8"));
  let contentType = "";
  const { results } = await indicators.score(fromJson(ScoreRequestSchema, json), {
    timeoutMs: 30_000,
    onHeader: (headers) => (contentType = headers.get("content-type")),
  });
  const who = results.respondent;
  const ssb = results.ssb2018;
  console.log(`Score (answered as ${contentType}): ${who.name} (${who.municipalityNumber}, ${who.countyName}, ${who.region})`);
  console.log(`  ssb-2018 digital priority: grade ${ssb.digitalPriority.grade} (${ssb.digitalPriority.labelEn})`);
  console.log(`  ssb-2018 digital activity: grade ${ssb.digitalActivity.grade} (${ssb.digitalActivity.labelEn})`);
  const scored = results.ks2018.areas.filter((a) => a.score !== undefined);
  console.log(
    `  ks-2018 areas scored: ${scored.length} of ${results.ks2018.areas.length}` +
      scored.map((a) => `; ${a.areaId} ${a.score.toFixed(2)}`).join(""),
  );
  console.log(`  flags: ${results.flags.map((f) => FlagCode[f.code]).join(", ") || "none"}`);
}

async function methodology() {
  const { methodologies } = await indicators.getMethodology({}, { timeoutMs: 30_000 });
  console.log(`GetMethodology: ${methodologies.length} methodologies`);
  for (const m of methodologies) {
    const c = m.catalogue;
    const detail = c
      ? `catalogue: ${c.areas.length} areas, ${c.services.length ? `${c.services.length} services${c.items.length ? `, ${c.items.length} questions` : ''}` : `${c.items.length} items`}`
      : `${m.itemLists.length} item lists, ${m.countIndicators.length} count indicators, ${m.composites.length} composites`;
    console.log(`  ${m.id}: ${m.nameEn || m.name} (${detail})`);
  }
}

async function healthCheck() {
  const { status } = await health.check({ service: "indikator.v1.IndicatorService" }, { timeoutMs: 10_000 });
  console.log(`Health/Check indikator.v1.IndicatorService: ${ServingStatus[status]}`);
}

async function healthWatch() {
  // A server stream: the server sends the current status at once, then one
  // message per change. Read the first message, then end the call.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  try {
    for await (const { status } of health.watch({ service: "" }, { signal: abort.signal })) {
      console.log(`Health/Watch (server stream), first message: ${ServingStatus[status]}`);
      break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

try {
  await score();
  await methodology();
  await healthCheck();
  await healthWatch();
} catch (err) {
  const e = ConnectError.from(err);
  console.error(`gRPC-Web call failed: [${Code[e.code]}] ${e.rawMessage}${e.cause ? ` (cause: ${e.cause})` : ""}`);
  process.exitCode = 1;
}
