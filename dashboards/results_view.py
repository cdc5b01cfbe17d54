"""The results explorer: what ``coprod optimize``, ``discover`` and ``explain`` found, in the browser.

Pick an output folder (found under the folder typed, ``runs`` by default); an optimisation
shows its Pareto front (click a policy on the chart, or choose it in the list), a discovery
the contexts where its policy falls short, an explanation which levers make the
difference. The policy picked can be loaded into the live run or into either side of the
A/B comparison.
"""

from __future__ import annotations

import html
from pathlib import Path

import solara

from dashboards import results
from dashboards.pareto import PickSvg, front_svg
from dashboards.results import Policy, Result
from dashboards.state import load_policy, policy_to_ab, results_chosen, results_folder, results_pick
from sim.analysis import style
from sim.primitives.errors import SetupError

HOW = ("Make one with, e.g., <code>coprod optimize experiments/policy_search.yaml --out "
       "runs/policy_search</code>, <code>coprod discover experiments/codelivery_contexts.yaml --out "
       "runs/codelivery_contexts</code> or <code>coprod explain consultative co_delivery</code>.")


def _score(name: str, score: tuple[float, float, float]) -> str:
    mean, low, high = score
    low, high = (float(x) for x in style.clip_share(name, [low, high]))
    return (f"{style.outcome_axis(name).title}: {style.format_value(name, mean)} "
            f"(95 % interval {style.format_value(name, low)} to {style.format_value(name, high)})")


@solara.component
def PolicyCard(policy: Policy, result: Result):
    """The policy picked: its levers in words, its scores, and where to load it."""
    with solara.Card(f"Picked: {policy.title}", margin=0, classes=["coprod-results-policy"]):
        fixed = Policy("", "", policy.base, levers=policy.fixed).words() if policy.fixed else ""
        base = policy.base + (f" with {fixed}" if fixed else "")
        solara.Text(f"Levers: {policy.words()}. Base: {base}"
                    + (f", {policy.steps} months." if policy.steps else "."),
                    classes=["coprod-results-levers"])
        if policy.scores:
            solara.HTML(tag="ul", unsafe_innerHTML="".join(
                f"<li>{html.escape(_score(n, s))}</li>" for n, s in policy.scores.items()),
                classes=["coprod-results-scores"])
        with solara.Row(gap="6px", style="flex-wrap: wrap"):
            solara.Button("Load into the live run", on_click=lambda: load_policy(policy), color="primary",
                          icon_name="mdi-play-circle", classes=["coprod-results-live"])
            for side in "AB":
                solara.Button(f"Set as {side} in A/B", on_click=lambda s=side: policy_to_ab(policy, s),
                              color="primary", outlined=True, icon_name="mdi-compare",
                              classes=[f"coprod-results-{side}"])


@solara.component
def FrontView(result: Result):
    """The Pareto front: click a policy (or choose it below)."""
    pick = results_pick.value if result.policy(results_pick.value) else None
    svg = solara.use_memo(lambda: front_svg(result.trials, result.policies, result.objectives, pick),
                          [result.folder, pick])
    PickSvg.element(svg=svg, css_class="coprod-pareto", on_pick=results_pick.set)
    titles = {p.title: p.key for p in result.policies}
    chosen = next((t for t, k in titles.items() if k == pick), None)
    solara.Select("Policy on the front", values=list(titles), value=chosen,
                  on_value=lambda t: results_pick.set(titles[t]), classes=["coprod-results-pick"])


@solara.component
def ResultBody(result: Result):
    """One result: what was asked, what was found, the policy picked."""
    first = result.description.strip().split("\n\n")[0]
    solara.HTML(tag="p", unsafe_innerHTML=f"<b>{html.escape(result.kind)}: {html.escape(result.name)}</b>. "
                f"{html.escape(' '.join(first.split()))}", classes=["coprod-results-about"])
    if result.kind == "optimize":
        if not result.policies:
            solara.Warning("No front was re-evaluated: no feasible trial.")
        else:
            FrontView(result)
    if result.sentences:
        solara.HTML(tag="ul", unsafe_innerHTML="".join(f"<li>{html.escape(s)}</li>" for s in result.sentences),
                    classes=["coprod-results-sentences"])
    if result.kind != "optimize":
        keys = [p.key for p in result.policies]
        with solara.Row(gap="6px"):
            for p in result.policies:
                solara.Button(p.title, on_click=lambda k=p.key: results_pick.set(k), text=True,
                              classes=[f"coprod-results-pick-{p.key}"],
                              outlined=results_pick.value == p.key)
        if results_pick.value not in keys:
            return
    policy = result.policy(results_pick.value)
    if policy is not None:
        PolicyCard(policy, result)
    report = result.folder / "report.html"
    if report.is_file():
        solara.Text(f"The full report: {report}", style="font-size: 13px; color: #666")


@solara.component
def ResultsView():
    """Choose an output folder and explore it."""
    folder = results_folder.value
    looked, look_again = solara.use_state(0)
    found = solara.use_memo(lambda: {_name(folder, p): str(p) for p in results.find(folder)}, [folder, looked])
    with solara.Row(style="align-items: center"):
        solara.InputText("Results folder (the --out of coprod optimize, discover or explain, or a folder above)",
                         value=folder, on_value=results_folder.set, continuous_update=False,
                         classes=["coprod-results-folder"], style="min-width: 480px")
        solara.Button("Look again", on_click=lambda: look_again(looked + 1), text=True, icon_name="mdi-refresh")
    if not found:
        solara.HTML(tag="p", unsafe_innerHTML=f"No results of optimize, discover or explain under "
                    f"<code>{html.escape(folder)}</code>. {HOW}", classes=["coprod-results-none"])
    else:
        ResultChoice(found)


@solara.component
def ResultChoice(found: dict[str, str]):
    """Pick one of the output folders found (name -> path) and show it."""
    chosen = results_chosen.value
    if chosen is None or chosen not in found.values():
        chosen = next(iter(found.values()))

    def choose(name: str) -> None:
        results_chosen.set(found[name])
        results_pick.set(None)

    solara.Select("Result", values=list(found), value=next(n for n, p in found.items() if p == chosen),
                  on_value=choose, classes=["coprod-results-choice"])
    loaded = solara.use_memo(lambda: _load(chosen), [chosen])
    if isinstance(loaded, str):
        solara.Error(loaded, classes=["coprod-results-error"])
    else:
        ResultBody(loaded)


def _load(folder: str) -> Result | str:
    try:
        return results.load(folder)
    except SetupError as err:
        return str(err)


def _name(folder: str, path: Path) -> str:
    root = Path(folder).expanduser()
    kind = results.kind_of(path)
    where = "." if path == root else str(path.relative_to(root))
    return f"{where} ({kind})"
