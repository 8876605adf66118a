"""Which variables get no weight decay: LayerNorm and bias, as BERT and Hugging Face do."""

# Substrings of variable paths.
NO_DECAY = ("bias", "gamma", "beta", "layer_norm", "LayerNorm")
