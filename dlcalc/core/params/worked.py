"""params' worked solution: the summary table, the totals, the array check, and the claim table
(the total, each layer's count and each layer's output shape) with the common mistakes a wrong
claim is diagnosed by.

The rows come from :mod:`dlcalc.core.params.network`; the independent check counts the entries of
arrays of each layer's real weight shapes (the sympy check of each formula is
:func:`dlcalc.symbolic.params.check_rows`, run by the command with ``symbolic``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from dlcalc.core.conv import conv_output_size
from dlcalc.core.params.network import receptive_field, summarize
from dlcalc.core.params.presets import PRESETS, preset_title
from dlcalc.core.params.rows import Row, Shape
from dlcalc.parse.layers import Item
from dlcalc.show import thousands
from dlcalc.solution import ClaimTable, Folded, Mistake, Quantity, Solution, Table, mistake

TITLE = "parameters, shapes and MACs, layer by layer"
LISTED_CHECKS = 24  # up to this many layers with parameters, one ✓ line each; beyond, one for them all


def params_network(items: list[Item], shape: Shape, framework: str = "torch", title: str = TITLE, *,
                   preset: str | None = None) -> Solution:
    """Parameter counts, output shapes and MACs of a network (parsed layers) on an input ``shape``;
    with ``preset``, its title and the check against the published total."""
    return params_solution(summarize(items, shape, framework), shape, framework, title, preset=preset)


def counted(rows: list[Row]) -> list[Row]:
    """The rows the checks look at: every layer but the parameter-free elementwise ones."""
    return [r for r in rows if r.kind != "elementwise" or r.params]


def params_solution(rows: list[Row], shape: Shape, framework: str = "torch", title: str = TITLE, *,
                    preset: str | None = None) -> Solution:
    """The summary table, totals, checks and claim table of a network's rows."""
    sol = Solution("params", preset_title(preset) if preset is not None else title)
    table_rows = []
    for row in rows:
        sol.step(f"{row.index}. {row.name}", row.formula if row.counted else "",
                 row.substituted if row.counted else "", row.params,
                 note="; ".join(n for n in [f"output {row.output.text()}",
                                            f"MACs {row.macs_formula} = {row.macs_substituted} = {row.macs:,}"
                                            if row.macs else "", *row.notes] if n))
        shown = f"{row.formula} = {row.substituted}" if row.substituted else ""
        table_rows.append([str(row.index) if row.kind != "elementwise" else "", row.name, row.output.text(), shown,
                           thousands(row.params) if row.counted else "", thousands(row.macs) if row.macs else ""])
    covers = len(sol.steps)
    total = sum(r.params for r in rows)
    trainable = sum(r.trainable for r in rows)
    buffers = sum(r.buffers for r in rows)
    macs = sum(r.macs for r in rows)
    sol.step("Total parameters", "Σ over the layers", _sum_text([r.params for r in rows if r.params]), total,
             note=f"trainable {trainable:,}; non-trainable {total - trainable:,}" +
             (f"; PyTorch buffers (running statistics, not parameters) {buffers:,}" if buffers else ""))
    sol.step("MACs", "Σ over the layers (1 MAC = one multiply-accumulate; bias additions not counted)",
             _sum_text([r.macs for r in rows if r.macs]), macs)
    sol.step("FLOPs", "2·MACs", f"2·{macs:,}", 2 * macs, note="1 MAC = 2 FLOPs (a multiply and an add)")
    conventions: dict[str, list[str]] = {}  # each convention once, with the layers it applies to
    for row in rows:
        for note in row.notes:
            if note.startswith(("PyTorch", "Keras")):
                conventions.setdefault(note, []).append(str(row.index))
    if conventions:
        sol.step("Conventions", value=framework, note="; ".join(
            f"{note} (layer{'s' if len(where) > 1 else ''} {', '.join(where[:8])}{', …' if len(where) > 8 else ''})"
            for note, where in conventions.items()))
    memory = total * 4 / 1024**2
    sol.step("Parameter memory", "4 bytes·parameters / 2²⁰ (float32)", f"4·{total:,} / 1,048,576",
             f"{memory:.4g} MiB")
    field = receptive_field(rows)
    if field is not None:
        extent, jump = field
        sol.step("Receptive field of the last spatial layer", "r ← r + (k_eff − 1)·j, j ← j·s over the layers",
                 value="×".join(map(str, extent)), note=f"jump (total stride) {'×'.join(map(str, jump))}")
    sol.table = Table(["#", "layer", "output", "parameters", "params", "MACs"], table_rows, covers, right=(0, 4, 5))
    sol.inputs = {"input_shape": shape.as_list(), "framework": framework}
    sol.display = {"input_shape": shape.text()}
    output = rows[-1].output if rows else shape
    sol.result = {
        "total_params": total, "trainable_params": trainable, "non_trainable_params": total - trainable,
        "buffers": buffers, "macs": macs, "flops": 2 * macs, "param_memory_mib": round(memory, 4),
        "output_shape": output.as_list(), "receptive_field": list(field[0]) if field else None,
        "layers": Folded([{"index": r.index, "name": r.name, "output_shape": r.output.as_list(),
                           "params": r.params, "macs": r.macs, "formula": r.formula if r.tensors else "",
                           "substituted": r.substituted} for r in rows],
                         f"{len(rows)} layers, as in the summary above"),
    }
    sol.answer = (f"{total:,} parameters ({trainable:,} trainable), {macs:,} MACs = {2 * macs:,} FLOPs, "
                  f"output {output.text()}")
    array_check(sol, counted(rows))
    if preset is not None:
        published, source = PRESETS[preset]["published"], PRESETS[preset]["source"]
        sol.add_check("published total", "reference", total == published, f"{total:,} against {published:,} ({source})")
    sol.claims = claim_table(rows)
    return sol


