"""Explains a classifier's prediction for a text: attention maps and integrated-gradients
attributions as pictures, and the scores as JSON.

    python tools/explain.py --model runs/sst2/model.keras --text "a gripping, moving film" \
        --output-dir runs/explain

Writes `OUTPUT/attention_layer_L.png` (every head of layer L, the last by default; or one
head across layers with `--head H`), `OUTPUT/attributions.png` and `.html` (each word
coloured by its integrated-gradients score for the predicted class, or `--target`), and
`OUTPUT/scores.json` (the logits, the wordpiece and word scores, and the completeness check:
the scores' sum against `f(text) - f(baseline)`).
"""

import argparse
import json
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras

from keras_bert_lib import BertClassifier
from keras_bert_lib.interpret import (
    attention_maps,
    attributions_html,
    integrated_gradients,
    plot_attention,
    plot_attributions,
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="a saved BertClassifier")
    parser.add_argument("--text", required=True)
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--target", type=int, default=None, help="class (default: predicted)")
    parser.add_argument("--steps", type=int, default=64, help="integrated-gradients steps")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--layer", type=int, default=None, help="all heads of this layer")
    which.add_argument("--head", type=int, default=None, help="this head in every layer")
    return parser.parse_args()


def main():
    args = parse_args()
    model = keras.saving.load_model(args.model)
    if not isinstance(model, BertClassifier):
        raise SystemExit(f"{args.model} holds a {type(model).__name__}, not a BertClassifier.")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    maps = attention_maps(model, args.text)
    if args.head is None:
        layer = model.encoder.config.num_layers - 1 if args.layer is None else args.layer
        attention = plot_attention(maps, args.output_dir / f"attention_layer_{layer}.png", layer)
    else:
        attention = plot_attention(
            maps, args.output_dir / f"attention_head_{args.head}.png", head=args.head
        )
    scores = integrated_gradients(model, args.text, target=args.target, steps=args.steps)
    plot_attributions(scores, args.output_dir / "attributions.png")
    (args.output_dir / "attributions.html").write_text(attributions_html(scores) + "\n")
    logits = model.predict([args.text], verbose=0)[0]
    report = {
        "text": args.text,
        "logits": [float(v) for v in logits],
        "target": scores.target,
        "tokens": scores.tokens,
        "token_scores": [float(v) for v in scores.token_scores],
        "words": [{"word": w, "start": a, "end": b, "score": float(s)}
                  for (w, a, b), s in zip(scores.words, scores.word_scores, strict=True)],
        "sum_of_scores": float(scores.token_scores.sum()),
        "logit_minus_baseline": scores.delta,
        "attention_png": str(attention),
    }  # fmt: skip
    (args.output_dir / "scores.json").write_text(json.dumps(report, indent=2) + "\n")
    top = sorted(report["words"], key=lambda w: -abs(w["score"]))[:5]
    print(json.dumps({"target": scores.target, "top_words": top}, indent=2))


if __name__ == "__main__":
    main()
