#!/usr/bin/env python3
"""chatterboxd over gRPC from Python (Debian's python3-grpcio and stubs generated at build time).

Usage: python_grpc.py [--server 127.0.0.1:50051] [--stubs BUILD/clients/python] [--out FILE]
                      [--text TEXT] [--max-new-tokens N] [--json]

Checks grpc.health.v1, lists the models, then streams one synthesis into a WAV file, printing
when each audio chunk arrives and the final statistics. $CHATTERBOX_API_KEY is sent as a Bearer
token when set. --json prints one JSON object instead (the tests read it).
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def import_stubs(path):
    sys.path.insert(0, path)
    from chatterbox.v1 import tts_pb2, tts_pb2_grpc  # noqa: E402
    return tts_pb2, tts_pb2_grpc


def health(channel, metadata, service=""):
    """grpc.health.v1.Health/Check without stubs: the request's field 1 is the service name,
    the response's field 1 its status (1 SERVING, 2 NOT_SERVING)."""
    check = channel.unary_unary("/grpc.health.v1.Health/Check")
    name = service.encode()
    request = (b"\x0a" + bytes([len(name)]) + name) if name else b""
    reply = check(request, metadata=metadata, timeout=10)
    return {1: "SERVING", 2: "NOT_SERVING"}.get(reply[1] if len(reply) > 1 else 0, "UNKNOWN")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:50051")
    parser.add_argument("--stubs", default=os.environ.get(
        "CHATTERBOX_PY_STUBS", os.path.join(HERE, "..", "..", "build", "clients", "python")))
    parser.add_argument("--out", default="python_grpc.wav")
    parser.add_argument("--text", default="Hello from Python over gRPC.")
    parser.add_argument("--model", default="")
    parser.add_argument("--format", default="wav")
    parser.add_argument("--max-new-tokens", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import grpc
    tts_pb2, tts_pb2_grpc = import_stubs(args.stubs)
    key = os.environ.get("CHATTERBOX_API_KEY")
    metadata = [("authorization", "Bearer " + key)] if key else []
    channel = grpc.insecure_channel(args.server)
    stub = tts_pb2_grpc.TextToSpeechStub(channel)

    serving = health(channel, metadata)
    models = stub.ListModels(tts_pb2.ListModelsRequest(), metadata=metadata, timeout=10).models
    request = tts_pb2.SynthesizeRequest(
        text=args.text, model=args.model, max_new_tokens=args.max_new_tokens, seed=args.seed,
        format=tts_pb2.AudioFormat.Value("AUDIO_FORMAT_" + args.format.upper()))
    started = time.monotonic()
    header, stats, arrivals, audio = None, None, [], b""
    for message in stub.Synthesize(request, metadata=metadata, timeout=600):
        kind = message.WhichOneof("message")
        if kind == "header":
            header = message.header
        elif kind == "audio":
            arrivals.append(round(time.monotonic() - started, 4))
            audio += message.audio
        elif kind == "statistics":
            stats = message.statistics
    with open(args.out, "wb") as f:
        f.write(audio)
    if args.json:
        print(json.dumps({
            "health": serving, "models": [m.name for m in models],
            "sample_rate": header.sample_rate, "request_id": header.request_id,
            "device": header.device, "arrivals": arrivals, "bytes": len(audio),
            "speech_tokens": stats.speech_tokens, "samples": stats.samples,
            "audio_seconds": stats.audio_seconds,
            "time_to_first_audio": stats.time_to_first_audio_seconds}))
        return 0
    print(f"health: {serving}; models: {', '.join(m.name for m in models)}")
    print(f"header: {header.sample_rate} Hz, model {header.model}, device {header.device}, "
          f"request {header.request_id}")
    for i, t in enumerate(arrivals):
        print(f"chunk {i} after {t:.2f} s")
    print(f"wrote {args.out}: {stats.samples} samples, {stats.speech_tokens} speech tokens, "
          f"first audio after {stats.time_to_first_audio_seconds:.2f} s (server)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
