"""Plain-text documents -> sharded TFRecords of MLM + NSP pretraining examples.

    python tools/create_pretraining_data.py --input ../shared/data/gutenberg/train \
        --output-prefix runs/pretraining_data/train

Semantics of Google's `create_pretraining_data.py` (see `keras_bert_lib/data/pretraining.py`),
record schema in `keras_bert_lib/data/pretraining_records.py`. The tokenizer is the
checkpoint's (default: the reference). Writes `PREFIX-NNNNN-of-NNNNN.tfrecord[.gz]` and
`PREFIX.json` (settings and example count). The same command and seed give byte-identical
shards; a rerun after an interruption writes only the shards that are missing.
"""

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

from keras_bert_lib import BertTokenizer  # noqa: E402
from keras_bert_lib.checkpoints import reference_checkpoint_path  # noqa: E402
from keras_bert_lib.data.documents import read_documents  # noqa: E402
from keras_bert_lib.data.pretraining import MaskingSettings, create_examples  # noqa: E402
from keras_bert_lib.data.pretraining_records import write_shards  # noqa: E402

# Sentences tokenized per call: bounds the memory of one ragged batch.
TOKENIZE_BATCH = 4096


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, nargs="+", required=True, help="files or dirs")
    parser.add_argument("--output-prefix", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path, default=None, help="its vocabulary is used")
    parser.add_argument("--blank-lines-separate-documents", action="store_true")
    parser.add_argument(
        "--min-document-words",
        type=int,
        default=0,
        help="with --blank-lines-separate-documents: a shorter block (a chapter heading) "
        "joins the next one instead of becoming a document",
    )
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--max-predictions-per-seq", type=int, default=20)
    parser.add_argument("--masked-lm-prob", type=float, default=0.15)
    parser.add_argument("--short-seq-prob", type=float, default=0.1)
    parser.add_argument("--dupe-factor", type=int, default=10)
    parser.add_argument("--whole-word-masking", action="store_true")
    parser.add_argument("--num-shards", type=int, default=10)
    parser.add_argument("--compress", action="store_true", help="GZIP the shards")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args()
    if args.min_document_words and not args.blank_lines_separate_documents:
        parser.error("--min-document-words applies with --blank-lines-separate-documents")
    return args


def tokenize_documents(tokenizer, documents):
    sentences = [s for d in documents for s in d]
    ids = []
    for start in range(0, len(sentences), TOKENIZE_BATCH):
        batch = tf.constant(sentences[start : start + TOKENIZE_BATCH])
        ids.extend(tokenizer.tokenize(batch).to_list())
        print(f"\rtokenized {len(ids):,} / {len(sentences):,} sentences", end="", flush=True)
    print()
    pieces = iter(ids)
    return [[next(pieces) for _ in d] for d in documents]


def main():
    args = parse_args()
    start = time.perf_counter()
    tokenizer = BertTokenizer.from_checkpoint(args.checkpoint or reference_checkpoint_path())
    documents = tokenize_documents(
        tokenizer,
        read_documents(args.input, args.blank_lines_separate_documents, args.min_document_words),
    )
    special = tokenizer.special_ids
    settings = MaskingSettings(
        cls_id=special.cls,
        sep_id=special.sep,
        mask_id=tokenizer.token_to_id("[MASK]"),
        vocabulary=tuple(tokenizer.vocabulary),
        masked_lm_prob=args.masked_lm_prob,
        max_predictions_per_seq=args.max_predictions_per_seq,
        whole_word_masking=args.whole_word_masking,
    )
    print(f"{len(documents)} documents; creating examples x{args.dupe_factor} ...", flush=True)
    examples = create_examples(
        documents,
        settings,
        max_seq_length=args.max_seq_length,
        short_seq_prob=args.short_seq_prob,
        dupe_factor=args.dupe_factor,
        seed=args.seed,
        workers=args.workers,
    )
    paths = write_shards(
        examples,
        args.output_prefix,
        args.max_seq_length,
        args.max_predictions_per_seq,
        args.num_shards,
        args.compress,
    )
    seconds = time.perf_counter() - start
    summary = {
        "documents": len(documents),
        "sentences": sum(len(d) for d in documents),
        "tokens": sum(len(s) for d in documents for s in d),
        "examples": len(examples),
        "next_sentence_random_fraction": round(
            sum(e.next_sentence_label for e in examples) / len(examples), 4
        ),
        "seconds": round(seconds, 1),
        "examples_per_second": round(len(examples) / seconds, 1),
        "shards": [str(p) for p in paths],
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    summary["settings"]["input"] = [str(p) for p in args.input]
    Path(f"{args.output_prefix}.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "shards"}, indent=2))


if __name__ == "__main__":
    main()
