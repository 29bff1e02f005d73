"""The lock files and the vulnerability audit.

requirements.txt and requirements-dev.txt name what Exchange uses; ``make lock`` (pip-compile) pins everything under
them, with hashes, in requirements.lock and requirements-dev.lock, which are what ``make install``, CI and the
Dockerfile install. bin/audit-dependencies runs pip-audit on the locks; here a stand-in for pip-audit answers as the
vulnerability service would (the service is outside this machine).
"""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "bin" / "audit-dependencies"


def _name(text):
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins(path):
    """Package -> version, of the ``name[extras]==version`` lines of a requirements file (its -r lines left out)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", line).groups()
        pins[_name(name)] = version
    return pins


def _locked(path):
    """Package -> (version, hashes, what asked for it), from a file pip-compile wrote."""
    locked = {}
    name = None
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and name is None):
            continue
        if not line.startswith((" ", "#")):
            requirement = stripped.rstrip("\\").strip()
            name, version = requirement.split("==")
            name = _name(name)
            locked[name] = (version, [], [])
        elif stripped.startswith("--hash="):
            locked[name][1].append(stripped.removeprefix("--hash=").rstrip("\\").strip())
        elif stripped.startswith("#"):
            via = stripped.lstrip("#").strip().removeprefix("via").strip()
            if via:
                locked[name][2].append(via)
    return locked


RUNTIME_LOCK = _locked(ROOT / "requirements.lock")
DEV_LOCK = _locked(ROOT / "requirements-dev.lock")


@pytest.mark.parametrize(
    ("requirements", "lock"),
    [("requirements.txt", RUNTIME_LOCK), ("requirements-dev.txt", DEV_LOCK), ("requirements.txt", DEV_LOCK)],
)
def test_every_pin_is_locked_at_its_version(requirements, lock):
    pins = _pins(ROOT / requirements)

    assert {name: lock.get(name, ("not locked",))[0] for name in pins} == pins


@pytest.mark.parametrize(
    ("requirements", "lock"), [("requirements.txt", RUNTIME_LOCK), ("requirements-dev.txt", DEV_LOCK)]
)
def test_the_lock_asks_for_nothing_the_requirements_dropped(requirements, lock):
    # pip-compile notes "-r requirements.txt" under each package it locked for that file.
    asked_for = {name for name, (_version, _hashes, via) in lock.items() if f"-r {requirements}" in via}

    assert asked_for == set(_pins(ROOT / requirements))


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_has_sha256_hashes(lock):
    unhashed = [name for name, (_version, hashes, _via) in lock.items() if not hashes]

    assert unhashed == []
    assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for _v, hashes, _via in lock.values() for h in hashes)


def test_both_locks_install_the_same_version_of_a_runtime_package():
    differ = {name: (version, DEV_LOCK.get(name, ("missing",))[0]) for name, (version, *_) in RUNTIME_LOCK.items()}

    assert {name: versions for name, versions in differ.items() if versions[0] != versions[1]} == {}


def test_unused_packages_are_not_locked():
    assert {"sqlalchemy", "django-htmx"} & set(DEV_LOCK) == set()


def _make_dry_run(*args):
    # -B: every target counts as out of date, so its recipe is printed whatever the state of this checkout.
    return subprocess.run(
        ["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_make_install_installs_the_development_lock_with_hashes():
    lines = _make_dry_run("install")

    assert [line for line in lines if "pip install" in line] == [
        ".venv/bin/pip install --quiet --require-hashes -r requirements-dev.lock"
    ]


def test_make_test_checks_the_test_tools_before_the_catalogues_and_the_suite():
    lines = _make_dry_run("test")
    position = {
        step: next(i for i, line in enumerate(lines) if step in line)
        for step in ("bin/check-test-tools", "compilemessages", "pytest")
    }

    assert position["bin/check-test-tools"] < position["compilemessages"] < position["pytest"]


def test_the_image_installs_the_runtime_lock_with_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "RUN pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
    assert "requirements-dev" not in dockerfile


# --- bin/audit-dependencies ----------------------------------------------------------------------------------------


FAKE_PIP_AUDIT = """\
#!{python}
# Answers as pip-audit does: the report from FAKE_REPORT written to --output, FAKE_STDERR on stderr, FAKE_EXIT.
import os, sys
with open(os.environ["FAKE_ARGS"], "w") as args:
    args.write("\\n".join(sys.argv[1:]))
if os.environ.get("FAKE_REPORT"):
    with open(sys.argv[sys.argv.index("--output") + 1], "w") as output:
        output.write(os.environ["FAKE_REPORT"])
sys.stderr.write(os.environ.get("FAKE_STDERR", ""))
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""

DJANGO_FINDING = {
    "name": "django",
    "version": "5.2.19",
    "vulns": [
        {
            "id": "PYSEC-2026-99",
            "fix_versions": ["5.2.20"],
            "aliases": ["CVE-2026-12345", "GHSA-aaaa-bbbb-cccc"],
            "description": "Something unsafe.",
        }
    ],
}
CLEAN_CELERY = {"name": "celery", "version": "5.7.0", "vulns": []}


