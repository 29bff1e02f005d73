"""What production serves as static files: collectstatic gathers them and WhiteNoise serves that folder. Test-only
scripts (axe-core, vendored in tests/browser/vendor/ for the accessibility tests) are never among them, neither in
that folder nor through the finders, which WhiteNoise also reads when DEBUG is on."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import call_command

AXE = Path(__file__).parent / "browser" / "vendor" / "axe-core" / "axe.min.js"


def _found_static_files():
    return {path for finder in finders.get_finders() for path, _storage in finder.list(ignore_patterns=[])}


def test_the_vendored_axe_core_is_a_test_file():
    assert AXE.is_file()


def test_no_static_files_finder_finds_axe_core():
    found = _found_static_files()

    assert "js/tables.js" in found
    assert sorted(path for path in found if "axe" in Path(path).name.lower() or "axe-core" in path) == []
    assert finders.find("axe.min.js") is None
    assert finders.find("axe-core/axe.min.js") is None


def test_collectstatic_leaves_axe_core_out(settings, tmp_path):
    # The storage of the test settings copies what production's copies, without compressing each file.
    settings.STATIC_ROOT = tmp_path

    call_command("collectstatic", interactive=False, verbosity=0)

    collected = [path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()]
    assert "js/tables.js" in collected
    assert [path for path in collected if "axe" in path.lower()] == []
