"""`Task`: the base of task models that train and predict on raw strings.

The model graph takes token ids; the attached `BertPreprocessor` runs in `tf.data` (so no
string tensor enters the model or a replica under a distribution strategy). `fit`,
`evaluate` and `predict` accept Python lists, NumPy arrays, tensors or a `tf.data.Dataset`;
a tuple `(first, second)` of two such is a batch of sentence pairs.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from keras_bert_lib.models.known_arguments import KnownArguments
from keras_bert_lib.models.retracing import quiet_keras_step_retracing
from keras_bert_lib.models.strategy_workarounds import StrategyWorkarounds
from keras_bert_lib.models.task_data import TaskData, inputs_to_tensors, num_examples, trim_padding
from keras_bert_lib.models.unused_pooler import UnusedPooler
from keras_bert_lib.training.lamb import NO_DECAY
from keras_bert_lib.training.optimizers import OPTIMIZERS, create_optimizer
from keras_bert_lib.training.replica_clipping import check_replica_clipping
from keras_bert_lib.training.stream_fit import fit_stream

# Under XLA, batches are cut to their longest row rounded up to this, so short texts do not pay
# for the full sequence length while XLA compiles at most sequence_length / 16 shapes. Without
# XLA they are cut to their longest row exactly.
XLA_PAD_TO_MULTIPLE_OF = 16

quiet_keras_step_retracing()


def head_initializer(config):
    """The kernel initializer of a task head: a normal at `config.initializer_range`.

    Not truncated, unlike the encoder's (original BERT's) initializer: transformers draws its
    task heads from this plain normal, so ours start at its scale (a draw truncated at two
    standard deviations has 0.88x the std). The effect on scores is within one seed's spread
    (README, the paired WNUT-2017 comparison).
    """
    return keras.initializers.RandomNormal(stddev=config.initializer_range)


def unbuilt_placeholder():
    """The optimizer a task is compiled with until `fit` builds the real one for its steps
    (construction, and so loading, compile with it); `Task.save` stores it in place of the
    trained one, so a saved file's optimizer state matches what loading builds."""
    return keras.optimizers.AdamW()


