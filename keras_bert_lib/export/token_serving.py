"""In-graph serving heads of the token tasks: tags with character offsets (NER) and answer
spans cut from the context (extractive QA), on raw strings.

Offsets are positions in Unicode code points of the input (Python `str` indexes), from the
exact-mode tokenizer, so `text[start:end]` is a token's text. Requests are single windows:
text beyond the sequence length is not read (the Python APIs `predict_entities` and
`BertSpanLabeler.predict` slide windows over long texts).
"""

from __future__ import annotations

import tensorflow as tf

from keras_bert_lib.models.span_decoding import MAX_ANSWER_LENGTH, N_BEST
from keras_bert_lib.models.task_data import trim_padding
from keras_bert_lib.text.bert_packer import BertPacker

NO_OFFSET = -1


def _offsets_packer(preprocessor, truncation):
    """Packs offsets as `preprocessor` packs the ids: `NO_OFFSET` at the special tokens and
    padding. Ragged slicing would lower to `RaggedRange`, which TFLite lacks."""
    return BertPacker(
        preprocessor.sequence_length, NO_OFFSET, NO_OFFSET, NO_OFFSET, truncation=truncation
    )


def tagged_tokens(model, preprocessor, texts, run_model) -> dict:
    """`BertTokenClassifier` outputs per wordpiece of each text, with offsets (from
    `preprocessor`: the model's, or its TFLite-mode twin); `run_model(features)` runs the
    model (see `ServingModule`).

    Returns a dict of `[batch, length]` tensors (length: the longest text in the request):
    `logits` (`[batch, length, tags]`), `tag_ids` and `tags` (the predicted tag at the
    first wordpiece of each whitespace-separated word, where the model was trained to tag;
    -1 and "" elsewhere), `scores` (that tag's probability), `token_start`, `token_end`
    (character offsets, -1 for special tokens and padding) and `word_start` (bool).
    """
    ids, starts, ends = preprocessor.tokenizer.tokenize_with_offsets(texts)
    features = trim_padding(preprocessor.packer(ids))  # the pieces tokenized above, once
    keep = tf.shape(features["token_ids"])[1]
    offsets = _offsets_packer(preprocessor, preprocessor.packer.truncation)
    starts = offsets(starts)["token_ids"][:, :keep]
    ends = offsets(ends)["token_ids"][:, :keep]
    logits = run_model(features)
    probabilities = tf.nn.softmax(logits, axis=-1)
    # A wordpiece starts a word when characters were skipped (whitespace) since the previous
    # piece ended; the first piece follows [CLS], whose end is -1.
    previous_end = tf.concat([tf.fill([tf.shape(ends)[0], 1], NO_OFFSET), ends[:, :-1]], axis=1)
    word_start = (starts >= 0) & (starts > previous_end)
    tag_ids = tf.where(word_start, tf.argmax(logits, axis=-1, output_type=tf.int32), -1)
    # Index -1 picks the "" after the names (TFLite cannot `where` strings).
    tags = tf.gather(tf.constant([*model.tag_names, ""]), tag_ids % (len(model.tag_names) + 1))
    return {
        "logits": logits,
        "tag_ids": tag_ids,
        "tags": tags,
        "scores": tf.where(word_start, tf.reduce_max(probabilities, axis=-1), 0.0),
        "token_start": starts,
        "token_end": ends,
        "word_start": word_start,
    }


def pack_question_context(model, preprocessor, questions, contexts):
    """`[CLS] question [SEP] context [SEP]` features (question cut to the model's
    `max_query_length` unless None, context to the room left) and each position's context
    offsets."""
    tokenizer, length = preprocessor.tokenizer, preprocessor.sequence_length
    question = tokenizer.tokenize(questions)
    limit = model.max_query_length
    if limit is not None:
        question = tf.RaggedTensor.from_tensor(
            question.to_tensor(0, shape=[None, limit]),
            lengths=tf.minimum(question.row_lengths(), limit),
        )
    context, starts, ends = tokenizer.tokenize_with_offsets(contexts)
    special = tokenizer.special_ids
    packer = BertPacker(length, special.cls, special.sep, special.pad, truncation="waterfall")
    features = packer((question, context))
    offsets = _offsets_packer(preprocessor, "waterfall")
    no_offsets = tf.ragged.map_flat_values(lambda v: tf.fill(tf.shape(v), NO_OFFSET), question)
    char_start = offsets((no_offsets, starts))["token_ids"]
    char_end = offsets((no_offsets, ends))["token_ids"]
    return features, char_start, char_end


def best_spans(start_logits, end_logits, is_context, max_answer_length=MAX_ANSWER_LENGTH):
    """Per row, the `(start, end)` token pair with the highest `start + end` logit among
    context tokens with `start <= end < start + max_answer_length`, its probability among
    the `N_BEST` best pairs, and whether any pair was allowed."""
    length = tf.shape(start_logits)[1]
    positions = tf.range(length)
    # `expand_dims`, not `[:, None]`: TFLite has no strided slice that adds axes.
    span = tf.expand_dims(positions, 0) - tf.expand_dims(positions, 1)  # end - start
    allowed = (span >= 0) & (span < max_answer_length)
    allowed = (
        tf.expand_dims(allowed, 0) & tf.expand_dims(is_context, 2) & tf.expand_dims(is_context, 1)
    )
    scores = tf.expand_dims(start_logits, 2) + tf.expand_dims(end_logits, 1)
    scores = tf.where(allowed, scores, -1e9)
    flat = tf.reshape(scores, [tf.shape(scores)[0], -1])
    best, index = tf.math.top_k(flat, k=tf.minimum(N_BEST, tf.shape(flat)[1]))
    weights = tf.where(best > -1e8, tf.exp(best - best[:, :1]), 0.0)
    probability = 1.0 / tf.reduce_sum(weights, axis=1)
    found = tf.reduce_any(allowed, axis=[1, 2])
    first = index[:, 0]
    return first // length, first % length, tf.where(found, probability, 0.0), found


def answer_spans(model, preprocessor, questions, contexts, run_model, cut_answers=True) -> dict:
    """`BertSpanLabeler` answers: the best span of each context, cut from it;
    `run_model(features)` runs the model (see `ServingModule`).

    Returns a dict: `answer` (string; only with `cut_answers`, as TFLite has no string
    slicing), `answer_start`, `answer_end` (character offsets into the context; 0 and 0
    with an empty answer when the context has no tokens), `score` (probability among the
    best pairs), and the `start_logits`, `end_logits` `[batch, length]`.
    """
    features, char_start, char_end = pack_question_context(model, preprocessor, questions, contexts)
    features = trim_padding(features)
    keep = tf.shape(features["token_ids"])[1]
    char_start, char_end = char_start[:, :keep], char_end[:, :keep]
    logits = run_model(features)
    start, end, score, found = best_spans(
        logits["start_logits"], logits["end_logits"], char_start >= 0
    )
    answer_start = tf.where(found, tf.gather(char_start, start, batch_dims=1), 0)
    answer_end = tf.where(found, tf.gather(char_end, end, batch_dims=1), 0)
    outputs = {
        "answer_start": answer_start,
        "answer_end": answer_end,
        "score": score,
        "start_logits": logits["start_logits"],
        "end_logits": logits["end_logits"],
    }
    if cut_answers:
        outputs["answer"] = tf.strings.substr(
            contexts, answer_start, answer_end - answer_start, "UTF8_CHAR"
        )
    return outputs
