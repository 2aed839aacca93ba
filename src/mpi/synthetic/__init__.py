"""Synthetic Mexican patient populations with ground truth, for tests, demos and benchmarks."""
