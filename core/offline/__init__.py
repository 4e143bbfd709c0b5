"""The offline engine: no GPU, no key, no network; honest and deterministic."""
