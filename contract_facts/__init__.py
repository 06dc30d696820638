"""One reading of an OpenAPI document (`model`), and the comparisons made over it."""
