import math

import numpy as np
import pytest

from keras_bert_lib.metrics import accuracy, f1_score, matthews_correlation, pearson, spearman
from keras_bert_lib.metrics.correlation import rank

Y_TRUE = [1, 1, 1, 0, 0, 0, 1, 0]
Y_PRED = [1, 0, 1, 0, 1, 0, 1, 0]
# By hand: TP=3, FN=1, FP=1, TN=3.


def test_accuracy_and_binary_f1_by_hand():
    assert accuracy(Y_TRUE, Y_PRED) == 6 / 8
    assert f1_score(Y_TRUE, Y_PRED) == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert f1_score(Y_TRUE, Y_PRED, positive_label=0) == pytest.approx(6 / 8)


def test_macro_f1_by_hand():
    y_true, y_pred = [0, 1, 2, 2], [0, 2, 2, 1]
    # label 0: P=1,R=1 -> 1; label 1: 0; label 2: TP=1, pred 2, true 2 -> 0.5
    assert f1_score(y_true, y_pred, average="macro") == pytest.approx((1 + 0 + 0.5) / 3)


def test_matthews_by_hand():
    expected = (3 * 3 - 1 * 1) / math.sqrt(4 * 4 * 4 * 4)
    assert matthews_correlation(Y_TRUE, Y_PRED) == pytest.approx(expected)
    assert matthews_correlation([0, 1, 0, 1], [0, 1, 0, 1]) == pytest.approx(1.0)
    assert matthews_correlation([0, 1, 0, 1], [1, 1, 1, 1]) == 0.0


def test_matches_scikit_learn_on_random_labels():
    sklearn = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 3, 500), rng.integers(0, 3, 500)
    assert f1_score(y_true, y_pred, average="macro") == pytest.approx(
        sklearn.f1_score(y_true, y_pred, average="macro")
    )
    assert matthews_correlation(y_true, y_pred) == pytest.approx(
        sklearn.matthews_corrcoef(y_true, y_pred)
    )


def test_pearson_and_spearman_by_hand():
    x, y = [1, 2, 3, 4], [2, 4, 5, 4]
    # Pearson: dx=[-1.5,-.5,.5,1.5], dy=[-1.75,.25,1.25,.25]; sum dxdy=3.5; |dx|^2=5; |dy|^2=4.75
    assert pearson(x, y) == pytest.approx(3.5 / math.sqrt(5 * 4.75))
    assert rank(y).tolist() == [1, 2.5, 4, 2.5]
    assert spearman(x, y) == pytest.approx(pearson([1, 2, 3, 4], [1, 2.5, 4, 2.5]))
    assert spearman([1, 2, 3], [10, 20, 1000]) == pytest.approx(1.0)


def test_matches_scipy_with_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 6, 300), rng.normal(size=300)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic)
    assert pearson(x, y) == pytest.approx(stats.pearsonr(x, y).statistic)


def test_bad_inputs():
    with pytest.raises(ValueError, match="empty"):
        accuracy([], [])
    with pytest.raises(ValueError, match="3 labels"):
        accuracy([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="constant"):
        pearson([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="average"):
        f1_score([1], [1], average="micro")
