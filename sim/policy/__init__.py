"""Policy design beyond comparison: search, scenario discovery and attribution.

The modules, one concept each, all clients of the sweep evaluators (`sim.sweep.execute`:
in process, a local pool, Dask) and the sweep store (`sim.sweep.store`), so every run they
make is seeded, recorded in Parquet and resumable like a sweep run:

- `sim.policy.measures`: steady state (the mean over a final window) and final values of
  each run, and intervals (shares: bounded to [0, 1]).
- `sim.policy.point`: `run_point`, one run of a parameter point (``sim.run_point``).
- `sim.policy.export`: the declared parameters as a SALib problem, EMA Workbench
  parameters, an Optuna search space and Mesa SolaraViz ``model_params``.
- `sim.policy.campaign`: an output folder of runs made in batches (manifest, store,
  evaluator, progress).
- `sim.policy.run_cap`: the cap on one command's total runs (the sweeps' `MAX_RUNS`),
  checked by each tool's ``planned_runs`` before any run.
- `sim.policy.optimize`: ``coprod optimize`` (Optuna: TPE or NSGA-II, robust scores,
  Pareto front re-evaluated on fresh seeds).
- `sim.policy.discover`: ``coprod discover`` (PRIM boxes of the contexts where a policy
  falls short).
- `sim.policy.explain`: ``coprod explain`` (one-at-a-time switches and exact Shapley
  values of the levers two scenarios differ in).

Nothing is imported here, so ``import sim.policy`` stays light. See docs/policy.md.
"""
