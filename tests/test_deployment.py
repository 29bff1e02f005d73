"""docker-compose.yml, Dockerfile and .dockerignore, checked without a container engine.

The compose file is read as compose reads it (YAML, merge keys, ``${VAR}`` interpolation from ``.env``, which is
``.env.example`` here), and the health checks are run for real on this machine: the web check against gunicorn
started from this virtualenv, and, where ``redis-server`` is installed, Redis's check and the worker's check against
a password-protected Redis started with the compose file's own arguments.

PyYAML is not one of Exchange's own requirements (the API's schema library brings it): when it is missing, a
small reader of the YAML this compose file uses is used instead (it refuses anything it does not understand),
checked against PyYAML wherever some ``python3`` has it.
"""

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.http.request import validate_host

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
VENV_BIN = Path(sys.executable).parent
APP_SERVICES = ("web", "worker", "beat")
# What REDIS_PASSWORD is in these tests when .env.example leaves it empty (as it should: compose then refuses to start).
TEST_REDIS_PASSWORD = "TestOnlyRedisPassword0123456789"


# --- A reader of the YAML subset compose files use, for when PyYAML is not installed ----------------------------------


class _YamlSubsetError(ValueError):
    pass


_BOOL = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_SEXAGESIMAL = re.compile(r"[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+")
_FLOAT = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?")


