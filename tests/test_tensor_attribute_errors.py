"""A Tensor attribute PyTorch has and minigrad lacks explains itself; the cheap ones for real CPU
tensors (``real``, ``conj``, ``data_ptr``, ``apply_``, ``register_post_accumulate_grad_hook``...)
are there and agree with PyTorch; small strictness fixes (``set_num_interop_threads``,
``return_types``)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import _torch_names, runtime

NAMES_FILE = Path(_torch_names.__file__)


def _rendered(names: list[str], version: str) -> str:
    """The text of ``minigrad/_torch_names.py`` for these names (wrapped at 96 columns)."""
    lines, line = [], "    "
    for n in sorted(names):
        if len(line) + len(n) + 1 > 96:
            lines.append(line.rstrip())
            line = "    "
        line += n + " "
    lines.append(line.rstrip())
    body = "\n".join(lines)
    return (
        '"""The public attribute names of PyTorch\'s ``torch.Tensor`` (PyTorch '
        f"{version}), for the error\na missing one raises (``tensor_gaps.py``). Generated: "
        "``tests/test_tensor_attribute_errors.py``\nchecks it against the installed PyTorch "
        "and rewrites it with MINIGRAD_REGENERATE=1.\n"
        '"""\n\nTENSOR_ATTRIBUTES = frozenset(\n    """\n'
        f'{body}\n    """.split()\n)\n'
    )


def test_shipped_names_are_torch_tensor_names() -> None:
    torch = pytest.importorskip("torch")
    names = [n for n in dir(torch.Tensor) if not n.startswith("_")]
    version = ".".join(torch.__version__.split(".")[:2])
    text = _rendered(names, version)
    if os.environ.get("MINIGRAD_REGENERATE"):
        NAMES_FILE.write_text(text)
    assert NAMES_FILE.read_text() == text, (
        "minigrad/_torch_names.py is stale for the installed PyTorch: rerun this test with "
        "MINIGRAD_REGENERATE=1"
    )
    assert set(names) == _torch_names.TENSOR_ATTRIBUTES


def _missing() -> list[str]:
    return sorted(n for n in _torch_names.TENSOR_ATTRIBUTES if not hasattr(mg.Tensor, n))


def test_every_missing_torch_attribute_explains_itself() -> None:
    t = mg.ones(3)
    missing = _missing()
    assert "stft" in missing and "lstsq" in missing
    for name in missing:
        with pytest.raises(AttributeError) as info:
            getattr(t, name)
        msg = str(info.value)
        assert msg.startswith(
            f"'Tensor' object has no attribute '{name}': minigrad's Tensor does not have "
            f"torch.Tensor.{name}"
        ), msg
        assert "See docs/pytorch.md" in msg
        assert info.value.name == name and info.value.obj is t
        assert not hasattr(t, name)


def test_specific_hints() -> None:
    t = mg.ones(2, 2)
    with pytest.raises(AttributeError, match=r"use minigrad\.linalg\.lstsq"):
        t.lstsq
    with pytest.raises(AttributeError, match=r"no FFTs"):
        t.stft
    with pytest.raises(AttributeError, match=r"no quantization"):
        t.q_scale
    with pytest.raises(AttributeError, match=r"Parameter' object has no attribute 'stft'"):
        mg.nn.Parameter(mg.ones(2)).stft


def test_class_access_and_hot_path() -> None:
    with pytest.raises(AttributeError, match=r"^type object 'Tensor' has no attribute 'stft': "):
        mg.Tensor.stft
    assert all("__getattr__" not in vars(c) for c in mg.Tensor.__mro__)


def test_names_torch_lacks_keep_the_plain_message() -> None:
    t = mg.ones(3)
    for name in ("no_such_thing", "_private", "__array_struct__", "__deepcopy_x__"):
        with pytest.raises(AttributeError) as info:
            getattr(t, name)
        assert str(info.value) == f"'Tensor' object has no attribute '{name}'"
        assert not hasattr(t, name)
        assert getattr(t, name, 7) == 7


def test_hits_are_unchanged() -> None:
    t = mg.ones(2, 3, requires_grad=True)
    assert t.shape == (2, 3) and t.requires_grad and t.grad is None and t.T.shape == (3, 2)
    assert hasattr(t, "grad_fn") and hasattr(t, "sum")


