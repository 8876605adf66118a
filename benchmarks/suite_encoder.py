"""The suite's encoder section: forward throughput of ours and every peer, in interleaved
rounds, beside the fp32 GEMM peak measured in the same process."""

import numpy as np
from bench_timing import interleaved_rounds
from encoder_peers import (
    forward_flops,
    gemm_peak_runner,
    keras_hub_runner,
    onnx_runner,
    ours_runner,
    random_batch,
    torch_runner,
)

from keras_bert_lib import BertConfig

OURS = "ours (XLA)"
PEERS = {
    "keras-hub (XLA)": keras_hub_runner,
    "ONNX Runtime": onnx_runner,
    "PyTorch": torch_runner,
}
# Issue #23's bars for the first batch shape; the others are reported only.
BARS = {"GEMM peak": 0.95, "ONNX Runtime": 1.05, "PyTorch": 1.3}


def gemm_peak(size: int, rounds: int, iterations: int) -> float:
    """GFLOP/s of the best round of a `size` square fp32 product."""
    run, flops = gemm_peak_runner(size)
    seconds = interleaved_rounds({"gemm": run}, rounds, iterations, warmup=2)["gemm"]
    return flops / seconds / 1e9


def run(settings) -> tuple[list, dict]:
    """`(ratios, details)`: for each batch shape, ours against each peer and the peak."""
    config = BertConfig.from_preset(settings.preset)
    flops = forward_flops(config, settings.sequence_length)
    ratios, details = [], {"preset": settings.preset, "gflop_per_sequence": flops / 1e9}
    for index, batch_size in enumerate(settings.encoder_batch_sizes):
        batch = random_batch(config, batch_size, settings.sequence_length)
        runners = {OURS: ours_runner(config, batch)}
        runners |= {name: make(config, batch) for name, make in PEERS.items()}
        runners = {name: fn for name, fn in runners.items() if fn is not None}
        seconds = interleaved_rounds(runners, settings.rounds, settings.iterations, settings.warmup)
        peak = gemm_peak(settings.gemm_size, settings.rounds, settings.iterations)
        rates = {name: batch_size / s for name, s in seconds.items()}
        shape = f"batch {batch_size} x {settings.sequence_length}"
        details[shape] = {
            "gemm_peak_gflops": round(peak, 1),
            "sequences_per_second": {k: round(v, 2) for k, v in rates.items()},
            "share_of_peak": {k: round(v * flops / 1e9 / peak, 3) for k, v in rates.items()},
        }
        ours_gflops = rates[OURS] * flops / 1e9
        measured = {"GEMM peak": ours_gflops / peak}
        measured |= {name: rates[OURS] / rates[name] for name in rates if name != OURS}
        for name, value in measured.items():
            ratios.append(
                {
                    "section": "encoder",
                    "measure": f"{shape}: ours / {name}",
                    "value": float(np.round(value, 3)),
                    "bar": BARS.get(name) if index == 0 else None,
                }
            )
    return ratios, details
