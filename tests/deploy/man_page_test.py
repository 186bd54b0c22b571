#!/usr/bin/env python3
"""deploy/man/chatterboxd.1 against the program: every flag of `chatterboxd --help` and of each
command's --help is documented, in the section of that command; groff reads the page without
a warning; man renders it."""
import os
import re
import subprocess
import unittest

import project

PAGE = os.path.join(project.DEPLOY, "man", "chatterboxd.1")


def sections(text):
    """{".SH title": body} of a troff page."""
    parts = re.split(r"^\.SH (.+)$", text, flags=re.M)
    return {title.strip('"'): body for title, body in zip(parts[1::2], parts[2::2])}


def flags_in(troff):
    return set(f.replace("\\-", "-") for f in re.findall(r"\\-\\-[a-z0-9](?:[a-z0-9]|\\-)*", troff))


class ManPageTest(unittest.TestCase):
    def setUp(self):
        with open(PAGE) as f:
            self.text = f.read()
        self.sections = sections(self.text)

    def test_every_flag_is_documented_where_it_belongs(self):
        self.assertEqual(project.help_flags() - flags_in(self.sections["GLOBAL OPTIONS"]), set())
        commands = project.subcommands()
        self.assertEqual(set(commands), {"serve", "synth", "make-voice", "make-pattern-model"})
        for command in commands:
            section = self.sections[command.upper()]
            missing = project.help_flags(command) - {"--help"} - flags_in(section)
            self.assertEqual(missing, set(), command)
            documented = flags_in(section) - project.help_flags(command)
            self.assertEqual(documented, set(), command + ": flags the program does not have")

    def test_defaults_match_the_program(self):
        ports = project.default_ports()
        serve = self.sections["SERVE"]
        self.assertIn(f"default 127.0.0.1:{ports['http']}", serve)
        self.assertIn(f"default 127.0.0.1:{ports['grpc']}", serve)

    def test_groff_reads_it_without_warnings(self):
        run = subprocess.run(["groff", "-man", "-ww", "-z", PAGE], capture_output=True, text=True)
        self.assertEqual((run.returncode, run.stderr), (0, ""))

    def test_man_renders_it(self):
        run = subprocess.run(["man", "-l", PAGE], capture_output=True, text=True,
                             env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "100"})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("chatterboxd - inference server", run.stdout)
        self.assertIn("SIGTERM", run.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