def test_an_unset_slot_is_a_plain_attribute_error() -> None:
    t = object.__new__(mg.Tensor)
    with pytest.raises(AttributeError, match=r"^'Tensor' object has no attribute '_data'$"):
        t._data


# ---------------------------------------------------------------------------------------------
# The cheap ones, compared with PyTorch


def _pair(torch: object, a: np.ndarray, **kw: object) -> tuple[object, mg.Tensor]:
    return torch.tensor(a, **kw), mg.tensor(a, **kw)  # type: ignore[attr-defined]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_real_conj_and_friends_are_the_tensor_itself(dtype: str) -> None:
    torch = pytest.importorskip("torch")
    a = np.arange(6).reshape(2, 3).astype(dtype)
    tt, t = torch.tensor(a), mg.tensor(a)
    for name in ("conj", "conj_physical", "resolve_conj", "resolve_neg"):
        assert (getattr(tt, name)() is tt) == (getattr(t, name)() is t), name
    assert (tt.real is tt) and (t.real is t)
    assert tt.is_conj() is t.is_conj() is False
    assert tt.is_neg() is t.is_neg() is False
    with pytest.raises(RuntimeError) as ti:
        tt.imag
    with pytest.raises(RuntimeError) as mi:
        t.imag
    assert str(mi.value) == str(ti.value)


def test_conj_passes_gradients() -> None:
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    (x.conj() * x.real * x.resolve_conj()).sum().backward()
    assert np.allclose(x.grad.numpy(), 3 * x.detach().numpy() ** 2)


def test_H_as_torch() -> None:
    torch = pytest.importorskip("torch")
    a = np.arange(6.0).reshape(2, 3)
    tt, t = torch.tensor(a), mg.tensor(a)
    assert np.array_equal(t.H.numpy(), tt.H.numpy())
    x = mg.tensor(a, requires_grad=True)
    (x.H * mg.tensor(a.T)).sum().backward()
    assert np.array_equal(x.grad.numpy(), a)
    for shape in [(3,), (2, 2, 2)]:
        with pytest.raises(RuntimeError) as ti:
            torch.ones(shape).H
        with pytest.raises(RuntimeError) as mi:
            mg.ones(shape).H
        assert str(mi.value) == str(ti.value)
    with warnings.catch_warnings(record=True) as tw:
        warnings.simplefilter("always")
        torch.ones(()).H
    with pytest.warns(UserWarning) as mw:
        s = mg.ones(())
        assert s.H is s or s.H.shape == ()
    assert str(mw[0].message) in str(tw[0].message)


def test_data_ptr_and_storage_offset() -> None:
    torch = pytest.importorskip("torch")
    a = np.arange(24.0).reshape(4, 6)
    tt, t = torch.tensor(a), mg.tensor(a)
    assert t.data_ptr() == t.numpy().ctypes.data
    assert t.detach().data_ptr() == t.data_ptr()
    views = [
        lambda x: x,
        lambda x: x[1:],
        lambda x: x[2:, 3:],
        lambda x: x[:, 1],
        lambda x: x.t(),
        lambda x: x.view(6, 4)[1],
        lambda x: x[1:][1:],
    ]
    for view in views:
        tv, mv = view(tt), view(t)
        assert mv.storage_offset() == tv.storage_offset()
        assert mv.data_ptr() - t.data_ptr() == tv.data_ptr() - tt.data_ptr()
    assert mg.ones(3).storage_offset() == 0


def test_pinning_and_sharing() -> None:
    torch = pytest.importorskip("torch")
    t, tt = mg.ones(3), torch.ones(3)
    assert t.is_pinned() is tt.is_pinned() is False
    with pytest.raises(RuntimeError) as ti:
        tt.pin_memory()
    with pytest.raises(RuntimeError) as mi:
        t.pin_memory()
    assert str(ti.value) in str(mi.value)
    assert t.is_shared() is False
    with pytest.raises(RuntimeError, match=r"share_memory_\(\).*one process"):
        t.share_memory_()
    assert t.is_shared() is False


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8", "bool"])
def test_apply_and_map_as_torch(dtype: str) -> None:
    torch = pytest.importorskip("torch")
    a = (np.arange(12).reshape(3, 4) % 5).astype(dtype)
    b = (np.arange(4) % 3).astype(dtype)

    def f(x: object) -> object:
        return x * 2.7 if not isinstance(x, bool) else not x

    def g(x: object, y: object) -> object:
        return x + y * 0.5 if not isinstance(x, bool) else x and y

    tt, t = torch.tensor(a), mg.tensor(a)
    view_t, view_tt = t[1], tt[1]
    assert tt.apply_(f) is tt and t.apply_(f) is t
    assert t.dtype == mg.tensor(a).dtype
    assert np.array_equal(t.numpy(), tt.numpy())
    assert np.array_equal(view_t.numpy(), view_tt.numpy())  # in place: a view sees it
    assert tt.map_(torch.tensor(b), g) is tt and t.map_(mg.tensor(b), g) is t
    assert np.array_equal(t.numpy(), tt.numpy())


