#!/usr/bin/env python3
"""deploy/container/Containerfile read instruction by instruction (no container engine here):
Debian bookworm bases; packages only through scripts/setup.sh or, at run time, the packages
runtime-packages.sh derives from the built binary plus setup.sh packages; a non-root USER;
EXPOSE on the server's default ports; a HEALTHCHECK on /ready; the config it copies in.
runtime-packages.sh itself runs on this build's chatterboxd."""
import json
import os
import re
import shlex
import subprocess
import tempfile
import unittest

import yaml

import project

CONTAINER = os.path.join(project.DEPLOY, "container")


def instructions(path):
    """[(stage index, INSTRUCTION, arguments)] with continuation lines joined."""
    with open(path) as f:
        text = re.sub(r"\\\n", " ", f.read())
    out, stage = [], -1
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stage += 1
        out.append((stage, word.upper(), rest.strip()))
    return out


def apt_installed(command):
    """The package names an `apt-get install` in a RUN command names."""
    names = []
    for part in re.split(r"&&|;", command):
        words = shlex.split(part.replace("$(cat /tmp/runtime-packages)", "RUNTIME_PACKAGES"))
        if "apt-get" in words and "install" in words:
            names += [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
    return names


class ContainerfileTest(unittest.TestCase):
    def setUp(self):
        self.steps = instructions(os.path.join(CONTAINER, "Containerfile"))
        self.final = max(s for s, _, _ in self.steps)
        self.last = {word: rest for stage, word, rest in self.steps if stage == self.final}

    def test_debian_bookworm_bases(self):
        bases = [rest.split()[0] for _, word, rest in self.steps if word == "FROM"]
        self.assertEqual(len(bases), 2)
        self.assertTrue(all(re.fullmatch(r"debian:bookworm(-slim)?", b) for b in bases), bases)

    def test_debian_packages_only(self):
        runs = [rest for _, word, rest in self.steps if word == "RUN"]
        self.assertIn("bash /src/scripts/setup.sh", runs)
        packages = project.setup_packages()
        for run in runs:
            self.assertNotRegex(run, r"\b(pip3?|wget|git clone|curl)\b.*(install|http)", run)
            for name in apt_installed(run):
                if name != "RUNTIME_PACKAGES":
                    self.assertIn(name, packages, "not a package setup.sh installs")
        self.assertTrue(any("RUNTIME_PACKAGES" in apt_installed(r) for r in runs))
        self.assertTrue(any("runtime-packages.sh" in r and "> /staging/runtime-packages" in r
                            for r in runs))

    def test_runs_as_the_unprivileged_user_of_the_kubernetes_pods(self):
        user = self.last["USER"].split(":")[0]
        self.assertNotIn(user, ("0", "root"))
        with open(os.path.join(project.DEPLOY, "kubernetes", "base", "deployment.yaml")) as f:
            pod = yaml.safe_load(f)["spec"]["template"]["spec"]
        self.assertEqual(int(user), pod["securityContext"]["runAsUser"])

    def test_ports_healthcheck_and_command(self):
        ports = project.default_ports()
        self.assertEqual(sorted(int(p) for p in self.last["EXPOSE"].split()), sorted(ports.values()))
        self.assertRegex(self.last["HEALTHCHECK"],
                         rf"CMD curl -fsS http://127\.0\.0\.1:{ports['http']}/ready\b")
        self.assertIn("/ready", project.http_get_routes())
        self.assertEqual(self.last["STOPSIGNAL"], "SIGTERM")
        command = json.loads(self.last["ENTRYPOINT"]) + json.loads(self.last["CMD"])
        self.assertEqual(command[:3], ["chatterboxd", "serve", "--config"])
        copies = dict(reversed(rest.split()) for stage, word, rest in self.steps
                      if stage == self.final and word == "COPY" and "--from" not in rest)
        self.assertEqual(copies[command[3]], "deploy/container/chatterboxd.json")

    def test_the_config_it_serves(self):
        with open(os.path.join(CONTAINER, "chatterboxd.json")) as f:
            config = json.load(f)
        keys = project.config_keys()
        self.assertEqual(set(config) - keys[""], set())
        for model in config["models"]:
            self.assertEqual(set(model) - keys["models[]."], set())
        ports = project.default_ports()
        self.assertEqual(config["http_listen"], f"0.0.0.0:{ports['http']}")
        self.assertEqual(config["grpc_listen"], f"0.0.0.0:{ports['grpc']}")
        volume = json.loads(self.last["VOLUME"]) if self.last["VOLUME"].startswith("[") else \
            self.last["VOLUME"]
        self.assertTrue(config["voice_dir"].startswith(volume + "/"))
        self.assertTrue(all(m["checkpoint_dir"].startswith(volume + "/") for m in config["models"]))

    def test_runtime_packages_of_this_build(self):
        run = subprocess.run(["bash", os.path.join(CONTAINER, "runtime-packages.sh"),
                              project.CHATTERBOXD], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        packages = run.stdout.split()
        self.assertEqual(packages, sorted(set(packages)))
        for expected in ("libtorch1.13", "libopenblas0-pthread", "libsndfile1", "libc6"):
            self.assertIn(expected, packages)

    def test_runtime_packages_refuses_a_library_no_package_owns(self):
        with tempfile.TemporaryDirectory() as d:
            for name, code in (("own.c", "int own(void) { return 1; }"),
                               ("main.c", "int own(void); int main(void) { return own(); }")):
                with open(os.path.join(d, name), "w") as f:
                    f.write(code + "\n")
            subprocess.run(["cc", "-shared", "-fPIC", "-o", "libown.so", "own.c"], cwd=d, check=True)
            subprocess.run(["cc", "-o", "main", "main.c", "-L.", "-lown", "-Wl,-rpath," + d],
                           cwd=d, check=True)
            run = subprocess.run(["bash", os.path.join(CONTAINER, "runtime-packages.sh"),
                                  os.path.join(d, "main")], capture_output=True, text=True)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("no package owns " + d + "/libown.so", run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