def _plain_scalar(text):
    """YAML 1.1 resolution of a plain scalar, as PyYAML's safe loader does it (the forms compose files meet)."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text.replace("_", ""))
    if _SEXAGESIMAL.fullmatch(text):  # YAML 1.1 reads 8000:80 as a number: quote ports in compose files
        sign = -1 if text[0] == "-" else 1
        value = 0
        for part in text.lstrip("+-").split(":"):
            value = value * 60 + int(part.replace("_", ""))
        return sign * value
    if _FLOAT.fullmatch(text) and text not in {".", "+.", "-."}:
        return float(text.replace("_", ""))
    if text[0] in "!|>%@`":
        raise _YamlSubsetError(f"unsupported YAML: {text!r}")
    return text


def _quoted_end(text, start):
    """Index just past the quoted scalar starting at ``text[start]``."""
    quote, i = text[start], start + 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    raise _YamlSubsetError(f"unterminated quoted scalar (multi-line scalars are not supported): {text!r}")


def _quoted_scalar(token):
    if token[0] == "'":
        return token[1:-1].replace("''", "'")
    try:
        return json.loads(token)  # YAML's common double-quoted escapes are JSON's
    except json.JSONDecodeError as exc:
        raise _YamlSubsetError(f"unsupported double-quoted scalar: {token!r}") from exc


def _strip_comment(line):
    i = 0
    while i < len(line):
        if line[i] in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-"):
            i = _quoted_end(line, i)
            continue
        if line[i] == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
        i += 1
    return line.rstrip()


def _split_key(text):
    """(key, rest) when ``text`` is ``key: rest`` at the top level, else None."""
    i, depth = 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'" and (i == 0 or text[i - 1] in " \t[{,:"):
            i = _quoted_end(text, i)
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == ":" and depth == 0 and (i + 1 == len(text) or text[i + 1] in " \t"):
            key = text[:i].strip()
            key = _quoted_scalar(key) if key[:1] in "\"'" else key
            return key, text[i + 1 :].strip()
        i += 1
    return None


class _Flow:
    """A one-line flow collection: ``[a, "b"]``, ``{condition: service_healthy}``."""

    def __init__(self, text, anchors):
        self.text, self.pos, self.anchors = text, 0, anchors

    def parse(self):
        value = self._node(in_map=False)
        self._space()
        if self.pos != len(self.text):
            raise _YamlSubsetError(f"unsupported flow collection: {self.text!r}")
        return value

    def _space(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def _node(self, *, in_map):
        self._space()
        ch = self.text[self.pos : self.pos + 1]
        if ch == "[":
            return self._collection("]", lambda: self._node(in_map=False), list)
        if ch == "{":
            return self._collection("}", self._pair, dict)
        if ch in ("'", '"'):
            end = _quoted_end(self.text, self.pos)
            token, self.pos = self.text[self.pos : end], end
            return _quoted_scalar(token)
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",]}":
            if in_map and self.text[self.pos] == ":" and self.text[self.pos + 1 : self.pos + 2] in (" ", ""):
                break
            self.pos += 1
        token = self.text[start : self.pos].strip()
        if token.startswith("*"):
            return self.anchors[token[1:]]
        return _plain_scalar(token)

    def _pair(self):
        key = self._node(in_map=True)
        self._space()
        if self.text[self.pos : self.pos + 1] != ":":
            raise _YamlSubsetError(f"unsupported flow mapping: {self.text!r}")
        self.pos += 1
        return key, self._node(in_map=False)

    def _collection(self, close, item, kind):
        self.pos += 1
        items = []
        while True:
            self._space()
            if self.pos >= len(self.text):
                raise _YamlSubsetError(
                    f"unterminated flow collection (multi-line flows are not supported): {self.text!r}"
                )
            if self.text[self.pos] == close:
                self.pos += 1
                return kind(items)
            items.append(item())
            self._space()
            if self.text[self.pos : self.pos + 1] == ",":
                self.pos += 1


class _Block:
    def __init__(self, text):
        self.lines = []
        for raw in text.splitlines():
            if "\t" in raw[: len(raw) - len(raw.lstrip())]:
                raise _YamlSubsetError("tabs in indentation")
            line = _strip_comment(raw)
            if line.strip() in ("---", "..."):
                raise _YamlSubsetError("multiple documents are not supported")
            if line.strip():
                self.lines.append([len(line) - len(line.lstrip(" ")), line.strip()])
        self.anchors = {}

    def parse(self):
        if not self.lines:
            return None
        value, i = self._node(0, self.lines[0][0])
        if i != len(self.lines):
            raise _YamlSubsetError(f"unexpected indentation at {self.lines[i][1]!r}")
        return value

    @staticmethod
    def _is_item(text):
        return text == "-" or text.startswith("- ")

    def _node(self, i, indent):
        return (self._sequence if self._is_item(self.lines[i][1]) else self._mapping)(i, indent)

    def _mapping(self, i, indent):
        result, merges = {}, []
        while i < len(self.lines) and self.lines[i][0] == indent and not self._is_item(self.lines[i][1]):
            split = _split_key(self.lines[i][1])
            if split is None:
                raise _YamlSubsetError(f"expected 'key: value', got {self.lines[i][1]!r}")
            key, rest = split
            value, i = self._value(rest, i + 1, indent, in_map=True)
            if key == "<<":
                merges.extend(value if isinstance(value, list) else [value])
            elif key in result:
                raise _YamlSubsetError(f"duplicate key {key!r}")
            else:
                result[key] = value
        if i < len(self.lines) and self.lines[i][0] > indent:
            raise _YamlSubsetError(f"unexpected indentation at {self.lines[i][1]!r}")
        for merged in merges:  # explicit keys win over merged ones; earlier merges over later ones
            for key, value in merged.items():
                result.setdefault(key, value)
        return result, i

    def _sequence(self, i, indent):
        items = []
        while i < len(self.lines) and self.lines[i][0] == indent and self._is_item(self.lines[i][1]):
            rest = self.lines[i][1][1:].lstrip()
            split = _split_key(rest) if rest[:1] not in ("[", "{", "&", "*") else None
            if split is not None:  # "- key: value" opens a mapping, indented where "key" starts
                self.lines[i] = [indent + len(self.lines[i][1]) - len(rest), rest]
                value, i = self._mapping(i, self.lines[i][0])
            else:
                value, i = self._value(rest, i + 1, indent, in_map=False)
            items.append(value)
        return items, i

    def _value(self, rest, i, indent, *, in_map):
        anchor = None
        if rest.startswith("&"):
            anchor, _, rest = rest[1:].partition(" ")
            rest = rest.strip()
        if rest == "":
            nested = i < len(self.lines) and (
                self.lines[i][0] > indent or (in_map and self.lines[i][0] == indent and self._is_item(self.lines[i][1]))
            )
            value, i = self._node(i, self.lines[i][0]) if nested else (None, i)
        elif rest.startswith("*"):
            value = self.anchors[rest[1:]]
        elif rest[0] in "[{":
            value = _Flow(rest, self.anchors).parse()
        elif rest[0] in "\"'":
            if _quoted_end(rest, 0) != len(rest):
                raise _YamlSubsetError(f"unsupported scalar: {rest!r}")
            value = _quoted_scalar(rest)
        else:
            value = _plain_scalar(rest)
        if anchor:
            self.anchors[anchor] = value
        return value, i


def load_yaml_subset(text):
    return _Block(text).parse()


def load_yaml(path):
    text = Path(path).read_text()
    try:
        import yaml
    except ImportError:
        return load_yaml_subset(text)
    return yaml.safe_load(text)


# --- Compose semantics: .env files, interpolation, a service's environment --------------------------------------------


def read_env_file(path):
    """KEY=VALUE lines as compose reads an env_file (comments, blank lines, optional quotes)."""
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class InterpolationError(ValueError):
    pass


def interpolate(value, variables):
    """Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match):
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg, current = match["op"], match["arg"], variables.get(name)
        missing = current is None or (op is not None and op.startswith(":") and current == "")
        if op in ("?", ":?") and missing:
            raise InterpolationError(f"{name}: {arg}")
        if op in ("-", ":-") and missing:
            return arg
        if op in ("+", ":+"):
            return "" if missing else arg
        return current or ""

    return _INTERPOLATION.sub(replace, value)