def test_apply_and_map_refusals_match_torch() -> None:
    torch = pytest.importorskip("torch")
    cases = [
        lambda m: m.ones(3, requires_grad=True).apply_(lambda x: x),
        lambda m: (m.ones(3, requires_grad=True) * 2).apply_(lambda x: x),
        lambda m: m.ones(3, requires_grad=True).map_(m.ones(3), lambda x, y: x),
        lambda m: m.ones(3).map_(m.ones(2), lambda x, y: x),
        lambda m: m.ones(3).map_(m.arange(3), lambda x, y: x),
        lambda m: m.ones(3).map_([1.0, 2.0, 3.0], lambda x, y: x),
        lambda m: m.arange(3).apply_(lambda x: "a"),
    ]
    for case in cases:
        with pytest.raises(Exception) as ti:
            case(torch)
        with pytest.raises(ti.type) as mi:
            case(mg)
        assert str(mi.value).startswith(str(ti.value).split(" (")[0][:40]), (mi.value, ti.value)
    with mg.no_grad(), pytest.raises(RuntimeError, match=r"requires grad"):
        mg.ones(3, requires_grad=True).apply_(lambda x: x)


def test_apply_bumps_the_version_counter() -> None:
    w = mg.ones(3, requires_grad=True)
    c = mg.ones(3)
    y = (w * c).sum()
    c.apply_(lambda x: x + 1)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation"):
        y.backward()


# ---------------------------------------------------------------------------------------------
# register_post_accumulate_grad_hook


def test_post_accumulate_grad_hook_as_torch() -> None:
    torch = pytest.importorskip("torch")
    logs: dict[str, list[object]] = {"torch": [], "mg": []}
    for m, log in ((torch, logs["torch"]), (mg, logs["mg"])):
        t = m.tensor([1.0, 2.0, 3.0], dtype=m.float64, requires_grad=True)
        t.register_hook(lambda g, log=log: log.append(("pre", g.tolist())))
        h = t.register_post_accumulate_grad_hook(
            lambda p, log=log, t=t: log.append(("post", p is t, p.grad.tolist()))
        )
        (t * t).sum().backward()
        (t * 2).sum().backward()
        m.autograd.grad((t * 3).sum(), t)  # no .grad accumulated: no post hook
        (t * 3).sum().backward(inputs=[t])
        h.remove()
        (t * 4).sum().backward()
        log.append(("end", t.grad.tolist()))
    assert logs["mg"] == logs["torch"]


def test_post_accumulate_grad_hook_refusals_match_torch() -> None:
    torch = pytest.importorskip("torch")
    for make in (
        lambda m: m.ones(3, requires_grad=True) * 2,
        lambda m: m.ones(3),
    ):
        with pytest.raises(RuntimeError) as ti:
            make(torch).register_post_accumulate_grad_hook(lambda p: None)
        with pytest.raises(RuntimeError) as mi:
            make(mg).register_post_accumulate_grad_hook(lambda p: None)
        assert str(mi.value) == str(ti.value)
    for bad, kind in ((lambda p: p.grad * 2, RuntimeError), (lambda p: 5, TypeError)):
        for m in (torch, mg):
            u = m.ones(3, requires_grad=True)
            u.register_post_accumulate_grad_hook(bad)
            with pytest.raises(kind):
                (u * 2).sum().backward()
            assert u.grad.tolist() == [2.0, 2.0, 2.0]


