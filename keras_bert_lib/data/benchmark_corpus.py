"""The text of the public datasets (in the `shared/data` layout) for tokenizer benchmarks."""

from __future__ import annotations

from pathlib import Path

from keras_bert_lib.data.text_files import read_tsv, squad_texts, text_lines

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
