#!/usr/bin/env python3
"""The web page in a real browser: Debian's headless Chromium (over the DevTools protocol)
against the real chatterboxd serve on the pattern nano model with an API key. The page asks
for the key, fills the status panel, speaks a sentence from Ctrl+Enter with the PCM played
while it streams, offers the WAV, makes and deletes a voice, shows a typed error, and fits a
phone-width screen. Screenshots go to $CHATTERBOX_ARTIFACT_DIR (the build tree)."""
import json
import os
import re
import sys
import tempfile
import time
import unittest

import harness
from cdp import Browser
from harness import Server

KEY = "web-key-456"
TOKENS = 16
ARTIFACTS = os.environ.get("CHATTERBOX_ARTIFACT_DIR", os.path.join("build", "test-artifacts", "web"))
STATE = "window.__chatterbox"


class WebBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(ARTIFACTS, exist_ok=True)
        cls.server = Server(api_key=KEY, args=["--max-slots", "2"])
        cls.server.wait_for_ports()
        cls.server.wait_ready()
        cls.browser = Browser(os.path.join(ARTIFACTS, "chromium.log"))
        cls.browser.navigate(f"http://127.0.0.1:{cls.server.http_port}/")

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.server.stop_cleanly()

    def setUp(self):
        self.started = time.monotonic()

    def tearDown(self):
        print(f"  [{self.id().rsplit('.', 1)[1]}: {time.monotonic() - self.started:.1f} s]",
              file=sys.stderr)

    def shot(self, name):
        self.browser.screenshot(os.path.join(ARTIFACTS, name + ".png"))

    def text_of(self, selector):
        return self.browser.evaluate(f"document.querySelector({json.dumps(selector)}).textContent")

    def test_1_key_prompt_then_models(self):
        b = self.browser
        b.wait_for("!document.getElementById('key-panel').hidden", 30, "the API key prompt")
        self.assertIn("invalid_api_key (HTTP 401)", b.evaluate(f"{STATE}.lastError"))
        self.assertEqual(b.evaluate("document.activeElement.id"), "api-key")
        self.shot("key-prompt")
        b.type_text("#api-key", KEY)
        b.press_enter()
        b.wait_for("document.getElementById('key-panel').hidden", 30, "the key accepted")
        self.assertEqual(b.evaluate("[...document.getElementById('model').options]"
                                    ".map(o => o.value)"), ["nano"])
        self.assertEqual(b.evaluate("sessionStorage.getItem('chatterboxd.apiKey')"), KEY)

    def test_2_status_panel(self):
        b = self.browser
        cells = b.wait_for("[...document.querySelectorAll('#status-panel [data-model=nano] td')]"
                           ".map(td => td.textContent)", 15, "the status panel")
        self.assertIn("cpu", cells)  # requested and active device of every component
        self.assertIn("float32", cells)
        caption = self.text_of("#status-panel caption")
        self.assertRegex(caption, r"replica 0: ready, warm; queue \d+, active streams \d+ of 2")
        self.assertIn("pattern model", self.text_of("#pattern-note"))
        first = self.text_of("#status-summary")
        b.wait_for(f"document.getElementById('status-summary').textContent != {json.dumps(first)}",
                   10, "a second status poll")

    def speech_reference(self):
        """The same request over plain HTTP: the bytes the page must have received."""
        body = {"model": "nano", "input": "Hello there.", "voice": None, "seed": 7,
                "max_new_tokens": TOKENS, "response_format": "pcm", "stream": True}
        status, _, pieces = self.server.stream("/v1/audio/speech", body)
        self.assertEqual(status, 200)
        return b"".join(p for _, p in pieces)

    def test_3_speak_streams_and_plays(self):
        b = self.browser
        b.evaluate("document.getElementById('text').value = ''")
        b.type_text("#text", "Hello there.")
        b.evaluate(f"document.querySelector('details').open = true;"
                   f"document.getElementById('seed').value = '7';"
                   f"document.getElementById('max_new_tokens').value = '{TOKENS}'")
        b.evaluate("document.getElementById('text').focus()")
        b.press_enter(ctrl=True)
        b.wait_for(f"{STATE}.state === 'speaking'", 5, "speaking to start")
        b.wait_for(f"{STATE}.bytesReceived > 0", 120, "the first audio")
        # Audio arrives before the stream ends, and plays while more comes.
        self.assertIn(b.evaluate(f"{STATE}.state"), ("speaking", "done"))
        state = b.wait_for(f"{STATE}.state !== 'speaking' && {STATE}", 120, "speaking to end")
        self.assertEqual(state["state"], "done", state)
        self.assertIsNone(state["lastError"])
        expected = self.speech_reference()
        self.assertGreater(len(expected), 2 * 12 * harness.SAMPLES_PER_TOKEN)
        self.assertEqual(state["bytesReceived"], len(expected))
        self.assertAlmostEqual(state["secondsPlayed"], len(expected) / 2 / harness.RATE, places=3)
        wav = b.evaluate("fetch(document.getElementById('download').href)"
                         ".then(r => r.arrayBuffer()).then(a => Array.from(new Uint8Array(a)))")
        self.assertEqual(bytes(wav[:4]), b"RIFF")
        self.assertEqual(bytes(wav[44:]), expected)
        self.assertFalse(b.evaluate("document.getElementById('download').hidden"))
        self.shot("spoken")

    def test_4_voice_upload_and_delete(self):
        b = self.browser
        clip = harness.long_reference_clip(os.path.join(tempfile.mkdtemp(), "reference.wav"))
        b.evaluate("document.getElementById('voice-name').value = 'webvoice'")
        b.set_file("#voice-file", clip)
        b.evaluate("document.getElementById('voice-upload').click()")
        b.wait_for("/made/.test(document.getElementById('voice-status').textContent)", 180,
                   "the voice to be made")
        self.assertEqual(b.evaluate("document.getElementById('voice').value"), "webvoice")
        self.assertIn("webvoice", self.library_voices())
        self.shot("voice-made")
        b.evaluate("document.getElementById('voice-delete').click()")
        b.wait_for("/deleted/.test(document.getElementById('voice-status').textContent)", 30,
                   "the voice to be deleted")
        self.assertNotIn("webvoice", self.library_voices())
        self.assertEqual(b.evaluate("[...document.getElementById('voice').options]"
                                    ".map(o => o.value)"), [""])

    def library_voices(self):
        status, body = self.server.json("GET", "/v1/voices")
        self.assertEqual(status, 200)
        return [v["name"] for v in body["voices"] if not v["builtin"]]

    def test_5_api_error_shown(self):
        b = self.browser
        path = os.path.join(tempfile.mkdtemp(), "not-audio.wav")
        with open(path, "wb") as f:
            f.write(b"this is not audio" * 10)
        b.evaluate(f"{STATE}.lastError = null; document.getElementById('voice-name').value = 'broken'")
        b.set_file("#voice-file", path)
        b.evaluate("document.getElementById('voice-upload').click()")
        error = b.wait_for(f"{STATE}.lastError", 30, "the upload's error")
        self.assertRegex(error, r"^[a-z_]+ \(HTTP 4\d\d\): .+")
        self.assertEqual(self.text_of("#error"), error)
        self.assertEqual(self.text_of("#voice-status"), error)
        self.shot("error")

    def test_6_phone_width(self):
        b = self.browser
        b.phone_screen()
        b.wait_for("window.innerWidth === 390", 5, "the phone viewport")
        self.assertLessEqual(b.evaluate("document.documentElement.scrollWidth"), 390)
        widths = b.evaluate("[...document.querySelectorAll('textarea, select, button')]"
                            ".map(e => e.getBoundingClientRect().right)")
        self.assertTrue(all(w <= 390 for w in widths), widths)
        self.shot("phone")


if __name__ == "__main__":
    unittest.main(verbosity=2)
