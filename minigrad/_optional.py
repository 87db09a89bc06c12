"""Optional extras: import them when a feature needs one, or say exactly how to install it.

NumPy is minigrad's only hard dependency. Drawing, plots, progress bars, export and
checkpoint formats each use a well-kept library, imported lazily through `require`, so a
missing one costs nothing until the feature is used, and then gives one clear message.
"""

from __future__ import annotations

import importlib
from types import ModuleType

DISTRIBUTION = "minigrad-learn"
"""minigrad's name on the Python package index (the name ``minigrad`` there is another project)."""


def install_hint(package: str, extra: str) -> str:
    """How to install ``package``: directly, or as minigrad's ``extra`` (index or checkout)."""
    return (
        f"pip install {package}  (or with minigrad's extra: pip install "
        f"'{DISTRIBUTION}[{extra}]', or pip install -e '.[{extra}]' from a checkout)"
    )


def require(module: str, feature: str, package: str, extra: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise an ImportError saying what to install.

    Args:
        module: the module to import, e.g. ``"matplotlib.figure"``.
        feature: what needs it, as the user called it, e.g. ``"plot_history"``.
        package: the PyPI package that provides it, e.g. ``"matplotlib"``.
        extra: minigrad's optional extra that includes it, e.g. ``"plot"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"{feature} needs {package}: {install_hint(package, extra)}") from e
