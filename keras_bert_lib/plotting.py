"""matplotlib's pyplot on the file-only Agg backend, or an error naming the `plots` extra."""

from __future__ import annotations


def pyplot():
    """`matplotlib.pyplot`, drawing to files only."""
    try:
        import matplotlib
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError(
            "Pictures (curves, attention maps, attributions) need matplotlib: "
            "pip install 'keras_bert_lib[plots]'."
        ) from error
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt
