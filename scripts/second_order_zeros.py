"""How many second-order comparisons of the op table are identically zero on both sides.

    python scripts/second_order_zeros.py

gradgradcheck compares, for every row of tests/op_specs.py, the Jacobian of the first-order
gradients (with respect to the inputs and the grad_outputs) with finite differences. An entry
that is exactly 0 on both sides proves little; this prints, per row, how many there are.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from op_specs import SPECS
from test_ops import _rng, check_gradgrad


def main() -> None:
    total = zero = blocks = zero_blocks = 0
    rows = []
    for spec in SPECS:
        if not spec.gradgrad:
            continue
        stats = check_gradgrad(spec, spec.arrays(_rng(spec.name)))
        total += stats["compared"]
        zero += stats["zero"]
        blocks += stats["blocks"]
        zero_blocks += stats["zero_blocks"]
        rows.append((stats["zero"] / max(stats["compared"], 1), spec.name, stats))
    for share, name, stats in sorted(rows, reverse=True)[:10]:
        print(
            f"{name:<32} {stats['zero']:>6} of {stats['compared']:>6} entries zero ({share:.0%}), "
            f"{stats['zero_blocks']} of {stats['blocks']} blocks"
        )
    print(
        f"{len(rows)} rows: {zero} of {total} second-order comparisons are 0 == 0 "
        f"({zero / total:.1%}); {zero_blocks} of {blocks} (input, output) Jacobian blocks are "
        f"all zero ({zero_blocks / blocks:.1%})"
    )


if __name__ == "__main__":
    main()
