"""The main job, end to end on the bundled reference checkpoint (all-MiniLM-L6-v2).

1. Sentence embeddings: a `SentenceEncoder` (in-graph tokenizer + encoder + mean pooling,
   as sentence-transformers uses this checkpoint) prints a cosine-similarity table.
2. Fine-tuning: a `BertClassifier` trains briefly on a small labelled TSV (by default the
   tiny sentiment set in tools/data/) straight from raw strings, then predicts new ones.
3. Deployment: the classifier is exported to the TF Serving repository
   (`saved_models/sentiment/VERSION/`, listed in `saved_models/models.config`) and to
   `saved_models/sentiment.tflite` (tokenizer inside); each predicts the new sentences, the
   SavedModel through the TF1 session loader in a fresh process, as TF Serving loads it,
   and the `.tflite` file through LiteRT.
4. Explanation: integrated-gradients attributions of the first new review's predicted
   class, printed per word and drawn as `runs/demo/attributions.png` (the README shows one).

    python tools/end_to_end.py [--train sentences.tsv --epochs 8]
"""

import argparse
from pathlib import Path

import keras_bert_lib.environment  # noqa: F401  (first: before TensorFlow loads)

import keras
import numpy as np

from keras_bert_lib import BertClassifier, SentenceEncoder
from keras_bert_lib.checkpoints import reference_checkpoint_path
from keras_bert_lib.data.glue import load_tsv_task
from keras_bert_lib.export.parity import run_tflite
from keras_bert_lib.export.repository import export_to_repository
from keras_bert_lib.export.session_loader import run_in_fresh_process
from keras_bert_lib.export.tflite import export_tflite
from keras_bert_lib.interpret import integrated_gradients, plot_attributions

TINY_SET = Path(__file__).resolve().parent / "data" / "tiny_sentiment.tsv"
SENTENCES = [
    "A man is playing a guitar.",
    "Someone plays an acoustic guitar on stage.",
    "The stock market fell sharply today.",
    "Shares dropped as investors worried about rates.",
    "A cat sleeps on the warm windowsill.",
]
NEW_REVIEWS = [
    "an absolute triumph , funny and wise",
    "a tiresome , lifeless bore",
    "wonderful acting and a lovely story",
    "predictable , sloppy and far too long",
]


def similarity_table(checkpoint):
    encoder = SentenceEncoder.from_checkpoint(checkpoint)
    config = encoder.encoder.config
    print(
        f"SentenceEncoder: {config.num_layers} layers, hidden {config.hidden_size}, "
        f"{encoder.pooling} pooling, {encoder.encoder.count_params():,} parameters"
    )
    similarity = encoder.similarity(SENTENCES, SENTENCES)
    print("\nCosine similarity:")
    print("     " + "".join(f"{j:>7}" for j in range(len(SENTENCES))))
    for i, row in enumerate(similarity):
        print(f"{i:>4} " + "".join(f"{value:7.3f}" for value in row) + f"   {SENTENCES[i]}")


def fine_tune(checkpoint, train_path, epochs):
    task = load_tsv_task(train_path, "sentence", "label")
    print(f"\nFine-tuning a BertClassifier on {len(task)} labelled sentences from {train_path}")
    keras.utils.set_random_seed(0)
    classifier = BertClassifier.from_checkpoint(
        checkpoint, num_classes=task.num_classes, sequence_length=64
    )
    classifier.compile(learning_rate=1e-4)
    classifier.fit(task.texts, task.labels, batch_size=8, epochs=epochs, verbose=2)
    probabilities = keras.ops.softmax(classifier.predict(NEW_REVIEWS, verbose=0)).numpy()
    print("\nPredictions on new raw strings:")
    for text, row in zip(NEW_REVIEWS, probabilities, strict=True):
        label = task.label_names[int(np.argmax(row))]
        print(f"  label {label}  p={row.max():.3f}  {text}")
    return classifier, task.label_names


def deploy(classifier, label_names, repository):
    directory = export_to_repository(classifier, "sentiment", repository)
    served = run_in_fresh_process(directory, "serving_default", {"text": np.array(NEW_REVIEWS)})
    tflite_path = export_tflite(classifier, Path(repository) / "sentiment.tflite")
    lite = run_tflite(tflite_path, {"text": NEW_REVIEWS})
    print(f"\nExported the SavedModel to {directory} (listed in {repository}/models.config)")
    print(f"and the TFLite file to {tflite_path} ({tflite_path.stat().st_size / 2**20:.1f} MB).")
    print("Predictions: SavedModel via the TF1 session loader (as TF Serving) | TFLite:")
    for i, text in enumerate(NEW_REVIEWS):
        print(
            f"  {label_names[served['label'][i]]} p={served['probabilities'][i].max():.3f}"
            f" | {label_names[lite['label'][i]]} p={lite['probabilities'][i].max():.3f}  {text}"
        )


def explain(classifier, label_names, output_dir):
    scores = integrated_gradients(classifier, NEW_REVIEWS[0])
    output_dir.mkdir(parents=True, exist_ok=True)
    title = f"why '{label_names[scores.target]}': integrated gradients"
    path = plot_attributions(scores, output_dir / "attributions.png", title=title)
    print(f"\nWhy '{label_names[scores.target]}' for {NEW_REVIEWS[0]!r} (word: attribution):")
    for (word, _, _), score in zip(scores.words, scores.word_scores, strict=True):
        print(f"  {word:>12} {score:+.3f}")
    print(f"Drawn in {path}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--train", type=Path, default=TINY_SET, help="TSV with 'sentence' and 'label' columns"
    )
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--repository", type=Path, default=Path("saved_models"))
    parser.add_argument("--explain-dir", type=Path, default=Path("runs/demo"))
    args = parser.parse_args()
    checkpoint = reference_checkpoint_path()
    print(f"Reference checkpoint: {checkpoint}")
    similarity_table(checkpoint)
    classifier, label_names = fine_tune(checkpoint, args.train, args.epochs)
    deploy(classifier, label_names, args.repository)
    explain(classifier, label_names, args.explain_dir)


if __name__ == "__main__":
    main()