def compose_variables(**overrides):
    """What compose interpolates with: the project's .env (here .env.example) and the shell's variables."""
    variables = read_env_file(ENV_EXAMPLE)
    variables["REDIS_PASSWORD"] = variables.get("REDIS_PASSWORD") or TEST_REDIS_PASSWORD
    return {**variables, **overrides}


@pytest.fixture(scope="module")
def raw_compose():
    return load_yaml(COMPOSE_FILE)


@pytest.fixture(scope="module")
def compose(raw_compose):
    return interpolate(raw_compose, compose_variables())


def service_environment(service):
    """A container's environment: its env_file (.env is .env.example here), then ``environment`` over it."""
    env = {}
    env_files = service.get("env_file") or []
    for env_file in [env_files] if isinstance(env_files, str) else env_files:
        path = env_file if isinstance(env_file, str) else env_file["path"]
        env.update(read_env_file(ENV_EXAMPLE if path in (".env", "./.env") else ROOT / path))
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    env.update({key: "" if value is None else str(value) for key, value in environment.items()})
    return env


def healthcheck_test(service):
    """The health check as [form, *arguments]; a bare string is compose's shorthand for CMD-SHELL."""
    test = service["healthcheck"]["test"]
    return ["CMD-SHELL", test] if isinstance(test, str) else test


def command_words(service):
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


# --- Processes --------------------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def base_environment(**values):
    """A clean process environment (nothing of this test run's DATABASE_URL, DJANGO_SETTINGS_MODULE, ...)."""
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        # What the image's Python finds by default; the container does not set it (wsgi.py and celery.py default it).
        "DJANGO_SETTINGS_MODULE": "exchange.settings",
    }
    env.update(values)
    return env


