"""The layer kinds params knows, their arguments (names, aliases, defaults), and the checks of one argument.

A layer as written (``conv(6, 5, s=2)``, a :class:`~dlcalc.parse.layers.Layer`) is bound here to its
kind's signature; every message names the layer and its column in the description.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from dlcalc.core.params.rows import Shape
from dlcalc.errors import InputError
from dlcalc.parse.layers import Layer

REQUIRED = object()
"""The default of an argument that must be given."""

ELEMENTWISE = {"relu", "tanh", "sigmoid", "gelu", "softmax", "leakyrelu", "elu", "silu", "identity", "dropout",
               "relu6", "swish", "mish", "logsoftmax", "hardtanh"}

Signature = list[tuple[str, Any, tuple[str, ...]]]

SIGNATURES: dict[str, Signature] = {
    "conv": [("out", REQUIRED, ("out_channels", "filters", "c")), ("k", REQUIRED, ("kernel", "kernel_size")),
             ("s", 1, ("stride",)), ("p", 0, ("padding",)), ("d", 1, ("dilation",)), ("groups", 1, ("g",)),
             ("bias", True, ())],
    "convtranspose": [("out", REQUIRED, ("out_channels", "filters", "c")),
                      ("k", REQUIRED, ("kernel", "kernel_size")), ("s", 1, ("stride",)), ("p", 0, ("padding",)),
                      ("op", 0, ("output_padding",)), ("groups", 1, ("g",)), ("bias", True, ()),
                      ("d", 1, ("dilation",))],
    "maxpool": [("k", REQUIRED, ("kernel", "kernel_size")), ("s", None, ("stride",)), ("p", 0, ("padding",)),
                ("d", 1, ("dilation",)), ("ceil_mode", False, ("ceil",))],
    "avgpool": [("k", REQUIRED, ("kernel", "kernel_size")), ("s", None, ("stride",)), ("p", 0, ("padding",)),
                ("ceil_mode", False, ("ceil",)), ("count_include_pad", True, ())],
    "adaptiveavgpool": [("out", REQUIRED, ("output_size", "size"))],
    "fc": [("out", REQUIRED, ("out_features", "units", "n")), ("bias", True, ())],
    "flatten": [],
    "elementwise": [("p", None, ("rate",))],
    "batchnorm": [("affine", True, ())],
    "layernorm": [("n", None, ("normalized_shape", "size")), ("affine", True, ("elementwise_affine",))],
    "groupnorm": [("groups", REQUIRED, ("g", "num_groups")), ("affine", True, ())],
    "embedding": [("num", REQUIRED, ("num_embeddings", "vocab")), ("dim", REQUIRED, ("embedding_dim",))],
    "recurrent": [("hidden", REQUIRED, ("hidden_size", "units", "h")), ("layers", 1, ("num_layers",)),
                  ("bidirectional", False, ("bi",)), ("bias", True, ()), ("last", False, ("return_last",)),
                  ("reset_after", True, ())],
    "mha": [("embed", REQUIRED, ("embed_dim", "e")), ("heads", REQUIRED, ("num_heads",)), ("bias", True, ())],
}

ALIASES: dict[str, tuple[str, int | None]] = {
    "conv": ("conv", 2), "conv2d": ("conv", 2), "conv1d": ("conv", 1), "conv3d": ("conv", 3),
    "convtranspose": ("convtranspose", 2), "convtranspose2d": ("convtranspose", 2),
    "convtranspose1d": ("convtranspose", 1), "convtranspose3d": ("convtranspose", 3),
    "deconv": ("convtranspose", 2),
    "maxpool": ("maxpool", None), "maxpool1d": ("maxpool", 1), "maxpool2d": ("maxpool", 2),
    "maxpool3d": ("maxpool", 3), "avgpool": ("avgpool", None), "avgpool1d": ("avgpool", 1),
    "avgpool2d": ("avgpool", 2), "avgpool3d": ("avgpool", 3),
    "adaptiveavgpool": ("adaptiveavgpool", None), "adaptiveavgpool2d": ("adaptiveavgpool", 2),
    "adaptivemaxpool": ("adaptiveavgpool", None), "adaptivemaxpool2d": ("adaptiveavgpool", 2),
    "globalavgpool": ("adaptiveavgpool", None),
    "fc": ("fc", None), "linear": ("fc", None), "dense": ("fc", None),
    "flatten": ("flatten", None),
    "batchnorm": ("batchnorm", None), "bn": ("batchnorm", None), "batchnorm1d": ("batchnorm", None),
    "batchnorm2d": ("batchnorm", None), "batchnorm3d": ("batchnorm", None),
    "layernorm": ("layernorm", None), "ln": ("layernorm", None), "groupnorm": ("groupnorm", None),
    "embedding": ("embedding", None),
    "rnn": ("recurrent", None), "lstm": ("recurrent", None), "gru": ("recurrent", None),
    "multiheadattention": ("mha", None), "mha": ("mha", None), "attention": ("mha", None),
    **dict.fromkeys(ELEMENTWISE, ("elementwise", None)),
}
"""A layer's name → (its kind, the number of spatial axes it works on, None for any)."""

