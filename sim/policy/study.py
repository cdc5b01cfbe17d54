"""The Optuna study of ``coprod optimize``: kept in the output folder, asked in fixed batches.

The study lives in ``DIR/optuna.journal`` (Optuna's journal storage: one JSON line per
change, appended), so a killed optimisation keeps every trial it asked. Trials are asked in
batches of a fixed size (batch ``b`` is trials ``b*B .. b*B+B-1``), each trial by a sampler
seeded from the experiment seed and the trial's number, and told only once the whole
batch has run. So a resumed study first asks what is missing of an interrupted batch,
then runs its trials that were asked but not told (the same parameters, the same seeds:
no trial is lost and none repeated), and the sequence of trials is the one an
uninterrupted run would have asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.inputs.experiment_space import OptimizeSpec
from sim.sweep.design import seed_at

JOURNAL = "optuna.journal"
STUDY = "coprod"


def _quiet() -> None:
    import optuna  # noqa: PLC0415 (optuna is slow to import)

    optuna.logging.set_verbosity(optuna.logging.WARNING)


def repair_journal(path: Path) -> str | None:
    """Cut a last line a killed write left unfinished (the next append would corrupt it)."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return None
    keep = data.rfind(b"\n") + 1
    with open(path, "r+b") as handle:
        handle.truncate(keep)
    return f"removed an unfinished last line of {path.name} (a write the kill interrupted)"


def open_study(out: Path, spec: OptimizeSpec, resume: bool) -> tuple[Any, list[str]]:
    """The study in `out` (created, or loaded with `resume`), and notes on what was repaired."""
    import optuna  # noqa: PLC0415
    from optuna.storages import JournalStorage  # noqa: PLC0415
    from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock  # noqa: PLC0415

    _quiet()
    path = out / JOURNAL
    notes = [n for n in [repair_journal(path)] if n]
    lock = Path(f"{path}.lock")
    if lock.exists():  # one writer per output folder: a lock left by a killed run is stale
        lock.unlink()
        notes.append(f"removed {lock.name}, left by a run that was stopped")
    storage = JournalStorage(JournalFileBackend(str(path), lock_obj=JournalFileOpenLock(str(path))))
    directions: list[Any] = list(spec.objectives.values())
    study = optuna.create_study(storage=storage, study_name=STUDY, directions=directions,
                                load_if_exists=resume)
    return study, notes


def sampler_for(spec: OptimizeSpec, seed: int, number: int) -> Any:
    """The sampler that asks trial `number`: TPE for one objective, NSGA-II for several."""
    import optuna  # noqa: PLC0415

    trial_seed = seed_at(seed, number) % 2**32  # the samplers read constraints off the trials
    if spec.sampler == "tpe" or (spec.sampler == "auto" and len(spec.objectives) == 1):
        return optuna.samplers.TPESampler(seed=trial_seed, n_startup_trials=min(10, max(2, spec.trials // 5)))
    return optuna.samplers.NSGAIISampler(seed=trial_seed, population_size=spec.population)


def next_batch(study: Any, spec: OptimizeSpec, seed: int, space: dict[str, Any]) -> list[Any]:
    """The trials to run now: the asked-but-untold ones after completing their batch.

    Returns an empty list when every trial has been told.
    """
    from optuna.trial import Trial, TrialState  # noqa: PLC0415

    asked = len(study.get_trials(deepcopy=False))
    running = list(study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)))
    if not running and asked >= spec.trials:
        return []
    end = min(spec.trials, (asked // spec.batch + (1 if asked % spec.batch or not running else 0)) * spec.batch)
    if running and asked % spec.batch == 0:
        end = asked  # the batch is complete: only run what is untold
    trials = [Trial(study, t._trial_id) for t in running]
    for number in range(asked, end):
        study.sampler = sampler_for(spec, seed, number)
        trials.append(study.ask(space))
    return trials
