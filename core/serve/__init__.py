"""The local models as a Ray Serve application behind OpenAI-compatible routes.

The studio's remote engine (`core.providers.remote_openai`, `remote_upscaler`) drives it unchanged,
so studio replicas stay thin web servers and the models run where the GPUs are: one machine
(`python -m core serve` starts Ray itself) or a Ray cluster (KubeRay's RayService deploys
`core.serve.app:build` with the same arguments; see deploy/).

- `plan`: what to serve and how (models, replicas, GPU share, autoscaling, batching), from the
  command line or a RayService's `args`; no Ray import, so the CLI can check options first;
- `models`: one Serve deployment per model, each wrapping the project's own local backend
  (`core.providers.local_*`), pictures batched with `@serve.batch`;
- `gateway`: the FastAPI ingress with the OpenAI routes, calling the model deployments through
  their handles, asking again when a replica died mid-request;
- `app`: building the application and running it (`python -m core serve`).

Ray, FastAPI and the model libraries are imported only here, never by the studio itself.
"""
