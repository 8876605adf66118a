"""Documents -> sharded TFRecords of MLM + NSP pretraining examples, streaming or on Beam.

    python tools/create_pretraining_data.py --input ../shared/data/wikipedia/train \
        --output-prefix runs/pretraining_data/train
    python tools/create_pretraining_data.py ... --runner DirectRunner --direct_num_workers 2

Input: plain text or WikiExtractor output, detected per file (`--input-format`; rules in
`keras_bert_lib/data/documents.py` and `wikiextractor.py`). Semantics of Google's
`create_pretraining_data.py`, streamed in groups of input files so memory does not grow with
the corpus (`keras_bert_lib/data/pretraining_transforms.py` says what that changes). Without
`--runner` it runs here, resumably: rerun the same command after a kill and finished groups
are not redone. With `--runner` (and any standard Beam pipeline option after it) it runs the
same transforms on Apache Beam (`pip install keras_bert_lib[beam]`). Either way the same
command and seed give byte-identical shards. The tokenizer is the checkpoint's (default: the
reference). Writes `PREFIX-NNNNN-of-NNNNN.tfrecord[.gz]` and `PREFIX.json` (settings and
counts); the record schema is in `keras_bert_lib/data/pretraining_records.py`.
"""

import argparse
import json
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.documents import INPUT_FORMATS, DocumentRules
from keras_bert_lib.data.pretraining_local import (
    create_pretraining_data,
    existing_output,
)
from keras_bert_lib.data.pretraining_transforms import ExampleRecipe
from keras_bert_lib.text.bert_tokenizer import tokenizer_settings
from keras_bert_lib.text.vocabulary import read_vocabulary


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, nargs="+", required=True, help="files or dirs")
    parser.add_argument("--output-prefix", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path, default=None, help="its vocabulary is used")
    parser.add_argument("--input-format", choices=INPUT_FORMATS, default="auto")
    parser.add_argument("--blank-lines-separate-documents", action="store_true")
    parser.add_argument(
        "--min-document-words",
        type=int,
        default=0,
        help="with --blank-lines-separate-documents: a shorter block (a chapter heading) "
        "joins the next one instead of becoming a document",
    )
    parser.add_argument(
        "--min-article-characters", type=int, default=600, help="WikiExtractor: shorter "
        "articles (redirects, stubs) are dropped",
    )  # fmt: skip
    parser.add_argument("--min-article-sentences", type=int, default=4)
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--max-predictions-per-seq", type=int, default=20)
    parser.add_argument("--masked-lm-prob", type=float, default=0.15)
    parser.add_argument("--short-seq-prob", type=float, default=0.1)
    parser.add_argument("--dupe-factor", type=int, default=10)
    parser.add_argument("--whole-word-masking", action="store_true")
    parser.add_argument("--num-shards", type=int, default=10)
    parser.add_argument("--compress", action="store_true", help="GZIP the shards")
    parser.add_argument(
        "--group-megabytes", type=float, default=8, help="input per group: memory is bounded "
        "by a group, and random-next B segments come from the same group",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument(
        "--runner", default=None, help="run on Apache Beam with this runner (DirectRunner, "
        "FlinkRunner, ...); other unknown flags go to Beam as pipeline options",
    )  # fmt: skip
    args, beam_args = parser.parse_known_args()
    if beam_args and not args.runner:
        parser.error(f"unrecognized arguments: {' '.join(beam_args)} (Beam options need --runner)")
    if args.min_document_words and not args.blank_lines_separate_documents:
        parser.error("--min-document-words applies with --blank-lines-separate-documents")
    return args, beam_args


def main():
    args, beam_args = parse_args()
    if existing_output(args.output_prefix, args.num_shards, args.compress):
        print(f"every shard of {args.output_prefix} is there already: nothing to do")
        return
    start = time.perf_counter()
    settings = tokenizer_settings(args.checkpoint or reference_checkpoint_path())
    settings["vocabulary"] = read_vocabulary(settings["vocabulary"])
    recipe = ExampleRecipe(
        tokenizer_settings=settings,
        document_rules=DocumentRules(
            input_format=args.input_format,
            blank_lines_separate_documents=args.blank_lines_separate_documents,
            min_document_words=args.min_document_words,
            min_article_characters=args.min_article_characters,
            min_article_sentences=args.min_article_sentences,
        ),
        max_seq_length=args.max_seq_length,
        max_predictions_per_seq=args.max_predictions_per_seq,
        masked_lm_prob=args.masked_lm_prob,
        short_seq_prob=args.short_seq_prob,
        dupe_factor=args.dupe_factor,
        whole_word_masking=args.whole_word_masking,
        seed=args.seed,
        group_bytes=max(1, round(args.group_megabytes * 2**20)),
    )
    if args.runner:
        from keras_bert_lib.data.pretraining_beam import create_pretraining_data_on_beam

        result = create_pretraining_data_on_beam(
            args.input, args.output_prefix, recipe, ["--runner", args.runner, *beam_args],
            args.num_shards, args.compress,
        )  # fmt: skip
    else:
        result = create_pretraining_data(
            args.input, args.output_prefix, recipe, args.num_shards, args.compress
        )
    seconds = time.perf_counter() - start
    summary = {
        **{k: v for k, v in result.items() if k not in ("random_next", "shards")},
        "next_sentence_random_fraction": round(result["random_next"] / result["examples"], 4),
        "seconds": round(seconds, 1),
        "examples_per_second": round(result["examples"] / seconds, 1),
        "shards": result["shards"],
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    summary["settings"]["input"] = [str(p) for p in args.input]
    summary["settings"]["beam_options"] = beam_args
    Path(f"{args.output_prefix}.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "shards"}, indent=2))


if __name__ == "__main__":
    main()
