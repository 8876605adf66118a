"""Overlapping windows over a long wordpiece sequence: the one rule that text classification,
token tagging and question answering all use to read texts longer than a model's input.

Windows of at most `window` pieces start at 0, `stride`, `2 * stride`, ... until one reaches
the end, so every piece is in at least one window when `stride <= window`.
"""

from __future__ import annotations


def checked_stride(stride, window) -> int:
    """`stride`, or half a `window` when None; refused outside `[1, window]`."""
    if window < 1:
        raise ValueError(f"A window must hold at least one wordpiece, got {window}.")
    stride = max(1, window // 2) if stride is None else stride
    if not 0 < stride <= window:
        raise ValueError(f"stride must be in [1, {window}], got {stride}.")
    return stride


def window_starts(length, window, stride) -> list[int]:
    """The start of each window of at most `window` pieces over `length` pieces (a
    `stride` above `window` steps by `window`, so no piece is skipped).

    Example:

    >>> window_starts(10, 4, 3)
    [0, 3, 6]
    >>> window_starts(3, 4, 2)
    [0]
    """
    starts, start = [], 0
    while True:
        starts.append(start)
        if start + window >= length:
            return starts
        start += min(window, stride)
