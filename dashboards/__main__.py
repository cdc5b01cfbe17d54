"""``python -m dashboards [--host H] [--port P]``: serve the browser dashboard."""

import sys

from dashboards.server import main

sys.exit(main())
