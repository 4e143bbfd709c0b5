"""Local models: what the local backends (core/providers/local_*.py) share.

- `manager`: the process-wide `ModelManager` (load once, lock per model, memory budget, report);
- `runtime`: torch device and dtype, CUDA helpers, module sizes, precision, out-of-memory and
  missing-weights messages (`loading()`);
- `footprint`: a model's size estimated from its files before it loads (so the manager evicts
  first);
- `loaders`: 4-bit-or-full loading of a transformers model class, written once;
- `generation`: `generate` streaming on a thread with a stop flag;
- `censor`: stop words taken out of streamed text.

In this package "model" means one loaded network (or pipeline) in the manager; a backend is a
"provider", and a model id is the name or folder the weights come from. Nothing here imports
torch, transformers or diffusers at import time: the sidebar may ask the manager for its report
while the studio runs on the offline engine.
"""
