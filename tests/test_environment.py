"""Set-up promises: environment.yml and pyproject.toml list the same runtime dependencies,
and `import nbkit` (and the checks the notebooks import) stays light."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(spec: str):
    spec = spec.replace(" ", "")
    name = re.match(r"[A-Za-z0-9_.\-]+", spec).group(0)
    return name.lower().replace("_", "-"), spec[len(name):]


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_normalise(s) for s in pyproject["project"]["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    listed = dict(_normalise(s) for s in conda if not s.startswith(("python", "pip")))
    assert listed == wanted, "environment.yml and pyproject.toml disagree"
    python_pin = next(s for s in conda if s.startswith("python"))
    assert python_pin.replace(" ", "") == "python" + pyproject["project"]["requires-python"].replace(" ", "")
    pip_section = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert "-e ." in pip_section, "conda users get nbkit itself from the repository"


def _modules_after(code: str):
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout.split()
    return set(out)


def test_import_nbkit_does_not_load_plotting_widgets_or_nbgrader():
    heavy = {"matplotlib", "ipywidgets", "nbgrader", "scipy", "IPython", "tqdm", "nbclient"}
    loaded = _modules_after("import nbkit")
    assert not heavy & loaded, f"import nbkit pulls in {sorted(heavy & loaded)}"
    assert "numpy" not in loaded  # not even numpy: nbkit's root imports nothing


def test_check_modules_import_without_plotting():
    loaded = _modules_after("import nbkit.checks.ch01, nbkit.graph, nbkit.gates, nbkit.gradcheck")
    assert not {"matplotlib", "ipywidgets", "nbgrader"} & loaded


def test_lazy_submodules_resolve():
    import nbkit

    assert nbkit.graph.Graph is not None
    assert nbkit.gradcheck.numerical_gradient is not None
    assert "cli" in dir(nbkit)