@pytest.fixture
def audit(tmp_path):
    fake = tmp_path / "pip-audit"
    fake.write_text(FAKE_PIP_AUDIT.format(python=sys.executable))
    fake.chmod(0o755)
    ignore_file = tmp_path / "ignore.txt"
    ignore_file.write_text("# none yet\n")

    def run(report=None, stderr="", exit_code=0, ignored=""):
        if ignored:
            ignore_file.write_text(ignored)
        env = {
            **os.environ,
            "PIP_AUDIT": str(fake),
            "PIP_AUDIT_IGNORE_FILE": str(ignore_file),
            "FAKE_ARGS": str(tmp_path / "args"),
            "FAKE_REPORT": json.dumps(report) if report is not None else "",
            "FAKE_STDERR": stderr,
            "FAKE_EXIT": str(exit_code),
        }
        completed = subprocess.run(
            [sys.executable, str(AUDIT), "requirements.lock", "requirements-dev.lock"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        args = tmp_path / "args"
        return SimpleNamespace(
            code=completed.returncode,
            out=completed.stdout,
            err=completed.stderr,
            args=args.read_text().splitlines() if args.exists() else None,
        )

    return run


def test_the_audit_checks_the_locked_files_against_their_hashes(audit):
    result = audit(report={"dependencies": [CLEAN_CELERY], "fixes": []})

    assert result.args[:2] == ["--disable-pip", "--require-hashes"]
    assert [result.args[i + 1] for i, arg in enumerate(result.args) if arg == "--requirement"] == [
        "requirements.lock",
        "requirements-dev.lock",
    ]
    assert (result.code, result.out) == (0, "audit: no known vulnerabilities in 1 packages.\n")


def test_a_finding_fails_the_audit_naming_the_package_and_the_fix(audit):
    result = audit(report={"dependencies": [CLEAN_CELERY, DJANGO_FINDING], "fixes": []}, exit_code=1)

    assert result.code == 1
    assert result.out.splitlines() == [
        "audit: django 5.2.19: PYSEC-2026-99 (CVE-2026-12345, GHSA-aaaa-bbbb-cccc), fixed in 5.2.20",
        "audit: 1 known vulnerabilities. Upgrade (edit the pin, `make lock`), or add the id and why it does not "
        "apply to ignore.txt.",
    ]


@pytest.mark.parametrize("listed_as", ["PYSEC-2026-99", "GHSA-aaaa-bbbb-cccc"])
def test_a_finding_ignored_with_a_reason_passes_and_is_reported(audit, listed_as):
    ignored = f"{listed_as}  only reachable through the admin's raw SQL console, which Exchange does not install\n"

    result = audit(report={"dependencies": [CLEAN_CELERY, DJANGO_FINDING], "fixes": []}, exit_code=1, ignored=ignored)

    assert result.code == 0
    assert result.out.splitlines() == [
        "audit: ignored PYSEC-2026-99 in django 5.2.19: only reachable through the admin's raw SQL console, which "
        "Exchange does not install",
        "audit: no known vulnerabilities in 2 packages.",
    ]


def test_an_ignored_id_without_a_reason_is_refused(audit):
    result = audit(report={"dependencies": [DJANGO_FINDING], "fixes": []}, exit_code=1, ignored="PYSEC-2026-99\n")

    assert (result.code, result.out) == (1, "")
    assert result.err == "ignore.txt line 1: PYSEC-2026-99 needs a reason after its id.\n"
    assert result.args is None


def test_a_service_that_answers_for_no_package_is_reported_as_no_audit(audit):
    skipped = {"name": "amqp", "skip_reason": "Dependency not found on PyPI and could not be audited: amqp (5.4.2)"}

    result = audit(report={"dependencies": [skipped], "fixes": []})

    assert result.code == 0
    assert result.out == (
        "audit: the vulnerability service answered for none of the 1 packages (Dependency not found on PyPI and could "
        "not be audited: amqp (5.4.2)); packages NOT audited.\n"
    )


def test_an_unreachable_service_is_reported_and_passed_over(audit):
    stderr = textwrap.dedent("""\
        Traceback (most recent call last):
        requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded
        """)

    result = audit(stderr=stderr, exit_code=1)

    assert result.code == 0
    assert result.out.startswith("audit: the vulnerability service could not be reached (requests.exceptions.")
    assert result.out.endswith("packages NOT audited.\n")


def test_any_other_failure_of_pip_audit_fails_the_audit(audit):
    result = audit(stderr="ERROR:pip_audit._cli:requirement django is not pinned to an exact version\n", exit_code=1)

    assert result.code == 1
    assert (
        result.out
        == "audit: pip-audit failed: ERROR:pip_audit._cli:requirement django is not pinned to an exact version\n"
    )
