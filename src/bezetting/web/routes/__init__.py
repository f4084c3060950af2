"""The page routes, one module per audience."""
