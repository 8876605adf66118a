"""GLUE-style TSV tasks: texts (one column or a pair), labels or scores, label names."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np

from keras_bert_lib.data.text_files import read_tsv


@dataclasses.dataclass
class TextTask:
    """Examples of a sentence or sentence-pair task.

    `texts` is a list of strings, or a tuple of two lists for pairs; `labels` holds class ids
    (int32) or scores (float32); `label_names[i]` is the original label of class `i`.
    """

    texts: list | tuple
    labels: np.ndarray
    label_names: list[str] | None

    def __len__(self):
        return len(self.labels)

    @property
    def num_classes(self) -> int:
        """The classifier head width: the number of labels, or 1 for scores."""
        return 1 if self.label_names is None else len(self.label_names)

    def subset(self, count: int, seed: int = 0) -> TextTask:
        """`count` examples drawn at random (all of them if there are fewer)."""
        return self.split(count, seed)[0]

    def split(self, count: int, seed: int = 0) -> tuple[TextTask, TextTask]:
        """`(subset(count, seed), the other examples)`, each in file order.

        Example:

        >>> task = TextTask(["a", "b", "c"], np.array([0, 1, 0]), ["x", "y"])
        >>> [part.texts for part in task.split(2, seed=0)]
        [['b', 'c'], ['a']]
        """
        if count >= len(self):
            return self, self.pick([])
        chosen = set(random.Random(seed).sample(range(len(self)), count))
        rest = [i for i in range(len(self)) if i not in chosen]
        return self.pick(sorted(chosen)), self.pick(rest)

    def pick(self, rows) -> TextTask:
        """The examples at `rows`, in that order."""

        def values_at(values):
            return [values[i] for i in rows]

        texts = (
            tuple(values_at(t) for t in self.texts)
            if isinstance(self.texts, tuple)
            else values_at(self.texts)
        )
        return TextTask(texts, self.labels[list(rows)], self.label_names)


def load_tsv_task(path, text_columns, label_column, regression=False, label_names=None):
    """Reads a GLUE TSV file.

    Args:
        path: the TSV file (header row first).
        text_columns: one column name, or two for pairs.
        label_column: the label (or score) column.
        regression: bool. Scores as float32 instead of class ids.
        label_names: the label strings in class-id order; default the sorted distinct labels
            (so `0`/`1` stay 0 and 1). Pass the training set's names for its dev set.

    Raises:
        ValueError: naming a missing column, an empty file or an unknown label.
    """
    columns = _column_names(text_columns)
    rows = _checked_rows(path, [*columns, label_column])
    texts = _texts(rows, columns)
    raw = [row[label_column] for row in rows]
    if regression:
        return TextTask(texts, np.asarray(raw, np.float32), None)
    names = list(label_names) if label_names is not None else sorted(set(raw))
    index = {name: i for i, name in enumerate(names)}
    unknown = sorted(set(raw) - set(index))
    if unknown:
        raise ValueError(f"{Path(path).name}: labels {unknown[:5]} are not in {names}.")
    return TextTask(texts, np.asarray([index[v] for v in raw], np.int32), names)


def load_tsv_texts(path, text_columns) -> list[str] | tuple[list[str], list[str]]:
    """The texts of a TSV file's `text_columns` (one name, or two for pairs), without labels.

    Raises:
        ValueError: naming a missing column or an empty file.
    """
    columns = _column_names(text_columns)
    return _texts(_checked_rows(path, columns), columns)


def _column_names(text_columns) -> list[str]:
    return [text_columns] if isinstance(text_columns, str) else list(text_columns)


def _checked_rows(path, columns) -> list[dict]:
    """The rows of a TSV file that has examples and every column in `columns`."""
    rows = read_tsv(path)
    if not rows:
        raise ValueError(f"{path} has no examples.")
    for column in columns:
        if column not in rows[0]:
            raise ValueError(f"{path} has no column {column!r}; columns: {sorted(rows[0])}.")
    return rows


def _texts(rows, columns):
    """One column's texts (a list), or two columns' (a tuple of lists, for pairs)."""
    values = [[row[c] for row in rows] for c in columns]
    return values[0] if len(values) == 1 else tuple(values)


def load_train_dev(
    train_path,
    dev_path,
    text_columns,
    label_column,
    regression=False,
    max_train_examples=None,
    seed=0,
) -> tuple[TextTask, TextTask]:
    """A train and a dev file of one task, with the dev labels in the train label order.

    `max_train_examples` keeps that many random training rows (see `TextTask.subset`).
    """
    train = load_tsv_task(train_path, text_columns, label_column, regression=regression)
    dev = load_tsv_task(
        dev_path, text_columns, label_column, regression=regression, label_names=train.label_names
    )
    if max_train_examples:
        train = train.subset(max_train_examples, seed=seed)
    return train, dev
