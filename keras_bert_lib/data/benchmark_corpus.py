"""The text of the public datasets (in the `shared/data` layout) for tokenizer benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

from keras_bert_lib.data.text_files import read_tsv, squad_texts, text_lines
from keras_bert_lib.data.wikiextractor import iter_articles

_PAIR_COLUMNS = {
    "mrpc": ("#1 String", "#2 String"),
    "rte": ("sentence1", "sentence2"),
    "stsb": ("sentence1", "sentence2"),
}


def corpus_texts(data_dir: str | Path) -> dict[str, list[str]]:
    """Texts by source: SST-2 sentences, MRPC/RTE/STS-B pair sides, SQuAD questions and
    contexts, and the non-empty lines of the books (train and dev splits of each)."""
    data_dir = Path(data_dir)
    texts = {}
    for split in ("train", "dev"):
        texts[f"sst2/{split}"] = [
            row["sentence"] for row in read_tsv(data_dir / "sst2" / f"{split}.tsv")
        ]
        for name, columns in _PAIR_COLUMNS.items():
            rows = read_tsv(data_dir / name / f"{split}.tsv")
            texts[f"{name}/{split}"] = [row[column] for row in rows for column in columns]
    for split in ("train_split", "dev_split"):
        questions, contexts = squad_texts(data_dir / "squad_v1.1" / f"{split}.json")
        texts[f"squad/{split}/questions"] = questions
        texts[f"squad/{split}/contexts"] = contexts
    for path in sorted((data_dir / "gutenberg").glob("*/*.txt")):
        texts[f"gutenberg/{path.parent.name}/{path.name}"] = text_lines(path)
    return texts


def training_sentences(data_dir: str | Path, wikipedia_sentences=40_000, seed=0) -> list[str]:
    """Unlabelled sentences from the training splits only (for distilling a sentence
    encoder): STS-B, MRPC and RTE pair sides, SQuAD questions, 20,000 SST-2 sentences and
    `wikipedia_sentences` sentences of the Wikipedia training articles, drawn at random;
    nothing from a dev or valid split.

    Example:

    >>> len(training_sentences("../shared/data"))  # doctest: +SKIP
    92396
    """
    data_dir = Path(data_dir)
    texts = corpus_texts(data_dir)
    rng = random.Random(seed)
    chosen = [
        *texts["stsb/train"],
        *texts["mrpc/train"],
        *texts["rte/train"],
        *texts["squad/train_split/questions"],
        *rng.sample(texts["sst2/train"], 20_000),
    ]
    wikipedia = [
        sentence
        for path in sorted((data_dir / "wikipedia" / "train").rglob("wiki_*"))
        for article in iter_articles(path)
        for sentence in article.sentences()
    ]
    chosen += rng.sample(wikipedia, min(wikipedia_sentences, len(wikipedia)))
    return chosen
