"""Grad mode belongs to a thread, as in PyTorch: no_grad, enable_grad and backward in one
thread never change whether another thread records."""

from __future__ import annotations

import threading
from collections.abc import Callable

import minigrad as mg


def _in_thread(fn: Callable[[], object]) -> object:
    box: list[object] = []
    t = threading.Thread(target=lambda: box.append(fn()))
    t.start()
    t.join()
    return box[0]


def _records() -> bool:
    return mg.tensor([1.0], requires_grad=True).exp().requires_grad


def test_no_grad_in_one_thread_does_not_stop_another_from_recording() -> None:
    entered, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with mg.no_grad():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    entered.wait(5)
    seen.append(mg.is_grad_enabled())
    seen.append(_records())
    release.set()
    t.join()
    assert seen == [True, True]


def test_a_new_thread_starts_with_grad_enabled() -> None:
    with mg.no_grad():
        assert _in_thread(mg.is_grad_enabled) is True
        assert _in_thread(_records) is True
        assert not _records()


def test_threads_leaving_no_grad_out_of_order_restore_their_own_mode() -> None:
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    after: dict[str, bool] = {}

    def a() -> None:
        with mg.no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()
        after["a"] = mg.is_grad_enabled()

    def b() -> None:
        a_in.wait(5)
        with mg.no_grad():
            b_in.set()
            a_out.wait(5)  # a leaves first
        after["b"] = mg.is_grad_enabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert after == {"a": True, "b": True}
    assert mg.is_grad_enabled() and _records()


def test_backward_in_one_thread_does_not_stop_recording_in_another() -> None:
    in_hook, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def hook(g: mg.Tensor) -> None:
        in_hook.set()  # backward is running (with recording off in its own thread)
        release.wait(5)

    def worker() -> None:
        x = mg.tensor([1.0], requires_grad=True)
        x.register_hook(hook)
        (x * 2).sum().backward()

    t = threading.Thread(target=worker)
    t.start()
    in_hook.wait(5)
    seen.append(mg.is_grad_enabled())
    seen.append(_records())
    release.set()
    t.join()
    assert seen == [True, True]


def test_training_in_threads_gives_the_same_gradients() -> None:
    """Two threads training their own copy, one under frequent no_grad, agree with a serial run."""

    def train(use_no_grad: bool) -> list[float]:
        w = mg.tensor([0.5, -0.3], requires_grad=True)
        x = mg.tensor([[1.0, 2.0], [3.0, -1.0]])
        losses = []
        for _ in range(200):
            loss = ((x @ w).sigmoid() ** 2).mean()
            loss.backward()
            with mg.no_grad():
                w._data = w._data - 0.1 * w.grad._data if w.grad is not None else w._data
                w.grad = None
                if use_no_grad:
                    (w * 2).sum()
            losses.append(loss.item())
        return losses

    serial = train(False)
    results: dict[int, list[float]] = {}

    def run(i: int) -> None:
        results[i] = train(i == 1)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0] == serial and results[1] == serial
