"""The store port (see port.py); adapters live beside it and are opened by URL."""
