"""The suite's serving section: batch-1 latency of one classifier of the reference checkpoint
as each runtime serves it in production, on SST-2 dev sentences sent one at a time.

- ours, SavedModel: `serving_default` on the raw string through a TF1 session (as TF
  Serving runs it), the tokenizer in the graph;
- ours, TFLite float32 and dynamic int8: the same file format a phone runs, tokenizer inside;
- ONNX Runtime: transformers' `BertForSequenceClassification` of the same checkpoint
  exported with a dynamic sequence axis, Hugging Face `tokenizers` outside (no padding).

Both heads are random (latency does not depend on their values). Ratios are the peer's
median latency over ours, so above 1 means ours is faster. Each runtime runs on every core
(ONNX Runtime's and TensorFlow's default; `load_interpreter`'s for LiteRT).

The ceiling rows time each runtime's matrix products alone at each request's length
(`serving_ceilings`): ONNX Runtime's whole request over them is the best ratio that any model
served by that runtime can reach. For LiteRT a second, tighter ceiling adds the tokenizer
and the word-table lookup to the products, in one file taking the raw text.
"""

import tempfile
from functools import partial
from pathlib import Path

import numpy as np
from bench_serving import latencies, session_runner, tflite_runner
from encoder_peers import onnx_session
from serving_ceilings import litert_products, litert_text_floor, rows_of, session_products
from suite_report import ratio

from keras_bert_lib import BertClassifier
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.text_files import read_tsv
from keras_bert_lib.export.saved_model import export_saved_model
from keras_bert_lib.export.tflite import export_tflite

NAMES = ("input_ids", "attention_mask", "token_type_ids")
TF_PRODUCTS = "TF matrix products alone"
LITERT_PRODUCTS = "LiteRT matrix products alone"
LITERT_FLOOR = "LiteRT tokenizer, lookup and matrix products alone"


def onnx_classifier(checkpoint: Path, directory: Path, max_length: int):
    """`text -> logits` through ONNX Runtime, tokenized by Hugging Face `tokenizers`."""
    import torch
    import transformers
    from tokenizers import Tokenizer

    model = transformers.BertForSequenceClassification.from_pretrained(
        checkpoint, num_labels=2, attn_implementation="eager"
    ).eval()

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, ids, mask, segments):
            return self.model(input_ids=ids, attention_mask=mask, token_type_ids=segments).logits

    tokenizer = Tokenizer.from_file(str(checkpoint / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    example = tokenizer.encode("an example sentence to trace the graph")
    inputs = tuple(
        torch.tensor([values]) for values in (example.ids, example.attention_mask, example.type_ids)
    )
    length = torch.export.Dim("sequence", min=2, max=max_length)
    session = onnx_session(Logits(), inputs, directory, NAMES, ({1: length},) * 3)

    def run(text):
        encoding = tokenizer.encode(text)
        values = (encoding.ids, encoding.attention_mask, encoding.type_ids)
        feed = {name: np.array([v], dtype=np.int64) for name, v in zip(NAMES, values, strict=True)}
        return session.run(None, feed)

    return run


def on_rows(products, rows, text):
    return products(rows[text])


def run(settings) -> tuple[list, dict]:
    checkpoint = reference_checkpoint_path()
    rows = read_tsv(settings.data / "sst2" / "dev.tsv")[: settings.serving_requests]
    texts = [row["sentence"] for row in rows]
    model = BertClassifier.from_checkpoint(
        checkpoint, num_classes=2, sequence_length=settings.sequence_length
    )
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        runners = {
            "ONNX Runtime": onnx_classifier(checkpoint, directory, settings.sequence_length),
            "SavedModel": session_runner(export_saved_model(model, directory / "saved_model")),
        }
        for name, quantization in (("TFLite", None), ("TFLite dynamic int8", "dynamic_int8")):
            path = export_tflite(model, directory / f"{name}.tflite", quantization=quantization)
            runners[name] = tflite_runner(path)
        config = model.encoder.config
        pieces = np.sum(model.preprocessor(texts)["padding_mask"], axis=1).tolist()
        rows = dict(zip(texts, rows_of(pieces, config.hidden_size), strict=True))
        ceilings = {
            TF_PRODUCTS: session_products(config),
            LITERT_PRODUCTS: litert_products(config, directory),
        }
        for name, products in ceilings.items():
            runners[name] = partial(on_rows, products, rows)
        runners[LITERT_FLOOR] = litert_text_floor(model, directory)
        medians = {}
        for _ in range(settings.rounds):  # interleaved rounds, each path's best kept
            for name, fn in runners.items():
                median = latencies(fn, texts, warmup=min(10, len(texts)))["median_ms"]
                medians[name] = min(medians.get(name, median), median)
    details = {
        "requests": len(texts),
        "mean_words": round(float(np.mean([len(t.split()) for t in texts])), 1),
        "median_pieces": float(np.median(pieces)),
        "median_ms": medians,
    }
    onnx, tflite = medians["ONNX Runtime"], medians["TFLite"]
    return [
        ratio(
            "serving",
            "batch 1: ONNX Runtime / ours SavedModel (latency)",
            onnx / medians["SavedModel"],
            1.0,
        ),
        ratio(
            "serving",
            f"batch 1: ONNX Runtime / {TF_PRODUCTS} (ceiling)",
            onnx / medians[TF_PRODUCTS],
        ),
        ratio("serving", "batch 1: ONNX Runtime / ours TFLite (latency)", onnx / tflite, 1.25),
        ratio(
            "serving",
            f"batch 1: ONNX Runtime / {LITERT_PRODUCTS} (ceiling)",
            onnx / medians[LITERT_PRODUCTS],
        ),
        ratio(
            "serving",
            f"batch 1: ONNX Runtime / {LITERT_FLOOR} (ceiling)",
            onnx / medians[LITERT_FLOOR],
        ),
        ratio(
            "int8",
            "batch 1: TFLite float32 / dynamic int8 (latency)",
            tflite / medians["TFLite dynamic int8"],
            1.6,
        ),
    ], details
