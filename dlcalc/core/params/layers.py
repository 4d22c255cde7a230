"""One function per layer kind: the layer's output shape, parameter tensors, count and MACs, as a Row.

Formulas (PyTorch's layer documentation unless said otherwise; Keras where the framework is ``keras``):

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

A convolution's and a pooling layer's rules and output size are conv-out's (:func:`dlcalc.core.conv.layer`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from dlcalc.core.conv import ConvSpec
from dlcalc.core.conv import layer as conv_layer
from dlcalc.core.params.rows import Row, Shape, Tensor
from dlcalc.core.params.signatures import GATES, Context, bind, kind_of, need_image, whole_number, whole_numbers
from dlcalc.errors import InputError
from dlcalc.parse.layers import Layer

Args = dict[str, Any]
LayerFunction = Callable[[Layer, Args, Shape, Context, "int | None"], Row]


def apply_layer(layer: Layer, shape: Shape, ctx: Context) -> Row:
    """The row for one layer given its input shape (InputError when it does not fit)."""
    kind, dims = kind_of(layer, ctx.option)
    row = LAYERS[kind](layer, bind(layer, kind, ctx.option), shape, ctx, dims)
    row.input = shape
    return row


def _times(values: tuple[int, ...]) -> str:
    return "·".join(map(str, values))


def _spec(layer: Layer, shape: Shape, ctx: Context, kernel: tuple[int, ...], stride: tuple[int, ...],
          padding: str, pads: tuple[tuple[int, int], ...] | None, dilation: tuple[int, ...], **kinds: Any) -> ConvSpec:
    """The layer as conv-out's spec, checked by conv-out's rules; a broken rule names the layer, its
    column and its input."""
    try:
        return conv_layer(shape.spatial, kernel, stride, padding, dilation, pads=pads, convention="torch",
                          options={"convention": ""}, **kinds)  # params has no --convention to point to
    except InputError as error:
        raise InputError(f"{layer.text} at column {layer.column}: {error.message} (its input is {shape.text()})",
                         ctx.option) from None


def _conv_args(layer: Layer, a: Args, shape: Shape, ctx: Context,
               dims: int | None) -> tuple[int, int, int, tuple[int, ...], tuple[int, ...], tuple[int, ...], int, bool]:
    """What a convolution and a transposed one share: axes, channels, kernel, stride, dilation,
    groups (which must divide both channel counts) and bias."""
    n = need_image(layer, shape, ctx, dims)
    c_in = shape.channels
    out = whole_number(a["out"], "out", layer, ctx)
    k = whole_numbers(a["k"], n, "kernel", layer, ctx)
    s = whole_numbers(a["s"], n, "stride", layer, ctx)
    d = whole_numbers(a["d"], n, "dilation", layer, ctx)
    groups = whole_number(a["groups"], "groups", layer, ctx)
    if c_in % groups or out % groups:
        raise InputError(f"{layer.name}: groups={groups} must divide the {c_in} input and {out} output channels "
                         f"at column {layer.column}", ctx.option)
    return n, c_in, out, k, s, d, groups, bool(a["bias"])


def _conv(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n, c_in, out, k, s, d, groups, bias = _conv_args(layer, a, shape, ctx, dims)
    if a["p"] in ("same", "valid"):
        spec = _spec(layer, shape, ctx, k, s, a["p"], None, d)
    else:
        pads = tuple((p, p) for p in whole_numbers(a["p"], n, "padding", layer, ctx, minimum=0))
        spec = _spec(layer, shape, ctx, k, s, "explicit", pads, d)
    spatial = spec.output_size()
    row = Row(layer.text, "conv", Shape("image", out, spatial), conv=spec)
    per = c_in // groups
    weight = out * per * math.prod(k)
    row.tensors = [Tensor("weight", (out, per, *k))] + ([Tensor("bias", (out,))] if bias else [])
    row.params = row.trainable = weight + (out if bias else 0)
    row.bias_params = out if bias else 0
    row.in_channel_free = out * math.prod(k) + (out if bias else 0)
    kernel = "·".join("K" for _ in k) if len(set(k)) == 1 else "·".join(f"K_{i + 1}" for i in range(n))
    cin = "C_in/g" if groups > 1 else "C_in"
    row.formula = f"({kernel}·{cin} + 1)·C_out" if bias else f"{kernel}·{cin}·C_out"
    cin_value = f"{c_in}/{groups}" if groups > 1 else str(c_in)
    row.substituted = f"({_times(k)}·{cin_value} + 1)·{out}" if bias else f"{_times(k)}·{cin_value}·{out}"
    row.macs = out * math.prod(spatial) * per * math.prod(k)
    row.macs_formula = f"C_out·{'·'.join('O' for _ in spatial)}·{cin}·{kernel}"
    row.macs_substituted = f"{out}·{_times(spatial)}·{per}·{_times(k)}"
    row.symbolic = ("conv", {"K": math.prod(k), "C_in": c_in, "g": groups, "C_out": out, "b": int(bias)})
    row.rf = tuple((dd * (kk - 1) + 1, ss) for kk, ss, dd in zip(k, s, d, strict=True))
    return row


def _convtranspose(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n, c_in, out, k, s, d, groups, bias = _conv_args(layer, a, shape, ctx, dims)
    p = whole_numbers(a["p"], n, "padding", layer, ctx, minimum=0)
    op = whole_numbers(a["op"], n, "output_padding", layer, ctx, minimum=0)
    spec = _spec(layer, shape, ctx, k, s, "explicit", tuple((pp, pp) for pp in p), d, transposed=True,
                 output_padding=op)
    row = Row(layer.text, "convtranspose", Shape("image", out, spec.output_size()))
    per = out // groups
    row.tensors = [Tensor("weight", (c_in, per, *k))] + ([Tensor("bias", (out,))] if bias else [])
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


def _pool(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n = need_image(layer, shape, ctx, dims)
    k = whole_numbers(a["k"], n, "kernel", layer, ctx)
    s = whole_numbers(a["s"], n, "stride", layer, ctx) if a["s"] is not None else k
    p = whole_numbers(a["p"], n, "padding", layer, ctx, minimum=0)
    d = whole_numbers(a.get("d", 1), n, "dilation", layer, ctx)
    pool = "max" if layer.name.startswith("max") else "avg"
    spec = _spec(layer, shape, ctx, k, s, "explicit", tuple((pp, pp) for pp in p), d, pool=pool,
                 ceil_mode=bool(a["ceil_mode"]))
    row = Row(layer.text, "pool", Shape("image", shape.channels, spec.output_size()), conv=spec)
    if a["s"] is None:
        row.notes.append("stride defaults to the window")
    row.rf = tuple((dd * (kk - 1) + 1, ss) for kk, ss, dd in zip(k, s, d, strict=True))
    return row


def _adaptive(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    n = need_image(layer, shape, ctx, dims)
    out = whole_numbers(a["out"], n, "output size", layer, ctx)
    return Row(layer.text, "pool", Shape("image", shape.channels, out))


def _fc(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind not in ("vector", "sequence"):
        raise InputError(f"{layer.name} needs a vector but gets {shape.describe()} at column {layer.column}: add "
                         "flatten before it", ctx.option)
    out = whole_number(a["out"], "out", layer, ctx)
    bias = bool(a["bias"])
    n_in = shape.features
    output = Shape("vector", features=out) if shape.kind == "vector" else Shape("sequence", features=out,
                                                                                 length=shape.length)
    row = Row(layer.text, "fc", output)
    row.tensors = [Tensor("weight", (out, n_in))] + ([Tensor("bias", (out,))] if bias else [])
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


def _flatten(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    return Row(layer.text, "flatten", Shape("vector", features=shape.size()))


def _elementwise(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    return Row(layer.text, "elementwise", shape)


def _batchnorm(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    c = shape.channels if shape.kind == "image" else shape.features
    row = Row(layer.text, "batchnorm", shape)
    affine = 2 * c if a["affine"] else 0
    if ctx.framework == "keras":
        row.tensors = [Tensor("gamma", (c,)), Tensor("beta", (c,)), Tensor("moving_mean", (c,), False),
                       Tensor("moving_variance", (c,), False)][0 if a["affine"] else 2:]
        row.params = affine + 2 * c
        row.trainable = affine
        row.formula = "4C (γ, β trainable; moving mean and variance not)" if a["affine"] else "2C (not trainable)"
        row.substituted = f"4·{c}" if a["affine"] else f"2·{c}"
        row.notes.append("Keras counts the moving mean and variance as non-trainable parameters")
    else:
        row.tensors = [Tensor("weight", (c,)), Tensor("bias", (c,))] if a["affine"] else []
        row.params = row.trainable = affine
        row.buffers = 2 * c
        row.formula = "2C (γ, β)"
        row.substituted = f"2·{c}"
        row.notes.append("PyTorch keeps the running mean and variance (2C) as buffers, not parameters")
    row.symbolic = ("batchnorm", {"C": c, "k": row.params // max(c, 1)})
    return row


def _layernorm(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    normalized = a["n"] if a["n"] is not None else (shape.size() if shape.kind == "image" else shape.features)
    size = math.prod(normalized) if isinstance(normalized, tuple) else whole_number(normalized, "n", layer, ctx)
    return _scale_and_shift(Row(layer.text, "layernorm", shape), size, a["affine"], "2·N")


def _groupnorm(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    c = shape.channels if shape.kind == "image" else shape.features
    groups = whole_number(a["groups"], "groups", layer, ctx)
    if c % groups:
        raise InputError(f"{layer.name}: {groups} groups do not divide {c} channels at column {layer.column}",
                         ctx.option)
    return _scale_and_shift(Row(layer.text, "groupnorm", shape), c, a["affine"], "2C")


def _scale_and_shift(row: Row, size: int, affine: bool, formula: str) -> Row:
    """A normalisation's learned scale γ and shift β, ``size`` each (none without ``affine``)."""
    if affine:
        row.tensors = [Tensor("weight", (size,)), Tensor("bias", (size,))]
        row.params = row.trainable = 2 * size
    row.formula = formula
    row.substituted = f"2·{size}"
    row.symbolic = ("batchnorm", {"C": size, "k": 2 if affine else 0})
    return row


