"""``torch.nn.attention``'s ``SDPBackend`` and ``sdpa_kernel``, as on PyTorch's CPU: within the
block ``scaled_dot_product_attention`` runs when ``MATH`` is allowed, or ``FLASH_ATTENTION``
without dropout, and otherwise raises PyTorch's ``RuntimeError``; the values and gradients are
the one kernel's (torch's, and finite differences); the setting is restored on leaving."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.nn.attention import SDPBackend, sdpa_kernel

RNG = np.random.default_rng(0)
Q, K, V = (RNG.standard_normal((2, 3, 4, 5)) for _ in range(3))

CHOICES: list[Any] = [
    "MATH",
    "FLASH_ATTENTION",
    "EFFICIENT_ATTENTION",
    "CUDNN_ATTENTION",
    "OVERRIDEABLE",
    ["EFFICIENT_ATTENTION", "MATH"],
    ["CUDNN_ATTENTION", "FLASH_ATTENTION"],
]
KWARGS: list[dict[str, Any]] = [
    {},
    {"is_causal": True},
    {"attn_mask": np.tril(np.ones((4, 4), dtype=bool))},
    {"dropout_p": 0.5},
]


def _backends(lib: Any, choice: Any) -> Any:
    enum = lib.nn.attention.SDPBackend
    return [getattr(enum, c) for c in choice] if isinstance(choice, list) else getattr(enum, choice)


def _outcome(lib: Any, choice: Any, kwargs: dict[str, Any]) -> tuple[str, Any, list[str]]:
    """('ok', output) or ('error', its message), and the warnings raised."""
    q, k, v = (lib.tensor(a) for a in (Q, K, V))
    kw = {n: lib.tensor(a) if isinstance(a, np.ndarray) else a for n, a in kwargs.items()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lib.nn.attention.sdpa_kernel(_backends(lib, choice)):
            try:
                out = lib.nn.functional.scaled_dot_product_attention(q, k, v, **kw)
            except RuntimeError as e:
                return "error", str(e), [str(w.message) for w in caught]
    return "ok", out, [str(w.message) for w in caught]


@pytest.mark.parametrize("kwargs", KWARGS, ids=["plain", "causal", "mask", "dropout"])
@pytest.mark.parametrize("choice", CHOICES, ids=str)
def test_what_runs_is_what_runs_on_torchs_cpu(choice: Any, kwargs: dict[str, Any]) -> None:
    kind, ours, _ = _outcome(mg, choice, kwargs)
    allowed = set(choice if isinstance(choice, list) else [choice])
    runs = "MATH" in allowed or ("FLASH_ATTENTION" in allowed and "dropout_p" not in kwargs)
    assert kind == ("ok" if runs else "error")
    torch = pytest.importorskip("torch")
    their_kind, theirs, _ = _outcome(torch, choice, kwargs)
    assert their_kind == kind
    if kind == "error":
        assert ours.startswith(theirs.split(" (Triggered")[0])
    elif "dropout_p" not in kwargs:
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12)


def test_the_flash_kernels_refusal_of_dropout_warns_as_torch() -> None:
    _, message, ours = _outcome(mg, "FLASH_ATTENTION", {"dropout_p": 0.5})
    assert message.startswith("No available kernel.  Aborting execution.")
    assert "allow SDPBackend.MATH" in message
    torch = pytest.importorskip("torch")
    _, _, theirs = _outcome(torch, "FLASH_ATTENTION", {"dropout_p": 0.5})
    assert ours == [w.split(" (Triggered")[0] for w in theirs]


def test_the_enum_is_torchs() -> None:
    assert [(b.name, int(b)) for b in SDPBackend] == [
        ("ERROR", -1),
        ("MATH", 0),
        ("FLASH_ATTENTION", 1),
        ("EFFICIENT_ATTENTION", 2),
        ("CUDNN_ATTENTION", 3),
        ("OVERRIDEABLE", 4),
    ]
    assert str(SDPBackend.MATH) == "SDPBackend.MATH"
    assert repr(SDPBackend.FLASH_ATTENTION) == "<SDPBackend.FLASH_ATTENTION: 1>"
    torch = pytest.importorskip("torch")
    for b in SDPBackend:
        theirs = getattr(torch.nn.attention.SDPBackend, b.name)
        assert int(theirs) == int(b) and str(theirs) == str(b) and repr(theirs) == repr(b)


def test_gradients_under_the_flash_kernel_are_the_kernels() -> None:
    """Under FLASH_ATTENTION alone the gradients are the math kernel's: finite differences at
    first and second order, and torch's."""
    q, k, v = (mg.tensor(a[:1, :2], requires_grad=True) for a in (Q, K, V))

    def f(q: Any, k: Any, v: Any) -> Any:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)

    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        assert mg.autograd.gradcheck(f, (q, k, v))
        assert mg.autograd.gradgradcheck(f, (q, k, v))
        grads = mg.autograd.grad(f(q, k, v).sum(), (q, k, v))
    torch = pytest.importorskip("torch")
    tq, tk, tv = (torch.tensor(a[:1, :2], requires_grad=True) for a in (Q, K, V))
    with torch.nn.attention.sdpa_kernel(torch.nn.attention.SDPBackend.FLASH_ATTENTION):
        out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=True)
        theirs = torch.autograd.grad(out.sum(), (tq, tk, tv))
    for g, t in zip(grads, theirs, strict=True):
        np.testing.assert_allclose(g.numpy(), t.numpy(), rtol=1e-10, atol=1e-12)


def test_the_setting_is_restored_and_nests() -> None:
    q = mg.tensor(Q)
    with sdpa_kernel([SDPBackend.EFFICIENT_ATTENTION]):
        with sdpa_kernel(SDPBackend.MATH):
            F.scaled_dot_product_attention(q, q, q)  # the inner block allows MATH
        with pytest.raises(RuntimeError, match="No viable backend"):
            F.scaled_dot_product_attention(q, q, q)
    with pytest.raises(ValueError), sdpa_kernel(SDPBackend.CUDNN_ATTENTION):
        raise ValueError  # an error inside the block...
    F.scaled_dot_product_attention(q, q, q)  # ...still restores every kernel


@pytest.mark.parametrize("bad", ["math", 0, [SDPBackend.MATH, "flash"], None])
def test_a_bad_backend_is_refused_in_torchs_words(bad: Any) -> None:
    with pytest.raises(AssertionError, match=r"^Backend must be an instance of SDPBackend"):
        with sdpa_kernel(bad):
            pass
    F.scaled_dot_product_attention(mg.tensor(Q), mg.tensor(K), mg.tensor(V))  # unchanged


def test_the_sdpa_tutorials_pattern() -> None:
    """The SDPA tutorial's sweep: each backend tried, the ones a CPU lacks caught."""
    q = mg.rand(2, 2, 8, 4)
    printed = []
    for backend in (SDPBackend.MATH, SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION):
        with sdpa_kernel(backend):
            try:
                F.scaled_dot_product_attention(q, q, q)
                printed.append(f"{backend.name} runs")
            except RuntimeError:
                printed.append(f"{backend.name} is not supported")
    assert printed == ["MATH runs", "FLASH_ATTENTION runs", "EFFICIENT_ATTENTION is not supported"]
