"""Builds the code-point tables of the exact tokenizer from a reference Hugging Face tokenizer.

Hugging Face's `BertNormalizer` + `BertPreTokenizer` act on one character at a time (cleaning,
CJK spacing, NFD + accent stripping, lowercasing, whitespace and punctuation splitting). This
tool runs the reference tokenizer on every Unicode code point once and records what each one
becomes, with spaces marking word boundaries. `keras_bert_lib.text.normalization_table` applies
the result in-graph. Run with the `test` extra installed:

    python tools/build_normalization_tables.py
"""

import argparse
import json
from pathlib import Path

from tokenizers import normalizers, pre_tokenizers

from keras_bert_lib.text.normalization_table import TABLE_DIR, compress_table

LAST_CODE_POINT = 0x10FFFF


def word_boundary_class(char, pre_tokenizer):
    """'space', 'punct' (a word by itself) or 'other', as the pre-tokenizer treats `char`."""
    words = [word for word, _ in pre_tokenizer.pre_tokenize_str("a" + char + "a")]
    if words == ["a", "a"]:
        return "space"
    if words == ["a", char, "a"]:
        return "punct"
    if words == ["a" + char + "a"]:
        return "other"
    raise ValueError(f"Unexpected pre-tokenization of U+{ord(char):04X}: {words}")


def code_point_outputs(lowercase: bool):
    normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=lowercase
    )
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    classes = {}
    outputs = []
    for code_point in range(LAST_CODE_POINT + 1):
        if 0xD800 <= code_point <= 0xDFFF:  # surrogates never come out of UTF-8 decoding
            outputs.append(())
            continue
        produced = []
        for char in normalizer.normalize_str(chr(code_point)):
            if char not in classes:
                classes[char] = word_boundary_class(char, pre_tokenizer)
            kind = classes[char]
            if kind == "space":
                produced.append(32)
            elif kind == "punct":
                produced += [32, ord(char), 32]
            else:
                produced.append(ord(char))
        outputs.append(tuple(produced))
    return outputs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=TABLE_DIR)
    args = parser.parse_args()
    import tokenizers

    for name, lowercase in (("uncased", True), ("cased", False)):
        table = compress_table(code_point_outputs(lowercase))
        path = args.output_dir / f"bert_{name}.json"
        table["source"] = (
            f"tokenizers {tokenizers.__version__} BertNormalizer(lowercase={lowercase})"
        )
        path.write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"{path}: {len(table['starts'])} ranges, {len(table['explicit'])} explicit mappings")


if __name__ == "__main__":
    main()
