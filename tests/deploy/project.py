"""What the deploy tests check the service files against, read from the project itself: the
server's defaults, config keys, metric names, health service names and HTTP routes (from the
C++ sources), the Debian packages of scripts/setup.sh, and chatterboxd's --help.

Paths from the environment ctest sets: CHATTERBOX_SOURCE_DIR, CHATTERBOXD."""
import functools
import os
import re
import subprocess

SOURCE = os.environ.get("CHATTERBOX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(SOURCE, "deploy")
CHATTERBOXD = os.environ.get("CHATTERBOXD", os.path.join(SOURCE, "build", "server", "chatterboxd"))


def read(*parts):
    with open(os.path.join(SOURCE, *parts)) as f:
        return f.read()


def default_ports():
    """{"http": 8000, "grpc": 50051}: ServerConfig's default listen addresses."""
    header = read("server", "server_config.h")
    ports = {}
    for name in ("http", "grpc"):
        match = re.search(name + r'_listen = "[^"]*:(\d+)"', header)
        ports[name] = int(match.group(1))
    return ports


def config_keys():
    """{"": top-level keys, "limits.": ..., "models[].": ...} as parse_server_config checks them."""
    source = read("server", "server_config.cpp")
    keys = {}
    for listed, where in re.findall(r'check_keys\(object,\s*\{(.*?)\},\s*"([^"]*)"\)', source, re.S):
        keys[where] = set(re.findall(r'"([^"]+)"', listed))
    return keys


def metric_names():
    source = read("server", "server_metrics.cpp")
    return set(re.findall(r'add_(?:counter|gauge|histogram)\(\s*"([a-z_]+)"', source))


def health_services():
    """The grpc.health.v1 service names the server sets besides the model names."""
    return set(re.findall(r'constexpr char kHealth\w*\[\] = "([^"]*)"',
                          read("server", "commands", "server_app.cpp")))


def http_get_routes():
    routes = set()
    for name in os.listdir(os.path.join(SOURCE, "server", "http")):
        if name.endswith(".cpp"):
            routes |= set(re.findall(r'\.Get\("([^"]+)"', read("server", "http", name)))
    return routes


def setup_packages():
    """The Debian packages scripts/setup.sh installs."""
    listed = re.search(r"packages=\((.*?)\)", read("scripts", "setup.sh"), re.S).group(1)
    return set(re.sub(r"#[^\n]*", "", listed).split())


@functools.lru_cache(maxsize=None)
def help_text(*command):
    return subprocess.run([CHATTERBOXD, *command, "--help"], check=True, capture_output=True,
                          text=True).stdout


def help_flags(*command):
    """The --flags `chatterboxd COMMAND --help` lists."""
    return set(re.findall(r"(?<![\w-])(--[a-z0-9][a-z0-9-]*)", help_text(*command)))


def subcommands():
    section = help_text().split("Subcommands:", 1)[1]
    return re.findall(r"^  ([a-z][a-z-]+)\s", section, re.M)
