"""params: parameter counts, output shapes and MACs of a network, layer by layer, conventions explicit.

* :mod:`~dlcalc.core.params.rows`: a tensor's shape between layers, and a layer's summary row;
* :mod:`~dlcalc.core.params.signatures`: the layer kinds, their arguments, and one argument's checks;
* :mod:`~dlcalc.core.params.layers`: one function per layer kind (formulas and sources there);
* :mod:`~dlcalc.core.params.network`: the input, the walk through a network, numbering, receptive field;
* :mod:`~dlcalc.core.params.presets`: the published networks;
* :mod:`~dlcalc.core.params.worked`: the worked solution, the array check, the claim table and the
  common mistakes.

Layers come parsed (:func:`dlcalc.parse.layers.parse_network`); the rules and output size of a
convolution or pooling layer are conv-out's (:func:`dlcalc.core.conv.layer`).
"""

from dlcalc.core.params.layers import apply_layer
from dlcalc.core.params.network import input_shape, receptive_field, summarize
from dlcalc.core.params.presets import PRESETS, preset_title
from dlcalc.core.params.rows import Row, Shape, Tensor
from dlcalc.core.params.signatures import ALIASES, Context
from dlcalc.core.params.worked import (
    TITLE,
    claim_table,
    counted,
    params_network,
    params_solution,
    shape_mistakes,
    total_mistakes,
)

__all__ = ["ALIASES", "PRESETS", "TITLE", "Context", "Row", "Shape", "Tensor", "apply_layer", "claim_table",
           "counted", "input_shape", "params_network", "params_solution", "preset_title", "receptive_field",
           "shape_mistakes", "summarize", "total_mistakes"]
