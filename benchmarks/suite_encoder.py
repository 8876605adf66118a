"""The suite's encoder section: forward throughput of ours and every peer, in interleaved
rounds, beside the fp32 GEMM peak measured in the same process."""

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
from suite_report import ratio

from keras_bert_lib import BertConfig

OURS = "ours (XLA)"
PEAK = "GEMM peak"
PEERS = {
    "keras-hub (XLA)": keras_hub_runner,
    "ONNX Runtime": onnx_runner,
    "PyTorch": torch_runner,
}
# Issue #23's bars for the first batch shape; the others are reported only.
BARS = {PEAK: 0.95, "ONNX Runtime": 1.05, "PyTorch": 1.3}


def run(settings) -> tuple[list, dict]:
    """`(ratios, details)`: for each batch shape, ours against each peer and the GEMM peak,
    which is timed in the same rounds as the encoders."""
    config = BertConfig.from_preset(settings.preset)
    flops = forward_flops(config, settings.sequence_length)
    gemm, gemm_flops = gemm_peak_runner(settings.gemm_size)
    ratios, details = [], {"preset": settings.preset, "gflop_per_sequence": flops / 1e9}
    for index, batch_size in enumerate(settings.encoder_batch_sizes):
        batch = random_batch(config, batch_size, settings.sequence_length)
        runners = {PEAK: gemm, OURS: ours_runner(config, batch)}
        runners |= {name: make(config, batch) for name, make in PEERS.items()}
        runners = {name: fn for name, fn in runners.items() if fn is not None}
        seconds = interleaved_rounds(runners, settings.rounds, settings.iterations, settings.warmup)
        peak = gemm_flops / seconds.pop(PEAK) / 1e9
        rates = {name: batch_size / s for name, s in seconds.items()}
        shape = f"batch {batch_size} x {settings.sequence_length}"
        details[shape] = {
            "gemm_peak_gflops": round(peak, 1),
            "sequences_per_second": {k: round(v, 2) for k, v in rates.items()},
            "share_of_peak": {k: round(v * flops / 1e9 / peak, 3) for k, v in rates.items()},
        }
        ours_gflops = rates[OURS] * flops / 1e9
        measured = {PEAK: ours_gflops / peak}
        measured |= {name: rates[OURS] / rates[name] for name in rates if name != OURS}
        for name, value in measured.items():
            bar = BARS.get(name) if index == 0 else None
            ratios.append(ratio("encoder", f"{shape}: ours / {name}", value, bar))
    return ratios, details
