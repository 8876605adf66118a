"""Training curves as a PNG: what a user opens first after a run.

Needs matplotlib (`pip install keras_bert_lib[plots]`).
"""

from __future__ import annotations

from pathlib import Path

from keras_bert_lib.plotting import pyplot


def write_curves_png(path, rows, x, panels, title=None) -> Path:
    """Draws one panel per entry of `panels`, each with its series against `x`.

    Args:
        path: the PNG to write.
        rows: list of dicts (one per evaluation), e.g. a run's history.
        x: the key of the horizontal axis (`"step"`).
        panels: dict, panel title -> dict of series label -> key in the rows; a key that
            no row has is left out, and so is a panel with no series left. A float in
            place of a key draws a horizontal reference line (a baseline).
        title: str or None. The figure's title.

    Example:

    >>> write_curves_png("curves.png", history, "step",
    ...     {"loss": {"train": "train_loss", "unigram": 6.4}})  # doctest: +SKIP
    """
    plt = pyplot()
    drawn = {}
    for name, series in panels.items():
        kept = {
            label: key
            for label, key in series.items()
            if isinstance(key, float) or any(key in row for row in rows)
        }
        if any(isinstance(key, str) for key in kept.values()):
            drawn[name] = kept
    figure, axes = plt.subplots(1, len(drawn), figsize=(5 * len(drawn), 3.8), squeeze=False)
    for axis, (name, series) in zip(axes[0], drawn.items(), strict=True):
        for label, key in series.items():
            if isinstance(key, float):
                axis.axhline(key, linestyle="--", color="grey", label=label)
            else:
                points = [(row[x], row[key]) for row in rows if key in row]
                axis.plot(*zip(*points, strict=True), marker="o", markersize=3, label=label)
        axis.set_title(name)
        axis.set_xlabel(x)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
