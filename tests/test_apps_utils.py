"""The helpers of the application assignments (05 to 07): data, losses, optimiser, plots."""

import warnings

import matplotlib
import numpy as np
import pytest

import apps_utils as au

matplotlib.use("Agg")


# --- 05_binary_addition -------------------------------------------------------


def test_addition_pairs_are_every_pair_with_an_8_bit_sum():
    a, b = au.addition_pairs(8)
    assert len(a) == len(b) == 256 * 257 // 2
    assert np.all(a + b < 256) and np.all(a >= 0) and np.all(b >= 0)
    assert len(set(zip(a.tolist(), b.tolist()))) == len(a)


def test_split_is_disjoint_complete_and_seeded():
    (a1, b1), (a2, b2) = au.split_addition_pairs(held_out=0.2, seed=0)
    train = set(zip(a1.tolist(), b1.tolist()))
    test = set(zip(a2.tolist(), b2.tolist()))
    assert not train & test
    assert len(train | test) == 32896
    assert len(test) == round(0.2 * 32896)
    (c1, _), (c2, _) = au.split_addition_pairs(held_out=0.2, seed=0)
    np.testing.assert_array_equal(a2, c2)
    (_, _), (d2, _) = au.split_addition_pairs(held_out=0.2, seed=1)
    assert not np.array_equal(a2, d2)


def test_carry_bits_match_long_addition():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, 200)
    b = rng.integers(0, 256, 200)
    carry = au.carry_bits(a, b, 8)
    for i in range(len(a)):
        c = 0
        for t in range(8):
            s = ((a[i] >> t) & 1) + ((b[i] >> t) & 1) + c
            c = s >> 1
            assert carry[i, t] == c


def test_binary_cross_entropy_value_and_no_warning_at_0_and_1():
    y_hat = np.array([[[0.9, 0.2], [0.4, 0.7]]])  # (1, m=2, T=2)
    y = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    expect = -(np.log(0.9) + np.log(0.8) + np.log(0.6) + np.log(0.7)) / 2
    assert au.binary_cross_entropy(y_hat, y) == pytest.approx(expect)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = au.binary_cross_entropy(np.array([[[0.0, 1.0]]]), np.array([[[1.0, 0.0]]]))
    assert np.isfinite(loss) and loss > 20


def test_format_addition():
    line = au.format_addition(37, 99, 136)
    assert "00100101" in line and "01100011" in line and "10001000" in line and "right" in line
    assert "WRONG (true sum 255)" in au.format_addition(200, 55, 254)


# --- 06_sine_wave ---------------------------------------------------------------


def test_sine_windows_and_targets_follow_the_series():
    d = au.sine_wave_data(n_train=30, n_val=7, window=12, step=0.3, horizon=20)
    s = d["series"]
    assert d["x_train"].shape == (1, 30, 12) and d["y_train"].shape == (1, 30)
    assert d["x_val"].shape == (1, 7, 12) and d["y_val"].shape == (1, 7)
    np.testing.assert_allclose(s, np.sin(0.3 * np.arange(len(s))))
    for i in (0, 13, 29):
        np.testing.assert_array_equal(d["x_train"][0, i], s[i : i + 12])
        assert d["y_train"][0, i] == s[i + 12]
    v = d["val_start"]
    assert v > 29 + 12  # after the last training target: no overlap
    for i in (0, 6):
        np.testing.assert_array_equal(d["x_val"][0, i], s[v + i : v + i + 12])
        assert d["y_val"][0, i] == s[v + i + 12]
    assert len(s) >= v + 7 + 12 + 20


def test_mse_loss():
    assert au.mse_loss([[1.0, 3.0]], [[0.0, 1.0]]) == pytest.approx(2.5)


# --- 07_sequence_classification ---------------------------------------------------


def test_classifier_initialisation():
    p = au.initialize_classifier_parameters(4, 8, 3, seed=2)
    assert {k: v.shape for k, v in p.items()} == {
        "Wax": (8, 4),
        "Waa": (8, 8),
        "Wya": (3, 8),
        "ba": (8, 1),
        "by": (3, 1),
    }
    np.testing.assert_allclose(p["Waa"].T @ p["Waa"], np.eye(8), atol=1e-12)
    q = au.initialize_classifier_parameters(4, 8, 3, seed=2)
    for k in p:
        np.testing.assert_array_equal(p[k], q[k])
    g = au.initialize_classifier_parameters(4, 8, 3, seed=2, recurrent="gaussian", input_scale=0.5)
    assert not np.allclose(g["Waa"].T @ g["Waa"], np.eye(8))
    assert np.std(g["Wax"]) > np.std(p["Wax"])
    with pytest.raises(ValueError):
        au.initialize_classifier_parameters(4, 8, 3, recurrent="identity")


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    p = {"W": np.array([[1.0, -2.0]]), "b": np.array([[0.5]])}
    g = {"dW": np.array([[3.0, -0.01]]), "db": np.array([[0.0]])}
    state = au.adam_init(p)
    p, state = au.adam_update(p, g, state, learning_rate=0.1)
    np.testing.assert_allclose(p["W"], [[0.9, -1.9]], rtol=1e-6)
    np.testing.assert_allclose(p["b"], [[0.5]])
    assert state["t"] == 1


def test_clip_by_global_norm():
    g = {"a": np.array([3.0]), "b": np.array([[4.0]])}
    clipped, norm = au.clip_by_global_norm(g, 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(clipped["a"], [0.6])
    np.testing.assert_allclose(clipped["b"], [[0.8]])
    same, _ = au.clip_by_global_norm(g, 10.0)
    np.testing.assert_array_equal(same["a"], g["a"])


def test_confusion_matrix():
    counts = au.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 0, 2, 2, 1], 3)
    np.testing.assert_array_equal(counts, [[1, 0, 0], [1, 1, 0], [0, 1, 2]])


# --- plots: they run and return what they promise ---------------------------------


def test_plots_run():
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    au.plot_adder_history(
        {
            "iteration": list(range(1, 101)),
            "loss": list(rng.random(100) + 0.1),
            "eval_iteration": [50, 100],
            "accuracy": [0.2, 1.0],
        }
    )
    a = rng.random((16, 30, 8))
    corr = au.plot_hidden_vs_carry(a, au.carry_bits(np.arange(30), np.arange(30)[::-1]))
    assert corr.shape == (16,) and np.all(np.abs(corr) <= 1 + 1e-12)
    d = au.sine_wave_data()
    au.plot_forecaster_history({"train": [0.1, 0.01], "val": [0.1, 0.02]}, baseline=0.02)
    au.plot_sine_predictions(d, d["y_val"][0], np.zeros(20), d["val_start"] + 100)
    au.plot_truncation_experiment(
        [
            {"bptt_steps": 1, "val_mse": 0.01, "backward_ms": 0.1},
            {"bptt_steps": 5, "val_mse": 0.001, "backward_ms": 0.3},
        ],
        baseline=0.02,
    )
    au.plot_confusion_matrix(np.eye(4, dtype=int) * 5)
    au.plot_classifier_history(
        {"iteration": [1, 2], "loss": [1.4, 1.0], "eval_iteration": [2], "accuracy": [0.5]}, chance=0.25
    )
    au.plot_accuracy_vs_distance({"x": ((5, 10), (1.0, 0.3))}, chance=0.25)
    plt.close("all")
