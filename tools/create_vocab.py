"""Learns a WordPiece vocabulary from plain-text documents, for pretraining from scratch.

    python tools/create_vocab.py --input ../shared/data/gutenberg/train \
        --vocab-size 8192 --output-dir runs/vocab
    python tools/create_pretraining_data.py --input ../shared/data/gutenberg/train \
        --checkpoint runs/vocab --output-prefix runs/pretraining_data/train

Writes `OUTPUT/vocab.txt` and `OUTPUT/tokenizer_config.json` (the casing), a directory that
`--checkpoint` of the data tool, `BertTokenizer.from_checkpoint` and Hugging Face's
`BertTokenizer.from_pretrained` read. Words are split as our tokenizer splits them; see
`keras_bert_lib/text/vocabulary_learning.py`.
"""

import argparse
import json
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

from keras_bert_lib.data.documents import iter_documents
from keras_bert_lib.text.vocabulary_learning import learn_vocabulary


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, nargs="+", required=True, help="files or dirs")
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--vocab-size", type=int, default=8192, help="at most this many")
    parser.add_argument("--cased", action="store_true", help="keep case and accents")
    return parser.parse_args()


def main():
    args = parse_args()
    start = time.perf_counter()
    sentence_count = 0

    def sentences():  # file by file: the corpus is never held in memory
        nonlocal sentence_count
        for document in iter_documents(args.input):
            sentence_count += len(document)
            yield from document

    tokens = learn_vocabulary(sentences(), args.vocab_size, lowercase=not args.cased)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    config = {"tokenizer_class": "BertTokenizer", "do_lower_case": not args.cased}
    (args.output_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(
        f"{len(tokens)} tokens from {sentence_count:,} sentences in "
        f"{time.perf_counter() - start:.0f} s -> {args.output_dir / 'vocab.txt'}"
    )


if __name__ == "__main__":
    main()
