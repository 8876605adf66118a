"""The suite's one table of ratios: printed, written as JSON and drawn as a bar chart."""

import json
from pathlib import Path

from keras_bert_lib.plotting import pyplot


def ratio(section: str, measure: str, value: float, bar: float | None = None) -> dict:
    """One row of the table: ours over the peer (`value`), and the issue's bar if it has one."""
    return {"section": section, "measure": measure, "value": round(float(value), 3), "bar": bar}


def verdict(row: dict) -> str:
    if row["bar"] is None:
        return "report"
    return "met" if row["value"] >= row["bar"] else "NOT met"


def print_table(ratios: list) -> None:
    width = max(len(r["measure"]) for r in ratios)
    print(f"\n{'section':<10} {'measure':<{width}} {'ratio':>7} {'bar':>6}  verdict")
    for r in ratios:
        bar = f"{r['bar']:6.2f}" if r["bar"] is not None else "     -"
        print(f"{r['section']:<10} {r['measure']:<{width}} {r['value']:7.3f} {bar}  {verdict(r)}")


def write_json(path: Path, header: dict, ratios: list, details: dict) -> None:
    report = {**header, "ratios": [r | {"verdict": verdict(r)} for r in ratios]}
    report["details"] = details
    path.write_text(json.dumps(report, indent=2) + "\n")


def write_png(path: Path, header: dict, ratios: list) -> None:
    """One horizontal bar per ratio (green where a bar is met, red where not, grey where the
    ratio is reported only), with the bar as a black tick."""
    plt = pyplot()
    colours = {"met": "tab:green", "NOT met": "tab:red", "report": "tab:gray"}
    figure, axes = plt.subplots(figsize=(10, 0.4 * len(ratios) + 1.2))
    labels = [f"{r['section']}: {r['measure']}" for r in ratios][::-1]
    values = [r["value"] for r in ratios][::-1]
    axes.barh(labels, values, color=[colours[verdict(r)] for r in ratios][::-1])
    for position, row in enumerate(ratios[::-1]):
        if row["bar"] is not None:
            axes.plot(
                [row["bar"]] * 2, [position - 0.4, position + 0.4], color="black", linewidth=2
            )
    axes.axvline(1.0, color="black", linestyle=":", linewidth=1)
    axes.set_xlabel("ratio (ours / peer; share of the GEMM peak)")
    axes.set_title(f"{header['machine']} - {header['date']}", fontsize=9)
    axes.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
