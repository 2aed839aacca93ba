"""Synthetic Mexican patient populations with ground truth, for tests, demos and benchmarks."""

from mpi.synthetic.generate import Population, generate, person_id
from mpi.synthetic.hard_negatives import HARD_NEGATIVE_KINDS
from mpi.synthetic.output import PopulationFiles, write_population
from mpi.synthetic.rates import DEFAULT_RATES, ErrorRates

__all__ = [
    "DEFAULT_RATES",
    "HARD_NEGATIVE_KINDS",
    "ErrorRates",
    "Population",
    "PopulationFiles",
    "generate",
    "person_id",
    "write_population",
]
