"""The `>>>` examples in the library's docstrings run as doctests, so they stay true.

Examples that need files or a trained model carry `# doctest: +SKIP` and are read, not run.
"""

import doctest
import importlib
import pkgutil

import pytest

import keras_bert_lib

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(keras_bert_lib.__path__, prefix="keras_bert_lib.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_examples_are_found():
    finder = doctest.DocTestFinder()
    examples = sum(
        len(test.examples)
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
    )
    assert examples > 50
