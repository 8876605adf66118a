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


PAGE_BITS = 8  # the lookup's pages hold 256 code points
KIND_BITS = 3  # a packed entry is `value << KIND_BITS | kind`
CODE_POINTS = 0x110000


class CodePointTable:
    """In-graph application of a compressed table.

    A code point's kind and value come from two gathers in a two-level table (its page of
    256 code points, then its entry; identical pages are stored once: 143 distinct pages of
    4,352 uncased), not from a binary search over the ranges (14,918 uncased); its outputs
    are then built column by column and the empty places dropped in one pass.

    Args:
        table: the dict from `load_table`.
    """

    def __init__(self, table: dict):
        starts = np.asarray(table["starts"] + [CODE_POINTS], np.int64)
        lengths = np.diff(starts)
        kinds = np.repeat(np.asarray(table["kinds"], np.int32), lengths)
        values = np.repeat(np.asarray(table["values"], np.int32), lengths)
        packed = (values << KIND_BITS) | kinds
        pages, page_of = np.unique(packed.reshape(-1, 1 << PAGE_BITS), axis=0, return_inverse=True)
        self._pages = pages.reshape(-1).astype(np.int32)
        self._page_start = (page_of.reshape(-1) << PAGE_BITS).astype(np.int32)
        explicit = table["explicit"] or [[]]
        self.width = max(3, max(len(row) for row in explicit))  # PAD's output is 3 long
        self._explicit = np.full((len(explicit), self.width), -1, np.int32)
        for row, output in enumerate(explicit):
            self._explicit[row, : len(output)] = output

    def lookup(self, code_points):
        """`[n]` int32 code points -> `(kind, value)`, two `[n]` int32 tensors."""
        page = tf.gather(
            tf.constant(self._page_start), tf.bitwise.right_shift(code_points, PAGE_BITS)
        )
        entry = tf.gather(
            tf.constant(self._pages),
            page + tf.bitwise.bitwise_and(code_points, (1 << PAGE_BITS) - 1),
        )
        kind = tf.bitwise.bitwise_and(entry, (1 << KIND_BITS) - 1)
        return kind, tf.bitwise.right_shift(entry, KIND_BITS)

    def normalize(self, code_points):
        """`[n]` int32 code points -> `(outputs, source)`: the normalized code points of all
        inputs concatenated (`[m]`), and for each the index (int64) of the input it came from."""
        kind, value = self.lookup(code_points)
        explicit = kind == EXPLICIT
        rows = tf.gather(tf.constant(self._explicit), tf.where(explicit, value, 0))
        first = tf.where(
            kind == SHIFT,
            code_points + value,
            tf.where(kind == DELETE, -1, SPACE),  # SPACE_KIND and PAD start with a space
        )
        second = tf.where(kind == PAD, code_points, -1)
        third = tf.where(kind == PAD, SPACE, -1)
        none = tf.fill([tf.size(code_points), self.width - 3], -1)
        built = tf.concat([tf.stack([first, second, third], axis=1), none], axis=1)
        outputs = tf.reshape(tf.where(explicit[:, None], rows, built), [-1])
        kept = tf.where(outputs >= 0)[:, 0]
        return tf.gather(outputs, kept), kept // self.width
