"""Peak memory and speed of pretraining-data creation against the size of the corpus, for
the current tool and, side by side, the tool at an earlier commit.

    python benchmarks/pretraining_data_memory.py --source ../shared/data/wikipedia/train \
        --megabytes 64 512 --baseline-commit ecb0f07 --checkpoint runs/wiki/vocab8k

The source articles are written once as plain text (a document per blank-line-separated
block, so that a tool without WikiExtractor input reads the same documents), then linked
as many times as it takes to reach each size. Each run is a fresh process that imports
TensorFlow and the library, records its resident memory (VmRSS), then runs the tool; the
figure is the peak (VmHWM) minus that. Prints a table and writes it as JSON.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNNER = """
import os, runpy, sys
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # every version's tool, old ones too
import tensorflow, keras_bert_lib.data, keras_bert_lib.text  # what every version imports
assert keras_bert_lib.data.__file__.startswith(sys.argv[1]), keras_bert_lib.data.__file__

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

after_imports = status("VmRSS")
tool = sys.argv[2]
sys.argv = [tool, *sys.argv[3:]]
runpy.run_path(tool, run_name="__main__")
print("MEMORY", after_imports, status("VmHWM"), flush=True)
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="WikiExtractor directory")
    parser.add_argument("--megabytes", type=int, nargs="+", default=[64, 512])
    parser.add_argument("--checkpoint", type=Path, default=None, help="tokenizer to use")
    parser.add_argument("--baseline-commit", default=None, help="also run the tool at this commit")
    parser.add_argument("--dupe-factor", type=int, default=1)
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=Path("runs/pretraining_data_memory.json"))
    return parser.parse_args()


def plain_text_copy(source, directory) -> Path:
    """The source's documents as one plain-text file, documents between two blank lines."""
    sys.path.insert(0, str(REPO))
    from keras_bert_lib.data.documents import iter_documents

    path = directory / "articles.txt"
    if not path.exists():
        blocks = ("\n".join(document) for document in iter_documents([source]))
        path.write_text("\n\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def corpus_of(base, megabytes, directory) -> Path:
    """`base` linked as many times as it takes to hold `megabytes`."""
    corpus = directory / f"corpus_{megabytes}mb"
    if not corpus.exists():
        corpus.mkdir()
        copies = -(-megabytes * 2**20 // base.stat().st_size)
        for index in range(copies):
            (corpus / f"part-{index:05d}.txt").symlink_to(base)
    return corpus


def run(library, tool, corpus, output, args) -> dict:
    command = [
        sys.executable, "-c", RUNNER, str(library), str(tool), "--input", str(corpus),
        "--output-prefix", str(output), "--blank-lines-separate-documents",
        "--dupe-factor", str(args.dupe_factor), "--num-shards", "10",
    ]  # fmt: skip
    if args.checkpoint:  # absolute: each version runs in its own directory
        command += ["--checkpoint", str(args.checkpoint.resolve())]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=library)
    if completed.returncode:
        raise SystemExit(completed.stderr[-3000:])
    after_imports, peak = map(int, completed.stdout.split("MEMORY")[-1].split())
    summary = json.loads(Path(f"{output}.json").read_text())
    return {
        "examples": summary["examples"],
        "seconds": summary["seconds"],
        "examples_per_second": summary["examples_per_second"],
        "rss_after_imports_mb": round(after_imports / 2**20, 1),
        "peak_rss_mb": round(peak / 2**20, 1),
        "growth_mb": round((peak - after_imports) / 2**20, 1),
    }


def main():
    args = parse_args()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="pretraining_memory_"))
    work.mkdir(parents=True, exist_ok=True)
    base = plain_text_copy(args.source, work)
    versions = {"current": REPO}
    if args.baseline_commit:
        baseline = work / f"baseline_{args.baseline_commit}"
        if not baseline.exists():
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(baseline), args.baseline_commit],
                cwd=REPO, check=True, capture_output=True,
            )  # fmt: skip
        versions[args.baseline_commit] = baseline
    rows = []
    for name, library in versions.items():
        for megabytes in args.megabytes:
            corpus = corpus_of(base, megabytes, work)
            output = work / f"out_{name}_{megabytes}mb" / "train"
            shutil.rmtree(output.parent, ignore_errors=True)  # a finished output is not redone
            row = {"tool": name, "input_mb": megabytes, **run(
                library, library / "tools" / "create_pretraining_data.py", corpus, output, args
            )}  # fmt: skip
            print(json.dumps(row), flush=True)
            rows.append(row)
    print(f"\n{'tool':>10} {'input MB':>8} {'examples':>9} {'ex/s':>7} {'peak-imports MB':>15}")
    for row in rows:
        print(
            f"{row['tool']:>10} {row['input_mb']:>8} {row['examples']:>9} "
            f"{row['examples_per_second']:>7.0f} {row['growth_mb']:>15.1f}"
        )
    for name in versions:
        mine = [r for r in rows if r["tool"] == name]
        if len(mine) >= 2:
            first, last = mine[0], mine[-1]
            print(
                f"{name}: {last['input_mb'] // first['input_mb']}x input -> memory growth "
                f"x{last['growth_mb'] / first['growth_mb']:.3f}, examples/s "
                f"x{last['examples_per_second'] / first['examples_per_second']:.3f}"
            )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(rows, indent=2) + "\n")
    if args.baseline_commit:
        worktree = str(versions[args.baseline_commit])
        subprocess.run(["git", "worktree", "remove", "--force", worktree], cwd=REPO, check=False)


if __name__ == "__main__":
    main()
