"""`BertSpanLabeler`: extractive question answering (SQuAD) on BERT."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_bert_lib.models.bert_encoder import BertEncoder, encoder_inputs
from keras_bert_lib.models.span_decoding import MAX_ANSWER_LENGTH, N_BEST, best_answers
from keras_bert_lib.models.squad_windows import encode_squad
from keras_bert_lib.models.task import Task, head_initializer

OUTPUT_NAMES = ("start_logits", "end_logits")

# Prediction batches are sorted by length and cut to a multiple of this, so a long context
# costs few distinct shapes (and traces) while short windows do not pay for 384 tokens.
PREDICT_PAD_TO_MULTIPLE_OF = 64


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertSpanLabeler(Task):
    """Encoder + a dense layer giving start and end logits for every token.

    Outputs a dict of float32 `[batch, length]`: `start_logits` and `end_logits`. The loss is
    `(cross-entropy(start) + cross-entropy(end)) / 2`. As in BERT's `run_squad.py` and
    `transformers.BertForQuestionAnswering` there is no dropout before the head (the encoder
    has its own).

    `predict(question, context)` answers questions on contexts of any length: the context is
    cut into windows of `doc_stride` (see `data/squad.py`), and the best span over all
    windows is cut from the original text (see `models/span_decoding.py`).

    Args:
        encoder: a `BertEncoder`.
        preprocessor: a `BertPreprocessor` in mode "exact" (its tokenizer's offsets and its
            `sequence_length` are used), or None to work on packed features only.
        doc_stride: int. Wordpieces between the starts of consecutive context windows.
        max_query_length: int, or None for whole questions. Question wordpieces kept.
        context_overlap: None, or int: context wordpieces shared by consecutive windows,
            in place of `doc_stride` (Hugging Face's `stride`).
        **kwargs: standard `keras.Model` arguments (`name`).

    Example:

    >>> from keras_bert_lib import BertConfig, BertPreprocessor, BertTokenizer
    >>> vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "who", "won", "denver", "did"]
    >>> preprocessor = BertPreprocessor(BertTokenizer(vocab), sequence_length=16)
    >>> encoder = BertEncoder(BertConfig(vocab_size=9, hidden_size=8, num_layers=1,
    ...                                  num_heads=2, intermediate_size=16))
    >>> reader = BertSpanLabeler(encoder, preprocessor)
    >>> answer = reader.predict("Who won?", "Denver did.")
    >>> sorted(answer)
    ['end', 'score', 'start', 'text']

    From a checkpoint: `BertSpanLabeler.from_checkpoint(path)`; fine-tune with `fit_squad`.
    """

    # Hugging Face's SQuAD recipe on the reference checkpoint: batch 16, 1 epoch, 1e-4.
    default_learning_rate = 1e-4
    # No gradient clipping, as in that recipe: on SQuAD train_split -> dev_split (seed 0)
    # clipping to norm 1 costs 2.55 F1 (60.20 against 62.75), more than any other recipe or
    # windowing difference with the reference pipeline (README, SQuAD ablation table). The
    # other tasks keep clipping: their defaults reach their bars with it.
    default_global_clipnorm = None
    uses_pooled_output = False

    def __init__(
        self,
        encoder,
        preprocessor=None,
        doc_stride=128,
        max_query_length=64,
        context_overlap=None,
        **kwargs,
    ):
        if not isinstance(encoder, BertEncoder):
            raise TypeError(f"encoder must be a BertEncoder, got {type(encoder).__name__}.")
        # === Layers ===
        head = keras.layers.Dense(
            2,
            kernel_initializer=head_initializer(encoder.config),
            dtype="float32",
            name="span_logits",
        )
        # === Functional graph ===
        inputs = encoder_inputs()
        logits = head(encoder(inputs)["sequence_output"])
        start, end = keras.ops.unstack(logits, 2, axis=-1)
        outputs = {
            "start_logits": keras.layers.Identity(name="start_logits")(start),
            "end_logits": keras.layers.Identity(name="end_logits")(end),
        }
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # === Config ===
        self.encoder = encoder
        self.doc_stride = doc_stride
        self.max_query_length = max_query_length
        self.context_overlap = context_overlap
        self._finish_init(preprocessor)

    def compile(self, *args, loss_weights="auto", **kwargs):
        """`Task.compile`; `loss_weights="auto"` halves each position's cross-entropy."""
        if loss_weights == "auto":
            loss_weights = {name: 0.5 for name in OUTPUT_NAMES}
        super().compile(*args, loss_weights=loss_weights, **kwargs)

    def default_loss(self):
        return {
            name: keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            for name in OUTPUT_NAMES
        }

    def _check_labels(self, y):
        if not isinstance(y, dict) or set(y) != set(OUTPUT_NAMES):
            raise ValueError(f"Labels must be a dict with keys {OUTPUT_NAMES}.")
        checked = {}
        for name in OUTPUT_NAMES:
            positions = tf.cast(y[name], tf.int32)
            tf.debugging.assert_non_negative(positions, message=f"{name} positions must be >= 0.")
            checked[name] = positions
        return checked

    def _require_preprocessor(self):
        if self.preprocessor is None:
            raise ValueError("BertSpanLabeler needs a preprocessor to tokenize questions.")
        return self.preprocessor

    # === SQuAD data ===
    def windows(self, questions, contexts, answers=None):
        """`SquadWindows` for questions on contexts (and `(text, char start)` answers)."""
        preprocessor = self._require_preprocessor()
        return encode_squad(
            preprocessor.tokenizer,
            questions,
            contexts,
            answers,
            sequence_length=preprocessor.sequence_length,
            doc_stride=self.doc_stride,
            max_query_length=self.max_query_length,
            context_overlap=self.context_overlap,
        )

    def fit_squad(self, examples, **kwargs):
        """`fit` on `SquadExample`s (trained on each question's first answer)."""
        if len(examples) == 0:
            raise ValueError("fit_squad() got no examples.")
        unanswered = [e.question_id for e in examples if not e.answers]
        if unanswered:
            raise ValueError(f"{len(unanswered)} questions have no answer, e.g. {unanswered[0]}.")
        windows = self.windows(
            [e.question for e in examples],
            [e.context for e in examples],
            [e.answers[0] for e in examples],
        )
        return self.fit(windows.features, windows.labels, **kwargs)

    # === Prediction ===
    def predict_logits(self, windows, batch_size=32):
        """Start and end logits `[windows, sequence_length]` (padding positions -inf)."""
        mask = windows.features["padding_mask"]
        lengths = mask.sum(1)
        start = np.full(mask.shape, -np.inf, np.float32)
        end = np.full(mask.shape, -np.inf, np.float32)
        order = np.argsort(lengths, kind="stable")
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            keep = -(-int(lengths[rows].max()) // PREDICT_PAD_TO_MULTIPLE_OF)
            keep = min(mask.shape[1], keep * PREDICT_PAD_TO_MULTIPLE_OF)
            batch = {name: value[rows, :keep] for name, value in windows.features.items()}
            logits = self.predict_on_batch(batch)
            real = mask[rows, :keep].astype(bool)
            start[rows, :keep] = np.where(real, logits["start_logits"], -np.inf)
            end[rows, :keep] = np.where(real, logits["end_logits"], -np.inf)
        return start, end

    def answer(
        self, questions, contexts, batch_size=32, n_best=N_BEST, max_answer_length=MAX_ANSWER_LENGTH
    ):
        """Per question, `{"text", "start", "end", "score"}`: `context[start:end] == text`."""
        contexts = list(contexts)
        if not contexts:
            return []
        windows = self.windows(questions, contexts)
        start, end = self.predict_logits(windows, batch_size)
        return best_answers(windows, start, end, contexts, n_best, max_answer_length)

    def predict(self, x, context=None, batch_size=None, **kwargs):
        """Answers, or logits.

        `predict(question, context)` with two strings returns one answer dict
        (`{"text", "start", "end", "score"}`); with two lists, a list of them. Contexts of
        any length are read window by window.

        `predict(features)` with a dict of packed `token_ids`, `segment_ids`,
        `padding_mask` is `keras.Model.predict`: a dict of start and end logits.
        """
        if context is None:
            return super().predict(x, batch_size=batch_size, **kwargs)
        if isinstance(x, str) != isinstance(context, str):
            raise TypeError("question and context must both be strings or both be lists.")
        if isinstance(x, str):
            return self.answer([x], [context], batch_size or 32)[0]
        return self.answer(list(x), list(context), batch_size or 32)

    def empty_prediction(self):
        length = self._require_preprocessor().sequence_length
        return {name: np.zeros((0, length), np.float32) for name in OUTPUT_NAMES}

    # === Config ===
    def get_config(self):
        config = super().get_config()
        config.update(
            encoder=keras.saving.serialize_keras_object(self.encoder),
            doc_stride=self.doc_stride,
            max_query_length=self.max_query_length,
            context_overlap=self.context_overlap,
        )
        return config

    @classmethod
    def from_checkpoint(
        cls,
        path,
        sequence_length=384,
        doc_stride=128,
        max_query_length=64,
        context_overlap=None,
        **encoder_kwargs,
    ) -> BertSpanLabeler:
        """A span labeler on a pretrained encoder with its preprocessor, or a `.keras` one."""
        saved = cls._load_saved(path)
        if saved is not None:
            return saved
        encoder, preprocessor = cls._pretrained_parts(path, sequence_length, **encoder_kwargs)
        return cls(
            encoder,
            preprocessor,
            doc_stride=doc_stride,
            max_query_length=max_query_length,
            context_overlap=context_overlap,
        )
