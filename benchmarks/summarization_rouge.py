"""Extractive summaries of Wikipedia article bodies scored against their leads (ROUGE F1).

    python benchmarks/summarization_rouge.py --articles ../shared/data/wikipedia/valid

    python benchmarks/summarization_rouge.py --articles ../shared/data/wikipedia/valid \
        --scorer runs/summarizer/scorer.keras

For every article with a lead of >= 2 sentences and a body of >= 10, each method picks k
body sentences (k = the lead's sentence count): the first k (lead-style baseline), k at
random (seeded), `Summarizer` unsupervised (position-aware sentence centrality on the
reference sentence encoder plus the document's recurring words and names, picked by maximal
marginal relevance, its defaults) and, with
`--scorer`, `Summarizer` supervised (an `InterSentenceScorer` trained by
`tools/train_summarizer.py` on the training articles). Prints
ROUGE-1/2/L F1 (`rouge-score`, stemmed), the time per document, and paired-bootstrap 95%
intervals of the ROUGE-2 differences of each summarizer against the baselines and of the
supervised against the unsupervised one; writes JSON.
"""

import argparse
import json
import random
import time
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
import numpy as np

from keras_bert_lib import SentenceEncoder
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.sentences import sentence_spans
from keras_bert_lib.summarize import Summarizer
from keras_bert_lib.summarize.evaluation import (
    ROUGE_TYPES,
    lead_body_pairs,
    paired_bootstrap,
    rouge_f1,
)

UNSUPERVISED = "unsupervised (centrality, words, names)"
SUPERVISED = "supervised (inter-sentence scorer)"
COMPARISONS = [
    (UNSUPERVISED, "first-k"),
    (UNSUPERVISED, "random-k"),
    (SUPERVISED, "first-k"),
    (SUPERVISED, "random-k"),
    (SUPERVISED, UNSUPERVISED),
]


def summary_method(summarizer):
    return lambda body, k: [s.text for s in summarizer.summarize(body, k=k)]


def first_k(body, k):
    return [body[a:b] for a, b in sentence_spans(body)[:k]]


def random_k(seed):
    rng = random.Random(seed)

    def pick(body, k):
        spans = sentence_spans(body)
        chosen = sorted(rng.sample(range(len(spans)), min(k, len(spans))))
        return [body[spans[i][0] : spans[i][1]] for i in chosen]

    return pick


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--checkpoint", type=Path, default=None)
    parser.add_argument("--scorer", type=Path, default=None, help="a trained scorer .keras")
    parser.add_argument("--max-articles", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=Path("runs/summarization_rouge.json"))
    args = parser.parse_args()
    pairs = lead_body_pairs(args.articles)[: args.max_articles]
    encoder = SentenceEncoder.from_checkpoint(args.checkpoint or reference_checkpoint_path())
    methods = {
        "first-k": first_k,
        "random-k": random_k(args.seed),
        UNSUPERVISED: summary_method(Summarizer(encoder)),
    }
    if args.scorer is not None:
        scorer = keras.saving.load_model(args.scorer)
        methods[SUPERVISED] = summary_method(Summarizer(encoder, scorer=scorer))
    print(f"{len(pairs)} articles from {args.articles}")
    per_document, table = {}, []
    for name, method in methods.items():
        start = time.perf_counter()
        rows = [
            rouge_f1(" ".join(method(pair.body, pair.lead_sentences)), pair.lead) for pair in pairs
        ]
        seconds = (time.perf_counter() - start) / len(pairs)
        per_document[name] = rows
        means = {t: float(np.mean([r[t] for r in rows])) for t in ROUGE_TYPES}
        table.append({"method": name, **means, "seconds_per_document": seconds})
        print(
            f"{name:>18}  " + "  ".join(f"{t} {means[t]:.4f}" for t in ROUGE_TYPES)
            + f"  {seconds * 1000:.0f} ms/doc", flush=True
        )  # fmt: skip
    comparisons = {}
    for ours, baseline in COMPARISONS:
        if ours not in per_document:
            continue
        a, b = ([r["rouge2"] for r in per_document[m]] for m in (ours, baseline))
        mean, low, high = paired_bootstrap(a, b, seed=args.seed)
        comparisons[f"{ours} - {baseline}"] = {"mean": mean, "ci95": [low, high]}
        print(f"ROUGE-2, {ours} - {baseline}: {mean:+.4f} [{low:+.4f}, {high:+.4f}]")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    result = {"articles": len(pairs), "table": table, "rouge2_differences": comparisons}
    args.output.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
