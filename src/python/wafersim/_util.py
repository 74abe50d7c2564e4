"""Helpers shared by the package's modules: what a system or model argument may be, and tables."""

from __future__ import annotations

import os as _os
from typing import Any, Dict, List, Union

from ._core import Model, System

SystemLike = Union[System, str, "os.PathLike[str]", None]
ModelLike = Union[Model, str, "os.PathLike[str]", None]


def _system(system: SystemLike) -> System:
    if system is None:
        return System.builtin()
    if isinstance(system, System):
        return system
    if isinstance(system, (str, _os.PathLike)):
        return System.load(_os.fspath(system))
    raise TypeError("system: expected a wafersim.System, a path or None, not %s" % type(system).__name__)


def _model(model: ModelLike) -> Model:
    if model is None:
        return Model.builtin()
    if isinstance(model, Model):
        return model
    if isinstance(model, (str, _os.PathLike)):
        return Model.load(_os.fspath(model))
    raise TypeError("model: expected a wafersim.Model, a path or None, not %s" % type(model).__name__)


def _table(rows: List[Dict[str, Any]]):
    """A pandas DataFrame when pandas is installed, else the list of dicts itself."""
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)
