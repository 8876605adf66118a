"""The suite's encoder section: forward throughput of ours and every peer, in interleaved
rounds, beside the fp32 GEMM peak and the encoder's matrix products alone, measured in the
same process.

Ours runs two ways: `tf.function` as TF Serving runs a SavedModel (oneDNN kernels, MatMul and
bias fused), and compiled by XLA. Which is faster depends on the CPU (XLA's own matrix
kernels reach 0.82 of the peak on a 2-core AVX-512 Xeon where oneDNN's reach 0.92-0.96), so
the ratios take the faster of the two in this run and name it. "GEMMs alone" is the
encoder's chain of matrix products with nothing else (`gemm_chain_runner`): no encoder on
TensorFlow's kernels can beat its share of the peak, which is the ceiling for the peak bar.
"""

from bench_timing import interleaved_rounds
from encoder_peers import (
    forward_flops,
    gemm_chain_runner,
    gemm_peak_runner,
    keras_hub_runner,
    onnx_runner,
    ours_runner,
    random_batch,
    torch_runner,
)
from suite_report import ratio

from keras_bert_lib import BertConfig

PEAK = "GEMM peak"
GEMMS = "GEMMs alone (oneDNN)"
OURS = {"ours (graph)": False, "ours (XLA)": True}  # name: jit_compile
PEERS = {
    "keras-hub (XLA)": keras_hub_runner,
    "ONNX Runtime": onnx_runner,
    "PyTorch": torch_runner,
}
# Issue #23's bars for the first batch shape; the others are reported only.
BARS = {PEAK: 0.95, "ONNX Runtime": 1.05, "PyTorch": 1.3}


def run(settings) -> tuple[list, dict]:
    """`(ratios, details)`: for each batch shape, ours (the faster of its two paths) against
    each peer and the GEMM peak, with the ceiling that the matrix products alone set."""
    config = BertConfig.from_preset(settings.preset)
    flops = forward_flops(config, settings.sequence_length)
    gemm, gemm_flops = gemm_peak_runner(settings.gemm_size)
    ratios, details = [], {"preset": settings.preset, "gflop_per_sequence": flops / 1e9}
    for index, batch_size in enumerate(settings.encoder_batch_sizes):
        batch = random_batch(config, batch_size, settings.sequence_length)
        runners = {
            PEAK: gemm,
            GEMMS: gemm_chain_runner(config, batch_size, settings.sequence_length, False),
        }
        runners |= {name: ours_runner(config, batch, jit) for name, jit in OURS.items()}
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
        ours = max(OURS, key=rates.get)
        ceiling = rates[GEMMS] * flops / 1e9 / peak
        ratios.append(ratio("encoder", f"{shape}: {GEMMS} / {PEAK} (ceiling)", ceiling))
        measured = {PEAK: rates[ours] * flops / 1e9 / peak}
        peers = [name for name in rates if name not in (*OURS, GEMMS)]
        measured |= {name: rates[ours] / rates[name] for name in peers}
        for name, value in measured.items():
            bar = BARS.get(name) if index == 0 else None
            ratios.append(ratio("encoder", f"{shape}: {ours} / {name}", value, bar))
    return ratios, details
