"""An independent NumPy BERT, written from the paper's equations, for layer-level checks."""

import math

import numpy as np

_erf = np.vectorize(math.erf)


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def self_attention(x, mask, wq, bq, wk, bk, wv, bv, wo, bo, heads):
    batch, length, hidden = x.shape
    size = hidden // heads

    def split(t):
        return t.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

    q, k, v = split(x @ wq + bq), split(x @ wk + bk), split(x @ wv + bv)
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size)
    scores = np.where(mask[:, None, None, :] > 0, scores, -1e9)
    probs = softmax(scores)
    context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)
    return context @ wo + bo, probs
