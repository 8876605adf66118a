"""The next-sentence baseline a pretrained model should beat: a reader that only counts the
content words (stop words removed) that segments A and B share.

    python benchmarks/nsp_lexical_reader.py --train-data runs/wiki/data/train \
        --valid-data runs/wiki/data/valid

Reads the pretraining shards (masked tokens restored), joins wordpieces into words, and
predicts "B follows A" when the two segments share at least `t` content words, relative to
their lengths (`shared / sqrt(|A| * |B|)`, so that long pairs are not favoured). The
threshold is chosen on the training shards and applied to the valid ones, so the valid
figure is honest. Prints both accuracies.
"""

import argparse
import json
import math
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import numpy as np

from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.pretraining_records import parse_example, read_shards
from keras_bert_lib.text.bert_tokenizer import BertTokenizer

STOP_WORD_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves one two three first new s"""
STOP_WORDS = frozenset(STOP_WORD_TEXT.split())


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-data", type=Path, required=True, help="prefix of the shards")
    parser.add_argument("--valid-data", type=Path, required=True, help="prefix of the shards")
    parser.add_argument("--max-train-examples", type=int, default=20000)
    return parser.parse_args()


def pairs(prefix, limit=None):
    """`(overlap score, label)` of each example of the shards."""
    summary = json.loads(Path(f"{prefix}.json").read_text())
    settings = summary["settings"]
    length, predictions = settings["max_seq_length"], settings["max_predictions_per_seq"]
    checkpoint = settings["checkpoint"] or reference_checkpoint_path()
    vocabulary = BertTokenizer.from_checkpoint(checkpoint).vocabulary
    dataset = read_shards(summary["shards"]).map(lambda r: parse_example(r, length, predictions))
    rows = []
    for example in dataset.take(limit) if limit else dataset:
        tokens = example["token_ids"].numpy()
        positions = example["mask_positions"].numpy()
        real = example["mask_weights"].numpy() > 0
        tokens[positions[real]] = example["mask_ids"].numpy()[real]
        segments = example["segment_ids"].numpy()
        used = example["padding_mask"].numpy() > 0
        a = content_words(vocabulary, tokens[used & (segments == 0)][1:-1])
        b = content_words(vocabulary, tokens[used & (segments == 1)][:-1])
        score = len(a & b) / math.sqrt(max(1, len(a)) * max(1, len(b)))
        rows.append((score, int(example["next_sentence_label"].numpy()[0])))
    return np.array(rows)


def content_words(vocabulary, ids) -> set:
    words = []
    for piece in (vocabulary[i] for i in ids):
        if piece.startswith("##") and words:
            words[-1] += piece[2:]
        else:
            words.append(piece)
    return {w for w in words if w.isalnum() and w not in STOP_WORDS}


def accuracy(rows, threshold):
    predicted_random = rows[:, 0] < threshold  # label 1 = B is random
    return float(np.mean(predicted_random == (rows[:, 1] == 1)))


def main():
    args = parse_args()
    train = pairs(args.train_data, args.max_train_examples)
    candidates = np.unique(train[:, 0])
    threshold = max(candidates, key=lambda t: accuracy(train, t))
    valid = pairs(args.valid_data)
    result = {
        "threshold": float(threshold),
        "train_accuracy": accuracy(train, threshold),
        "train_examples": len(train),
        "valid_accuracy": accuracy(valid, threshold),
        "valid_examples": len(valid),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