def _sum_text(parts: list[int]) -> str:
    """``156 + 2,416 + …`` (the first 12 terms)."""
    return " + ".join(map(thousands, parts[:12])) + (f" + … ({len(parts) - 12} more)" if len(parts) > 12 else "")


def array_check(sol: Solution, rows: list[Row]) -> None:
    """✓: each layer's count by its formula against the entries of arrays of its real weight shapes
    (the product of each shape, summed), trainable ones apart; one line per layer, or one for them all
    beyond LISTED_CHECKS layers. The same in every output mode."""
    with_params = [row for row in rows if row.counted]
    bad = []
    for row in with_params:
        entries = sum(math.prod(t.shape) for t in row.tensors)
        trainable = sum(math.prod(t.shape) for t in row.tensors if t.trainable)
        ok = entries == row.params and trainable == row.trainable
        if not ok:
            bad.append(f"{row.index}. {row.name}: formula {row.params:,}, arrays {entries:,}")
        if len(rows) <= LISTED_CHECKS:
            shapes = ", ".join(f"{t.name} {'×'.join(map(str, t.shape))}" for t in row.tensors)
            sol.add_check(f"layer {row.index} by arrays", "array count", ok, f"{shapes} hold {entries:,} entries")
    if len(rows) > LISTED_CHECKS:
        sol.add_check("every layer by arrays", "array count", not bad,
                      "; ".join(bad) if bad else f"the weight arrays of all {len(with_params)} layers with parameters "
                      "hold exactly the counts the formulas give")


# ---------------------------------------------------------------------------------------------
# Checking claims
# ---------------------------------------------------------------------------------------------


def claim_table(rows: list[Row]) -> ClaimTable:
    """What a claim may name: ``total`` (the default, also ``params``), ``layer_N`` (the count of layer N
    of the summary, its elementwise layers included) and ``shape_N`` (its output shape, H×W×C)."""
    quantities = {"total": Quantity([sum(r.params for r in rows)], label="total parameters", key="total",
                                    mistakes=lambda: total_mistakes(rows), aliases=("params",))}
    groups: dict[int, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.index, []).append(row)
    for index, group in groups.items():
        quantities[f"layer_{index}"] = Quantity(
            [sum(r.params for r in group)], label=f"layer {index} ({group[0].name})", key=f"layer {index}",
            mistakes=_later(total_mistakes, group))
    for index, group in groups.items():
        last = group[-1]
        quantities[f"shape_{index}"] = Quantity(
            last.output.as_list(), kind="shape", label=f"layer {index} shape", key=f"shape {index}",
            labels=_axis_labels(last.output), channels_last=last.output.kind == "image",
            mistakes=_later(shape_mistakes, last))
    return ClaimTable(quantities, default="total", combine=True, resolve=_resolve)


