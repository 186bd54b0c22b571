#!/usr/bin/env python3
"""deploy/launchd/ai.chatterbox.chatterboxd.plist read by plistlib (the XML property-list
parser launchd's format is): the keys a LaunchAgent needs, with launchd's types, and arguments
that `chatterboxd serve` accepts."""
import os
import plistlib
import unittest

import project

PLIST = os.path.join(project.DEPLOY, "launchd", "ai.chatterbox.chatterboxd.plist")


class LaunchdPlistTest(unittest.TestCase):
    def setUp(self):
        with open(PLIST, "rb") as f:
            self.plist = plistlib.load(f, fmt=plistlib.FMT_XML)

    def test_keys_and_types(self):
        p = self.plist
        self.assertEqual(p["Label"], os.path.basename(PLIST)[:-len(".plist")])
        self.assertIs(p["RunAtLoad"], True)
        self.assertEqual(p["KeepAlive"], {"SuccessfulExit": False, "Crashed": True})
        self.assertEqual(p["ProcessType"], "Interactive")
        for key in ("StandardOutPath", "StandardErrorPath", "WorkingDirectory"):
            self.assertIsInstance(p[key], str, key)
            self.assertTrue(os.path.isabs(p[key]), key)
        self.assertIsInstance(p["EnvironmentVariables"], dict)
        self.assertTrue(all(isinstance(v, str) for v in p["EnvironmentVariables"].values()))
        self.assertIsInstance(p["ThrottleInterval"], int)
        self.assertIsInstance(p["ExitTimeOut"], int)
        self.assertNotIn("Program", p)  # ProgramArguments[0] is the program
        known = {"Label", "ProgramArguments", "RunAtLoad", "KeepAlive", "ProcessType",
                 "StandardOutPath", "StandardErrorPath", "WorkingDirectory",
                 "EnvironmentVariables", "ThrottleInterval", "ExitTimeOut"}
        self.assertEqual(set(p) - known, set())

    def test_program_arguments_are_a_serve_command_line(self):
        args = self.plist["ProgramArguments"]
        self.assertTrue(all(isinstance(a, str) for a in args))
        self.assertTrue(os.path.isabs(args[0]) and args[0].endswith("/chatterboxd"))
        self.assertEqual(args[1], "serve")
        flags = [a for a in args[2:] if a.startswith("--")]
        self.assertEqual(set(flags) - project.help_flags("serve"), set())
        options = dict(zip(args[2::2], args[3::2]))
        self.assertEqual(len(options) * 2, len(args) - 2, "every flag takes its value")
        self.assertEqual(options["--device"], "auto")  # MPS on Apple silicon
        ports = project.default_ports()
        self.assertEqual(options["--http-listen"], f"127.0.0.1:{ports['http']}")
        self.assertEqual(options["--grpc-listen"], f"127.0.0.1:{ports['grpc']}")
        for flag in ("--model-dir", "--voice-dir"):
            self.assertTrue(os.path.isabs(options[flag]), flag)

    def test_logs_and_data_in_the_users_library(self):
        p = self.plist
        home = os.path.dirname(os.path.dirname(os.path.dirname(p["StandardOutPath"])))
        self.assertTrue(p["StandardOutPath"].startswith(home + "/Library/Logs/"))
        self.assertTrue(p["WorkingDirectory"].startswith(home + "/Library/Application Support/"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
