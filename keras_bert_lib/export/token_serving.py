"""In-graph serving heads of the token tasks: tags with character offsets (NER) and answer
spans cut from the context (extractive QA), on raw strings.

Offsets are positions in Unicode code points of the input (Python `str` indexes), from the
exact-mode tokenizer, so `text[start:end]` is a token's text. Requests are single windows:
text beyond the sequence length is not read (the Python APIs `predict_entities` and
`BertSpanLabeler.predict` slide windows over long texts).
"""

from __future__ import annotations

import tensorflow as tf

from keras_bert_lib.models.task import trim_padding

NO_OFFSET = -1
# The answer span search keeps the `n_best` best pairs for its score, as `best_answers` does.
N_BEST = 20
MAX_ANSWER_LENGTH = 30


def _dense_offsets(parts, sequence_length):
    """Concatenates ragged `[batch, None]` int offsets and pads them to `sequence_length`."""
    joined = tf.concat([tf.cast(part, tf.int32) for part in parts], axis=1)
    return joined.to_tensor(NO_OFFSET, shape=[None, sequence_length])


def _fill_like(lengths, value):
    """Ragged `[batch, None]` rows of `value`, `lengths` long."""
    lengths = tf.cast(lengths, tf.int64)
    return tf.RaggedTensor.from_row_lengths(
        tf.fill([tf.reduce_sum(lengths)], tf.constant(value, tf.int32)), lengths
    )


def tagged_tokens(model, texts) -> dict:
    """`BertTokenClassifier` outputs per wordpiece of each text, with offsets.

    Returns a dict of `[batch, length]` tensors (length: the longest text in the request):
    `logits` (`[batch, length, tags]`), `tag_ids` and `tags` (the predicted tag at the
    first wordpiece of each whitespace-separated word, where the model was trained to tag;
    -1 and "" elsewhere), `scores` (that tag's probability), `token_start`, `token_end`
    (character offsets, -1 for special tokens and padding) and `word_start` (bool).
    """
    preprocessor = model.preprocessor
    length = preprocessor.sequence_length
    ids, starts, ends = preprocessor.tokenizer.tokenize_with_offsets(texts)
    rows = starts.nrows()
    edge = _fill_like(tf.ones([rows], tf.int64), NO_OFFSET)
    starts = _dense_offsets([edge, starts[:, : length - 2], edge], length)
    ends = _dense_offsets([edge, ends[:, : length - 2], edge], length)
    features = trim_padding(preprocessor.packer(ids))  # the pieces tokenized above, once
    keep = tf.shape(features["token_ids"])[1]
    starts, ends = starts[:, :keep], ends[:, :keep]
    logits = model(features, training=False)
    probabilities = tf.nn.softmax(logits, axis=-1)
    # A wordpiece starts a word when characters were skipped (whitespace) since the previous
    # piece ended; the first piece follows [CLS], whose end is -1.
    previous_end = tf.concat([tf.fill([rows, 1], NO_OFFSET), ends[:, :-1]], axis=1)
    word_start = (starts >= 0) & (starts > previous_end)
    tag_ids = tf.argmax(logits, axis=-1, output_type=tf.int32)
    tags = tf.gather(tf.constant(model.tag_names), tag_ids)
    return {
        "logits": logits,
        "tag_ids": tf.where(word_start, tag_ids, -1),
        "tags": tf.where(word_start, tags, ""),
        "scores": tf.where(word_start, tf.reduce_max(probabilities, axis=-1), 0.0),
        "token_start": starts,
        "token_end": ends,
        "word_start": word_start,
    }


def pack_question_context(model, questions, contexts):
    """`[CLS] question [SEP] context [SEP]` features (question cut to the model's
    `max_query_length`, context to the room left) and each position's context offsets."""
    preprocessor = model.preprocessor
    tokenizer, length = preprocessor.tokenizer, preprocessor.sequence_length
    question = tokenizer.tokenize(questions)[:, : model.max_query_length]
    context, starts, ends = tokenizer.tokenize_with_offsets(contexts)
    room = length - 3 - tf.cast(question.row_lengths(), tf.int32)
    keep = tf.ragged.range(tf.cast(context.row_lengths(), tf.int32)) < tf.expand_dims(room, 1)
    context = tf.ragged.boolean_mask(context, keep)
    features = preprocessor.packer((question, context))
    before = _fill_like(question.row_lengths() + 2, NO_OFFSET)
    after = _fill_like(tf.ones_like(question.row_lengths()), NO_OFFSET)
    char_start = _dense_offsets([before, tf.ragged.boolean_mask(starts, keep), after], length)
    char_end = _dense_offsets([before, tf.ragged.boolean_mask(ends, keep), after], length)
    return features, char_start, char_end


def best_spans(start_logits, end_logits, is_context, max_answer_length=MAX_ANSWER_LENGTH):
    """Per row, the `(start, end)` token pair with the highest `start + end` logit among
    context tokens with `start <= end < start + max_answer_length`, its probability among
    the `N_BEST` best pairs, and whether any pair was allowed."""
    length = tf.shape(start_logits)[1]
    positions = tf.range(length)
    span = positions[None, :] - positions[:, None]  # [start, end] -> end - start
    allowed = (span >= 0) & (span < max_answer_length)
    allowed = allowed[None] & is_context[:, :, None] & is_context[:, None, :]
    scores = start_logits[:, :, None] + end_logits[:, None, :]
    scores = tf.where(allowed, scores, -1e9)
    flat = tf.reshape(scores, [tf.shape(scores)[0], -1])
    best, index = tf.math.top_k(flat, k=tf.minimum(N_BEST, tf.shape(flat)[1]))
    weights = tf.where(best > -1e8, tf.exp(best - best[:, :1]), 0.0)
    probability = 1.0 / tf.reduce_sum(weights, axis=1)
    found = tf.reduce_any(allowed, axis=[1, 2])
    first = index[:, 0]
    return first // length, first % length, tf.where(found, probability, 0.0), found


def answer_spans(model, questions, contexts) -> dict:
    """`BertSpanLabeler` answers: the best span of each context, cut from it.

    Returns a dict: `answer` (string), `answer_start`, `answer_end` (character offsets into
    the context; 0 and 0 with an empty answer when the context has no tokens), `score`
    (probability among the best pairs), and the `start_logits`, `end_logits` `[batch,
    length]`.
    """
    features, char_start, char_end = pack_question_context(model, questions, contexts)
    features = trim_padding(features)
    keep = tf.shape(features["token_ids"])[1]
    char_start, char_end = char_start[:, :keep], char_end[:, :keep]
    logits = model(features, training=False)
    start, end, score, found = best_spans(
        logits["start_logits"], logits["end_logits"], char_start >= 0
    )
    answer_start = tf.where(found, tf.gather(char_start, start, batch_dims=1), 0)
    answer_end = tf.where(found, tf.gather(char_end, end, batch_dims=1), 0)
    answer = tf.strings.substr(contexts, answer_start, answer_end - answer_start, "UTF8_CHAR")
    return {
        "answer": answer,
        "answer_start": answer_start,
        "answer_end": answer_end,
        "score": score,
        "start_logits": logits["start_logits"],
        "end_logits": logits["end_logits"],
    }
