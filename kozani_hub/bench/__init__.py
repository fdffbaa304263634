"""`kozani-hub bench`: the city-scale benchmarks (DESIGN section 8)."""
