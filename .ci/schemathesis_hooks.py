"""Schemathesis hooks for indikator's JSON API: the streaming routes take and
give JSON Lines (application/x-ndjson), one message per line, which
schemathesis cannot write or read by itself."""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def to_json_lines(ctx, value):
    # The document's schema is that of one line: a generated value is one message.
    return (json.dumps(value) + "\n").encode()


@schemathesis.deserializer("application/x-ndjson")
def from_json_lines(ctx, response):
    """Every line must be JSON; a failed stream's last line is
    {"@error": google.rpc.Status}. Returns the first message line for the
    document's schema to check ({} for an empty stream)."""
    lines = [json.loads(line) for line in response.content.splitlines() if line.strip()]
    messages = [line for line in lines if "@error" not in line]
    errors = [line["@error"] for line in lines if "@error" in line]
    if errors:
        if "@error" not in lines[-1] or len(errors) > 1:
            raise ValueError("an error line that is not the last line")
        status = errors[0]
        if not isinstance(status.get("code"), int) or not isinstance(status.get("message"), str):
            raise ValueError(f"an error line that is not a google.rpc.Status: {status}")
    return messages[0] if messages else {}
