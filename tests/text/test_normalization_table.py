import numpy as np
import pytest
import tensorflow as tf

from keras_bert_lib.text.normalization_table import (
    DELETE,
    PAD,
    SHIFT,
    SPACE,
    SPACE_KIND,
    CodePointTable,
    compress_table,
    load_table,
)


def expand_table(table: dict) -> list[tuple]:
    """The per-code-point outputs back from a compressed table: the format read
    independently of `CodePointTable`."""
    starts = table["starts"] + [0x110000]
    outputs = []
    for index, kind in enumerate(table["kinds"]):
        value = table["values"][index]
        for code_point in range(starts[index], starts[index + 1]):
            if kind == SHIFT:
                outputs.append((code_point + value,))
            elif kind == DELETE:
                outputs.append(())
            elif kind == SPACE_KIND:
                outputs.append((SPACE,))
            elif kind == PAD:
                outputs.append((SPACE, code_point, SPACE))
            else:
                outputs.append(tuple(table["explicit"][value]))
    return outputs


def test_compress_expand_round_trip_on_a_synthetic_table():
    outputs = [(c,) for c in range(0x110000)]
    outputs[65] = (97,)  # A -> a (a shift)
    outputs[66] = (98,)  # B -> b (same shift: merges with A)
    outputs[7] = ()  # deleted
    outputs[9] = (32,)  # space
    outputs[33] = (32, 33, 32)  # punctuation: padded
    outputs[0xAC00] = (0x1100, 0x1161)  # explicit multi-character output
    table = compress_table(outputs)
    assert expand_table(table) == outputs
    assert len(table["explicit"]) == 1


def test_in_graph_normalization_matches_the_table_on_sampled_code_points():
    table = load_table("uncased")
    expected = expand_table(table)
    rng = np.random.default_rng(0)
    sample = np.concatenate([np.arange(0, 0x3000), rng.integers(0, 0x110000, 20000)])
    outputs, source = CodePointTable(table).normalize(tf.constant(sample, tf.int32))
    produced = [[] for _ in sample]
    for output, index in zip(outputs.numpy(), source.numpy(), strict=True):
        produced[index].append(int(output))
    for code_point, row in zip(sample, produced, strict=True):
        assert tuple(row) == expected[code_point]


@pytest.mark.slow
@pytest.mark.parametrize("name, lowercase", [("uncased", True), ("cased", False)])
def test_shipped_tables_equal_the_reference_on_every_code_point(name, lowercase):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from build_normalization_tables import code_point_outputs

    assert expand_table(load_table(name)) == code_point_outputs(lowercase)
