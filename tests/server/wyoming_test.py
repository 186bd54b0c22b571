#!/usr/bin/env python3
"""chatterboxd serve --wyoming-listen: the real server on the pattern nano model and a Wyoming
client of ours (wyoming_client.py). describe/info with the voices (built-in and library),
synthesize, the synthesize-start/-chunk/-stop stream sentence by sentence, voice names and
languages, error events for bad events (invalid JSON, unknown type, oversized header, bad
lengths) and a client that goes away mid-stream, none of which harms a second client."""
import base64
import json
import os
import sys
import time
import unittest

import harness
from harness import Server
from wyoming_client import WyomingClient

TOKENS = 4  # one engine chunk: each synthesis stays short on a 2-core CPU
OPTIONS = {"chatterbox": {"max_new_tokens": TOKENS, "seed": 5}}


def audio_of(events):
    """(audio-start data, PCM bytes, audio-chunk count) of a list of events, checking the
    audio-start / audio-chunk... / audio-stop order and the chunks' format."""
    types = [e[0] for e in events]
    start, stop = types.index("audio-start"), types.index("audio-stop")
    assert start < stop and all(t == "audio-chunk" for t in types[start + 1:stop]), types
    chunks = events[start + 1:stop]
    for _, data, payload in chunks:
        assert (data["rate"], data["width"], data["channels"]) == (24000, 2, 1), data
        assert len(payload) % 2 == 0 and payload
    return events[start][1], b"".join(p for _, _, p in chunks), len(chunks)


class WyomingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(args=["--wyoming-listen", "127.0.0.1:0", "--max-slots", "4"])
        cls.server.wait_for_ports()
        with open(cls.server.ports_file) as f:
            cls.port = json.load(f)["wyoming"]
        cls.server.wait_ready()
        status, _, cls.reference = cls.server.call("POST", "/v1/tts", {
            "text": "Hello there.", "format": "pcm", "max_new_tokens": TOKENS, "seed": 5})
        assert status == 200 and cls.reference, status

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_cleanly()

    def setUp(self):
        self.started = time.monotonic()
        self.client = WyomingClient(self.port)

    def tearDown(self):
        self.client.close()
        print(f"  [{self.id().rsplit('.', 1)[1]}: {time.monotonic() - self.started:.1f} s]",
              file=sys.stderr)

    def synthesize(self, client, text="Hello there.", voice=None, options=OPTIONS):
        data = {"text": text, **options}
        if voice is not None:
            data["voice"] = voice
        client.send("synthesize", data)
        return client.receive_until("audio-stop", "error")

    def test_describe(self):
        self.client.send("describe")
        event_type, data, _ = self.client.receive()
        self.assertEqual(event_type, "info")
        (program,) = data["tts"]
        self.assertEqual(program["name"], "chatterboxd")
        self.assertTrue(program["installed"])
        self.assertTrue(program["supports_synthesize_streaming"])
        self.assertIn("name", program["attribution"])
        self.assertTrue(program["version"])
        (voice,) = [v for v in program["voices"] if v["name"] == "nano"]
        self.assertEqual(voice["languages"], ["en"])
        self.assertTrue(voice["installed"])
        self.assertIn("pattern model", voice["description"])

    def test_library_voice_listed_and_named(self):
        clip = harness.long_reference_clip(os.path.join(self.server.dir, "ref.wav"))
        status, _ = self.server.json("POST", "/v1/voices", {
            "name": "wyo", "audio": base64.b64encode(harness.read_bytes(clip)).decode()})
        self.assertEqual(status, 201)
        self.client.send("describe")
        names = [v["name"] for v in self.client.receive()[1]["tts"][0]["voices"]]
        self.assertIn("nano/wyo", names)
        # Spoken in the library voice: the audio REST gives for the same request in that voice,
        # not the built-in voice's.
        events = self.synthesize(self.client, voice={"name": "nano/wyo", "language": "en-US"})
        _, pcm, _ = audio_of(events)
        status, _, over_rest = self.server.call("POST", "/v1/tts", {
            "text": "Hello there.", "format": "pcm", "max_new_tokens": TOKENS, "seed": 5,
            "model": "nano", "voice": "wyo"})
        self.assertEqual(status, 200)
        self.assertEqual(pcm, over_rest)
        self.assertNotEqual(pcm, self.reference)
        self.assertEqual(self.server.call("DELETE", "/v1/voices/wyo")[0], 200)
        # model/voice: the part after the slash is the library name.
        for name, code, quoted in (("nano/wyo", "voice_not_found", "'wyo'"),
                                   ("tiny/wyo", "model_not_found", "'tiny'")):
            events = self.synthesize(self.client, voice={"name": name})
            self.assertEqual([e[0] for e in events], ["error"], name)
            self.assertEqual(events[0][1]["code"], code, name)
            self.assertIn(quoted, events[0][1]["text"], name)

    def test_synthesize(self):
        events = self.synthesize(self.client, voice={"name": "nano", "language": "en-US",
                                                     "speaker": None})
        start, pcm, _ = audio_of(events)
        self.assertEqual((start["rate"], start["width"], start["channels"]), (24000, 2, 1))
        self.assertEqual(pcm, self.reference)  # the same request over REST: the same audio

    def test_inline_data_and_unknown_voice(self):
        self.client.send("synthesize", {"text": "Hi.", "voice": {"name": "nobody"}, **OPTIONS},
                         inline=True)
        event_type, data, _ = self.client.receive()
        self.assertEqual(event_type, "error")
        self.assertEqual(data["code"], "voice_not_found")
        self.assertIn("nobody", data["text"])

    def test_streaming(self):
        c = self.client
        c.send("synthesize-start", {"voice": {"name": "nano"}, **OPTIONS})
        c.send("synthesize-chunk", {"text": "First sen"})
        c.send("synthesize-chunk", {"text": "tence. Second"})
        first = c.receive_until("audio-chunk")  # the first sentence before the text ends
        self.assertEqual([e[0] for e in first], ["audio-start", "audio-chunk"])
        # Home Assistant also sends the whole text for servers that do not stream: ignored.
        c.send("synthesize", {"text": "First sentence. Second one.", **OPTIONS})
        c.send("synthesize-chunk", {"text": " one."})
        c.send("synthesize-stop")
        rest = c.receive_until("synthesize-stopped")
        _, pcm, _ = audio_of(first + rest)
        self.assertEqual(len(pcm), 2 * len(self.reference))  # two sentences of TOKENS each
        self.assertEqual([e[0] for e in rest][-2:], ["audio-stop", "synthesize-stopped"])
        c.send("ping", {"text": "still here"})
        self.assertEqual(c.receive()[:2], ("pong", {"text": "still here"}))

    def test_stream_without_start_and_unknown_type(self):
        c = self.client
        c.send("synthesize-chunk", {"text": "orphan"})
        self.assertEqual(c.receive()[1]["code"], "not_streaming")
        c.send("transcribe", {"language": "en"})
        event_type, data, _ = c.receive()
        self.assertEqual((event_type, data["code"]), ("error", "unknown_event"))
        self.assertIn("transcribe", data["text"])
        c.send("synthesize", {"text": "   ", **OPTIONS})
        self.assertEqual(c.receive()[1]["code"], "empty_input")

    def test_invalid_json_then_recovers(self):
        c = self.client
        c.send_raw(b"{this is not json\n")
        self.assertEqual(c.receive()[1]["code"], "invalid_json")
        c.send_raw(b'{"data": {}}\n')
        self.assertEqual(c.receive()[1]["code"], "invalid_event")
        c.send_raw(b'{"type": "describe", "data_length": 3}\nxyz')
        self.assertEqual(c.receive()[1]["code"], "invalid_json")
        c.send("describe")
        self.assertEqual(c.receive()[0], "info")

    def test_oversized_header_closes(self):
        c = self.client
        c.send_raw(b'{"type": "describe", "pad": "' + b"x" * (70 * 1024))
        event_type, data, _ = c.receive()
        self.assertEqual((event_type, data["code"]), ("error", "header_too_large"))
        self.assertIsNone(c.receive())

    def test_bad_lengths_close(self):
        for header in (b'{"type": "audio-chunk", "payload_length": 99999999999}\n',
                       b'{"type": "describe", "data_length": -4}\n'):
            c = WyomingClient(self.port)
            c.send_raw(header)
            event_type, data, _ = c.receive()
            self.assertEqual(event_type, "error")
            self.assertIn(data["code"], ("too_large", "invalid_length"))
            self.assertIsNone(c.receive())
            c.close()

    def test_connection_limit(self):
        time.sleep(0.5)  # the last test's connections are seen closed
        extra = [WyomingClient(self.port) for _ in range(15)]  # 16 with self.client
        extra[-1].send("ping")
        self.assertEqual(extra[-1].receive()[0], "pong")
        refused = WyomingClient(self.port)
        event_type, data, _ = refused.receive()
        self.assertEqual((event_type, data["code"]), ("error", "busy"))
        self.assertIsNone(refused.receive())
        refused.close()
        for c in extra:
            c.close()
        deadline = time.monotonic() + 10
        while True:  # the server frees the places as it sees the clients go
            c = WyomingClient(self.port)
            c.send("describe")
            event = c.receive()
            c.close()
            if event and event[0] == "info":
                break
            self.assertLess(time.monotonic(), deadline, "places never freed")
            time.sleep(0.1)

    def test_disconnect_mid_stream_spares_others(self):
        gone = WyomingClient(self.port)
        gone.send("synthesize", {"text": "This one leaves early. " * 4,
                                 "chatterbox": {"max_new_tokens": 200, "seed": 1}})
        self.assertEqual(gone.receive()[0], "audio-start")
        gone.close()
        other = WyomingClient(self.port)
        _, pcm, _ = audio_of(self.synthesize(other))
        self.assertEqual(pcm, self.reference)
        other.close()
        deadline = time.monotonic() + 60
        while "event=client_gone" not in self.server.log_text():
            self.assertLess(time.monotonic(), deadline, "the server never saw the client go")
            time.sleep(0.2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
