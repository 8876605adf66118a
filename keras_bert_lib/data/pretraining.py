"""Tokenized documents -> MLM + NSP pretraining examples, with the semantics of Google's
`create_pretraining_data.py`.

For each document, consecutive sentences are gathered until they reach a target length
(`max_seq_length - 3`, or with probability `short_seq_prob` a random length from 2). A random
number of the gathered sentences becomes segment A. With probability 0.5 (always when only
one sentence was gathered) segment B comes from a random other document (label 1, "random
next") and the unused sentences are put back; otherwise B is the rest of the gathered
sentences (label 0, "is next"). The pair is trimmed to fit, one token at a time from the
longer segment, from its front or back at random. Then 15% of the tokens (at most
`max_predictions_per_seq`, at least 1) are chosen for prediction, skipping `[CLS]`/`[SEP]`:
80% become `[MASK]`, 10% a random vocabulary token, 10% stay. With whole-word masking a word
(a piece and its `##` continuations) is chosen or left as a whole.

Every document is processed `dupe_factor` times with different masks (`pass_examples` makes
one pass). Randomness comes from generators seeded by the pass and the document's index, so
the examples do not depend on which process makes them. Random B segments come from the
documents of the same pass: the whole corpus in `create_examples`, a group of about
`group_bytes` of input in the streaming and Beam paths (`pretraining_transforms.py`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NEXT, RANDOM_NEXT = 0, 1


@dataclass(frozen=True)
class PretrainingExample:
    """One packed pair with its masks.

    Attributes:
        token_ids: list of int, `[CLS] A [SEP] B [SEP]` with masks applied.
        segment_ids: list of int (0 for `[CLS] A [SEP]`, 1 for `B [SEP]`).
        mask_positions: sorted positions chosen for prediction.
        mask_ids: the original token ids at those positions.
        next_sentence_label: 0 = B follows A, 1 = B is random.
    """

    token_ids: list
    segment_ids: list
    mask_positions: list
    mask_ids: list
    next_sentence_label: int


@dataclass(frozen=True)
class MaskingSettings:
    """The special ids, the vocabulary and the masking rates."""

    cls_id: int
    sep_id: int
    mask_id: int
    vocabulary: tuple
    masked_lm_prob: float = 0.15
    max_predictions_per_seq: int = 20
    whole_word_masking: bool = False


def truncate_pair(tokens_a, tokens_b, max_tokens, rng):
    """Google's `truncate_seq_pair`: drop from the longer side, front or back at random."""
    while len(tokens_a) + len(tokens_b) > max_tokens:
        longer = tokens_a if len(tokens_a) > len(tokens_b) else tokens_b
        if rng.random() < 0.5:
            del longer[0]
        else:
            longer.pop()


def mask_tokens(tokens, settings: MaskingSettings, rng):
    """Chooses and masks tokens; returns `(masked tokens, positions, original ids)`."""
    groups = []
    for position, token in enumerate(tokens):
        if token in (settings.cls_id, settings.sep_id):
            continue
        piece = settings.vocabulary[token]
        if settings.whole_word_masking and groups and piece.startswith("##"):
            groups[-1].append(position)
        else:
            groups.append([position])
    rng.shuffle(groups)
    budget = min(
        settings.max_predictions_per_seq,
        max(1, int(round(len(tokens) * settings.masked_lm_prob))),
    )
    masked, chosen = list(tokens), []
    for group in groups:
        if len(chosen) >= budget:
            break
        if len(chosen) + len(group) > budget:
            continue
        for position in group:
            chosen.append(position)
            if rng.random() < 0.8:
                masked[position] = settings.mask_id
            elif rng.random() < 0.5:
                masked[position] = tokens[position]
            else:
                masked[position] = rng.randint(0, len(settings.vocabulary) - 1)
    chosen.sort()
    return masked, chosen, [tokens[p] for p in chosen]


