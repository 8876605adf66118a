"""The transforms of pretraining-data creation, shared by the local streaming run
(`pretraining_local.py`) and the Apache Beam pipeline (`pretraining_beam.py`).

Work is cut into groups planned from file sizes alone: consecutive input files (in path
order) until they hold `group_bytes` (8 MiB by default, about 2,000 Wikipedia articles). A
group's documents are read, tokenized and turned into `dupe_factor` passes of examples with
`pretraining.pass_examples`; a single file larger than `group_bytes` is cut, at document
boundaries, into pools of about `group_bytes` characters. Memory is bounded by the group,
whatever the size of the corpus.

What streaming changes from Google's `create_pretraining_data.py`, which holds the corpus in
memory: a random-next B segment comes from another document of the same pool (the group),
not from the whole corpus, and examples are shuffled within a pass of a pool, not across the
corpus. The output order is pass-major: every group's pass 0, then every group's pass 1, and
so on, with the groups in an order shuffled by the seed. So a run that stops before the end
of its data has seen the whole corpus (once per pass it reached), not a few documents many
times; the reader interleaves the shards and shuffles (`pretraining_records.py`).

Example `i` of that order goes to shard `i % num_shards`. Each block of records (one pass of
one pool) has an `order_key`; both paths sort the blocks by it, so the shards do not depend
on how a runner splits or orders the work.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

from keras_bert_lib.data.documents import DocumentRules, file_documents
from keras_bert_lib.data.pretraining import MaskingSettings, check_lengths, pass_examples
from keras_bert_lib.data.pretraining_records import serialize_example

DEFAULT_GROUP_BYTES = 8 * 2**20
# Sentences tokenized per call: bounds the memory of one ragged batch.
TOKENIZE_BATCH = 4096
STATISTICS = ("documents", "sentences", "tokens", "examples", "random_next")


@dataclass(frozen=True)
class ExampleRecipe:
    """Everything that decides the examples, given the input files.

    Args:
        tokenizer_settings: dict. `BertTokenizer` constructor arguments with the vocabulary
            as a list (`text.bert_tokenizer.tokenizer_settings` of a checkpoint), so that
            each worker builds the same tokenizer.
        document_rules: `DocumentRules`. How files become documents.
        max_seq_length, max_predictions_per_seq, masked_lm_prob, short_seq_prob,
        dupe_factor, whole_word_masking: as Google's `create_pretraining_data.py`.
        seed: int. The same seed gives byte-identical shards.
        group_bytes: int. Input bytes per group (see the module docstring).

    Example:

    >>> recipe = ExampleRecipe(tokenizer_settings(path), DocumentRules())  # doctest: +SKIP
    """

    tokenizer_settings: dict = field(hash=False)
    document_rules: DocumentRules = DocumentRules()
    max_seq_length: int = 128
    max_predictions_per_seq: int = 20
    masked_lm_prob: float = 0.15
    short_seq_prob: float = 0.1
    dupe_factor: int = 10
    whole_word_masking: bool = False
    seed: int = 12345
    group_bytes: int = DEFAULT_GROUP_BYTES

    def __post_init__(self):
        check_lengths(self.max_seq_length, self.max_predictions_per_seq)
        if self.dupe_factor < 1:
            raise ValueError(f"dupe_factor must be >= 1, got {self.dupe_factor}.")
        if self.group_bytes < 1:
            raise ValueError(f"group_bytes must be >= 1, got {self.group_bytes}.")


def plan_groups(files, group_bytes) -> list[tuple[str, ...]]:
    """Consecutive files until each group holds at least `group_bytes` (the last may hold
    less); from file sizes alone, so every worker plans the same groups."""
    groups, current, size = [], [], 0
    for path in files:
        current.append(str(path))
        size += os.path.getsize(path)
        if size >= group_bytes:
            groups.append(tuple(current))
            current, size = [], 0
    if current:
        groups.append(tuple(current))
    return groups


def group_order(group_count, seed) -> list[int]:
    """`order[g]`: where group `g` stands in the output order (a permutation by `seed`)."""
    shuffled = list(range(group_count))
    random.Random(f"{seed}-groups").shuffle(shuffled)
    order = [0] * group_count
    for position, group in enumerate(shuffled):
        order[group] = position
    return order


def order_key(pass_index, group_position, pool) -> tuple:
    """The sort key of a block: pass-major, then the group's shuffled position, then pool."""
    return (pass_index, group_position, pool)


