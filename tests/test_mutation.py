"""scripts/mutation.py works: a few of its mutants, each caught by the op-table checks.

The full run (every rule and helper, both paths) takes about a minute: see docs/testing.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import mutation


def test_softmax_rule_and_its_helper_mutants_are_killed_on_both_paths() -> None:
    n, survivors = mutation.run({"Softmax", "sum_keep"}, verbose=False)
    assert n == 6 and survivors == []  # rule and helper x (array scale, tensor scale, detach)


def test_a_mutant_is_undone_after_its_run() -> None:
    from minigrad import fused, ops

    before = fused.Softmax.backward, ops.sum_keep
    (m,) = [m for m in mutation.mutants({"sum_keep"}) if m.path == "tensor" and m.kind == "detach"]
    assert mutation.killed_by(m) is not None
    assert (fused.Softmax.backward, ops.sum_keep) == before


def test_every_op_class_gets_mutants() -> None:
    targets = {m.target.split(".")[0] for m in mutation.mutants({"Add", "Conv"})}
    assert targets == {"Add", "Conv"}


def test_a_rule_with_several_outputs_gets_its_tensor_path_mutants_planted() -> None:
    """Unbind's rule receives a list of gradients (one per output), never one Tensor: its
    Tensor-path mutants must still be planted (and killed), not pass by unplanted."""
    n, survivors = mutation.run({"Unbind"}, verbose=False)
    assert n == 3 and survivors == []
