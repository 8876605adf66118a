"""Import of original Google BERT checkpoints, written here exactly as google-research/bert does."""

import json

import numpy as np
import pytest
import tensorflow as tf
from safetensors.numpy import load_file

from keras_bert_lib import BertEncoder
from keras_bert_lib.checkpoints import read_checkpoint

# The original names, written out by hand from google-research/bert's modeling.py, with
# the Hugging Face name whose tensor they hold. Kernels are [in, out] there, [out, in] in torch.
PER_LAYER = {
    "attention/self/query/kernel": "attention.self.query.weight",
    "attention/self/query/bias": "attention.self.query.bias",
    "attention/self/key/kernel": "attention.self.key.weight",
    "attention/self/key/bias": "attention.self.key.bias",
    "attention/self/value/kernel": "attention.self.value.weight",
    "attention/self/value/bias": "attention.self.value.bias",
    "attention/output/dense/kernel": "attention.output.dense.weight",
    "attention/output/dense/bias": "attention.output.dense.bias",
    "attention/output/LayerNorm/gamma": "attention.output.LayerNorm.weight",
    "attention/output/LayerNorm/beta": "attention.output.LayerNorm.bias",
    "intermediate/dense/kernel": "intermediate.dense.weight",
    "intermediate/dense/bias": "intermediate.dense.bias",
    "output/dense/kernel": "output.dense.weight",
    "output/dense/bias": "output.dense.bias",
    "output/LayerNorm/gamma": "output.LayerNorm.weight",
    "output/LayerNorm/beta": "output.LayerNorm.bias",
}
GLOBAL = {
    "bert/embeddings/word_embeddings": "embeddings.word_embeddings.weight",
    "bert/embeddings/token_type_embeddings": "embeddings.token_type_embeddings.weight",
    "bert/embeddings/position_embeddings": "embeddings.position_embeddings.weight",
    "bert/embeddings/LayerNorm/gamma": "embeddings.LayerNorm.weight",
    "bert/embeddings/LayerNorm/beta": "embeddings.LayerNorm.bias",
    "bert/pooler/dense/kernel": "pooler.dense.weight",
    "bert/pooler/dense/bias": "pooler.dense.bias",
}


def google_tensors(hf, num_layers, hidden, vocab):
    """The reference checkpoint's weights under their original Google names and layout."""
    names = dict(GLOBAL)
    for layer in range(num_layers):
        for google, torch_name in PER_LAYER.items():
            names[f"bert/encoder/layer_{layer}/{google}"] = f"encoder.layer.{layer}.{torch_name}"
    tensors = {g: hf[h].T if g.endswith("kernel") else hf[h] for g, h in names.items()}
    rng = np.random.default_rng(0)
    heads = {
        "cls/predictions/transform/dense/kernel": rng.normal(size=(hidden, hidden)),
        "cls/predictions/transform/dense/bias": rng.normal(size=hidden),
        "cls/predictions/transform/LayerNorm/gamma": rng.normal(size=hidden),
        "cls/predictions/transform/LayerNorm/beta": rng.normal(size=hidden),
        "cls/predictions/output_bias": rng.normal(size=vocab),
        "cls/seq_relationship/output_weights": rng.normal(size=(2, hidden)),
        "cls/seq_relationship/output_bias": rng.normal(size=2),
    }
    tensors.update({k: v.astype("float32") for k, v in heads.items()})
    return tensors


def write_google_checkpoint(directory, tensors, bert_config):
    """tf.compat.v1.train.Saver, as google-research/bert's run_pretraining.py saves."""
    directory.mkdir(parents=True, exist_ok=True)
    with tf.Graph().as_default():
        variables = [tf.compat.v1.Variable(value, name=name) for name, value in tensors.items()]
        step = tf.compat.v1.train.get_or_create_global_step()
        slot = tf.compat.v1.Variable(np.zeros(3, "float32"), name="bert/pooler/dense/bias/adam_m")
        saver = tf.compat.v1.train.Saver(variables + [step, slot])
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            saver.save(session, str(directory / "bert_model.ckpt"), write_meta_graph=False)
    (directory / "bert_config.json").write_text(json.dumps(bert_config))
    return directory / "bert_model.ckpt"


@pytest.fixture(scope="module")
def google_checkpoint(reference_dir, tmp_path_factory):
    hf = load_file(reference_dir / "model.safetensors")
    config = json.loads((reference_dir / "config.json").read_text())
    keys = (
        "attention_probs_dropout_prob",
        "hidden_act",
        "hidden_dropout_prob",
        "hidden_size",
        "initializer_range",
        "intermediate_size",
        "max_position_embeddings",
        "num_attention_heads",
        "num_hidden_layers",
        "type_vocab_size",
        "vocab_size",
    )
    tensors = google_tensors(
        hf, config["num_hidden_layers"], config["hidden_size"], config["vocab_size"]
    )
    prefix = write_google_checkpoint(
        tmp_path_factory.mktemp("google"), tensors, {k: config[k] for k in keys}
    )
    return prefix, tensors


def test_import_reproduces_the_reference_weights(google_checkpoint, reference_dir):
    prefix, _ = google_checkpoint
    from_google = BertEncoder.from_checkpoint(prefix)
    from_hf = BertEncoder.from_checkpoint(reference_dir)
    assert from_google.config == from_hf.config
    for a, b in zip(from_google.get_weights(), from_hf.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    # The directory holding the checkpoint works as well as the prefix.
    assert BertEncoder.from_checkpoint(prefix.parent).config == from_hf.config


def test_head_tensors_come_back_in_canonical_orientation(google_checkpoint):
    prefix, tensors = google_checkpoint
    _, weights = read_checkpoint(prefix)
    np.testing.assert_array_equal(
        weights["cls.seq_relationship.weight"], tensors["cls/seq_relationship/output_weights"].T
    )
    np.testing.assert_array_equal(
        weights["cls.predictions.bias"], tensors["cls/predictions/output_bias"]
    )
    np.testing.assert_array_equal(
        weights["cls.predictions.transform.dense.weight"],
        tensors["cls/predictions/transform/dense/kernel"],
    )
    np.testing.assert_array_equal(
        weights["cls.predictions.transform.LayerNorm.weight"],
        tensors["cls/predictions/transform/LayerNorm/gamma"],
    )
    assert not any("adam" in name or "global_step" in name for name in weights)


def test_checkpoint_without_config_is_rejected(tmp_path, google_checkpoint):
    prefix, _ = google_checkpoint
    for suffix in (".index", ".data-00000-of-00001"):
        (tmp_path / ("bert_model.ckpt" + suffix)).write_bytes(
            (prefix.parent / ("bert_model.ckpt" + suffix)).read_bytes()
        )
    with pytest.raises(FileNotFoundError, match="No bert_config.json"):
        BertEncoder.from_checkpoint(tmp_path / "bert_model.ckpt")
