"""`python -m benchmarks --smoke`: every section of the one benchmark command runs, so the
benchmarks cannot rot. Timings are not checked (tests never judge speed)."""

import json
import math
import subprocess
import sys

from tests.conftest import REPO

SECTIONS = {"encoder", "serving", "int8", "tokenizer", "training"}


def test_smoke_run_writes_every_section(tmp_path, shared_data, reference_dir):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--smoke",
            "--data",
            str(shared_data),
            "--output-dir",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads((tmp_path / "benchmarks.json").read_text())
    assert report["smoke"] is True
    assert {ratio["section"] for ratio in report["ratios"]} == SECTIONS
    for ratio in report["ratios"]:
        assert math.isfinite(ratio["value"]) and ratio["value"] > 0, ratio
        assert ratio["verdict"] == "report", ratio  # a smoke run judges no bar
    assert (tmp_path / "benchmarks.png").stat().st_size > 10_000
    encoder = report["details"]["encoder"]["batch 2 x 16"]
    assert set(encoder["sequences_per_second"]) == {
        "GEMMs alone (oneDNN)",
        "ours (graph)",
        "ours (XLA)",
        "keras-hub (XLA)",
        "ONNX Runtime",
        "PyTorch",
    }
    assert set(report["details"]["serving"]["median_ms"]) == {
        "ONNX Runtime",
        "SavedModel",
        "TFLite",
        "TFLite dynamic int8",
        "TF matrix products alone",
        "LiteRT matrix products alone",
        "LiteRT tokenizer, lookup and matrix products alone",
    }
    assert "verdict" in completed.stdout
