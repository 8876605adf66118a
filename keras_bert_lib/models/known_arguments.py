"""A functional model that refuses keyword arguments it does not know."""

# What `keras.Model` does with keyword arguments when built from inputs and outputs.
FUNCTIONAL_ARGUMENTS = ("inputs", "outputs", "name", "trainable")


class KnownArguments:
    """Mixed into our functional models, just before `keras.Model`.

    Keras' functional `Model` drops keyword arguments it does not know without a word, so a
    misspelt or misplaced one (`pooling="mean"` reaching the encoder instead of the
    classifier) would build another model than the one asked for. This names them instead.
    """

    def __init__(self, *args, **kwargs):
        unknown = sorted(set(kwargs) - set(FUNCTIONAL_ARGUMENTS))
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments {unknown}.")
        super().__init__(*args, **kwargs)
