"""Runs a command-line tool of `tools/` in a fresh Python process, as a user would."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_tool(script, *arguments, timeout=600, not_in_stderr=()) -> str:
    """`python tools/SCRIPT ARGUMENTS...`; fails the test with the stderr tail on an error,
    or when the standard error holds one of the strings `not_in_stderr` (e.g. a warning).

    Returns:
        The tool's standard output.
    """
    completed = subprocess.run(
        [sys.executable, str(REPO / "tools" / script), *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    for text in not_in_stderr:
        assert text not in completed.stderr, f"{text!r} in the tool's standard error"
    return completed.stdout