@contextmanager
def running(command, *, env, cwd=ROOT, log_path):
    """A process in its own session (so its children stop with it), stopped afterwards."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)


def log_of(path):
    return Path(path).read_text(errors="replace")[-4000:]


# --- The compose file as a whole --------------------------------------------------------------------------------------


def test_the_yaml_subset_reader_reads_the_compose_file_as_pyyaml_does():
    text = COMPOSE_FILE.read_text()
    try:
        import yaml

        expected = yaml.safe_load(text)
    except ImportError:
        python = next((p for p in (shutil.which("python3"), shutil.which("python")) if p), None)
        if python is None:
            pytest.skip("no PyYAML anywhere to compare the subset reader with")
        result = subprocess.run(
            [python, "-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"],
            input=text,
            capture_output=True,
            text=True,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
        if result.returncode != 0:
            pytest.skip("no PyYAML anywhere to compare the subset reader with")
        expected = json.loads(result.stdout)
    assert json.loads(json.dumps(load_yaml_subset(text))) == expected


def test_the_yaml_subset_reader_refuses_what_it_does_not_understand():
    for text in ("a: |\n  x\n", "a: [1,\n  2]\n", "a: !!str 1\n", "a: 1\n---\nb: 2\n"):
        with pytest.raises(_YamlSubsetError):
            load_yaml_subset(text)


def test_every_app_service_shares_the_app_definition(compose):
    services = compose["services"]
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["env_file"] == ".env", name
        assert {"db", "redis"} <= set(services[name]["depends_on"]), name


# --- Health checks ----------------------------------------------------------------------------------------------------


def test_health_checks_that_use_variables_run_in_a_shell(raw_compose):
    """Exec form (CMD) passes "$HOSTNAME" to the program as it is: only CMD-SHELL expands variables."""
    checked = []
    for name, service in raw_compose["services"].items():
        if "healthcheck" not in service:
            continue
        test = healthcheck_test(service)
        assert test[0] in ("CMD", "CMD-SHELL", "NONE"), name
        assert test[0] != "CMD-SHELL" or len(test) == 2, f"{name}: CMD-SHELL takes one command string"
        if any("$" in part for part in test[1:]):
            assert test[0] == "CMD-SHELL", f"{name}'s health check uses a variable in exec form: {test}"
        checked.append(name)
    assert {"web", "worker", "db", "redis"} <= set(checked)


def test_the_worker_health_check_pings_the_worker_of_its_own_container(raw_compose, compose):
    raw = healthcheck_test(raw_compose["services"]["worker"])
    assert raw[0] == "CMD-SHELL"
    assert "celery@$$HOSTNAME" in raw[1]  # "$$" is compose's escape: the shell gets "$HOSTNAME"
    words = shlex.split(healthcheck_test(compose["services"]["worker"])[1])
    assert words[:5] == ["celery", "-A", "exchange", "inspect", "ping"]
    assert words[words.index("-d") + 1] == "celery@$HOSTNAME"
    # Celery names a worker celery@<host name> unless told otherwise; Docker sets $HOSTNAME to the container's.
    assert "-n" not in command_words(compose["services"]["worker"])
    assert not any(word.startswith("--hostname") for word in command_words(compose["services"]["worker"]))


def web_check_code(compose, port=None):
    """The Python program of the web health check (pointed at ``port`` instead of 8000 when given)."""
    test = healthcheck_test(compose["services"]["web"])
    assert test[:3] == ["CMD", "python", "-c"]
    code = test[3]
    assert code.count("8000") == 1, "the check names gunicorn's port once"
    return code if port is None else code.replace("8000", str(port))


def web_gunicorn_words(compose):
    """The gunicorn command the web service runs after its migrations."""
    words = command_words(compose["services"]["web"])
    assert words[:2] == ["sh", "-c"]
    steps = [shlex.split(step) for step in words[2].split("&&")]
    assert steps[0][:3] == ["python", "manage.py", "migrate"]
    gunicorn = steps[-1]
    assert gunicorn[:2] == ["gunicorn", "exchange.wsgi"]
    return gunicorn


def run_web_check(code, env, timeout=15):
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


def test_the_web_health_check_probes_the_port_gunicorn_listens_on(compose):
    gunicorn = web_gunicorn_words(compose)
    assert gunicorn[gunicorn.index("--bind") + 1] == "0.0.0.0:8000"
    assert "'127.0.0.1',8000" in web_check_code(compose).replace(" ", "")
    assert "/health/" in web_check_code(compose)


class _Recorder(BaseHTTPRequestHandler):
    status = 200
    hosts = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        type(self).hosts.append((self.path, self.headers.get("Host")))
        self.send_response(type(self).status)
        if type(self).status in (301, 302):
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/health/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextmanager
def recording_server(status):
    handler = type("Handler", (_Recorder,), {"status": status, "hosts": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port, handler.hosts
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "allowed_hosts",
    [
        None,  # what the compose file gives the web service (from .env, here .env.example)
        "exchange.example.org",
        " exchange.example.org , www.exchange.example.org",
        ".example.org,localhost",
        "*",
        "[::1],localhost",
    ],
)
def test_the_web_health_check_sends_a_host_that_django_allows(compose, allowed_hosts):
    env = service_environment(compose["services"]["web"])
    if allowed_hosts is not None:
        env["ALLOWED_HOSTS"] = allowed_hosts
    allowed = [host.strip() for host in env["ALLOWED_HOSTS"].split(",") if host.strip()]  # settings' env_list
    assert allowed, "the web service has no ALLOWED_HOSTS"
    with recording_server(200) as (port, requests):
        result = run_web_check(web_check_code(compose, port), base_environment(**env))
    assert result.returncode == 0, result.stderr
    [(path, host)] = requests
    assert path == "/health/"
    assert validate_host(host, allowed), f"Host {host!r} is not in ALLOWED_HOSTS {allowed}"


@pytest.mark.parametrize("status", [301, 302, 400, 500, 503])
def test_the_web_health_check_fails_on_anything_but_200(compose, status):
    """A redirect (say, SECURE_SSL_REDIRECT) is not followed to wherever the public name points: it fails."""
    env = base_environment(**service_environment(compose["services"]["web"]))
    with recording_server(status) as (port, requests):
        result = run_web_check(web_check_code(compose, port), env)
    assert result.returncode != 0
    assert len(requests) == 1


def test_the_web_health_check_fails_when_nothing_listens(compose):
    env = base_environment(**service_environment(compose["services"]["web"]))
    result = run_web_check(web_check_code(compose, free_port()), env)
    assert result.returncode != 0


@pytest.fixture(scope="module", params=["compose", "true"], ids=["ssl_redirect_as_composed", "ssl_redirect_on"])
def web_server(request, compose, tmp_path_factory):
    """gunicorn as the web service runs it, with the web service's environment, on SQLite and the embedded broker
    (no PostgreSQL or Redis needed); with SECURE_SSL_REDIRECT as .env.example sets it, and on (the default)."""
    tmp = tmp_path_factory.mktemp("web")
    port = free_port()
    env = service_environment(compose["services"]["web"])
    assert env["DEBUG"].lower() == "false"
    assert env["SECRET_KEY"]
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'exchange.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        CACHE_URL="",
        EXCHANGE_VAR_DIR=str(tmp / "var"),
    )
    if request.param != "compose":
        env["SECURE_SSL_REDIRECT"] = request.param
    gunicorn = web_gunicorn_words(compose)
    gunicorn[gunicorn.index("--bind") + 1] = f"127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    # The filesystem broker keeps its exchange table in ./control: a scratch working directory, not the checkout.
    env["PYTHONPATH"] = str(ROOT)
    with running(gunicorn, env=base_environment(**env), cwd=tmp, log_path=log) as process:
        up = wait_until(lambda: listening(port) or process.poll() is not None, timeout=60)
        assert up, log_of(log)
        assert process.poll() is None, log_of(log)
        yield port, env, log


def test_the_web_health_check_passes_against_gunicorn(compose, web_server):
    port, env, log = web_server
    result = run_web_check(web_check_code(compose, port), base_environment(**env))
    assert result.returncode == 0, f"{result.stderr}\n{log_of(log)}"


def test_without_an_allowed_host_the_same_request_is_refused(compose, web_server):
    """The check's Host header is what makes it pass: the old check (Host 127.0.0.1:8000) is refused."""
    port, env, log = web_server
    old_check = (
        f"import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:{port}/health/').status != 200)"
    )
    result = run_web_check(old_check, base_environment(**env))
    assert result.returncode != 0
    assert "400" in result.stderr, result.stderr


