"""Every speed benchmark in one command: ours and the peers interleaved, one table of ratios.

    python -m benchmarks                     # or `make bench`; about 11 minutes on 2 cores
    python -m benchmarks --smoke             # seconds: checks that every section runs

Sections (`--sections`):
- `encoder`: BERT-base forward at batch 8 x 128 (ours as a graph and with XLA, the faster
  counts) against the fp32 GEMM peak of the same process, ONNX Runtime, PyTorch and
  keras-hub, with the ceiling the encoder's matrix products alone set (batches 1 and 32
  reported);
- `serving`: batch-1 latency of the reference classifier on SST-2 dev sentences, our
  SavedModel (TF1 session) and TFLite against ONNX Runtime with Hugging Face `tokenizers`
  outside; `int8`, from the same run: dynamic int8 TFLite against float32;
- `tokenizer`: exact and tflite modes against Hugging Face `tokenizers` on the whole
  `../shared/data` corpus;
- `training`: one optimizer step at batch 32 x 128 against transformers: fine-tuning the
  reference checkpoint (pair classification, token classification) and pretraining
  `bert_base` (MLM + NSP, 20 masked positions).

Each ratio puts ours over the peer (for latencies the peer's over ours: above 1 is ours
ahead), measured in rounds that time every path in turn, each path's best round kept. Prints
the table with issue #23's bar and whether it is met, and writes `OUTPUT/benchmarks.json`
(the ratios and every rate) and `OUTPUT/benchmarks.png`. `--smoke` runs every section on
tiny sizes: it checks that the suite runs, and prints no verdicts.

Run it alone: a training job or the test suite beside it takes cores from every path.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

# The benchmarks import each other as siblings, as when one is run as a script.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras_bert_lib.environment  # noqa: E402, F401  (first: before TensorFlow loads)

import suite_encoder  # noqa: E402
import suite_report  # noqa: E402
import suite_serving  # noqa: E402
import suite_tokenizer  # noqa: E402
import suite_training  # noqa: E402
from bench_tokenizer import DEFAULT_DATA  # noqa: E402

SECTIONS = {
    "encoder": suite_encoder,
    "serving": suite_serving,
    "tokenizer": suite_tokenizer,
    "training": suite_training,
}
SMOKE = {
    "preset": "bert_tiny",
    "sequence_length": 16,
    "encoder_batch_sizes": [2],
    "gemm_size": 256,
    "rounds": 1,
    "iterations": 1,
    "warmup": 1,
    "tokenizer_texts": 64,
    "serving_requests": 5,
    "training_batch_size": 2,
    "training_iterations": 1,
    "pretraining_preset": "bert_tiny",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sections", nargs="+", choices=sorted(SECTIONS), default=list(SECTIONS))
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: that it runs, no timing")
    parser.add_argument("--output-dir", type=Path, default=Path("runs/benchmarks"))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=5, help="calls per path per round")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--preset", default="bert_base")
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument(
        "--encoder-batch-sizes",
        type=int,
        nargs="+",
        default=[8, 1, 32],
        help="the first is held to the bars, the others are reported",
    )
    parser.add_argument("--gemm-size", type=int, default=4096)
    parser.add_argument("--serving-requests", type=int, default=200, help="SST-2 dev sentences")
    parser.add_argument("--training-batch-size", type=int, default=32)
    parser.add_argument("--training-iterations", type=int, default=3, help="steps per round")
    parser.add_argument("--pretraining-preset", default="bert_base")
    parser.add_argument("--tokenizer-texts", type=int, default=None, help="default: the corpus")
    args = parser.parse_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
    return args


def machine() -> str:
    model = platform.processor() or platform.machine()
    flags = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        model = next((ln.split(":", 1)[1].strip() for ln in lines if "model name" in ln), model)
        flags = next((ln for ln in lines if ln.startswith("flags")), "")
    simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    return f"{model}, {os.cpu_count()} cores, {simd}"


def main(argv=None):
    args = parse_args(argv)
    header = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "smoke": args.smoke,
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    print(f"{header['machine']}; {header['date']}{'; smoke' if args.smoke else ''}")
    ratios, details = [], {}
    for name in args.sections:
        start = time.perf_counter()
        section_ratios, details[name] = SECTIONS[name].run(args)
        details[name]["seconds"] = round(time.perf_counter() - start, 1)
        if args.smoke:  # timings of tiny shapes say nothing about the bars
            section_ratios = [r | {"bar": None} for r in section_ratios]
        ratios += section_ratios
        print(f"{name}: {details[name]['seconds']} s")
    suite_report.print_table(ratios)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    suite_report.write_json(args.output_dir / "benchmarks.json", header, ratios, details)
    suite_report.write_png(args.output_dir / "benchmarks.png", header, ratios)
    print(f"wrote {args.output_dir / 'benchmarks.json'} and benchmarks.png")


if __name__ == "__main__":
    main()