def _embedding(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind != "tokens":
        raise InputError(f"{layer.name} needs token ids (--input T, the sequence length) but gets "
                         f"{shape.describe()} at column {layer.column}", ctx.option)
    num, dim = whole_number(a["num"], "num", layer, ctx), whole_number(a["dim"], "dim", layer, ctx)
    row = Row(layer.text, "embedding", Shape("sequence", features=dim, length=shape.length))
    row.tensors = [Tensor("weight", (num, dim))]
    row.params = row.trainable = num * dim
    row.formula = "num·dim"
    row.substituted = f"{num}·{dim}"
    row.symbolic = ("fc", {"N_in": num, "N_out": dim, "b": 0})
    return row


def _recurrent(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind != "sequence":
        raise InputError(f"{layer.name} needs a sequence T×F but gets {shape.describe()} at column "
                         f"{layer.column}", ctx.option)
    gates = GATES[layer.name]
    hidden = whole_number(a["hidden"], "hidden", layer, ctx)
    layers = whole_number(a["layers"], "layers", layer, ctx)
    dirs = 2 if a["bidirectional"] else 1
    bias = bool(a["bias"])
    keras = ctx.framework == "keras"
    biases = (2 if not keras or (layer.name == "gru" and a["reset_after"]) else 1) if bias else 0
    total = macs = 0
    tensors: list[Tensor] = []
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
            tensors += [Tensor(f"weight_ih{suffix}", (gates * hidden, n_in)),
                        Tensor(f"weight_hh{suffix}", (gates * hidden, hidden))]
            if biases == 1:
                tensors += [Tensor(f"bias{suffix}", (gates * hidden,))]
            elif biases == 2:
                tensors += [Tensor(f"bias_ih{suffix}", (gates * hidden,)),
                            Tensor(f"bias_hh{suffix}", (gates * hidden,))]
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


def _mha(layer: Layer, a: Args, shape: Shape, ctx: Context, dims: int | None) -> Row:
    if shape.kind != "sequence":
        raise InputError(f"{layer.name} needs a sequence T×E but gets {shape.describe()} at column "
                         f"{layer.column}", ctx.option)
    embed, heads = whole_number(a["embed"], "embed", layer, ctx), whole_number(a["heads"], "heads", layer, ctx)
    if embed != shape.features:
        raise InputError(f"{layer.name}: embed {embed} but the input has {shape.features} features at column "
                         f"{layer.column}", ctx.option)
    if embed % heads:
        raise InputError(f"{layer.name}: {heads} heads do not divide embed {embed} at column {layer.column}",
                         ctx.option)
    bias = bool(a["bias"])
    row = Row(layer.text, "mha", shape)
    row.tensors = [Tensor("in_proj_weight", (3 * embed, embed)), Tensor("out_proj.weight", (embed, embed))]
    if bias:
        row.tensors += [Tensor("in_proj_bias", (3 * embed,)), Tensor("out_proj.bias", (embed,))]
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


LAYERS: dict[str, LayerFunction] = {
    "conv": _conv, "convtranspose": _convtranspose, "maxpool": _pool, "avgpool": _pool,
    "adaptiveavgpool": _adaptive, "fc": _fc, "flatten": _flatten, "elementwise": _elementwise,
    "batchnorm": _batchnorm, "layernorm": _layernorm, "groupnorm": _groupnorm, "embedding": _embedding,
    "recurrent": _recurrent, "mha": _mha,
}