def _later(make: Callable[..., list[Mistake]], *args: object) -> Callable[[], list[Mistake]]:
    """``make(*args)``, when a claim is found wrong."""
    return lambda: make(*args)


def _axis_labels(shape: Shape) -> list[str] | None:
    if shape.kind == "image":
        return [*("depth", "height", "width")[3 - len(shape.spatial):], "channels"]
    return ["length", "features"] if shape.kind == "sequence" else None


def _resolve(name: str) -> str | None:
    """``layer3``, ``layer 3``, ``Shape-3`` for ``layer_3``, ``shape_3``."""
    lowered = name.lower().replace("-", "_").replace(" ", "_")
    for family in ("layer", "shape"):
        if lowered.startswith(family) and lowered[len(family):].lstrip("_").isdigit():
            return f"{family}_{int(lowered[len(family):].lstrip('_'))}"
    return None


def total_mistakes(rows: list[Row]) -> list[Mistake]:
    """Totals the usual slips produce."""
    total = sum(r.params for r in rows)
    biases = sum(r.bias_params for r in rows)
    found = []
    if biases:
        found.append(mistake("the count without the bias" + ("es" if len([r for r in rows if r.bias_params]) > 1
                                                              else ""), (total - biases,)))
        found.append(mistake("the count with every bias counted twice", (total + biases,)))
    free = sum(r.in_channel_free if r.kind in ("conv", "convtranspose") else r.params for r in rows)
    if free != total:
        found.append(mistake("the count with the input channels forgotten (C_in taken as 1)", (free,)))
    extra = sum(r.extra_bias for r in rows)
    if extra:
        other = "two bias vectors per gate (PyTorch's convention)" if extra > 0 else \
            "one bias vector per gate (Keras's convention)"
        found.append(mistake(f"the count with {other}", (total + extra,)))
    macs = sum(r.macs for r in rows)
    if macs:
        found.append(mistake("the number of MACs, not parameters", (macs,)))
        found.append(mistake("the number of FLOPs (2·MACs), not parameters", (2 * macs,)))
    buffers = sum(r.buffers for r in rows)
    if buffers:
        found.append(mistake("the count with the batch-norm running statistics (buffers, not parameters)",
                             (total + buffers,)))
    trainable = sum(r.trainable for r in rows)
    if trainable != total:
        found.append(mistake("the trainable parameters only", (trainable,)))
    convs = [r for r in rows if r.kind == "conv"]
    if len(convs) == 1 and convs[0].tensors:
        out = convs[0].output.channels
        weights = convs[0].params - convs[0].bias_params
        found.append(mistake("one filter's weights without its bias", (weights // out,)))
        if convs[0].bias_params:
            found.append(mistake("the parameters of one filter, bias included", (convs[0].params // out,)))
    return found


def shape_mistakes(row: Row) -> list[Mistake]:
    """Output shapes (H×W×C) the usual slips give for a convolution or pooling layer, by conv-out's
    formula with one thing changed; none for other layers."""
    spec, source = row.conv, row.input
    if spec is None or source is None:
        return []
    channels = row.output.channels
    n = spec.naxes

    def attempt(description: str, size: Callable[[int], int | Fraction]) -> Mistake:
        return Mistake(description, lambda: [*(size(i) for i in range(n)), channels])

    def raw(i: int) -> int:
        return spec.size[i] + sum(spec.padding[i]) - spec.dilation[i] * (spec.kernel[i] - 1) - 1

    found = []
    if any(s != 1 for s in spec.stride):
        found.append(attempt("what stride 1 gives", lambda i: conv_output_size(
            spec.size[i], spec.kernel[i], 1, spec.padding[i], spec.dilation[i])))
    if any(p != (0, 0) for p in spec.padding):
        found.append(attempt("what no padding gives", lambda i: conv_output_size(
            spec.size[i], spec.kernel[i], spec.stride[i], 0, spec.dilation[i])))
    found.append(attempt("(L + 2P − D(K−1) − 1)/S + 1 without the floor",
                         lambda i: Fraction(raw(i), spec.stride[i]) + 1))
    found.append(attempt("what leaving out the + 1 gives", lambda i: raw(i) // spec.stride[i]))
    if channels != source.channels:
        found.append(mistake("the input's own channels, not the layer's", [*source.spatial, source.channels]))
    return found
