#!/usr/bin/env python3
"""chatterboxd's REST API from Python's standard library (urllib only).

Usage: python_rest.py [--base http://127.0.0.1:8000] [--out DIR] [--max-new-tokens N]

Lists the models and voices, writes a one-shot WAV, streams a WAV chunk by chunk (printing when
each piece arrives) and reads the OpenAI SSE stream event by event. $CHATTERBOX_API_KEY is sent
as a Bearer token when set.
"""
import argparse
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request


def call(base, path, body=None, method=None):
    """A request; returns the open response (raises HTTPError with the JSON error)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    key = os.environ.get("CHATTERBOX_API_KEY")
    if key:
        request.add_header("Authorization", "Bearer " + key)
    return urllib.request.urlopen(request, timeout=600)


def stream_chunks(response, size=4096):
    """The body as it arrives: (seconds since the call, bytes) per read."""
    started = time.monotonic()
    while True:
        piece = response.read1(size) if hasattr(response, "read1") else response.read(size)
        if not piece:
            return
        yield time.monotonic() - started, piece


def sse_events(response):
    """Parsed `data:` events of a Server-Sent Events stream, in order."""
    data = []
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("data:"):
            data.append(line[5:].lstrip())
        elif not line and data:
            payload = "\n".join(data)
            data = []
            if payload != "[DONE]":
                yield json.loads(payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=".")
    parser.add_argument("--max-new-tokens", type=int, default=40)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    limit = {"max_new_tokens": args.max_new_tokens, "seed": 1}

    models = json.load(call(args.base, "/v1/models"))["data"]
    print("models:", ", ".join(f"{m['id']} ({m['variant']})" for m in models))
    voices = json.load(call(args.base, "/v1/audio/voices"))["voices"]
    print("voices:", ", ".join(v["id"] for v in voices))

    body = call(args.base, "/v1/tts", {"text": "Hello from Python.", "format": "wav", **limit}).read()
    with open(os.path.join(args.out, "python_one_shot.wav"), "wb") as f:
        f.write(body)
    print(f"one-shot: {len(body)} bytes")

    response = call(args.base, "/v1/audio/speech",
                    {"model": models[0]["id"], "input": "Streaming from Python.", "voice": "alloy",
                     "response_format": "wav", **limit})
    pieces = list(stream_chunks(response))
    with open(os.path.join(args.out, "python_streamed.wav"), "wb") as f:
        for _, piece in pieces:
            f.write(piece)
    print(f"streamed: {len(pieces)} pieces, first after {pieces[0][0]:.2f} s, "
          f"last after {pieces[-1][0]:.2f} s")

    response = call(args.base, "/v1/audio/speech",
                    {"model": models[0]["id"], "input": "Events from Python.", "voice": "alloy",
                     "response_format": "pcm", "stream_format": "sse", **limit})
    pcm = b""
    for event in sse_events(response):
        if event["type"] == "speech.audio.delta":
            pcm += base64.b64decode(event["audio"])
        elif event["type"] == "speech.audio.done":
            print(f"sse: {len(pcm) // 2} samples, usage {event['usage']}")
        elif event["type"] == "error":
            sys.exit(f"error event: {event['error']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except urllib.error.HTTPError as e:
        sys.exit(f"HTTP {e.code}: {e.read().decode(errors='replace')}")
