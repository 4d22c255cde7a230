"""What params computes for each layer: the tensor shapes flowing between layers, and one summary row per layer."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from dlcalc.core.conv import ConvSpec


@dataclass(frozen=True, slots=True)
class Shape:
    """A tensor shape without the batch: an image (``channels`` × ``spatial``), a vector of ``features``,
    a sequence ``length`` × ``features``, or ``length`` token ids."""

    kind: str
    channels: int = 0
    spatial: tuple[int, ...] = ()
    features: int = 0
    length: int = 0

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

    def describe(self) -> str:
        """For a message: ``a vector of 400``, ``an image 28×28×6``."""
        return {"vector": f"a vector of {self.features}", "sequence": f"a sequence {self.text()}",
                "tokens": f"{self.length} tokens", "image": f"an image {self.text()}"}[self.kind]


class Tensor(NamedTuple):
    """One parameter (or Keras non-trainable) tensor of a layer, by its framework name and shape."""

    name: str
    shape: tuple[int, ...]
    trainable: bool = True


@dataclass(slots=True)
class Row:
    """One layer of the summary: its output, its parameter tensors, how they were counted, and what the
    checks and the diagnosis of a wrong claim need.

    ``index`` is the layer's number in the summary (an elementwise layer shares the number of the layer
    before it); ``symbolic`` is (formula kind, values) for the sympy check; ``bias_params``,
    ``extra_bias`` (what the other framework's recurrent bias convention adds or removes) and
    ``in_channel_free`` (the count with C_in taken as 1) are for the common mistakes; ``rf`` is per axis
    (effective kernel, stride) for the receptive field; ``conv`` is the convolution's or pooling's
    spec, for the common mistakes of a claimed shape.
    """

    name: str
    kind: str
    output: Shape
    input: Shape | None = None
    index: int = 0
    tensors: list[Tensor] = field(default_factory=list)
    formula: str = "0"
    substituted: str = ""
    params: int = 0
    trainable: int = 0
    macs: int = 0
    macs_formula: str = ""
    macs_substituted: str = ""
    notes: list[str] = field(default_factory=list)
    symbolic: tuple[str, dict[str, int]] | None = None
    buffers: int = 0
    bias_params: int = 0
    extra_bias: int = 0
    in_channel_free: int = 0
    rf: tuple[tuple[int, int], ...] = ()
    conv: ConvSpec | None = None

    @property
    def counted(self) -> bool:
        """Whether the layer has parameter tensors or a count (what the array check looks at)."""
        return bool(self.tensors or self.params)
