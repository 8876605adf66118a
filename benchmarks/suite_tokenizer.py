"""The suite's tokenizer section: `BertPreprocessor` (exact and tflite modes) against Hugging
Face `tokenizers` `encode_batch` on the same texts, packed to the same length."""

import tensorflow as tf
from bench_timing import interleaved_rounds
from bench_tokenizer import run_ours
from suite_report import ratio

from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.benchmark_corpus import corpus_texts
from keras_bert_lib.text import BertPreprocessor

BARS = {"exact": 4.0}


def run(settings) -> tuple[list, dict]:
    from tokenizers import Tokenizer

    checkpoint = reference_checkpoint_path()
    texts = [text for group in corpus_texts(settings.data).values() for text in group]
    texts = texts[: settings.tokenizer_texts]
    batches = [tf.constant(texts[i : i + 1024]) for i in range(0, len(texts), 1024)]
    reference = Tokenizer.from_file(str(checkpoint / "tokenizer.json"))
    reference.enable_truncation(settings.sequence_length)
    reference.enable_padding(length=settings.sequence_length)
    runs = {"HF tokenizers": lambda: reference.encode_batch(texts)}
    for mode in ("exact", "tflite"):
        preprocessor = BertPreprocessor.from_checkpoint(
            checkpoint, sequence_length=settings.sequence_length, mode=mode
        )
        runs[mode] = run_ours(preprocessor, batches)
    seconds = interleaved_rounds(runs, settings.rounds, iterations=1, warmup=1)
    details = {
        "texts": len(texts),
        "sentences_per_second": {k: round(len(texts) / s) for k, s in seconds.items()},
    }
    ratios = [
        ratio(
            "tokenizer",
            f"{mode} mode / HF tokenizers encode_batch ({len(texts):,} texts)",
            seconds["HF tokenizers"] / seconds[mode],
            BARS.get(mode),
        )
        for mode in ("exact", "tflite")
    ]
    return ratios, details
