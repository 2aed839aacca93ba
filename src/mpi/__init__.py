"""mpi: a master patient index and identity service for Mexico's public health system."""

__version__ = "0.1.0"

__all__ = ["__version__"]
