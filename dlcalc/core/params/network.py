"""A whole network: its input read from the first layer, the layers walked in order (residual blocks
flattened), the summary's numbering, and the receptive field."""

from __future__ import annotations

from dlcalc.core.params.layers import apply_layer
from dlcalc.core.params.rows import Row, Shape
from dlcalc.core.params.signatures import ALIASES, Context
from dlcalc.errors import InputError
from dlcalc.parse.layers import Item, Layer, Residual


def first_layer(items: list[Item]) -> Layer:
    """The layer the input goes into first (inside residual blocks, the first of the main path)."""
    first = items[0]
    while isinstance(first, Residual):
        first = first.main[0]
    return first


def input_shape(items: list[Item], size: tuple[int, ...], in_channels: int | None, option: str = "--input") -> Shape:
    """The network's input, read by what its first layer takes: tokens for an embedding, a sequence
    T×F for a recurrent or attention layer, a vector for a first fully connected layer given one
    size, else an image with ``in_channels`` channels (default 1)."""
    first = first_layer(items)
    kind = ALIASES.get(first.name, ("", None))[0]
    if kind == "embedding":
        if len(size) != 1:
            raise InputError(f"an embedding takes token ids: give the sequence length, e.g. --input 20, got "
                             f"{'x'.join(map(str, size))}", option)
        return Shape("tokens", length=size[0])
    if kind in ("recurrent", "mha"):
        if len(size) != 2:
            raise InputError(f"a {first.name} takes a sequence: give T×F, e.g. --input 10x32, got "
                             f"{'x'.join(map(str, size))}", option)
        return Shape("sequence", length=size[0], features=size[1])
    if kind == "fc" and len(size) == 1 and in_channels is None:
        return Shape("vector", features=size[0])
    return Shape("image", channels=in_channels or 1, spatial=size)


def walk(items: list[Item], shape: Shape, ctx: Context, rows: list[Row], prefix: str = "") -> Shape:
    """Append the rows of these layers (residual blocks flattened, their layers prefixed) and return
    the output shape."""
    for item in items:
        if isinstance(item, Residual):
            block = sum(1 for r in rows if r.kind == "add") + 1
            main = walk(item.main, shape, ctx, rows, f"{prefix}[block {block}] ")
            short = walk(item.shortcut, shape, ctx, rows, f"{prefix}[block {block} shortcut] ") if item.shortcut \
                else shape
            if not main.same(short):
                raise InputError(f"residual block {block} at column {item.column}: the main path gives {main.text()} "
                                 f"but the shortcut gives {short.text()}; they must match to be added", ctx.option)
            add = Row(f"{prefix}[block {block}] + shortcut", "add", main, input=main)
            add.notes.append("the shortcut is added: no parameters")
            rows.append(add)
            shape = main
            continue
        row = apply_layer(item, shape, ctx)
        row.name = prefix + row.name
        rows.append(row)
        shape = row.output
    return shape


def summarize(items: list[Item], shape: Shape, framework: str = "torch", option: str = "--layers") -> list[Row]:
    """Every row of the network, numbered (elementwise layers share the number of the layer before)."""
    rows: list[Row] = []
    walk(items, shape, Context(framework, option), rows)
    number = 0
    for row in rows:
        if row.kind != "elementwise" or number == 0:
            number += 1
        row.index = number
    return rows


def receptive_field(rows: list[Row]) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Receptive field and jump of the last spatial layer along the main path (Araujo et al. 2019):
    ``r ← r + (k_eff − 1)·j``, ``j ← j·s``. Shortcut branches are skipped (they are no wider)."""
    r: list[int] | None = None
    j: list[int] = []
    for row in rows:
        if "shortcut]" in row.name or not row.rf:
            continue
        if r is None:
            r, j = [1] * len(row.rf), [1] * len(row.rf)
        for axis, (k, s) in enumerate(row.rf):
            r[axis] += (k - 1) * j[axis]
            j[axis] *= s
    return (tuple(r), tuple(j)) if r is not None else None
