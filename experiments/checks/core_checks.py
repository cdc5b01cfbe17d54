"""The behavioural core's regime checks, in full, with the figures they print.

Run from the project root: ``python experiments/checks/core_checks.py [CHECK ...]``
(checks: recovery, austerity, sanctions, scale, semantics, horizon, levers; default all). The
tests in tests/integration/test_behaviour.py run the same functions in a reduced form.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.validation.checks import CHECKS  # noqa: E402


def main(argv: list[str]) -> int:
    names = argv or list(CHECKS)
    failed = 0
    for name in names:
        ok, lines = CHECKS[name](full=True)
        print(f"== {name}: {'PASS' if ok else 'FAIL'}")
        for line in lines:
            print(f"   {line}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
