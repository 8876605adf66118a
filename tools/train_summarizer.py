"""Trains a supervised extractive summarizer on Wikipedia articles: body -> lead.

    python tools/train_summarizer.py --articles ../shared/data/wikipedia/train \
        --output-dir runs/summarizer

Each article whose lead has >= 2 sentences and whose body has >= 10 is one document: the
body's sentences are labelled by the greedy ROUGE oracle against the lead (as many as the
lead has sentences, see `keras_bert_lib/summarize/oracle.py`), embedded once by the
sentence encoder (the reference checkpoint by default, frozen), and an
`InterSentenceScorer` learns to score them from the whole document. The last
`--dev-articles` documents are held out: after every epoch their top-k summaries are scored
by the oracle's ROUGE-2 F1, and the best epoch is kept. Writes `OUTPUT/scorer.keras` (for
`tools/summarize.py --scorer`, with the same `--checkpoint`), `OUTPUT/metrics.json` and
`OUTPUT/curves.png`. A killed run goes on from its last backup (`OUTPUT/backup`) when the
same command is run again.
"""

import argparse
import json
import shutil
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
import numpy as np

from keras_bert_lib import SentenceEncoder
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.sentences import sentence_spans
from keras_bert_lib.models.inter_sentence_scorer import InterSentenceScorer, masked_sentence_loss
from keras_bert_lib.summarize.document_batches import document_batches
from keras_bert_lib.summarize.evaluation import lead_body_pairs
from keras_bert_lib.summarize.oracle import greedy_oracle, top_k_overlap
from keras_bert_lib.training.dev_metric import DevMetricCallback
from keras_bert_lib.training.optimizers import create_optimizer
from keras_bert_lib.training.step_log import StepLog, save_finetuning_curves


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, required=True, help="WikiExtractor files")
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path, default=None, help="the sentence encoder")
    parser.add_argument("--dev-articles", type=int, default=80)
    parser.add_argument("--batch-size", type=int, default=16, help="documents per batch")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--patience", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def labelled_documents(pairs, encoder):
    """`(sentences, embeddings, oracle labels, lead, k)` of each pair; the sentences of all
    documents are embedded in one pass."""
    sentences = [[p.body[a:b] for a, b in sentence_spans(p.body)] for p in pairs]
    flat = [s for document in sentences for s in document]
    order = np.argsort([len(s) for s in flat], kind="stable")  # similar lengths per batch
    embeddings = np.zeros((len(flat), encoder.encoder.config.hidden_size), np.float32)
    embeddings[order] = encoder.encode([flat[i] for i in order], batch_size=64)
    documents, start = [], 0
    for pair, texts in zip(pairs, sentences, strict=True):
        chosen = set(greedy_oracle(texts, pair.lead, pair.lead_sentences))
        labels = [float(i in chosen) for i in range(len(texts))]
        rows = embeddings[start : start + len(texts)]
        documents.append((texts, rows, labels, pair.lead, pair.lead_sentences))
        start += len(texts)
    return documents


def main():
    args = parse_args()
    keras.utils.set_random_seed(args.seed)
    checkpoint = args.checkpoint or reference_checkpoint_path()
    encoder = SentenceEncoder.from_checkpoint(checkpoint)
    pairs = lead_body_pairs(args.articles)
    if len(pairs) <= args.dev_articles:
        raise SystemExit(f"{len(pairs)} documents: too few for {args.dev_articles} dev ones.")
    start = time.perf_counter()
    documents = labelled_documents(pairs, encoder)
    embed_seconds = time.perf_counter() - start
    train, dev = documents[: -args.dev_articles], documents[-args.dev_articles :]
    print(f"{len(train)} train documents, {len(dev)} dev, embedded in {embed_seconds:.0f} s")

    scorer = InterSentenceScorer(embedding_size=encoder.encoder.config.hidden_size)
    batches = document_batches(
        [d[1] for d in train], [d[2] for d in train], args.batch_size, shuffle=True, seed=args.seed
    )
    steps = len(batches) * args.epochs
    optimizer = create_optimizer(total_steps=steps, learning_rate=args.learning_rate)
    scorer.compile(optimizer=optimizer, loss=masked_sentence_loss)
    backup = args.output_dir / "backup"
    dev_batches = document_batches([d[1] for d in dev], batch_size=len(dev))
    dev_metric = DevMetricCallback(
        dev_batches,
        [(d[0], d[3], d[4]) for d in dev],
        lambda documents, logits: {"rouge2": top_k_overlap(documents, logits)},
        "rouge2",
        args.patience,
        predict_fn=lambda model, data, _: [
            row[: len(d[0])] for row, d in zip(model.predict(data, verbose=0), dev, strict=True)
        ],
        state_dir=backup,
    )
    step_log = StepLog(state_dir=backup)
    backup_callback = keras.callbacks.BackupAndRestore(str(backup), delete_checkpoint=True)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    scorer.fit(
        batches,
        epochs=args.epochs,
        callbacks=[backup_callback, dev_metric, step_log],
        shuffle=False,  # the batches are shuffled already
        verbose=2,
    )
    seconds = time.perf_counter() - start
    scorer.save(args.output_dir / "scorer.keras")
    result = {
        "checkpoint": str(checkpoint),
        "train_documents": len(train),
        "dev_documents": len(dev),
        "embed_seconds": round(embed_seconds, 1),
        "train_seconds": round(seconds, 1),
        "best_epoch": dev_metric.best_epoch + 1,
        "dev_by_epoch": dev_metric.history,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    (args.output_dir / "metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    save_finetuning_curves(args.output_dir, scorer, step_log, dev_metric)
    shutil.rmtree(backup, ignore_errors=True)  # finished: nothing to resume
    print(json.dumps({k: result[k] for k in ("best_epoch", "dev_by_epoch", "train_seconds")}))


if __name__ == "__main__":
    main()