def document_examples(
    documents, index, max_seq_length, short_seq_prob, settings: MaskingSettings, rng
) -> list[PretrainingExample]:
    """The examples of `documents[index]` (a list of sentences, each a list of ids)."""
    document = documents[index]
    max_tokens = max_seq_length - 3
    target = max_tokens if rng.random() >= short_seq_prob else rng.randint(2, max_tokens)
    examples, chunk, length, i = [], [], 0, 0
    while i < len(document):
        chunk.append(document[i])
        length += len(document[i])
        if i == len(document) - 1 or length >= target:
            a_end = 1 if len(chunk) < 2 else rng.randint(1, len(chunk) - 1)
            tokens_a = [t for sentence in chunk[:a_end] for t in sentence]
            if len(chunk) == 1 or rng.random() < 0.5:
                label, tokens_b = RANDOM_NEXT, []
                other = index
                for _ in range(10):
                    other = rng.randint(0, len(documents) - 1)
                    if other != index:
                        break
                if other == index:  # a single document: B must still come from elsewhere
                    label, tokens_b = NEXT, [t for s in chunk[a_end:] for t in s]
                else:
                    source = documents[other]
                    for sentence in source[rng.randint(0, len(source) - 1) :]:
                        tokens_b.extend(sentence)
                        if len(tokens_b) >= target - len(tokens_a):
                            break
                    i -= len(chunk) - a_end  # the unused sentences are used again
            else:
                label, tokens_b = NEXT, [t for s in chunk[a_end:] for t in s]
            truncate_pair(tokens_a, tokens_b, max_tokens, rng)
            if tokens_a and tokens_b:
                tokens = [settings.cls_id, *tokens_a, settings.sep_id, *tokens_b, settings.sep_id]
                segments = [0] * (len(tokens_a) + 2) + [1] * (len(tokens_b) + 1)
                masked, positions, ids = mask_tokens(tokens, settings, rng)
                examples.append(PretrainingExample(masked, segments, positions, ids, label))
            chunk, length = [], 0
            target = max_tokens if rng.random() >= short_seq_prob else rng.randint(2, max_tokens)
        i += 1
    return examples


def pass_examples(
    documents, pass_key, max_seq_length, short_seq_prob, settings: MaskingSettings
) -> list[PretrainingExample]:
    """One pass over `documents` (lists of sentences of ids), shuffled.

    The documents are the pool random B segments are drawn from. Document `i` draws from a
    generator seeded by `(pass_key, i)` and the pass is shuffled by one seeded by
    `pass_key`, so a pass does not depend on which process makes it.
    """
    documents = [d for d in ([s for s in document if s] for document in documents) if d]
    examples = []
    for index in range(len(documents)):
        rng = random.Random(f"{pass_key}-{index}")
        examples.extend(
            document_examples(documents, index, max_seq_length, short_seq_prob, settings, rng)
        )
    random.Random(pass_key).shuffle(examples)
    return examples


def check_lengths(max_seq_length, max_predictions_per_seq):
    """Raises `ValueError` for lengths no example fits."""
    if max_seq_length < 5:
        raise ValueError(f"max_seq_length must be >= 5, got {max_seq_length}.")
    if max_predictions_per_seq < 1:
        raise ValueError(f"max_predictions_per_seq must be >= 1, got {max_predictions_per_seq}.")


def create_examples(
    documents,
    settings: MaskingSettings,
    max_seq_length=128,
    short_seq_prob=0.1,
    dupe_factor=10,
    seed=12345,
) -> list[PretrainingExample]:
    """Examples of `documents` (lists of sentences of ids) held in memory as one pool:
    `dupe_factor` passes, each shuffled, one after the other.

    Corpus-sized inputs go through `keras_bert_lib.data.pretraining_local` (bounded memory)
    or `pretraining_beam` instead; both make their passes with `pass_examples` too.
    """
    check_lengths(max_seq_length, settings.max_predictions_per_seq)
    if not any(s for document in documents for s in document):
        raise ValueError("The documents hold no tokens.")
    return [
        example
        for dupe in range(dupe_factor)
        for example in pass_examples(
            documents, f"{seed}-{dupe}", max_seq_length, short_seq_prob, settings
        )
    ]
