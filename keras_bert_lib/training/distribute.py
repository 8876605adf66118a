"""Picking a `tf.distribute` strategy by name, for the training tools and user code.

Build the model (and compile it) under `strategy.scope()`; `Task.fit` does the rest: text is
tokenized in `tf.data`, so no string tensor enters a replica, and `Task` works around the
Keras 3 defects met under strategies (see `Task._maybe_symbolic_build` and
`Task._reducible_logs`; the optimizers clip after the all-reduce, `replica_clipping.py`, and
the MLM loss averages over the global batch, `losses.MaskedLMCrossentropy`).

    strategy = make_strategy("mirrored")
    with strategy.scope():
        model = BertClassifier.from_checkpoint(path, num_classes=2)
    model.fit(texts, labels)

For tests and CPU-only machines, `use_logical_cpus(2)` splits the CPU into two devices that
`"mirrored"` then spreads over. It must run before TensorFlow creates its devices, that is
before the first tensor or model of the process.
"""

from __future__ import annotations

import json
import os

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")


def use_logical_cpus(count: int) -> None:
    """Splits the first physical CPU into `count` logical devices.

    Raises:
        RuntimeError: TensorFlow's devices already exist (call this first in the process).
    """
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}.")
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
        )
    except RuntimeError as error:
        raise RuntimeError(
            "use_logical_cpus() must run before TensorFlow creates its devices: call it at "
            "the start of the process, before any tensor, model or dataset is made."
        ) from error


def make_strategy(name: str = "default", tpu_address: str | None = None):
    """A `tf.distribute.Strategy` by name.

    Args:
        name: `"default"` (one device), `"mirrored"` (all local GPUs; without GPUs, all
            logical CPU devices, see `use_logical_cpus`), `"multi_worker"`
            (`MultiWorkerMirroredStrategy`; the cluster comes from the `TF_CONFIG`
            environment variable) or `"tpu"` (`TPUStrategy` on the TPU at `tpu_address`).
        tpu_address: for `"tpu"`: the TPU's name or `grpc://` address (`""` for a local
            TPU VM).

    Returns:
        The strategy. Build and compile models under its `scope()`.
    """
    if name not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {name!r}.")
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        devices = [d.name for d in tf.config.list_logical_devices("GPU")]
        devices = devices or [d.name for d in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices)
    if name == "multi_worker":
        _check_tf_config()
        return tf.distribute.MultiWorkerMirroredStrategy()
    if tpu_address is None:
        raise ValueError("strategy 'tpu' needs tpu_address ('' for a local TPU VM).")
    resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu_address)
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def _check_tf_config():
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        raise ValueError(
            "strategy 'multi_worker' reads the cluster from the TF_CONFIG environment "
            'variable, which is not set: e.g. {"cluster": {"worker": ["host1:port", '
            '"host2:port"]}, "task": {"type": "worker", "index": 0}}.'
        )
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"TF_CONFIG is not valid JSON: {error}.") from error
    if "cluster" not in config or "task" not in config:
        raise ValueError("TF_CONFIG needs a 'cluster' and a 'task' entry.")


def synced_replica_context():
    """The current replica context when more than one replica trains in sync, else None (one
    device, or outside a replica function)."""
    context = tf.distribute.get_replica_context()
    return context if context is not None and context.num_replicas_in_sync > 1 else None


def is_chief(strategy) -> bool:
    """Whether this process writes checkpoints and logs (the only one, or worker 0)."""
    return strategy.extended.should_checkpoint


def add_strategy_flags(parser) -> None:
    """`--strategy`, `--tpu-address` and `--logical-cpus` for a command-line tool."""
    parser.add_argument(
        "--strategy", choices=STRATEGIES, default="default", help="tf.distribute strategy"
    )
    parser.add_argument("--tpu-address", default=None, help="with --strategy tpu")
    parser.add_argument(
        "--logical-cpus",
        type=int,
        default=None,
        help="split the CPU into N devices first (--strategy mirrored without GPUs)",
    )


def strategy_from_flags(args):
    """The strategy `add_strategy_flags`' flags name. Call it before anything else."""
    if args.logical_cpus:
        use_logical_cpus(args.logical_cpus)
    return make_strategy(args.strategy, args.tpu_address)


def worker_output_dir(strategy, output_dir):
    """`output_dir` for the chief; `output_dir/worker-N` for the other workers, whose
    copies of the model and metrics must not overwrite the chief's. (Backups stay shared:
    the chief writes them and every worker restores from them.)"""
    if is_chief(strategy):
        return output_dir
    return output_dir / f"worker-{strategy.cluster_resolver.task_id}"
