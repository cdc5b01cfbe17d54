"""Serve the dashboard on this machine: ``coprod dashboard`` / ``python -m dashboards``.

The server is Solara's Starlette app under uvicorn, configured to work offline: Solara's
front-end comes from the ``solara-assets`` package (installed in ``sys.prefix``), the
server never fetches a missing asset from a CDN, Solara's telemetry and its one-off
"installation check" iframe are off (production mode), and the app draws its charts on
the server with matplotlib, so the browser talks only to this server.

It is safe to leave running (`dashboards.guard`): WebSockets from other origins are
refused, a session whose page went away without closing it is culled after
``--idle-timeout`` seconds (Solara's default keeps it 24 hours), at most ``--max-sessions``
sessions are open at once (more get a "too many sessions" page), ``/resourcez`` is not
served, and ``--host`` beyond loopback prints a warning and requires a token, printed once
in the address.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import os
import secrets
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from dashboards.guard import Guard, Policy, is_loopback

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_IDLE_SECONDS = 300.0
DEFAULT_MAX_SESSIONS = 40
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


def access(host: str, token: str | None) -> tuple[str | None, str | None]:
    """(token required, warning to print) for serving on `host`.

    Beyond loopback every request needs a token (`token`, or a fresh random one); on
    loopback only a `token` given explicitly is required.
    """
    if is_loopback(host):
        return token, None
    return token or secrets.token_urlsafe(18), (
        f"coprod dashboard: WARNING: --host {host} makes the dashboard reachable from other machines; "
        "every request needs the token in the address below (anyone with it can use the dashboard)")


def reclaim_memory(live: Callable[[], int], every: float = 5.0) -> threading.Thread:
    """Return memory to the system after sessions close: a daemon thread, checking `every` s.

    A closed session's widgets, figures and model are reference cycles that only a full
    collection frees, and glibc keeps freed memory unless asked; so when the number of
    `live` sessions drops, collect and trim. Without it the server's memory stays at its
    peak after a class leaves.
    """
    trim = getattr(ctypes.CDLL(ctypes.util.find_library("c")), "malloc_trim", None) if sys.platform == "linux" else None

    def watch() -> None:
        before = live()
        while True:
            time.sleep(every)
            now = live()
            if now < before:
                gc.collect()
                if trim is not None:
                    trim(0)
            before = now

    thread = threading.Thread(target=watch, name="coprod-reclaim", daemon=True)
    thread.start()
    return thread


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, log_level: str = "warning", *,
          idle_timeout: float = DEFAULT_IDLE_SECONDS, max_sessions: int = DEFAULT_MAX_SESSIONS,
          token: str | None = None) -> None:
    """Run the dashboard server until interrupted (`dashboards.guard` in front of Solara)."""
    configure_environment()
    check_assets()
    import uvicorn  # noqa: PLC0415
    from solara.server import kernel_context, settings  # noqa: PLC0415

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    settings.assets.proxy = True  # type: ignore[attr-defined]  # serve assets from the local cache, never redirect to a CDN
    settings.kernel.cull_timeout = f"{idle_timeout:g}s"  # a session closed without its close beacon
    from solara.server.starlette import app  # noqa: PLC0415

    token, warning = access(host, token)
    policy = Policy(host, port, is_loopback(host), token, max_sessions)
    guarded = Guard(app, policy, sessions=lambda: set(kernel_context.contexts))
    reclaim_memory(lambda: len(kernel_context.contexts))
    shown = socket.gethostname() if host in ("0.0.0.0", "::") else host
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(f"coprod dashboard: http://{shown}:{port}/{f'?token={token}' if token else ''} (Ctrl-C to stop)",
          flush=True)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    # Frames are PNGs already: compressing the WebSocket again only costs time.
    uvicorn.run(guarded, host=host, port=port, log_level=log_level, ws_per_message_deflate=False)


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The dashboard's command-line options (shared by ``coprod dashboard``)."""
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}; any other needs the printed token)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--idle-timeout", type=float, default=DEFAULT_IDLE_SECONDS, metavar="SECONDS",
                        help="close a session this long after its page went away without closing it "
                             f"(default {DEFAULT_IDLE_SECONDS:g})")
    parser.add_argument("--max-sessions", type=int, default=DEFAULT_MAX_SESSIONS, metavar="N",
                        help=f"sessions open at once; more get a 'too many sessions' page (default {DEFAULT_MAX_SESSIONS})")
    parser.add_argument("--token", help="require this token on every request (default: a random one "
                                        "when --host is not a loopback address, none otherwise)")
    parser.add_argument("--log-level", default="warning",
                        choices=("critical", "error", "warning", "info", "debug"),
                        help="server log level (default warning)")
    return parser


def relaunch_with_compact_memory(args: argparse.Namespace) -> None:
    """Restart this process as ``python -m dashboards`` with an allocator that gives memory back.

    Each session renders in its own thread; with Python's small-object allocator and one
    glibc arena per thread, the memory of closed sessions stays fragmented and held (about
    1.5x the baseline after a class of 12 left). System malloc for Python objects
    (``PYTHONMALLOC=malloc``) and two arenas (``MALLOC_ARENA_MAX=2``) bring it back to
    about 1.1x (`reclaim_memory` trims it). Linux only; done once (same pid, same options).
    """
    if sys.platform != "linux" or os.environ.get("PYTHONMALLOC") == "malloc":
        return
    argv = [sys.executable, "-m", "dashboards", "--host", args.host, "--port", str(args.port),
            "--idle-timeout", f"{args.idle_timeout:g}", "--max-sessions", str(args.max_sessions),
            "--log-level", args.log_level, *(["--token", args.token] if args.token else [])]
    sys.stdout.flush()
    os.execve(sys.executable, argv, {**os.environ, "PYTHONMALLOC": "malloc", "MALLOC_ARENA_MAX": "2"})


def run(args: argparse.Namespace) -> int:
    """Serve with parsed options; returns an exit status (2 when it cannot start)."""
    bad = [(flag, value, allowed) for flag, value, ok, allowed in (
        ("--port", args.port, 0 < args.port < 65536, "an integer in [1, 65535]"),
        ("--idle-timeout", args.idle_timeout, 0 < args.idle_timeout <= 86400, "a number of seconds in (0, 86400]"),
        ("--max-sessions", args.max_sessions, 0 < args.max_sessions <= 1000, "an integer in [1, 1000]"),
        ("--token", args.token, args.token is None or len(args.token) >= 8, "at least 8 characters"),
    ) if not ok]
    for flag, value, allowed in bad:
        print(f"{flag}: value {value} is not valid; allowed: {allowed}", file=sys.stderr)
    if bad:
        return 2
    relaunch_with_compact_memory(args)
    try:
        serve(args.host, args.port, args.log_level, idle_timeout=args.idle_timeout,
              max_sessions=args.max_sessions, token=args.token)
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
