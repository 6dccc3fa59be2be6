"""nbkit: the helper library of the course "Backpropagation by hand".

Submodules are imported on first use (``nbkit.graph``, ``nbkit.gradcheck``, ...), so
``import nbkit`` stays fast: matplotlib and ipywidgets load only when a drawing or a
widget is asked for.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "gates", "graph", "gradcheck", "jacobian", "shapes", "checks", "feedback",
    "plots", "widgets", "ner", "optim", "cli", "authoring", "grading",
}

__all__ = sorted(_SUBMODULES) + ["__version__"]


def __getattr__(name: str):
    # PEP 562: nbkit.graph etc. resolve on first attribute access.
    if name in _SUBMODULES:
        module = importlib.import_module(f"nbkit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'nbkit' has no attribute {name!r}")


def __dir__():
    return __all__
