"""Parameter counts, output shapes and MACs of a network, layer by layer, conventions explicit.

Formulas (PyTorch's layer documentation unless said otherwise; Keras where ``--framework keras``):

* convolution: ``(K_1·…·K_n·C_in/g + 1)·C_out`` (the ``+ 1`` is the bias); MACs ``C_out·∏O·C_in/g·∏K``
* transposed convolution: ``C_in·(C_out/g)·∏K + C_out``; MACs ``C_in·∏I·(C_out/g)·∏K``
* fully connected: ``(N_in + 1)·N_out``; MACs ``N_in·N_out`` (per position of a sequence)
* batch norm: PyTorch ``2C`` parameters (γ, β) plus ``2C`` buffers (running mean and variance, not
  parameters); Keras ``4C`` parameters of which ``2C`` are not trainable
* layer norm ``2·N``; group norm ``2C``; embedding ``num·dim``
* RNN/LSTM/GRU (g = 1, 4, 3 gates), per layer and direction: PyTorch ``g·(H·I + H·H + 2H)`` (two bias
  vectors, b_ih and b_hh); Keras ``g·(H·I + H·H + H)``, except GRU with ``reset_after`` (the
  default) ``3·(H·I + H·H + 2H)``; MACs per step ``g·(H·I + H·H)``
* multi-head attention (PyTorch layout): ``4E² + 4E``; MACs ``4·T·E² + 2·T²·E``
* pooling, activations, dropout, flatten: no parameters; counted as 0 MACs, like normalisation
  (1 MAC = one multiply-accumulate = 2 FLOPs; bias additions are not counted)

Output shapes come from :mod:`dlcalc.core.conv`, the code behind ``conv-out``.
"""

from __future__ import annotations

import math
from difflib import get_close_matches
from typing import Any

from dlcalc.core.conv import conv_output_size, pool_output_size, transposed_output_size
from dlcalc.core.netspec import Layer, Residual, parse_network
from dlcalc.errors import InputError
from dlcalc.solution import Folded, Solution

REQUIRED = object()


class Shape:
    """A tensor shape without the batch: an image C×spatial, a vector, a sequence T×F, or tokens."""

    __slots__ = ("kind", "channels", "spatial", "features", "length")

    def __init__(self, kind: str, channels: int = 0, spatial: tuple[int, ...] = (), features: int = 0,
                 length: int = 0) -> None:
        self.kind, self.channels, self.spatial = kind, channels, spatial
        self.features, self.length = features, length

    def as_list(self) -> list[int]:
        """As homework writes it: H×W×C for images (channels last), T×F for sequences."""
        if self.kind == "image":
            return [*self.spatial, self.channels]
        if self.kind == "vector":
            return [self.features]
        if self.kind == "sequence":
            return [self.length, self.features]
        return [self.length]

    def text(self) -> str:
        suffix = " tokens" if self.kind == "tokens" else ""
        return "×".join(map(str, self.as_list())) + suffix

    def size(self) -> int:
        return math.prod(self.as_list())

    def same(self, other: Shape) -> bool:
        return self.kind == other.kind and self.as_list() == other.as_list()


class Row:
    """One layer of the summary: its output, its parameter tensors and how they were counted."""

    def __init__(self, name: str, kind: str, output: Shape) -> None:
        self.index: int | None = None
        self.name = name
        self.kind = kind
        self.output = output
        self.tensors: list[tuple[str, tuple[int, ...], bool]] = []  # (name, shape, trainable)
        self.formula = "0"
        self.substituted = ""
        self.params = 0
        self.trainable = 0
        self.macs = 0
        self.macs_formula = ""
        self.macs_substituted = ""
        self.notes: list[str] = []
        self.symbolic: tuple[str, dict[str, int]] | None = None  # (formula kind, values) for sympy
        self.buffers = 0
        self.bias_params = 0  # how many of the parameters are biases (for the diagnosis)
        self.extra_bias = 0  # what the other framework's recurrent bias convention adds or removes
        self.in_channel_free = 0  # the count with the input channels forgotten (conv: C_in taken as 1)
        self.spatial = False  # changes the spatial grid (for the receptive field)
        self.rf: tuple[tuple[int, int], ...] = ()  # per axis: (effective kernel, stride)
        self.shape_args: tuple | None = None  # what _shape_mistakes needs, computed only when a shape is checked


ELEMENTWISE = {"relu", "tanh", "sigmoid", "gelu", "softmax", "leakyrelu", "elu", "silu", "identity", "dropout",
               "relu6", "swish", "mish", "logsoftmax", "hardtanh"}

