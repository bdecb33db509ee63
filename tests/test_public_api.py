"""The public API: ``imbench.__all__`` is exactly the README's API table, and every name resolves."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import imbench

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_names() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API") :]
    section = section[: section.index("\n## ", 5)]
    return re.findall(r"^\| `(\w+)` \|", section, flags=re.M)


def test_all_matches_the_readme_table() -> None:
    assert sorted(readme_names()) == sorted(imbench.__all__)


def test_every_public_name_resolves() -> None:
    for name in imbench.__all__:
        assert getattr(imbench, name) is not None, name
    assert imbench.report.__name__ == "build_report"
    assert imbench.run_suite.__module__ == "imbench.sweep.run"


def test_journey_functions_survive_their_modules_being_imported() -> None:
    """``imbench.compare`` stays the function after ``imbench.comparison.run`` (its module) is imported."""
    code = (
        "import imbench, imbench.comparison.run, imbench.reporting.build, imbench.sweep.run; "
        "assert callable(imbench.compare) and callable(imbench.report) and callable(imbench.run_suite); "
        "import sys; assert 'mlflow' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_run_suite_runs_a_suite_and_writes_its_report(tmp_path: Path) -> None:
    suite = tmp_path / "tiny.yaml"
    suite.write_text(
        "name: tiny\ndatasets: ['synthetic:ir=5,n=200']\nstrategies: [none, class_weight]\n"
        "models: [logreg]\nprotocol: {outer_folds: 2, inner_folds: 2, n_trials: 1}\n"
    )
    result = imbench.run_suite(suite, tmp_path / "run", tracking=False)
    assert result.total == 4 and result.status_counts == {"ok": 4}
    assert result.report["cheatsheet"].is_file() and result.report["report"].is_file()


def test_the_version_has_one_source() -> None:
    """``version`` in pyproject.toml, through the installed metadata: ``__version__``, ``--version`` and manifests."""
    import tomllib
    from importlib.metadata import version

    from click.testing import CliRunner

    from imbench.cli import main
    from imbench.sweep.run import library_versions

    pyproject = tomllib.loads((README.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert imbench.__version__ == version("imbench") == pyproject["project"]["version"]
    assert CliRunner().invoke(main, ["--version"]).output.strip() == f"imbench, version {imbench.__version__}"
    assert library_versions()["imbench"] == imbench.__version__
