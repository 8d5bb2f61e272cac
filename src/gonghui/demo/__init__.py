"""The demo county (seed 004): 会泽县总工会 and everything under it, synthetic and deterministic."""