class Task(UnusedPooler, StrategyWorkarounds, KnownArguments, keras.Model):
    """A functional model over `BertEncoder` inputs with an optional `BertPreprocessor`.

    Subclasses build the graph, then call `_finish_init(preprocessor)`.
    """

    # The training recipe `compile()` and `fit()` use when not told otherwise; a task class
    # overrides the ones its data wants, and says why (measured in README's task table).
    default_learning_rate = 5e-5
    default_global_clipnorm = 1.0
    default_decay_exclusions = NO_DECAY
    default_group_by_length = True

    def _finish_init(self, preprocessor):
        limit = self.encoder.config.max_position_embeddings
        length = getattr(preprocessor, "sequence_length", None)
        if length is not None and length > limit:
            raise ValueError(
                f"sequence_length {length} exceeds the encoder's max_position_embeddings "
                f"({limit}): positions past {limit} have no embedding."
            )
        self.preprocessor = preprocessor
        self.compile()

    # === Data ===
    def _packed(self, x):
        """Packed features of a batch: raw text through the preprocessor; a dict of
        `token_ids`, `segment_ids`, `padding_mask` as it is."""
        if self.preprocessor is not None and not isinstance(x, dict):
            return self.preprocessor(x)
        return x

    def _finish_batch(self, x, y=None, sample_weight=None):
        """Trims a batch of packed features (and per-token labels) and checks its labels."""
        multiple = XLA_PAD_TO_MULTIPLE_OF if self.jit_compile else 1
        x = trim_padding(x, multiple)
        if y is not None:
            y = self._check_labels(y)
            length = tf.shape(x["padding_mask"])[1]
            # per-token labels follow the features' length
            y = tf.nest.map_structure(lambda t: t[:, :length] if t.shape.rank == 2 else t, y)
        return keras.utils.pack_x_y_sample_weight(x, y, sample_weight)

    @property
    def _data(self) -> TaskData:
        """The input pipeline `fit`, `evaluate` and `predict` build their data with."""
        return TaskData(self._packed, self._finish_batch, self.validate_labels)

    def _check_labels(self, y):
        """In-graph label checks and casts, for labels that arrive through tf.data."""
        return y

    def validate_labels(self, y):
        """Eager checks of array-like labels, before any training starts."""

    # Compiling is part of construction (with the defaults), so a loaded model is compiled
    # already; Keras need not store or replay our compile arguments.
    def get_compile_config(self):
        return None

    def compile_from_config(self, config):
        pass

    # === Training defaults ===
    def compile(
        self,
        optimizer="auto",
        loss="auto",
        metrics="auto",
        learning_rate=None,
        warmup_ratio=0.1,
        decay_ratio=None,
        weight_decay=0.01,
        global_clipnorm="auto",
        decay_exclusions="auto",
        jit_compile=False,
        **kwargs,
    ):
        """Compiles with BERT fine-tuning defaults; every argument can be overridden.

        `optimizer="auto"` (or `"adamw"`) builds AdamW (no decay on the `decay_exclusions`;
        gradients clipped to `global_clipnorm`, None for no clipping) with 10% linear warmup
        and linear decay at `fit` time, when the number of steps is known (with
        `decay_ratio`, the rate stays at the peak until that last fraction of the steps,
        then decays); `"lamb"` builds
        LAMB (`training.lamb.Lamb`) the same way. `"auto"` settings are the task's
        `default_*` attributes: learning rate 5e-5, clipping to norm 1 and no decay on
        LayerNorm and bias unless the task says otherwise. `loss` and `metrics` `"auto"`
        pick the task's own.

        `jit_compile` defaults to False: batches are trimmed to their longest text, and XLA
        compiles every new shape (about 30 s each for a 6-layer model on 2 cores), which
        costs more than its ~10% faster steps save in a fine-tuning run. Pass True for long
        runs.
        """
        self._auto_optimizer = isinstance(optimizer, str) and optimizer in ("auto", *OPTIMIZERS)
        self._optimizer_settings = dict(
            learning_rate=learning_rate or self.default_learning_rate,
            warmup_ratio=warmup_ratio,
            decay_ratio=decay_ratio,
            weight_decay=weight_decay,
            global_clipnorm=(
                self.default_global_clipnorm if global_clipnorm == "auto" else global_clipnorm
            ),
            decay_exclusions=tuple(
                self.default_decay_exclusions if decay_exclusions == "auto" else decay_exclusions
            ),
            name="adamw" if optimizer == "auto" else optimizer,
        )
        self._compile_args = dict(
            loss=self.default_loss() if loss == "auto" else loss,
            metrics=self.default_metrics() if metrics == "auto" else metrics,
            jit_compile=jit_compile,
            **kwargs,
        )
        if not self._auto_optimizer:
            check_replica_clipping(optimizer, self.distribute_strategy.num_replicas_in_sync)
        placeholder = unbuilt_placeholder() if self._auto_optimizer else optimizer
        super().compile(optimizer=placeholder, **self._compile_args)

    def default_loss(self):
        raise NotImplementedError

    def default_metrics(self):
        return None

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        sample_weight=None,
        validation_data=None,
        shuffle=True,
        steps_per_epoch=None,
        seed=0,
        group_by_length="auto",
        backup_dir=None,
        backup_every=200,
        **kwargs,
    ):
        """`keras.Model.fit` on raw strings (see the class docstring for the input forms).

        With `shuffle` and `group_by_length` (`"auto"`: the task's `default_group_by_length`,
        True unless the task says otherwise) and raw-text inputs, each epoch's shuffled
        examples are cut into pools of 50 batches, each pool is sorted by tokenized length
        and split into batches, and the batches are shuffled: texts of similar length share
        a batch, so little compute goes to padding. Without, batches are drawn in random
        order and cut to their longest row. `seed` fixes the order.

        With `backup_dir`, the weights and optimizer state are saved there every
        `backup_every` steps and at each epoch's end. A `fit` with the same arguments and
        `backup_dir` (e.g. after the process was killed) loads the backup and goes on from
        the next batch, in the same data order, with the same learning-rate schedule; the
        backup is deleted when training completes. A user's `tf.data.Dataset` must then
        yield the same batches each time it is iterated; one that reshuffles on every
        iteration can be passed as a function that builds it (`x=lambda: dataset(...)`),
        which is called anew for each `keras.Model.fit` call.
        """
        if group_by_length == "auto":
            group_by_length = self.default_group_by_length
        make_dataset, steps = self._data.training(
            x, y, sample_weight, batch_size, shuffle, seed, group_by_length
        )
        steps = steps_per_epoch or steps
        if validation_data is not None:
            validation_data = self._data.validation(validation_data, batch_size)
        self._plan_optimizer(steps, epochs, backup_dir)
        if steps is None or "initial_epoch" in kwargs:
            self._keep_build_batch(make_dataset)
            return super().fit(
                make_dataset(),
                epochs=epochs,
                validation_data=validation_data,
                steps_per_epoch=steps_per_epoch,
                shuffle=False,  # the dataset is already shuffled
                **kwargs,
            )
        return fit_stream(
            self,
            super().fit,
            make_dataset,
            epochs,
            steps,
            backup_dir,
            backup_every,
            validation_data,
            kwargs,
        )

    def _plan_optimizer(self, steps, epochs, backup_dir):
        """Builds the auto optimizer for `steps * epochs` updates (its schedule needs them)."""
        if steps is None and (self._auto_optimizer or backup_dir is not None):
            raise ValueError(
                "The dataset's length is unknown, so the learning-rate schedule and the "
                "backups cannot be planned: pass steps_per_epoch=..., or compile with your "
                "own optimizer (and no backup_dir)."
            )
        if self._auto_optimizer:
            # In the scope the model was built in: an optimizer made outside a distribution
            # strategy's scope cannot update its mirrored variables.
            with self.distribute_strategy.scope():
                super().compile(
                    optimizer=create_optimizer(
                        total_steps=max(1, steps * epochs), **self._optimizer_settings
                    ),
                    **self._compile_args,
                )

    def evaluate(self, x=None, y=None, batch_size=None, sample_weight=None, **kwargs):
        if not isinstance(x, tf.data.Dataset):
            self.validate_labels(y)
        dataset = self._data.dataset(x, y, sample_weight, batch_size)
        return super().evaluate(dataset, **kwargs)

    def predict(self, x, batch_size=None, **kwargs):
        if not isinstance(x, tf.data.Dataset):
            x = inputs_to_tensors(x)
            if num_examples(x) == 0:
                return self.empty_prediction()
        return super().predict(self._data.dataset(x, batch_size=batch_size), **kwargs)

    def empty_prediction(self):
        raise NotImplementedError

    # === Saving and loading ===
    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """`keras.Model.save`, without the optimizer's state.

        A loaded task is compiled with the defaults (see `compile_from_config`) and each
        `fit` builds the optimizer for its own schedule, so the trained optimizer's state
        would never be read back: for AdamW it is two more copies of the weights (a file three
        times the size), which Keras then skips on loading with a warning. Backups
        (`fit(backup_dir=...)`) keep it, for resuming. `keras.saving.save_model(model, path)`
        bypasses this method and stores the state.
        """
        trained = self.optimizer
        with self.distribute_strategy.scope():
            self.optimizer = unbuilt_placeholder()  # what a loaded task is compiled with
        try:
            super().save(filepath, overwrite=overwrite, zipped=zipped, **kwargs)
        finally:
            self.optimizer = trained

    @classmethod
    def _load_saved(cls, path):
        """The `cls` model saved at a `.keras` path; None for any other path."""
        if not str(path).endswith(".keras"):
            return None
        model = keras.saving.load_model(path)
        if not isinstance(model, cls):
            raise TypeError(f"{path} holds a {type(model).__name__}, not a {cls.__name__}.")
        return model

    @staticmethod
    def _pretrained_parts(path, sequence_length, **encoder_kwargs):
        """`(encoder, preprocessor)` of a Hugging Face directory or Google checkpoint."""
        from pathlib import Path

        from keras_bert_lib.models.bert_encoder import BertEncoder
        from keras_bert_lib.text.bert_preprocessor import BertPreprocessor

        encoder = BertEncoder.from_checkpoint(path, **encoder_kwargs)
        preprocessor = BertPreprocessor.from_checkpoint(Path(path), sequence_length=sequence_length)
        return encoder, preprocessor

    # === Config ===
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "preprocessor": keras.saving.serialize_keras_object(self.preprocessor)
            if self.preprocessor is not None
            else None,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "preprocessor"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
