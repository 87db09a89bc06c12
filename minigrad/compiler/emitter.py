"""The program being written: named buffers allocated once, lines that run as they are emitted.

Every line the templates emit is executed at once on the traced values, so each new buffer gets
its shape and dtype from a real result and every value can be compared with the engine's on the
spot (``compile`` names the first op that disagrees).

Each statement is kept in two forms: the readable one of the listing (``np.add(a, b, out=c)``)
and the one that runs (``np_add(a, b, out=c)``: the ufunc bound once to a name of the step,
which skips a module attribute lookup per call, a tenth of a NumPy call on a small array). The
two make the same NumPy calls with the same arguments; the running form is the one executed,
and checked, at trace time.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

_IDENT = re.compile(r"[^0-9a-zA-Z_]")
_NAMES = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$")
_KEYWORDS = {"np", "math", "True", "False", "None", "float", "slice"}
_SMALL_PRODUCT = 1 << 18  # multiply-adds under which a matrix product's call overhead counts
_NP_FUNCTION = re.compile(r"np\.(\w+)(\.reduce)?")


def identifier(text: str) -> str:
    """A Python identifier made from a dotted name: ``fc1.weight`` -> ``fc1_weight``."""
    name = _IDENT.sub("_", text)
    return f"layer{name}" if name[:1].isdigit() else name


def literal(value: Any) -> str:
    """Source text for a Python scalar (exact: ``repr`` of a float round-trips)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"not a scalar literal: {value!r}")


