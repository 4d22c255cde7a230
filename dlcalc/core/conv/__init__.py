"""conv-out: the output size of a convolution, transposed convolution or pooling layer.

* :mod:`~dlcalc.core.conv.formulas`: the formulas, one axis at a time (PyTorch, Dumoulin & Visin);
* :mod:`~dlcalc.core.conv.spec`: a layer per axis, and the rules it must obey;
* :mod:`~dlcalc.core.conv.windows`: the independent method, windows counted one by one;
* :mod:`~dlcalc.core.conv.output_size`: the worked solution, its claim table and common mistakes.
"""

from dlcalc.core.conv.formulas import (
    conv_output_size,
    effective_kernel,
    pool_output_size,
    same_padding,
    transposed_output_size,
)
from dlcalc.core.conv.output_size import common_mistakes, conv_out
from dlcalc.core.conv.spec import AXIS_NAMES, ConvSpec, axis_output, layer
from dlcalc.core.conv.windows import count_transposed_positions, count_window_positions

__all__ = ["AXIS_NAMES", "ConvSpec", "axis_output", "common_mistakes", "conv_out", "conv_output_size",
           "count_transposed_positions", "count_window_positions", "effective_kernel", "layer", "pool_output_size",
           "same_padding", "transposed_output_size"]
