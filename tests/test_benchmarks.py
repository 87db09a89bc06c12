"""The benchmark's correctness gate, at tiny sizes: gradients agree, wrong ones are caught.

Nothing here is timed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

RUN_PY = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_run", RUN_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


run = _load()
KEYS = list(run.WORKLOADS)


def _tiny_problem(key: str):
    return run.make_problem(run.tiny(run.WORKLOADS[key]))


@pytest.mark.parametrize("key", KEYS)
def test_minigrad_first_step_gradients_match_numpy(key):
    assert run.verify(run.tiny(run.WORKLOADS[key]), ("minigrad",)) == {"minigrad": []}


@pytest.mark.parametrize("key", KEYS)
def test_torch_first_step_gradients_match_numpy(key):
    pytest.importorskip("torch")
    assert run.verify(run.tiny(run.WORKLOADS[key]), ("torch",)) == {"torch": []}


@pytest.mark.parametrize("key", ["W1", "W2", "W3", "W5", "W6"])
def test_training_steps_keep_minigrad_and_numpy_together(key):
    # After the timed unit (SGD steps), the gradients at the new weights still agree: the
    # update (learning rate, in-place step, batch order) is the same, not only the backward.
    problem = _tiny_problem(key)
    reference, candidate = run.make_runner("numpy", problem), run.make_runner("minigrad", problem)
    before = reference.first_gradients()
    reference.run()
    candidate.run()
    after = reference.first_gradients()
    assert not np.allclose(after["0.weight"], before["0.weight"])  # the weights did move
    assert run.check_gradients(after, candidate.first_gradients(), rtol=1e-4) == []


def test_character_model_steps_keep_minigrad_and_numpy_together():
    # W7: SGD on the embedding table, the batch norm's parameters and both Linears, and the
    # running statistics, move the same way in both.
    problem = _tiny_problem("W7")
    reference, candidate = run.make_runner("numpy", problem), run.make_runner("minigrad", problem)
    before = reference.first_gradients()
    candidate.first_gradients()  # (a training-mode forward: it moves the running statistics)
    reference.run()
    candidate.run()
    bn = candidate.model[3]
    np.testing.assert_allclose(bn.running_mean.numpy(), reference.running_mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), reference.running_var, rtol=1e-5)
    after = reference.first_gradients()
    assert not np.allclose(after["table"], before["table"])
    assert run.check_gradients(after, candidate.first_gradients(), rtol=1e-4) == []


def test_tiny_sizes_are_small():
    for key in KEYS:
        spec = run.tiny(run.WORKLOADS[key])
        problem = run.make_problem(spec)
        if key == "W4":
            assert spec.length < run.WORKLOADS[key].length
        elif key == "W6":
            assert max(spec.side, *spec.channels) <= 12
            assert sum(len(x) for x, _ in problem.batches) <= 8
        elif key == "W7":
            assert (
                max(spec.vocab, spec.hidden) <= 8 and sum(len(x) for x, _ in problem.batches) <= 16
            )
        else:
            assert max(spec.sizes) <= 12 and sum(len(x) for x, _ in problem.batches) <= 16


def _reference(key: str = "W2") -> dict[str, np.ndarray]:
    return run.make_runner("numpy", _tiny_problem(key)).first_gradients()


def test_check_gradients_accepts_float32_rounding():
    ref = _reference()
    noisy = {k: (v * (1 + 1e-6)).astype(v.dtype) for k, v in ref.items()}
    assert run.check_gradients(ref, noisy) == []


def test_check_gradients_flags_a_wrong_value_by_name():
    ref = _reference()
    wrong = {k: v.copy() for k, v in ref.items()}
    wrong["1.weight"].flat[3] += 10 * np.max(np.abs(ref["1.weight"])) * 1e-3
    problems = run.check_gradients(ref, wrong)
    assert len(problems) == 1 and problems[0].startswith("1.weight: 1 of")


def test_check_gradients_flags_a_gradient_off_by_a_factor():
    ref = _reference("W4")
    wrong = dict(ref, a=ref["a"] * np.float32(1.01))
    assert [p.split(":")[0] for p in run.check_gradients(ref, wrong)] == ["a"]


def test_check_gradients_flags_shape_dtype_nan_missing_and_extra():
    ref = _reference()
    bad = dict(ref)
    bad["0.weight"] = ref["0.weight"].T
    bad["0.bias"] = ref["0.bias"].astype(np.float64)
    bad["1.bias"] = np.full_like(ref["1.bias"], np.nan)
    del bad["loss"]
    bad["extra"] = np.zeros(1, np.float32)
    problems = run.check_gradients(ref, bad)
    text = "\n".join(problems)
    assert len(problems) == 5
    assert "0.weight: shape" in text and "0.bias: dtype float64" in text
    assert "1.bias: contains NaN" in text and "loss: missing" in text
    assert "extra: not in the reference" in text


def test_every_framework_starts_from_the_same_weights():
    problem = _tiny_problem("W3")
    again = run.make_problem(run.tiny(run.WORKLOADS["W3"]))
    for w1, w2 in zip(problem.weights, again.weights):
        np.testing.assert_array_equal(w1, w2)
    assert all(w.dtype == np.float32 for w in problem.weights)
    assert problem.batches[0][0].dtype == np.float32 and problem.batches[0][1].dtype == np.int64


def test_unknown_framework_is_rejected():
    with pytest.raises(ValueError, match="unknown framework 'jax'"):
        run.make_runner("jax", _tiny_problem("W1"))


def test_unknown_workload_exits_with_2(capsys):
    assert run.main(["--only", "W9"]) == 2
    assert "W9" in capsys.readouterr().err


def _memory_runs(minigrad_long_peak: int) -> list[dict]:
    runs = []
    for method in ("tracemalloc", "rss"):
        for fw, long_peak in (("numpy", 1000_000), ("minigrad", minigrad_long_peak)):
            runs.append(dict(framework=fw, steps=10, method=method, setup=900_000,
                             peak=1000_000, end=900_000))  # fmt: skip
            runs.append(dict(framework=fw, steps=40, method=method, setup=900_000,
                             peak=long_peak, end=900_000))  # fmt: skip
    return runs


def test_memory_summary_ratio_and_flatness():
    flat = run.summarize_memory(_memory_runs(1_010_000), (10, 40))["methods"]["tracemalloc"]
    assert flat["ratio"] == pytest.approx(1.01) and flat["minigrad"]["flat"] and flat["ok"]
    grows = run.summarize_memory(_memory_runs(1_500_000), (10, 40))["methods"]["tracemalloc"]
    assert not grows["minigrad"]["flat"] and not grows["ok"]
    assert any("GROWS" in line for line in run.format_memory(run.summarize_memory(
        _memory_runs(1_500_000), (10, 40))))  # fmt: skip


def test_memory_child_measures_a_short_run():
    result = run.memory_child("minigrad", 2, "tracemalloc", small=True)
    assert result["peak"] >= result["setup"] > 0 and result["steps"] == 2


def test_table_shows_ratios_targets_and_wrong_gradients():
    timings = {
        "W3": {"numpy": run.Timing([1.0, 1.2, 1.1]), "minigrad": run.Timing([1.5, 1.5, 1.5])},
        "W5": {"numpy": run.Timing([2.0])},
    }
    lines = run.format_table(timings, ["numpy", "minigrad"], {"W5/minigrad": ["0.weight: ..."]})
    assert "1.36x" in lines[2] and "MISSED" in lines[2]
    assert "WRONG GRADIENTS" in lines[3]


def test_profile_categories_name_where_time_goes():
    sys.path.insert(0, str(RUN_PY.parent))
    from profiling import _category

    assert _category("/x/minigrad/tensor.py", "_new_tensor") == "Tensor creation"
    assert _category("/x/minigrad/tensor.py", "_binary") == "apply (run op, record node)"
    assert _category("/x/minigrad/engine.py", "run_backward").startswith("engine")
    assert _category("/x/minigrad/ops.py", "forward") == "op forward"
    assert _category("/x/minigrad/ops.py", "backward").startswith("op backward")
    assert _category("~", "<method 'reduce' of 'numpy.ufunc' objects>").startswith("NumPy C")
    assert _category("~", "<built-in method builtins.isinstance>") == "Python builtins"


def test_interference_step_is_the_w3_step() -> None:
    # benchmarks/interference.py times W3's step with Python work in between: it must be the
    # same step as the NumPy runner's (same weights after two steps), work or not.
    path = RUN_PY.parent / "interference.py"
    spec = importlib.util.spec_from_file_location("benchmarks_interference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    problem = run.make_problem(run.tiny(run.WORKLOADS["W3"]))
    reference = run.make_runner("numpy", problem)
    reference.run()  # the tiny spec's two steps
    for units in (0, 3):
        step, (w1, b1, w2, b2) = module.numpy_step(problem, units)
        step()
        step()
        for got, want in ((w1.T, reference.w[0]), (b1, reference.b[0]), (w2.T, reference.w[1])):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b2, reference.b[1], rtol=1e-5, atol=1e-6)


def _load_floor() -> ModuleType:
    path = RUN_PY.parent / "floor.py"
    spec = importlib.util.spec_from_file_location("benchmarks_floor", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bare_engine_gives_minigrads_gradients_to_the_bit() -> None:
    # benchmarks/floor.py times a bare engine beside minigrad: the difference is only what
    # minigrad's surface and checks cost if the two compute the same thing, bit for bit.
    floor = _load_floor()
    problem = run.make_problem(run.WORKLOADS["W3"])
    bare = floor.Bare(problem)
    x, y = bare.batches[0]
    hidden = floor.relu(floor.linear(x, bare.w[0], bare.b[0]))
    loss = floor.cross_entropy(floor.linear(hidden, bare.w[1], bare.b[1]), y)
    floor.backward(loss)
    want = run.make_runner("minigrad", problem).first_gradients()
    assert loss.data.tobytes() == want["loss"].tobytes()
    for i in range(2):
        assert bare.w[i].grad.T.tobytes() == np.ascontiguousarray(want[f"{i}.weight"]).tobytes()
        assert bare.b[i].grad.tobytes() == want[f"{i}.bias"].tobytes()


def test_bare_engine_trains_as_the_numpy_step() -> None:
    floor = _load_floor()
    problem = run.make_problem(run.tiny(run.WORKLOADS["W3"]))
    reference = run.make_runner("numpy", problem)
    reference.run()  # the tiny spec's two steps
    bare = floor.Bare(problem)
    bare.run()
    for i in range(2):
        np.testing.assert_allclose(bare.w[i].data.T, reference.w[i], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(bare.b[i].data, reference.b[i], rtol=1e-5, atol=1e-6)


def test_ratio_interval_is_the_distribution_free_interval_of_the_median():
    # 21 rounds: P(Binomial(21, 1/2) <= 5) = 1.3% and <= 6 is 3.9%, so the interval runs from
    # the 6th smallest to the 6th largest ratio
    base = run.Timing([1.0] * 21)
    t = run.Timing([1.0 + i / 100 for i in range(21)])
    assert t.ratio_interval(base) == pytest.approx((1.05, 1.15))
    assert run.Timing([3.0, 1.0, 2.0]).ratio_interval(run.Timing([1.0] * 3)) == (1.0, 3.0)


def test_verdict_says_within_noise_when_the_interval_spans_the_target():
    base = run.Timing([1.0] * 21)
    near = run.Timing([0.99 + i / 1000 for i in range(21)])  # median 1.000, CI 0.995-1.005
    assert run._verdict(near, base, 1.02) == " ok"
    assert run._verdict(near, base, 1.0) == " ok, within noise (95% CI 0.995-1.005)"
    assert run._verdict(near, base, 0.999) == " MISSED, within noise (95% CI 0.995-1.005)"
    assert run._verdict(near, base, 0.99) == " MISSED"
    assert run._verdict(None, base, 1.0) == ""


def test_rounds_option_replaces_the_number_of_samples():
    assert run.Settings.of(False, 101).repeats == 101 and run.Settings.of(True).repeats == 5
    with pytest.raises(SystemExit):
        run.parse_args(["--rounds", "0"])


def test_ratios_over_several_processes_are_medians_of_each_process_median():
    # Process 0's rounds give 1.00, process 1's 1.10 (and one outlier), process 2's 1.02: the
    # median of (1.00, 1.10, 1.02). A process with more rounds does not outvote another
    # (``lopsided``: pooled rounds would say 1.00), and seven processes reach a 95% interval.
    base = run.Timing([1.0] * 9, process=[0, 0, 0, 1, 1, 1, 2, 2, 2])
    t = run.Timing([1.0, 1.0, 1.0, 1.1, 1.1, 3.0, 1.02, 1.02, 1.02], process=base.process)
    assert t.ratio_to(base) == pytest.approx(1.02)
    assert t.ratio_interval(base) == pytest.approx((1.0, 1.1))  # three values: their range
    lopsided = run.Timing([1.0, 1.0, 1.0, 1.0, 1.1, 1.1], process=[0, 0, 0, 0, 1, 1])
    assert lopsided.ratio_to(run.Timing([1.0] * 6, process=lopsided.process)) == 1.05
    seven = [0.9 + i / 100 for i in range(7)]  # process medians 0.90 .. 0.96
    owner = [i // 3 for i in range(21)]
    t = run.Timing([seven[i] for i in owner], process=owner)
    assert t.ratio_to(run.Timing([1.0] * 21, process=owner)) == pytest.approx(0.93)
    # P(Binomial(7, 1/2) = 0) = 0.8% and <= 1 is 6.3%: from the smallest to the largest
    assert t.ratio_interval(run.Timing([1.0] * 21, process=owner)) == pytest.approx((0.9, 0.96))


def test_processes_option_times_each_workload_in_fresh_processes(capsys, monkeypatch):
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        i = len(calls)
        line = json.dumps(
            {
                "numpy": {"samples": [1.0, 1.0], "units_per_sample": 3},
                "minigrad": {"samples": [1.0 + i / 100] * 2, "units_per_sample": 2},
            }
        )
        return subprocess.CompletedProcess(cmd, 0, stdout="progress\n" + line + "\n", stderr="")

    monkeypatch.setattr(run.subprocess, "run", fake_run)
    got = run.time_in_processes("W3", ["numpy", "minigrad"], run.Settings.of(True), "cpu", 3, True)
    assert len(calls) == 3 and all("--timing-child" in c and "--quick" in c for c in calls)
    assert got["minigrad"].process == [0, 0, 1, 1, 2, 2]
    assert got["minigrad"].ratio_to(got["numpy"]) == pytest.approx(1.02)
    with pytest.raises(SystemExit):
        run.parse_args(["--processes", "0"])


def test_timing_child_prints_its_samples_as_json():
    settings = run.Settings(repeats=2, min_sample=0.0, warmup=0.0, memory_steps=(1, 2))
    got = json.loads(run.timing_child("W4", ["numpy", "minigrad"], settings, "cpu"))
    assert set(got) == {"numpy", "minigrad"}
    assert all(len(v["samples"]) == 2 and v["units_per_sample"] >= 1 for v in got.values())
