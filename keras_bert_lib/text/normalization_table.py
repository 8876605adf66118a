"""BERT text normalization and pre-tokenization as a code-point table, applied in-graph.

The reference BERT normalizer (clean text, CJK spacing, NFD + strip accents, lowercase) and
pre-tokenizer (split on whitespace, isolate punctuation) act on one character at a time. So
each code point maps to a fixed output sequence in which a space (U+0020) marks a word
boundary: `"A"` -> `"a"`, `"É"` -> `"e"`, `"!"` -> `" ! "`, `"日"` -> `" 日 "`, a tab -> `" "`,
a zero-width space -> nothing. The tables in `tables/` were recorded from Hugging Face
`tokenizers` on all 1,114,112 code points by `tools/build_normalization_tables.py`, so every
Unicode-version detail (which characters count as punctuation, control or accents) is the
reference's own.

tensorflow-text's normalizers differ from the reference on compatibility characters (`½`,
`²`, `ß`), final sigma and several control characters; a lookup over code points reproduces
it exactly with core TF ops that TF Serving runs.

The one context effect this cannot see is NFD's canonical reordering of adjacent combining
marks; every reorderable mark that is nonspacing (Mn) is stripped anyway when lowercasing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf

TABLE_DIR = Path(__file__).resolve().parent / "tables"
SPACE = 32

# Range kinds. SHIFT outputs [code_point + value] (value 0 is identity).
SHIFT, DELETE, SPACE_KIND, PAD, EXPLICIT = 0, 1, 2, 3, 4


def _classify(code_point: int, output: tuple) -> tuple[int, int]:
    if not output:
        return DELETE, 0
    if output == (SPACE,):
        return SPACE_KIND, 0
    if output == (SPACE, code_point, SPACE):
        return PAD, 0
    if len(output) == 1:
        return SHIFT, output[0] - code_point
    return EXPLICIT, -1


def compress_table(outputs: list[tuple]) -> dict:
    """Run-length encodes per-code-point outputs (index = code point) into ranges."""
    starts, kinds, values, explicit = [], [], [], []
    for code_point, output in enumerate(outputs):
        kind, value = _classify(code_point, tuple(output))
        if kind == EXPLICIT:
            value = len(explicit)
            explicit.append(list(output))
        elif kinds and kinds[-1] == kind and values[-1] == value:
            continue
        starts.append(code_point)
        kinds.append(kind)
        values.append(value)
    return {"starts": starts, "kinds": kinds, "values": values, "explicit": explicit}


def load_table(name: str) -> dict:
    path = TABLE_DIR / f"bert_{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


class CodePointTable:
    """In-graph application of a compressed table.

    Args:
        table: the dict from `load_table`.
    """

    def __init__(self, table: dict):
        explicit = table["explicit"] or [[]]
        self.width = max(3, max(len(row) for row in explicit))
        padded = np.full((len(explicit), self.width), -1, np.int32)
        for row, output in enumerate(explicit):
            padded[row, : len(output)] = output
        self._starts = np.asarray(table["starts"], np.int32)
        self._kinds = np.asarray(table["kinds"], np.int32)
        self._values = np.asarray(table["values"], np.int32)
        self._explicit = padded

    def map(self, code_points):
        """`[n]` int32 code points -> `[n, width]` outputs, padded with -1."""
        index = tf.searchsorted(tf.constant(self._starts), code_points, side="right") - 1
        kind = tf.gather(tf.constant(self._kinds), index)
        value = tf.gather(tf.constant(self._values), index)
        explicit_row = tf.where(kind == EXPLICIT, value, 0)  # value is a shift elsewhere
        explicit = tf.gather(tf.constant(self._explicit), explicit_row)

        none = tf.fill([tf.size(code_points), self.width - 1], -1)
        column = code_points[:, None]
        space = tf.fill(tf.shape(column), SPACE)
        shifted = tf.concat([column + value[:, None], none], axis=1)
        deleted = tf.concat([tf.fill(tf.shape(column), -1), none], axis=1)
        spaced = tf.concat([space, none], axis=1)
        padded = tf.concat([space, column, space, none[:, 2:]], axis=1)
        choices = tf.stack([shifted, deleted, spaced, padded, explicit], axis=1)
        return tf.gather(choices, kind, batch_dims=1)