class Emitter:
    """Collects the step's source while running it on the traced arrays.

    ``setup`` holds module-level lines (buffer allocations, views of arrays that never change);
    ``lines`` holds the step function's body, one ``(code, comment)`` per op or rule.
    """

    def __init__(self, env: dict[str, Any]) -> None:
        self.env = env
        self.env.setdefault("np", np)
        self.env.setdefault("math", math)
        self.setup: list[str] = []
        self.lines: list[tuple[str, str]] = []
        self.fast_lines: list[list[str]] = []  # the running form of each line, statement by one
        self.stable: set[str] = set()  # names bound to the same array on every call
        self.buffers: dict[str, np.ndarray] = {}  # allocated once, written by the step
        self.consts: dict[str, Any] = {}  # arrays frozen into the step (not per batch)
        self.bound: dict[str, Any] = {}  # arrays bound by reference (parameters, state)
        self.folded: set[str] = set()  # buffers computed once from constants alone
        self.aux: dict[int, dict[str, str]] = {}  # id(op) -> names its forward kept for backward
        self._scalars: dict[tuple[str, str], str] = {}  # (literal, dtype) -> its 0-d array
        self.consumers: dict[int, int] = {}  # id(op) -> how many ops take its output
        self.memo: dict[Any, Any] = {}  # what templates share (e.g. the flat label positions)
        self.execute = True  # False while writing code that must not run now (the update)
        self.writer: dict[str, int] = {}  # name -> index of the line that last wrote it
        self.keep: set[int] = set()  # id(op) whose value must outlive the step (the output)
        self.spare: str | None = None  # the incoming gradient a rule may overwrite, if any
        self._pending: list[list[str]] = [[]]
        self._pending_fast: list[list[str]] = [[]]
        self._aliases: dict[str, str] = {}  # "np.add" -> the step's name bound to np.add
        self._labels: list[str] = [""]
        self._notes: list[str] = []  # said after the current op's comment (in place...)
        self._written: list[list[str]] = [[]]
        self._used: set[str] = set(env)

    # -- names --------------------------------------------------------------------------------

    def fresh(self, hint: str) -> str:
        """A new unique identifier starting with ``hint``."""
        base = identifier(hint)
        name, k = base, 1
        while name in self._used:
            k += 1
            name = f"{base}_{k}"
        self._used.add(name)
        return name

    def bind(self, name: str, value: Any, stable: bool = True) -> str:
        """Bind an existing array (input, parameter, optimizer state) under ``name``."""
        self._used.add(name)
        self.env[name] = value
        if stable:
            self.stable.add(name)
            self.bound[name] = value
        return name

    def const(self, value: Any, hint: str = "const") -> str:
        """A value frozen into the step: a literal for scalars, a named array otherwise."""
        if isinstance(value, bool | int | float) and not isinstance(value, np.generic):
            return literal(value)
        name = self.fresh(hint)
        arr = np.array(value)  # a private copy: later changes to the source are not seen
        self.env[name] = arr
        self.consts[name] = arr
        self.stable.add(name)
        return name

    # -- code ---------------------------------------------------------------------------------

    def alloc(self, hint: str, like: Any) -> str:
        """A buffer shaped like ``like``, allocated once (module level).

        Fortran-ordered when ``like`` is (a ``Linear`` weight and what is computed from it), so
        elementwise updates walk the buffer and the weight in the same order.
        """
        arr = np.asarray(like)
        name = self.fresh(hint)
        fortran = arr.ndim > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous
        buf = np.empty(arr.shape, dtype=arr.dtype, order="F" if fortran else "C")
        self.env[name] = buf
        self.buffers[name] = buf
        self.stable.add(name)
        order = ', order="F"' if fortran else ""
        self.setup.append(
            f"{name} = np.empty({tuple(arr.shape)!r}, dtype=np.{arr.dtype.name}{order})"
        )
        return name

    def same_buffer(self, hint: str, of: str, why: str) -> str:
        """A second name for the buffer ``of``, for an op written in place (``why`` says why
        ``of`` is not read again); module level, as ``a1 = z1  # why``."""
        name = self.fresh(hint)
        self.env[name] = self.buffers[name] = self.env[of]
        self.stable.add(name)
        self.setup.append(f"{name} = {of}  # {why}")
        self._notes.append(f"in place: {name} is {of}")
        return name

    def run_only(self, hint: str, value: Any) -> str:
        """An array only the running form uses (the listing says the same thing more plainly):
        bound to the step, not written in the listing or the ejected module."""
        name = self.fresh(hint)
        self.env[name] = value
        self.stable.add(name)
        return name

    def eval(self, expr: str) -> Any:
        return eval(expr, self.env)

    def stmt(self, code: str, writes: str | None = None, fast: str | None = None) -> None:
        """One statement of the current op; ``writes`` names the array it fills.

        ``fast`` is the form that runs (the same NumPy calls, cheaper to make); it is executed
        now on the traced values, and ``code`` is what the listing shows.
        """
        run = code if fast is None else fast
        if self.execute:
            exec(run, self.env)
        self._pending[-1].append(code)
        self._pending_fast[-1].append(run)
        if writes is not None:
            self._written[-1].append(writes)

    def alias(self, fn: str) -> str:
        """The step's name for the NumPy callable ``fn`` ("np.add" -> ``np_add``), bound once."""
        name = self._aliases.get(fn)
        if name is None:
            name = self._aliases[fn] = self.fresh(fn.replace(".", "_"))
            self.env[name] = eval(fn, self.env)
        return name

    def fast_call(self, fn: str, args: list[str], kwargs: dict[str, str], out: str) -> str:
        """``fn(*args, **kwargs, out=out)`` as it runs: a NumPy ufunc (or its ``reduce``)
        called through a name of the step bound to it once; other callables as written.

        (``out`` stays a keyword: passed by position, it measured slower in NumPy 2.4.)
        """
        if fn == "np.matmul" and not kwargs and self._dot_is_matmul(args, out):
            return f"{self.alias('np.dot')}({args[0]}, {args[1]}, out={out})"
        m = _NP_FUNCTION.fullmatch(fn)
        if m is not None and isinstance(getattr(np, m[1], None), np.ufunc):
            fn = self.alias(fn)
        argv = ", ".join([*args, *(f"{k}={v}" for k, v in kwargs.items())])
        return f"{fn}({argv}, out={out})"

    def _dot_is_matmul(self, args: list[str], out: str) -> bool:
        """Whether ``np.dot`` can run this small ``np.matmul``: a third cheaper to call (both
        hand the product to the same BLAS routine), kept only when it gives the same bits on
        the traced values. Matrices only, the output C-ordered and apart from the operands."""
        if not self.execute or len(args) != 2:
            return False
        a, b, z = (self.eval(n) for n in (*args, out))  # (names, or views such as x.T)
        if not all(isinstance(v, np.ndarray) and v.ndim == 2 for v in (a, b, z)):
            return False
        if a.shape[0] * a.shape[1] * b.shape[1] > _SMALL_PRODUCT or not z.flags.c_contiguous:
            return False
        if a.dtype != z.dtype or b.dtype != z.dtype or z.dtype.kind != "f":
            return False
        if np.shares_memory(z, a) or np.shares_memory(z, b):
            return False
        with np.errstate(all="ignore"):
            return bool(np.array_equal(np.dot(a, b), np.matmul(a, b), equal_nan=True))

    def _operands(self, args: tuple[str, ...]) -> list[str]:
        """Number literals become 0-d arrays of the other operand's dtype, made once.

        NumPy converts a Python scalar on every call (about 1 us, as much as the operation on a
        small array); it converts it to the array's dtype (NEP 50), which is exactly what the
        0-d array holds, so the results are the same bits.
        """
        dtype = None
        for a in args:
            if not _NUMBER.match(a):
                value = self.env.get(a) if a.isidentifier() else None
                if isinstance(value, np.ndarray):
                    dtype = value.dtype
                    break
        if dtype is None or dtype.kind != "f":
            return list(args)
        out = []
        for a in args:
            if _NUMBER.match(a):
                key = (a, dtype.name)
                if key not in self._scalars:
                    label = a.replace("-", "m").replace(".", "_").replace("+", "")
                    suffix = "" if dtype == np.float32 else f"_{dtype.name}"
                    name = self.fresh(f"c_{label}{suffix}")
                    number = float(a) if any(c in a for c in ".e") else int(a)
                    value = np.array(number, dtype=dtype)  # (as NumPy converts the literal)
                    self.env[name] = value
                    self.consts[name] = value
                    self.stable.add(name)
                    self._scalars[key] = name
                a = self._scalars[key]
            out.append(a)
        return out

    def constant(self, source: str) -> bool:
        """Whether every name ``source`` reads is a constant (or a value folded from them)."""
        return all(
            n in _KEYWORDS or n in self.consts or n in self.folded for n in _NAMES.findall(source)
        )

    def shadow(self, code: str) -> None:
        """Run ``code`` now without writing it (a value only the compile-time check reads)."""
        exec(code, self.env)

    def call(self, hint: str, fn: str, *args: str, **kwargs: str) -> str:
        """``fn(*args, out=<new buffer>)``: a result written into a buffer of its own.

        A result computed from constants alone is computed once, at module level.
        """
        operands = self._operands(args)
        argv = ", ".join([*operands, *(f"{k}={v}" for k, v in kwargs.items())])
        name = self.alloc(hint, self.eval(f"{fn}({argv})"))
        code = f"{fn}({argv}, out={name})"
        if self.execute and self.constant(argv):
            exec(code, self.env)
            self.setup.append(code)
            self.folded.add(name)
            return name
        self.stmt(code, name, self.fast_call(fn, operands, kwargs, name))
        return name

    def into(self, dest: str, fn: str, *args: str, **kwargs: str) -> None:
        """``fn(*args, out=dest)`` on a buffer this op already owns."""
        if dest in self.folded:
            raise AssertionError(f"a template writes into the constant {dest}")
        operands = self._operands(args)
        argv = ", ".join([*operands, *(f"{k}={v}" for k, v in kwargs.items())])
        self.stmt(f"{fn}({argv}, out={dest})", dest, self.fast_call(fn, operands, kwargs, dest))

    def copy(self, dest: str, src: str, cast: bool = False) -> None:
        """``np.copyto(dest, src)`` (``casting='unsafe'`` with ``cast``); it runs as
        ``dest[...] = src``, the same copy (and cast) without the function's wrapper."""
        casting = ", casting='unsafe'" if cast else ""
        self.stmt(f"np.copyto({dest}, {src}{casting})", dest, f"{dest}[...] = {src}")

    def split(self, label: str = "") -> None:
        """Start a new line within the current op (e.g. one line per gradient of a rule)."""
        if self._pending[-1]:
            self._pending.append([])
            self._pending_fast.append([])
            self._labels.append(label)
            self._written.append([])

    def let(self, hint: str, expr: str, *views_of: str) -> str:
        """``name = expr``, a per-call value (a fresh array, or a view).

        When ``expr`` is a view of the arrays named in ``views_of`` and they are the same
        arrays on every call (buffers, parameters), the view is made once at module level.
        """
        name = self.fresh(hint)
        code = f"{name} = {expr}"
        if self.constant(expr) and self.execute:
            views_of = ()  # computed from constants alone: once, at module level
            exec(code, self.env)
            self.setup.append(code)
            self.stable.add(name)
            self.folded.add(name)
            return name
        if views_of and all(d in self.stable for d in views_of):
            value = self.eval(expr)
            if isinstance(value, np.ndarray) and all(
                value.size == 0 or np.shares_memory(value, self.env[d]) for d in views_of
            ):
                self.env[name] = value
                self.setup.append(code)
                self.stable.add(name)
                return name
        self.stmt(code, name)
        return name

    def end(self, comment: str) -> int:
        """Close the current op: its statements become lines (one per ``split``), the first
        commented with ``comment``; returns the first line's index."""
        first = len(self.lines)
        if self._notes:
            comment = f"{comment} ({'; '.join(self._notes)})"
            self._notes = []
        for i, (stmts, label) in enumerate(zip(self._pending, self._labels)):
            if not stmts and i:
                continue
            text = comment if i == 0 else label
            self.lines.append(("; ".join(stmts), text))  # no statement: a comment line
            self.fast_lines.append(self._pending_fast[i])
            for name in self._written[i]:
                self.writer[name] = len(self.lines) - 1
        self._pending, self._labels, self._written = [[]], [""], [[]]
        self._pending_fast = [[]]
        return first

    def section(self, title: str) -> None:
        """A comment line that opens a part of the step (forward, backward, update)."""
        self.lines.append(("", title))
        self.fast_lines.append([])

    def annotate(self, index: int, label: str) -> None:
        """Append ``label`` to the comment of line ``index`` (the BP1-BP4 labels)."""
        code, comment = self.lines[index]
        self.lines[index] = (code, f"{comment}  [{label}]" if comment else label)

    def body(self, indent: str = "    ") -> list[str]:
        """The function body as source lines, comments aligned after the code."""
        out = []
        width = min(max((len(c) for c, _ in self.lines if c), default=0), 72)
        for code, comment in self.lines:
            if not code:
                out.append(f"{indent}# {comment}")
            elif comment:
                out.append(f"{indent}{code.ljust(width)}  # {comment}")
            else:
                out.append(f"{indent}{code}")
        return out

    def run_body(self, indent: str = "    ") -> list[str]:
        """The function body as it runs: one statement per line, no comments."""
        return [f"{indent}{stmt}" for stmts in self.fast_lines for stmt in stmts if stmt]
