"""Mixed-precision helpers: which parts of BERT must compute in float32."""

import keras


def float32_policy(policy):
    """The float32 policy for numerically sensitive sublayers (LayerNorm, softmax).

    Under `mixed_float16` / `mixed_bfloat16` the variables are float32 already; only the
    compute dtype changes. LayerNorm statistics and softmax normalisers lose too much in
    16 bits, so those sublayers compute in float32 and their outputs are cast back.
    """
    policy = keras.dtype_policies.get(policy)
    if policy.variable_dtype != "float32":
        raise ValueError(
            f"keras_bert_lib keeps variables in float32; dtype policy {policy.name!r} stores "
            f"them as {policy.variable_dtype}. Use 'float32', 'mixed_float16' or 'mixed_bfloat16'."
        )
    return keras.dtype_policies.get("float32")
