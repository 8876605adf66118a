"""Summarizes a document: its best sentences, in document order.

    python tools/summarize.py --input article.txt -k 3
    cat article.txt | python tools/summarize.py --max-words 80 --json
    python tools/summarize.py --input article.txt --scorer runs/summarizer/scorer.keras
    python tools/summarize.py --scorer runs/summarizer/scorer.keras \
        --export saved_models/summarizer/1

Sentences end at `.`, `!`, `?` or a line break. Unsupervised by default: the sentences are
embedded with a sentence encoder (the reference checkpoint by default) and chosen by
centrality with maximal marginal relevance. With `--scorer`, a supervised sentence scorer
trained by `tools/train_summarizer.py` (on the same `--checkpoint`) scores them instead
(`keras_bert_lib.summarize.Summarizer`).
Prints the summary, or with `--json` each sentence with its character offsets in the input
and its score. `--export DIR` writes the summarizer as a TF Serving SavedModel that takes a
raw document and `k` instead.
"""

import argparse
import json
import sys
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras

from keras_bert_lib import SentenceEncoder
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.summarize import Summarizer
from keras_bert_lib.summarize.serving import export_summarizer


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default="-", help="a UTF-8 text file, or - for stdin")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("-k", type=int, default=None, help="sentences (default 3)")
    size.add_argument("--max-words", type=int, default=None, help="or a word budget")
    parser.add_argument("--checkpoint", type=Path, default=None, help="a sentence encoder")
    parser.add_argument("--scorer", type=Path, default=None, help="train_summarizer's .keras")
    parser.add_argument("--export", type=Path, default=None, help="write a SavedModel here")
    parser.add_argument("--redundancy", type=float, default=None, help="MMR weight (default 0.1)")
    parser.add_argument("--json", action="store_true", help="sentences with offsets and scores")
    return parser.parse_args()


def main():
    args = parse_args()
    encoder = SentenceEncoder.from_checkpoint(args.checkpoint or reference_checkpoint_path())
    scorer = keras.saving.load_model(args.scorer) if args.scorer is not None else None
    options = {} if args.redundancy is None else {"redundancy": args.redundancy}
    summarizer = Summarizer(encoder, scorer=scorer, **options)
    if args.export is not None:
        print(f"wrote {export_summarizer(summarizer, args.export)}")
        return
    text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text("utf-8")
    if not text.strip():
        raise SystemExit("The input is empty: nothing to summarize.")
    k = args.k if args.k is not None or args.max_words is not None else 3
    summary = summarizer.summarize(text, k=k, max_words=args.max_words)
    if args.json:
        print(json.dumps([vars(s) for s in summary], indent=2, ensure_ascii=False))
    else:
        print(" ".join(s.text for s in summary))


if __name__ == "__main__":
    main()
