"""``coprod optimize``: search the levers for the policies that best meet the objectives.

Optuna proposes candidate policies in batches (`sim.policy.study`: TPE with constraints
for one objective, NSGA-II for several); each candidate runs its replications with common
random numbers in every context (``optimize.contexts`` sampled from the uncertainties, or
the base scenario alone) through the sweep evaluators and store (`sim.policy.campaign`),
and is scored per objective by the stated robustness measure (`sim.policy.scoring`). At
the end the Pareto front (the feasible non-dominated candidates) is run again on fresh
seeds, and each member's scores get 95 % intervals over those replications.

Output folder: ``experiment.json``, ``runs/part-*.parquet`` (every run, labelled by trial
and context; re-evaluation runs have trial ids after the search's), ``optuna.journal`` (the
study), ``trials.csv``, ``front.csv`` and ``optimize.json``; the report
(`sim.analysis.policy_report`) adds ``pareto.png`` and ``report.html``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.inputs.experiment_fields import ExperimentFile
from sim.policy import scoring, study
from sim.policy.campaign import Campaign, Point, Progress
from sim.policy.export import optuna_space
from sim.policy.measures import interval
from sim.policy.run_cap import Term, check_runs
from sim.policy.setting import Setting, setting
from sim.primitives.errors import InputError, Origin
from sim.primitives.files import write_text
from sim.sweep.design import sample, sampler_seed, spawn_seeds

FRONT_MAX = 20  # distinct front members re-evaluated at most (the first by the first objective)


@dataclass
class OptimizeResult:
    """What an optimisation did and found.

    Attributes:
        out: The output folder.
        trials: One row per trial: number, state, lever values, scores, violation.
        front: The Pareto front re-evaluated on fresh seeds, with intervals.
        ran: Runs made by this call; seconds: its wall-clock time.
        notes: What was repaired on resume.
    """

    out: Path
    trials: pd.DataFrame
    front: pd.DataFrame
    ran: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class Optimisation:
    """The state of one optimisation: setting, contexts, seeds and the campaign."""

    def __init__(self, spec: ExperimentFile, campaign_args: dict[str, Any]):
        o = spec.optimize
        assert o is not None, "an experiment with an optimize section"
        self.spec, self.o = spec, o
        self.setting: Setting = setting(spec, o.window, tuple(o.objectives) + tuple(b.outcome for b in o.subject_to))
        self.contexts = sample(spec.space.uncertainties, o.contexts, sampler_seed(spec.seed, 1)) if o.contexts else [{}]
        seeds = spawn_seeds(spec.seed, spec.replications + o.reevaluate)
        self.seeds, self.fresh = tuple(seeds[:spec.replications]), tuple(seeds[spec.replications:])
        self.levers = spec.space.levers
        self.measure = o.measure
        canonical = {"kind": "optimize", "optimize": _plain(o), "levers": {f.name: f.spec() for f in self.levers},
                     "contexts": self.contexts, "seeds": seeds, "steps": self.setting.steps,
                     "window": self.setting.window, "fixed": spec.fixed, "base": spec.base,
                     "base_parameters": self.setting.base.model_kwargs(), "outcomes": list(self.setting.outcomes),
                     "constraints": [c.text for c in spec.space.constraints]}
        manifest = {"kind": "optimize", "name": spec.name, "description": spec.description, "file": spec.label,
                    "n_contexts": len(self.contexts), "replications": spec.replications}
        self.campaign = Campaign(
            campaign_args["out"], canonical, manifest, labels=self.setting.labels(("trial", int), ("context", int)),
            outcomes=self.setting.outcomes, steps=self.setting.steps, window=self.setting.window,
            points=2 * o.trials * len(self.contexts), stride=max(spec.replications, o.reevaluate, 1),
            **{k: v for k, v in campaign_args.items() if k != "out"})

    def points(self, number: int, params: dict[str, Any], seeds: tuple[int, ...]) -> list[Point]:
        """The points of trial `number` (a re-evaluation: number + trials) in every context."""
        out = []
        for c, context in enumerate(self.contexts):
            values = self.setting.values({**params, **context})
            kwargs = self.setting.kwargs(values, f"trial {number % self.o.trials}, context {c}")
            labels = {"scenario": str(self.spec.base), "trial": number, "context": c,
                      **{k: values[k] for k in self.setting.columns}}
            out.append(Point(number * len(self.contexts) + c, kwargs, labels, seeds))
        return out

    def told(self, numbers: list[int]) -> pd.DataFrame:
        """The recorded runs of trials `numbers` (search runs, every context)."""
        n = len(self.contexts)
        return self.campaign.lookup([t * n + c for t in numbers for c in range(n)], len(self.seeds))

    def table(self, runs: pd.DataFrame, outcome: str) -> np.ndarray:
        """Per trial (rows, in order of appearance) and context: mean over replications."""
        frame = runs.assign(trial=runs.point_id // len(self.contexts), context=runs.point_id % len(self.contexts))
        means = frame.groupby(["trial", "context"], sort=True)[f"{outcome}/{self.measure}"].mean().unstack()
        return means.to_numpy(dtype=float)

    def scores(self, runs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Objective scores and constraint violations (one column per bound) of each trial."""
        o = self.o
        scores = []
        for outcome, direction in o.objectives.items():
            t = self.table(runs, outcome)
            best = scoring.best_per_context(t, direction)
            scores.append([scoring.robust(row, direction, o.robustness, o.quantile, best) for row in t])
        violation = np.zeros((len(scores[0]), len(o.subject_to)))
        for k, bound in enumerate(o.subject_to):
            t = self.table(runs, bound.outcome)
            how = "mean" if o.robustness == "regret" else o.robustness
            direction = "maximize" if bound.op == ">=" else "minimize"
            violation[:, k] = [bound.violation(scoring.robust(row, direction, how, o.quantile)) for row in t]
        return np.array(scores).T, violation


def planned_runs(spec: ExperimentFile) -> int:
    """The most runs optimising `spec` makes: the search's, then the front's re-evaluation.

    Every trial runs its replications in every context (``optimize.contexts``, or the base
    alone); then at most `FRONT_MAX` front members (and no more than the trials) run
    ``optimize.reevaluate`` fresh replications in every context. A trial the model rejects
    runs nothing, so this is an upper bound, reached when none is.

    Raises:
        InputError: More than `sim.policy.run_cap.MAX_RUNS` runs.
    """
    o = spec.optimize
    assert o is not None, "an experiment with an optimize section"
    contexts = (max(1, o.contexts), "contexts" if o.contexts > 1 else "context")
    terms = [Term(((o.trials, "trials"), contexts, (spec.replications, "replications")))]
    if o.reevaluate:
        terms.append(Term(((min(FRONT_MAX, o.trials), "front members"), contexts, (o.reevaluate, "re-evaluations"))))
    return check_runs("the optimisation", terms, field="optimize.trials, optimize.contexts, replications, "
                      "optimize.reevaluate", formula=f"trials x contexts x replications + at most {FRONT_MAX} "
                      "front members x contexts x reevaluate", fix="lower one of these fields",
                      origin=Origin("file", spec.label))


def _plain(o: Any) -> dict[str, Any]:
    return {k: ([str(b) for b in v] if k == "subject_to" else v) for k, v in o.__dict__.items()}


def optimize(spec: ExperimentFile, out: str | Path, *, resume: bool = False, workers: int = 1,
             scheduler: str | None = None, progress: Progress = "never", stream: Any = None,
             pool: Any = None) -> OptimizeResult:
    """Run (or finish, with `resume`) the optimisation of `spec` into `out`.

    Raises:
        InputError: The optimisation would make more than `sim.policy.run_cap.MAX_RUNS`
            runs (`planned_runs`; refused before anything is sampled or written).
        SetupError: `out` already holds a run (without `resume`), the experiment changed
            (with `resume`), or the scheduler cannot be used.
    """
    start, out = time.perf_counter(), Path(out)
    planned_runs(spec)
    job = Optimisation(spec, {"out": out, "resume": resume, "workers": workers, "scheduler": scheduler,
                              "progress": progress, "stream": stream, "pool": pool})
    with job.campaign as campaign:
        the_study, notes = study.open_study(out, job.o, resume)
        space = optuna_space(job.levers)
        while batch := study.next_batch(the_study, job.o, spec.seed, space):
            _run_batch(job, the_study, batch)
        trials = _trials_table(job, the_study)
        front = _reevaluate(job, trials)
        ran = campaign.ran
    result = OptimizeResult(out, trials, front, ran, time.perf_counter() - start, campaign.notes + notes)
    _write(job, result)
    return result


