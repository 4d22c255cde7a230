"""conv-apply: a kernel or a pooling window applied to a matrix (or C×H×W channels), cell by cell.

* :mod:`~dlcalc.core.conv_apply.numbers`: exact inputs as scaled integers, or floats;
* :mod:`~dlcalc.core.conv_apply.spec`: the problem and its rules (channels, groups, bias, padding modes);
* :mod:`~dlcalc.core.conv_apply.kernel`: the output, computed with numpy, tap by tap;
* :mod:`~dlcalc.core.conv_apply.direct`: window by window in plain Python: the worked sums and the check;
* :mod:`~dlcalc.core.conv_apply.worked`: the worked solution, its claim table and common mistakes.
"""

# numpy before this package's own modules: bench/startup.py measured the small problems 20–40 ms
# faster to start here when numpy is not first imported at the end of a chain of nested imports.
import numpy  # noqa: F401

from dlcalc.core.conv_apply.direct import Direct
from dlcalc.core.conv_apply.spec import ApplySpec, apply_spec
from dlcalc.core.conv_apply.worked import conv_apply, output_values

__all__ = ["ApplySpec", "Direct", "apply_spec", "conv_apply", "output_values"]