def test_the_web_health_check_fails_once_gunicorn_is_gone(compose, tmp_path):
    port = free_port()
    env = service_environment(compose["services"]["web"])
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'exchange.sqlite3'}",
        CELERY_BROKER_URL="filesystem://",
        CACHE_URL="",
        EXCHANGE_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    gunicorn = web_gunicorn_words(compose)
    gunicorn[gunicorn.index("--bind") + 1] = f"127.0.0.1:{port}"
    code = web_check_code(compose, port)
    with running(gunicorn, env=base_environment(**env), cwd=tmp_path, log_path=tmp_path / "gunicorn.log") as process:
        assert wait_until(lambda: listening(port), timeout=60), log_of(tmp_path / "gunicorn.log")
        assert run_web_check(code, base_environment(**env)).returncode == 0
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert run_web_check(code, base_environment(**env)).returncode != 0


# --- Redis: a password, nothing on disk -------------------------------------------------------------------------------


def test_redis_requires_a_password_and_compose_refuses_to_start_without_one(raw_compose, compose):
    words = command_words(compose["services"]["redis"])
    assert words[0] == "redis-server"
    assert words[words.index("--requirepass") + 1] == compose_variables()["REDIS_PASSWORD"]
    for empty in ({"REDIS_PASSWORD": ""}, {"REDIS_PASSWORD": None}):
        variables = {key: value for key, value in compose_variables(**empty).items() if value is not None}
        with pytest.raises(InterpolationError, match="REDIS_PASSWORD"):
            interpolate(raw_compose["services"]["redis"], variables)
        for name in APP_SERVICES:
            with pytest.raises(InterpolationError, match="REDIS_PASSWORD"):
                interpolate(raw_compose["services"][name]["environment"], variables)


