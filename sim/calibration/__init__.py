"""`coprod calibrate`: fit model parameters to a city's data by ABC-SMC (pyabc).

The flow, one module per concept (docs/calibration.md):

- `targets` reads a targets file (`schema` is its pydantic schema, `priors` the prior of
  each fitted parameter, checked against the parameter's declared range) and resolves it
  into a `Targets` value: the base scenario's model keyword arguments, the priors, the
  observed data and the fit settings, with a hash ``--resume`` compares.
- `observed` reads a CSV of observed monthly series; `patterns` holds the built-in
  calibration patterns (their published targets and the statistic each computes from a
  model run); `statistics` turns series into window means, and `distance` compares them
  on scales fixed once from a prior-predictive sample.
- `simulate` is what a worker runs: parameters -> seeded model runs -> statistics.
- `sampler` runs pyabc's particles on local processes or a Dask cluster, each job seeded
  from (seed, generation, job id) and kept in job order, so the same seed gives the same
  posterior on any number of workers.
- `fit` drives pyabc's `ABCSMC` with its SQLite history in the output folder (resumable);
  `posterior`, `predictive`, `plots` and `outputs` write what a fit found.
"""
