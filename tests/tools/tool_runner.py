"""Runs a command-line tool of `tools/` in a fresh Python process, as a user would."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_tool(script, *arguments, timeout=600) -> str:
    """`python tools/SCRIPT ARGUMENTS...`; fails the test with the stderr tail on an error.

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
    return completed.stdout