def test_redis_persists_nothing(compose):
    redis = compose["services"]["redis"]
    words = command_words(redis)
    assert words[words.index("--save") + 1] == ""
    assert words[words.index("--appendonly") + 1] == "no"
    assert not redis.get("volumes")
    assert "redis" not in (compose.get("volumes") or {})


def test_the_redis_health_check_authenticates_and_wants_a_pong(compose):
    redis = compose["services"]["redis"]
    form, command = healthcheck_test(redis)
    assert form == "CMD-SHELL"
    assert "redis-cli" in command
    password = compose_variables()["REDIS_PASSWORD"]
    env = service_environment(redis)
    assert env.get("REDISCLI_AUTH") == password or "-a" in shlex.split(command)
    # redis-cli exits 0 on "NOAUTH Authentication required." and on a wrong password: only PONG may count.
    assert "PONG" in command


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_services_reach_redis_with_the_password(compose, name):
    env = service_environment(compose["services"][name])
    password = compose_variables()["REDIS_PASSWORD"]
    for setting, database in (("CELERY_BROKER_URL", "/0"), ("CACHE_URL", "/1")):
        url = urlsplit(env[setting])
        assert (url.scheme, url.hostname, url.port, url.path) == ("redis", "redis", 6379, database), setting
        assert url.password == password, setting


def to_local(url, port):
    """A compose Redis URL (host "redis") pointed at 127.0.0.1:port."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[0] + f"@127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(scope="module")
def composed_redis(compose, tmp_path_factory):
    """redis-server with the compose file's arguments, on a free local port."""
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        pytest.skip("needs redis-server and redis-cli")
    tmp = tmp_path_factory.mktemp("redis")
    port = free_port()
    command = [*command_words(compose["services"]["redis"]), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--dir", str(tmp)]
    with running(command, env=base_environment(), cwd=tmp, log_path=tmp / "redis.log") as process:
        assert wait_until(lambda: listening(port), timeout=20), log_of(tmp / "redis.log")
        yield port, tmp
        assert process.poll() is None


def redis_cli(port, *args, password=None):
    env = base_environment()
    if password is not None:
        env["REDISCLI_AUTH"] = password
    result = subprocess.run(["redis-cli", "-p", str(port), *args], env=env, capture_output=True, text=True)
    return result.stdout.strip()


def run_redis_check(compose, port, **env):
    _, command = healthcheck_test(compose["services"]["redis"])
    assert command.count("redis-cli") == 1
    command = command.replace("redis-cli", f"redis-cli -p {port}")
    return subprocess.run(["sh", "-c", command], env=base_environment(**env), capture_output=True, timeout=15)


def test_composed_redis_refuses_clients_without_the_password(compose, composed_redis):
    port, _ = composed_redis
    assert "NOAUTH" in redis_cli(port, "ping")
    assert redis_cli(port, "ping", password="wrong") != "PONG"
    assert redis_cli(port, "ping", password=compose_variables()["REDIS_PASSWORD"]) == "PONG"


def test_composed_redis_writes_nothing_to_disk(compose, composed_redis):
    port, directory = composed_redis
    password = compose_variables()["REDIS_PASSWORD"]
    assert redis_cli(port, "config", "get", "save", password=password).splitlines() == ["save"]
    assert redis_cli(port, "config", "get", "appendonly", password=password).splitlines() == ["appendonly", "no"]
    assert not list(Path(directory).glob("*.rdb"))
    assert not list(Path(directory).glob("appendonly*"))


def test_the_redis_health_check_passes_with_the_password_only(compose, composed_redis):
    port, _ = composed_redis
    env = service_environment(compose["services"]["redis"])
    assert run_redis_check(compose, port, **env).returncode == 0
    assert run_redis_check(compose, port, **{**env, "REDISCLI_AUTH": "wrong"}).returncode != 0
    assert run_redis_check(compose, port).returncode != 0


def test_the_app_urls_authenticate_with_composed_redis(compose, composed_redis):
    import redis
    from kombu import Connection

    port, _ = composed_redis
    env = service_environment(compose["services"]["web"])
    assert redis.Redis.from_url(to_local(env["CACHE_URL"], port)).ping()
    with Connection(to_local(env["CELERY_BROKER_URL"], port), connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)
    without_password = f"redis://127.0.0.1:{port}/1"
    with pytest.raises(redis.exceptions.AuthenticationError):
        redis.Redis.from_url(without_password).ping()


@pytest.mark.worker
def test_the_worker_health_check_passes_against_the_composed_worker(compose, composed_redis, tmp_path):
    port, _ = composed_redis
    hostname = socket.gethostname()  # what Docker puts in $HOSTNAME, and what Celery names the node after
    env = service_environment(compose["services"]["worker"])
    env.update(
        CELERY_BROKER_URL=to_local(env["CELERY_BROKER_URL"], port),
        CACHE_URL=to_local(env["CACHE_URL"], port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'exchange.sqlite3'}",
        EXCHANGE_VAR_DIR=str(tmp_path / "var"),
        HOSTNAME=hostname,
    )
    _, check = healthcheck_test(compose["services"]["worker"])

    def check_passes(host):
        result = subprocess.run(
            ["sh", "-c", check], cwd=ROOT, env=base_environment(**{**env, "HOSTNAME": host}), capture_output=True
        )
        return result.returncode == 0

    log = tmp_path / "worker.log"
    with running(command_words(compose["services"]["worker"]), env=base_environment(**env), log_path=log) as process:
        assert wait_until(lambda: check_passes(hostname) or process.poll() is not None, timeout=90), log_of(log)
        assert process.poll() is None, log_of(log)
        assert not check_passes("not-this-container")
        # The same command in exec form (no shell, as the check used to be) asks for "celery@$HOSTNAME" literally.
        exec_form = subprocess.run(shlex.split(check), cwd=ROOT, env=base_environment(**env), capture_output=True)
        assert exec_form.returncode != 0


# --- The image's build context ----------------------------------------------------------------------------------------


def _dockerignore_patterns():
    patterns = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        patterns.append((negated, _pattern_regex(pattern)))
    return patterns


def _pattern_regex(pattern):
    """Docker's (moby/patternmatcher) pattern syntax: * and ? within a path segment, ** across segments."""
    out, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
            continue
        if pattern.startswith("**", i):
            out, i = out + ".*", i + 2
            continue
        if ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
            continue
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + r"\Z")