GATES = {"rnn": 1, "lstm": 4, "gru": 3}

EXAMPLES = {"conv": "conv(16, 5)", "fc": "fc(120)", "linear": "linear(120)", "embedding": "embedding(10000, 128)",
            "lstm": "lstm(256)", "maxpool": "maxpool(2)"}


@dataclass(frozen=True, slots=True)
class Context:
    """What every layer of one network shares: whose conventions (``torch`` or ``keras``), and the
    option its description came from (for messages)."""

    framework: str = "torch"
    option: str = "--layers"


def kind_of(layer: Layer, option: str) -> tuple[str, int | None]:
    """The layer's kind and axes (an InputError suggesting the nearest name when it is unknown)."""
    if layer.name not in ALIASES:
        close = get_close_matches(layer.name, list(ALIASES), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(f"unknown layer {layer.name!r}{hint} (at column {layer.column})", option)
    return ALIASES[layer.name]


def bind(layer: Layer, kind: str, option: str) -> dict[str, Any]:
    """Match a layer's arguments to its signature (names, aliases, defaults); errors name the layer."""
    signature = SIGNATURES[kind]
    if len(layer.args) > len(signature):
        raise InputError(f"{layer.name} takes at most {len(signature)} arguments "
                         f"({', '.join(n for n, _, _ in signature) or 'none'}), got {len(layer.args)} "
                         f"at column {layer.column}", option)
    values = {name: value for (name, _, _), value in zip(signature, layer.args, strict=False)}
    names = {alias: name for name, _, aliases in signature for alias in (name, *aliases)}
    for key, value in layer.kwargs.items():
        if key not in names:
            close = get_close_matches(key, list(names), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            valid = ", ".join(n for n, _, _ in signature) or "none"
            raise InputError(f"{layer.name} has no argument {key!r}{hint} (it takes {valid}) "
                             f"at column {layer.column}", option)
        if names[key] in values:
            raise InputError(f"{layer.name}: {names[key]} is given twice at column {layer.column}", option)
        values[names[key]] = value
    for name, default, _ in signature:
        if name not in values:
            if default is REQUIRED:
                raise InputError(f"{layer.name} needs {name} (e.g. {EXAMPLES.get(layer.name, f'{layer.name}(...)')})"
                                 f" at column {layer.column}", option)
            values[name] = default
    return values


def whole_numbers(value: Any, n: int, what: str, layer: Layer, ctx: Context, minimum: int = 1) -> tuple[int, ...]:
    """A per-axis integer argument: one value for every axis, or a shape like 3x3."""
    values = value if isinstance(value, tuple) else (value,)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise InputError(f"{layer.name}: {what} must be whole numbers, got {value!r} at column {layer.column}",
                         ctx.option)
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        raise InputError(f"{layer.name}: {what} has {len(values)} axes but the input has {n} at column "
                         f"{layer.column}", ctx.option)
    if any(v < minimum for v in values):
        raise InputError(f"{layer.name}: {what} must be ≥ {minimum}, got {value!r} at column {layer.column}",
                         ctx.option)
    return values


def whole_number(value: Any, what: str, layer: Layer, ctx: Context, minimum: int = 1) -> int:
    """One integer argument (≥ ``minimum``)."""
    return whole_numbers(value, 1, what, layer, ctx, minimum)[0]


def need_image(layer: Layer, shape: Shape, ctx: Context, dims: int | None) -> int:
    """The number of spatial axes of an image input (an InputError for anything else, or the wrong axes)."""
    if shape.kind != "image":
        raise InputError(f"{layer.name} needs an image (C×H×W) but gets {shape.describe()} at column "
                         f"{layer.column}", ctx.option)
    if dims is not None and len(shape.spatial) != dims:
        raise InputError(f"{layer.name} works on {dims}-D inputs but gets {len(shape.spatial)}-D "
                         f"{shape.text()} at column {layer.column}", ctx.option)
    return len(shape.spatial)
