"""BertSpanLabeler: the loss, learning to answer, answers on long contexts, save/load, errors."""

import keras
import numpy as np
import pytest

from keras_bert_lib import BertConfig, BertEncoder, BertPreprocessor, BertSpanLabeler, BertTokenizer
from tests.harness import ROUND_TRIP_ATOL, assert_allclose_outputs

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "who", "won", "?", "denver", "lost",
         "carolina", "played", "and", "then", "."]  # fmt: skip
FILLER = ["carolina lost", "then carolina played", "carolina played and lost", "then"]
QUESTION = "who won?"


def make(sequence_length=16):
    keras.utils.set_random_seed(0)
    config = BertConfig(
        vocab_size=len(VOCAB), hidden_size=16, num_layers=1, num_heads=2,
        intermediate_size=32, max_position_embeddings=16, hidden_dropout=0.0,
        attention_dropout=0.0,
    )  # fmt: skip
    preprocessor = BertPreprocessor(BertTokenizer(VOCAB), sequence_length=sequence_length)
    model = BertSpanLabeler(BertEncoder(config), preprocessor, doc_stride=4)
    model.compile(learning_rate=1e-2, warmup_ratio=0.0)
    return model


def contexts_with_answer():
    """Contexts where "Denver won" sits at different places; the answer is "Denver"."""
    texts = []
    for before in FILLER:
        for after in FILLER:
            texts.append(f"{before} . Denver won . {after}")
    return texts


@pytest.fixture(scope="module")
def trained():
    model = make()
    contexts = contexts_with_answer()
    answers = [("Denver", c.index("Denver")) for c in contexts]
    windows = model.windows([QUESTION] * len(contexts), contexts, answers)
    model.fit(windows.features, windows.labels, epochs=40, batch_size=8, verbose=0)
    return model


def test_loss_is_the_mean_of_start_and_end_cross_entropy():
    model = make()
    context = "Denver won . then carolina played and lost . then carolina played"
    answers = [("Denver", 0), ("lost", context.index("lost"))]
    windows = model.windows([QUESTION] * 2, [context] * 2, answers)
    # Batches are cut to their longest row, so the softmax runs over that many positions.
    longest = windows.features["padding_mask"].sum(1).max()
    features = {name: value[:, :longest] for name, value in windows.features.items()}
    logits = model.predict(features, verbose=0)

    def cross_entropy(logits, positions):
        shifted = logits - logits.max(-1, keepdims=True)
        log_probabilities = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
        return -log_probabilities[np.arange(len(positions)), positions].mean()

    expected = 0.5 * (
        cross_entropy(logits["start_logits"], windows.start_positions)
        + cross_entropy(logits["end_logits"], windows.end_positions)
    )
    assert windows.start_positions.min() == 0 < windows.start_positions.max()  # both kinds
    result = model.evaluate(windows.features, windows.labels, batch_size=len(windows), verbose=0)
    assert result[0] == pytest.approx(expected, rel=1e-5)


def test_learns_to_answer_and_the_answer_is_cut_from_the_context(trained):
    context = "then carolina lost . Denver won . carolina played"
    answer = trained.predict("Who won?", context)
    assert answer["text"] == "Denver"
    assert context[answer["start"] : answer["end"]] == "Denver" and 0 < answer["score"] <= 1
    answers = trained.predict(["who won?", "who won?"], [context, "Denver won ."])
    assert [a["text"] for a in answers] == ["Denver", "Denver"]


def test_contexts_far_longer_than_the_window_and_the_position_table(trained):
    # 16-token windows, 16 positions: a context of ~900 tokens is read in ~220 windows.
    context = " ".join(["carolina played and lost ."] * 90 + ["Denver won ."] + ["then"] * 300)
    answer = trained.predict(QUESTION, context)
    assert answer["text"] == "Denver" and context[answer["start"] : answer["end"]] == "Denver"
    assert answer["start"] == context.index("Denver")


def test_save_and_load_give_the_same_answers(trained, tmp_path):
    path = tmp_path / "reader.keras"
    trained.save(path)
    loaded = BertSpanLabeler.from_checkpoint(path)
    assert loaded.doc_stride == 4 and loaded.get_config() == trained.get_config()
    contexts = contexts_with_answer()[:5]
    windows = trained.windows([QUESTION] * 5, contexts)
    for a, b in zip(trained.predict_logits(windows), loaded.predict_logits(windows), strict=True):
        assert_allclose_outputs(a, b, atol=ROUND_TRIP_ATOL)
    for a, b in zip(trained.predict([QUESTION] * 5, contexts),
                    loaded.predict([QUESTION] * 5, contexts), strict=True):  # fmt: skip
        assert (a["text"], a["start"], a["end"]) == (b["text"], b["start"], b["end"])
        assert a["score"] == pytest.approx(b["score"], abs=1e-6)


def test_bad_input_is_named(trained):
    with pytest.raises(ValueError, match="empty context"):
        trained.predict(QUESTION, "   ")
    with pytest.raises(TypeError, match="both be strings"):
        trained.predict(QUESTION, ["Denver won"])
    with pytest.raises(ValueError, match="Labels must be a dict"):
        trained.fit(trained.windows([QUESTION], ["Denver won"]).features, np.zeros(1), verbose=0)
    assert trained.predict([], []) == []
    with pytest.raises(ValueError, match="no answer"):
        from keras_bert_lib.data.squad import SquadExample

        trained.fit_squad([SquadExample("q1", QUESTION, "Denver won")])


def test_compile_passes_clipping_and_decay_exclusions_to_the_optimizer_fit_builds():
    contexts = contexts_with_answer()[:4]
    for settings, clipnorm, layer_norm_decayed in (
        ({}, None, False),  # SQuAD's defaults: no clipping, BERT's decay exclusions
        (dict(global_clipnorm=1.0, decay_exclusions=()), 1.0, True),
    ):
        model = make()
        model.compile(learning_rate=1e-3, **settings)
        windows = model.windows(
            [QUESTION] * 4, contexts, [("Denver", c.index("Denver")) for c in contexts]
        )
        model.fit(windows.features, windows.labels, batch_size=4, verbose=0)
        assert model.optimizer.global_clipnorm == clipnorm
        gamma = next(v for v in model.trainable_variables if "gamma" in v.path)
        assert model.optimizer._use_weight_decay(gamma) == layer_norm_decayed
