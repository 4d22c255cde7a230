"""numpy's default random generator in pure Python: ``numpy.random.default_rng(seed).uniform`` bit for bit.

lstm-grads draws its values from a seed; this lets the small cells draw the very same numbers
without importing numpy (which alone costs about as much as the whole start-up). Ported from
numpy's sources (``numpy/random/bit_generator.pyx``, ``_pcg64.pyx``, ``src/pcg64/pcg64.h``,
``src/distributions/distributions.c``) and checked against numpy in ``tests/test_lstm_small.py``:

* ``SeedSequence(seed)``: the seed as little-endian 32-bit words, hashed into a pool of four
  words (``mix_entropy``), then ``generate_state(4, uint64)`` (M. E. O'Neill's seed_seq hashing,
  with numpy's constants);
* ``PCG64``: a 128-bit LCG, ``state ← state·MULT + inc (mod 2¹²⁸)``, seeded as
  ``pcg_setseq_128_srandom_r`` does; each output is XSL-RR of the state after stepping,
  ``rotr64(hi ⊕ lo, state >> 122)``;
* ``next_double = (next_uint64 >> 11)·2⁻⁵³`` and ``uniform(low, high) = low + (high − low)·next_double``;
* ``numpy.round(x, d) = rint(x·10^d)/10^d`` (half to even, keeping the sign of zero).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MASK32 = 0xFFFF_FFFF
MASK64 = 0xFFFF_FFFF_FFFF_FFFF
MASK128 = (1 << 128) - 1

INIT_A = 0x43B0D7E5
MULT_A = 0x931E8875
INIT_B = 0x8B51F9DD
MULT_B = 0x58F38DED
MIX_MULT_L = 0xCA01F9DD
MIX_MULT_R = 0x4973F715
XSHIFT = 16  # 4 * sizeof(uint32) // 2
POOL_SIZE = 4

PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG_DEFAULT_MULTIPLIER_128
DOUBLE_UNIT = 2.0**-53  # 1.0 / 9007199254740992.0


# ---------------------------------------------------------------------------------------------
# SeedSequence
# ---------------------------------------------------------------------------------------------


def uint32_words(seed: int) -> list[int]:
    """A non-negative integer as 32-bit words, least significant first (``_int_to_uint32_array``);
    0 is one word. A negative seed is refused with numpy's ValueError."""
    if seed < 0:
        raise ValueError("expected non-negative integer")
    words = [seed & MASK32]
    seed >>= 32
    while seed:
        words.append(seed & MASK32)
        seed >>= 32
    return words


def hashmix(value: int, const: int) -> tuple[int, int]:
    """numpy's ``hashmix`` on uint32: value ⊕= const; const ·= MULT_A; value ·= const;
    value ⊕= value >> 16. Returns (value, the new const)."""
    value ^= const
    const = (const * MULT_A) & MASK32
    value = (value * const) & MASK32
    return value ^ (value >> XSHIFT), const


def mix(x: int, y: int) -> int:
    """numpy's ``mix`` on uint32: r = MIX_MULT_L·x − MIX_MULT_R·y; r ⊕ (r >> 16)."""
    result = (MIX_MULT_L * x - MIX_MULT_R * y) & MASK32
    return result ^ (result >> XSHIFT)


def seed_pool(seed: int) -> list[int]:
    """``SeedSequence(seed).pool``: the entropy words hashed into four, every word mixed into every other."""
    entropy = uint32_words(seed)
    const = INIT_A
    pool = []
    for k in range(POOL_SIZE):
        value, const = hashmix(entropy[k] if k < len(entropy) else 0, const)
        pool.append(value)
    for src in range(POOL_SIZE):
        for dst in range(POOL_SIZE):
            if src != dst:
                hashed, const = hashmix(pool[src], const)
                pool[dst] = mix(pool[dst], hashed)
    for word in entropy[POOL_SIZE:]:
        for dst in range(POOL_SIZE):
            hashed, const = hashmix(word, const)
            pool[dst] = mix(pool[dst], hashed)
    return pool


def generate_state(pool: Sequence[int], n_words: int) -> list[int]:
    """``SeedSequence.generate_state(n_words, uint64)``: 2·n_words hashed uint32 words cycling
    through the pool, paired little-endian into uint64 words."""
    const = INIT_B
    words = []
    for k in range(2 * n_words):
        value = pool[k % len(pool)] ^ const
        const = (const * MULT_B) & MASK32
        value = (value * const) & MASK32
        words.append(value ^ (value >> XSHIFT))
    return [words[2 * k] | (words[2 * k + 1] << 32) for k in range(n_words)]


# ---------------------------------------------------------------------------------------------
# PCG64
# ---------------------------------------------------------------------------------------------


class PCG64:
    """The PCG64 (XSL-RR 128/64) bit generator, seeded like ``numpy.random.PCG64(seed)``."""

    __slots__ = ("inc", "state")

    def __init__(self, seed: int) -> None:
        s0, s1, q0, q1 = generate_state(seed_pool(seed), 4)
        initstate, initseq = (s0 << 64) | s1, (q0 << 64) | q1
        self.state, self.inc = 0, ((initseq << 1) | 1) & MASK128  # pcg_setseq_128_srandom_r
        self._step()
        self.state = (self.state + initstate) & MASK128
        self._step()

    def _step(self) -> None:
        self.state = (self.state * PCG_MULTIPLIER + self.inc) & MASK128

    def next_uint64(self) -> int:
        """Step, then XSL-RR of the new state: rotr64(hi ⊕ lo, state >> 122)."""
        self._step()
        state = self.state
        value, rot = ((state >> 64) ^ state) & MASK64, state >> 122
        return ((value >> rot) | (value << (64 - rot))) & MASK64

    def next_double(self) -> float:
        """A double in [0, 1) from the top 53 bits: (next_uint64 >> 11)·2⁻⁵³."""
        return (self.next_uint64() >> 11) * DOUBLE_UNIT


class Generator:
    """The part of ``numpy.random.default_rng(seed)`` lstm-grads uses: ``uniform``, values as nested lists."""

    __slots__ = ("bit_generator",)

    def __init__(self, seed: int) -> None:
        self.bit_generator = PCG64(seed)

    def uniform(self, low: float, high: float, shape: tuple[int, ...]) -> list:
        """``uniform(low, high, size=shape).tolist()``: low + (high − low)·next_double, in C order."""
        span = high - low
        if not shape:
            raise ValueError("a shape of at least one dimension is expected")
        if len(shape) == 1:
            return [low + span * self.bit_generator.next_double() for _ in range(shape[0])]
        return [self.uniform(low, high, shape[1:]) for _ in range(shape[0])]


def default_rng(seed: int) -> Generator:
    """Like ``numpy.random.default_rng(seed)`` for a Python int seed."""
    return Generator(seed)


def round_half_even(x: float, decimals: int = 2) -> float:
    """``numpy.round(x, decimals)`` for a float: rint(x·10^d)/10^d. Python's ``round`` is half to
    even like ``rint``; ``copysign`` keeps rint's negative zero (rint(−0.3) = −0.0)."""
    scale = 10.0**decimals
    y = x * scale
    return math.copysign(float(round(y)), y) / scale


def round_nested(values: list, decimals: int = 2) -> list:
    """:func:`round_half_even` of every number of a (nested) list."""
    return [round_nested(v, decimals) if isinstance(v, list) else round_half_even(v, decimals) for v in values]
