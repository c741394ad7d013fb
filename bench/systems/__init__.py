"""The systems the benchmark compares, each behind ``bench.systems.base.System``."""
