"""Sweeps: many runs of the model over a design, streamed to Parquet, then reported.

An *experiment file* (``experiments/*.yaml``) names a base scenario (or several), the
parameters to vary as dotted scenario paths, a design (grid, lhs, sobol, morris), the
replications per design point, the steps and the outcomes to record. The modules, one
concept each:

- `sim.inputs.experiment`: the experiment-file schema and its resolution into design
  points, run seeds and a canonical hash.
- `sim.sweep.design`: the samplers (grid, Latin hypercube, Sobol, Morris) and run seeds.
- `sim.sweep.chunks`: a chunk of runs, the function workers run on it, and the check that
  a worker runs the coordinator's code.
- `sim.sweep.execute`, `sim.sweep.cluster`: the evaluators that run chunks in process, in
  a local process pool or on a Dask distributed cluster.
- `sim.sweep.lock`: one writer per output folder.
- `sim.sweep.store`: ``experiment.json``, Parquet part files written atomically with their
  checksums; `sim.sweep.verify`: the scan that verifies them (checksums, the design,
  duplicates) before any run counts, on ``--resume`` and in the report.
- `sim.sweep.coordinator`: the coordinator: ``run_sweep`` ties the above together with a
  progress bar; the estimate of a sweep's cost shown before it starts.
- `sim.analysis.report`, `sim.analysis.plots`, `sim.analysis.sensitivity`: ``summary.csv``, PNG
  plots, SALib indices and the self-contained ``report.html``.

Nothing is imported here, so ``import sim.sweep`` stays light. See docs/sweeps.md.
"""
