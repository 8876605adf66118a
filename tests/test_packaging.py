"""The package as users install it: an sdist built from the tracked sources, a wheel built
from that sdist (what `pip install .` and PyPI ship), and the tokenizer and a tiny model run
from the unpacked wheel in a fresh process that cannot see the source tree."""

import subprocess
import sys
import tarfile
import zipfile

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

BUILD = "import sys; from setuptools import build_meta as b; print(b.build_{}(sys.argv[1]))"
RUN_FROM_WHEEL = """
import pathlib, sys
import keras_bert_lib
from keras_bert_lib import BertClassifier, BertConfig, BertEncoder, BertPreprocessor, BertTokenizer
assert pathlib.Path(keras_bert_lib.__file__).is_relative_to(sys.argv[1]), keras_bert_lib.__file__
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "cafe", "great", "!"]
tokenizer = BertTokenizer(vocab)  # reads the packaged code-point tables
print(tokenizer.tokenize(["Café GREAT!"]).to_list())
config = BertConfig(vocab_size=len(vocab), hidden_size=8, num_layers=1, num_heads=2,
                    intermediate_size=16, max_position_embeddings=16)
preprocessor = BertPreprocessor(tokenizer, sequence_length=16)
model = BertClassifier(BertEncoder(config), num_classes=2, preprocessor=preprocessor)
print(model.predict(["cafe great"], verbose=0).shape)
"""


def build(kind, source, out):
    completed = subprocess.run(
        [sys.executable, "-c", BUILD.format(kind), str(out)],
        cwd=source, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out / completed.stdout.split()[-1]


def test_sdist_and_wheel_ship_the_tokenizer_tables_and_run(tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    source = tmp_path / "source"
    for name in tracked:
        if name.startswith("keras_bert_lib/") or name in (
            "setup.cfg",
            "pyproject.toml",
            "README.md",
        ):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((REPO / name).read_bytes())
    sdist = build("sdist", source, tmp_path / "dist")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
        names = archive.getnames()
    assert any(n.endswith("keras_bert_lib/text/tables/bert_uncased.json") for n in names)
    wheel = build("wheel", next((tmp_path / "unpacked").iterdir()), tmp_path / "wheel")
    with zipfile.ZipFile(wheel) as archive:
        tables = {n for n in archive.namelist() if n.startswith("keras_bert_lib/text/tables/")}
        archive.extractall(tmp_path / "site")
    assert tables == {
        "keras_bert_lib/text/tables/bert_cased.json",
        "keras_bert_lib/text/tables/bert_uncased.json",
    }
    installed = tmp_path / "site"
    completed = subprocess.run(
        [sys.executable, "-c", RUN_FROM_WHEEL, str(installed)],
        cwd=tmp_path, env={"PYTHONPATH": str(installed)},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.split("\n")[:2] == ["[[5, 6, 7]]", "(1, 2)"]