def test_optimizer_step_fused_into_backward_as_torch() -> None:
    """PyTorch's tutorial: each parameter steps its own optimizer as soon as its .grad is in,
    then frees it."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0, x0, y0 = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    results = []
    for m in (torch, mg):
        lin = m.nn.Linear(4, 3).double()
        with m.no_grad():
            lin.weight.copy_(m.tensor(w0))
            lin.bias.zero_()
        opts = {p: m.optim.SGD([p], lr=0.1, momentum=0.9) for p in lin.parameters()}

        def step(p: object, opts: dict = opts) -> None:
            opts[p].step()
            opts[p].zero_grad()

        for p in lin.parameters():
            p.register_post_accumulate_grad_hook(step)
        for _ in range(3):
            ((lin(m.tensor(x0)) - m.tensor(y0)) ** 2).mean().backward()
        results.append([p.detach().numpy().copy() for p in lin.parameters()])
        assert all(p.grad is None for p in lin.parameters())
    for a, b in zip(*results):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Small strictness fixes


def test_set_num_interop_threads_once_as_torch() -> None:
    saved = dict(runtime._state)
    try:
        runtime._state.update(interop_threads=1, interop_set=False)
        assert mg.get_num_interop_threads() == 1
        with pytest.raises(RuntimeError, match=r"positive integer"):
            mg.set_num_interop_threads(0)
        mg.set_num_interop_threads(2)  # a refused call does not count, as in PyTorch
        assert mg.get_num_interop_threads() == 2
        for n in (3, 2):
            with pytest.raises(RuntimeError, match=r"cannot set number of interop threads"):
                mg.set_num_interop_threads(n)
        assert mg.get_num_interop_threads() == 2
    finally:
        runtime._state.clear()
        runtime._state.update(saved)


def test_frexp_and_histogram_return_types() -> None:
    torch = pytest.importorskip("torch")
    x = [1.0, 3.0, 1.5]
    r, tr = mg.frexp(mg.tensor(x)), torch.frexp(torch.tensor(x))
    assert isinstance(r, mg.return_types.frexp) and isinstance(mg.tensor(x).frexp(), type(r))
    assert r.mantissa.tolist() == tr.mantissa.tolist()
    assert r.exponent.tolist() == tr.exponent.tolist()
    h, th = mg.histogram(mg.tensor(x), bins=2), torch.histogram(torch.tensor(x), bins=2)
    assert isinstance(h, mg.return_types.histogram)
    assert h.hist.tolist() == th.hist.tolist()
    assert h.bin_edges.tolist() == th.bin_edges.tolist()
    assert mg.return_types.histogramdd._fields == ("hist", "bin_edges")


def _same_error(case: object) -> tuple[BaseException, BaseException]:
    """The errors ``case(torch)`` and ``case(minigrad)`` raise (both must raise)."""
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as ti:
        case(torch)  # type: ignore[operator]
    with pytest.raises(ti.type) as mi:
        case(mg)  # type: ignore[operator]
    return ti.value, mi.value


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_requires_grad_setter_refuses_what_torch_refuses(dtype: str) -> None:
    def case(m: object) -> None:
        t = m.ones(3, dtype=getattr(m, dtype))  # type: ignore[attr-defined]
        t.requires_grad = False
        t.requires_grad = True

    t_err, m_err = _same_error(case)
    assert str(m_err).startswith(str(t_err))
    t = mg.ones(3, dtype=getattr(mg, dtype))
    with pytest.raises(RuntimeError):
        t.requires_grad = True
    assert t.requires_grad is False


@pytest.mark.parametrize("value", [True, False])
def test_requires_grad_setter_on_a_computed_tensor_as_torch(value: bool) -> None:
    def case(m: object) -> None:
        y = m.ones(3, requires_grad=True) * 2  # type: ignore[attr-defined]
        y.requires_grad = value

    t_err, m_err = _same_error(case)
    assert str(m_err) == str(t_err)


@pytest.mark.parametrize("value", [1, 0, None, "yes", 1.0])
def test_requires_grad_setter_wants_a_bool(value: object) -> None:
    def case(m: object) -> None:
        m.ones(3).requires_grad = value  # type: ignore[attr-defined]

    t_err, m_err = _same_error(case)
    assert str(m_err) == str(t_err)


def test_requires_grad_setter_on_a_float_leaf() -> None:
    x = mg.tensor([1.0, 2.0], dtype=mg.float64)
    x.requires_grad = True
    (x * x).sum().backward()
    assert x.requires_grad is True and x.grad.tolist() == [2.0, 4.0]
    x.requires_grad = False
    assert x.requires_grad is False and (x * 2).grad_fn is None
    p = mg.nn.Parameter(mg.ones(2))
    p.requires_grad = False
    assert not p.requires_grad
