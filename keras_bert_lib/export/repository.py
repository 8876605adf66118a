"""The TF Serving model repository: `REPOSITORY/NAME/VERSION/` exports and `models.config`.

TF Serving polls each model's base path for integer version directories and serves the
highest; `models.config` (a text-format `ModelServerConfig` with a `model_config_list`) names
the models, for `tensorflow_model_server --model_config_file=...`.
"""

from __future__ import annotations

from pathlib import Path

from google.protobuf import text_format

from keras_bert_lib.export.saved_model import export_saved_model

CONFIG_FILE = "models.config"
CONFIG_HEADER = (
    "# TF Serving model repository "
    "(tensorflow_model_server --model_config_file=saved_models/models.config).\n"
    "# Exports live in saved_models/NAME/VERSION/ and are not committed; tools/export.py "
    "writes them\n# and adds their entry here.\n"
)


def _check_name(name):
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"A model name must be a plain directory name, got {name!r}.")


def next_version(model_directory) -> int:
    """One more than the highest integer version directory (1 for a new model)."""
    model_directory = Path(model_directory)
    versions = [int(p.name) for p in model_directory.glob("*") if p.name.isdigit()]
    return max(versions, default=0) + 1


def read_models_config(repository):
    """The repository's `ModelServerConfig` (empty if there is no `models.config`)."""
    from tensorflow_serving.config import model_server_config_pb2

    config = model_server_config_pb2.ModelServerConfig()
    path = Path(repository) / CONFIG_FILE
    if path.exists():
        text_format.Parse(path.read_text(), config)
    return config


def register_model(repository, name, base_path=None) -> Path:
    """Adds (or updates) `name` in `REPOSITORY/models.config`.

    Args:
        repository: the repository directory.
        name: the model name clients ask for.
        base_path: the path the server sees for `REPOSITORY/NAME` (default: its absolute
            path here; in a container, e.g. `/models/NAME`).
    """
    _check_name(name)
    config = read_models_config(repository)
    base_path = base_path or str((Path(repository) / name).resolve())
    entries = config.model_config_list.config
    entry = next((e for e in entries if e.name == name), None) or entries.add()
    entry.name = name
    entry.base_path = base_path
    entry.model_platform = "tensorflow"
    path = Path(repository) / CONFIG_FILE
    path.write_text(CONFIG_HEADER + text_format.MessageToString(config))
    return path


def export_to_repository(
    model, name, repository="saved_models", version=None, pair=False, base_path=None
) -> Path:
    """Exports `model` to `REPOSITORY/NAME/VERSION/` and lists it in `models.config`.

    Args:
        model: a task model with a preprocessor (see `export_saved_model`).
        name: the model's name on the server.
        repository: the repository directory.
        version: int or None for the next free version.
        pair: bool. Whether `serving_default` takes sentence pairs.
        base_path: see `register_model`.

    Returns:
        The version directory written.
    """
    _check_name(name)
    model_directory = Path(repository) / name
    version = version or next_version(model_directory)
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer, got {version!r}.")
    directory = export_saved_model(model, model_directory / str(version), pair=pair)
    register_model(repository, name, base_path)
    return directory
