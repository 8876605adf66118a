"""The process settings keras_bert_lib needs before TensorFlow and Keras load: the one place
that sets them.

- `KERAS_BACKEND=tensorflow`: the library is TF-backend only.
- `TF_CPP_MIN_LOG_LEVEL=2`: TensorFlow's C++ INFO and WARNING lines are hidden; errors still
  show. (In TensorFlow 2.21 the few lines logged before absl initialises its logging, such as
  the oneDNN notice, are printed whatever the level.)

Both are defaults (`os.environ.setdefault`): a value the user set wins. They take effect only
if this module is imported before TensorFlow, which `import keras_bert_lib` does first; the
tools and benchmarks import it as their first import for the same reason.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
