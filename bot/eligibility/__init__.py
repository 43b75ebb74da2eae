"""The explainable orientation engine (conditions as data, Kleene logic)."""
