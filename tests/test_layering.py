"""Hold the one-way import direction of the package (see docs/autograd.md, "Layout")."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "minigrad"

# Each module's layer; a module may import only from modules of a lower or equal layer...
LAYERS = {
    "_missing": 0,
    "_torch_names": 0,
    "_optional": 0,
    "distributed": 0,
    "dims": 0,
    "versions": 0,
    "grad_mode": 0,
    "quiet": 0,
    "hooks": 0,
    "node_surface": 0,
    "engine": 0,
    "dtypes": 0,
    "device": 0,
    "printing": 0,
    "reference": 0,
    "ops": 1,
    "graph": 1,
    "validation": 1,
    "arguments": 1,
    "operands": 1,
    "conv": 1,
    "fused": 1,
    "more_ops": 1,
    "gamma": 1,
    "special_ops": 1,
    "reflected": 1,
    "zeta_igamma": 1,
    "linalg_ops": 1,
    "pointwise": 2,
    "rearrange": 2,
    "reductions": 2,
    "linalg_methods": 2,
    "linalg_factor": 2,
    "linalg_svd": 2,
    "linalg_lu": 2,
    "more_methods": 2,
    "gap_methods": 2,
    "sampling": 2,
    "older_names": 2,
    "scatter_methods": 2,
    "pointwise_gaps": 2,
    "tensor_gaps": 2,
    "tensor": 2,
    "constructor": 2,
    "surface": 2,
    "where": 2,
    "inplace": 2,
    "unbind": 2,
    "inplace_methods": 2,
    "conversion": 2,
    "copying": 2,
    "gradients": 2,
    "random": 3,
    "gamma_sampling": 3,
    "creation": 3,
    "functions": 3,
    "activations": 3,
    "linalg": 3,
    "linalg_householder": 3,
    "linalg_more": 3,
    "linalg_functions": 3,
    "more_functions": 3,
    "math_gaps": 3,
    "special": 3,
    "special_values": 3,
    "legacy": 3,
    "constants": 3,
    "inplace_functions": 3,
    "more_creation": 3,
    "torch_gaps": 3,
    "gradcheck": 4,
    "functional": 4,
    "autograd": 4,
    "profiler": 4,
    "profiler_events": 0,
    "autograd.forward_ad": 4,
    "serialization": 4,
    "runtime": 4,
    "nn": 5,
    "utils": 6,
    "utils.tensorboard": 6,  # a subpackage may be listed on its own: held to its layer too
    "utils.benchmark": 6,
    "datasets": 6,
    "optim": 6,
    "aliases": 6,
    "func": 6,
    "distributions": 6,
    "metrics": 3,
    "train": 7,
    "progress": 7,
    "hub": 7,
    "backprop_check": 7,
    "explain": 7,
    "compiler": 7,
    "viz": 8,
    "onnx": 8,
    "torch_export": 8,
    "__init__": 9,
}
# ...except these, which are siblings that must not know each other.
FORBIDDEN = {("creation", "functions"), ("functions", "creation")}


def _layer_of(module: str) -> str:
    return module.split(".")[0]


def _listed(parts: list[str] | tuple[str, ...]) -> str:
    """The LAYERS entry of a module path: its subpackage when listed (``utils.tensorboard``),
    else its top-level module."""
    return ".".join(parts[:2]) if ".".join(parts[:2]) in LAYERS else parts[0]


def _imports(path: Path) -> set[str]:
    """Top-level minigrad modules imported (relatively or absolutely) by ``path``."""
    tree = ast.parse(path.read_text())
    rel = path.relative_to(PACKAGE)
    depth = len(rel.parts) - 1
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.startswith("minigrad"):
                    raise AssertionError(f"{rel}: absolute import of {node.module}; use relative")
                continue
            up = node.level - 1  # levels above the file's own package
            if up > depth:
                continue
            base = list(rel.parts[: depth - up])
            target = [*base, *(node.module.split(".") if node.module else [])]
            # `from . import x` imports the module x: a listed subpackage is known by it
            named = [[*target, a.name] for a in node.names] if not node.module else [target]
            found.update(_listed(t) for t in named)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("minigrad"), f"{rel}: imports {alias.name}"
    return found


def _own_layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return _listed((*rel.parts[:-1], rel.stem)) if len(rel.parts) > 1 else rel.stem


def test_every_module_has_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        assert _own_layer(path) in LAYERS, f"{path.name}: add it to LAYERS in this test"


def test_imports_flow_one_way() -> None:
    for path in PACKAGE.rglob("*.py"):
        own = _own_layer(path)
        for target in _imports(path):
            if target == own or target not in LAYERS:
                continue
            assert (own, target) not in FORBIDDEN, f"{path.name} must not import {target}"
            assert LAYERS[target] <= LAYERS[own], (
                f"{path.relative_to(PACKAGE)} ({own}, layer {LAYERS[own]}) imports {target} "
                f"(layer {LAYERS[target]}): imports must flow from lower layers to higher ones"
            )


def test_a_listed_subpackage_is_its_own_unit() -> None:
    writer = PACKAGE / "utils" / "tensorboard" / "writer.py"
    assert _own_layer(writer) == "utils.tensorboard"
    assert _own_layer(PACKAGE / "utils" / "data" / "dataset.py") == "utils"
    assert "utils.tensorboard" in _imports(PACKAGE / "utils" / "__init__.py")
    assert {"nn", "graph", "engine", "_optional"} <= set().union(
        *(_imports(p) for p in writer.parent.glob("*.py"))
    )


def test_engine_knows_no_tensor() -> None:
    for name in ("engine.py", "ops.py"):
        assert "tensor" not in _imports(PACKAGE / name)


def test_reference_imports_nothing_of_minigrad() -> None:
    # the hand-derived equations are pure NumPy; the bridge to models is backprop_check
    assert _imports(PACKAGE / "reference.py") == set()
    text = (PACKAGE / "reference.py").read_text()
    assert "import minigrad" not in text and "from minigrad" not in text


def test_the_core_stays_within_its_budget() -> None:
    # issue 13: what a student reads to understand recording and the walk stays an evening's
    # read; new surfaces go in their own small modules (docs/autograd.md, "Layout").
    names = ("engine.py", "ops.py", "tensor.py")
    lines = {n: len((PACKAGE / n).read_text().splitlines()) for n in names}
    assert lines["tensor.py"] <= 650, lines
    assert sum(lines.values()) <= 1700, lines


def test_the_hot_path_classes_define_no_getattr_hook() -> None:
    # A class with ``__getattr__`` sends every attribute read of its instances through CPython's
    # slow hook (no specialised slot reads): for the recorded op that was about 5% of the
    # instructions of an eager step of small ops (benchmarks W4). Nodes and tensors keep their
    # PyTorch-shaped errors with properties instead (node_surface.py).
    import inspect

    import minigrad
    from minigrad import engine, fused, ops

    classes = [minigrad.Tensor, engine.Op, engine.OutputOf, ops.Mul, fused.Linear]
    for cls in classes:
        hooked = [c.__name__ for c in inspect.getmro(cls) if "__getattr__" in c.__dict__]
        assert not hooked, (cls.__name__, hooked)
