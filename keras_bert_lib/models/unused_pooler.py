"""The encoder's pooler, left out of training by tasks whose outputs do not read it."""


class UnusedPooler:
    """Mixed into `Task` (before `keras.Model`).

    A task whose outputs do not read the encoder's `pooled_output` (token tasks, pooled
    sentence embeddings, MLM-only pretraining) sets `uses_pooled_output` False: the pooler is
    then left out of the trainable variables, as Hugging Face builds those models without one
    (`add_pooling_layer=False`), instead of Keras warning at each `fit` that its gradients do
    not exist and AdamW keeping moments for it. Its weights stay in the model (among the
    non-trainable ones, so `summary()` counts them) and in its saved encoder, so a classifier
    on that encoder has its pooler.
    """

    uses_pooled_output = True

    @property
    def trainable_weights(self):
        return self._split_unused_pooler(super().trainable_weights)[0]

    @property
    def trainable_variables(self):
        return self._split_unused_pooler(super().trainable_variables)[0]

    @property
    def non_trainable_weights(self):
        unused = self._split_unused_pooler(super().trainable_weights)[1]
        return super().non_trainable_weights + unused

    @property
    def non_trainable_variables(self):
        unused = self._split_unused_pooler(super().trainable_variables)[1]
        return super().non_trainable_variables + unused

    def _split_unused_pooler(self, variables):
        """`(trained, unused)`: `variables` without and with only the pooler's, when the
        task's outputs do not read the pooled output (else all are trained)."""
        encoder = getattr(self, "encoder", None)  # None while the graph is being built
        if encoder is None or self.uses_pooled_output:
            return variables, []
        pooler = {id(variable) for variable in encoder.pooler.weights}
        return (
            [variable for variable in variables if id(variable) not in pooler],
            [variable for variable in variables if id(variable) in pooler],
        )