SIGNATURES: dict[str, list[tuple[str, Any, tuple[str, ...]]]] = {
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

ALIASES = {
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
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


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
                raise InputError(f"{layer.name} needs {name} (e.g. {_example(layer.name)}) at column "
                                  f"{layer.column}", option)
            values[name] = default
    return values


def _example(name: str) -> str:
    return {"conv": "conv(16, 5)", "fc": "fc(120)", "linear": "linear(120)", "embedding": "embedding(10000, 128)",
            "lstm": "lstm(256)", "maxpool": "maxpool(2)"}.get(name, f"{name}(...)")


class Context:
    def __init__(self, framework: str, option: str = "--layers") -> None:
        self.framework = framework
        self.option = option


def _ints(value: Any, n: int, what: str, layer: Layer, ctx: Context, minimum: int = 1) -> tuple[int, ...]:
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


def _int(value: Any, what: str, layer: Layer, ctx: Context, minimum: int = 1) -> int:
    return _ints(value, 1, what, layer, ctx, minimum)[0]


def _need_image(layer: Layer, shape: Shape, ctx: Context, dims: int | None) -> int:
    if shape.kind != "image":
        raise InputError(f"{layer.name} needs an image (C×H×W) but gets {_describe(shape)} at column "
                          f"{layer.column}", ctx.option)
    if dims is not None and len(shape.spatial) != dims:
        raise InputError(f"{layer.name} works on {dims}-D inputs but gets {len(shape.spatial)}-D "
                          f"{shape.text()} at column {layer.column}", ctx.option)
    return len(shape.spatial)


def _describe(shape: Shape) -> str:
    return {"vector": f"a vector of {shape.features}", "sequence": f"a sequence {shape.text()}",
            "tokens": f"{shape.length} tokens", "image": f"an image {shape.text()}"}[shape.kind]


def _times(values) -> str:
    return "·".join(map(str, values))


# ---------------------------------------------------------------------------------------------
# One layer
# ---------------------------------------------------------------------------------------------


def apply_layer(layer: Layer, shape: Shape, ctx: Context) -> Row:
    """The row for one layer given its input shape (InputError when it does not fit)."""
    if layer.name not in ALIASES:
        close = get_close_matches(layer.name, list(ALIASES), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(f"unknown layer {layer.name!r}{hint} (at column {layer.column})", ctx.option)
    kind, dims = ALIASES[layer.name]
    args = bind(layer, kind, ctx.option)
    return LAYERS[kind](layer, args, shape, ctx, dims)


def _conv_args(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> tuple:
    """What a convolution and a transposed one share: axes, channels, kernel, stride, dilation,
    groups (which must divide both channel counts) and bias."""
    n = _need_image(layer, shape, ctx, dims)
    c_in = shape.channels
    out = _int(a["out"], "out", layer, ctx)
    k = _ints(a["k"], n, "kernel", layer, ctx)
    s = _ints(a["s"], n, "stride", layer, ctx)
    d = _ints(a["d"], n, "dilation", layer, ctx)
    groups = _int(a["groups"], "groups", layer, ctx)
    if c_in % groups or out % groups:
        raise InputError(f"{layer.name}: groups={groups} must divide the {c_in} input and {out} output channels "
                          f"at column {layer.column}", ctx.option)
    return n, c_in, out, k, s, d, groups, bool(a["bias"])


def _conv(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n, c_in, out, k, s, d, groups, bias = _conv_args(layer, a, shape, ctx, dims)
    if a["p"] in ("same", "valid"):
        if a["p"] == "same" and any(v != 1 for v in s):
            raise InputError(f"{layer.name}: PyTorch refuses padding='same' with stride {s} at column "
                              f"{layer.column}", ctx.option)
        pads = tuple((dd * (kk - 1) // 2, dd * (kk - 1) - dd * (kk - 1) // 2) if a["p"] == "same" else (0, 0)
                     for kk, dd in zip(k, d, strict=True))
    else:
        pads = tuple((p, p) for p in _ints(a["p"], n, "padding", layer, ctx, minimum=0))
    spatial = _spatial(layer, ctx, shape, lambda i: conv_output_size(shape.spatial[i], k[i], s[i], pads[i], d[i]))
    row = Row(layer.text, "conv", Shape("image", out, spatial))
    per = c_in // groups
    weight = out * per * math.prod(k)
    row.tensors = [("weight", (out, per, *k), True)] + ([("bias", (out,), True)] if bias else [])
    row.params = row.trainable = weight + (out if bias else 0)
    row.bias_params = out if bias else 0
    row.in_channel_free = out * math.prod(k) + (out if bias else 0)
    kernel = "·".join("K" for _ in k) if len(set(k)) == 1 else "·".join(f"K_{i + 1}" for i in range(n))
    cin = "C_in/g" if groups > 1 else "C_in"
    row.formula = f"({kernel}·{cin} + 1)·C_out" if bias else f"{kernel}·{cin}·C_out"
    cin_value = f"{c_in}/{groups}" if groups > 1 else str(c_in)
    row.substituted = (f"({_times(k)}·{cin_value} + 1)·{out}" if bias else f"{_times(k)}·{cin_value}·{out}")
    row.macs = out * math.prod(spatial) * per * math.prod(k)
    row.macs_formula = f"C_out·{'·'.join('O' for _ in spatial)}·{cin}·{kernel}"
    row.macs_substituted = f"{out}·{_times(spatial)}·{per}·{_times(k)}"
    row.symbolic = ("conv", {"K": math.prod(k), "C_in": c_in, "g": groups, "C_out": out, "b": int(bias)})
    row.shape_args = (shape, k, s, pads, d, out)
    row.spatial = True
    row.rf = tuple((dd * (kk - 1) + 1, ss) for kk, ss, dd in zip(k, s, d, strict=True))
    return row


def _shape_mistakes(shape: Shape, k, s, pads, d, channels: int) -> list[tuple[str, list]]:
    """Output shapes that the usual slips give, H×W×C (from conv-out's formula with one change)."""
    from fractions import Fraction

    found = []

    def attempt(description: str, size) -> None:
        try:
            found.append((description, [*(size(i) for i in range(len(shape.spatial))), channels]))
        except InputError:
            pass

    if any(v != 1 for v in s):
        attempt("what stride 1 gives", lambda i: conv_output_size(shape.spatial[i], k[i], 1, pads[i], d[i]))
    if any(p != (0, 0) for p in pads):
        attempt("what no padding gives", lambda i: conv_output_size(shape.spatial[i], k[i], s[i], 0, d[i]))
    attempt("(L + 2P − D(K−1) − 1)/S + 1 without the floor",
            lambda i: Fraction(shape.spatial[i] + sum(pads[i]) - d[i] * (k[i] - 1) - 1, s[i]) + 1)
    attempt("what leaving out the + 1 gives",
            lambda i: (shape.spatial[i] + sum(pads[i]) - d[i] * (k[i] - 1) - 1) // s[i])
    found.append(("the input's own channels, not the layer's", [*shape.spatial, shape.channels])
                 if channels != shape.channels else ("", []))
    return [f for f in found if f[0]]


def _spatial(layer: Layer, ctx: Context, shape: Shape, size) -> tuple[int, ...]:
    try:
        spatial = tuple(size(i) for i in range(len(shape.spatial)))
    except InputError as error:
        raise InputError(f"{layer.text} at column {layer.column}: {error.message} (its input is "
                          f"{shape.text()})", ctx.option) from None
    if any(v < 1 for v in spatial):
        raise InputError(f"{layer.text} at column {layer.column} shrinks {shape.text()} to "
                          f"{'×'.join(map(str, spatial))}", ctx.option)
    return spatial


def _convtranspose(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n, c_in, out, k, s, d, groups, bias = _conv_args(layer, a, shape, ctx, dims)
    p = _ints(a["p"], n, "padding", layer, ctx, minimum=0)
    op = _ints(a["op"], n, "output_padding", layer, ctx, minimum=0)
    if any(o >= max(ss, dd) for o, ss, dd in zip(op, s, d, strict=True)):
        raise InputError(f"{layer.name}: output padding must be smaller than max(stride, dilation) at column "
                          f"{layer.column}", ctx.option)
    spatial = _spatial(layer, ctx, shape, lambda i: transposed_output_size(shape.spatial[i], k[i], s[i], p[i], d[i],
                                                                           op[i]))
    row = Row(layer.text, "convtranspose", Shape("image", out, spatial))
    per = out // groups
    row.tensors = [("weight", (c_in, per, *k), True)] + ([("bias", (out,), True)] if bias else [])
    row.params = row.trainable = c_in * per * math.prod(k) + (out if bias else 0)
    row.bias_params = out if bias else 0
    row.in_channel_free = per * math.prod(k) + (out if bias else 0)
    cout = "C_out/g" if groups > 1 else "C_out"
    row.formula = f"C_in·{cout}·{'·'.join('K' for _ in k)}" + (" + C_out" if bias else "")
    row.substituted = f"{c_in}·{per}·{_times(k)}" + (f" + {out}" if bias else "")
    row.macs = c_in * math.prod(shape.spatial) * per * math.prod(k)
    row.macs_formula = f"C_in·{'·'.join('I' for _ in k)}·{cout}·{'·'.join('K' for _ in k)}"
    row.macs_substituted = f"{c_in}·{_times(shape.spatial)}·{per}·{_times(k)}"
    row.symbolic = ("convtranspose", {"K": math.prod(k), "C_in": c_in, "g": groups, "C_out": out, "b": int(bias)})
    row.notes.append("each input element is scattered through the kernel: MACs count the input positions")
    return row


def _pool(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n = _need_image(layer, shape, ctx, dims)
    k = _ints(a["k"], n, "kernel", layer, ctx)
    s = _ints(a["s"], n, "stride", layer, ctx) if a["s"] is not None else k
    p = _ints(a["p"], n, "padding", layer, ctx, minimum=0)
    d = _ints(a.get("d", 1), n, "dilation", layer, ctx)
    ceil = bool(a["ceil_mode"])
    for kk, pp, dd in zip(k, p, d, strict=True):
        if pp > (dd * (kk - 1) + 1) // 2:
            raise InputError(f"{layer.name}: padding {pp} is more than half the window at column {layer.column}",
                              ctx.option)
    spatial = _spatial(layer, ctx, shape, lambda i: pool_output_size(shape.spatial[i], k[i], s[i], p[i], d[i], ceil))
    row = Row(layer.text, "pool", Shape("image", shape.channels, spatial))
    if a["s"] is None:
        row.notes.append("stride defaults to the window")
    row.shape_args = (shape, k, s, tuple((pp, pp) for pp in p), d, shape.channels)
    row.spatial = True
    row.rf = tuple((dd * (kk - 1) + 1, ss) for kk, ss, dd in zip(k, s, d, strict=True))
    return row


def _adaptive(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n = _need_image(layer, shape, ctx, dims)
    out = _ints(a["out"], n, "output size", layer, ctx)
    return Row(layer.text, "pool", Shape("image", shape.channels, out))


def _fc(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind not in ("vector", "sequence"):
        raise InputError(f"{layer.name} needs a vector but gets {_describe(shape)} at column {layer.column}: add "
                          "flatten before it", ctx.option)
    out = _int(a["out"], "out", layer, ctx)
    bias = bool(a["bias"])
    n_in = shape.features
    output = Shape("vector", features=out) if shape.kind == "vector" else Shape("sequence", features=out,
                                                                                 length=shape.length)
    row = Row(layer.text, "fc", output)
    row.tensors = [("weight", (out, n_in), True)] + ([("bias", (out,), True)] if bias else [])
    row.params = row.trainable = n_in * out + (out if bias else 0)
    row.bias_params = out if bias else 0
    row.in_channel_free = out + (out if bias else 0)
    row.formula = "(N_in + 1)·N_out" if bias else "N_in·N_out"
    row.substituted = f"({n_in} + 1)·{out}" if bias else f"{n_in}·{out}"
    times = shape.length if shape.kind == "sequence" else 1
    row.macs = times * n_in * out
    row.macs_formula = "T·N_in·N_out" if times > 1 else "N_in·N_out"
    row.macs_substituted = f"{times}·{n_in}·{out}" if times > 1 else f"{n_in}·{out}"
    row.symbolic = ("fc", {"N_in": n_in, "N_out": out, "b": int(bias)})
    return row


def _flatten(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    return Row(layer.text, "flatten", Shape("vector", features=shape.size()))


def _elementwise(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    return Row(layer.text, "elementwise", shape)


def _batchnorm(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    c = shape.channels if shape.kind == "image" else shape.features
    row = Row(layer.text, "batchnorm", shape)
    affine = 2 * c if a["affine"] else 0
    if ctx.framework == "keras":
        row.tensors = [("gamma", (c,), True), ("beta", (c,), True), ("moving_mean", (c,), False),
                       ("moving_variance", (c,), False)][0 if a["affine"] else 2:]
        row.params = affine + 2 * c
        row.trainable = affine
        row.formula = "4C (γ, β trainable; moving mean and variance not)" if a["affine"] else "2C (not trainable)"
        row.substituted = f"4·{c}" if a["affine"] else f"2·{c}"
        row.notes.append("Keras counts the moving mean and variance as non-trainable parameters")
    else:
        row.tensors = [("weight", (c,), True), ("bias", (c,), True)] if a["affine"] else []
        row.params = row.trainable = affine
        row.buffers = 2 * c
        row.formula = "2C (γ, β)"
        row.substituted = f"2·{c}"
        row.notes.append("PyTorch keeps the running mean and variance (2C) as buffers, not parameters")
    row.symbolic = ("batchnorm", {"C": c, "k": row.params // max(c, 1)})
    return row


def _layernorm(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    normalized = a["n"] if a["n"] is not None else (shape.size() if shape.kind == "image" else shape.features)
    normalized = math.prod(normalized) if isinstance(normalized, tuple) else _int(normalized, "n", layer, ctx)
    return _scale_and_shift(Row(layer.text, "layernorm", shape), normalized, a["affine"], "2·N")


def _groupnorm(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    c = shape.channels if shape.kind == "image" else shape.features
    groups = _int(a["groups"], "groups", layer, ctx)
    if c % groups:
        raise InputError(f"{layer.name}: {groups} groups do not divide {c} channels at column {layer.column}",
                          ctx.option)
    return _scale_and_shift(Row(layer.text, "groupnorm", shape), c, a["affine"], "2C")


def _scale_and_shift(row: Row, size: int, affine: bool, formula: str) -> Row:
    """A normalisation's learned scale γ and shift β, ``size`` each (none without ``affine``)."""
    if affine:
        row.tensors = [("weight", (size,), True), ("bias", (size,), True)]
        row.params = row.trainable = 2 * size
    row.formula = formula
    row.substituted = f"2·{size}"
    row.symbolic = ("batchnorm", {"C": size, "k": 2 if affine else 0})
    return row


def _embedding(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind != "tokens":
        raise InputError(f"{layer.name} needs token ids (--input T, the sequence length) but gets "
                          f"{_describe(shape)} at column {layer.column}", ctx.option)
    num, dim = _int(a["num"], "num", layer, ctx), _int(a["dim"], "dim", layer, ctx)
    row = Row(layer.text, "embedding", Shape("sequence", features=dim, length=shape.length))
    row.tensors = [("weight", (num, dim), True)]
    row.params = row.trainable = num * dim
    row.formula = "num·dim"
    row.substituted = f"{num}·{dim}"
    row.symbolic = ("fc", {"N_in": num, "N_out": dim, "b": 0})
    return row


def _recurrent(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind != "sequence":
        raise InputError(f"{layer.name} needs a sequence T×F but gets {_describe(shape)} at column "
                          f"{layer.column}", ctx.option)
    gates = GATES[layer.name]
    hidden = _int(a["hidden"], "hidden", layer, ctx)
    layers = _int(a["layers"], "layers", layer, ctx)
    dirs = 2 if a["bidirectional"] else 1
    bias = bool(a["bias"])
    keras = ctx.framework == "keras"
    biases = (2 if not keras or (layer.name == "gru" and a["reset_after"]) else 1) if bias else 0
    total = macs = 0
    tensors = []
    pieces = []
    for index in range(layers):
        n_in = shape.features if index == 0 else hidden * dirs
        per = gates * (hidden * n_in + hidden * hidden + biases * hidden)
        total += dirs * per
        macs += dirs * shape.length * gates * (hidden * n_in + hidden * hidden)
        pieces.append(f"{dirs}·{gates}·({hidden}·{n_in} + {hidden}·{hidden}" + (f" + {biases}·{hidden})" if biases
                                                                              else ")"))
        for direction in range(dirs):
            suffix = f"_l{index}" + ("_reverse" if direction else "")
            tensors += [(f"weight_ih{suffix}", (gates * hidden, n_in), True),
                        (f"weight_hh{suffix}", (gates * hidden, hidden), True)]
            if biases == 1:
                tensors += [(f"bias{suffix}", (gates * hidden,), True)]
            elif biases == 2:
                tensors += [(f"bias_ih{suffix}", (gates * hidden,), True),
                            (f"bias_hh{suffix}", (gates * hidden,), True)]
    out_features = hidden * dirs
    output = Shape("vector", features=out_features) if a["last"] else Shape("sequence", features=out_features,
                                                                            length=shape.length)
    row = Row(layer.text, "recurrent", output)
    row.tensors = tensors
    row.params = row.trainable = total
    row.bias_params = dirs * layers * gates * biases * hidden
    other = 1 if biases == 2 else 2 if biases == 1 else 0
    row.extra_bias = dirs * layers * gates * hidden * (other - biases) if biases else 0
    names = {1: "one bias vector per gate", 2: "two bias vectors per gate (b_ih and b_hh)"}
    row.formula = "dirs·g·(H·I + H·H + " + ("2H)" if biases == 2 else "H)" if biases else ")") + \
        (" per layer" if layers > 1 else "")
    row.substituted = " + ".join(pieces)
    row.macs = macs
    row.macs_formula = "dirs·T·g·(H·I + H·H) per layer"
    row.macs_substituted = f"{dirs}·{shape.length}·{gates}·({hidden}·I + {hidden}·{hidden})"
    convention = "Keras" if keras else "PyTorch"
    if biases:
        row.notes.append(f"{convention}: {names[biases]}" + (" (GRU with reset_after)" if keras and
                                                              layer.name == "gru" and biases == 2 else ""))
    row.symbolic = ("recurrent", {"g": gates, "H": hidden, "I": shape.features, "L": layers, "dirs": dirs,
                                  "nb": biases})
    return row


def _mha(layer: Layer, a: dict, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind != "sequence":
        raise InputError(f"{layer.name} needs a sequence T×E but gets {_describe(shape)} at column "
                          f"{layer.column}", ctx.option)
    embed, heads = _int(a["embed"], "embed", layer, ctx), _int(a["heads"], "heads", layer, ctx)
    if embed != shape.features:
        raise InputError(f"{layer.name}: embed {embed} but the input has {shape.features} features at column "
                          f"{layer.column}", ctx.option)
    if embed % heads:
        raise InputError(f"{layer.name}: {heads} heads do not divide embed {embed} at column {layer.column}",
                          ctx.option)
    bias = bool(a["bias"])
    row = Row(layer.text, "mha", shape)
    row.tensors = [("in_proj_weight", (3 * embed, embed), True), ("out_proj.weight", (embed, embed), True)]
    if bias:
        row.tensors += [("in_proj_bias", (3 * embed,), True), ("out_proj.bias", (embed,), True)]
    row.params = row.trainable = 4 * embed * embed + (4 * embed if bias else 0)
    row.bias_params = 4 * embed if bias else 0
    row.formula = "4E² + 4E (Q, K, V and output projections)" if bias else "4E²"
    row.substituted = f"4·{embed}² + 4·{embed}" if bias else f"4·{embed}²"
    t = shape.length
    row.macs = 4 * t * embed * embed + 2 * t * t * embed
    row.macs_formula = "4·T·E² + 2·T²·E"
    row.macs_substituted = f"4·{t}·{embed}² + 2·{t}²·{embed}"
    row.symbolic = ("mha", {"E": embed, "b": int(bias)})
    return row


LAYERS = {
    "conv": _conv, "convtranspose": _convtranspose, "maxpool": _pool, "avgpool": _pool,
    "adaptiveavgpool": _adaptive, "fc": _fc, "flatten": _flatten, "elementwise": _elementwise,
    "batchnorm": _batchnorm, "layernorm": _layernorm, "groupnorm": _groupnorm, "embedding": _embedding,
    "recurrent": _recurrent, "mha": _mha,
}


# ---------------------------------------------------------------------------------------------
# A whole network
# ---------------------------------------------------------------------------------------------


def input_shape(items: list, size: tuple[int, ...], in_channels: int | None, option: str = "--input") -> Shape:
    """The network's input, read by what its first layer takes: tokens for an embedding, a sequence
    T×F for a recurrent or attention layer, a vector for a first fully connected layer given one
    size, else an image with ``in_channels`` channels (default 1)."""
    first = items[0]
    while isinstance(first, Residual):
        first = first.main[0]
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


def walk(items: list, shape: Shape, ctx: Context, rows: list[Row], prefix: str = "") -> Shape:
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
            add = Row(f"{prefix}[block {block}] + shortcut", "add", main)
            add.notes.append("the shortcut is added: no parameters")
            rows.append(add)
            shape = main
            continue
        row = apply_layer(item, shape, ctx)
        row.name = prefix + row.name
        rows.append(row)
        shape = row.output
    return shape


def summarize(items: list, shape: Shape, framework: str = "torch") -> list[Row]:
    """Every row of the network, numbered (elementwise layers share the number of the layer before)."""
    rows: list[Row] = []
    walk(items, shape, Context(framework), rows)
    number = 0
    for row in rows:
        if row.kind != "elementwise" or number == 0:
            number += 1
        row.index = number
    return rows


def receptive_field(rows: list[Row]) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Receptive field and jump of the last spatial layer along the main path (Araujo et al. 2019):
    ``r ← r + (k_eff − 1)·j``, ``j ← j·s``. Shortcut branches are skipped (they are no wider)."""
    r = j = None
    for row in rows:
        if "shortcut]" in row.name or not row.rf:
            continue
        if r is None:
            r, j = [1] * len(row.rf), [1] * len(row.rf)
        for axis, (k, s) in enumerate(row.rf):
            r[axis] += (k - 1) * j[axis]
            j[axis] *= s
    return (tuple(r), tuple(j)) if r is not None else None


def parse_layers(text: str) -> list:
    """Layers from ``--layers`` text or ``@file``."""
    if text.strip().startswith("@"):
        import os

        path = os.path.expanduser(text.strip()[1:].strip())
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read(1_000_000)
        except OSError as error:
            raise InputError(f"cannot read {path!r}: {error.strerror or error}", "--layers") from None
    return parse_network(text, "--layers")


# ---------------------------------------------------------------------------------------------
# Presets: the published networks, written in the same language
# ---------------------------------------------------------------------------------------------


def _vgg(config: list) -> str:
    layers = [f"conv({v},3,p=1) relu" if v != "M" else "maxpool(2)" for v in config]
    return " ".join(layers) + (" adaptiveavgpool(7) flatten fc(4096) relu dropout fc(4096) relu dropout fc(1000)")


def _resnet(bottleneck: bool, blocks: list[int]) -> str:
    parts = ["conv(64,7,s=2,p=3,bias=false) bn relu maxpool(3,s=2,p=1)"]
    channels = 64
    for stage, count in enumerate(blocks):
        width = 64 * 2**stage
        out = width * 4 if bottleneck else width
        for index in range(count):
            stride = 2 if stage > 0 and index == 0 else 1
            if bottleneck:
                main = (f"conv({width},1,bias=false) bn relu conv({width},3,s={stride},p=1,bias=false) bn relu "
                        f"conv({out},1,bias=false) bn")
            else:
                main = f"conv({width},3,s={stride},p=1,bias=false) bn relu conv({width},3,p=1,bias=false) bn"
            shortcut = f" | conv({out},1,s={stride},bias=false) bn" if stride != 1 or channels != out else ""
            parts.append(f"residual({main}{shortcut}) relu")
            channels = out
    parts.append("adaptiveavgpool(1) flatten fc(1000)")
    return " ".join(parts)


PRESETS: dict[str, dict[str, Any]] = {
    "lenet5": {"layers": "conv(6,5) relu maxpool(2) conv(16,5) relu maxpool(2) flatten fc(120) relu fc(84) relu "
                         "fc(10)", "input": (32, 32), "channels": 1, "published": 61_706,
               "source": "LeCun et al. 1998 as usually taught (max pooling, no Gaussian connections)"},
    "alexnet": {"layers": "conv(64,11,s=4,p=2) relu maxpool(3,s=2) conv(192,5,p=2) relu maxpool(3,s=2) "
                          "conv(384,3,p=1) relu conv(256,3,p=1) relu conv(256,3,p=1) relu maxpool(3,s=2) "
                          "adaptiveavgpool(6) flatten dropout fc(4096) relu dropout fc(4096) relu fc(1000)",
                "input": (224, 224), "channels": 3, "published": 61_100_840, "source": "torchvision alexnet"},
    "vgg16": {"layers": _vgg([64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512,
                              "M"]), "input": (224, 224), "channels": 3, "published": 138_357_544,
              "source": "torchvision vgg16 (Simonyan & Zisserman 2015, configuration D)"},
    "vgg19": {"layers": _vgg([64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
                              512, 512, 512, 512, "M"]), "input": (224, 224), "channels": 3,
              "published": 143_667_240, "source": "torchvision vgg19 (configuration E)"},
    "resnet18": {"layers": _resnet(False, [2, 2, 2, 2]), "input": (224, 224), "channels": 3,
                 "published": 11_689_512, "source": "torchvision resnet18 (He et al. 2016)"},
    "resnet50": {"layers": _resnet(True, [3, 4, 6, 3]), "input": (224, 224), "channels": 3,
                 "published": 25_557_032, "source": "torchvision resnet50"},
}


# ---------------------------------------------------------------------------------------------
# The worked solution
# ---------------------------------------------------------------------------------------------


def _thousands(n: int) -> str:
    return f"{n:,}"


def params_solution(rows: list[Row], shape: Shape, framework: str, title: str, symbolic: bool = True) -> Solution:
    """The summary table, totals and checks of a network."""
    from dlcalc.solution import Solution, Table

    sol = Solution("params", title)
    counted = [r for r in rows if r.kind != "elementwise" or r.params]
    table_rows = []
    for row in rows:
        sol.step(f"{row.index}. {row.name}", row.formula if row.params or row.tensors else "",
                 row.substituted if row.params or row.tensors else "", row.params,
                 note="; ".join(n for n in [f"output {row.output.text()}",
                                            f"MACs {row.macs_formula} = {row.macs_substituted} = {row.macs:,}"
                                            if row.macs else "", *row.notes] if n))
        shown = f"{row.formula} = {row.substituted}" if row.substituted else ""
        table_rows.append([str(row.index) if row.kind != "elementwise" else "", row.name, row.output.text(), shown,
                           _thousands(row.params) if row.params or row.tensors else "",
                           _thousands(row.macs) if row.macs else ""])
    covers = len(sol.steps)
    total = sum(r.params for r in rows)
    trainable = sum(r.trainable for r in rows)
    buffers = sum(r.buffers for r in rows)
    macs = sum(r.macs for r in rows)
    parts = [r.params for r in rows if r.params]
    sol.step("Total parameters", "Σ over the layers", " + ".join(map(_thousands, parts[:12])) +
             (f" + … ({len(parts) - 12} more)" if len(parts) > 12 else ""), total,
             note=f"trainable {trainable:,}; non-trainable {total - trainable:,}" +
             (f"; PyTorch buffers (running statistics, not parameters) {buffers:,}" if buffers else ""))
    layer_macs = [r.macs for r in rows if r.macs]
    sol.step("MACs", "Σ over the layers (1 MAC = one multiply-accumulate; bias additions not counted)",
             " + ".join(map(_thousands, layer_macs[:12])) + (f" + … ({len(layer_macs) - 12} more)"
                                                             if len(layer_macs) > 12 else ""), macs)
    sol.step("FLOPs", "2·MACs", f"2·{macs:,}", 2 * macs, note="1 MAC = 2 FLOPs (a multiply and an add)")
    conventions: dict[str, list[str]] = {}  # each convention once, with the layers it applies to
    for r in rows:
        for note in r.notes:
            if note.startswith(("PyTorch", "Keras")):
                conventions.setdefault(note, []).append(str(r.index))
    if conventions:
        sol.step("Conventions", value=framework, note="; ".join(
            f"{note} (layer{'s' if len(where) > 1 else ''} {', '.join(where[:8])}{', …' if len(where) > 8 else ''})"
            for note, where in conventions.items()))
    memory = total * 4 / 1024**2
    sol.step("Parameter memory", "4 bytes·parameters / 2²⁰ (float32)", f"4·{total:,} / 1,048,576",
             f"{memory:.4g} MiB")
    field = receptive_field(rows)
    if field is not None:
        r, j = field
        sol.step("Receptive field of the last spatial layer", "r ← r + (k_eff − 1)·j, j ← j·s over the layers",
                 value="×".join(map(str, r)), note=f"jump (total stride) {'×'.join(map(str, j))}")
    sol.table = Table(["#", "layer", "output", "parameters", "params", "MACs"], table_rows, covers, right=(0, 4, 5))
    sol.inputs = {"input_shape": shape.as_list(), "framework": framework}
    sol.display = {"input_shape": shape.text()}
    sol.result = {
        "total_params": total, "trainable_params": trainable, "non_trainable_params": total - trainable,
        "buffers": buffers, "macs": macs, "flops": 2 * macs, "param_memory_mib": round(memory, 4),
        "output_shape": rows[-1].output.as_list() if rows else shape.as_list(),
        "receptive_field": list(field[0]) if field else None,
        "layers": Folded([{"index": r.index, "name": r.name, "output_shape": r.output.as_list(),
                            "params": r.params, "macs": r.macs, "formula": r.formula if r.tensors else "",
                            "substituted": r.substituted} for r in rows],
                           f"{len(rows)} layers, as in the summary above"),
    }
    sol.answer = (f"{total:,} parameters ({trainable:,} trainable), {macs:,} MACs = {2 * macs:,} FLOPs, "
                  f"output {sol.result['output_shape'] and (rows[-1].output.text() if rows else shape.text())}")
    _array_check(sol, counted, use_numpy=symbolic)
    if symbolic:
        from dlcalc.symbolic.params import check_rows

        check_rows(sol, counted)
    return sol


def _array_check(sol: Solution, rows: list[Row], small: int = 2_000_000, use_numpy: bool = True) -> None:
    """✓: the formula's count against the entries of arrays of the real weight shapes: numpy zero
    arrays for layers up to ``small`` entries, else (and on the fast --json path, which does not
    import numpy) the product of each shape."""
    bad = []
    counted = 0
    for row in rows:
        if not row.tensors and not row.params:
            continue
        if use_numpy and sum(math.prod(shape) for _, shape, _ in row.tensors) <= small:
            import numpy as np

            entries = sum(np.zeros(shape).size for _, shape, _ in row.tensors)
        else:
            entries = sum(math.prod(shape) for _, shape, _ in row.tensors)
        trainable = sum(math.prod(shape) for _, shape, t in row.tensors if t)
        counted += 1
        if entries != row.params or trainable != row.trainable:
            bad.append(f"{row.index}. {row.name}: formula {row.params:,}, arrays {entries:,}")
    if len(rows) <= 24:
        for row in rows:
            if row.tensors or row.params:
                shapes = ", ".join(f"{name} {'×'.join(map(str, shape))}" for name, shape, _ in row.tensors)
                ok = not any(b.startswith(f"{row.index}. {row.name}:") for b in bad)
                sol.check(f"layer {row.index} by arrays", "array count", ok,
                          f"{shapes} hold {sum(math.prod(s) for _, s, _ in row.tensors):,} entries")
    else:
        sol.check("every layer by arrays", "array count", not bad,
                  "; ".join(bad) if bad else f"the weight arrays of all {counted} layers with parameters hold "
                  "exactly the counts the formulas give")


# ---------------------------------------------------------------------------------------------
# Checking claims
# ---------------------------------------------------------------------------------------------


def total_mistakes(rows: list[Row]) -> list:
    """Totals the usual slips produce."""
    from dlcalc.verify import Mistake

    total = sum(r.params for r in rows)
    biases = sum(r.bias_params for r in rows)
    found = []
    if biases:
        found.append(Mistake("the count without the bias" + ("es" if len([r for r in rows if r.bias_params]) > 1
                                                              else ""), (total - biases,)))
        found.append(Mistake("the count with every bias counted twice", (total + biases,)))
    free = sum(r.in_channel_free if r.kind in ("conv", "convtranspose") else r.params for r in rows)
    if free != total:
        found.append(Mistake("the count with the input channels forgotten (C_in taken as 1)", (free,)))
    extra = sum(r.extra_bias for r in rows)
    if extra:
        other = "two bias vectors per gate (PyTorch's convention)" if extra > 0 else \
            "one bias vector per gate (Keras's convention)"
        found.append(Mistake(f"the count with {other}", (total + extra,)))
    macs = sum(r.macs for r in rows)
    if macs:
        found.append(Mistake("the number of MACs, not parameters", (macs,)))
        found.append(Mistake("the number of FLOPs (2·MACs), not parameters", (2 * macs,)))
    buffers = sum(r.buffers for r in rows)
    if buffers:
        found.append(Mistake("the count with the batch-norm running statistics (buffers, not parameters)",
                             (total + buffers,)))
    trainable = sum(r.trainable for r in rows)
    if trainable != total:
        found.append(Mistake("the trainable parameters only", (trainable,)))
    convs = [r for r in rows if r.kind == "conv"]
    if len(convs) == 1 and convs[0].tensors:
        out = convs[0].output.channels
        weights = convs[0].params - convs[0].bias_params
        found.append(Mistake("one filter's weights without its bias", (weights // out,)))
        if convs[0].bias_params:
            found.append(Mistake("the parameters of one filter, bias included", (convs[0].params // out,)))
    return found


def _layer_row(rows: list[Row], index: int, option: str) -> Row:
    numbered = [r for r in rows if r.index == index]
    if not numbered:
        raise InputError(f"there is no layer {index}; the layers are numbered 1 to {rows[-1].index}", option)
    return numbered[0]


def _parse_numbered(text: str, option: str) -> tuple[int, str]:
    from dlcalc.parse import parse_int
    from dlcalc.verify import split_named

    index_text, value = split_named(text, option, "3=2416", "LAYER=VALUE")
    return parse_int(index_text, option, minimum=1), value


def judge(rows: list[Row], total_claim: str | None, layer_claims: list[str], shape_claims: list[str],
          rtol: float | None = None, atol: float | None = None):
    """One verdict for every claim given (the total, layers' counts, layers' shapes)."""
    from dlcalc.verify import Mistake, check_claim, combine

    parts = []
    if total_claim is not None:
        parts.append(("total", "total parameters", check_claim(
            total_claim, [sum(r.params for r in rows)], rtol=rtol, atol=atol, mistakes=total_mistakes(rows))))
    for text in layer_claims:
        index, value = _parse_numbered(text, "--check-layer")
        row = _layer_row(rows, index, "--check-layer")
        group = [r for r in rows if r.index == index]
        parts.append((f"layer {index}", f"layer {index} ({row.name})", check_claim(
            value, [sum(r.params for r in group)], option="--check-layer", mistakes=total_mistakes(group))))
    for text in shape_claims:
        index, value = _parse_numbered(text, "--check-shape")
        group = [r for r in rows if r.index == index]
        row = group[-1] if group else _layer_row(rows, index, "--check-shape")
        want = row.output.as_list()
        mistakes = [Mistake(d, tuple(v)) for d, v in (_shape_mistakes(*row.shape_args) if row.shape_args else [])]
        labels = {"image": [*("depth", "height", "width")[3 - len(row.output.spatial):], "channels"],
                  "sequence": ["length", "features"]}.get(row.output.kind)
        verdict = check_claim(value, want, option="--check-shape", mistakes=mistakes, joiner="×", labels=labels)
        if not verdict.passed and row.output.kind == "image":
            channels_first = check_claim(value, [want[-1], *want[:-1]], option="--check-shape", joiner="×")
            if channels_first.passed:
                verdict = channels_first
                verdict.details.append("written channels first (C×H×W, PyTorch's order); dlcalc writes H×W×C")
        parts.append((f"shape {index}", f"layer {index} shape", verdict))
    return combine(parts)


def params_request(*, layers: str | None = None, preset: str | None = None, input_size: str | None = None,
                   in_channels: int | None = None, filters: int | None = None, kernel: str | None = None,
                   stride: str = "1", padding: str = "0", dilation: str = "1", groups: int = 1, bias: bool = True,
                   framework: str = "torch", symbolic: bool = True, check: str | None = None,
                   check_layer: list[str] | None = None, check_shape: list[str] | None = None,
                   rtol: float | None = None, atol: float | None = None):
    """params from its option texts."""
    from dlcalc.parse import parse_shape

    sources = [name for name, given in (("--layers", layers), ("--preset", preset),
                                        ("--filters", filters)) if given is not None]
    if len(sources) > 1:
        raise InputError(f"give one of --layers, --preset or --filters, not {' and '.join(sources)}", sources[1])
    if framework not in ("torch", "keras"):
        raise InputError(f"expected torch or keras, got {framework!r}", "--framework")
    if preset is not None:
        if preset not in PRESETS:
            close = get_close_matches(preset, list(PRESETS), n=1)
            raise InputError(f"unknown preset {preset!r}" + (f"; did you mean {close[0]}?" if close else "") +
                              f" (one of {', '.join(PRESETS)})", "--preset")
        chosen = PRESETS[preset]
        items = parse_network(chosen["layers"], "--preset")
        size = parse_shape(input_size, "--input") if input_size else chosen["input"]
        shape = input_shape(items, size, in_channels or chosen["channels"])
        title = f"{preset} ({chosen['source']}; published total {chosen['published']:,})"
    else:
        if input_size is None:
            raise InputError("is required: the input size, e.g. 32x32 (with --in-channels)", "--input")
        size = parse_shape(input_size, "--input")
        if filters is not None:
            if kernel is None:
                raise InputError("is required with --filters: the kernel size, e.g. 5", "--kernel")
            k = "x".join(map(str, parse_shape(kernel, "--kernel")))
            s = "x".join(map(str, parse_shape(stride, "--stride")))
            d = "x".join(map(str, parse_shape(dilation, "--dilation")))
            p = padding.strip().lower() if padding.strip().lower() in ("same", "valid") else \
                "x".join(map(str, parse_shape(padding, "--padding", minimum=0)))
            name = {1: "conv1d", 2: "conv", 3: "conv3d"}.get(len(size), "conv")
            given = (("s", s, "1"), ("p", p, "0"), ("d", d, "1"), ("groups", groups, 1),
                     ("bias", "true" if bias else "false", "true"))
            extras = [f"{key}={value}" for key, value, default in given if str(value) != str(default)]
            layers = f"{name}({', '.join([str(filters), k, *extras])})"
        elif layers is None:
            raise InputError("is required: the layers, e.g. \"conv(6,5) relu maxpool(2) flatten fc(10)\" "
                              "(or --preset, or one layer with --filters and --kernel)", "--layers")
        items = parse_layers(layers)
        shape = input_shape(items, size, in_channels)
        title = "parameters, shapes and MACs, layer by layer"
    rows = summarize(items, shape, framework)
    sol = params_solution(rows, shape, framework, title, symbolic=symbolic)
    if preset is not None:
        total = sol.result["total_params"]
        sol.check("published total", "reference", total == PRESETS[preset]["published"],
                  f"{total:,} against {PRESETS[preset]['published']:,} ({PRESETS[preset]['source']})")
    if check is not None or check_layer or check_shape:
        sol.verdict = judge(rows, check, check_layer or [], check_shape or [], rtol, atol)
    return sol
