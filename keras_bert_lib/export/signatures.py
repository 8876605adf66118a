"""The serving functions of a task model: raw text in, named outputs out.

One `ServingModule` per export holds the model and its preprocessor and defines, with fixed
input signatures (batch dimension `None`, `sequence_length` fixed at export):

- `serve_text`: raw strings (`text`, and `text_pair` for sentence-pair tasks; `question` and
  `context` for question answering) -> named outputs (token tasks: see `token_serving.py`);
- `serve_token_ids`: `token_ids`, `segment_ids`, `padding_mask` int32 -> named outputs, for
  clients that tokenize themselves;
- `tokenize`: raw strings -> the packed int32 features and the wordpieces, for debugging.

The same module is saved as a SavedModel (`saved_model.py`) and converted to TFLite
(`tflite.py`), so the two cannot drift.
"""

from __future__ import annotations

import tensorflow as tf

# The public TF1 `graph_util` freezes only TF1 graphs; this is what the TFLite converter uses.
from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

from keras_bert_lib.export.token_serving import (
    answer_spans,
    pack_question_context,
    tagged_tokens,
)
from keras_bert_lib.models.bert_classifier import BertClassifier
from keras_bert_lib.models.bert_span_labeler import BertSpanLabeler
from keras_bert_lib.models.bert_token_classifier import BertTokenClassifier
from keras_bert_lib.models.sentence_encoder import SentenceEncoder
from keras_bert_lib.models.task_data import trim_padding

TEXT = "text"
TEXT_PAIR = "text_pair"
QUESTION = "question"
CONTEXT = "context"
FEATURE_NAMES = ("token_ids", "segment_ids", "padding_mask")
SERVABLE = (BertClassifier, SentenceEncoder, BertTokenClassifier, BertSpanLabeler)


def check_servable(model):
    """Raises unless `model` is a task model with serving outputs and a preprocessor."""
    if not isinstance(model, SERVABLE):
        names = ", ".join(cls.__name__ for cls in SERVABLE)
        raise TypeError(f"Exporting takes a {names}; got {type(model).__name__}.")
    if model.preprocessor is None:
        raise ValueError(
            "Exporting needs a model with a BertPreprocessor: the served functions take raw "
            "strings. Attach one: `model.preprocessor = BertPreprocessor(...)`."
        )


def named_outputs(model, outputs) -> dict:
    """The outputs users want from a task model's raw outputs."""
    if isinstance(model, BertClassifier):
        if model.num_classes == 1:
            return {"score": outputs[:, 0]}
        return {
            "logits": outputs,
            "probabilities": tf.nn.softmax(outputs, axis=-1),
            "label": tf.argmax(outputs, axis=-1, output_type=tf.int32),
        }
    if isinstance(model, SentenceEncoder):
        return {"embeddings": outputs}
    if isinstance(model, BertTokenClassifier):
        return {
            "logits": outputs,
            "tag_ids": tf.argmax(outputs, axis=-1, output_type=tf.int32),
            "scores": tf.reduce_max(tf.nn.softmax(outputs, axis=-1), axis=-1),
        }
    if isinstance(model, BertSpanLabeler):
        return dict(outputs)
    raise TypeError(f"No serving outputs are defined for {type(model).__name__}.")


def text_input_names(model, pair: bool) -> tuple[str, ...]:
    """The string inputs of the text functions."""
    if isinstance(model, BertSpanLabeler):
        return (QUESTION, CONTEXT)
    return (TEXT, TEXT_PAIR) if pair else (TEXT,)


def frozen_model(model):
    """`model` on int32 features of any batch and length, with its weights as constants.

    A variable costs a served request three ops (handle, read, identity): about 320 of the
    936 ops of a batch-1 request on the reference checkpoint. As constants they cost none.
    """
    spec = {name: tf.TensorSpec([None, None], tf.int32, name=name) for name in FEATURE_NAMES}
    concrete = tf.function(lambda features: model(features, training=False)).get_concrete_function(
        spec
    )
    frozen = convert_variables_to_constants_v2(concrete)

    def run(features):
        flat = frozen(*[features[name] for name in sorted(FEATURE_NAMES)])
        return tf.nest.pack_sequence_as(concrete.structured_outputs, flat)

    return run


class ServingModule(tf.Module):
    """The serving functions of `model` (a task model with a preprocessor).

    Args:
        model: a task model (`BertClassifier`, `SentenceEncoder`, `BertTokenClassifier`,
            `BertSpanLabeler`) with a `BertPreprocessor` (mode "exact" for the token tasks,
            whose outputs carry character offsets).
        pair: bool. Whether the text functions take sentence pairs (`text`, `text_pair`).
        preprocessor: the preprocessor to use instead of the model's (TFLite export swaps in
            the same vocabulary in the tokenizer mode that TFLite can run).
        cut_answers: bool. Whether question answering outputs include the `answer` text
            (TFLite has no string slicing: its files give `answer_start`/`answer_end`).
        frozen_weights: bool. Whether the functions hold the weights as constants
            (`frozen_model`) instead of reading variables, which then are not saved. The
            TFLite converter freezes them itself.
    """

    def __init__(
        self, model, pair=False, preprocessor=None, cut_answers=True, frozen_weights=False
    ):
        super().__init__(name="serving")
        check_servable(model)
        preprocessor = preprocessor or model.preprocessor
        self.pair = pair
        self.sequence_length = preprocessor.sequence_length
        # The module tracks the model's variables as the plain `tf.Variable`s under the Keras
        # ones, and not the Keras model itself: a SavedModel that tracks a Keras 3 model
        # saves variables the TF1 session loader (TF Serving) cannot find ("Could not find
        # variable ..."; keras-team/keras#20095) and that the TFLite converter does not
        # freeze. The functions reach the model through their closures.
        if frozen_weights:
            run_model = frozen_model(model)
        else:
            self.tracked_variables = [variable.value for variable in model.variables]

            def run_model(features):
                return model(features, training=False)

        def features(texts):
            if isinstance(model, BertSpanLabeler):
                return pack_question_context(model, preprocessor, *texts)[0]
            return preprocessor(texts if pair else texts[0])

        def serve_text(*texts):
            if isinstance(model, BertTokenClassifier):
                return tagged_tokens(model, preprocessor, texts[0], run_model)
            if isinstance(model, BertSpanLabeler):
                return answer_spans(model, preprocessor, *texts, run_model, cut_answers)
            # Cut to the longest text in the request: a short sentence does not pay for
            # the full sequence length.
            return named_outputs(model, run_model(trim_padding(features(texts))))

        def serve_token_ids(token_features):
            return named_outputs(model, run_model(token_features))

        def tokenize(*texts):
            packed = dict(features(texts))
            packed["wordpieces"] = preprocessor.tokenizer.id_to_token(packed["token_ids"])
            return packed

        names = text_input_names(model, pair)
        text_spec = [tf.TensorSpec([None], tf.string, name=name) for name in names]
        ids_spec = {
            name: tf.TensorSpec([None, self.sequence_length], tf.int32, name=name)
            for name in FEATURE_NAMES
        }
        self.serve_text = tf.function(serve_text, input_signature=text_spec)
        self.serve_token_ids = tf.function(serve_token_ids, input_signature=[ids_spec])
        self.tokenize = tf.function(tokenize, input_signature=text_spec)
