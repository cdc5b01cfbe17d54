"""Serve the dashboard on this machine: ``coprod dashboard`` / ``python -m dashboards``.

The server is Solara's Starlette app under uvicorn, configured to work offline: Solara's
front-end comes from the ``solara-assets`` package (installed in ``sys.prefix``), the
server never fetches a missing asset from a CDN, Solara's telemetry and its one-off
"installation check" iframe are off (production mode), and the app draws its charts on
the server with matplotlib, so the browser talks only to this server.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "dashboards.app"
#: Front-end bundles the page loads from Solara's asset directory (``_solara/cdn/...``).
REQUIRED_ASSETS = ("@widgetti/solara-vuetify-app@10.1.1/dist",)


class DashboardError(RuntimeError):
    """The dashboard cannot be served (missing offline assets, bad option)."""


def configure_environment() -> None:
    """Environment for an offline, production Solara server (before Solara is imported)."""
    os.environ["SOLARA_APP"] = APP
    os.environ["SOLARA_MODE"] = "production"  # no solara.dev check iframe, no auto-reload
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    os.environ["SOLARA_THEME_SHOW_BANNER"] = "false"
    os.environ["SOLARA_THEME_TITLE"] = "coprod dashboard"
    os.environ.setdefault("MPLBACKEND", "Agg")
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:  # `dashboards` importable from any working directory
        sys.path.insert(0, root)


def asset_dir() -> Path:
    """Where Solara serves its front-end assets from (filled by the ``solara-assets`` package)."""
    return Path(sys.prefix) / "share" / "solara" / "cdn"


def check_assets() -> None:
    """Fail early, with what to install, if Solara's front-end is not available offline.

    Raises:
        DashboardError: The ``solara-assets`` files are missing.
    """
    missing = [name for name in REQUIRED_ASSETS if not (asset_dir() / name).is_dir()]
    if missing:
        import solara  # noqa: PLC0415

        raise DashboardError(
            f"Solara's front-end assets are missing from {asset_dir()} ({', '.join(missing)}); "
            "without them the page would load from a CDN, which this dashboard never does. "
            f"Install them with: pip install 'solara-assets=={solara.__version__}' "
            "(or `make setup`)."
        )


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, log_level: str = "warning") -> None:
    """Run the dashboard server until interrupted."""
    configure_environment()
    check_assets()
    import uvicorn  # noqa: PLC0415
    from solara.server import settings  # noqa: PLC0415

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    settings.assets.proxy = True  # type: ignore[attr-defined]  # serve assets from the local cache, never redirect to a CDN
    from solara.server.starlette import app  # noqa: PLC0415

    print(f"coprod dashboard: http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    # Frames are PNGs already: compressing the WebSocket again only costs time.
    uvicorn.run(app, host=host, port=port, log_level=log_level, ws_per_message_deflate=False)


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The dashboard's command-line options (shared by ``coprod dashboard``)."""
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--log-level", default="warning",
                        choices=("critical", "error", "warning", "info", "debug"),
                        help="server log level (default warning)")
    return parser


def run(args: argparse.Namespace) -> int:
    """Serve with parsed options; returns an exit status (2 when it cannot start)."""
    if not 0 < args.port < 65536:
        print(f"--port: value {args.port} is not valid; allowed: an integer in [1, 65535]",
              file=sys.stderr)
        return 2
    try:
        serve(args.host, args.port, args.log_level)
    except DashboardError as err:
        print(f"coprod dashboard: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m dashboards``."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboards", description="Serve the coprod browser dashboard."
    )
    return run(add_arguments(parser).parse_args(argv))
