"""bin/check-test-tools, which ``make test`` runs first: Chromium and msgfmt are there, installed with apt-get as
root, or asked for in one line. Run here with a PATH of stand-ins (``id``, ``apt-get``, ``msgfmt``) so that each
kind of machine can be played on this one."""

import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "bin" / "check-test-tools"

FAKE_APT_GET = """\
#!/bin/sh
echo "apt-get $*" >> "{log}"
# As Debian's packages would: "install" puts the browser and msgfmt where the script looks for them.
if [ "$1" = install ]; then
  {install}
fi
"""


@pytest.fixture
def machine(tmp_path):
    """A machine where CHROMIUM_PATH is missing, with nothing on PATH but what a test puts there."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    chromium = tmp_path / "chromium"
    log = tmp_path / "apt.log"

    def tool(name, body):
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    def add_chromium():
        chromium.write_text("#!/bin/sh\n")
        chromium.chmod(0o755)

    def add_apt_get(installs=True):
        install = (
            f'printf "#!/bin/sh\\n" > "{chromium}"; /bin/chmod +x "{chromium}"; '
            f'/bin/cp "{bin_dir}/id" "{bin_dir}/msgfmt"'
        )
        path = bin_dir / "apt-get"
        path.write_text(FAKE_APT_GET.format(log=log, install=install if installs else ":"))
        path.chmod(0o755)

    def run():
        completed = subprocess.run(
            ["/bin/bash", str(SCRIPT)],
            env={"PATH": str(bin_dir), "CHROMIUM_PATH": str(chromium)},
            capture_output=True,
            text=True,
            check=False,
        )
        apt = log.read_text().splitlines() if log.exists() else []
        return completed.returncode, completed.stderr, apt

    return SimpleNamespace(chromium=chromium, tool=tool, add_chromium=add_chromium, add_apt_get=add_apt_get, run=run)


def test_with_both_tools_nothing_is_said_or_installed(machine):
    machine.tool("id", "echo 0")
    machine.tool("msgfmt", "")
    machine.add_chromium()
    machine.add_apt_get()

    assert machine.run() == (0, "", [])


def test_without_root_it_stops_with_the_command_to_run(machine):
    machine.tool("id", "echo 1000")
    machine.add_apt_get()

    code, said, apt = machine.run()

    assert code == 1
    assert said == (
        f"make test needs chromium gettext (browser: {machine.chromium}, or set CHROMIUM_PATH): run "
        "`sudo apt-get update && sudo apt-get install -y chromium gettext`, then make test again.\n"
    )
    assert apt == []


def test_without_root_only_the_missing_tool_is_asked_for(machine):
    machine.tool("id", "echo 1000")
    machine.tool("msgfmt", "")

    code, said, _apt = machine.run()

    assert code == 1
    assert "`sudo apt-get update && sudo apt-get install -y chromium`" in said


def test_root_without_apt_get_stops_with_the_command_to_run(machine):
    machine.tool("id", "echo 0")
    machine.add_chromium()

    code, said, _apt = machine.run()

    assert code == 1
    assert "`sudo apt-get update && sudo apt-get install -y gettext`" in said


def test_root_with_apt_get_installs_what_is_missing(machine):
    machine.tool("id", "echo 0")
    machine.add_apt_get()

    code, said, apt = machine.run()

    assert (code, said) == (0, "Installing chromium gettext for the tests (apt-get)...\n")
    assert apt == ["apt-get update -qq", "apt-get install -y -qq chromium gettext"]
    assert machine.chromium.exists()


def test_an_install_that_leaves_the_browser_missing_stops_the_tests(machine):
    machine.tool("id", "echo 0")
    machine.add_apt_get(installs=False)

    code, said, _apt = machine.run()

    assert code == 1
    assert said.splitlines()[-1] == (
        f"apt-get installed chromium gettext, yet {machine.chromium} or msgfmt is still missing: install them by hand "
        "(or set CHROMIUM_PATH), then make test again."
    )
