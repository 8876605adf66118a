"""StepLog records the loss and the warmup schedule, keeps them across processes, and the
fine-tuning curves are drawn from them."""

import numpy as np

from keras_bert_lib.training.step_log import StepLog, write_finetuning_curves
from tests.tiny_models import TEXTS, tiny_classifier


def test_records_every_step_follow_the_schedule_and_survive_a_new_process(tmp_path):
    model = tiny_classifier()
    model.compile(learning_rate=1e-3, warmup_ratio=0.5)
    log = StepLog(every=1, state_dir=tmp_path)
    model.fit(TEXTS * 4, [0, 1, 2, 0] * 4, batch_size=4, epochs=2, callbacks=[log], verbose=0)
    steps = [r["step"] for r in log.records]
    assert steps == list(range(1, 9))
    rates = [r["learning_rate"] for r in log.records]
    # 8 steps, 4 of warmup to 1e-3, then linear decay to 0 (the rate used at step s+1).
    np.testing.assert_allclose(rates[:4], [2.5e-4, 5e-4, 7.5e-4, 1e-3], rtol=1e-5)
    assert rates[4] > rates[5] > rates[6] > rates[7] >= 0
    assert all(np.isfinite(r["loss"]) for r in log.records)
    assert StepLog(state_dir=tmp_path).records == log.records

    path = write_finetuning_curves(
        tmp_path / "curves.png", log.records, [{"accuracy": 0.5}, {"accuracy": 0.75}], 4, "accuracy"
    )
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_steps_trained_again_replace_their_records(tmp_path):
    log = StepLog(every=1)
    log.records = [{"step": s, "loss": 1.0, "learning_rate": 0.0} for s in (1, 2, 3)]
    model = tiny_classifier()
    log.set_model(model)
    model.fit(TEXTS, [0, 1, 2, 0], batch_size=4, verbose=0)  # step 1 again
    log.on_train_batch_end(0, {"loss": 0.5})
    assert [r["step"] for r in log.records] == [1]
    assert log.records[0]["loss"] == 0.5
