"""A generated stress set for tokenizer equivalence: the characters real text rarely has."""

import random

FIXED = [
    "",
    " ",
    "   \t\n\r ",
    "\u00a0\u2002\u3000",
    "naïve café résumé Ångström Øre",
    "e\u0301 a\u0300\u0301\u0302 o\u0308\u0304 ǅ ǈ ǋ ß ẞ ﬁ ﬀ",
    "ΟΔΟΣ ΣΑΣ σς ς",
    "İstanbul ıi",
    "中文字符测试，日本語のテキスト、한국어 텍스트",
    "𠀀𠀁 𪜀 丽丸",
    "emoji 😀🥰🫠 👍🏽 👨‍👩‍👧 ❤️ 🇫🇷",
    "zero\u200bwidth\u200cjoin\u200dner\ufeffbom",
    "ctrl\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f end",
    "half ½ ² ³ ¼ ™ ℃ № ″ ‴",
    "a\ufffdb \ufffd",
    "private \ue000\uf8ff \U000f0000",
    "unassigned \u0378 \U000e0080",
    "x" * 99,
    "y" * 100,
    "z" * 101,
    "w" * 150 + " tail",
    "é" * 120,
    "日" * 30,
    "ab" * 300,
    "Hello, World! It's 3.14 -- (really) [yes] {no} <tag> \"quoted\" 'single'",
    "tabs\tand\nnewlines\r\nmixed",
    "«guillemets» „quotes“ ‹single› — – ‐ ‑ ‒ … ‥",
    "¡¿Qué?! ؟ ، ۔ ။ ። ፧",
    "Ⅻ ⅻ ① ⑴ ⒜",
]


def random_texts(count=3000, seed=0):
    """Texts of code points drawn from every plane, with spaces and ASCII mixed in."""
    rng = random.Random(seed)
    pools = [
        (0x20, 0x7F),
        (0x80, 0x800),
        (0x800, 0xD800),
        (0xE000, 0x10000),
        (0x10000, 0x20000),
        (0x20000, 0x110000),
    ]
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(1, 40)):
            low, high = rng.choice(pools)
            chars.append(" " if rng.random() < 0.15 else chr(rng.randrange(low, high)))
        texts.append("".join(chars))
    return texts


def stress_texts():
    return FIXED + random_texts()
