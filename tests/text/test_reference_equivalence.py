"""The exact tokenizer against Hugging Face on the reference checkpoint and the real datasets."""

import random
import unicodedata

import numpy as np
import pytest
import tensorflow as tf
from tokenizers import Tokenizer

from keras_bert_lib.data.benchmark_corpus import corpus_texts
from keras_bert_lib.text import BertPreprocessor, BertTokenizer
from tests.text.stress_texts import stress_texts


@pytest.fixture(scope="module")
def reference(reference_dir):
    tokenizer = Tokenizer.from_file(str(reference_dir / "tokenizer.json"))
    tokenizer.no_padding()  # the checkpoint's tokenizer.json pads and truncates to 128
    tokenizer.no_truncation()
    return tokenizer


@pytest.fixture(scope="module")
def corpus(shared_data):
    return [text for texts in corpus_texts(shared_data).values() for text in texts]


def tokenize_all(tokenizer, texts, batch_size=2048):
    fn = tf.function(tokenizer.tokenize_with_offsets)
    ids, offsets = [], []
    for start in range(0, len(texts), batch_size):
        batch_ids, starts, ends = (
            r.to_list() for r in fn(tf.constant(texts[start : start + batch_size]))
        )
        offsets += [list(zip(s, e, strict=True)) for s, e in zip(starts, ends, strict=True)]
        ids += batch_ids
    return ids, offsets


def mismatches(texts, ids, offsets, encodings):
    bad = []
    for index, encoding in enumerate(encodings):
        if ids[index] != encoding.ids:
            bad.append(("ids", texts[index]))
        elif offsets and offsets[index] != [tuple(o) for o in encoding.offsets]:
            bad.append(("offsets", texts[index]))
    return bad


def check_exact(reference_dir, reference, texts):
    ids, offsets = tokenize_all(BertTokenizer.from_checkpoint(reference_dir), texts)
    encodings = reference.encode_batch(texts, add_special_tokens=False)
    bad = mismatches(texts, ids, offsets, encodings)
    assert not bad, f"{len(bad)} of {len(texts)} texts differ, first: {bad[:3]}"


@pytest.mark.slow
def test_exact_mode_equals_hugging_face_on_every_corpus_text(reference_dir, reference, corpus):
    assert len(corpus) > 180_000
    check_exact(reference_dir, reference, corpus)


def test_exact_mode_equals_hugging_face_on_the_stress_set(reference_dir, reference):
    check_exact(reference_dir, reference, stress_texts())


def test_invalid_utf8_matches_hugging_face_on_the_replaced_text(reference_dir, reference):
    rng = random.Random(1)
    raw = [
        bytes(rng.randrange(256) for _ in range(rng.randint(1, 30))) + b" ok" for _ in range(500)
    ]
    tokenizer = BertTokenizer.from_checkpoint(reference_dir)
    ids = tokenizer.tokenize(tf.constant(raw)).to_list()
    decoded = [item.decode("utf-8", errors="replace") for item in raw]
    expected = [e.ids for e in reference.encode_batch(decoded, add_special_tokens=False)]
    assert ids == expected


@pytest.mark.slow
def test_offsets_slice_each_token_out_of_squad_dev_contexts(reference_dir, reference, shared_data):
    contexts = corpus_texts(shared_data)["squad/dev_split/contexts"]
    tokenizer = BertTokenizer.from_checkpoint(reference_dir)
    ids, offsets = tokenize_all(tokenizer, contexts)
    tokens = tokenizer.vocabulary
    checked = 0
    for context, row_ids, row_offsets in zip(contexts, ids, offsets, strict=True):
        for token_id, (start, end) in zip(row_ids, row_offsets, strict=True):
            if token_id == tokenizer.special_ids.unk:
                continue
            piece = tokens[token_id].removeprefix("##")
            assert reference.normalizer.normalize_str(context[start:end]).strip() == piece
            checked += 1
    assert checked > 30_000  # every token of the ~200 dev contexts


@pytest.mark.slow
@pytest.mark.parametrize("length", [32, 128])
@pytest.mark.parametrize(
    "task, columns", [("mrpc", ("#1 String", "#2 String")), ("rte", ("sentence1", "sentence2"))]
)
def test_pair_packing_equals_transformers(reference_dir, shared_data, task, columns, length):
    from transformers import AutoTokenizer

    from keras_bert_lib.data.text_files import read_tsv

    rows = read_tsv(shared_data / task / "train.tsv") + read_tsv(shared_data / task / "dev.tsv")
    first, second = ([row[c] for row in rows] for c in columns)
    ours = BertPreprocessor.from_checkpoint(reference_dir, sequence_length=length)(
        (tf.constant(first), tf.constant(second))
    )
    hf = AutoTokenizer.from_pretrained(str(reference_dir))
    theirs = hf(
        first,
        second,
        truncation="longest_first",
        max_length=length,
        padding="max_length",
        return_tensors="np",
    )
    for name, hf_name in (
        ("token_ids", "input_ids"),
        ("segment_ids", "token_type_ids"),
        ("padding_mask", "attention_mask"),
    ):
        np.testing.assert_array_equal(ours[name].numpy(), theirs[hf_name])


@pytest.mark.slow
def test_tflite_mode_mismatch_rate_is_small_and_reported(reference_dir, reference, corpus):
    tokenizer = BertTokenizer.from_checkpoint(reference_dir, mode="tflite")
    ids, offsets = tokenize_all(tokenizer, corpus)
    encodings = reference.encode_batch(corpus, add_special_tokens=False)
    bad = mismatches(corpus, ids, offsets, encodings)
    rate = len(bad) / len(corpus)
    bad_offsets = sum(kind == "offsets" for kind, _ in bad)
    print(
        f"\nTFLite mode: {len(bad)} of {len(corpus)} texts differ ({rate:.4%}), "
        f"{bad_offsets} of them in offsets only"
    )
    assert rate < 0.001


def test_tflite_mode_offsets_equal_hugging_face_on_squad_contexts(
    reference_dir, reference, shared_data
):
    texts = corpus_texts(shared_data)["squad/dev_split/contexts"]
    ids, offsets = tokenize_all(BertTokenizer.from_checkpoint(reference_dir, mode="tflite"), texts)
    encodings = reference.encode_batch(texts, add_special_tokens=False)
    bad = mismatches(texts, ids, offsets, encodings)
    # A few contexts hold characters FastBertTokenizer normalizes differently (see
    # BertTokenizer). Where the ids agree, offsets differ only around a character the
    # reference deletes (format, mark, private use, control), which FastBertTokenizer keeps
    # inside the token's span.
    deleted = {"Cf", "Mn", "Co", "Cc"}
    for kind, text in bad:
        assert kind == "ids" or any(unicodedata.category(c) in deleted for c in text), text
    assert len(bad) < 0.05 * len(texts)
    assert sum(len(t.encode()) > len(t) for t in texts) > 50  # code points, not bytes