def in_build_context(path, patterns=None):
    """Whether ``path`` (relative, with "/") is sent to the builder: the last pattern matching it or a parent wins."""
    patterns = _dockerignore_patterns() if patterns is None else patterns
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    included = True
    for negated, regex in patterns:
        if any(regex.match(candidate) for candidate in candidates):
            included = negated
    return included


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        "var/exchange.sqlite3",
        "var/broker/processed/x.msg",
        "var/test/media/photo.jpg",
        "tests/var/exchange.sqlite3",
        ".venv/bin/python",
        ".git/HEAD",
        ".git/objects/ab/cdef",
        "control/celery.pidbox.exchange",
        "staticfiles/staticfiles.json",
        "node_modules/axe-core/package.json",
        "static/node_modules/x/index.js",
        "exchange/__pycache__/settings.cpython-311.pyc",
        "tests/.pytest_cache/v/cache/nodeids",
        ".pytest_cache/README.md",
        "db.sqlite3",
        "demo/dump.sqlite3",
        "locale/es/LC_MESSAGES/django.mo",
        "celerybeat-schedule",
        ".hypothesis/examples/x",
    ],
)
def test_the_build_context_leaves_out(path):
    assert not in_build_context(path)


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "requirements.txt",
        "exchange/settings.py",
        "exchange/wsgi.py",
        "councils/migrations/0001_initial.py",
        "locale/es/LC_MESSAGES/django.po",
        "templates/base.html",
        "static/js/app.js",
    ],
)
def test_the_build_context_keeps(path):
    assert in_build_context(path)


def test_every_tracked_file_the_app_needs_is_in_the_build_context():
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("needs the git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    tracked = tracked.splitlines()
    patterns = _dockerignore_patterns()
    left_out = {path for path in tracked if not in_build_context(path, patterns)}
    expected_out = {".ci", "control", "Dockerfile", ".dockerignore", "docker-compose.yml"}
    assert {path for path in left_out if path.split("/")[0] not in expected_out} == set()
    assert "manage.py" not in left_out
    assert "requirements.txt" not in left_out
