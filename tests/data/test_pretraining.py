"""MLM + NSP examples: pair construction, masking rates and rules, determinism, and the
TFRecord round trip."""

import collections
import itertools
import random

import numpy as np
import pytest

from keras_bert_lib.data.pretraining import (
    NEXT,
    RANDOM_NEXT,
    MaskingSettings,
    create_examples,
    mask_tokens,
    pass_examples,
    truncate_pair,
)
from keras_bert_lib.data.pretraining_records import (
    pretraining_dataset,
    read_shards,
    serialize_example,
    shard_paths,
    write_shards,
)

VOCABULARY = tuple(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(400)])
CLS, SEP, MASK = 2, 3, 4
SETTINGS = MaskingSettings(CLS, SEP, MASK, VOCABULARY, max_predictions_per_seq=20)


def documents():
    """Three documents with disjoint ids (100s, 200s, 300s); sentences of 3-7 tokens."""
    rng = random.Random(0)
    docs = []
    for base in (100, 200, 300):
        position, doc = 0, []
        for _ in range(30):
            length = rng.randint(3, 7)
            doc.append([base + (position + k) % 100 for k in range(length)])
            position += length
        docs.append(doc)
    return docs


def unmasked(example):
    tokens = list(example.token_ids)
    for position, token in zip(example.mask_positions, example.mask_ids, strict=True):
        tokens[position] = token
    return tokens


def test_truncate_pair_trims_the_longer_side_to_the_budget():
    a, b = list(range(10)), list(range(100, 104))
    truncate_pair(a, b, 8, random.Random(0))
    assert len(a) + len(b) == 8 and len(b) == 4  # only the longer one lost tokens


def test_masking_budget_specials_and_the_80_10_10_rule():
    tokens = [CLS] + [5 + i % 300 for i in range(60)] + [SEP] + [5 + i for i in range(40)] + [SEP]
    counts = {"mask": 0, "kept": 0, "random": 0}
    for seed in range(300):
        masked, positions, ids = mask_tokens(tokens, SETTINGS, random.Random(seed))
        assert len(positions) == min(20, round(len(tokens) * 0.15)) == 15
        assert positions == sorted(positions) and ids == [tokens[p] for p in positions]
        assert all(tokens[p] not in (CLS, SEP) for p in positions)
        untouched = set(range(len(tokens))) - set(positions)
        assert all(masked[p] == tokens[p] for p in untouched)
        for p in positions:
            kind = "mask" if masked[p] == MASK else "kept" if masked[p] == tokens[p] else "random"
            counts[kind] += 1
    total = sum(counts.values())
    assert counts["mask"] / total == pytest.approx(0.8, abs=0.02)
    assert counts["kept"] / total == pytest.approx(0.1, abs=0.02)
    assert counts["random"] / total == pytest.approx(0.1, abs=0.02)


def test_whole_word_masking_takes_all_pieces_of_a_word():
    vocabulary = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "play", "##ing", "##s", "go")
    settings = MaskingSettings(CLS, SEP, MASK, vocabulary, 0.5, 20, whole_word_masking=True)
    tokens = [CLS, 5, 6, 7, 8, 5, 6, SEP]  # play ##ing ##s go play ##ing
    for seed in range(50):
        _, positions, _ = mask_tokens(tokens, settings, random.Random(seed))
        words = [{1, 2, 3}, {4}, {5, 6}]
        assert all(w <= set(positions) or not (w & set(positions)) for w in words)