def _run_batch(job: Optimisation, the_study: Any, batch: list[Any]) -> None:
    """Run a batch of trials together, then tell each its scores."""
    from optuna.trial import TrialState  # noqa: PLC0415

    points, failed = [], {}
    for trial in batch:
        try:
            points += job.points(trial.number, trial.params, job.seeds)
        except InputError as err:
            failed[trial.number] = err.message
    runs = job.campaign.run(points, f"trials {batch[0].number}-{batch[-1].number}")
    if job.o.robustness == "regret":  # regret compares with every trial so far
        told = [t.number for t in the_study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))]
        runs = pd.concat([job.told(told), runs]) if told else runs
    scores, violation = job.scores(runs)
    row = {n: i for i, n in enumerate(sorted(set(runs.point_id // len(job.contexts))))}
    for trial in batch:
        if trial.number in failed:
            trial.set_user_attr("error", failed[trial.number])
            the_study.tell(trial, state=TrialState.FAIL)
            continue
        i = row[trial.number]
        for bound, value in zip(job.o.subject_to, violation[i], strict=True):
            trial.set_constraint(str(bound), float(value))
        the_study.tell(trial, [float(s) for s in scores[i]])


def _trials_table(job: Optimisation, the_study: Any) -> pd.DataFrame:
    """One row per trial, scores recomputed over every trial (so regret is final)."""
    trials = the_study.get_trials(deepcopy=False)
    done = [t for t in trials if t.state.name == "COMPLETE"]
    rows = [{"trial": t.number, "state": t.state.name.lower(), **t.params,
             "error": t.user_attrs.get("error", "")} for t in trials]
    table = pd.DataFrame(rows).set_index("trial")
    if done:
        scores, bounds = job.scores(job.told([t.number for t in done]))
        violation = np.maximum(bounds, 0).sum(axis=1)  # 0: feasible
        for k, name in enumerate(job.o.objectives):
            table.loc[[t.number for t in done], name] = scores[:, k]
        table.loc[[t.number for t in done], "violation"] = violation
        front = scoring.pareto_front(scores.tolist(), _directions(job), violation.tolist())
        table["front"] = False
        table.loc[[done[i].number for i in front], "front"] = True
    return table.reset_index()


def _directions(job: Optimisation) -> list[str]:
    return [scoring.score_direction(d, job.o.robustness) for d in job.o.objectives.values()]


def _reevaluate(job: Optimisation, trials: pd.DataFrame) -> pd.DataFrame:
    """The front run again on fresh seeds: scores per replication, mean and 95 % interval."""
    if "front" not in trials or not job.fresh:
        return pd.DataFrame()
    first = next(iter(job.o.objectives))
    levers = [f.name for f in job.levers]
    members = trials[trials.front].sort_values(first, ascending=job.o.objectives[first] == "minimize")
    members = members.drop_duplicates(subset=levers).head(FRONT_MAX)  # NSGA-II repeats itself
    offset = job.o.trials
    points = [p for _, m in members.iterrows()
              for p in job.points(int(m.trial) + offset, {k: m[k] for k in levers}, job.fresh)]
    runs = job.campaign.run(points, "re-evaluation")
    rows = []
    for _, m in members.iterrows():
        mine = runs[runs.point_id // len(job.contexts) == int(m.trial) + offset]
        row = {"trial": int(m.trial), **{k: m[k] for k in levers}}
        for outcome, direction in job.o.objectives.items():
            per_rep = _per_replicate(job, mine, runs, outcome, direction)
            mean, low, high = interval(outcome, per_rep)
            row.update({outcome: m[outcome], f"{outcome}/fresh": mean, f"{outcome}/low": low,
                        f"{outcome}/high": high})
        rows.append(row)
    front = pd.DataFrame(rows)
    names = list(job.o.objectives)
    fresh = front[[f"{n}/fresh" for n in names]].to_numpy().tolist()
    front["dominated_on_fresh_seeds"] = [any(scoring.dominates(fresh[j], fresh[i], _directions(job))
                                             for j in range(len(fresh)) if j != i) for i in range(len(fresh))]
    front["dominated_beyond_intervals"] = scoring.dominated_beyond_intervals(
        front[[f"{n}/low" for n in names]].to_numpy().tolist(),
        front[[f"{n}/high" for n in names]].to_numpy().tolist(), _directions(job))
    return front


def _per_replicate(job: Optimisation, mine: pd.DataFrame, runs: pd.DataFrame, outcome: str,
                   direction: str) -> list[float]:
    """The member's score on each fresh replication (regret: against the front's best)."""
    o, column = job.o, f"{outcome}/{job.measure}"
    out = []
    for k in sorted(mine.replicate.unique()):
        values = mine[mine.replicate == k].sort_values("point_id")[column].to_numpy()
        best = None
        if o.robustness == "regret":
            rep = runs[runs.replicate == k].assign(context=runs.point_id % len(job.contexts))
            best = scoring.best_per_context(rep.pivot_table(index="point_id", columns="context", values=column)
                                            .to_numpy(), direction)
        out.append(scoring.robust(values, direction, o.robustness, o.quantile, best))
    return out


def _write(job: Optimisation, result: OptimizeResult) -> None:
    out = result.out
    for name, frame in (("trials.csv", result.trials), ("front.csv", result.front)):
        write_text(out / name, frame.to_csv(index=False))
    summary = {"objectives": job.o.objectives, "subject_to": [str(b) for b in job.o.subject_to],
               "robustness": job.o.robustness, "quantile": job.o.quantile, "measure": job.measure,
               "window": job.setting.window, "steps": job.setting.steps, "contexts": len(job.contexts),
               "replications": len(job.seeds), "reevaluate": len(job.fresh), "trials": job.o.trials,
               "levers": [f.name for f in job.levers], "ran": result.ran, "seconds": result.seconds}
    write_text(out / "optimize.json", json.dumps(summary, indent=1, default=str) + "\n")