def document_pools(files, rules, group_bytes):
    """The documents of a group's files in pools of about `group_bytes` characters: one pool
    unless a file is larger than that."""
    pool, size = [], 0
    for path in files:
        for document in file_documents(path, rules):
            pool.append(document)
            size += sum(len(s) for s in document)
            if size >= group_bytes:
                yield pool
                pool, size = [], 0
    if pool:
        yield pool


class GroupExamples:
    """Makes the record blocks of a group; builds its tokenizer once, on first use (in each
    worker process of a Beam runner).

    Args:
        recipe: `ExampleRecipe`.
    """

    def __init__(self, recipe: ExampleRecipe):
        self.recipe = recipe
        self._tokenizer = None
        self._settings = None

    def _setup(self):
        if self._tokenizer is None:
            from keras_bert_lib.text.bert_tokenizer import BertTokenizer

            tokenizer = BertTokenizer(**self.recipe.tokenizer_settings)
            special = tokenizer.special_ids
            self._settings = MaskingSettings(
                cls_id=special.cls,
                sep_id=special.sep,
                mask_id=tokenizer.token_to_id("[MASK]"),
                vocabulary=tuple(tokenizer.vocabulary),
                masked_lm_prob=self.recipe.masked_lm_prob,
                max_predictions_per_seq=self.recipe.max_predictions_per_seq,
                whole_word_masking=self.recipe.whole_word_masking,
            )
            self._tokenizer = tokenizer

    def tokenize(self, documents) -> list[list[list[int]]]:
        """Documents of sentences -> documents of sentences of wordpiece ids."""
        import tensorflow as tf

        self._setup()
        sentences = [s for d in documents for s in d]
        ids = []
        for start in range(0, len(sentences), TOKENIZE_BATCH):
            batch = tf.constant(sentences[start : start + TOKENIZE_BATCH])
            ids.extend(self._tokenizer.tokenize(batch).to_list())
        pieces = iter(ids)
        return [[next(pieces) for _ in d] for d in documents]

    def blocks(self, group_index, files, position):
        """Yields `(order_key, records, statistics)` for each pass of each pool of the group
        (`position`: the group's place in `group_order`). `statistics` counts documents,
        sentences and tokens in pass 0 only, so that sums over blocks count each once."""
        recipe = self.recipe
        for pool_index, documents in enumerate(
            document_pools(files, recipe.document_rules, recipe.group_bytes)
        ):
            tokenized = self.tokenize(documents)
            for pass_index in range(recipe.dupe_factor):
                pass_key = f"{recipe.seed}-{group_index}-{pool_index}-{pass_index}"
                examples = pass_examples(
                    tokenized, pass_key, recipe.max_seq_length, recipe.short_seq_prob,
                    self._settings,
                )  # fmt: skip
                records = [
                    serialize_example(e, recipe.max_seq_length, recipe.max_predictions_per_seq)
                    for e in examples
                ]
                statistics = {
                    "documents": len(tokenized) if pass_index == 0 else 0,
                    "sentences": sum(map(len, tokenized)) if pass_index == 0 else 0,
                    "tokens": sum(len(s) for d in tokenized for s in d) if pass_index == 0 else 0,
                    "examples": len(examples),
                    "random_next": sum(e.next_sentence_label for e in examples),
                }
                yield order_key(pass_index, position, pool_index), records, statistics


def add_statistics(totals, statistics) -> dict:
    """The sum of two statistics dicts."""
    return {name: totals.get(name, 0) + statistics.get(name, 0) for name in STATISTICS}


def block_offsets(block_sizes) -> dict:
    """`{order_key: index of its first example}` from `[(order_key, records), ...]`."""
    offsets, total = {}, 0
    for key, size in sorted(block_sizes):
        offsets[key] = total
        total += size
    return offsets
