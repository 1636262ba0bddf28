// A gRPC-Web client of indikator.v1 for Node.js: Connect's gRPC-Web transport
// over HTTP/1.1, with the messages and service descriptors that protoc-gen-es
// generates into src/gen/ (`npx buf generate`).
//
// gRPC-Web carries unary and server-streaming calls only. Of IndicatorService,
// Score and GetMethodology are unary and usable here; ScoreStream (bidi) and
// ScoreRound (client stream → server stream) need plain gRPC over HTTP/2.
// grpc.health.v1.Health offers both shapes: Check (unary) and Watch (server
// streaming).

import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";

import { IndicatorService } from "./gen/indikator/v1/indikator_service_pb.js";
import { Health } from "./gen/grpc/health/v1/health_pb.js";

export { IndicatorService, Health };

/**
 * Clients of IndicatorService and Health on one gRPC-Web transport.
 *
 * @param {string} baseUrl the server, e.g. "http://localhost:50051"
 * @param {object} [options] more options for createGrpcWebTransport
 *   (interceptors, e.g. one that sets `authorization: Bearer …`)
 */
export function createIndikatorClients(baseUrl, options = {}) {
  const transport = createGrpcWebTransport({
    baseUrl,
    httpVersion: "1.1",
    // Binary protobuf on the wire (application/grpc-web+proto).
    useBinaryFormat: true,
    ...options,
  });
  return {
    transport,
    indicators: createClient(IndicatorService, transport),
    health: createClient(Health, transport),
  };
}
