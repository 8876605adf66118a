"""`BertPretrainer`: the encoder with the masked-LM and next-sentence heads."""

from __future__ import annotations

import keras

from keras_bert_lib.checkpoints.loading import read_checkpoint
from keras_bert_lib.checkpoints.weight_names import assign_weights
from keras_bert_lib.layers.masked_lm_head import MaskedLMHead
from keras_bert_lib.models.bert_encoder import INPUT_NAMES, BertEncoder, encoder_inputs
from keras_bert_lib.models.task import Task
from keras_bert_lib.training.losses import MaskedLMCrossentropy

MLM, NSP = "mlm_logits", "nsp_logits"


@keras.saving.register_keras_serializable(package="keras_bert_lib")
class BertPretrainer(Task):
    """BERT pretraining: masked-LM logits at the masked positions and next-sentence logits.

    Inputs: the encoder's `token_ids`, `segment_ids`, `padding_mask` and `mask_positions`
    (int32 `[batch, predictions]`). Outputs: `mlm_logits` `[batch, predictions, vocab]`
    (the output projection is the word embedding table) and `nsp_logits` `[batch, 2]` (label
    1 = B is a random sentence). Labels are `{"mlm_logits": mask_ids, "nsp_logits":
    next_sentence_label}`; the sample weights of `mlm_logits` (0 for padded predictions)
    weight its loss and accuracy, as `data/pretraining_records.py` produces them.

    Args:
        encoder: a `BertEncoder`.
        next_sentence: bool. With False, MLM only (RoBERTa style): no NSP head or output.
        **kwargs: standard `keras.Model` arguments (`name`).

    Example:

    >>> from keras_bert_lib import BertConfig
    >>> encoder = BertEncoder(BertConfig(vocab_size=20, hidden_size=8, num_layers=1,
    ...                                  num_heads=2, intermediate_size=16))
    >>> pretrainer = BertPretrainer(encoder)
    >>> sorted(pretrainer.output_names)
    ['mlm_logits', 'nsp_logits']

    From a checkpoint with or without heads: `BertPretrainer.from_checkpoint(path)`.
    """

    default_learning_rate = 1e-4

    def __init__(self, encoder, next_sentence=True, **kwargs):
        if not isinstance(encoder, BertEncoder):
            raise TypeError(f"encoder must be a BertEncoder, got {type(encoder).__name__}.")
        config = encoder.config
        # === Layers ===
        mlm_head = MaskedLMHead(
            encoder.embeddings.token_embedding,
            hidden_act=config.hidden_act,
            layer_norm_epsilon=config.layer_norm_epsilon,
            initializer_range=config.initializer_range,
            name="mlm_head",
        )
        nsp_head = keras.layers.Dense(
            2,
            kernel_initializer=keras.initializers.TruncatedNormal(stddev=config.initializer_range),
            dtype="float32",
            name=NSP,
        )
        # === Functional graph ===
        inputs = encoder_inputs()
        inputs["mask_positions"] = keras.Input(shape=(None,), dtype="int32", name="mask_positions")
        encoded = encoder({name: inputs[name] for name in INPUT_NAMES})
        outputs = {
            MLM: keras.layers.Identity(name=MLM)(
                mlm_head(encoded["sequence_output"], inputs["mask_positions"])
            )
        }
        if next_sentence:
            outputs[NSP] = nsp_head(encoded["pooled_output"])
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # === Config ===
        self.encoder = encoder
        self.next_sentence = next_sentence
        self.mlm_head = mlm_head
        self.nsp_head = nsp_head if next_sentence else None
        self._finish_init(None)

    @property
    def uses_pooled_output(self):
        return getattr(self, "next_sentence", True)  # unset while the graph is being built

    def default_loss(self):
        # The MLM loss is the mean over real predictions (sum of weighted losses / sum of
        # weights, as in BERT), not over the padded prediction slots, and over those of the
        # global batch under a distribution strategy.
        losses = {MLM: MaskedLMCrossentropy()}
        if self.next_sentence:
            losses[NSP] = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return losses

    def default_metrics(self):
        metrics = {MLM: [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]}
        if self.next_sentence:
            metrics[NSP] = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
        return metrics

    def compile(self, *args, weighted_metrics="auto", **kwargs):
        """`Task.compile`; accuracies are weighted by the sample weights (padded masks)."""
        if weighted_metrics == "auto":
            weighted_metrics = self.default_metrics()
        super().compile(*args, metrics=None, weighted_metrics=weighted_metrics, **kwargs)

    def _finish_batch(self, x, y=None, sample_weight=None):
        # Pretraining batches keep their length: positions index into it.
        return keras.utils.pack_x_y_sample_weight(x, y, sample_weight)

    def head_variables(self) -> dict:
        """Canonical (Hugging Face) name -> variable for the head weights."""
        head = self.mlm_head
        variables = {
            "cls.predictions.transform.dense.weight": head.dense.kernel,
            "cls.predictions.transform.dense.bias": head.dense.bias,
            "cls.predictions.transform.LayerNorm.weight": head.layer_norm.gamma,
            "cls.predictions.transform.LayerNorm.bias": head.layer_norm.beta,
            "cls.predictions.bias": head.bias,
        }
        if self.next_sentence:
            variables["cls.seq_relationship.weight"] = self.nsp_head.kernel
            variables["cls.seq_relationship.bias"] = self.nsp_head.bias
        return variables

    def get_config(self):
        config = super().get_config()
        del config["preprocessor"]
        config.update(
            encoder=keras.saving.serialize_keras_object(self.encoder),
            next_sentence=self.next_sentence,
        )
        return config

    @classmethod
    def from_checkpoint(cls, path, next_sentence=True, **encoder_kwargs) -> BertPretrainer:
        """A pretrainer from a Hugging Face directory or Google checkpoint (heads loaded
        when the checkpoint has them, e.g. `BertForPreTraining`; otherwise initialised),
        or a saved `.keras` pretrainer."""
        saved = cls._load_saved(path)
        if saved is not None:
            return saved
        config, weights = read_checkpoint(path)
        encoder = BertEncoder.from_weights(config, weights, str(path), **encoder_kwargs)
        model = cls(encoder, next_sentence=next_sentence)
        variables = model.head_variables()
        if any(name in weights for name in variables):
            assign_weights(variables, weights, str(path))
        return model
