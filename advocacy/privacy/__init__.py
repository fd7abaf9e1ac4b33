"""Privacy: participation, transparency, the per-person switch, export, erasure and retention."""
