"""`fit(backup_dir=...)`: a run killed mid-epoch and started again ends with exactly the
weights of a run that was never interrupted; a damaged backup is named."""

import keras
import numpy as np
import pytest

from keras_bert_lib import BertClassifier, BertConfig, BertEncoder, BertPreprocessor, BertTokenizer
from keras_bert_lib.training.backup import BACKUP_FILE

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(20)]
RNG = np.random.default_rng(0)
TEXTS = [" ".join(f"w{j}" for j in RNG.integers(0, 20, RNG.integers(1, 9))) for _ in range(40)]
LABELS = RNG.integers(0, 2, 40)
FIT = dict(batch_size=4, epochs=3, verbose=0)  # 10 steps per epoch, 30 in all


def build():
    keras.utils.set_random_seed(1)
    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=8, num_layers=1, num_heads=2,
        intermediate_size=16, hidden_dropout=0.0, attention_dropout=0.0,
    )  # fmt: skip
    preprocessor = BertPreprocessor(BertTokenizer(VOCAB), sequence_length=12)
    return BertClassifier(BertEncoder(config), 2, preprocessor, dropout=0.0)


class Kill(keras.callbacks.Callback):
    def __init__(self, at_step):
        super().__init__()
        self.at_step = at_step

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) == self.at_step:
            raise KeyboardInterrupt


@pytest.fixture(scope="module")
def uninterrupted():
    model = build()
    history = model.fit(TEXTS, LABELS, **FIT)
    return model.get_weights(), history.history["loss"]


@pytest.mark.parametrize("killed_at", [13, 21])  # backups at 12 (mid-epoch 2) and 20 (its end)
def test_a_resumed_run_equals_an_uninterrupted_one(tmp_path, uninterrupted, killed_at):
    with pytest.raises(KeyboardInterrupt):
        build().fit(
            TEXTS, LABELS, backup_dir=tmp_path, backup_every=3, callbacks=[Kill(killed_at)], **FIT
        )
    assert (tmp_path / BACKUP_FILE).exists()
    resumed = build()  # a fresh process would build the model the same way
    history = resumed.fit(TEXTS, LABELS, backup_dir=tmp_path, backup_every=3, **FIT)
    assert int(resumed.optimizer.iterations.numpy()) == 30
    assert history.epoch == [1, 2] if killed_at == 13 else [2]
    for resumed_weights, expected in zip(resumed.get_weights(), uninterrupted[0], strict=True):
        np.testing.assert_array_equal(resumed_weights, expected)
    assert history.history["loss"][-1] == pytest.approx(uninterrupted[1][-1])
    assert not tmp_path.exists()  # the backup is gone once training completes


def test_a_damaged_backup_is_named(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / BACKUP_FILE).write_bytes(b"not an h5 file")
    with pytest.raises(ValueError, match="backup .* cannot be loaded"):
        build().fit(TEXTS, LABELS, backup_dir=tmp_path, **FIT)


def test_only_the_chief_deletes_a_shared_backup(tmp_path, monkeypatch):
    # Under MultiWorkerMirroredStrategy a worker that finishes first must leave the shared
    # directory alone: the chief may still be writing its last backup there (a race that
    # failed the two-worker test now and then with FileNotFoundError).
    for module in ("backup", "stream_fit"):  # this process plays a worker other than the chief
        monkeypatch.setattr(f"keras_bert_lib.training.{module}.is_chief", lambda strategy: False)
    tmp_path.joinpath("partial.backup.weights.h5").write_bytes(b"the chief's write")
    build().fit(TEXTS, LABELS, backup_dir=tmp_path, backup_every=3, **FIT)
    assert tmp_path.joinpath("partial.backup.weights.h5").read_bytes() == b"the chief's write"
