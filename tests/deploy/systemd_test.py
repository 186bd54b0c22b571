#!/usr/bin/env python3
"""`cmake --install --component server` of this build into a temporary prefix, then the
installed systemd unit: it names the installed binary and config; `systemd-analyze verify`
accepts it without a word (the man page it names found under the prefix), with the CUDA
drop-in too; `systemd-analyze security` rates its exposure 2.0 ("OK") or better; it has the
settings the service relies on, and the env file's options are chatterboxd's. Installing again
keeps an edited config.

From the environment ctest sets: CMAKE_COMMAND, CHATTERBOX_BUILD_DIR, CHATTERBOXD,
CHATTERBOX_SOURCE_DIR."""
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

import project

CMAKE = os.environ.get("CMAKE_COMMAND", "cmake")
BUILD = os.environ.get("CHATTERBOX_BUILD_DIR", os.path.join(project.SOURCE, "build"))


def install(prefix):
    return subprocess.run([CMAKE, "--install", BUILD, "--prefix", prefix, "--component", "server"],
                          check=True, capture_output=True, text=True).stdout


def unit_settings(path):
    """{(section, key): [values in order]}"""
    settings, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            key, _, value = line.partition("=")
            settings.setdefault((section, key), []).append(value)
    return settings


def env_file(path):
    values = {}
    with open(path) as f:
        for line in f:
            if re.match(r"[A-Z_]+=", line):
                key, _, value = line.strip().partition("=")
                values[key] = value
    return values


def analyze(*args, env=None):
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


class SystemdUnitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = tempfile.mkdtemp(prefix="chatterboxd-install-")
        install(cls.prefix)
        cls.unit = os.path.join(cls.prefix, "lib", "systemd", "system", "chatterboxd.service")
        cls.confdir = os.path.join(cls.prefix, "etc", "chatterboxd")
        cls.s = unit_settings(cls.unit)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix)

    def one(self, key, section="Service"):
        values = self.s[(section, key)]
        self.assertEqual(len(values), 1, key)
        return values[0]

    def test_installed_files(self):
        for path in ("bin/chatterboxd", "share/man/man1/chatterboxd.1",
                     "share/chatterboxd/systemd/cuda.conf",
                     "share/chatterboxd/launchd/ai.chatterbox.chatterboxd.plist",
                     "etc/chatterboxd/chatterboxd.json", "etc/chatterboxd/chatterboxd.env"):
            self.assertTrue(os.path.isfile(os.path.join(self.prefix, path)), path)
        self.assertTrue(os.access(os.path.join(self.prefix, "bin", "chatterboxd"), os.X_OK))
        mode = stat.S_IMODE(os.stat(os.path.join(self.confdir, "chatterboxd.env")).st_mode)
        self.assertEqual(mode, 0o600, "the env file may hold the API key")

    def test_names_the_installed_binary_and_config(self):
        command = self.one("ExecStart").split()
        self.assertEqual(command[0], os.path.join(self.prefix, "bin", "chatterboxd"))
        serve = command.index("serve")
        self.assertEqual(command[serve + 1:serve + 3],
                         ["--config", os.path.join(self.confdir, "chatterboxd.json")])
        self.assertEqual(self.one("EnvironmentFile"),
                         "-" + os.path.join(self.confdir, "chatterboxd.env"))

    def test_systemd_analyze_verify(self):
        env = {"MANPATH": os.path.join(self.prefix, "share", "man")}
        run = analyze("verify", self.unit, env=env)
        self.assertEqual((run.returncode, run.stdout + run.stderr), (0, ""))
        # Without the man page, verify fails: the check above found ours.
        run = analyze("verify", self.unit, env={"MANPATH": self.prefix})
        self.assertNotEqual(run.returncode, 0)

    def test_systemd_analyze_verify_with_the_cuda_drop_in(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(self.unit, d)
            os.mkdir(os.path.join(d, "chatterboxd.service.d"))
            shutil.copy(os.path.join(self.prefix, "share", "chatterboxd", "systemd", "cuda.conf"),
                        os.path.join(d, "chatterboxd.service.d"))
            run = analyze("verify", "--man=no", os.path.join(d, "chatterboxd.service"))
            self.assertEqual((run.returncode, run.stdout + run.stderr), (0, ""))
            drop_in = unit_settings(os.path.join(d, "chatterboxd.service.d", "cuda.conf"))
        self.assertEqual(drop_in[("Service", "PrivateDevices")], ["no"])
        self.assertEqual(drop_in[("Service", "DevicePolicy")], ["closed"])
        self.assertIn("char-nvidia-frontend rw", drop_in[("Service", "DeviceAllow")])

    def test_exposure_stays_ok(self):
        # --threshold is on systemd's 0-100 scale: 20 is the 2.0 that `security` prints.
        run = analyze("security", "--offline=yes", "--threshold=20", self.unit)
        self.assertEqual(run.returncode, 0, run.stdout[-600:])

    def test_notify_watchdog_and_hardening(self):
        expected = {"Type": "notify", "NotifyAccess": "main", "Restart": "on-failure",
                    "DynamicUser": "yes", "StateDirectory": "chatterboxd",
                    "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                    "NoNewPrivileges": "yes", "PrivateDevices": "yes",
                    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6"}
        for key, value in expected.items():
            self.assertEqual(self.one(key), value, key)
        self.assertRegex(self.one("WatchdogSec"), r"^\d+$")
        self.assertEqual(self.one("WantedBy", "Install"), "multi-user.target")
        self.assertEqual(self.one("Documentation", "Unit"), "man:chatterboxd(1)")

    def test_config_keeps_its_data_in_the_state_directory(self):
        with open(os.path.join(self.confdir, "chatterboxd.json")) as f:
            config = json.load(f)
        state = "/var/lib/" + self.one("StateDirectory")
        self.assertEqual(self.one("WorkingDirectory"), state)
        self.assertTrue(config["voice_dir"].startswith(state + "/"))
        self.assertTrue(all(m["checkpoint_dir"].startswith(state + "/") for m in config["models"]))
        keys = project.config_keys()
        self.assertEqual(set(config) - keys[""], set())
        self.assertEqual(set(config["limits"]) - keys["limits."], set())
        for model in config["models"]:
            self.assertEqual(set(model) - keys["models[]."], set())

    def test_env_file_options_are_chatterboxds(self):
        env = env_file(os.path.join(self.confdir, "chatterboxd.env"))
        command = self.one("ExecStart").split()
        serve = command.index("serve")
        self.assertEqual(command[1:serve], ["$CHATTERBOXD_OPTIONS"])
        self.assertEqual(command[serve + 3:], ["$CHATTERBOXD_SERVE_OPTIONS"])
        global_flags, serve_flags = project.help_flags(), project.help_flags("serve")
        self.assertEqual({f for f in env["CHATTERBOXD_OPTIONS"].split() if f.startswith("--")}
                         - global_flags, set())
        self.assertEqual({f for f in env["CHATTERBOXD_SERVE_OPTIONS"].split()
                          if f.startswith("--")} - serve_flags, set())
        with open(os.path.join(self.confdir, "chatterboxd.env")) as f:
            mentioned = set(re.findall(r"(?<![\w-])--[a-z0-9-]+", f.read()))
        self.assertEqual(mentioned - global_flags - serve_flags, set())
        self.assertIn("#CHATTERBOX_API_KEY=", open(os.path.join(self.confdir, "chatterboxd.env")).read())
        with open(os.path.join(project.SOURCE, "server", "commands", "serve.cpp")) as f:
            self.assertIn('getenv("CHATTERBOX_API_KEY")', f.read())

    def test_install_keeps_an_edited_config(self):
        config = os.path.join(self.confdir, "chatterboxd.json")
        with open(config, "a") as f:
            f.write("\n")
        edited = os.path.getsize(config)
        out = install(self.prefix)
        self.assertIn("Keeping: " + config, out)
        self.assertEqual(os.path.getsize(config), edited)


if __name__ == "__main__":
    unittest.main(verbosity=2)