def test_pairs_next_and_random_next_come_from_the_right_documents():
    examples = create_examples(documents(), SETTINGS, max_seq_length=32, dupe_factor=3, seed=7)
    labels = [e.next_sentence_label for e in examples]
    assert 0.35 < np.mean(labels) < 0.65
    for example in examples:
        tokens = unmasked(example)
        first_sep = tokens.index(SEP)
        a, b = tokens[1:first_sep], tokens[first_sep + 1 : -1]
        assert tokens[0] == CLS and tokens[-1] == SEP and len(tokens) <= 32
        assert example.segment_ids == [0] * (len(a) + 2) + [1] * (len(b) + 1)
        same_document = a[0] // 100 == b[0] // 100
        assert all(t // 100 == a[0] // 100 for t in a) and all(t // 100 == b[0] // 100 for t in b)
        if example.next_sentence_label == NEXT:
            # B continues A: ids rise by one through A and B (mod 100), with at most the
            # tokens trimmed from A's end or B's front missing between them.
            assert same_document and all((y - x) % 100 == 1 for x, y in itertools.pairwise(a))
            assert 0 < (b[0] - a[-1]) % 100 <= 32
        else:
            assert example.next_sentence_label == RANDOM_NEXT and not same_document


def test_examples_are_deterministic_and_passes_come_one_after_the_other():
    first = create_examples(documents(), SETTINGS, max_seq_length=32, dupe_factor=2, seed=3)
    again = create_examples(documents(), SETTINGS, max_seq_length=32, dupe_factor=2, seed=3)
    other = create_examples(documents(), SETTINGS, max_seq_length=32, dupe_factor=2, seed=4)
    assert first == again and first != other
    one_pass = pass_examples(documents(), "3-0", 32, 0.1, SETTINGS)
    assert first[: len(one_pass)] == one_pass
    assert first[len(one_pass) :] == pass_examples(documents(), "3-1", 32, 0.1, SETTINGS)


def test_random_next_b_comes_from_another_document_of_the_pool_spread_over_it():
    """Twenty documents of disjoint ids (document k holds k * 100 ...): every random-next B
    comes from a document other than A's, and the B documents are spread over the pool."""
    rng = random.Random(1)
    pool = [
        [[k * 100 + rng.randint(0, 99) for _ in range(rng.randint(3, 7))] for _ in range(40)]
        for k in range(1, 21)
    ]
    vocabulary = tuple(
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(2200)]
    )
    settings = MaskingSettings(CLS, SEP, MASK, vocabulary, max_predictions_per_seq=1)
    sources = collections.Counter()
    for example in pass_examples(pool, "pool", 32, 0.1, settings):
        tokens = unmasked(example)
        first_sep = tokens.index(SEP)
        a_document, b_document = tokens[1] // 100, tokens[first_sep + 1] // 100
        if example.next_sentence_label == RANDOM_NEXT:
            assert b_document != a_document
            sources[b_document] += 1
        else:
            assert b_document == a_document
    assert set(sources) == set(range(1, 21))
    expected = sum(sources.values()) / 20
    # Uniform draws: each count within 4.5 standard deviations of its mean.
    assert all(abs(n - expected) < 4.5 * expected**0.5 for n in sources.values()), sources


def test_records_round_trip_byte_identical_reruns_and_missing_shards_only(tmp_path):
    examples = create_examples(documents(), SETTINGS, max_seq_length=32, dupe_factor=1, seed=1)
    records = [serialize_example(e, 32, 20) for e in examples]
    paths = write_shards(records, tmp_path / "a" / "data", num_shards=3)
    again = write_shards(records, tmp_path / "b" / "data", num_shards=3)
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    assert sum(1 for _ in read_shards(paths)) == len(examples)
    # A rerun after a kill writes only what is missing.
    stamp = paths[0].stat().st_mtime_ns
    paths[1].unlink()
    write_shards(records, tmp_path / "a" / "data", num_shards=3)
    assert paths[1].read_bytes() == again[1].read_bytes()
    assert paths[0].stat().st_mtime_ns == stamp
    x, y, weights = next(iter(pretraining_dataset(paths[:1], 32, 20, 2, shuffle=False)))
    first = examples[0]  # shard 0 holds examples 0, 3, 6, ...
    count = len(first.token_ids)
    assert x["token_ids"][0, :count].numpy().tolist() == first.token_ids
    assert x["padding_mask"][0].numpy().sum() == count
    real = len(first.mask_positions)
    assert x["mask_positions"][0, :real].numpy().tolist() == first.mask_positions
    assert y["mlm_logits"][0, :real].numpy().tolist() == first.mask_ids
    assert weights["mlm_logits"][0].numpy().tolist() == [1.0] * real + [0.0] * (20 - real)
    assert y["nsp_logits"][0, 0] == first.next_sentence_label
    x, y, weights = next(iter(pretraining_dataset(paths[:1], 32, 20, 2, next_sentence=False)))
    assert list(y) == list(weights) == ["mlm_logits"] and "token_ids" in x
    # Training batches are all full; for evaluation the last one holds the rest.
    sizes = [len(b[0]["token_ids"]) for b in pretraining_dataset(paths, 32, 20, 4, shuffle=False)]
    rest = [
        len(b[0]["token_ids"])
        for b in pretraining_dataset(paths, 32, 20, 4, shuffle=False, drop_remainder=False)
    ]
    assert len(examples) % 4 and set(sizes) == {4} and sum(sizes) == len(examples) // 4 * 4
    assert rest == sizes + [len(examples) % 4]
    assert shard_paths("p", 2, compress=True)[1].name == "p-00001-of-00002.tfrecord.gz"
