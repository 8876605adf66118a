"""`BertTokenClassifier`: per-token tagging (named-entity recognition) on BERT."""

from __future__ import annotations

import re

import keras
import numpy as np
import tensorflow as tf

from keras_bert_lib.layers.philox_dropout import PhiloxDropout
from keras_bert_lib.models.bert_encoder import BertEncoder, encoder_inputs
from keras_bert_lib.models.task import Task, head_initializer
from keras_bert_lib.models.word_windows import IGNORE, encode_words, word_logits
from keras_bert_lib.tags import entity_dicts, split_tag

WORD = re.compile(r"\S+")


def _softmax(logits):
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return shifted / shifted.sum(-1, keepdims=True)


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertTokenClassifier(Task):
    """Encoder + dropout + a dense layer on every token: logits `[batch, length, tags]`.

    Trains on words with word-level IOB2 tags (`fit_words`): the first wordpiece of each
    word carries its tag, the other pieces and special tokens are ignored in the loss.
    Predicts tags per word (`predict_words`) and entities with character spans in the
    original text (`predict_entities`). Sentences longer than the sequence length are cut
    into overlapping windows and merged (see `models/word_windows.py`).

    Args:
        encoder: a `BertEncoder`.
        tag_names: list of str. The tags, e.g. `["O", "B-PER", "I-PER"]`; class i is
            `tag_names[i]`. The outside tag `"O"` is required.
        preprocessor: a `BertPreprocessor` (its tokenizer and `sequence_length` are used).
        dropout: float. Dropout before the head.
        **kwargs: standard `keras.Model` arguments (`name`).

    Example:

    >>> from keras_bert_lib import BertConfig, BertPreprocessor, BertTokenizer
    >>> vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "obama", "visits", "paris"]
    >>> preprocessor = BertPreprocessor(BertTokenizer(vocab), sequence_length=8)
    >>> encoder = BertEncoder(BertConfig(vocab_size=8, hidden_size=8, num_layers=1,
    ...                                  num_heads=2, intermediate_size=16))
    >>> tagger = BertTokenClassifier(encoder, ["O", "B-PER", "B-LOC"], preprocessor)
    >>> history = tagger.fit_words([["Obama", "visits", "Paris"]], [["B-PER", "O", "B-LOC"]],
    ...                            epochs=1, verbose=0)
    >>> len(tagger.predict_words([["Obama", "visits"]])[0])
    2

    From a checkpoint: `BertTokenClassifier.from_checkpoint(path, tag_names=[...])`.
    """

    # Hugging Face's best WNUT-2017 recipe on the reference checkpoint (lr 1e-4, batch 16,
    # 5 epochs: entity F1 0.565). At 5e-5 the small model learns to predict only "O".
    default_learning_rate = 1e-4
    uses_pooled_output = False

    def __init__(self, encoder, tag_names, preprocessor=None, dropout=0.1, **kwargs):
        if not isinstance(encoder, BertEncoder):
            raise TypeError(f"encoder must be a BertEncoder, got {type(encoder).__name__}.")
        tag_names = list(tag_names)
        if len(tag_names) < 2 or len(set(tag_names)) != len(tag_names):
            raise ValueError(f"tag_names must be 2 or more distinct tags, got {tag_names}.")
        for tag in tag_names:
            split_tag(tag)
        if "O" not in tag_names:
            # Words outside every entity need a tag: without one, each word would be forced
            # into an entity and decoded as one.
            raise ValueError(f"tag_names must include the outside tag 'O', got {tag_names}.")
        # === Layers ===
        dropout_layer = PhiloxDropout(dropout, name="head_dropout")
        head = keras.layers.Dense(
            len(tag_names),
            kernel_initializer=head_initializer(encoder.config),
            dtype="float32",
            name="logits",
        )
        # === Functional graph ===
        inputs = encoder_inputs()
        logits = head(dropout_layer(encoder(inputs)["sequence_output"]))
        super().__init__(inputs=inputs, outputs=logits, **kwargs)
        # === Config ===
        self.encoder = encoder
        self.tag_names = tag_names
        self.num_classes = len(tag_names)
        self.dropout = dropout
        self._finish_init(preprocessor)

    def default_loss(self):
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=IGNORE)

    def _check_labels(self, y):
        y = tf.cast(y, tf.int32)
        tf.debugging.assert_less(
            y, self.num_classes, message=f"Tag ids must be < {self.num_classes}."
        )
        return y

    def _require_preprocessor(self):
        if self.preprocessor is None:
            raise ValueError("BertTokenClassifier needs a preprocessor to tokenize words.")
        return self.preprocessor

    def tag_ids(self, tags):
        """Tag strings (per sentence) -> ids; an unknown tag is named."""
        index = {tag: i for i, tag in enumerate(self.tag_names)}
        try:
            return [[index[tag] for tag in sentence] for sentence in tags]
        except KeyError as error:
            raise ValueError(
                f"Tag {error.args[0]!r} is not in tag_names {self.tag_names}."
            ) from None

    def windows(self, words, tags=None, stride=None):
        """`WordWindows` for lists of words (and their tags)."""
        preprocessor = self._require_preprocessor()
        return encode_words(
            preprocessor.tokenizer,
            [list(w) for w in words],
            preprocessor.sequence_length,
            tag_ids=None if tags is None else self.tag_ids(tags),
            stride=stride,
        )

    def fit_words(self, words, tags, validation_data=None, stride=None, **kwargs):
        """`fit` on lists of words and their IOB2 tags (strings from `tag_names`).

        `validation_data` may be `(words, tags)`. Other arguments go to `fit`.
        """
        if len(words) == 0:
            raise ValueError("fit_words() got no sentences.")
        windows = self.windows(words, tags, stride)
        if validation_data is not None:
            dev = self.windows(*validation_data, stride=stride)
            validation_data = (dev.features, dev.labels)
        return self.fit(windows.features, windows.labels, validation_data=validation_data, **kwargs)

    def predict_word_logits(self, words, batch_size=32, stride=None) -> list[np.ndarray]:
        """Per sentence, `[words, tags]` logits (each word from its max-context window)."""
        words = [list(w) for w in words]
        if not words:
            return []
        windows = self.windows(words, stride=stride)
        # Full-length batches: trimmed batches of different lengths could not be stacked.
        logits = keras.Model.predict(self, windows.features, batch_size=batch_size, verbose=0)
        return word_logits(windows, logits, words, self.tag_names.index("O"))

    def predict_words(self, words, batch_size=32, stride=None) -> list[list[str]]:
        """Per sentence, the predicted tag of each word."""
        return [
            [self.tag_names[i] for i in logits.argmax(-1)]
            for logits in self.predict_word_logits(words, batch_size, stride)
        ]

    def predict_entities(self, texts, batch_size=32, stride=None) -> list[list[dict]]:
        """Entities in raw texts, with character spans and scores.

        Words are the whitespace-separated runs of each text. Entities are decoded from the
        word tags with the seqeval rules (a stray `I-X` starts an entity).

        Returns:
            Per text, a list of `{"text", "type", "start", "end", "score"}`: `text[start:end]`
            is the entity; `score` is the mean probability of its words' tags.
        """
        spans = [[(m.start(), m.end()) for m in WORD.finditer(text)] for text in texts]
        words = [[text[a:b] for a, b in s] for text, s in zip(texts, spans, strict=True)]
        logits = self.predict_word_logits(words, batch_size, stride)
        results = []
        for text, word_spans, word_logits_ in zip(texts, spans, logits, strict=True):
            probabilities = _softmax(word_logits_)
            tags = [self.tag_names[i] for i in probabilities.argmax(-1)]
            scores = probabilities.max(-1)
            found = entity_dicts(text, word_spans, tags, scores)
            results.append(found)
        return results

    def empty_prediction(self):
        length = self._require_preprocessor().sequence_length
        return np.zeros((0, length, self.num_classes), np.float32)

    def get_config(self):
        config = super().get_config()
        config.update(
            encoder=keras.saving.serialize_keras_object(self.encoder),
            tag_names=self.tag_names,
            dropout=self.dropout,
        )
        return config

    @classmethod
    def from_checkpoint(
        cls, path, tag_names=None, sequence_length=128, dropout=0.1, **encoder_kwargs
    ) -> BertTokenClassifier:
        """A tagger on a pretrained encoder with its preprocessor, or a saved `.keras` one."""
        saved = cls._load_saved(path)
        if saved is not None:
            return saved
        if tag_names is None:
            raise ValueError("tag_names is needed to build a new tagger.")
        encoder, preprocessor = cls._pretrained_parts(path, sequence_length, **encoder_kwargs)
        return cls(encoder, tag_names, preprocessor=preprocessor, dropout=dropout)
