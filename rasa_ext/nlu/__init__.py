"""NLU components of our pipeline (config.yml), named there by module path."""
