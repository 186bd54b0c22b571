#!/usr/bin/env python3
"""chatterboxd serve end to end: one real server on a full-size pattern nano model, asked for
cuda:3 on a machine without it (so the CPU fallback shows), with an API key; every REST route
and gRPC call through real clients (http.client, curl, the Python examples, chatterbox-cli)."""
import base64
import json
import os
import subprocess
import sys
import threading
import time
import unittest

import harness
from harness import Server, decode, sse_events

sys.path.insert(0, harness.STUBS)
import grpc  # noqa: E402
from chatterbox.v1 import tts_pb2, tts_pb2_grpc  # noqa: E402

KEY = "test-key-123"
EXAMPLES = os.path.join(harness.SOURCE, "clients", "examples")
SUFFIX = {"wav": ".wav", "flac": ".flac", "mp3": ".mp3", "opus": ".opus"}
STREAM_TOKENS = 20  # the first chunk has 12 tokens: at least two chunks
SHORT = 4  # one chunk


class TransportsTest(unittest.TestCase):
    server = None
    before_ready = {}

    @classmethod
    def setUpClass(cls):
        cls.server = Server(device="cuda:3", api_key=KEY,
                            args=["--max-slots", "4", "--max-queue", "16", "--max-input-chars",
                                  "300", "--max-body-bytes", "2000000", "--max-upload-bytes",
                                  "1000000", "--shutdown-grace", "5"])
        cls.server.wait_for_ports()
        s = cls.server
        cls.before_ready = {
            "ready": s.call("GET", "/ready")[0],
            "health": s.json("GET", "/health"),
            "live": s.call("GET", "/live")[0],
            "grpc": cls.cli("health")[1].strip(),
        }
        s.wait_ready()
        cls.channel = grpc.insecure_channel(f"127.0.0.1:{s.grpc_port}")
        cls.stub = tts_pb2_grpc.TextToSpeechStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_cleanly()

    @classmethod
    def cli(cls, *args, key=KEY, stdout=subprocess.PIPE):
        env = {**os.environ, "CHATTERBOX_API_KEY": key}
        p = subprocess.run([harness.CLI, "--server", f"127.0.0.1:{cls.server.grpc_port}",
                            "--timeout", "300", *args], stdout=stdout, stderr=subprocess.PIPE,
                           env=env, timeout=600)
        return p.returncode, p.stdout.decode(errors="replace") if stdout else "", p.stderr.decode()

    def setUp(self):
        self.started = time.monotonic()

    def tearDown(self):
        print(f"  [{time.monotonic() - self.started:.1f} s]", file=sys.stderr)

    def metadata(self):
        return [("authorization", "Bearer " + KEY)]

    def speech(self, **fields):
        body = {"model": "nano", "input": "Hello there.", "voice": "alloy", "seed": 3,
                "max_new_tokens": SHORT, **fields}
        return self.server.call("POST", "/v1/audio/speech", body)

    def assert_error(self, response, status, code=None):
        got, _, payload = response
        self.assertEqual(got, status, payload[:300])
        error = json.loads(payload)["error"]
        self.assertTrue(error["message"])
        self.assertIn("type", error)
        if code:
            self.assertEqual(error["code"], code, error)
        return error

    def wait_streams_idle(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.metric("chatterbox_active_streams", 'model="nano"') == 0 and \
                    self.server.metric("chatterbox_queue_depth", 'model="nano"') == 0:
                return True
            time.sleep(0.2)
        return False

    # --- health and readiness -----------------------------------------------------------

    def test_a_not_ready_before_warm_up(self):
        b = self.before_ready
        self.assertEqual(b["ready"], 503)
        self.assertEqual(b["health"][0], 503)
        self.assertIn(b["health"][1]["status"], ("loading",))
        self.assertEqual(b["live"], 200)
        self.assertEqual(b["grpc"], "NOT_SERVING")

    def test_b_health_after_warm_up_shows_fallback_and_pattern(self):
        status, health = self.server.json("GET", "/health", auth=False)
        self.assertEqual(status, 200)
        self.assertEqual(health["status"], "ok")
        model = health["models"][0]
        self.assertEqual(model["name"], "nano")
        self.assertTrue(model["pattern_model"])
        self.assertIn("noise", model["note"])
        instance = model["instances"][0]
        for key in ("replica", "variant", "checkpoint_dir", "state", "warm", "error",
                    "queue_depth", "active_streams", "max_slots", "kv_cache_bytes",
                    "host_memory_bytes", "device_memory_bytes", "uptime_seconds",
                    "requests_completed"):
            self.assertIn(key, instance)
        t3 = [c for c in instance["components"] if c["name"] == "t3"][0]
        self.assertEqual(t3["requested_device"], "cuda:3")
        self.assertEqual(t3["active_device"], "cpu")
        self.assertTrue(t3["fallback_reason"], t3)
        self.assertEqual(self.server.call("GET", "/ready", auth=False)[0], 200)
        self.assertEqual(self.cli("health")[1].strip(), "SERVING")
        self.assertEqual(self.cli("health", "--service", "nano")[1].strip(), "SERVING")
        self.assertEqual(self.server.metric("chatterbox_device_fallback",
                                            'component="t3"', 'model="nano"'), 1)
        self.assertEqual(self.server.metric("chatterbox_model_warm", 'model="nano"'), 1)
        rc, out, _ = self.cli("status")
        self.assertEqual(rc, 0)
        self.assertIn("fallback", out)
        self.assertIn("noise", out)

    def test_c_api_key(self):
        self.assert_error(self.server.call("GET", "/v1/models", auth=False), 401,
                          "invalid_api_key")
        self.assert_error(self.server.call("GET", "/v1/models",
                                           headers={"Authorization": "Bearer wrong"},
                                           auth=False), 401)
        self.assertEqual(self.server.call("GET", "/live", auth=False)[0], 200)
        rc, _, err = self.cli("models", key="")
        self.assertEqual(rc, 1)
        self.assertIn("UNAUTHENTICATED", err)

    def test_models(self):
        status, models = self.server.json("GET", "/v1/models")
        self.assertEqual(status, 200)
        self.assertEqual([m["id"] for m in models["data"]], ["nano"])
        self.assertTrue(models["data"][0]["pattern_model"])
        rc, out, _ = self.cli("models")
        self.assertEqual(rc, 0)
        self.assertIn("nano\tvariant=nano\tready=yes", out)

    # --- audio ----------------------------------------------------------------------------

    def test_every_format_decodes_to_the_same_length(self):
        results = {}

        def one(fmt):
            results[fmt] = self.speech(response_format=fmt, stream=False)

        threads = [threading.Thread(target=one, args=(f,)) for f in
                   ("wav", "pcm", "flac", "mp3", "opus")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        status, headers, wav = results["wav"]
        self.assertEqual(status, 200, wav[:200])
        self.assertEqual(headers["content-type"], "audio/wav")
        rate, channels, frames = decode(wav, ".wav")
        self.assertEqual((rate, channels), (24000, 1))
        self.assertGreater(frames, 0)
        status, _, pcm = results["pcm"]
        self.assertEqual(status, 200)
        self.assertEqual(len(pcm), 2 * frames)  # the same seed: the same audio
        for fmt, tolerance in (("flac", 0), ("mp3", 2400), ("opus", 2400)):
            status, _, data = results[fmt]
            self.assertEqual(status, 200, (fmt, data[:200]))
            r, c, n = decode(data, SUFFIX[fmt])
            self.assertEqual((r, c), (24000, 1), fmt)
            self.assertLessEqual(abs(n - frames), tolerance, (fmt, n, frames))

    def test_rest_stream_arrives_chunk_by_chunk(self):
        status, headers, pieces = self.server.stream(
            "/v1/audio/speech", {"model": "nano", "input": "Streaming, piece by piece.",
                                 "voice": "alloy", "response_format": "wav", "seed": 4,
                                 "max_new_tokens": STREAM_TOKENS})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("transfer-encoding"), "chunked")
        self.assertGreaterEqual(len(pieces), 2)
        self.assertLess(pieces[0][0], pieces[-1][0] - 0.05, [t for t, _ in pieces])
        rate, _, frames = decode(b"".join(p for _, p in pieces), ".wav")
        self.assertEqual(rate, 24000)
        self.assertGreater(frames, 12 * harness.SAMPLES_PER_TOKEN)

    def test_sse_events(self):
        status, headers, payload = self.speech(response_format="pcm", stream_format="sse",
                                               max_new_tokens=STREAM_TOKENS)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/event-stream"))
        events = sse_events(payload)
        deltas = [e for e in events if e["type"] == "speech.audio.delta"]
        self.assertGreaterEqual(len(deltas), 2)
        self.assertEqual(events[-1]["type"], "speech.audio.done")
        usage = events[-1]["usage"]
        self.assertGreater(usage["output_tokens"], 12)
        self.assertEqual(usage["input_tokens"], len("Hello there."))
        self.assertEqual(usage["total_tokens"], usage["input_tokens"] + usage["output_tokens"])
        pcm = b"".join(base64.b64decode(e["audio"]) for e in deltas)
        self.assertGreater(len(pcm), 2 * 12 * harness.SAMPLES_PER_TOKEN)

    def test_native_tts_with_a_one_off_clip(self):
        clip = harness.long_reference_clip(os.path.join(self.server.dir, "clip.wav"))
        body = {"text": "Cloned once.", "reference_audio": base64.b64encode(
            harness.read_bytes(clip)).decode(), "seed": 1, "max_new_tokens": SHORT}
        status, headers, wav = self.server.call("POST", "/v1/tts", body)
        self.assertEqual(status, 200, wav[:300])
        self.assertEqual(decode(wav, ".wav")[0], 24000)
        self.assertTrue(headers["x-request-id"].startswith("req-"))

    # --- voices ---------------------------------------------------------------------------

    def upload_multipart(self, name, clip_bytes, overwrite=False):
        boundary = "chatterboxtestboundary"
        parts = [("name", None, name.encode()), ("file", "clip.wav", clip_bytes)]
        if overwrite:
            parts.append(("overwrite", None, b"true"))
        body = b""
        for field, filename, value in parts:
            disposition = f'form-data; name="{field}"' + (
                f'; filename="{filename}"' if filename else "")
            body += (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").encode()
            body += value + b"\r\n"
        body += f"--{boundary}--\r\n".encode()
        return self.server.call("POST", "/v1/voices", body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})

    def test_voices_crud_over_both_transports(self):
        clip_path = harness.long_reference_clip(os.path.join(self.server.dir, "voice.wav"))
        clip = harness.read_bytes(clip_path)
        status, _, payload = self.upload_multipart("narrator", clip)
        self.assertEqual(status, 201, payload[:300])
        voice = json.loads(payload)
        self.assertEqual((voice["id"], voice["variant"]), ("narrator", "nano"))
        self.assertAlmostEqual(voice["source_seconds"], 8.4, delta=0.3)
        self.assert_error(self.upload_multipart("narrator", clip), 409, "voice_exists")
        self.assertEqual(self.upload_multipart("narrator", clip, overwrite=True)[0], 201)
        status, _, payload = self.server.call("POST", "/v1/voices", {
            "name": "second", "audio": base64.b64encode(clip).decode()})
        self.assertEqual(status, 201, payload[:300])
        for path in ("/v1/voices", "/v1/audio/voices", "/v1/voices?model=nano"):
            status, listing = self.server.json("GET", path)
            ids = [v["id"] for v in listing["voices"]]
            self.assertIn("narrator", ids)
            self.assertIn("second", ids)
            self.assertIn("alloy", ids)
        status, _, wav = self.speech(voice="narrator", stream=False)
        self.assertEqual(status, 200, wav[:300])
        status, _, wav = self.speech(voice={"id": "second"}, stream=False)
        self.assertEqual(status, 200, wav[:300])
        self.assertEqual(self.server.json("DELETE", "/v1/voices/second")[0], 200)
        self.assert_error(self.server.call("DELETE", "/v1/voices/second"), 404)
        # gRPC: chatterbox-cli's streamed upload, list, delete.
        rc, out, err = self.cli("upload-voice", "grpc_voice", clip_path)
        self.assertEqual(rc, 0, err)
        rc, out, _ = self.cli("voices")
        self.assertIn("grpc_voice\tvariant=nano", out)
        self.assertIn("narrator", out)
        rc, _, err = self.cli("say", "A stored voice.", "--voice", "grpc_voice",
                              "--max-new-tokens", str(SHORT), "-o",
                              os.path.join(self.server.dir, "grpc_voice.wav"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.cli("delete-voice", "grpc_voice")[0], 0)
        rc, _, err = self.cli("delete-voice", "grpc_voice")
        self.assertIn("NOT_FOUND", err)

    # --- refusals -------------------------------------------------------------------------

    def test_bad_inputs_get_their_errors_and_the_server_keeps_serving(self):
        s = self.server
        clip_path = harness.long_reference_clip(os.path.join(s.dir, "keep.wav"))
        self.assertEqual(self.upload_multipart("keeper", harness.read_bytes(clip_path))[0], 201)
        post = lambda path, body: s.call("POST", path, body)  # noqa: E731
        self.assert_error(post("/v1/audio/speech", b"{not json"), 400)
        self.assert_error(post("/v1/audio/speech", {"model": "nano"}), 400)
        self.assert_error(post("/v1/audio/speech", {"model": "nano", "input": "  "}), 422)
        self.assert_error(post("/v1/tts", {"text": "x" * 301}), 413, "input_too_long")
        self.assert_error(post("/v1/tts", b"{" + b" " * 2100000 + b"}"), 413)
        error = self.assert_error(self.speech(voice="nobody"), 404, "voice_not_found")
        self.assertIn("keeper", error["message"])
        self.assertIn("alloy", error["message"])
        error = self.assert_error(self.speech(model="big"), 404, "model_not_found")
        self.assertIn("nano", error["message"])
        self.assert_error(self.speech(response_format="aac"), 400, "unsupported_format")
        self.assert_error(self.speech(speed=2.0), 400, "unsupported_speed")
        self.assert_error(self.speech(temperature=-1), 422)
        self.assert_error(post("/v1/tts", {"text": "hi", "reference_audio": "!!!"}), 400,
                          "invalid_base64")
        self.assert_error(post("/v1/tts", {"text": "hi", "reference_audio":
                                           base64.b64encode(b"not audio at all").decode()}),
                          422, "invalid_audio")
        self.assert_error(post("/v1/voices", {"name": "../x", "audio": "AAAA"}), 422)
        self.assert_error(post("/v1/voices", {"name": "big", "audio": base64.b64encode(
            b"\0" * 1100000).decode()}), 413)
        self.assert_error(post("/v1/voices", {"name": "junk", "audio": base64.b64encode(
            b"RIFF not really").decode()}), 422, "invalid_audio")
        self.assert_error(s.call("GET", "/v1/nothing"), 404)
        rc, _, err = self.cli("say", "", "-o", os.path.join(s.dir, "x.wav"))
        self.assertIn("INVALID_ARGUMENT", err)
        rc, _, err = self.cli("say", "hi", "--voice", "nobody", "-o", os.path.join(s.dir, "x.wav"))
        self.assertIn("NOT_FOUND", err)
        self.assertFalse(os.path.exists(os.path.join(s.dir, "x.wav")))
        # Still serving, the stored voice intact.
        self.assertEqual(s.call("GET", "/ready")[0], 200)
        self.assertIn("keeper", [v["id"] for v in s.json("GET", "/v1/voices")[1]["voices"]])
        self.assertEqual(self.speech(voice="keeper", stream=False)[0], 200)
        self.assertGreater(s.metric("chatterbox_requests_total",
                                    'route="POST /v1/audio/speech"', 'status="404"'), 0)

    # --- concurrency, disconnects, cancellation --------------------------------------------

    def test_sixteen_simultaneous_streams_over_both_transports(self):
        outcomes = []

        def rest(i):
            status, _, pieces = self.server.stream("/v1/audio/speech", {
                "model": "nano", "input": f"Request {i}.", "voice": "alloy",
                "response_format": "wav", "seed": i, "max_new_tokens": SHORT})
            outcomes.append(("rest", status, decode(b"".join(p for _, p in pieces), ".wav")))

        def grpc_call(i):
            audio = b""
            request = tts_pb2.SynthesizeRequest(text=f"Request {i}.", seed=i, max_new_tokens=SHORT)
            for message in self.stub.Synthesize(request, metadata=self.metadata(), timeout=600):
                audio += message.audio
            outcomes.append(("grpc", 200, decode(audio, ".wav")))

        threads = [threading.Thread(target=rest if i % 2 else grpc_call, args=(i,))
                   for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(outcomes), 16, outcomes)
        for transport, status, (rate, channels, frames) in outcomes:
            self.assertEqual((status, rate, channels), (200, 24000, 1), transport)
            self.assertGreater(frames, 0, transport)

    def test_rest_client_that_disconnects_frees_its_slot(self):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.server.http_port, timeout=600)
        conn.request("POST", "/v1/audio/speech", body=json.dumps({
            "model": "nano", "input": "A long one.", "voice": "alloy", "response_format": "pcm",
            "max_new_tokens": 1000}).encode(), headers=self.server.headers())
        response = conn.getresponse()
        self.assertEqual(response.status, 200)
        self.assertTrue(response.read1(1024))
        self.assertEqual(self.server.metric("chatterbox_active_streams", 'model="nano"'), 1)
        conn.sock.close()
        conn.close()
        self.assertTrue(self.wait_streams_idle(), self.server.log_text()[-2000:])
        self.assertIn("event=client_gone", self.server.log_text())

    def test_grpc_cancel_and_deadline_reach_the_engine(self):
        request = tts_pb2.SynthesizeRequest(text="Cancelled soon.", max_new_tokens=1000)
        call = self.stub.Synthesize(request, metadata=self.metadata(), timeout=600)
        for message in call:
            if message.WhichOneof("message") == "audio":
                break
        call.cancel()
        self.assertTrue(self.wait_streams_idle(), self.server.log_text()[-2000:])
        with self.assertRaises(grpc.RpcError) as caught:
            for _ in self.stub.Synthesize(request, metadata=self.metadata(), timeout=1.5):
                pass
        self.assertEqual(caught.exception.code(), grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertTrue(self.wait_streams_idle(), self.server.log_text()[-2000:])

    # --- clients --------------------------------------------------------------------------

    def test_cli_say_to_file_and_stdout(self):
        out = os.path.join(self.server.dir, "cli.wav")
        rc, _, err = self.cli("say", "From the command line.", "--seed", "2",
                              "--max-new-tokens", str(STREAM_TOKENS), "-o", out)
        self.assertEqual(rc, 0, err)
        stats = dict(kv.split("=", 1) for kv in err.split())
        self.assertGreaterEqual(int(stats["chunks"]), 2)
        self.assertLess(float(stats["first_audio_s"]), float(stats["total_s"]))
        self.assertEqual(stats["device"], "cpu")
        rate, _, frames = decode(harness.read_bytes(out), ".wav")
        self.assertEqual(rate, 24000)
        rc, stdout, err = self.cli("say", "To stdout.", "--format", "pcm", "--max-new-tokens",
                                   str(SHORT), "-o", "-", stdout=subprocess.PIPE)
        self.assertEqual(rc, 0, err)
        self.assertGreater(len(stdout), 0)

    def test_python_and_curl_examples(self):
        env = {**os.environ, "CHATTERBOX_API_KEY": KEY, "CHATTERBOX_PY_STUBS": harness.STUBS,
               "CHATTERBOX_MAX_NEW_TOKENS": str(SHORT)}
        out = os.path.join(self.server.dir, "examples")
        os.makedirs(out, exist_ok=True)
        p = subprocess.run(["/usr/bin/python3", os.path.join(EXAMPLES, "python_grpc.py"),
                            "--server", f"127.0.0.1:{self.server.grpc_port}", "--json",
                            "--out", os.path.join(out, "g.wav"), "--max-new-tokens",
                            str(STREAM_TOKENS)], capture_output=True, env=env, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        result = json.loads(p.stdout)
        self.assertEqual(result["health"], "SERVING")
        self.assertEqual(result["sample_rate"], 24000)
        self.assertGreaterEqual(len(result["arrivals"]), 2)
        self.assertLess(result["arrivals"][0], result["arrivals"][-1])
        self.assertEqual(decode(harness.read_bytes(os.path.join(out, "g.wav")), ".wav")[2],
                         result["samples"])
        base = f"http://127.0.0.1:{self.server.http_port}"
        p = subprocess.run(["/usr/bin/python3", os.path.join(EXAMPLES, "python_rest.py"),
                            "--base", base, "--out", out, "--max-new-tokens", str(SHORT)],
                           capture_output=True, env=env, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn("sse:", p.stdout.decode())
        p = subprocess.run(["sh", os.path.join(EXAMPLES, "curl.sh"), base, out],
                           capture_output=True, env=env, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr.decode() + p.stdout.decode())
        for name in ("one_shot.wav", "streamed.wav", "python_one_shot.wav",
                     "python_streamed.wav"):
            self.assertEqual(decode(harness.read_bytes(os.path.join(out, name)), ".wav")[0],
                             24000, name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
