"""ReportTally counts reports per person: a departed resident's reports stay theirs."""

from types import SimpleNamespace

import numpy as np

from sim.validation.platform import ReportTally


def _month(reports, moved=()):
    return SimpleNamespace(last_step=SimpleNamespace(reports=np.array(reports)),
                           moved=np.array(moved, dtype=np.int64))


def test_a_newcomer_does_not_inherit_the_previous_residents_reports():
    tally = ReportTally()
    tally(_month([2, 0, 1]))
    tally(_month([1, 0, 0], moved=[0]))  # home 0: a newcomer, who reports once
    tally(_month([0, 0, 3]))
    assert sorted(tally.residents().tolist()) == [0, 1, 2, 4]
    assert sorted(tally.users().tolist()) == [1, 2, 4]


def test_without_moves_the_tally_is_the_sum_per_home():
    tally = ReportTally()
    for reports in ([1, 0, 2], [0, 0, 1]):
        tally(_month(reports))
    assert tally.residents().tolist() == [1, 0, 3]
    assert tally.users().tolist() == [1, 3]
